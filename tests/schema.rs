//! The committed JSON Schema must be the one generated from the IR types.

#[test]
fn committed_schema_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/graph.schema.json");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == notes_export::export::json::schema(),
        "schema/graph.schema.json is stale: run `cargo xtask schema`"
    );
}
