//! Word handouts: the WordprocessingML parts written directly (pandoc's approach), valid by
//! the ECMA-376 Transitional schemas, byte-identical for the same notes.

mod body;
mod math;
mod parts;
pub mod reference;
mod xml;

use super::archive::{Deflated, ZipOut};
use super::{ExportError, Exporter, Finished, Format, Input, Job, Options, Sink};
use crate::ir::Graph;
use body::{Body, DocState, ParaOpts};
use math::NS_M;
use parts::{Rel, NS_R, NS_W};

/// Paper size of the pages (`--paper`, `docx.paper`); margins are 2 cm on either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    /// 21 × 29.7 cm.
    #[default]
    A4,
    /// 8.5 × 11 in.
    Letter,
}

#[derive(Debug, Clone, Default)]
pub struct DocxOptions {
    /// Document title; default: the page title, or the graph name for several pages.
    pub title: Option<String>,
    pub paper: Paper,
    /// A worksheet instead of a handout: the cards (`Options::cards`) as prompts to answer,
    /// with an answer key at the end.
    pub worksheet: bool,
    /// What else a worksheet blanks.
    pub blanks: Blanks,
    /// One document for all pages, one per page, or one per top namespace.
    pub group: HandoutGroup,
    /// Show `#tags` in grey instead of dropping them.
    pub show_tags: bool,
    /// Where a link's address is printed: paper shows only the label.
    pub link_addresses: LinkAddresses,
    /// The tallest an image is printed.
    pub image_max_height: MaxHeight,
    /// A Word document whose styles, fonts, page and header and footer the handout takes.
    pub reference: Option<std::sync::Arc<reference::Reference>>,
}

/// The tallest an image is printed (`--image-max-height`, `docx.image_max_height`): a share of
/// the text height (`40%`, the default) or a length (`8cm`, `80mm`, `3in`). Word lays out the
/// pages itself, so the room left on a page is unknown when the document is written: a cap
/// makes it rare that a tall picture leaves half a page empty before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "String")]
pub enum MaxHeight {
    Percent(u32),
    Emu(u64),
}

impl Default for MaxHeight {
    fn default() -> Self {
        MaxHeight::Percent(40)
    }
}

impl MaxHeight {
    /// The cap in EMU for a text area `text_height` EMU high (never more than it).
    pub fn emu(self, text_height: u64) -> u64 {
        match self {
            MaxHeight::Percent(p) => text_height * p as u64 / 100,
            MaxHeight::Emu(e) => e.min(text_height),
        }
    }
}

impl std::str::FromStr for MaxHeight {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let bad = || format!("'{s}' is not a height: write a share of the text height (40%) or a length (8cm, 80mm, 3in)");
        let (number, per_unit) = if let Some(n) = s.strip_suffix('%') {
            let p: u32 = n.trim().parse().map_err(|_| bad())?;
            return match p {
                1..=100 => Ok(MaxHeight::Percent(p)),
                _ => Err(format!("'{s}': a share of the text height is from 1% to 100%")),
            };
        } else if let Some(n) = s.strip_suffix("cm") {
            (n, 360_000.0)
        } else if let Some(n) = s.strip_suffix("mm") {
            (n, 36_000.0)
        } else if let Some(n) = s.strip_suffix("in") {
            (n, 914_400.0)
        } else {
            return Err(bad());
        };
        let v: f64 = number.trim().parse().map_err(|_| bad())?;
        if !(v.is_finite() && v > 0.0) {
            return Err(bad());
        }
        Ok(MaxHeight::Emu((v * per_unit).round() as u64))
    }
}

impl TryFrom<String> for MaxHeight {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

/// What a worksheet turns into blanks besides clozes (`--blanks`, `docx.blanks`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Blanks {
    /// Only the cards' clozes.
    #[default]
    Cards,
    /// Also bold phrases inside a longer sentence (never a whole block, never a `Label:`).
    Bold,
}

/// Where the address of a web link is printed (`--link-addresses`, `docx.link_addresses`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkAddresses {
    /// In a footnote (one per address; a second link to it shows the same number).
    #[default]
    Footnote,
    /// In brackets after the label.
    Inline,
    /// Not at all (the label stays a link on screen).
    None,
}

