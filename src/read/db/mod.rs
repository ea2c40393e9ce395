//! Logseq's DB graphs (Logseq 2.x keeps a graph in one SQLite file): read without Logseq, into
//! the same IR as a folder of Markdown pages. The storage is decoded ([`storage`]) into
//! entities; each page's blocks, ordered under their parents, are written as the Logseq
//! Markdown they stand for (references by title or id, headings, task states, tags, cards,
//! embeds, properties, images) and read by the Markdown reader, so every exporter works
//! unchanged.

pub mod storage;
pub mod transit;

use super::{GraphConfig, ReadError, Reading, Skim, Source};
use crate::ir::FastMap;
use crate::ir::{Graph, SCHEMA_VERSION};
use std::collections::HashMap;
use std::fmt::Write;
use std::path::Path;
use storage::{Db, Entity, A};
use transit::{uuid_bits, UuidText, T};

/// Where a DB graph's pages came from: a finding about a line of a page written from it is
/// said of the database, the page and the block (there are no lines).
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// The database as the user named it.
    pub file: String,
    /// `logseq.kv/schema-version`: major, minor.
    pub schema: Option<(i64, i64)>,
    /// Each page file written, by its name.
    pages: HashMap<String, Written>,
}

/// A page of the graph as it was written in Logseq Markdown.
#[derive(Debug, Clone, Default)]
struct Written {
    title: String,
    /// The first line and uuid of each block (a number: a hundred thousand blocks' uuids
    /// are not a hundred thousand strings).
    blocks: Vec<(u32, u128)>,
    /// The text, when the page is read later (the graph was skimmed).
    text: Option<Box<str>>,
}

/// The schema versions' major numbers this reader knows (65: Logseq 2.0, 2025–2026).
pub const KNOWN_MAJOR: std::ops::RangeInclusive<i64> = 64..=65;

impl Origin {
    /// Gives each block of a page read from the graph the id it has there, where its text
    /// (written without `id::` when nothing refers to it) gave it none.
    pub fn give_ids(&self, page: &mut crate::ir::Page) {
        let Some(Written { blocks, .. }) = self.pages.get(&page.file) else { return };
        for b in page.blocks.iter_mut().filter(|b| b.uuid.is_none() && !b.pre_block) {
            if let Ok(k) = blocks.binary_search_by_key(&b.line, |(line, _)| *line) {
                b.uuid = uuid_text(blocks[k].1).map(Into::into);
            }
        }
    }

    /// The text written for a page of a skimmed graph.
    pub fn text(&self, file: &str) -> Option<&str> {
        self.pages.get(file)?.text.as_deref()
    }

    /// Names the page and the block a finding is about, instead of a line of a page file that
    /// does not exist.
    pub fn locate(&self, d: &mut crate::diag::Diagnostic) {
        let Some(Written { title, blocks, .. }) = self.pages.get(&d.file) else {
            if d.file.is_empty() {
                d.file = self.file.clone();
            }
            return;
        };
        let block = blocks.iter().take_while(|(line, _)| *line <= d.line).last().and_then(|(_, u)| uuid_text(*u));
        d.message = match block {
            Some(u) => format!("{} (page \u{201c}{title}\u{201d}, block {u})", d.message),
            None => format!("{} (page \u{201c}{title}\u{201d})", d.message),
        };
        d.file = self.file.clone();
        d.line = 0;
        d.col = 0;
    }
}

/// The `db.sqlite` of an input: the file itself, or the one in a graph folder, when its
/// content is SQLite (whether it is a Logseq graph, reading it tells).
pub fn database_of(input: &Path) -> Option<std::path::PathBuf> {
    let file = if input.is_dir() { input.join("db.sqlite") } else { input.to_path_buf() };
    (file.is_file() && storage::is_sqlite(&file)).then_some(file)
}

