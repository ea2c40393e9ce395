//! The resolver pass: indexes pages, aliases and block uuids across the graph, links every
//! page ref, tag, block ref, embed and image to what it names, and reports what it cannot
//! (dangling refs, duplicate ids, cycles, missing or unsafe assets).

mod assets;
mod cycles;

use crate::diag::{Code, Diagnostic};
use crate::ir::page_key;
use crate::ir::{Block, BlockAddr, EmbedTarget, Graph, GraphIndex, Inline, Page};
use crate::read::{Skim, Source};
use rayon::prelude::*;

pub use assets::AssetCache;

/// What linking a page needs once the graph is indexed: the asset cache.
pub struct Resolver {
    pub assets: AssetCache,
}

/// Resolves what is loaded in place and returns the diagnostics found, and the resolver that
/// links the pages still to load. After a scan (see [`crate::read::scan_graph`]) the pages that
/// embeds need are read whole with `load`, since an embed can expand any part of a page.
pub fn resolve(graph: &mut Graph, skim: &mut Skim, source: &Source, load: &PageLoader) -> (Vec<Diagnostic>, Resolver) {
    let mut diags = Vec::new();
    build_index(graph, skim, &mut diags);
    load_embedded(graph, skim, load, &mut diags);
    let resolver = Resolver { assets: AssetCache::new(source) };
    let index = std::mem::take(&mut graph.index);
    for (pi, page) in graph.pages.iter_mut().enumerate() {
        if !skim.unread(pi as u32) {
            diags.extend(resolver.link_page(&index, pi as u32, page));
        }
    }
    // Blocks of unread pages: their diagnostics come when their page is read.
    let pinned = &mut skim.pinned;
    // Blocks pinned only for their images are linked now. A reference shows only the first
    // line of a block with an id: the rest of it need not stay in memory. What goes is freed
    // here, on every thread, not by the `retain` below.
    pinned.par_iter_mut().for_each(|(addr, block)| {
        let file = &graph.pages[addr.page as usize].file;
        link_blocks(&index, file, None, std::iter::once(&mut *block), &mut Vec::new());
        resolver.assets.link(file, std::iter::once(&mut *block), &mut Vec::new());
        if block.uuid.is_some() {
            block.body.truncate(1);
            block.body.shrink_to_fit();
            block.content = String::new();
            block.properties = Vec::new();
        } else {
            *block = Block::EMPTY;
        }
    });
    pinned.retain(|_, b| b.uuid.is_some());
    graph.index = index;
    graph.assets.extend(resolver.assets.take_found());
    cycles::mark(graph, skim, &mut diags);
    (diags, resolver)
}

impl Resolver {
    /// Links one loaded page: refs, embeds, images; a block id taken by an earlier block is dropped.
    pub fn link_page(&self, index: &GraphIndex, pi: u32, page: &mut Page) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        for (bi, block) in page.blocks.iter_mut().enumerate() {
            let addr = BlockAddr { page: pi, block: bi as u32 };
            if block.uuid.as_ref().is_some_and(|u| index.blocks.get(&**u) != Some(&addr)) {
                block.uuid = None;
            }
        }
        let notes = footnotes(&page.blocks);
        link_blocks(index, &page.file, Some((pi, &notes)), page.blocks.iter_mut(), &mut diags);
        self.assets.link(&page.file, page.blocks.iter_mut(), &mut diags);
        diags
    }
}

/// After a scan: reads whole the pages holding embeds and the pages they embed from.
/// Reads an unread page whole (the resolver itself reads no page files).
pub type PageLoader<'a> = dyn Fn(&Page) -> std::io::Result<Page> + 'a;

fn load_embedded(graph: &mut Graph, skim: &mut Skim, load: &PageLoader, diags: &mut Vec<Diagnostic>) {
    // Every pinned block is looked at, on every thread: a large graph pins tens of thousands.
    let found: Vec<u32> = skim
        .pinned
        .par_iter()
        .flat_map_iter(|(addr, block)| {
            let mut pages = Vec::new();
            crate::ir::for_each_inline(&block.body, &mut |i| {
                if let Inline::Embed { target, .. } = i {
                    pages.push(addr.page);
                    let to = match target {
                        EmbedTarget::Block { uuid } => graph.index.blocks.get(uuid.as_str()).map(|a| a.page),
                        EmbedTarget::Page { name } => graph.index.page(name),
                    };
                    pages.extend(to);
                }
            });
            pages
        })
        .collect();
    let want: std::collections::BTreeSet<u32> = found.into_iter().collect();
    for p in want {
        let page = &graph.pages[p as usize];
        if !skim.unread(p) {
            continue;
        }
        match load(page) {
            Ok(full) => {
                skim.pinned.clear_page(p);
                skim.pages[p as usize].unread = false;
                graph.pages[p as usize] = full;
            }
            Err(e) => diags.push(Diagnostic::unreadable(&page.file, &e)),
        }
    }
}

