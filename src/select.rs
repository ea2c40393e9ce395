//! Which pages an export includes: glob patterns on titles or files, namespaces, tags, and
//! `public::` pages. The whole graph stays loaded, so references into pages left out still
//! resolve; exporters only write the selected pages.

use crate::ir::{Graph, PropValue};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageFilter {
    /// `*` and `?` patterns matched case-insensitively against the title and the file path.
    pub globs: Vec<String>,
    /// Top namespaces: `course` selects `course/week 1`.
    pub namespaces: Vec<String>,
    pub tags: Vec<String>,
    /// Only pages with `public:: true`.
    pub public_only: bool,
}

impl PageFilter {
    pub fn is_empty(&self) -> bool {
        self.globs.is_empty() && self.namespaces.is_empty() && self.tags.is_empty() && !self.public_only
    }

    /// One flag per page; `None` when everything is selected.
    pub fn apply(&self, graph: &Graph) -> Option<Vec<bool>> {
        if self.is_empty() {
            return None;
        }
        let any_of = !(self.globs.is_empty() && self.namespaces.is_empty() && self.tags.is_empty());
        Some(
            graph
                .pages
                .iter()
                .map(|p| {
                    let matched = !any_of
                        || self.globs.iter().any(|g| glob(g, &p.title) || glob(g, &p.file))
                        || self.namespaces.iter().any(|n| {
                            let n = n.trim_matches('/').to_lowercase();
                            p.name == n || p.name.starts_with(&format!("{n}/"))
                        })
                        || self
                            .tags
                            .iter()
                            .any(|t| p.tags.iter().any(|pt| pt.eq_ignore_ascii_case(t.trim_start_matches('#'))));
                    let public = p.property("public").is_some_and(|v| v.value == PropValue::Bool(true));
                    matched && (!self.public_only || public)
                })
                .collect(),
        )
    }
}

/// Whether page `page` is among the `selected` ones (one flag per page, as
/// [`PageFilter::apply`] gives them; `None`: every page).
pub fn chosen(selected: Option<&[bool]>, page: u32) -> bool {
    selected.is_none_or(|s| s.get(page as usize).copied().unwrap_or(true))
}

impl std::fmt::Display for PageFilter {
    /// What the filter asks for, as a diagnostic names it: `page "a*", tag "b", public pages`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let globs = self.globs.iter().map(|g| format!("page {g:?}"));
        let namespaces = self.namespaces.iter().map(|n| format!("namespace {n:?}"));
        let tags = self.tags.iter().map(|t| format!("tag {t:?}"));
        let public = self.public_only.then(|| "public pages".to_string());
        let parts: Vec<String> = globs.chain(namespaces).chain(tags).chain(public).collect();
        f.write_str(&parts.join(", "))
    }
}

/// Case-insensitive glob with `*` (any run) and `?` (one character).
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let t: Vec<char> = text.to_lowercase().chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn globs() {
        assert!(glob("course/*", "Course/Week 1"));
        assert!(glob("pages/*.md", "pages/AWS.md"));
        assert!(glob("a?c", "abc"));
        assert!(!glob("a?c", "abbc"));
        assert!(glob("*", ""));
        assert!(!glob("x*", "yx"));
    }
}
