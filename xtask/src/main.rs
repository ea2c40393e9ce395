//! Project tasks: `cargo xtask <task>`.

mod bench;
mod conformance;
mod fidelity;
mod gen_db;
mod gen_graph;
mod shared;

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let task = args.first().map(String::as_str).unwrap_or("help");
    match task {
        "conformance" => conformance_cmd(&args[1..]),
        "fidelity" => fidelity_cmd(&args[1..]),
        "schema" => schema_cmd(),
        "bless" => bless_cmd(),
        "lint" => lint_cmd(),
        "test" => test_cmd(&args[1..]),
        "screenshots" => screenshots_cmd(),
        "fuzz" => fuzz_cmd(&args[1..]),
        "gen-graph" => gen_graph_cmd(&args[1..]),
        "gen-db" => match &args[1..] {
            [graph, out] => {
                gen_db::write(Path::new(graph), Path::new(out)).map(|n| println!("wrote {out}: {n} datoms"))
            }
            _ => bail!("usage: cargo xtask gen-db GRAPH OUT"),
        },
        "bench" => bench::run(&args[1..]),
        "opening" => bench::opening_cmd(&args[1..]),
        _ => {
            eprintln!("usage: cargo xtask <task>\n\ntasks:\n  conformance [GRAPH REFERENCE.jsonl]  compare the reader with Logseq's parser
  fidelity [GRAPH…]                    words of each page that an output loses (none may be)\n  schema                               regenerate schema/graph.schema.json
  bless                                regenerate the schema and every golden file
  lint                                 cargo fmt --check and clippy -D warnings
  test [--no-lint]                     lint, cargo tests, then the real-consumer checks
  gen-graph OUT [--pages N] [--blocks-per-page M] [--seed S] [--db DIR]
                                       a deterministic synthetic Logseq graph
  gen-db GRAPH OUT                     a graph's notes as a Logseq DB graph (OUT/db.sqlite)
  bench [--size small|medium|large] [--runs N]
                                       time every command against the I/O floor, genanki, pandoc
  opening GRAPH DB RUNS                time opening the same notes as files and as a DB graph,
                                       and reading the DB graph's rows building nothing
  fuzz [--seconds N] [TARGET…]         run every fuzz target (cargo-fuzz) for N seconds in all
  screenshots                          render the seed handout, worksheet (LibreOffice) and an Anki card (Chromium) to docs/*.png");
            if task == "help" {
                Ok(())
            } else {
                bail!("unknown task {task}")
            }
        }
    }
}

/// Compares the reader with Logseq's parser on its documentation graph and holds the result to
/// the README's exact figure, naming every page that differs.
fn conformance_cmd(args: &[String]) -> Result<()> {
    let (graph, reference) = match args {
        [graph, reference, ..] => (PathBuf::from(graph), PathBuf::from(reference)),
        _ => match (
            shared::find("corpus/logseq-docs", "conformance")?,
            shared::root().join("corpus/logseq-docs.blocks.jsonl"),
        ) {
            (Some(graph), reference) => (graph, reference),
            (None, _) => return Ok(()),
        },
    };
    let report = conformance::run(&graph, &reference).map_err(anyhow::Error::msg)?;
    for (file, diff) in &report.differing {
        println!("DIFF {file}: {diff}");
    }
    println!("tree-match: {}/{} pages ({:.1}%)", report.matched, report.total, report.percent());
    if args.is_empty() {
        let readme = std::fs::read_to_string(root().join("README.md"))?;
        conformance::check_claim(&report, &readme).map_err(anyhow::Error::msg)?;
    }
    Ok(())
}

/// Words lost per format on Logseq's documentation graph and the real graphs of `../shared`
/// (or the graphs named): any word of a page that its output does not show fails, beyond the
/// omissions the README lists as deliberate (which the measure leaves out).
fn fidelity_cmd(args: &[String]) -> Result<()> {
    let mut graphs: Vec<(String, PathBuf)> = args
        .iter()
        .map(|a| (Path::new(a).file_name().unwrap_or_default().to_string_lossy().into_owned(), PathBuf::from(a)))
        .collect();
    if graphs.is_empty() {
        if let Some(corpus) = shared::find("corpus/logseq-docs", "fidelity")? {
            graphs.push(("logseq-docs".into(), corpus));
        }
        if let Some(real) = shared::find("real-graphs", "fidelity")? {
            let mut dirs: Vec<PathBuf> =
                std::fs::read_dir(real)?.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
            dirs.sort();
            graphs.extend(
                dirs.into_iter().map(|d| (d.file_name().unwrap_or_default().to_string_lossy().into_owned(), d)),
            );
        }
    }
    let mut lossy = Vec::new();
    for (name, dir) in &graphs {
        for (format, loss) in fidelity::measure(dir)? {
            println!("{name:<40} {format:<5} lost words: {} on {}/{} pages", loss.words, loss.pages, loss.total);
            for (file, words) in loss.worst.iter().take(10) {
                let shown: Vec<&str> = words.iter().take(10).map(String::as_str).collect();
                println!("    {file}: {}", shown.join(" "));
            }
            if loss.words > 0 {
                lossy.push(format!("{name} {format}"));
            }
        }
    }
    if !lossy.is_empty() {
        bail!("words of the notes are lost in: {}", lossy.join(", "));
    }
    Ok(())
}

fn schema_cmd() -> Result<()> {
    let path = root().join("schema/graph.schema.json");
    std::fs::create_dir_all(path.parent().context("schema folder")?)?;
    std::fs::write(&path, notes_export::export::json::schema())?;
    println!("wrote {}", path.display());
    Ok(())
}

/// The README's table of diagnostic codes, made from `src/diag.rs`.
fn codes_cmd() -> Result<()> {
    const START: &str = "<!-- codes: cargo xtask bless writes this table from src/diag.rs -->";
    const END: &str = "<!-- /codes -->";
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path)?;
    let (before, rest) = readme.split_once(START).context("the README's codes marker")?;
    let (_, after) = rest.split_once(END).context("the README's end-of-codes marker")?;
    let table = notes_export::diag::codes_table();
    std::fs::write(&path, format!("{before}{START}\n{table}{END}{after}"))?;
    println!("wrote the table of codes in {}", path.display());
    Ok(())
}

fn cargo() -> std::process::Command {
    let mut c = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

fn status(mut c: std::process::Command) -> Result<()> {
    let s = c.status().with_context(|| format!("running {c:?}"))?;
    if !s.success() {
        bail!("{c:?} failed ({s})");
    }
    Ok(())
}

fn bless_cmd() -> Result<()> {
    schema_cmd()?;
    codes_cmd()?;
    let mut c = cargo();
    // Every test that compares against goldens rewrites them (the others just run).
    c.args(["test", "--quiet", "--tests"]).env("UPDATE_GOLDEN", "1");
    status(c)?;
    println!("goldens rewritten: review them with `git diff tests/golden`");
    Ok(())
}

fn lint_cmd() -> Result<()> {
    let mut c = cargo();
    c.args(["fmt", "--all", "--check"]);
    status(c)?;
    let mut c = cargo();
    c.args(["clippy", "--quiet", "--workspace", "--all-targets", "--", "-D", "warnings"]);
    status(c)
}

/// Lint, the Rust tests, then the checks that feed real consumers (Anki, JSON Schema,
/// python-docx, an OOXML schema check, a YAML reader) with the outputs, from a venv this task
/// maintains. Ends with the count of checks skipped for want of `../shared`.
fn test_cmd(args: &[String]) -> Result<()> {
    let log = root().join("target/skipped-checks.log");
    std::fs::create_dir_all(root().join("target"))?;
    let _ = std::fs::remove_file(&log);
    let result = run_tests(args, &log);
    let skipped = std::fs::read_to_string(&log).unwrap_or_default();
    let mut lines: Vec<&str> = skipped.lines().collect();
    lines.sort_unstable();
    lines.dedup();
    for line in &lines {
        println!("{line}");
    }
    println!("{} checks skipped", lines.len());
    result?;
    if !lines.is_empty() && shared::required() {
        bail!("{} checks skipped, and NOTES_EXPORT_REQUIRE_SHARED is set", lines.len());
    }
    Ok(())
}

fn run_tests(args: &[String], skip_log: &Path) -> Result<()> {
    if !args.iter().any(|a| a == "--no-lint") {
        lint_cmd()?;
    }
    let mut c = cargo();
    c.args(["test", "--workspace"]).env("NOTES_EXPORT_SKIP_LOG", skip_log);
    status(c)?;
    let mut c = cargo();
    c.args(["build", "--quiet", "--bin", "notes-export"]);
    status(c)?;
    ensure_system_tools()?;
    let python = consumer_venv()?;
    let mut c = std::process::Command::new(python);
    c.current_dir(root())
        .args(["-m", "pytest", "-q", "-rs", "tests/consumers"])
        .env("NOTES_EXPORT_BIN", target_dir().join("debug/notes-export"))
        .env("NOTES_EXPORT_SKIP_LOG", skip_log);
    status(c)?;
    // Nothing the notes say may be lost: every real graph, every format.
    let mut c = cargo();
    c.args(["xtask", "fidelity"]).env("NOTES_EXPORT_SKIP_LOG", skip_log);
    status(c)
}

/// `target/consumer-venv`, created and refreshed when requirements.txt changes.
fn consumer_venv() -> Result<PathBuf> {
    let venv = root().join("target/consumer-venv");
    let python = venv.join("bin/python");
    let req = root().join("tests/consumers/requirements.txt");
    let wanted = std::fs::read_to_string(&req)?;
    let stamp = venv.join("requirements.installed");
    if python.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(python);
    }
    let host = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    status({
        let mut c = std::process::Command::new(&host);
        c.args(["-m", "venv", "--clear"]).arg(&venv);
        c
    })?;
    status({
        let mut c = std::process::Command::new(&python);
        c.args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r"]).arg(&req);
        c
    })?;
    std::fs::write(&stamp, wanted)?;
    Ok(python)
}

/// Renders a page of the seed handout and of its worksheet with LibreOffice for the README.
fn screenshots_cmd() -> Result<()> {
    let mut c = cargo();
    c.args(["build", "--quiet", "--release", "--bin", "notes-export"]);
    status(c)?;
    let tmp = std::env::temp_dir().join("notes-export-screenshots");
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp)?;
    let bin = target_dir().join("release/notes-export");
    for (name, page, extra) in [("handout", 2, None), ("worksheet", 1, Some("--worksheet"))] {
        let docx = tmp.join(format!("{name}.docx"));
        let mut c = std::process::Command::new(&bin);
        c.current_dir(root()).args(["docx", "fixtures/seed", "-q", "-o"]).arg(&docx).args(extra);
        status(c)?;
        let mut c = std::process::Command::new("soffice");
        c.args(["--headless", "--norestore", "--convert-to", "pdf", "--outdir"]).arg(&tmp).arg(&docx);
        status(c)?;
        let mut c = std::process::Command::new("pdftoppm");
        let page = page.to_string();
        c.args(["-png", "-r", "60", "-singlefile", "-f", &page, "-l", &page])
            .arg(tmp.join(format!("{name}.pdf")))
            .arg(root().join("docs").join(name));
        std::fs::create_dir_all(root().join("docs"))?;
        status(c)?;
        println!("wrote docs/{name}.png");
    }
    // An Anki card as the real Anki backend renders it, shot with headless Chromium.
    if !have_tool("chromium") {
        println!("chromium is not installed: docs/anki-card.png left as it was");
        return Ok(());
    }
    let deck = tmp.join("seed.apkg");
    let mut c = std::process::Command::new(&bin);
    c.current_dir(root()).args(["anki", "fixtures/seed", "-q", "-o"]).arg(&deck);
    status(c)?;
    let html = tmp.join("card.html");
    let mut c = std::process::Command::new(consumer_venv()?);
    c.arg(root().join("tests/consumers/render_card.py"))
        .arg(&deck)
        .arg("High switching costs make customers stay")
        .arg(&html);
    status(c)?;
    let mut c = std::process::Command::new("chromium");
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--window-size=600,230",
    ])
    .arg(format!("--user-data-dir={}", tmp.join("chromium").display()))
    .arg(format!("--screenshot={}", root().join("docs/anki-card.png").display()))
    .arg(format!("file://{}", html.display()));
    status(c)?;
    println!("wrote docs/anki-card.png");
    Ok(())
}

/// LibreOffice and poppler read the .docx like a user's machine would. Installed with apt-get
/// when missing and this runs as root (as CI does); otherwise the command to run is printed.
fn have_tool(tool: &str) -> bool {
    std::process::Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn ensure_system_tools() -> Result<()> {
    let have = have_tool;
    if have("soffice") && have("pdftotext") {
        return Ok(());
    }
    let packages = ["libreoffice-writer-nogui", "poppler-utils", "fonts-crosextra-carlito"];
    let is_root = std::process::Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if is_root && have("apt-get") {
        eprintln!("installing {} for the real-consumer checks", packages.join(" "));
        let mut c = std::process::Command::new("apt-get");
        c.args(["install", "-y", "-qq"]).args(packages).env("DEBIAN_FRONTEND", "noninteractive");
        if status(c).is_err() {
            let mut u = std::process::Command::new("apt-get");
            u.arg("update").arg("-qq");
            status(u)?;
            let mut c = std::process::Command::new("apt-get");
            c.args(["install", "-y", "-qq"]).args(packages).env("DEBIAN_FRONTEND", "noninteractive");
            status(c)?;
        }
        return Ok(());
    }
    bail!("the real-consumer checks need LibreOffice and poppler: sudo apt-get install {}", packages.join(" "))
}

const FUZZ_TARGETS: [&str; 4] = ["read", "inline", "export", "transit"];

/// Runs the fuzz targets one after another for a share of `--seconds`, seeded with every
/// fixture page, and prints the executions of each. A crash fails the task.
fn fuzz_cmd(args: &[String]) -> Result<()> {
    let mut seconds = 600u64;
    let mut targets: Vec<String> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => seconds = it.next().context("--seconds N")?.parse()?,
            t if FUZZ_TARGETS.contains(&t) => targets.push(t.to_string()),
            other => bail!("unknown fuzz argument {other}"),
        }
    }
    if targets.is_empty() {
        targets = FUZZ_TARGETS.iter().map(|s| s.to_string()).collect();
    }
    let per = (seconds / targets.len() as u64).max(10);
    let seeds: Vec<PathBuf> = walk_files(&root().join("fixtures"))
        .into_iter()
        .filter(|p| {
            p.extension().is_some_and(|e| e == "md" || e == "org")
                && std::fs::metadata(p).is_ok_and(|m| m.len() < 64 * 1024)
        })
        .collect();
    let nightly = std::process::Command::new("rustup")
        .args(["toolchain", "list"])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("nightly"));
    let mut report = Vec::new();
    for t in &targets {
        let corpus = root().join("fuzz/corpus").join(t);
        std::fs::create_dir_all(&corpus)?;
        for (k, s) in seeds.iter().enumerate() {
            let _ = std::fs::copy(s, corpus.join(format!("seed-{k}")));
        }
        let mut c = std::process::Command::new("cargo");
        if nightly {
            c.arg("+nightly");
        } else {
            c.env("RUSTC_BOOTSTRAP", "1");
        }
        c.current_dir(root()).args(["fuzz", "run", t]).arg(&corpus).args([
            "--",
            &format!("-max_total_time={per}"),
            "-rss_limit_mb=4096",
            "-timeout=20",
            "-max_len=65536",
        ]);
        eprintln!("fuzzing {t} for {per} s");
        let out = c.output().with_context(|| "running cargo fuzz (cargo install cargo-fuzz)")?;
        let log = String::from_utf8_lossy(&out.stderr);
        let execs = log
            .lines()
            .filter_map(|l| {
                l.strip_prefix('#').and_then(|r| r.split_whitespace().next()).and_then(|n| n.parse::<u64>().ok())
            })
            .max()
            .unwrap_or(0);
        let ok = out.status.success();
        if !ok {
            eprintln!(
                "{}",
                log.lines().rev().take(40).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n")
            );
        }
        report.push((t.clone(), execs, per, ok));
    }
    println!("{:<14} {:>12} {:>8} {:>10}  result", "target", "executions", "seconds", "exec/s");
    for (t, execs, per, ok) in &report {
        println!(
            "{t:<14} {execs:>12} {per:>8} {:>10}  {}",
            execs / per,
            if *ok { "no crash" } else { "CRASH (see fuzz/artifacts)" }
        );
    }
    if report.iter().any(|r| !r.3) {
        bail!("a fuzz target crashed");
    }
    Ok(())
}

/// Where cargo puts what it builds: `CARGO_TARGET_DIR` when set, else `target/`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root().join(dir),
        None => root().join("target"),
    }
}

/// Every file under `dir` (links not followed), sorted by path.
fn walk_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .collect();
    files.sort();
    files
}

fn gen_graph_cmd(args: &[String]) -> Result<()> {
    let mut out = None;
    let (mut pages, mut blocks, mut seed) = (100usize, 30usize, 42u64);
    let mut db = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--pages" => pages = it.next().context("--pages N")?.parse()?,
            "--blocks-per-page" => blocks = it.next().context("--blocks-per-page M")?.parse()?,
            "--seed" => seed = it.next().context("--seed S")?.parse()?,
            "--db" => db = Some(PathBuf::from(it.next().context("--db DIR")?)),
            p if out.is_none() && !p.starts_with('-') => out = Some(PathBuf::from(p)),
            other => bail!("unknown gen-graph argument {other}"),
        }
    }
    let out = out.context("usage: cargo xtask gen-graph OUT [--pages N] [--blocks-per-page M] [--seed S]")?;
    let s = gen_graph::generate(&out, pages, blocks, seed)?;
    println!("wrote {}: {} pages, {} blocks, {:.1} MB", out.display(), s.pages, s.blocks, s.bytes as f64 / 1e6);
    if let Some(db) = db {
        // The same notes as a Logseq DB graph.
        let datoms = gen_db::write(&out, &db)?;
        println!("wrote {}: {datoms} datoms", db.join("db.sqlite").display());
    }
    Ok(())
}
