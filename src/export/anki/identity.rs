//! Stable identities, so that importing an edited graph again updates its notes: guids from
//! block ids or outline positions, deck ids from names, and modification times that change
//! only with the notes' files.

use crate::ir::{BlockAddr, Page};

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

/// Note guid: from the block's `id::` when it has one, else from the page and the block's
/// position among its siblings (see [`PositionKeys`]), so editing text never changes it.
pub(super) fn guid(page: &Page, a: BlockAddr, keys: &mut PositionKeys) -> String {
    match &page.blocks[a.block as usize].uuid {
        Some(u) => base91(hash64(&format!("notes-export:uuid:{u}"))),
        None => base91(keys.key(a.block)),
    }
}

/// Each block's key from its place in the outline: the page's name, then the position among
/// its siblings at each level (`hash(parent key . position)`), computed only for the blocks
/// that become notes and their ancestors.
pub(super) struct PositionKeys<'p> {
    page: &'p Page,
    keys: Vec<Option<u64>>,
    /// The page's key, the parent key of its top-level blocks.
    top: Option<u64>,
    /// The text a key is hashed from (see [`position_text`]).
    text: String,
}

impl<'p> PositionKeys<'p> {
    pub(super) fn new(page: &'p Page) -> Self {
        PositionKeys { page, keys: vec![None; page.blocks.len()], top: None, text: String::new() }
    }

    fn key(&mut self, b: u32) -> u64 {
        if let Some(k) = self.keys[b as usize] {
            return k;
        }
        let page = self.page;
        // Up to the nearest block with a key (without recursion: outlines can nest deeply),
        // then down again.
        let mut chain = vec![b];
        while let Some(p) = page.blocks[*chain.last().unwrap_or(&b) as usize].parent {
            if self.keys[p as usize].is_some() {
                break;
            }
            chain.push(p);
        }
        let mut key = 0;
        for &c in chain.iter().rev() {
            if let Some(k) = self.keys[c as usize] {
                key = k;
                continue;
            }
            let (parent_key, siblings) = match page.blocks[c as usize].parent {
                Some(p) => (self.keys[p as usize].unwrap_or_default(), &page.blocks[p as usize].children),
                None => {
                    let top = *self.top.get_or_insert_with(|| hash64(&format!("notes-export:page:{}", page.name)));
                    (top, &page.roots)
                }
            };
            let pos = siblings.iter().position(|&s| s == c).unwrap_or(0);
            position_text(&mut self.text, parent_key, pos);
            key = hash64(&self.text);
            self.keys[c as usize] = Some(key);
        }
        key
    }
}

/// `{parent:016x}.{pos}`, written without the formatting machinery (one per note and
/// ancestor); the guids of every deck depend on these bytes.
fn position_text(out: &mut String, parent: u64, pos: usize) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.clear();
    for shift in (0..16).rev() {
        out.push(HEX[(parent >> (shift * 4)) as usize & 15] as char);
    }
    out.push('.');
    out.push_str(itoa::Buffer::new().format(pos));
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
    fn position_text_is_the_formatted_one() {
        let mut t = String::new();
        for (parent, pos) in
            [(0u64, 0usize), (1, 7), (0xdead_beef, 12), (u64::MAX, 123_456), (0x0123_4567_89ab_cdef, 3)]
        {
            super::position_text(&mut t, parent, pos);
            assert_eq!(t, format!("{parent:016x}.{pos}"));
        }
    }

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
