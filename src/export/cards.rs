//! Which blocks are flashcards, chosen once for every format that asks questions: the deck
//! makes a note of each, the worksheet a prompt, so a worksheet asks what the deck asks.

use super::{Input, Options};
use crate::ir::{card_kinds, has_inline, is_marker, BlockAddr, Page, Property};

/// Which blocks become cards (`--cards`, `anki.cards`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CardMode {
    /// Tagged and cloze cards when the notes have any, otherwise outline cards.
    #[default]
    Auto,
    /// Only blocks tagged `#card` and blocks with clozes.
    Tagged,
    /// Every block with children (front = block, back = children), plus clozes.
    Outline,
}

/// The kind of card a block makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CardKind {
    /// A question (the block) and its answer (its children): `#card`, or an outline card.
    Basic,
    /// `#card` with `#reversed` (or `card-direction:: reversed`): asked both ways.
    Reversed,
    /// A block with clozes: its text with each answer hidden.
    Cloze,
}

/// Whether blocks with children are cards: asked for, or in auto mode when no selected page
/// has a flashcard (which the skim knows before the pages are read).
pub fn outline_cards(graph: &Input, options: &Options) -> bool {
    match options.cards {
        CardMode::Outline => true,
        CardMode::Tagged => false,
        CardMode::Auto => !(0..graph.pages.len() as u32).any(|p| options.includes(p) && graph.has_flashcards(p)),
    }
}

/// The kind of card each block of a page makes (`None`: none), in block order, leaving out
/// the text before the first block and the blocks `anki:: false` excludes.
pub fn card_blocks(graph: &Input, pi: u32, outline: bool) -> Vec<(u32, Option<CardKind>)> {
    let page = &graph.pages[pi as usize];
    let excluded = excluded_blocks(page);
    let mut out = Vec::new();
    for (b, block) in page.blocks.iter().enumerate() {
        if block.pre_block || excluded[b] {
            continue;
        }
        let a = BlockAddr { page: pi, block: b as u32 };
        // Each block's text is walked once, not once per question asked of it.
        let (cloze, tagged) = card_kinds(graph.block(a));
        let kind = if cloze {
            Some(CardKind::Cloze)
        } else if tagged {
            Some(if is_reversed(graph, a) { CardKind::Reversed } else { CardKind::Basic })
        } else if outline && !block.is_empty() && has_visible_children(graph, a) {
            Some(CardKind::Basic)
        } else {
            None
        };
        out.push((b as u32, kind));
    }
    out
}

/// Blocks left out of the cards: `anki:: false` on the block or an ancestor, or on the page.
fn excluded_blocks(page: &Page) -> Vec<bool> {
    let off = |props: &[Property]| {
        props
            .iter()
            .any(|p| p.key == "anki" && matches!(p.raw.trim().to_ascii_lowercase().as_str(), "false" | "no" | "off"))
    };
    if off(&page.properties) {
        return vec![true; page.blocks.len()];
    }
    // Parents come before their children in document order.
    let mut out = vec![false; page.blocks.len()];
    for (b, block) in page.blocks.iter().enumerate() {
        out[b] = off(&block.properties) || block.parent.is_some_and(|p| out[p as usize]);
    }
    out
}

fn is_reversed(graph: &Input, a: BlockAddr) -> bool {
    has_inline(graph.block(a), &|i| is_marker(i, "reversed"))
        || graph
            .block(a)
            .properties
            .iter()
            .any(|p| p.key == "card-direction" && p.raw.trim().eq_ignore_ascii_case("reversed"))
}

/// Whether a block has a child with something in it: an outline card's answer.
fn has_visible_children(graph: &Input, a: BlockAddr) -> bool {
    let page = &graph.pages[a.page as usize];
    page.blocks[a.block as usize].children.iter().any(|&c| {
        let b = &page.blocks[c as usize];
        !b.is_empty() || !b.children.is_empty()
    })
}
