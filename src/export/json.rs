//! The IR as JSON (`schema_version` inside; schema in `schema/graph.schema.json`).

use super::{Artifact, Export, ExportError, Exporter, Options};
use crate::ir::Graph;

pub struct JsonExporter;

impl Exporter for JsonExporter {
    fn name(&self) -> &'static str {
        "json"
    }

    fn export(&self, graph: &Graph, options: &Options) -> Result<Export, ExportError> {
        let subset;
        let graph = match &options.pages {
            Some(keep) => {
                subset = graph.subset(keep);
                &subset
            }
            None => graph,
        };
        let mut bytes = serde_json::to_vec_pretty(graph)
            .map_err(|e| ExportError::Failed { format: "json", message: e.to_string() })?;
        bytes.push(b'\n');
        let blocks: usize = graph.pages.iter().map(|p| p.blocks.len()).sum();
        Ok(Export {
            artifacts: vec![Artifact { path: "graph.json".into(), bytes }],
            diagnostics: Vec::new(),
            summary: format!("{} pages, {} blocks", graph.pages.len(), blocks),
        })
    }
}

/// The JSON Schema of the exporter's output, generated from the IR types.
pub fn schema() -> String {
    let schema = schemars::schema_for!(Graph);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}
