//! Writing outputs: files are written into a staging folder beside their destination and
//! renamed into place only when the whole export succeeded, so a failed or interrupted run never
//! leaves a half-written file. No fsync: the rename is what keeps readers from a partial file,
//! and syncing every file of a large Markdown tree cost more than the conversion itself.

use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{0}: refusing to overwrite an input file")]
    WouldOverwriteInput(PathBuf),
    #[error("{0}: refusing to replace a folder that holds an input")]
    WouldRemoveInput(PathBuf),
    #[error("{0}: is a directory; give a file name")]
    IsDirectory(PathBuf),
    #[error("{0}: is not a folder; a build writes its outputs into one")]
    NotAFolder(PathBuf),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io { path: path.to_path_buf(), source }
}

/// Moves a staged file into place, replacing a file already there (a folder there was
/// refused by [`check_not_inputs`] before anything moved).
///
/// With `atomic`, the old file is replaced in one rename, so it is never missing. Without, it
/// is removed first: on ext4 a rename over an existing file forces the new one to disk first,
/// which for a folder of thousands of files (`md`, `docx --split`) costs more than the export.
pub fn move_into_place(from: &Path, to: &Path, atomic: bool) -> Result<(), OutputError> {
    if let Some(parent) = to.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    if !atomic {
        match std::fs::remove_file(to) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(to)(e)),
            _ => {}
        }
    }
    std::fs::rename(from, to).map_err(io(to))
}

/// Refuses output paths that are an input file, an existing file inside an input folder, or a
/// new page file inside one (it would be read back as a note next time).
pub fn check_not_input(out: &Path, inputs: &[PathBuf]) -> Result<(), OutputError> {
    match landing(out, &mut Folders::default(), false) {
        (Some(out_real), exists, _) => Inputs::new(inputs).check(out, &out_real, exists),
        _ => Ok(()),
    }
}

/// [`check_not_input`] for many output files, with the inputs and each output folder resolved
/// once (`md` of a large graph writes tens of thousands of files); a folder where a file would
/// go is refused too, before anything moves.
pub fn check_not_inputs<'a>(outs: impl IntoIterator<Item = &'a Path>, inputs: &[PathBuf]) -> Result<(), OutputError> {
    let guard = Inputs::new(inputs);
    let mut folders = Folders::default();
    for out in outs {
        match landing(out, &mut folders, false) {
            (_, _, true) => return Err(OutputError::IsDirectory(out.to_path_buf())),
            (Some(out_real), exists, _) => guard.check(out, &out_real, exists)?,
            _ => {}
        }
    }
    Ok(())
}

/// Moves a staged folder to `to`, where nothing is yet, in one rename (`md` of a large graph
/// stages tens of thousands of files); refuses first, as [`check_not_input`] does, if a file
/// in it would land on an input or be read back as a page.
pub fn move_new_folder(from: &Path, to: &Path, inputs: &[PathBuf]) -> Result<(), OutputError> {
    check_folder(&Inputs::new(inputs), &mut Folders::default(), from, to, true)?;
    if let Some(parent) = to.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    std::fs::rename(from, to).map_err(io(to))
}

/// Checks a staged folder that takes the place of `to` whole: the folder there now, and all
/// under it, goes, so it must hold no input; and its files must not land on an input or among
/// the pages (see [`check_not_input`]). Outside every input folder, none of its files (tens of
/// thousands in a build) can: none needs a look.
fn check_folder(
    guard: &Inputs,
    folders: &mut Folders,
    from: &Path,
    to: &Path,
    absent: bool,
) -> Result<(), OutputError> {
    let real = real_folder(to);
    if real.as_deref().is_some_and(|r| guard.is_under(r)) {
        return Err(OutputError::WouldRemoveInput(to.to_path_buf()));
    }
    match real {
        Some(r) if !guard.contains(&r) => Ok(()),
        _ => check_files(guard, folders, from, to, absent),
    }
}

/// Checks each file under `from` as it would land under `to` (see [`check_not_input`]);
/// `absent` when nothing is at `to` yet.
fn check_files(guard: &Inputs, folders: &mut Folders, from: &Path, to: &Path, absent: bool) -> Result<(), OutputError> {
    for entry in walkdir::WalkDir::new(from).into_iter().flatten().filter(|e| e.file_type().is_file()) {
        let out = match entry.path().strip_prefix(from) {
            Ok(rel) if !rel.as_os_str().is_empty() => to.join(rel),
            _ => to.to_path_buf(),
        };
        if let (Some(out_real), exists, _) = landing(&out, folders, absent) {
            guard.check(&out, &out_real, exists)?;
        }
    }
    Ok(())
}

