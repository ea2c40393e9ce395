//! The three note types: ids are fixed per version of their fields and templates, so
//! re-importing never creates "Name+" copies. Changing fields or templates needs new ids.

use serde_json::{json, Value};

pub const BASIC_ID: i64 = 1_735_000_000_001;
pub const REVERSED_ID: i64 = 1_735_000_000_002;
pub const CLOZE_ID: i64 = 1_735_000_000_003;
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

/// The `models` JSON map of the collection.
pub fn models(deck: i64) -> Value {
    let basic = model(
        BASIC_ID,
        "notes-export Basic",
        0,
        &["Front", "Back", "Context", "Source"],
        vec![template("Card 1", 0, FRONT, BACK)],
        json!([[0, "any", [0]]]),
        deck,
    );
    let reversed = model(
        REVERSED_ID,
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
    json!({ BASIC_ID.to_string(): basic, REVERSED_ID.to_string(): reversed, CLOZE_ID.to_string(): cloze })
}