/// How pages are gathered into documents (`docx.handouts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HandoutGroup {
    /// One document for every page.
    #[default]
    All,
    /// One document a page.
    Page,
    /// One document a top namespace.
    Namespace,
}

pub struct DocxExporter;

impl Exporter for DocxExporter {
    type Job = DocxJob;
    const FORMAT: Format = Format {
        name: "docx",
        about: "Write a Word handout (.docx), or a worksheet with blanks and an answer key",
        extension: "docx",
        text: false,
        build: "handouts/",
        per_page: false,
        help: "Examples:\n  notes-export docx my-graph -o handout.docx --paper letter\n  notes-export docx pages/Cells.md -o cells-worksheet.docx --worksheet\n\nWithout -o: TITLE.docx in the current folder, TITLE being the page's title (or the graph folder's\nname for several pages); with --split, one file per page in docx-out/.",
    };

    fn start(&self, graph: &Input, options: &Options) -> Result<DocxJob, ExportError> {
        let opts = &options.docx;
        let pages: Vec<u32> = (0..graph.pages.len() as u32).filter(|p| options.includes(*p)).collect();
        let lists: Vec<(Option<String>, Vec<u32>)> = match opts.group {
            HandoutGroup::All => vec![(None, pages.clone())],
            HandoutGroup::Page => pages.iter().map(|p| (None, vec![*p])).collect(),
            HandoutGroup::Namespace => {
                let mut by_ns: std::collections::BTreeMap<String, Vec<u32>> = Default::default();
                for &p in &pages {
                    let title = &graph.pages[p as usize].title;
                    by_ns.entry(title.split('/').next().unwrap_or(title).trim().to_string()).or_default().push(p);
                }
                by_ns.into_iter().map(|(ns, ps)| (Some(ns), ps)).collect()
            }
        };
        let split = opts.group != HandoutGroup::All;
        let mut used_names = std::collections::HashSet::new();
        let mut groups = Vec::new();
        let mut group_of = vec![usize::MAX; graph.pages.len()];
        for (group_name, list) in lists {
            if list.is_empty() {
                continue;
            }
            let title = match (&opts.title, list.as_slice(), group_name) {
                (Some(t), _, _) if !split => t.clone(),
                (_, [one], _) => graph.pages[*one as usize].title.clone(),
                (_, _, Some(ns)) => ns,
                _ => graph.name.clone(),
            };
            let stem = super::safe_file_name(&title);
            let suffix = if opts.worksheet { " (worksheet)" } else { "" };
            let mut name = format!("{stem}{suffix}.docx");
            let mut k = 2;
            while !used_names.insert(name.to_lowercase()) {
                name = format!("{stem}{suffix} {k}.docx");
                k += 1;
            }
            for &p in &list {
                group_of[p as usize] = groups.len();
            }
            groups.push(Group { title, name, single: list.len() == 1, left: list.len(), doc: None });
        }
        Ok(DocxJob {
            outline: super::cards::outline_cards(graph, options),
            options: options.clone(),
            date: iso_date(options.timestamp.unwrap_or(946_684_800)),
            groups,
            group_of,
            pages: pages.len(),
            documents: 0,
            answers: 0,
            diagnostics: Vec::new(),
        })
    }
}

/// One output document: its pages (`left` still to come) and, once begun, its package.
struct Group {
    title: String,
    name: String,
    /// One page: the document is made whole in `Job::page` (not `left == 1`, which the last
    /// page of a longer document also reaches).
    single: bool,
    left: usize,
    doc: Option<Open>,
}

/// A document being written: `word/document.xml` is compressed into the package (written to
/// the sink) as pages come.
struct Open {
    zip: ZipOut,
    state: DocState,
    written: usize,
}

/// A document of one page, made in [`Job::page`].
pub struct Whole {
    bytes: Vec<u8>,
    answers: usize,
    diagnostics: Vec<crate::diag::Diagnostic>,
}

pub struct DocxJob {
    /// Worksheets ask outline cards (see [`super::cards`]).
    outline: bool,
    options: Options,
    date: String,
    groups: Vec<Group>,
    group_of: Vec<usize>,
    pages: usize,
    documents: usize,
    answers: usize,
    diagnostics: Vec<crate::diag::Diagnostic>,
}

