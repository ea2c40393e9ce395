//! One page file into a page of blocks: wholly, or in part for a skim or a deck (see [`Mode`]).

use super::decode::{decode, warn_control_characters};
use super::marks::{self, Marks};
use super::{block, inline, org, outline, page_key, title, GraphConfig, KnownId};
use crate::diag::Diagnostic;
use crate::ir::{Format, Page, PageKind, PropValue};

/// Parses one page file.
pub fn read_page(file: &str, bytes: &[u8], config: &GraphConfig, journal: bool, diags: &mut Vec<Diagnostic>) -> Page {
    read_page_with(file, bytes, config, journal, Mode::Full, &|_| false, diags).0
}

/// How much of a page to read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Full,
    /// Only what other pages can reach (see [`block::build_block`]).
    Skim,
    /// Full, again: the whole-file checks were reported by the skim.
    Reload,
    /// As `Reload`, parsing only the blocks of [`Needs::Flashcards`](super::Needs::Flashcards).
    Flashcards,
}

/// What a skim keeps of a page's blocks: how many there are, and those other pages can reach
/// (see [`pinned`]) with their indexes.
#[derive(Default)]
pub(super) struct Pins {
    pub(super) count: u32,
    pub(super) blocks: Vec<(u32, crate::ir::Block)>,
    /// Whether a block of the page is a flashcard (a skim parses just enough to tell).
    pub(super) flashcards: bool,
}

/// Parses one page file, wholly or in part (see [`Mode`]). A skim leaves the page without
/// blocks and returns the pinned ones apart.
pub(super) fn read_page_with(
    file: &str,
    bytes: &[u8],
    config: &GraphConfig,
    journal: bool,
    mode: Mode,
    known: KnownId,
    diags: &mut Vec<Diagnostic>,
) -> (Page, Pins) {
    let text = decode(file, bytes, diags);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if matches!(mode, Mode::Full | Mode::Skim) {
        warn_control_characters(file, text, diags);
    }
    let file_name = file.rsplit('/').next().unwrap_or(file);
    let stem = file_name.rsplit_once('.').map_or(file_name, |(s, _)| s);
    let is_org = file_name.to_ascii_lowercase().ends_with(".org");
    let ctx = inline::InlineCtx { macros: &config.macros, compact: matches!(mode, Mode::Full | Mode::Skim) };

    let (mut blocks, mut properties, flashcards, mut pins) = if is_org {
        let (blocks, properties) = org::read_org(text, file, &ctx, diags);
        let cards = blocks.iter().any(crate::ir::is_flashcard);
        (blocks, properties, cards, Pins::default())
    } else {
        read_markdown(text, file, &ctx, mode, known, diags)
    };
    if mode == Mode::Skim && is_org {
        pins.count = blocks.len() as u32;
        let all = std::mem::take(&mut blocks).into_iter().enumerate();
        pins.blocks = all.filter(|(_, b)| pinned(b)).map(|(i, b)| (i as u32, b)).collect();
    }

    let journal_date = if journal { title::journal_date(stem) } else { None };
    let title = properties
        .iter()
        .find(|p| p.key == "title")
        .map(|p| p.raw.trim().to_string())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| {
            if let Some((y, m, d)) = journal_date {
                title::format_journal(y, m, d, &config.journal_title_format)
            } else {
                title::title_from_file_stem(stem, config.name_format)
            }
        });
    let refs = |key: &str| -> Vec<String> {
        properties
            .iter()
            .find(|p| p.key == key)
            .map(|p| match &p.value {
                PropValue::Refs(r) => r.clone(),
                PropValue::Text(t) if !t.is_empty() => vec![t.clone()],
                _ => Vec::new(),
            })
            .unwrap_or_default()
    };
    let aliases = refs("alias");
    let tags = refs("tags");
    properties.retain(|p| p.key != "title");
    let roots = blocks.iter().enumerate().filter(|(_, b)| b.parent.is_none()).map(|(i, _)| i as u32).collect();
    let page = Page {
        name: page_key(&title),
        title,
        file: file.to_string(),
        kind: if journal_date.is_some() { PageKind::Journal } else { PageKind::Page },
        format: if is_org { Format::Org } else { Format::Markdown },
        aliases,
        tags,
        properties,
        blocks,
        roots,
        mtime: None,
    };
    pins.flashcards = flashcards;
    (page, pins)
}

/// Whether the skim keeps a block in [`super::Pinned`]: other pages can reach it (an id) or
/// it was parsed for its images or embeds.
fn pinned(b: &crate::ir::Block) -> bool {
    b.uuid.is_some() || !b.body.is_empty()
}

