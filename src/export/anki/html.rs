//! IR → the safe HTML Anki shows in a field. Every piece of user text is escaped; only the
//! markup written here reaches the field. Refs are resolved, embeds expanded, math turned into
//! MathJax delimiters, images pointed at bundled media.

use crate::diag::{Code, Diagnostic};
use crate::export::Input;
use crate::ir::{BlockAddr, Inline, Node, RefText, MAX_EXPANSION};
use crate::text::{byte_table, find_in};
use std::collections::BTreeMap;
use std::fmt::Write;

pub struct Renderer<'a> {
    pub graph: &'a Input<'a>,
    /// Graph-relative asset path → flat media file name.
    pub media: &'a BTreeMap<String, String>,
    /// Inside a cloze note's Text: clozes become `{{cN::…}}` with these numbers, in order.
    pub cloze_numbers: Option<Vec<u32>>,
    cloze_index: usize,
    /// Blocks being expanded (refs and embeds), to stop loops.
    stack: Vec<BlockAddr>,
    /// Media actually referenced by what was rendered.
    pub used_media: Vec<String>,
    /// What was left out (queries, macros), as notes (info diagnostics).
    pub notes: Vec<Diagnostic>,
    /// The footnotes marked in the field being rendered, numbered in this order.
    footnotes: super::super::FootnoteList,
}

/// Escapes text for an element's content.
pub fn escape(s: &str) -> String {
    escape_with(s, false)
}

/// Escapes text for an attribute value in double quotes.
pub fn escape_attr(s: &str) -> String {
    escape_with(s, true)
}

/// Bytes escaped or dropped in element text, and in attribute values: as tables, and as
/// comparisons (which scan faster where nothing is found).
const TEXT: [bool; 256] = byte_table(b"&<>", 0x20);
const ATTR: [bool; 256] = byte_table(b"&<>\"'", 0x20);

fn in_text(c: u8) -> bool {
    (c < 0x20) | (c == b'&') | (c == b'<') | (c == b'>')
}

fn in_attr(c: u8) -> bool {
    in_text(c) | (c == b'"') | (c == b'\'')
}

fn escape_with(s: &str, attr: bool) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    escape_into(&mut out, s, attr);
    out
}

/// [`escape`] (or, with `attr`, [`escape_attr`]) appended to `out`.
fn escape_into(out: &mut String, s: &str, attr: bool) {
    let b = s.as_bytes();
    let mut copied = 0;
    // Only ASCII bytes are escaped or dropped: copy the runs between them.
    let next = |from| match attr {
        false => find_in(b, from, &TEXT, in_text),
        true => find_in(b, from, &ATTR, in_attr),
    };
    while let Some(i) = next(copied) {
        let with = match b[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            // Control characters are not allowed in XML-ish HTML fields.
            b'\n' | b'\t' => &s[i..i + 1],
            _ => "",
        };
        out.push_str(&s[copied..i]);
        out.push_str(with);
        copied = i + 1;
    }
    out.push_str(&s[copied..]);
}

/// Anki's cloze syntax must not see `{{`/`}}`/`::` coming from user text inside a cloze.
fn escape_cloze_text(s: &str) -> String {
    escape(s).replace("}}", "}&#8203;}").replace("::", ":&#8203;:")
}

/// A cloze's answer with what would end it (`}}`) or split it (`::`) broken up: by a space
/// inside math, which TeX ignores (`{{c1::\(x^{a^{2}}\)}}`), by a zero-width space elsewhere.
fn guard_cloze(inner: &str) -> String {
    let mut out = String::with_capacity(inner.len());
    let mut rest = inner;
    while let Some(open) = rest.find("\\(").into_iter().chain(rest.find("\\[")).min() {
        let close = if rest[open..].starts_with("\\(") { "\\)" } else { "\\]" };
        let Some(len) = rest[open + 2..].find(close) else { break };
        out.push_str(&rest[..open].replace("}}", "}&#8203;}").replace("::", ":&#8203;:"));
        let math = &rest[open..open + 2 + len + 2];
        out.push_str(&math.replace("}}", "} }").replace("::", ": :"));
        rest = &rest[open + 2 + len + 2..];
    }
    out.push_str(&rest.replace("}}", "}&#8203;}").replace("::", ":&#8203;:"));
    out
}

