//! OPML, read back as XML: one outline per page holding one per block, nested as the IR's
//! blocks are, a block's first line its `text` and the rest its `_note`, references resolved.

mod common;

use notes_export::export::{self, Options};
use notes_export::ir::{BlockAddr, Graph, Inline};
use std::path::Path;

fn opml(graph: &Graph) -> String {
    let out = export::by_name("opml").unwrap().export(graph, &Options::default()).unwrap();
    assert_eq!(out.artifacts.len(), 1);
    String::from_utf8(out.artifacts[0].bytes.clone()).unwrap()
}

/// An outline's shape: its children's shapes, and its text when the oracle knows it.
#[derive(Debug, PartialEq)]
struct Shape {
    text: Option<String>,
    children: Vec<Shape>,
}

fn read_shape(node: roxmltree::Node, known: &Shape) -> Shape {
    let children: Vec<roxmltree::Node> = node.children().filter(|c| c.has_tag_name("outline")).collect();
    Shape {
        // Compared where the IR tells what it must be (see `expected`).
        text: known.text.as_ref().map(|_| node.attribute("text").unwrap_or_default().to_string()),
        children: children
            .iter()
            .enumerate()
            .map(|(k, c)| read_shape(*c, known.children.get(k).unwrap_or(&Shape { text: None, children: vec![] })))
            .collect(),
    }
}

/// What the IR says a page's outline holds: every block but an empty page-properties block,
/// a block of properties or embeds alone replaced by what it holds, embeds expanded under their
/// block. A block whose first line is plain words must show exactly those.
fn expected(graph: &Graph, page: u32, blocks: &[u32], depth: usize) -> Vec<Shape> {
    let mut out = Vec::new();
    if depth > 20 {
        return out;
    }
    for &b in blocks {
        let blk = &graph.pages[page as usize].blocks[b as usize];
        if blk.pre_block && blk.body.is_empty() && blk.children.is_empty() {
            continue;
        }
        let mut under = Vec::new();
        notes_export::ir::for_each_inline(&blk.body, &mut |i| {
            if let Inline::Embed { block, page: p, cyclic: false, .. } = i {
                match (block, p) {
                    (Some(BlockAddr { page, block }), _) => under.extend(expected(graph, *page, &[*block], depth + 1)),
                    (None, Some(p)) => under.extend(expected(graph, *p, &graph.pages[*p as usize].roots, depth + 1)),
                    _ => {}
                }
            }
        });
        under.extend(expected(graph, page, &blk.children, depth + 1));
        if blk.is_placeholder() {
            out.extend(under);
            continue;
        }
        let plain = blk.marker.is_none()
            && blk.typed_number().is_none()
            && !blk.title().is_empty()
            && blk.title().iter().all(|i| matches!(i, Inline::Text { .. }));
        // XML 1.0 holds no control characters: the reader warned of them, the outline leaves them out.
        let text = plain.then(|| {
            let t = notes_export::ir::plain_text(blk.title());
            t.replace(|c: char| c < ' ' && c != '\t' && c != '\n', "").trim().to_string()
        });
        out.push(Shape { text, children: under });
    }
    out
}

/// The outline of every page equals the IR's tree: same nesting, same first lines.
fn outline_equals_ir(graph_dir: &Path) {
    let loaded = notes_export::load(graph_dir).unwrap();
    let graph = &loaded.graph;
    let xml = opml(graph);
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{}: not XML: {e}", graph_dir.display()));
    let root = doc.root_element();
    assert_eq!((root.tag_name().name(), root.attribute("version")), ("opml", Some("2.0")));
    let head = root.children().find(|c| c.has_tag_name("head")).expect("a head");
    let title = head.children().find(|c| c.has_tag_name("title")).and_then(|t| t.text());
    assert_eq!(title, Some(graph.name.as_str()));
    let body = root.children().find(|c| c.has_tag_name("body")).expect("a body");
    let pages: Vec<roxmltree::Node> = body.children().filter(|c| c.has_tag_name("outline")).collect();
    assert_eq!(pages.len(), graph.pages.len(), "{}: an outline per page", graph_dir.display());
    let mut compared = 0;
    for (p, node) in pages.iter().enumerate() {
        let page = &graph.pages[p];
        assert_eq!(node.attribute("text"), Some(page.title.as_str()));
        let want = Shape { text: None, children: expected(graph, p as u32, &page.roots, 0) };
        let got = read_shape(*node, &want);
        assert_eq!(got, want, "{}: {}", graph_dir.display(), page.file);
        compared += want.children.iter().filter(|s| s.text.is_some()).count();
    }
    assert!(compared > 0, "{}: some first lines compared", graph_dir.display());
}

