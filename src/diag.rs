//! Diagnostics: non-fatal findings with a source position, printed like a compiler's.

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

/// One finding. `file` is relative to the input root (forward slashes); `line`/`col` are 1-based,
/// 0 when unknown.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Diagnostic {
    pub file: String,
    pub line: u32,
    pub col: u32,
    pub severity: Severity,
    pub code: Code,
    pub message: String,
}

impl Diagnostic {
    /// A page file that could not be read.
    pub fn unreadable(file: &str, e: &std::io::Error) -> Self {
        Diagnostic::error(Code::Unreadable, file, 0, 0, format!("cannot read file: {e}"))
    }

    pub fn new(severity: Severity, code: Code, file: &str, line: u32, col: u32, message: impl Into<String>) -> Self {
        Diagnostic { file: file.to_string(), line, col, severity, code, message: message.into() }
    }
    pub fn warning(code: Code, file: &str, line: u32, col: u32, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, file, line, col, message)
    }
    pub fn error(code: Code, file: &str, line: u32, col: u32, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, file, line, col, message)
    }
    pub fn info(code: Code, file: &str, line: u32, col: u32, message: impl Into<String>) -> Self {
        Self::new(Severity::Info, code, file, line, col, message)
    }

    /// An exporter's note for a query block it leaves out (`line`: its block's).
    pub fn query_dropped(file: &str, line: u32) -> Self {
        Diagnostic::info(Code::QueryDropped, file, line, 1, "query blocks are not exported")
    }

    /// An exporter's note for a macro it leaves out.
    pub fn macro_dropped(file: &str, pos: crate::ir::Pos, name: &str) -> Self {
        Diagnostic::info(Code::MacroDropped, file, pos.line, pos.col, format!("{{{{{name}}}}} is not exported"))
    }
}

/// Every kind of finding, each with what it means. The README's table of codes is made from
/// this list (`cargo xtask bless`; a test fails when it is stale), and a test produces each one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    Unreadable,
    InvalidUtf8,
    ControlCharacter,
    BadConfig,
    InvalidProperty,
    InvalidId,
    DuplicateId,
    DuplicatePage,
    DanglingRef,
    DanglingEmbed,
    DanglingFootnote,
    EmbedCycle,
    RefCycle,
    MissingAsset,
    BadAsset,
    UnsafeAssetPath,
    UnsupportedImage,
    UnsupportedMath,
    DeepNesting,
    EmptyCard,
    NoCards,
    QueryDropped,
    MacroDropped,
    HtmlDropped,
    SkippedCard,
    RemovedCard,
    BadSchedule,
    UnknownSchema,
}

impl Code {
    pub const ALL: [Code; 28] = [
        Code::Unreadable,
        Code::InvalidUtf8,
        Code::ControlCharacter,
        Code::BadConfig,
        Code::InvalidProperty,
        Code::InvalidId,
        Code::DuplicateId,
        Code::DuplicatePage,
        Code::DanglingRef,
        Code::DanglingEmbed,
        Code::DanglingFootnote,
        Code::EmbedCycle,
        Code::RefCycle,
        Code::MissingAsset,
        Code::BadAsset,
        Code::UnsafeAssetPath,
        Code::UnsupportedImage,
        Code::UnsupportedMath,
        Code::DeepNesting,
        Code::EmptyCard,
        Code::NoCards,
        Code::QueryDropped,
        Code::MacroDropped,
        Code::HtmlDropped,
        Code::SkippedCard,
        Code::RemovedCard,
        Code::BadSchedule,
        Code::UnknownSchema,
    ];