fn safe_url(url: &str) -> Option<String> {
    let lower = url.trim().to_ascii_lowercase();
    let ok = ["http://", "https://", "mailto:", "logseq://", "zotero://"].iter().any(|p| lower.starts_with(p));
    ok.then(|| escape_attr(url.trim()))
}

impl<'a> Renderer<'a> {
    pub fn new(graph: &'a Input<'a>, media: &'a BTreeMap<String, String>) -> Self {
        Renderer {
            graph,
            media,
            cloze_numbers: None,
            cloze_index: 0,
            stack: Vec::new(),
            used_media: Vec::new(),
            notes: Vec::new(),
            footnotes: Default::default(),
        }
    }

    /// A rendered field with the footnotes it marks below it, numbered as the marks are.
    pub fn with_footnotes(&mut self, mut field: String) -> String {
        if self.footnotes.is_empty() {
            return field;
        }
        field.push_str("<div class=\"footnotes\">");
        // A footnote's text can mark another: the list grows as it is written.
        let mut k = 0;
        while let Some((addr, label)) = self.footnotes.get(k) {
            let _ = write!(field, "<div><sup>{}</sup> ", k + 1);
            if let Some(text) = self.graph.footnote(addr, label) {
                self.stack.push(addr);
                self.inlines(text, &mut field);
                self.stack.pop();
            }
            field.push_str("</div>");
            k += 1;
        }
        field.push_str("</div>");
        self.footnotes = Default::default();
        field
    }

    /// Notes `d` in the file of the block being rendered, the top of the stack (an embedded
    /// or referenced block's is another page's).
    /// The line of the block being written, for a note about what it leaves out.
    fn line(&self) -> u32 {
        self.stack.last().map_or(0, |&at| self.graph.block(at).line)
    }

    fn note(&mut self, mut d: Diagnostic) {
        if let Some(at) = self.stack.last() {
            d.file = self.graph.pages[at.page as usize].file.clone();
            self.notes.push(d);
        }
    }

    /// A block's own content (not its children), appended to `out`.
    fn block_into(&mut self, addr: BlockAddr, out: &mut String) {
        let block = self.graph.block(addr);
        self.stack.push(addr);
        // A typed number (`2. step`) is its list's: the item's content is the block's.
        let body = block.typed_number().map_or(block.body.as_slice(), |(_, nodes)| nodes);
        let many = body.len() > 1;
        for n in body {
            if many && matches!(n, Node::Paragraph { .. } | Node::Heading { .. }) {
                out.push_str("<div>");
                self.node(n, out);
                out.push_str("</div>");
            } else {
                self.node(n, out);
            }
        }
        self.stack.pop();
    }

    /// A block's own content with some inlines (card markers) dropped.
    pub fn block_without(&mut self, addr: BlockAddr, drop: &dyn Fn(&Inline) -> bool) -> String {
        let graph_block = self.graph.block(addr);
        let mut out = String::new();
        self.stack.push(addr);
        let body = graph_block.typed_number().map_or(graph_block.body.as_slice(), |(_, nodes)| nodes);
        let many = body.len() > 1;
        for n in body {
            let n = filter_node(n, drop);
            if many {
                out.push_str("<div>");
            }
            self.node(&n, &mut out);
            if many {
                out.push_str("</div>");
            }
        }
        self.stack.pop();
        out.trim().to_string()
    }

    /// The children of a block as a nested list (empty blocks without children skipped).
    pub fn children(&mut self, addr: BlockAddr) -> String {
        let mut out = String::new();
        self.children_into(addr, &mut out);
        out
    }

    fn children_into(&mut self, addr: BlockAddr, out: &mut String) {
        let graph = self.graph;
        self.list_into(addr.page, &graph.pages[addr.page as usize].blocks[addr.block as usize].children, out);
    }

