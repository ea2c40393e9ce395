//! Logseq's DB graphs (Logseq 2.x keeps a graph in one SQLite file): read without Logseq, into
//! the same IR as a folder of Markdown pages. The storage is decoded ([`storage`]) into
//! entities; each page's blocks, ordered under their parents, are written as the Logseq
//! Markdown they stand for (references by title or id, headings, task states, tags, cards,
//! embeds, properties, images) and read by the Markdown reader, so every exporter works
//! unchanged.

pub mod storage;
pub mod transit;

use super::{GraphConfig, ReadError, Reading, Skim, Source};
use crate::ir::{Graph, SCHEMA_VERSION};
use std::collections::HashMap;
use std::fmt::Write;
use std::path::Path;
use storage::Entity;
use transit::T;

/// The `db.sqlite` of an input: the file itself, or the one in a graph folder, when its
/// content is SQLite (whether it is a Logseq graph, reading it tells).
pub fn database_of(input: &Path) -> Option<std::path::PathBuf> {
    let file = if input.is_dir() { input.join("db.sqlite") } else { input.to_path_buf() };
    (file.is_file() && storage::is_sqlite(&file)).then_some(file)
}

/// Reads a DB graph: `file` is its `db.sqlite`, `root` the folder holding it (and `assets/`).
pub fn read_db(file: &Path, root: &Path, display: String) -> Result<Reading, ReadError> {
    let db = storage::read(file).map_err(|message| ReadError::Db { path: file.display().to_string(), message })?;
    let g = Entities::new(&db.entities);
    let config = GraphConfig::default();
    let mut diagnostics = Vec::new();
    let mut pages = Vec::new();
    let mut names: HashMap<String, usize> = HashMap::new();
    for (p, journal_day) in g.pages() {
        let (file_name, text) = g.page_text(p, journal_day, &mut names);
        pages.push(super::page::read_page(
            &file_name,
            text.as_bytes(),
            &config,
            journal_day.is_some(),
            &mut diagnostics,
        ));
    }
    let name = root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "notes".into());
    let graph = Graph { schema_version: SCHEMA_VERSION, name, pages, ..Default::default() };
    Ok(Reading {
        graph,
        source: Source { root: root.to_path_buf(), display },
        diagnostics,
        config,
        skim: Skim::default(),
    })
}

/// The entities, with the indexes the pages need.
struct Entities<'a> {
    all: &'a HashMap<i64, Entity>,
    /// Entity ids by their `db/ident` (`logseq.class/Card`).
    ident: HashMap<&'a str, i64>,
    by_uuid: HashMap<&'a str, i64>,
    /// Each entity's child blocks, in order.
    children: HashMap<i64, Vec<i64>>,
}

fn text<'a>(e: &'a Entity, a: &str) -> Option<&'a str> {
    match e.get(a) {
        Some(T::Str(s)) => Some(s),
        _ => None,
    }
}

/// The ids a reference attribute holds (one, or a set).
fn refs(e: &Entity, a: &str) -> Vec<i64> {
    match e.get(a) {
        Some(T::Int(i)) => vec![*i],
        Some(v) => v.items().iter().filter_map(T::as_int).collect(),
        None => Vec::new(),
    }
}

impl<'a> Entities<'a> {
    fn new(all: &'a HashMap<i64, Entity>) -> Self {
        let mut ident = HashMap::new();
        let mut by_uuid = HashMap::new();
        let mut children: HashMap<i64, Vec<i64>> = HashMap::new();
        for (&id, e) in all {
            if let Some(T::Kw(i)) = e.get("db/ident") {
                ident.insert(i.as_str(), id);
            }
            if let Some(T::Uuid(u)) = e.get("block/uuid") {
                by_uuid.insert(u.as_str(), id);
            }
            let skipped =
                e.contains_key("logseq.property/created-from-property") || e.contains_key("logseq.property/deleted-at");
            if let (Some(T::Int(parent)), false) = (e.get("block/parent"), skipped) {
                children.entry(*parent).or_default().push(id);
            }
        }
        for list in children.values_mut() {
            // Siblings sort by their fractional index, as plain ASCII.
            list.sort_by(|a, b| {
                let order = |x: &i64| all.get(x).and_then(|e| text(e, "block/order")).unwrap_or("");
                order(a).cmp(order(b)).then(a.cmp(b))
            });
        }
        Entities { all, ident, by_uuid, children }
    }

