//! Logseq DB graphs (`db.sqlite`) as input, read in place from `../shared/logseq-db` (written by
//! Logseq's own code; skipped with a notice where absent): the same content as the Markdown
//! graph they were made from, every card of Logseq's own export in the deck, bad databases
//! refused with a clear error and nothing written.

#[path = "common/apkg.rs"]
mod apkg;
mod common;

use notes_export::export::{self, anki::CardMode, Options};
use std::path::{Path, PathBuf};

fn graph(name: &str) -> Option<PathBuf> {
    common::shared(&format!("logseq-db/graphs/{name}"))
}

/// Each format's text of a graph, with what legitimately differs between a DB graph and the
/// Markdown graph it came from made equal: image file names and alt texts (Logseq's importer
/// names an asset by its id and titles it with the file's name, dropping the alt text).
fn normalized(input: &Path, format: &str) -> Vec<String> {
    let loaded = notes_export::load(input).unwrap();
    let mut o = Options::default();
    o.timestamp = Some(1_700_000_000);
    o.anki.cards = CardMode::Outline;
    o.anki.deck = Some("D".into());
    let out = export::by_name(format).unwrap().export(&loaded.graph, &o).unwrap();
    let image = |s: &str| {
        let mut out = String::new();
        let mut rest = s;
        while let Some(k) = rest.find("![") {
            out.push_str(&rest[..k]);
            let end = rest[k..].find(')').map_or(rest.len(), |e| k + e + 1);
            out.push_str("![IMAGE](IMAGE)");
            rest = &rest[end..];
        }
        out.push_str(rest);
        out
    };
    match format {
        "md" => out
            .artifacts
            .iter()
            .filter(|a| a.path.extension().is_some_and(|e| e == "md"))
            .flat_map(|a| String::from_utf8_lossy(&a.bytes).lines().map(image).collect::<Vec<_>>())
            .collect(),
        "anki" => {
            let deck = apkg::read(&out.artifacts[0].bytes);
            let mut notes: Vec<String> = deck
                .notes()
                .iter()
                .map(|n| {
                    let f: Vec<&str> = n["fields"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
                    // Front and back, images by position only.
                    let back = f[1].split("<img").map(|p| p.split_once('>').map_or(p, |(_, r)| r)).collect::<Vec<_>>();
                    format!("{} | {}", f[0], back.join("<img>"))
                })
                .collect();
            notes.sort();
            notes
        }
        "docx" => {
            use std::io::Read;
            // An image's alt text is printed under it.
            let mut alts = std::collections::HashSet::new();
            for b in loaded.graph.pages.iter().flat_map(|p| &p.blocks) {
                notes_export::ir::for_each_inline(&b.body, &mut |i| {
                    if let notes_export::ir::Inline::Image { alt, .. } = i {
                        alts.insert(alt.clone());
                    }
                });
            }
            let mut z = zip::ZipArchive::new(std::io::Cursor::new(&out.artifacts[0].bytes)).unwrap();
            let mut xml = String::new();
            z.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
            const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
            let doc = roxmltree::Document::parse(&xml).unwrap();
            doc.descendants()
                .filter(|n| n.has_tag_name((W, "p")))
                .map(|p| p.descendants().filter(|t| t.has_tag_name((W, "t"))).filter_map(|t| t.text()).collect())
                .map(|t: String| if alts.contains(&t) { "IMAGE".to_string() } else { t })
                .collect()
        }
        _ => unreachable!(),
    }
}

/// `graphs/aws` (the seed imported by Logseq, with `((uuid))` references and `###` titles)
/// and `graphs/aws-edn` (built as the current app writes: `[[uuid]]` references, heading
/// properties) give the seed's Markdown, handout and outline deck: the same blocks, nesting,
/// the block reference resolved, the image bundled.
#[test]
fn db_graphs_give_the_seeds_content() {
    let seed = common::root().join("fixtures/seed");
    for name in ["aws", "aws-edn"] {
        let Some(db) = graph(name) else { continue };
        for format in ["md", "docx", "anki"] {
            let (want, got) = (normalized(&seed, format), normalized(&db, format));
            assert_eq!(got, want, "{name}: {format}");
            assert!(want.len() >= 10, "{format}: {want:?}");
        }
        let loaded = notes_export::load(&db).unwrap();
        assert_eq!(loaded.graph.assets.len(), 1, "{name}: the image is found");
        assert!(loaded.diagnostics.is_empty(), "{name}: {:?}", loaded.diagnostics);
    }
}

/// The deck of a DB graph holds every block Logseq's own EDN export tags a card, each cloze a
/// card of its note; task states are those of the export.
#[test]
fn db_flashcards_are_all_in_the_deck() {
    for name in ["flashcards", "flashcards-edn"] {
        let Some(db) = graph(name) else { continue };
        let edn = std::fs::read_to_string(db.join("../../exports").join(format!("{name}.export.edn"))).unwrap();
        let cards = edn.matches(":logseq.class/Card]").count();
        let clozes = edn.matches("{{cloze").count();
        let loaded = notes_export::load(&db).unwrap();
        let mut o = Options::default();
        o.anki.cards = CardMode::Tagged;
        let out = export::by_name("anki").unwrap().export(&loaded.graph, &o).unwrap();
        let deck = apkg::read(&out.artifacts[0].bytes);
        let fronts: Vec<&str> = deck.notes().iter().map(|n| n["fields"][0].as_str().unwrap()).collect();
        assert_eq!(fronts.len(), cards, "{name}: {fronts:?}");
        let cloze_cards: usize = fronts.iter().map(|f| f.matches("{{c").count()).sum();
        assert_eq!(cloze_cards, clozes, "{name}: {fronts:?}");
        // Task states.
        let states = |s: &str| edn.matches(&format!(":logseq.property/status.{s}}}")).count();
        let blocks = || loaded.graph.pages.iter().flat_map(|p| &p.blocks);
        let marked = |m: &str| blocks().filter(|b| b.marker.as_deref() == Some(m)).count();
        assert_eq!(
            (marked("TODO"), marked("DOING"), marked("DONE")),
            (states("todo"), states("doing"), states("done")),
            "{name}"
        );
    }
}

/// A truncated file, a SQLite file that is not a Logseq graph, a row that is not transit: a
/// clear error naming the file, no panic, nothing written.
#[test]
fn bad_databases_are_refused() {
    let dir = common::tempdir();
    let plain = dir.path().join("plain.sqlite");
    rusqlite::Connection::open(&plain).unwrap().execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);").unwrap();
    let broken = dir.path().join("broken.sqlite");
    rusqlite::Connection::open(&broken)
        .unwrap()
        .execute_batch("CREATE TABLE kvs (addr INTEGER PRIMARY KEY, content TEXT, addresses JSON); INSERT INTO kvs VALUES (0, 'not transit', NULL);")
        .unwrap();
    // A graph cut short: its tables' pages are gone.
    let truncated = dir.path().join("truncated.sqlite");
    {
        let db = rusqlite::Connection::open(&truncated).unwrap();
        db.execute_batch("CREATE TABLE kvs (addr INTEGER PRIMARY KEY, content TEXT, addresses JSON);").unwrap();
        for k in 0..2000 {
            db.execute("INSERT INTO kvs VALUES (?1, ?2, NULL)", rusqlite::params![k, "x".repeat(200)]).unwrap();
        }
    }
    let whole = std::fs::read(&truncated).unwrap();
    std::fs::write(&truncated, &whole[..whole.len() / 3]).unwrap();
    for (file, says) in [(&plain, "not a Logseq DB graph"), (&broken, "row 0: not JSON"), (&truncated, "malformed")] {
        let out = dir.path().join("out");
        let o = common::bin().args(["md"]).arg(file).arg("-o").arg(&out).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success() && o.status.code().is_some(), "{}: {err}", file.display());
        assert!(err.contains(says) && err.contains(&*file.file_name().unwrap().to_string_lossy()), "{err}");
        assert!(!out.exists());
    }
}
