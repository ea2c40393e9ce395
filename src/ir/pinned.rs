//! The pinned blocks of stub pages, kept by page: a page's blocks are handed over as the skim
//! read them (in block order), so building the set moves no block and hashes nothing, and a
//! lookup is an index and a short search.

use super::{Block, BlockAddr};
use rayon::prelude::*;

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
