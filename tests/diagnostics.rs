//! Every diagnostic code: a minimal graph that produces it, through the command that reports
//! it, and the README's table of codes, made from the same list.

mod common;

use notes_export::diag::{codes_table, Code};
use std::path::Path;

/// A graph of the given files (paths under the graph folder), and the command that reports the
/// code. The match has no catch-all: a new code does not compile without a case here.
fn case(code: Code) -> (Vec<(&'static str, Vec<u8>)>, &'static [&'static str]) {
    let uuid = "6571a1b2-0000-4000-8000-0000000000c1";
    let page = |text: String| vec![("pages/p.md", text.into_bytes())];
    let check: &[&str] = &["check"];
    match code {
        // A page file that is a link to nothing.
        Code::Unreadable => (vec![("pages/ok.md", b"- ok\n".to_vec())], check),
        Code::InvalidUtf8 => (vec![("pages/p.md", b"- a \xff b\n".to_vec())], check),
        Code::ControlCharacter => (page("- a\u{1}b\n".into()), check),
        Code::BadConfig => {
            (vec![("logseq/config.edn", b"{:broken".to_vec()), ("pages/p.md", b"- x\n".to_vec())], check)
        }
        Code::InvalidProperty => (page("- x\n  bad(key):: v\n".into()), check),
        Code::InvalidId => (page("- x\n  id:: not-a-uuid\n".into()), check),
        Code::DuplicateId => (page(format!("- a\n  id:: {uuid}\n- b\n  id:: {uuid}\n")), check),
        Code::DuplicatePage => {
            (vec![("pages/Same.md", b"- a\n".to_vec()), ("pages/same.md", b"- b\n".to_vec())], check)
        }
        Code::DanglingRef => (page("- ((99999999-2222-4333-8444-555555555555))\n".into()), check),
        Code::DanglingEmbed => (page("- {{embed [[Nowhere]]}}\n".into()), check),
        Code::DanglingFootnote => (page("- a mark[^none]\n".into()), check),
        Code::EmbedCycle => (page(format!("- {{{{embed (({uuid}))}}}}\n  id:: {uuid}\n")), check),
        Code::RefCycle => (page(format!("- see (({uuid}))\n  id:: {uuid}\n")), check),
        Code::MissingAsset => (page("- ![x](../assets/nope.png)\n".into()), check),
        Code::BadAsset => {
            (vec![("assets/empty.png", Vec::new()), ("pages/p.md", b"- ![x](../assets/empty.png)\n".to_vec())], check)
        }
        Code::UnsafeAssetPath => (page("- ![x](../../../../etc/passwd)\n".into()), check),
        Code::UnsupportedImage => (
            vec![
                ("assets/plot.svg", br#"<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>"#.to_vec()),
                ("pages/p.md", b"- ![p](../assets/plot.svg)\n".to_vec()),
            ],
            check,
        ),
        Code::UnsupportedMath => (page("- see $\\color{red}{x}$\n".into()), &["docx", "-o", "OUT/p.docx"]),
        Code::DeepNesting => {
            let text: String = (0..105).map(|d| format!("{}- level {d}\n", "\t".repeat(d))).collect();
            (page(text), &["md", "-o", "-"])
        }
        Code::EmptyCard => (page("- #card\n\t- the answer\n".into()), &["anki", "-o", "OUT/deck.apkg"]),
        Code::NoCards => (page("- plain\n".into()), &["anki", "--cards", "tagged", "-o", "OUT/deck.apkg"]),
        Code::QueryDropped => {
            (page("- #+BEGIN_QUERY\n  {:query (todo todo)}\n  #+END_QUERY\n".into()), &["md", "-o", "-"])
        }
        Code::MacroDropped => (page("- a {{renderer :x, y}}\n".into()), &["md", "-o", "-"]),
        Code::HtmlDropped => (page("- <details>folded</details>\n".into()), &["docx", "-o", "OUT/p.docx"]),
        Code::SkippedCard => (page("- a {{cloze that never closes\n".into()), &["anki", "-o", "OUT/deck.apkg"]),
        // The deck is built once with both cards, then the second card is deleted (below).
        Code::RemovedCard => {
            (page("- Kept #card\n\t- a\n- Gone #card\n\t- b\n".into()), &["anki", "-o", "OUT/deck.apkg"])
        }
        Code::UnknownSchema => {
            let dir = common::tempdir();
            let version = r#"["^ ","~:major",99,"~:minor",0]"#;
            let ident = r#""~:logseq.kv/schema-version""#;
            let db = common::db_graph(dir.path(), &[(6, "db/ident", ident), (6, "kv/value", version)], "[]");
            (vec![("db.sqlite", std::fs::read(db).unwrap())], check)
        }
        Code::BadSchedule => {
            (page("- Q #card\n  card-next-schedule:: someday\n\t- A\n".into()), &["anki", "-o", "OUT/deck.apkg"])
        }
    }
}

#[test]
fn every_code_is_produced_by_its_case() {
    for code in Code::ALL {
        let dir = common::tempdir();
        let graph = dir.path().join("graph");
        let (files, command) = case(code);
        for (path, bytes) in files {
            let at = graph.join(path);
            std::fs::create_dir_all(at.parent().unwrap()).unwrap();
            std::fs::write(at, bytes).unwrap();
        }
        if code == Code::Unreadable {
            std::os::unix::fs::symlink(dir.path().join("nowhere.md"), graph.join("pages/broken.md")).unwrap();
        }
        let out = dir.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        let args: Vec<String> = command.iter().map(|a| a.replace("OUT", out.to_str().unwrap())).collect();
        if code == Code::RemovedCard {
            assert!(common::bin().arg(&args[0]).arg(&graph).args(&args[1..]).status().unwrap().success());
            std::fs::write(graph.join("pages/p.md"), "- Kept #card\n\t- a\n").unwrap();
        }
        let mut cmd = common::bin();
        cmd.arg(&args[0]).arg(&graph).args(&args[1..]).args(["-v", "--message-format", "json"]);
        let o = cmd.output().unwrap();
        let said: Vec<serde_json::Value> =
            String::from_utf8_lossy(&o.stderr).lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
        assert!(
            said.iter().any(|d| d["code"] == code.as_str()),
            "{code}: not reported by {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

#[test]
fn every_code_is_described_once() {
    let mut names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), Code::ALL.len(), "two codes share a name");
    for c in Code::ALL {
        assert!(c.description().ends_with('.') && c.description().len() > 20, "{c}");
    }
}

/// The README's table of codes is the one made from the list (`cargo xtask bless` rewrites it).
#[test]
fn readme_table_of_codes_is_current() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let (start, end) = (README_CODES_START, README_CODES_END);
    let table = readme
        .split_once(start)
        .and_then(|(_, rest)| rest.split_once(end))
        .map(|(t, _)| t.trim_start_matches('\n'))
        .expect("the README has the table of codes between its markers");
    assert_eq!(table, codes_table(), "the README's table of codes is stale: run `cargo xtask bless`");
}

const README_CODES_START: &str = "<!-- codes: cargo xtask bless writes this table from src/diag.rs -->";
const README_CODES_END: &str = "<!-- /codes -->";
