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
    o.cards = CardMode::Outline;
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
        o.cards = CardMode::Tagged;
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
        // Every user property a page or block of the export holds, with its number.
        let ours: Vec<String> =
            blocks().flat_map(|b| &b.properties).map(|p| format!(":user.property/{} {}", p.key, p.raw)).collect();
        let body = &edn[edn.find(":pages-and-blocks").unwrap_or(0)..];
        for (k, _) in body.match_indices(":user.property/") {
            let key: String = body[k..].chars().take_while(|c| !c.is_whitespace()).collect();
            let value = body[k + key.len()..].trim_start();
            let number: String = value.chars().take_while(char::is_ascii_digit).collect();
            if !number.is_empty() {
                let held = format!("{key} {number}");
                assert!(ours.contains(&held), "{name}: {held} not among {ours:?}");
            } else {
                // A reference to a node: a link.
                assert!(value.starts_with("#{[:block/uuid"), "{name}: {key} {value}");
                assert!(ours.iter().any(|o| o.starts_with(&format!("{key} [["))), "{name}: {key} not among {ours:?}");
            }
        }
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
    // A leaf of the tree that is not transit, and one whose datom names no attribute.
    let bad_leaf = |name: &str, content: &str| {
        let dir = dir.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let file = one_block_graph(&dir, "text", 65, "[]");
        let db = rusqlite::Connection::open(&file).unwrap();
        db.execute("UPDATE kvs SET content = ?1 WHERE addr = 2", [content]).unwrap();
        file
    };
    let leaf = bad_leaf("leaf", "[[[");
    let datom = bad_leaf("datom", r#"["^ ","~:keys",[[11,"block/title","x",536870913]]]"#);
    for (file, says) in [
        (&plain, "not a Logseq DB graph"),
        (&broken, "row 0: not JSON"),
        (&truncated, "malformed"),
        (&leaf, "row 2: not JSON"),
        (&datom, "row 2: an attribute that is not a keyword"),
    ] {
        let out = dir.path().join("out");
        let o = common::bin().args(["md"]).arg(file).arg("-o").arg(&out).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success() && o.status.code().is_some(), "{}: {err}", file.display());
        assert!(err.contains(says) && err.contains(&*file.file_name().unwrap().to_string_lossy()), "{err}");
        assert!(!out.exists());
    }
}