/// Reads a Markdown page's blocks and page properties, and whether a block is a flashcard. A
/// skim returns no blocks but the pinned ones, apart: the others would only be dropped.
fn read_markdown(
    text: &str,
    file: &str,
    ctx: &inline::InlineCtx,
    mode: Mode,
    known: KnownId,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<crate::ir::Block>, Vec<crate::ir::Property>, bool, Pins) {
    let mut lines = Vec::new();
    let raw = outline::split_blocks(text, &mut lines);
    // A partial read skips what a block's bytes show it cannot need; a full one looks at none.
    let marks: Vec<Marks> = match mode {
        Mode::Full | Mode::Reload => Vec::new(),
        Mode::Skim | Mode::Flashcards => Marks::of_page(text, &raw),
    };
    let wanted = match mode {
        Mode::Full | Mode::Reload => vec![true; raw.len()],
        Mode::Skim => vec![false; raw.len()],
        // A footnote mark and its text may be in any two blocks: such a page is parsed whole.
        Mode::Flashcards if marks::may_have_footnotes(text.as_bytes()) => vec![true; raw.len()],
        Mode::Flashcards => flashcard_blocks(&raw, &marks, known),
    };
    let skim = mode == Mode::Skim;
    let mut blocks = Vec::with_capacity(if skim { 0 } else { raw.len() });
    let mut pins = Pins { count: raw.len() as u32, blocks: Vec::new(), flashcards: false };
    let mut scratch = block::Scratch::default();
    let mut page_props = Vec::new();
    let mut flashcards = false;
    for (i, r) in raw.iter().enumerate() {
        let full = wanted[i];
        // Once a page is known to have flashcards, the skim looks for no more.
        let skim_card = mode == Mode::Skim && !flashcards && marks[i].card;
        if !(full || r.pre_block || skim_card || marks[i].matters) {
            // A block without properties, directives, images or embeds that is not wanted
            // only keeps its place in the tree.
            if !skim {
                blocks.push(crate::ir::Block {
                    line: r.line,
                    depth: r.depth,
                    parent: r.parent,
                    ..crate::ir::Block::EMPTY
                });
            }
            continue;
        }
        let parse = match (full, mode) {
            (true, _) => block::Parse::All,
            (false, Mode::Flashcards) => block::Parse::Linked,
            (false, _) => block::Parse::Reachable,
        };
        let built = block::build_block(r, ctx, file, parse, &mut scratch, diags);
        if full || !built.block.body.is_empty() {
            flashcards |= crate::ir::is_flashcard(&built.block);
        } else if skim_card {
            // The skim must know whether the graph has flashcards: parse to tell, then forget.
            flashcards = crate::ir::is_flashcard(
                &block::build_block(r, ctx, file, block::Parse::All, &mut scratch, &mut Vec::new()).block,
            );
        }
        // Directives anywhere in the file; a later one replaces an earlier one.
        for d in built.page_directives {
            page_props.retain(|q: &crate::ir::Property| q.key != d.key);
            page_props.push(d);
        }
        if i == 0 && r.pre_block {
            for p in &built.block.properties {
                page_props.retain(|q: &crate::ir::Property| q.key != p.key);
                page_props.push(p.clone());
            }
        }
        match skim {
            true if pinned(&built.block) => pins.blocks.push((i as u32, built.block)),
            true => {}
            false => blocks.push(built.block),
        }
    }
    // Children lists from parents; a skim's only for the blocks it pins (in index order).
    if skim {
        for (i, r) in raw.iter().enumerate() {
            if let Some(k) = r.parent.and_then(|p| pins.blocks.binary_search_by_key(&p, |(j, _)| *j).ok()) {
                pins.blocks[k].1.children.push(i as u32);
            }
        }
    } else {
        // Sized once. A deck's reading lists only the children of the blocks it parses (the
        // cards, their context and their answers): no other block is walked down from.
        let listed = |p: usize| mode != Mode::Flashcards || wanted[p];
        let mut counts = vec![0u32; blocks.len()];
        blocks.iter().filter_map(|b| b.parent).for_each(|p| counts[p as usize] += 1);
        for (p, &n) in counts.iter().enumerate().filter(|&(p, &n)| n > 0 && listed(p)) {
            blocks[p].children = Vec::with_capacity(n as usize);
        }
        for i in 0..blocks.len() {
            if let Some(p) = blocks[i].parent.filter(|&p| listed(p as usize)) {
                blocks[p as usize].children.push(i as u32);
            }
        }
    }
    (blocks, page_props, flashcards, pins)
}

/// The blocks [`Needs::Flashcards`](super::Needs::Flashcards) parses: candidate flashcards with their ancestors and
/// descendants, and blocks with a block reference that may dangle (see [`marks::refs_known`]).
/// Blocks with an image or an embed are parsed by [`block::build_block`] in any case.
fn flashcard_blocks(raw: &[outline::RawBlock], marks: &[Marks], known: KnownId) -> Vec<bool> {
    let mut in_card = vec![false; raw.len()];
    let mut above_card = vec![false; raw.len()];
    // Parents come before their children.
    for (i, r) in raw.iter().enumerate() {
        in_card[i] = r.parent.is_some_and(|p| in_card[p as usize]) || marks[i].card;
        let mut up = r.parent.filter(|_| in_card[i]);
        while let Some(p) = up.filter(|&p| !above_card[p as usize]) {
            above_card[p as usize] = true;
            up = raw[p as usize].parent;
        }
    }
    let dangles = |i: usize| marks[i].block_ref && !marks::refs_known(&raw[i], known);
    (0..raw.len()).map(|i| in_card[i] || above_card[i] || dangles(i)).collect()
}
