//! A DB graph's `db.sqlite`: datascript's B-trees in one table, `kvs(addr, content,
//! addresses)`. Row 0 is the root (the schema, the address of the EAVT tree's root), row 1 the
//! tail (transactions not merged into the trees yet, a negative `tx` a retraction); the others
//! are tree nodes, a branch listing its children's addresses. Every datom of the tree, then
//! the tail replayed over them, gives each entity's attributes.

use super::transit::{self, decode, T};
use crate::ir::FastMap;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::Path;

/// An attribute's name (a keyword without `:`), shared by every entity that has it.
pub type Attr = std::sync::Arc<str>;

/// An entity's attributes, in the order first asserted; a many-valued one is a `T::Set`. An
/// entity has a dozen attributes or so: a list is smaller and faster to build than a map.
#[derive(Debug, Default)]
pub struct Entity {
    attrs: Vec<(Attr, T)>,
}

impl Entity {
    pub fn get(&self, a: &str) -> Option<&T> {
        self.attrs.iter().find(|(k, _)| &**k == a).map(|(_, v)| v)
    }

    pub fn contains_key(&self, a: &str) -> bool {
        self.get(a).is_some()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &T)> {
        self.attrs.iter().map(|(k, v)| (&**k, v))
    }

    /// Adds what another part of the tree says of the same entity.
    fn merge(&mut self, other: Entity) {
        for (a, v) in other.attrs {
            match v {
                T::Set(values) => values.into_iter().for_each(|v| self.apply(&a, true, v, true)),
                v => self.apply(&a, false, v, true),
            }
        }
    }

    /// Applies a datom: `added` asserts `v` (added to a many-valued attribute's set), else
    /// retracts it.
    fn apply(&mut self, a: &Attr, many: bool, v: T, added: bool) {
        let slot = self.attrs.iter().position(|(k, _)| std::sync::Arc::ptr_eq(k, a) || **k == **a);
        match (slot, many) {
            (Some(i), true) => {
                if let T::Set(values) = &mut self.attrs[i].1 {
                    values.retain(|x| *x != v);
                    if added {
                        values.push(v);
                    }
                }
            }
            (None, true) => self.attrs.push((a.clone(), T::Set(if added { vec![v] } else { Vec::new() }))),
            (Some(i), false) if added => self.attrs[i].1 = v,
            (Some(i), false) => {
                if self.attrs[i].1 == v {
                    self.attrs.remove(i);
                }
            }
            (None, false) if added => self.attrs.push((a.clone(), v)),
            (None, false) => {}
        }
    }
}

/// A leaf row's entities, in the tree's order.
type Leaf = Vec<(i64, Entity)>;

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
        db.prepare_cached("SELECT content, addresses FROM kvs WHERE addr = ?1")
            .and_then(|mut q| q.query_row([addr], |r| Ok((r.get(0)?, r.get(1)?))).optional())
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
    // Attribute names, each kept once per worker, with whether it holds many values.
    type Names = FastMap<String, (Attr, bool)>;
    let intern = |names: &mut Names, a: &str| match names.get(a) {
        Some(x) => x.clone(),
        None => {
            let x = (Attr::from(a), many.contains(a));
            names.insert(a.to_string(), x.clone());
            x
        }
    };
    let datom = |names: &mut Names, d: T| -> Result<(i64, Attr, bool, T, bool), String> {
        let T::List(d) = d else { return Err(format!("a datom that is not [e a v tx]: {d:?}")) };
        let Ok::<[T; 4], _>([e, T::Kw(a), v, tx]) = d.try_into() else {
            return Err("a datom that is not [e a v tx]".into());
        };
        let (Some(e), Some(tx)) = (e.as_int(), tx.as_int()) else { return Err(format!("a datom without ids: {e:?}")) };
        let (attr, many) = intern(names, &a);
        Ok((e, attr, many, v, tx > 0))
    };
    // A leaf's entities: the tree is sorted by entity, so each is one run of datoms.
    let leaf_entities = |names: &mut Names, addr: i64, text: &str| -> Result<Leaf, String> {
        let mut out: Leaf = Vec::new();
        let mut each = |(e, a, v, tx): transit::Datom| {
            let (attr, many) = intern(names, a);
            if out.last().is_none_or(|(last, _)| *last != e) {
                out.push((e, Entity::default()));
            }
            out.last_mut().expect("just pushed").1.apply(&attr, many, v, tx > 0);
            Ok(())
        };
        transit::decode_leaf(text, &mut each).map_err(|e| format!("row {addr}: {e}"))?;
        Ok(out)
    };
    // The tree, without recursion; a node seen twice would be a cycle. Each leaf is decoded
    // into entities on every core as soon as it is read, while the next rows are read.
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![eavt];
    let (done, results) = std::sync::mpsc::channel();
    let walked = rayon::in_place_scope(|scope| -> Result<usize, String> {
        let mut leaves = 0;
        while let Some(addr) = stack.pop() {
            if !seen.insert(addr) {
                return Err(format!("row {addr}: the tree reaches it twice"));
            }
            let (content, addresses) =
                row(addr)?.ok_or_else(|| format!("the tree names row {addr}, which is missing"))?;
            match addresses.filter(|a| a != "null" && !a.is_empty()) {
                Some(children) => {
                    let children: Vec<i64> = serde_json::from_str(&children)
                        .map_err(|e| format!("row {addr}: addresses are not a list of numbers ({e})"))?;
                    stack.extend(children.into_iter().rev());
                }
                None => {
                    let (done, k, leaf_entities) = (done.clone(), leaves, &leaf_entities);
                    scope.spawn(move |_| {
                        let _ = done.send((k, leaf_entities(&mut Names::default(), addr, &content)));
                    });
                    leaves += 1;
                }
            }
        }
        Ok(leaves)
    });
    drop(done);
    // Merged in the tree's order (an entity may run over two leaves).
    let mut decoded: Vec<(usize, Result<Leaf, String>)> = results.into_iter().collect();
    walked?;
    decoded.sort_unstable_by_key(|(k, _)| *k);
    let decoded = decoded.into_iter().map(|(_, leaf)| leaf);
    let mut entities: FastMap<i64, Entity> = FastMap::default();
    for leaf in decoded {
        for (e, entity) in leaf? {
            match entities.entry(e) {
                std::collections::hash_map::Entry::Vacant(slot) => drop(slot.insert(entity)),
                std::collections::hash_map::Entry::Occupied(mut slot) => slot.get_mut().merge(entity),
            }
        }
    }
    let mut names = Names::default();
    if let Some((tail, _)) = row(1)? {
        for tx in node(1, &tail)?.into_items() {
            for d in tx.into_items() {
                let (e, attr, many, v, added) = datom(&mut names, d)?;
                entities.entry(e).or_default().apply(&attr, many, v, added);
            }
        }
    }
    Ok(Db { entities })
}
