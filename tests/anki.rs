//! The Anki exporter, read back through its SQLite collection.

#[path = "common/apkg.rs"]
mod apkg;
mod common;

use notes_export::export::{self, anki::CardMode, Options};

fn build(input: &str, cards: CardMode, timestamp: Option<i64>) -> Vec<u8> {
    let loaded = notes_export::load(std::path::Path::new(input)).unwrap();
    let mut o = Options::default();
    o.timestamp = timestamp;
    o.cards = cards;
    export::by_name("anki").unwrap().export(&loaded.graph, &o).unwrap().artifacts.remove(0).bytes
}

fn strip(s: &str) -> String {
    let mut out = String::new();
    let mut tag = false;
    for c in s.chars() {
        match c {
            '<' => tag = true,
            '>' => tag = false,
            c if !tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
}

#[test]
fn card_rules_golden() {
    let deck = apkg::read(&build("fixtures/cases/cards", CardMode::Auto, Some(1_700_000_000)));
    let text = serde_json::to_string_pretty(&deck.json).unwrap() + "\n";
    common::assert_golden(&common::root().join("tests/golden/cards/anki.json"), &text);
}

#[test]
fn seed_gives_ten_outline_notes() {
    let deck = apkg::read(&build("fixtures/seed", CardMode::Auto, None));
    assert_eq!(deck.json["ver"], 11);
    let mut fronts: Vec<String> = deck.notes().iter().map(|n| strip(n["fields"][0].as_str().unwrap())).collect();
    fronts.sort();
    let mut want = vec![
        "How AWS started",
        "Amazon built AWS from solving its own internal scaling problems",
        "AWS Inside Amazon",
        "Lowers Amazon’s technology costs",
        "AWS as a Global Business",
        "Clients include Netflix, Disney+, NASA, Airbnb, and the U.S. government",
        "AWS and Amazon's Strategic Power",
        "High switching costs make customers stay",
        "Recent Innovations (2024–2025)",
        "Conclusion / Takeaways",
    ];
    want.sort();
    assert_eq!(fronts, want);
    assert!(deck.notes().iter().all(|n| n["type"] == "notes-export Basic (optional reversed card)"));
    let back_of = |front: &str| {
        deck.notes().iter().find(|n| strip(n["fields"][0].as_str().unwrap()) == front).unwrap()["fields"][1]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(back_of("Lowers Amazon’s technology costs").contains("Wanted to create a shared infrastructure"));
    assert!(back_of("AWS as a Global Business").contains("<img src=\"18819_1763418886073_0.jpeg\""));
    assert_eq!(deck.json["media"]["18819_1763418886073_0.jpeg"], 15588);
    let context = deck
        .notes()
        .iter()
        .find(|n| strip(n["fields"][0].as_str().unwrap()) == "High switching costs make customers stay")
        .unwrap();
    // Front, Back, Extra, Context, Source, Reverse.
    assert_eq!(context["fields"][3], "AWS › AWS and Amazon's Strategic Power");
    assert!(context["fields"][4].as_str().unwrap().contains("pages/AWS.md:28"));
}

#[test]
fn no_markup_leaks_into_fields() {
    // `$x$` by Logseq's rule: no space inside either `$`, no digit right after the closing one.
    let raw_math = |f: &str| {
        let b: Vec<char> = f.chars().collect();
        (0..b.len()).any(|i| {
            b[i] == '$'
                && b.get(i + 1).is_some_and(|c| !c.is_whitespace() && *c != '$')
                && (i + 2..b.len()).take_while(|&k| b[k] != '<' && b[k] != '\n').any(|k| {
                    b[k] == '$' && !b[k - 1].is_whitespace() && !b.get(k + 1).is_some_and(|c| c.is_ascii_digit())
                })
        })
    };
    let (_generated, graphs) = common::whole_graphs();
    let mut inputs =
        vec![("fixtures/seed".to_string(), CardMode::Auto), ("fixtures/cases/cards".into(), CardMode::Auto)];
    for graph in &graphs {
        let graph = graph.to_string_lossy().into_owned();
        inputs.extend([(graph.clone(), CardMode::Auto), (graph, CardMode::Outline)]);
    }
    for (input, mode) in inputs {
        let deck = apkg::read(&build(&input, mode, None));
        assert!(!deck.notes().is_empty(), "{input}");
        for f in deck.fields() {
            // Code shows syntax literally (the docs corpus documents `{{embed …}}` in code).
            let f = &without_code(f);
            // `((` + uuid is an unresolved ref; the corpus also has the prose "(())".
            let unresolved_ref =
                f.match_indices("((").any(|(i, _)| f[i + 2..].starts_with(|c: char| c.is_ascii_hexdigit()));
            assert!(!unresolved_ref, "{input}: unresolved block ref in {f}");
            for bad in ["id::", "{{embed", "{:height", "<script", "collapsed::"] {
                assert!(!f.contains(bad), "{input}: field contains {bad:?}: {f}");
            }
            assert!(!raw_math(f), "{input}: raw $…$ math in {f}");
        }
    }
}

fn without_code(f: &str) -> String {
    let mut out = String::new();
    let mut rest = f;
    while let Some(i) = rest.find("<code>") {
        out.push_str(&rest[..i]);
        match rest[i..].find("</code>") {
            Some(j) => rest = &rest[i + j + 7..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn same_input_same_bytes() {
    let a = build("fixtures/seed", CardMode::Auto, None);
    let b = build("fixtures/seed", CardMode::Auto, None);
    assert_eq!(a, b, "two builds in one process are byte-identical");
    let c = build("fixtures/cases/cards", CardMode::Auto, Some(1_700_000_000));
    let d = build("fixtures/cases/cards", CardMode::Auto, Some(1_700_000_000));
    assert_eq!(c, d);
}

#[test]
fn previous_deck_keeps_unchanged_times() {
    let loaded = notes_export::load(std::path::Path::new("fixtures/seed")).unwrap();
    let mut o = Options::default();
    o.timestamp = Some(1_700_000_000);
    let first = export::by_name("anki").unwrap().export(&loaded.graph, &o).unwrap().artifacts.remove(0).bytes;
    let mut previous = export::anki::PreviousDeck::read(std::io::Cursor::new(&first)).unwrap();
    // Pretend the earlier build was older, and change one note's content.
    let target = apkg::read(&first).notes()[0]["guid"].as_str().unwrap().to_string();
    for p in previous.notes.iter_mut() {
        p.modified -= 100;
        if p.guid == target {
            p.content ^= 1;
        }
    }
    o.anki.previous = Some(std::sync::Arc::new(previous));
    let second =
        apkg::read(&export::by_name("anki").unwrap().export(&loaded.graph, &o).unwrap().artifacts.remove(0).bytes);
    for n in second.notes() {
        let expected = if n["guid"] == target.as_str() { 1_700_000_000 } else { 1_700_000_000 - 100 };
        assert_eq!(n["mod"], expected, "{}", n["fields"][0]);
    }
}

#[test]
fn the_collection_has_ankis_indexes_and_is_sound() {
    use std::io::{Read, Write};
    let bytes = build("fixtures/cases/cards", CardMode::Auto, Some(1_700_000_000));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut col = Vec::new();
    zip.by_name("collection.anki2").unwrap().read_to_end(&mut col).unwrap();
    let mut tmp = tempfile::NamedTempFile::new().unwrap();
    tmp.write_all(&col).unwrap();
    let db = rusqlite::Connection::open(tmp.path()).unwrap();
    // The indexes of Anki's schema 11 (some are built as rows come, some at the end).
    let mut indexes: Vec<String> = Vec::new();
    let names: Vec<(String, String)> = db
        .prepare("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' ORDER BY name")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (name, table) in names {
        let columns: Vec<String> = db
            .prepare(&format!("PRAGMA index_info({name})"))
            .unwrap()
            .query_map([], |r| r.get(2))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        indexes.push(format!("{name} on {table} ({})", columns.join(", ")));
    }
    assert_eq!(
        indexes,
        [
            "ix_cards_nid on cards (nid)",
            "ix_cards_sched on cards (did, queue, due)",
            "ix_cards_usn on cards (usn)",
            "ix_notes_csum on notes (csum)",
            "ix_notes_usn on notes (usn)",
            "ix_revlog_cid on revlog (cid)",
            "ix_revlog_usn on revlog (usn)",
        ]
    );
    let check: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
}

/// Numbered blocks (typed `2. step`, or `logseq.order-list-type:: number`) are ordered lists
/// in every format: here, an Anki field, each run of them one `<ol>` numbered from its first
/// number; in Markdown and Word, tests/markdown.rs.
#[test]
fn numbered_steps_keep_their_numbers() {
    let dir = common::tempdir();
    std::fs::create_dir(dir.path().join("pages")).unwrap();
    std::fs::write(
        dir.path().join("pages/p.md"),
        "- Steps #card\n\t- 1. one\n\t- 2. two\n\t- a bullet\n\t- 5. five\n\t- by property\n\t  logseq.order-list-type:: number\n",
    )
    .unwrap();
    let deck = apkg::read(&build(dir.path().to_str().unwrap(), CardMode::Auto, None));
    let back = deck.notes()[0]["fields"][1].as_str().unwrap().to_string();
    assert_eq!(
        back,
        "<ol><li>one</li><li>two</li></ol><ul><li>a bullet</li></ul><ol start=\"5\"><li>five</li><li>by property</li></ol>"
    );
}

/// What a card leaves out is noted where it is; a block that makes no card (here an outline
/// candidate in a deck of tagged cards) is not noted.
#[test]
fn left_out_queries_in_cards_are_noted() {
    let loaded = common::one_page(
        "- Open tasks #card\n\t- see {{query (todo now)}}\n- an outline block\n\t- {{query (done)}}\n",
    );
    let out = export::by_name("anki").unwrap().export(&loaded.graph, &Options::default()).unwrap();
    let said: Vec<_> = out.diagnostics.iter().map(|d| (d.file.as_str(), d.line, d.col, d.code.as_str())).collect();
    assert_eq!(said, [("pages/p.md", 2, 8, "macro-dropped")]);
}

/// A field shows the footnotes it marks under it, numbered in the order it marks them.
#[test]
fn footnotes_go_under_the_field_that_marks_them() {
    let dir = common::tempdir();
    std::fs::create_dir(dir.path().join("pages")).unwrap();
    let page =
        "- What does it say[^n]? #card\n\t- See [^m] and [^n] again.\n- [^n]: The note's text.\n- [^m]: Another.\n";
    std::fs::write(dir.path().join("pages/p.md"), page).unwrap();
    let deck = apkg::read(&build(dir.path().to_str().unwrap(), CardMode::Auto, None));
    let fields = &deck.notes()[0]["fields"];
    assert_eq!(
        fields[0].as_str().unwrap(),
        "What does it say<sup>1</sup>?<div class=\"footnotes\"><div><sup>1</sup> The note's text.</div></div>"
    );
    assert_eq!(
        fields[1].as_str().unwrap(),
        "<ul><li>See <sup>1</sup> and <sup>2</sup> again.</li></ul><div class=\"footnotes\">\
<div><sup>1</sup> Another.</div><div><sup>2</sup> The note's text.</div></div>"
    );
}

/// A tag inside a sentence stays a word of the card; tags after the text become the note's
/// Anki tags and leave the field.
#[test]
fn tags_in_a_sentence_stay_in_the_field() {
    let loaded =
        common::one_page("- Type < to kick off #autocompletion and list? #card #topic\n\t- the **#menu** opens\n");
    let bytes =
        export::by_name("anki").unwrap().export(&loaded.graph, &Options::default()).unwrap().artifacts.remove(0).bytes;
    let deck = apkg::read(&bytes);
    let note = &deck.notes()[0];
    let front = note["fields"][0].as_str().unwrap();
    assert!(front.contains("kick off <span class=\"tag\">#autocompletion</span> and list?"), "{front}");
    assert!(!front.contains("topic") && !front.contains("#card"), "{front}");
    assert!(note["fields"][1].as_str().unwrap().contains("#menu</"), "{note}");
    assert!(note["tags"].as_str().unwrap().contains("topic"), "{note}");
}

/// A page title with `::` (a C++ name) is one deck that shows its colons, not nested decks;
/// a namespace (`a/b`) still nests.
#[test]
fn colons_in_a_title_are_not_decks() {
    let dir = common::graph_of(&[
        (
            "pages/std___condition_variable.md",
            "title:: std::condition_variable::wait\n\n- What does wait do? #card\n\t- blocks\n",
        ),
        ("pages/course___cpp.md", "- Q? #card\n\t- A\n"),
    ]);
    let loaded = notes_export::load(dir.path()).unwrap();
    let mut o = Options::default();
    o.anki.deck = Some("Top".into());
    let deck =
        apkg::read(&export::by_name("anki").unwrap().export(&loaded.graph, &o).unwrap().artifacts.remove(0).bytes);
    let decks: Vec<String> =
        deck.json["decks"].as_array().unwrap().iter().map(|d| d.as_str().unwrap().to_string()).collect();
    let names: Vec<String> = decks.iter().map(|n| n.replace('\u{200b}', "")).collect();
    assert!(names.contains(&"Top::std::condition_variable::wait".to_string()), "{names:?}");
    assert!(names.contains(&"Top::course::cpp".to_string()), "{names:?}");
    // Anki reads `::` as nesting: the title's deck has no `::` of its own.
    assert!(decks.iter().any(|n| n == "Top::std:\u{200b}:condition_variable:\u{200b}:wait"), "{decks:?}");
}

/// No empty list item on a card: a block of properties or an embed alone gives its place to
/// what it holds.
#[test]
fn no_empty_items_on_cards() {
    let dir = common::graph_of(&[
        ("pages/E.md", "- Parent #card\n\t- {{embed [[Other]]}}\n\t- key:: value\n\t\t- child of props\n\t- text\n"),
        ("pages/Other.md", "- other one\n\t- other two\n"),
    ]);
    let deck = apkg::read(&build(dir.path().to_str().unwrap(), CardMode::Tagged, None));
    let back = deck.notes()[0]["fields"][1].as_str().unwrap().to_string();
    assert_eq!(back, "<ul><li>other one<ul><li>other two</li></ul></li><li>child of props</li><li>text</li></ul>");
}

/// On a card, a recording plays (`[sound:…]`) and another file opens; both are bundled.
#[test]
fn files_on_cards_are_bundled() {
    let dir = common::files_graph();
    let deck = apkg::read(&build(dir.path().to_str().unwrap(), CardMode::Tagged, None));
    let back = deck.notes()[0]["fields"][1].as_str().unwrap().to_string();
    assert_eq!(back, "<ul><li>[sound:talk.mp3]</li><li><a href=\"doc.pdf\">the doc</a></li></ul>");
    let media = deck.json["media"].as_object().unwrap();
    assert!(media.contains_key("talk.mp3") && media.contains_key("doc.pdf"), "{media:?}");
}

/// Raw HTML on a card: formatting tags rewritten bare (no attributes, so nothing runs), a frame
/// as a link to its source, the text of other markup kept.
#[test]
fn raw_html_on_cards_is_safe_formatting() {
    let loaded = common::one_page(
        "- Keys #card\n\t- Press <kbd onclick=\"x()\">Ctrl</kbd>, H<sub>2</sub>O<br>next <span class=\"x\">kept</span>\n\t- <iframe src=\"https://example.org/v\"></iframe> <details>folded</details>\n",
    );
    let out = export::by_name("anki").unwrap().export(&loaded.graph, &Options::default()).unwrap();
    // Only <details> meant something to leave out: it is noted (with -v), as Word notes it.
    assert_eq!(
        out.diagnostics.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(),
        ["html-dropped"],
        "{:?}",
        out.diagnostics
    );
    let back = apkg::read(&out.artifacts[0].bytes).notes()[0]["fields"][1].as_str().unwrap().to_string();
    assert_eq!(
        back,
        "<ul><li>Press <kbd>Ctrl</kbd>, H<sub>2</sub>O<br>next kept</li><li><a href=\"https://example.org/v\">https://example.org/v</a> folded</li></ul>"
    );
}

/// A cloze whose answer holds braces (math, a stray one) or runs over two lines is a note like
/// any other, and a tag as the answer is the text to recall; braces in math that would end the
/// cloze early are spaced apart. One that never closes, or hides nothing, is a warning.
#[test]
fn clozes_with_braces_and_tags_are_notes() {
    let loaded = common::one_page(
        "- Ratio {{cloze $\\frac{a}{b}$}} here\n- Square {{cloze $x^{2}$}}\n- Root {{c1::$\\sqrt{x}$}}\n- Tag {{cloze #enzyme}}\n- Broken {{cloze a } b}}\n\
         - Nested {{cloze $x^{a^{2}}$}}\n- Two {{cloze first\n  second}} lines\n- Open {{cloze never closed\n- Empty {{cloze }} here\n",
    );
    let out = export::by_name("anki").unwrap().export(&loaded.graph, &Options::default()).unwrap();
    let deck = apkg::read(&out.artifacts[0].bytes);
    let mut fronts: Vec<String> = deck.notes().iter().map(|n| n["fields"][0].as_str().unwrap().to_string()).collect();
    fronts.sort();
    let skipped: Vec<(&str, u32)> = out.diagnostics.iter().map(|d| (d.code.as_str(), d.line)).collect();
    assert_eq!(skipped, [("skipped-card", 9), ("skipped-card", 10)]);
    assert_eq!(
        fronts,
        [
            "Broken {{c1::a } b}}",
            "Nested {{c1::\\(x^{a^{2} }\\)}}",
            "Ratio {{c1::\\(\\frac{a}{b}\\)}} here",
            "Root {{c1::\\(\\sqrt{x}\\)}}",
            "Square {{c1::\\(x^{2}\\)}}",
            "Tag {{c1::<span class=\"tag\">#enzyme</span>}}",
            "Two {{c1::first<br>second}} lines",
        ]
    );
}

/// The breadcrumb above a question shows its ancestors as text: no tags that label them, no
/// cloze answer (it would give the answer away), a block reference as the text it shows.
#[test]
fn the_breadcrumb_shows_text_and_no_answers() {
    let loaded = common::one_page(
        "- Outer card #card #incremental\n\t- Inner? #card\n\t\t- the inner answer\n\
         - The {{cloze hidden}} block ((6571a1b2-0000-4000-8000-0000000000b1))\n\t- Child? #card\n\t\t- a\n\
         - cited text\n  id:: 6571a1b2-0000-4000-8000-0000000000b1\n",
    );
    let mut o = Options::default();
    o.cards = CardMode::Tagged;
    let bytes = export::by_name("anki").unwrap().export(&loaded.graph, &o).unwrap().artifacts.remove(0).bytes;
    let deck = apkg::read(&bytes);
    let context_of = |front: &str| {
        let note = deck.notes().iter().find(|n| n["fields"][0].as_str().unwrap().starts_with(front)).unwrap();
        note["fields"][3].as_str().unwrap().to_string()
    };
    assert_eq!(context_of("Inner?"), "p › Outer card");
    assert_eq!(context_of("Child?"), "p › The […] block cited text");
}

/// Guids are what Anki knows a note by: a change here duplicates every note of every deck
/// built without a previous deck at hand. Changing them is a breaking change, on purpose only.
#[test]
fn guids_of_the_card_rules_are_pinned() {
    let deck = apkg::read(&build("fixtures/cases/cards", CardMode::Auto, Some(1_700_000_000)));
    let mut found: Vec<(String, String)> = deck
        .notes()
        .iter()
        .map(|n| (n["guid"].as_str().unwrap().to_string(), strip(n["fields"][0].as_str().unwrap())))
        .collect();
    found.sort();
    let pinned = [
        ("Dji`],#&j#", "Energy: \\(E = mc^2\\) is famous"),
        ("GpNP*vkn|k", "Shown, not run: alert(1)"),
        ("HQ)y^:nw!c", "Photosynthesis"),
        ("I.t9L^sx2@", "Noble gases"),
        ("KF-@Gu;S:s", "Osmosis"),
        ("NoM7U,qYyD", "Both and {{c1::cloze wins}}"),
        ("c3@;ta@uh8", "The capital of France is {{c1::Paris}}, on the {{c2::Seine::a river}}."),
        ("f7:UV4}Snp", "The ratio is {{c1::\\(\\frac{a}{b}\\)}} here"),
        ("g-Q9lnv[i0", "A square is {{c1::\\(x^{2}\\)}}"),
        // From its `id::`.
        ("gtwnMDYtO^", "What does mitosis make?"),
        ("i1asD,)a$|", "What is the powerhouse of the cell?"),
        ("o;P^#6,9eU", "Diagram"),
        ("r#+zO6@t:P", "Water is H2O"),
        ("t/sJgt1)op", "Anki style {{c2::second}} then {{c1::first}} and {{c2::again}}"),
        ("tdmy-t-]8s", "A root is {{c1::\\(\\sqrt{x}\\)}}"),
        ("xG_kI0:B0B", "Catalysts are {{c1::#enzyme}}"),
    ];
    let pinned: Vec<(String, String)> = pinned.iter().map(|(g, f)| (g.to_string(), f.to_string())).collect();
    assert_eq!(found, pinned);
}

/// A graph folder of one page, its deck built with the deck before it as the previous one.
struct Edits {
    dir: tempfile::TempDir,
    deck: Option<Vec<u8>>,
    /// As the command line says for a graph folder (see `AnkiOptions::whole_graph`).
    whole: bool,
    /// Only these pages exported (by file name), when set.
    only: Option<&'static str>,
}

impl Edits {
    fn new() -> Self {
        Edits { dir: common::tempdir(), deck: None, whole: true, only: None }
    }

    /// Writes the pages (name, text; the others are deleted) and builds the deck.
    fn build(&mut self, pages: &[(&str, &str)]) -> apkg::Apkg {
        let folder = self.dir.path().join("pages");
        let _ = std::fs::remove_dir_all(&folder);
        std::fs::create_dir_all(&folder).unwrap();
        for (name, text) in pages {
            std::fs::write(folder.join(format!("{name}.md")), text).unwrap();
        }
        let loaded = notes_export::load(self.dir.path()).unwrap();
        let mut o = Options::default();
        o.timestamp = Some(1_700_000_000);
        o.anki.whole_graph = self.whole;
        if let Some(only) = self.only {
            o.pages = Some(loaded.graph.pages.iter().map(|p| p.file.ends_with(only)).collect());
        }
        if let Some(previous) = &self.deck {
            let previous = export::anki::PreviousDeck::read(std::io::Cursor::new(previous)).unwrap();
            o.anki.previous = Some(std::sync::Arc::new(previous));
        }
        let bytes = export::by_name("anki").unwrap().export(&loaded.graph, &o).unwrap().artifacts.remove(0).bytes;
        self.deck = Some(bytes.clone());
        apkg::read(&bytes)
    }
}

/// Each note's front (as text) → its guid; tags of the removed ones.
fn guids(deck: &apkg::Apkg) -> std::collections::BTreeMap<String, String> {
    deck.notes()
        .iter()
        .map(|n| {
            let removed = n["tags"].as_str().unwrap_or_default().contains(export::anki::REMOVED_TAG);
            let front = strip(n["fields"][0].as_str().unwrap());
            (if removed { format!("removed: {front}") } else { front }, n["guid"].as_str().unwrap().to_string())
        })
        .collect()
}

/// The case that cross-wired decks: a note inserted above the cards used to shift every guid.
/// Then a week of edits, one at a time.
#[test]
fn notes_keep_their_guids_through_insertions_edits_and_moves() {
    let mut e = Edits::new();
    let page = "- What is A? #card\n\t- a\n- What is B? #card\n\t- b\n- C is {{cloze x}}\n";
    let first = guids(&e.build(&[("p", page)]));
    assert_eq!(first.len(), 3);
    // A card inserted at the top: the same guids, one more note.
    let inserted = format!("- a new note #card\n\t- new\n{page}");
    let second = guids(&e.build(&[("p", &inserted)]));
    for (front, guid) in &first {
        assert_eq!(second.get(front), Some(guid), "{front}");
    }
    assert_eq!(second.len(), 4);
    // The question edited.
    let edited = inserted.replace("What is A?", "What, exactly, is A?");
    let third = guids(&e.build(&[("p", &edited)]));
    assert_eq!(third["What, exactly, is A?"], first["What is A?"]);
    // B moved to another page.
    let moved = edited.replace("- What is B? #card\n\t- b\n", "");
    let fourth = guids(&e.build(&[("p", &moved), ("q", "- What is B? #card\n\t- b\n")]));
    assert_eq!(fourth["What is B?"], first["What is B?"]);
    assert_eq!(fourth.len(), 4, "{fourth:?}");
    // The new note deleted: written once more, tagged; then no more.
    let deleted = moved.replace("- a new note #card\n\t- new\n", "");
    let fifth = guids(&e.build(&[("p", &deleted), ("q", "- What is B? #card\n\t- b\n")]));
    assert_eq!(fifth["removed: a new note"], second["a new note"]);
    assert_eq!(fifth["C is {{c1::x}}"], first["C is {{c1::x}}"]);
    let sixth = guids(&e.build(&[("p", &deleted), ("q", "- What is B? #card\n\t- b\n")]));
    assert_eq!(sixth.len(), 3, "{sixth:?}");
    // An unrelated card where a deleted one was gets a guid of its own.
    let replaced = deleted.replace("What, exactly, is A?", "Why are zebras striped?");
    let seventh = guids(&e.build(&[("p", &replaced), ("q", "- What is B? #card\n\t- b\n")]));
    assert!(!second.values().any(|g| *g == seventh["Why are zebras striped?"]));
    assert_eq!(seventh["removed: What, exactly, is A?"], first["What is A?"]);
}

/// A basic card turned into a cloze is a new note (Anki cannot change a note's type); the old
/// one is written once more, tagged. `#reversed` added keeps the note and adds its reverse.
#[test]
fn changing_a_cards_kind() {
    let mut e = Edits::new();
    let first = e.build(&[("p", "- Q1? #card\n\t- a\n- Q2? #card\n\t- b\n")]);
    let g = guids(&first);
    let second = e.build(&[("p", "- Q1? #card #reversed\n\t- a\n- Q2 is {{cloze b}}\n")]);
    let g2 = guids(&second);
    assert_eq!(g2["Q1?"], g["Q1?"]);
    assert_eq!(g2["removed: Q2?"], g["Q2?"]);
    assert_ne!(g2["Q2 is {{c1::b}}"], g["Q2?"]);
    let q1 = second.notes().iter().find(|n| n["guid"] == g["Q1?"].as_str()).unwrap().clone();
    assert_eq!(second.cards().iter().filter(|c| c["note"] == q1["guid"]).count(), 2);
}

/// Unchanged notes keep their time; a changed one gets a later one than before, even with a
/// fixed SOURCE_DATE_EPOCH (Anki updates a note only when the incoming one is newer).
#[test]
fn edited_notes_get_later_times() {
    let mut e = Edits::new();
    let times = |d: &apkg::Apkg| -> std::collections::BTreeMap<String, i64> {
        d.notes().iter().map(|n| (strip(n["fields"][0].as_str().unwrap()), n["mod"].as_i64().unwrap())).collect()
    };
    let first = times(&e.build(&[("p", "- Q1? #card\n\t- a\n- Q2? #card\n\t- b\n")]));
    let second = times(&e.build(&[("p", "- Q1? #card\n\t- a, edited\n- Q2? #card\n\t- b\n")]));
    assert_eq!(second["Q2?"], first["Q2?"]);
    assert!(second["Q1?"] > first["Q1?"]);
    let third = times(&e.build(&[("p", "- Q1? #card\n\t- a, edited again\n- Q2? #card\n\t- b\n")]));
    assert!(third["Q1?"] > second["Q1?"]);
}

/// Decks by page, by namespace or none; journals share one deck; `deck::` wins; `anki:: false`
/// leaves a page or a block with its children out; `extra::` fills the Extra field.
#[test]
fn deck_control_exclusion_and_extra() {
    let dir = common::tempdir();
    let write = |path: &str, text: &str| {
        let at = dir.path().join(path);
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        std::fs::write(at, text).unwrap();
    };
    write(
        "pages/course___bio.md",
        "- Q1? #card\n  extra:: see chapter 2\n\t- a\n- Q2? #card\n  anki:: false\n\t- b\n\t- Q3? #card\n\t\t- c\n",
    );
    write("pages/Plain.md", "- Q4? #card\n\t- d\n- Q5? #card\n  deck:: Own\n\t- e\n");
    write("pages/Hidden.md", "anki:: false\n\n- Q6? #card\n\t- f\n");
    write("journals/2024_03_01.md", "- Q7? #card\n\t- g\n");
    write("journals/2024_03_02.md", "- Q8? #card\n\t- h\n");
    let loaded = notes_export::load(dir.path()).unwrap();
    let decks = |per: export::anki::DeckPer| {
        let mut o = Options::default();
        o.anki.deck = Some("Top".into());
        o.anki.deck_per = per;
        let deck =
            apkg::read(&export::by_name("anki").unwrap().export(&loaded.graph, &o).unwrap().artifacts.remove(0).bytes);
        let front_of: std::collections::HashMap<String, String> = deck
            .notes()
            .iter()
            .map(|n| (n["guid"].as_str().unwrap().to_string(), strip(n["fields"][0].as_str().unwrap())))
            .collect();
        let mut found: Vec<(String, String)> = deck
            .cards()
            .iter()
            .map(|c| (front_of[c["note"].as_str().unwrap()].clone(), c["deck"].as_str().unwrap().to_string()))
            .collect();
        found.sort();
        (found, deck)
    };
    use export::anki::DeckPer;
    let (by_page, deck) = decks(DeckPer::Page);
    let want = |list: &[(&str, &str)]| list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>();
    assert_eq!(
        by_page,
        want(&[
            ("Q1?", "Top::course::bio"),
            ("Q4?", "Top::Plain"),
            ("Q5?", "Own"),
            ("Q7?", "Top::Journal"),
            ("Q8?", "Top::Journal"),
        ])
    );
    let q1 = deck.notes().iter().find(|n| n["fields"][0] == "Q1?").unwrap();
    assert_eq!(q1["fields"][2], "see chapter 2");
    let (by_namespace, _) = decks(DeckPer::Namespace);
    assert_eq!(
        by_namespace,
        want(&[("Q1?", "Top::course"), ("Q4?", "Top"), ("Q5?", "Own"), ("Q7?", "Top"), ("Q8?", "Top")])
    );
    let (none, _) = decks(DeckPer::None);
    assert_eq!(none, want(&[("Q1?", "Top"), ("Q4?", "Top"), ("Q5?", "Own"), ("Q7?", "Top"), ("Q8?", "Top")]));
}

/// `--write-ids` adds an `id::` under the first line of each card block without one (keeping
/// the file's line endings and every other byte), leaves other blocks and pages alone, writes
/// nothing on a second run, and the deck's notes then carry those ids.
#[test]
fn write_ids_gives_card_blocks_ids_once() {
    let g = common::graph_of(&[
        ("pages/a.md", "- Q1? #card\r\n\t- a\r\n- plain\r\n\t- Q2? #card\r\n\t\t- b\r\n"),
        ("pages/b.md", "- no cards here\n\t- child\n"),
        (
            "pages/c.md",
            "- Q3 is {{cloze x}}\n  id:: 6571a1b2-0000-4000-8000-0000000000c3\n- Q4? #card\n  tags:: t\n\t- d",
        ),
    ]);
    let out = g.path().join("deck.apkg");
    let run = || {
        let o = common::bin().args(["anki"]).arg(g.path()).arg("-o").arg(&out).arg("--write-ids").output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stderr).to_string()
    };
    let said = run();
    assert!(said.contains("write-ids: 3 ids written into 2 pages"), "{said}");
    let a = std::fs::read_to_string(g.path().join("pages/a.md")).unwrap();
    let lines: Vec<&str> = a.split_inclusive('\n').collect();
    assert_eq!(lines.len(), 7);
    assert_eq!(lines[0], "- Q1? #card\r\n");
    assert!(lines[1].starts_with("  id:: ") && lines[1].ends_with("\r\n"), "{a:?}");
    assert_eq!(&lines[2..4], ["\t- a\r\n", "- plain\r\n"]);
    assert!(lines[5].starts_with("\t  id:: "), "{a:?}");
    assert_eq!(std::fs::read_to_string(g.path().join("pages/b.md")).unwrap(), "- no cards here\n\t- child\n");
    let c = std::fs::read_to_string(g.path().join("pages/c.md")).unwrap();
    assert_eq!(c.matches("id::").count(), 2);
    assert!(c.ends_with("\t- d"), "the last line stays without a line end: {c:?}");
    let ids: Vec<String> = [a.as_str(), c.as_str()]
        .iter()
        .flat_map(|t| t.lines().filter_map(|l| l.trim().strip_prefix("id:: ").map(str::to_string)))
        .collect();
    // Every note's Source links to its block by that id.
    let deck = apkg::read(&std::fs::read(&out).unwrap());
    for id in &ids {
        assert!(deck.notes().iter().any(|n| n["fields"].to_string().contains(&format!("block-id={id}"))), "{id}");
    }
    // A second run has nothing to write.
    let said = run();
    assert!(said.contains("write-ids: 0 ids written into 0 pages"), "{said}");
    assert_eq!(std::fs::read_to_string(g.path().join("pages/a.md")).unwrap(), a);
}

/// A deleted page's notes have left when the whole graph is exported; exporting some pages to
/// the same deck says nothing of the others (they are left out, not tagged).
#[test]
fn only_exported_pages_can_lose_notes() {
    let mut e = Edits::new();
    e.build(&[("p", "- P? #card\n\t- a\n"), ("q", "- Q? #card\n\t- b\n")]);
    e.only = Some("p.md");
    let some = guids(&e.build(&[("p", "- P? #card\n\t- a\n"), ("q", "- Q? #card\n\t- b\n")]));
    assert_eq!(some.keys().collect::<Vec<_>>(), ["P?"]);
    // From the deck of p alone, q's note is unknown; then the whole graph without page q.
    e.only = None;
    e.build(&[("p", "- P? #card\n\t- a\n"), ("q", "- Q? #card\n\t- b\n")]);
    let gone = guids(&e.build(&[("p", "- P? #card\n\t- a\n")]));
    assert!(gone.contains_key("removed: Q?"), "{gone:?}");
    e.whole = false;
    e.build(&[("p", "- P? #card\n\t- a\n"), ("q", "- Q? #card\n\t- b\n")]);
    let files = guids(&e.build(&[("p", "- P? #card\n\t- a\n")]));
    assert_eq!(files.keys().collect::<Vec<_>>(), ["P?"]);
}

/// Image paths with spaces, as written or in angle brackets or percent-encoded, bundle the
/// file under a name Anki keeps; a missing one is a warning.
#[test]
fn image_paths_with_spaces() {
    let g = common::graph_of(&[
        ("pages/p.md", "- A #card\n\t- ![x](../assets/my photo.png)\n- B #card\n\t- ![y](<../assets/my photo.png>)\n- C #card\n\t- ![z](../assets/my%20photo.png)\n- D #card\n\t- ![w](../assets/not here.png)\n"),
    ]);
    std::fs::create_dir_all(g.path().join("assets")).unwrap();
    std::fs::copy(
        common::root().join("fixtures/seed/assets/18819_1763418886073_0.jpeg"),
        g.path().join("assets/my photo.png"),
    )
    .unwrap();
    let loaded = notes_export::load(g.path()).unwrap();
    let out = export::by_name("anki").unwrap().export(&loaded.graph, &Options::default()).unwrap();
    let deck = apkg::read(&out.artifacts[0].bytes);
    let backs: Vec<String> = deck.notes().iter().map(|n| n["fields"][1].as_str().unwrap().to_string()).collect();
    assert_eq!(backs.iter().filter(|b| b.contains("<img src=\"my photo.png\"")).count(), 3, "{backs:?}");
    assert!(deck.json["media"]["my photo.png"].as_u64().unwrap() > 0);
    // The reader reports it, at its line.
    let missing: Vec<(&str, u32)> = loaded.diagnostics.iter().map(|d| (d.code.as_str(), d.line)).collect();
    assert!(missing.contains(&("missing-asset", 8)), "{missing:?}");
}
