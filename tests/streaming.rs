//! A graph folder is exported a window of pages at a time (`notes_export::open` +
//! `pipeline::run`); the outputs and diagnostics must be those of the whole graph in memory.

use notes_export::export::Run;
use notes_export::export::{self, MemorySink, Options};
use notes_export::pipeline;
use std::path::Path;

fn options(format: &str) -> Options {
    let mut o = Options::default();
    o.timestamp = Some(1_700_000_000);
    if format == "worksheet" {
        o.docx.worksheet = true;
    }
    o
}

fn exporter(format: &str) -> Box<dyn export::Exporter> {
    export::by_name(if format == "worksheet" { "docx" } else { format }).unwrap()
}

fn compare(graph: &str) {
    let whole = notes_export::load(Path::new(graph)).unwrap();
    let mut streamed = notes_export::open(Path::new(graph)).unwrap();
    let stubs = streamed.graph.pages.iter().filter(|p| p.stub).count();
    // Pages with embeds, and the pages they embed, are read whole at once; all others wait.
    assert!(stubs > 0 || streamed.graph.pages.len() < 4, "{graph}: a graph folder is opened as stubs");

    let formats = ["json", "md", "anki", "docx", "worksheet"];
    let opts: Vec<Options> = formats.iter().map(|f| options(f)).collect();
    let mut sinks: Vec<MemorySink> = formats.iter().map(|_| MemorySink::default()).collect();
    let runs: Vec<Run> = formats
        .iter()
        .zip(&opts)
        .zip(sinks.iter_mut())
        .map(|((f, o), sink)| Run { job: exporter(f).start(&streamed.graph, o).unwrap(), options: o, sink })
        .collect();
    let outcome = pipeline::run(&mut streamed, runs, &|_| {}).unwrap();

    let mut whole_diags = whole.diagnostics.clone();
    for ((f, o), sink) in formats.iter().zip(&opts).zip(&sinks) {
        let expected = exporter(f).export(&whole.graph, o).unwrap();
        let names = |a: &[export::Artifact]| a.iter().map(|a| a.path.clone()).collect::<Vec<_>>();
        assert_eq!(names(&sink.artifacts), names(&expected.artifacts), "{graph} {f}: files");
        for (got, want) in sink.artifacts.iter().zip(&expected.artifacts) {
            assert!(got.bytes == want.bytes, "{graph} {f}: {} differs", got.path.display());
        }
        whole_diags.extend(expected.diagnostics.into_iter().map(|mut d| {
            d.file = notes_export::display_path(&whole.source.display, &d.file);
            d
        }));
    }
    let mut streamed_diags = streamed.diagnostics.clone();
    streamed_diags.extend(outcome.diagnostics);
    notes_export::diag::normalize(&mut streamed_diags);
    notes_export::diag::normalize(&mut whole_diags);
    let show = |d: &[notes_export::diag::Diagnostic]| d.iter().map(|d| format!("{d:?}")).collect::<Vec<_>>();
    assert_eq!(show(&streamed_diags), show(&whole_diags), "{graph}: diagnostics");
    let blocks: usize = whole.graph.pages.iter().map(|p| p.blocks.len()).sum();
    assert_eq!(outcome.blocks, blocks);
}

#[test]
fn corpus_streamed_equals_whole() {
    compare("fixtures/corpus/logseq-docs");
}

#[test]
fn seed_streamed_equals_whole() {
    compare("fixtures/seed");
}

#[test]
fn cases_streamed_equal_whole() {
    for case in ["blocks", "titles", "inline", "refs", "cards"] {
        let dir = format!("fixtures/cases/{case}");
        if Path::new(&dir).join("pages").is_dir() {
            compare(&dir);
        }
    }
}
