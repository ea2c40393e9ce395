//! The IR as JSON (`schema_version` inside; schema in `schema/graph.schema.json`), written a
//! page at a time: the same bytes as serialising the whole graph, without holding it.
//!
//! Compact by default, as programs read it: the pretty layout's indentation is nearly half the
//! bytes of a deeply nested graph (834 MB pretty, 456 MB compact for 143 MB of notes).

use super::{write_error, ExportError, Exporter, Finished, Format, Input, Job, Options, Sink};
use crate::ir::{remap_page, Graph};
use std::path::Path;

mod writer;

pub struct JsonExporter;

#[derive(Debug, Clone, Default)]
pub struct JsonOptions {
    /// serde_json's pretty layout (two-space indents), for reading and diffing.
    pub pretty: bool,
}

const FILE: &str = "graph.json";

impl Exporter for JsonExporter {
    type Job = JsonJob;
    const FORMAT: Format = Format {
        name: "json",
        about: "Write the outline IR as JSON (schema in schema/graph.schema.json)",
        extension: "json",
        text: true,
        build: FILE,
        per_page: false,
        help: "Examples:\n  notes-export json my-graph -o graph.json\n  notes-export json my-graph --pretty -o graph.json\n  cat page.md | notes-export json - -o -\n\nWithout -o: graph.json in the current folder, or standard output for notes read from standard input.",
    };

    fn start(&self, graph: &Input, options: &Options) -> Result<JsonJob, ExportError> {
        // With a selection, page indices are renumbered over the pages written.
        let map = options.pages.as_ref().map(|keep| {
            let mut next = 0;
            (0..graph.pages.len())
                .map(|i| {
                    keep.get(i).copied().unwrap_or(true).then(|| {
                        next += 1;
                        next - 1
                    })
                })
                .collect()
        });
        Ok(JsonJob { map, pretty: options.json.pretty, pages: 0, blocks: 0 })
    }
}

pub struct JsonJob {
    map: Option<Vec<Option<u32>>>,
    pretty: bool,
    pages: usize,
    blocks: usize,
}

fn failed(e: serde_json::Error) -> ExportError {
    ExportError::Encode { format: "json", message: e.to_string() }
}

/// The JSON of a typical block, a little generously (measured: ~850 bytes pretty, ~450
/// compact on average): growing a page's buffer again and again costs more than writing it.
fn bytes_per_block(pretty: bool) -> usize {
    if pretty {
        1024
    } else {
        512
    }
}

/// JSON of `value` as serde_json writes it; when pretty, two spaces per level starting `level`
/// levels deep (`first_too`: the first line indented as well), so pages can be written one at a
/// time into the graph's `pages` list with the same bytes as the whole graph at once.
fn json_at<T: serde::Serialize>(
    value: &T,
    pretty: bool,
    level: usize,
    first_too: bool,
    size: usize,
) -> Result<Vec<u8>, ExportError> {
    let mut out = Vec::with_capacity(size.max(4096));
    if first_too && pretty {
        out.resize(level * 2, b' ');
    }
    value.serialize(&mut writer::Writer::new(&mut out, level, pretty)).map_err(failed)?;
    Ok(out)
}

impl Job for JsonJob {
    /// The page's JSON and its number of blocks.
    type Page = (Vec<u8>, usize);

    fn page(&self, graph: &Input, page: u32) -> Result<Self::Page, ExportError> {
        let p = &graph.pages[page as usize];
        let size = bytes_per_block(self.pretty) * p.blocks.len();
        let bytes = match &self.map {
            Some(map) => {
                let mut copy = p.clone();
                remap_page(&mut copy, map);
                json_at(&copy, self.pretty, 2, true, size)?
            }
            None => json_at(p, self.pretty, 2, true, size)?,
        };
        Ok((bytes, p.blocks.len()))
    }

    fn add(&mut self, graph: &Input, _page: u32, part: Self::Page, out: &mut dyn Sink) -> Result<(), ExportError> {
        let (bytes, blocks) = part;
        let path = Path::new(FILE);
        let sep: &[u8] = match (self.pages, self.pretty) {
            (0, pretty) => &header(graph, pretty, true)?,
            (_, true) => b",\n",
            (_, false) => b",",
        };
        out.append(path, sep).map_err(write_error("json"))?;
        out.append(path, &bytes).map_err(write_error("json"))?;
        self.pages += 1;
        self.blocks += blocks;
        Ok(())
    }

