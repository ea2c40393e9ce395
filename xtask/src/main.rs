//! Project tasks: `cargo xtask <task>`.

mod conformance;

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
        "schema" => schema_cmd(),
        "bless" => bless_cmd(),
        "lint" => lint_cmd(),
        "test" => test_cmd(&args[1..]),
        "screenshots" => screenshots_cmd(),
        _ => {
            eprintln!("usage: cargo xtask <task>\n\ntasks:\n  conformance [GRAPH REFERENCE.jsonl]  compare the reader with Logseq's parser\n  schema                               regenerate schema/graph.schema.json
  bless                                regenerate the schema and every golden file
  lint                                 cargo fmt --check and clippy -D warnings
  test [--no-lint]                     lint, cargo tests, then the real-consumer checks
  screenshots                          render the seed handout and worksheet to docs/*.png (LibreOffice)");
            if task == "help" {
                Ok(())
            } else {
                bail!("unknown task {task}")
            }
        }
    }
}

fn conformance_cmd(args: &[String]) -> Result<()> {
    let graph = args.first().map(PathBuf::from).unwrap_or_else(|| root().join("fixtures/corpus/logseq-docs"));
    let reference =
        args.get(1).map(PathBuf::from).unwrap_or_else(|| root().join("fixtures/corpus/logseq-docs.blocks.jsonl"));
    let report = conformance::run(&graph, &reference).map_err(anyhow::Error::msg)?;
    for (file, diff) in &report.differing {
        println!("DIFF {file}: {diff}");
    }
    println!("tree-match: {}/{} pages ({:.1}%)", report.matched, report.total, report.percent());
    Ok(())
}

fn schema_cmd() -> Result<()> {
    let path = root().join("schema/graph.schema.json");
    std::fs::create_dir_all(path.parent().context("schema folder")?)?;
    std::fs::write(&path, notes_export::export::json::schema())?;
    println!("wrote {}", path.display());
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
    let mut c = cargo();
    c.args(["test", "--quiet", "--test", "golden"]).env("UPDATE_GOLDEN", "1");
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
/// python-docx, an OOXML schema check) with the outputs, from a venv this task maintains.
fn test_cmd(args: &[String]) -> Result<()> {
    if !args.iter().any(|a| a == "--no-lint") {
        lint_cmd()?;
    }
    let mut c = cargo();
    c.args(["test", "--workspace"]);
    status(c)?;
    let mut c = cargo();
    c.args(["build", "--quiet", "--bin", "notes-export"]);
    status(c)?;
    ensure_system_tools()?;
    let python = consumer_venv()?;
    let mut c = std::process::Command::new(python);
    c.current_dir(root())
        .args(["-m", "pytest", "-q", "tests/consumers"])
        .env("NOTES_EXPORT_BIN", root().join("target/debug/notes-export"));
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
    let bin = root().join("target/release/notes-export");
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
    Ok(())
}

/// LibreOffice and poppler read the .docx like a user's machine would. Installed with apt-get
/// when missing and this runs as root (as CI does); otherwise the command to run is printed.
fn ensure_system_tools() -> Result<()> {
    let have = |tool: &str| {
        std::process::Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
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