fn build_index(graph: &mut Graph, skim: &mut Skim, diags: &mut Vec<Diagnostic>) {
    // Page names and block ids are indexed side by side; a duplicate id is dropped after.
    let ((pages, page_diags), (blocks, duplicates)) = rayon::join(|| page_index(graph), || block_index(graph, skim));
    graph.index.pages = pages;
    graph.index.blocks = blocks;
    diags.extend(page_diags);
    for (addr, first) in duplicates {
        let page = &mut graph.pages[addr.page as usize];
        let block = match skim.unread(addr.page) {
            false => page.blocks.get_mut(addr.block as usize),
            true => skim.pinned.get_mut(&addr),
        };
        let Some(block) = block else { continue };
        let Some(uuid) = block.uuid.take() else { continue };
        diags.push(Diagnostic::warning(
            Code::DuplicateId,
            &page.file,
            block.line,
            1,
            format!(
                "block id {uuid} is already used (page #{}, block #{}); this block's id is ignored",
                first.page, first.block
            ),
        ));
    }
}

/// Page names, then aliases, → page index (the first page of a name keeps it).
fn page_index(graph: &Graph) -> (crate::ir::FastMap<String, u32>, Vec<Diagnostic>) {
    let mut index = crate::ir::FastMap::with_capacity_and_hasher(graph.pages.len(), Default::default());
    let mut diags = Vec::new();
    for (pi, page) in graph.pages.iter().enumerate() {
        if let Some(&other) = index.get(&page.name) {
            let first = &graph.pages[other as usize];
            diags.push(Diagnostic::warning(
                Code::DuplicatePage,
                &page.file,
                1,
                1,
                format!("page '{}' is also defined by {}; references go to that file", page.title, first.file),
            ));
            continue;
        }
        index.insert(page.name.clone(), pi as u32);
    }
    for (pi, page) in graph.pages.iter().enumerate() {
        for alias in &page.aliases {
            index.entry(page_key(alias)).or_insert(pi as u32);
        }
    }
    (index, diags)
}

/// Block id → address, and each block whose id an earlier block has, with that block's address.
type BlockIndex = (crate::ir::FastMap<String, BlockAddr>, Vec<(BlockAddr, BlockAddr)>);

/// Every block with an id (loaded or pinned) in document order: the first keeps its id.
fn block_index(graph: &Graph, skim: &Skim) -> BlockIndex {
    let mut ids: Vec<(BlockAddr, &str)> =
        skim.pinned.iter().filter_map(|(a, b)| b.uuid.as_deref().map(|u| (a, u))).collect();
    for (pi, page) in graph.pages.iter().enumerate().filter(|(p, _)| !skim.unread(*p as u32)) {
        let with_id = page.blocks.iter().enumerate().filter_map(|(bi, b)| b.uuid.as_deref().map(|u| (bi, u)));
        ids.extend(with_id.map(|(bi, u)| (BlockAddr { page: pi as u32, block: bi as u32 }, u)));
    }
    ids.sort_unstable_by_key(|(a, _)| *a);
    let mut index = crate::ir::FastMap::with_capacity_and_hasher(ids.len(), Default::default());
    let mut duplicates = Vec::new();
    for (addr, uuid) in ids {
        match index.entry(uuid.to_string()) {
            std::collections::hash_map::Entry::Occupied(first) => duplicates.push((addr, *first.get())),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(addr);
            }
        }
    }
    (index, duplicates)
}

/// Footnote label → the first block of the page holding that footnote's text.
type Footnotes = crate::ir::FastMap<String, u32>;

fn footnotes(blocks: &[Block]) -> Footnotes {
    let mut notes = Footnotes::default();
    for (bi, block) in blocks.iter().enumerate() {
        for (label, _) in block.footnotes() {
            notes.entry(label.to_string()).or_insert(bi as u32);
        }
    }
    notes
}

/// Links the inlines of `blocks` in `file`; `notes` are the footnotes of their page, when
/// they are a page's blocks (a pinned block's footnote marks stay unlinked).
fn link_blocks<'b>(
    index: &GraphIndex,
    file: &str,
    notes: Option<(u32, &Footnotes)>,
    blocks: impl Iterator<Item = &'b mut Block>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut dangling = |code: crate::diag::Code, pos: &crate::ir::Pos, message: String| {
        diags.push(Diagnostic::warning(code, file, pos.line, pos.col, message));
    };
    for block in blocks {
        crate::ir::for_each_inline_mut(&mut block.body, &mut |inline| match inline {
            Inline::PageRef { name, page, .. } | Inline::Tag { name, page } => {
                *page = index.page(name);
            }
            Inline::BlockRef { uuid, target, pos, .. } => {
                *target = index.blocks.get(uuid.as_str()).copied();
                if target.is_none() {
                    dangling(
                        Code::DanglingRef,
                        pos,
                        format!("block reference (({uuid})) points at no block in the graph"),
                    );
                }
            }
            Inline::Embed { target, block, page, pos, .. } => {
                let missing = match target {
                    EmbedTarget::Block { uuid } => {
                        *block = index.blocks.get(uuid.as_str()).copied();
                        block.is_none().then(|| format!("embedded block (({uuid})) does not exist"))
                    }
                    EmbedTarget::Page { name } => {
                        *page = index.page(name);
                        page.is_none().then(|| format!("embedded page [[{name}]] does not exist"))
                    }
                };
                if let Some(message) = missing {
                    dangling(Code::DanglingEmbed, pos, message);
                }
            }
            Inline::FootnoteRef { label, target, pos } => {
                let Some((page, notes)) = notes else { return };
                *target = notes.get(label.as_str()).map(|&block| BlockAddr { page, block });
                if target.is_none() {
                    dangling(Code::DanglingFootnote, pos, format!("footnote [^{label}] has no text on this page"));
                }
            }
            _ => {}
        });
    }
}
