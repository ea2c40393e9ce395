//! `cargo xtask bench`: every command as a whole process on a generated graph — median wall
//! time, peak RSS, MB/s and blocks/s — with the anchors measured in the same run: the I/O
//! floor (reading and writing the same bytes), genanki and pandoc when they are installed; and
//! `md` of the same notes kept as a Logseq DB graph.

use super::gen_graph;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

struct Size {
    name: &'static str,
    pages: usize,
    blocks: usize,
    runs: usize,
}

const SIZES: [Size; 3] = [
    Size { name: "small", pages: 100, blocks: 30, runs: 5 },
    Size { name: "medium", pages: 2_000, blocks: 50, runs: 3 },
    Size { name: "large", pages: 20_000, blocks: 50, runs: 3 },
];

struct Measure {
    wall: Duration,
    /// The fastest run (of several; equal to `wall` for one).
    min: Duration,
    rss_kb: i64,
}

/// Before a timed run: the previous run's output is flushed to disk, not while this run is
/// timed, and `inputs` are read into the page cache.
fn settle(inputs: &[PathBuf]) -> Result<()> {
    // SAFETY: sync takes no arguments and cannot fail.
    unsafe { libc::sync() };
    // Through a small buffer: a child starts with this process's peak memory as its own, so
    // reading a large file whole here would add to every measured peak.
    for f in inputs {
        std::io::copy(&mut std::fs::File::open(f)?, &mut std::io::sink())?;
    }
    Ok(())
}

/// Empties the page cache, which needs root: what is read next comes from the disk.
fn drop_caches() -> bool {
    // SAFETY: sync takes no arguments and cannot fail.
    unsafe { libc::sync() };
    std::fs::write("/proc/sys/vm/drop_caches", "3").is_ok()
}

/// Runs a command to completion and returns its wall time and peak resident set size.
/// `inputs` are read first: every run starts with its notes in the page cache, as a CI job
/// does right after its checkout. (This machine drops cached files now and then; a run that
/// met a cold cache read its notes from disk mid-run, up to 0.6 s slower for a deck.)
fn measure(cmd: &mut Command, inputs: &[PathBuf]) -> Result<Measure> {
    cmd.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::piped());
    settle(inputs)?;
    let start = Instant::now();
    let child = cmd.spawn().with_context(|| format!("spawning {cmd:?}"))?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own child, not yet reaped; status and usage point to live locals.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    // The synthetic graphs give no error, so anything but success (a full disk, say) means the
    // run did not do the work being timed.
    if r != pid || !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        bail!("{cmd:?} failed (status {status})");
    }
    Ok(Measure { wall, min: wall, rss_kb: usage.ru_maxrss })
}

/// The median run, with the fastest run's time and the largest peak memory of all.
fn median(mut v: Vec<Measure>) -> Measure {
    v.sort_by_key(|m| m.wall);
    let mid = v.len() / 2;
    let rss = v.iter().map(|m| m.rss_kb).max().unwrap_or(0);
    Measure { wall: v[mid].wall, min: v[0].wall, rss_kb: rss }
}

/// The page files of a graph.
fn notes(graph: &Path) -> Vec<PathBuf> {
    super::walk_files(graph).into_iter().filter(|p| p.extension().is_some_and(|e| e == "md")).collect()
}

/// Reading every page and writing the same number of bytes: what no converter can beat.
fn io_floor(files: &[PathBuf], out: &Path) -> Result<Measure> {
    settle(files)?;
    let start = Instant::now();
    let mut all = Vec::new();
    for f in files {
        all.extend(std::fs::read(f)?);
    }
    std::fs::write(out, &all)?;
    let wall = start.elapsed();
    Ok(Measure { wall, min: wall, rss_kb: 0 })
}

/// How much of a DB graph's rows [`db_rows`] reads.
#[derive(Clone, Copy)]
enum Rows {
    /// Each row's bytes out of SQLite.
    Bytes,
    /// Parsed as JSON, building nothing (serde's `IgnoredAny`).
    Json,
    /// Decoded into datoms by the reader's transit decoder, none kept.
    Datoms,
}