/// Folders already resolved by [`real_folder`].
type Folders = std::collections::HashMap<PathBuf, Option<PathBuf>>;

/// Where an output file lands, and whether it exists: a link's target; otherwise the real
/// path of its folder (see [`real_folder`], looked up in `folders` first) and its name; and
/// whether a folder is there. With `absent` (known when its folder does not exist yet), the
/// file system is not asked.
fn landing(out: &Path, folders: &mut Folders, absent: bool) -> (Option<PathBuf>, bool, bool) {
    let meta = if absent { None } else { std::fs::symlink_metadata(out).ok() };
    let link = meta.as_ref().is_some_and(|m| m.file_type().is_symlink());
    // A link to nowhere does not exist.
    let exists = if link { out.exists() } else { meta.is_some() };
    if exists && link {
        return (std::fs::canonicalize(out).ok(), exists, out.is_dir());
    }
    let dir = meta.is_some_and(|m| m.is_dir());
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let real = folders.entry(parent.to_path_buf()).or_insert_with_key(|p| real_folder(p));
    (real.as_ref().and_then(|p| out.file_name().map(|n| p.join(n))), exists, dir)
}

/// Where a folder is or will be: its nearest existing ancestor resolved (links followed), with
/// the rest of the path after it. A folder the output creates inside an input is still inside.
fn real_folder(folder: &Path) -> Option<PathBuf> {
    let mut base = folder;
    loop {
        let here = if base.as_os_str().is_empty() { Path::new(".") } else { base };
        if let Ok(real) = std::fs::canonicalize(here) {
            return Some(real.join(folder.strip_prefix(base).ok()?));
        }
        base = base.parent()?;
    }
}

/// The inputs, resolved once: a build checks tens of thousands of outputs against them.
struct Inputs(Vec<(PathBuf, bool)>);

impl Inputs {
    fn new(inputs: &[PathBuf]) -> Self {
        let real = inputs.iter().filter_map(|i| std::fs::canonicalize(i).ok());
        Inputs(real.map(|r| (r.clone(), r.is_dir())).collect())
    }

    /// Whether a real path is inside (or is) an input folder.
    fn contains(&self, real: &Path) -> bool {
        self.0.iter().any(|(input_real, is_dir)| *is_dir && real.starts_with(input_real))
    }

    /// Whether an input is under (or is) a real path.
    fn is_under(&self, real: &Path) -> bool {
        self.0.iter().any(|(input_real, _)| input_real.starts_with(real))
    }

    /// [`check_not_input`] for an output whose real path is known.
    fn check(&self, out: &Path, out_real: &Path, exists: bool) -> Result<(), OutputError> {
        let is_page = matches!(out.extension().and_then(|e| e.to_str()), Some("md" | "markdown" | "org"));
        for (input_real, is_dir) in &self.0 {
            let inside = *is_dir && out_real.starts_with(input_real);
            if out_real == input_real || (inside && (exists || is_page)) {
                return Err(OutputError::WouldOverwriteInput(out.to_path_buf()));
            }
        }
        Ok(())
    }
}

const STAGING: &str = ".notes-export-staging-";
const OLD: &str = ".notes-export-old-";

/// An output tree in the making: everything goes to a staging folder inside `dir` first; on
/// [`commit`](Staging::commit) each top-level file is renamed into place and each top-level
/// folder swapped in whole (so files no longer produced disappear with it). Dropped without a
/// commit, the staging folder is removed and `dir` is as it was. Leftovers of an interrupted
/// earlier run are removed first.
pub struct Staging {
    dir: PathBuf,
    tmp: tempfile::TempDir,
}

