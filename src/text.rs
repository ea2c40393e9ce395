//! Byte scans over text, shared by the readers and the writers: they run on every line of a
//! graph, so they use `memchr`'s vectorised search rather than building a searcher per call.

/// `text.split('\n')`, found with a vectorised scan.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(text.len()));
    ends.map(move |end| {
        let line = &text[start..end];
        start = end + 1;
        line
    })
}

/// `text.trim()`, without its character-by-character Unicode test when both ends are visible
/// ASCII (nearly every line of notes): Unicode whitespace is either ASCII at or below the space,
/// or starts with a byte of 0x80 or above.
#[inline]
pub fn trim(text: &str) -> &str {
    let visible = |b: Option<&u8>| b.is_some_and(|&b| b > b' ' && b < 0x80);
    match visible(text.as_bytes().first()) && visible(text.as_bytes().last()) {
        true => text,
        false => text.trim(),
    }
}

/// Whether `text` holds the two bytes `pair` in a row.
pub fn has_pair(text: &[u8], pair: &[u8; 2]) -> bool {
    memchr::memchr_iter(pair[0], text).any(|i| text.get(i + 1) == Some(&pair[1]))
}

/// A lookup table of the given bytes and of every byte below `below`.
pub const fn byte_table(bytes: &[u8], below: u8) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = i < below as usize;
        i += 1;
    }
    let mut k = 0;
    while k < bytes.len() {
        t[bytes[k] as usize] = true;
        k += 1;
    }
    t
}

/// The first index from `from` of a byte in `table`; `hit` tests the same set, or a superset,
/// by comparisons (combined with `|`, not `||`: branches would keep the compiler from
/// vectorising; neighbouring bytes as one range test). Whole 32-byte chunks are tested with
/// `hit` without an early exit, OR-ed as bytes (an OR of bools is not always vectorised), which
/// the compiler turns into vector compares; the chunk with a hit, and the tail, go through the
/// table. Bytes that matter are rare in most text: scanners use this to skip to the next one.
#[inline]
pub fn find_in(b: &[u8], from: usize, table: &[bool; 256], hit: impl Fn(u8) -> bool + Copy) -> Option<usize> {
    let mut at = from;
    for c in b[from..].chunks_exact(32) {
        if c.iter().fold(0u8, |a, &x| a | hit(x) as u8) != 0 {
            break;
        }
        at += 32;
    }
    b[at..].iter().position(|&x| table[x as usize]).map(|p| at + p)
}

/// Whether the bytes at `i` are U+FFFE or U+FFFF (EF BF BE/BF), the noncharacters that
/// XML forbids and that readers warn of.
pub fn noncharacter_at(b: &[u8], i: usize) -> bool {
    b.get(i) == Some(&0xEF) && b.get(i + 1) == Some(&0xBF) && matches!(b.get(i + 2), Some(0xBE | 0xBF))
}

/// For tests of a [`find_in`] caller: the first byte of `table` that `hit` misses (it must
/// miss none, or a chunk holding that byte would be skipped).
/// Whether a file's name is that of an image the tool shows (PNG, JPEG, GIF, WebP, SVG): the
/// reader takes `[[../assets/x.png]]` for a picture, and the resolver calls such a file broken
/// when it holds no picture; any other file is linked.
pub fn is_image_name(path: &str) -> bool {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    matches!(ext.as_str(), "png" | "jpg" | "jpeg" | "gif" | "webp" | "svg")
}

#[cfg(test)]
pub fn uncovered(table: &[bool; 256], hit: impl Fn(u8) -> bool) -> Option<u8> {
    (0..=255u8).find(|&c| table[c as usize] && !hit(c))
}

#[cfg(test)]
mod tests {

    #[test]
    fn image_names() {
        assert!(super::is_image_name("../assets/My Chart.JPEG") && super::is_image_name("a.svg"));
        // Files no format shows as a picture are linked instead.
        assert!(
            !super::is_image_name("scan.tiff") && !super::is_image_name("notes.pdf") && !super::is_image_name("png")
        );
    }
    use super::{byte_table, find_in, has_pair, lines};

    #[test]
    fn trims_as_str_trims() {
        for t in ["", " ", "a", " a", "a ", "\ta b\n", "\u{a0}x", "x\u{2003}", "é", "\u{1c}a", "a\u{7f}", "\u{85}"] {
            assert_eq!(super::trim(t), t.trim(), "{t:?}");
        }
    }

    #[test]
    fn finds_bytes_across_chunks() {
        const LT: [bool; 256] = byte_table(b"<", 0);
        let find = |b: &[u8], from| find_in(b, from, &LT, |c| c == b'<');
        let mut b = vec![b'a'; 100];
        assert_eq!(find(&b, 0), None);
        for at in [0, 31, 32, 63, 64, 95, 96, 99] {
            b[at] = b'<';
            assert_eq!(find(&b, 0), Some(at));
            assert_eq!(find(&b, at), Some(at));
            assert_eq!(find(&b, at + 1), None);
            b[at] = b'a';
        }
        assert_eq!(find(&b, 100), None);
        assert_eq!(byte_table(b"<", 3).iter().filter(|&&t| t).count(), 4);
    }

    #[test]
    fn lines_split_like_str_split() {
        for t in ["", "a", "a\n", "\n", "a\nb", "a\r\n\nb\n\n", "é\n中"] {
            assert_eq!(lines(t).collect::<Vec<_>>(), t.split('\n').collect::<Vec<_>>(), "{t:?}");
        }
    }

    #[test]
    fn pairs() {
        assert!(has_pair(b"a((b", b"(("));
        assert!(has_pair(b"((", b"(("));
        assert!(!has_pair(b"(a(", b"(("));
        assert!(!has_pair(b"a(", b"(("));
    }
}
