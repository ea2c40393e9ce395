//! Property tests: block text survives the JSON exporter unchanged, any outline exported
//! to Markdown is read back by a CommonMark parser with the same headings and list nesting,
//! and any org page is read into a sound tree that every format writes.

#[path = "common/structure.rs"]
mod structure;

use notes_export::export::{self, Options};
use notes_export::read::{read_single, Source};
use proptest::prelude::*;

fn load(page: &str) -> notes_export::Loaded {
    let source = Source { root: std::env::temp_dir().join("notes-export-props-none"), display: String::new() };
    notes_export::finish(read_single("pages/p.md", page.as_bytes(), source))
}

/// One line of note text: letters, digits, spaces and the characters Markdown and Logseq use.
fn line() -> impl Strategy<Value = String> {
    proptest::string::string_regex(r"[a-zA-Zé0-9 ,.;:!?'()*_~=^$#\[\]{}<>/\\|`+-]{0,40}").unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn block_text_round_trips_through_json(text in line()) {
        prop_assume!(notes_export::read::properties::split_property_line(&text).is_none());
        prop_assume!(!text.trim_start().starts_with("```") && !text.trim_start().starts_with("~~~"));
        prop_assume!(!text.to_ascii_uppercase().trim_start().starts_with("#+BEGIN_"));
        let loaded = load(&format!("- {text}\n"));
        let out = export::by_name("json").unwrap().export(&loaded.graph, &Options::default()).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.artifacts[0].bytes).unwrap();
        let blocks = v["pages"][0]["blocks"].as_array().unwrap();
        prop_assert_eq!(blocks.len(), 1);
        // A block of only spaces is an empty block, as in Logseq.
        let want = if text.trim().is_empty() { "" } else { text.as_str() };
        prop_assert_eq!(blocks[0]["content"].as_str().unwrap(), want);
    }

    #[test]
    fn outlines_keep_their_shape_in_markdown(
        blocks in proptest::collection::vec(
            // Some blocks hold only an empty property, so they render empty.
            (0usize..4, prop_oneof![4 => line(), 1 => Just("k::".to_string())], proptest::bool::weighted(0.15)),
            1..25,
        )
    ) {
        // Levels never jump more than one deeper than the previous block.
        let mut page = String::new();
        let mut level = 0;
        for (k, (step, text, heading)) in blocks.iter().enumerate() {
            level = if k == 0 { 0 } else { (*step).min(level + 1) };
            let text = text.trim();
            let text = if text.is_empty() { "x" } else { text };
            let prefix = if *heading && level == 0 { "## " } else { "" };
            page.push_str(&format!("{}- {prefix}{text}\n", "\t".repeat(level)));
        }
        let loaded = load(&page);
        prop_assume!(structure::expected_structure(&loaded.graph, 0).is_some());
        let mut options = Options::default();
        options.markdown.no_title = true;
        let out = export::by_name("md").unwrap().export(&loaded.graph, &options).unwrap();
        let md = String::from_utf8(out.artifacts[0].bytes.clone()).unwrap();
        prop_assert_eq!(
            structure::parsed_structure(&md),
            structure::expected_structure(&loaded.graph, 0).unwrap(),
            "page:\n{}\nmarkdown:\n{}", page, md
        );
    }

    /// Any org page (headlines of 1–4 stars, lines of any text) is read without a panic into a
    /// tree whose children lists mirror its parents, and every format writes it.
    #[test]
    fn org_pages_read_into_a_tree(lines in proptest::collection::vec((0usize..5, line()), 0..20)) {
        let mut page = String::new();
        for (stars, text) in &lines {
            let lead = if *stars == 0 { String::new() } else { format!("{} ", "*".repeat(*stars)) };
            page.push_str(&format!("{lead}{text}\n"));
        }
        let source = Source { root: std::env::temp_dir().join("notes-export-props-none"), display: String::new() };
        let loaded = notes_export::finish(read_single("pages/p.org", page.as_bytes(), source));
        let blocks = &loaded.graph.pages[0].blocks;
        for (i, b) in blocks.iter().enumerate() {
            for &c in &b.children {
                prop_assert_eq!(blocks[c as usize].parent, Some(i as u32));
            }
            if let Some(p) = b.parent {
                prop_assert!(blocks[p as usize].children.contains(&(i as u32)));
            }
        }
        for exporter in export::registry() {
            prop_assert!(exporter.export(&loaded.graph, &Options::default()).is_ok());
        }
    }
}
