//! `build`: one read, every selected exporter side by side over the same windows of pages,
//! all outputs under one folder: `graph.json`, `deck.apkg`, `handouts/…docx`, `markdown/…`.

use crate::diag::Diagnostic;
use crate::export::Run;
use crate::export::{DynExporter, ExportError, Options};
use crate::output::FileSink;
use crate::pipeline;
use crate::Loaded;
use std::path::{Path, PathBuf};

/// One exporter run and where its files go.
pub struct Step {
    pub exporter: &'static dyn DynExporter,
    pub options: Options,
    /// Folder (relative to the output folder) for its files; `None` puts a single file at `file`.
    pub folder: Option<PathBuf>,
    /// The name of a single-file output.
    pub file: Option<PathBuf>,
}

pub struct Built {
    /// Exporter and reading diagnostics, file paths as the user named them, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// (exporter name, summary) in step order.
    pub summaries: Vec<(String, String)>,
    /// Files written.
    pub files: usize,
    /// Blocks read.
    pub blocks: usize,
}

/// The steps for the formats asked for, in the registry's order, each where its format says
/// (see [`crate::export::Format::build`]). Handouts come with their worksheets when asked.
pub fn steps(formats: &[String], options: &Options) -> Vec<Step> {
    let mut out = Vec::new();
    for exporter in crate::export::registry() {
        let format = exporter.format();
        if !formats.iter().any(|f| f == format.name) {
            continue;
        }
        let (folder, file) = match format.build.strip_suffix('/') {
            Some(folder) => (Some(PathBuf::from(folder)), None),
            None => (None, Some(PathBuf::from(format.build))),
        };
        let step = |options: Options| Step { exporter, options, folder: folder.clone(), file: file.clone() };
        if format.name == "docx" {
            let mut handout = options.clone();
            handout.docx.worksheet = false;
            out.push(step(handout));
            if !options.docx.worksheet {
                continue;
            }
        }
        out.push(step(options.clone()));
    }
    out
}

/// Runs every step over the graph, writing under `dir` (a staging folder: see
/// [`crate::output::Staging`]); reading diagnostics are kept for the `selected` pages. Fails as
/// a whole if any step fails.
pub fn run(
    loaded: &mut Loaded,
    steps: &[Step],
    selected: Option<&[bool]>,
    dir: &Path,
    progress: &dyn Fn(usize),
) -> Result<Built, ExportError> {
    let mut sinks: Vec<FileSink> = steps
        .iter()
        .map(|s| match &s.folder {
            Some(folder) => FileSink::new(dir.join(folder), None),
            None => FileSink::new(dir.to_path_buf(), s.file.clone()),
        })
        .collect();
    let mut runs = Vec::new();
    for (step, sink) in steps.iter().zip(sinks.iter_mut()) {
        let job = step.exporter.start(&loaded.input(), &step.options)?;
        runs.push(Run { job, options: &step.options, sink });
    }
    let outcome = pipeline::run(loaded, runs, selected, progress)?;
    let mut files = 0;
    for (step, sink) in steps.iter().zip(sinks.iter_mut()) {
        sink.close().map_err(crate::export::write_error(step.exporter.name()))?;
        files += sink.written.len();
    }
    let summaries =
        steps.iter().zip(&outcome.finished).map(|(s, f)| (s.exporter.name().to_string(), f.summary.clone())).collect();
    Ok(Built { diagnostics: outcome.diagnostics, summaries, files, blocks: outcome.blocks })
}
