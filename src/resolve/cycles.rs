//! Embed and block-reference cycles: an embed whose expansion reaches its own block again, or
//! refs whose first lines refer to each other, would never finish expanding.

use crate::diag::{Code, Diagnostic};
use crate::ir::{BlockAddr, Graph, Inline};
use crate::read::Skim;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

/// Marks cyclic embeds (`cyclic: true`) and reports embed and block-ref cycles.
pub fn mark(graph: &mut Graph, skim: &Skim, diags: &mut Vec<Diagnostic>) {
    // Blocks that contain embeds, with the blocks each embed would expand.
    let mut embeds: HashMap<BlockAddr, Vec<Vec<BlockAddr>>> = HashMap::new();
    for (pi, page) in graph.pages.iter().enumerate() {
        for (bi, block) in page.blocks.iter().enumerate() {
            let mut targets = Vec::new();
            crate::ir::for_each_inline(&block.body, &mut |i| {
                if let Inline::Embed { block: b, page: p, .. } = i {
                    targets.push(expansion(graph, *b, *p));
                }
            });
            if !targets.is_empty() {
                embeds.insert(BlockAddr { page: pi as u32, block: bi as u32 }, targets);
            }
        }
    }
    let mut cyclic: HashMap<BlockAddr, Vec<bool>> = HashMap::new();
    for (&from, targets) in &embeds {
        let flags = targets.iter().map(|t| reaches(&embeds, t, from)).collect();
        cyclic.insert(from, flags);
    }
    for (addr, flags) in cyclic {
        let page = &mut graph.pages[addr.page as usize];
        let file = page.file.clone();
        let block = &mut page.blocks[addr.block as usize];
        let mut k = 0;
        crate::ir::for_each_inline_mut(&mut block.body, &mut |i| {
            if let Inline::Embed { cyclic, pos, .. } = i {
                if flags.get(k).copied().unwrap_or(false) {
                    *cyclic = true;
                    diags.push(Diagnostic::warning(
                        Code::EmbedCycle,
                        &file,
                        pos.line,
                        pos.col,
                        "this embed includes itself (directly or through other embeds); it is not expanded",
                    ));
                }
                k += 1;
            }
        });
    }
    ref_cycles(graph, skim, diags);
}

fn expansion(graph: &Graph, block: Option<BlockAddr>, page: Option<u32>) -> Vec<BlockAddr> {
    if let Some(b) = block {
        let p = &graph.pages[b.page as usize];
        return p.subtree(b.block).into_iter().map(|i| BlockAddr { page: b.page, block: i }).collect();
    }
    if let Some(p) = page {
        return (0..graph.pages[p as usize].blocks.len() as u32).map(|i| BlockAddr { page: p, block: i }).collect();
    }
    Vec::new()
}

/// Whether expanding `start` eventually expands `goal` again.
fn reaches(embeds: &HashMap<BlockAddr, Vec<Vec<BlockAddr>>>, start: &[BlockAddr], goal: BlockAddr) -> bool {
    let mut seen: HashSet<BlockAddr> = HashSet::new();
    let mut stack: Vec<BlockAddr> = start.iter().copied().filter(|b| embeds.contains_key(b)).collect();
    while let Some(b) = stack.pop() {
        if b == goal {
            return true;
        }
        if !seen.insert(b) {
            continue;
        }
        for t in &embeds[&b] {
            stack.extend(t.iter().copied().filter(|x| embeds.contains_key(x)));
        }
    }
    false
}

/// Block refs in first lines that lead back to themselves (A → B → A).
fn ref_cycles(graph: &Graph, skim: &Skim, diags: &mut Vec<Diagnostic>) {
    let title_refs = |addr: BlockAddr| -> Vec<(BlockAddr, crate::ir::Pos)> {
        let mut out = Vec::new();
        // A block of a page not read yet is its pinned copy.
        let block = match skim.unread(addr.page) {
            true => skim.pinned.get(&addr),
            false => graph.block(addr),
        };
        crate::ir::visit_inlines(block.map_or(&[][..], |b| b.title()), &mut |i| {
            if let Inline::BlockRef { target: Some(t), label: None, pos, .. } = i {
                out.push((*t, *pos));
            }
        });
        out
    };
    // Only a block with an id can be led back to. Each is followed on its own, on every thread
    // (a large graph has tens of thousands); the diagnostics keep the blocks' order.
    let mut starts: Vec<BlockAddr> = graph.index.blocks.values().copied().collect();
    starts.sort();
    let found: Vec<Diagnostic> = starts
        .par_iter()
        .flat_map_iter(|&start| {
            let page = &graph.pages[start.page as usize];
            title_refs(start).into_iter().filter_map(move |(first, pos)| {
                let mut seen = HashSet::new();
                let mut stack = vec![first];
                while let Some(b) = stack.pop() {
                    if b == start {
                        return Some(Diagnostic::warning(
                            Code::RefCycle,
                            &page.file,
                            pos.line,
                            pos.col,
                            "block reference leads back to this block; it is shown without expansion",
                        ));
                    }
                    if seen.insert(b) && seen.len() < 10_000 {
                        stack.extend(title_refs(b).into_iter().map(|(t, _)| t));
                    }
                }
                None
            })
        })
        .collect();
    diags.extend(found);
}