impl DocxJob {
    /// One more document written, with its blanks and diagnostics.
    fn count(&mut self, answers: usize, diagnostics: Vec<crate::diag::Diagnostic>) {
        self.documents += 1;
        self.answers += answers;
        self.diagnostics.extend(diagnostics);
    }
}

/// Reads a reference document (`--reference-doc`): what it gives the handout, or why it
/// cannot (not a Word document, a part that is not XML).
pub fn read_reference(path: &std::path::Path) -> Result<std::sync::Arc<reference::Reference>, String> {
    reference::Reference::read(path, &parts::styles()).map(std::sync::Arc::new)
}

/// The documents' subject (core properties).
fn subject(graph: &Input) -> String {
    format!("Notes from {}", graph.name)
}

fn failed(message: impl ToString) -> ExportError {
    ExportError::Encode { format: "docx", message: message.to_string() }
}

fn geometry(opts: &DocxOptions) -> parts::Page {
    if let Some(r) = &opts.reference {
        return r.page;
    }
    if opts.paper == Paper::Letter {
        parts::Page::LETTER
    } else {
        parts::Page::A4
    }
}

impl Job for DocxJob {
    /// A page that is a document of its own, made whole; `None` for a page of a larger one.
    type Page = Option<Whole>;

    fn page(&self, graph: &Input, page: u32) -> Result<Option<Whole>, ExportError> {
        // A page that is a document on its own is made whole here, in parallel with other
        // pages. Pages of a larger document share its numbering, relationships and media:
        // they are written in order, in `add`.
        let group = self.group_of.get(page as usize).and_then(|&g| self.groups.get(g));
        let Some(group) = group.filter(|g| g.single) else {
            return Ok(None);
        };
        let mut memory = super::MemorySink::default();
        let path = std::path::Path::new(&group.name);
        let mut doc = begin(&mut memory, path, &self.options.docx, &group.title)?;
        let opts = &self.options.docx;
        let mut body = Body::new(graph, opts, geometry(opts), &mut doc.state);
        match opts.worksheet {
            true => body.worksheet(page, &self.prompts(graph, page), "Heading1"),
            false => body.page_blocks(page, 0),
        }
        flush(&mut memory, &mut doc, opts)?;
        let state = end(&mut memory, doc, opts, &group.title, &subject(graph), &self.date)?;
        let bytes = memory.artifacts.pop().map(|a| a.bytes).unwrap_or_default();
        Ok(Some(Whole { bytes, answers: state.answers.len(), diagnostics: state.diagnostics }))
    }

    fn add(&mut self, graph: &Input, page: u32, part: Option<Whole>, out: &mut dyn Sink) -> Result<(), ExportError> {
        let Some(g) = self.group_of.get(page as usize).copied().filter(|&g| g != usize::MAX) else {
            return Ok(());
        };
        if let Some(whole) = part {
            self.count(whole.answers, whole.diagnostics);
            let name = &self.groups[g].name;
            return out.append(std::path::Path::new(name), &whole.bytes).map_err(super::write_error("docx"));
        }
        // A page of a document of several pages (one-page documents are made in `page`).
        let opts = &self.options.docx;
        let group = &mut self.groups[g];
        if group.doc.is_none() {
            group.doc = Some(begin(out, std::path::Path::new(&group.name), opts, &group.title)?);
        }
        let doc = group.doc.as_mut().expect("begun above");
        // A worksheet's pages follow each other without a page break; a page with nothing to
        // ask is left out.
        let prompts = match opts.worksheet {
            true => Some(prompts(graph, page, opts, self.outline)),
            false => None,
        };
        if prompts.as_ref().is_none_or(|p| !p.is_empty()) {
            let mut body = Body::new(graph, opts, geometry(opts), &mut doc.state);
            let runs = format!(
                "<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>",
                xml::text(&graph.pages[page as usize].title)
            );
            let break_before = doc.written > 0 && !opts.worksheet;
            body.paragraph("Heading1", ParaOpts { keep_next: true, page_break: break_before, ..Default::default() }, &runs);
            match &prompts {
                Some(prompts) => body.worksheet(page, prompts, "Heading2"),
                None => body.page_blocks(page, 1),
            }
            doc.written += 1;
            flush(out, doc, opts)?;
        }
        group.left -= 1;
        if group.left == 0 {
            let doc = group.doc.take().expect("begun above");
            let state = end(out, doc, opts, &group.title, &subject(graph), &self.date)?;
            self.count(state.answers.len(), state.diagnostics);
        }
        Ok(())
    }

