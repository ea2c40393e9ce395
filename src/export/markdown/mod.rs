//! Plain CommonMark: one file per page, top-level heading blocks as headings, other blocks as
//! space-indented nested lists, every reference resolved, referenced assets copied.

mod escape;
mod front_matter;
mod html;
mod paths;

use escape::{escape_into, escape_text};

use super::{write_error, ExportError, Exporter, Finished, Format, Input, Job, Options, Sink};
use crate::diag::{Code, Diagnostic};
use crate::ir::{BlockAddr, Inline, Node, Page, RefText, MAX_EXPANSION};
use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::Path;

/// How page references are written (`--links`, `markdown.links`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkStyle {
    /// `[Page](relative/path.md)` when the page is exported, else its name.
    #[default]
    Relative,
    /// The page name as text.
    Plain,
    /// `[[Page]]`, for wiki-style tools.
    Wiki,
}

#[derive(Debug, Clone, Default)]
pub struct MarkdownOptions {
    pub links: LinkStyle,
    /// Page properties as YAML front matter.
    pub front_matter: bool,
    /// No `# Title` first line.
    pub no_title: bool,
}

pub struct MarkdownExporter;

/// Deeper blocks are written at this list depth: every level costs two spaces on each of its
/// lines, and Markdown readers struggle long before (a 10,000-deep outline would be ~100 MB).
const MAX_LIST_DEPTH: usize = 100;

impl Exporter for MarkdownExporter {
    type Job = MarkdownJob;
    const FORMAT: Format = Format {
        name: "md",
        about: "Write plain Markdown with every reference resolved (a folder for a graph)",
        extension: "md",
        text: true,
        build: "markdown/",
        per_page: true,
        help: "Examples:\n  notes-export md my-graph -o site/content\n  notes-export md pages/Cells.md -o -\n\nWithout -o: the folder md-out/ (a page without images: TITLE.md), or standard output for notes read\nfrom standard input.",
    };

    fn start(&self, graph: &Input, options: &Options) -> Result<MarkdownJob, ExportError> {
        Ok(MarkdownJob {
            options: options.clone(),
            paths: paths::page_paths(graph),
            diagnostics: Vec::new(),
            assets: BTreeSet::new(),
            pages: 0,
        })
    }
}

pub struct MarkdownJob {
    options: Options,
    paths: Vec<String>,
    diagnostics: Vec<Diagnostic>,
    assets: BTreeSet<String>,
    pages: usize,
}

impl Job for MarkdownJob {
    /// The page's file, what it reported and the assets it uses.
    type Page = (Vec<u8>, Vec<Diagnostic>, BTreeSet<String>);

    fn page(&self, graph: &Input, pi: u32) -> Result<Self::Page, ExportError> {
        let page = &graph.pages[pi as usize];
        let (mut assets, mut diags) = (BTreeSet::new(), Vec::new());
        let mut w = Writer {
            graph,
            paths: &self.paths,
            here: &self.paths[pi as usize],
            opts: &self.options.markdown,
            out: String::new(),
            stack: Vec::new(),
            assets: &mut assets,
            diags: &mut diags,
            file: &page.file,
            options: &self.options,
            clamped: false,
            embedding: 0,
            lists: 0,
            notes: Default::default(),
            in_label: false,
            in_script: false,
        };
        w.page(pi, page);
        if !w.out.ends_with('\n') {
            w.out.push('\n');
        }
        Ok((w.out.into_bytes(), diags, assets))
    }

    fn add(&mut self, _graph: &Input, pi: u32, part: Self::Page, out: &mut dyn Sink) -> Result<(), ExportError> {
        let (bytes, diags, assets) = part;
        out.append(Path::new(&self.paths[pi as usize]), &bytes).map_err(write_error("md"))?;
        self.diagnostics.extend(diags);
        self.assets.extend(assets);
        self.pages += 1;
        Ok(())
    }

    fn finish(self, graph: &Input, out: &mut dyn Sink) -> Result<Finished, ExportError> {
        for a in &self.assets {
            if let Some(asset) = graph.assets.get(a) {
                out.append(Path::new(&asset_out(a)), &asset.data).map_err(write_error("md"))?;
            }
        }
        let summary = format!("{} pages, {} assets", self.pages, self.assets.len());
        Ok(Finished { diagnostics: self.diagnostics, summary })
    }
}

