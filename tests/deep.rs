//! A page nested 100,000 blocks deep exports in every format on an ordinary 8 MB thread (and
//! on the thread pool's default stacks): no walk over the outline recurses per level.

#[path = "common/apkg.rs"]
mod apkg;
mod common;

use notes_export::ir::{Block, BlockAddr, Inline, Node, Pos};
use std::io::Read;

const DEPTH: u32 = 100_000;

/// One page whose blocks each hold the next: the first is a flashcard with an id, the deepest
/// refers to it and is a cloze card.
fn deep_page() -> notes_export::Loaded {
    let mut loaded =
        common::one_page("- level 0 #card\n  id:: 11111111-2222-4333-8444-555555555555\n- sibling after the chain\n");
    let page = &mut loaded.graph.pages[0];
    let top = page.blocks[0].clone();
    let mut blocks = vec![top];
    for d in 1..DEPTH {
        let mut inlines = vec![Inline::Text { text: format!("level {d} ") }];
        if d == DEPTH - 1 {
            let target = Some(BlockAddr { page: 0, block: 0 });
            let uuid = "11111111-2222-4333-8444-555555555555".to_string();
            inlines.push(Inline::BlockRef { uuid, label: None, target, pos: Pos::default() });
            let answer = vec![Inline::Text { text: "bottom".into() }];
            inlines.push(Inline::Cloze { number: None, answer, hint: None });
        }
        blocks.push(Block {
            line: d + 1,
            depth: d + 1,
            parent: Some(d - 1),
            content: format!("level {d}"),
            body: vec![Node::Paragraph { inlines }],
            ..Block::EMPTY
        });
        blocks[d as usize - 1].children = vec![d];
    }
    let mut sibling = page.blocks[1].clone();
    sibling.line = DEPTH + 1;
    blocks.push(sibling);
    page.roots = vec![0, DEPTH];
    page.blocks = blocks;
    loaded
}

fn unzipped(bytes: &[u8], member: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut text = String::new();
    zip.by_name(member).expect(member).read_to_string(&mut text).unwrap();
    text
}

#[test]
fn a_hundred_thousand_levels_export_on_an_eight_megabyte_thread() {
    let worker = std::thread::Builder::new().stack_size(8 << 20).spawn(|| {
        let loaded = deep_page();
        let options = notes_export::export::Options::default();
        let mut seen = Vec::new();
        for exporter in notes_export::export::registry() {
            let name = exporter.name();
            let out = exporter.export(&loaded.graph, &options).unwrap_or_else(|e| panic!("{name}: {e}"));
            let first = &out.artifacts[0].bytes;
            let text = match name {
                "docx" => unzipped(first, "word/document.xml"),
                "anki" => {
                    let deck = format!("{:?}", apkg::read(first).json);
                    assert!(deck.contains("{{c1::bottom}}"), "anki: the deepest card");
                    deck
                }
                _ => String::from_utf8(first.clone()).unwrap(),
            };
            // The deepest block, after 99,999 levels, and the block after the chain.
            assert!(text.contains(&format!("level {}", DEPTH - 1)), "{name}: the deepest block");
            // (A deck holds the flashcards alone.)
            if name != "anki" {
                assert!(text.contains("sibling after the chain"), "{name}: the block after the chain");
            }
            if name != "json" {
                assert!(!text.contains("circular reference"), "{name}: a deep reference is no cycle");
            }
            seen.push(name);
        }
        seen
    });
    let seen = worker.unwrap().join().expect("no stack overflow");
    assert_eq!(seen.len(), notes_export::export::registry().len());
}
