//! The binary end to end: the seed graph's IR, exit codes, and bad input.

mod common;

use common::{run, stderr, tempdir};
use serde_json::Value;
use std::path::Path;

fn json_of(input: &str) -> Value {
    let dir = tempdir();
    let out = dir.path().join("graph.json");
    let o = run(&["json", input, "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice(&std::fs::read(out).unwrap()).unwrap()
}

fn text_of(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let own = m.get("text").and_then(Value::as_str).unwrap_or("").to_string();
            own + &m.values().map(text_of).collect::<String>()
        }
        Value::Array(a) => a.iter().map(text_of).collect(),
        _ => String::new(),
    }
}

#[test]
fn seed_graph_ir() {
    let g = json_of("fixtures/seed");
    assert_eq!(g["schema_version"], 1);
    let blocks = g["pages"][0]["blocks"].as_array().unwrap();
    assert_eq!(blocks.len(), 44);
    let at = |d: u64| blocks.iter().filter(|b| b["depth"] == d).count();
    assert_eq!((at(1), at(2), at(3)), (6, 32, 6));
    assert_eq!(blocks[0]["content"], "### How AWS started", "the heading line without a bullet is block 0");
    assert_eq!(blocks[0]["heading"], 3);
    let empty: Vec<&Value> = blocks.iter().filter(|b| b["body"].as_array().unwrap().is_empty()).collect();
    assert_eq!(empty.len(), 1, "the one empty grandchild is kept");
    assert_eq!(empty[0]["depth"], 3);

    // The block ref resolves to the block that carries the id.
    let ref_block = blocks.iter().find(|b| b["content"].as_str().unwrap().starts_with("((691ba190")).unwrap();
    let r = &ref_block["body"][0]["inlines"][0];
    assert_eq!(r["type"], "block_ref");
    let target = &blocks[r["target"]["block"].as_u64().unwrap() as usize];
    assert!(text_of(&target["body"]).starts_with("Wanted to create a shared infrastructure"));

    let image = blocks.iter().find_map(|b| {
        let i = &b["body"][0]["inlines"][0];
        (i["type"] == "image").then(|| i.clone())
    });
    let image = image.unwrap();
    assert_eq!((image["height"].as_u64(), image["width"].as_u64()), (Some(634), Some(427)));
    assert_eq!(image["asset"], "assets/18819_1763418886073_0.jpeg");
    assert_eq!(g["assets"]["assets/18819_1763418886073_0.jpeg"]["pixels"], serde_json::json!([427, 634]));

    let all = text_of(&g);
    assert!(all.contains("strong demand → Developers"), "\\rarr reads as →");
    let money = blocks.iter().find(|b| b["content"].as_str().unwrap().contains("$100B+")).unwrap();
    assert!(!money.to_string().contains("\"math\""), "$100B+ is not math");
    assert!(text_of(&money["body"]).contains("$100B+ annual revenue"));
}

#[test]
fn stdin_and_single_file_inputs() {
    let o = common::bin()
        .args(["json", "-", "-o", "-"])
        .stdin(std::fs::File::open(common::root().join("fixtures/seed/pages/AWS.md")).unwrap())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let g: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(g["pages"][0]["blocks"].as_array().unwrap().len(), 44);

    // Piped in, piped out: Markdown of standard input goes to standard output by default.
    let dir = tempdir();
    let mut child = common::bin()
        .args(["md", "-"])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), b"- hello [[world]]\n\t- nested\n").unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "- hello world\n  - nested\n");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing written beside");

    // A page inside a graph's pages/ folder still finds the graph's assets.
    let g = json_of("fixtures/seed/pages/AWS.md");
    assert_eq!(g["pages"][0]["title"], "AWS");
    assert!(g["assets"]["assets/18819_1763418886073_0.jpeg"].is_object());
}

