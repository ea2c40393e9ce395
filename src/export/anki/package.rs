//! The legacy `.apkg` layout every Anki reads: `collection.anki2` (SQLite, schema 11), a
//! `media` JSON map and media files stored as `0`, `1`, …; zipped with fixed timestamps.

use super::notetypes;
use crate::export::archive::ZipOut;
use crate::export::Sink;
use rusqlite::{params, Connection};
use serde_json::{json, Value};
use std::path::Path;

pub struct Deck {
    pub id: i64,
    pub name: String,
}

pub struct Card {
    pub ord: i64,
    pub deck: i64,
    /// A review card's state; a new card without.
    pub schedule: Option<super::schedule::Schedule>,
}

/// A note; its id and its cards' ids are given by [`Collection::add`].
pub struct Note {
    pub guid: String,
    pub model: i64,
    pub modified: i64,
    pub tags: Vec<String>,
    pub fields: Vec<String>,
    /// The first field as text ([`super::html::strip_html`]): Anki sorts and checksums by it.
    pub sort: String,
    pub cards: Vec<Card>,
}

pub struct Media {
    pub name: String,
    pub data: std::sync::Arc<Vec<u8>>,
}

const SCHEMA: &str = "
CREATE TABLE col (id integer primary key, crt integer not null, mod integer not null, scm integer not null,
  ver integer not null, dty integer not null, usn integer not null, ls integer not null, conf text not null,
  models text not null, decks text not null, dconf text not null, tags text not null);
CREATE TABLE notes (id integer primary key, guid text not null, mid integer not null, mod integer not null,
  usn integer not null, tags text not null, flds text not null, sfld integer not null, csum integer not null,
  flags integer not null, data text not null);
CREATE TABLE cards (id integer primary key, nid integer not null, did integer not null, ord integer not null,
  mod integer not null, usn integer not null, type integer not null, queue integer not null, due integer not null,
  ivl integer not null, factor integer not null, reps integer not null, lapses integer not null, left integer not null,
  odue integer not null, odid integer not null, flags integer not null, data text not null);
CREATE TABLE revlog (id integer primary key, cid integer not null, usn integer not null, ease integer not null,
  ivl integer not null, lastIvl integer not null, factor integer not null, time integer not null, type integer not null);
CREATE TABLE graves (usn integer not null, oid integer not null, type integer not null);
";

const PRAGMAS: &str =
    "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA page_size = 4096; PRAGMA cache_size = -8192;";

const INSERT_NOTE: &str = "INSERT INTO notes VALUES (?1, ?2, ?3, ?4, -1, ?5, ?6, ?7, ?8, 0, '')";
const INSERT_CARD: &str = "INSERT INTO cards VALUES (?1, ?2, ?3, ?4, ?5, -1, 0, 0, ?6, 0, 0, 0, 0, 0, 0, 0, 0, '')";
/// A review card: type and queue 2, due a day number.
const INSERT_REVIEW_CARD: &str =
    "INSERT INTO cards VALUES (?1, ?2, ?3, ?4, ?5, -1, 2, 2, ?6, ?7, ?8, ?9, 0, 0, 0, 0, 0, '')";
/// A review's log entry (type 1, review; no time taken recorded).
const INSERT_REVLOG: &str = "INSERT OR IGNORE INTO revlog VALUES (?1, ?2, -1, ?3, ?4, 0, ?5, 0, 1)";

/// Indexes whose keys come in order as rows are added (every row has usn -1, ids count up):
/// each row appends to them, which costs less than scanning the tables for them at the end.
const INDEXES_IN_ORDER: &str = "
CREATE INDEX ix_notes_usn on notes (usn);
CREATE INDEX ix_cards_usn on cards (usn);
CREATE INDEX ix_revlog_usn on revlog (usn);
CREATE INDEX ix_cards_nid on cards (nid);
CREATE INDEX ix_revlog_cid on revlog (cid);
";

/// Built after the rows are in: one sort per index instead of a random insert per row.
const INDEXES: &str = "
CREATE INDEX ix_cards_sched on cards (did, queue, due);
CREATE INDEX ix_notes_csum on notes (csum);
";

/// A deck in the collection row. Fields in the order a JSON object map sorts them, so the
/// bytes match a `serde_json::Value` of the same deck (built without one per deck: a large
/// graph has thousands of decks).
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct DeckRow<'a> {
    browser_collapsed: bool,
    collapsed: bool,
    conf: i64,
    desc: &'a str,
    #[serde(rename = "dyn")]
    dynamic: i64,
    extend_new: i64,
    extend_rev: i64,
    id: i64,
    lrn_today: [i64; 2],
    #[serde(rename = "mod")]
    modified: i64,
    name: &'a str,
    new_today: [i64; 2],
    rev_today: [i64; 2],
    time_today: [i64; 2],
    usn: i64,
}