impl Staging {
    pub fn new(dir: &Path) -> Result<Self, OutputError> {
        if std::fs::metadata(dir).is_ok_and(|m| !m.is_dir()) {
            return Err(OutputError::NotAFolder(dir.to_path_buf()));
        }
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        for entry in std::fs::read_dir(dir).map_err(io(dir))?.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(STAGING) || name.starts_with(OLD) {
                let p = entry.path();
                let _ = if p.is_dir() { std::fs::remove_dir_all(&p) } else { std::fs::remove_file(&p) };
            }
        }
        let tmp = tempfile::Builder::new().prefix(STAGING).tempdir_in(dir).map_err(io(dir))?;
        Ok(Staging { dir: dir.to_path_buf(), tmp })
    }

    /// The staging folder: write the tree here.
    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// Moves the staged tree into place, after checking that no file lands on an input.
    pub fn commit(self, inputs: &[PathBuf]) -> Result<(), OutputError> {
        let staged = self.path().to_path_buf();
        // As check_not_input, with the inputs and each folder resolved once (a build stages
        // tens of thousands of files).
        let guard = Inputs::new(inputs);
        let mut folders = Folders::default();
        // Each top-level name and whether it is a folder, for both passes below.
        let mut tops: Vec<(std::ffi::OsString, bool)> = std::fs::read_dir(&staged)
            .map_err(io(&staged))?
            .flatten()
            .map(|e| (e.file_name(), e.file_type().is_ok_and(|t| t.is_dir())))
            .collect();
        tops.sort();
        for (top, dir) in &tops {
            let from = staged.join(top);
            let to = self.dir.join(top);
            // A file cannot take a folder's place: refused before anything moves.
            if !dir && to.is_dir() {
                return Err(OutputError::IsDirectory(to));
            }
            let meta = std::fs::symlink_metadata(&to);
            let absent = meta.is_err();
            // A link is checked file by file, as it would be followed.
            let link = meta.is_ok_and(|m| m.file_type().is_symlink());
            match *dir && !link {
                true => check_folder(&guard, &mut folders, &from, &to, absent)?,
                false => check_files(&guard, &mut folders, &from, &to, absent)?,
            }
        }
        let mut replaced = Vec::new();
        for (top, dir) in tops {
            let from = staged.join(&top);
            let to = self.dir.join(&top);
            if dir {
                let old = self.dir.join(format!("{OLD}{}", top.to_string_lossy()));
                if to.exists() {
                    std::fs::rename(&to, &old).map_err(io(&to))?;
                    replaced.push(old);
                }
            }
            std::fs::rename(&from, &to).map_err(io(&to))?;
        }
        // The folders replaced go once every output is in place, side by side: removing a
        // previous build's tens of thousands of files is the slowest step of a commit.
        replaced.par_iter().try_for_each(|old| std::fs::remove_dir_all(old).map_err(io(old)))
    }
}

/// Files under a folder, written as an exporter makes them (the file being appended to stays
/// open). With `rename`, every file goes to that one name (a single-file output).
pub struct FileSink {
    root: PathBuf,
    rename: Option<PathBuf>,
    open: Option<(PathBuf, std::fs::File)>,
    /// Bytes for the open file not written yet. One buffer for every file: a build writes
    /// tens of thousands of small files.
    buffer: Vec<u8>,
    /// The folder last created, so a run of files in one folder creates it once.
    made: Option<PathBuf>,
    /// Files created (as named by the exporter), in the order they were first written.
    pub written: Vec<PathBuf>,
}

/// Bytes gathered before a write to the file.
const BUFFER: usize = 256 << 10;
/// Appends this large are written as they are, without a copy into the buffer (a page of
/// JSON, a compressed piece of a package).
const DIRECT: usize = 32 << 10;

impl FileSink {
    pub fn new(root: PathBuf, rename: Option<PathBuf>) -> Self {
        FileSink { root, rename, open: None, buffer: Vec::new(), made: None, written: Vec::new() }
    }

    fn flush_buffer(&mut self) -> std::io::Result<()> {
        if let Some((_, file)) = self.open.as_mut() {
            file.write_all(&self.buffer)?;
        }
        self.buffer.clear();
        Ok(())
    }

    /// Writes out the open file; call once the exporter has finished.
    pub fn close(&mut self) -> std::io::Result<()> {
        self.flush_buffer()?;
        self.open = None;
        Ok(())
    }
}

impl crate::export::Sink for FileSink {
    fn append(&mut self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        let target = self.root.join(self.rename.as_deref().unwrap_or(path));
        if self.open.as_ref().is_none_or(|(p, _)| *p != target) {
            self.close()?;
            if let Some(parent) = target.parent() {
                if self.made.as_deref() != Some(parent) {
                    std::fs::create_dir_all(parent)?;
                    self.made = Some(parent.to_path_buf());
                }
            }
            // Created if new (one system call, where asking first took two); appended to if
            // an earlier write made it.
            let file = match std::fs::OpenOptions::new().write(true).create_new(true).open(&target) {
                Ok(file) => {
                    self.written.push(path.to_path_buf());
                    file
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    std::fs::OpenOptions::new().append(true).open(&target)?
                }
                Err(e) => return Err(e),
            };
            self.open = Some((target, file));
        }
        if self.buffer.len() + bytes.len() > BUFFER || bytes.len() >= DIRECT {
            self.flush_buffer()?;
        }
        if bytes.len() >= DIRECT {
            match self.open.as_mut() {
                Some((_, file)) => file.write_all(bytes),
                None => Ok(()),
            }
        } else {
            self.buffer.extend_from_slice(bytes);
            Ok(())
        }
    }
}
