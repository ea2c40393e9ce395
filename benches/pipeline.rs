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
    for exporter in export::registry() {
        let options = Options::default();
        c.bench_function(&format!("export/{} corpus", exporter.name()), |b| {
            b.iter(|| exporter.export(&loaded.graph, &options).unwrap())
        });
    }
}

/// The deck's zip writer (deflating 1 MB pieces on every core, level 1) against the zip crate
/// writing the same bytes at the same level on one thread: the margin that keeps it.
fn zip_writers(c: &mut Criterion) {
    // 32 MB of text-like bytes (words from a small vocabulary, as a deck's fields are).
    let words = ["cell", "membrane", "<div>", "mitochondria", "energy", "the", "of", "{{c1::", "}}", "protein"];
    let mut state = 12345u64;
    let mut data = Vec::with_capacity(32 << 20);
    while data.len() < 32 << 20 {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        data.extend_from_slice(words[(state >> 33) as usize % words.len()].as_bytes());
        data.push(b' ');
    }
    c.bench_function("zip/ours 32 MB (pieces on every core)", |b| {
        b.iter(|| {
            let mut sink = export::MemorySink::default();
            let mut zip = export::archive::ZipOut::new(std::path::Path::new("x.zip"));
            zip.deflated(&mut sink, "collection", &data).unwrap();
            zip.finish(&mut sink).unwrap();
            sink.artifacts[0].bytes.len()
        })
    });
    c.bench_function("zip/zip crate 32 MB (one thread)", |b| {
        b.iter(|| {
            use std::io::Write;
            let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .compression_level(Some(1));
            zip.start_file("collection", options).unwrap();
            zip.write_all(&data).unwrap();
            zip.finish().unwrap().into_inner().len()
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = stages, zip_writers
}
criterion_main!(benches);
