//! The document body: heading blocks → Word headings, other blocks → bullet paragraphs whose
//! list level is their depth below the nearest heading; inline formatting as runs; images
//! embedded at a sensible size; worksheet blanks for bold terms and cloze answers.

mod worksheet;

pub use worksheet::{prompts, Prompt};

use super::parts::{list_indent, Page, Rel};
use super::xml::{attr, push_text};
use super::{DocxOptions, LinkAddresses};
use crate::diag::{Code, Diagnostic};
use crate::export::Input;
use crate::ir::{BlockAddr, Inline, Node, Pos, RefText, MAX_EXPANSION};
use std::collections::{HashMap, HashSet};
use std::fmt::Write;
use std::sync::Arc;

/// EMU per pixel at 96 dpi.
const EMU_PER_PX: u64 = 9525;
/// Word's list levels.
const MAX_LEVEL: usize = 8;

#[derive(Clone, Default, PartialEq)]
struct Fmt {
    bold: bool,
    italic: bool,
    strike: bool,
    highlight: bool,
    code: bool,
    math: bool,
    link: bool,
    tag: bool,
    underline: bool,
    sub: bool,
    sup: bool,
    /// Inside a cloze's answer, whose tags are words to recall.
    cloze: bool,
}

/// What a document keeps between pages: relationships, media, numbering, answers. The body
/// XML written so far is taken out (and compressed) after every page.
/// The run properties of a footnote's mark.
const NOTE_STYLE: &str = "<w:rPr><w:rStyle w:val=\"FootnoteReference\"/></w:rPr>";

/// A second mark of footnote `id`: a `NOTEREF` field showing its number, as Word makes one.
fn mark_again(id: u32, out: &mut String) {
    let _ = write!(
        out,
        "<w:r>{NOTE_STYLE}<w:fldChar w:fldCharType=\"begin\"/></w:r>\
<w:r>{NOTE_STYLE}<w:instrText xml:space=\"preserve\"> NOTEREF _Footnote{id} \\f \\h </w:instrText></w:r>\
<w:r>{NOTE_STYLE}<w:fldChar w:fldCharType=\"separate\"/></w:r><w:r>{NOTE_STYLE}<w:t>{id}</w:t></w:r>\
<w:r>{NOTE_STYLE}<w:fldChar w:fldCharType=\"end\"/></w:r>"
    );
}

#[derive(Default)]
pub struct DocState {
    pub xml: String,
    pub rels: Vec<Rel>,
    /// (part name under word/, bytes)
    pub media: Vec<(String, Arc<Vec<u8>>)>,
    media_rel: HashMap<String, String>,
    link_rel: HashMap<String, String>,
    docpr: u32,
    /// The worksheet's answers, numbered from 1 as its blanks and questions are.
    pub answers: Vec<worksheet::Answer>,
    pub diagnostics: Vec<Diagnostic>,
    /// The `<w:footnote>`s of the footnotes part, numbered from 1 in order.
    pub footnotes: String,
    footnote_ids: u32,
    /// Each footnote's id, by the block holding its text and its label: a second mark shows
    /// the first one's number instead of repeating the note.
    footnote_of: HashMap<(BlockAddr, String), u32>,
    /// The footnote giving each link address printed in one (`--link-addresses footnote`).
    address_note: HashMap<String, u32>,
    /// Runs of numbered blocks, (list level, first number): numbering instances 3, 4, …
    pub lists: Vec<(usize, u32)>,
}

pub struct Body<'a> {
    graph: &'a Input<'a>,
    opts: &'a DocxOptions,
    page: Page,
    pub st: &'a mut DocState,
    /// The block being written, under the blocks whose embeds are being expanded.
    stack: Vec<BlockAddr>,
    /// Embeds being expanded.
    embedding: usize,
    /// Added to a heading block's relative level (1 when pages are themselves headings).
    heading_base: u8,
    /// Smallest heading size on the current page (its top level).
    heading_min: u8,
    /// A cleared buffer for a paragraph's runs: paragraphs are made one after another, so one
    /// buffer serves them all (one nested inside another takes a new one).
    spare: String,
    /// The footnotes (block, label) the current page marks: shown as Word footnotes there,
    /// not in place.
    marked: HashSet<(BlockAddr, String)>,
    /// Writing a footnote's text, which lives in its own part: no relationships (links become
    /// text, images a placeholder), no footnotes inside it.
    in_footnote: bool,
    /// The numbering of the block being written: 1 (bullets) or its numbered run's instance.
    item_num: u32,
    /// Writing a worksheet's prompt: its clozes are blanks.
    blanking: bool,
    /// The left indent of the text being written, in twips: an image there is that much
    /// narrower than the text width.
    indent: u32,
    /// The bold phrases the prompt being written turns into blanks (`--blanks bold`), by
    /// address: a phrase is blanked where it stands in the sentence, never elsewhere.
    bold_blanks: Vec<*const Inline>,
}

impl<'a> Body<'a> {
    pub fn new(graph: &'a Input<'a>, opts: &'a DocxOptions, page: Page, st: &'a mut DocState) -> Self {
        Body {
            graph,
            opts,
            page,
            st,
            stack: Vec::new(),
            embedding: 0,
            heading_base: 0,
            heading_min: 1,
            spare: String::new(),
            marked: HashSet::new(),
            in_footnote: false,
            item_num: 1,
            blanking: false,
            bold_blanks: Vec::new(),
            indent: 0,
        }
    }

    fn take_runs(&mut self) -> String {
        let mut runs = std::mem::take(&mut self.spare);
        runs.clear();
        runs
    }

    /// A paragraph of `runs` (from [`take_runs`](Self::take_runs)), whose buffer is kept.
    fn paragraph_of(&mut self, style: &str, opts: ParaOpts, runs: String) {
        self.paragraph(style, opts, &runs);
        self.spare = runs;
    }

    fn rid(&self) -> String {
        // rId1–rId4 are styles, numbering, settings and the footer.
        format!("rId{}", 5 + self.st.rels.len())
    }

