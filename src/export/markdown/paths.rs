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

/// A relative link from the file `from` to the file `to` (both output-relative).
pub fn relative(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect::<Vec<_>>()[..from.matches('/').count()].to_vec();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir.iter().zip(&to_parts).take_while(|(a, b)| a == b).count();
    let mut out: Vec<String> = vec!["..".to_string(); from_dir.len() - common];
    out.extend(to_parts[common..].iter().map(|s| s.to_string()));
    out.join("/")
}

/// Percent-encodes what would break a Markdown link destination.
pub fn link_target(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '[' => out.push_str("%5B"),
            ']' => out.push_str("%5D"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
