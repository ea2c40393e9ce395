//! Command-line arguments (clap).

use super::report::MessageFormat;
use crate::export::anki::{self, CardMode};
use crate::export::docx::{self, Paper};
use crate::export::markdown::{self, LinkStyle};
use crate::export::{json, Exporter};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "notes-export",
    version,
    about = "Turn Logseq notes into Anki decks, Word handouts, Markdown and JSON",
    after_help = "Examples:
  notes-export anki my-graph -o biology.apkg        an Anki deck of the graph's flashcards
  notes-export docx my-graph/pages/Cells.md         Cells.docx, a handout of one page
  notes-export docx my-graph --worksheet -o ws.docx a worksheet with blanks and an answer key
  notes-export md my-graph -o site/content          Markdown, one file per page
  notes-export build my-graph -o dist               all of them at once (settings: notes-export.toml)
  notes-export check my-graph --deny-warnings       report broken references, write nothing

INPUT is a Logseq graph folder (pages/, journals/, assets/, logseq/config.edn), page files, or -
for standard input. Exit codes: 0 success, 1 errors (or warnings with --deny-warnings), 2 usage."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Write every output at once, one parse for all (for CI)
    #[command(
        override_usage = "notes-export build <GRAPH> --out <DIR> [OPTIONS]\n       notes-export build <GRAPH> --check [OPTIONS]",
        after_help = build_help()
    )]
    Build(BuildArgs),
    #[command(about = anki::AnkiExporter::FORMAT.about, after_help = anki::AnkiExporter::FORMAT.help)]
    Anki(AnkiArgs),
    #[command(about = docx::DocxExporter::FORMAT.about, after_help = docx::DocxExporter::FORMAT.help)]
    Docx(DocxArgs),
    #[command(about = markdown::MarkdownExporter::FORMAT.about, after_help = markdown::MarkdownExporter::FORMAT.help)]
    Md(MdArgs),
    #[command(about = json::JsonExporter::FORMAT.about, after_help = json::JsonExporter::FORMAT.help)]
    Json(JsonArgs),
    /// Parse and resolve, report problems, write nothing
    #[command(after_help = "Example:\n  notes-export check my-graph --deny-warnings")]
    Check(CommonArgs),
}

/// `build`'s examples, and where it writes each format.
fn build_help() -> String {
    let places: Vec<String> = crate::export::registry()
        .iter()
        .map(|e| {
            let f = e.format();
            match f.build.ends_with('/') {
                true => format!("DIR/{}*.{}", f.build, f.extension),
                false => format!("DIR/{}", f.build),
            }
        })
        .collect();
    format!(
        "Examples:\n  notes-export build my-graph -o dist\n  notes-export build my-graph -o dist --formats anki,docx --deny-warnings --message-format github\n  notes-export build my-graph --check --deny-warnings\n\nWrites {}.\nSettings are read from notes-export.toml in the graph folder (or --config).",
        places.join(", ")
    )
}

/// The command line: [`Cli`] with a command for each format that has no options of its own
/// beside [`ExportArgs`], taken from the registry.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    for e in crate::export::registry() {
        let f = e.format();
        if cmd.find_subcommand(f.name).is_none() {
            let sub = clap::Command::new(f.name).about(f.about).after_help(f.help);
            cmd = cmd.subcommand(ExportArgs::augment_args(sub));
        }
    }
    cmd
}

#[derive(Args, Debug)]
pub struct CommonArgs {
    /// A Logseq graph folder, page files, or - for standard input
    #[arg(required = true, num_args = 1.., value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Treat warnings as errors (exit code 1)
    #[arg(long)]
    pub deny_warnings: bool,
    /// How diagnostics are printed on standard error (json: one object per line, and nothing else)
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
    /// Print only diagnostics, no summary
    #[arg(short, long)]
    pub quiet: bool,
    /// Also print notes (info diagnostics), such as queries that are not exported
    #[arg(short, long)]
    pub verbose: bool,
    /// Only pages whose title or file matches (`*`, `?`); repeatable
    #[arg(long = "page", value_name = "GLOB")]
    pub pages: Vec<String>,
    /// Only pages with this tag (`tags::`); repeatable
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Only pages with `public:: true`
    #[arg(long)]
    pub public_only: bool,
    /// Worker threads, at least 1 (default: one per core); outputs are the same for any number
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
}

