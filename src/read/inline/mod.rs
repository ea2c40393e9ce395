//! Block text → IR nodes.
//!
//! Logseq's extensions (`[[page]]`, `((uuid))`, `{{macro}}`, `#tag`, `$math$`, `==mark==`,
//! `\entity`, `{:width …}` maps, bare URLs, hiccup) are first swapped for private-use placeholders;
//! pulldown-cmark then parses the CommonMark part, and the placeholders are restored as IR
//! nodes (or as their original text inside code). Regions that are not Markdown (`#+BEGIN_…`,
//! LaTeX environments, footnote texts) are split off before, by [`parse_body`].

mod events;
mod hiccup;
mod plain;
mod protect;
mod regions;

pub use protect::is_uuid;
pub use regions::parse_body;

use super::outline::is_fence_line;
use crate::ir::{Inline, Node, Pos};
use events::{Builder, CKind, Frame};
use plain::{is_simple, plain_line, simple_paragraph};
use protect::{Protector, Slot};
use pulldown_cmark::{Options, Parser};
use std::collections::HashMap;

const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';
/// [`OPEN`] in UTF-8.
const OPEN_BYTES: &[u8] = "\u{E000}".as_bytes();
/// How deep macro expansions and nested parses may go.
const MAX_DEPTH: u32 = 4;

/// Where a line of the text being parsed starts in the file.
#[derive(Debug, Clone, Copy)]
pub struct LineStart {
    pub offset: usize,
    pub line: u32,
    pub col: u32,
}

pub struct InlineCtx<'a> {
    pub macros: &'a HashMap<String, String>,
    /// The IR lives long (a whole graph, pinned blocks): paragraphs give back spare capacity.
    /// A window of pages read for export is dropped soon; shrinking it would only cost time.
    pub compact: bool,
}

fn pos_at(lines: &[LineStart], offset: usize) -> Pos {
    let i = lines.partition_point(|l| l.offset <= offset).saturating_sub(1);
    match lines.get(i) {
        Some(l) => Pos { line: l.line, col: l.col + (offset - l.offset) as u32 + 1 },
        None => Pos::default(),
    }
}

fn line_offsets(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut off = 0;
    for l in crate::text::lines(text) {
        out.push((off, l));
        off += l.len() + 1;
    }
    out
}

/// Parses a single line of inline text (cloze answers, marks, macro expansions).
pub fn parse_inline(text: &str, ctx: &InlineCtx) -> Vec<Inline> {
    parse_inline_on_line(text, 0, ctx)
}

/// Like [`parse_inline`], for a text that is line `line` of its file.
pub fn parse_inline_on_line(text: &str, line: u32, ctx: &InlineCtx) -> Vec<Inline> {
    let text = escape_block_start(text);
    parse_inline_at(&text, 0, &[LineStart { offset: 0, line, col: 0 }], ctx, 0)
}

/// A backslash before a leading list, quote or heading marker keeps one line of text inline.
pub(crate) fn escape_block_start(text: &str) -> std::borrow::Cow<'_, str> {
    let t = text.trim_start();
    let b = t.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits > 0 && matches!(b.get(digits), Some(b'.') | Some(b')')) {
        return format!("{}\\{}", &t[..digits], &t[digits..]).into();
    }
    let spaced = b.get(1).is_none_or(|c| *c == b' ' || *c == b'\t');
    match b.first() {
        Some(b'>') => format!("\\{t}").into(),
        Some(b'-' | b'+' | b'*') if spaced => format!("\\{t}").into(),
        Some(b'#') if b.iter().take_while(|&&c| c == b'#').count() <= 6 => {
            let n = b.iter().take_while(|&&c| c == b'#').count();
            if b.get(n).is_none_or(|c| *c == b' ') {
                format!("\\{t}").into()
            } else {
                text.into()
            }
        }
        _ => text.into(),
    }
}

fn parse_inline_at(text: &str, base: usize, lines: &[LineStart], ctx: &InlineCtx, depth: u32) -> Vec<Inline> {
    let mut out = Vec::new();
    for node in parse_markdown(text, base, lines, ctx, depth) {
        match node {
            Node::Paragraph { inlines } | Node::Heading { inlines, .. } => {
                if !out.is_empty() {
                    out.push(Inline::SoftBreak);
                }
                out.extend(inlines)
            }
            Node::Code { text, .. } => out.push(Inline::Code { text }),
            Node::Math { tex } => out.push(Inline::Math { tex, display: true }),
            _ => {}
        }
    }
    out
}

