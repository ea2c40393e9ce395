//! A minimal org-mode reader: headlines are blocks, nested by their stars, and the lines
//! under a headline are read as a Logseq block's lines are (`:PROPERTIES:` drawers and `:id:`
//! uuids, task markers, `SCHEDULED:`, `#+BEGIN_…` regions, lists, tables), after org's inline
//! markup is made Markdown's ([`org_markup`]); Markdown pages can then reference and embed org
//! blocks. Links take org's `file:` and `id:` targets; inline footnote definitions and
//! spreadsheet formulas are out of scope.

use super::block::{build_block, first_line_parts, Parse, Scratch};
use super::inline::{escape_block_start, InlineCtx};
use super::outline::{strip_prefix_ci, RawBlock, RawLine};
use crate::diag::Diagnostic;
use crate::ir::{Block, Property};

/// A headline and the lines under it, as Markdown; or the lines before the first headline.
struct Headline<'a> {
    pre_block: bool,
    line: u32,
    depth: u32,
    parent: Option<u32>,
    /// (line number, column, text as Markdown): the headline's text (inline only, as org
    /// reads it), then its body lines without the indentation they share.
    lines: Vec<(u32, u32, String)>,
    /// The same lines as written: the block's content.
    raw: Vec<&'a str>,
}

/// An org page's blocks (its headlines, after a pre-block of any lines before the first) and
/// its page properties.
pub fn read_org(text: &str, file: &str, ctx: &InlineCtx, diags: &mut Vec<Diagnostic>) -> (Vec<Block>, Vec<Property>) {
    let mut heads: Vec<Headline> = Vec::new();
    // Each headline's body lines as written: (line number, text).
    let mut bodies: Vec<Vec<(u32, &str)>> = Vec::new();
    // The open headlines: (stars, index), outermost first.
    let mut open: Vec<(usize, u32)> = Vec::new();
    let mut page_props = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let n = n as u32 + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        let stars = line.bytes().take_while(|&b| b == b'*').count();
        // As in org, a line of stars is a headline even inside a block (org escapes it there
        // with a comma).
        if stars > 0 && line.as_bytes().get(stars) == Some(&b' ') {
            while open.last().is_some_and(|&(l, _)| l >= stars) {
                open.pop();
            }
            let parent = open.last().map(|&(_, i)| i);
            let title = &line[stars + 1..];
            // After its marker and priority, a title is text: `2. x` is not a list.
            let mut md = org_markup(title);
            let at = first_line_parts(&md).3;
            md = format!("{}{}", &md[..at], escape_block_start(&md[at..]));
            let first = (n, stars as u32 + 1, md);
            let depth = open.len() as u32 + 1;
            heads.push(Headline { pre_block: false, line: n, depth, parent, lines: vec![first], raw: vec![title] });
            bodies.push(Vec::new());
            open.push((stars, heads.len() as u32 - 1));
            continue;
        }
        // Lines before the first headline are a pre-block, as in Logseq: its `#+KEY: value`
        // lines are the page's properties (see `build_block`), and any text is shown.
        if heads.is_empty() {
            if line.trim().is_empty() {
                continue;
            }
            let pre = Headline { pre_block: true, line: n, depth: 1, parent: None, lines: Vec::new(), raw: Vec::new() };
            heads.push(pre);
            bodies.push(Vec::new());
        }
        if let Some(body) = bodies.last_mut() {
            body.push((n, line));
        }
    }
    for (head, body) in heads.iter_mut().zip(bodies) {
        let shared = body
            .iter()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(_, l)| l.len() - l.trim_start_matches([' ', '\t']).len())
            .min()
            .unwrap_or(0);
        let mut region = false;
        // In a table: whether a row came before, and whether its separator was written.
        let (mut row, mut separated) = (false, false);
        for (n, line) in body {
            let rest = line.get(shared..).unwrap_or("");
            head.raw.push(rest);
            let t = rest.trim();
            let code = region || strip_prefix_ci(t, "#+BEGIN_").is_some();
            region = code && strip_prefix_ci(t, "#+END_").is_none();
            let text = if code {
                rest.to_string()
            } else if t.starts_with("|-") {
                // An org table's rule: after the first row, the header separator Markdown
                // needs (`|---|---|`); any other is left out.
                if !row || separated {
                    continue;
                }
                separated = true;
                format!("|{}", "---|".repeat(t.matches('+').count() + 1))
            } else {
                org_markup(rest)
            };
            row = !code && t.starts_with('|');
            separated &= row || t.starts_with("|-");
            head.lines.push((n, shared as u32, text));
        }
        let blank = |l: &str| l.trim().is_empty();
        while head.lines.len() > 1 && head.lines.last().is_some_and(|(_, _, l)| blank(l)) {
            head.lines.pop();
        }
        while head.raw.len() > 1 && head.raw.last().is_some_and(|l| blank(l)) {
            head.raw.pop();
        }
    }
    let lines: Vec<Vec<RawLine>> = heads
        .iter()
        .map(|h| h.lines.iter().map(|(line, col, text)| RawLine { line: *line, col: *col, text }).collect())
        .collect();
    let mut scratch = Scratch::default();
    let mut blocks: Vec<Block> = Vec::with_capacity(heads.len());
    for (h, lines) in heads.iter().zip(&lines) {
        let raw = RawBlock {
            line: h.line,
            level: h.depth,
            pre_block: h.pre_block,
            bare_heading: false,
            front_matter: Vec::new(),
            lines,
            depth: h.depth,
            parent: h.parent,
        };
        let mut built = build_block(&raw, ctx, file, Parse::All, &mut scratch, diags);
        built.block.content = h.raw.join("\n");
        // Directives anywhere, and a file-level property drawer, are the page's properties.
        let file_level = if h.pre_block { built.block.properties.clone() } else { Vec::new() };
        for d in built.page_directives.into_iter().chain(file_level) {
            page_props.retain(|q: &Property| q.key != d.key);
            page_props.push(d);
        }
        blocks.push(built.block);
    }
    // Parents come before their children, which they list in order.
    for i in 0..blocks.len() {
        if let Some(p) = blocks[i].parent {
            blocks[p as usize].children.push(i as u32);
        }
    }
    (blocks, page_props)
}

