//! The note types: ids are fixed per version of their fields and templates, so re-importing
//! never creates "Name+" copies. Anki matches a note type by id and then by the names of its
//! fields and templates: changing those needs a new id, and notes of the old type cannot be
//! updated into the new one (Anki reports them "conflicting").
//!
//! One basic type with an optional reverse card (the `Reverse` field), so adding `#reversed`
//! to a card adds a card to the same note; and a cloze type. The first versions had separate
//! basic and reversed types: notes of a previous deck written with them keep them (see
//! [`Model`]).

use serde_json::{json, Value};

/// The first versions' basic type (fields Front, Back, Context, Source): kept for notes a
/// previous deck has with it.
pub const LEGACY_BASIC_ID: i64 = 1_735_000_000_001;
/// The first versions' basic-and-reversed type (the same fields, two templates).
pub const LEGACY_REVERSED_ID: i64 = 1_735_000_000_002;
pub const CLOZE_ID: i64 = 1_735_000_000_003;
/// Basic with an optional reverse card: fields Front, Back, Extra, Context, Source, Reverse.
pub const BASIC_ID: i64 = 1_735_000_000_004;

/// A note type, by what a note of it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Model {
    Basic,
    Cloze,
    LegacyBasic,
    LegacyReversed,
}

impl Model {
    pub fn id(self) -> i64 {
        match self {
            Model::Basic => BASIC_ID,
            Model::Cloze => CLOZE_ID,
            Model::LegacyBasic => LEGACY_BASIC_ID,
            Model::LegacyReversed => LEGACY_REVERSED_ID,
        }
    }

    pub fn from_id(id: i64) -> Option<Model> {
        [Model::Basic, Model::Cloze, Model::LegacyBasic, Model::LegacyReversed].into_iter().find(|m| m.id() == id)
    }

    /// For a legacy type, which fields of a [`Model::Basic`] note it holds (it has no Extra
    /// and no Reverse).
    pub fn legacy_fields(self) -> Option<&'static [usize]> {
        match self {
            Model::LegacyBasic | Model::LegacyReversed => Some(&[0, 1, 3, 4]),
            Model::Basic | Model::Cloze => None,
        }
    }
}
/// Fixed modification time of the note types (2024-12-24), part of their identity.
const MODEL_MOD: i64 = 1_735_000_000;

