//! Compares the reader's block trees with a reference produced by Logseq's own parser
//! (mldoc + graph-parser): one JSON line per Markdown file with every block's depth, parent,
//! content and properties. Shared by `cargo xtask conformance` and the integration tests.

use notes_export::ir::{Format, Page};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::Path;

pub struct Report {
    pub total: usize,
    pub matched: usize,
    /// (file, first difference)
    pub differing: Vec<(String, String)>,
}

impl Report {
    pub fn percent(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            100.0 * self.matched as f64 / self.total as f64
        }
    }
}

/// The figure the README claims, from its "**N/M pages match**".
pub fn claimed(readme: &str) -> Option<(usize, usize)> {
    let (before, _) = readme.split_once(" pages match**")?;
    let (matched, total) = before.rsplit_once("**")?.1.split_once('/')?;
    Some((matched.parse().ok()?, total.parse().ok()?))
}

/// Holds a report to the README's exact figure: a page that newly differs, or a page that newly
/// matches without the README saying so, is an error naming the pages.
pub fn check_claim(report: &Report, readme: &str) -> Result<(), String> {
    let (matched, total) = claimed(readme).ok_or("the README states no \"**N/M pages match**\" figure")?;
    if (report.matched, report.total) == (matched, total) {
        return Ok(());
    }
    let pages: Vec<String> = report.differing.iter().map(|(file, diff)| format!("  {file}: {diff}")).collect();
    Err(format!(
        "{}/{} pages match ({:.1}%), the README claims {matched}/{total}; differing:\n{}",
        report.matched,
        report.total,
        report.percent(),
        pages.join("\n")
    ))
}

pub fn run(graph_dir: &Path, reference: &Path) -> Result<Report, String> {
    let loaded = notes_export::load(graph_dir).map_err(|e| e.to_string())?;
    let pages: BTreeMap<&str, &Page> =
        loaded.graph.pages.iter().filter(|p| p.format == Format::Markdown).map(|p| (p.file.as_str(), p)).collect();
    let text = std::fs::read_to_string(reference).map_err(|e| format!("{}: {e}", reference.display()))?;
    let mut report = Report { total: 0, matched: 0, differing: Vec::new() };
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let want: Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
        let file = want["file"].as_str().unwrap_or_default().to_string();
        report.total += 1;
        let diff = match pages.get(file.as_str()) {
            None => Some("page not read".to_string()),
            Some(page) => compare(page, &want),
        };
        match diff {
            None => report.matched += 1,
            Some(d) => report.differing.push((file, d)),
        }
    }
    Ok(report)
}

fn compare(page: &Page, want: &Value) -> Option<String> {
    if want["page"].as_str() != Some(page.title.as_str()) {
        return Some(format!("title: want {:?}, got {:?}", want["page"], page.title));
    }
    let blocks = want["blocks"].as_array()?;
    if blocks.len() != page.blocks.len() {
        return Some(format!("block count: want {}, got {}", blocks.len(), page.blocks.len()));
    }
    for (i, (w, b)) in blocks.iter().zip(&page.blocks).enumerate() {
        let parent = w["parent"].as_i64().unwrap_or(-1);
        let got_parent = b.parent.map_or(-1, |p| p as i64);
        if w["depth"].as_u64() != Some(b.depth as u64) || parent != got_parent {
            return Some(format!(
                "block {i} (line {}): depth/parent want {}/{parent}, got {}/{got_parent}",
                b.line, w["depth"], b.depth
            ));
        }
        let want_content = strip_properties(w["content"].as_str().unwrap_or(""));
        let got_content = b.content.trim();
        if want_content != got_content {
            return Some(format!(
                "block {i} (line {}): content\n  want {want_content:?}\n  got  {got_content:?}",
                b.line
            ));
        }
        let empty = Map::new();
        let want_props = w["properties"].as_object().unwrap_or(&empty);
        let mut got_props = Map::new();
        for p in &b.properties {
            got_props.insert(p.key.clone(), Value::String(p.raw.trim().to_string()));
        }
        if let (Some(h), false) = (b.heading, got_props.contains_key("heading")) {
            if !b.pre_block && b.content.starts_with('#') {
                got_props.insert("heading".into(), Value::from(h));
            }
        }
        let want_props: Map<String, Value> = want_props
            .iter()
            .map(|(k, v)| {
                (k.clone(), if let Value::String(s) = v { Value::String(s.trim().to_string()) } else { v.clone() })
            })
            .collect();
        if want_props != got_props {
            return Some(format!(
                "block {i} (line {}): properties\n  want {want_props:?}\n  got  {got_props:?}",
                b.line
            ));
        }
        if w["collapsed"].as_bool().unwrap_or(false) != b.collapsed {
            return Some(format!("block {i} (line {}): collapsed differs", b.line));
        }
    }
    None
}

/// The reference content without its `key:: value` lines, trimmed.
fn strip_properties(content: &str) -> String {
    let mut code = notes_export::read::outline::CodeState::default();
    let kept: Vec<&str> = content
        .split('\n')
        .filter(|l| {
            let in_code = code.in_code();
            code.feed(l);
            in_code || code.in_code() || notes_export::read::properties::split_property_line(l).is_none()
        })
        .collect();
    kept.join("\n").trim().to_string()
}
