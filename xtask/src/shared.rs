//! Third-party data sets read in place from `../shared` beside the checkout (or
//! `$NOTES_EXPORT_SHARED`), never copied into the project. A task that needs one and does not
//! find it says so in one `skipped:` line; with `NOTES_EXPORT_REQUIRE_SHARED=1` (CI) it fails.

use anyhow::{bail, Result};
use std::path::PathBuf;

pub fn root() -> PathBuf {
    std::env::var_os("NOTES_EXPORT_SHARED").map(PathBuf::from).unwrap_or_else(|| crate::root().join("../shared"))
}

/// `rel` under the shared folder; `None` once the skip is reported.
pub fn find(rel: &str, task: &str) -> Result<Option<PathBuf>> {
    let path = root().join(rel);
    if path.exists() {
        return Ok(Some(path));
    }
    if required() {
        bail!("../shared/{rel} not found, and NOTES_EXPORT_REQUIRE_SHARED is set: {task} must run");
    }
    let line = format!("skipped: ../shared/{rel} not found ({task})");
    println!("{line}");
    // Counted by `cargo xtask test` with the tests' skips.
    if let Some(log) = std::env::var_os("NOTES_EXPORT_SKIP_LOG") {
        use std::io::Write;
        if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(log) {
            let _ = writeln!(f, "{line}");
        }
    }
    Ok(None)
}

/// Whether every check must run (CI sets it).
pub fn required() -> bool {
    std::env::var_os("NOTES_EXPORT_REQUIRE_SHARED").is_some_and(|v| v != "0")
}
