//! A graph folder: its page files listed, each read (in parallel) whole or skimmed, and
//! their paths made relative to the graph.

use super::page::{read_page_with, Mode};
use super::{GraphConfig, ReadError, Reading, Skim, Skimmed, Source};
use crate::diag::{Code, Diagnostic};
use crate::ir::{Graph, Page, SCHEMA_VERSION};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

pub(super) fn read_folder(root: &Path, full: bool) -> Result<Reading, ReadError> {
    let mut diagnostics = Vec::new();
    let cfg_path = root.join("logseq").join("config.edn");
    let config = match std::fs::read(&cfg_path) {
        Ok(bytes) => match GraphConfig::from_edn(&String::from_utf8_lossy(&bytes)) {
            Ok(c) => c,
            Err(e) => {
                let line = e.strip_prefix("line ").and_then(|r| r.split(':').next()).and_then(|n| n.parse().ok());
                diagnostics.push(Diagnostic::warning(Code::BadConfig, "logseq/config.edn", line.unwrap_or(0), 1, e));
                GraphConfig::default()
            }
        },
        Err(_) => GraphConfig::default(),
    };
    let files = list_pages(root, &config, &mut diagnostics);
    if files.is_empty() {
        return Err(ReadError::Empty(root.display().to_string()));
    }
    type Read = (Option<(Page, Vec<(u32, crate::ir::Block)>, Skimmed)>, Vec<Diagnostic>);
    let results: Vec<Read> = files
        .par_iter()
        .map(|(rel, journal)| {
            let mut diags = Vec::new();
            match with_file(&root.join(rel), |bytes, meta| {
                let (mut page, pinned, skim) = read_or_skim(rel, bytes, &config, *journal, full, &mut diags);
                // From the open file: no second walk of the path.
                page.mtime = seconds(meta);
                (page, pinned, skim)
            }) {
                Ok(read) => (Some(read), diags),
                Err(e) => {
                    diags.push(Diagnostic::unreadable(rel, &e));
                    (None, diags)
                }
            }
        })
        .collect();
    let mut pages = Vec::with_capacity(results.len());
    let mut skim = Skim::default();
    for (read, diags) in results {
        diagnostics.extend(diags);
        if let Some((page, keep, read)) = read {
            skim.pinned.push_page(keep);
            pages.push(page);
            if !full {
                skim.pages.push(read);
            }
        }
    }
    let name = std::fs::canonicalize(root)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "notes".to_string());
    let graph = Graph { schema_version: SCHEMA_VERSION, name, pages, ..Default::default() };
    let source = Source { root: root.to_path_buf(), display: root.display().to_string() };
    Ok(Reading { graph, source, diagnostics, config, skim, db: None })
}

/// A page read whole, or skimmed: what the skim saw of it, and the blocks it pins.
pub(super) fn read_or_skim(
    rel: &str,
    bytes: &[u8],
    config: &GraphConfig,
    journal: bool,
    full: bool,
    diags: &mut Vec<Diagnostic>,
) -> (Page, Vec<(u32, crate::ir::Block)>, Skimmed) {
    let mode = if full { Mode::Full } else { Mode::Skim };
    let (page, pins) = read_page_with(rel, bytes, config, journal, mode, &|_| false, diags);
    let quiet =
        pins.blocks.is_empty() && !crate::text::has_pair(bytes, b"((") && !super::marks::may_have_footnotes(bytes);
    let skim = Skimmed { blocks: pins.count, quiet, flashcards: pins.flashcards, unread: true };
    (page, pins.blocks, skim)
}