/// How a list item starts in CommonMark.
#[derive(Clone)]
struct ListMark {
    /// `- `, or `2. ` / `2) ` for a numbered block (bullets, nearly all, allocate nothing).
    marker: std::borrow::Cow<'static, str>,
    /// A blank line must come first: CommonMark lets a list that does not start at 1 begin
    /// only there (`2. x` right under a line of text continues the text).
    blank_before: bool,
}

/// The markers of a list of sibling blocks, given their numbers. CommonMark numbers a list
/// from its first item whatever the others say, so a run that does not continue the numbered
/// run before it (`1. 2. 10.`) starts a list of its own with the other delimiter (`10)`).
fn list_marks(numbers: &[Option<u32>]) -> Vec<ListMark> {
    let mut marks = Vec::with_capacity(numbers.len());
    let mut delimiter = '.';
    for (k, n) in numbers.iter().enumerate() {
        let before = k.checked_sub(1).and_then(|j| numbers[j]);
        let mark = match n {
            None => ListMark { marker: std::borrow::Cow::Borrowed("- "), blank_before: false },
            Some(n) => {
                let continues = before == Some(n.wrapping_sub(1));
                if !continues {
                    delimiter = if before.is_some() && delimiter == '.' { ')' } else { '.' };
                }
                ListMark { marker: format!("{n}{delimiter} ").into(), blank_before: !continues && *n != 1 }
            }
        };
        marks.push(mark);
    }
    marks
}

/// Whether `url` can be written as a CommonMark autolink (`<https://…>`): a scheme, then no
/// space, `<`, `>` or control character.
fn autolink(url: &str) -> bool {
    let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or("");
    (2..=32).contains(&scheme.len())
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        && !url.contains(|c: char| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
}

/// Where an asset is copied: under `assets/`, keeping its path below the graph's assets folder.
fn asset_out(rel: &str) -> String {
    let inner = rel.strip_prefix("assets/").unwrap_or(rel);
    format!("assets/{}", inner.split('/').map(paths::safe_segment).collect::<Vec<_>>().join("/"))
}

struct Writer<'a> {
    graph: &'a Input<'a>,
    paths: &'a [String],
    here: &'a str,
    opts: &'a MarkdownOptions,
    out: String,
    /// Blocks being expanded through embeds, to stop loops.
    stack: Vec<BlockAddr>,
    assets: &'a mut BTreeSet<String>,
    diags: &'a mut Vec<Diagnostic>,
    file: &'a str,
    options: &'a Options,
    /// Whether the deep-nesting warning was given for this page.
    clamped: bool,
    /// Embeds being expanded.
    embedding: usize,
    /// Lists open inside the block being written: their bullets alternate `*` and `-`, so an
    /// item holding a list never reads as a `- - -` rule.
    lists: usize,
    /// The footnotes of the file, in the order they are first marked: each is written at the
    /// end, where GitHub-flavoured readers (and pandoc, mdBook) expect them.
    notes: super::FootnoteList,
    /// Writing a link's label, where a reference inside (`[[A [[B]]]]`) is text: CommonMark
    /// has no link within a link.
    in_label: bool,
    /// Inside a `<script>` element of raw HTML: its code is left out, to its end tag.
    in_script: bool,
}