impl CommonArgs {
    /// Whether a summary line follows the diagnostics: not with `-q`, and not among JSON
    /// lines, which a program reads one by one.
    pub fn summary(&self) -> bool {
        !self.quiet && self.message_format != MessageFormat::Json
    }
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Output file or folder, or - for standard output (default: see below)
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct JsonArgs {
    #[command(flatten)]
    pub export: ExportArgs,
    /// Indented, one value per line (default: compact, one line)
    #[arg(long)]
    pub pretty: bool,
}

#[derive(Args, Debug)]
pub struct AnkiArgs {
    #[command(flatten)]
    pub export: ExportArgs,
    /// Top deck name (default: the graph folder's name, or the page title)
    #[arg(long)]
    pub deck: Option<String>,
    /// Which blocks become cards
    #[arg(long, value_enum, default_value_t = CardMode::Auto)]
    pub cards: CardMode,
    /// The deck an earlier run wrote, whose notes this one continues (default: the -o file,
    /// when it exists)
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,
    /// Every card new, whatever Logseq's review properties (card-next-schedule:: …) say
    #[arg(long)]
    pub no_scheduling: bool,
    /// Add an id:: to every card block that has none, in the notes themselves (each page
    /// written whole, only when it changes), so that cards never depend on matching text
    #[arg(long)]
    pub write_ids: bool,
    /// Which subdecks the pages' cards go to (a deck:: property always wins)
    #[arg(long, value_enum, default_value_t = anki::DeckPer::Page)]
    pub deck_per: anki::DeckPer,
}

#[derive(Args, Debug)]
pub struct DocxArgs {
    #[command(flatten)]
    pub export: ExportArgs,
    /// Document title (default: the page title, or the graph name)
    #[arg(long)]
    pub title: Option<String>,
    /// Paper size of the pages (margins are 2 cm on either)
    #[arg(long, value_enum, default_value_t = Paper::A4)]
    pub paper: Paper,
    /// A worksheet: the cards as prompts (clozes as numbered blanks, questions over ruled
    /// lines), with an answer key at the end
    #[arg(long)]
    pub worksheet: bool,
    /// Which blocks a worksheet asks about, as for a deck
    #[arg(long, value_enum, default_value_t = CardMode::Auto)]
    pub cards: CardMode,
    /// What a worksheet also blanks: bold phrases inside a longer sentence
    #[arg(long, value_enum, default_value_t = docx::Blanks::Cards)]
    pub blanks: docx::Blanks,
    /// One document per page, written into the folder given with -o
    #[arg(long)]
    pub split: bool,
    /// Show #tags lightly instead of dropping them
    #[arg(long)]
    pub show_tags: bool,
    /// A Word document whose styles, fonts, page size and margins, header and footer the
    /// handout takes (its styles by name: "heading 1", "Title", …); --paper gives way to it
    #[arg(long, value_name = "FILE.docx")]
    pub reference_doc: Option<PathBuf>,
    /// The tallest an image is printed: a share of the text height or a length (8cm, 80mm, 3in)
    #[arg(long, value_name = "HEIGHT", default_value = "40%")]
    pub image_max_height: docx::MaxHeight,
    /// Where a web link's address is printed (paper shows only the label)
    #[arg(long, value_enum, default_value_t = crate::export::docx::LinkAddresses::Footnote)]
    pub link_addresses: crate::export::docx::LinkAddresses,
}

#[derive(Args, Debug)]
pub struct MdArgs {
    #[command(flatten)]
    pub export: ExportArgs,
    /// How page references are written
    #[arg(long, value_enum, default_value_t = LinkStyle::Relative)]
    pub links: LinkStyle,
    /// Page properties as YAML front matter (for static-site generators)
    #[arg(long)]
    pub front_matter: bool,
    /// No `# Title` line at the top of each page
    #[arg(long)]
    pub no_title: bool,
}

#[derive(Args, Debug)]
pub struct BuildArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Output folder (required unless --check)
    #[arg(short = 'o', long, visible_alias = "output", value_name = "DIR", required_unless_present = "check")]
    pub out: Option<PathBuf>,
    /// Comma-separated formats (default: the config's, else all of them)
    #[arg(long, value_delimiter = ',', value_parser = clap::builder::PossibleValuesParser::new(crate::export::names()))]
    pub formats: Vec<String>,
    /// Settings file (default: notes-export.toml in the graph folder)
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Parse, resolve and report only; write nothing
    #[arg(long)]
    pub check: bool,
}
