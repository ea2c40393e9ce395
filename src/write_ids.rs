//! `anki --write-ids`: the one command that changes the notes. It gives every block that makes
//! a note and has no `id::` one, as Logseq itself does when a block is referenced, so that the
//! note's identity never depends on matching text. Each page is written whole into a temporary
//! file beside it and moved into place, and only when it changes; a page whose lines are not
//! the ones read is left alone.

use crate::ir::{BlockAddr, Format, Graph};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// What was written, and the blocks left without an id (file, line, why).
#[derive(Debug, Default)]
pub struct Written {
    pub files: usize,
    pub ids: usize,
    pub skipped: Vec<(String, u32, String)>,
}

/// Adds `id:: <uuid>` under the first line of each of `blocks`, in the page files under `root`.
/// An error leaves the pages written so far written (each whole) and the others untouched.
pub fn write_ids(root: &Path, graph: &Graph, blocks: &[BlockAddr]) -> Result<Written, String> {
    let mut taken: HashSet<String> = graph
        .pages
        .iter()
        .flat_map(|p| p.blocks.iter().filter_map(|b| b.uuid.as_deref().map(str::to_string)))
        .collect();
    let mut by_page: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for a in blocks {
        by_page.entry(a.page).or_default().push(a.block);
    }
    let mut done = Written::default();
    for (p, mut list) in by_page {
        let page = &graph.pages[p as usize];
        let mut skip = |line: u32, why: &str| done.skipped.push((page.file.clone(), line, why.to_string()));
        if page.format != Format::Markdown {
            list.iter().for_each(|&b| skip(page.blocks[b as usize].line, "not a Markdown page"));
            continue;
        }
        let path = root.join(&page.file);
        let Ok(text) = std::fs::read_to_string(&path) else {
            list.iter().for_each(|&b| skip(page.blocks[b as usize].line, "the page cannot be read as text"));
            continue;
        };
        let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
        // From the last block up, so that earlier lines keep their numbers.
        list.sort_by_key(|&b| std::cmp::Reverse(page.blocks[b as usize].line));
        let mut added = 0;
        let mut changed_since_read = false;
        let mut inserts = Vec::new();
        for (k, &b) in list.iter().enumerate() {
            let block = &page.blocks[b as usize];
            let Some(at) = (block.line as usize).checked_sub(1).filter(|&i| i < lines.len()) else {
                changed_since_read = true;
                break;
            };
            let line = &lines[at];
            let indent_len = line.len() - line.trim_start_matches([' ', '\t']).len();
            let rest = &line[indent_len..];
            let first = block.content.lines().next().unwrap_or("").trim();
            let bullet = rest.strip_prefix("- ").or_else(|| rest.strip_prefix('-').filter(|r| r.trim().is_empty()));
            match bullet {
                Some(r) if r.contains(first) => {
                    if r.trim_start().starts_with("```") || r.trim_start().starts_with("~~~") {
                        skip(block.line, "its first line opens a code block");
                        continue;
                    }
                }
                _ => {
                    changed_since_read = true;
                    break;
                }
            }
            let uuid = new_uuid(&page.name, &block.content, k, &mut taken);
            let eol = if line.ends_with("\r\n") { "\r\n" } else { "\n" };
            inserts.push((at, format!("{}  id:: {uuid}{eol}", &line[..indent_len])));
            added += 1;
        }
        if changed_since_read {
            list.iter().for_each(|&b| skip(page.blocks[b as usize].line, "the page changed since it was read"));
            continue;
        }
        if added == 0 {
            continue;
        }
        for (at, insert) in inserts {
            if !lines[at].ends_with('\n') {
                lines[at].push('\n');
            }
            lines.insert(at + 1, insert);
        }
        write_atomically(&path, lines.concat().as_bytes()).map_err(|e| format!("{}: {e}", path.display()))?;
        done.files += 1;
        done.ids += added;
    }
    Ok(done)
}

/// A version-4-shaped UUID made from the page, the block's text and its place in the list, so
/// that the same notes get the same ids; never one the graph has.
fn new_uuid(page: &str, content: &str, k: usize, taken: &mut HashSet<String>) -> String {
    use sha1::{Digest, Sha1};
    let mut salt = 0u32;
    loop {
        let d = Sha1::digest(format!("notes-export:id:{page}\x1f{content}\x1f{k}\x1f{salt}").as_bytes());
        let mut b = [0u8; 16];
        b.copy_from_slice(&d[..16]);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
        let uuid = format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..]);
        if taken.insert(uuid.clone()) {
            return uuid;
        }
        salt += 1;
    }
}

/// Writes into a temporary file beside `path` (with its permissions) and renames it over.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(".notes-export-").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(path) {
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
