//! Printing diagnostics as compiler-style lines, JSON lines, or GitHub annotations.

use crate::diag::{Diagnostic, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MessageFormat {
    Human,
    Json,
    Github,
}

/// Prints every diagnostic to standard error; returns whether the run must fail.
pub fn print(diags: &[Diagnostic], format: MessageFormat, deny_warnings: bool, verbose: bool) -> bool {
    let mut failed = false;
    for d in diags {
        failed |= d.severity == Severity::Error || (deny_warnings && d.severity == Severity::Warning);
        if d.severity == Severity::Info && !verbose {
            continue;
        }
        match format {
            MessageFormat::Human => eprintln!("{d}"),
            MessageFormat::Json => eprintln!("{}", serde_json::to_string(d).unwrap_or_default()),
            MessageFormat::Github => eprintln!("{}", github(d)),
        }
    }
    failed
}

/// `::warning file=F,line=L,col=C,title=CODE::message`, escaped as GitHub's runner expects.
pub fn github(d: &Diagnostic) -> String {
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let prop = |s: &str| data(s).replace(':', "%3A").replace(',', "%2C");
    let mut props = if d.file.is_empty() { String::new() } else { format!("file={},", prop(&d.file)) };
    if d.line > 0 && !d.file.is_empty() {
        props.push_str(&format!("line={},", d.line));
        if d.col > 0 {
            props.push_str(&format!("col={},", d.col));
        }
    }
    props.push_str(&format!("title={}", prop(d.code.as_str())));
    format!("::{level} {props}::{}", data(&d.message))
}

fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

pub fn counts(diags: &[Diagnostic]) -> String {
    let n = |s: Severity| diags.iter().filter(|d| d.severity == s).count();
    format!("{} errors, {} warnings", n(Severity::Error), n(Severity::Warning))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;

    #[test]
    fn github_annotation_syntax() {
        let d = Diagnostic::warning(Code::DanglingRef, "notes/pages/a,b.md", 3, 7, "50% of\nrefs");
        assert_eq!(github(&d), "::warning file=notes/pages/a%2Cb.md,line=3,col=7,title=dangling-ref::50%25 of%0Arefs");
        let d = Diagnostic::warning(Code::Unreadable, "a.md", 0, 0, "gone");
        assert_eq!(github(&d), "::warning file=a.md,title=unreadable::gone");
        // A finding about the whole input names no file.
        let d = Diagnostic::warning(Code::NoCards, "", 0, 0, "empty");
        assert_eq!(github(&d), "::warning title=no-cards::empty");
        assert_eq!(d.to_string(), "warning[no-cards]: empty");
        let d = Diagnostic::warning(Code::Unreadable, "a.md", 0, 0, "gone");
        assert_eq!(d.to_string(), "a.md: warning[unreadable]: gone");
    }
}
