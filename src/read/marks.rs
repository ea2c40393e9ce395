//! What a raw block may hold that a partial read must not skip, found in one pass over the
//! page. The skim and a deck's reading test every block of the graph this way; a false
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
    /// The marks of every block of a page, from two searches over the whole `text` the
    /// blocks' lines were split from (most blocks are one short line: a search per line
    /// costs more in setting up than in searching). A mark's neighbour bytes are looked up in
    /// the page, where a line's end or its removed indentation stands for the line's bounds:
    /// no pattern takes a line break or a space as its second byte, or `!`/`]` as its first.
    pub fn of_page(text: &str, raw: &[RawBlock]) -> Vec<Marks> {
        let mut marks = vec![Marks::default(); raw.len()];
        // Where a line lies in the page (its lines are slices of it).
        let at = |line: &str| (line.as_ptr() as usize).checked_sub(text.as_ptr() as usize).filter(|&o| o <= text.len());
        // Each block's lines are one run of the page: [start, end) in bytes. A block whose
        // lines were not found there (none are) is marked as holding everything.
        let spans: Vec<(usize, usize)> = raw
            .iter()
            .zip(&mut marks)
            .map(|(r, m)| match (r.lines.first(), r.lines.last()) {
                (Some(f), Some(l)) => match (at(f.text), at(l.text)) {
                    (Some(start), Some(end)) => (start, end + l.text.len()),
                    _ => {
                        *m = Marks { card: true, matters: true, block_ref: true };
                        (0, 0)
                    }
                },
                _ => (0, 0),
            })
            .collect();
        let b = text.as_bytes();
        let mut find = |hits: &mut dyn Iterator<Item = usize>, mark: &dyn Fn(&mut Marks, &[u8], usize)| {
            let mut k = 0;
            for i in hits {
                while k < spans.len() && spans[k].1 <= i {
                    k += 1;
                }
                match spans.get(k) {
                    Some(&(start, _)) if start <= i => mark(&mut marks[k], b, i),
                    Some(_) => {}
                    None => break,
                }
            }
        };
        find(&mut memchr::memchr3_iter(b'#', b'[', b'{', b), &Marks::bracket);
        find(&mut memchr::memchr2_iter(b':', b'(', b), &Marks::colon);
        marks
    }

    /// A `#`, `[` or `{` at `i`.
    fn bracket(&mut self, b: &[u8], i: usize) {
        let at = |i: usize| b.get(i).copied();
        let card_at = |i: usize| b.get(i..i + 4).is_some_and(|r| r.eq_ignore_ascii_case(b"card"));
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

    /// A `:` or `(` at `i`.
    fn colon(&mut self, b: &[u8], i: usize) {
        match (b[i], b.get(i + 1)) {
            (b':', Some(b':' | b'P' | b'p')) => self.matters = true,
            (b'(', Some(b'(')) => self.block_ref = true,
            _ => {}
        }
    }

    /// The marks of one line (the rule [`Marks::of_page`] applies page-wide).
    #[cfg(test)]
    fn add(&mut self, b: &[u8]) {
        for i in memchr::memchr3_iter(b'#', b'[', b'{', b) {
            self.bracket(b, i);
        }
        for i in memchr::memchr2_iter(b':', b'(', b) {
            self.colon(b, i);
        }
    }
}

/// Whether a page's text may hold a footnote mark (`[^`, or org's `[fn:`): its marks and
/// texts can be in any two blocks, so a partial read takes such a page whole.
pub fn may_have_footnotes(text: &[u8]) -> bool {
    crate::text::has_pair(text, b"[^") || memchr::memmem::find(text, b"[fn:").is_some()
}

