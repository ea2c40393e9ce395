//! Readers: Logseq Markdown (and org-mode `:id:` blocks) from a graph folder, one file, or
//! standard input, into the IR. Knows nothing of any output format.

mod block;
pub mod config;
mod entities;
pub mod inline;
mod marks;
mod org;
pub mod outline;
pub mod properties;
pub mod title;

pub use config::GraphConfig;
pub use title::page_key;

use crate::diag::Diagnostic;
use crate::ir::{Format, Graph, Needs, Page, PageKind, PropValue, SCHEMA_VERSION};
use marks::Marks;
use rayon::prelude::*;
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
    /// The graph's settings, for reading stub pages later.
    pub config: GraphConfig,
    /// What the skim saw of each page (empty unless [`scan_graph`] read it).
    pub skims: Vec<Skimmed>,
}

/// What skimming a page found besides what the stub page holds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Skimmed {
    /// Blocks in the page.
    pub blocks: u32,
    /// Reading the page whole can give no diagnostic the skim did not: it has no block
    /// reference, and no block with an id, an image or an embed.
    pub quiet: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{0}: no Logseq pages found (expected .md or .org files, or a pages/ folder)")]
    Empty(String),
    #[error("{0}: several inputs must all be page files (give a graph folder on its own)")]
    Many(String),
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
    Ok(Reading { graph, source: Source { root, display }, diagnostics, config, skims: Vec::new() })
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
    let display = input.display().to_string();
    if display == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
            .map_err(|source| ReadError::Io { path: "<stdin>".into(), source })?;
        let source = Source { root: std::env::current_dir().unwrap_or_default(), display: String::new() };
        return Ok(read_single("<stdin>", &bytes, source));
    }
    let meta = std::fs::metadata(input).map_err(|source| ReadError::Io { path: display.clone(), source })?;
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
    Reading { graph, source, diagnostics, config, skims: Vec::new() }
}

/// Reads a graph folder: `pages/`, `journals/` (or every page file when neither exists) and
/// `logseq/config.edn`.
pub fn read_graph(root: &Path) -> Result<Reading, ReadError> {
    read_folder(root, true)
}

/// Skims a graph folder: every page's title, names and properties, and only the blocks other
/// pages can reach (with an id, an image or an embed) go into `Graph::pinned`; every page is a
/// stub until [`load_page`] reads it whole. Diagnostics are those of a full read.
pub fn scan_graph(root: &Path) -> Result<Reading, ReadError> {
    read_folder(root, false)
}

/// Block ids a graph holds (lower-case), for [`load_page`].
pub type KnownId<'a> = &'a (dyn Fn(&str) -> bool + Sync);

/// Reads a stub page; its read diagnostics were given by [`scan_graph`] already. For
/// [`Needs::Flashcards`], `known` tells the ids a reference can name without dangling: a block
/// whose every reference names one has no diagnostic to give and is not parsed.
pub fn load_page(
    root: &Path,
    config: &GraphConfig,
    page: &Page,
    needs: Needs,
    known: KnownId,
) -> Result<Page, std::io::Error> {
    let journal = page.file.starts_with("journals/");
    let mode = match needs {
        Needs::All => Mode::Reload,
        Needs::Flashcards => Mode::Flashcards,
    };
    let mut full = with_file(&root.join(&page.file), |bytes, _| {
        read_page_with(&page.file, bytes, config, journal, mode, known, &mut Vec::new()).0
    })?;
    full.mtime = page.mtime;
    Ok(full)
}

