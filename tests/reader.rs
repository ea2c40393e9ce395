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