#[test]
fn check_exit_codes() {
    let ok = run(&["check", "fixtures/seed", "--deny-warnings"]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    let warned = run(&["check", "fixtures/cases/refs"]);
    assert_eq!(warned.status.code(), Some(0));
    assert!(stderr(&warned).contains("fixtures/cases/refs/pages/Refs.md:5:12: warning[dangling-ref]"));
    let denied = run(&["check", "fixtures/cases/refs", "--deny-warnings"]);
    assert_eq!(denied.status.code(), Some(1));
    let usage = run(&["check"]);
    assert_eq!(usage.status.code(), Some(2));
    let missing = run(&["check", "no/such/graph"]);
    assert_eq!(missing.status.code(), Some(1));
    let said = stderr(&missing);
    assert!(said.contains("no/such/graph"), "{said}");
    // The I/O error is said once, not again as the path error's cause.
    assert_eq!(said.matches("os error 2").count(), 1, "{said}");
}

#[test]
fn github_message_format() {
    let o = run(&["check", "fixtures/cases/refs", "--message-format", "github"]);
    let s = stderr(&o);
    assert!(
        s.lines().any(|l| l
            == "::warning file=fixtures/cases/refs/pages/Refs.md,line=5,col=12,title=dangling-ref::block reference ((99999999-2222-4333-8444-555555555555)) points at no block in the graph"),
        "{s}"
    );
}

/// `--message-format json`: one JSON object per diagnostic and nothing else.
#[test]
fn json_message_format() {
    let o = run(&["check", "fixtures/cases/refs", "--message-format", "json"]);
    let s = stderr(&o);
    let parsed: Vec<Value> = s.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(parsed.len() >= 3, "{s}");
    let dangling = parsed.iter().find(|d| d["code"] == "dangling-ref").unwrap();
    assert_eq!(dangling["file"], "fixtures/cases/refs/pages/Refs.md");
    assert_eq!((dangling["line"].as_u64(), dangling["col"].as_u64()), (Some(5), Some(12)));
    assert_eq!(dangling["severity"], "warning");
    assert!(dangling["message"].as_str().unwrap().contains("points at no block"));
}

#[test]
fn help_shows_examples() {
    let help = |args: &[&str]| {
        let o = run(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let top = help(&["--help"]);
    assert!(top.contains("Examples:") && top.contains("notes-export anki my-graph"), "{top}");
    assert!(top.contains("Exit codes: 0 success, 1 errors"), "{top}");
    for cmd in notes_export::export::names().into_iter().chain(["build", "check"]) {
        assert!(help(&[cmd, "--help"]).contains("Example"), "{cmd} --help has an example");
    }
    for cmd in notes_export::export::names() {
        assert!(help(&[cmd, "--help"]).contains("Without -o:"), "{cmd} --help says where its output goes");
        assert!(top.contains(&format!("  {cmd} ")), "the top-level help lists {cmd}");
    }
    // Where each export goes without -o.
    for (cmd, default) in [
        ("anki", "NAME.apkg"),
        ("docx", "TITLE.docx"),
        ("docx", "docx-out/"),
        ("md", "md-out/"),
        ("json", "graph.json"),
    ] {
        let text = help(&[cmd, "--help"]);
        assert!(text.contains("Without -o:") && text.contains(default), "{cmd} --help names {default}: {text}");
    }
    // Every option says what it does.
    let docx = help(&["docx", "--help"]);
    assert!(docx.contains("--paper <PAPER>\n          Paper size"), "{docx}");
    // build's usage shows that it needs an output folder (or --check).
    let build = help(&["build", "--help"]);
    assert!(build.contains("Usage: notes-export build <GRAPH> --out <DIR>"), "{build}");
    assert!(build.contains("-o, --out <DIR>"), "{build}");
}

/// The default output names the help promises.
#[test]
fn outputs_without_o_are_named_as_the_help_says() {
    let dir = tempdir();
    let at = |cmd: &str, input: &str| {
        let o = common::bin().current_dir(dir.path()).args([cmd, input, "-q"]).output().unwrap();
        assert!(o.status.success(), "{cmd} {input}: {}", stderr(&o));
    };
    let seed = common::root().join("fixtures/seed");
    let refs = common::root().join("fixtures/cases/refs");
    at("anki", seed.to_str().unwrap());
    at("docx", seed.to_str().unwrap());
    at("docx", refs.to_str().unwrap());
    at("md", seed.to_str().unwrap());
    at("json", seed.to_str().unwrap());
    for name in ["seed.apkg", "AWS.docx", "refs.docx", "md-out/AWS.md", "graph.json"] {
        assert!(dir.path().join(name).is_file(), "{name}");
    }
}

/// `build` takes -o (and --output) as every other command does, and --out as before.
#[test]
fn build_takes_o_like_every_command() {
    let dir = tempdir();
    for (k, flag) in ["-o", "--out", "--output"].iter().enumerate() {
        let out = dir.path().join(format!("dist{k}"));
        let o = run(&["build", "fixtures/seed", flag, out.to_str().unwrap(), "-q"]);
        assert_eq!(o.status.code(), Some(0), "{flag}: {}", stderr(&o));
        assert!(out.join("deck.apkg").is_file() && out.join("markdown/AWS.md").is_file(), "{flag}");
    }
    let o = run(&["build", "fixtures/seed"]);
    assert_eq!(o.status.code(), Some(2), "no output folder is a usage error");
    assert!(stderr(&o).contains("--out <DIR>"), "{}", stderr(&o));
}

/// A usage mistake exits 2, as documented, with clap's message.
#[test]
fn zero_jobs_is_a_usage_error() {
    for cmd in ["check", "json", "build"] {
        let o = run(&[cmd, "fixtures/seed", "--jobs", "0", "--check"][..if cmd == "build" { 5 } else { 4 }]);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {}", stderr(&o));
        assert!(stderr(&o).contains("'--jobs <N>'"), "{}", stderr(&o));
    }
    assert_eq!(run(&["check", "fixtures/seed", "-j", "1"]).status.code(), Some(0));
}

/// A deck asked for tagged cards of notes that have none is empty: that is said, and fails
/// a job that denies warnings.
#[test]
fn an_empty_tagged_deck_is_a_warning() {
    let dir = tempdir();
    let out = dir.path().join("d.apkg");
    let o = run(&["anki", "fixtures/seed", "--cards", "tagged", "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("fixtures/seed: warning[no-cards]: the deck has no notes"), "{}", stderr(&o));
    let o = run(&["anki", "fixtures/seed", "--cards", "tagged", "--deny-warnings", "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // Notes with flashcards, and the default mode, say nothing of it.
    for args in [["fixtures/cases/cards", "--cards", "tagged"], ["fixtures/seed", "--cards", "auto"]] {
        let o = run(&[&["anki"][..], &args, &["-o", out.to_str().unwrap()]].concat());
        assert!(!stderr(&o).contains("no-cards"), "{args:?}: {}", stderr(&o));
    }
}

/// Writes a one-page graph with `content` and returns (dir, check output).
fn check_page(name: &str, content: &[u8]) -> (tempfile::TempDir, std::process::Output) {
    let dir = tempdir();
    std::fs::create_dir_all(dir.path().join("pages")).unwrap();
    std::fs::write(dir.path().join("pages").join(name), content).unwrap();
    std::fs::write(dir.path().join("pages/ok.md"), "- fine\n").unwrap();
    let o = common::bin().args(["check", "."]).current_dir(dir.path()).output().unwrap();
    (dir, o)
}

fn no_panic(o: &std::process::Output) {
    assert!(!stderr(o).contains("panicked"), "{}", stderr(o));
    assert!(o.status.code().is_some_and(|c| c <= 2), "exit {:?}", o.status);
}

#[test]
fn invalid_utf8_is_reported_with_file_and_line() {
    let (_d, o) = check_page("bad.md", b"- fine\n- bad \xff\xfe byte\n");
    no_panic(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("pages/bad.md:2:7: error[invalid-utf8]: invalid UTF-8 at byte offset 13"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("checked 2 pages"), "the rest of the graph still converts");
}

#[test]
fn deep_nesting_does_not_overflow() {
    let mut s = String::new();
    for d in 0..10_000 {
        s.push_str(&"\t".repeat(d));
        s.push_str("- level\n");
    }
    let (dir, o) = check_page("deep.md", s.as_bytes());
    no_panic(&o);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = dir.path().join("g.json");
    let j = common::bin().args(["json", ".", "-o"]).arg(&out).current_dir(dir.path()).output().unwrap();
    no_panic(&j);
    let g: Value = serde_json::from_slice(&std::fs::read(out).unwrap()).unwrap();
    let page = g["pages"].as_array().unwrap().iter().find(|p| p["title"] == "deep").unwrap();
    assert_eq!(page["blocks"][9999]["depth"], 10_000);
}

#[test]
fn huge_line_is_read() {
    let mut s = b"- ".to_vec();
    s.extend(std::iter::repeat_n(b'x', 5 * 1024 * 1024));
    s.extend(b" [[link]] ((11111111-2222-4333-8444-555555555555))\n");
    let (_d, o) = check_page("long.md", &s);
    no_panic(&o);
    assert!(stderr(&o).contains("pages/long.md:1:5242893: warning[dangling-ref]"), "{}", stderr(&o));
}

#[test]
fn unreadable_file_is_reported() {
    let dir = tempdir();
    std::fs::create_dir_all(dir.path().join("pages")).unwrap();
    std::fs::write(dir.path().join("pages/ok.md"), "- fine\n").unwrap();
    std::os::unix::fs::symlink("/nonexistent/target.md", dir.path().join("pages/broken.md")).unwrap();
    let o = common::bin().args(["check", "."]).current_dir(dir.path()).output().unwrap();
    no_panic(&o);
    assert!(stderr(&o).contains("pages/broken.md"), "{}", stderr(&o));
    assert!(stderr(&o).contains("unreadable"), "{}", stderr(&o));
}

#[test]
fn ref_cycle_is_reported_with_file_and_line() {
    let page = "- A ((bbbbbbbb-2222-4333-8444-555555555555))\n  id:: aaaaaaaa-2222-4333-8444-555555555555\n- B ((aaaaaaaa-2222-4333-8444-555555555555))\n  id:: bbbbbbbb-2222-4333-8444-555555555555\n- self {{embed ((cccccccc-2222-4333-8444-555555555555))}}\n  id:: cccccccc-2222-4333-8444-555555555555\n";
    let (_d, o) = check_page("cycle.md", page.as_bytes());
    no_panic(&o);
    let s = stderr(&o);
    assert!(s.contains("pages/cycle.md:1:5: warning[ref-cycle]"), "{s}");
    assert!(s.contains("pages/cycle.md:3:5: warning[ref-cycle]"), "{s}");
    assert!(s.contains("pages/cycle.md:5:8: warning[embed-cycle]"), "{s}");
}

#[test]
fn output_is_atomic_and_never_an_input() {
    let dir = tempdir();
    let out = dir.path().join("graph.json");
    assert!(run(&["json", "fixtures/seed", "-o", out.to_str().unwrap()]).status.success());
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, vec![std::ffi::OsString::from("graph.json")], "no temporary file left behind");

    let graph = dir.path().join("g");
    std::fs::create_dir_all(graph.join("pages")).unwrap();
    let page = graph.join("pages/p.md");
    std::fs::write(&page, "- keep me\n").unwrap();
    let o = run(&["md", page.to_str().unwrap(), "-o", page.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("refusing to overwrite an input file"));
    assert_eq!(std::fs::read_to_string(&page).unwrap(), "- keep me\n");
    let o = run(&["json", "fixtures/seed", "-o", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "an existing directory is not a file name");
    assert!(Path::new(&out).exists());

    // A new folder of files is moved into place whole: the usual permissions, nothing left
    // behind; a new folder among the pages is refused as a whole too.
    let md = dir.path().join("md");
    assert!(run(&["md", "fixtures/seed", "-o", md.to_str().unwrap()]).status.success());
    assert!(md.join("AWS.md").is_file() && md.join("assets").is_dir());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let usual = dir.path().join("usual");
        std::fs::create_dir(&usual).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode();
        assert_eq!(mode(&md), mode(&usual), "not the private mode of a temporary folder");
    }
    let mut names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert_eq!(names, ["g", "graph.json", "md", "usual"].map(std::ffi::OsString::from), "no temporary folder left");
    std::fs::write(graph.join("pages/q.md"), "- and me\n").unwrap();
    let o = run(&["md", graph.to_str().unwrap(), "-o", graph.join("pages/new").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("refusing to overwrite an input file"), "{}", stderr(&o));
    assert!(!graph.join("pages/new").exists());
}

#[test]
fn output_names_take_the_format_extension() {
    let dir = tempdir();
    let at = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let refused = [
        (["docx", "fixtures/seed"], "handout.pdf", "the output is a .docx file"),
        (["anki", "fixtures/seed"], "deck.md", "the output is a .apkg file"),
        (["json", "fixtures/seed"], "graph.apkg", "the output is a .json file"),
        (["md", "fixtures/seed"], "notes.docx", "the output is a folder of"),
    ];
    for (args, name, says) in refused {
        let o = run(&[args[0], args[1], "-o", &at(name)]);
        assert_eq!(o.status.code(), Some(1), "{args:?} -o {name}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{}", stderr(&o));
    }
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(names.is_empty(), "nothing written: {names:?}");

    // The format's extension in any case, `.markdown`, or no extension at all.
    for (format, name) in [("docx", "Handout.DOCX"), ("json", "graph"), ("md", "notes.markdown"), ("anki", "deck.apkg")]
    {
        let input = if format == "md" { "fixtures/seed/pages/AWS.md" } else { "fixtures/seed" };
        let o = run(&[format, input, "-o", &at(name), "-q"]);
        assert!(o.status.success(), "{format} -o {name}: {}", stderr(&o));
        assert!(dir.path().join(name).is_file(), "{name}");
    }
    assert!(dir.path().join("assets").is_dir(), "the page's images beside its .markdown file");
}

#[test]
fn several_page_files_are_one_graph() {
    let dir = tempdir();
    let out = dir.path().join("deck.apkg");
    let o = run(&[
        "anki",
        "fixtures/seed/pages/AWS.md",
        "fixtures/cases/cards/pages/Biology.md",
        "--cards",
        "tagged",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("anki: 10 notes"), "the tagged and cloze notes of Biology: {}", stderr(&o));
    // References between the files resolve: Other embeds Refs, which embeds Other.
    let md = run(&["md", "fixtures/cases/refs/pages/Refs.md", "fixtures/cases/refs/pages/Other.md", "-o", "-"]);
    let text = String::from_utf8_lossy(&md.stdout);
    assert!(text.contains("plain ref target block"), "{text}");
    assert!(stderr(&md).contains("fixtures/cases/refs/pages/Other.md:2:20: warning[embed-cycle]"), "{}", stderr(&md));
    // A folder among several inputs is a usage mistake.
    let bad = run(&["json", "fixtures/seed", "fixtures/seed/pages/AWS.md", "-o", "-"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("several inputs must all be page files"), "{}", stderr(&bad));
}

/// `--page`, `--tag` and `--public-only`, alone and together; a graph's Markdown is a folder
/// however few pages they leave, and a selection of none is an error that writes nothing.
#[test]
fn page_selection() {
    let dir = tempdir();
    let pages = dir.path().join("graph/pages");
    std::fs::create_dir_all(&pages).unwrap();
    let page = |file: &str, text: &str| std::fs::write(pages.join(file), text).unwrap();
    page("course___week 1.md", "title:: course/week 1\ntags:: lecture\npublic:: true\n\n- see [[Glossary]]\n");
    page("course___week 2.md", "title:: course/week 2\n\n- draft\n");
    page("Glossary.md", "tags:: reference\npublic:: true\n\n- terms\n");
    page("Diary.md", "- private\n");
    let written = |args: &[&str]| {
        let out = dir.path().join("out");
        let _ = std::fs::remove_dir_all(&out);
        let o =
            common::bin().current_dir(dir.path()).args(["md", "graph", "-o", "out", "-q"]).args(args).output().unwrap();
        let mut files: Vec<String> = walkdir::WalkDir::new(&out)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.path().strip_prefix(&out).unwrap().to_string_lossy().into_owned())
            .collect();
        files.sort();
        (o, files)
    };
    let cases: [(&[&str], &[&str]); 6] = [
        (&["--page", "course/*"], &["course/week 1.md", "course/week 2.md"]),
        (&["--tag", "lecture"], &["course/week 1.md"]),
        (&["--tag", "#REFERENCE"], &["Glossary.md"]),
        (&["--public-only"], &["Glossary.md", "course/week 1.md"]),
        (&["--page", "course/*", "--public-only"], &["course/week 1.md"]),
        (&["--page", "pages/D*.md", "--page", "glossary"], &["Diary.md", "Glossary.md"]),
    ];
    for (args, expected) in cases {
        let (o, files) = written(args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert_eq!(files, expected, "{args:?}");
    }
    let (o, files) = written(&["--page", "nothing*", "--public-only"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o)
            .contains(r#"no page matches the selection (page "nothing*", public pages) among the graph's 4 pages"#),
        "{}",
        stderr(&o)
    );
    assert!(files.is_empty() && !dir.path().join("out").exists());
    // A Markdown file named on the command line is a file, not a folder.
    let o = common::bin()
        .current_dir(dir.path())
        .args(["md", "graph", "-o", "one.md", "--tag", "lecture"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(dir.path().join("one.md")).unwrap(), "# course/week 1\n\n- see Glossary\n");
}

/// Notes (info diagnostics) are printed with `-v` only; `-q` leaves out the summary, not the
/// diagnostics.
#[test]
fn verbose_and_quiet() {
    let dir = tempdir();
    std::fs::create_dir_all(dir.path().join("pages")).unwrap();
    std::fs::write(dir.path().join("pages/p.md"), "- open tasks {{query (todo now)}}\n").unwrap();
    let said = |args: &[&str]| {
        let o = common::bin().current_dir(dir.path()).args(["md", ".", "-o", "out"]).args(args).output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        stderr(&o)
    };
    let note = "pages/p.md:1:14: info[macro-dropped]: {{query}} is not exported\n";
    let summary = "md: 1 pages, 0 assets → out\n";
    assert_eq!(said(&[]), summary);
    assert_eq!(said(&["-v"]), format!("{note}{summary}"));
    assert_eq!(said(&["-v", "-q"]), note);
    assert_eq!(said(&["-q"]), "");
}

/// A selection limits what is reported to its pages: a problem in a page left out does not
/// fail `--deny-warnings`, while what an export writes from such a page (an embedded block)
/// is still reported.
#[test]
fn selection_limits_diagnostics_to_its_pages() {
    let dir = tempdir();
    let pages = dir.path().join("pages");
    std::fs::create_dir_all(&pages).unwrap();
    let uuid = "6571a1b2-0000-4000-8000-000000000003";
    std::fs::write(pages.join("Course.md"), format!("- {{{{embed (({uuid}))}}}}\n")).unwrap();
    std::fs::write(
        pages.join("Diary.md"),
        format!("- see ((6571a1b2-0000-4000-8000-0000000000ff))\n- tasks {{{{query (todo now)}}}}\n  id:: {uuid}\n"),
    )
    .unwrap();
    let said = |args: &[&str]| {
        let o = common::bin().current_dir(dir.path()).args(args).output().unwrap();
        (o.status.code(), stderr(&o))
    };
    let dangling = "pages/Diary.md:1:7: warning[dangling-ref]";
    let (code, all) = said(&["check", ".", "--deny-warnings"]);
    assert_eq!(code, Some(1));
    assert!(all.contains(dangling) && all.contains("checked 2 pages, 3 blocks"), "{all}");
    let (code, course) = said(&["check", ".", "--deny-warnings", "--page", "Course"]);
    assert_eq!(code, Some(0), "{course}");
    assert_eq!(course, "checked 1 pages, 1 blocks: 0 errors, 0 warnings\n");
    let (code, md) = said(&["md", ".", "-o", "-", "-v", "--page", "Course", "--deny-warnings"]);
    assert_eq!(code, Some(0), "{md}");
    assert!(!md.contains("dangling-ref"), "{md}");
    assert!(md.contains("pages/Diary.md:2:9: info[macro-dropped]"), "{md}");
}

/// A footnote mark without its text, or an `[[id:…][…]]` reference to no block, is reported
/// by every command, however much of the page it reads (a deck reads little of a page without
/// cards).
#[test]
fn dangling_marks_are_reported_by_every_command() {
    let dir = tempdir();
    std::fs::create_dir(dir.path().join("pages")).unwrap();
    std::fs::write(dir.path().join("pages/a.md"), "- no cards here[^x]\n- [^y]: unrelated\n").unwrap();
    let page = "- text\n- see [[id:00000000-0000-4000-8000-000000000000][gone]]\n";
    std::fs::write(dir.path().join("pages/c.md"), page).unwrap();
    std::fs::write(dir.path().join("pages/b.md"), "- a card #card\n\t- its answer\n").unwrap();
    for cmd in ["check", "anki", "md", "json", "docx"] {
        let args: &[&str] = if cmd == "check" { &[cmd, "."] } else { &[cmd, ".", "-o", "-"] };
        let o = common::bin().current_dir(dir.path()).args(args).output().unwrap();
        let said = stderr(&o);
        assert!(said.contains("pages/a.md:1:16: warning[dangling-footnote]: footnote [^x]"), "{cmd}: {said}");
        assert!(said.contains("pages/c.md:2:7: warning[dangling-ref]"), "{cmd}: {said}");
        assert_eq!(said.matches("warning[").count(), 2, "{cmd}: {said}");
    }
}

/// `-o -` writes a Word file or a deck to standard output whole, as it does text; an export of
/// several files cannot go there.
#[test]
fn binary_outputs_go_to_standard_output() {
    for (format, part) in [("docx", "word/document.xml"), ("anki", "collection.anki2")] {
        let o = run(&[format, "fixtures/seed", "-o", "-", "-q"]);
        assert!(o.status.success(), "{format}: {}", stderr(&o));
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(o.stdout)).expect("a zip on standard output");
        assert!(zip.by_name(part).is_ok(), "{format}");
    }
    let o = run(&["docx", "fixtures/cases/inline", "--split", "-o", "-", "-q"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("standard output: the export is 2 files"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
}

/// A device or pipe named by `-o` (`/dev/null`, `/dev/stdout`, a FIFO) is written to, not
/// replaced by a file moved into its place.
#[cfg(unix)]
#[test]
fn a_pipe_named_by_o_is_written_to() {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;
    let dir = tempdir();
    let fifo = dir.path().join("pipe");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut s = String::new();
            std::fs::File::open(fifo).unwrap().read_to_string(&mut s).unwrap();
            s
        })
    };
    let o = run(&["json", "fixtures/seed", "-o", fifo.to_str().unwrap(), "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Before waiting for the reader: a pipe replaced by a file would leave it waiting forever.
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo(), "still a pipe");
    let json: serde_json::Value = serde_json::from_str(&reader.join().unwrap()).unwrap();
    assert_eq!(json["pages"][0]["title"], "AWS");
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["pipe"], "no staging folder beside it");
}

/// Every command reports what the pages hold, the same way: `check` says what `build` and
/// each export say (an SVG image Word cannot show, a dangling reference, a missing image).
#[test]
fn every_command_reports_the_same_diagnostics() {
    let dir = tempdir();
    let graph = dir.path().join("g");
    std::fs::create_dir_all(graph.join("pages")).unwrap();
    std::fs::create_dir_all(graph.join("assets")).unwrap();
    std::fs::write(graph.join("assets/plot.svg"), r#"<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>"#)
        .unwrap();
    std::fs::write(
        graph.join("pages/P.md"),
        "- a plot ![p](../assets/plot.svg)\n\t- child\n- ((6571a1b2-0000-4000-8000-0000000000ff)) and ![gone](../assets/gone.png)\n\t- child\n",
    )
    .unwrap();
    let g = graph.to_str().unwrap();
    let out = |k: &str| dir.path().join(k).to_str().unwrap().to_string();
    let warnings = |args: &[&str]| -> Vec<String> {
        let o = run(args);
        let mut lines: Vec<String> = stderr(&o).lines().filter(|l| l.contains("warning[")).map(String::from).collect();
        lines.sort();
        lines
    };
    let check = warnings(&["check", g]);
    assert_eq!(check.len(), 3, "{check:?}");
    assert!(check.iter().any(|l| l.contains("warning[unsupported-image]")), "{check:?}");
    for args in [
        vec!["build", g, "-o", &out("dist")],
        vec!["docx", g, "-o", &out("x.docx")],
        vec!["md", g, "-o", &out("md")],
        vec!["anki", g, "-o", &out("x.apkg")],
        vec!["json", g, "-o", &out("x.json")],
    ] {
        assert_eq!(warnings(&args), check, "{args:?}");
    }
}

/// A page titled with a leading dot gives visible files, in every per-page output.
#[test]
fn a_dot_title_gives_visible_files() {
    let dir = common::graph_of(&[("g/pages/dotnet.md", "title:: .NET\n\n- runtime\n")]);
    let graph = dir.path().join("g");
    let out = dir.path().join("out");
    let o = run(&["build", graph.to_str().unwrap(), "-o", out.to_str().unwrap(), "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    for f in ["markdown/_.NET.md", "handouts/_.NET.docx"] {
        assert!(out.join(f).is_file(), "{f}");
    }
}
