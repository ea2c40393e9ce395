//! Exporters: from the resolved IR to files. Each format is one module that declares itself
//! once ([`Format`]) and is listed once in [`formats!`]; the CLI, `build`, the config, the fuzz
//! target and the tests take formats from [`registry`]. No exporter imports another exporter or
//! the reader.
//!
//! An exporter's [`Job`] renders pages one at a time (in parallel, [`Job::page`]), takes each
//! page's rendering in page order ([`Job::add`]) and writes what is left at the end
//! ([`Job::finish`]): a large graph is exported a window of pages at a time, never held whole.

// Public for its benchmark only.
#[doc(hidden)]
pub mod archive;
pub mod cards;
mod dynamic;
pub mod raw_html;

pub use crate::pipeline::{Input, Needs};
pub use dynamic::{DynExporter, DynJob};

use crate::diag::Diagnostic;
use std::path::{Path, PathBuf};

/// Declares the exporter modules and lists them, in the order `build` writes them. A new
/// format is its module and one line here.
macro_rules! formats {
    ($($module:ident :: $exporter:ident),* $(,)?) => {
        $(pub mod $module;)*

        /// Every exporter, in the order `build` writes them.
        pub fn registry() -> Vec<&'static dyn DynExporter> {
            vec![$(&$module::$exporter),*]
        }
    };
}

formats! {
    json::JsonExporter,
    anki::AnkiExporter,
    docx::DocxExporter,
    markdown::MarkdownExporter,
    opml::OpmlExporter,
}

/// What a format says about itself, once.
#[derive(Debug)]
pub struct Format {
    /// The command and `--formats` name ("md").
    pub name: &'static str,
    /// One line of help for its command.
    pub about: &'static str,
    /// The extension of the files it writes (a folder of them for some inputs).
    pub extension: &'static str,
    /// Whether its files are text, which a pipe can take (`-o -`, notes from standard input).
    pub text: bool,
    /// Where `build` writes it: a file name, or a folder when it ends in `/`.
    pub build: &'static str,
    /// Whether it writes one file per page, so that a graph gives a folder of them.
    pub per_page: bool,
    /// The help after its options: examples, and where its output goes without `-o`.
    pub help: &'static str,
}

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
    /// Which blocks are flashcards: the deck's notes and the worksheet's prompts.
    pub cards: cards::CardMode,
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
    /// Writing an output file failed.
    #[error("{format}: {source}")]
    Write { format: &'static str, source: std::io::Error },
    /// A format's own encoder failed (SQLite for a deck, serde for JSON).
    #[error("{format}: {message}")]
    Encode { format: &'static str, message: String },
}

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

/// A format: what it is, and how a run over a graph starts.
pub trait Exporter: Sync + 'static {
    type Job: Job;
    const FORMAT: Format;
    /// Starts a run. `input` has every page's title, names and properties, every block a
    /// reference or embed can reach, and every asset; the pages' own blocks come to
    /// [`Job::page`].
    fn start(&self, input: &Input, options: &Options) -> Result<Self::Job, ExportError>;
}

/// An exporter's run over one graph (see the module's documentation).
pub trait Job: Send + Sync + 'static {
    /// One page's rendering, made on any thread.
    type Page: Send;
    /// Which blocks of the pages still to come the job reads; a deck needs only flashcards.
    fn needs(&self) -> Needs {
        Needs::All
    }
    /// Renders page `page`, whose blocks `input` holds whole.
    fn page(&self, input: &Input, page: u32) -> Result<Self::Page, ExportError>;
    /// Takes a page's rendering, in page order, and writes what it can.
    fn add(&mut self, input: &Input, page: u32, part: Self::Page, out: &mut dyn Sink) -> Result<(), ExportError>;
    /// Writes the rest.
    fn finish(self, input: &Input, out: &mut dyn Sink) -> Result<Finished, ExportError>;
}

/// One exporter run: its job, the options it was started with, where its files go.
pub struct Run<'a> {
    pub job: Box<dyn DynJob>,
    pub options: &'a Options,
    pub sink: &'a mut dyn Sink,
}

/// A sink error as an export error.
pub(crate) fn write_error(format: &'static str) -> impl Fn(std::io::Error) -> ExportError {
    move |source| ExportError::Write { format, source }
}

pub fn by_name(name: &str) -> Option<&'static dyn DynExporter> {
    registry().into_iter().find(|e| e.name() == name)
}

/// Every format's name, in the registry's order.
pub fn names() -> Vec<&'static str> {
    registry().into_iter().map(|e| e.name()).collect()
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

/// A block's dates as a reader says them: `Deadline: Sat 29 May 2021` (a time and a repeater
/// after the day, as written: `Scheduled: Fri 5 Jan 2024, 10:00 (.+1d)`). A date that is not
/// `YYYY-MM-DD` stays as written.
pub fn stamps_in_words(block: &crate::ir::Block) -> Vec<String> {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    let words = |raw: &str| -> String {
        let mut parts = raw.split_whitespace();
        let date = parts.next().unwrap_or_default();
        let ymd: Vec<&str> = date.split('-').collect();
        let parsed = match ymd.as_slice() {
            [y, m, d] => match (y.parse::<i64>(), m.parse::<u32>(), d.parse::<u32>()) {
                (Ok(y), Ok(m), Ok(d)) if (1..=12).contains(&m) && (1..=31).contains(&d) => Some((y, m, d)),
                _ => None,
            },
            _ => None,
        };
        let Some((y, m, d)) = parsed else { return raw.to_string() };
        let weekday = DAYS[crate::dates::days_from_civil(y, m, d).rem_euclid(7) as usize];
        let mut out = format!("{weekday} {d} {} {y}", MONTHS[m as usize - 1]);
        let rest: Vec<&str> = parts.filter(|p| !p.chars().all(char::is_alphabetic)).collect();
        if let Some(time) = rest.iter().find(|p| p.contains(':')) {
            out.push_str(", ");
            out.push_str(time);
        }
        for repeat in rest.iter().filter(|p| p.starts_with(['+', '.'])) {
            out.push_str(&format!(" ({repeat})"));
        }
        out
    };
    let dates = [("Scheduled", &block.scheduled), ("Deadline", &block.deadline)];
    dates.into_iter().filter_map(|(word, date)| date.as_ref().map(|d| format!("{word}: {}", words(d)))).collect()
}

#[cfg(test)]
mod tests {
    use super::macro_text;

    #[test]
    fn dates_in_words() {
        let block = crate::ir::Block {
            scheduled: Some("2024-01-05 Fri 10:00 .+1d".into()),
            deadline: Some("2021-05-29 Sat".into()),
            ..Default::default()
        };
        assert_eq!(
            super::stamps_in_words(&block),
            ["Scheduled: Fri 5 Jan 2024, 10:00 (.+1d)", "Deadline: Sat 29 May 2021"]
        );
        let odd = crate::ir::Block { deadline: Some("someday".into()), ..Default::default() };
        assert_eq!(super::stamps_in_words(&odd), ["Deadline: someday"]);
    }

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
