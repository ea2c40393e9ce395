//! Criterion micro-benchmarks of each stage on the docs corpus: read, resolve, each exporter.
//! Whole-process timings against anchors are `cargo xtask bench`.

use criterion::{criterion_group, criterion_main, Criterion};
use notes_export::export::{self, Options};
use std::path::Path;

fn corpus() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/corpus/logseq-docs"))
}

fn stages(c: &mut Criterion) {
    let seed = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/seed/pages/AWS.md")).unwrap();
    let config = notes_export::read::GraphConfig::default();
    c.bench_function("read/seed page", |b| {
        b.iter(|| notes_export::read::read_page("pages/AWS.md", &seed, &config, false, &mut Vec::new()))
    });
    c.bench_function("read/corpus graph", |b| b.iter(|| notes_export::read::read_graph(corpus()).unwrap()));

    let reading = notes_export::read::read_graph(corpus()).unwrap();
    c.bench_function("resolve/corpus (with a graph clone)", |b| {
        b.iter(|| {
            let mut g = reading.graph.clone();
            notes_export::resolve::resolve(&mut g, &reading.source, &|p| Ok(p.clone())).0
        })
    });

    let loaded = notes_export::load(corpus()).unwrap();
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