/// Lines outside fences lose their indentation (mldoc has no indented code blocks) unless
/// they are list items, whose relative indentation nests them.
fn normalize_indentation(src: &str, base: usize, lines: &[LineStart]) -> (String, Vec<LineStart>) {
    let mut out = String::with_capacity(src.len());
    let mut starts = Vec::new();
    let mut fence = false;
    for (off, line) in line_offsets(src) {
        let t = line.trim_start();
        let is_fence = is_fence_line(t, fence);
        let keep = fence || is_list_item(t);
        if is_fence {
            fence = !fence;
        }
        let cut = if keep && !is_fence { 0 } else { line.len() - t.len() };
        let p = pos_at(lines, base + off + cut);
        if !out.is_empty() {
            out.push('\n');
        }
        starts.push(LineStart { offset: out.len(), line: p.line, col: p.col.saturating_sub(1) });
        out.push_str(&line[cut..]);
    }
    (out, starts)
}

fn is_list_item(t: &str) -> bool {
    let b = t.as_bytes();
    if b.len() >= 2 && (b[0] == b'+' || b[0] == b'*' || b[0] == b'-') && (b[1] == b' ' || b[1] == b'\t') {
        return true;
    }
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    digits > 0
        && digits < 10
        && b.len() > digits + 1
        && (b[digits] == b'.' || b[digits] == b')')
        && b[digits + 1] == b' '
}

fn parse_markdown(src: &str, base: usize, lines: &[LineStart], ctx: &InlineCtx, depth: u32) -> Vec<Node> {
    if crate::text::trim(src).is_empty() {
        return Vec::new();
    }
    if let Some(nodes) = plain_line(src, ctx.compact) {
        return nodes;
    }
    protected(src, base, lines, ctx, depth)
}

/// [`parse_markdown`] past its shortcut: Logseq syntax swapped for placeholders, then the
/// simple paragraph or pulldown-cmark.
fn protected(src: &str, base: usize, lines: &[LineStart], ctx: &InlineCtx, depth: u32) -> Vec<Node> {
    // Most blocks have no indented line: then the text and its line table are used as they are.
    let indented = src.starts_with([' ', '\t'])
        || memchr::memchr_iter(b'\n', src.as_bytes()).any(|i| matches!(src.as_bytes().get(i + 1), Some(b' ' | b'\t')));
    let (text, starts) = if indented || base != 0 {
        let (t, s) = normalize_indentation(src, base, lines);
        (std::borrow::Cow::Owned(t), std::borrow::Cow::Owned(s))
    } else {
        (std::borrow::Cow::Borrowed(src), std::borrow::Cow::Borrowed(lines))
    };
    let mut p = Protector {
        src: &text,
        out: String::with_capacity(text.len() + 16),
        slots: Vec::new(),
        anchors: Vec::new(),
        lines: &starts,
        ctx,
        depth,
    };
    p.run();
    let Protector { out, slots, anchors, .. } = p;
    if let Some(nodes) = is_simple(&out).then(|| simple_paragraph(&out, &slots, ctx.compact)).flatten() {
        return nodes;
    }
    pulldown_nodes(&out, &slots, &anchors, &starts, ctx.compact)
}

/// The protected text through pulldown-cmark, placeholders restored.
fn pulldown_nodes(
    out: &str,
    slots: &[Slot],
    anchors: &[(usize, usize)],
    starts: &[LineStart],
    compact: bool,
) -> Vec<Node> {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_TABLES);
    let root = Frame::Container { kind: CKind::Root, nodes: Vec::new() };
    let mut b = Builder { slots, compact, frames: vec![root], after_comment: false };
    for (ev, range) in Parser::new_ext(out, opts).into_offset_iter() {
        let pos = || pos_at(starts, map_back(anchors, range.start));
        b.event(ev, pos);
    }
    b.finish()
}

/// Maps an offset in the protected text back to the source text.
fn map_back(anchors: &[(usize, usize)], out_off: usize) -> usize {
    let i = anchors.partition_point(|a| a.0 <= out_off);
    if i == 0 {
        out_off
    } else {
        let (o, s) = anchors[i - 1];
        s + (out_off - o)
    }
}