/// Org inline markup as Markdown's, for the inline parser: `~code~` and `=verbatim=` become
/// code spans, `*bold*` strong, `/italic/` emphasis and `+strike+` strike-through. A marker
/// counts where org counts it: after the line start, a space or one of `-({'"`, before a
/// non-space, and closed by the same marker after a non-space and before the line end, a space
/// or punctuation. (Columns after a converted marker move by a character or two.)
/// Footnote marks `[fn:label]` become `[^label]`, and a line starting with one, the
/// footnote's text, `[^label]:`.
fn org_markup(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 8);
    if let Some(n) = footnote_mark(&chars) {
        let label: String = chars[4..n - 1].iter().collect();
        out.push_str(&format!("[^{label}]:"));
        markup_into(&mut out, &chars[n..]);
        return out;
    }
    markup_into(&mut out, &chars);
    out
}

/// The length of the `[fn:label]` at the start of `chars` (a label without `:` or spaces;
/// org's inline definitions, `[fn::text]` and `[fn:label:text]`, are left as they are).
fn footnote_mark(chars: &[char]) -> Option<usize> {
    if !chars.starts_with(&['[', 'f', 'n', ':']) {
        return None;
    }
    let len = chars[4..].iter().position(|&c| c == ']' || c == ':' || c == '[' || c.is_whitespace())?;
    (len > 0 && chars[4 + len] == ']').then_some(4 + len + 1)
}

