//! What skimming a graph folder leaves beside the IR: which pages wait to be read whole, what
//! the skim saw of each, and the blocks other pages can reach ("pinned"). The pipeline reads
//! the waiting pages a window at a time; exporters never see this state.

use crate::ir::{Block, BlockAddr};
use rayon::prelude::*;

/// Which blocks of a page an exporter needs parsed. Pages are always read with their titles,
/// properties and the blocks other pages can reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Needs {
    #[default]
    All,
    /// Flashcards with their ancestors and descendants, and every block a diagnostic can come
    /// from (references to ids the graph may not hold, embeds, images); the others keep their
    /// place and properties but list no children (a reference to one with an id shows the
    /// copy pinned when the graph was opened).
    Flashcards,
}

/// The skim's state of a graph read in part; empty for a graph read whole.
#[derive(Debug, Default)]
pub struct Skim {
    /// Per page, when the graph was skimmed.
    pub pages: Vec<Skimmed>,
    /// The blocks of unread pages that a reference or embed can reach.
    pub pinned: Pinned,
}

impl Skim {
    /// Whether page `p` waits to be read whole (its blocks are not in the IR).
    pub fn unread(&self, p: u32) -> bool {
        self.pages.get(p as usize).is_some_and(|s| s.unread)
    }

    /// Marks page `p` read whole, or unread again once its blocks are dropped.
    pub fn set_unread(&mut self, p: u32, unread: bool) {
        if let Some(s) = self.pages.get_mut(p as usize) {
            s.unread = unread;
        }
    }

    /// Whether page `p` has a flashcard, as far as the skim saw; `None` if it did not see it.
    pub fn flashcards(&self, p: u32) -> Option<bool> {
        self.pages.get(p as usize).map(|s| s.flashcards)
    }
}

/// What skimming a page found besides what the page's entry in the IR holds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Skimmed {
    /// Blocks in the page.
    pub blocks: u32,
    /// Reading the page whole can give no diagnostic the skim did not: it has no block
    /// reference or footnote mark, and no block with an id, an image or an embed.
    pub quiet: bool,
    /// Whether a block of the page is a flashcard (see [`crate::ir::is_flashcard`]).
    pub flashcards: bool,
    /// The page's blocks are not in the IR (not read yet, or dropped after their window).
    pub unread: bool,
}

/// The pinned blocks of unread pages, kept by page: a page's blocks are handed over as the
/// skim read them (in block order), so building the set moves no block and hashes nothing,
/// and a lookup is an index and a short search.

#[derive(Debug, Clone, Default)]
pub struct Pinned {
    /// Page index → its pinned blocks, by block index (ascending).
    by_page: Vec<Vec<(u32, Block)>>,
}

impl Pinned {
    /// Adds the next page's pinned blocks (block indexes ascending).
    pub fn push_page(&mut self, blocks: Vec<(u32, Block)>) {
        debug_assert!(blocks.windows(2).all(|w| w[0].0 < w[1].0), "pinned blocks in block order");
        self.by_page.push(blocks);
    }

    fn position(&self, addr: &BlockAddr) -> Option<(usize, usize)> {
        let page = self.by_page.get(addr.page as usize)?;
        let at = page.binary_search_by_key(&addr.block, |(b, _)| *b).ok()?;
        Some((addr.page as usize, at))
    }

    pub fn get(&self, addr: &BlockAddr) -> Option<&Block> {
        self.position(addr).map(|(p, at)| &self.by_page[p][at].1)
    }

    pub fn get_mut(&mut self, addr: &BlockAddr) -> Option<&mut Block> {
        self.position(addr).map(|(p, at)| &mut self.by_page[p][at].1)
    }

    /// Every pinned block in address order.
    pub fn iter(&self) -> impl Iterator<Item = (BlockAddr, &Block)> {
        self.by_page.iter().enumerate().flat_map(|(p, blocks)| blocks.iter().map(move |(b, block)| (at(p, *b), block)))
    }

    pub fn par_iter(&self) -> impl ParallelIterator<Item = (BlockAddr, &Block)> {
        self.by_page
            .par_iter()
            .enumerate()
            .flat_map_iter(|(p, blocks)| blocks.iter().map(move |(b, block)| (at(p, *b), block)))
    }

    pub fn par_iter_mut(&mut self) -> impl ParallelIterator<Item = (BlockAddr, &mut Block)> {
        self.by_page
            .par_iter_mut()
            .enumerate()
            .flat_map_iter(|(p, blocks)| blocks.iter_mut().map(move |(b, block)| (at(p, *b), block)))
    }

    /// Keeps the blocks `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(BlockAddr, &Block) -> bool) {
        for (p, blocks) in self.by_page.iter_mut().enumerate() {
            blocks.retain(|(b, block)| keep(at(p, *b), block));
        }
    }

    /// Drops a page's pinned blocks (the page was read whole).
    pub fn clear_page(&mut self, page: u32) {
        if let Some(blocks) = self.by_page.get_mut(page as usize) {
            *blocks = Vec::new();
        }
    }
}

/// The address of block `b` of page `p`.
fn at(p: usize, b: u32) -> BlockAddr {
    BlockAddr { page: p as u32, block: b }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(line: u32) -> Block {
        Block { line, ..Block::EMPTY }
    }

    #[test]
    fn finds_blocks_by_address() {
        let mut pinned = Pinned::default();
        pinned.push_page(vec![(0, block(1)), (4, block(5)), (9, block(10))]);
        pinned.push_page(Vec::new());
        pinned.push_page(vec![(2, block(3))]);
        let at = |page, block| BlockAddr { page, block };
        assert_eq!(pinned.get(&at(0, 4)).map(|b| b.line), Some(5));
        assert_eq!(pinned.get(&at(2, 2)).map(|b| b.line), Some(3));
        assert!(pinned.get(&at(0, 5)).is_none() && pinned.get(&at(1, 0)).is_none() && pinned.get(&at(7, 0)).is_none());
        let all: Vec<BlockAddr> = pinned.iter().map(|(a, _)| a).collect();
        assert_eq!(all, [at(0, 0), at(0, 4), at(0, 9), at(2, 2)]);
        let par: Vec<BlockAddr> = pinned.par_iter().map(|(a, _)| a).collect();
        assert_eq!(par, all);
        pinned.par_iter_mut().for_each(|(a, b)| b.line = a.page * 100 + a.block);
        assert_eq!(pinned.get(&at(2, 2)).map(|b| b.line), Some(202));
        pinned.retain(|a, _| a.block != 4);
        pinned.clear_page(2);
        assert_eq!(pinned.iter().count(), 2);
        assert!(pinned.get(&at(0, 4)).is_none() && pinned.get(&at(2, 2)).is_none());
        if let Some(b) = pinned.get_mut(&at(0, 9)) {
            b.line = 1;
        }
        assert_eq!(pinned.get(&at(0, 9)).map(|b| b.line), Some(1));
    }
}