impl<'a> Writer<'a> {
    fn page(&mut self, pi: u32, page: &Page) {
        if self.opts.front_matter {
            front_matter::write(&mut self.out, page);
        }
        // The page's title is its first line, as a docs site shows a page.
        let mut first = true;
        // Notes piped in have no title (unless a `title::` gives one).
        let untitled = page.file == "<stdin>" && page.property("title").is_none();
        if !self.opts.no_title && !untitled && !page.title.trim().is_empty() {
            self.out.push_str("# ");
            escape::escape_into(&mut self.out, page.title.trim());
            self.out.push('\n');
            first = false;
        }
        // Whether the file ends in a list item: the next top-level block continues that list
        // (a blank line between items would make the whole list loose), where after a heading
        // or a paragraph it starts one after a blank line.
        let mut in_list = false;
        // Top-level blocks are written one at a time (headings break their lists), numbered
        // along all of them.
        let marks = list_marks(&crate::ir::list_numbers(page, &page.roots));
        for (k, &root) in page.roots.iter().enumerate() {
            let b = &page.blocks[root as usize];
            if b.pre_block && b.body.is_empty() && b.children.is_empty() {
                continue;
            }
            let addr = BlockAddr { page: pi, block: root };
            if let Some((head, rest)) = b.heading_parts() {
                if !first {
                    self.out.push('\n');
                }
                let level = b.heading.unwrap_or(2).clamp(1, 6) as usize;
                // A task heading keeps its state as Logseq writes it: `## TODO Plan`.
                let mut text = b.marker.as_deref().map(|m| format!("{m} ")).unwrap_or_default();
                self.stack.push(addr);
                self.inlines(head, &mut text);
                let _ = writeln!(self.out, "{} {}", "#".repeat(level), text.replace('\n', " ").trim());
                // The lines under the heading line are its body: paragraphs, code, tables,
                // callouts, written under the heading as they are.
                let body = self.nodes(rest, b.line);
                self.stack.pop();
                if !body.trim().is_empty() {
                    self.out.push('\n');
                    self.out.push_str(body.trim_matches('\n'));
                    self.out.push('\n');
                }
                let before = self.out.len();
                self.out.push('\n');
                let mut todo = Vec::new();
                let marks = list_marks(&crate::ir::list_numbers(page, &b.children));
                todo.push(Todo::Items { page: pi, blocks: b.children.clone(), marks, indent: 0, next: 0 });
                todo.extend(self.embeds_of(addr).into_iter().rev().map(|e| Todo::Embed(e, 0)));
                self.run(todo);
                in_list = self.out.len() > before + 1;
                if !in_list {
                    self.out.truncate(before);
                }
            } else if b.pre_block {
                if !first {
                    self.out.push('\n');
                }
                let body = self.body(addr, 0);
                self.out.push_str(&body);
                self.out.push('\n');
                in_list = false;
            } else {
                if !first && !self.out.ends_with("\n") {
                    self.out.push('\n');
                }
                if !first && !in_list {
                    self.out.push('\n');
                }
                let before = self.out.len();
                self.marked_items(pi, &[root], vec![marks[k].clone()], 0);
                in_list |= self.out.len() > before;
            }
            first = false;
        }
        self.footnotes(pi, page);
    }

    /// The footnotes marked in the file, then the page's others, as `[^label]: text`.
    fn footnotes(&mut self, pi: u32, page: &Page) {
        for (bi, b) in page.blocks.iter().enumerate() {
            for (label, _) in b.footnotes() {
                self.notes.mark(BlockAddr { page: pi, block: bi as u32 }, label);
            }
        }
        // Writing a footnote can mark another: the list grows as it is written.
        let mut k = 0;
        while let Some((addr, label)) = self.notes.get(k) {
            let mut text = String::new();
            if let Some(inlines) = self.graph.footnote(addr, label) {
                self.stack.push(addr);
                self.inlines(inlines, &mut text);
                self.stack.pop();
            }
            if !self.out.ends_with('\n') {
                self.out.push('\n');
            }
            let _ = writeln!(self.out, "\n[^{}]: {}", self.note_label(k), indent_after_first(text.trim(), 4));
            k += 1;
        }
    }

    /// The label footnote `k` is written with: its own, unless an embedded page's footnote
    /// took it first.
    fn note_label(&self, k: usize) -> String {
        let (_, label) = self.notes.get(k).expect("a footnote of the file");
        match self.notes.label_taken_before(k, label) {
            true => format!("{label}-{}", k + 1),
            false => label.to_string(),
        }
    }

