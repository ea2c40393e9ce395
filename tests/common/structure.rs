//! The list and heading structure a Markdown file should have for a page of the IR, and the
//! one a CommonMark parser finds in it.
#![allow(dead_code)]

use notes_export::ir::{Graph, Inline, Node};
use pulldown_cmark::{Event, Options as CmOptions, Parser, Tag, TagEnd};

/// (is_heading, depth) in document order, as the exporter should write them.
pub fn expected_structure(graph: &Graph, page: usize) -> Option<Vec<(bool, usize)>> {
    let p = &graph.pages[page];
    let mut has_embed = false;
    for b in &p.blocks {
        notes_export::ir::for_each_inline(&b.body, &mut |i| {
            has_embed |= matches!(i, Inline::Embed { cyclic: false, .. })
        });
    }
    if has_embed {
        return None;
    }
    fn renders_empty(b: &notes_export::ir::Block) -> bool {
        b.body.iter().all(|n| match n {
            Node::Query { .. } => true,
            Node::Paragraph { inlines } => inlines.iter().all(|i| matches!(i, Inline::Macro { name, .. } if !matches!(name.as_str(), "youtube" | "video" | "vimeo" | "bilibili" | "tweet" | "twitter"))),
            _ => false,
        })
    }
    fn body_lists(nodes: &[Node], depth: usize, out: &mut Vec<(bool, usize)>) {
        for n in nodes {
            if let Node::List { items, .. } = n {
                for it in items {
                    out.push((false, depth));
                    body_lists(&it.children, depth + 1, out);
                }
            }
        }
    }
    fn items(p: &notes_export::ir::Page, blocks: &[u32], depth: usize, out: &mut Vec<(bool, usize)>) {
        for &b in blocks {
            let blk = &p.blocks[b as usize];
            if renders_empty(blk) && blk.children.is_empty() {
                continue;
            }
            // A block of properties alone, or empty: its children take its place.
            if blk.is_placeholder() {
                items(p, &blk.children, depth, out);
                continue;
            }
            out.push((false, depth));
            // A typed number (`2. step`) is the item itself, its item's content the block's.
            let body = blk.typed_number().map_or(blk.body.as_slice(), |(_, nodes)| nodes);
            body_lists(body, depth + 1, out);
            items(p, &blk.children, depth + 1, out);
        }
    }
    let mut out = Vec::new();
    for &r in &p.roots {
        let b = &p.blocks[r as usize];
        if b.pre_block {
            continue;
        }
        if let Some((_, body)) = b.heading_parts() {
            // The heading line, then its body (lists included) and its children under it.
            out.push((true, 0));
            body_lists(body, 1, &mut out);
            items(p, &b.children, 1, &mut out);
        } else {
            items(p, &[r], 1, &mut out);
        }
    }
    Some(out)
}

pub fn parsed_structure(md: &str) -> Vec<(bool, usize)> {
    let mut out = Vec::new();
    let mut lists = 0;
    let mut quotes = 0;
    for ev in Parser::new_ext(md, CmOptions::ENABLE_TABLES | CmOptions::ENABLE_STRIKETHROUGH) {
        match ev {
            Event::Start(Tag::Heading { .. }) if lists == 0 && quotes == 0 => out.push((true, 0)),
            Event::Start(Tag::List(_)) => lists += 1,
            Event::End(TagEnd::List(_)) => lists -= 1,
            Event::Start(Tag::BlockQuote(_)) => quotes += 1,
            Event::End(TagEnd::BlockQuote(_)) => quotes -= 1,
            Event::Start(Tag::Item) if quotes == 0 => out.push((false, lists)),
            _ => {}
        }
    }
    out
}
