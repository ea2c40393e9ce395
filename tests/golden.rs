//! Golden tests: each fixture graph → the IR as JSON plus its diagnostics, compared with
//! committed files under tests/golden/. `cargo xtask bless` rewrites them on purpose.

mod common;

use notes_export::export::{self, Options};

fn check_case(name: &str, input: &str) {
    let loaded = notes_export::load(std::path::Path::new(input)).expect("load");
    // Pretty, so that a change to the IR reads as a diff of the lines it changed.
    let mut options = Options::default();
    options.json.pretty = true;
    let out = export::by_name("json").unwrap().export(&loaded.graph, &options).unwrap();
    let json = String::from_utf8(out.artifacts[0].bytes.clone()).unwrap();
    let dir = common::root().join("tests/golden").join(name);
    common::assert_golden(&dir.join("graph.json"), &json);
    let diags: String = loaded.diagnostics.iter().map(|d| format!("{d}\n")).collect();
    common::assert_golden(&dir.join("diagnostics.txt"), &diags);
}

#[test]
fn seed() {
    check_case("seed", "fixtures/seed");
}

#[test]
fn blocks() {
    check_case("blocks", "fixtures/cases/blocks");
}

#[test]
fn titles() {
    check_case("titles", "fixtures/cases/titles");
}

#[test]
fn inline() {
    check_case("inline", "fixtures/cases/inline");
}

#[test]
fn refs() {
    check_case("refs", "fixtures/cases/refs");
}
