//! The deck an earlier run wrote (`-o` when it exists, or `--previous`): its notes, so that
//! this run continues them (see [`super::matching`]), keeps unchanged notes' times, and writes
//! the notes that left the graph once more, tagged.

use super::notetypes::Model;
use super::matching::front_hash;
use super::{content_hash, html::strip_html};
use rusqlite::{Connection, OpenFlags};
use serde_json::Value;
use std::collections::HashMap;
use std::io::Write;

/// The tag of a note whose block left the notes.
pub const REMOVED_TAG: &str = "notes-export::removed";

/// One note of the previous deck.
#[derive(Debug, Clone)]
pub struct OldNote {
    pub guid: String,
    pub model: Model,
    pub modified: i64,
    /// [`content_hash`] of its fields and tags.
    pub content: u64,
    /// [`front_hash`] of its first field as text (the text: [`PreviousDeck::front`]).
    pub front: u64,
    /// The page file and line its Source field names (one string per file, shared).
    pub file: std::sync::Arc<str>,
    pub line: u32,
    /// The block id its Source link names.
    pub uuid: Option<Box<str>>,
    /// Tagged [`REMOVED_TAG`] already: written once, not again.
    pub removed: bool,
    /// Its row in the previous collection.
    id: i64,
}

/// A note of the previous deck as it was, to write again.
pub struct OldRow {
    /// Its first field as text.
    pub sort: String,
    pub fields: Vec<String>,
    pub tags: Vec<String>,
    /// Its cards' template numbers and deck names.
    pub cards: Vec<(i64, String)>,
}

/// The previous deck: its notes, and its collection (a temporary copy) for the rows of those
/// that left.
pub struct PreviousDeck {
    pub notes: Vec<OldNote>,
    /// Indexes into `notes` by a hash of their guids (a map of the guids would copy them).
    by_guid: HashMap<u64, u32>,
    db: std::sync::Mutex<Connection>,
    decks: HashMap<i64, String>,
    _file: tempfile::NamedTempFile,
}

impl std::fmt::Debug for PreviousDeck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PreviousDeck({} notes)", self.notes.len())
    }
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

impl PreviousDeck {
    /// Reads an `.apkg` (an open file, or bytes in a `Cursor`): its collection is unpacked to
    /// a temporary file, never held in memory. Notes of other note types than this exporter's
    /// are not its own and are left out.
    pub fn read<R: std::io::Read + std::io::Seek>(apkg: R) -> Result<PreviousDeck, String> {
        let mut archive = zip::ZipArchive::new(apkg).map_err(err)?;
        let mut entry = archive.by_name("collection.anki2").map_err(err)?;
        let mut file = tempfile::Builder::new().suffix(".anki2").tempfile().map_err(err)?;
        std::io::copy(&mut entry, &mut file).map_err(err)?;
        file.flush().map_err(err)?;
        let db = Connection::open_with_flags(file.path(), OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(err)?;
        let (models, decks): (String, String) =
            db.query_row("SELECT models, decks FROM col", [], |r| Ok((r.get(0)?, r.get(1)?))).map_err(err)?;
        let source_field = source_fields(&models)?;
        let decks = deck_names(&decks)?;
        let notes = {
            let mut stmt = db.prepare("SELECT id, guid, mid, mod, flds, tags, sfld FROM notes ORDER BY id").map_err(err)?;
            let rows = stmt
                .query_map([], |r| {
                    let sort = front_hash(&sort_text(r.get_ref(6)?)?);
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        sort,
                    ))
                })
                .map_err(err)?;
            let count: i64 = db.query_row("SELECT count(*) FROM notes", [], |r| r.get(0)).map_err(err)?;
            let mut notes = Vec::with_capacity(count.max(0) as usize);
            let mut files: HashMap<String, std::sync::Arc<str>> = HashMap::new();
            for row in rows {
                let (id, guid, mid, modified, fields, tags, front) = row.map_err(err)?;
                let (Some(model), Some(&source)) = (Model::from_id(mid), source_field.get(&mid)) else { continue };
                let (file, line, uuid) = parse_source(fields.split('\x1f').nth(source).unwrap_or_default());
                let file = files.entry(file).or_insert_with_key(|f| f.as_str().into()).clone();
                let removed = tags.split_whitespace().any(|t| t.eq_ignore_ascii_case(REMOVED_TAG));
                let content = content_hash([fields.as_str()], tags.split_whitespace());
                let uuid = uuid.map(String::into_boxed_str);
                notes.push(OldNote { guid, model, modified, content, front, file, line, uuid, removed, id });
            }
            notes
        };
        let mut by_guid = HashMap::with_capacity(notes.len());
        for (k, n) in notes.iter().enumerate() {
            by_guid.entry(guid_hash(&n.guid)).or_insert(k as u32);
        }
        Ok(PreviousDeck { notes, by_guid, db: std::sync::Mutex::new(db), decks, _file: file })
    }

    /// The note with this guid.
    pub fn find(&self, guid: &str) -> Option<usize> {
        let k = *self.by_guid.get(&guid_hash(guid))? as usize;
        (self.notes[k].guid == guid).then_some(k)
    }

    /// A note's first field as text.
    pub fn front(&self, note: &OldNote) -> Result<String, String> {
        let db = self.db.lock().unwrap_or_else(|e| e.into_inner());
        let mut stmt = db.prepare_cached("SELECT sfld FROM notes WHERE id = ?1").map_err(err)?;
        stmt.query_row([note.id], |r| sort_text(r.get_ref(0)?)).map_err(err)
    }

    /// The note's fields, tags and cards as the previous deck has them.
    pub fn row(&self, note: &OldNote) -> Result<OldRow, String> {
        let db = self.db.lock().unwrap_or_else(|e| e.into_inner());
        let (fields, tags, sort): (String, String, String) = db
            .query_row("SELECT flds, tags, sfld FROM notes WHERE id = ?1", [note.id], |r| {
                Ok((r.get(0)?, r.get(1)?, sort_text(r.get_ref(2)?)?))
            })
            .map_err(err)?;
        let mut stmt = db.prepare_cached("SELECT ord, did FROM cards WHERE nid = ?1 ORDER BY ord").map_err(err)?;
        let cards = stmt
            .query_map([note.id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))
            .map_err(err)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(err)?;
        Ok(OldRow {
            sort,
            fields: fields.split('\x1f').map(String::from).collect(),
            tags: tags.split_whitespace().map(String::from).collect(),
            cards: cards.into_iter().map(|(ord, did)| (ord, self.decks.get(&did).cloned().unwrap_or_default())).collect(),
        })
    }
}

