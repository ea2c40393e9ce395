//! Stable identities, so that importing an edited graph again updates its notes: guids from
//! block ids or fronts, deck ids from names, and modification times that change only with
//! the notes' files.

use crate::ir::Page;

/// Used when no modification time is known (standard input) and none is given.
pub(super) const FALLBACK_MOD: i64 = 1_700_000_000;

/// The first 8 bytes of `s`'s SHA-1: the same on every run and machine.
pub(super) fn hash64(s: &str) -> u64 {
    use sha1::{Digest, Sha1};
    let d = Sha1::digest(s.as_bytes());
    u64::from_be_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]])
}

/// A deck's id, from its name (Anki matches decks by name): like a millisecond time between
/// 2017 and 2020, as Anki's ids are.
pub(super) fn deck_id(name: &str) -> i64 {
    1_500_000_000_000 + (hash64(&format!("deck:{name}")) % 100_000_000_000) as i64
}

/// The guid of a block with an `id::`: from the id alone, so it survives any edit or move.
pub(super) fn uuid_guid(uuid: &str) -> String {
    base91(hash64(&format!("notes-export:uuid:{uuid}")))
}

/// The guid of a new note of a block without an id: from its page's name, its note type
/// (basic or cloze), its front as text and how many notes of the page had that front before
/// it. Inserting, deleting or moving other blocks leaves it alone; editing its front changes
/// it, unless the previous deck is known (then the note continues the old one, see
/// [`super::matching`]).
pub(super) fn base_guid(page: &str, cloze: bool, front: &str, occurrence: u32) -> String {
    let kind = if cloze { "cloze" } else { "basic" };
    base91(hash64(&format!("notes-export:note:{page}\x1f{kind}\x1f{front}\x1f{occurrence}")))
}

/// Another guid for a new note whose guid an old note had.
pub(super) fn rehash(guid: &str, k: u32) -> String {
    base91(hash64(&format!("notes-export:again:{guid}:{k}")))
}

fn base91(mut n: u64) -> String {
    const TABLE: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~";
    let mut out = Vec::new();
    while n > 0 {
        out.push(TABLE[(n % 91) as usize]);
        n /= 91;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A note's modification time: its source file's, clamped to `SOURCE_DATE_EPOCH` when given.
pub(super) fn note_mod(page: &Page, timestamp: Option<i64>) -> i64 {
    match (page.mtime, timestamp) {
        (Some(m), Some(t)) => m.min(t),
        (Some(m), None) => m,
        (None, Some(t)) => t,
        (None, None) => FALLBACK_MOD,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_in_range() {
        let a = deck_id("x");
        assert_eq!(a, deck_id("x"));
        assert_ne!(a, deck_id("y"));
        assert!((1_500_000_000_000..1_600_000_000_000).contains(&a));
        assert_eq!(base91(0), "");
        assert_eq!(base91(91), "ba");
    }
}
