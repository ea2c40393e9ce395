//! The bad-input table of the README, one test per row: every exporter runs (`build`), and the
//! exit code, the diagnostic (with file and line) and the output folder are checked.

mod common;

use common::{bin, stderr, tempdir};
use std::path::{Path, PathBuf};
use std::process::Output;

struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new() -> Self {
        let dir = tempdir();
        std::fs::create_dir_all(dir.path().join("graph/pages")).unwrap();
        std::fs::create_dir_all(dir.path().join("graph/assets")).unwrap();
        std::fs::write(dir.path().join("graph/pages/ok.md"), "- a page that is fine\n\t- with a child\n").unwrap();
        Case { dir }
    }
    fn graph(&self) -> PathBuf {
        self.dir.path().join("graph")
    }
    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }
    fn page(&self, name: &str, content: impl AsRef<[u8]>) -> &Self {
        std::fs::write(self.graph().join("pages").join(name), content).unwrap();
        self
    }
    fn asset(&self, name: &str, content: &[u8]) -> &Self {
        std::fs::write(self.graph().join("assets").join(name), content).unwrap();
        self
    }
    /// `build` with every format, run inside the case folder so paths are short.
    fn build(&self) -> Output {
        bin().args(["build", "graph", "--out", "out"]).current_dir(self.dir.path()).output().unwrap()
    }
}

/// What every row checks: no panic, an exit code, and a complete output folder.
fn finished(o: &Output, code: i32) -> String {
    let e = stderr(o);
    assert!(!e.contains("panicked"), "{e}");
    assert_eq!(o.status.code(), Some(code), "{e}");
    e
}

fn no_partial_files(out: &Path) {
    for e in walkdir::WalkDir::new(out).into_iter().flatten() {
        let name = e.file_name().to_string_lossy();
        assert!(!name.starts_with(".notes-export") && !name.ends_with(".tmp"), "left behind: {}", e.path().display());
    }
    if out.exists() {
        for f in ["graph.json", "deck.apkg"] {
            assert!(out.join(f).is_file(), "{f} missing");
        }
    }
}

#[test]
fn invalid_utf8_names_file_and_offset_and_the_rest_converts() {
    let c = Case::new();
    c.page("bad.md", b"- fine\n- bad \xff byte\n");
    let e = finished(&c.build(), 1);
    assert!(e.contains("graph/pages/bad.md:2:7: error[invalid-utf8]: invalid UTF-8 at byte offset 13"), "{e}");
    no_partial_files(&c.out());
    let md = std::fs::read_to_string(c.out().join("markdown/ok.md")).unwrap();
    assert!(md.contains("a page that is fine"));
}

#[test]
fn bom_keeps_the_first_block_and_crlf_and_mixed_indentation_read() {
    let c = Case::new();
    c.page("bom.md", "\u{feff}- first block\r\n\t- tab child\r\n  \t- mixed child\r\n- second\r\n");
    finished(&c.build(), 0);
    let md = std::fs::read_to_string(c.out().join("markdown/bom.md")).unwrap();
    assert_eq!(md, "# bom\n\n- first block\n  - tab child\n    - mixed child\n- second\n");
    no_partial_files(&c.out());
}

#[test]
fn deep_nesting_and_a_ten_megabyte_line() {
    let c = Case::new();
    let mut deep = String::new();
    for d in 0..10_000 {
        deep.push_str(&"\t".repeat(d));
        deep.push_str("- level\n");
    }
    c.page("deep.md", deep);
    let mut long = String::from("- ");
    long.push_str(&"word ".repeat(2 * 1024 * 1024));
    long.push_str("((11111111-2222-4333-8444-555555555555))\n");
    c.page("long.md", long);
    let e = finished(&c.build(), 0);
    assert!(e.contains("graph/pages/long.md:1:10485763: warning[dangling-ref]"), "{e}");
    no_partial_files(&c.out());
}

#[test]
fn a_million_sibling_blocks() {
    let c = Case::new();
    let page: String = (0..1_000_000).map(|i| format!("- b{i}\n")).collect();
    c.page("many.md", page);
    let o = bin().args(["check", "graph"]).current_dir(c.dir.path()).output().unwrap();
    let e = finished(&o, 0);
    assert!(e.contains("2 pages, 1000002 blocks"), "{e}");
}