fn read_folder(root: &Path, full: bool) -> Result<Reading, ReadError> {
    let mut diagnostics = Vec::new();
    let cfg_path = root.join("logseq").join("config.edn");
    let config = match std::fs::read(&cfg_path) {
        Ok(bytes) => match GraphConfig::from_edn(&String::from_utf8_lossy(&bytes)) {
            Ok(c) => c,
            Err(e) => {
                let line = e.strip_prefix("line ").and_then(|r| r.split(':').next()).and_then(|n| n.parse().ok());
                diagnostics.push(Diagnostic::warning("bad-config", "logseq/config.edn", line.unwrap_or(0), 1, e));
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
                let mode = if full { Mode::Full } else { Mode::Skim };
                let (mut page, pins) = read_page_with(rel, bytes, &config, *journal, mode, &|_| false, &mut diags);
                // From the open file: no second walk of the path.
                page.mtime = seconds(meta);
                let mut skim = Skimmed::default();
                if !full {
                    skim.blocks = pins.count;
                    skim.quiet = pins.blocks.is_empty() && !crate::text::has_pair(bytes, b"((");
                    page.stub = true;
                }
                (page, pins.blocks, skim)
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
    let mut skims = Vec::new();
    let mut pinned = crate::ir::Pinned::default();
    for (read, diags) in results {
        diagnostics.extend(diags);
        if let Some((page, keep, skim)) = read {
            pinned.push_page(keep);
            pages.push(page);
            if !full {
                skims.push(skim);
            }
        }
    }
    let name = std::fs::canonicalize(root)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "notes".to_string());
    let graph = Graph { schema_version: SCHEMA_VERSION, name, pages, pinned, ..Default::default() };
    let source = Source { root: root.to_path_buf(), display: root.display().to_string() };
    Ok(Reading { graph, source, diagnostics, config, skims })
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
                    diagnostics.push(Diagnostic::warning("unreadable", &path, 0, 0, msg));
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
fn with_file<R>(path: &Path, f: impl FnOnce(&[u8], &std::fs::Metadata) -> R) -> std::io::Result<R> {
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

fn mtime(path: &Path) -> Option<i64> {
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
fn relative(root: &Path, p: &Path) -> String {
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

/// Decodes bytes as UTF-8; on failure reports the first bad byte and continues lossily.
fn decode<'b>(file: &str, bytes: &'b [u8], diags: &mut Vec<Diagnostic>) -> std::borrow::Cow<'b, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(e) => {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
            let col = (at - bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1)) as u32 + 1;
            diags.push(Diagnostic::error(
                "invalid-utf8",
                file,
                line,
                col,
                format!("invalid UTF-8 at byte offset {at}; undecodable bytes were replaced with U+FFFD"),
            ));
            String::from_utf8_lossy(bytes)
        }
    }
}

/// Control characters that XML (Word) forbids and HTML (Anki) drops: reported once per line.
/// The IR keeps the text as written; each exporter removes what its format cannot hold.
fn warn_control_characters(file: &str, text: &str, diags: &mut Vec<Diagnostic>) {
    if first_control_character(text.as_bytes()).is_none() {
        return;
    }
    for (n, line) in text.split('\n').enumerate() {
        if let Some(col) = first_control_character(line.as_bytes()) {
            diags.push(Diagnostic::warning(
                "control-character",
                file,
                n as u32 + 1,
                col as u32 + 1,
                "control character in text; Word and Anki outputs leave it out",
            ));
        }
    }
}

/// Bytes, not chars: the C0 controls but tab, newline and carriage return are single bytes,
/// U+FFFE/U+FFFF are EF BF BE/BF. Every byte of every page is checked, so whole 32-byte chunks
/// are skipped at once (see [`crate::text::find_in`]).
fn first_control_character(b: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = crate::text::find_in(b, from, &LEAD, lead) {
        if b[i] != 0xEF || crate::text::noncharacter_at(b, i) {
            return Some(i);
        }
        from = i + 1;
    }
    None
}

/// The bytes [`first_control_character`] looks at: C0 controls but tab, newline and carriage
/// return, and 0xEF (which starts U+FFFE and U+FFFF); as a table and as comparisons.
const LEAD: [bool; 256] = {
    let mut t = crate::text::byte_table(&[0xEF], b' ');
    t[b'\t' as usize] = false;
    t[b'\n' as usize] = false;
    t[b'\r' as usize] = false;
    t
};

fn lead(c: u8) -> bool {
    (c < b' ') & (c != b'\t') & (c != b'\n') & (c != b'\r') | (c == 0xEF)
}

/// Parses one page file.
pub fn read_page(file: &str, bytes: &[u8], config: &GraphConfig, journal: bool, diags: &mut Vec<Diagnostic>) -> Page {
    read_page_with(file, bytes, config, journal, Mode::Full, &|_| false, diags).0
}

/// How much of a page to read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Full,
    /// Only what other pages can reach (see [`block::build_block`]).
    Skim,
    /// Full, again: the whole-file checks were reported by the skim.
    Reload,
    /// As `Reload`, parsing only the blocks of [`Needs::Flashcards`].
    Flashcards,
}