pub const CSS: &str = r#".card {
  font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 20px;
  line-height: 1.45;
  text-align: left;
  color: #1f2328;
  background-color: #ffffff;
  max-width: 42em;
  margin: 0 auto;
  padding: 0.6em 0.8em;
}
.context { font-size: 0.7em; color: #6e7781; margin-bottom: 0.6em; }
.front { font-weight: 600; }
.back ul, .extra ul { padding-left: 1.2em; margin: 0.3em 0; }
.back li, .extra li { margin: 0.15em 0; }
.source { font-size: 0.65em; color: #8c959f; margin-top: 1.2em; }
.source a { color: inherit; }
.ref { color: #0969da; }
.missing { color: #cf222e; font-style: italic; }
mark { background: #fff3b0; padding: 0 0.1em; }
code { font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace; font-size: 0.9em;
  background: rgba(127,127,127,0.15); border-radius: 4px; padding: 0 0.25em; }
pre { background: rgba(127,127,127,0.12); padding: 0.6em; border-radius: 6px; overflow-x: auto; }
pre code { background: none; padding: 0; }
blockquote, .admonition { border-left: 4px solid #d0d7de; margin: 0.4em 0; padding: 0.2em 0.8em; }
table { border-collapse: collapse; } th, td { border: 1px solid #d0d7de; padding: 0.2em 0.5em; }
img { max-width: 100%; height: auto; }
.cloze { font-weight: 700; color: #0969da; }
hr#answer { border: none; border-top: 1px solid #d0d7de; margin: 0.8em 0; }
.mobile .card { font-size: 18px; padding: 0.4em; }
.nightMode .card, .night_mode .card, .card.nightMode, .card.night_mode {
  color: #e6edf3; background-color: #0d1117;
}
.nightMode .context, .night_mode .context { color: #8b949e; }
.nightMode .ref, .night_mode .ref, .nightMode .cloze, .night_mode .cloze { color: #58a6ff; }
.nightMode mark, .night_mode mark { background: #6e5a00; color: #fff; }
.nightMode blockquote, .night_mode blockquote, .nightMode .admonition, .night_mode .admonition { border-color: #30363d; }
"#;

fn field(name: &str, ord: usize) -> Value {
    json!({"name": name, "ord": ord, "sticky": false, "rtl": false, "font": "Arial", "size": 20, "media": []})
}

fn template(name: &str, ord: usize, qfmt: &str, afmt: &str) -> Value {
    json!({"name": name, "ord": ord, "qfmt": qfmt, "afmt": afmt, "did": null, "bqfmt": "", "bafmt": ""})
}

const FRONT: &str = "<div class=\"context\">{{Context}}</div>\n<div class=\"front\">{{Front}}</div>";
const BACK: &str =
    "{{FrontSide}}\n<hr id=\"answer\">\n<div class=\"back\">{{Back}}</div>\n<div class=\"source\">{{Source}}</div>";
const BASIC_BACK: &str = "{{FrontSide}}\n<hr id=\"answer\">\n<div class=\"back\">{{Back}}</div>\n\
{{#Extra}}<div class=\"extra\">{{Extra}}</div>\n{{/Extra}}<div class=\"source\">{{Source}}</div>";
/// The reverse card exists only when the note asks for it and has a back: Anki generates a
/// card whenever its front renders non-empty, and the context alone would.
const OPTIONAL_REV_FRONT: &str =
    "{{#Reverse}}{{#Back}}<div class=\"context\">{{Context}}</div>\n<div class=\"back\">{{Back}}</div>{{/Back}}{{/Reverse}}";
const OPTIONAL_REV_BACK: &str = "{{FrontSide}}\n<hr id=\"answer\">\n<div class=\"front\">{{Front}}</div>\n\
{{#Extra}}<div class=\"extra\">{{Extra}}</div>\n{{/Extra}}<div class=\"source\">{{Source}}</div>";
const REV_FRONT: &str = "<div class=\"context\">{{Context}}</div>\n<div class=\"back\">{{Back}}</div>";
const REV_BACK: &str =
    "{{FrontSide}}\n<hr id=\"answer\">\n<div class=\"front\">{{Front}}</div>\n<div class=\"source\">{{Source}}</div>";
const CLOZE_FRONT: &str = "<div class=\"context\">{{Context}}</div>\n{{cloze:Text}}";
const CLOZE_BACK: &str = "{{cloze:Text}}\n<div class=\"extra\">{{Extra}}</div>\n<div class=\"source\">{{Source}}</div>";

fn model(id: i64, name: &str, kind: i64, fields: &[&str], tmpls: Vec<Value>, req: Value, deck: i64) -> Value {
    json!({
        "id": id, "name": name, "type": kind, "mod": MODEL_MOD, "usn": -1, "sortf": 0, "did": deck,
        "css": CSS, "latexPre": "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n",
        "latexPost": "\\end{document}", "latexsvg": false, "tags": [], "vers": [],
        "flds": fields.iter().enumerate().map(|(i, f)| field(f, i)).collect::<Vec<_>>(),
        "tmpls": tmpls, "req": req,
    })
}

/// The `models` JSON map of the collection: the current types, and the legacy ones in `legacy`.
pub fn models(deck: i64, legacy: &[Model]) -> Value {
    let basic = model(
        BASIC_ID,
        "notes-export Basic (optional reversed card)",
        0,
        &["Front", "Back", "Extra", "Context", "Source", "Reverse"],
        vec![template("Card 1", 0, FRONT, BASIC_BACK), template("Card 2", 1, OPTIONAL_REV_FRONT, OPTIONAL_REV_BACK)],
        json!([[0, "any", [0]], [1, "all", [1, 5]]]),
        deck,
    );
    let legacy_basic = model(
        LEGACY_BASIC_ID,
        "notes-export Basic",
        0,
        &["Front", "Back", "Context", "Source"],
        vec![template("Card 1", 0, FRONT, BACK)],
        json!([[0, "any", [0]]]),
        deck,
    );
    let legacy_reversed = model(
        LEGACY_REVERSED_ID,
        "notes-export Basic (and reversed card)",
        0,
        &["Front", "Back", "Context", "Source"],
        vec![template("Card 1", 0, FRONT, BACK), template("Card 2", 1, REV_FRONT, REV_BACK)],
        json!([[0, "any", [0]], [1, "any", [1]]]),
        deck,
    );
    let cloze = model(
        CLOZE_ID,
        "notes-export Cloze",
        1,
        &["Text", "Extra", "Context", "Source"],
        vec![template("Cloze", 0, CLOZE_FRONT, CLOZE_BACK)],
        json!([[0, "any", [0]]]),
        deck,
    );
    let mut all = serde_json::Map::new();
    all.insert(BASIC_ID.to_string(), basic);
    all.insert(CLOZE_ID.to_string(), cloze);
    if legacy.contains(&Model::LegacyBasic) {
        all.insert(LEGACY_BASIC_ID.to_string(), legacy_basic);
    }
    if legacy.contains(&Model::LegacyReversed) {
        all.insert(LEGACY_REVERSED_ID.to_string(), legacy_reversed);
    }
    Value::Object(all)
}
