//! The command line: parses arguments, runs the library, prints diagnostics, picks the exit
//! code. Exit codes: 0 success, 1 errors (or warnings with `--deny-warnings`), 2 usage or
//! configuration errors.

mod args;
mod report;

use crate::config::Config;
use crate::export::docx::HandoutGroup;
use crate::export::{self, Options};
use crate::select::PageFilter;
use crate::{output, Loaded};
use args::{Cli, Command, CommonArgs, ExportArgs};
use clap::{CommandFactory, FromArgMatches};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Runs the CLI on the given arguments.
pub fn main_with_args(args: impl IntoIterator<Item = std::ffi::OsString>) -> ExitCode {
    let parsed = args::command().try_get_matches_from(args).and_then(|matches| match matches.subcommand() {
        // A format without options of its own (see `args::command`).
        Some((name, sub)) if Cli::command().find_subcommand(name).is_none() => {
            Ok(Parsed::Format(name.to_string(), ExportArgs::from_arg_matches(sub)?))
        }
        _ => Cli::from_arg_matches(&matches).map(Parsed::Cli),
    });
    let parsed = match parsed {
        Ok(p) => p,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match parsed {
        Parsed::Cli(cli) => run(cli),
        Parsed::Format(name, args) => base_options().and_then(|options| run_export(&name, args, options, false)),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", one_message(&e));
            let usage = e.downcast_ref::<crate::config::ConfigError>().is_some();
            ExitCode::from(if usage { 2 } else { 1 })
        }
    }
}

/// What the command line asks for.
enum Parsed {
    Cli(Cli),
    /// A format's command that has no options of its own.
    Format(String, ExportArgs),
}

/// The error and its causes on one line. A cause whose text the message already holds (the
/// reader's and writer's errors name their path and then their I/O error) is not repeated.
fn one_message(e: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if !message.contains(&text) {
            if !message.is_empty() {
                message.push_str(": ");
            }
            message.push_str(&text);
        }
    }
    message
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Check(common) => {
            let mut loaded = load(&common)?;
            let selected = select(&filter(&common), &loaded.graph)?;
            let outcome = crate::pipeline::run(&mut loaded, Vec::new(), selected.as_deref(), &|_| {})?;
            let diags = diagnostics(&loaded, selected.as_deref(), outcome.diagnostics);
            let failed = report::print(&diags, common.message_format, common.deny_warnings, common.verbose);
            if common.summary() {
                let pages = count(selected.as_deref(), &loaded.graph);
                let origin = match loaded.db.as_ref().and_then(|d| d.schema) {
                    Some((major, minor)) => format!(" of a Logseq DB graph (schema {major}.{minor})"),
                    None => String::new(),
                };
                eprintln!("checked {pages} pages, {} blocks{origin}: {}", outcome.blocks, report::counts(&diags));
            }
            exit_fast(loaded);
            Ok(exit(failed))
        }
        Command::Json(args) => {
            let mut options = base_options()?;
            options.json.pretty = args.pretty;
            run_export("json", args.export, options, false)
        }
        Command::Anki(args) => {
            let mut options = base_options()?;
            options.anki.deck = args.deck;
            options.cards = args.cards;
            options.anki.no_scheduling = args.no_scheduling;
            options.anki.deck_per = args.deck_per;
            if args.write_ids {
                write_ids(&args.export.common, &options)?;
            }
            match args.previous {
                Some(previous) => {
                    // Named by the user: it must be a deck.
                    let file = std::fs::File::open(&previous)
                        .map_err(|e| anyhow::anyhow!("{}: cannot open the previous deck ({e})", previous.display()))?;
                    let deck = export::anki::PreviousDeck::read(std::io::BufReader::new(file))
                        .map_err(|e| anyhow::anyhow!("{}: not read as a deck ({e})", previous.display()))?;
                    options.anki.previous = Some(std::sync::Arc::new(deck));
                    run_export("anki", args.export, options, false)
                }
                None => run_export("anki", args.export, options, false),
            }
        }
        Command::Docx(args) => {
            let mut options = base_options()?;
            options.docx.title = args.title;
            options.docx.paper = args.paper;
            options.docx.worksheet = args.worksheet;
            options.docx.blanks = args.blanks;
            options.cards = args.cards;
            options.docx.group = if args.split { HandoutGroup::Page } else { HandoutGroup::All };
            options.docx.show_tags = args.show_tags;
            options.docx.link_addresses = args.link_addresses;
            options.docx.image_max_height = args.image_max_height;
            if let Some(path) = &args.reference_doc {
                options.docx.reference = Some(reference_doc(path)?);
            }
            run_export("docx", args.export, options, args.split)
        }
        Command::Md(args) => {
            let mut options = base_options()?;
            options.markdown.front_matter = args.front_matter;
            options.markdown.no_title = args.no_title;
            options.markdown.links = args.links;
            run_export("md", args.export, options, false)
        }
        Command::Build(args) => build(args),
    }
}