/// Appends `inline`, joined to the text before it when both are text.
fn push_merged(v: &mut Vec<Inline>, inline: Inline) {
    if let (Some(Inline::Text { text: prev }), Inline::Text { text }) = (v.last_mut(), &inline) {
        prev.push_str(text);
        return;
    }
    v.push(inline);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plain line takes the shortcut, and gets the nodes the long way gives.
    fn same_as_protected(s: &str) -> bool {
        let ctx = InlineCtx { macros: &HashMap::new(), compact: true };
        let lines = [LineStart { offset: 0, line: 1, col: 0 }];
        match plain_line(s, true) {
            Some(fast) => {
                assert_eq!(fast, protected(s, 0, &lines, &ctx, 0), "{s:?}");
                true
            }
            None => false,
        }
    }

    mod plain {
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn plain_lines_parse_as_the_long_way_does(
                s in proptest::collection::vec(
                    prop_oneof![20 => Just("a"), 6 => Just(" "), 2 => Just("("), 2 => Just(")"), 1 => Just("1"),
                        3 => Just("*"), 2 => Just("**"), 1 => Just("***"), 1 => Just(","),
                        1 => Just("-"), 1 => Just("+"), 1 => Just("é"), 1 => Just("\u{3000}"), 1 => Just("."),
                        1 => Just("!"), 1 => Just("h"), 1 => Just("ttp"), 1 => Just(":"), 1 => Just("\u{a0}"),
                        1 => Just("\""), 1 => Just("'")],
                    1..40,
                ).prop_map(|v| v.concat())
            ) {
                if !s.trim().is_empty() {
                    super::same_as_protected(&s);
                }
            }
        }
    }

    #[test]
    fn plain_lines_take_the_shortcut() {
        for plain in [
            "words and more",
            "a (note) here",
            "x(y) (z",
            "trailing  ",
            "ünïcode — ok",
            "a!b? c: d.",
            "some **bold** and *it*",
            "*lead* word",
        ] {
            assert!(same_as_protected(plain), "{plain:?}");
        }
        for not in
            ["((ref))", "#tag", "- item", "1. one", " lead", "a\tb", "see http://x.y", "a_b", "a\nb", "a*b*c", "* item"]
        {
            assert!(!same_as_protected(not), "{not:?}");
        }
    }

    fn inl(s: &str) -> Vec<Inline> {
        parse_inline(s, &InlineCtx { macros: &HashMap::new(), compact: true })
    }

    /// The fast path gives exactly what pulldown-cmark gives, on texts it accepts.
    #[test]
    fn simple_fast_path_matches_pulldown() {
        let words = [
            "cell",
            "Zoë",
            "a.b",
            "x/y",
            "(note)",
            "50%",
            "#",
            "1",
            "=",
            "-",
            "\n",
            "\n\n",
            "\t",
            "  ",
            "ok!",
            "\"q\"",
            "$",
            "*",
            "**",
            "a",
            "b",
            "é",
            ".",
            ",",
            "(",
            ")",
            "[[P]]",
            "#t",
            "*a*",
            "**b c**",
            "*d e*",
            "**f**",
            "**[[P]]**",
            "*#t*",
            "* ",
            "*\t",
        ];
        let ctx = InlineCtx { macros: &HashMap::new(), compact: true };
        let starts = [LineStart { offset: 0, line: 1, col: 0 }];
        let mut seed = 7u64;
        let (mut accepted, mut emphasis) = (0, 0);
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        for _ in 0..300_000 {
            let mut src = String::new();
            for _ in 0..next() % 16 {
                src.push_str(words[next() % words.len()]);
                if next() % 3 == 0 {
                    src.push(' ');
                }
            }
            if src.trim().is_empty() {
                continue;
            }
            let mut p = Protector {
                src: &src,
                out: String::new(),
                slots: Vec::new(),
                anchors: Vec::new(),
                lines: &starts,
                ctx: &ctx,
                depth: 0,
            };
            p.run();
            let Some(fast) = is_simple(&p.out).then(|| simple_paragraph(&p.out, &p.slots, true)).flatten() else {
                continue;
            };
            accepted += 1;
            emphasis +=
                fast.iter().any(|n| format!("{n:?}").contains("Emphasis") || format!("{n:?}").contains("Strong"))
                    as usize;
            assert_eq!(fast, pulldown_nodes(&p.out, &p.slots, &p.anchors, &starts, true), "{src:?}");
        }
        assert!(accepted > 5000 && emphasis > 1000, "{accepted} {emphasis}");
    }

    fn body(text: &str) -> Vec<Node> {
        let starts: Vec<LineStart> = line_offsets(text)
            .iter()
            .enumerate()
            .map(|(k, (offset, _))| LineStart { offset: *offset, line: k as u32 + 1, col: 0 })
            .collect();
        parse_body(text, &starts, &InlineCtx { macros: &HashMap::new(), compact: true })
    }

    fn marks(inlines: &[Inline]) -> Vec<(String, u32, u32)> {
        let mut out = Vec::new();
        crate::ir::visit_inlines(inlines, &mut |i| {
            if let Inline::FootnoteRef { label, pos, .. } = i {
                out.push((label.clone(), pos.line, pos.col));
            }
        });
        out
    }

    /// `[^label]` is a mark where the label has no space or `]`, and never inside code.
    #[test]
    fn footnote_marks() {
        let found = marks(&inl("a[^1] b [^long-name]. c [^x y] [^] `[^2]` **[^3]**"));
        let labels: Vec<&str> = found.iter().map(|(l, ..)| l.as_str()).collect();
        assert_eq!(labels, ["1", "long-name", "3"]);
        assert_eq!((found[0].1, found[0].2), (0, 2), "where the mark is, for a dangling one");
        assert!(crate::ir::plain_text(&inl("[^x y] and [^]")).contains("[^x y] and [^]"));
    }

    /// A line starting `[^label]:` is the footnote's text, up to a blank line or a line that
    /// starts something else; the text around it stays paragraphs.
    #[test]
    fn footnote_texts() {
        let nodes = body("before[^a]\n[^a]: first line\nsecond line\n\nafter\n[^b]: one\n[^c]: two\n- a list\n[^d]:");
        let kinds: Vec<String> = nodes
            .iter()
            .map(|n| match n {
                Node::Footnote { label, inlines } => format!("{label}={}", crate::ir::plain_text(inlines)),
                Node::Paragraph { inlines } => format!("p:{}", crate::ir::plain_text(inlines)),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(kinds[0], "p:before");
        assert_eq!(kinds[1], "a=first line second line");
        assert_eq!(kinds[2], "p:after");
        assert_eq!(kinds[3..5], ["b=one", "c=two"]);
        assert!(kinds[5].starts_with("List"), "{kinds:?}");
        assert_eq!(kinds[6], "d=");
        // Marks in a footnote's text keep their place in the file.
        let nodes = body("x\n  [^n]: see [^m]");
        let Node::Footnote { inlines, .. } = &nodes[1] else { panic!("{nodes:?}") };
        assert_eq!(marks(inlines), [("m".to_string(), 2, 13)]);
        // Inside a fence it is code.
        assert!(matches!(body("```\n[^a]: no\n```").as_slice(), [Node::Code { .. }]));
    }

    /// `\begin{env}` … `\end{env}` is displayed math, as mldoc's Latex_Environment; without
    /// its end, or inside a fence, it is not.
    #[test]
    fn latex_environments() {
        let tex = "\\begin{align*}\na &= b \\\\\n\\end{align*}";
        assert_eq!(body(&format!("before\n{tex}\nafter")).len(), 3);
        assert_eq!(body(&format!("before\n{tex}\nafter"))[1], Node::Math { tex: tex.to_string() });
        assert_eq!(body("\\begin{x} y \\end{x}"), [Node::Math { tex: "\\begin{x} y \\end{x}".into() }]);
        assert!(!matches!(body("\\begin{x}\nno end")[0], Node::Math { .. }));
        assert!(matches!(body("```\n\\begin{x}\n\\end{x}\n```")[0], Node::Code { .. }));
    }

    /// `[[target][label]]` by its target: a block by id, a page by its file, an image, a link.
    #[test]
    fn labelled_links_by_target() {
        let uuid = "64e4a5f2-1234-4cde-9abc-0123456789ab";
        let got = inl(&format!(
            "[[id:{uuid}][by id]] [[file:../pages/Other.org][o]] [[file:../assets/p.png][p]] [[https://x.org/a.md][web]]"
        ));
        let kinds: Vec<String> = got
            .iter()
            .filter(|i| !matches!(i, Inline::Text { .. }))
            .map(|i| match i {
                Inline::BlockRef { uuid, label: Some(_), pos, .. } => format!("block {uuid} at {}", pos.col),
                Inline::PageRef { name, label: Some(_), .. } => format!("page {name}"),
                Inline::Image { url, alt, .. } => format!("image {url} {alt}"),
                Inline::Link { url, .. } => format!("link {url}"),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                format!("block {uuid} at 1"),
                "page Other".into(),
                "image ../assets/p.png p".into(),
                "link https://x.org/a.md".into()
            ]
        );
    }

    /// HTML comments are hidden, in a line or as a block of their own.
    #[test]
    fn html_comments_are_hidden() {
        assert_eq!(crate::ir::plain_text(&inl("a <!-- note --> b")), "a b");
        assert_eq!(crate::ir::plain_text(&inl("a<!-- note --> b <!-- c -->")), "a b ");
        assert!(body("<!--\nhidden\n-->").is_empty());
        assert!(crate::ir::plain_text(&inl("<span>kept</span>")).contains("<span>"));
    }

    #[test]
    fn single_lines_stay_inline() {
        assert_eq!(crate::ir::plain_text(&inl("3. Time tracker")), "3. Time tracker");
        assert_eq!(crate::ir::plain_text(&inl("- not a list")), "- not a list");
        assert_eq!(crate::ir::plain_text(&inl("# not a heading")), "# not a heading");
        assert!(matches!(inl("*italic* start")[0], Inline::Emphasis { .. }));
        assert!(matches!(inl("#tag start")[0], Inline::Tag { .. }));
    }
}
