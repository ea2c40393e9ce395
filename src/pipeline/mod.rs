//! Runs exporters over a graph a window of pages at a time. Unread pages (see
//! [`crate::read::Skim`]) are read whole and linked in parallel, every job renders them in
//! parallel, the jobs take them in page order, and the window's blocks are dropped: memory
//! holds one window of blocks, not the graph. A graph read whole runs the same way, minus the
//! reading.

mod input;

pub use crate::read::Needs;
pub use input::Input;

use crate::diag::Diagnostic;
use crate::export::{ExportError, Finished, Run};
use crate::select::chosen;
use crate::Loaded;
use rayon::prelude::*;

/// Pages per window when pages are read whole. A window's blocks are made, rendered and freed
/// while the next window is read: 64 pages (a few MB of blocks) stay in the processor's caches
/// the whole way, so allocations reuse memory that is still cached. On the large benchmark
/// graph this took 5-11% less CPU than 256 pages for json, md, docx and build.
pub const WINDOW_WHOLE: usize = 64;

/// Pages per window when only flashcards are read: a page holds far fewer parsed blocks, and a
/// deck's rows go to SQLite a window at a time on one thread while the next window is read, so
/// larger windows keep that side busy (256 pages measured faster than 64 for a deck).
pub const WINDOW_CARDS: usize = 256;

/// What the runs produced, in run order, and the diagnostics of the pages read meanwhile (file
/// paths as the user named them).
pub struct Outcome {
    pub finished: Vec<Finished>,
    /// Reading and exporter diagnostics, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// Blocks in the selected pages.
    pub blocks: usize,
}

/// Feeds every page to every run, then finishes them. Fails as soon as one run fails. While
/// the runs take one window in order, the next window is read on the other threads. Reading
/// diagnostics are kept for the `selected` pages only (all when `None`), as
/// [`Loaded::reading_diagnostics`] keeps them; the exporters' are all kept.
pub fn run(
    loaded: &mut Loaded,
    mut runs: Vec<Run<'_>>,
    selected: Option<&[bool]>,
    progress: &dyn Fn(usize),
) -> Result<Outcome, ExportError> {
    let mut diagnostics = Vec::new();
    let mut blocks = 0;
    let n = loaded.graph.pages.len();
    // Pages are parsed for the run that needs the most of them. Without runs (`check`) only
    // diagnostics are wanted, and `Flashcards` parses every block one can come from.
    let needs = match runs.iter().all(|r| r.job.needs() == Needs::Flashcards) {
        true => Needs::Flashcards,
        false => Needs::All,
    };
    let size = match needs {
        Needs::Flashcards => WINDOW_CARDS,
        Needs::All => WINDOW_WHOLE,
    };
    let window_at = |start: usize| start as u32..(start + size).min(n) as u32;
    let mut next = read_window(loaded, window_at(0), needs, selected);
    for start in (0..n).step_by(size) {
        let window = window_at(start);
        let installed = install(loaded, next);
        let (graph, skim) = (&loaded.graph, &loaded.skim);
        // A page left unread (see `read_window`) counts the blocks the skim saw.
        let count = |p: u32| match skim.unread(p) {
            true => skim.pages.get(p as usize).map_or(0, |s| s.blocks as usize),
            false => graph.pages[p as usize].blocks.len(),
        };
        blocks += window.clone().filter(|&p| chosen(selected, p)).map(count).sum::<usize>();
        let input = Input::skimmed(graph, skim);
        runs.par_iter_mut().for_each(|r| {
            let pages: Vec<u32> = window.clone().filter(|&p| r.options.includes(p)).collect();
            r.job.render(&input, &pages);
        });
        let ahead = window_at(start + size);
        let (read, added) = rayon::join(
            || read_window(loaded, ahead, needs, selected),
            || runs.iter_mut().try_for_each(|r| r.job.take(&input, r.sink)),
        );
        added?;
        next = read;
        let mut dropped = Vec::new();
        for (p, diags) in installed {
            if chosen(selected, p) {
                diagnostics.extend(diags);
            }
            let page = &mut loaded.graph.pages[p as usize];
            dropped.push((std::mem::take(&mut page.blocks), std::mem::take(&mut page.roots)));
            loaded.skim.set_unread(p, true);
        }
        // Freeing a window's blocks is work too: off this thread.
        rayon::spawn(move || drop(dropped));
        progress(window.end as usize);
    }
    let input = Input::skimmed(&loaded.graph, &loaded.skim);
    let finished = runs.into_iter().map(|r| r.job.finish(&input, r.sink)).collect::<Result<Vec<_>, _>>()?;
    diagnostics.extend(finished.iter().flat_map(|f| f.diagnostics.iter().cloned()));
    for d in &mut diagnostics {
        match &loaded.db {
            Some(origin) => origin.locate(d),
            None => d.file = crate::display_path(&loaded.source.display, &d.file),
        }
    }
    crate::diag::normalize(&mut diagnostics);
    Ok(Outcome { finished, diagnostics, blocks })
}

type Read = Vec<(u32, crate::ir::Page, Vec<Diagnostic>)>;

/// Reads and links the window's unread pages (an empty window reads nothing). A page left out
/// of the `selected` ones stays unread: nothing is written from it but what the skim kept (a
/// page another embeds was read whole, a block a reference can reach was pinned), and its
/// problems are not reported. When only flashcards are needed, a page without any that the
/// skim found quiet (see [`crate::read::Skimmed::quiet`]) has nothing to give either.
fn read_window(loaded: &Loaded, window: std::ops::Range<u32>, needs: Needs, selected: Option<&[bool]>) -> Read {
    let Loaded { graph, source, config, resolver, skim, db, .. } = loaded;
    let unneeded = |p: u32| {
        let quiet = skim.pages.get(p as usize).is_some_and(|s| s.quiet && !s.flashcards);
        !chosen(selected, p) || (needs == Needs::Flashcards && quiet)
    };
    window
        .into_par_iter()
        .filter(|&p| skim.unread(p) && !unneeded(p))
        .map(|p| {
            let unread = &graph.pages[p as usize];
            let known = |uuid: &str| graph.index.blocks.contains_key(uuid);
            match crate::read::load_unread(source, db.as_ref(), config, unread, needs, &known) {
                Ok(mut page) => {
                    let diags = resolver.link_page(&graph.index, p, &mut page);
                    if let Some(origin) = db {
                        origin.give_ids(&mut page);
                    }
                    (p, page, diags)
                }
                Err(e) => (p, unread.clone(), vec![Diagnostic::unreadable(&unread.file, &e)]),
            }
        })
        .collect()
}

/// Puts read pages into the graph, with the assets they found; returns them with their diagnostics.
fn install(loaded: &mut Loaded, read: Read) -> Vec<(u32, Vec<Diagnostic>)> {
    let graph = &mut loaded.graph;
    graph.assets.extend(loaded.resolver.assets.take_found());
    read.into_iter()
        .map(|(p, page, diags)| {
            graph.pages[p as usize] = page;
            loaded.skim.set_unread(p, false);
            (p, diags)
        })
        .collect()
}