/// The `decks` column: deck id (as text) → deck, ids in text order.
fn decks_json(decks: &[&Deck]) -> String {
    let rows: std::collections::BTreeMap<String, DeckRow> = decks
        .iter()
        .map(|d| {
            let row = DeckRow {
                browser_collapsed: false,
                collapsed: false,
                conf: 1,
                desc: "",
                dynamic: 0,
                extend_new: 0,
                extend_rev: 0,
                id: d.id,
                lrn_today: [0, 0],
                modified: 0,
                name: &d.name,
                new_today: [0, 0],
                rev_today: [0, 0],
                time_today: [0, 0],
                usn: -1,
            };
            (d.id.to_string(), row)
        })
        .collect();
    serde_json::to_string(&rows).unwrap_or_default()
}

fn deck_preset() -> Value {
    json!({"1": {
        "id": 1, "name": "Default", "mod": 0, "usn": 0, "maxTaken": 60, "autoplay": true, "timer": 0,
        "replayq": true, "dyn": false,
        "new": {"bury": true, "delays": [1.0, 10.0], "initialFactor": 2500, "ints": [1, 4, 0], "order": 1, "perDay": 20, "separate": true},
        "lapse": {"delays": [10.0], "leechAction": 1, "leechFails": 8, "minInt": 1, "mult": 0.0},
        "rev": {"bury": true, "ease4": 1.3, "fuzz": 0.05, "ivlFct": 1.0, "maxIvl": 36500, "minSpace": 1, "perDay": 200, "hardFactor": 1.2},
    }})
}

/// First 8 hex digits of the SHA-1 of the sort field, as Anki computes `csum`.
pub fn checksum(text: &str) -> i64 {
    use sha1::{Digest, Sha1};
    let d = Sha1::digest(text.as_bytes());
    u32::from_be_bytes([d[0], d[1], d[2], d[3]]) as i64
}

/// A collection being written: notes go in as they are made (a temporary SQLite file, one
/// transaction), and [`finish`](Collection::finish) adds the decks and zips the package.
pub struct Collection {
    tmp: tempfile::NamedTempFile,
    db: Connection,
    /// The first note's and the first card's id (see [`first_id`]).
    first: i64,
    /// Notes so far: the next note's `due` position.
    pub notes: usize,
    pub cards: usize,
}

fn sql(e: rusqlite::Error) -> String {
    e.to_string()
}

/// Note and card ids are given in the order notes are added (the outline's order), counting
/// up from an id that depends on the deck's name only.
///
/// Anki matches notes by guid and cards by note and template, never by id, and gives an
/// incoming note or card whose id is taken another one: ids need only be unique in the file.
/// In outline order, each row is appended to its table instead of landing on a random page
/// (which needed the rows staged and copied in id order once a deck outgrew the page cache),
/// and notes that share text (an outline note's back repeats its children's) sit together,
/// so the file deflates better: the large benchmark graph's outline deck takes a third less
/// time and 114 MB instead of 208 MB. The first id depends on the name so that decks of
/// different graphs imported into one collection seldom share ids (1 in 1,000 pairs; Anki
/// would then give one deck's notes other ids). Ids are millisecond times (Anki shows them as
/// dates added), between 2017 and 2020: ids past tomorrow would be rewritten.
pub fn first_id(deck: &str) -> i64 {
    1_500_000_000_000 + (super::identity::hash64(&format!("notes-export:first-id:{deck}")) % 1000) as i64 * 100_000_000
}

impl Collection {
    /// A collection whose ids start from [`first_id`] of `deck`.
    pub fn new(deck: &str) -> Result<Self, String> {
        let tmp = tempfile::Builder::new().prefix("notes-export-").suffix(".anki2").tempfile().map_err(|e| e.to_string())?;
        let db = Connection::open(tmp.path()).map_err(sql)?;
        // A fresh file, written in one transaction: no journal files, deterministic pages.
        // Rows are appended in id order, so the cache holds little more than the pages being
        // filled; 8 MB (SQLite's default is 2 MB) is for building the indexes at the end.
        // 64 MB was as fast on the large benchmark graph, with 57 MB more peak memory.
        db.execute_batch(PRAGMAS).map_err(sql)?;
        db.execute_batch(SCHEMA).map_err(sql)?;
        db.execute_batch(INDEXES_IN_ORDER).map_err(sql)?;
        db.execute_batch("BEGIN").map_err(sql)?;
        Ok(Collection { tmp, db, first: first_id(deck), notes: 0, cards: 0 })
    }

