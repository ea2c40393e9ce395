//! `build`: one read and resolve, every selected exporter (in parallel), all outputs under one
//! folder: `graph.json`, `deck.apkg`, `handouts/…docx`, `markdown/…`.

use crate::diag::Diagnostic;
use crate::export::{Artifact, ExportError, Exporter, Options};
use crate::ir::Graph;
use rayon::prelude::*;
use std::path::PathBuf;

/// One exporter run and where its files go.
pub struct Step {
    pub exporter: Box<dyn Exporter>,
    pub options: Options,
    /// Folder (relative to the output folder) for its files; `None` puts a single file at `file`.
    pub folder: Option<PathBuf>,
    /// The name of a single-file output.
    pub file: Option<PathBuf>,
}

pub struct Built {
    pub artifacts: Vec<Artifact>,
    pub diagnostics: Vec<Diagnostic>,
    /// (exporter name, summary) in step order.
    pub summaries: Vec<(String, String)>,
}

/// The standard steps for the formats asked for, in a fixed order.
pub fn steps(formats: &[String], options: &Options) -> Vec<Step> {
    let mut out = Vec::new();
    let has = |f: &str| formats.iter().any(|x| x == f);
    let by = |n: &str| crate::export::by_name(n).expect("registered exporter");
    if has("json") {
        out.push(Step {
            exporter: by("json"),
            options: options.clone(),
            folder: None,
            file: Some("graph.json".into()),
        });
    }
    if has("anki") {
        out.push(Step { exporter: by("anki"), options: options.clone(), folder: None, file: Some("deck.apkg".into()) });
    }
    if has("docx") {
        let mut handout = options.clone();
        handout.docx.worksheet = false;
        out.push(Step { exporter: by("docx"), options: handout, folder: Some("handouts".into()), file: None });
        if options.docx.worksheet {
            out.push(Step {
                exporter: by("docx"),
                options: options.clone(),
                folder: Some("handouts".into()),
                file: None,
            });
        }
    }
    if has("md") {
        out.push(Step { exporter: by("md"), options: options.clone(), folder: Some("markdown".into()), file: None });
    }
    out
}

/// Runs every step on the graph; nothing is written. Fails as a whole if any step fails.
pub fn run(graph: &Graph, steps: &[Step], progress: &(dyn Fn(&str) + Sync)) -> Result<Built, ExportError> {
    let results: Vec<Result<_, ExportError>> = steps
        .par_iter()
        .map(|s| {
            let r = s.exporter.export(graph, &s.options);
            progress(s.exporter.name());
            r
        })
        .collect();
    let mut built = Built { artifacts: Vec::new(), diagnostics: Vec::new(), summaries: Vec::new() };
    for (step, result) in steps.iter().zip(results) {
        let export = result?;
        built.summaries.push((step.exporter.name().to_string(), export.summary));
        built.diagnostics.extend(export.diagnostics);
        for a in export.artifacts {
            let path = match (&step.folder, &step.file) {
                (Some(dir), _) => dir.join(&a.path),
                (None, Some(file)) => file.clone(),
                (None, None) => a.path.clone(),
            };
            built.artifacts.push(Artifact { path, bytes: a.bytes });
        }
    }
    crate::diag::normalize(&mut built.diagnostics);
    Ok(built)
}