    fn finish(self, _graph: &Input, _out: &mut dyn Sink) -> Result<Finished, ExportError> {
        let mut summary = format!("{} document(s), {} pages", self.documents, self.pages);
        if self.options.docx.worksheet {
            summary.push_str(&format!(", {} blanks", self.answers));
        }
        Ok(Finished { diagnostics: self.diagnostics, summary })
    }
}

impl DocxJob {
    fn prompts(&self, graph: &Input, page: u32) -> Vec<body::Prompt> {
        prompts(graph, page, &self.options.docx, self.outline)
    }
}

/// A worksheet's prompts on a page: its cards, and with `--blanks bold` its bold phrases.
fn prompts(graph: &Input, page: u32, opts: &DocxOptions, outline: bool) -> Vec<body::Prompt> {
    let cards = super::cards::card_blocks(graph, page, outline);
    body::prompts(graph, page, &cards, opts.blanks == Blanks::Bold)
}

/// Compresses the body written so far into the package. A worksheet keeps its body until the
/// end, where the instructions above it depend on whether it asks anything.
fn flush(out: &mut dyn Sink, doc: &mut Open, opts: &DocxOptions) -> Result<(), ExportError> {
    if !opts.worksheet {
        doc.zip.write(out, restyled(opts, &doc.state.xml).as_bytes()).map_err(failed)?;
        doc.state.xml.clear();
    }
    Ok(())
}

/// `xml` naming the reference document's styles, if there is one.
fn restyled<'a>(opts: &DocxOptions, xml: &'a str) -> std::borrow::Cow<'a, str> {
    match &opts.reference {
        Some(r) => r.restyle(xml),
        None => xml.into(),
    }
}

/// A reference document's parts, and the handout's own where it has none.
fn package_parts(opts: &DocxOptions) -> Result<Vec<(&'static str, Vec<u8>)>, ExportError> {
    let Some(r) = &opts.reference else { return Ok(Vec::new()) };
    let mut parts = vec![("word/styles.xml", r.styles.clone().into_bytes())];
    if let Some(t) = &r.theme {
        parts.push(("word/theme/theme1.xml", t.clone().into_bytes()));
    }
    if let Some(f) = &r.font_table {
        parts.push(("word/fontTable.xml", f.clone().into_bytes()));
    }
    for (name, rels, part) in [
        ("word/header1.xml", "word/_rels/header1.xml.rels", &r.header),
        ("word/footer1.xml", "word/_rels/footer1.xml.rels", &r.footer),
    ] {
        if let Some(p) = part {
            parts.push((name, p.xml.clone().into_bytes()));
            if let Some(x) = &p.rels {
                parts.push((rels, x.clone().into_bytes()));
            }
        }
    }
    Ok(parts)
}

/// Starts the package at `path` with `word/document.xml` open, its title (and worksheet
/// note) written.
fn begin(out: &mut dyn Sink, path: &std::path::Path, opts: &DocxOptions, title: &str) -> Result<Open, ExportError> {
    let mut zip = ZipOut::new(path);
    zip.begin(out, "word/document.xml").map_err(failed)?;
    let head = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"{NS_W}\" xmlns:r=\"{NS_R}\" \
xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" \
xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" \
xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\" xmlns:m=\"{NS_M}\"><w:body>"
    );
    zip.write(out, head.as_bytes()).map_err(failed)?;
    let mut state = DocState::default();
    let graph = Graph::default();
    let input = Input::whole(&graph);
    let mut body = Body::new(&input, opts, geometry(opts), &mut state);
    let title_runs = format!("<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>", xml::text(title));
    body.paragraph("Title", ParaOpts::default(), &title_runs);
    zip.write(out, restyled(opts, &state.xml).as_bytes()).map_err(failed)?;
    state.xml.clear();
    Ok(Open { zip, state, written: 0 })
}