    /// Adds a note and its cards, with the next ids; returns the note's id.
    pub fn add(&mut self, n: &Note) -> Result<i64, String> {
        let tags = if n.tags.is_empty() { String::new() } else { format!(" {} ", n.tags.join(" ")) };
        let fields = n.fields.join("\x1f");
        let csum = checksum(&n.sort);
        let id = self.first + self.notes as i64;
        let mut ins_note = self.db.prepare_cached(INSERT_NOTE).map_err(sql)?;
        ins_note.execute(params![id, n.guid, n.model, n.modified, tags, fields, n.sort, csum]).map_err(sql)?;
        self.notes += 1;
        for c in &n.cards {
            let card = self.first + self.cards as i64;
            match &c.schedule {
                None => {
                    let mut ins = self.db.prepare_cached(INSERT_CARD).map_err(sql)?;
                    ins.execute(params![card, id, c.deck, c.ord, n.modified, self.notes as i64]).map_err(sql)?;
                }
                Some(s) => {
                    let mut ins = self.db.prepare_cached(INSERT_REVIEW_CARD).map_err(sql)?;
                    ins.execute(params![card, id, c.deck, c.ord, n.modified, s.due, s.interval, s.factor, s.reps])
                        .map_err(sql)?;
                    if let Some((at, button)) = s.last_review {
                        // Log ids are review times: a note's cards reviewed at once get apart.
                        let mut log = self.db.prepare_cached(INSERT_REVLOG).map_err(sql)?;
                        log.execute(params![at + c.ord, card, button, s.interval, s.factor]).map_err(sql)?;
                    }
                }
            }
            self.cards += 1;
        }
        Ok(id)
    }

    /// Gives a note written by [`add`](Collection::add) its final guid, note type, fields (when
    /// they change) and modification time, once the previous deck's notes are matched.
    pub fn rewrite(
        &mut self,
        id: i64,
        guid: &str,
        model: i64,
        fields: Option<&str>,
        modified: i64,
    ) -> Result<(), String> {
        let mut stmt = self
            .db
            .prepare_cached("UPDATE notes SET guid = ?2, mid = ?3, flds = coalesce(?4, flds), mod = ?5 WHERE id = ?1")
            .map_err(sql)?;
        stmt.execute(params![id, guid, model, fields, modified]).map_err(sql)?;
        let mut cards = self.db.prepare_cached("UPDATE cards SET mod = ?2 WHERE nid = ?1").map_err(sql)?;
        cards.execute(params![id, modified]).map_err(sql)?;
        Ok(())
    }

