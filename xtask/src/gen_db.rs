//! `cargo xtask gen-graph OUT --db`: the generated notes as a Logseq DB graph, written in the
//! storage format Logseq uses (transit-JSON rows of a `kvs` table: a root row with the schema
//! and the EAVT tree's address, a branch row listing leaf rows of datoms, an empty tail), so
//! that reading a DB graph can be measured against reading the same notes as Markdown files.
//! Rows are written as Logseq's transit writer writes them: a keyword comes again within a
//! row as a cache reference (`"^3"`), and every page and block has its creation and update
//! times.

use anyhow::Result;
use rusqlite::params;
use serde_json::{json, Value};
use std::path::Path;

/// What the generator writes, told apart: a graph written by an earlier version is written
/// again.
pub const VERSION: &str = "db-2";

/// A transit string: one that starts like an escape is escaped.
fn text(s: &str) -> Value {
    if s.starts_with(['~', '^', '`']) {
        Value::String(format!("~{s}"))
    } else {
        Value::String(s.to_string())
    }
}

fn kw(s: &str) -> Value {
    Value::String(format!("~:{s}"))
}

fn uuid(s: &str) -> Value {
    Value::String(format!("~u{s}"))
}

/// A row's transit cache, as the writer keeps it: a keyword's first use is written out and
/// numbered, later ones are `^` and the number in base 44 from `0`; the numbering starts over
/// after 44 × 44 entries.
#[derive(Default)]
struct Cache(std::collections::HashMap<String, usize>);

impl Cache {
    fn keyword(&mut self, name: &str) -> Value {
        let full = format!("~:{name}");
        if let Some(&n) = self.0.get(&full) {
            let digit = |d: usize| char::from(b'0' + d as u8);
            return Value::String(match n {
                0..44 => format!("^{}", digit(n)),
                _ => format!("^{}{}", digit(n / 44), digit(n % 44)),
            });
        }
        if self.0.len() == 44 * 44 {
            self.0.clear();
        }
        let n = self.0.len();
        self.0.insert(full.clone(), n);
        Value::String(full)
    }
}

/// A made-up uuid, the same for the same number.
fn made_uuid(n: u64) -> String {
    format!("00000000-0000-4000-8000-{n:012x}")
}

/// Sibling order keys that sort as the blocks do (fixed width, plain ASCII).
fn order(k: usize) -> String {
    const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut s = String::from("a");
    for shift in (0..4).rev() {
        s.push(DIGITS[(k / 62usize.pow(shift)) % 62] as char);
    }
    s
}

/// Writes `out/db.sqlite` (and copies `assets/`) from the Markdown graph at `graph`. Returns the
/// number of datoms.
pub fn write(graph: &Path, out: &Path) -> Result<usize> {
    let loaded = notes_export::load(graph).map_err(|e| anyhow::anyhow!("{e}"))?;
    std::fs::create_dir_all(out)?;
    let file = out.join("db.sqlite");
    let _ = std::fs::remove_file(&file);
    let mut datoms: Vec<(i64, &str, Value)> = Vec::new();
    let tx = 536_870_913i64;
    let mut next = 1000i64;
    let mut made = 0u64;
    for page in &loaded.graph.pages {
        let p = next;
        next += 1;
        made += 1;
        let mut add = |e: i64, a: &'static str, v: Value| datoms.push((e, a, v));
        add(p, "block/name", text(&page.name));
        add(p, "block/title", text(&page.title));
        add(p, "block/uuid", uuid(&made_uuid(made)));
        if let Some(day) = page.file.strip_prefix("journals/").and_then(|f| f.strip_suffix(".md")) {
            if let Ok(d) = day.replace('_', "").parse::<i64>() {
                add(p, "block/journal-day", json!(d));
            }
        }
        let ids: Vec<i64> = (0..page.blocks.len() as i64).map(|k| next + k).collect();
        next += page.blocks.len() as i64;
        let mut rank = vec![0usize; page.blocks.len()];
        for siblings in std::iter::once(&page.roots).chain(page.blocks.iter().map(|b| &b.children)) {
            for (k, &c) in siblings.iter().enumerate() {
                rank[c as usize] = k;
            }
        }
        for (k, b) in page.blocks.iter().enumerate() {
            if b.pre_block {
                continue;
            }
            let e = ids[k];
            made += 1;
            let id = b.uuid.as_deref().map(str::to_string).unwrap_or_else(|| made_uuid(made));
            // The text without its property lines (a DB graph keeps properties apart).
            let title: Vec<&str> = b.content.lines().filter(|l| !l.contains(":: ")).collect();
            add(e, "block/page", json!(p));
            add(e, "block/parent", json!(b.parent.map_or(p, |q| ids[q as usize])));
            add(e, "block/order", text(&order(rank[k])));
            add(e, "block/title", text(&title.join("\n")));
            add(e, "block/uuid", uuid(&id));
        }
    }
    // Every page and block made a millisecond after the one before, from 2026-01-01 (ids
    // are given in the order they are made).
    let made_in_order: std::collections::BTreeSet<i64> = datoms.iter().map(|(e, _, _)| *e).collect();
    for (k, e) in made_in_order.into_iter().enumerate() {
        let at = json!(1_767_225_600_001i64 + k as i64);
        datoms.push((e, "block/created-at", at.clone()));
        datoms.push((e, "block/updated-at", at));
    }
    // The EAVT tree's order: by entity, then attribute.
    datoms.sort_by(|x, y| (x.0, x.1).cmp(&(y.0, y.1)));
    let db = rusqlite::Connection::open(&file)?;
    db.execute_batch(
        "PRAGMA journal_mode = OFF; CREATE TABLE kvs (addr INTEGER PRIMARY KEY, content TEXT, addresses JSON); BEGIN;",
    )?;
    const LEAF: usize = 512;
    let leaves: Vec<i64> = (0..datoms.len().div_ceil(LEAF) as i64).map(|k| 3 + k).collect();
    let schema = json!([
        "^ ",
        kw("block/tags"),
        ["^ ", kw("db/cardinality"), kw("db.cardinality/many")],
        kw("block/refs"),
        ["^ ", kw("db/cardinality"), kw("db.cardinality/many")]
    ]);
    let root = json!(["^ ", kw("schema"), schema, kw("eavt"), 2, kw("max-tx"), tx]);
    let mut ins = db.prepare("INSERT INTO kvs VALUES (?1, ?2, ?3)")?;
    ins.execute(params![0, root.to_string(), Option::<String>::None])?;
    ins.execute(params![1, "[]", Option::<String>::None])?;
    ins.execute(params![2, json!(["^ ", kw("keys"), []]).to_string(), json!(leaves).to_string()])?;
    for (k, chunk) in datoms.chunks(LEAF).enumerate() {
        let mut cache = Cache::default();
        let keys = cache.keyword("keys");
        let chunk: Vec<Value> = chunk.iter().map(|(e, a, v)| json!([e, cache.keyword(a), v, tx])).collect();
        let leaf = json!(["^ ", keys, chunk]);
        ins.execute(params![leaves[k], leaf.to_string(), Option::<String>::None])?;
    }
    drop(ins);
    db.execute_batch("COMMIT;")?;
    let assets = graph.join("assets");
    if assets.is_dir() {
        std::fs::create_dir_all(out.join("assets"))?;
        for e in std::fs::read_dir(&assets)? {
            let e = e?;
            if e.file_type()?.is_file() {
                std::fs::copy(e.path(), out.join("assets").join(e.file_name()))?;
            }
        }
    }
    Ok(datoms.len())
}
