//! Readers: Logseq Markdown (and org-mode `:id:` blocks) from a graph folder, one file, or
//! standard input, into the IR. Knows nothing of any output format.

mod block;
pub mod config;
pub mod db;
mod decode;
mod entities;
mod folder;
pub mod inline;
mod marks;
mod org;
pub mod outline;
mod page;
pub mod properties;
mod skim;
pub mod title;

pub use config::GraphConfig;
pub use page::read_page;
pub use skim::{Needs, Pinned, Skim, Skimmed};

use folder::{mtime, read_folder, relative, with_file};
use page::{read_page_with, Mode};
pub use title::page_key;

use crate::diag::Diagnostic;
use crate::ir::{Graph, Page, SCHEMA_VERSION};
use std::path::{Path, PathBuf};

/// Where the input came from; exporters may need the root to find assets.
#[derive(Debug, Clone)]
pub struct Source {
    /// Folder that relative asset paths are resolved against and must stay inside.
    pub root: PathBuf,
    /// How the input was named by the user, to prefix diagnostics.
    pub display: String,
}

pub struct Reading {
    pub graph: Graph,
    pub source: Source,
    pub diagnostics: Vec<Diagnostic>,
    /// The graph's settings, for reading unread pages later.
    pub config: GraphConfig,
    /// What the skim saw (empty unless [`scan_graph`] read the graph).
    pub skim: Skim,
    /// Where a DB graph's pages came from (`None` for files).
    pub db: Option<db::Origin>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{0}: no Logseq pages found (expected .md or .org files, or a pages/ folder)")]
    Empty(String),
    #[error("{0}: several inputs must all be page files (give a graph folder on its own)")]
    Many(String),
    #[error("{path}: {message}")]
    Db { path: String, message: String },
}

/// Reads several page files as one graph rooted at their nearest common folder (or at the
/// graph above it, when they sit in a graph's `pages/` or `journals/`), so references between
/// them resolve and each page's images are found relative to it.
pub fn read_files(files: &[PathBuf]) -> Result<Reading, ReadError> {
    let mut abs = Vec::new();
    for f in files {
        let meta = std::fs::metadata(f).map_err(|source| ReadError::Io { path: f.display().to_string(), source })?;
        if meta.is_dir() || f.as_os_str() == "-" {
            return Err(ReadError::Many(f.display().to_string()));
        }
        abs.push(std::path::absolute(f).map_err(|source| ReadError::Io { path: f.display().to_string(), source })?);
    }
    let mut root = abs[0].parent().map(Path::to_path_buf).unwrap_or_default();
    for a in &abs[1..] {
        while !a.starts_with(&root) {
            if !root.pop() {
                break;
            }
        }
    }
    if root.file_name().is_some_and(|n| n == "pages" || n == "journals") {
        root.pop();
    }
    let config = GraphConfig::default();
    let mut diagnostics = Vec::new();
    let mut pages = Vec::new();
    for (a, given) in abs.iter().zip(files) {
        let rel = relative(&root, a);
        let bytes = std::fs::read(a).map_err(|source| ReadError::Io { path: given.display().to_string(), source })?;
        let journal = rel.starts_with("journals/");
        let mut page = read_page(&rel, &bytes, &config, journal, &mut diagnostics);
        page.mtime = mtime(a);
        pages.push(page);
    }
    let name = root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "notes".into());
    let graph = Graph { schema_version: SCHEMA_VERSION, name, pages, ..Default::default() };
    let display = pathdiff_display(&root);
    Ok(Reading { graph, source: Source { root, display }, diagnostics, config, skim: Skim::default(), db: None })
}

/// The root as the user would name it: relative to the current folder when inside it.
fn pathdiff_display(root: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    match root.strip_prefix(&cwd) {
        Ok(r) if r.as_os_str().is_empty() => String::new(),
        Ok(r) => r.display().to_string(),
        Err(_) => root.display().to_string(),
    }
}

/// Reads a graph folder, a single page file, or `-` for standard input.
pub fn read_input(input: &Path) -> Result<Reading, ReadError> {
    read_input_with(input, true)
}

/// Opens a DB graph, skimmed (its pages read whole later, a window at a time, as a folder's).
pub fn scan_db(input: &Path) -> Result<Reading, ReadError> {
    read_input_with(input, false)
}