    pub fn paragraph(&mut self, style: &str, opts: ParaOpts, content: &str) {
        let xml = &mut self.st.xml;
        xml.push_str("<w:p><w:pPr><w:pStyle w:val=\"");
        xml.push_str(style);
        xml.push_str("\"/>");
        if opts.keep_next {
            xml.push_str("<w:keepNext/>");
        }
        if opts.page_break {
            xml.push_str("<w:pageBreakBefore/>");
        }
        if let Some((num, lvl)) = opts.num {
            // Every list item has one: pushed, not formatted.
            xml.push_str("<w:numPr><w:ilvl w:val=\"");
            xml.push_str(itoa::Buffer::new().format(lvl));
            xml.push_str("\"/><w:numId w:val=\"");
            xml.push_str(itoa::Buffer::new().format(num));
            xml.push_str("\"/></w:numPr>");
        }
        match (opts.indent, opts.hanging) {
            (Some(left), Some(hanging)) => {
                let _ = write!(xml, "<w:ind w:left=\"{left}\" w:hanging=\"{hanging}\"/>");
            }
            (Some(left), None) => {
                let _ = write!(xml, "<w:ind w:left=\"{left}\"/>");
            }
            _ => {}
        }
        xml.push_str("</w:pPr>");
        xml.push_str(content);
        xml.push_str("</w:p>");
    }

    /// One page of notes: its blocks under `heading_base` (0 for a single page).
    pub fn page_blocks(&mut self, page: u32, heading_base: u8) {
        let p = &self.graph.pages[page as usize];
        self.heading_base = heading_base;
        self.heading_min = p.blocks.iter().filter_map(|b| b.heading).min().unwrap_or(1);
        self.marked.clear();
        if p.blocks.iter().any(|b| !b.footnotes().is_empty()) {
            for b in &p.blocks {
                crate::ir::for_each_inline(&b.body, &mut |i| {
                    if let Inline::FootnoteRef { label, target: Some(t), .. } = i {
                        self.marked.insert((*t, label.clone()));
                    }
                });
            }
        }
        self.siblings(page, &p.roots, 0);
    }