#[test]
fn outlines_equal_the_ir_tree() {
    let (_generated, graphs) = common::whole_graphs();
    for graph in graphs.iter().map(|g| g.as_path()).chain([Path::new("fixtures/seed")]) {
        outline_equals_ir(graph);
    }
    for case in ["blocks", "titles", "inline", "refs", "cards"] {
        outline_equals_ir(&common::root().join("fixtures/cases").join(case));
    }
}

#[test]
fn notes_references_and_markup() {
    let dir = common::graph_of(&[
        (
            "pages/Cells.md",
            "- TODO The **cell** is the unit of [[Life]] #biology\n  A second line & more.\n\
             - Its parts:\n  ```\n  nucleus <core>\n  ```\n  | a | b |\n  |---|---|\n  | 1 | 2 |\n\
             - see ((11111111-2222-4333-8444-555555555555)) and [the site](https://example.org)\n\
             - {{cloze mitochondria}} make energy\n\
             - A block to embed\n  id:: 11111111-2222-4333-8444-555555555555\n\t- its child\n\
             - {{embed ((11111111-2222-4333-8444-555555555555))}}\n",
        ),
        ("pages/Life.md", "- alive\n"),
    ]);
    let loaded = notes_export::load(dir.path()).unwrap();
    let xml = opml(&loaded.graph);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let outlines: Vec<(String, Option<String>)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("outline"))
        .map(|n| (n.attribute("text").unwrap().to_string(), n.attribute("_note").map(String::from)))
        .collect();
    let text = |t: &str| outlines.iter().find(|(x, _)| x == t).unwrap_or_else(|| panic!("{t:?} in {outlines:?}"));
    assert_eq!(text("TODO The cell is the unit of Life #biology").1.as_deref(), Some("A second line & more."));
    assert_eq!(text("Its parts:").1.as_deref(), Some("nucleus <core>\n\na | b\n1 | 2"));
    text("see A block to embed and the site (https://example.org)");
    text("mitochondria make energy");
    // The embedded block, with its child, under the block that embeds it: in place of it, as
    // that block shows nothing of its own.
    let embedded = outlines.iter().filter(|(t, _)| t == "A block to embed").count();
    assert_eq!(embedded, 2);
    assert_eq!(outlines.iter().filter(|(t, _)| t == "its child").count(), 2);
    // The escapes a reader undoes: markup characters, and line breaks kept in the note.
    assert!(xml.contains("_note=\"nucleus &lt;core&gt;&#10;&#10;a | b&#10;1 | 2\""), "{xml}");
}

#[test]
fn golden_fixtures() {
    for case in ["refs", "inline"] {
        let loaded = notes_export::load(&common::root().join("fixtures/cases").join(case)).unwrap();
        common::assert_golden(
            &common::root().join("tests/golden/opml").join(format!("{case}.opml")),
            &opml(&loaded.graph),
        );
    }
}

#[test]
fn the_command_writes_one_file_named_for_the_graph() {
    let dir = common::tempdir();
    let seed = common::root().join("fixtures/seed");
    let o = common::bin().arg("opml").arg(&seed).arg("-q").current_dir(dir.path()).output().unwrap();
    assert!(o.status.success(), "{}", common::stderr(&o));
    let text = std::fs::read_to_string(dir.path().join("seed.opml")).expect("seed.opml by default");
    assert!(text.starts_with("<?xml") && text.contains("<outline text=\"AWS\">"), "{text}");
    // Notes piped in give the outline on standard output.
    let page = dir.path().join("page.md");
    std::fs::write(&page, "- from standard input\n").unwrap();
    let mut piped = common::bin();
    piped.args(["opml", "-", "-q"]).stdin(std::fs::File::open(&page).unwrap());
    let o = piped.output().unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("<outline text=\"from standard input\"/>"), "{o:?}");
}
