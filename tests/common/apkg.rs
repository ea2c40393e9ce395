//! Reads an .apkg back as sorted JSON (notes, cards, decks, note types, media), so tests
//! compare contents, never zip bytes.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::io::{Read, Write};

pub struct Apkg {
    pub json: Value,
}

pub fn read(bytes: &[u8]) -> Apkg {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut col = Vec::new();
    zip.by_name("collection.anki2").expect("collection.anki2").read_to_end(&mut col).unwrap();
    let mut media_map = String::new();
    zip.by_name("media").expect("media").read_to_string(&mut media_map).unwrap();
    let media_map: serde_json::Map<String, Value> = serde_json::from_str(&media_map).unwrap();
    let mut media = serde_json::Map::new();
    for (k, name) in &media_map {
        let size = zip.by_name(k).expect("media member").size();
        media.insert(name.as_str().unwrap().to_string(), json!(size));
    }
    let mut tmp = tempfile::NamedTempFile::new().unwrap();
    tmp.write_all(&col).unwrap();
    let db = rusqlite::Connection::open(tmp.path()).unwrap();
    let (ver, models, decks): (i64, String, String) =
        db.query_row("SELECT ver, models, decks FROM col", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap();
    let models: Value = serde_json::from_str(&models).unwrap();
    let decks: Value = serde_json::from_str(&decks).unwrap();
    let model_name = |id: i64| models[id.to_string()]["name"].as_str().unwrap_or("?").to_string();
    let deck_name = |id: i64| decks[id.to_string()]["name"].as_str().unwrap_or("?").to_string();
    let mut notes: Vec<Value> = db
        .prepare("SELECT id, guid, mid, mod, tags, flds, sfld, csum FROM notes")
        .unwrap()
        .query_map([], |r| {
            let id: i64 = r.get(0)?;
            let flds: String = r.get(5)?;
            Ok(json!({
                "id": id, "guid": r.get::<_, String>(1)?, "type": model_name(r.get(2)?), "mod": r.get::<_, i64>(3)?,
                "tags": r.get::<_, String>(4)?, "fields": flds.split('\x1f').collect::<Vec<_>>(),
                "sfld": r.get::<_, String>(6)?, "csum": r.get::<_, i64>(7)?,
            }))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut cards: Vec<Value> = db
        .prepare(
            "SELECT c.nid, n.guid, c.did, c.ord, c.type, c.queue, c.due, c.ivl, c.factor, c.reps, \
             (SELECT group_concat(l.id || ':' || l.ease || ':' || l.ivl || ':' || l.factor) FROM revlog l WHERE l.cid = c.id) \
             FROM cards c JOIN notes n ON n.id = c.nid",
        )
        .unwrap()
        .query_map([], |r| {
            let mut card = json!({"note": r.get::<_, String>(1)?, "deck": deck_name(r.get(2)?), "ord": r.get::<_, i64>(3)?});
            // A review card's schedule and log (a new card has neither).
            if r.get::<_, i64>(4)? != 0 {
                card["review"] = json!({
                    "type": r.get::<_, i64>(4)?, "queue": r.get::<_, i64>(5)?, "due": r.get::<_, i64>(6)?,
                    "ivl": r.get::<_, i64>(7)?, "factor": r.get::<_, i64>(8)?, "reps": r.get::<_, i64>(9)?,
                    "log": r.get::<_, Option<String>>(10)?,
                });
            }
            Ok(card)
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    notes.sort_by_key(|n| n["guid"].as_str().unwrap().to_string());
    cards.sort_by_key(|c| c.to_string());
    let mut note_types: Vec<Value> = models
        .as_object()
        .unwrap()
        .values()
        .map(|m| {
            json!({"name": m["name"], "type": m["type"], "id": m["id"],
                   "fields": m["flds"].as_array().unwrap().iter().map(|f| f["name"].clone()).collect::<Vec<_>>()})
        })
        .collect();
    note_types.sort_by_key(|m| m["id"].as_i64());
    let mut deck_names: Vec<String> =
        decks.as_object().unwrap().values().map(|d| d["name"].as_str().unwrap().into()).collect();
    deck_names.sort();
    Apkg {
        json: json!({"ver": ver, "note_types": note_types, "decks": deck_names, "notes": notes, "cards": cards, "media": media}),
    }
}

impl Apkg {
    pub fn notes(&self) -> &Vec<Value> {
        self.json["notes"].as_array().unwrap()
    }

    pub fn cards(&self) -> &Vec<Value> {
        self.json["cards"].as_array().unwrap()
    }

    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.notes().iter().flat_map(|n| n["fields"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()))
    }
}