    /// Sibling blocks at list `level`, each followed by the blocks it embeds and its children.
    /// Outlines nest without limit, so the tree is walked with a stack of its own, not by
    /// recursion.
    fn siblings(&mut self, page: u32, blocks: &[u32], level: usize) {
        let mut todo = vec![self.list(page, blocks.to_vec(), level)];
        while let Some(top) = todo.last_mut() {
            match top {
                Todo::Siblings { page, blocks, numbers, level, run, next } => {
                    let Some(&block) = blocks.get(*next) else {
                        todo.pop();
                        continue;
                    };
                    // A run of numbered blocks (`2.`, `3.`) is one Word list, numbered from its
                    // first number; the others are bullets.
                    let level = *level;
                    *run = numbers[*next].map(|n| match *run {
                        Some((id, last)) if n == last + 1 => (id, n),
                        _ => {
                            self.st.lists.push((level.min(MAX_LEVEL), n));
                            (self.st.lists.len() as u32 + 2, n)
                        }
                    });
                    let num = run.map_or(1, |(id, _)| id);
                    let addr = BlockAddr { page: *page, block };
                    *next += 1;
                    self.block(addr, level, num, &mut todo);
                }
                Todo::Embed { .. } => {
                    if let Some(Todo::Embed { block, page, level }) = todo.pop() {
                        self.embed(block, page, level, &mut todo);
                    }
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

    /// Sibling blocks to write at `level`.
    fn list(&self, page: u32, blocks: Vec<u32>, level: usize) -> Todo {
        let numbers = crate::ir::list_numbers(&self.graph.pages[page as usize], &blocks);
        Todo::Siblings { page, blocks, numbers, level, run: None, next: 0 }
    }

    /// Leaves an embed's blocks on `todo`, unless it would expand a block being expanded or go
    /// deeper than [`MAX_EXPANSION`].
    fn embed(&mut self, block: Option<BlockAddr>, page: Option<u32>, level: usize, todo: &mut Vec<Todo>) {
        if self.embedding >= MAX_EXPANSION {
            return;
        }
        let list = match (block, page) {
            (Some(b), _) if !self.stack.contains(&b) => {
                self.stack.push(b);
                self.list(b.page, vec![b.block], level)
            }
            (None, Some(p)) => self.list(p, self.graph.pages[p as usize].roots.clone(), level),
            _ => return,
        };
        self.embedding += 1;
        todo.push(Todo::Leave { block: block.is_some() });
        todo.push(list);
    }

    /// One block at list `level`, its first paragraph in the list `num` (1: bullets); what
    /// follows it (its embeds, then its children) is left on `todo`.
    fn block(&mut self, addr: BlockAddr, level: usize, num: u32, todo: &mut Vec<Todo>) {
        let block = self.graph.block(addr);
        if block.pre_block && block.body.is_empty() && block.children.is_empty() {
            return;
        }
        self.stack.push(addr);
        // A task's box, then, for a state other than to do or done, a short label, and its
        // priority: `☐ Doing`, `☒ Canceled`, `☐ Priority A`.
        let (glyph, state) = match block.marker.as_deref() {
            Some("DONE") => ("☑ ", ""),
            Some("CANCELED") | Some("CANCELLED") => ("☒ ", "Canceled"),
            Some("NOW") => ("☐ ", "Now"),
            Some("DOING") | Some("IN-PROGRESS") | Some("STARTED") => ("☐ ", "Doing"),
            Some("WAIT") | Some("WAITING") => ("☐ ", "Waiting"),
            Some(_) => ("☐ ", ""),
            None => ("", ""),
        };
        let priority = block.priority.as_deref().map(|p| format!("Priority {p}")).unwrap_or_default();
        let labels: Vec<&str> = [state, priority.as_str()].into_iter().filter(|l| !l.is_empty()).collect();
        let marker = if labels.is_empty() { glyph.to_string() } else { format!("{glyph}{}\u{2002}", labels.join(", ")) };
        let marker = marker.as_str();
        let mut embeds = Vec::new();
        crate::ir::for_each_inline(&block.body, &mut |i| {
            if let Inline::Embed { block: b, page: p, cyclic: false, .. } = i {
                embeds.push((*b, *p));
            }
        });
        let child_level;
        if block.is_placeholder() {
            // A block of properties or embeds alone: what it holds takes its place.
            child_level = level;
        } else if let (Some(size), Some((head, rest))) = (block.heading, block.heading_parts()) {
            let n = (self.heading_base + size.saturating_sub(self.heading_min) + 1).clamp(1, 9);
            let mut runs = self.take_runs();
            self.marker_run(marker, &mut runs);
            self.indent = 0;
            self.runs(head, &Fmt::default(), &mut runs);
            self.paragraph_of(&format!("Heading{n}"), ParaOpts { keep_next: true, ..Default::default() }, runs);
            // The lines under the heading line are its body, set under it.
            for node in rest {
                self.node(node, 0, false);
            }
            child_level = 0;
        } else {
            let lvl = level.min(MAX_LEVEL);
            let mut first = true;
            self.item_num = num;
            // A typed number (`2. step`) is the list's: the item's content is the block's.
            let body = block.typed_number().map_or(block.body.as_slice(), |(_, nodes)| nodes);
            for node in body {
                match node {
                    Node::Paragraph { inlines } if first => {
                        self.indent = list_indent(lvl).0;
                        let mut runs = self.take_runs();
                        self.marker_run(marker, &mut runs);
                        // A bullet would sit at the foot of a lone picture: the bullet line
                        // carries the image's description and the picture follows below it.
                        // Without a description the picture itself is the item.
                        if let [Inline::Image { alt, .. }] = inlines.as_slice() {
                            if !alt.trim().is_empty() {
                                run(alt, &Fmt { italic: true, ..Default::default() }, &mut runs);
                                runs.push_str("<w:r><w:br/></w:r>");
                            }
                        }
                        self.runs(inlines, &Fmt::default(), &mut runs);
                        self.paragraph_of("Compact", ParaOpts { num: Some((num, lvl)), ..Default::default() }, runs);
                    }
                    other => self.node(other, lvl, first),
                }
                first = false;
                self.item_num = 1;
            }
            for stamp in crate::export::stamps_in_words(block) {
                let mut runs = String::new();
                run(&stamp, &Fmt { italic: true, ..Default::default() }, &mut runs);
                self.paragraph("Compact", ParaOpts { indent: Some(list_indent(lvl).0), ..Default::default() }, &runs);
            }
            child_level = level + 1;
        }
        self.stack.pop();
        todo.push(self.list(addr.page, block.children.clone(), child_level));
        todo.extend(embeds.into_iter().rev().map(|(block, page)| Todo::Embed { block, page, level: child_level }));
    }

    /// Reports `d` in the file of the block being written, the top of the stack (an embedded
    /// block's is another page's); every run of text is written inside some block.
    fn report(&mut self, mut d: Diagnostic) {
        if let Some(at) = self.stack.last() {
            d.file = self.graph.pages[at.page as usize].file.clone();
            self.st.diagnostics.push(d);
        }
    }

    /// The line of the block being written, for a note about what it leaves out.
    fn line(&self) -> u32 {
        self.stack.last().map_or(0, |&at| self.graph.block(at).line)
    }

    /// A task's box, and its label in bold.
    fn marker_run(&mut self, marker: &str, out: &mut String) {
        let split = marker.char_indices().nth(2).map_or(marker.len(), |(k, _)| k);
        let (glyph, label) = marker.split_at(split);
        if !glyph.is_empty() {
            run(glyph, &Fmt::default(), out);
        }
        if !label.is_empty() {
            run(label, &Fmt { bold: true, ..Default::default() }, out);
        }
    }

    /// A block-level node inside a list item at `lvl` (indented like the item's text).
    fn node(&mut self, node: &Node, lvl: usize, first: bool) {
        self.indent = list_indent(lvl).0;
        let indent = Some(self.indent);
        let plain = ParaOpts { indent, ..Default::default() };
        match node {
            Node::Paragraph { inlines } | Node::Heading { inlines, .. } => {
                let mut runs = self.take_runs();
                self.runs(inlines, &Fmt::default(), &mut runs);
                let opts =
                    if first { ParaOpts { num: Some((self.item_num, lvl)), ..Default::default() } } else { plain };
                self.paragraph_of("Compact", opts, runs);
            }
            Node::Code { text: code, .. } => {
                let mut runs = String::new();
                run(code, &Fmt::default(), &mut runs);
                self.paragraph("SourceCode", plain, &runs);
            }
            Node::Math { tex } => {
                let mut runs = String::new();
                self.math(tex, true, &Fmt::default(), &mut runs);
                self.paragraph("Compact", plain, &runs);
            }
            Node::Quote { children } => self.quoted(None, children, lvl),
            Node::Admonition { kind, children } => self.quoted(Some(kind), children, lvl),
            Node::Query { .. } => {
                self.report(Diagnostic::query_dropped("", self.line()));
            }
            Node::List { ordered, start, items } => {
                let first = start.unwrap_or(1) as usize;
                for (k, item) in items.iter().enumerate() {
                    let mut iter = item.children.iter();
                    if let Some(Node::Paragraph { inlines }) = iter.next() {
                        let mut runs = String::new();
                        if *ordered {
                            run(&format!("{}. ", first + k), &Fmt::default(), &mut runs);
                        }
                        self.runs(inlines, &Fmt::default(), &mut runs);
                        let sub = (lvl + 1).min(MAX_LEVEL);
                        self.paragraph("Compact", ParaOpts { num: Some((1, sub)), ..Default::default() }, &runs);
                    }
                    for rest in iter {
                        self.node(rest, (lvl + 1).min(MAX_LEVEL), false);
                    }
                }
            }
            Node::Table { header, rows } => self.table(header, rows, list_indent(lvl).0),
            Node::Rule => self.paragraph("Compact", plain, ""),
            // A footnote no mark on the page calls stays where it is written.
            Node::Footnote { label, inlines } => {
                let at = self.stack.last().copied();
                if at.is_some_and(|at| self.marked.contains(&(at, label.clone()))) {
                    return;
                }
                let mut runs = String::new();
                run(&format!("{label}: "), &Fmt { italic: true, ..Default::default() }, &mut runs);
                self.runs(inlines, &Fmt::default(), &mut runs);
                self.paragraph("FootnoteText", plain, &runs);
            }
            Node::Html { html } => {
                let mut runs = String::new();
                self.html(html.trim(), &Fmt::default(), &mut runs);
                self.paragraph("Compact", plain, &runs);
            }
        }
    }

    /// A quote or callout: its paragraphs in the boxed "Block Text" style, the label (`Tip:`)
    /// at the start of the first; a list inside keeps the box, its items marked in the text.
    fn quoted(&mut self, kind: Option<&String>, children: &[Node], lvl: usize) {
        let indent = list_indent(lvl).0;
        let mut label = kind.map(|k| crate::export::admonition_label(k));
        for node in children {
            match node {
                Node::Paragraph { .. } | Node::Heading { .. } | Node::Code { .. } => {
                    self.boxed(node, &mut label, None, ParaOpts { indent: Some(indent), ..Default::default() })
                }
                Node::List { ordered, start, items } => {
                    self.label_alone(&mut label, indent);
                    self.quoted_list(*ordered, *start, items, indent, 0, &mut label, lvl)
                }
                other => {
                    self.label_alone(&mut label, indent);
                    self.node(other, lvl, false);
                }
            }
        }
        self.label_alone(&mut label, indent);
    }

    /// A label not yet written, on a line of its own (a callout that begins with a list).
    fn label_alone(&mut self, label: &mut Option<String>, indent: u32) {
        if let Some(l) = label.take() {
            let mut runs = String::new();
            run(&format!("{l}:"), &Fmt { bold: true, ..Default::default() }, &mut runs);
            self.paragraph("BlockText", ParaOpts { indent: Some(indent), ..Default::default() }, &runs);
        }
    }

    /// One boxed paragraph: the label if still to come, then `mark` (a list item's bullet or
    /// number) and a tab, then the node's text.
    fn boxed(&mut self, node: &Node, label: &mut Option<String>, mark: Option<&str>, opts: ParaOpts) {
        let mut runs = String::new();
        if let Some(l) = label.take() {
            run(&format!("{l}: "), &Fmt { bold: true, ..Default::default() }, &mut runs);
        }
        if let Some(m) = mark {
            run(m, &Fmt::default(), &mut runs);
            runs.push_str("<w:r><w:tab/></w:r>");
        }
        match node {
            Node::Paragraph { inlines } | Node::Heading { inlines, .. } => self.runs(inlines, &Fmt::default(), &mut runs),
            Node::Code { text, .. } => run(text, &Fmt { code: true, ..Default::default() }, &mut runs),
            _ => {}
        }
        self.paragraph("BlockText", opts, &runs);
    }

    /// A list inside a quote or callout, `depth` lists deep: each item a boxed paragraph with
    /// its bullet or number in a hanging indent.
    #[allow(clippy::too_many_arguments)]
    fn quoted_list(
        &mut self,
        ordered: bool,
        start: Option<u32>,
        items: &[crate::ir::ListItem],
        indent: u32,
        depth: usize,
        label: &mut Option<String>,
        lvl: usize,
    ) {
        const STEP: u32 = 360;
        let left = indent + STEP * (depth as u32 + 1);
        for (k, item) in items.iter().enumerate() {
            let mark = match (ordered, item.checked) {
                (_, Some(true)) => "☑".to_string(),
                (_, Some(false)) => "☐".to_string(),
                (true, None) => format!("{}.", start.unwrap_or(1) as usize + k),
                (false, None) => super::parts::BULLETS[depth % 3].to_string(),
            };
            let mut first = true;
            for child in &item.children {
                match child {
                    Node::Paragraph { .. } | Node::Heading { .. } | Node::Code { .. } => {
                        let (mark, hanging) = if first { (Some(mark.as_str()), Some(STEP)) } else { (None, None) };
                        self.boxed(child, label, mark, ParaOpts { indent: Some(left), hanging, ..Default::default() });
                    }
                    Node::List { ordered, start, items } => {
                        self.quoted_list(*ordered, *start, items, indent, depth + 1, label, lvl)
                    }
                    other => {
                        self.label_alone(label, indent);
                        self.node(other, lvl, false);
                    }
                }
                first = false;
            }
        }
    }

    /// A table indented to its list level, its columns sized by their content.
    fn table(&mut self, header: &[Vec<Inline>], rows: &[Vec<Vec<Inline>>], indent: u32) {
        let cols = header.len().max(rows.iter().map(Vec::len).max().unwrap_or(0)).max(1);
        let room = self.page.text_width().saturating_sub(indent);
        let cells = std::iter::once(header).chain(rows.iter().map(Vec::as_slice));
        let widths = column_widths(cells.map(|row| row.iter().map(|c| crate::ir::plain_text(c)).collect()), cols, room);
        let border = |side: &str| format!("<w:{side} w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"BFBFBF\"/>");
        let borders: String =
            ["top", "left", "bottom", "right", "insideH", "insideV"].iter().map(|s| border(s)).collect();
        let total: u32 = widths.iter().sum();
        let mut x = format!(
            "<w:tbl><w:tblPr><w:tblW w:w=\"{total}\" w:type=\"dxa\"/><w:tblInd w:w=\"{indent}\" w:type=\"dxa\"/>\
<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type=\"fixed\"/></w:tblPr><w:tblGrid>"
        );
        for w in &widths {
            let _ = write!(x, "<w:gridCol w:w=\"{w}\"/>");
        }
        x.push_str("</w:tblGrid>");
        let header_row = header.to_vec();
        let head = (!header.is_empty()).then_some((true, &header_row));
        let mut rows_xml = String::new();
        self.indent = indent;
        for (is_head, row) in head.into_iter().chain(rows.iter().map(|r| (false, r))) {
            rows_xml.push_str("<w:tr>");
            if is_head {
                // Repeated at the top of every page the table runs onto.
                rows_xml.push_str("<w:trPr><w:tblHeader/></w:trPr>");
            }
            for (c, width) in widths.iter().enumerate() {
                let mut runs = String::new();
                if let Some(cell) = row.get(c) {
                    self.runs(cell, &Fmt { bold: is_head, ..Default::default() }, &mut runs);
                }
                let _ = write!(
                    rows_xml,
                    "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/></w:tcPr><w:p><w:pPr><w:pStyle w:val=\"Compact\"/></w:pPr>{runs}</w:p></w:tc>"
                );
            }
            rows_xml.push_str("</w:tr>");
        }
        x.push_str(&rows_xml);
        x.push_str("</w:tbl>");
        self.st.xml.push_str(&x);
    }

    fn runs(&mut self, inlines: &[Inline], fmt: &Fmt, out: &mut String) {
        // Inline HTML (`<sub>`…`</sub>`) formats the runs between its tags.
        let mut html: Option<Fmt> = None;
        for (k, i) in inlines.iter().enumerate() {
            let fmt = html.as_ref().unwrap_or(fmt);
            match i {
                Inline::Html { html: raw } => {
                    if let Some(f) = self.html(raw, fmt, out) {
                        html = Some(f);
                    }
                }
                // A tag in the sentence is one of its words; tags after the text label the
                // block and are shown only when asked (`--show-tags`). Within any formatting
                // (bold, a link, a cloze's answer…) a tag is inside the text.
                Inline::Tag { name, .. } => {
                    let inside = *fmt != Fmt::default();
                    let card = crate::ir::is_marker(i, "card") || crate::ir::is_marker(i, "reversed");
                    if self.opts.show_tags || (inside && !card) || !crate::ir::tag_labels_block(inlines, k) {
                        run(&format!("#{name}"), &Fmt { tag: true, ..fmt.clone() }, out);
                    }
                }
                _ => self.inline(i, fmt, out),
            }
        }
    }

    /// Raw HTML: a lone tag changes the format of the runs after it (returned), a line break
    /// breaks, a video or frame is a link to its source; the text of anything else is kept and
    /// its markup left out (noted with `-v`).
    fn html(&mut self, html: &str, fmt: &Fmt, out: &mut String) -> Option<Fmt> {
        use crate::export::raw_html::{pieces, tag, Kind, Piece};
        if let Some(t) = tag(html) {
            return self.html_tag(&t, fmt, out);
        }
        let mut local = fmt.clone();
        for piece in pieces(html) {
            match piece {
                Piece::Text(t) => run(&t, &local, out),
                Piece::Tag(t) if t.kind() != Kind::Other || !t.closing => {
                    if let Some(f) = self.html_tag(&t, &local, out) {
                        local = f;
                    }
                }
                Piece::Tag(_) => {}
            }
        }
        None
    }

    fn html_tag(&mut self, t: &crate::export::raw_html::Tag, fmt: &Fmt, out: &mut String) -> Option<Fmt> {
        use crate::export::raw_html::Kind;
        let on = !t.closing;
        let mut f = fmt.clone();
        match t.kind() {
            Kind::Bold => f.bold = on,
            Kind::Italic => f.italic = on,
            Kind::Strike => f.strike = on,
            Kind::Underline => f.underline = on,
            Kind::Highlight => f.highlight = on,
            Kind::Code => f.code = on,
            Kind::Sub => f.sub = on,
            Kind::Sup => f.sup = on,
            Kind::Break => {
                out.push_str("<w:r><w:br/></w:r>");
                return None;
            }
            Kind::Media => {
                if let (true, Some(src)) = (on, t.src.as_deref()) {
                    self.link(src, &[Inline::Text { text: src.to_string() }], fmt, out);
                }
                return None;
            }
            Kind::Other => {
                if on && !t.is_structural() {
                    let message = format!("<{}> is not shown in Word; the text inside it is", t.name);
                    self.report(Diagnostic::info(Code::HtmlDropped, "", self.line(), 1, message));
                }
                return None;
            }
        }
        Some(f)
    }

    fn inline(&mut self, i: &Inline, fmt: &Fmt, out: &mut String) {
        match i {
            Inline::Text { text: t } => run(t, fmt, out),
            Inline::Code { text: t } => run(t, &Fmt { code: true, ..fmt.clone() }, out),
            Inline::Strong { children } if self.bold_blanks.contains(&(i as *const Inline)) => {
                self.blank(children, None, out)
            }
            Inline::Strong { children } => self.runs(children, &Fmt { bold: true, ..fmt.clone() }, out),
            Inline::Emphasis { children } => self.runs(children, &Fmt { italic: true, ..fmt.clone() }, out),
            Inline::Strike { children } => self.runs(children, &Fmt { strike: true, ..fmt.clone() }, out),
            Inline::Highlight { children } => self.runs(children, &Fmt { highlight: true, ..fmt.clone() }, out),
            // A file of the graph: its label and, on paper, which file it is.
            Inline::Link { children, asset: Some(a), .. } => {
                let name = a.rsplit('/').next().unwrap_or(a);
                let label = crate::ir::plain_text(children);
                if label.trim().is_empty() || label.trim() == name {
                    run(name, fmt, out);
                } else {
                    self.runs(children, fmt, out);
                    run(&format!(" [{name}]"), &Fmt { italic: true, ..fmt.clone() }, out);
                }
            }
            Inline::Link { url, children, .. } => self.link(url, children, fmt, out),
            Inline::Image { url, alt, width, height, asset, pos } => {
                self.image(url, alt, (*width, *height), asset.as_deref(), *pos, out)
            }
            Inline::PageRef { name, label, .. } => match label {
                Some(l) => self.runs(l, fmt, out),
                None => run(name, fmt, out),
            },
            // Shown or not by `runs`, which sees what follows the tag.
            Inline::Tag { .. } => {}
            // A link to a block: on paper, what it points at follows as its address would.
            Inline::BlockRef { label: Some(l), target, .. } => {
                self.runs(l, fmt, out);
                self.block_target(*target, l, fmt, out);
            }
            Inline::BlockRef { target, .. } => match self.graph.ref_text(*target, &self.stack) {
                RefText::Title(t, title) => {
                    self.stack.push(t);
                    self.runs(title, fmt, out);
                    self.stack.pop();
                }
                RefText::Circular => run("[circular reference]", &Fmt { italic: true, ..fmt.clone() }, out),
                RefText::Missing => run("[missing reference]", &Fmt { italic: true, ..fmt.clone() }, out),
            },
            Inline::Embed { cyclic: true, .. } => run("[embed cycle]", &Fmt { italic: true, ..fmt.clone() }, out),
            // Other embeds are written as list items after their block.
            Inline::Embed { .. } => {}
            Inline::Cloze { answer, hint, .. } if self.blanking => self.blank(answer, hint.as_deref(), out),
            Inline::Cloze { answer, hint, .. } => {
                self.runs(answer, &Fmt { cloze: true, ..fmt.clone() }, out);
                hint_run(hint.as_deref(), fmt, out);
            }
            Inline::Macro { name, args, pos } => {
                if crate::export::is_video_macro(name) {
                    if let Some(url) = args.first().map(|a| crate::export::video_url(name, a)) {
                        self.link(&url, &[Inline::Text { text: url.clone() }], fmt, out);
                    }
                } else if let Some(text) = crate::export::macro_text(name, args) {
                    run(&text, fmt, out);
                } else {
                    self.report(Diagnostic::macro_dropped("", *pos, name));
                }
            }
            Inline::Math { tex, .. } => self.math(tex, false, fmt, out),
            Inline::Html { html } => {
                self.html(html, fmt, out);
            }
            Inline::SoftBreak | Inline::HardBreak => out.push_str("<w:r><w:br/></w:r>"),
            Inline::FootnoteRef { label, target: Some(t), .. } if !self.in_footnote => {
                self.footnote(*t, label, fmt, out)
            }
            Inline::FootnoteRef { label, .. } => run(&format!("[^{label}]"), fmt, out),
        }
    }

    /// A formula as a Word equation; one Word's equations cannot show is printed as written,
    /// in a math font, and the command named (`warning[unsupported-math]`).
    fn math(&mut self, tex: &str, display: bool, fmt: &Fmt, out: &mut String) {
        match super::math::omml(tex, display) {
            Ok(xml) => out.push_str(&xml),
            Err(what) => {
                let message = format!("{what} cannot be written as a Word equation; the formula is printed as written");
                self.report(Diagnostic::warning(Code::UnsupportedMath, "", self.line(), 1, message));
                run(tex, &Fmt { math: true, ..fmt.clone() }, out);
            }
        }
    }

    /// A Word footnote: the mark here, the text in the footnotes part. A footnote marked again
    /// is not repeated: the later mark is a cross-reference showing its number, as Word makes one
    /// (a `NOTEREF` field to a bookmark around the first mark).
    fn footnote(&mut self, at: BlockAddr, label: &str, fmt: &Fmt, out: &mut String) {
        let graph = self.graph;
        let Some(text) = graph.footnote(at, label) else {
            return run(&format!("[^{label}]"), fmt, out);
        };
        if let Some(&id) = self.st.footnote_of.get(&(at, label.to_string())) {
            return mark_again(id, out);
        }
        let id = self.new_note(out);
        self.st.footnote_of.insert((at, label.to_string()), id);
        let mut runs = String::new();
        self.in_footnote = true;
        self.stack.push(at);
        self.runs(text, &Fmt::default(), &mut runs);
        self.stack.pop();
        self.in_footnote = false;
        self.note_text(id, &runs);
    }

    /// The next footnote's number, its mark written in `out` (inside the bookmark a later mark
    /// refers to).
    fn new_note(&mut self, out: &mut String) -> u32 {
        self.st.footnote_ids += 1;
        let id = self.st.footnote_ids;
        let _ = write!(
            out,
            "<w:bookmarkStart w:id=\"{id}\" w:name=\"_Footnote{id}\"/><w:r>{NOTE_STYLE}<w:footnoteReference w:id=\"{id}\"/></w:r>\
<w:bookmarkEnd w:id=\"{id}\"/>"
        );
        id
    }

    /// Footnote `id`'s text, in the footnotes part.
    fn note_text(&mut self, id: u32, runs: &str) {
        let _ = write!(
            self.st.footnotes,
            "<w:footnote w:id=\"{id}\"><w:p><w:pPr><w:pStyle w:val=\"FootnoteText\"/></w:pPr>\
<w:r>{NOTE_STYLE}<w:footnoteRef/></w:r><w:r><w:t xml:space=\"preserve\"> </w:t></w:r>{runs}</w:p></w:footnote>"
        );
    }

    fn link(&mut self, url: &str, children: &[Inline], fmt: &Fmt, out: &mut String) {
        let lower = url.trim().to_ascii_lowercase();
        let safe = ["http://", "https://", "mailto:"].iter().any(|p| lower.starts_with(p));
        if !safe || fmt.link {
            self.runs(children, fmt, out);
            return;
        }
        if self.in_footnote {
            // The address in brackets after the text, unless the text is the address.
            self.runs(children, fmt, out);
            if crate::ir::plain_text(children).trim() != url.trim() {
                run(&format!(" ({})", url.trim()), fmt, out);
            }
            return;
        }
        let rid = match self.st.link_rel.get(url) {
            Some(r) => r.clone(),
            None => {
                let rid = self.rid();
                self.st.rels.push(Rel {
                    id: rid.clone(),
                    kind: "hyperlink",
                    target: url.trim().to_string(),
                    external: true,
                });
                self.st.link_rel.insert(url.to_string(), rid.clone());
                rid
            }
        };
        let _ = write!(out, "<w:hyperlink r:id=\"{rid}\">");
        self.runs(children, &Fmt { link: true, ..fmt.clone() }, out);
        out.push_str("</w:hyperlink>");
        // On paper a link shows only its label: its address goes in a footnote, or after it.
        let address = url.trim();
        let shown = crate::ir::plain_text(children);
        if shown.trim() == address || shown.trim().trim_start_matches("mailto:") == address.trim_start_matches("mailto:") {
            return;
        }
        match self.opts.link_addresses {
            LinkAddresses::Footnote => self.address_note(address, out),
            LinkAddresses::Inline => run(&format!(" ({address})"), fmt, out),
            LinkAddresses::None => {}
        }
    }

    /// The text of the block a labelled reference points at, printed where a link's address
    /// would be (`--link-addresses`): paper cannot follow the link.
    fn block_target(&mut self, target: Option<BlockAddr>, label: &[Inline], fmt: &Fmt, out: &mut String) {
        if self.opts.link_addresses == LinkAddresses::None {
            return;
        }
        let RefText::Title(at, title) = self.graph.ref_text(target, &self.stack) else { return };
        let text = crate::ir::plain_text(title);
        if text.trim().is_empty() || text.trim() == crate::ir::plain_text(label).trim() {
            return;
        }
        if self.in_footnote || self.opts.link_addresses == LinkAddresses::Inline {
            run(" (", fmt, out);
            self.stack.push(at);
            self.runs(title, fmt, out);
            self.stack.pop();
            run(")", fmt, out);
            return;
        }
        // Keyed apart from addresses: no address holds U+0001.
        let key = format!("\u{1}block {} {}", at.page, at.block);
        if let Some(&id) = self.st.address_note.get(&key) {
            return mark_again(id, out);
        }
        let id = self.new_note(out);
        self.st.address_note.insert(key, id);
        let mut runs = String::new();
        self.in_footnote = true;
        self.stack.push(at);
        self.runs(title, &Fmt::default(), &mut runs);
        self.stack.pop();
        self.in_footnote = false;
        self.note_text(id, &runs);
    }

    /// A footnote holding a link's address; a later link to the same address marks the same
    /// note again.
    fn address_note(&mut self, address: &str, out: &mut String) {
        if let Some(&id) = self.st.address_note.get(address) {
            return mark_again(id, out);
        }
        let id = self.new_note(out);
        self.st.address_note.insert(address.to_string(), id);
        let mut runs = String::new();
        run(address.trim_start_matches("mailto:"), &Fmt::default(), &mut runs);
        self.note_text(id, &runs);
    }

    fn image(
        &mut self,
        url: &str,
        alt: &str,
        (width, height): (Option<u32>, Option<u32>),
        asset: Option<&str>,
        _pos: Pos,
        out: &mut String,
    ) {
        let found = asset.and_then(|a| self.graph.assets.get(a).map(|x| (a, x))).filter(|_| !self.in_footnote);
        let ext = found.and_then(|(_, a)| image_ext(&a.data));
        let (Some((path, a)), Some(ext)) = (found, ext) else {
            // An SVG or WebP image: the resolver has said so (`unsupported-image`).
            let what = if alt.is_empty() { url } else { alt };
            run(&format!("[image: {what}]"), &Fmt { italic: true, ..Default::default() }, out);
            return;
        };
        let rid = match self.st.media_rel.get(path) {
            Some(r) => r.clone(),
            None => {
                let rid = self.rid();
                let name = format!("media/image{}.{ext}", self.st.media.len() + 1);
                self.st.rels.push(Rel { id: rid.clone(), kind: "image", target: name.clone(), external: false });
                self.st.media.push((name, a.data.clone()));
                self.st.media_rel.insert(path.to_string(), rid.clone());
                rid
            }
        };
        let (text_w, text_h) = self.page.text_emu();
        let room = (text_w.saturating_sub(self.indent as u64 * 635), self.opts.image_max_height.emu(text_h));
        let (cx, cy) = fit(width, height, a.pixels, room);
        self.st.docpr += 1;
        let id = self.st.docpr;
        let descr = attr(if alt.is_empty() { path } else { alt });
        let _ = write!(
            out,
            "<w:r><w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\"><wp:extent cx=\"{cx}\" cy=\"{cy}\"/>\
<wp:docPr id=\"{id}\" name=\"Picture {id}\" descr=\"{descr}\"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect=\"1\"/></wp:cNvGraphicFramePr>\
<a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><pic:pic><pic:nvPicPr><pic:cNvPr id=\"{id}\" name=\"Picture {id}\" descr=\"{descr}\"/><pic:cNvPicPr/></pic:nvPicPr>\
<pic:blipFill><a:blip r:embed=\"{rid}\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>\
<pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>\
</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
        );
    }
}

#[derive(Default, Clone, Copy)]
pub struct ParaOpts {
    pub keep_next: bool,
    pub page_break: bool,
    pub num: Option<(u32, usize)>,
    pub indent: Option<u32>,
    /// How far the first line hangs left of `indent` (a list item's mark sits there).
    pub hanging: Option<u32>,
}

/// Size in EMU: Logseq's `{:width}` (pixels at 96 dpi) or the image's own size, the aspect
/// ratio kept, capped to `room` (the width left at its indent, the height allowed).
pub fn fit(width: Option<u32>, height: Option<u32>, pixels: Option<(u32, u32)>, room: (u64, u64)) -> (u64, u64) {
    let (pw, ph) = pixels.unwrap_or((400, 300));
    let (w, h) = match (width, height) {
        (Some(w), Some(h)) if w > 0 && h > 0 => (w as u64, h as u64),
        (Some(w), _) if w > 0 => (w as u64, (w as u64 * ph as u64 / pw.max(1) as u64).max(1)),
        (_, Some(h)) if h > 0 => ((h as u64 * pw as u64 / ph.max(1) as u64).max(1), h as u64),
        _ => (pw.max(1) as u64, ph.max(1) as u64),
    };
    let (cx, cy) = (w * EMU_PER_PX, h * EMU_PER_PX);
    let (max_w, max_h) = room;
    // Scale by the tighter bound; integer maths keeps the bytes reproducible.
    if cx * max_h > cy * max_w {
        if cx > max_w {
            return (max_w, (cy * max_w / cx).max(1));
        }
    } else if cy > max_h {
        return ((cx * max_h / cy).max(1), max_h);
    }
    (cx, cy)
}

/// The width of `text` typed in the body font (11 pt Calibri), in twips: an estimate by
/// character class, enough to size a blank for the hand.
fn typed_width(text: &str) -> u64 {
    text.chars()
        .map(|c| match c {
            ' ' => 50,
            'i' | 'l' | 'j' | 't' | 'f' | 'r' | 'I' | '.' | ',' | ';' | ':' | '\'' | '!' | '|' => 66,
            'm' | 'w' | 'M' | 'W' => 170,
            c if c.is_uppercase() || c.is_ascii_digit() => 123,
            c if c.is_ascii() => 108,
            // CJK and other wide scripts: a full em.
            _ => 220,
        })
        .sum()
}

/// Column widths in twips for a table of `cols` columns in `room` twips: each column as wide as
/// its longest cell's text, when they all fit; otherwise each keeps its longest word (or a fair
/// share, if less) and the rest of the room goes by how much more text each holds.
fn column_widths(rows: impl Iterator<Item = Vec<String>>, cols: usize, room: u32) -> Vec<u32> {
    // A cell's margins and a little room (bold header text is wider), in twips.
    const PAD: u64 = 230;
    const MIN: u64 = 330;
    let (mut want, mut least) = (vec![MIN; cols], vec![MIN; cols]);
    for row in rows {
        for (c, text) in row.iter().enumerate().take(cols) {
            let word = text.split_whitespace().map(typed_width).max().unwrap_or(0);
            want[c] = want[c].max(typed_width(text.trim()) * 11 / 10);
            least[c] = least[c].max(word * 11 / 10);
        }
    }
    let px = |w: u64| (w + PAD).min(u32::MAX as u64) as u32;
    let wanted: Vec<u32> = want.iter().map(|&w| px(w)).collect();
    if wanted.iter().map(|&w| w as u64).sum::<u64>() <= room as u64 {
        return wanted;
    }
    let fair = room / cols as u32;
    let floor: Vec<u32> = least.iter().map(|&l| px(l).min(fair)).collect();
    let spare = room.saturating_sub(floor.iter().sum());
    let extra: Vec<u64> = wanted.iter().zip(&floor).map(|(&w, &f)| w.saturating_sub(f) as u64).collect();
    let extra_sum = extra.iter().sum::<u64>().max(1);
    floor.iter().zip(&extra).map(|(&f, &e)| f + (spare as u64 * e / extra_sum) as u32).collect()
}

/// The file extension Word knows the image by, from its header (JPEG stays JPEG).
fn image_ext(d: &[u8]) -> Option<&'static str> {
    if d.starts_with(&[0xFF, 0xD8]) {
        Some("jpeg")
    } else if d.starts_with(b"\x89PNG") {
        Some("png")
    } else if d.starts_with(b"GIF8") {
        Some("gif")
    } else {
        None
    }
}

/// One run of text with formatting; tabs and newlines become Word's own elements.
/// A cloze's hint after its answer or blank, in parentheses and italics: "red (color)".
fn hint_run(hint: Option<&str>, fmt: &Fmt, out: &mut String) {
    if let Some(h) = hint.map(str::trim).filter(|h| !h.is_empty()) {
        run(&format!(" ({h})"), &Fmt { italic: true, ..fmt.clone() }, out);
    }
}

fn run(t: &str, fmt: &Fmt, out: &mut String) {
    if t.is_empty() {
        return;
    }
    out.push_str("<w:r>");
    let flags = [
        (fmt.code, "<w:rStyle w:val=\"VerbatimChar\"/>"),
        (!fmt.code && fmt.link, "<w:rStyle w:val=\"Hyperlink\"/>"),
        (!fmt.code && !fmt.link && fmt.tag, "<w:rStyle w:val=\"Tag\"/>"),
        (fmt.math, "<w:rFonts w:ascii=\"Cambria Math\" w:hAnsi=\"Cambria Math\"/>"),
        (fmt.bold, "<w:b/>"),
        (fmt.italic || fmt.math, "<w:i/>"),
        (fmt.strike, "<w:strike/>"),
        (fmt.highlight, "<w:highlight w:val=\"yellow\"/>"),
        (fmt.underline, "<w:u w:val=\"single\"/>"),
        (fmt.sub, "<w:vertAlign w:val=\"subscript\"/>"),
        (fmt.sup && !fmt.sub, "<w:vertAlign w:val=\"superscript\"/>"),
    ];
    if flags.iter().any(|f| f.0) {
        out.push_str("<w:rPr>");
        flags.iter().filter(|f| f.0).for_each(|f| out.push_str(f.1));
        out.push_str("</w:rPr>");
    }
    // Most runs are one piece of text: no search for breaks and tabs piece by piece.
    if memchr::memchr2(b'\n', b'\t', t.as_bytes()).is_none() {
        out.push_str("<w:t xml:space=\"preserve\">");
        push_text(out, t);
        out.push_str("</w:t></w:r>");
        return;
    }
    for (k, line) in t.split('\n').enumerate() {
        if k > 0 {
            out.push_str("<w:br/>");
        }
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                out.push_str("<w:tab/>");
            }
            if !piece.is_empty() {
                out.push_str("<w:t xml:space=\"preserve\">");
                push_text(out, piece);
                out.push_str("</w:t>");
            }
        }
    }
    out.push_str("</w:r>");
}

/// Work left while writing an outline (see [`Body::siblings`]).
enum Todo {
    /// Sibling blocks at list `level`, the next one to write at `next`; `run` is the numbered
    /// list the last one continued (its id and number).
    Siblings {
        page: u32,
        blocks: Vec<u32>,
        numbers: Vec<Option<u32>>,
        level: usize,
        run: Option<(u32, u32)>,
        next: usize,
    },
    /// An embed whose blocks follow the block that holds it.
    Embed { block: Option<BlockAddr>, page: Option<u32>, level: usize },
    /// The end of an embed's blocks (of a block embed: it leaves the expansion stack).
    Leave { block: bool },
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn images_keep_aspect_and_fit() {
        let (w, h) = super::Page::A4.text_emu();
        let a4 = (w, h / 2);
        // The seed chart: 427×634 px is taller than half the page, so it is scaled down.
        let (cx, cy) = fit(Some(427), Some(634), Some((427, 634)), a4);
        assert_eq!(cy, a4.1);
        assert!((cx as f64 / cy as f64 - 427.0 / 634.0).abs() < 0.001);
        // Small images keep their size; wide ones are capped to the text width.
        assert_eq!(fit(Some(100), None, Some((200, 100)), a4), (100 * 9525, 50 * 9525));
        let (w, _) = fit(Some(5000), None, Some((5000, 1000)), a4);
        assert_eq!(w, a4.0);
    }

    #[test]
    fn columns_are_sized_by_their_content() {
        let rows = |r: &[&[&str]]| -> Vec<Vec<String>> {
            r.iter().map(|row| row.iter().map(|c| c.to_string()).collect()).collect()
        };
        // Short columns that fit keep their text's width.
        let w = super::column_widths(rows(&[&["Id", "Name"], &["1", "Ann"]]).into_iter(), 2, 9638);
        let typed = |t: &str| (super::typed_width(t) * 11 / 10).max(330) as u32 + 230;
        assert_eq!(w, [typed("Id"), typed("Name")]);
        // A long column takes the room the short ones leave; the total is the room.
        let long = "word ".repeat(100);
        let w = super::column_widths(rows(&[&["Id", &long]]).into_iter(), 2, 9638);
        assert_eq!(w.iter().sum::<u32>(), 9638);
        assert!(w[0] < 1000 && w[1] > 8000, "{w:?}");
    }
}
