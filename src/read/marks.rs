//! What a raw block may hold that a partial read must not skip, found in one pass over its
//! lines. The skim and a deck's reading test every block of the graph this way; a false
//! positive only costs parsing the block.

use super::outline::RawBlock;

/// Byte marks of a raw block.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Marks {
    /// A flashcard: `card` in any case right after `#` or `[` (`#card`, `#[[card]]`,
    /// `[[Card]]`), or a macro (`{{cloze …}}`, `{{c1::…}}`, a user macro).
    pub card: bool,
    /// What the skim needs: a property or drawer (`::`, `:PROPERTIES:`), a directive (`#+`),
    /// an image (`![`, `][`) or an embed (`{{`).
    pub matters: bool,
    /// A block reference (`((`), which may dangle.
    pub block_ref: bool,
}

impl Marks {
    /// The marks of every line of a block.
    pub fn of(raw: &RawBlock) -> Marks {
        let mut m = Marks::default();
        for l in raw.lines {
            m.add(l.text.as_bytes());
        }
        m
    }

    fn add(&mut self, b: &[u8]) {
        let at = |i: usize| b.get(i).copied();
        let card_at = |i: usize| b.get(i..i + 4).is_some_and(|r| r.eq_ignore_ascii_case(b"card"));
        // Two vectorised searches (memchr takes up to three bytes at once).
        for i in memchr::memchr3_iter(b'#', b'[', b'{', b) {
            match b[i] {
                b'#' => {
                    self.card |= card_at(i + 1);
                    self.matters |= at(i + 1) == Some(b'+');
                }
                b'[' => {
                    self.card |= card_at(i + 1);
                    self.matters |= i > 0 && matches!(b[i - 1], b'!' | b']');
                }
                _ => {
                    let pair = at(i + 1) == Some(b'{');
                    self.card |= pair;
                    self.matters |= pair;
                }
            }
        }
        for i in memchr::memchr2_iter(b':', b'(', b) {
            match b[i] {
                b':' => self.matters |= matches!(at(i + 1), Some(b':' | b'P' | b'p')),
                _ => self.block_ref |= at(i + 1) == Some(b'('),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::has_pair;
    use proptest::prelude::*;

    /// The rules, one search each.
    fn reference(b: &[u8]) -> Marks {
        let at = |i: usize| b.get(i).copied();
        let card = has_pair(b, b"{{")
            || memchr::memchr2_iter(b'#', b'[', b)
                .any(|i| b.get(i + 1..i + 5).is_some_and(|r| r.eq_ignore_ascii_case(b"card")));
        let matters = memchr::memchr3_iter(b':', b'[', b'{', b).any(|i| match b[i] {
            b':' => matches!(at(i + 1), Some(b':' | b'P' | b'p')),
            b'[' => i > 0 && matches!(b[i - 1], b'!' | b']'),
            _ => at(i + 1) == Some(b'{'),
        }) || has_pair(b, b"#+");
        Marks { card, matters, block_ref: has_pair(b, b"((") }
    }

    fn marks(s: &str) -> Marks {
        let mut m = Marks::default();
        m.add(s.as_bytes());
        m
    }

    #[test]
    fn flashcard_candidates() {
        for yes in ["a #card", "#[[Card]]", "[[CARD]] x", "{{cloze a}}", "{{c1::a}}", "{{my-macro}}"] {
            assert!(marks(yes).card, "{yes}");
        }
        for no in ["plain text", "#car", "{cloze}", "c", "ca", "a card", "discard", "#"] {
            assert!(!marks(no).card, "{no}");
        }
    }

    #[test]
    fn what_the_skim_needs() {
        for yes in ["id:: x", ":PROPERTIES:", ":properties:", "#+BEGIN_QUOTE", "![a](b.png)", "[a][b]", "{{embed x}}"] {
            assert!(marks(yes).matters, "{yes}");
        }
        for no in ["a: b", "[a](b)", "{x}", "#tag", "plain"] {
            assert!(!marks(no).matters, "{no}");
        }
        assert!(marks("see ((uuid))").block_ref);
        assert!(!marks("(a) (b)").block_ref);
    }

    proptest! {
        #[test]
        fn one_scan_finds_what_the_searches_find(
            b in proptest::collection::vec(
                // Mostly letters, so that whole 32-byte chunks hold no mark.
                prop_oneof![40 => Just(b'a'), 3 => Just(b'c'), 2 => Just(b'C'), 2 => Just(b'r'),
                            2 => Just(b'd'), 3 => Just(b'#'), 3 => Just(b'['), 2 => Just(b']'),
                            2 => Just(b'!'), 3 => Just(b'{'), 3 => Just(b':'), 2 => Just(b'p'),
                            2 => Just(b'+'), 3 => Just(b'('), 1 => any::<u8>()],
                0..200,
            )
        ) {
            let mut m = Marks::default();
            m.add(&b);
            prop_assert_eq!(m, reference(&b));
        }
    }
}