/// A page of one block, `title`, in a graph of schema `major`.
fn one_block_graph(dir: &Path, title: &str, major: i64, tail: &str) -> PathBuf {
    let version = format!(r#"["^ ","~:major",{major},"~:minor",3]"#);
    let title = serde_json::to_string(title).unwrap();
    common::db_graph(
        dir,
        &[
            (6, "db/ident", r#""~:logseq.kv/schema-version""#),
            (6, "kv/value", &version),
            (10, "block/name", r#""notes""#),
            (10, "block/title", r#""Notes""#),
            (10, "block/uuid", r#""~u00000000-0000-4000-8000-00000000000a""#),
            (11, "block/page", "10"),
            (11, "block/parent", "10"),
            (11, "block/order", r#""a0""#),
            (11, "block/title", &title),
            (11, "block/uuid", r#""~u00000000-0000-4000-8000-00000000000b""#),
        ],
        tail,
    )
}

/// A finding in a DB graph names the database, the page and the block (there are no lines);
/// `check` says the schema version, and warns on a major version it does not know.
#[test]
fn findings_name_the_page_and_block() {
    let dir = common::tempdir();
    one_block_graph(dir.path(), "see ((99999999-2222-4333-8444-555555555555))", 65, "[]");
    let o = common::bin().args(["check"]).arg(dir.path()).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("db.sqlite: warning[dangling-ref]"), "{err}");
    assert!(err.contains("(page \u{201c}Notes\u{201d}, block 00000000-0000-4000-8000-00000000000b)"), "{err}");
    assert!(err.contains("checked 1 pages, 1 blocks of a Logseq DB graph (schema 65.3)"), "{err}");
    let newer = common::tempdir();
    one_block_graph(newer.path(), "text", 99, "[]");
    let o = common::bin().args(["check"]).arg(newer.path().join("db.sqlite")).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("warning[unknown-schema]") && err.contains("99.3"), "{err}");
}

/// The tail (transactions not merged into the tree) is replayed: a retraction takes a value
/// away, an assertion sets another.
#[test]
fn the_tail_is_replayed() {
    let dir = common::tempdir();
    let tail = r#"[[[11,"~:block/title","old text",-536870914],[11,"~:block/title","new text",536870914]]]"#;
    one_block_graph(dir.path(), "old text", 65, tail);
    let loaded = notes_export::load(dir.path()).unwrap();
    let texts: Vec<&str> =
        loaded.graph.pages[0].blocks.iter().filter(|b| !b.pre_block).map(|b| b.content.as_str()).collect();
    assert_eq!(texts, ["new text"]);
}

/// A graph of one card, due 2030-01-02 after 12 days and 3 reviews (the last 2029-12-21),
/// with one child.
fn card_graph(dir: &Path) {
    let state = r#"["^ ","~:reps",3,"~:scheduled-days",12,"~:last-repeat","~m1892419200000"]"#;
    let mut datoms = vec![
        (1, "db/ident", r#""~:logseq.class/Card""#),
        (10, "block/name", r#""cards""#),
        (10, "block/title", r#""Cards""#),
        (11, "block/page", "10"),
        (11, "block/parent", "10"),
        (11, "block/order", r#""a0""#),
        (11, "block/title", r#""Due when?""#),
        (11, "block/uuid", r#""~u00000000-0000-4000-8000-00000000000b""#),
        (11, "block/tags", "1"),
        (11, "logseq.property.fsrs/due", "1893542400000"),
        (11, "logseq.property.fsrs/state", state),
        (12, "block/page", "10"),
        (12, "block/parent", "11"),
        (12, "block/order", r#""a1""#),
        (12, "block/title", r#""then""#),
        (12, "block/uuid", r#""~u00000000-0000-4000-8000-00000000000c""#),
    ];
    datoms.sort();
    common::db_graph(dir, &datoms, "[]");
}

/// A DB graph card's FSRS review state (`:logseq.property.fsrs/due`, `/state`) carries into
/// the deck's scheduling, as Logseq file graphs' review properties do.
#[test]
fn fsrs_review_state_schedules_the_card() {
    let dir = common::tempdir();
    card_graph(dir.path());
    let loaded = notes_export::load(dir.path()).unwrap();
    let mut o = Options::default();
    o.timestamp = Some(1_893_456_000); // 2030-01-01
    let out = export::by_name("anki").unwrap().export(&loaded.graph, &o).unwrap();
    let deck = apkg::read(&out.artifacts[0].bytes);
    let review = &deck.cards()[0]["review"];
    assert_eq!(
        (review["due"].as_i64(), review["ivl"].as_i64(), review["reps"].as_i64()),
        (Some(1), Some(12), Some(3)),
        "{review}"
    );
}

/// A DB graph's pages are not files: a card's Source field names its page by title and opens
/// the block, without the file and line the page would have as a file; the JSON says so.
#[test]
fn a_card_names_its_page_not_a_made_up_file() {
    let dir = common::tempdir();
    card_graph(dir.path());
    let loaded = notes_export::load(dir.path()).unwrap();
    let out = export::by_name("anki").unwrap().export(&loaded.graph, &Options::default()).unwrap();
    let deck = apkg::read(&out.artifacts[0].bytes);
    // Basic with an optional reverse: Front, Back, Extra, Context, Source, Reverse.
    let source = deck.notes()[0]["fields"][4].as_str().unwrap().to_string();
    assert!(source.starts_with("<a href=\"logseq://graph/"), "{source}");
    assert!(source.ends_with("?block-id=00000000-0000-4000-8000-00000000000b\">Cards</a>"), "{source}");
    let json = export::by_name("json").unwrap().export(&loaded.graph, &Options::default()).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json.artifacts[0].bytes).unwrap();
    assert_eq!(json["db_graph"], true);
}

/// A page's own properties and tags, and a block's, keep their values by the property's type
/// (a page as a link, a date-time as text, a number, text with its reference resolved), in
/// one order whatever the storage's.
#[test]
fn properties_keep_their_types() {
    let dir = common::tempdir();
    let property = |id: i64, ident: &'static str, title: &'static str, kind: &'static str| {
        [(id, "db/ident", ident), (id, "block/title", title), (id, "logseq.property/type", kind)]
    };
    let mut datoms: Vec<(i64, &str, &str)> = Vec::new();
    datoms.extend(property(1, r#""~:user.property/kind-Xy12ab""#, r#""Kind""#, r#""~:node""#));
    datoms.extend(property(2, r#""~:user.property/met-Qw34cd""#, r#""Met at""#, r#""~:datetime""#));
    datoms.extend(property(3, r#""~:user.property/rating""#, r#""rating""#, r#""~:number""#));
    datoms.extend(property(4, r#""~:user.property/note""#, r#""note""#, r#""~:default""#));
    datoms.extend([
        (5, "db/ident", r#""~:user.class/Service-Ab56ef""#),
        (5, "block/title", r#""Service""#),
        (6, "block/name", r#""compute""#),
        (6, "block/title", r#""Compute""#),
        (6, "block/uuid", r#""~u00000000-0000-4000-8000-000000000006""#),
        (7, "logseq.property/value", "5"),
        (8, "block/title", r#""see [[00000000-0000-4000-8000-000000000006]]""#),
        (10, "block/name", r#""ec2""#),
        (10, "block/title", r#""EC2""#),
        (10, "block/tags", "5"),
        (10, "user.property/kind-Xy12ab", "6"),
        (10, "user.property/met-Qw34cd", "1709300321045"),
        (11, "block/page", "10"),
        (11, "block/parent", "10"),
        (11, "block/order", r#""a0""#),
        (11, "block/title", r#""Virtual machines""#),
        (11, "block/uuid", r#""~u00000000-0000-4000-8000-00000000000b""#),
        (11, "user.property/rating", "7"),
        (11, "user.property/note", "8"),
    ]);
    // Each entity's attributes as the EAVT tree sorts them.
    datoms.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    common::db_graph(dir.path(), &datoms, "[]");
    let loaded = notes_export::load(dir.path()).unwrap();
    let page = loaded.graph.pages.iter().find(|p| p.title == "EC2").expect("the page");
    let props = |b: &notes_export::ir::Block| -> Vec<(String, String)> {
        b.properties.iter().filter(|p| p.key != "id").map(|p| (p.key.clone(), p.raw.clone())).collect()
    };
    let own = page.blocks.iter().find(|b| b.pre_block).expect("the page's properties");
    let pair = |k: &str, v: &str| (k.to_string(), v.to_string());
    assert_eq!(
        props(own),
        [pair("tags", "[[Service]]"), pair("kind", "[[Compute]]"), pair("met-at", "2024-03-01 13:38 UTC")]
    );
    let block = page.blocks.iter().find(|b| b.content.starts_with("Virtual")).unwrap();
    assert_eq!(props(block), [pair("note", "see [[Compute]]"), pair("rating", "5")]);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
}

/// Siblings follow their fractional index (compared as plain ASCII, whatever their ids), a
/// tie goes to the lower id, children sit under their parent in their own order, and a block
/// whose parent the graph does not hold is in no page.
#[test]
fn siblings_follow_their_order() {
    let dir = common::tempdir();
    let block = |id: i64, parent: i64, order: &str, title: &str| {
        [
            (id, "block/order", format!("{order:?}")),
            (id, "block/page", "10".to_string()),
            (id, "block/parent", parent.to_string()),
            (id, "block/title", format!("{title:?}")),
        ]
    };
    let mut datoms: Vec<(i64, &str, String)> =
        vec![(10, "block/name", r#""notes""#.into()), (10, "block/title", r#""Notes""#.into())];
    datoms.extend(block(11, 10, "a2", "third"));
    datoms.extend(block(12, 10, "a0", "first"));
    datoms.extend(block(13, 10, "a1", "second"));
    datoms.extend(block(14, 10, "a1", "second, tie (higher id)"));
    datoms.extend(block(15, 12, "b", "under first, b"));
    datoms.extend(block(16, 12, "aZ", "under first, aZ"));
    datoms.extend(block(17, 99, "a0", "orphan"));
    datoms.extend(block(18, 10, "a10", "after a1, before a2"));
    let datoms: Vec<(i64, &str, &str)> = datoms.iter().map(|(e, a, v)| (*e, *a, v.as_str())).collect();
    common::db_graph(dir.path(), &datoms, "[]");
    let loaded = notes_export::load(dir.path()).unwrap();
    let blocks: Vec<(u32, &str)> =
        loaded.graph.pages[0].blocks.iter().filter(|b| !b.pre_block).map(|b| (b.depth, b.content.as_str())).collect();
    assert_eq!(
        blocks,
        [
            (1, "first"),
            (2, "under first, aZ"),
            (2, "under first, b"),
            (1, "second"),
            (1, "second, tie (higher id)"),
            (1, "after a1, before a2"),
            (1, "third"),
        ]
    );
}

/// Every block keeps its id (a deck's note keeps its identity), but only a block something
/// refers to carries it as an `id::` property, as in a Markdown graph: the others need not be
/// kept whole while the graph is skimmed.
#[test]
fn every_block_keeps_its_id() {
    let dir = common::tempdir();
    let tail = r#"[[[12,"~:block/page",10,536870914],[12,"~:block/parent",10,536870914],[12,"~:block/order","a1",536870914],[12,"~:block/title","plain",536870914],[12,"~:block/uuid","~u00000000-0000-4000-8000-00000000000c",536870914]]]"#;
    one_block_graph(dir.path(), "see ((00000000-0000-4000-8000-00000000000c))", 65, tail);
    let loaded = notes_export::load(dir.path()).unwrap();
    let blocks: Vec<(&str, Option<&str>, bool)> = loaded.graph.pages[0]
        .blocks
        .iter()
        .filter(|b| !b.pre_block)
        .map(|b| (b.content.as_str(), b.uuid.as_deref(), b.properties.iter().any(|p| p.key == "id")))
        .collect();
    assert_eq!(
        blocks,
        [
            ("see ((00000000-0000-4000-8000-00000000000c))", Some("00000000-0000-4000-8000-00000000000b"), false),
            ("plain", Some("00000000-0000-4000-8000-00000000000c"), true),
        ]
    );
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
}

/// A graph of many rows: a branch of branches, leaves read in the tree's order (not the rows'),
/// an entity whose datoms run over two leaves, keywords given again as cache references,
/// attributes nothing is exported from (creation times), and ids far apart. A tree whose
/// leaves are out of entity order is refused.
#[test]
fn a_tree_of_many_rows_is_read_in_order() {
    let write = |dir: &Path, leaves: [&str; 3]| {
        let file = dir.join("db.sqlite");
        let db = rusqlite::Connection::open(&file).unwrap();
        db.execute_batch("CREATE TABLE kvs (addr INTEGER PRIMARY KEY, content TEXT, addresses JSON);").unwrap();
        let root =
            r#"["^ ","~:schema",["^ ","~:block/refs",["^ ","~:db/cardinality","~:db.cardinality/many"]],"~:eavt",2]"#;
        let empty = r#"["^ ","~:keys",[]]"#;
        let rows = [
            (0, root, None),
            (1, "[]", None),
            (2, empty, Some("[9,4]")),
            (4, empty, Some("[7,5]")),
            (9, leaves[0], None),
            (7, leaves[1], None),
            (5, leaves[2], None),
        ];
        for (addr, content, addresses) in rows {
            db.execute("INSERT INTO kvs VALUES (?1, ?2, ?3)", rusqlite::params![addr, content, addresses]).unwrap();
        }
        file
    };
    let far = 1i64 << 40;
    let leaves = [
        r#"["^ ","~:keys",[[10,"~:block/created-at",1767225600000,1],[10,"~:block/name","notes",1],[10,"~:block/title","Notes",1],[11,"~:block/order","a0",1],[11,"~:block/page",10,1]]]"#.to_string(),
        r#"["^ ","~:keys",[[11,"~:block/parent",10,1],[11,"~:block/title","first",1],[11,"~:block/updated-at",1767225600000,1],[12,"~:block/order","a1",1],[12,"^1",10,1],[12,"^2",10,1],[12,"~:block/title","second",1]]]"#.to_string(),
        format!(r#"["^ ","~:keys",[[{far},"~:block/order","a2",1],[{far},"~:block/page",10,1],[{far},"~:block/parent",10,1],[{far},"~:block/title","third",1]]]"#),
    ];
    let dir = common::tempdir();
    write(dir.path(), [&leaves[0], &leaves[1], &leaves[2]]);
    let out = common::tempdir();
    let o = common::bin().args(["md", "-q"]).arg(dir.path()).arg("-o").arg(out.path()).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = std::fs::read_to_string(out.path().join("Notes.md")).unwrap();
    let blocks: Vec<&str> = page.lines().filter(|l| l.starts_with("- ")).collect();
    assert_eq!(blocks, ["- first", "- second", "- third"], "{page}");

    let swapped = common::tempdir();
    write(swapped.path(), [&leaves[1], &leaves[0], &leaves[2]]);
    let out = common::tempdir();
    let o = common::bin().args(["md"]).arg(swapped.path()).arg("-o").arg(out.path().join("md")).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains("not in entity order"), "{err}");
    assert!(!out.path().join("md").exists());
}