    fn title(&self, id: i64) -> &'a str {
        self.all.get(&id).and_then(|e| text(e, "block/title")).unwrap_or("")
    }

    fn is(&self, id: i64, class: &str) -> bool {
        let Some(&c) = self.ident.get(class) else { return false };
        self.all.get(&id).is_some_and(|e| refs(e, "block/tags").contains(&c))
    }

    /// The pages to export, journals by day, then by title: the user's, with blocks.
    fn pages(&self) -> Vec<(i64, Option<i64>)> {
        let mut out: Vec<(i64, Option<i64>)> = self
            .all
            .iter()
            .filter(|(id, e)| {
                e.contains_key("block/name")
                    && !e.contains_key("block/page")
                    && !e.contains_key("db/ident")
                    && e.get("logseq.property/built-in?") != Some(&T::Bool(true))
                    && e.get("logseq.property/hide?") != Some(&T::Bool(true))
                    && self.children.contains_key(id)
            })
            .map(|(&id, e)| (id, e.get("block/journal-day").and_then(T::as_int)))
            .collect();
        out.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| self.title(a.0).cmp(self.title(b.0))).then(a.0.cmp(&b.0)));
        out
    }

    /// A page as the Logseq Markdown file it stands for: its file name and text.
    fn page_text(&self, page: i64, journal_day: Option<i64>, names: &mut HashMap<String, usize>) -> (String, String) {
        let title = self.title(page);
        let mut out = String::new();
        let file = match journal_day {
            Some(d) => format!("journals/{:04}_{:02}_{:02}.md", d / 10000, d / 100 % 100, d % 100),
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
                let _ = writeln!(out, "title:: {}", title.replace('\n', " "));
                out.push('\n');
                format!("pages/{stem}.md")
            }
        };
        // Depth first, without recursion.
        let mut stack: Vec<(i64, usize)> =
            self.children.get(&page).map(|c| c.iter().rev().map(|&b| (b, 0)).collect()).unwrap_or_default();
        while let Some((b, depth)) = stack.pop() {
            self.block_text(b, depth, &mut out);
            if let Some(kids) = self.children.get(&b) {
                stack.extend(kids.iter().rev().map(|&k| (k, depth + 1)));
            }
        }
        (file, out)
    }

    /// One block's lines.
    fn block_text(&self, b: i64, depth: usize, out: &mut String) {
        let Some(e) = self.all.get(&b) else { return };
        let indent = "\t".repeat(depth);
        let mut first = String::new();
        if let Some(status) = refs(e, "logseq.property/status").first() {
            let marker = match self.all.get(status).and_then(|s| match s.get("db/ident") {
                Some(T::Kw(i)) => Some(i.as_str()),
                _ => None,
            }) {
                Some("logseq.property/status.todo") => "TODO",
                Some("logseq.property/status.doing") => "DOING",
                Some("logseq.property/status.done") => "DONE",
                Some("logseq.property/status.canceled") => "CANCELED",
                Some("logseq.property/status.backlog") => "LATER",
                Some("logseq.property/status.in-review") => "WAITING",
                _ => "",
            };
            if !marker.is_empty() {
                first.push_str(marker);
                first.push(' ');
            }
        }
        let title = self.resolve_title(text(e, "block/title").unwrap_or(""));
        if let Some(level) = e.get("logseq.property/heading").and_then(T::as_int) {
            if (1..=6).contains(&level) && !title.starts_with('#') {
                first = format!("{} {first}", "#".repeat(level as usize));
            }
        }
        first.push_str(&title);
        if let Some(&target) = refs(e, "block/link").first() {
            let embed = match self.all.get(&target) {
                Some(t) if t.contains_key("block/page") => format!("{{{{embed (({}))}}}}", self.uuid(target)),
                _ => format!("{{{{embed [[{}]]}}}}", self.title(target)),
            };
            first.push_str(&embed);
        }
        // Tags that are the user's classes, and `#card`; built-in classes other than Card
        // (Task, Page) are what the block is, not tags.
        for t in refs(e, "block/tags") {
            let ident = self.all.get(&t).and_then(|c| match c.get("db/ident") {
                Some(T::Kw(i)) => Some(i.as_str()),
                _ => None,
            });
            match ident {
                Some("logseq.class/Card") => first.push_str(" #card"),
                Some(i) if i.starts_with("logseq.") => {}
                _ => {
                    let name = self.title(t);
                    if !name.is_empty() && !title.contains(&format!("#{name}")) {
                        let _ = write!(first, " #[[{name}]]");
                    }
                }
            }
        }
        let mut lines = first.lines();
        let _ = writeln!(out, "{indent}- {}", lines.next().unwrap_or(""));
        let _ = writeln!(out, "{indent}  id:: {}", self.uuid(b));
        for (k, v) in e {
            let Some(name) = k.strip_prefix("user.property/") else { continue };
            let name = name.rsplit_once('-').filter(|(_, id)| id.len() >= 6).map_or(name, |(n, _)| n);
            let values: Vec<String> = match v {
                T::Set(items) => items.iter().map(|x| self.value(x)).collect(),
                x => vec![self.value(x)],
            };
            let _ = writeln!(out, "{indent}  {name}:: {}", values.join(", "));
        }
        for l in lines {
            let _ = writeln!(out, "{indent}  {l}");
        }
    }

    fn uuid(&self, id: i64) -> &'a str {
        match self.all.get(&id).and_then(|e| e.get("block/uuid")) {
            Some(T::Uuid(u)) => u,
            _ => "",
        }
    }

    /// A property's value as text: an entity's value or title, or the value itself.
    fn value(&self, v: &T) -> String {
        match v {
            T::Int(id) if self.all.contains_key(id) => {
                let e = &self.all[id];
                match e.get("logseq.property/value") {
                    Some(T::Str(s)) => s.clone(),
                    Some(T::Int(n)) => n.to_string(),
                    Some(T::Float(x)) => x.to_string(),
                    _ => self.title(*id).to_string(),
                }
            }
            T::Str(s) | T::Kw(s) | T::Uuid(s) => s.clone(),
            T::Int(n) => n.to_string(),
            T::Float(x) => x.to_string(),
            T::Bool(b) => b.to_string(),
            _ => String::new(),
        }
    }

    /// A title's `[[uuid]]` references as Logseq Markdown writes them: a page by its title,
    /// a block as `((uuid))`, an asset as its image.
    fn resolve_title(&self, title: &str) -> String {
        let mut out = String::with_capacity(title.len());
        let mut rest = title;
        while let Some(k) = rest.find("[[") {
            out.push_str(&rest[..k]);
            let after = &rest[k + 2..];
            let uuid = after.get(..36).filter(|u| after[36..].starts_with("]]") && is_uuid(u));
            match uuid.and_then(|u| self.by_uuid.get(u).map(|&id| (u, id))) {
                Some((u, id)) => {
                    let e = &self.all[&id];
                    if self.is(id, "logseq.class/Asset") {
                        let ext = text(e, "logseq.property.asset/type").unwrap_or("bin");
                        let _ = write!(out, "![{}](../assets/{u}.{ext})", self.title(id));
                    } else if e.contains_key("block/page") {
                        let _ = write!(out, "(({u}))");
                    } else {
                        let _ = write!(out, "[[{}]]", self.title(id));
                    }
                    rest = &after[38..];
                }
                None => {
                    out.push_str("[[");
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.chars()
            .enumerate()
            .all(|(k, c)| if matches!(k, 8 | 13 | 18 | 23) { c == '-' } else { c.is_ascii_hexdigit() })
}
