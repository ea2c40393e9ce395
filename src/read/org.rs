//! A minimal org-mode reader: headlines become blocks and `:PROPERTIES:` drawers give them
//! properties and `:id:` uuids, so Markdown pages can reference and embed org blocks. Body
//! text is kept as plain paragraphs; full org syntax is out of scope.

use super::inline::{is_uuid, parse_inline_on_line, InlineCtx};
use super::properties::{make_property, normalize_key};
use crate::ir::{Block, Inline, Node, Property};

pub fn read_org(text: &str, _file: &str, ctx: &InlineCtx) -> (Vec<Block>, Vec<Property>) {
    let mut blocks: Vec<Block> = Vec::new();
    // The open headlines: (stars, block index), outermost first.
    let mut open: Vec<(usize, u32)> = Vec::new();
    let mut page_props = Vec::new();
    let mut body: Vec<Vec<(u32, String)>> = Vec::new();
    let mut in_drawer = false;
    for (n, line) in text.lines().enumerate() {
        let stars = line.bytes().take_while(|&b| b == b'*').count();
        if stars > 0 && line.as_bytes().get(stars) == Some(&b' ') {
            let level = stars;
            while open.last().is_some_and(|&(l, _)| l >= level) {
                open.pop();
            }
            let parent = open.last().map(|&(_, i)| i);
            let depth = open.len() as u32 + 1;
            let mut content = line[stars + 1..].to_string();
            // `**** :PROPERTIES:` opens the new block's drawer on its headline.
            in_drawer = content.trim().eq_ignore_ascii_case(":PROPERTIES:");
            if in_drawer {
                content.clear();
            }
            blocks.push(Block { line: n as u32 + 1, depth, parent, content, ..Default::default() });
            body.push(Vec::new());
            open.push((level, blocks.len() as u32 - 1));
            continue;
        }
        let t = line.trim();
        if t.eq_ignore_ascii_case(":PROPERTIES:") {
            in_drawer = true;
            continue;
        }
        if in_drawer {
            if t.eq_ignore_ascii_case(":END:") {
                in_drawer = false;
            } else if let Some((k, v)) = t.strip_prefix(':').and_then(|r| r.split_once(':')) {
                if let (Some(key), Some(b)) = (normalize_key(k), blocks.last_mut()) {
                    if key == "id" && is_uuid(v.trim()) {
                        b.uuid = Some(v.trim().to_ascii_lowercase().into());
                    }
                    b.properties.push(make_property(key, v.trim()));
                }
            }
            continue;
        }
        if blocks.is_empty() {
            if let Some((k, v)) = t.strip_prefix("#+").and_then(|r| r.split_once(':')) {
                if let Some(key) = normalize_key(k) {
                    page_props.push(make_property(key, v.trim()));
                }
            }
            continue;
        }
        if let Some(b) = body.last_mut() {
            b.push((n as u32 + 1, line.to_string()));
        }
    }
    // Parents come before their children, which they list in order.
    for i in 0..blocks.len() {
        if let Some(p) = blocks[i].parent {
            blocks[p as usize].children.push(i as u32);
        }
    }
    for (b, lines) in blocks.iter_mut().zip(body) {
        let mut inlines = parse_inline_on_line(&org_code_to_markdown(&b.content), b.line, ctx);
        for (n, l) in lines.iter().filter(|(_, l)| !l.trim().is_empty()) {
            if !inlines.is_empty() {
                inlines.push(Inline::SoftBreak);
            }
            inlines.extend(parse_inline_on_line(&org_code_to_markdown(l.trim()), *n, ctx));
        }
        b.body = vec![Node::Paragraph { inlines }];
    }
    (blocks, page_props)
}

/// Org `~code~` and `=verbatim=` become Markdown code spans for the inline parser.
fn org_code_to_markdown(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let chars: Vec<char> = line.chars().collect();
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k];
        let boundary = k == 0 || chars[k - 1].is_whitespace() || "([{\"'".contains(chars[k - 1]);
        if (c == '~' || c == '=') && boundary && chars.get(k + 1).is_some_and(|n| !n.is_whitespace()) {
            if let Some(len) = chars[k + 1..].iter().position(|&x| x == c) {
                if len > 0 {
                    out.push('`');
                    out.extend(&chars[k + 1..k + 1 + len]);
                    out.push('`');
                    k += len + 2;
                    continue;
                }
            }
        }
        out.push(c);
        k += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Headlines nest by their stars: each lists its sub-headlines as children, in order.
    #[test]
    fn headlines_nest() {
        let text = "* a\n** b\n*** c\n** d\n* e\nbody of e\n";
        let (blocks, _) = read_org(text, "p.org", &InlineCtx { macros: &Default::default(), compact: true });
        let tree: Vec<(&str, Option<u32>, Vec<u32>)> =
            blocks.iter().map(|b| (b.content.as_str(), b.parent, b.children.clone())).collect();
        assert_eq!(
            tree,
            [
                ("a", None, vec![1, 3]),
                ("b", Some(0), vec![2]),
                ("c", Some(1), vec![]),
                ("d", Some(0), vec![]),
                ("e", None, vec![])
            ]
        );
    }
}
