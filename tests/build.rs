//! `build`: one run writes every format, each equal to its single-format command; bytes never
//! depend on the run or the thread count; failures leave no partial output.

#[path = "common/apkg.rs"]
mod apkg;
mod common;

use common::{bin, run, stderr, tempdir};
use std::collections::BTreeMap;
use std::path::Path;

/// Every file under `dir` (relative path → bytes).
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            out.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    out
}

fn digest(t: &BTreeMap<String, Vec<u8>>) -> Vec<(String, String)> {
    use sha1::{Digest, Sha1};
    t.iter().map(|(k, v)| (k.clone(), format!("{:x}", Sha1::digest(v)))).collect()
}

#[test]
fn build_writes_every_format_equal_to_single_commands() {
    let (_generated, graphs) = common::whole_graphs();
    for graph in &graphs {
        build_equals_single_commands(graph.to_str().unwrap());
    }
}

fn build_equals_single_commands(graph: &str) {
    let dir = tempdir();
    let out = dir.path().join("dist");
    let o = run(&["build", graph, "--out", out.to_str().unwrap(), "-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let built = tree(&out);
    assert!(built.contains_key("graph.json") && built.contains_key("deck.apkg"));
    let pages = common::page_files(Path::new(graph));
    assert_eq!(built.keys().filter(|k| k.starts_with("handouts/")).count(), pages, "{graph}");
    assert_eq!(built.keys().filter(|k| k.starts_with("markdown/") && k.ends_with(".md")).count(), pages, "{graph}");

    let single = dir.path().join("single");
    let s = |args: &[&str]| {
        let o = run(args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    };
    // Every format, each where build puts it (handouts one per page, as build writes them).
    for e in notes_export::export::registry() {
        let f = e.format();
        let to = single.join(f.build.trim_end_matches('/')).to_str().unwrap().to_string();
        let split: &[&str] = if f.name == "docx" { &["--split"] } else { &[] };
        s(&[&[f.name, graph], split, &["-o", &to, "-q"]].concat());
    }
    assert_eq!(
        digest(&built),
        digest(&tree(&single)),
        "{graph}: build and the single-format commands agree byte for byte"
    );
}

#[test]
fn bytes_do_not_depend_on_run_or_threads() {
    let (_generated, graphs) = common::whole_graphs();
    for graph in &graphs {
        same_bytes_for_any_run(graph.to_str().unwrap());
    }
}

fn same_bytes_for_any_run(graph: &str) {
    let dir = tempdir();
    let mut digests = Vec::new();
    for (k, jobs) in ["1", "2", "2"].iter().enumerate() {
        let out = dir.path().join(format!("run{k}"));
        let o = bin()
            .args(["build", graph, "--out", out.to_str().unwrap(), "-q", "--jobs", jobs])
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        digests.push(digest(&tree(&out)));
    }
    assert_eq!(digests[0], digests[1], "{graph}: 1 thread and 2 threads");
    assert_eq!(digests[1], digests[2], "{graph}: two runs");
}

#[test]
fn check_exit_codes_and_github_annotations() {
    let seed = run(&["build", "fixtures/seed", "--check", "--deny-warnings"]);
    assert_eq!(seed.status.code(), Some(0), "{}", stderr(&seed));
    let dangling = run(&["build", "fixtures/cases/refs", "--check", "--deny-warnings", "--message-format", "github"]);
    assert_eq!(dangling.status.code(), Some(1));
    let annotations: Vec<String> =
        stderr(&dangling).lines().filter(|l| l.starts_with("::")).map(String::from).collect();
    assert!(annotations.contains(&"::warning file=fixtures/cases/refs/pages/Refs.md,line=5,col=12,title=dangling-ref::block reference ((99999999-2222-4333-8444-555555555555)) points at no block in the graph".to_string()));
    // `::level file=…,line=…,col=…,title=…::message`, nothing else.
    for a in &annotations {
        let (head, _) = a[2..].split_once("::").unwrap();
        let (level, props) = head.split_once(' ').unwrap();
        assert!(["error", "warning", "notice"].contains(&level), "{a}");
        for prop in props.split(',') {
            let (k, _) = prop.split_once('=').unwrap();
            assert!(["file", "line", "col", "title"].contains(&k), "{a}");
        }
    }
    assert_eq!(run(&["build", "fixtures/seed"]).status.code(), Some(2), "--out is required without --check");
    assert_eq!(run(&["build", "fixtures/seed", "--check", "--formats", "pdf"]).status.code(), Some(2));
    let dir = tempdir();
    let out = dir.path().join("nothing");
    assert_eq!(run(&["build", "fixtures/seed", "--check", "--out", out.to_str().unwrap()]).status.code(), Some(0));
    assert!(!out.exists(), "--check writes nothing");
}

#[test]
fn config_file_is_read_and_unknown_keys_are_errors() {
    let dir = tempdir();
    let graph = dir.path().join("graph");
    std::fs::create_dir_all(graph.join("pages")).unwrap();
    std::fs::create_dir_all(graph.join("assets")).unwrap();
    std::fs::copy("fixtures/seed/pages/AWS.md", graph.join("pages/AWS.md")).unwrap();
    std::fs::write(graph.join("pages/Other.md"), "public:: true\n\n- other page #card\n\t- answer\n").unwrap();
    std::fs::write(
        graph.join("notes-export.toml"),
        "formats = [\"anki\", \"docx\"]\n[include]\npublic_only = true\n[anki]\ndeck = \"Course\"\ncards = \"tagged\"\n[docx]\nhandouts = \"all\"\nworksheet = true\ntitle = \"Public notes\"\n",
    )
    .unwrap();
    let out = dir.path().join("dist");
    let o = bin().args(["build", graph.to_str().unwrap(), "--out", out.to_str().unwrap()]).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("notes-export.toml"), "says which config it used");
    let files: Vec<String> = tree(&out).keys().cloned().collect();
    assert_eq!(files, ["deck.apkg", "handouts/Public notes (worksheet).docx", "handouts/Public notes.docx"]);
    assert!(stderr(&o).contains("anki: 1 notes"), "only the public page: {}", stderr(&o));
    // The command line's selection adds to the config's; selecting nothing leaves the outputs.
    let o = bin()
        .args(["build", graph.to_str().unwrap(), "--out", out.to_str().unwrap(), "--tag", "none"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains(r#"no page matches the selection (tag "none", public pages)"#), "{}", stderr(&o));
    assert_eq!(tree(&out).keys().cloned().collect::<Vec<_>>(), files);

    std::fs::write(graph.join("notes-export.toml"), "formats = [\"json\"]\n[docx]\nworksheets = true\n").unwrap();
    let o = bin().args(["build", graph.to_str().unwrap(), "--out", out.to_str().unwrap()]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("notes-export.toml") && e.contains("worksheets"), "{e}");
}

#[test]
fn a_failing_exporter_leaves_the_previous_outputs() {
    use notes_export::export::{ExportError, Exporter, Finished, Format, Input, Job, Options, Sink};
    /// Writes a file for every page, then fails halfway through the graph.
    struct Failing;
    struct FailingJob(usize);
    impl Exporter for Failing {
        type Job = FailingJob;
        const FORMAT: Format = Format {
            name: "failing",
            about: "",
            extension: "txt",
            text: true,
            build: "failing/",
            per_page: true,
            help: "",
        };
        fn start(&self, _: &Input, _: &Options) -> Result<FailingJob, ExportError> {
            Ok(FailingJob(0))
        }
    }
    impl Job for FailingJob {
        type Page = ();
        fn page(&self, _: &Input, _: u32) -> Result<(), ExportError> {
            Ok(())
        }
        fn add(&mut self, _: &Input, page: u32, _: (), out: &mut dyn Sink) -> Result<(), ExportError> {
            self.0 += 1;
            if self.0 > 1 {
                return Err(ExportError::Encode { format: "failing", message: "injected failure".into() });
            }
            out.append(Path::new(&format!("page{page}.txt")), b"partial").unwrap();
            Ok(())
        }
        fn finish(self, _: &Input, _: &mut dyn Sink) -> Result<Finished, ExportError> {
            Ok(Finished::default())
        }
    }
    let dir = tempdir();
    let out = dir.path().join("dist");
    assert!(run(&["build", "fixtures/seed", "--out", out.to_str().unwrap(), "-q"]).status.success());
    let before = tree(&out);
    // An interrupted earlier run left a staging folder behind; the next write cleans it.
    std::fs::create_dir_all(out.join(".notes-export-staging-old/markdown")).unwrap();

    // A graph of many windows of pages, so the failure comes after files were written.
    let generated = common::generated_graph(200);
    let graph = generated.graph.as_path();
    let mut loaded = notes_export::open(graph).unwrap();
    assert!(loaded.graph.pages.len() > notes_export::pipeline::WINDOW_WHOLE);
    let mut steps = notes_export::build::steps(&["json".into(), "md".into()], &Options::default());
    steps.insert(
        1,
        notes_export::build::Step {
            exporter: &Failing,
            options: Options::default(),
            folder: None,
            file: Some("x".into()),
        },
    );
    let staging = notes_export::output::Staging::new(&out).unwrap();
    let result = notes_export::build::run(&mut loaded, &steps, None, staging.path(), &|_| {});
    assert!(result.is_err(), "one failing exporter fails the build");
    assert!(staging.path().join("x").exists(), "the failing step had written");
    drop(staging);
    let mut after = tree(&out);
    after.retain(|k, _| !k.starts_with(".notes-export-staging-old"));
    assert_eq!(digest(&before), digest(&after), "nothing was written");

    // A successful write replaces folders whole and removes leftovers.
    let mut loaded = notes_export::open(graph).unwrap();
    let steps = notes_export::build::steps(&["md".into()], &Options::default());
    let staging = notes_export::output::Staging::new(&out).unwrap();
    notes_export::build::run(&mut loaded, &steps, None, staging.path(), &|_| {}).unwrap();
    staging.commit(&[]).unwrap();
    let names: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(!names.iter().any(|n| n.starts_with(".notes-export")), "{names:?}");
}

#[test]
fn source_date_epoch_dates_the_documents() {
    let dir = tempdir();
    let out = dir.path().join("h.docx");
    let o = bin()
        .args(["docx", "fixtures/seed", "-o", out.to_str().unwrap()])
        .env("SOURCE_DATE_EPOCH", "1709210096")
        .output()
        .unwrap();
    assert!(o.status.success());
    let mut z = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut core = String::new();
    std::io::Read::read_to_string(&mut z.by_name("docProps/core.xml").unwrap(), &mut core).unwrap();
    assert!(core.contains(">2024-02-29T12:34:56Z<"), "{core}");
    let bad = bin()
        .args(["docx", "fixtures/seed", "-o", out.to_str().unwrap()])
        .env("SOURCE_DATE_EPOCH", "soon")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
}

#[test]
fn a_build_never_writes_pages_into_its_input() {
    // A graph without pages/ or journals/: every Markdown file under it is a page.
    let dir = tempdir();
    let graph = dir.path().join("g");
    std::fs::create_dir_all(&graph).unwrap();
    std::fs::write(graph.join("a.md"), "- keep me\n").unwrap();
    let o = run(&["build", graph.to_str().unwrap(), "--out", graph.join("site").to_str().unwrap(), "-q"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("refusing to overwrite an input file"), "{}", stderr(&o));
    assert!(!graph.join("site/markdown").exists(), "nothing is moved into place");
    assert_eq!(std::fs::read_to_string(graph.join("a.md")).unwrap(), "- keep me\n");

    // An output folder that links into the graph's pages.
    #[cfg(unix)]
    {
        let graph = dir.path().join("h");
        std::fs::create_dir_all(graph.join("pages")).unwrap();
        std::fs::write(graph.join("pages/b.md"), "- keep me too\n").unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        std::os::unix::fs::symlink(graph.join("pages"), out.join("markdown")).unwrap();
        let o = run(&["build", graph.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains("refusing to overwrite an input file"), "{}", stderr(&o));
        assert_eq!(std::fs::read_to_string(graph.join("pages/b.md")).unwrap(), "- keep me too\n");
    }
}

#[test]
fn json_is_compact_unless_asked_pretty_by_flag_or_config() {
    let dir = tempdir();
    let graph = dir.path().join("graph");
    std::fs::create_dir_all(graph.join("pages")).unwrap();
    std::fs::copy("fixtures/seed/pages/AWS.md", graph.join("pages/AWS.md")).unwrap();
    let json = |args: &[&str], name: &str| {
        let file = dir.path().join(name);
        let mut all = vec!["json", graph.to_str().unwrap(), "-q", "-o", file.to_str().unwrap()];
        all.extend(args);
        let o = run(&all);
        assert!(o.status.success(), "{}", stderr(&o));
        std::fs::read_to_string(file).unwrap()
    };
    let compact = json(&[], "compact.json");
    let pretty = json(&["--pretty"], "pretty.json");
    assert_eq!(compact.lines().count(), 1, "one line, then a newline: {compact}");
    assert!(compact.ends_with("}\n"));
    assert!(pretty.lines().count() > 100 && pretty.contains("\n  \"pages\": [\n"));
    let value = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap();
    assert_eq!(value(&compact), value(&pretty));

    // build writes the same bytes as the command, in the layout its config asks for.
    let built = |config: &str| {
        std::fs::write(graph.join("notes-export.toml"), format!("formats = [\"json\"]\n{config}")).unwrap();
        let out = dir.path().join("dist");
        let o = run(&["build", graph.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"]);
        assert!(o.status.success(), "{}", stderr(&o));
        std::fs::read_to_string(out.join("graph.json")).unwrap()
    };
    assert_eq!(built(""), compact);
    assert_eq!(built("[json]\npretty = true\n"), pretty);
    assert_eq!(built("[json]\npretty = false\n"), compact);
}

/// `[include] namespaces` keeps a namespace's pages; `[docx] handouts = "namespace"` makes one
/// handout per top namespace (a page outside any is its own).
#[test]
fn namespaces_in_the_config() {
    let dir = tempdir();
    let graph = dir.path().join("graph");
    std::fs::create_dir_all(graph.join("pages")).unwrap();
    let page = |file: &str, text: &str| std::fs::write(graph.join("pages").join(file), text).unwrap();
    page("course___week 1.md", "title:: course/week 1\n\n- cells\n");
    page("course___week 2.md", "title:: course/week 2\n\n- genes\n");
    page("Glossary.md", "- terms\n");
    let built = |config: &str| {
        std::fs::write(graph.join("notes-export.toml"), config).unwrap();
        let out = dir.path().join("dist");
        let o = bin().args(["build", graph.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"]).output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        tree(&out).keys().cloned().collect::<Vec<_>>()
    };
    let formats = "formats = [\"docx\", \"md\"]\n";
    assert_eq!(
        built(&format!("{formats}[include]\nnamespaces = [\"course\"]\n[docx]\nhandouts = \"namespace\"\n")),
        ["handouts/course.docx", "markdown/course/week 1.md", "markdown/course/week 2.md"]
    );
    assert_eq!(
        built(&format!("{formats}[docx]\nhandouts = \"namespace\"\n")),
        [
            "handouts/Glossary.docx",
            "handouts/course.docx",
            "markdown/Glossary.md",
            "markdown/course/week 1.md",
            "markdown/course/week 2.md"
        ]
    );
}

/// The README's settings examples, saved as a newcomer would: the first into the bundled graph
/// builds it; with the selection keys added it is still read (and selects nothing there, which
/// is an error, not an empty output). Together they name every setting.
#[test]
fn readme_settings_examples_build_the_bundled_graph() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let blocks: Vec<&str> =
        readme.split("```toml\n").skip(1).map(|b| &b[..b.find("```").expect("a closed toml block")]).collect();
    let [settings, include] = blocks[..] else { panic!("two toml blocks in the README, found {}", blocks.len()) };

    let dir = tempdir();
    let graph = dir.path().join("seed");
    for e in walkdir::WalkDir::new("fixtures/seed") {
        let e = e.unwrap();
        let to = graph.join(e.path().strip_prefix("fixtures/seed").unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
    std::fs::write(graph.join("notes-export.toml"), settings).unwrap();
    let out = dir.path().join("out");
    let o = run(&["build", graph.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let files: Vec<String> = tree(&out).keys().filter(|k| !k.starts_with("markdown/assets/")).cloned().collect();
    assert_eq!(
        files,
        ["deck.apkg", "graph.json", "handouts/AWS (worksheet).docx", "handouts/AWS.docx", "markdown/AWS.md"]
    );

    std::fs::write(graph.join("notes-export.toml"), format!("{settings}\n{include}")).unwrap();
    let o = run(&["build", graph.to_str().unwrap(), "--check"]);
    assert_eq!(o.status.code(), Some(1), "read, and selects nothing: {}", stderr(&o));
    assert!(stderr(&o).contains("no page matches the selection"), "{}", stderr(&o));

    let keys = [
        "formats",
        "[include]",
        "pages",
        "namespaces",
        "tags",
        "public_only",
        "[anki]",
        "deck",
        "cards",
        "[docx]",
        "handouts",
        "worksheet",
        "paper",
        "title",
        "show_tags",
        "[markdown]",
        "links",
        "front_matter",
        "[json]",
        "pretty",
    ];
    for key in keys {
        assert!(settings.lines().chain(include.lines()).any(|l| l.starts_with(key)), "the examples leave out {key}");
    }
}

/// A setting's value is one the command line also takes, checked where it is read: a bad one
/// names the file, its line and column, and the values allowed (exit 2, as a usage error).
#[test]
fn a_bad_setting_value_names_the_allowed_ones() {
    let dir = common::graph_of(&[("g/pages/p.md", "- x\n")]);
    let graph = dir.path().join("g");
    for (config, allowed) in [
        ("[docx]\npaper = \"letr\"\n", "expected `a4` or `letter`"),
        ("[anki]\ncards = \"all\"\n", "expected one of `auto`, `tagged`, `outline`"),
        ("[markdown]\nlinks = \"html\"\n", "expected one of `relative`, `plain`, `wiki`"),
        ("[docx]\nhandouts = \"book\"\n", "expected one of `all`, `page`, `namespace`"),
    ] {
        std::fs::write(graph.join("notes-export.toml"), config).unwrap();
        let o = run(&["build", graph.to_str().unwrap(), "--check"]);
        assert_eq!(o.status.code(), Some(2), "{config}");
        let e = stderr(&o);
        assert!(e.contains("notes-export.toml") && e.contains("line 2") && e.contains(allowed), "{config}: {e}");
    }
}

/// `[anki] deck_per` and `scheduling` in the config reach the deck.
#[test]
fn anki_settings_in_the_config() {
    let dir = tempdir();
    let graph = dir.path().join("graph");
    std::fs::create_dir_all(graph.join("pages")).unwrap();
    std::fs::write(
        graph.join("pages/a.md"),
        "- Q? #card\n  card-next-schedule:: 2030-01-01T00:00:00.000Z\n  card-last-interval:: 9\n\t- A\n",
    )
    .unwrap();
    std::fs::write(graph.join("pages/b.md"), "- R? #card\n\t- B\n").unwrap();
    let deck = |config: &str| {
        std::fs::write(
            graph.join("notes-export.toml"),
            format!("formats = [\"anki\"]\n[anki]\ndeck = \"D\"\n{config}"),
        )
        .unwrap();
        let out = dir.path().join("dist");
        let _ = std::fs::remove_dir_all(&out);
        let o = bin().args(["build", graph.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"]).output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        apkg::read(&std::fs::read(out.join("deck.apkg")).unwrap())
    };
    let decks = |d: &apkg::Apkg| d.cards().iter().map(|c| c["deck"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    let reviews = |d: &apkg::Apkg| d.cards().iter().filter(|c| c.get("review").is_some()).count();
    let default = deck("");
    assert_eq!(reviews(&default), 1);
    assert_eq!(decks(&default).iter().collect::<std::collections::BTreeSet<_>>().len(), 2);
    let set = deck("deck_per = \"none\"\nscheduling = false\n");
    assert_eq!(reviews(&set), 0);
    assert_eq!(decks(&set), ["D", "D"]);
}
