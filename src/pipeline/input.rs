//! What an exporter reads: the resolved graph, whole for the pages it is handed, and any block
//! a reference or embed on them reaches, wherever that block's page is.

use crate::ir::{Block, BlockAddr, Graph, Inline, RefText, MAX_EXPANSION};
use crate::read::Skim;

/// The graph as an exporter sees it. Page `p` handed to [`crate::export::Job::page`] holds all
/// its blocks; so does every page an embed expands (the loader reads those whole first). A
/// block elsewhere is reached through a reference's address with [`Input::block`], which
/// finds it whether or not its page is read yet.
#[derive(Clone, Copy)]
pub struct Input<'a> {
    pub graph: &'a Graph,
    skim: Option<&'a Skim>,
}

impl std::ops::Deref for Input<'_> {
    type Target = Graph;
    fn deref(&self) -> &Graph {
        self.graph
    }
}

impl<'a> Input<'a> {
    /// A graph read whole.
    pub fn whole(graph: &'a Graph) -> Self {
        Input { graph, skim: None }
    }

    /// A graph being read a window at a time.
    pub(crate) fn skimmed(graph: &'a Graph, skim: &'a Skim) -> Self {
        Input { graph, skim: Some(skim) }
    }

    /// The block at `addr`, a resolved reference's or a block of a page being written. A
    /// resolved address always finds its block; an address that names none (which no resolved
    /// reference holds) gives an empty block rather than a failure.
    pub fn block(&self, addr: BlockAddr) -> &'a Block {
        static EMPTY: Block = Block::EMPTY;
        let graph: &'a Graph = self.graph;
        match self.skim {
            Some(skim) if skim.unread(addr.page) => skim.pinned.get(&addr),
            _ => graph.block(addr),
        }
        .unwrap_or(&EMPTY)
    }

    /// The text of footnote `label` in the block at `addr` (a resolved footnote mark's target).
    pub fn footnote(&self, addr: BlockAddr, label: &str) -> Option<&'a [Inline]> {
        self.block(addr).footnotes().into_iter().find(|(l, _)| *l == label).map(|(_, text)| text)
    }

    /// What a block reference shows, given the blocks already being expanded: the target's
    /// first line, or why not (it leads back into the expansion, or names no block).
    pub fn ref_text(&self, target: Option<BlockAddr>, expanding: &[BlockAddr]) -> RefText<'a> {
        match target {
            Some(t) if !expanding.contains(&t) && expanding.len() < MAX_EXPANSION => {
                // The pinned copy when there is one: a page read for its flashcards only
                // leaves the body of a block with an id unparsed.
                let pinned = self.skim.and_then(|s| s.pinned.get(&t));
                RefText::Title(t, pinned.unwrap_or_else(|| self.block(t)).title())
            }
            Some(_) => RefText::Circular,
            None => RefText::Missing,
        }
    }

    /// Whether page `p` has a flashcard: from the skim when the page was skimmed, else from
    /// its blocks.
    pub fn has_flashcards(&self, p: u32) -> bool {
        match self.skim.and_then(|s| s.flashcards(p)) {
            Some(known) => known,
            None => self.graph.pages[p as usize].blocks.iter().any(crate::ir::is_flashcard),
        }
    }
}
