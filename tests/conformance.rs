//! The reader against Logseq's own parser on the docs corpus: at least 99.5% of pages must
//! build the same block tree (page, order, depth, parent, content, properties).

#[path = "../xtask/src/conformance.rs"]
mod conformance;

#[test]
fn corpus_block_trees_match_logseq() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let report = conformance::run(
        &root.join("fixtures/corpus/logseq-docs"),
        &root.join("fixtures/corpus/logseq-docs.blocks.jsonl"),
    )
    .unwrap();
    assert_eq!(report.total, 313, "every Markdown file of the corpus is in the reference");
    for (file, diff) in &report.differing {
        eprintln!("DIFF {file}: {diff}");
    }
    eprintln!("tree-match: {}/{} pages ({:.1}%)", report.matched, report.total, report.percent());
    assert!(report.percent() >= 99.5, "tree match {:.1}% is below 99.5%", report.percent());
}
