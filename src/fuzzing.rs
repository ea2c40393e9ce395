//! Entry points shared by the fuzz targets and their regression tests: arbitrary bytes as a
//! one-page graph, read, resolved and (optionally) exported. None may panic.

use crate::export::{self, Options};
use crate::read::{read_single, Source};

/// Reads `data` as a page of a graph rooted in an empty folder and resolves it.
pub fn graph_from_bytes(data: &[u8]) -> crate::Loaded {
    let source = Source { root: std::env::temp_dir().join("notes-export-fuzz-empty-root"), display: String::new() };
    crate::finish(read_single("pages/fuzz.md", data, source))
}

/// The first byte of `data` picks a format from the registry (so a new format is fuzzed with
/// the others); the rest is read and resolved as a page and exported in that format.
pub fn export_any(data: &[u8]) -> Option<&'static str> {
    let (&pick, page) = data.split_first()?;
    let formats = export::registry();
    let exporter = formats[pick as usize % formats.len()];
    let loaded = graph_from_bytes(page);
    let _ = exporter.export(&loaded.graph, &Options::default());
    Some(exporter.name())
}

/// Parses `data` (if UTF-8) as inline text.
pub fn inline(data: &[u8]) {
    if let Ok(s) = std::str::from_utf8(data) {
        let macros = std::collections::HashMap::from([("m".to_string(), "**$1** {{m $1}}".to_string())]);
        let _ =
            crate::read::inline::parse_inline(s, &crate::read::inline::InlineCtx { macros: &macros, compact: true });
    }
}

/// Decodes `data` (if UTF-8) as a row of a DB graph's storage (transit-JSON), whole and as a
/// leaf of datoms.
pub fn transit(data: &[u8]) {
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = crate::read::db::transit::decode(s);
        let _ = crate::read::db::transit::decode_leaf(s, &mut |_| Ok(()));
    }
}

#[cfg(test)]
mod tests {
    /// Every format of the registry is reachable from the first byte.
    #[test]
    fn the_first_byte_picks_every_format() {
        let page = b"- a [[b]] {{cloze c}} ((11111111-2222-4333-8444-555555555555))\n\t- d #card";
        let n = crate::export::registry().len();
        let mut seen: Vec<&str> = (0..n as u8).filter_map(|k| super::export_any(&[&[k], &page[..]].concat())).collect();
        seen.sort_unstable();
        let mut all = crate::export::names();
        all.sort_unstable();
        assert_eq!(seen, all);
        assert_eq!(super::export_any(b""), None);
    }
}
