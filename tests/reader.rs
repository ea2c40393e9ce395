//! Reader rules Logseq follows, each on a minimal page: what the IR holds for it.

mod common;

use notes_export::ir::{plain_text, Block, Node};

fn blocks(text: &str) -> Vec<Block> {
    common::one_page(text).graph.pages.remove(0).blocks
}

/// A heading block's first line is its heading and the rest its body: the first paragraph is
/// cut at the first line break, so no exporter glues a body line into the heading.
#[test]
fn a_heading_line_is_apart_from_the_body_under_it() {
    let b = &blocks("- ### Heading\n  Paragraph two.\n  more\n  #+BEGIN_NOTE\n  A note\n  #+END_NOTE\n")[0];
    let (head, rest) = b.heading_parts().expect("a heading block");
    assert_eq!(plain_text(head), "Heading");
    let [Node::Paragraph { inlines }, Node::Admonition { .. }] = rest else { panic!("{rest:?}") };
    assert_eq!(plain_text(inlines), "Paragraph two. more");
    // A one-line heading and a plain block are as before.
    let b = &blocks("- ## Only\n")[0];
    assert_eq!(b.body.len(), 1);
    assert_eq!(plain_text(b.heading_parts().unwrap().0), "Only");
    assert!(blocks("- plain\n  two\n")[0].heading_parts().is_none());
}

/// `heading:: N` makes an hN; `heading:: true` sizes the heading by depth (h2 at the top, h3
/// one level down, at most h6); `#` marks win over the property.
#[test]
fn the_heading_property_sets_the_size() {
    let b = blocks(
        "- two\n  heading:: 2\n- auto\n  heading:: true\n\t- auto below\n\t  heading:: true\n- ## marks\n  heading:: 4\n- no\n  heading:: false\n- big\n  heading:: 9\n",
    );
    let sizes: Vec<(String, Option<u8>)> = b.iter().map(|b| (plain_text(b.title()), b.heading)).collect();
    assert_eq!(
        sizes,
        [
            ("two".to_string(), Some(2)),
            ("auto".into(), Some(2)),
            ("auto below".into(), Some(3)),
            ("marks".into(), Some(2)),
            ("no".into(), None),
            ("big".into(), None),
        ]
    );
}

/// A graph folder with the given pages, read and resolved.
fn graph(pages: &[(&str, &str)]) -> notes_export::ir::Graph {
    let files: Vec<(String, &str)> = pages.iter().map(|(file, text)| (format!("pages/{file}"), *text)).collect();
    let files: Vec<(&str, &str)> = files.iter().map(|(f, t)| (f.as_str(), *t)).collect();
    let dir = common::graph_of(&files);
    notes_export::load(dir.path()).unwrap().graph
}

/// `[[Introduction to [[Logseq]]]]` refers to both pages: the outer name, and the inner page
/// as a reference within its label, as Logseq links both.
#[test]
fn a_nested_page_reference_refers_to_both_pages() {
    use notes_export::ir::Inline;
    let g = graph(&[
        ("Notes.md", "- see [[Introduction to [[Logseq]]]] now\n"),
        ("Logseq.md", "- the app\n"),
        ("Introduction to [[Logseq]].md", "- intro\n"),
    ]);
    let notes = g.pages.iter().find(|p| p.title == "Notes").unwrap();
    let [Node::Paragraph { inlines }] = notes.blocks[0].body.as_slice() else { panic!() };
    let Inline::PageRef { name, label: Some(label), page: Some(outer) } = &inlines[1] else { panic!("{inlines:?}") };
    assert_eq!(name, "Introduction to [[Logseq]]");
    assert_eq!(g.pages[*outer as usize].title, "Introduction to [[Logseq]]");
    let Inline::PageRef { name, page: Some(inner), .. } = &label[1] else { panic!("{label:?}") };
    assert_eq!((name.as_str(), g.pages[*inner as usize].title.as_str()), ("Logseq", "Logseq"));
    assert_eq!(plain_text(label), "Introduction to Logseq");
}

/// A tag may be glued to the word before it, and `)` belongs to its name, as mldoc reads them
/// (Logseq's own parser makes `(addresses #9920)` the tag `9920)`); an HTML entity is no tag.
#[test]
fn tags_follow_logseq_rules() {
    use notes_export::ir::Inline;
    let tags = |text: &str| -> Vec<String> {
        let b = &blocks(text)[0];
        let mut out = Vec::new();
        notes_export::ir::for_each_inline(&b.body, &mut |i| {
            if let Inline::Tag { name, .. } = i {
                out.push(name.clone());
            }
        });
        out
    };
    assert_eq!(tags("- x#glued and (#paren) and #end.\n"), ["glued", "paren)", "end"]);
    assert_eq!(tags("- it&#39;s C# or F#, not a tag\n"), Vec::<String>::new());
}

