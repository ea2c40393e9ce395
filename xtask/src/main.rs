//! Project tasks: `cargo xtask <task>`.

mod conformance;

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let task = args.first().map(String::as_str).unwrap_or("help");
    match task {
        "conformance" => conformance_cmd(&args[1..]),
        "schema" => schema_cmd(),
        _ => {
            eprintln!("usage: cargo xtask <task>\n\ntasks:\n  conformance [GRAPH REFERENCE.jsonl]  compare the reader with Logseq's parser\n  schema                               regenerate schema/graph.schema.json");
            if task == "help" {
                Ok(())
            } else {
                bail!("unknown task {task}")
            }
        }
    }
}

fn conformance_cmd(args: &[String]) -> Result<()> {
    let graph = args
        .first()
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("fixtures/corpus/logseq-docs"));
    let reference = args
        .get(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("fixtures/corpus/logseq-docs.blocks.jsonl"));
    let report = conformance::run(&graph, &reference).map_err(anyhow::Error::msg)?;
    for (file, diff) in &report.differing {
        println!("DIFF {file}: {diff}");
    }
    println!(
        "tree-match: {}/{} pages ({:.1}%)",
        report.matched,
        report.total,
        report.percent()
    );
    Ok(())
}

fn schema_cmd() -> Result<()> {
    let path = root().join("schema/graph.schema.json");
    std::fs::create_dir_all(path.parent().context("schema folder")?)?;
    std::fs::write(&path, notes_export::export::json::schema())?;
    println!("wrote {}", path.display());
    Ok(())
}