    /// Blocks as nested HTML lists. Outlines nest without limit, so the tree is walked with a
    /// stack of its own, not by recursion; only an embed's expansion calls back in.
    fn list_into(&mut self, page: u32, blocks: &[u32], out: &mut String) {
        let Some(items) = self.items(page, blocks) else { return };
        let mut todo = vec![Todo::List { items, next: 0, open: None }];
        while let Some(top) = todo.last_mut() {
            let Todo::List { items, next, open } = top else {
                todo.pop();
                out.push_str("</li>");
                continue;
            };
            let Some(&(addr, number)) = items.get(*next) else {
                match open {
                    Some(Some(_)) => out.push_str("</ol>"),
                    Some(None) => out.push_str("</ul>"),
                    None => {}
                }
                todo.pop();
                continue;
            };
            *next += 1;
            let continues = match (*open, number) {
                (Some(Some(last)), Some(n)) => n == last + 1,
                (Some(None), None) => true,
                _ => false,
            };
            if !continues {
                match open {
                    Some(Some(_)) => out.push_str("</ol>"),
                    Some(None) => out.push_str("</ul>"),
                    None => {}
                }
                match number {
                    Some(1) => out.push_str("<ol>"),
                    Some(n) => {
                        let _ = write!(out, "<ol start=\"{n}\">");
                    }
                    None => out.push_str("<ul>"),
                }
            }
            *open = Some(number);
            out.push_str("<li>");
            self.block_into(addr, out);
            todo.push(Todo::CloseItem);
            let graph = self.graph;
            if let Some(items) = self.items(addr.page, &graph.block(addr).children) {
                todo.push(Todo::List { items, next: 0, open: None });
            }
        }
    }

    /// The list items for sibling `blocks`, with their numbers: runs of numbered blocks are
    /// ordered lists, numbered from their first, the rest bullets; a block of properties or
    /// embeds alone gives its place to what it holds. `None` when none shows anything.
    fn items(&self, page: u32, blocks: &[u32]) -> Option<Vec<(BlockAddr, Option<u32>)>> {
        let graph = self.graph;
        let p = &graph.pages[page as usize];
        let visible = |b: &u32| {
            let blk = &p.blocks[*b as usize];
            let blank = blk.is_empty() && blk.children.is_empty();
            let properties_only = blk.pre_block && blk.body.is_empty();
            !(blank || properties_only)
        };
        if !blocks.iter().any(visible) || self.stack.len() > MAX_EXPANSION {
            return None;
        }
        let numbers = crate::ir::list_numbers(p, blocks);
        let mut items = Vec::new();
        for (k, &b) in blocks.iter().enumerate() {
            if visible(&b) {
                self.take_place(BlockAddr { page, block: b }, numbers[k], &mut items, 0);
            }
        }
        Some(items)
    }

    /// Raw HTML as Anki shows it safely: formatting tags rewritten bare (`<kbd>`, no
    /// attributes), a video or frame as a link to its source, the text of anything else kept
    /// and its markup left out.
    fn raw_html(&mut self, html: &str, out: &mut String) {
        use crate::export::raw_html::{pieces, Kind, Piece};
        for piece in pieces(html) {
            let t = match piece {
                Piece::Text(text) => {
                    escape_into(out, &text, false);
                    continue;
                }
                Piece::Tag(t) => t,
            };
            let slash = if t.closing { "/" } else { "" };
            match t.kind() {
                Kind::Break => out.push_str("<br>"),
                Kind::Media => {
                    if let (false, Some(src)) = (t.closing, t.src.as_deref().and_then(safe_url)) {
                        let _ = write!(out, "<a href=\"{src}\">{src}</a>");
                    }
                }
                Kind::Other => {
                    if !t.closing && !t.is_structural() {
                        let message = format!("<{}> is not shown on the card; the text inside it is", t.name);
                        self.note(Diagnostic::info(Code::HtmlDropped, "", self.line(), 1, message));
                    }
                }
                _ => {
                    let _ = write!(out, "<{slash}{}>", t.name);
                }
            }
        }
    }