/// Reads a DB graph: `file` is its `db.sqlite`, `root` the folder holding it (and `assets/`);
/// whole, or skimmed (each page's text is kept to be read later, the entities are not).
pub fn read_db(file: &Path, root: &Path, display: String, full: bool) -> Result<Reading, ReadError> {
    let db = storage::read(file).map_err(|message| ReadError::Db { path: file.display().to_string(), message })?;
    let g = Entities::new(&db);
    let config = GraphConfig::default();
    let mut diagnostics = Vec::new();
    let mut pages = Vec::new();
    let mut names: HashMap<String, usize> = HashMap::new();
    let file_name = file.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let mut origin =
        Origin { file: crate::display_path(&display, &file_name), schema: g.schema(), pages: HashMap::new() };
    if let Some((major, minor)) = origin.schema.filter(|(major, _)| !KNOWN_MAJOR.contains(major)) {
        diagnostics.push(crate::diag::Diagnostic::warning(
            crate::diag::Code::UnknownSchema,
            "",
            0,
            0,
            format!(
                "a DB graph of schema version {major}.{minor}, which this version does not know (it reads {} to {}); \
                 what changed since may be read wrongly",
                KNOWN_MAJOR.start(),
                KNOWN_MAJOR.end()
            ),
        ));
    }
    // File names in order (a name depends on those before), then each page written as
    // Markdown and read, on every core.
    let files: Vec<_> = g.pages().into_iter().map(|(p, day)| (p, day, g.page_file(p, day, &mut names))).collect();
    use rayon::prelude::*;
    let read: Vec<_> = files
        .par_iter()
        .map_init(String::new, |text, (p, day, (page_file, title_property))| {
            // Each page written into the thread's one buffer, then kept at its exact size.
            text.clear();
            let blocks = g.page_text(*p, *title_property, text);
            let mut diags = Vec::new();
            let (page, pinned, skimmed) =
                super::folder::read_or_skim(page_file, text.as_bytes(), &config, day.is_some(), full, &mut diags);
            let text = (!full).then(|| Box::from(text.as_str()));
            (page, pinned, skimmed, diags, Written { title: g.title(*p).to_string(), blocks, text })
        })
        .collect();
    let mut skim = Skim::default();
    for ((_, _, (page_file, _)), (page, pinned, skimmed, diags, written)) in files.into_iter().zip(read) {
        pages.push(page);
        diagnostics.extend(diags);
        skim.pinned.push_page(pinned);
        if !full {
            skim.pages.push(skimmed);
        }
        origin.pages.insert(page_file, written);
    }
    // Half a million small values: freed beside the work that follows, not before it.
    drop(g);
    std::thread::spawn(move || drop(db));
    let name = root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "notes".into());
    let graph = Graph { schema_version: SCHEMA_VERSION, name, db_graph: true, pages, ..Default::default() };
    let source = Source { root: root.to_path_buf(), display };
    Ok(Reading { graph, source, diagnostics, config, skim, db: Some(origin) })
}

/// The entities, with the indexes the pages need.
struct Entities<'a> {
    all: &'a Db,
    /// Entity ids by their `db/ident` (`logseq.class/Card`).
    ident: FastMap<&'a str, i64>,
    /// The entities whose uuid a block's text names (`((uuid))`, `[[uuid]]`), by uuid.
    by_uuid: FastMap<u128, i64>,
    /// Each entity's child blocks, in order: a range of `child`, by the entity's place in
    /// [`Db::all`].
    children: Vec<std::ops::Range<u32>>,
    child: Vec<i64>,
    /// The entities a block refers to or embeds: the blocks among them are written with their
    /// `id::`, as in a Markdown graph; the others get theirs after reading (see
    /// [`Origin::give_ids`]), so a skim need not keep every block of the graph.
    referenced: std::collections::HashSet<i64, foldhash::fast::RandomState>,
}

fn text(e: &Entity, a: A) -> Option<&str> {
    match e.get(a) {
        Some(T::Str(s)) => Some(s),
        _ => None,
    }
}

/// The ids a reference attribute holds (one, or a set).
fn refs(e: &Entity, a: A) -> impl Iterator<Item = i64> + '_ {
    let values = match e.get(a) {
        Some(v @ T::Int(_)) => std::slice::from_ref(v),
        Some(v) => v.items(),
        None => &[],
    };
    values.iter().filter_map(T::as_int)
}