fn read_input_with(input: &Path, full: bool) -> Result<Reading, ReadError> {
    let display = input.display().to_string();
    if display == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
            .map_err(|source| ReadError::Io { path: "<stdin>".into(), source })?;
        let source = Source { root: std::env::current_dir().unwrap_or_default(), display: String::new() };
        return Ok(read_single("<stdin>", &bytes, source));
    }
    let meta = std::fs::metadata(input).map_err(|source| ReadError::Io { path: display.clone(), source })?;
    if let Some(file) = db::database_of(input) {
        // A DB graph (a folder holding `db.sqlite`, or the file): its assets sit beside it.
        let root =
            if meta.is_dir() { input.to_path_buf() } else { input.parent().map(Path::to_path_buf).unwrap_or_default() };
        let root = if root.as_os_str().is_empty() { PathBuf::from(".") } else { root };
        let display = if root == Path::new(".") { String::new() } else { root.display().to_string() };
        return db::read_db(&file, &root, display, full);
    }
    if meta.is_dir() {
        read_graph(input)
    } else {
        let bytes = std::fs::read(input).map_err(|source| ReadError::Io { path: display.clone(), source })?;
        let parent = input.parent().map(Path::to_path_buf).unwrap_or_default();
        let parent = if parent.as_os_str().is_empty() { PathBuf::from(".") } else { parent };
        let name = input.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        // A page inside a graph's pages/ or journals/ folder is read relative to the graph, so
        // its `../assets/` images are found and its folder keeps its meaning.
        let folder = parent.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        let (root, file) = match parent.parent() {
            Some(g) if folder == "pages" || folder == "journals" => {
                let g = if g.as_os_str().is_empty() { PathBuf::from(".") } else { g.to_path_buf() };
                (g, format!("{folder}/{name}"))
            }
            _ => (parent, name),
        };
        let display = if root == Path::new(".") { String::new() } else { root.display().to_string() };
        let mut reading = read_single(&file, &bytes, Source { root, display });
        reading.graph.pages[0].mtime = mtime(input);
        Ok(reading)
    }
}

/// Reads one page from memory; `file` is its name (used for its title and diagnostics).
pub fn read_single(file: &str, bytes: &[u8], source: Source) -> Reading {
    let mut diagnostics = Vec::new();
    let config = GraphConfig::default();
    let page = read_page(file, bytes, &config, false, &mut diagnostics);
    let name = page.title.clone();
    let graph = Graph { schema_version: SCHEMA_VERSION, name, pages: vec![page], ..Default::default() };
    Reading { graph, source, diagnostics, config, skim: Skim::default(), db: None }
}

/// Reads a graph folder: `pages/`, `journals/` (or every page file when neither exists) and
/// `logseq/config.edn`.
pub fn read_graph(root: &Path) -> Result<Reading, ReadError> {
    read_folder(root, true)
}

/// Skims a graph folder: every page's title, names and properties, and only the blocks other
/// pages can reach (with an id, an image or an embed) are pinned (see [`Skim`]); every page
/// waits unread until [`load_page`] reads it whole. Diagnostics are those of a full read.
pub fn scan_graph(root: &Path) -> Result<Reading, ReadError> {
    read_folder(root, false)
}

/// Block ids a graph holds (lower-case), for [`load_page`].
pub type KnownId<'a> = &'a (dyn Fn(&str) -> bool + Sync);

/// Reads an unread page whole (see [`Skim`]); its read diagnostics were given by [`scan_graph`] already. For
/// [`Needs::Flashcards`], `known` tells the ids a reference can name without dangling: a block
/// whose every reference names one has no diagnostic to give and is not parsed.
pub fn load_page(
    root: &Path,
    config: &GraphConfig,
    page: &Page,
    needs: Needs,
    known: KnownId,
) -> Result<Page, std::io::Error> {
    with_file(&root.join(&page.file), |bytes, _| reload(bytes, config, page, needs, known))
}

/// [`load_page`] for an input's page: a DB graph's from the text written for it when the
/// graph was opened, a folder's from its file.
pub fn load_unread(
    source: &Source,
    db: Option<&db::Origin>,
    config: &GraphConfig,
    page: &Page,
    needs: Needs,
    known: KnownId,
) -> Result<Page, std::io::Error> {
    match db.and_then(|d| d.text(&page.file)) {
        Some(text) => Ok(reload(text.as_bytes(), config, page, needs, known)),
        None => load_page(&source.root, config, page, needs, known),
    }
}

/// An unread page's text read whole, or the part [`Needs`] asks for.
fn reload(bytes: &[u8], config: &GraphConfig, page: &Page, needs: Needs, known: KnownId) -> Page {
    let journal = page.file.starts_with("journals/");
    let mode = match needs {
        Needs::All => Mode::Reload,
        Needs::Flashcards => Mode::Flashcards,
    };
    let mut full = read_page_with(&page.file, bytes, config, journal, mode, known, &mut Vec::new()).0;
    full.mtime = page.mtime;
    full
}
