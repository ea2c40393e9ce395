//! A graph folder is exported a window of pages at a time (`notes_export::open` +
//! `pipeline::run`); the outputs and diagnostics must be those of the whole graph in memory.

#[path = "common/apkg.rs"]
mod apkg;
mod common;

use notes_export::export::Run;
use notes_export::export::{self, MemorySink, Options};
use notes_export::pipeline;
use notes_export::pipeline::Needs;
use std::path::Path;

use notes_export::export::anki::CardMode;

fn options(format: &str) -> Options {
    let mut o = Options::default();
    o.timestamp = Some(1_700_000_000);
    match format {
        "worksheet" => o.docx.worksheet = true,
        "anki-tagged" => o.cards = CardMode::Tagged,
        "anki-outline" => o.cards = CardMode::Outline,
        _ => {}
    }
    o
}

fn exporter(format: &str) -> &'static dyn export::DynExporter {
    let name = match format {
        "worksheet" => "docx",
        f if f.starts_with("anki") => "anki",
        f => f,
    };
    export::by_name(name).unwrap()
}

/// Every format at once (pages parsed whole), then each deck on its own (a deck parses only
/// what its cards need); then every format again for every other page (the pages left out are
/// not read).
fn compare(graph: &str) {
    let mut all = export::names();
    all.push("worksheet");
    compare_runs(graph, &all, false);
    // No exporter at all (`check`): the diagnostics alone.
    compare_runs(graph, &[], false);
    for anki in ["anki", "anki-tagged", "anki-outline"] {
        compare_runs(graph, &[anki], false);
    }
    compare_runs(graph, &all, true);
    compare_runs(graph, &[], true);
}

fn compare_runs(graph: &str, formats: &[&str], every_other: bool) {
    let whole = notes_export::load(Path::new(graph)).unwrap();
    let selected = every_other.then(|| (0..whole.graph.pages.len()).map(|p| p % 2 == 0).collect::<Vec<_>>());
    let mut streamed = notes_export::open(Path::new(graph)).unwrap();
    let unread = (0..streamed.graph.pages.len() as u32).filter(|&p| streamed.skim.unread(p)).count();
    // Pages with embeds, and the pages they embed, are read whole at once; all others wait.
    assert!(unread > 0 || streamed.graph.pages.len() < 4, "{graph}: a graph folder is opened unread");

    let with_pages = |mut o: Options| {
        o.pages = selected.clone();
        o
    };
    let opts: Vec<Options> = formats.iter().map(|f| with_pages(options(f))).collect();
    let mut sinks: Vec<MemorySink> = formats.iter().map(|_| MemorySink::default()).collect();
    let runs: Vec<Run> = formats
        .iter()
        .zip(&opts)
        .zip(sinks.iter_mut())
        .map(|((f, o), sink)| Run { job: exporter(f).start(&streamed.input(), o).unwrap(), options: o, sink })
        .collect();
    let outcome = pipeline::run(&mut streamed, runs, selected.as_deref(), &|_| {}).unwrap();

    let mut whole_diags = whole.reading_diagnostics(selected.as_deref());
    for ((f, o), sink) in formats.iter().zip(&opts).zip(&sinks) {
        let expected = exporter(f).export(&whole.graph, o).unwrap();
        let names = |a: &[export::Artifact]| a.iter().map(|a| a.path.clone()).collect::<Vec<_>>();
        assert_eq!(names(&sink.artifacts), names(&expected.artifacts), "{graph} {f}: files");
        for (got, want) in sink.artifacts.iter().zip(&expected.artifacts) {
            assert!(got.bytes == want.bytes, "{graph} {f}: {} differs", got.path.display());
        }
        whole_diags.extend(expected.diagnostics.into_iter().map(|mut d| {
            match &whole.db {
                Some(origin) => origin.locate(&mut d),
                None => d.file = notes_export::display_path(&whole.source.display, &d.file),
            }
            d
        }));
    }
    let mut streamed_diags = streamed.reading_diagnostics(selected.as_deref());
    streamed_diags.extend(outcome.diagnostics);
    notes_export::diag::normalize(&mut streamed_diags);
    notes_export::diag::normalize(&mut whole_diags);
    let show = |d: &[notes_export::diag::Diagnostic]| d.iter().map(|d| format!("{d:?}")).collect::<Vec<_>>();
    assert_eq!(show(&streamed_diags), show(&whole_diags), "{graph}: diagnostics");
    let chosen = |p: &usize| selected.as_ref().is_none_or(|s| s[*p]);
    let blocks: usize = (0..whole.graph.pages.len()).filter(chosen).map(|p| whole.graph.pages[p].blocks.len()).sum();
    assert_eq!(outcome.blocks, blocks);
}