/// A task marker needs a space after it, as in mldoc: `TODO` alone on its line is text.
#[test]
fn a_marker_alone_on_its_line_is_text() {
    let b = blocks("- TODO\n- TODO write it\n- DONE\tnot with a tab\n- LATER\n  more\n");
    let markers: Vec<Option<&str>> = b.iter().map(|b| b.marker.as_deref()).collect();
    assert_eq!(markers, [None, Some("TODO"), None, None]);
    assert_eq!(plain_text(b[0].title()), "TODO");
}

/// A footnote mark's label is a word: a regex's `[^{}]` or `[^$]` is text, with no warning.
#[test]
fn a_regex_class_is_not_a_footnote_mark() {
    use notes_export::ir::Inline;
    let loaded = common::one_page("- match `x` with [^{}]+ or [^$]* here[^1]\n- [^1]: the note\n");
    let b = &loaded.graph.pages[0].blocks[0];
    let mut marks = Vec::new();
    notes_export::ir::for_each_inline(&b.body, &mut |i| {
        if let Inline::FootnoteRef { label, .. } = i {
            marks.push(label.clone());
        }
    });
    assert_eq!(marks, ["1"]);
    assert!(plain_text(b.title()).contains("[^{}]+ or [^$]*"), "{}", plain_text(b.title()));
    assert!(loaded.reading_diagnostics(None).is_empty(), "{:?}", loaded.reading_diagnostics(None));
}

/// `$$` on its own line opens displayed math that runs to the closing `$$`, with an
/// environment inside it; text after it and a one-line `$$…$$` keep their own pairs.
#[test]
fn display_math_runs_over_lines() {
    use notes_export::ir::Inline;
    let b = &blocks(
        "- Sum:\n  $$\n  \\begin{aligned}\n  a &= b \\\\\n  c &= \\frac{1}{2}\n  \\end{aligned}\n  $$\n  hence\n  $$x = \\frac{1}{2}$$\n",
    )[0];
    let [Node::Paragraph { .. }, Node::Math { tex }, Node::Paragraph { inlines }] = b.body.as_slice() else {
        panic!("{:?}", b.body)
    };
    assert_eq!(tex, "\\begin{aligned}\na &= b \\\\\nc &= \\frac{1}{2}\n\\end{aligned}");
    assert_eq!(inlines[0], Inline::Text { text: "hence".into() });
    assert_eq!(inlines[2], Inline::Math { tex: "x = \\frac{1}{2}".into(), display: true });
    // Math starting on the `$$` line, and a `$$` that never closes (text).
    let b = &blocks("- $$ E = mc^2\n  $$\n- costs $$ 5\n  and more\n");
    assert_eq!(b[0].body, [Node::Math { tex: "E = mc^2".into() }]);
    assert!(plain_text(b[1].title()).contains("$$ 5"), "{:?}", b[1].body);
}

/// Files as Logseq writes them: a picture whose name has a space, org's `[[../assets/pic.png]]`
/// (an image) and `[[../assets/doc.pdf]]` (a file), and an image tag naming a PDF (a file
/// link, not a missing image).
#[test]
fn files_and_pictures_by_path() {
    use notes_export::ir::Inline;
    let dir = common::files_graph();
    let loaded = notes_export::load(dir.path()).unwrap();
    let page = |t: &str| loaded.graph.pages.iter().find(|p| p.title == t).unwrap();
    let first = |b: &Block| match b.body.as_slice() {
        [Node::Paragraph { inlines }] => inlines.iter().find(|i| !matches!(i, Inline::Text { .. })).cloned().unwrap(),
        other => panic!("{other:?}"),
    };
    let f = page("F");
    assert!(matches!(first(&f.blocks[0]), Inline::Link { asset: Some(a), .. } if a == "assets/doc.pdf"));
    assert!(matches!(first(&f.blocks[1]), Inline::Link { asset: Some(a), .. } if a == "assets/doc.pdf"));
    assert!(matches!(first(&f.blocks[2]), Inline::Link { asset: Some(a), .. } if a == "assets/talk.mp3"));
    assert!(matches!(first(&f.blocks[3]), Inline::Image { asset: Some(a), .. } if a == "assets/my diagram.png"));
    let o = page("O");
    assert!(matches!(first(&o.blocks[0]), Inline::Link { asset: Some(a), .. } if a == "assets/doc.pdf"));
    assert!(matches!(first(&o.blocks[1]), Inline::Image { asset: Some(a), .. } if a == "assets/my diagram.png"));
    assert!(loaded.reading_diagnostics(None).is_empty(), "{:?}", loaded.reading_diagnostics(None));
}

/// A link to a file the graph does not have is reported once, as a file.
#[test]
fn a_missing_linked_file_is_reported() {
    let loaded = common::one_page("- see [notes](../assets/gone.pdf)\n");
    let said: Vec<String> = loaded.reading_diagnostics(None).iter().map(|d| d.to_string()).collect();
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].contains("warning[missing-asset]: file 'assets/gone.pdf' does not exist"), "{said:?}");
}