    /// The list items for block `addr`: itself, or, when it shows nothing of its own (only
    /// properties or embeds), the blocks it embeds and its children in its place.
    fn take_place(
        &self,
        addr: BlockAddr,
        number: Option<u32>,
        items: &mut Vec<(BlockAddr, Option<u32>)>,
        depth: usize,
    ) {
        let graph = self.graph;
        let block = graph.block(addr);
        if !block.is_placeholder() || depth > MAX_EXPANSION || self.stack.contains(&addr) {
            items.push((addr, number));
            return;
        }
        let mut held: Vec<BlockAddr> = Vec::new();
        crate::ir::for_each_inline(&block.body, &mut |i| match i {
            Inline::Embed { block: Some(b), cyclic: false, .. } => held.push(*b),
            Inline::Embed { page: Some(p), cyclic: false, .. } => {
                held.extend(graph.pages[*p as usize].roots.iter().map(|&r| BlockAddr { page: *p, block: r }))
            }
            _ => {}
        });
        held.extend(block.children.iter().map(|&c| BlockAddr { page: addr.page, block: c }));
        for h in held {
            let blk = graph.block(h);
            if !(blk.is_empty() && blk.children.is_empty()) {
                self.take_place(h, None, items, depth + 1);
            }
        }
    }

    fn node(&mut self, n: &Node, out: &mut String) {
        match n {
            Node::Paragraph { inlines } | Node::Heading { inlines, .. } => self.inlines(inlines, out),
            Node::Code { text, .. } => {
                let _ = write!(out, "<pre><code>{}</code></pre>", escape(text));
            }
            Node::Math { tex } => {
                let _ = write!(out, "\\[{}\\]", escape(tex));
            }
            Node::Quote { children } => {
                out.push_str("<blockquote>");
                children.iter().for_each(|c| self.node(c, out));
                out.push_str("</blockquote>");
            }
            Node::Admonition { kind, children } => {
                let label = super::super::admonition_label(kind);
                let _ = write!(out, "<div class=\"admonition {}\"><b>{}</b> ", escape_attr(kind), escape(&label));
                children.iter().for_each(|c| self.node(c, out));
                out.push_str("</div>");
            }
            Node::Query { .. } => {
                self.note(Diagnostic::query_dropped("", self.line()));
            }
            Node::List { ordered, start, items } => {
                let tag = if *ordered { "ol" } else { "ul" };
                match start {
                    Some(n) if *ordered => {
                        let _ = write!(out, "<ol start=\"{n}\">");
                    }
                    _ => {
                        let _ = write!(out, "<{tag}>");
                    }
                }
                for item in items {
                    out.push_str("<li>");
                    item.children.iter().for_each(|c| self.node(c, out));
                    out.push_str("</li>");
                }
                let _ = write!(out, "</{tag}>");
            }
            Node::Table { header, rows } => {
                out.push_str("<table><thead><tr>");
                for c in header {
                    out.push_str("<th>");
                    self.inlines(c, out);
                    out.push_str("</th>");
                }
                out.push_str("</tr></thead><tbody>");
                for r in rows {
                    out.push_str("<tr>");
                    for c in r {
                        out.push_str("<td>");
                        self.inlines(c, out);
                        out.push_str("</td>");
                    }
                    out.push_str("</tr>");
                }
                out.push_str("</tbody></table>");
            }
            Node::Rule => out.push_str("<hr>"),
            Node::Html { html } => self.raw_html(html.trim(), out),
            // Shown under the field that marks it (see `with_footnotes`).
            Node::Footnote { .. } => {}
        }
    }

    pub fn inlines(&mut self, inlines: &[Inline], out: &mut String) {
        self.inlines_in(inlines, false, out);
    }

    /// `inside`: the inlines are within bold, a link or the like, whose tags are words of the
    /// text wherever they stand.
    fn inlines_in(&mut self, inlines: &[Inline], inside: bool, out: &mut String) {
        for (k, i) in inlines.iter().enumerate() {
            match i {
                // A tag in the sentence is one of its words; tags after the text label the
                // note and become its Anki tags instead.
                Inline::Tag { name, .. } if inside || !crate::ir::tag_labels_block(inlines, k) => {
                    out.push_str("<span class=\"tag\">#");
                    escape_into(out, name, false);
                    out.push_str("</span>");
                }
                _ => self.inline(i, out),
            }
        }
    }

    fn wrap(&mut self, tag: &str, children: &[Inline], out: &mut String) {
        out.push('<');
        out.push_str(tag);
        out.push('>');
        self.inlines_in(children, true, out);
        out.push_str("</");
        out.push_str(tag);
        out.push('>');
    }