/// The parts every document has the same, compressed once.
fn fixed_parts() -> Result<&'static [(&'static str, Deflated)], ExportError> {
    static PARTS: std::sync::OnceLock<Result<Vec<(&'static str, Deflated)>, String>> = std::sync::OnceLock::new();
    let parts = PARTS.get_or_init(|| {
        let parts = [
            ("_rels/.rels", parts::package_rels()),
            ("docProps/app.xml", parts::app()),
            ("word/styles.xml", parts::styles()),
            ("word/numbering.xml", parts::numbering(&[])),
            ("word/settings.xml", parts::settings()),
            ("word/footer1.xml", parts::footer()),
            ("word/fontTable.xml", parts::font_table()),
            ("word/theme/theme1.xml", parts::theme()),
        ];
        parts.into_iter().map(|(n, x)| Deflated::new(x.as_bytes()).map(|d| (n, d)).map_err(|e| e.to_string())).collect()
    });
    parts.as_deref().map_err(failed)
}

/// Ends the document (answer key, section properties) and writes the package's other parts.
fn end(
    out: &mut dyn Sink,
    mut doc: Open,
    opts: &DocxOptions,
    title: &str,
    subject: &str,
    date: &str,
) -> Result<DocState, ExportError> {
    let page = geometry(opts);
    if opts.worksheet {
        // The instructions, only when there is something to fill in, then the prompts kept so
        // far, then the key.
        let prompts = std::mem::take(&mut doc.state.xml);
        let graph = Graph::default();
        let input = Input::whole(&graph);
        let mut body = Body::new(&input, opts, page, &mut doc.state);
        let asked = !body.st.answers.is_empty();
        let say = match asked {
            true => "Fill in each numbered blank, and answer each numbered question on the lines below it. The answers are at the end.",
            false => "Nothing to fill in: these notes hold no flashcards (#card blocks or clozes) and no blocks with children to ask about.",
        };
        body.paragraph("Subtitle", ParaOpts::default(), &format!("<w:r><w:t xml:space=\"preserve\">{say}</w:t></w:r>"));
        body.st.xml.push_str(&prompts);
        if asked {
            body.paragraph(
                "Heading1",
                ParaOpts { page_break: true, keep_next: true, ..Default::default() },
                "<w:r><w:t>Answer key</w:t></w:r>",
            );
            body.answer_key();
        }
    }
    let header = opts.reference.as_ref().is_some_and(|r| r.header.is_some());
    let tail = format!(
        "{}<w:sectPr>{}<w:footerReference w:type=\"default\" r:id=\"rId4\"/><w:pgSz w:w=\"{}\" w:h=\"{}\"{}/>\
<w:pgMar w:top=\"{}\" w:right=\"{}\" w:bottom=\"{}\" w:left=\"{}\" w:header=\"{}\" w:footer=\"{}\" w:gutter=\"0\"/>\
<w:cols w:space=\"720\"/><w:docGrid w:linePitch=\"360\"/></w:sectPr></w:body></w:document>",
        doc.state.xml,
        if header { "<w:headerReference w:type=\"default\" r:id=\"rIdHeader\"/>" } else { "" },
        page.width,
        page.height,
        if page.width > page.height { " w:orient=\"landscape\"" } else { "" },
        page.top,
        page.right,
        page.bottom,
        page.left,
        page.header,
        page.footer,
    );
    doc.state.xml.clear();
    let mut zip = doc.zip;
    let state = doc.state;
    zip.write(out, restyled(opts, &tail).as_bytes()).map_err(failed)?;
    let mut rels = vec![
        Rel { id: "rId1".into(), kind: "styles", target: "styles.xml".into(), external: false },
        Rel { id: "rId2".into(), kind: "numbering", target: "numbering.xml".into(), external: false },
        Rel { id: "rId3".into(), kind: "settings", target: "settings.xml".into(), external: false },
        Rel { id: "rId4".into(), kind: "footer", target: "footer1.xml".into(), external: false },
        Rel { id: "rIdFonts".into(), kind: "fontTable", target: "fontTable.xml".into(), external: false },
        Rel { id: "rIdTheme".into(), kind: "theme", target: "theme/theme1.xml".into(), external: false },
    ];
    if header {
        rels.push(Rel { id: "rIdHeader".into(), kind: "header", target: "header1.xml".into(), external: false });
    }
    let footnotes = !state.footnotes.is_empty();
    if footnotes {
        rels.push(Rel {
            id: "rIdFootnotes".into(),
            kind: "footnotes",
            target: "footnotes.xml".into(),
            external: false,
        });
    }
    rels.extend(state.rels.iter().map(|r| Rel {
        id: r.id.clone(),
        kind: r.kind,
        target: r.target.clone(),
        external: r.external,
    }));
    let reference_media: Vec<&(String, Vec<u8>)> = opts
        .reference
        .iter()
        .flat_map(|r| r.header.iter().chain(r.footer.iter()))
        .flat_map(|p| p.media.iter())
        .collect();
    let mut exts: Vec<String> = state
        .media
        .iter()
        .map(|(n, _)| n.as_str())
        .chain(reference_media.iter().map(|(n, _)| n.as_str()))
        .filter_map(|n| n.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()))
        .collect();
    exts.sort();
    exts.dedup();
    let exts: Vec<&str> = exts.iter().map(String::as_str).collect();
    let mut files: Vec<(&str, String)> = vec![
        ("[Content_Types].xml", parts::content_types(&exts, footnotes, header)),
        ("docProps/core.xml", parts::core(title, subject, date)),
        ("word/_rels/document.xml.rels", parts::document_rels(&rels)),
    ];
    if footnotes {
        files.push(("word/footnotes.xml", restyled(opts, &parts::footnotes(&state.footnotes)).into_owned()));
    }
    // A document with numbered lists numbers each run of them on its own.
    let numbered = !state.lists.is_empty();
    if numbered {
        files.push(("word/numbering.xml", parts::numbering(&state.lists)));
    }
    for (name, data) in files {
        zip.deflated(out, name, data.as_bytes()).map_err(failed)?;
    }
    let own = package_parts(opts)?;
    for (name, data) in &own {
        zip.deflated(out, name, data).map_err(failed)?;
    }
    for (name, part) in fixed_parts()? {
        let replaced = (numbered && *name == "word/numbering.xml") || own.iter().any(|(n, _)| n == name);
        if !replaced {
            zip.precompressed(out, name, part).map_err(failed)?;
        }
    }
    for (name, data) in reference_media {
        zip.stored(out, &format!("word/{name}"), data).map_err(failed)?;
    }
    for (name, data) in &state.media {
        // Images are already compressed: stored as they are (JPEG stays JPEG).
        zip.stored(out, &format!("word/{name}"), data).map_err(failed)?;
    }
    zip.finish(out).map_err(failed)?;
    Ok(state)
}

/// Seconds since the epoch → `YYYY-MM-DDTHH:MM:SSZ` (civil-from-days, proleptic Gregorian).
fn iso_date(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = crate::dates::civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::MaxHeight;

    #[test]
    fn image_heights() {
        assert_eq!("40%".parse(), Ok(MaxHeight::Percent(40)));
        assert_eq!("8cm".parse(), Ok(MaxHeight::Emu(2_880_000)));
        assert_eq!(" 80 mm".parse(), Ok(MaxHeight::Emu(2_880_000)));
        assert_eq!("1in".parse(), Ok(MaxHeight::Emu(914_400)));
        for bad in ["", "40", "0%", "150%", "-2cm", "cm", "nan cm", "3 ft"] {
            assert!(bad.parse::<MaxHeight>().is_err(), "{bad}");
        }
        assert_eq!(MaxHeight::Percent(40).emu(1000), 400);
        assert_eq!(MaxHeight::Emu(5000).emu(1000), 1000, "never taller than the text");
    }

    #[test]
    fn iso_dates() {
        assert_eq!(super::iso_date(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::iso_date(946_684_800), "2000-01-01T00:00:00Z");
        assert_eq!(super::iso_date(1_709_210_096), "2024-02-29T12:34:56Z");
    }
}
