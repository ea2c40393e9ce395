//! The resolver pass: indexes pages, aliases and block uuids across the graph, links every
//! page ref, tag, block ref, embed and image to what it names, and reports what it cannot
//! (dangling refs, duplicate ids, cycles, missing or unsafe assets).

mod assets;
mod cycles;

use crate::diag::Diagnostic;
use crate::ir::{BlockAddr, EmbedTarget, Graph, Inline};
use crate::read::{page_key, Source};

/// Resolves the graph in place and returns the diagnostics found.
pub fn resolve(graph: &mut Graph, source: &Source) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    build_index(graph, &mut diags);
    link(graph, &mut diags);
    assets::load(graph, source, &mut diags);
    cycles::mark(graph, &mut diags);
    diags
}

fn build_index(graph: &mut Graph, diags: &mut Vec<Diagnostic>) {
    graph.index.pages.clear();
    graph.index.blocks.clear();
    for (pi, page) in graph.pages.iter().enumerate() {
        if let Some(&other) = graph.index.pages.get(&page.name) {
            let first = &graph.pages[other as usize];
            diags.push(Diagnostic::warning(
                "duplicate-page",
                &page.file,
                1,
                1,
                format!("page '{}' is also defined by {}; references go to that file", page.title, first.file),
            ));
            continue;
        }
        graph.index.pages.insert(page.name.clone(), pi as u32);
    }
    for (pi, page) in graph.pages.iter().enumerate() {
        for alias in &page.aliases {
            graph.index.pages.entry(page_key(alias)).or_insert(pi as u32);
        }
    }
    for (pi, page) in graph.pages.iter_mut().enumerate() {
        for (bi, block) in page.blocks.iter_mut().enumerate() {
            let Some(uuid) = &block.uuid else { continue };
            let addr = BlockAddr { page: pi as u32, block: bi as u32 };
            if let Some(first) = graph.index.blocks.get(uuid) {
                diags.push(Diagnostic::warning(
                    "duplicate-id",
                    &page.file,
                    block.line,
                    1,
                    format!(
                        "block id {uuid} is already used (page #{}, block #{}); this block's id is ignored",
                        first.page, first.block
                    ),
                ));
                block.uuid = None;
                continue;
            }
            graph.index.blocks.insert(uuid.clone(), addr);
        }
    }
}

fn link(graph: &mut Graph, diags: &mut Vec<Diagnostic>) {
    let index = std::mem::take(&mut graph.index);
    for page in &mut graph.pages {
        let file = page.file.clone();
        for block in &mut page.blocks {
            crate::ir::for_each_inline_mut(&mut block.body, &mut |inline| match inline {
                Inline::PageRef { name, page, .. } | Inline::Tag { name, page } => {
                    *page = index.pages.get(&page_key(name)).copied();
                }
                Inline::BlockRef { uuid, target, pos, .. } => {
                    *target = index.blocks.get(uuid.as_str()).copied();
                    if target.is_none() {
                        diags.push(Diagnostic::warning(
                            "dangling-ref",
                            &file,
                            pos.line,
                            pos.col,
                            format!("block reference (({uuid})) points at no block in the graph"),
                        ));
                    }
                }
                Inline::Embed { target, block, page, pos, .. } => match target {
                    EmbedTarget::Block { uuid } => {
                        *block = index.blocks.get(uuid.as_str()).copied();
                        if block.is_none() {
                            diags.push(Diagnostic::warning(
                                "dangling-embed",
                                &file,
                                pos.line,
                                pos.col,
                                format!("embedded block (({uuid})) does not exist"),
                            ));
                        }
                    }
                    EmbedTarget::Page { name } => {
                        *page = index.pages.get(&page_key(name)).copied();
                        if page.is_none() {
                            diags.push(Diagnostic::warning(
                                "dangling-embed",
                                &file,
                                pos.line,
                                pos.col,
                                format!("embedded page [[{name}]] does not exist"),
                            ));
                        }
                    }
                },
                _ => {}
            });
        }
    }
    graph.index = index;
}