/// What a skim keeps of a page's blocks: how many there are, and those other pages can reach
/// (see [`pinned`]) with their indexes.
#[derive(Default)]
struct Pins {
    count: u32,
    blocks: Vec<(u32, crate::ir::Block)>,
}

/// Parses one page file, wholly or in part (see [`Mode`]). A skim leaves the page without
/// blocks and returns the pinned ones apart.
fn read_page_with(
    file: &str,
    bytes: &[u8],
    config: &GraphConfig,
    journal: bool,
    mode: Mode,
    known: KnownId,
    diags: &mut Vec<Diagnostic>,
) -> (Page, Pins) {
    let text = decode(file, bytes, diags);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if matches!(mode, Mode::Full | Mode::Skim) {
        warn_control_characters(file, text, diags);
    }
    let file_name = file.rsplit('/').next().unwrap_or(file);
    let stem = file_name.rsplit_once('.').map_or(file_name, |(s, _)| s);
    let is_org = file_name.to_ascii_lowercase().ends_with(".org");
    let ctx = inline::InlineCtx { macros: &config.macros, compact: matches!(mode, Mode::Full | Mode::Skim) };

    let (mut blocks, mut properties, flashcards, mut pins) = if is_org {
        let (blocks, properties) = org::read_org(text, file, &ctx);
        let cards = blocks.iter().any(crate::ir::is_flashcard);
        (blocks, properties, cards, Pins::default())
    } else {
        read_markdown(text, file, &ctx, mode, known, diags)
    };
    if mode == Mode::Skim && is_org {
        pins.count = blocks.len() as u32;
        let all = std::mem::take(&mut blocks).into_iter().enumerate();
        pins.blocks = all.filter(|(_, b)| pinned(b)).map(|(i, b)| (i as u32, b)).collect();
    }

    let journal_date = if journal { title::journal_date(stem) } else { None };
    let title = properties
        .iter()
        .find(|p| p.key == "title")
        .map(|p| p.raw.trim().to_string())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| {
            if let Some((y, m, d)) = journal_date {
                title::format_journal(y, m, d, &config.journal_title_format)
            } else {
                title::title_from_file_stem(stem, config.name_format)
            }
        });
    let refs = |key: &str| -> Vec<String> {
        properties
            .iter()
            .find(|p| p.key == key)
            .map(|p| match &p.value {
                PropValue::Refs(r) => r.clone(),
                PropValue::Text(t) if !t.is_empty() => vec![t.clone()],
                _ => Vec::new(),
            })
            .unwrap_or_default()
    };
    let aliases = refs("alias");
    let tags = refs("tags");
    properties.retain(|p| p.key != "title");
    let roots = blocks.iter().enumerate().filter(|(_, b)| b.parent.is_none()).map(|(i, _)| i as u32).collect();
    let page = Page {
        name: page_key(&title),
        title,
        file: file.to_string(),
        kind: if journal_date.is_some() { PageKind::Journal } else { PageKind::Page },
        format: if is_org { Format::Org } else { Format::Markdown },
        aliases,
        tags,
        properties,
        blocks,
        roots,
        mtime: None,
        stub: false,
        flashcards,
    };
    (page, pins)
}

