//! Exporters: pure functions from the resolved IR to files in memory. Each format is one
//! module registered in [`registry`]; none imports another exporter or the reader.

pub mod anki;
mod archive;
pub mod docx;
pub mod json;
pub mod markdown;
pub mod raw_html;

use crate::diag::Diagnostic;
use crate::ir::Graph;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// One output file, with a path relative to the output location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// What an exporter produced.
#[derive(Debug, Default)]
pub struct Export {
    pub artifacts: Vec<Artifact>,
    pub diagnostics: Vec<Diagnostic>,
    /// A one-line human summary ("10 notes, 10 cards, 1 media file").
    pub summary: String,
}

/// Options for all exporters; each reads its own part.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Options {
    /// Seconds since the epoch written wherever a format stores a date (`SOURCE_DATE_EPOCH`).
    pub timestamp: Option<i64>,
    pub anki: anki::AnkiOptions,
    pub markdown: markdown::MarkdownOptions,
    pub docx: docx::DocxOptions,
    pub json: json::JsonOptions,
    /// Pages to write (one flag per page); `None` writes every page.
    pub pages: Option<Vec<bool>>,
}

impl Options {
    /// Whether the page with this index is written.
    pub fn includes(&self, page: u32) -> bool {
        crate::select::chosen(self.pages.as_deref(), page)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{format}: {message}")]
    Failed { format: &'static str, message: String },
}

/// One page's share of an exporter's work, made on any thread by [`Job::page`].
pub type Part = Box<dyn std::any::Any + Send>;

/// What a run adds up to, beside its files.
#[derive(Debug, Default)]
pub struct Finished {
    pub diagnostics: Vec<Diagnostic>,
    pub summary: String,
}

/// Where a run's files go as they are made. A path is appended to until the run ends, so a
/// large single file (the JSON of a big graph) never has to be held whole.
pub trait Sink: Send {
    fn append(&mut self, path: &Path, bytes: &[u8]) -> std::io::Result<()>;
}

/// Files kept in memory, in the order they were first written.
#[derive(Debug, Default)]
pub struct MemorySink {
    pub artifacts: Vec<Artifact>,
    /// Path → index in `artifacts`.
    index: std::collections::HashMap<PathBuf, usize>,
}

impl Sink for MemorySink {
    fn append(&mut self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        match self.index.get(path) {
            Some(&i) => self.artifacts[i].bytes.extend_from_slice(bytes),
            None => {
                self.index.insert(path.to_path_buf(), self.artifacts.len());
                self.artifacts.push(Artifact { path: path.to_path_buf(), bytes: bytes.to_vec() });
            }
        }
        Ok(())
    }
}

/// An exporter's run over one graph. Pages arrive a window at a time, so a run never needs
/// the whole graph's blocks at once: [`page`](Job::page) renders a loaded page (in parallel
/// with other pages), [`add`](Job::add) takes the parts in page order and writes what it can,
/// [`finish`](Job::finish) writes the rest.
pub trait Job: Send + Sync {
    /// Which blocks of the pages still to come the job reads; a deck needs only flashcards.
    fn needs(&self) -> crate::ir::Needs {
        crate::ir::Needs::All
    }
    fn page(&self, graph: &Graph, page: u32) -> Result<Part, ExportError>;
    fn add(&mut self, graph: &Graph, page: u32, part: Part, out: &mut dyn Sink) -> Result<(), ExportError>;
    fn finish(self: Box<Self>, graph: &Graph, out: &mut dyn Sink) -> Result<Finished, ExportError>;
}

pub trait Exporter: Sync {
    /// The command and format name ("json", "md", "anki", "docx").
    fn name(&self) -> &'static str;
    /// Starts a run. `graph` has every page's title, names and properties, every block a
    /// reference or embed can reach, and every asset; the pages' own blocks come later.
    fn start(&self, graph: &Graph, options: &Options) -> Result<Box<dyn Job>, ExportError>;

    /// The whole run over a fully loaded graph, files in memory.
    fn export(&self, graph: &Graph, options: &Options) -> Result<Export, ExportError> {
        let mut sink = MemorySink::default();
        let mut run = Run { job: self.start(graph, options)?, options, sink: &mut sink };
        let runs = std::slice::from_mut(&mut run);
        take(graph, runs, render(graph, runs, 0..graph.pages.len() as u32))?;
        let done = run.job.finish(graph, run.sink)?;
        Ok(Export { artifacts: sink.artifacts, diagnostics: done.diagnostics, summary: done.summary })
    }
}

/// One exporter run: its job, the options it was started with, where its files go.
pub struct Run<'a> {
    pub job: Box<dyn Job>,
    pub options: &'a Options,
    pub sink: &'a mut dyn Sink,
}

/// Each run's parts for a window of loaded pages, in page order.
pub type Parts = Vec<Vec<(u32, Result<Part, ExportError>)>>;

/// Renders the pages in `window` that each run includes, all in parallel.
pub fn render(graph: &Graph, runs: &[Run<'_>], window: std::ops::Range<u32>) -> Parts {
    let jobs: Vec<(&dyn Job, &Options)> = runs.iter().map(|r| (&*r.job, r.options)).collect();
    jobs.par_iter()
        .map(|(job, options)| {
            let pages: Vec<u32> = window.clone().filter(|&p| options.includes(p)).collect();
            pages.into_par_iter().map(|p| (p, job.page(graph, p))).collect()
        })
        .collect()
}

/// Hands each run its parts in page order (the runs side by side).
pub fn take(graph: &Graph, runs: &mut [Run<'_>], parts: Parts) -> Result<(), ExportError> {
    runs.par_iter_mut()
        .zip(parts)
        .try_for_each(|(r, parts)| parts.into_iter().try_for_each(|(p, part)| r.job.add(graph, p, part?, r.sink)))
}

/// A part of the type the job made it with.
pub(crate) fn part<T: 'static>(part: Part, format: &'static str) -> Result<T, ExportError> {
    part.downcast::<T>()
        .map(|b| *b)
        .map_err(|_| ExportError::Failed { format, message: "internal: page part of the wrong type".into() })
}

/// A sink error as an export error.
pub(crate) fn write_error(format: &'static str) -> impl Fn(std::io::Error) -> ExportError {
    move |e| ExportError::Failed { format, message: e.to_string() }
}

/// Every exporter, by name.
pub fn registry() -> Vec<Box<dyn Exporter>> {
    vec![
        Box::new(json::JsonExporter),
        Box::new(anki::AnkiExporter),
        Box::new(markdown::MarkdownExporter),
        Box::new(docx::DocxExporter),
    ]
}

pub fn by_name(name: &str) -> Option<Box<dyn Exporter>> {
    registry().into_iter().find(|e| e.name() == name)
}

/// Macros that embed a video or post: exporters write them as links.
pub fn is_video_macro(name: &str) -> bool {
    matches!(name, "youtube" | "video" | "vimeo" | "bilibili" | "tweet" | "twitter")
}

/// The link for `{{youtube …}}`, `{{video …}}` and friends, which also take a bare video id.
pub fn video_url(name: &str, arg: &str) -> String {
    let a = arg.trim();
    if a.contains("://") {
        return a.to_string();
    }
    match name {
        "youtube" => format!("https://www.youtube.com/watch?v={a}"),
        "vimeo" => format!("https://vimeo.com/{a}"),
        "bilibili" => format!("https://www.bilibili.com/video/{a}"),
        _ => a.to_string(),
    }
}

/// The text of a macro that stands for one, as Logseq shows it: `{{youtube-timestamp 113}}` is
/// `1:53` (seconds, or a time as written).
pub fn macro_text(name: &str, args: &[String]) -> Option<String> {
    let arg = args.first()?.trim();
    match name {
        "youtube-timestamp" if arg.contains(':') => Some(arg.to_string()),
        "youtube-timestamp" => {
            let s: u64 = arg.parse().ok()?;
            Some(match s / 3600 {
                0 => format!("{}:{:02}", s / 60, s % 60),
                h => format!("{h}:{:02}:{:02}", s / 60 % 60, s % 60),
            })
        }
        _ => None,
    }
}

/// `note` → `Note`: the label shown for `#+BEGIN_NOTE` and friends.
pub fn admonition_label(kind: &str) -> String {
    let mut c = kind.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

const RESERVED: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9", "lpt1", "lpt2",
    "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// One path segment without characters Windows, macOS or Linux reject (and no reserved name).
pub fn safe_segment(s: &str) -> String {
    let mut out: String =
        s.chars().map(|c| if "<>:\"/\\|?*#%".contains(c) || c.is_control() { '_' } else { c }).collect();
    out = out.trim().trim_end_matches('.').to_string();
    if out.is_empty() || out == "." || out == ".." {
        out = "_".to_string();
    }
    // A name starting with a dot is hidden on Unix-like systems.
    if out.starts_with('.') {
        out.insert(0, '_');
    }
    if RESERVED.contains(&out.to_ascii_lowercase().split('.').next().unwrap_or("")) {
        out.push('_');
    }
    if out.len() > 120 {
        let mut cut = 120;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
    }
    out
}

/// A file name for a document titled `title`, safe on every OS.
pub fn safe_file_name(title: &str) -> String {
    safe_segment(&title.replace('/', " - "))
}

/// The footnotes a piece of output marks (a Markdown page, an Anki field), each once, in the
/// order first marked: by the block holding its text and its label.
#[derive(Default)]
pub struct FootnoteList {
    notes: Vec<(crate::ir::BlockAddr, String)>,
}

impl FootnoteList {
    /// The index of the footnote at `at` labelled `label`, added if new.
    pub fn mark(&mut self, at: crate::ir::BlockAddr, label: &str) -> usize {
        match self.notes.iter().position(|(a, l)| *a == at && l == label) {
            Some(k) => k,
            None => {
                self.notes.push((at, label.to_string()));
                self.notes.len() - 1
            }
        }
    }

    /// Footnote `k`, if the list has it; the list can grow while it is written out (a
    /// footnote's text can mark another), so callers walk it by index.
    pub fn get(&self, k: usize) -> Option<(crate::ir::BlockAddr, &str)> {
        self.notes.get(k).map(|(a, l)| (*a, l.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.notes.is_empty()
    }

    /// Whether a footnote before `k` has the label `label`.
    pub fn label_taken_before(&self, k: usize, label: &str) -> bool {
        self.notes[..k].iter().any(|(_, l)| l == label)
    }
}

/// A task block's dates as Logseq shows them under it: `SCHEDULED: <2024-01-05 Fri>`, then
/// `DEADLINE: <…>`.
pub fn stamps(block: &crate::ir::Block) -> Vec<String> {
    let dates = [("SCHEDULED", &block.scheduled), ("DEADLINE", &block.deadline)];
    dates.into_iter().filter_map(|(word, date)| date.as_ref().map(|d| format!("{word}: <{d}>"))).collect()
}

#[cfg(test)]
mod tests {
    use super::macro_text;

    /// Output names are safe everywhere and never hidden.
    #[test]
    fn file_names_are_safe_and_visible() {
        assert_eq!(super::safe_file_name(".NET notes"), "_.NET notes");
        assert_eq!(super::safe_file_name("..hidden"), "_..hidden");
        assert_eq!(super::safe_file_name("a/b: c?"), "a - b_ c_");
        assert_eq!(super::safe_file_name("."), "_");
    }

    #[test]
    fn youtube_timestamps_read_as_times() {
        let t = |arg: &str| macro_text("youtube-timestamp", &[arg.to_string()]);
        assert_eq!(t("113").as_deref(), Some("1:53"));
        assert_eq!(t("5").as_deref(), Some("0:05"));
        assert_eq!(t("3725").as_deref(), Some("1:02:05"));
        assert_eq!(t(" 1:02 ").as_deref(), Some("1:02"));
        assert_eq!(t("soon"), None);
        assert_eq!(macro_text("query", &["x".to_string()]), None);
        assert_eq!(macro_text("youtube-timestamp", &[]), None);
    }
}
