//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_notes-export"));
    c.current_dir(root());
    c.env_remove("SOURCE_DATE_EPOCH");
    c
}

pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run notes-export")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Compares `actual` with the committed golden file, or rewrites it when UPDATE_GOLDEN=1.
pub fn assert_golden(path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(path)
        .unwrap_or_else(|_| panic!("missing golden {}; run `cargo xtask bless`", path.display()));
    if expected != actual {
        let line = expected.lines().zip(actual.lines()).position(|(a, b)| a != b).unwrap_or(0);
        panic!(
            "{} differs from the output at line {} (run `cargo xtask bless` if the change is intended)\nexpected: {:?}\nactual:   {:?}",
            path.display(),
            line + 1,
            expected.lines().nth(line),
            actual.lines().nth(line)
        );
    }
}

/// A fresh temporary folder.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

/// A graph folder holding the given files (paths under the folder, and their text); deleted
/// with the returned folder.
pub fn graph_of(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempdir();
    for (path, text) in files {
        let at = dir.path().join(path);
        std::fs::create_dir_all(at.parent().expect("a file in the graph")).unwrap();
        std::fs::write(at, text).unwrap();
    }
    dir
}

/// A one-page graph (`pages/p.md`) read from `text`, with no folder behind it.
pub fn one_page(text: &str) -> notes_export::Loaded {
    let source = notes_export::read::Source { root: std::env::temp_dir(), display: String::new() };
    notes_export::finish(notes_export::read::read_single("pages/p.md", text.as_bytes(), source))
}

/// The folder of third-party data sets the tests read in place (Logseq's documentation graph,
/// real public graphs, the ECMA-376 schemas): `../shared` beside the checkout, or
/// `$NOTES_EXPORT_SHARED`. Nothing in it is copied into the project, and nothing needs it at
/// run time.
pub fn shared_root() -> PathBuf {
    std::env::var_os("NOTES_EXPORT_SHARED").map(PathBuf::from).unwrap_or_else(|| root().join("../shared"))
}

/// `rel` under [`shared_root`], or `None` after reporting the check as skipped.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let path = shared_root().join(rel);
    if path.exists() {
        return Some(path);
    }
    skipped(&format!("../shared/{rel} not found"));
    None
}

/// Logseq's documentation graph, a real 333-file graph.
pub fn corpus() -> Option<PathBuf> {
    shared("corpus/logseq-docs")
}

/// Reports a check that could not run: one `skipped: WHY (TEST)` line on the terminal (written
/// past the test harness's capture, so a passing test shows it too) and in
/// `$NOTES_EXPORT_SKIP_LOG`, which `cargo xtask test` counts. Where every check must run
/// (`NOTES_EXPORT_REQUIRE_SHARED=1`, as in CI) it fails the test instead.
pub fn skipped(why: &str) {
    use std::io::Write;
    let test = std::thread::current().name().unwrap_or("?").to_string();
    if std::env::var_os("NOTES_EXPORT_REQUIRE_SHARED").is_some_and(|v| v != "0") {
        panic!("{why}, and NOTES_EXPORT_REQUIRE_SHARED is set: this check must run");
    }
    let line = format!("skipped: {why} ({test})\n");
    let _ = std::io::stderr().write_all(line.as_bytes());
    if let Some(log) = std::env::var_os("NOTES_EXPORT_SKIP_LOG") {
        if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(log) {
            let _ = f.write_all(line.as_bytes());
        }
    }
}

#[path = "../../xtask/src/gen_graph.rs"]
mod gen_graph;

/// A graph the tests write themselves with the benchmark's generator: `pages` pages (several
/// windows of the pipeline), with headings, cross-page and block references, cards, clozes,
/// images, code and journals. Deleted with the returned folder.
pub struct Generated {
    pub dir: tempfile::TempDir,
    pub graph: PathBuf,
}

pub fn generated_graph(pages: usize) -> Generated {
    let dir = tempdir();
    let graph = dir.path().join("graph");
    gen_graph::generate(&graph, pages, 12, 7).expect("generate a graph");
    Generated { dir, graph }
}

/// The page files (Markdown and org) under a graph's `pages/` and `journals/`.
pub fn page_files(graph: &Path) -> usize {
    ["pages", "journals"]
        .iter()
        .flat_map(|d| walkdir::WalkDir::new(graph.join(d)).into_iter().filter_map(Result::ok))
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md" || x == "org"))
        .count()
}

/// The graphs a whole-graph test runs on: a generated one always, and Logseq's documentation
/// graph when `../shared` has it (skipped with a notice otherwise).
pub fn whole_graphs() -> (Generated, Vec<PathBuf>) {
    let generated = generated_graph(150);
    let mut graphs = vec![generated.graph.clone()];
    graphs.extend(corpus());
    (generated, graphs)
}

/// A graph of pages that use files which are not images (a PDF, a recording) and a picture
/// whose name has a space: `pages/F.md`, `pages/O.org` (org links) and `pages/C.md` (a card).
pub fn files_graph() -> tempfile::TempDir {
    let dir = tempdir();
    for sub in ["pages", "assets"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
    }
    std::fs::write(dir.path().join("assets/doc.pdf"), "%PDF-1.4 a handout").unwrap();
    std::fs::write(dir.path().join("assets/talk.mp3"), "ID3 a recording").unwrap();
    std::fs::copy(root().join("fixtures/cases/inline/assets/pic.png"), dir.path().join("assets/my diagram.png"))
        .unwrap();
    let pages = [
        (
            "F.md",
            "- ![doc.pdf](../assets/doc.pdf)\n- see [the doc](../assets/doc.pdf) now\n- ![talk](../assets/talk.mp3)\n- ![a](../assets/my diagram.png)\n",
        ),
        ("O.org", "* [[../assets/doc.pdf][doc]]\n* [[../assets/my diagram.png]]\n"),
        ("C.md", "- Files #card\n\t- ![talk](../assets/talk.mp3)\n\t- [the doc](../assets/doc.pdf)\n"),
    ];
    for (file, text) in pages {
        std::fs::write(dir.path().join("pages").join(file), text).unwrap();
    }
    dir
}

/// A minimal Logseq DB graph (`db.sqlite` in `dir`) holding `datoms` (entity, attribute, value
/// as transit JSON) in one leaf of its EAVT tree, with `block/tags` and `block/refs`
/// many-valued, and the `tail` transactions after them.
pub fn db_graph(dir: &Path, datoms: &[(i64, &str, &str)], tail: &str) -> PathBuf {
    let file = dir.join("db.sqlite");
    let db = rusqlite::Connection::open(&file).unwrap();
    db.execute_batch("CREATE TABLE kvs (addr INTEGER PRIMARY KEY, content TEXT, addresses JSON);").unwrap();
    let many = r#"["^ ","~:db/cardinality","~:db.cardinality/many"]"#;
    let root = format!(r#"["^ ","~:schema",["^ ","~:block/tags",{many},"~:block/refs",{many}],"~:eavt",2]"#);
    let keys: Vec<String> = datoms.iter().map(|(e, a, v)| format!(r#"[{e},"~:{a}",{v},536870913]"#)).collect();
    let leaf = format!(r#"["^ ","~:keys",[{}]]"#, keys.join(","));
    for (addr, content) in [(0, root.as_str()), (1, tail), (2, leaf.as_str())] {
        db.execute("INSERT INTO kvs VALUES (?1, ?2, NULL)", rusqlite::params![addr, content]).unwrap();
    }
    file
}
