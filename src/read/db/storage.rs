//! A DB graph's `db.sqlite`: datascript's B-trees in one table, `kvs(addr, content,
//! addresses)`. Row 0 is the root (the schema, the address of the EAVT tree's root), row 1 the
//! tail (transactions not merged into the trees yet, a negative `tx` a retraction); the others
//! are tree nodes, a branch listing its children's addresses. Every datom of the tree, then
//! the tail replayed over them, gives each entity's attributes.

use super::transit::{self, decode, T};
use crate::ir::FastMap;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::Path;

/// A user property's name (a keyword without `:`), shared by every entity that has it.
pub type Attr = std::sync::Arc<str>;

/// The attributes this reader looks at, by name; each has a number, so finding one among an
/// entity's attributes compares numbers, not names.
macro_rules! known {
    ($($variant:ident = $name:literal,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum A { $($variant),* }

        impl A {
            pub const ALL: &[A] = &[$(A::$variant),*];

            pub fn of(name: &str) -> Option<A> {
                match name { $($name => Some(A::$variant),)* _ => None }
            }

            pub fn name(self) -> &'static str {
                match self { $(A::$variant => $name),* }
            }
        }
    };
}

known! {
    Title = "block/title",
    Uuid = "block/uuid",
    Parent = "block/parent",
    Order = "block/order",
    Page = "block/page",
    Name = "block/name",
    JournalDay = "block/journal-day",
    Tags = "block/tags",
    Refs = "block/refs",
    Link = "block/link",
    Ident = "db/ident",
    KvValue = "kv/value",
    Heading = "logseq.property/heading",
    Status = "logseq.property/status",
    DeletedAt = "logseq.property/deleted-at",
    FromProperty = "logseq.property/created-from-property",
    BuiltIn = "logseq.property/built-in?",
    Hide = "logseq.property/hide?",
    Due = "logseq.property.fsrs/due",
    Fsrs = "logseq.property.fsrs/state",
    AssetType = "logseq.property.asset/type",
    Type = "logseq.property/type",
    Value = "logseq.property/value",
}

/// An attribute an entity keeps: one of the known ones, or a user property by its ident
/// (`user.property/topic-x1y2`). Datoms of other attributes (creation times, search
/// settings, …) are read past: nothing exported comes from them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    Known(A),
    User(Attr),
}

const USER: &str = "user.property/";

/// An entity's attributes, in the order first asserted; a many-valued one is a `T::Set`. An
/// entity has a dozen attributes or so: a list is smaller and faster to build than a map.
#[derive(Debug, Default)]
pub struct Entity {
    attrs: Vec<(Key, T)>,
}

impl Entity {
    pub fn get(&self, a: A) -> Option<&T> {
        self.attrs.iter().find(|(k, _)| *k == Key::Known(a)).map(|(_, v)| v)
    }

    pub fn has(&self, a: A) -> bool {
        self.get(a).is_some()
    }

    /// The user properties, by ident.
    pub fn user(&self) -> impl Iterator<Item = (&str, &T)> {
        self.attrs.iter().filter_map(|(k, v)| match k {
            Key::User(name) => Some((&**name, v)),
            Key::Known(_) => None,
        })
    }

    /// The attributes gathered so far, in a list of their size; this one is left empty.
    fn take(&mut self) -> Entity {
        let attrs = self.attrs.drain(..).collect();
        Entity { attrs }
    }

    /// Adds what another part of the tree says of the same entity.
    fn merge(&mut self, other: Entity) {
        for (k, v) in other.attrs {
            match v {
                T::Set(values) => values.into_iter().for_each(|v| self.apply(&k, true, v, true)),
                v => self.apply(&k, false, v, true),
            }
        }
    }

    /// Applies a datom: `added` asserts `v` (added to a many-valued attribute's set), else
    /// retracts it.
    fn apply(&mut self, k: &Key, many: bool, v: T, added: bool) {
        let slot = self.attrs.iter().position(|(x, _)| x == k);
        match (slot, many) {
            (Some(i), true) => {
                if let T::Set(values) = &mut self.attrs[i].1 {
                    values.retain(|x| *x != v);
                    if added {
                        values.push(v);
                    }
                }
            }
            (None, true) => self.attrs.push((k.clone(), T::Set(if added { vec![v] } else { Vec::new() }))),
            (Some(i), false) if added => self.attrs[i].1 = v,
            (Some(i), false) => {
                if self.attrs[i].1 == v {
                    self.attrs.remove(i);
                }
            }
            (None, false) if added => self.attrs.push((k.clone(), v)),
            (None, false) => {}
        }
    }
}

/// A leaf row's entities, in the tree's order.
type Leaf = Vec<(i64, Entity)>;

/// The entities of a graph, sorted by id.
pub struct Db {
    entities: Vec<(i64, Entity)>,
    index: Index,
}