/// Sets the worker threads, then reads and resolves the input.
fn load(common: &CommonArgs) -> anyhow::Result<Loaded> {
    // The pool can be set once per process; a second call keeps the first setting.
    let _ = rayon::ThreadPoolBuilder::new().num_threads(common.jobs.map_or(0, usize::from)).build_global();
    Ok(crate::open_many(&common.inputs)?)
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

fn filter(common: &CommonArgs) -> PageFilter {
    PageFilter {
        globs: common.pages.clone(),
        namespaces: Vec::new(),
        tags: common.tags.clone(),
        public_only: common.public_only,
    }
}

/// The pages a filter selects (`None`: all). A filter that selects none is a mistake to
/// report, not an empty output to write.
fn select(filter: &PageFilter, graph: &crate::ir::Graph) -> anyhow::Result<Option<Vec<bool>>> {
    let pages = filter.apply(graph);
    anyhow::ensure!(
        pages.as_ref().is_none_or(|p| p.contains(&true)),
        "no page matches the selection ({filter}) among the graph's {} pages",
        graph.pages.len()
    );
    Ok(pages)
}

/// Pages a selection holds.
fn count(selected: Option<&[bool]>, graph: &crate::ir::Graph) -> usize {
    selected.map_or(graph.pages.len(), |s| s.iter().filter(|&&k| k).count())
}

/// What a run reports: reading diagnostics of the selected pages, then `more` (a pipeline's),
/// sorted.
fn diagnostics(
    loaded: &Loaded,
    selected: Option<&[bool]>,
    more: Vec<crate::diag::Diagnostic>,
) -> Vec<crate::diag::Diagnostic> {
    let mut diags = loaded.reading_diagnostics(selected);
    diags.extend(more);
    crate::diag::normalize(&mut diags);
    diags
}

fn base_options() -> anyhow::Result<Options> {
    Ok(Options { timestamp: source_date_epoch()?, ..Default::default() })
}

fn exit(failed: bool) -> ExitCode {
    ExitCode::from(if failed { 1 } else { 0 })
}

/// The folders or files an output must never land in: the input's pages, and the other
/// folders Logseq keeps in a graph (its images, drawings and settings).
fn input_roots(input: &Path) -> Vec<PathBuf> {
    if input.is_dir() {
        let existing =
            |names: &[&str]| -> Vec<PathBuf> { names.iter().map(|f| input.join(f)).filter(|p| p.is_dir()).collect() };
        let mut folders = existing(&["pages", "journals"]);
        if folders.is_empty() {
            // Without them, every Markdown file under the folder is a page.
            return vec![input.to_path_buf()];
        }
        folders.extend(existing(&["assets", "draws", "whiteboards", "logseq"]));
        folders
    } else {
        vec![input.to_path_buf()]
    }
}

/// `anki --write-ids`: gives the card blocks of the one input graph or page ids, before the
/// deck is made from the notes as they then are.
fn write_ids(common: &CommonArgs, options: &Options) -> anyhow::Result<()> {
    let [input] = common.inputs.as_slice() else {
        anyhow::bail!("--write-ids takes one graph folder or page file");
    };
    if input == Path::new("-") {
        anyhow::bail!("--write-ids cannot change notes read from standard input");
    }
    let loaded = crate::load(input)?;
    let mut options = options.clone();
    options.pages = select(&filter(common), &loaded.graph)?;
    let blocks = export::anki::blocks_without_ids(&loaded.graph, &options);
    let done = crate::write_ids::write_ids(&loaded.source.root, &loaded.graph, &blocks)
        .map_err(|e| anyhow::anyhow!("writing ids: {e}"))?;
    for (file, line, why) in &done.skipped {
        eprintln!("{}:{line}: note: no id written ({why})", crate::display_path(&loaded.source.display, file));
    }
    if common.summary() {
        eprintln!("write-ids: {} ids written into {} pages", done.ids, done.files);
    }
    Ok(())
}

/// The notes of a previous deck, or why it could not be read.
type Previous = Result<Option<std::sync::Arc<export::anki::PreviousDeck>>, String>;

/// Loads the input and, meanwhile on another thread, the notes of the deck at `deck` if a
/// file is there (they keep unchanged notes' times; see README).
fn load_with_previous(common: &CommonArgs, deck: Option<&Path>) -> anyhow::Result<(Previous, Loaded)> {
    let previous = || match deck.filter(|p| p.is_file()).map(std::fs::File::open) {
        Some(Ok(file)) => export::anki::PreviousDeck::read(std::io::BufReader::new(file)).map(|d| Some(d.into())),
        _ => Ok(None),
    };
    let (previous, loaded) = std::thread::scope(|s| {
        let previous = s.spawn(previous);
        let loaded = load(common);
        (previous.join(), loaded)
    });
    let previous = previous.map_err(|_| anyhow::anyhow!("reading the previous deck failed"))?;
    Ok((previous, loaded?))
}

/// Runs one exporter. When it writes a file per page (by its format, or `split` as asked), a
/// graph folder gives a folder of them however few pages are selected.
fn run_export(format: &str, args: ExportArgs, mut options: Options, split: bool) -> anyhow::Result<ExitCode> {
    let common = &args.common;
    let exporter = export::by_name(format).ok_or_else(|| anyhow::anyhow!("unknown format {format}"))?;
    let per_page = split || exporter.format().per_page;
    let folder = per_page && common.inputs.iter().any(|i| i.is_dir());
    // The deck at -o is the previous one unless another was named.
    let deck = args.output.as_deref().filter(|_| format == "anki" && options.anki.previous.is_none());
    let (previous, mut loaded) = load_with_previous(common, deck)?;
    match previous {
        Ok(Some(previous)) => options.anki.previous = Some(previous),
        Ok(None) => {}
        Err(e) => eprintln!("warning: {}: not read as a previous deck ({e})", deck.unwrap_or(Path::new("")).display()),
    }
    options.pages = select(&filter(common), &loaded.graph)?;
    options.anki.whole_graph = matches!(common.inputs.as_slice(), [one] if one.is_dir());
    let job = exporter.start(&loaded.input(), &options)?;
    let roots: Vec<PathBuf> = common.inputs.iter().flat_map(|i| input_roots(i)).collect();
    let text = exporter.format().text;
    // Notes piped in give text piped out, as a filter does, unless -o says otherwise.
    let piped = args.output.is_none() && common.inputs.iter().any(|i| i == Path::new("-")) && text;
    let to_stdout = piped || args.output.as_deref() == Some(Path::new("-"));
    // A stream takes the output whole: standard output, or a device or pipe -o names
    // (`/dev/null`, `/dev/stdout`), which moving a file into place would replace.
    let stream = match &args.output {
        _ if to_stdout => Some(PathBuf::from("-")),
        Some(o) if std::fs::metadata(o).is_ok_and(|m| !m.is_file() && !m.is_dir()) => Some(o.clone()),
        _ => None,
    };
    if to_stdout && !text && std::io::stdout().is_terminal() {
        anyhow::bail!(
            "refusing to write a binary {format} file to the terminal; redirect standard output or give -o FILE"
        );
    }
    // Files are written as they are made, into a staging folder beside the output, and moved
    // into place once the export has succeeded; a stream gets them from memory.
    let place = match &args.output {
        Some(o) if stream.is_none() => o.parent().filter(|p| !p.as_os_str().is_empty()).map(Path::to_path_buf),
        _ => None,
    }
    .unwrap_or_else(|| PathBuf::from("."));
    let mut memory = export::MemorySink::default();
    let mut staged = None;
    let sink: &mut dyn export::Sink = if stream.is_some() {
        &mut memory
    } else {
        std::fs::create_dir_all(&place)?;
        let dir = tempfile::Builder::new().prefix(".notes-export-").tempdir_in(&place)?;
        // Files go one level down: that folder is made with the usual permissions (the
        // temporary one is private), so it can become the output folder as it is.
        staged = Some((output::FileSink::new(dir.path().join(STAGED), None), dir));
        &mut staged.as_mut().expect("just set").0
    };
    let run = export::Run { job, options: &options, sink };
    let outcome = crate::pipeline::run(&mut loaded, vec![run], options.pages.as_deref(), &|_| {})?;
    let summary = outcome.finished.into_iter().next().map(|f| f.summary).unwrap_or_default();
    let diags = diagnostics(&loaded, options.pages.as_deref(), outcome.diagnostics);
    let failed = report::print(&diags, common.message_format, common.deny_warnings, common.verbose);
    let out = match staged {
        None => {
            let out = stream.unwrap_or_else(|| PathBuf::from("-"));
            write_stream(&out, &memory.artifacts)?;
            out
        }
        Some((mut sink, dir)) => {
            sink.close()?;
            let default_out = match sink.written.as_slice() {
                [single] if !folder => single.clone(),
                _ => PathBuf::from(format!("{format}-out")),
            };
            let out = args.output.clone().unwrap_or(default_out);
            let plan = plan(&out, &sink.written, folder)?;
            let staged = dir.path().join(STAGED);
            let tree = (folder || plan.len() > 1) && plan.iter().all(|(from, to)| *to == out.join(from));
            if tree && std::fs::symlink_metadata(&out).is_err() {
                // A new folder of files is moved into place whole.
                output::move_new_folder(&staged, &out, &roots)?;
            } else {
                // Check every target before moving anything.
                output::check_not_inputs(plan.iter().map(|(_, to)| to.as_path()), &roots)?;
                // One file replaces the old one atomically; a folder of files is replaced file
                // by file.
                let atomic = plan.len() == 1;
                for (from, to) in plan {
                    output::move_into_place(&staged.join(from), &to, atomic)?;
                }
            }
            out
        }
    };
    if common.summary() {
        eprintln!("{format}: {summary} → {}", out.display());
    }
    exit_fast(loaded);
    Ok(exit(failed))
}

/// The subfolder of an export's temporary folder that holds its files.
const STAGED: &str = "files";

/// The process ends right after: freeing a large graph block by block would only cost time.
fn exit_fast(loaded: Loaded) {
    std::mem::forget(loaded);
}

/// Where files go: one file to `out` itself, unless a `folder` is wanted; a main file plus its
/// assets to `out` (when `out` names a file of the main file's type) with the assets beside
/// it; otherwise a tree under the folder `out`. Returns (file as the exporter named it,
/// target) pairs.
fn plan(out: &Path, files: &[PathBuf], folder: bool) -> anyhow::Result<Vec<(PathBuf, PathBuf)>> {
    let ext = |p: &Path| p.extension().map(|e| e.to_ascii_lowercase());
    let main_ext = files.first().and_then(|f| ext(f));
    let mains = files.iter().filter(|f| ext(f) == main_ext).count();
    let named = ext(out).map(|e| if e == "markdown" { "md".into() } else { e });
    let shown = |e: &Option<std::ffi::OsString>| e.as_deref().unwrap_or_default().to_string_lossy().into_owned();
    let mut plan = Vec::new();
    if let ([single], false) = (files, folder) {
        // A Word file named .pdf, or a deck named .md, would open in the wrong program or
        // not at all; no extension is fine (a name the user adds to later).
        anyhow::ensure!(
            named.is_none() || named == main_ext,
            "{}: the output is a .{} file; name -o with that extension",
            out.display(),
            shown(&main_ext)
        );
        plan.push((single.clone(), out.to_path_buf()));
    } else if named.as_deref().is_some_and(|e| output_extensions().contains(&e.to_string_lossy().as_ref()))
        && named != main_ext
        && !out.is_dir()
    {
        anyhow::bail!(
            "{}: the output is a folder of {} files here, not a .{} file; -o must name a folder",
            out.display(),
            files.len(),
            shown(&named)
        );
    } else if !out.is_dir() && named.is_some() && named == main_ext {
        anyhow::ensure!(mains == 1, "{}: the input gives {mains} files; -o must name a folder", out.display());
        let dir = out.parent().map(Path::to_path_buf).unwrap_or_default();
        plan.push((files[0].clone(), out.to_path_buf()));
        plan.extend(files[1..].iter().map(|f| (f.clone(), dir.join(f))));
    } else {
        plan.extend(files.iter().map(|f| (f.clone(), out.join(f))));
    }
    Ok(plan)
}

/// The extensions of the files the exporters write, which a folder's name should not take.
fn output_extensions() -> Vec<&'static str> {
    export::registry().into_iter().map(|e| e.format().extension).collect()
}