/// The sort field as text (Anki stores a number as one).
fn sort_text(v: rusqlite::types::ValueRef) -> rusqlite::Result<String> {
    Ok(match v {
        rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
        rusqlite::types::ValueRef::Integer(i) => i.to_string(),
        rusqlite::types::ValueRef::Real(x) => x.to_string(),
        _ => String::new(),
    })
}

fn guid_hash(guid: &str) -> u64 {
    front_hash(guid)
}

/// The index of the Source field of each note type that has one.
fn source_fields(models: &str) -> Result<HashMap<i64, usize>, String> {
    let models: HashMap<String, Value> = serde_json::from_str(models).map_err(err)?;
    let mut out = HashMap::new();
    for (id, m) in models {
        let Ok(id) = id.parse::<i64>() else { continue };
        let fields = m.get("flds").and_then(Value::as_array);
        if let Some(k) = fields.and_then(|f| f.iter().position(|f| f.get("name") == Some(&Value::from("Source")))) {
            out.insert(id, k);
        }
    }
    Ok(out)
}

fn deck_names(decks: &str) -> Result<HashMap<i64, String>, String> {
    let decks: HashMap<String, Value> = serde_json::from_str(decks).map_err(err)?;
    Ok(decks
        .into_iter()
        .filter_map(|(id, d)| Some((id.parse().ok()?, d.get("name")?.as_str()?.to_string())))
        .collect())
}

/// The page file, line and block id a Source field names: `Title · file:line`, in a
/// `logseq://graph/…?block-id=UUID` link when the block has an id; a DB graph's page is
/// named by its title alone (no line).
pub fn parse_source(field: &str) -> (String, u32, Option<String>) {
    let uuid = field.split_once("block-id=").map(|(_, rest)| {
        rest.chars().take_while(|c| c.is_ascii_hexdigit() || *c == '-').collect::<String>()
    });
    let text = strip_html(field);
    let (file, line) = match text.rsplit_once(" · ").map(|(_, p)| (p, p.rsplit_once(':'))) {
        Some((_, Some((file, line)))) if line.parse::<u32>().is_ok() => (file, line.parse().unwrap_or_default()),
        Some((place, _)) => (place, 0),
        None => (text.as_str(), 0),
    };
    (file.to_string(), line, uuid.filter(|u| !u.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_read_back() {
        assert_eq!(parse_source("Biology · pages/Biology.md:12"), ("pages/Biology.md".into(), 12, None));
        assert_eq!(
            parse_source(
                "<a href=\"logseq://graph/g?block-id=6512a0c4-1f2b-4c3d-9e8f-0a1b2c3d4e5f\">A · B · pages/a:b.md:3</a>"
            ),
            ("pages/a:b.md".into(), 3, Some("6512a0c4-1f2b-4c3d-9e8f-0a1b2c3d4e5f".into()))
        );
        assert_eq!(parse_source("&lt;stdin&gt;"), ("<stdin>".into(), 0, None));
        // A DB graph's page, by its title, which may hold a colon and a number.
        assert_eq!(
            parse_source("<a href=\"logseq://graph/g?block-id=6512a0c4-1f2b-4c3d-9e8f-0a1b2c3d4e5f\">Week:3</a>"),
            ("Week:3".into(), 0, Some("6512a0c4-1f2b-4c3d-9e8f-0a1b2c3d4e5f".into()))
        );
    }
}
