//! The command line: parses arguments, runs the library, prints diagnostics, picks the exit
//! code. Exit codes: 0 success, 1 errors (or warnings with `--deny-warnings`), 2 usage.

mod report;

use crate::diag::Severity;
use crate::export::docx::{DocxOptions, Paper};
use crate::export::{self, anki::CardMode, markdown::LinkStyle, Options};
use crate::output;
use clap::{Args, Parser, Subcommand, ValueEnum};
use report::MessageFormat;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "notes-export",
    version,
    about = "Turn Logseq notes into Anki decks, Word handouts, Markdown and JSON"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Write the outline IR as JSON (schema in schema/graph.schema.json)
    #[command(
        after_help = "Example:\n  notes-export json my-graph -o graph.json\n  cat page.md | notes-export json - -o -"
    )]
    Json(ExportArgs),
    /// Write an Anki deck (.apkg) that Anki imports without add-ons
    #[command(
        after_help = "Example:\n  notes-export anki my-graph -o deck.apkg --deck Biology\n  notes-export anki pages/Cells.md -o cells.apkg --cards tagged"
    )]
    Anki(AnkiArgs),
    /// Write a Word handout (.docx), or a worksheet with blanks and an answer key
    #[command(
        after_help = "Example:\n  notes-export docx my-graph -o handout.docx --paper letter\n  notes-export docx pages/Cells.md -o cells-worksheet.docx --worksheet"
    )]
    Docx(DocxArgs),
    /// Write plain Markdown with every reference resolved (a folder for a graph)
    #[command(
        after_help = "Example:\n  notes-export md my-graph -o site/content\n  notes-export md pages/Cells.md -o -"
    )]
    Md(MdArgs),
    /// Parse and resolve, report problems, write nothing
    #[command(after_help = "Example:\n  notes-export check my-graph --deny-warnings")]
    Check(CommonArgs),
}

#[derive(Args, Debug)]
struct CommonArgs {
    /// A Logseq graph folder, a page file, or - for standard input
    input: PathBuf,
    /// Treat warnings as errors (exit code 1)
    #[arg(long)]
    deny_warnings: bool,
    /// How diagnostics are printed on standard error
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
    /// Print only diagnostics, no summary
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Args, Debug)]
struct ExportArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Output file (- for standard output)
    #[arg(short, long)]
    output: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct AnkiArgs {
    #[command(flatten)]
    export: ExportArgs,
    /// Top deck name (default: the graph folder's name, or the page title)
    #[arg(long)]
    deck: Option<String>,
    /// Which blocks become cards: auto (tagged and cloze cards if any, else outline),
    /// tagged (#card and {{cloze}} only), outline (every block with children)
    #[arg(long, value_enum, default_value_t = Cards::Auto)]
    cards: Cards,
}

#[derive(Args, Debug)]
struct DocxArgs {
    #[command(flatten)]
    export: ExportArgs,
    /// Document title (default: the page title, or the graph name)
    #[arg(long)]
    title: Option<String>,
    #[arg(long, value_enum, default_value_t = PaperArg::A4)]
    paper: PaperArg,
    /// Bold terms and cloze answers become numbered blanks; an answer key follows
    #[arg(long)]
    worksheet: bool,
    /// One document per page, written into the folder given with -o
    #[arg(long)]
    split: bool,
    /// Show #tags lightly instead of dropping them
    #[arg(long)]
    show_tags: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum PaperArg {
    A4,
    Letter,
}

#[derive(Args, Debug)]
struct MdArgs {
    #[command(flatten)]
    export: ExportArgs,
    /// How page references are written
    #[arg(long, value_enum, default_value_t = Links::Relative)]
    links: Links,
    /// Page properties as YAML front matter (for static-site generators)
    #[arg(long)]
    front_matter: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Links {
    Relative,
    Plain,
    Wiki,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Cards {
    Auto,
    Tagged,
    Outline,
}

/// `SOURCE_DATE_EPOCH`, the reproducible-builds convention for dates written into outputs.
fn source_date_epoch() -> anyhow::Result<Option<i64>> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => Ok(Some(
            v.trim().parse().map_err(|_| anyhow::anyhow!("SOURCE_DATE_EPOCH={v:?} is not a number of seconds"))?,
        )),
        _ => Ok(None),
    }
}

/// Runs the CLI on the given arguments.
pub fn main_with_args(args: impl IntoIterator<Item = std::ffi::OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Check(common) => {
            let loaded = crate::load(&common.input)?;
            let failed = report::print(&loaded.diagnostics, common.message_format, common.deny_warnings);
            if !common.quiet {
                let blocks: usize = loaded.graph.pages.iter().map(|p| p.blocks.len()).sum();
                eprintln!(
                    "checked {} pages, {} blocks: {}",
                    loaded.graph.pages.len(),
                    blocks,
                    report::counts(&loaded.diagnostics)
                );
            }
            Ok(exit(failed))
        }
        Command::Json(args) => run_export("json", args, base_options()?),
        Command::Docx(args) => {
            let mut options = base_options()?;
            options.docx = DocxOptions {
                title: args.title,
                paper: match args.paper {
                    PaperArg::A4 => Paper::A4,
                    PaperArg::Letter => Paper::Letter,
                },
                worksheet: args.worksheet,
                split: args.split,
                show_tags: args.show_tags,
            };
            run_export("docx", args.export, options)
        }
        Command::Md(args) => {
            let mut options = base_options()?;
            options.markdown.front_matter = args.front_matter;
            options.markdown.links = match args.links {
                Links::Relative => LinkStyle::Relative,
                Links::Plain => LinkStyle::Plain,
                Links::Wiki => LinkStyle::Wiki,
            };
            run_export("md", args.export, options)
        }
        Command::Anki(args) => {
            let mut options = base_options()?;
            options.anki.deck = args.deck;
            options.anki.cards = match args.cards {
                Cards::Auto => CardMode::Auto,
                Cards::Tagged => CardMode::Tagged,
                Cards::Outline => CardMode::Outline,
            };
            // The previous deck at the output path keeps unchanged notes' times (see README).
            if let Some(out) = &args.export.output {
                if let Ok(bytes) = std::fs::read(out) {
                    match crate::export::anki::previous_notes(&bytes) {
                        Ok(prev) => options.anki.previous = prev,
                        Err(e) => eprintln!("warning: {}: not read as a previous deck ({e})", out.display()),
                    }
                }
            }
            run_export("anki", args.export, options)
        }
    }
}

