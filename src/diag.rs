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
    pub code: &'static str,
    pub message: String,
}

impl Diagnostic {
    /// A page file that could not be read.
    pub fn unreadable(file: &str, e: &std::io::Error) -> Self {
        Diagnostic::error("unreadable", file, 0, 0, format!("cannot read file: {e}"))
    }

    pub fn new(
        severity: Severity,
        code: &'static str,
        file: &str,
        line: u32,
        col: u32,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic { file: file.to_string(), line, col, severity, code, message: message.into() }
    }
    pub fn warning(code: &'static str, file: &str, line: u32, col: u32, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, file, line, col, message)
    }
    pub fn error(code: &'static str, file: &str, line: u32, col: u32, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, file, line, col, message)
    }
    pub fn info(code: &'static str, file: &str, line: u32, col: u32, message: impl Into<String>) -> Self {
        Self::new(Severity::Info, code, file, line, col, message)
    }

    /// An exporter's note for a query block it leaves out (`line`: its block's).
    pub fn query_dropped(file: &str, line: u32) -> Self {
        Diagnostic::info("query-dropped", file, line, 1, "query blocks are not exported")
    }

    /// An exporter's note for a macro it leaves out.
    pub fn macro_dropped(file: &str, pos: crate::ir::Pos, name: &str) -> Self {
        Diagnostic::info("macro-dropped", file, pos.line, pos.col, format!("{{{{{name}}}}} is not exported"))
    }
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