/// Whether the skim keeps a block in [`Graph::pinned`]: other pages can reach it (an id) or
/// it was parsed for its images or embeds.
fn pinned(b: &crate::ir::Block) -> bool {
    b.uuid.is_some() || !b.body.is_empty()
}

/// Reads a Markdown page's blocks and page properties, and whether a block is a flashcard. A
/// skim returns no blocks but the pinned ones, apart: the others would only be dropped.
fn read_markdown(
    text: &str,
    file: &str,
    ctx: &inline::InlineCtx,
    mode: Mode,
    known: KnownId,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<crate::ir::Block>, Vec<crate::ir::Property>, bool, Pins) {
    let mut lines = Vec::new();
    let raw = outline::split_blocks(text, &mut lines);
    // A partial read skips what a block's bytes show it cannot need; a full one looks at none.
    let marks: Vec<Marks> = match mode {
        Mode::Full | Mode::Reload => Vec::new(),
        Mode::Skim | Mode::Flashcards => Marks::of_page(text, &raw),
    };
    let wanted = match mode {
        Mode::Full | Mode::Reload => vec![true; raw.len()],
        Mode::Skim => vec![false; raw.len()],
        Mode::Flashcards => flashcard_blocks(&raw, &marks, known),
    };
    let skim = mode == Mode::Skim;
    let mut blocks = Vec::with_capacity(if skim { 0 } else { raw.len() });
    let mut pins = Pins { count: raw.len() as u32, blocks: Vec::new() };
    let mut scratch = block::Scratch::default();
    let mut page_props = Vec::new();
    let mut flashcards = false;
    for (i, r) in raw.iter().enumerate() {
        let full = wanted[i];
        // Once a page is known to have flashcards, the skim looks for no more.
        let skim_card = mode == Mode::Skim && !flashcards && marks[i].card;
        if !(full || r.pre_block || skim_card || marks[i].matters) {
            // A block without properties, directives, images or embeds that is not wanted
            // only keeps its place in the tree.
            if !skim {
                blocks.push(crate::ir::Block {
                    line: r.line,
                    depth: r.depth,
                    parent: r.parent,
                    ..crate::ir::Block::EMPTY
                });
            }
            continue;
        }
        let parse = match (full, mode) {
            (true, _) => block::Parse::All,
            (false, Mode::Flashcards) => block::Parse::Linked,
            (false, _) => block::Parse::Reachable,
        };
        let built = block::build_block(r, ctx, file, parse, &mut scratch, diags);
        if full || !built.block.body.is_empty() {
            flashcards |= crate::ir::is_flashcard(&built.block);
        } else if skim_card {
            // The skim must know whether the graph has flashcards: parse to tell, then forget.
            flashcards = crate::ir::is_flashcard(
                &block::build_block(r, ctx, file, block::Parse::All, &mut scratch, &mut Vec::new()).block,
            );
        }
        // Directives anywhere in the file; a later one replaces an earlier one.
        for d in built.page_directives {
            page_props.retain(|q: &crate::ir::Property| q.key != d.key);
            page_props.push(d);
        }
        if i == 0 && r.pre_block {
            for p in &built.block.properties {
                page_props.retain(|q: &crate::ir::Property| q.key != p.key);
                page_props.push(p.clone());
            }
        }
        match skim {
            true if pinned(&built.block) => pins.blocks.push((i as u32, built.block)),
            true => {}
            false => blocks.push(built.block),
        }
    }
    // Children lists from parents; a skim's only for the blocks it pins (in index order).
    if skim {
        for (i, r) in raw.iter().enumerate() {
            if let Some(k) = r.parent.and_then(|p| pins.blocks.binary_search_by_key(&p, |(j, _)| *j).ok()) {
                pins.blocks[k].1.children.push(i as u32);
            }
        }
    } else {
        // Sized once. A deck's reading lists only the children of the blocks it parses (the
        // cards, their context and their answers): no other block is walked down from.
        let listed = |p: usize| mode != Mode::Flashcards || wanted[p];
        let mut counts = vec![0u32; blocks.len()];
        blocks.iter().filter_map(|b| b.parent).for_each(|p| counts[p as usize] += 1);
        for (p, &n) in counts.iter().enumerate().filter(|&(p, &n)| n > 0 && listed(p)) {
            blocks[p].children = Vec::with_capacity(n as usize);
        }
        for i in 0..blocks.len() {
            if let Some(p) = blocks[i].parent.filter(|&p| listed(p as usize)) {
                blocks[p as usize].children.push(i as u32);
            }
        }
    }
    (blocks, page_props, flashcards, pins)
}

