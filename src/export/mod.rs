//! Exporters: pure functions from the resolved IR to files in memory. Each format is one
//! module registered in [`registry`]; none imports another exporter or the reader.

pub mod anki;
pub mod docx;
pub mod json;
pub mod markdown;

use crate::diag::Diagnostic;
use crate::ir::Graph;
use std::path::PathBuf;

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
    /// Pages to write (one flag per page); `None` writes every page.
    pub pages: Option<Vec<bool>>,
}

impl Options {
    /// Whether the page with this index is written.
    pub fn includes(&self, page: u32) -> bool {
        self.pages.as_ref().is_none_or(|p| p.get(page as usize).copied().unwrap_or(true))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{format}: {message}")]
    Failed { format: &'static str, message: String },
}

pub trait Exporter: Sync {
    /// The command and format name ("json", "md", "anki", "docx").
    fn name(&self) -> &'static str;
    fn export(&self, graph: &Graph, options: &Options) -> Result<Export, ExportError>;
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
