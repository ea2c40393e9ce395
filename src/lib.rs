//! notes-export: Logseq outlines → Anki decks, Word handouts, Markdown and JSON.
//!
//! Pipeline: [`read`] (files → IR) → [`resolve`] (refs, embeds, assets) → [`pipeline`] (pages
//! a window at a time) → [`export`] (IR → files) → [`output`] (atomic writes). The CLI in `cli`
//! is a thin layer over these.

pub mod build;
pub mod cli;
pub mod config;
pub mod dates;
pub mod diag;
pub mod export;
#[doc(hidden)]
pub mod fuzzing;
pub mod ir;
pub mod output;
pub mod pipeline;
pub mod read;
pub mod resolve;
pub mod select;
pub mod text;
pub mod write_ids;

use diag::Diagnostic;
use ir::Graph;
use read::{ReadError, Source};
use std::path::Path;

/// A read and resolved input, ready for any exporter.
pub struct Loaded {
    pub graph: Graph,
    pub source: Source,
    /// Diagnostics with file paths as the user named them, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// For reading and linking unread pages (see [`read::Skim`]).
    pub config: read::GraphConfig,
    pub resolver: resolve::Resolver,
    /// What the skim saw, when the input was skimmed: pages not read yet, pinned blocks.
    pub skim: read::Skim,
    /// Where a DB graph's pages came from, to name a finding's page and block.
    pub db: Option<read::db::Origin>,
}

impl Loaded {
    /// What exporters read of it (see [`pipeline::Input`]).
    pub fn input(&self) -> pipeline::Input<'_> {
        pipeline::Input::skimmed(&self.graph, &self.skim)
    }

    /// The diagnostics of reading, for the `selected` pages only (all when `None`), and for
    /// files that are not pages (the graph's config): problems in pages left out of an export
    /// are not its problems.
    pub fn reading_diagnostics(&self, selected: Option<&[bool]>) -> Vec<Diagnostic> {
        let Some(selected) = selected else { return self.diagnostics.clone() };
        let left_out: std::collections::HashSet<String> = (self.graph.pages.iter().zip(selected))
            .filter(|(_, &keep)| !keep)
            .map(|(page, _)| display_path(&self.source.display, &page.file))
            .collect();
        self.diagnostics.iter().filter(|d| !left_out.contains(&d.file)).cloned().collect()
    }
}

/// Reads and resolves one input (graph folder, page file, or `-`).
pub fn load(input: &Path) -> Result<Loaded, ReadError> {
    let reading = read::read_input(input)?;
    Ok(finish(reading))
}

/// Opens one input for export: a graph folder is scanned (its pages are read whole later, a
/// window at a time, by [`pipeline::run`]); a page file or `-` is read whole now.
pub fn open(input: &Path) -> Result<Loaded, ReadError> {
    if read::db::database_of(input).is_some() {
        Ok(finish(read::scan_db(input)?))
    } else if input.is_dir() {
        Ok(finish(read::scan_graph(input)?))
    } else {
        load(input)
    }
}

/// [`open`] for one input, [`load_many`] for several.
pub fn open_many(inputs: &[std::path::PathBuf]) -> Result<Loaded, ReadError> {
    match inputs {
        [one] => open(one),
        _ => load_many(inputs),
    }
}

/// Reads and resolves several page files as one graph (see [`read::read_files`]).
pub fn load_many(inputs: &[std::path::PathBuf]) -> Result<Loaded, ReadError> {
    match inputs {
        [one] => load(one),
        _ => Ok(finish(read::read_files(inputs)?)),
    }
}

/// Resolves a reading and prefixes its diagnostics with the input's path.
pub fn finish(reading: read::Reading) -> Loaded {
    let read::Reading { mut graph, source, mut diagnostics, config, mut skim, db } = reading;
    let load = |page: &ir::Page| read::load_unread(&source, db.as_ref(), &config, page, read::Needs::All, &|_| false);
    let (found, resolver) = resolve::resolve(&mut graph, &mut skim, &source, &load);
    diagnostics.extend(found);
    if let Some(origin) = &db {
        graph.pages.iter_mut().for_each(|p| origin.give_ids(p));
    }
    for d in &mut diagnostics {
        match &db {
            Some(origin) => origin.locate(d),
            None => d.file = display_path(&source.display, &d.file),
        }
    }
    diag::normalize(&mut diagnostics);
    Loaded { graph, source, diagnostics, config, resolver, skim, db }
}

/// `file` (relative to the input) as the user would name it.
pub fn display_path(prefix: &str, file: &str) -> String {
    if prefix.is_empty() || prefix == "." {
        file.to_string()
    } else if file.is_empty() {
        // A finding about the whole input names the input.
        prefix.trim_end_matches('/').to_string()
    } else {
        format!("{}/{}", prefix.trim_end_matches('/'), file)
    }
}
