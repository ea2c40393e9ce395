//! Logseq's flashcards (its `srs` feature): a block tagged `card`, or holding a cloze. Readers
//! use this to know which blocks a deck needs; the Anki exporter to choose its notes.

use super::{for_each_inline, Block, Inline};

/// `#name`, `#[[name]]` or `[[name]]` (without a label), case-insensitively.
pub fn is_marker(i: &Inline, name: &str) -> bool {
    match i {
        Inline::Tag { name: n, .. } | Inline::PageRef { name: n, label: None, .. } => n.eq_ignore_ascii_case(name),
        _ => false,
    }
}

/// Whether the block's text holds an inline for which `f` is true.
pub fn has_inline(block: &Block, f: &dyn Fn(&Inline) -> bool) -> bool {
    let mut found = false;
    for_each_inline(&block.body, &mut |i| found |= f(i));
    found
}

/// Whether the block holds a cloze, and whether it is tagged a card, from one walk of its text.
pub fn card_kinds(block: &Block) -> (bool, bool) {
    let (mut cloze, mut tagged) = (false, false);
    for_each_inline(&block.body, &mut |i| {
        cloze |= matches!(i, Inline::Cloze { .. });
        tagged |= is_marker(i, "card");
    });
    (cloze, tagged)
}

pub fn is_flashcard(block: &Block) -> bool {
    let (cloze, tagged) = card_kinds(block);
    cloze || tagged
}
