//! OPML 2.0, the outline format Logseq, Workflowy, Dynalist and OmniOutliner import: one
//! `<outline>` per page holding one per block, nested as the blocks are. A block's first line
//! is its `text`; the lines after it (more paragraphs, code, tables, dates) are its `_note`,
//! the notes attribute those outliners read. References show what they name, embeds are
//! expanded in place, markup is dropped: OPML text is plain.

use super::{write_error, ExportError, Exporter, Finished, Format, Input, Job, Options, Sink};
use crate::diag::Diagnostic;
use crate::ir::{BlockAddr, Inline, Node, RefText, MAX_EXPANSION};
use std::fmt::Write;
use std::path::PathBuf;

pub struct OpmlExporter;

impl Exporter for OpmlExporter {
    type Job = OpmlJob;
    const FORMAT: Format = Format {
        name: "opml",
        about: "Write an OPML outline, for Logseq, Workflowy, Dynalist or OmniOutliner to import",
        extension: "opml",
        text: true,
        build: "outline.opml",
        per_page: false,
        help: "Examples:\n  notes-export opml my-graph -o outline.opml\n  notes-export opml pages/Cells.md -o -\n\nEach page is a top-level outline holding its blocks; a block's lines after the first are its note.\n\nWithout -o: NAME.opml in the current folder, NAME being the graph folder's name (or the page's\ntitle), or standard output for notes read from standard input.",
    };

    fn start(&self, graph: &Input, _options: &Options) -> Result<OpmlJob, ExportError> {
        let file = PathBuf::from(format!("{}.opml", super::safe_file_name(&graph.name)));
        Ok(OpmlJob { file, title: graph.name.clone(), pages: 0, outlines: 0, diagnostics: Vec::new() })
    }
}

pub struct OpmlJob {
    file: PathBuf,
    title: String,
    pages: usize,
    outlines: usize,
    diagnostics: Vec<Diagnostic>,
}

impl OpmlJob {
    fn head(&self) -> String {
        let mut head = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n<head>\n");
        head.push_str("  <title>");
        escape_into(&mut head, &self.title);
        head.push_str("</title>\n</head>\n<body>\n");
        head
    }
}

impl Job for OpmlJob {
    /// The page's outline element, its number of outlines, and what it reported.
    type Page = (String, usize, Vec<Diagnostic>);

    fn page(&self, graph: &Input, page: u32) -> Result<Self::Page, ExportError> {
        let mut w =
            Writer { graph, page, out: String::new(), stack: Vec::new(), embedding: 0, outlines: 0, diags: Vec::new() };
        w.page(page);
        Ok((w.out, w.outlines, w.diags))
    }

    fn add(&mut self, _graph: &Input, _page: u32, part: Self::Page, out: &mut dyn Sink) -> Result<(), ExportError> {
        let (xml, outlines, diags) = part;
        if self.pages == 0 {
            out.append(&self.file, self.head().as_bytes()).map_err(write_error("opml"))?;
        }
        out.append(&self.file, xml.as_bytes()).map_err(write_error("opml"))?;
        self.pages += 1;
        self.outlines += outlines;
        self.diagnostics.extend(diags);
        Ok(())
    }

    fn finish(self, _graph: &Input, out: &mut dyn Sink) -> Result<Finished, ExportError> {
        let mut tail = if self.pages == 0 { self.head() } else { String::new() };
        tail.push_str("</body>\n</opml>\n");
        out.append(&self.file, tail.as_bytes()).map_err(write_error("opml"))?;
        let summary = format!("{} pages, {} outlines", self.pages, self.outlines);
        Ok(Finished { diagnostics: self.diagnostics, summary })
    }
}

/// Work left while writing a page's outline (the tree is walked with a stack of its own:
/// outlines nest without limit).
enum Todo {
    /// Sibling blocks, the next to write at `next`, `depth` levels in.
    Blocks { page: u32, blocks: Vec<u32>, next: usize, depth: usize },
    /// The end of an outline element that holds others.
    Close { depth: usize },
    /// The end of an embed's blocks (of a block embed: it leaves the expansion stack).
    Leave { block: bool },
}

