//! The command line: parses arguments, runs the library, prints diagnostics, picks the exit
//! code. Exit codes: 0 success, 1 errors (or warnings with `--deny-warnings`), 2 usage.

mod report;

use crate::diag::Severity;
use crate::export::{self, anki::CardMode, Options};
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
    let default_out = PathBuf::from(&result.artifacts.first().map(|a| a.path.clone()).unwrap_or_default());
    let out = args.output.clone().unwrap_or(default_out);
    write_artifacts(&out, &result.artifacts, std::slice::from_ref(&common.input))?;
    if !common.quiet {
        eprintln!("{format}: {} → {}", result.summary, out.display());
    }
    Ok(exit(failed || diags.iter().any(|d| d.severity == Severity::Error)))
}

/// One artifact goes to `out` itself (or standard output for `-`); several go under `out`.
fn write_artifacts(out: &Path, artifacts: &[export::Artifact], inputs: &[PathBuf]) -> anyhow::Result<()> {
    if out.as_os_str() == "-" {
        use std::io::Write;
        let mut stdout = std::io::stdout().lock();
        for a in artifacts {
            stdout.write_all(&a.bytes)?;
        }
        return Ok(());
    }
    if let [single] = artifacts {
        output::check_not_input(out, inputs)?;
        output::write_atomic(out, &single.bytes)?;
        return Ok(());
    }
    for a in artifacts {
        let path = out.join(&a.path);
        output::check_not_input(&path, inputs)?;
        output::write_atomic(&path, &a.bytes)?;
    }
    Ok(())
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