/// Graphs of many windows: a generated one, and Logseq's documentation graph when present.
#[test]
fn whole_graphs_streamed_equal_whole() {
    let (_generated, graphs) = common::whole_graphs();
    for graph in &graphs {
        compare(graph.to_str().unwrap());
    }
}

#[test]
fn seed_streamed_equals_whole() {
    compare("fixtures/seed");
}

#[test]
fn cases_streamed_equal_whole() {
    for case in ["blocks", "titles", "inline", "refs", "cards"] {
        let dir = format!("fixtures/cases/{case}");
        if Path::new(&dir).join("pages").is_dir() {
            compare(&dir);
        }
    }
}

/// A throwaway graph folder with the given pages.
fn graph_of(name: &str, pages: &[(&str, &str)]) -> String {
    let dir = std::env::temp_dir().join(format!("notes-export-streaming-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("pages")).unwrap();
    for (file, text) in pages {
        std::fs::write(dir.join("pages").join(file), text).unwrap();
    }
    dir.to_string_lossy().into_owned()
}

/// [`compare`] on a graph of the given pages.
fn compare_pages(name: &str, pages: &[(&str, &str)]) {
    let g = graph_of(name, pages);
    compare(&g);
    std::fs::remove_dir_all(g).unwrap();
}

#[test]
fn words_that_look_like_cards_leave_outline_cards_whole() {
    // "card" and "{{" without a flashcard: the deck falls back to outline cards, which need
    // every block.
    compare_pages(
        "lookalikes",
        &[
            ("Words.md", "- The #cardinal points\n\t- north and south\n- A {{unknown macro}} here\n\t- a child\n"),
            ("More.md", "- plain\n\t- child\n"),
        ],
    );
}

/// One format's files and every diagnostic of a graph folder exported a window at a time.
fn streamed(graph: &str, format: &str) -> (Vec<export::Artifact>, Vec<notes_export::diag::Diagnostic>) {
    let mut loaded = notes_export::open(Path::new(graph)).unwrap();
    let o = options(format);
    let mut sink = MemorySink::default();
    let run = Run { job: exporter(format).start(&loaded.input(), &o).unwrap(), options: &o, sink: &mut sink };
    let outcome = pipeline::run(&mut loaded, vec![run], None, &|_| {}).unwrap();
    let mut diags = loaded.reading_diagnostics(None);
    diags.extend(outcome.diagnostics);
    (sink.artifacts, diags)
}

#[test]
fn a_deck_still_reports_references_outside_its_cards() {
    let g = graph_of(
        "dangling",
        &[
            ("Cards.md", "- Question #card\n\t- answer\n"),
            ("Other.md", "- broken ((99999999-aaaa-4bbb-8ccc-dddddddddddd)) here\n- fine\n"),
        ],
    );
    compare(&g);
    // Not only as the whole graph says it: said at all, at the reference.
    let (_, diags) = streamed(&g, "anki-tagged");
    let said: Vec<(String, u32, u32, &str)> = diags
        .iter()
        .map(|d| (d.file.rsplit('/').next().unwrap().to_string(), d.line, d.col, d.code.as_str()))
        .collect();
    assert_eq!(said, [("Other.md".to_string(), 1, 10, "dangling-ref")], "{diags:?}");
    std::fs::remove_dir_all(g).unwrap();
}

#[test]
fn a_deck_parses_only_its_cards_and_their_context() {
    let g = graph_of(
        "partial",
        &[
            ("Cards.md", "- intro\n- parent\n\t- Question #card\n\t\t- answer\n\t- sibling\n- after\n"),
            // A candidate that is no flashcard, then one that is.
            ("Later.md", "- the #cardinal points\n- `#card` in code\n- a {{cloze real}} one\n"),
            ("Plain.md", "- the #cardinal points, [[Cards]]\n"),
        ],
    );
    let loaded = notes_export::open(Path::new(&g)).unwrap();
    let flags: Vec<bool> = loaded.skim.pages.iter().map(|p| p.flashcards).collect();
    assert_eq!(flags, [true, true, false], "the skim tells which pages hold flashcards");
    let stub = &loaded.graph.pages[0];
    let read =
        |needs| notes_export::read::load_page(&loaded.source.root, &loaded.config, stub, needs, &|_| false).unwrap();
    let parsed = |page: &notes_export::ir::Page| -> Vec<String> {
        let shown = page.blocks.iter().filter(|b| !b.is_empty());
        shown.map(|b| notes_export::ir::plain_text(b.title()).trim().to_string()).collect()
    };
    assert_eq!(parsed(&read(Needs::Flashcards)), ["parent", "Question #card", "answer"]);
    assert_eq!(parsed(&read(Needs::All)).len(), 6);
    assert_eq!(read(Needs::Flashcards).blocks.len(), 6, "every block keeps its place");
    std::fs::remove_dir_all(g).unwrap();
}

#[test]
fn a_deck_parses_a_reference_only_where_it_may_dangle() {
    let pages = [
        (
            "Cards.md",
            "- Question #card\n\t- answer\n- known ((11111111-2222-4333-8444-555555555555))\n\
             - unknown ((99999999-aaaa-4bbb-8ccc-dddddddddddd))\n\
             - split ((\n  99999999-aaaa-4bbb-8ccc-eeeeeeeeeeee))\n\
             - known in the end ((11111111-2222-4333-8444-555555555555)) but not (((99999999-aaaa-4bbb-8ccc-ffffffffffff))\n",
        ),
        ("Ids.md", "- a block with an id\n  id:: 11111111-2222-4333-8444-555555555555\n"),
    ];
    // Diagnostics as in a whole read.
    compare_pages("maydangle", &pages);
    let g = graph_of("maydangle-parsed", &pages);
    let loaded = notes_export::open(Path::new(&g)).unwrap();
    let known = |uuid: &str| loaded.graph.index.blocks.contains_key(uuid);
    let page = notes_export::read::load_page(
        &loaded.source.root,
        &loaded.config,
        &loaded.graph.pages[0],
        Needs::Flashcards,
        &known,
    )
    .unwrap();
    let parsed: Vec<u32> = page.blocks.iter().filter(|b| !b.body.is_empty()).map(|b| b.line).collect();
    assert_eq!(parsed, [1, 2, 4, 5, 7], "the card, its answer, and the references that may dangle");
    std::fs::remove_dir_all(g).unwrap();
}

#[test]
fn a_deck_leaves_quiet_pages_without_cards_unread() {
    let g = graph_of(
        "quiet",
        &[
            ("Cards.md", "- Question #card\n\t- answer\n"),
            ("Plain.md", "- nothing for a deck\n\t- or for a diagnostic\n"),
            ("Ids.md", "- a block with an id\n  id:: 11111111-2222-4333-8444-555555555555\n"),
            ("Refs.md", "- a reference ((99999999-aaaa-4bbb-8ccc-dddddddddddd))\n"),
        ],
    );
    let quiet: Vec<bool> = notes_export::open(Path::new(&g)).unwrap().skim.pages.iter().map(|s| s.quiet).collect();
    assert_eq!(quiet, [true, false, true, false]);
    // Removed after the skim: a page read in the export would now be reported unreadable.
    let run = |format: &str| {
        let mut loaded = notes_export::open(Path::new(&g)).unwrap();
        std::fs::rename(Path::new(&g).join("pages/Plain.md"), Path::new(&g).join("Plain.md.away")).unwrap();
        let o = options(format);
        let mut sink = MemorySink::default();
        let runs =
            vec![Run { job: exporter(format).start(&loaded.input(), &o).unwrap(), options: &o, sink: &mut sink }];
        let outcome = pipeline::run(&mut loaded, runs, None, &|_| {}).unwrap();
        std::fs::rename(Path::new(&g).join("Plain.md.away"), Path::new(&g).join("pages/Plain.md")).unwrap();
        let codes: Vec<&str> = outcome.diagnostics.iter().map(|d| d.code.as_str()).collect();
        (codes.join(" "), outcome.blocks)
    };
    assert_eq!(run("anki"), ("dangling-ref".to_string(), 6), "the deck reads all but Plain");
    assert_eq!(run("md"), ("unreadable dangling-ref".to_string(), 4), "Markdown reads every page");
    std::fs::remove_dir_all(g).unwrap();
}

#[test]
fn a_deck_of_some_pages_looks_for_flashcards_in_those_pages_only() {
    // The graph has a card, but not on the page exported: the deck falls back to outline
    // cards, which need every block of that page.
    let g = graph_of(
        "subset",
        &[("Cards.md", "- Question #card\n\t- answer\n"), ("Plain.md", "- a topic\n\t- its detail\n")],
    );
    let whole = notes_export::load(Path::new(&g)).unwrap();
    let mut streamed = notes_export::open(Path::new(&g)).unwrap();
    let mut o = options("anki");
    o.pages = Some(vec![false, true]);
    let expected = exporter("anki").export(&whole.graph, &o).unwrap();
    let mut sink = MemorySink::default();
    let runs = vec![Run { job: exporter("anki").start(&streamed.input(), &o).unwrap(), options: &o, sink: &mut sink }];
    pipeline::run(&mut streamed, runs, None, &|_| {}).unwrap();
    assert!(sink.artifacts[0].bytes == expected.artifacts[0].bytes, "same deck");
    std::fs::remove_dir_all(g).unwrap();
}

#[test]
fn a_card_shows_a_reference_to_a_block_outside_any_card() {
    // A deck reads the page with the referenced block for its flashcards only: the block's
    // body is not parsed there, and the card shows the copy pinned when the graph was opened.
    let g = graph_of(
        "ref-outside-cards",
        &[
            ("Cards.md", "- What is ((6a1f0c3e-0000-4000-8000-000000000001))? #card\n\t- an answer\n"),
            (
                "Facts.md",
                "- A **fact** worth [[citing]]\n  id:: 6a1f0c3e-0000-4000-8000-000000000001\n\t- its detail\n- other\n",
            ),
        ],
    );
    compare(&g);
    // Not only as the whole graph shows it: the referenced block's own text, formatted.
    let (files, diags) = streamed(&g, "anki-tagged");
    let deck = apkg::read(&files[0].bytes);
    let front = deck.notes()[0]["fields"][0].as_str().unwrap().to_string();
    assert!(front.contains("What is A <b>fact</b> worth"), "{front}");
    assert!(!front.contains("missing") && diags.is_empty(), "{front} {diags:?}");
    std::fs::remove_dir_all(g).unwrap();
}

/// Not only "the same as a whole read": across windows, a reference into a page not read yet
/// shows its block's text in every format, and a dangling one is reported at its line.
#[test]
fn references_across_windows_show_their_text() {
    let n = 3 * pipeline::WINDOW_CARDS;
    let mut pages: Vec<(String, String)> = (0..n).map(|k| (format!("P{k:04}.md"), format!("- filler {k}\n"))).collect();
    pages[0].1 = "- first refers to ((11111111-2222-4333-8444-555555555555)) #card\n\t- answer\n".into();
    pages[n - 1].1 = "- the far target text\n  id:: 11111111-2222-4333-8444-555555555555\n".into();
    pages[n / 2].1 = "- filler\n- broken ((99999999-aaaa-4bbb-8ccc-dddddddddddd))\n".into();
    let files: Vec<(&str, &str)> = pages.iter().map(|(f, t)| (f.as_str(), t.as_str())).collect();
    let g = graph_of("farrefs", &files);
    for format in export::names() {
        let (artifacts, diags) = streamed(&g, format);
        let shown: String = artifacts
            .iter()
            .map(|a| match a.path.extension().and_then(|e| e.to_str()) {
                Some("apkg") => format!("{:?}", apkg::read(&a.bytes).json),
                Some("docx") => {
                    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&a.bytes)).unwrap();
                    let mut xml = String::new();
                    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
                    // The text of the runs, without the markup between them.
                    let mut text = String::new();
                    for piece in xml.split('<') {
                        text.push_str(piece.split_once('>').map_or(piece, |(_, t)| t));
                    }
                    text
                }
                _ => String::from_utf8_lossy(&a.bytes).into_owned(),
            })
            .collect();
        match format {
            // The IR holds the reference's target, not its text.
            "json" => assert!(shown.contains(&format!("\"target\":{{\"page\":{},\"block\":0}}", n - 1)), "json"),
            _ => {
                assert!(shown.contains("first refers to the far target text"), "{format}: the reference shows its text")
            }
        }
        let broken: Vec<(u32, &str)> =
            diags.iter().filter(|d| d.file.ends_with(&pages[n / 2].0)).map(|d| (d.line, d.code.as_str())).collect();
        assert_eq!(broken, [(2, "dangling-ref")], "{format}: {diags:?}");
    }
    std::fs::remove_dir_all(g).unwrap();
}

