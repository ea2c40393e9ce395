//! One raw block → an IR block: first-line markers, properties, schedule lines, parsed body.

use super::inline::{is_uuid, parse_body, InlineCtx, LineStart};
use super::outline::{CodeState, RawBlock, RawLine};
use super::properties::{make_property, normalize_key, split_property_line};
use crate::diag::{Code, Diagnostic};
use crate::ir::{Block, Property};
use crate::text::has_pair;

const MARKERS: [&str; 11] =
    ["TODO", "DOING", "WAITING", "WAIT", "DONE", "CANCELED", "CANCELLED", "STARTED", "IN-PROGRESS", "NOW", "LATER"];

/// Splits `## TODO [#A] text` into heading size, marker, priority and the rest.
pub(super) fn first_line_parts(text: &str) -> (Option<u8>, Option<String>, Option<String>, usize) {
    let mut at = 0;
    let b = text.as_bytes();
    let hashes = b.iter().take_while(|&&c| c == b'#').count();
    let mut heading = None;
    if (1..=6).contains(&hashes) && b.get(hashes).is_none_or(|c| *c == b' ' || *c == b'\t') {
        heading = Some(hashes as u8);
        at = (hashes + 1).min(text.len());
    }
    let mut marker = None;
    let rest = &text[at..];
    // As mldoc's `marker`: a space must follow (`TODO` alone on its line is text).
    if let Some(m) = MARKERS.iter().find(|m| rest.starts_with(*m) && rest.as_bytes().get(m.len()) == Some(&b' ')) {
        marker = Some(m.to_string());
        at = (at + m.len() + 1).min(text.len());
    }
    let mut priority = None;
    let rest = &text[at..];
    let rb = rest.as_bytes();
    if rb.len() >= 4 && rest.starts_with("[#") && rb[3] == b']' && rb.get(4).is_none_or(|c| *c == b' ') {
        priority = Some((rb[2] as char).to_string());
        at = (at + 5).min(text.len());
    }
    (heading, marker, priority, at)
}

/// `SCHEDULED: <2024-01-05 Fri>` → `2024-01-05 Fri`.
fn timestamp(line: &str, key: &str) -> Option<String> {
    let rest = line.trim().strip_prefix(key)?.trim();
    let inner = rest.strip_prefix('<')?;
    Some(inner[..inner.find('>')?].to_string())
}

pub struct Built {
    pub block: Block,
    /// YAML front matter and `#+key:` directives found in a pre-block.
    pub page_directives: Vec<Property>,
}

/// Buffers [`build_block`] fills for each block and clears for the next: one set per page
/// instead of four allocations per block.
#[derive(Default)]
pub struct Scratch<'a> {
    content: Vec<&'a str>,
    body: Vec<RawLine<'a>>,
    text: String,
    starts: Vec<LineStart>,
}

/// Which blocks [`build_block`] parses the body of; the others keep just their place and
/// properties.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Parse {
    All,
    /// Those other pages can reach: with an id, images or an embed (the skimming pass over a
    /// large graph, whose blocks with an id are pinned).
    Reachable,
    /// Those with images or an embed, whose files and pages are linked when the page is: a
    /// reference to a block's id shows its pinned copy (see [`crate::ir::Graph::ref_text`]).
    Linked,
}