fn markup_into(out: &mut String, chars: &[char]) {
    let pre = |k: usize| k == 0 || chars[k - 1].is_whitespace() || "-({'\"".contains(chars[k - 1]);
    let post = |j: usize| chars.get(j + 1).is_none_or(|&c| c.is_whitespace() || "-.,;:!?')}[\"".contains(c));
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k];
        if let Some(n) = (c == '[').then(|| footnote_mark(&chars[k..])).flatten() {
            out.push_str("[^");
            out.extend(&chars[k + 4..k + n]);
            k += n;
            continue;
        }
        let md = match c {
            '~' | '=' => "`",
            '*' => "**",
            '/' => "*",
            '+' => "~~",
            _ => "",
        };
        let opens = !md.is_empty() && pre(k) && chars.get(k + 1).is_some_and(|&n| !n.is_whitespace() && n != c);
        let close =
            opens.then(|| (k + 2..chars.len()).find(|&j| chars[j] == c && !chars[j - 1].is_whitespace() && post(j)));
        if let Some(Some(j)) = close {
            out.push_str(md);
            match md {
                "`" => out.extend(&chars[k + 1..j]),
                _ => markup_into(out, &chars[k + 1..j]),
            }
            out.push_str(md);
            k = j + 1;
            continue;
        }
        out.push(c);
        k += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Inline, Node};

    fn read(text: &str) -> (Vec<Block>, Vec<Property>) {
        let mut diags = Vec::new();
        let read = read_org(text, "p.org", &InlineCtx { macros: &Default::default(), compact: true }, &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        read
    }

    /// A headline's lines are read as a Logseq block's: marker, drawer, id, schedule, a list
    /// and a source block (kept as written); its title stays text.
    #[test]
    fn a_headline_and_its_lines() {
        let text = "#+TITLE: T\n* TODO 2. first ~code~\n  :PROPERTIES:\n  :id: 55555555-2222-4333-8444-555555555555\n  :END:\n  SCHEDULED: <2024-01-05 Fri>\n  - item\n  #+BEGIN_SRC\n  (= a ~b~)\n  #+END_SRC\n\n* next\n";
        let (blocks, props) = read(text);
        assert_eq!(props.iter().map(|p| (p.key.as_str(), p.raw.as_str())).collect::<Vec<_>>(), [("title", "T")]);
        // The `#+TITLE:` line is a pre-block's, as a Markdown page's first lines are.
        assert_eq!(blocks.len(), 3);
        assert!(blocks[0].pre_block && blocks[0].body.is_empty());
        let b = &blocks[1];
        assert_eq!(b.marker.as_deref(), Some("TODO"));
        assert_eq!(b.uuid.as_deref(), Some("55555555-2222-4333-8444-555555555555"));
        assert_eq!(b.scheduled.as_deref(), Some("2024-01-05 Fri"));
        assert!(b.content.starts_with("TODO 2. first ~code~\n:PROPERTIES:"), "{:?}", b.content);
        let [Node::Paragraph { inlines }, Node::List { items, .. }, Node::Code { text, .. }] = b.body.as_slice() else {
            panic!("{:?}", b.body)
        };
        assert_eq!(inlines[0], Inline::Text { text: "2. first ".into() });
        assert_eq!(inlines[1], Inline::Code { text: "code".into() });
        assert_eq!(items.len(), 1);
        assert_eq!(text, "(= a ~b~)");
        assert_eq!((blocks[2].content.as_str(), blocks[2].line), ("next", 12));
    }

    #[test]
    fn inline_markup() {
        for (org, md) in [
            ("a *bold* b", "a **bold** b"),
            ("/it/, +gone+ and ~x = 1~ or =v=.", "*it*, ~~gone~~ and `x = 1` or `v`."),
            ("*nested /it/*", "**nested *it***"),
            ("(*b*) -/i/-", "(**b**) -*i*-"),
            ("/usr/bin/ here", "*usr/bin* here"),
            ("https://a/b/c, 2*3*4, a / b /, **x**, + item, C++ and a+b+c", ""),
            ("~a *b* c~", "`a *b* c`"),
            ("a mark[fn:1] and [fn:name].", "a mark[^1] and [^name]."),
            ("[fn:1] The text, *bold*.", "[^1]: The text, **bold**."),
            ("inline [fn::text] and [fn:n:text] stay", ""),
        ] {
            let md = if md.is_empty() { org } else { md };
            assert_eq!(org_markup(org), md, "{org}");
        }
    }

    /// An org table with a rule under its first row is a table; its other rules are left out.
    #[test]
    fn tables() {
        let (blocks, _) = read(
            "* scores\n  | name | score |\n  |------+-------|\n  | ann  | 3 |\n  |------+-------|\n  | bob  | 4 |\n",
        );
        let [Node::Paragraph { .. }, Node::Table { header, rows }] = blocks[0].body.as_slice() else {
            panic!("{:?}", blocks[0].body)
        };
        assert_eq!(header.len(), 2);
        assert_eq!(rows.len(), 2);
        assert!(blocks[0].content.contains("|------+-------|"));
    }

    /// Headlines nest by their stars: each lists its sub-headlines as children, in order.
    #[test]
    fn headlines_nest() {
        let text = "* a\n** b\n*** c\n** d\n* e\nbody of e\n";
        let (blocks, _) = read(text);
        let tree: Vec<(&str, Option<u32>, Vec<u32>)> =
            blocks.iter().map(|b| (b.content.as_str(), b.parent, b.children.clone())).collect();
        assert_eq!(
            tree,
            [
                ("a", None, vec![1, 3]),
                ("b", Some(0), vec![2]),
                ("c", Some(1), vec![]),
                ("d", Some(0), vec![]),
                ("e\nbody of e", None, vec![])
            ]
        );
    }
}