struct Writer<'a> {
    graph: &'a Input<'a>,
    /// The page being written.
    page: u32,
    out: String,
    /// The block being written, under the blocks being embedded (to stop loops).
    stack: Vec<BlockAddr>,
    /// Embeds being expanded.
    embedding: usize,
    outlines: usize,
    diags: Vec<Diagnostic>,
}

impl Writer<'_> {
    fn page(&mut self, page: u32) {
        let p = &self.graph.pages[page as usize];
        if p.roots.is_empty() {
            self.open(1, &p.title, "", false);
            return;
        }
        self.open(1, &p.title, "", true);
        let before = self.out.len();
        self.run(&mut vec![Todo::Blocks { page, blocks: p.roots.clone(), next: 0, depth: 2 }]);
        if self.out.len() == before {
            // Only properties: the page's outline holds nothing after all (`>` becomes `/>`).
            self.out.truncate(before - 2);
            self.out.push_str("/>\n");
        } else {
            self.close(1);
        }
    }

    fn run(&mut self, todo: &mut Vec<Todo>) {
        while let Some(top) = todo.last_mut() {
            match top {
                Todo::Blocks { page, blocks, next, depth } => match blocks.get(*next) {
                    Some(&block) => {
                        let (addr, depth) = (BlockAddr { page: *page, block }, *depth);
                        *next += 1;
                        self.block(addr, depth, todo);
                    }
                    None => {
                        todo.pop();
                    }
                },
                Todo::Close { depth } => {
                    let depth = *depth;
                    todo.pop();
                    self.close(depth);
                }
                Todo::Leave { block } => {
                    if *block {
                        self.stack.pop();
                    }
                    todo.pop();
                    self.embedding -= 1;
                }
            }
        }
    }

    /// Writes one block's outline and leaves what it holds (its embeds, then its children)
    /// on `todo`; a block of properties or embeds alone gives its place to what it holds.
    fn block(&mut self, addr: BlockAddr, depth: usize, todo: &mut Vec<Todo>) {
        let graph = self.graph;
        let b = graph.block(addr);
        if b.pre_block && b.body.is_empty() && b.children.is_empty() {
            return;
        }
        let mut embeds = Vec::new();
        crate::ir::for_each_inline(&b.body, &mut |i| {
            if let Inline::Embed { block, page, cyclic: false, .. } = i {
                embeds.push((*block, *page));
            }
        });
        let placeholder = b.is_placeholder();
        let holds = !b.children.is_empty() || !embeds.is_empty();
        let under = if placeholder { depth } else { depth + 1 };
        if !placeholder {
            self.stack.push(addr);
            let (text, note) = self.text_and_note(addr);
            self.stack.pop();
            self.open(depth, &text, &note, holds);
            if holds {
                todo.push(Todo::Close { depth });
            }
        }
        todo.push(Todo::Blocks { page: addr.page, blocks: b.children.clone(), next: 0, depth: under });
        for (block, page) in embeds.into_iter().rev() {
            todo.extend(self.embed(block, page, under).into_iter().flatten());
        }
    }

    /// The work of expanding an embed at `depth`, unless it would expand a block being
    /// expanded or go deeper than [`MAX_EXPANSION`].
    fn embed(&mut self, block: Option<BlockAddr>, page: Option<u32>, depth: usize) -> Option<Vec<Todo>> {
        if self.embedding >= MAX_EXPANSION {
            return None;
        }
        let blocks = match (block, page) {
            (Some(b), _) if !self.stack.contains(&b) => {
                Todo::Blocks { page: b.page, blocks: vec![b.block], next: 0, depth }
            }
            (None, Some(p)) => Todo::Blocks { page: p, blocks: self.graph.pages[p as usize].roots.clone(), next: 0, depth },
            _ => return None,
        };
        // Entered now, left by its `Leave`: the block's own text is written before this, and
        // the embeds' work comes off `todo` before anything else, last entered first.
        self.embedding += 1;
        if let Some(b) = block {
            self.stack.push(b);
        }
        Some(vec![Todo::Leave { block: block.is_some() }, blocks])
    }

    fn open(&mut self, depth: usize, text: &str, note: &str, holds: bool) {
        self.outlines += 1;
        indent(&mut self.out, depth);
        self.out.push_str("<outline text=\"");
        escape_into(&mut self.out, text);
        self.out.push('"');
        if !note.is_empty() {
            self.out.push_str(" _note=\"");
            escape_into(&mut self.out, note);
            self.out.push('"');
        }
        self.out.push_str(if holds { ">\n" } else { "/>\n" });
    }

    fn close(&mut self, depth: usize) {
        indent(&mut self.out, depth);
        self.out.push_str("</outline>\n");
    }

    /// A block's first line, and the rest of it (with its dates) as its note.
    fn text_and_note(&mut self, addr: BlockAddr) -> (String, String) {
        let b = self.graph.block(addr);
        let mut all = String::new();
        if let Some(marker) = &b.marker {
            all.push_str(marker);
            all.push(' ');
        }
        match (b.typed_number(), b.heading_parts()) {
            (Some((n, nodes)), _) => {
                let _ = write!(all, "{n}. ");
                self.nodes(nodes, &mut all);
            }
            (None, Some((head, rest))) => {
                let mut line = String::new();
                self.inlines(head, &mut line);
                all.push_str(&line.replace('\n', " "));
                if !rest.is_empty() {
                    all.push('\n');
                    self.nodes(rest, &mut all);
                }
            }
            (None, None) => self.nodes(&b.body, &mut all),
        }
        for stamp in super::stamps(b) {
            all.push('\n');
            all.push_str(&stamp);
        }
        let (text, note) = all.split_once('\n').unwrap_or((&all, ""));
        (text.trim().to_string(), note.trim_matches('\n').to_string())
    }

    /// Nodes as lines of text, a blank line between blocks of text.
    fn nodes(&mut self, nodes: &[Node], out: &mut String) {
        for (k, n) in nodes.iter().enumerate() {
            if k > 0 && !out.ends_with("\n\n") {
                out.push_str("\n\n");
            }
            self.node(n, out);
        }
    }

    fn node(&mut self, n: &Node, out: &mut String) {
        match n {
            Node::Paragraph { inlines } => self.inlines(inlines, out),
            Node::Heading { inlines, .. } => self.inlines(inlines, out),
            Node::Code { text, .. } | Node::Query { text } => out.push_str(text),
            Node::Math { tex } => out.push_str(tex),
            Node::Quote { children } => self.nodes(children, out),
            Node::Admonition { kind, children } => {
                out.push_str(&super::admonition_label(kind));
                out.push_str(": ");
                self.nodes(children, out);
            }
            Node::List { ordered, start, items } => {
                for (k, item) in items.iter().enumerate() {
                    if k > 0 {
                        out.push('\n');
                    }
                    match ordered {
                        true => {
                            let _ = write!(out, "{}. ", start.unwrap_or(1) as usize + k);
                        }
                        false => out.push_str("- "),
                    }
                    match item.checked {
                        Some(true) => out.push_str("[x] "),
                        Some(false) => out.push_str("[ ] "),
                        None => {}
                    }
                    self.nodes(&item.children, out);
                }
            }
            Node::Table { header, rows } => {
                for (k, row) in std::iter::once(header).chain(rows).enumerate() {
                    if k > 0 {
                        out.push('\n');
                    }
                    for (c, cell) in row.iter().enumerate() {
                        if c > 0 {
                            out.push_str(" | ");
                        }
                        self.inlines(cell, out);
                    }
                }
            }
            Node::Rule => out.push_str("---"),
            Node::Html { html } => html_text(html, out),
            Node::Footnote { label, inlines } => {
                let _ = write!(out, "[^{label}]: ");
                self.inlines(inlines, out);
            }
        }
    }

    fn inlines(&mut self, inlines: &[Inline], out: &mut String) {
        for i in inlines {
            self.inline(i, out);
        }
    }

    fn inline(&mut self, i: &Inline, out: &mut String) {
        match i {
            Inline::Text { text } | Inline::Code { text } => out.push_str(text),
            Inline::Strong { children }
            | Inline::Emphasis { children }
            | Inline::Strike { children }
            | Inline::Highlight { children } => self.inlines(children, out),
            Inline::Link { url, children, asset } => {
                let start = out.len();
                self.inlines(children, out);
                let label = out[start..].trim().to_string();
                let target = asset.as_deref().map_or(url.as_str(), |a| a.rsplit('/').next().unwrap_or(a));
                match label.is_empty() {
                    true => out.push_str(target),
                    false if label != target && asset.is_none() => {
                        let _ = write!(out, " ({target})");
                    }
                    false => {}
                }
            }
            Inline::Image { url, alt, .. } => match alt.trim().is_empty() {
                true => out.push_str(url.rsplit('/').next().unwrap_or(url)),
                false => out.push_str(alt),
            },
            Inline::PageRef { name, label, .. } => match label {
                Some(l) => self.inlines(l, out),
                None => out.push_str(name),
            },
            Inline::Tag { name, .. } => {
                out.push('#');
                out.push_str(name);
            }
            Inline::BlockRef { label: Some(l), .. } => self.inlines(l, out),
            Inline::BlockRef { target, .. } => match self.graph.ref_text(*target, &self.stack) {
                RefText::Title(t, title) => {
                    self.stack.push(t);
                    self.inlines(title, out);
                    self.stack.pop();
                }
                RefText::Circular => out.push_str("[circular reference]"),
                RefText::Missing => out.push_str("[missing reference]"),
            },
            Inline::Embed { cyclic: true, .. } => out.push_str("[embed cycle]"),
            // Expanded as outlines under the block.
            Inline::Embed { .. } => {}
            Inline::Cloze { answer, hint, .. } => {
                self.inlines(answer, out);
                if let Some(h) = hint.as_deref().map(str::trim).filter(|h| !h.is_empty()) {
                    let _ = write!(out, " ({h})");
                }
            }
            Inline::FootnoteRef { label, .. } => {
                let _ = write!(out, "[^{label}]");
            }
            Inline::Macro { name, args, pos } => match name.as_str() {
                n if super::is_video_macro(n) => {
                    if let Some(a) = args.first() {
                        out.push_str(&super::video_url(name, a));
                    }
                }
                _ => match super::macro_text(name, args) {
                    Some(text) => out.push_str(&text),
                    None => {
                        // The file of the block being written (an embedded one's can be another).
                        let page = self.stack.last().map_or(self.page, |a| a.page);
                        let file = &self.graph.pages[page as usize].file;
                        self.diags.push(Diagnostic::macro_dropped(file, *pos, name));
                    }
                },
            },
            Inline::Math { tex, .. } => out.push_str(tex),
            Inline::Html { html } => html_text(html, out),
            Inline::SoftBreak | Inline::HardBreak => out.push('\n'),
        }
    }
}

/// The text of raw HTML, its markup left out.
fn html_text(html: &str, out: &mut String) {
    for piece in super::raw_html::pieces(html) {
        if let super::raw_html::Piece::Text(text) = piece {
            out.push_str(&text);
        }
    }
}

/// Two spaces a level, up to a point: a deep outline must not grow with the square of its depth.
fn indent(out: &mut String, depth: usize) {
    out.extend(std::iter::repeat_n("  ", depth.min(32)));
}

/// Text for an XML attribute or element: markup characters escaped, line breaks and tabs kept
/// as references (a literal one in an attribute reads back as a space), and characters XML 1.0
/// cannot hold left out.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            '\r' => {}
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::escape_into;

    #[test]
    fn attribute_text_is_escaped_and_keeps_its_lines() {
        let mut out = String::new();
        escape_into(&mut out, "a < b & \"c\"\nnext\tline\u{7}\r");
        assert_eq!(out, "a &lt; b &amp; &quot;c&quot;&#10;next&#9;line");
    }
}