/// A DB graph opened for export waits unread as a folder does (each page's text kept, the
/// entities not), and gives what reading it whole gives: a graph of our own with a card, a
/// block reference and an embed across pages, and Logseq's own where present.
#[test]
fn db_graphs_streamed_equal_whole() {
    let dir = common::tempdir();
    let uuid = |n: u32| format!(r#""~u00000000-0000-4000-8000-{n:012}""#);
    let mut datoms: Vec<(i64, String, String)> = vec![(1, "db/ident".into(), r#""~:logseq.class/Card""#.into())];
    for p in 0..6i64 {
        let page = 10 + p * 10;
        datoms.push((page, "block/name".into(), format!(r#""page {p}""#)));
        datoms.push((page, "block/title".into(), format!(r#""Page {p}""#)));
        datoms.push((page, "block/uuid".into(), uuid(page as u32)));
        for b in 1..4i64 {
            let id = page + b;
            let title = match (p, b) {
                (0, 1) => format!(r#""see (({}))""#, uuid(41).trim_matches('"').trim_start_matches("~u")),
                (2, 2) => r#""Which page holds the embed? #card""#.to_string(),
                (3, 1) => r#""""#.to_string(),
                _ => format!(r#""block {b} of page {p}""#),
            };
            datoms.push((id, "block/page".into(), page.to_string()));
            datoms.push((id, "block/parent".into(), if b == 3 { (page + 2).to_string() } else { page.to_string() }));
            datoms.push((id, "block/order".into(), format!(r#""a{b}""#)));
            datoms.push((id, "block/title".into(), title));
            datoms.push((id, "block/uuid".into(), uuid(id as u32)));
            if (p, b) == (2, 2) {
                datoms.push((id, "block/tags".into(), "1".into()));
            }
            if (p, b) == (3, 1) {
                datoms.push((id, "block/link".into(), "52".into()));
            }
        }
    }
    datoms.sort();
    let datoms: Vec<(i64, &str, &str)> = datoms.iter().map(|(e, a, v)| (*e, a.as_str(), v.as_str())).collect();
    common::db_graph(dir.path(), &datoms, "[]");
    compare(dir.path().to_str().unwrap());
    for name in ["aws", "aws-edn", "flashcards", "flashcards-edn"] {
        if let Some(g) = common::shared(&format!("logseq-db/graphs/{name}")) {
            compare(g.to_str().unwrap());
        }
    }
}