    fn inline(&mut self, i: &Inline, out: &mut String) {
        match i {
            Inline::Text { text } => escape_into(out, text, false),
            Inline::FootnoteRef { label, target: Some(t), .. } => {
                let _ = write!(out, "<sup>{}</sup>", self.footnotes.mark(*t, label) + 1);
            }
            Inline::FootnoteRef { label, .. } => {
                let _ = write!(out, "[^{}]", escape(label));
            }
            Inline::Code { text } => {
                let _ = write!(out, "<code>{}</code>", escape(text));
            }
            Inline::Strong { children } => self.wrap("b", children, out),
            Inline::Emphasis { children } => self.wrap("i", children, out),
            Inline::Strike { children } => self.wrap("s", children, out),
            Inline::Highlight { children } => self.wrap("mark", children, out),
            // A file of the graph, bundled: a recording plays (`[sound:…]`), another file opens.
            Inline::Link { children, asset: Some(a), .. } if self.media.contains_key(a) => {
                let name = self.media[a].clone();
                self.used_media.push(name.clone());
                if is_audio(&name) {
                    let _ = write!(out, "[sound:{}]", escape(&name));
                } else {
                    let _ = write!(out, "<a href=\"{}\">", escape_attr(&name));
                    if crate::ir::plain_text(children).trim().is_empty() {
                        escape_into(out, &name, false);
                    } else {
                        self.inlines_in(children, true, out);
                    }
                    out.push_str("</a>");
                }
            }
            Inline::Link { url, children, .. } => match safe_url(url) {
                Some(href) => {
                    let _ = write!(out, "<a href=\"{href}\">");
                    self.inlines_in(children, true, out);
                    out.push_str("</a>");
                }
                None => self.inlines_in(children, true, out),
            },
            Inline::Image { url, alt, width, asset, .. } => {
                let media = asset.as_ref().and_then(|a| self.media.get(a));
                let style = width.map(|w| format!(" style=\"max-width:min({w}px,100%)\"")).unwrap_or_default();
                if let Some(name) = media {
                    let _ = write!(out, "<img src=\"{}\" alt=\"{}\"{style}>", escape_attr(name), escape_attr(alt));
                    self.used_media.push(name.clone());
                } else if let Some(src) = safe_url(url).filter(|_| url.starts_with("http")) {
                    let _ = write!(out, "<img src=\"{src}\" alt=\"{}\"{style}>", escape_attr(alt));
                } else {
                    let _ = write!(
                        out,
                        "<span class=\"missing\">[missing image: {}]</span>",
                        escape(if alt.is_empty() { url } else { alt })
                    );
                }
            }
            Inline::PageRef { name, label, .. } => match label {
                Some(l) => self.inlines(l, out),
                None => {
                    out.push_str("<span class=\"ref\">");
                    escape_into(out, name, false);
                    out.push_str("</span>");
                }
            },
            Inline::Tag { .. } => {}
            Inline::BlockRef { label: Some(l), .. } => self.inlines(l, out),
            Inline::BlockRef { target, .. } => match self.graph.ref_text(*target, &self.stack) {
                RefText::Title(t, title) => {
                    self.stack.push(t);
                    self.inlines(title, out);
                    self.stack.pop();
                }
                RefText::Circular => out.push_str("<span class=\"missing\">[circular reference]</span>"),
                RefText::Missing => out.push_str("<span class=\"missing\">[missing reference]</span>"),
            },
            Inline::Embed { block, page, cyclic, .. } => {
                if *cyclic || self.stack.len() > MAX_EXPANSION {
                    out.push_str("<span class=\"missing\">[embed cycle]</span>");
                } else if let Some(b) = block {
                    if self.stack.contains(b) {
                        out.push_str("<span class=\"missing\">[embed cycle]</span>");
                    } else {
                        self.stack.push(*b);
                        self.list_into(b.page, &[b.block], out);
                        self.stack.pop();
                    }
                } else if let Some(p) = page {
                    let graph = self.graph;
                    self.list_into(*p, &graph.pages[*p as usize].roots, out);
                } else {
                    out.push_str("<span class=\"missing\">[missing embed]</span>");
                }
            }
            Inline::Cloze { number, answer, hint } => match &self.cloze_numbers {
                Some(numbers) => {
                    let n = numbers.get(self.cloze_index).copied().or(*number).unwrap_or(1);
                    self.cloze_index += 1;
                    // The answer is text to recall, a tag in it too (`{{cloze #enzyme}}`).
                    let mut inner = String::new();
                    self.inlines_in(answer, true, &mut inner);
                    let inner = guard_cloze(&inner);
                    let _ = write!(out, "{{{{c{n}::{inner}");
                    if let Some(h) = hint.as_ref().filter(|h| !h.is_empty()) {
                        let _ = write!(out, "::{}", escape_cloze_text(h));
                    }
                    out.push_str("}}");
                }
                None => self.inlines_in(answer, true, out),
            },
            Inline::Macro { name, args, pos } => match name.as_str() {
                n if super::super::is_video_macro(n) => {
                    if let Some(href) = args.first().and_then(|a| safe_url(&super::super::video_url(name, a))) {
                        let _ = write!(out, "<a href=\"{href}\">{href}</a>");
                    }
                }
                _ => match super::super::macro_text(name, args) {
                    Some(text) => out.push_str(&escape(&text)),
                    None => self.note(Diagnostic::macro_dropped("", *pos, name)),
                },
            },
            Inline::Math { tex, display } => {
                let (open, close) = if *display { ("\\[", "\\]") } else { ("\\(", "\\)") };
                let _ = write!(out, "{open}{}{close}", escape(tex));
            }
            Inline::Html { html } => self.raw_html(html, out),
            Inline::SoftBreak | Inline::HardBreak => out.push_str("<br>"),
        }
    }
}