    fn finish(self, graph: &Input, out: &mut dyn Sink) -> Result<Finished, ExportError> {
        let pretty = self.pretty;
        let mut tail = match (self.pages, pretty) {
            (0, _) => header(graph, pretty, false)?,
            (_, true) => b"\n  ],\n".to_vec(),
            (_, false) => b"],".to_vec(),
        };
        tail.extend_from_slice(if pretty { b"  \"assets\": " } else { b"\"assets\":" });
        tail.extend(json_at(&graph.assets, pretty, 1, false, 0)?);
        tail.extend_from_slice(if pretty { b"\n}\n" } else { b"}\n" });
        out.append(Path::new(FILE), &tail).map_err(write_error("json"))?;
        Ok(Finished { diagnostics: Vec::new(), summary: format!("{} pages, {} blocks", self.pages, self.blocks) })
    }
}

/// Everything before the first page (`open`), or up to an empty page list.
fn header(graph: &Graph, pretty: bool, open: bool) -> Result<Vec<u8>, ExportError> {
    let name = serde_json::to_string(&graph.name).map_err(failed)?;
    let version = graph.schema_version;
    let (db, db_pretty) = match graph.db_graph {
        true => (",\"db_graph\":true", ",\n  \"db_graph\": true"),
        false => ("", ""),
    };
    Ok(match (pretty, open) {
        (true, true) => format!("{{\n  \"schema_version\": {version},\n  \"name\": {name}{db_pretty},\n  \"pages\": [\n"),
        (true, false) => format!("{{\n  \"schema_version\": {version},\n  \"name\": {name}{db_pretty},\n  \"pages\": [],\n"),
        (false, true) => format!("{{\"schema_version\":{version},\"name\":{name}{db},\"pages\":["),
        (false, false) => format!("{{\"schema_version\":{version},\"name\":{name}{db},\"pages\":[],"),
    }
    .into_bytes())
}

/// The JSON Schema of the exporter's output, generated from the IR types.
pub fn schema() -> String {
    let schema = schemars::schema_for!(Graph);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use crate::export::{DynExporter, Options};

    fn exported(graph: &crate::ir::Graph, pretty: bool, pages: Option<Vec<bool>>) -> Vec<u8> {
        let mut options = Options { pages, ..Options::default() };
        options.json.pretty = pretty;
        super::JsonExporter.export(graph, &options).unwrap().artifacts.remove(0).bytes
    }

    /// A page at a time, in either layout, is serde_json's bytes for the whole graph.
    #[test]
    fn pages_written_one_by_one_make_the_whole_graph() {
        for case in ["refs", "inline", "titles", "blocks", "cards"] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cases").join(case);
            let mut graph = crate::load(&dir).unwrap().graph;
            pages_one_by_one(&graph);
            // As a DB graph's pages (the header says so).
            graph.db_graph = true;
            pages_one_by_one(&graph);
        }
    }

    fn pages_one_by_one(graph: &crate::ir::Graph) {
        assert!(graph.pages.len() > 1);
        let mut whole = serde_json::to_vec(graph).unwrap();
        whole.push(b'\n');
        assert_eq!(String::from_utf8(exported(graph, false, None)).unwrap(), String::from_utf8(whole).unwrap());
        let mut whole = serde_json::to_vec_pretty(graph).unwrap();
        whole.push(b'\n');
        assert_eq!(String::from_utf8(exported(graph, true, None)).unwrap(), String::from_utf8(whole).unwrap());
        // No page selected: an empty page list, in both layouts.
        let none = Some(vec![false; graph.pages.len()]);
        let empty = crate::ir::Graph { pages: Vec::new(), ..graph.clone() };
        for pretty in [false, true] {
            let mut whole =
                if pretty { serde_json::to_vec_pretty(&empty) } else { serde_json::to_vec(&empty) }.unwrap();
            whole.push(b'\n');
            assert_eq!(exported(graph, pretty, none.clone()), whole, "pretty: {pretty}");
        }
    }
}