/// Where an entity id sits in [`Db`]: a table from the smallest id when ids are dense (as
/// datascript gives them), else a map.
enum Index {
    Dense { first: i64, slots: Vec<u32> },
    Sparse(FastMap<i64, u32>),
}

impl Db {
    fn new(entities: Vec<(i64, Entity)>) -> Db {
        let (Some(&(first, _)), Some(&(last, _))) = (entities.first(), entities.last()) else {
            return Db { entities, index: Index::Sparse(FastMap::default()) };
        };
        let span = last.abs_diff(first);
        let index = if span < 4 * entities.len() as u64 + 1024 {
            let mut slots = vec![u32::MAX; span as usize + 1];
            for (k, (id, _)) in entities.iter().enumerate() {
                slots[(id - first) as usize] = k as u32;
            }
            Index::Dense { first, slots }
        } else {
            Index::Sparse(entities.iter().enumerate().map(|(k, (id, _))| (*id, k as u32)).collect())
        };
        Db { entities, index }
    }

    pub fn get(&self, id: i64) -> Option<&Entity> {
        self.slot(id).map(|k| &self.entities[k].1)
    }

    /// Where an entity is in [`Db::all`].
    pub fn slot(&self, id: i64) -> Option<usize> {
        let k = match &self.index {
            Index::Dense { first, slots } => {
                id.checked_sub(*first).and_then(|d| usize::try_from(d).ok()).and_then(|d| slots.get(d)).copied()
            }
            Index::Sparse(map) => map.get(&id).copied(),
        }?;
        (k != u32::MAX).then_some(k as usize)
    }

    pub fn contains(&self, id: i64) -> bool {
        self.get(id).is_some()
    }