/// What one stretch of the entities gives the indexes.
#[derive(Default)]
struct Part<'a> {
    ident: Vec<(&'a str, i64)>,
    /// Uuids named in titles, for a graph whose `block/refs` do not list them all.
    named: Vec<u128>,
    /// (the parent's place in [`Db::all`], order, child).
    tree: Vec<(u32, &'a str, i64)>,
    referenced: Vec<i64>,
}

impl<'a> Entities<'a> {
    fn new(all: &'a Db) -> Self {
        use rayon::prelude::*;
        let part = |chunk: &'a [(i64, Entity)]| {
            let mut part = Part::default();
            for (id, e) in chunk {
                if let Some(T::Kw(i)) = e.get(A::Ident) {
                    part.ident.push((i, *id));
                }
                if let Some(t) = text(e, A::Title) {
                    part.named.extend(uuids_in(t));
                }
                for a in [A::Refs, A::Link] {
                    part.referenced.extend(refs(e, a));
                }
                let skipped = e.has(A::FromProperty) || e.has(A::DeletedAt);
                // A block whose parent the graph does not hold is in no tree.
                if let (Some(&T::Int(parent)), false) = (e.get(A::Parent), skipped) {
                    if let Some(slot) = all.slot(parent) {
                        part.tree.push((slot as u32, text(e, A::Order).unwrap_or(""), *id));
                    }
                }
            }
            part
        };
        let parts: Vec<Part> = all.all().par_chunks(8192).map(part).collect();
        let ident: FastMap<&str, i64> = parts.iter().flat_map(|p| p.ident.iter().copied()).collect();
        let named: std::collections::HashSet<u128, foldhash::fast::RandomState> =
            parts.iter().flat_map(|p| p.named.iter().copied()).collect();
        let by_uuid = || -> FastMap<u128, i64> {
            match named.is_empty() {
                true => FastMap::default(),
                false => all
                    .all()
                    .par_iter()
                    .filter_map(|(id, e)| match e.get(A::Uuid) {
                        Some(&T::Uuid(u)) if named.contains(&u) => Some((u, *id)),
                        _ => None,
                    })
                    .collect(),
            }
        };
        // Each parent's children placed together by a counting sort on the parent's place
        // (places are dense: no sort of the whole tree), then each parent's run in order:
        // siblings by their fractional index, as plain ASCII, then by id.
        let tree = || {
            let n = all.all().len();
            let mut starts = vec![0u32; n + 1];
            parts.iter().flat_map(|p| &p.tree).for_each(|&(slot, _, _)| starts[slot as usize + 1] += 1);
            for k in 0..n {
                starts[k + 1] += starts[k];
            }
            let mut next = starts.clone();
            let mut placed: Vec<(&str, i64)> = vec![("", 0); starts[n] as usize];
            for &(slot, order, id) in parts.iter().flat_map(|p| &p.tree) {
                let at = &mut next[slot as usize];
                placed[*at as usize] = (order, id);
                *at += 1;
            }
            let children: Vec<std::ops::Range<u32>> = starts.windows(2).map(|w| w[0]..w[1]).collect();
            for run in children.iter().filter(|r| r.len() > 1) {
                placed[run.start as usize..run.end as usize].sort_unstable();
            }
            (children, placed.into_iter().map(|(_, id)| id).collect())
        };
        let (by_uuid, (children, child)) = rayon::join(by_uuid, tree);
        let mut referenced: std::collections::HashSet<i64, foldhash::fast::RandomState> =
            parts.into_iter().flat_map(|p| p.referenced).collect();
        referenced.extend(named.iter().filter_map(|u| by_uuid.get(u).copied()));
        Entities { all, ident, by_uuid, children, child, referenced }
    }

    /// An entity's child blocks, in order.
    fn children(&self, id: i64) -> &[i64] {
        let range = self.all.slot(id).map_or(0..0, |k| self.children[k].clone());
        &self.child[range.start as usize..range.end as usize]
    }

    fn title(&self, id: i64) -> &'a str {
        self.all.get(id).and_then(|e| text(e, A::Title)).unwrap_or("")
    }

    /// An entity's `db/ident` (`logseq.class/Card`).
    fn ident(&self, id: i64) -> Option<&'a str> {
        match self.all.get(id)?.get(A::Ident) {
            Some(T::Kw(i)) => Some(i),
            _ => None,
        }
    }

    /// A class the user made (not a built-in one such as Page, Journal or Task).
    fn user_class(&self, id: i64) -> bool {
        !self.ident(id).is_some_and(|i| i.starts_with("logseq.")) && !self.title(id).is_empty()
    }

    fn is(&self, id: i64, class: &str) -> bool {
        let Some(&c) = self.ident.get(class) else { return false };
        self.all.get(id).is_some_and(|e| refs(e, A::Tags).any(|t| t == c))
    }

    /// The pages to export, journals by day, then by title: the user's, with blocks.
    fn pages(&self) -> Vec<(i64, Option<i64>)> {
        let mut out: Vec<(i64, Option<i64>)> = self
            .all
            .all()
            .iter()
            .filter(|(id, e)| {
                e.has(A::Name)
                    && !e.has(A::Page)
                    && !e.has(A::Ident)
                    && e.get(A::BuiltIn) != Some(&T::Bool(true))
                    && e.get(A::Hide) != Some(&T::Bool(true))
                    && !self.children(*id).is_empty()
            })
            .map(|(id, e)| (*id, e.get(A::JournalDay).and_then(T::as_int)))
            .collect();
        out.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| self.title(a.0).cmp(self.title(b.0))).then(a.0.cmp(&b.0)));
        out
    }

    /// `logseq.kv/schema-version`.
    fn schema(&self) -> Option<(i64, i64)> {
        let v = self.all.get(*self.ident.get("logseq.kv/schema-version")?)?.get(A::KvValue)?;
        Some((v.get("major")?.as_int()?, v.get("minor").and_then(T::as_int).unwrap_or(0)))
    }

    /// A page's file name, and whether its title is given as a `title::` property (one a
    /// file name cannot hold: `a/b`, `C: notes`). `names` counts the names taken so far.
    fn page_file(&self, page: i64, journal_day: Option<i64>, names: &mut HashMap<String, usize>) -> (String, bool) {
        let title = self.title(page);
        match journal_day {
            Some(d) => (format!("journals/{:04}_{:02}_{:02}.md", d / 10000, d / 100 % 100, d % 100), false),
            None => {
                let mut stem: String =
                    title.chars().map(|c| if "/\\:*?\"<>|".contains(c) || c.is_control() { '_' } else { c }).collect();
                if stem.trim().is_empty() {
                    stem = "untitled".into();
                }
                let n = names.entry(stem.to_lowercase()).or_default();
                *n += 1;
                if *n > 1 {
                    stem = format!("{stem} ({n})");
                }
                let differs = stem != title;
                (format!("pages/{stem}.md"), differs)
            }
        }
    }

    /// A page as the Logseq Markdown file it stands for, written to `out`; gives the first
    /// line and uuid of each block.
    fn page_text(&self, page: i64, title_property: bool, out: &mut String) -> Vec<(u32, u128)> {
        if title_property {
            let _ = writeln!(out, "title:: {}", self.title(page).replace('\n', " "));
        }
        // The page's own tags (the user's classes) and properties, as a Markdown page's
        // first lines hold them.
        if let Some(e) = self.all.get(page) {
            let tags: Vec<String> =
                refs(e, A::Tags).filter(|&t| self.user_class(t)).map(|t| format!("[[{}]]", self.title(t))).collect();
            if !tags.is_empty() {
                let _ = writeln!(out, "tags:: {}", tags.join(", "));
            }
            for (name, value) in self.properties(e) {
                let _ = writeln!(out, "{name}:: {value}");
            }
        }
        if !out.is_empty() {
            out.push('\n');
        }
        // Depth first, without recursion.
        let mut stack: Vec<(i64, usize)> = self.children(page).iter().rev().map(|&b| (b, 0)).collect();
        let mut blocks = Vec::new();
        // Lines so far, counted as the text grows.
        let (mut lines, mut counted) = (0u32, 0);
        while let Some((b, depth)) = stack.pop() {
            lines += memchr::memchr_iter(b'\n', &out.as_bytes()[counted..]).count() as u32;
            counted = out.len();
            blocks.push((lines + 1, self.uuid(b).unwrap_or(0)));
            self.block_text(b, depth, out);
            stack.extend(self.children(b).iter().rev().map(|&k| (k, depth + 1)));
        }
        blocks
    }

    /// One block's lines.
    fn block_text(&self, b: i64, depth: usize, out: &mut String) {
        let Some(e) = self.all.get(b) else { return };
        const TABS: &str = "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t";
        let indent: std::borrow::Cow<str> = match TABS.get(..depth) {
            Some(tabs) => tabs.into(),
            None => "\t".repeat(depth).into(),
        };
        let title = self.resolve_title(text(e, A::Title).unwrap_or(""));
        // The first line written straight after the bullet: heading marks, task state, title,
        // embed and tags; when that holds a line break, its later lines go under the
        // properties, as a Markdown block's do.
        out.push_str(&indent);
        out.push_str("- ");
        let at = out.len();
        if let Some(level) = e.get(A::Heading).and_then(T::as_int) {
            if (1..=6).contains(&level) && !title.starts_with('#') {
                (0..level).for_each(|_| out.push('#'));
                out.push(' ');
            }
        }
        if let Some(status) = refs(e, A::Status).next() {
            let marker = match self.ident(status) {
                Some("logseq.property/status.todo") => "TODO ",
                Some("logseq.property/status.doing") => "DOING ",
                Some("logseq.property/status.done") => "DONE ",
                Some("logseq.property/status.canceled") => "CANCELED ",
                Some("logseq.property/status.backlog") => "LATER ",
                Some("logseq.property/status.in-review") => "WAITING ",
                _ => "",
            };
            out.push_str(marker);
        }
        out.push_str(&title);
        if let Some(target) = refs(e, A::Link).next() {
            let _ = match self.all.get(target) {
                Some(t) if t.has(A::Page) => write!(out, "{{{{embed (({}))}}}}", UuidText(self.uuid(target))),
                _ => write!(out, "{{{{embed [[{}]]}}}}", self.title(target)),
            };
        }
        // Tags that are the user's classes, and `#card`; built-in classes other than Card
        // (Task, Page) are what the block is, not tags.
        for t in refs(e, A::Tags) {
            if self.ident(t) == Some("logseq.class/Card") {
                out.push_str(" #card");
            } else if self.user_class(t) && !title.contains(&format!("#{}", self.title(t))) {
                let _ = write!(out, " #[[{}]]", self.title(t));
            }
        }
        let first = match memchr::memchr2(b'\n', b'\r', &out.as_bytes()[at..]) {
            None => String::new(),
            Some(_) => out.split_off(at),
        };
        let mut lines = first.lines();
        out.push_str(lines.next().unwrap_or(""));
        out.push('\n');
        if self.referenced.contains(&b) {
            let _ = writeln!(out, "{indent}  id:: {}", UuidText(self.uuid(b)));
        }
        // A card's FSRS review state, as the review properties Logseq's file graphs write
        // (the deck's scheduling reads those).
        if let Some(due) = e.get(A::Due).and_then(T::as_int) {
            let _ = writeln!(out, "{indent}  card-next-schedule:: {}", iso_time(due));
            let state = e.get(A::Fsrs);
            let field = |k: &str| state.and_then(|s| s.get(k));
            if let Some(reps) = field("reps").and_then(T::as_int) {
                let _ = writeln!(out, "{indent}  card-repeats:: {reps}");
            }
            match field("scheduled-days") {
                Some(T::Int(d)) => drop(writeln!(out, "{indent}  card-last-interval:: {d}")),
                Some(T::Float(d)) => drop(writeln!(out, "{indent}  card-last-interval:: {d}")),
                _ => {}
            }
            if let Some(at) = field("last-repeat").and_then(T::as_int) {
                let _ = writeln!(out, "{indent}  card-last-reviewed:: {}", iso_time(at));
            }
        }
        for (name, value) in self.properties(e) {
            let _ = writeln!(out, "{indent}  {name}:: {value}");
        }
        for l in lines {
            let _ = writeln!(out, "{indent}  {l}");
        }
    }

    fn uuid(&self, id: i64) -> Option<u128> {
        match self.all.get(id)?.get(A::Uuid)? {
            T::Uuid(u) => Some(*u),
            _ => None,
        }
    }

    /// An entity's user properties as `key:: value` text, sorted by key (not in the order the
    /// storage lists their idents, which carry ids of their own). A value is written
    /// as its type says: a page or a date (a journal) as a `[[link]]`, a date-time as text,
    /// text with its references resolved, a number or an address as it is.
    fn properties(&self, e: &Entity) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = e
            .user()
            .map(|(k, v)| {
                let property = self.ident.get(k).and_then(|&id| self.all.get(id));
                let kind = property.and_then(|p| match p.get(A::Type) {
                    Some(T::Kw(t)) => Some(t.as_str()),
                    _ => None,
                });
                let values: Vec<String> = match v {
                    T::Set(items) => items.iter().map(|x| self.typed_value(kind, x)).collect(),
                    x => vec![self.typed_value(kind, x)],
                };
                let title = property.and_then(|p| text(p, A::Title));
                (property_key(k, title), values.join(", ").replace('\n', " "))
            })
            .collect();
        out.sort();
        out
    }

    fn typed_value(&self, kind: Option<&str>, v: &T) -> String {
        match (kind, v) {
            (Some("node" | "page" | "date"), T::Int(id)) if self.all.contains(*id) => {
                format!("[[{}]]", self.title(*id))
            }
            (Some("datetime"), T::Int(ms)) => {
                let iso = iso_time(*ms);
                format!("{} {} UTC", &iso[..10], &iso[11..16])
            }
            _ => self.value(v),
        }
    }

    /// A property's value as text: an entity's value or title (its references resolved), or
    /// the value itself.
    fn value(&self, v: &T) -> String {
        // An id names an entity (a property value, a page); a number that names none is itself.
        let entity = match v {
            T::Int(id) => self.all.get(*id).map(|e| (*id, e)),
            _ => None,
        };
        if let Some((id, e)) = entity {
            return match e.get(A::Value) {
                Some(T::Str(s)) => s.clone(),
                Some(T::Int(n)) => n.to_string(),
                Some(T::Float(x)) => x.to_string(),
                _ => self.resolve_title(self.title(id)).into_owned(),
            };
        }
        match v {
            T::Str(s) | T::Kw(s) => s.clone(),
            T::Uuid(u) => UuidText(Some(*u)).to_string(),
            T::Int(n) => n.to_string(),
            T::Float(x) => x.to_string(),
            T::Bool(b) => b.to_string(),
            _ => String::new(),
        }
    }

    /// A title's `[[uuid]]` references as Logseq Markdown writes them: a page by its title,
    /// a block as `((uuid))`, an asset as its image.
    fn resolve_title<'t>(&self, title: &'t str) -> std::borrow::Cow<'t, str> {
        // Titles are short: a searcher built per title would cost more than the search.
        let find = |s: &str| memchr::memchr_iter(b'[', s.as_bytes()).find(|&k| s.as_bytes().get(k + 1) == Some(&b'['));
        if find(title).is_none() {
            return title.into();
        }
        let mut out = String::with_capacity(title.len());
        let mut rest = title;
        while let Some(k) = find(rest) {
            out.push_str(&rest[..k]);
            let after = &rest[k + 2..];
            let uuid = after.get(..36).filter(|_| after[36..].starts_with("]]")).and_then(uuid_bits);
            let found = uuid.and_then(|u| self.by_uuid.get(&u)).and_then(|&id| Some((id, self.all.get(id)?)));
            match (uuid, found) {
                (Some(u), Some((id, e))) => {
                    // As Logseq names the asset's file and the block: lower case.
                    let u = UuidText(Some(u));
                    if self.is(id, "logseq.class/Asset") {
                        let ext = text(e, A::AssetType).unwrap_or("bin");
                        let _ = write!(out, "![{}](../assets/{u}.{ext})", self.title(id));
                    } else if e.has(A::Page) {
                        let _ = write!(out, "(({u}))");
                    } else {
                        let _ = write!(out, "[[{}]]", self.title(id));
                    }
                    rest = &after[38..];
                }
                _ => {
                    out.push_str("[[");
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out.into()
    }
}

/// A user property's key as Logseq Markdown writes it: the property's title (else its ident
/// without the id Logseq appends to make it unique), lower-cased, what a key cannot hold as
/// `-`.
fn property_key(ident: &str, title: Option<&str>) -> String {
    let name = ident.strip_prefix("user.property/").unwrap_or(ident);
    let name = title
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| name.rsplit_once('-').filter(|(_, id)| id.len() >= 6).map_or(name, |(n, _)| n));
    let key: String = name
        .trim()
        .chars()
        .map(|c| if c.is_alphanumeric() || "_-.".contains(c) { c.to_ascii_lowercase() } else { '-' })
        .collect();
    if key.is_empty() {
        "property".into()
    } else {
        key
    }
}

/// Milliseconds since the epoch as ISO 8601 in UTC, as Logseq writes review times.
fn iso_time(ms: i64) -> String {
    let (days, rest) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let (year, month, day) = crate::dates::civil_from_days(days);
    let (h, m, sec, milli) = (rest / 3_600_000, rest / 60_000 % 60, rest / 1000 % 60, rest % 1000);
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{sec:02}.{milli:03}Z")
}

/// The uuids `((…))` and `[[…]]` name in a text.
fn uuids_in(text: &str) -> impl Iterator<Item = u128> + '_ {
    memchr::memchr2_iter(b'(', b'[', text.as_bytes()).filter_map(move |k| {
        let u = text.get(k + 2..k + 38)?;
        (text[k..].starts_with("((") || text[k..].starts_with("[[")).then(|| uuid_bits(u))?
    })
}

/// A block's uuid kept beside its line, as text (0 is none: Logseq never makes the nil uuid).
fn uuid_text(n: u128) -> Option<String> {
    (n != 0).then(|| UuidText(Some(n)).to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn times() {
        assert_eq!(super::iso_time(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(super::iso_time(1_709_300_321_045), "2024-03-01T13:38:41.045Z");
        assert_eq!(super::iso_time(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }
}