#[test]
fn empty_file_directory_named_like_a_page_and_unreadable_file() {
    let c = Case::new();
    c.page("empty.md", "");
    std::fs::create_dir_all(c.graph().join("pages/folder.md")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/target.md", c.graph().join("pages/broken.md")).unwrap();
    let e = finished(&c.build(), 0);
    assert!(e.contains("graph/pages/broken.md: warning[unreadable]"), "{e}");
    assert!(c.out().join("markdown/empty.md").is_file());
    no_partial_files(&c.out());
}

#[test]
fn symlink_loop_is_reported_not_followed() {
    let c = Case::new();
    std::os::unix::fs::symlink("..", c.graph().join("pages/loop")).unwrap();
    let e = finished(&c.build(), 0);
    assert!(e.contains("warning[unreadable]: symbolic link loop"), "{e}");
    no_partial_files(&c.out());
}

#[test]
fn duplicate_ids_dangling_refs_and_embed_cycles() {
    let c = Case::new();
    c.page(
        "a.md",
        "- one\n  id:: aaaaaaaa-2222-4333-8444-555555555555\n- two\n  id:: aaaaaaaa-2222-4333-8444-555555555555\n- ((bbbbbbbb-2222-4333-8444-555555555555))\n- {{embed ((cccccccc-2222-4333-8444-555555555555))}}\n  id:: cccccccc-2222-4333-8444-555555555555\n- {{embed [[b]]}}\n- {{embed [[a]]}}\n",
    );
    c.page("b.md", "- {{embed [[a]]}}\n");
    let e = finished(&c.build(), 0);
    for want in [
        "graph/pages/a.md:3:1: warning[duplicate-id]",
        "graph/pages/a.md:5:3: warning[dangling-ref]",
        "graph/pages/a.md:6:3: warning[embed-cycle]",
        "graph/pages/a.md:8:3: warning[embed-cycle]",
        "graph/pages/a.md:9:3: warning[embed-cycle]",
        "graph/pages/b.md:1:3: warning[embed-cycle]",
    ] {
        assert!(e.contains(want), "{want} in {e}");
    }
    let deny =
        bin().args(["build", "graph", "--out", "out", "--deny-warnings"]).current_dir(c.dir.path()).output().unwrap();
    finished(&deny, 1);
    no_partial_files(&c.out());
}

#[test]
fn cloze_with_brace_unterminated_fence_and_invalid_property_key() {
    let c = Case::new();
    c.page("c.md", "- a {{cloze x } y}} cloze\n- ```\n  - not a block\n- bad(key):: inside the open fence\n");
    c.page("p.md", "- block\n  bad(key):: value\n");
    let e = finished(&c.build(), 0);
    assert!(e.contains("graph/pages/p.md:2:3: warning[invalid-property]"), "{e}");
    assert!(!e.contains("graph/pages/c.md:4"), "a property line inside code is code: {e}");
    let md = std::fs::read_to_string(c.out().join("markdown/c.md")).unwrap();
    assert!(md.contains("- a x } y cloze"), "a cloze with a stray `}}` is the cloze its writer meant: {md}");
    assert!(md.contains("- not a block"), "the open fence swallows the rest of the page: {md}");
    no_partial_files(&c.out());
}

#[test]
fn awkward_titles_and_names_that_differ_only_in_case() {
    let c = Case::new();
    c.page("odd.md", "title:: a/b\\c:d*e?f\"g<h>i|j\n\n- odd title\n");
    c.page("Case.md", "- upper\n");
    c.page("case.md", "- lower\n");
    let e = finished(&c.build(), 0);
    assert!(e.contains("warning[duplicate-page]"), "{e}");
    let files: Vec<String> = walkdir::WalkDir::new(c.out().join("markdown"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(c.out().join("markdown")).unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(files.contains(&"a/b_c_d_e_f_g_h_i_j.md".to_string()), "{files:?}");
    assert!(files.contains(&"Case.md".to_string()) && files.contains(&"case-2.md".to_string()), "{files:?}");
    let handouts: Vec<_> =
        std::fs::read_dir(c.out().join("handouts")).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(handouts.len(), 4, "{handouts:?}");
    no_partial_files(&c.out());
}

#[test]
fn images_missing_empty_not_an_image_huge_outside_or_remote() {
    let c = Case::new();
    c.asset("empty.png", b"");
    c.asset("text.png", b"not an image at all");
    let huge = std::fs::File::create(c.graph().join("assets/huge.png")).unwrap();
    huge.set_len(60 * 1024 * 1024).unwrap();
    c.page(
        "img.md",
        "- ![m](../assets/missing.png)\n- ![e](../assets/empty.png)\n- ![t](../assets/text.png)\n- ![h](../assets/huge.png)\n- ![p](../../../../etc/passwd)\n- ![a](/etc/passwd)\n- ![r](https://example.org/r.png)\n",
    );
    let e = finished(&c.build(), 0);
    for want in [
        "graph/pages/img.md:1:3: warning[missing-asset]",
        "graph/pages/img.md:2:3: warning[bad-asset]: image file 'assets/empty.png' is empty",
        "graph/pages/img.md:3:3: warning[bad-asset]: image file 'assets/text.png' is not a PNG",
        "graph/pages/img.md:4:3: warning[bad-asset]: image file 'assets/huge.png' is larger than 50 MB",
        "graph/pages/img.md:5:3: warning[unsafe-asset-path]",
        "graph/pages/img.md:6:3: warning[unsafe-asset-path]",
    ] {
        assert!(e.contains(want), "{want} in {e}");
    }
    assert!(!e.contains("img.md:7:"), "a remote image is not an error: {e}");
    let md = std::fs::read_to_string(c.out().join("markdown/img.md")).unwrap();
    assert!(md.contains("![r](https://example.org/r.png)") && md.contains("missing image: p"), "{md}");
    assert!(!c.out().join("markdown/assets").exists(), "nothing outside the graph or unusable is copied");
    no_partial_files(&c.out());
}

#[test]
fn html_and_xml_breakers_are_harmless_and_control_characters_dropped() {
    let c = Case::new();
    c.page("x.md", "- Shown: <script>alert(1)</script> <img src=x onerror=alert(2)> ]]> a\u{1}b #card\n\t- back\n");
    let e = finished(&c.build(), 0);
    assert!(e.contains("graph/pages/x.md:1:70: warning[control-character]"), "{e}");
    let mut z = zip::ZipArchive::new(std::fs::File::open(c.out().join("handouts/x.docx")).unwrap()).unwrap();
    let mut doc = String::new();
    std::io::Read::read_to_string(&mut z.by_name("word/document.xml").unwrap(), &mut doc).unwrap();
    // A script's markup is left out, its text shown: nothing runs, nothing breaks the XML.
    assert!(!doc.contains("<script") && !doc.contains("script&gt;") && !doc.contains("onerror"), "{doc}");
    assert!(doc.contains(">alert(1)<") && doc.contains("]]&gt;") && !doc.contains('\u{1}'), "{doc}");
    let json = std::fs::read_to_string(c.out().join("graph.json")).unwrap();
    assert!(json.contains("<script>"), "the IR keeps the text as written");
    let deck = std::fs::read(c.out().join("deck.apkg")).unwrap();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(deck)).unwrap();
    let mut col = Vec::new();
    std::io::Read::read_to_end(&mut z.by_name("collection.anki2").unwrap(), &mut col).unwrap();
    let tmp = c.dir.path().join("col.anki2");
    std::fs::write(&tmp, col).unwrap();
    let db = rusqlite::Connection::open(tmp).unwrap();
    let flds: String = db.query_row("SELECT flds FROM notes", [], |r| r.get(0)).unwrap();
    assert!(flds.contains("Shown: alert(1)") && flds.contains("]]&gt;"), "{flds}");
    assert!(!flds.contains("<script") && !flds.contains("<img") && !flds.contains("onerror"), "{flds}");
    assert!(!flds.contains('\u{1}'));
}

#[test]
fn output_path_a_directory_inside_the_input_or_read_only() {
    let c = Case::new();
    let run = |args: &[&str]| bin().args(args).current_dir(c.dir.path()).output().unwrap();
    std::fs::create_dir_all(c.dir.path().join("existing")).unwrap();
    let e = finished(&run(&["json", "graph", "-o", "existing"]), 1);
    assert!(e.contains("existing: is a directory"), "{e}");
    let e = finished(&run(&["md", "graph", "-o", "graph/pages"]), 1);
    assert!(e.contains("refusing to overwrite an input file"), "{e}");
    assert_eq!(
        std::fs::read_to_string(c.graph().join("pages/ok.md")).unwrap(),
        "- a page that is fine\n\t- with a child\n"
    );
    // Any file already among the notes is the user's, page or not; beside them is fine.
    std::fs::write(c.graph().join("pages/notes.json"), "mine").unwrap();
    let e = finished(&run(&["json", "graph", "-o", "graph/pages/notes.json"]), 1);
    assert!(e.contains("refusing to overwrite an input file"), "{e}");
    assert_eq!(std::fs::read_to_string(c.graph().join("pages/notes.json")).unwrap(), "mine");
    finished(&run(&["json", "graph", "-o", "graph/graph.json"]), 0);
    finished(&run(&["json", "graph", "-o", "graph/graph.json"]), 0);
    // The graph's images are the user's too: Markdown beside the notes would replace them.
    let photo = std::fs::read(common::root().join("fixtures/seed/assets/18819_1763418886073_0.jpeg")).unwrap();
    c.asset("p.jpeg", &photo);
    c.page("img.md", "- ![p](../assets/p.jpeg)\n");
    let e = finished(&run(&["md", "graph", "-o", "graph"]), 1);
    assert!(e.contains("assets/p.jpeg: refusing to overwrite an input file"), "{e}");
    assert_eq!(std::fs::read(c.graph().join("assets/p.jpeg")).unwrap(), photo);
    std::fs::create_dir_all(c.graph().join("logseq")).unwrap();
    std::fs::write(c.graph().join("logseq/config.edn"), "{}").unwrap();
    std::fs::write(c.graph().join("logseq/graph.json"), "{}").unwrap();
    let e = finished(&run(&["json", "graph", "-o", "graph/logseq/graph.json"]), 1);
    assert!(e.contains("refusing to overwrite an input file"), "{e}");
    assert_eq!(std::fs::read_to_string(c.graph().join("logseq/graph.json")).unwrap(), "{}");
    let e = finished(&run(&["json", "graph", "-o", "/proc/notes-export.json"]), 1);
    assert!(e.contains("/proc"), "{e}");
    std::fs::write(c.dir.path().join("a-file"), "mine").unwrap();
    let e = finished(&run(&["build", "graph", "--out", "a-file"]), 1);
    assert!(e.contains("a-file: is not a folder"), "{e}");
    assert_eq!(std::fs::read_to_string(c.dir.path().join("a-file")).unwrap(), "mine");
    let e = finished(&run(&["build", "graph", "--out", "/proc/notes-export"]), 1);
    assert!(e.contains("/proc"), "{e}");
}

#[test]
fn a_build_never_replaces_a_folder_holding_its_input() {
    // The graph lives where the build's markdown/ folder goes: swapping that folder in whole
    // would delete the notes.
    let dir = tempdir();
    let graph = dir.path().join("markdown/notes");
    std::fs::create_dir_all(graph.join("pages")).unwrap();
    std::fs::write(graph.join("pages/a.md"), "- keep me\n").unwrap();
    let o =
        bin().args(["build", graph.to_str().unwrap(), "--out", dir.path().to_str().unwrap(), "-q"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("refusing to replace a folder that holds an input"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(graph.join("pages/a.md")).unwrap(), "- keep me\n");
    assert!(!dir.path().join("graph.json").exists(), "nothing is moved into place");
}

#[test]
fn no_panic_on_any_fixture_or_command() {
    let root = common::root();
    let mut inputs: Vec<String> = vec!["fixtures/seed".into(), "fixtures/seed/aws-notes.md".into()];
    for e in std::fs::read_dir(root.join("fixtures/cases")).unwrap().flatten() {
        inputs.push(format!("fixtures/cases/{}", e.file_name().to_string_lossy()));
    }
    let dir = tempdir();
    for input in &inputs {
        for cmd in [
            vec!["check"],
            vec!["json", "-o"],
            vec!["md", "-o"],
            vec!["docx", "--worksheet", "-o"],
            vec!["anki", "--cards", "outline", "-o"],
        ] {
            let mut args: Vec<String> = vec![cmd[0].to_string(), input.clone()];
            args.extend(cmd[1..].iter().map(|s| s.to_string()));
            if args.last().is_some_and(|a| a == "-o") {
                args.push(dir.path().join(format!("o-{}", cmd[0])).to_string_lossy().into_owned());
            }
            let o = common::bin().args(&args).output().unwrap();
            assert!(!stderr(&o).contains("panicked"), "{args:?}: {}", stderr(&o));
            assert!(matches!(o.status.code(), Some(0) | Some(1)), "{args:?}: {:?} {}", o.status, stderr(&o));
        }
    }
}

/// A folder where an output file goes is refused before anything moves: a build's files that
/// sort before it, and the Markdown pages written before the image whose place it holds, stay
/// as they were.
#[test]
fn a_folder_where_a_file_goes_is_refused_before_anything_moves() {
    let dir = tempdir();
    let run = |args: &[&str]| bin().args(args).output().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(dist.join("graph.json")).unwrap();
    std::fs::write(dist.join("deck.apkg"), "earlier deck").unwrap();
    let e = finished(&run(&["build", "fixtures/seed", "--out", dist.to_str().unwrap()]), 1);
    assert!(e.contains("graph.json: is a directory"), "{e}");
    assert_eq!(std::fs::read_to_string(dist.join("deck.apkg")).unwrap(), "earlier deck");
    assert!(!dist.join("markdown").exists() && !dist.join("handouts").exists());

    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("assets/18819_1763418886073_0.jpeg")).unwrap();
    let e = finished(&run(&["md", "fixtures/seed", "-o", out.to_str().unwrap()]), 1);
    assert!(e.contains("18819_1763418886073_0.jpeg: is a directory"), "{e}");
    assert!(!out.join("AWS.md").exists(), "the page was not moved either");
}