/// Whether every block reference a raw block may hold names an id `known` holds: each `((`
/// followed within 40 bytes by `))` around a uuid, as the inline parser reads one, wherever it
/// is (in code too: finding more than the parser only costs parsing the block). A `((` whose
/// `))` may lie on a later line counts as unknown.
pub fn refs_known(raw: &RawBlock, known: &dyn Fn(&str) -> bool) -> bool {
    const WITHIN: usize = 40;
    raw.lines.iter().all(|l| {
        let (t, b) = (l.text, l.text.as_bytes());
        memchr::memchr_iter(b'(', b).filter(|&i| b.get(i + 1) == Some(&b'(')).all(|i| {
            let rest = &t[i + 2..];
            match rest.find("))").filter(|&c| c <= WITHIN) {
                Some(close) => {
                    let inner = rest[..close].trim();
                    !super::inline::is_uuid(inner) || known(&inner.to_ascii_lowercase())
                }
                // The block's next line may close it within reach.
                None => rest.len() >= WITHIN + 2,
            }
        })
    })
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

    /// Every block's marks, line by line, as the page-wide search must find them.
    fn line_by_line(text: &str) -> (Vec<Marks>, Vec<Marks>) {
        let mut store = Vec::new();
        let raw = crate::read::outline::split_blocks(text, &mut store);
        let each = raw
            .iter()
            .map(|r| {
                let mut m = Marks::default();
                r.lines.iter().for_each(|l| m.add(l.text.as_bytes()));
                m
            })
            .collect();
        (Marks::of_page(text, &raw), each)
    }

    #[test]
    fn page_wide_marks_keep_to_their_blocks() {
        // Front matter belongs to no block's lines: its marks count for none.
        let page =
            "---\ntags:: {{x}} #card\n---\n- a #\n  card\n- [b\n\t- ![x](y.png)\n- c {\r\n  {d} :\n- (\n(\n- e ::\n";
        let (page, lines) = line_by_line(page);
        assert_eq!(page, lines);
        assert!(page.iter().filter(|m| m.matters).count() >= 2, "{page:?}");
    }

    proptest! {
        #[test]
        fn page_wide_marks_are_the_lines_marks(
            lines in proptest::collection::vec(
                (0..4usize, prop_oneof![Just("- "), Just("-\t"), Just(""), Just("## "), Just("```")],
                 proptest::collection::vec(
                    prop_oneof![20 => Just('a'), 3 => Just('#'), 3 => Just('['), 2 => Just(']'), 2 => Just('!'),
                                3 => Just('{'), 3 => Just(':'), 3 => Just('('), 2 => Just('c'), 1 => Just('C'),
                                1 => Just('r'), 1 => Just('d'), 1 => Just('+'), 1 => Just('p'), 1 => Just(' '),
                                1 => Just('\r'), 1 => Just('-'), 1 => Just('\t')],
                    0..30,
                 ), any::<bool>()),
                0..20,
            )
        ) {
            let mut text = String::new();
            for (indent, bullet, chars, crlf) in lines {
                text.push_str(&"\t".repeat(indent));
                text.push_str(bullet);
                text.extend(chars);
                text.push_str(if crlf { "\r\n" } else { "\n" });
            }
            let (page, each) = line_by_line(&text);
            prop_assert_eq!(page, each, "{:?}", text);
        }
    }

    /// A block's references as the parser reads them: (uuid, known).
    fn parsed_refs(text: &str, known: &dyn Fn(&str) -> bool) -> (bool, Vec<String>) {
        let mut store = Vec::new();
        let raw = crate::read::outline::split_blocks(text, &mut store);
        let macros = std::collections::HashMap::new();
        let ctx = crate::read::inline::InlineCtx { macros: &macros, compact: false };
        let mut scratch = crate::read::block::Scratch::default();
        let parse = crate::read::block::Parse::All;
        let block = crate::read::block::build_block(&raw[0], &ctx, "a.md", parse, &mut scratch, &mut Vec::new()).block;
        let mut refs = Vec::new();
        crate::ir::for_each_inline(&block.body, &mut |i| {
            if let crate::ir::Inline::BlockRef { uuid, .. } = i {
                refs.push(uuid.clone());
            }
        });
        (refs_known(&raw[0], known), refs)
    }

    const KNOWN: &str = "11111111-2222-4333-8444-555555555555";

    #[test]
    fn references_may_dangle_unless_every_one_is_known() {
        let known = |u: &str| u == KNOWN;
        let other = "99999999-aaaa-4bbb-8ccc-dddddddddddd";
        assert!(parsed_refs(&format!("- a (({KNOWN})) b (( {} ))", KNOWN.to_uppercase()), &known).0);
        assert!(!parsed_refs(&format!("- a (({KNOWN})) b (({other}))"), &known).0);
        assert!(!parsed_refs(&format!("- ((\n  {other}))"), &known).0, "closed on the next line");
        assert!(parsed_refs("- (no reference) ((not a uuid))", &known).0);
    }

    proptest! {
        #[test]
        fn a_block_whose_references_are_known_parses_to_known_references(
            parts in proptest::collection::vec(
                prop_oneof![Just("(("), Just("))"), Just("("), Just(")"), Just(KNOWN),
                            Just("99999999-aaaa-4bbb-8ccc-dddddddddddd"), Just("11111111-2222-4333-8444-55555555555"),
                            Just(" "), Just("word"), Just("\n  "), Just("`"), Just("[["), Just("]]"), Just("{{"), Just("}}")],
                0..16,
            )
        ) {
            let text = format!("- {}\n", parts.concat());
            let known = |u: &str| u == KNOWN;
            let (all_known, refs) = parsed_refs(&text, &known);
            if all_known {
                prop_assert!(refs.iter().all(|u| u == KNOWN), "{:?}: {:?}", text, refs);
            }
        }
    }
}