/// A copy of the node without the inlines `drop` selects (at any depth).
fn filter_node(n: &Node, drop: &dyn Fn(&Inline) -> bool) -> Node {
    let f = |v: &Vec<Inline>| filter_inlines(v, drop);
    match n {
        Node::Paragraph { inlines } => Node::Paragraph { inlines: f(inlines) },
        Node::Heading { level, inlines } => Node::Heading { level: *level, inlines: f(inlines) },
        other => other.clone(),
    }
}

fn filter_inlines(v: &[Inline], drop: &dyn Fn(&Inline) -> bool) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    for i in v.iter().filter(|i| !drop(i)) {
        // Where a marker stood, two spaces meet: keep one.
        if let (Some(Inline::Text { text: prev }), Inline::Text { text }) = (out.last_mut(), i) {
            if prev.ends_with(' ') {
                prev.push_str(text.trim_start_matches(' '));
            } else {
                prev.push_str(text);
            }
            continue;
        }
        out.push(i.clone());
    }
    // A marker on its own line leaves a break and trailing space behind.
    while let Some(last) = out.last_mut() {
        match last {
            Inline::SoftBreak | Inline::HardBreak => {
                out.pop();
            }
            Inline::Text { text } if text.trim_end().is_empty() => {
                out.pop();
            }
            Inline::Text { text } => {
                let t = text.trim_end().to_string();
                *text = t;
                break;
            }
            _ => break,
        }
    }
    out
}

/// Text without tags, for Anki's sort field and checksum.
pub fn strip_html(s: &str) -> String {
    let mut text = String::with_capacity(s.len());
    let mut rest = s;
    // Text up to the next tag, then past the tag; an unclosed tag hides the rest.
    while let Some(open) = memchr::memchr(b'<', rest.as_bytes()) {
        text.push_str(&rest[..open]);
        match memchr::memchr(b'>', &rest.as_bytes()[open..]) {
            Some(close) => rest = &rest[open + close + 1..],
            None => rest = "",
        }
    }
    text.push_str(rest);
    // Entities once the tags are gone (one can span a tag: `&a<b>mp;`).
    let out = if text.contains('&') {
        let mut out = String::with_capacity(text.len());
        decode_entities(&mut out, &text);
        out
    } else {
        text
    };
    match out.trim() {
        t if t.len() == out.len() => out,
        t => t.to_string(),
    }
}

