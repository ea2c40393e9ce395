//! Entry points shared by the fuzz targets and their regression tests: arbitrary bytes as a
//! one-page graph, read, resolved and (optionally) exported. None may panic.

use crate::export::{self, Options};
use crate::read::{read_single, Source};

/// Reads `data` as a page of a graph rooted in an empty folder and resolves it.
pub fn graph_from_bytes(data: &[u8]) -> crate::Loaded {
    let source = Source { root: std::env::temp_dir().join("notes-export-fuzz-empty-root"), display: String::new() };
    crate::finish(read_single("pages/fuzz.md", data, source))
}

/// Reads and resolves `data`, then runs the named exporter (all of them for `None`).
pub fn read_and_export(data: &[u8], format: Option<&str>) {
    let loaded = graph_from_bytes(data);
    for e in export::registry() {
        if format.is_none_or(|f| f == e.name()) {
            let _ = e.export(&loaded.graph, &Options::default());
        }
    }
}

/// Parses `data` (if UTF-8) as inline text.
pub fn inline(data: &[u8]) {
    if let Ok(s) = std::str::from_utf8(data) {
        let macros = std::collections::HashMap::from([("m".to_string(), "**$1** {{m $1}}".to_string())]);
        let _ =
            crate::read::inline::parse_inline(s, &crate::read::inline::InlineCtx { macros: &macros, compact: true });
    }
}
