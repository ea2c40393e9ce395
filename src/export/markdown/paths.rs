//! Output file names: one `.md` per page, safe on every OS, unique even on case-insensitive
//! file systems, and relative links between them.

use crate::ir::{Graph, PageKind};
use std::collections::HashSet;

pub use super::super::safe_segment;

/// The output path (relative, `/`-separated) of every page, by page index.
pub fn page_paths(graph: &Graph) -> Vec<String> {
    let mut used: HashSet<String> = HashSet::new();
    graph
        .pages
        .iter()
        .map(|p| {
            let base = match p.kind {
                PageKind::Journal => {
                    let stem = p.file.rsplit('/').next().unwrap_or(&p.file);
                    let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
                    format!("journals/{}", safe_segment(stem))
                }
                PageKind::Page => p.title.split('/').map(safe_segment).collect::<Vec<_>>().join("/"),
            };
            let mut path = format!("{base}.md");
            let mut k = 2;
            while !used.insert(path.to_lowercase()) {
                path = format!("{base}-{k}.md");
                k += 1;
            }
            path
        })
        .collect()
}

/// Percent-encodes what would break a Markdown link destination.
pub fn link_target(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    push_link_target(&mut out, path);
    out
}

/// [`link_target`], appended to `out`: the runs between the bytes it encodes are copied whole.
pub fn push_link_target(out: &mut String, path: &str) {
    let mut from = 0;
    for (i, c) in path.bytes().enumerate() {
        let code = match c {
            b' ' => "%20",
            b'(' => "%28",
            b')' => "%29",
            b'<' => "%3C",
            b'>' => "%3E",
            b'[' => "%5B",
            b']' => "%5D",
            _ => continue,
        };
        out.push_str(&path[from..i]);
        out.push_str(code);
        from = i + 1;
    }
    out.push_str(&path[from..]);
}

/// The link from the file `from` to the file `to` (both output-relative): `..` for each of
/// `from`'s folders not shared, then the rest of `to`, percent-encoded ([`link_target`]) and
/// appended to `out` without building the path first (a page links to others many times over).
pub fn push_relative_target(out: &mut String, from: &str, to: &str) {
    let from_dir = from.rsplit_once('/').map_or("", |(dir, _)| dir);
    let dirs = || from_dir.split('/').filter(|_| !from_dir.is_empty());
    let common = dirs().zip(to.split('/')).take_while(|(a, b)| a == b).count();
    let mut first = true;
    let mut sep = |out: &mut String| {
        if !std::mem::take(&mut first) {
            out.push('/');
        }
    };
    for _ in common..dirs().count() {
        sep(out);
        out.push_str("..");
    }
    for part in to.split('/').skip(common) {
        sep(out);
        push_link_target(out, part);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The relative path from `from` to `to`, built plainly from path parts.
    fn relative(from: &str, to: &str) -> String {
        let from_dir: Vec<&str> = from.split('/').collect::<Vec<_>>()[..from.matches('/').count()].to_vec();
        let to_parts: Vec<&str> = to.split('/').collect();
        let common = from_dir.iter().zip(&to_parts).take_while(|(a, b)| a == b).count();
        let mut out: Vec<String> = vec!["..".to_string(); from_dir.len() - common];
        out.extend(to_parts[common..].iter().map(|s| s.to_string()));
        out.join("/")
    }

    #[test]
    fn safe_names_and_links() {
        assert_eq!(safe_segment("a:b*c?"), "a_b_c_");
        assert_eq!(safe_segment("CON"), "CON_");
        assert_eq!(safe_segment("trailing. "), "trailing");
        assert_eq!(safe_segment(".."), "_");
        assert_eq!(relative("a/b.md", "c.md"), "../c.md");
        assert_eq!(relative("x.md", "a/b.md"), "a/b.md");
        assert_eq!(relative("a/b.md", "a/c.md"), "c.md");
        assert_eq!(link_target("a b(1).md"), "a%20b%281%29.md");
    }

    #[test]
    fn relative_targets_are_written_as_built() {
        let paths = [
            "x.md",
            "a/b.md",
            "a/c.md",
            "a/b/c.md",
            "a (1)/b [2].md",
            "journals/2020_01_01.md",
            "a",
            "a/a/a.md",
            "b/a.md",
        ];
        for from in paths {
            for to in paths {
                let mut out = String::from("[x](");
                push_relative_target(&mut out, from, to);
                assert_eq!(out, format!("[x]({}", link_target(&relative(from, to))), "{from} → {to}");
            }
        }
    }
}