/// Appends `text` with the entities this exporter writes (`&lt;` `&gt;` `&quot;` `&#39;`
/// `&nbsp;` `&amp;`) decoded, left to right.
fn decode_entities(out: &mut String, text: &str) {
    const ENTITIES: [(&str, char); 6] =
        [("&lt;", '<'), ("&gt;", '>'), ("&quot;", '"'), ("&#39;", '\''), ("&nbsp;", ' '), ("&amp;", '&')];
    let mut rest = text;
    while let Some(amp) = memchr::memchr(b'&', rest.as_bytes()) {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        match ENTITIES.iter().find(|(e, _)| rest.starts_with(e)) {
            Some((e, c)) => {
                out.push(*c);
                rest = &rest[e.len()..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

/// Files Anki plays as sound.
fn is_audio(name: &str) -> bool {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    matches!(ext.as_str(), "mp3" | "ogg" | "oga" | "opus" | "wav" | "m4a" | "flac" | "aac")
}

/// Work left while writing an outline as HTML lists (see [`Renderer::list_into`]).
enum Todo {
    /// List items, the next to write at `next`; `open` is the list element open (`Some(None)`
    /// a `<ul>`, `Some(Some(n))` an `<ol>` whose last item is `n`).
    List { items: Vec<(BlockAddr, Option<u32>)>, next: usize, open: Option<Option<u32>> },
    /// The end of an item, after its children.
    CloseItem,
}

#[cfg(test)]
mod tests {
    use super::strip_html;
    use proptest::prelude::*;

    /// Tags dropped character by character, then each entity replaced in turn.
    fn reference(s: &str) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for c in s.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        let out = out.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'");
        out.replace("&nbsp;", " ").replace("&amp;", "&").trim().to_string()
    }

    #[test]
    fn compares_cover_the_tables() {
        assert_eq!(crate::text::uncovered(&super::TEXT, super::in_text), None);
        assert_eq!(crate::text::uncovered(&super::ATTR, super::in_attr), None);
    }

    #[test]
    fn escapes_text_and_attributes() {
        use super::{escape, escape_attr};
        assert_eq!(escape("a<b>&\"c\" 'd' é\u{1}\n\t"), "a&lt;b&gt;&amp;\"c\" 'd' é\n\t");
        assert_eq!(escape_attr("\"x\" & 'y'"), "&quot;x&quot; &amp; &#39;y&#39;");
    }

    #[test]
    fn cloze_answers_cannot_end_early() {
        assert_eq!(super::guard_cloze("a}}b::c"), "a}&#8203;}b:&#8203;:c");
        assert_eq!(super::guard_cloze("\\(x^{a^{2}}\\) and }}"), "\\(x^{a^{2} }\\) and }&#8203;}");
        assert_eq!(super::guard_cloze("\\[a::b\\]"), "\\[a: :b\\]");
        assert_eq!(super::guard_cloze("\\(open"), "\\(open");
    }

    #[test]
    fn strips_tags_and_entities() {
        assert_eq!(strip_html(" <b>a &amp;lt; b</b> &lt;i&gt; <unclosed"), "a &lt; b <i>");
        assert_eq!(strip_html("x > y &nbsp;&#39;&quot;"), "x > y  '\"");
        // An entity split by a tag is one once the tag is gone.
        assert_eq!(strip_html("&<b>lt;"), "<");
    }

    /// Escaping one character at a time.
    fn escaped(s: &str, attr: bool) -> String {
        let mut out = String::new();
        for c in s.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' if attr => out.push_str("&quot;"),
                '\'' if attr => out.push_str("&#39;"),
                '\n' | '\t' => out.push(c),
                c if (c as u32) < 0x20 => {}
                c => out.push(c),
            }
        }
        out
    }

    proptest! {
        #[test]
        fn escaping_follows_the_rules(s in "[a <>&\"'\n\t\r\u{0}\u{1f}\u{7f}é中😀]{0,80}") {
            prop_assert_eq!(super::escape(&s), escaped(&s, false));
            prop_assert_eq!(super::escape_attr(&s), escaped(&s, true));
        }

        #[test]
        fn stripping_follows_the_rules(s in "(<|>|&|lt;|gt;|amp;|quot;|#39;|nbsp;|a|b|é| |\n){0,24}") {
            prop_assert_eq!(strip_html(&s), reference(&s));
        }
    }
}