/// The page files of a graph folder (path relative to the root, whether a journal), sorted.
fn list_pages(root: &Path, config: &GraphConfig, diagnostics: &mut Vec<Diagnostic>) -> Vec<(String, bool)> {
    let folders: Vec<&str> = ["pages", "journals"].into_iter().filter(|f| root.join(f).is_dir()).collect();
    let mut files: Vec<(String, bool)> = Vec::new();
    let scan: Vec<(PathBuf, bool)> = if folders.is_empty() {
        vec![(root.to_path_buf(), false)]
    } else {
        folders.iter().map(|f| (root.join(f), *f == "journals")).collect()
    };
    for (dir, journal) in scan {
        // Not sorted folder by folder: the list is sorted once below, and walkdir's sort
        // compares names by taking paths apart (half of listing 20,000 pages).
        let walker = walkdir::WalkDir::new(&dir).follow_links(true).into_iter();
        for entry in walker.filter_entry(|e| !is_skipped_dir(e)) {
            match entry {
                Ok(e) if e.file_type().is_file() => {
                    let rel = relative(root, e.path());
                    let ext = e.path().extension().and_then(|x| x.to_str()).unwrap_or("").to_ascii_lowercase();
                    if matches!(ext.as_str(), "md" | "markdown" | "org") && !is_hidden(config, &rel) {
                        files.push((rel, journal));
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    let path = e.path().map(|p| relative(root, p)).unwrap_or_default();
                    let msg = if e.loop_ancestor().is_some() {
                        "symbolic link loop; not followed".to_string()
                    } else {
                        e.io_error().map_or_else(|| e.to_string(), |io| io.to_string())
                    };
                    diagnostics.push(Diagnostic::warning(Code::Unreadable, &path, 0, 0, msg));
                }
            }
        }
    }
    files.sort();
    files
}

/// Calls `f` with a page file's bytes, read into a buffer each thread keeps: a graph's pages
/// are read one after another, each parsed into its own strings, so the bytes need not outlive
/// `f`, and a warm buffer costs no allocation or fresh memory per file.
pub(super) fn with_file<R>(path: &Path, f: impl FnOnce(&[u8], &std::fs::Metadata) -> R) -> std::io::Result<R> {
    use std::io::Read;
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    // Taken out while in use, so a read within `f` (none today) would simply use its own.
    let mut buf = BUFFER.take();
    buf.clear();
    // The size the file has now, read in one call: a file's own `read_to_end` asks its size
    // and position, then reads until a read returns nothing (four system calls a page).
    let read = |file: std::fs::File, buf: &mut Vec<u8>| {
        let meta = file.metadata()?;
        buf.reserve(meta.len() as usize);
        file.take(meta.len()).read_to_end(buf).map(|_| meta)
    };
    let out = std::fs::File::open(path).and_then(|file| read(file, &mut buf).map(|meta| f(&buf, &meta)));
    // A large page's buffer is not kept.
    if buf.capacity() <= 1 << 20 {
        BUFFER.set(buf);
    }
    out
}

pub(super) fn mtime(path: &Path) -> Option<i64> {
    seconds(&std::fs::metadata(path).ok()?)
}

/// A file's modification time in seconds since the epoch.
fn seconds(meta: &std::fs::Metadata) -> Option<i64> {
    let t = meta.modified().ok()?;
    Some(t.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs() as i64)
}

fn is_skipped_dir(e: &walkdir::DirEntry) -> bool {
    let name = e.file_name().to_string_lossy();
    e.depth() > 0
        && e.file_type().is_dir()
        && (name.starts_with('.')
            || matches!(name.as_ref(), "logseq" | "assets" | "node_modules" | "bak" | "version-files"))
}

fn is_hidden(config: &GraphConfig, rel: &str) -> bool {
    config.hidden.iter().any(|h| !h.is_empty() && (rel == h || rel.starts_with(&format!("{h}/"))))
}

/// `p` relative to `root`, `/`-separated, as the path's components give it.
pub(super) fn relative(root: &Path, p: &Path) -> String {
    // A page's path is the root's followed by plain names: then the bytes after the root are
    // the answer, without taking both paths apart (which was most of listing a large graph).
    let (root_bytes, bytes) = (root.as_os_str().as_encoded_bytes(), p.as_os_str().as_encoded_bytes());
    let rest = bytes.strip_prefix(root_bytes).and_then(|r| match root_bytes.last() {
        Some(b'/') => Some(r),
        _ => r.strip_prefix(b"/"),
    });
    let plain = |r: &[u8]| {
        // Nothing `components` would drop or split differently: `.` parts, doubled or trailing
        // separators, backslashes (a separator on Windows).
        !r.is_empty()
            && r[0] != b'.'
            && !r.ends_with(b"/")
            && !r.windows(2).any(|w| w == b"/." || w == b"//")
            && !r.contains(&b'\\')
    };
    if let Some(rest) = rest.filter(|r| plain(r)) {
        if let Ok(text) = std::str::from_utf8(rest) {
            return text.to_string();
        }
    }
    components_relative(root, p)
}

/// [`relative`] the long way: the path taken apart.
fn components_relative(root: &Path, p: &Path) -> String {
    let r = p.strip_prefix(root).unwrap_or(p);
    r.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    #[test]
    fn relative_paths_and_hidden_folders() {
        use std::path::Path;
        let root = Path::new("/g");
        assert_eq!(super::relative(root, Path::new("/g/pages/a b.md")), "pages/a b.md");
        assert_eq!(super::relative(root, Path::new("/g/pages/./x/../b.md")), "pages/x/../b.md");
        assert_eq!(super::relative(root, Path::new("/g")), "");
        // The shortcut gives what the path's components give.
        let cases = [
            ("/g", "/g/pages/a b.md"),
            ("/g/", "/g/pages/a.md"),
            ("/g", "/g/pages//a.md"),
            ("/g", "/g/pages/a/"),
            ("/g", "/g/pages/.hidden/a.md"),
            ("/g", "/g/./pages/a.md"),
            (".", "./pages/a.md"),
            ("g", "g/journals/2024_01_01.md"),
            ("g", "gx/pages/a.md"),
            ("/g", "/g/pages/a\\b.md"),
            ("/g", "/h/pages/a.md"),
            ("/g", "/g/pages/é.md"),
        ];
        for (r, p) in cases {
            let (r, p) = (Path::new(r), Path::new(p));
            assert_eq!(super::relative(r, p), super::components_relative(r, p), "{p:?} in {r:?}");
        }
        let config = super::GraphConfig { hidden: vec!["pages/priv".into()], ..Default::default() };
        assert!(super::is_hidden(&config, "pages/priv"));
        assert!(super::is_hidden(&config, "pages/priv/x.md"));
        assert!(!super::is_hidden(&config, "pages/private.md"));
    }
}
