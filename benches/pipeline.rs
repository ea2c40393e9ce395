//! Criterion micro-benchmarks of each stage on Logseq's documentation graph, read in place from
//! `../shared/corpus` (only the seed page's read is measured without it): read, resolve, each
//! exporter. Whole-process timings against anchors are `cargo xtask bench`.

use criterion::{criterion_group, criterion_main, Criterion};
use notes_export::export::{self, Options};
use std::path::PathBuf;

fn corpus() -> Option<PathBuf> {
    let shared = std::env::var_os("NOTES_EXPORT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared")));
    let graph = shared.join("corpus/logseq-docs");
    graph.is_dir().then_some(graph)
}

fn stages(c: &mut Criterion) {
    let seed = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/seed/pages/AWS.md")).unwrap();
    let config = notes_export::read::GraphConfig::default();
    c.bench_function("read/seed page", |b| {
        b.iter(|| notes_export::read::read_page("pages/AWS.md", &seed, &config, false, &mut Vec::new()))
    });
    let Some(corpus) = corpus() else {
        println!("skipped: ../shared/corpus/logseq-docs not found (the whole-graph stages)");
        return;
    };
    let corpus = corpus.as_path();
    c.bench_function("read/corpus graph", |b| b.iter(|| notes_export::read::read_graph(corpus).unwrap()));

    let reading = notes_export::read::read_graph(corpus).unwrap();
    c.bench_function("resolve/corpus (with a graph clone)", |b| {
        b.iter(|| {
            let mut g = reading.graph.clone();
            let mut skim = notes_export::read::Skim::default();
            notes_export::resolve::resolve(&mut g, &mut skim, &reading.source, &|p| Ok(p.clone())).0
        })
    });

    let loaded = notes_export::load(corpus).unwrap();
    // The JSON exporter's own serializer against serde_json writing the same bytes (the tests
    // hold the two equal): the margin that keeps the hand-written writer.
    c.bench_function("json/serde_json::to_vec corpus", |b| b.iter(|| serde_json::to_vec(&loaded.graph).unwrap()));
    for name in ["json", "md", "docx", "anki"] {
        let exporter = export::by_name(name).unwrap();
        let options = Options::default();
        c.bench_function(&format!("export/{name} corpus"), |b| {
            b.iter(|| exporter.export(&loaded.graph, &options).unwrap())
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = stages
}
criterion_main!(benches);