/// Writes an export to a stream (`-` for standard output): its text files one after another
/// (Markdown's images left out), or its one Word file or deck.
fn write_stream(out: &Path, artifacts: &[export::Artifact]) -> anyhow::Result<()> {
    use std::io::Write;
    let texts: Vec<&export::Artifact> = artifacts.iter().filter(|a| is_text(a)).collect();
    let parts: Vec<&[u8]> = match (texts.as_slice(), artifacts) {
        ([], [one]) => vec![&one.bytes],
        ([], _) => {
            let to = if out == Path::new("-") { "standard output".into() } else { out.display().to_string() };
            anyhow::bail!("{to}: the export is {} files; -o must name a folder", artifacts.len())
        }
        (texts, _) => texts.iter().map(|a| a.bytes.as_slice()).collect(),
    };
    let mut w: Box<dyn Write> = match out == Path::new("-") {
        true => Box::new(std::io::stdout().lock()),
        false => Box::new(std::fs::OpenOptions::new().write(true).open(out)?),
    };
    for (k, bytes) in parts.iter().enumerate() {
        if k > 0 {
            w.write_all(b"\n")?;
        }
        w.write_all(bytes)?;
    }
    w.flush()?;
    Ok(())
}

fn is_text(a: &export::Artifact) -> bool {
    let ext = a.path.extension().and_then(|e| e.to_str());
    ext == Some("txt") || export::registry().iter().any(|e| e.format().text && ext == Some(e.format().extension))
}