/// What `cargo xtask opening` times, each in its row of the bench.
#[derive(Clone, Copy)]
enum Step {
    /// `notes_export::open` of a folder or a DB graph: read (a folder skimmed, a DB graph
    /// decoded, indexed and its pages written and skimmed) and resolved, before any export.
    Open {
        db: bool,
    },
    Rows(Rows),
}

const STEPS: [(Step, &str); 5] = [
    (Step::Open { db: false }, "opening: the files (skim, resolve)"),
    (Step::Open { db: true }, "opening: the DB graph"),
    (Step::Rows(Rows::Bytes), "DB rows: read out of SQLite"),
    (Step::Rows(Rows::Json), "DB rows: parsed as JSON, no values"),
    (Step::Rows(Rows::Datoms), "DB rows: decoded, no entities"),
];

/// `cargo xtask opening GRAPH DB RUNS` (the same notes as a folder and as a DB graph): for
/// each of [`STEPS`], the median time (after a first run that warms the page cache) in
/// seconds; then the datoms of the DB graph.
pub fn opening_cmd(args: &[String]) -> Result<()> {
    let [graph, db, runs] = args else { bail!("usage: cargo xtask opening GRAPH DB RUNS") };
    let (graph, db, runs) = (Path::new(graph), Path::new(db), runs.parse::<usize>()?.max(1));
    let (_, datoms) = db_rows(db, Rows::Datoms)?;
    for (step, _) in STEPS {
        let time = || -> Result<Duration> {
            match step {
                Step::Open { db: as_db } => {
                    let start = Instant::now();
                    let loaded = notes_export::open(if as_db { db } else { graph })?;
                    let wall = start.elapsed();
                    drop(loaded);
                    Ok(wall)
                }
                Step::Rows(how) => Ok(db_rows(db, how)?.0),
            }
        };
        time()?;
        let times = (0..runs).map(|_| time().map(|wall| Measure { wall, min: wall, rss_kb: 0 }));
        print!("{} ", median(times.collect::<Result<Vec<_>>>()?).wall.as_secs_f64());
    }
    println!("{datoms}");
    Ok(())
}

/// What any reader of a DB graph does, whatever it builds: every row of `kvs` read out of
/// SQLite (opened as the reader opens it) and taken as far as `how` says, on every core, a
/// connection each. Gives the time, and the datoms read when decoding them.
fn db_rows(db: &Path, how: Rows) -> Result<(Duration, usize)> {
    let file = db.join("db.sqlite");
    let open = || notes_export::read::db::storage::open(&file);
    let addrs: Vec<i64> = open()?
        .prepare("SELECT addr FROM kvs ORDER BY addr")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let start = Instant::now();
    let datoms = std::thread::scope(|s| {
        let read = |part: &[i64]| -> Result<usize> {
            let db = open()?;
            let mut q = db.prepare("SELECT content FROM kvs WHERE addr BETWEEN ?1 AND ?2")?;
            let mut rows = q.query([part[0], part[part.len() - 1]])?;
            let (mut n, mut bytes) = (0, 0);
            while let Some(row) = rows.next()? {
                let text = row.get_ref(0)?.as_str()?;
                bytes += text.len();
                // The root, the tail and branch rows are not leaves: read, and not counted.
                match how {
                    Rows::Bytes => {}
                    Rows::Json => drop(serde_json::from_str::<serde::de::IgnoredAny>(text)),
                    Rows::Datoms => drop(notes_export::read::db::transit::decode_leaf(text, &mut |_| {
                        n += 1;
                        Ok(())
                    })),
                }
            }
            // Used, so that reading the bytes is not left out.
            std::hint::black_box(bytes);
            Ok(n)
        };
        let parts: Vec<_> =
            addrs.chunks(addrs.len().div_ceil(threads).max(1)).map(|p| s.spawn(move || read(p))).collect();
        parts.into_iter().map(|p| p.join().map_err(|_| anyhow::anyhow!("a reader panicked"))?).sum::<Result<usize>>()
    })?;
    Ok((start.elapsed(), datoms))
}

const GENANKI: &str = r#"
import os, sys, genanki
root, out = sys.argv[1], sys.argv[2]
model = genanki.Model(1607392319, 'Basic', fields=[{'name': 'Front'}, {'name': 'Back'}],
    templates=[{'name': 'Card 1', 'qfmt': '{{Front}}', 'afmt': '{{FrontSide}}<hr id="answer">{{Back}}'}])
