//! A DB graph's `db.sqlite`: datascript's B-trees in one table, `kvs(addr, content,
//! addresses)`. Row 0 is the root (the schema, the address of the EAVT tree's root), row 1 the
//! tail (transactions not merged into the trees yet, a negative `tx` a retraction); the others
//! are tree nodes, a branch listing its children's addresses. Every datom of the tree, then
//! the tail replayed over them, gives each entity's attributes.

use super::transit::{decode, T};
use crate::ir::FastMap;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::Path;

/// An entity's attributes (keyword names without `:`); a many-valued one is a `T::Set`.
pub type Entity = FastMap<String, T>;

/// The entities of a graph, by id.
pub struct Db {
    pub entities: FastMap<i64, Entity>,
}

/// Whether the file is a SQLite database, by its first bytes: as input, a DB graph or an
/// error, never a page of text.
pub fn is_sqlite(path: &Path) -> bool {
    let mut head = [0u8; 16];
    let ok = std::fs::File::open(path).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head)).is_ok();
    ok && &head == b"SQLite format 3\0"
}

fn has_kvs(db: &Connection) -> rusqlite::Result<bool> {
    let found = db.query_row("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kvs'", [], |_| Ok(()));
    Ok(found.optional()?.is_some())
}

/// Opens read-only: never a write, never a journal of ours beside the user's graph.
fn open(path: &Path) -> rusqlite::Result<Connection> {
    Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
}

fn locked(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
}

/// Reads every entity of the graph.
pub fn read(path: &Path) -> Result<Db, String> {
    let sql = |e: rusqlite::Error| {
        if locked(&e) {
            "the graph is locked: Logseq has it open; close Logseq, or point at a copy in its backup/ folder"
                .to_string()
        } else {
            format!("not a readable Logseq database ({e})")
        }
    };
    let db = open(path).map_err(sql)?;
    if !has_kvs(&db).map_err(sql)? {
        return Err("not a Logseq DB graph (no kvs table)".into());
    }
    let row = |addr: i64| -> Result<Option<(String, Option<String>)>, String> {
        db.query_row("SELECT content, addresses FROM kvs WHERE addr = ?1", [addr], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(sql)
    };
    let node = |addr: i64, text: &str| decode(text).map_err(|e| format!("row {addr}: {e}"));
    let root_text = row(0)?.ok_or("no root row (addr 0): not a Logseq DB graph")?.0;
    let root = node(0, &root_text)?;
    let many: std::collections::HashSet<String> = match root.get("schema") {
        Some(T::Map(attrs)) => attrs
            .iter()
            .filter(|(_, spec)| spec.get("db/cardinality") == Some(&T::Kw("db.cardinality/many".into())))
            .filter_map(|(a, _)| match a {
                T::Kw(a) => Some(a.clone()),
                _ => None,
            })
            .collect(),
        _ => return Err("row 0: the root has no schema".into()),
    };
    let eavt = root.get("eavt").and_then(T::as_int).ok_or("row 0: the root names no EAVT tree")?;
    let mut entities: FastMap<i64, Entity> = FastMap::default();
    let mut apply = |d: &T| -> Result<(), String> {
        let [e, T::Kw(a), v, tx] = d.items() else { return Err(format!("a datom that is not [e a v tx]: {d:?}")) };
        let (Some(e), Some(tx)) = (e.as_int(), tx.as_int()) else { return Err(format!("a datom without ids: {d:?}")) };
        let entity = entities.entry(e).or_default();
        if many.contains(a) {
            let T::Set(values) = entity.entry(a.clone()).or_insert_with(|| T::Set(Vec::new())) else { unreachable!() };
            values.retain(|x| x != v);
            if tx > 0 {
                values.push(v.clone());
            }
        } else if tx > 0 {
            entity.insert(a.clone(), v.clone());
        } else if entity.get(a) == Some(v) {
            entity.remove(a);
        }
        Ok(())
    };
    // The tree, without recursion; a node seen twice would be a cycle.
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![eavt];
    // Leaves' texts in the tree's order; decoded on every core, then applied in that order
    // (a datom of a later leaf may retract one of an earlier).
    let mut leaves: Vec<(i64, String)> = Vec::new();
    while let Some(addr) = stack.pop() {
        if !seen.insert(addr) {
            return Err(format!("row {addr}: the tree reaches it twice"));
        }
        let (content, addresses) = row(addr)?.ok_or_else(|| format!("the tree names row {addr}, which is missing"))?;
        match addresses.filter(|a| a != "null" && !a.is_empty()) {
            Some(children) => {
                let children: Vec<i64> = serde_json::from_str(&children)
                    .map_err(|e| format!("row {addr}: addresses are not a list of numbers ({e})"))?;
                stack.extend(children.into_iter().rev());
            }
            None => leaves.push((addr, content)),
        }
    }
    use rayon::prelude::*;
    let decoded: Vec<Result<T, String>> = leaves.par_iter().map(|(addr, text)| node(*addr, text)).collect();
    drop(leaves);
    for leaf in decoded {
        for d in leaf?.get("keys").map(T::items).unwrap_or_default() {
            apply(d)?;
        }
    }
    if let Some((tail, _)) = row(1)? {
        for tx in node(1, &tail)?.items() {
            for d in tx.items() {
                apply(d)?;
            }
        }
    }
    Ok(Db { entities })
}
