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

/// Whether `text` holds the two bytes `pair` in a row.
pub fn has_pair(text: &[u8], pair: &[u8; 2]) -> bool {
    memchr::memchr_iter(pair[0], text).any(|i| text.get(i + 1) == Some(&pair[1]))
}

#[cfg(test)]
mod tests {
    use super::{has_pair, lines};

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