    /// The fields (joined with U+001F) and tags of a note written by [`add`](Collection::add).
    pub fn fields(&self, id: i64) -> Result<(String, String), String> {
        self.db.query_row("SELECT flds, tags FROM notes WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?))).map_err(sql)
    }

    /// The first field as text of a note written by [`add`](Collection::add).
    pub fn sort_field(&self, id: i64) -> Result<String, String> {
        let mut stmt = self.db.prepare_cached("SELECT sfld FROM notes WHERE id = ?1").map_err(sql)?;
        stmt.query_row([id], |r| r.get(0)).map_err(sql)
    }

    /// Writes the collection row (decks, note types, options) and indexes, and zips the
    /// package into `out` at `path`. `created` (seconds) dates the collection.
    pub fn finish(
        self,
        decks: &[Deck],
        legacy: &[notetypes::Model],
        media: &[Media],
        created: i64,
        out: &mut dyn Sink,
        path: &Path,
    ) -> Result<(), String> {
        let Collection { tmp, db, .. } = self;
        // The collection row's JSON (thousands of decks for a large graph) is made while
        // SQLite builds the indexes.
        let (db, row) = rayon::join(
            move || -> Result<Connection, String> {
                db.execute_batch(INDEXES).map_err(sql)?;
                Ok(db)
            },
            || col_row(decks, legacy),
        );
        let db = db?;
        let (conf, models, decks, dconf) = row;
        db.execute(
            "INSERT INTO col VALUES (1, ?1, ?2, ?2, 11, 0, 0, 0, ?3, ?4, ?5, ?6, '{}')",
            // Review cards' due days count from the creation day.
            params![super::schedule::day_start(created), created * 1000, conf, models, decks, dconf],
        )
        .map_err(sql)?;
        db.execute_batch("COMMIT").map_err(sql)?;
        db.close().map_err(|(_, e)| sql(e))?;

        let map: serde_json::Map<String, Value> =
            media.iter().enumerate().map(|(i, m)| (i.to_string(), Value::String(m.name.clone()))).collect();
        let io = |e: std::io::Error| e.to_string();
        let mut zip = ZipOut::new(path);
        zip.deflated_file(out, "collection.anki2", tmp.path()).map_err(io)?;
        zip.deflated(out, "media", Value::Object(map).to_string().as_bytes()).map_err(io)?;
        for (i, m) in media.iter().enumerate() {
            zip.stored(out, &i.to_string(), &m.data).map_err(io)?;
        }
        zip.finish(out).map_err(io)
    }
}

/// The collection row's `conf`, `models`, `decks` and `dconf` columns.
fn col_row(decks: &[Deck], legacy: &[notetypes::Model]) -> (String, String, String, String) {
    let default_deck = Deck { id: 1, name: "Default".into() };
    let all: Vec<&Deck> = std::iter::once(&default_deck).chain(decks).collect();
    let first_deck = decks.first().map_or(1, |d| d.id);
    let conf = json!({
        "activeDecks": [first_deck], "curDeck": first_deck, "newSpread": 0, "collapseTime": 1200,
        "timeLim": 0, "estTimes": true, "dueCounts": true, "curModel": notetypes::BASIC_ID.to_string(),
        "nextPos": 1, "sortType": "noteFld", "sortBackwards": false, "addToCur": true,
    });
    (conf.to_string(), notetypes::models(first_deck, legacy).to_string(), decks_json(&all), deck_preset().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The notes and cards of a finished package, in id order, a row per string.
    fn rows(c: Collection) -> Vec<String> {
        let mut sink = crate::export::MemorySink::default();
        let deck = Deck { id: 5, name: "D".into() };
        c.finish(&[deck], &[], &[], 0, &mut sink, Path::new("d.apkg")).unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&sink.artifacts[0].bytes)).unwrap();
        let mut tmp = tempfile::NamedTempFile::new().unwrap();
        std::io::copy(&mut archive.by_name("collection.anki2").unwrap(), &mut tmp).unwrap();
        let db = Connection::open(tmp.path()).unwrap();
        let mut out = Vec::new();
        for q in ["SELECT * FROM notes ORDER BY id", "SELECT * FROM cards ORDER BY id"] {
            let mut st = db.prepare(q).unwrap();
            let n = st.column_count();
            let found = st
                .query_map([], |r| Ok((0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect::<Vec<_>>()))
                .unwrap();
            out.extend(found.map(|r| r.unwrap().join("|")));
        }
        out
    }

    #[test]
    fn ids_count_up_in_the_order_notes_are_added() {
        let note = |k: usize, cards: i64| Note {
            guid: format!("g{k}"),
            model: 1,
            modified: 5,
            tags: vec!["t".into()],
            fields: vec![format!("front {k}"), "back".into()],
            sort: format!("front {k}"),
            cards: (0..cards).map(|ord| Card { ord, deck: 5, schedule: None }).collect(),
        };
        let mut c = Collection::new("Biology").unwrap();
        let first = first_id("Biology");
        [note(0, 1), note(1, 2), note(2, 1)].iter().for_each(|n| {
            c.add(n).unwrap();
        });
        let f = |k: i64| format!("Integer({})", first + k);
        let found = rows(c);
        let ids: Vec<Vec<&str>> = found.iter().map(|r| r.split('|').take(2).collect()).collect();
        let want = [
            // notes: id, guid ("g0" as bytes)
            vec![f(0), "Text([103, 48])".into()],
            vec![f(1), "Text([103, 49])".into()],
            vec![f(2), "Text([103, 50])".into()],
            // cards: id, note id
            vec![f(0), f(0)],
            vec![f(1), f(1)],
            vec![f(2), f(1)],
            vec![f(3), f(2)],
        ];
        assert_eq!(ids, want);
        // The first id depends on the deck's name, and stays a date between 2017 and 2020.
        assert_eq!(first, first_id("Biology"));
        assert_ne!(first, first_id("Chemistry"));
        for deck in ["Biology", "Chemistry", "", "a::b"] {
            assert!((1_500_000_000_000..1_600_000_000_000).contains(&first_id(deck)), "{deck}");
        }
    }

    #[test]
    fn deck_rows_are_the_json_anki_reads() {
        let decks = [Deck { id: 1, name: "Default".into() }, Deck { id: 1_234_567, name: "Top::Page \"x\"".into() }];
        let expected: serde_json::Map<String, Value> = decks
            .iter()
            .map(|d| {
                let row = json!({
                    "id": d.id, "name": d.name, "mod": 0, "usn": -1, "collapsed": false, "browserCollapsed": false,
                    "dyn": 0, "conf": 1, "desc": "", "extendNew": 0, "extendRev": 0,
                    "newToday": [0, 0], "revToday": [0, 0], "lrnToday": [0, 0], "timeToday": [0, 0],
                });
                (d.id.to_string(), row)
            })
            .collect();
        let all: Vec<&Deck> = decks.iter().collect();
        assert_eq!(decks_json(&all), Value::Object(expected).to_string());
    }
}