/// The blocks [`Needs::Flashcards`] parses: candidate flashcards with their ancestors and
/// descendants, and blocks with a block reference that may dangle (see [`marks::refs_known`]).
/// Blocks with an image or an embed are parsed by [`block::build_block`] in any case.
fn flashcard_blocks(raw: &[outline::RawBlock], marks: &[Marks], known: KnownId) -> Vec<bool> {
    let mut in_card = vec![false; raw.len()];
    let mut above_card = vec![false; raw.len()];
    // Parents come before their children.
    for (i, r) in raw.iter().enumerate() {
        in_card[i] = r.parent.is_some_and(|p| in_card[p as usize]) || marks[i].card;
        let mut up = r.parent.filter(|_| in_card[i]);
        while let Some(p) = up.filter(|&p| !above_card[p as usize]) {
            above_card[p as usize] = true;
            up = raw[p as usize].parent;
        }
    }
    let dangles = |i: usize| marks[i].block_ref && !marks::refs_known(&raw[i], known);
    (0..raw.len()).map(|i| in_card[i] || above_card[i] || dangles(i)).collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// The rule, byte by byte.
    fn reference(b: &[u8]) -> Option<usize> {
        b.iter().enumerate().position(|(i, &c)| {
            (c < b' ' && !matches!(c, b'\t' | b'\n' | b'\r'))
                || (c == 0xEF && b.get(i + 1) == Some(&0xBF) && matches!(b.get(i + 2), Some(0xBE | 0xBF)))
        })
    }

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

    #[test]
    fn compares_cover_the_table() {
        assert_eq!(crate::text::uncovered(&super::LEAD, super::lead), None);
    }

    #[test]
    fn noncharacters_and_controls_are_found_in_long_lines() {
        for bad in ["\u{FFFE}", "\u{FFFF}", "\u{1}", "\u{1F}"] {
            for at in [0, 31, 32, 33, 63, 64, 100] {
                let t = format!("{}{bad}{}", "a".repeat(at), "\u{FF5E}a\tb\r\n".repeat(20));
                assert_eq!(super::first_control_character(t.as_bytes()), Some(at), "{bad:?} at {at}");
            }
        }
        assert_eq!(super::first_control_character("\u{FF5E}\u{FFFD}x\t\r\n".repeat(30).as_bytes()), None);
    }

    proptest! {
        #[test]
        fn control_characters_are_found_as_byte_by_byte(
            b in proptest::collection::vec(
                // Mostly plain text, so that whole 32-byte chunks hold nothing to find.
                prop_oneof![60 => Just(b'a'), 1 => Just(b'\t'), 1 => Just(b'\n'), 1 => Just(b'\r'),
                            1 => Just(0x01), 1 => Just(0x1F), 2 => Just(0xEF), 2 => Just(0xBF),
                            2 => Just(0xBE), 1 => Just(0xBD), 1 => any::<u8>()],
                0..300,
            )
        ) {
            prop_assert_eq!(super::first_control_character(&b), reference(&b));
        }
    }
}
