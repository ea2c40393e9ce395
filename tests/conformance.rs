//! The reader against Logseq's own parser on its documentation graph, read in place from
//! `../shared/corpus`: exactly the README's figure of pages build the same block tree (page,
//! order, depth, parent, content, properties), and a page that newly differs is named.

mod common;
#[path = "../xtask/src/conformance.rs"]
mod conformance;

/// The docs graph and the block trees Logseq's parser built of it, both from `../shared`.
fn corpus_and_reference() -> Option<(std::path::PathBuf, std::path::PathBuf)> {
    Some((common::corpus()?, common::shared("corpus/logseq-docs.blocks.jsonl")?))
}

#[test]
fn corpus_block_trees_match_logseq() {
    let Some((graph, reference)) = corpus_and_reference() else { return };
    let report = conformance::run(&graph, &reference).unwrap();
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    if let Err(e) = conformance::check_claim(&report, &readme) {
        panic!("{e}");
    }
}

#[test]
fn the_readme_claim_is_read_exactly() {
    assert_eq!(conformance::claimed("x **313/313 pages match** (y)"), Some((313, 313)));
    assert_eq!(conformance::claimed("x **312/313 pages match**"), Some((312, 313)));
    assert_eq!(conformance::claimed("no figure"), None);
    let report = |matched| conformance::Report {
        total: 313,
        matched,
        differing: if matched < 313 { vec![("pages/a.md".into(), "depth".into())] } else { vec![] },
    };
    let readme = "**313/313 pages match**";
    assert!(conformance::check_claim(&report(313), readme).is_ok());
    let e = conformance::check_claim(&report(312), readme).unwrap_err();
    assert!(e.contains("312/313") && e.contains("pages/a.md: depth"), "{e}");
    // Better than claimed is a stale README, not a pass.
    assert!(conformance::check_claim(&report(313), "**312/313 pages match**").is_err());
}

/// Every block reference and block embed in the corpus whose target exists (a Markdown
/// block's `id::` or an org headline's `:id:`) resolves; the unresolved ones are listed.
#[test]
fn corpus_block_refs_resolve() {
    let Some((graph, reference)) = corpus_and_reference() else { return };
    let loaded = notes_export::load(&graph).unwrap();
    let (mut refs, mut unresolved) = (0, Vec::new());
    for page in &loaded.graph.pages {
        for b in &page.blocks {
            notes_export::ir::for_each_inline(&b.body, &mut |i| match i {
                notes_export::ir::Inline::BlockRef { uuid, target, .. } => {
                    refs += 1;
                    if target.is_none() {
                        unresolved.push(format!("{}:{} (({uuid}))", page.file, b.line));
                    }
                }
                notes_export::ir::Inline::Embed {
                    target: notes_export::ir::EmbedTarget::Block { uuid },
                    block,
                    ..
                } => {
                    refs += 1;
                    if block.is_none() {
                        unresolved.push(format!("{}:{} embed (({uuid}))", page.file, b.line));
                    }
                }
                _ => {}
            });
        }
    }
    // The reference lists the refs Logseq found; each one names a block that exists here.
    let reference = std::fs::read_to_string(reference).unwrap();
    let mut named = 0;
    for line in reference.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        for b in v["blocks"].as_array().unwrap() {
            for u in b["block_refs"].as_array().into_iter().flatten() {
                named += 1;
                assert!(
                    loaded.graph.block_by_uuid(u.as_str().unwrap()).is_some(),
                    "(({u})) in {} does not resolve",
                    v["file"]
                );
            }
        }
    }
    eprintln!("{refs} block refs and embeds, {} unresolved: {unresolved:?}", unresolved.len());
    assert!(refs > 60 && named > 50, "{refs} {named}");
    assert!(unresolved.is_empty(), "{unresolved:?}");
}