/// A reference document, or a usage error naming it.
fn reference_doc(path: &Path) -> anyhow::Result<std::sync::Arc<export::docx::reference::Reference>> {
    export::docx::read_reference(path).map_err(|message| {
        crate::config::ConfigError {
            path: path.display().to_string(),
            message: format!("not read as a reference document: {message}"),
        }
        .into()
    })
}

fn build(args: args::BuildArgs) -> anyhow::Result<ExitCode> {
    let common = &args.common;
    let [graph] = common.inputs.as_slice() else {
        return Err(
            crate::config::ConfigError { path: "build".into(), message: "takes one graph folder".into() }.into()
        );
    };
    let (config, config_path) = Config::find(args.config.as_deref(), graph)?;
    let mut options = base_options()?;
    config.apply(&mut options);
    if let Some(doc) = &config.docx.reference_doc {
        // Relative to the settings file, as a path in it is written.
        let base = config_path.as_deref().and_then(Path::parent).unwrap_or(Path::new(""));
        options.docx.reference = Some(reference_doc(&base.join(doc))?);
    }
    let formats: Vec<String> = if !args.formats.is_empty() {
        args.formats.clone()
    } else {
        config.formats.clone().unwrap_or_else(|| export::names().into_iter().map(String::from).collect())
    };
    let deck = args.out.as_ref().filter(|_| formats.iter().any(|f| f == "anki")).map(|o| o.join("deck.apkg"));
    let (previous, mut loaded) = load_with_previous(common, deck.as_deref())?;
    match previous {
        Ok(previous) => options.anki.previous = previous,
        Err(e) => eprintln!(
            "warning: {}: not read as a previous deck ({e})",
            deck.as_deref().unwrap_or(Path::new("")).display()
        ),
    }
    let mut select = config.filter();
    let cli = filter(common);
    select.globs.extend(cli.globs);
    select.tags.extend(cli.tags);
    select.public_only |= cli.public_only;
    options.pages = self::select(&select, &loaded.graph)?;
    options.anki.whole_graph = true;

    let (steps, out) = if args.check {
        (Vec::new(), None)
    } else {
        let out = args.out.clone().ok_or_else(|| anyhow::anyhow!("--out is required"))?;
        (crate::build::steps(&formats, &options), Some(out))
    };
    let roots = input_roots(graph);
    if let Some(out) = &out {
        output::check_not_input(out, &roots)?;
    }
    let staging = out.as_deref().map(output::Staging::new).transpose()?;
    let pages = loaded.graph.pages.len() as u64;
    let bar = indicatif::ProgressBar::new(pages);
    if !common.summary() || args.check {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} pages")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message("exporting");
    let dir = staging.as_ref().map_or_else(|| PathBuf::from("."), |s| s.path().to_path_buf());
    let selected = options.pages.as_deref();
    let built = crate::build::run(&mut loaded, &steps, selected, &dir, &|done| bar.set_position(done as u64))?;
    bar.finish_and_clear();

    let diags = diagnostics(&loaded, selected, built.diagnostics);
    let failed = report::print(&diags, common.message_format, common.deny_warnings, common.verbose);
    if let (Some(staging), Some(out)) = (staging, &out) {
        staging.commit(&roots)?;
        if common.summary() {
            if let Some(p) = config_path {
                eprintln!("config: {}", p.display());
            }
            for (name, summary) in &built.summaries {
                eprintln!("{name}: {summary}");
            }
            eprintln!("build: {} files → {} ({})", built.files, out.display(), report::counts(&diags));
        }
    } else if common.summary() {
        let pages = count(selected, &loaded.graph);
        eprintln!("checked {pages} pages, {} blocks: {}", built.blocks, report::counts(&diags));
    }
    exit_fast(loaded);
    Ok(exit(failed))
}
