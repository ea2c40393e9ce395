//! The IR as JSON (`schema_version` inside; schema in `schema/graph.schema.json`), written a
//! page at a time: the same bytes as serialising the whole graph, without holding it.

use super::{write_error, ExportError, Exporter, Finished, Job, Options, Part, Sink};
use crate::ir::{remap_page, Graph};
use std::path::Path;

mod writer;

pub struct JsonExporter;

const FILE: &str = "graph.json";

impl Exporter for JsonExporter {
    fn name(&self) -> &'static str {
        "json"
    }

    fn start(&self, graph: &Graph, options: &Options) -> Result<Box<dyn Job>, ExportError> {
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
        Ok(Box::new(JsonJob { map, pages: 0, blocks: 0 }))
    }
}

struct JsonJob {
    map: Option<Vec<Option<u32>>>,
    pages: usize,
    blocks: usize,
}

fn failed(e: serde_json::Error) -> ExportError {
    ExportError::Failed { format: "json", message: e.to_string() }
}

/// Pretty JSON of a typical block, a little generously (measured: ~850 bytes on average).
const BYTES_PER_BLOCK: usize = 1024;

/// Pretty JSON of `value` as serde_json writes it two spaces per level, starting `level`
/// levels deep (`first_too`: the first line indented as well), so pages can be written one at a
/// time into the graph's `pages` list with the same bytes as the whole graph at once.
/// `size` is a guess of the bytes needed: growing a page's buffer again and again costs more
/// than writing it.
fn pretty_at<T: serde::Serialize>(
    value: &T,
    level: usize,
    first_too: bool,
    size: usize,
) -> Result<Vec<u8>, ExportError> {
    let mut out = Vec::with_capacity(size.max(4096));
    if first_too {
        out.resize(level * 2, b' ');
    }
    value.serialize(&mut writer::Writer::new(&mut out, level)).map_err(failed)?;
    Ok(out)
}

impl Job for JsonJob {
    fn page(&self, graph: &Graph, page: u32) -> Result<Part, ExportError> {
        let p = &graph.pages[page as usize];
        let bytes = match &self.map {
            Some(map) => {
                let mut copy = p.clone();
                remap_page(&mut copy, map);
                pretty_at(&copy, 2, true, BYTES_PER_BLOCK * copy.blocks.len())?
            }
            None => pretty_at(p, 2, true, BYTES_PER_BLOCK * p.blocks.len())?,
        };
        Ok(Box::new((bytes, p.blocks.len())))
    }

    fn add(&mut self, graph: &Graph, _page: u32, part: Part, out: &mut dyn Sink) -> Result<(), ExportError> {
        let (bytes, blocks): (Vec<u8>, usize) = super::part(part, "json")?;
        let path = Path::new(FILE);
        let sep: &[u8] = if self.pages == 0 { &header(graph, true)? } else { b",\n" };
        out.append(path, sep).map_err(write_error("json"))?;
        out.append(path, &bytes).map_err(write_error("json"))?;
        self.pages += 1;
        self.blocks += blocks;
        Ok(())
    }

    fn finish(self: Box<Self>, graph: &Graph, out: &mut dyn Sink) -> Result<Finished, ExportError> {
        let mut tail = if self.pages == 0 { header(graph, false)? } else { b"\n  ],\n".to_vec() };
        tail.extend_from_slice(b"  \"assets\": ");
        tail.extend(pretty_at(&graph.assets, 1, false, 0)?);
        tail.extend_from_slice(b"\n}\n");
        out.append(Path::new(FILE), &tail).map_err(write_error("json"))?;
        Ok(Finished { diagnostics: Vec::new(), summary: format!("{} pages, {} blocks", self.pages, self.blocks) })
    }
}

/// Everything before the first page (`open`), or up to an empty page list.
fn header(graph: &Graph, open: bool) -> Result<Vec<u8>, ExportError> {
    let name = serde_json::to_string(&graph.name).map_err(failed)?;
    let pages = if open { "[\n" } else { "[],\n" };
    Ok(format!("{{\n  \"schema_version\": {},\n  \"name\": {name},\n  \"pages\": {pages}", graph.schema_version)
        .into_bytes())
}

/// The JSON Schema of the exporter's output, generated from the IR types.
pub fn schema() -> String {
    let schema = schemars::schema_for!(Graph);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}