    /// Every entity with its id, by id.
    pub fn all(&self) -> &[(i64, Entity)] {
        &self.entities
    }
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

/// Opens read-only: never a write, never a journal of ours beside the user's graph. Rows are
/// read from a memory map of the file rather than copied out of it page by page.
pub fn open(path: &Path) -> rusqlite::Result<Connection> {
    let db = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    db.pragma_update(None, "mmap_size", 1i64 << 40)?;
    Ok(db)
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
    let content = |db: &Connection, addr: i64| -> Result<Option<String>, String> {
        db.prepare_cached("SELECT content FROM kvs WHERE addr = ?1")
            .and_then(|mut q| q.query_row([addr], |r| r.get(0)).optional())
            .map_err(sql)
    };
    let node = |addr: i64, text: &str| decode(text).map_err(|e| format!("row {addr}: {e}"));
    let root_text = content(&db, 0)?.ok_or("no root row (addr 0): not a Logseq DB graph")?;
    let root = node(0, &root_text)?;
    let Some(T::Map(schema)) = root.get("schema") else { return Err("row 0: the root has no schema".into()) };
    let many: std::collections::HashSet<&str> = schema
        .iter()
        .filter(|(_, spec)| spec.get("db/cardinality") == Some(&T::Kw("db.cardinality/many".into())))
        .filter_map(|(a, _)| match a {
            T::Kw(a) => Some(a.as_str()),
            _ => None,
        })
        .collect();
    let many_known: Vec<bool> = A::ALL.iter().map(|a| many.contains(a.name())).collect();
    let eavt = root.get("eavt").and_then(T::as_int).ok_or("row 0: the root names no EAVT tree")?;
    // The key an attribute is kept by, with whether it holds many values; user properties'
    // names are kept once per leaf.
    type Names = FastMap<Box<str>, Attr>;
    let key = |names: &mut Names, a: &str| -> Option<(Key, bool)> {
        if let Some(k) = A::of(a) {
            return Some((Key::Known(k), many_known[k as usize]));
        }
        if !a.starts_with(USER) {
            return None;
        }
        let name = match names.get(a) {
            Some(n) => n.clone(),
            None => {
                let n = Attr::from(a);
                names.insert(a.into(), n.clone());
                n
            }
        };
        Some((Key::User(name), many.contains(a)))
    };
    // Each leaf read and decoded into its entities (the tree is sorted by entity, so each is
    // one run of datoms).
    let leaf = |addr: i64, text: &str| -> Result<Leaf, String> {
        let (mut out, mut names): (Leaf, Names) = Default::default();
        // The entity being read: its attributes gather in `scratch`, then move to a list of
        // their exact size.
        let mut current: Option<i64> = None;
        let mut scratch = Entity::default();
        let mut each = |(e, a, v, tx): transit::Datom| {
            let Some((k, many)) = key(&mut names, a) else { return Ok(()) };
            if current != Some(e) {
                if let Some(done) = current.replace(e) {
                    out.push((done, scratch.take()));
                }
            }
            scratch.apply(&k, many, v, tx > 0);
            Ok(())
        };
        transit::decode_leaf(text, &mut each).map_err(|e| format!("row {addr}: {e}"))?;
        if let Some(done) = current {
            out.push((done, scratch.take()));
        }
        Ok(out)
    };
    // A node of the tree: a branch lists its children's rows, a leaf holds datoms (decoded
    // where SQLite holds the text, not copied out first).
    enum Node {
        Branch(Vec<i64>),
        Leaf(Leaf),
    }
    let tree_node = |db: &Connection, addr: i64| -> Result<Node, String> {
        let mut query = db.prepare_cached("SELECT content, addresses FROM kvs WHERE addr = ?1").map_err(sql)?;
        let mut rows = query.query([addr]).map_err(sql)?;
        let row = rows.next().map_err(sql)?.ok_or_else(|| format!("the tree names row {addr}, which is missing"))?;
        let not_text = |e| format!("row {addr}: not text ({e})");
        match row.get_ref(1).map_err(sql)?.as_str_or_null().map_err(not_text)? {
            Some(list) if list != "null" && !list.is_empty() => serde_json::from_str(list)
                .map(Node::Branch)
                .map_err(|e| format!("row {addr}: addresses are not a list of numbers ({e})")),
            _ => leaf(addr, row.get_ref(0).map_err(sql)?.as_str().map_err(not_text)?).map(Node::Leaf),
        }
    };
    // The tree a level at a time, each level's rows read and decoded on every core (a
    // connection each). A node's place is the child numbers on the way to it, so the leaves
    // sort into the tree's order; a row reached twice would be a cycle.
    use rayon::prelude::*;
    let mut seen = std::collections::HashSet::new();
    let mut level: Vec<(Vec<u32>, i64)> = vec![(Vec::new(), eavt)];
    let mut leaves: Vec<(Vec<u32>, Result<Leaf, String>)> = Vec::new();
    while !level.is_empty() {
        if let Some((_, addr)) = level.iter().find(|(_, addr)| !seen.insert(*addr)) {
            return Err(format!("row {addr}: the tree reaches it twice"));
        }
        // A few stretches per thread, each with a connection of its own: opening one maps the
        // file, closing it unmaps it, and that is not free.
        let stretch = level.len().div_ceil(2 * rayon::current_num_threads()).max(1);
        let read: Vec<Result<Node, String>> = level
            .par_chunks(stretch)
            .flat_map_iter(|part| {
                let db = open(path).map_err(sql);
                part.iter().map(move |(_, addr)| tree_node(db.as_ref().map_err(Clone::clone)?, *addr))
            })
            .collect();
        let mut next = Vec::new();
        for ((place, _), read) in level.into_iter().zip(read) {
            match read {
                Ok(Node::Branch(children)) => next.extend(children.into_iter().enumerate().map(|(k, child)| {
                    let mut at = place.clone();
                    at.push(k as u32);
                    (at, child)
                })),
                Ok(Node::Leaf(entities)) => leaves.push((place, Ok(entities))),
                Err(e) => leaves.push((place, Err(e))),
            }
        }
        level = next;
    }
    leaves.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let decoded: Vec<Result<Leaf, String>> = leaves.into_iter().map(|(_, leaf)| leaf).collect();
    // In the tree's order; an entity may run over two leaves.
    let mut entities: Vec<(i64, Entity)> = Vec::with_capacity(decoded.iter().flatten().map(Vec::len).sum());
    for run in decoded {
        for (e, entity) in run? {
            match entities.last_mut() {
                Some((last, before)) if *last == e => before.merge(entity),
                _ => entities.push((e, entity)),
            }
        }
    }
    if !entities.is_sorted_by_key(|(e, _)| *e) {
        return Err(format!("row {eavt}: the tree is not in entity order"));
    }
    // The tail replayed: on the entity when the tree has it, else on a new one.
    let mut names = Names::default();
    let mut new: FastMap<i64, Entity> = FastMap::default();
    if let Some(tail) = content(&db, 1)? {
        for tx in node(1, &tail)?.into_items() {
            for d in tx.into_items() {
                let T::List(d) = d else { return Err(format!("row 1: a datom that is not [e a v tx]: {d:?}")) };
                let Ok::<[T; 4], _>([e, T::Kw(a), v, tx]) = d.try_into() else {
                    return Err("row 1: a datom that is not [e a v tx]".into());
                };
                let (Some(e), Some(tx)) = (e.as_int(), tx.as_int()) else {
                    return Err(format!("row 1: a datom without ids: {e:?}"));
                };
                let Some((k, many)) = key(&mut names, &a) else { continue };
                let entity = match entities.binary_search_by_key(&e, |(id, _)| *id) {
                    Ok(i) => &mut entities[i].1,
                    Err(_) => new.entry(e).or_default(),
                };
                entity.apply(&k, many, v, tx > 0);
            }
        }
    }
    if !new.is_empty() {
        entities.extend(new);
        entities.sort_unstable_by_key(|(e, _)| *e);
    }
    Ok(Db::new(entities))
}