deck = genanki.Deck(2059400110, 'bench')
for folder in ('pages', 'journals'):
    d = os.path.join(root, folder)
    for name in sorted(os.listdir(d)):
        blocks = []  # (level, text)
        for line in open(os.path.join(d, name), encoding='utf-8'):
            stripped = line.lstrip('\t')
            if stripped.startswith('- '):
                blocks.append((len(line) - len(stripped), stripped[2:].rstrip('\n')))
        for i, (level, text) in enumerate(blocks):
            children = []
            for lvl, t in blocks[i + 1:]:
                if lvl <= level:
                    break
                children.append(t)
            if children:
                deck.add_note(genanki.Note(model=model, fields=[text, '<br>'.join(children)]))
genanki.Package(deck).write_to_file(out)
"#;

pub fn run(args: &[String]) -> Result<()> {
    let mut size = "small";
    let mut runs_override = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--size" => size = it.next().map(String::as_str).context("--size small|medium|large")?,
            "--runs" => runs_override = Some(it.next().context("--runs N")?.parse::<usize>()?),
            other => bail!("unknown bench argument {other}"),
        }
    }
    let spec = SIZES.iter().find(|s| s.name == size).with_context(|| format!("unknown size {size}"))?;
    let runs = runs_override.unwrap_or(spec.runs);
    let root = super::root();
    let mut c = super::cargo();
    c.args(["build", "--quiet", "--release", "--bin", "notes-export"]);
    super::status(c)?;
    let bin = super::target_dir().join("release/notes-export");
    let work = root.join("target/bench");
    let graph = work.join(format!("graph-{size}"));
    let stamp = graph.join(".generated");
    let want = format!("{} {} 42", spec.pages, spec.blocks);
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(&want) {
        eprintln!("generating the {size} graph ({} pages × {} blocks)…", spec.pages, spec.blocks);
        gen_graph::generate(&graph, spec.pages, spec.blocks, 42)?;
        std::fs::write(&stamp, &want)?;
    }
    let files = notes(&graph);
    let bytes: u64 = files.iter().filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum();
    let blocks = (spec.pages * spec.blocks) as f64;
    let mb = bytes as f64 / 1e6;
    let out = work.join("out");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out)?;
    println!(
        "graph: {size}, {} pages, {} blocks, {:.1} MB; {runs} runs each, median wall time",
        spec.pages,
        spec.blocks * spec.pages,
        mb
    );
    println!("{:<34} {:>9} {:>9} {:>10} {:>9} {:>12}", "command", "wall s", "min s", "peak RSS", "MB/s", "blocks/s");
    let row = |name: &str, m: &Measure| {
        let s = m.wall.as_secs_f64();
        let rss = if m.rss_kb > 0 { format!("{:.0} MB", m.rss_kb as f64 / 1024.0) } else { "-".into() };
        println!("{name:<34} {s:>9.3} {:>9.3} {rss:>10} {:>9.1} {:>12.0}", m.min.as_secs_f64(), mb / s, blocks / s);
        s
    };
    let floor = median((0..runs).map(|_| io_floor(&files, &out.join("floor.bin"))).collect::<Result<_>>()?);
    let floor_s = row("I/O floor (read + write the bytes)", &floor);

    let g = graph.to_str().context("utf-8 path")?;
    let build: &[&str] = &["build", g, "-q", "--out"];
    // Each command's arguments; the output path (in a folder of the run's own) comes last.
    let commands: [(&str, &[&str], &str); 6] = [
        ("json", &["json", g, "-q", "-o"], "graph.json"),
        ("md", &["md", g, "-q", "-o"], "md"),
        ("docx (one document)", &["docx", g, "-q", "-o"], "all.docx"),
        ("anki (auto: tagged + cloze)", &["anki", g, "-q", "-o"], "auto.apkg"),
        ("anki --cards outline", &["anki", g, "-q", "--cards", "outline", "-o"], "outline.apkg"),
        ("build (all four, empty folder)", build, "build"),
    ];
    let mut results = Vec::new();
    for (i, (name, args, output)) in commands.iter().enumerate() {
        let mut ms = Vec::new();
        for k in 0..runs {
            // Every run writes into a new folder, as a CI job writes into a fresh checkout: a
            // previous deck would otherwise be read back and previous files replaced. Nothing
            // is deleted between runs: ext4 without a journal gives a new file none of the
            // inodes freed in the last 12 hours (`dirtytime_expire_seconds`), testing them one
            // by one, so each deletion made the later runs' files slower to create.
            let run = out.join(format!("{i}-{k}"));
            std::fs::create_dir_all(&run)?;
            ms.push(measure(Command::new(&bin).args(*args).arg(run.join(output)), &files)?);
        }
        let m = median(ms);
        let s = row(name, &m);
        results.push((name.to_string(), s, m.rss_kb));
    }
    println!("ratio to the I/O floor: build = {:.1}×", results.last().map_or(0.0, |r| r.1) / floor_s);

    // The same notes as a Logseq DB graph, written by our own generator in Logseq's storage.
    let db = work.join(format!("graph-{size}-db"));
    let want_db = format!("{want} {}", super::gen_db::VERSION);
    if std::fs::read_to_string(db.join(".generated")).ok().as_deref() != Some(&want_db) {
        eprintln!("writing the {size} graph as a DB graph…");
        // In a process of its own: it reads the graph whole, and a child forked from a large
        // process starts with that process's peak memory as its own.
        let exe = std::env::current_exe()?;
        super::status({
            let mut c = Command::new(exe);
            c.arg("gen-db").arg(&graph).arg(&db);
            c
        })?;
        std::fs::write(db.join(".generated"), &want_db)?;
    }
    // Both written into memory where there is some (the file system's costs vary from run to
    // run more than the difference measured), one after the other.
    let d = db.to_str().context("utf-8 path")?;
    let shm = Path::new("/dev/shm");
    let into =
        if shm.is_dir() { shm.join(format!("notes-export-bench-db-{}", std::process::id())) } else { out.join("db") };
    // `md` of the files and of the DB graph, one after the other, `runs` times each: warm
    // (each input read just before, as a CI job finds its notes), or cold (nothing in the
    // page cache, the program included, as on the first run after the notes were written or
    // the machine started: 2,000 files against one).
    let compare = |cold: bool| -> Result<()> {
        let (files_label, db_label, says) = match cold {
            false => ("md, files (into memory)", "md, as a DB graph (into memory)", ""),
            true => ("md, files, cold page cache", "md, as a DB graph, cold page cache", "from a cold page cache, "),
        };
        let (mut as_files, mut as_db) = (Vec::new(), Vec::new());
        let warm_db = [db.join("db.sqlite")];
        for k in 0..runs {
            let run = into.join(format!("{}{k}", if cold { "cold-" } else { "" }));
            std::fs::create_dir_all(&run)?;
            for (input, out, read_first, times) in
                [(g, "files", &files[..], &mut as_files), (d, "db", &warm_db[..], &mut as_db)]
            {
                if cold {
                    drop_caches();
                }
                let read_first = if cold { &[][..] } else { read_first };
                times.push(measure(Command::new(&bin).args(["md", input, "-q", "-o"]).arg(run.join(out)), read_first));
            }
        }
        let files_s = row(files_label, &median(as_files.into_iter().collect::<Result<_>>()?));
        let db_s = row(db_label, &median(as_db.into_iter().collect::<Result<_>>()?));
        println!("  {says}a DB graph takes {:.2}× the time of the same notes as files", db_s / files_s);
        Ok(())
    };
    compare(false)?;
    // Opening each (what differs between them: the rest of a run is the same work), and what
    // no reader of the DB graph can beat: timed in a release build of these tasks (this one
    // is a debug build).
    let mut c = super::cargo();
    c.args(["run", "--quiet", "--release", "--package", "xtask", "--", "opening"]);
    c.arg(&graph).arg(&db).arg(runs.to_string());
    let said = c.output().with_context(|| format!("running {c:?}"))?;
    let said = String::from_utf8_lossy(&said.stdout);
    let numbers: Vec<f64> = said.split_whitespace().filter_map(|w| w.parse().ok()).collect();
    let [open_files, open_db, bytes_s, json_s, datoms_s, datoms] = numbers[..] else { bail!("opening said {said:?}") };
    for ((_, label), secs) in STEPS.iter().zip([open_files, open_db, bytes_s, json_s, datoms_s]) {
        let t = Duration::from_secs_f64(secs);
        row(label, &Measure { wall: t, min: t, rss_kb: 0 });
    }
    println!(
        "  opening the DB graph takes {:.1}× opening the files; its rows ({datoms} datoms) parsed as JSON, \
         building nothing, take {:.0}% of the files' whole opening",
        open_db / open_files,
        100.0 * json_s / open_files
    );
    if drop_caches() {
        compare(true)?;
    } else {
        println!("  cold page cache: not measured (emptying it needs root)");
    }
    let _ = std::fs::remove_dir_all(&into);
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out)?;
    // The same build into memory, where the file system's own costs are small: what the
    // converter takes apart from them (see above).
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        let dir = shm.join(format!("notes-export-bench-{}", std::process::id()));
        let ms = (0..runs)
            .map(|k| measure(Command::new(&bin).args(build).arg(dir.join(k.to_string())), &files))
            .collect::<Result<Vec<_>>>();
        let _ = std::fs::remove_dir_all(&dir);
        row("build (into memory: /dev/shm)", &median(ms?));
    }

    // Anchors, when installed.
    let venv = root.join("target/bench-venv/bin/python");
    if venv.exists() {
        let script = work.join("genanki_bench.py");
        std::fs::write(&script, GENANKI)?;
        // genanki builds its collection in a temporary file it never deletes (427 MB for the
        // large graph): it gets a temporary folder of its own, emptied after each run.
        let scratch = work.join("genanki-tmp");
        let m = median(
            (0..runs.min(3))
                .map(|_| {
                    std::fs::create_dir_all(&scratch)?;
                    let mut cmd = Command::new(&venv);
                    cmd.env("TMPDIR", &scratch).arg(&script).arg(&graph).arg(out.join("genanki.apkg"));
                    let m = measure(&mut cmd, &files);
                    std::fs::remove_dir_all(&scratch)?;
                    m
                })
                .collect::<Result<_>>()?,
        );
        let s = row("genanki (outline notes)", &m);
        if let Some(r) = results.iter().find(|r| r.0.starts_with("anki --cards outline")) {
            println!(
                "  anki --cards outline takes {:.2}× genanki's time and {:.2}× its peak memory",
                r.1 / s,
                r.2 as f64 / m.rss_kb.max(1) as f64
            );
        }
    } else {
        println!(
            "genanki: not installed (python3 -m venv target/bench-venv && target/bench-venv/bin/pip install genanki)"
        );
    }
    if Command::new("pandoc").arg("--version").output().is_ok_and(|o| o.status.success()) {
        // pandoc is slow: it converts a sample of about 2 MB and its throughput is compared.
        let sample = work.join("pandoc-sample.md");
        let mut text = String::new();
        for f in super::walk_files(&graph.join("pages")) {
            if text.len() > 2_000_000 {
                break;
            }
            text.push_str(&std::fs::read_to_string(f)?);
            text.push('\n');
        }
        std::fs::write(&sample, &text)?;
        let sample_mb = text.len() as f64 / 1e6;
        for (fmt, ours) in [("docx", "docx (one document)"), ("commonmark", "md")] {
            let target = out.join(format!("pandoc.{fmt}"));
            let m = measure(
                Command::new("pandoc").arg(&sample).args(["-f", "markdown", "-t", fmt, "-o"]).arg(&target),
                std::slice::from_ref(&sample),
            )?;
            let their = sample_mb / m.wall.as_secs_f64();
            let our = results.iter().find(|r| r.0 == ours).map_or(0.0, |r| mb / r.1);
            println!(
                "pandoc → {fmt:<10} {:.2} MB/s on a {sample_mb:.1} MB sample; notes-export {our:.1} MB/s = {:.0}×",
                their,
                our / their
            );
        }
    } else {
        println!("pandoc: not installed (apt-get install pandoc)");
    }
    Ok(())
}