fn base_options() -> anyhow::Result<Options> {
    Ok(Options { timestamp: source_date_epoch()?, ..Default::default() })
}

fn exit(failed: bool) -> ExitCode {
    ExitCode::from(if failed { 1 } else { 0 })
}

fn run_export(format: &str, args: ExportArgs, options: Options) -> anyhow::Result<ExitCode> {
    let common = &args.common;
    let loaded = crate::load(&common.input)?;
    let exporter = export::by_name(format).ok_or_else(|| anyhow::anyhow!("unknown format {format}"))?;
    let result = exporter.export(&loaded.graph, &options)?;
    let mut diags = loaded.diagnostics.clone();
    diags.extend(result.diagnostics.iter().cloned());
    crate::diag::normalize(&mut diags);
    let failed = report::print(&diags, common.message_format, common.deny_warnings);
    let default_out = match result.artifacts.as_slice() {
        [single] => single.path.clone(),
        _ => PathBuf::from(format!("{format}-out")),
    };
    let out = args.output.clone().unwrap_or(default_out);
    write_artifacts(&out, &result.artifacts, std::slice::from_ref(&common.input))?;
    if !common.quiet {
        eprintln!("{format}: {} → {}", result.summary, out.display());
    }
    Ok(exit(failed || diags.iter().any(|d| d.severity == Severity::Error)))
}

/// Where artifacts go: one artifact to `out` itself; a main file plus its assets to `out`
/// (when `out` names a file of the main file's type) with the assets beside it; otherwise a
/// tree under the folder `out`. `-` prints the text files.
fn write_artifacts(out: &Path, artifacts: &[export::Artifact], inputs: &[PathBuf]) -> anyhow::Result<()> {
    if out.as_os_str() == "-" {
        use std::io::Write;
        let mut stdout = std::io::stdout().lock();
        let texts: Vec<&export::Artifact> = artifacts.iter().filter(|a| is_text(a)).collect();
        for (k, a) in texts.iter().enumerate() {
            if k > 0 {
                stdout.write_all(b"\n")?;
            }
            stdout.write_all(&a.bytes)?;
        }
        return Ok(());
    }
    let ext = |p: &Path| p.extension().map(|e| e.to_ascii_lowercase());
    let main_ext = artifacts.first().and_then(|a| ext(&a.path));
    let mains = artifacts.iter().filter(|a| ext(&a.path) == main_ext).count();
    let mut plan: Vec<(PathBuf, &[u8])> = Vec::new();
    if let [single] = artifacts {
        plan.push((out.to_path_buf(), &single.bytes));
    } else if !out.is_dir() && ext(out).is_some() && ext(out) == main_ext {
        anyhow::ensure!(mains == 1, "{}: the input gives {mains} files; -o must name a folder", out.display());
        let dir = out.parent().map(Path::to_path_buf).unwrap_or_default();
        plan.push((out.to_path_buf(), &artifacts[0].bytes));
        plan.extend(artifacts[1..].iter().map(|a| (dir.join(&a.path), a.bytes.as_slice())));
    } else {
        plan.extend(artifacts.iter().map(|a| (out.join(&a.path), a.bytes.as_slice())));
    }
    // Check every target before writing anything.
    for (path, _) in &plan {
        output::check_not_input(path, inputs)?;
    }
    for (path, bytes) in plan {
        output::write_atomic(&path, bytes)?;
    }
    Ok(())
}

fn is_text(a: &export::Artifact) -> bool {
    matches!(a.path.extension().and_then(|e| e.to_str()), Some("md" | "json" | "txt"))
}

impl ValueEnum for MessageFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &[MessageFormat::Human, MessageFormat::Json, MessageFormat::Github]
    }
    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(match self {
            MessageFormat::Human => "human",
            MessageFormat::Json => "json",
            MessageFormat::Github => "github",
        }))
    }
}