/// Builds a block, parsing its body as `parse` says.
pub fn build_block<'a>(
    raw: &RawBlock<'a>,
    ctx: &InlineCtx,
    file: &str,
    parse: Parse,
    scratch: &mut Scratch<'a>,
    diags: &mut Vec<Diagnostic>,
) -> Built {
    let mut block =
        Block { line: raw.line, depth: raw.depth, parent: raw.parent, pre_block: raw.pre_block, ..Default::default() };
    let mut page_directives = Vec::new();
    let Scratch { content, body, text, starts } = scratch;
    content.clear();
    body.clear();
    text.clear();
    starts.clear();
    for l in &raw.front_matter {
        if let Some((k, v)) = l.text.split_once(':') {
            if let Some(key) = normalize_key(k.trim()) {
                block.properties.push(make_property(key, v.trim().trim_matches('"')));
            }
        }
    }

    if !raw.front_matter.is_empty() {
        content.push("---");
        content.extend(raw.front_matter.iter().map(|l| l.text));
        content.push("---");
    }
    let mut code = CodeState::default();
    let mut drawer: Option<&str> = None;
    for (k, l) in raw.lines.iter().enumerate() {
        let mut text = l.text;
        let mut col = l.col;
        if k == 0 && !raw.pre_block {
            let (heading, marker, priority, at) = first_line_parts(text);
            block.heading = heading;
            block.marker = marker.map(Into::into);
            block.priority = priority.map(Into::into);
            if at > 0 {
                // Keep the marks in `content` (as Logseq does), parse only the rest.
                content.push(text);
                text = &text[at..];
                col += at as u32;
                code.feed(text);
                body.push(RawLine { line: l.line, col, text });
                continue;
            }
        }
        let in_code = code.in_code();
        code.feed(text);
        if !in_code {
            let t = crate::text::trim(text);
            if let Some(d) = drawer {
                if t.eq_ignore_ascii_case(":END:") {
                    drawer = None;
                } else if d == "properties" {
                    if let Some((key, v)) = t.strip_prefix(':').and_then(|r| r.split_once(':')) {
                        add_property(&mut block, key, v.trim(), file, l, diags);
                    }
                }
                content.push(text);
                continue;
            }
            if t.eq_ignore_ascii_case(":LOGBOOK:") || t.eq_ignore_ascii_case(":PROPERTIES:") {
                drawer = Some(if t.eq_ignore_ascii_case(":LOGBOOK:") { "logbook" } else { "properties" });
                content.push(text);
                continue;
            }
            if let Some((key, value)) = split_property_line(text) {
                add_property(&mut block, key, value, file, l, diags);
                continue;
            }
            // `#+key: value` anywhere in the file is a page property (mldoc directive).
            if let Some((key, value)) = t.strip_prefix("#+").and_then(|r| r.split_once(':')) {
                let upper = key.to_ascii_uppercase();
                let word = !key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-');
                if word && !upper.starts_with("BEGIN") && !upper.starts_with("END") {
                    if let Some(key) = normalize_key(key) {
                        page_directives.push(make_property(key, value.trim()));
                    }
                    content.push(text);
                    continue;
                }
            }
            // A first-byte test spares every other line the two searches.
            let stamp = match t.as_bytes().first() {
                Some(b'S') => timestamp(t, "SCHEDULED:").map(|ts| (true, ts)),
                Some(b'D') => timestamp(t, "DEADLINE:").map(|ts| (false, ts)),
                _ => None,
            };
            if let Some((scheduled, ts)) = stamp {
                *(if scheduled { &mut block.scheduled } else { &mut block.deadline }) = Some(ts.into());
                content.push(text);
                continue;
            }
        }
        content.push(text);
        body.push(RawLine { line: l.line, col, text });
    }
    if ctx.compact {
        block.properties.shrink_to_fit();
    }
    for (k, l) in body.iter().enumerate() {
        if k > 0 {
            text.push('\n');
        }
        starts.push(LineStart { offset: text.len(), line: l.line, col: l.col });
        text.push_str(l.text);
    }
    let wanted = match parse {
        Parse::All => true,
        Parse::Reachable => block.uuid.is_some() || reachable(text),
        Parse::Linked => reachable(text),
    };
    if !wanted {
        return Built { block, page_directives };
    }
    while content.last().is_some_and(|l| crate::text::trim(l).is_empty()) {
        content.pop();
    }
    block.content = content.join("\n");
    if !crate::text::trim(text).is_empty() {
        let heading = block.heading.is_some() && !block.pre_block;
        let first = text.split('\n').next().unwrap_or_default();
        if heading && crate::read::inline::escape_block_start(first) != first {
            // A heading's text is its title even when it looks like a list item or a quote
            // (`# - a`, `## 1. b`, `# *`): the first line is read as inline text alone.
            let rest = &text[(first.len() + 1).min(text.len())..];
            let mut body = vec![crate::ir::Node::Paragraph {
                inlines: crate::read::inline::parse_inline_on_line(first, starts.first().map_or(0, |s| s.line), ctx),
            }];
            if !crate::text::trim(rest).is_empty() {
                let shift = first.len() + 1;
                let later: Vec<LineStart> =
                    starts[1..].iter().map(|s| LineStart { offset: s.offset - shift, ..*s }).collect();
                body.extend(parse_body(rest, &later, ctx));
            }
            block.body = body;
        } else {
            block.body = parse_body(text, starts, ctx);
            if heading {
                split_heading_line(&mut block.body);
            }
        }
    }
    Built { block, page_directives }
}

/// A heading block's first line is its heading and the lines under it its body, as Logseq shows
/// them: the first paragraph is cut at its first line break, so that `body[0]` is the heading
/// alone (see [`Block::heading_parts`](crate::ir::Block::heading_parts)).
fn split_heading_line(body: &mut Vec<crate::ir::Node>) {
    use crate::ir::{Inline, Node};
    let Some(Node::Paragraph { inlines }) = body.first_mut() else { return };
    let Some(at) = inlines.iter().position(|i| matches!(i, Inline::SoftBreak | Inline::HardBreak)) else { return };
    let rest: Vec<Inline> = inlines.drain(at..).skip(1).collect();
    if !rest.is_empty() {
        body.insert(1, Node::Paragraph { inlines: rest });
    }
}

fn add_property(block: &mut Block, key: &str, value: &str, file: &str, l: &RawLine, diags: &mut Vec<Diagnostic>) {
    let Some(key) = normalize_key(key) else {
        diags.push(Diagnostic::warning(
            Code::InvalidProperty,
            file,
            l.line,
            l.col + 1,
            format!("property key '{key}' is not valid in Logseq; the property is ignored"),
        ));
        return;
    };
    match key.as_str() {
        "collapsed" => block.collapsed = value.eq_ignore_ascii_case("true"),
        "id" => {
            if is_uuid(value) {
                block.uuid = Some(value.to_ascii_lowercase().into());
            } else {
                diags.push(Diagnostic::warning(
                    Code::InvalidId,
                    file,
                    l.line,
                    l.col + 1,
                    format!("id '{value}' is not a UUID"),
                ));
            }
            block.properties.push(make_property(key, value));
        }
        _ => {
            // `heading:: 2` is an h2; `heading:: true` a heading sized by depth (Logseq's "auto
            // heading"). `#` marks on the first line win.
            if key == "heading" && block.heading.is_none() {
                block.heading = match value.trim().parse::<u8>() {
                    Ok(n @ 1..=6) => Some(n),
                    _ if value.trim().eq_ignore_ascii_case("true") => Some((block.depth + 1).min(6) as u8),
                    _ => None,
                };
            }
            block.properties.retain(|p| p.key != key);
            block.properties.push(make_property(key, value));
        }
    }
}

/// Text that may hold an image or an embed, which the skimming pass must see.
fn reachable(text: &str) -> bool {
    let b = text.as_bytes();
    has_pair(b, b"![") || has_pair(b, b"][") || has_pair(b, b"{{") && text.contains("{{embed")
}
