//! The regions of a block body that are not Markdown, split off before the inline pass:
//! `#+BEGIN_…` … `#+END_…`, LaTeX environments and footnote texts.

use super::{is_list_item, line_offsets, parse_inline_at, parse_markdown, pos_at, protect, InlineCtx, LineStart};
use crate::ir::Node;
use crate::read::outline::{is_fence_line, strip_prefix_ci};

/// Parses a block body (several lines) into nodes.
pub fn parse_body(text: &str, lines: &[LineStart], ctx: &InlineCtx) -> Vec<Node> {
    let b = text.as_bytes();
    if ![b"#+", b"[^", b"\\b", b"$$"].iter().any(|pair| crate::text::has_pair(b, pair)) {
        return parse_markdown(text, 0, lines, ctx, 0);
    }
    let mut nodes = Vec::new();
    let mut chunk_start: Option<usize> = None;
    let all: Vec<(usize, &str)> = line_offsets(text);
    let mut i = 0;
    let mut fence = false;
    while i < all.len() {
        let (off, line) = all[i];
        if is_fence_line(line.trim_start(), fence) {
            fence = !fence;
        }
        if let Some((found, next)) = (!fence).then(|| region(text, &all, i, lines, ctx)).flatten() {
            if let Some(s) = chunk_start.take() {
                nodes.extend(parse_markdown(&text[s..off], s, lines, ctx, 0));
            }
            nodes.extend(found);
            i = next;
            continue;
        }
        if chunk_start.is_none() {
            chunk_start = Some(off);
        }
        i += 1;
    }
    if let Some(s) = chunk_start {
        nodes.extend(parse_markdown(&text[s..], s, lines, ctx, 0));
    }
    nodes
}

/// What starts at line `i` and is not Markdown: a `#+BEGIN_…` region, a LaTeX environment or
/// a footnote's text. Its nodes, and the line after it.
fn region(
    text: &str,
    all: &[(usize, &str)],
    i: usize,
    lines: &[LineStart],
    ctx: &InlineCtx,
) -> Option<(Vec<Node>, usize)> {
    let (off, line) = all[i];
    let t = line.trim_start();
    if let Some(rest) = strip_prefix_ci(t, "#+BEGIN_") {
        let mut words = rest.split_whitespace();
        let name = words.next().unwrap_or("").to_string();
        let options = words.collect::<Vec<_>>().join(" ");
        // The matching end line, or the end of the block.
        let end = (i + 1..all.len()).find(|&j| {
            strip_prefix_ci(all[j].1.trim_start(), "#+END_").is_some_and(|n| n.trim_end().eq_ignore_ascii_case(&name))
        });
        let inner: Vec<(usize, &str)> = all[i + 1..end.unwrap_or(all.len())].to_vec();
        return Some((begin_block(&name, &options, &inner, lines, ctx), end.map_or(all.len(), |e| e + 1)));
    }
    if let Some(math) = display_math(all, i) {
        return Some(math);
    }
    if let Some(env) = latex_environment(t) {
        // Displayed math, as mldoc reads it, when its `\end{…}` comes; else text.
        let close = format!("\\end{{{env}}}");
        let last = (i..all.len()).find(|&j| all[j].1.contains(&close))?;
        let tex: Vec<&str> = all[i..=last].iter().map(|(_, l)| l.trim()).collect();
        return Some((vec![Node::Math { tex: tex.join("\n") }], last + 1));
    }
    let label = footnote_definition(t)?;
    // The text runs on over the lines after it up to a blank line or what starts something
    // else (another footnote, a list item, a heading, a fence).
    let mut last = i;
    while all.get(last + 1).is_some_and(|(_, l)| continues_footnote(l.trim_start())) {
        last += 1;
    }
    let at = off + (line.len() - t.len()) + label.len() + 4;
    let start = at + (text[at..].len() - text[at..].trim_start_matches([' ', '\t']).len());
    let end = (all[last].0 + all[last].1.len()).max(start);
    let inlines = parse_inline_at(&text[start..end], start, lines, ctx, 0);
    Some((vec![Node::Footnote { label: label.to_string(), inlines }], last + 1))
}

/// `$$` opening a line, its closing `$$` on a later line: displayed math over those lines, with
/// any environment (`\begin{aligned}`) inside it, as Logseq shows it. A `$$…$$` on one line is
/// left to the inline pass; a `$$` that never closes is text.
fn display_math(all: &[(usize, &str)], i: usize) -> Option<(Vec<Node>, usize)> {
    let first = all[i].1.trim();
    let opened = first.strip_prefix("$$")?;
    if opened.contains("$$") {
        return None;
    }
    let last = (i + 1..all.len()).find(|&j| all[j].1.trim_end().ends_with("$$"))?;
    let closing = all[last].1.trim();
    let mut tex: Vec<&str> = Vec::new();
    if !opened.trim().is_empty() {
        tex.push(opened.trim());
    }
    tex.extend(all[i + 1..last].iter().map(|(_, l)| l.trim()));
    let before_close = closing[..closing.len() - 2].trim();
    if !before_close.is_empty() {
        tex.push(before_close);
    }
    let tex = tex.join("\n");
    let empty = tex.trim().is_empty();
    Some(((!empty).then_some(Node::Math { tex }).into_iter().collect(), last + 1))
}

/// The name of the LaTeX environment a (trimmed) line begins: `\begin{align*}`.
fn latex_environment(t: &str) -> Option<&str> {
    let rest = t.strip_prefix("\\begin{")?;
    let name = &rest[..rest.find('}')?];
    (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphabetic() || c == '*')).then_some(name)
}

/// The label of a footnote's text starting this (trimmed) line: `[^label]:`.
fn footnote_definition(t: &str) -> Option<&str> {
    protect::footnote_label(t).filter(|label| t[label.len() + 3..].starts_with(':'))
}

fn continues_footnote(t: &str) -> bool {
    !t.is_empty() && !t.starts_with(['*', '#', '[', '`', '~']) && !is_list_item(t)
}

/// `#+BEGIN_NAME options` … `#+END_NAME`: the inner lines lose the first line's indentation.
fn begin_block(name: &str, options: &str, inner: &[(usize, &str)], lines: &[LineStart], ctx: &InlineCtx) -> Vec<Node> {
    let indent = inner.iter().find(|(_, l)| !l.trim().is_empty()).map_or(0, |(_, l)| l.len() - l.trim_start().len());
    let body: Vec<&str> = inner
        .iter()
        .map(|(_, l)| if l.len() >= indent && l.is_char_boundary(indent) { &l[indent..] } else { l.trim_start() })
        .collect();
    let text = body.join("\n");
    let kind = name.to_ascii_lowercase();
    match kind.as_str() {
        "src" => {
            let lang = options.split_whitespace().next().map(str::to_string);
            vec![Node::Code { lang, text }]
        }
        "example" | "export" | "verse" => vec![Node::Code { lang: None, text }],
        "comment" => vec![],
        "query" => vec![Node::Query { text }],
        _ => {
            // Positions inside are approximate (indentation removed); lines stay right.
            let sub: Vec<LineStart> = inner
                .iter()
                .scan(0usize, |acc, (o, l)| {
                    let s = LineStart { offset: *acc, line: pos_at(lines, *o).line, col: 0 };
                    *acc += l.len().saturating_sub(indent) + 1;
                    Some(s)
                })
                .collect();
            let children = parse_body(&text, &sub, ctx);
            if kind == "quote" {
                vec![Node::Quote { children }]
            } else {
                vec![Node::Admonition { kind, children }]
            }
        }
    }
}