    /// The file of the block being written (the top of the stack): an embedded or referenced
    /// block's can be another page's.
    fn source_file(&self) -> &'a str {
        self.stack.last().map_or(self.file, |a| &self.graph.pages[a.page as usize].file)
    }

    /// Blocks as list items at `indent` spaces, each followed by the blocks it embeds and its
    /// children, with each block's list marker given (see [`list_marks`]). Outlines nest
    /// without limit, so the tree is walked with a stack of its own, not by recursion; only an
    /// embed's expansion (at most [`MAX_EXPANSION`] deep) calls back in.
    fn marked_items(&mut self, page: u32, blocks: &[u32], marks: Vec<ListMark>, indent: usize) {
        self.run(vec![Todo::Items { page, blocks: blocks.to_vec(), marks, indent, next: 0 }]);
    }

    /// Does the work on `todo` until none is left.
    fn run(&mut self, mut todo: Vec<Todo>) {
        while let Some(top) = todo.last_mut() {
            match top {
                Todo::Items { page, blocks, marks, indent, next } => match blocks.get(*next) {
                    Some(&block) => {
                        let (addr, mark, indent) = (BlockAddr { page: *page, block }, marks[*next].clone(), *indent);
                        *next += 1;
                        self.item(addr, &mark, indent, &mut todo);
                    }
                    None => {
                        todo.pop();
                    }
                },
                Todo::Embed(..) => {
                    if let Some(Todo::Embed(target, indent)) = todo.pop() {
                        self.embed(target, indent, &mut todo);
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

    /// Writes one block as a list item and leaves what follows it (its embeds, then its
    /// children) on `todo`.
    fn item(&mut self, addr: BlockAddr, mark: &ListMark, indent: usize, todo: &mut Vec<Todo>) {
        let graph = self.graph;
        let blk = graph.block(addr);
        if indent > MAX_LIST_DEPTH * 2 && !self.clamped {
            self.clamped = true;
            self.diags.push(Diagnostic::warning(
                Code::DeepNesting,
                self.file,
                blk.line,
                1,
                format!("blocks nested deeper than {MAX_LIST_DEPTH} levels are written at level {MAX_LIST_DEPTH}"),
            ));
        }
        let indent = indent.min(MAX_LIST_DEPTH * 2);
        if blk.pre_block && blk.body.is_empty() && blk.children.is_empty() {
            return;
        }
        // A numbered block is an item of an ordered list (`2. `), its content and children
        // indented to its text.
        let bullet = &mark.marker;
        let inner = indent + bullet.len();
        self.stack.push(addr);
        let (embeds, body) = match blk.typed_number() {
            Some((_, nodes)) => (self.embeds_of(addr), indent_after_first(&self.nodes(nodes, blk.line), inner)),
            None => self.block_and_embeds(addr, inner),
        };
        self.stack.pop();
        if body.trim().is_empty() && embeds.is_empty() && blk.children.is_empty() {
            return;
        }
        // What follows the item, last first: its children, after the blocks it embeds. A
        // block of properties or embeds alone gives its place to what it holds.
        let placeholder = blk.is_placeholder() && body.trim().is_empty();
        let under = if placeholder { indent } else { inner };
        let marks = list_marks(&crate::ir::list_numbers(&graph.pages[addr.page as usize], &blk.children));
        todo.push(Todo::Items { page: addr.page, blocks: blk.children.clone(), marks, indent: under, next: 0 });
        todo.extend(embeds.into_iter().rev().map(|e| Todo::Embed(e, under)));
        if placeholder {
            return;
        }
        // Lines after the first are indented to the item's content column; an item must
        // not start with a blank line (CommonMark would end it there).
        let body = body.trim_start_matches(['\n', ' ']).trim_end_matches('\n');
        // A heading block stays a heading inside its item (`- ## Examples`), as CommonMark
        // allows; a task heading keeps its state as Logseq writes it (`- ## TODO Plan`).
        let heading = blk.heading.filter(|_| blk.heading_parts().is_some() && blk.typed_number().is_none());
        let heading = heading.filter(|_| !body.is_empty()).map(|size| {
            let state = blk.marker.as_deref().map(|m| format!("{m} ")).unwrap_or_default();
            format!("{} {state}", "#".repeat(size.clamp(1, 6) as usize))
        });
        let marker = match (blk.marker.as_deref(), &heading) {
            (_, Some(prefix)) => prefix.as_str(),
            (Some("DONE"), None) => "[x] ",
            (Some("CANCELED") | Some("CANCELLED"), None) => "[x] ~~canceled~~ ",
            (Some(_), None) => "[ ] ",
            (None, None) => "",
        };
        // CommonMark lets a list starting at a number other than 1 begin only after a
        // blank line (else `2. x` under a line of text continues that text).
        if mark.blank_before && !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
        self.out.extend(std::iter::repeat_n(' ', indent));
        self.out.push_str(bullet);
        if body.is_empty() && marker.is_empty() {
            // A bare `-` under a line of text is a setext heading underline in CommonMark:
            // an empty item holds an invisible comment instead.
            self.out.push_str("<!-- -->");
        } else {
            self.out.push_str(marker);
            self.out.push_str(body);
        }
        // Dates stay on lines of their own in the item, as Logseq writes and shows them.
        for stamp in crate::export::stamps(blk) {
            self.out.push('\n');
            self.out.extend(std::iter::repeat_n(' ', inner));
            escape_into(&mut self.out, &stamp);
        }
        self.out.push('\n');
        // HTML opening the item would take the lines under it (its children) as HTML: a
        // blank line ends it.
        if marker.is_empty() && html::starts_html_block(body.lines().next().unwrap_or_default()) {
            self.out.push('\n');
        }
    }

    /// Leaves an embed's blocks on `todo`, unless it would expand a block being expanded or
    /// go deeper than [`MAX_EXPANSION`].
    fn embed(&mut self, target: EmbedRef, indent: usize, todo: &mut Vec<Todo>) {
        if self.embedding >= MAX_EXPANSION {
            return;
        }
        let (page, blocks) = match target {
            EmbedRef::Block(b) if !self.stack.contains(&b) => {
                self.stack.push(b);
                (b.page, vec![b.block])
            }
            EmbedRef::Page(p) => (p, self.graph.pages[p as usize].roots.clone()),
            _ => return,
        };
        self.embedding += 1;
        todo.push(Todo::Leave { block: matches!(target, EmbedRef::Block(_)) });
        let marks = list_marks(&crate::ir::list_numbers(&self.graph.pages[page as usize], &blocks));
        todo.push(Todo::Items { page, blocks, marks, indent, next: 0 });
    }

    /// The block's Markdown (continuation lines indented by `indent`), and the embeds it holds.
    fn block_and_embeds(&mut self, addr: BlockAddr, indent: usize) -> (Vec<EmbedRef>, String) {
        (self.embeds_of(addr), self.body(addr, indent))
    }

    /// The blocks and pages the block embeds, which follow it as items.
    fn embeds_of(&self, addr: BlockAddr) -> Vec<EmbedRef> {
        let mut embeds = Vec::new();
        crate::ir::for_each_inline(&self.graph.block(addr).body, &mut |i| {
            if let Inline::Embed { block: b, page: p, cyclic: false, .. } = i {
                if let Some(b) = b {
                    embeds.push(EmbedRef::Block(*b));
                } else if let Some(p) = p {
                    embeds.push(EmbedRef::Page(*p));
                }
            }
        });
        embeds
    }

    /// A block's body nodes as Markdown; lines after the first get `indent` spaces.
    fn body(&mut self, addr: BlockAddr, indent: usize) -> String {
        let block = self.graph.block(addr);
        let line = block.line;
        // Most blocks are one paragraph on one line: written as they are, without joining or
        // indenting copies.
        if let [n] = block.body.as_slice() {
            let mut s = String::new();
            self.node(n, &mut s, line);
            if s.trim().is_empty() {
                return String::new();
            }
            s.truncate(s.trim_end().len());
            return if s.contains('\n') { indent_after_first(&s, indent) } else { s };
        }
        let mut parts: Vec<String> = Vec::new();
        for n in &block.body {
            let mut s = String::new();
            self.node(n, &mut s, line);
            if !s.trim().is_empty() {
                parts.push(s.trim_end().to_string());
            }
        }
        let text = parts.join("\n\n");
        indent_after_first(&text, indent)
    }

    fn node(&mut self, n: &Node, out: &mut String, line: u32) {
        match n {
            Node::Paragraph { inlines } => self.inlines(inlines, out),
            Node::Heading { level, inlines } => {
                let _ = write!(out, "{} ", "#".repeat((*level).clamp(1, 6) as usize));
                self.inlines(inlines, out);
            }
            Node::Code { lang, text } => {
                let fence = fence_for(text);
                let _ = write!(out, "{fence}{}\n{text}\n{fence}", lang.as_deref().unwrap_or(""));
            }
            Node::Math { tex } => {
                let _ = write!(out, "$$\n{tex}\n$$");
            }
            Node::Quote { children } => {
                let inner = self.nodes(children, line);
                out.push_str(&quote(&inner));
            }
            Node::Admonition { kind, children } => {
                let label = super::admonition_label(kind);
                let inner = self.nodes(children, line);
                out.push_str(&quote(&format!("**{label}**\n\n{inner}")));
            }
            Node::Query { .. } => {
                self.diags.push(Diagnostic::query_dropped(self.source_file(), line));
            }
            Node::List { ordered, start, items } => {
                let bullet = if self.lists.is_multiple_of(2) { "* " } else { "- " };
                let first = start.unwrap_or(1) as usize;
                self.lists += 1;
                for (k, item) in items.iter().enumerate() {
                    let marker = if *ordered { format!("{}. ", first + k) } else { bullet.to_string() };
                    let inner = self.nodes(&item.children, line);
                    if k > 0 {
                        out.push('\n');
                    }
                    out.push_str(&marker);
                    out.push_str(&indent_after_first(&inner, marker.len()));
                }
                self.lists -= 1;
            }
            Node::Table { header, rows } => {
                let cell = |w: &mut Self, c: &[Inline]| {
                    let mut s = String::new();
                    w.inlines(c, &mut s);
                    s.replace('|', "\\|").replace('\n', " ")
                };
                let head: Vec<String> = header.iter().map(|c| cell(self, c)).collect();
                let _ = writeln!(out, "| {} |", head.join(" | "));
                let _ = write!(out, "|{}", "---|".repeat(head.len().max(1)));
                for r in rows {
                    let cells: Vec<String> = r.iter().map(|c| cell(self, c)).collect();
                    let _ = write!(out, "\n| {} |", cells.join(" | "));
                }
            }
            Node::Rule => out.push_str("---"),
            Node::Html { html } => self.raw_html(html, out),
            // Written with the page's other footnotes, at the end.
            Node::Footnote { .. } => {}
        }
    }

    /// Raw HTML as it is, less what would run code (noted where the block is). HTML that
    /// would take the rest of the page with it (an unclosed `<!--`) stays text.
    fn raw_html(&mut self, html: &str, out: &mut String) {
        if html::unterminated(html) && !html.trim_start().to_ascii_lowercase().starts_with("<script") {
            escape_into(out, html);
            return;
        }
        let lower = html.to_ascii_lowercase();
        // A script's code comes as the text after its opening tag: skipped to its end tag.
        let opens = lower.rfind("<script").is_some_and(|k| !lower[k..].contains("</script"));
        let (clean, removed) = crate::export::raw_html::sanitize(html);
        if !removed.is_empty() {
            let line = self.stack.last().map_or(0, |&at| self.graph.block(at).line);
            self.diags.push(Diagnostic::info(
                Code::HtmlDropped,
                self.file,
                line,
                1,
                format!("HTML that runs code is left out of Markdown: {}", removed.join(", ")),
            ));
        }
        out.push_str(&clean);
        self.in_script |= opens;
    }

    fn nodes(&mut self, nodes: &[Node], line: u32) -> String {
        // A script left open in another block ends there.
        self.in_script = false;
        let mut parts = Vec::new();
        for n in nodes {
            let mut s = String::new();
            self.node(n, &mut s, line);
            // A footnote's text, say, is written elsewhere and leaves nothing here.
            if !s.trim().is_empty() {
                parts.push(s);
            }
        }
        parts.join("\n\n")
    }

    /// A link to a page, appended to `out`: `label` (Markdown already) or the name as text.
    fn page_link(&self, page: Option<u32>, name: &str, label: Option<&str>, out: &mut String) {
        let shown = |out: &mut String| match label {
            Some(l) => out.push_str(l),
            None => escape_into(out, name),
        };
        match (self.opts.links, page) {
            (LinkStyle::Wiki, _) => {
                out.push_str("[[");
                out.push_str(name);
                // A label of its own (`[the book]([[Book]])`) is kept as `[[Book|the book]]`; a
                // nested name (`[[A [[B]]]]`) shows itself.
                if let Some(l) = label.filter(|_| !name.contains("[[")) {
                    out.push('|');
                    out.push_str(l);
                }
                out.push_str("]]");
            }
            (LinkStyle::Relative, Some(p)) if self.options.includes(p) => {
                out.push('[');
                shown(out);
                out.push_str("](");
                paths::push_relative_target(out, self.here, &self.paths[p as usize]);
                out.push(')');
            }
            _ => shown(out),
        }
    }

    /// A link's label: its inlines, with the references inside them as text.
    fn label(&mut self, inlines: &[Inline]) -> String {
        let mut s = String::new();
        let outer = std::mem::replace(&mut self.in_label, true);
        self.inlines(inlines, &mut s);
        self.in_label = outer;
        s
    }

    fn inlines(&mut self, inlines: &[Inline], out: &mut String) {
        for i in inlines {
            self.inline(i, out);
        }
    }

    /// The children between two `mark`s, written in place: the marks go inside the spaces
    /// around them (emphasis must not start or end with a space in CommonMark).
    fn wrapped(&mut self, mark: &str, children: &[Inline], out: &mut String) {
        // The opening mark goes first, so that the children are escaped as text after it (a
        // `1.` inside `**1. Step**` starts no list); it moves past any leading spaces after.
        let start = out.len();
        out.push_str(mark);
        let at = out.len();
        self.inlines(children, out);
        let inner = &out[at..];
        if inner.trim().is_empty() {
            out.truncate(start);
            return;
        }
        let lead = inner.len() - inner.trim_start().len();
        let end = at + inner.trim_end().len();
        let spaces = inner[..lead].to_string();
        out.insert_str(end, mark);
        if lead > 0 {
            out.replace_range(start..at + lead, &format!("{spaces}{mark}"));
        }
    }

    fn inline(&mut self, i: &Inline, out: &mut String) {
        if self.in_script {
            // The code of a script, up to the tag that ends it.
            if let Inline::Html { html } = i {
                if let Some(k) = html.to_ascii_lowercase().find("</script") {
                    self.in_script = false;
                    let rest = html[k..].find('>').map_or("", |e| &html[k + e + 1..]);
                    self.raw_html(rest, out);
                }
            }
            return;
        }
        match i {
            Inline::Text { text } => escape_into(out, text),
            Inline::Code { text } => out.push_str(&code_span(text)),
            Inline::Strong { children } => self.wrapped("**", children, out),
            Inline::Emphasis { children } => self.wrapped("*", children, out),
            Inline::Strike { children } => self.wrapped("~~", children, out),
            Inline::Highlight { children } => {
                out.push_str("<mark>");
                self.inlines(children, out);
                out.push_str("</mark>");
            }
            // A file of the graph (a PDF, a recording) is copied beside the pages and linked.
            Inline::Link { children, asset: Some(a), .. } => {
                let label = self.label(children);
                self.assets.insert(a.clone());
                out.push('[');
                match label.trim().is_empty() {
                    true => escape_into(out, a.rsplit('/').next().unwrap_or(a)),
                    false => out.push_str(&label),
                }
                out.push_str("](");
                paths::push_relative_target(out, self.here, &asset_out(a));
                out.push(')');
            }
            Inline::Link { url, children, .. } => {
                let label = self.label(children);
                match external_url(url) {
                    // A bare URL, or one shown as itself, is an autolink: `<https://…>`.
                    Some(u) if autolink(&u) && [&u, ""].contains(&crate::ir::plain_text(children).trim()) => {
                        let _ = write!(out, "<{u}>");
                    }
                    Some(u) => {
                        let shown = if label.trim().is_empty() { escape_text(&u) } else { label };
                        let _ = write!(out, "[{shown}]({})", paths::link_target(&u));
                    }
                    // A local path outside the exported pages would be a broken link.
                    None => out.push_str(&label),
                }
            }
            // A local image links to its copy among the outputs, a remote one to its URL.
            Inline::Image { url, alt, asset, .. } if asset.is_some() || url.contains("://") => {
                out.push_str("![");
                escape_into(out, alt);
                out.push_str("](");
                match asset {
                    Some(a) => {
                        self.assets.insert(a.clone());
                        paths::push_relative_target(out, self.here, &asset_out(a));
                    }
                    None => paths::push_link_target(out, url),
                }
                out.push(')');
            }
            Inline::Image { url, alt, .. } => {
                let what = if alt.is_empty() { url } else { alt };
                let _ = write!(out, "*[missing image: {}]*", escape_text(what));
            }
            Inline::PageRef { name, label, .. } if self.in_label => match label {
                Some(l) => self.inlines(l, out),
                None => escape_into(out, name),
            },
            Inline::Tag { name, .. } if self.in_label => {
                out.push('#');
                escape_into(out, name);
            }
            Inline::PageRef { name, label, page } => {
                let label = label.as_ref().map(|l| self.label(l));
                self.page_link(*page, name, label.as_deref(), out);
            }
            Inline::Tag { name, page } => {
                let mut label = String::with_capacity(name.len() + 1);
                label.push('#');
                escape_into(&mut label, name);
                // A wiki tag is `#` before the page's wiki link (which shows no label).
                if self.opts.links == LinkStyle::Wiki {
                    out.push('#');
                    self.page_link(*page, name, None, out);
                } else {
                    self.page_link(*page, name, Some(&label), out);
                }
            }
            Inline::BlockRef { label: Some(l), .. } => self.inlines(l, out),
            Inline::BlockRef { target, .. } => match self.graph.ref_text(*target, &self.stack) {
                RefText::Title(t, title) => {
                    self.stack.push(t);
                    self.inlines(title, out);
                    self.stack.pop();
                }
                RefText::Circular => out.push_str("*[circular reference]*"),
                RefText::Missing => out.push_str("*[missing reference]*"),
            },
            // Embeds are written as nested list items after the block's own text.
            Inline::Embed { cyclic: true, .. } => out.push_str("*[embed cycle]*"),
            Inline::Embed { .. } => {}
            Inline::Cloze { answer, hint, .. } => {
                self.inlines(answer, out);
                // The hint follows its answer: "red *(color)*".
                if let Some(h) = hint.as_deref().map(str::trim).filter(|h| !h.is_empty()) {
                    out.push_str(" *(");
                    escape_into(out, h);
                    out.push_str(")*");
                }
            }
            Inline::Macro { name, args, pos } => match name.as_str() {
                n if super::is_video_macro(n) => {
                    match args.first().map(|a| super::video_url(name, a)) {
                        Some(url) if autolink(&url) => {
                            let _ = write!(out, "<{url}>");
                        }
                        Some(url) => {
                            let _ = write!(out, "[{}]({})", escape_text(&url), paths::link_target(&url));
                        }
                        None => {}
                    }
                }
                _ => match super::macro_text(name, args) {
                    Some(text) => escape_into(out, &text),
                    None => self.diags.push(Diagnostic::macro_dropped(self.source_file(), *pos, name)),
                },
            },
            Inline::Math { tex, display } => {
                let d = if *display { "$$" } else { "$" };
                let _ = write!(out, "{d}{tex}{d}");
            }
            Inline::Html { html } => self.raw_html(html, out),
            Inline::FootnoteRef { label, target: Some(t), .. } => {
                let k = self.notes.mark(*t, label);
                let _ = write!(out, "[^{}]", self.note_label(k));
            }
            // A mark without a footnote stays text (Logseq shows it so).
            Inline::FootnoteRef { label, .. } => {
                out.push_str("\\[^");
                escape_into(out, label);
                out.push_str("\\]");
            }
            Inline::SoftBreak => out.push('\n'),
            Inline::HardBreak => out.push_str("\\\n"),
        }
    }
}

/// Links that leave the export: web and mail addresses (bare e-mail autolinks get `mailto:`).
fn external_url(url: &str) -> Option<String> {
    let u = url.trim();
    let scheme = u
        .split_once(':')
        .map(|(s, _)| s)
        .filter(|s| s.len() > 1 && s.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c)));
    if scheme.is_some() || u.starts_with('#') {
        Some(u.to_string())
    } else if u.contains('@') && !u.contains('/') {
        Some(format!("mailto:{u}"))
    } else {
        None
    }
}

/// Work left while writing an outline as a list (see [`Writer::marked_items`]).
enum Todo {
    /// Sibling blocks as list items at `indent`, the next one to write at `next`.
    Items { page: u32, blocks: Vec<u32>, marks: Vec<ListMark>, indent: usize, next: usize },
    /// An embed whose blocks follow the item that holds it.
    Embed(EmbedRef, usize),
    /// The end of an embed's blocks (of a block embed: it leaves the expansion stack).
    Leave { block: bool },
}

enum EmbedRef {
    Block(BlockAddr),
    Page(u32),
}

fn indent_after_first(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::with_capacity(text.len());
    for (k, line) in crate::text::lines(text).enumerate() {
        if k > 0 {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(&pad);
            }
        }
        out.push_str(line);
    }
    out
}

fn quote(text: &str) -> String {
    text.split('\n')
        .map(|l| if l.is_empty() { ">".to_string() } else { format!("> {l}") })
        .collect::<Vec<_>>()
        .join("\n")
}

fn fence_for(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

fn code_span(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let ticks = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') || text.starts_with(' ') && text.ends_with(' ') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{text}{pad}{ticks}")
}