    /// The name printed in `warning[name]` and the JSON's `code`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Unreadable => "unreadable",
            Code::InvalidUtf8 => "invalid-utf8",
            Code::ControlCharacter => "control-character",
            Code::BadConfig => "bad-config",
            Code::InvalidProperty => "invalid-property",
            Code::InvalidId => "invalid-id",
            Code::DuplicateId => "duplicate-id",
            Code::DuplicatePage => "duplicate-page",
            Code::DanglingRef => "dangling-ref",
            Code::DanglingEmbed => "dangling-embed",
            Code::DanglingFootnote => "dangling-footnote",
            Code::EmbedCycle => "embed-cycle",
            Code::RefCycle => "ref-cycle",
            Code::MissingAsset => "missing-asset",
            Code::BadAsset => "bad-asset",
            Code::UnsafeAssetPath => "unsafe-asset-path",
            Code::UnsupportedImage => "unsupported-image",
            Code::UnsupportedMath => "unsupported-math",
            Code::DeepNesting => "deep-nesting",
            Code::EmptyCard => "empty-card",
            Code::NoCards => "no-cards",
            Code::QueryDropped => "query-dropped",
            Code::MacroDropped => "macro-dropped",
            Code::HtmlDropped => "html-dropped",
            Code::SkippedCard => "skipped-card",
            Code::RemovedCard => "removed-card",
            Code::BadSchedule => "bad-schedule",
            Code::UnknownSchema => "unknown-schema",
        }
    }

    /// What the finding means and what the tool does about it.
    pub fn description(self) -> &'static str {
        match self {
            Code::Unreadable => "A page file, or a folder in the graph, cannot be read (permissions, a symbolic link loop); it is skipped.",
            Code::InvalidUtf8 => "Bytes that are not UTF-8 text; they become U+FFFD and the rest of the graph converts.",
            Code::ControlCharacter => "A control character in the text; it is left out of Word files and decks.",
            Code::BadConfig => "`logseq/config.edn` cannot be read as EDN; Logseq's defaults are used.",
            Code::InvalidProperty => "A property key Logseq does not accept (`bad(key):: v`); the property is ignored.",
            Code::InvalidId => "An `id::` that is not a UUID; the block has no id.",
            Code::DuplicateId => "A block id used twice; the first block keeps it.",
            Code::DuplicatePage => "Two files with the same page name (case aside); the second one's outputs get a `-2` suffix.",
            Code::DanglingRef => "A block reference `((uuid))` to no block of the graph; shown as *[missing reference]*.",
            Code::DanglingEmbed => "An embed of a page or block the graph does not have; left out.",
            Code::DanglingFootnote => "A footnote mark `[^label]` with no `[^label]:` text on its page.",
            Code::EmbedCycle => "An embed that includes itself, directly or through others; it is not expanded.",
            Code::RefCycle => "A block reference that leads back to its own block; shown without expansion.",
            Code::MissingAsset => "An image or file the notes name that does not exist; a visible placeholder stands there.",
            Code::BadAsset => "An image or file that is empty, not the image its name says, or over 50 MB; not bundled.",
            Code::UnsafeAssetPath => "A path that leads out of the graph folder; it is never read.",
            Code::UnsupportedImage => "An SVG or WebP image, which Word cannot show; a handout has a placeholder.",
            Code::UnsupportedMath => "LaTeX a Word equation cannot hold (the command is named); the handout prints the formula as written.",
            Code::DeepNesting => "Blocks nested deeper than Markdown readers follow (100 levels); written at level 100.",
            Code::EmptyCard => "A flashcard whose question shows nothing; no note is made (note, `-v`).",
            Code::NoCards => "`--cards tagged` found no `#card` block or cloze: the deck is empty.",
            Code::QueryDropped => "A query, which only Logseq can run, is not exported (note, `-v`).",
            Code::MacroDropped => "A macro no format can show (a plugin's renderer) is left out (note, `-v`).",
            Code::HtmlDropped => "HTML markup a format cannot show is left out, its text kept (note, `-v`).",
            Code::SkippedCard => "A block that looks like a flashcard but cannot be one (a cloze Anki cannot hold); no note is made.",
            Code::RemovedCard => "A note of the previous deck whose block left the notes: written once more, tagged `notes-export::removed` (note).",
            Code::BadSchedule => "Logseq review properties (`card-next-schedule::`, …) that cannot be read; the card stays new.",
            Code::UnknownSchema => "A Logseq DB graph of a schema version this version does not know; it is read as the known one.",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// By name, so that findings at one place sort as they always have.
impl Ord for Code {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// The README's table of codes, as `cargo xtask bless` writes it between its markers.
pub fn codes_table() -> String {
    let mut t = String::from("| code | what it means |\n|---|---|\n");
    for c in Code::ALL {
        t.push_str(&format!("| `{}` | {} |\n", c.as_str(), c.description()));
    }
    t
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A finding about a whole file or the whole input (an unreadable file, an empty deck)
        // has no position to show.
        if self.file.is_empty() {
            return write!(f, "{}[{}]: {}", self.severity, self.code, self.message);
        }
        if self.line == 0 {
            return write!(f, "{}: {}[{}]: {}", self.file, self.severity, self.code, self.message);
        }
        write!(f, "{}:{}:{}: {}[{}]: {}", self.file, self.line, self.col, self.severity, self.code, self.message)
    }
}

/// Sorts and de-duplicates so output order never depends on thread scheduling.
pub fn normalize(diags: &mut Vec<Diagnostic>) {
    diags.sort();
    diags.dedup();
}
