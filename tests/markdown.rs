//! The Markdown exporter: goldens, references resolved, links that work, and a round trip
//! through a CommonMark parser that must see the same headings and list nesting as the IR.

mod common;
#[path = "common/structure.rs"]
mod structure;

use structure::{expected_structure, parsed_structure};

use notes_export::export::{self, Artifact, Options};
use notes_export::ir::Graph;
use pulldown_cmark::{CodeBlockKind, Event, Options as CmOptions, Parser, Tag, TagEnd};
use std::collections::BTreeMap;

fn export(input: &str) -> (Graph, Vec<Artifact>) {
    let loaded = notes_export::load(std::path::Path::new(input)).unwrap();
    let out = export::by_name("md").unwrap().export(&loaded.graph, &Options::default()).unwrap();
    (loaded.graph, out.artifacts)
}

/// The Markdown of a one-page graph read from `text`, without its title line.
fn md_of(text: &str) -> String {
    let loaded = common::one_page(text);
    let mut options = Options::default();
    options.markdown.no_title = true;
    let out = export::by_name("md").unwrap().export(&loaded.graph, &options).unwrap();
    String::from_utf8(out.artifacts[0].bytes.clone()).unwrap()
}

fn pages(artifacts: &[Artifact]) -> BTreeMap<String, String> {
    artifacts
        .iter()
        .filter(|a| a.path.extension().is_some_and(|e| e == "md"))
        .map(|a| (a.path.to_string_lossy().into_owned(), String::from_utf8(a.bytes.clone()).unwrap()))
        .collect()
}

fn golden(name: &str, input: &str) {
    let (_, artifacts) = export(input);
    let mut text = String::new();
    for (path, body) in pages(&artifacts) {
        text.push_str(&format!("==> {path} <==\n{body}"));
    }
    for a in artifacts.iter().filter(|a| a.path.extension().is_none_or(|e| e != "md")) {
        text.push_str(&format!("==> {} <== ({} bytes)\n", a.path.display(), a.bytes.len()));
    }
    common::assert_golden(&common::root().join("tests/golden").join(name).join("markdown.txt"), &text);
}

#[test]
fn seed_golden() {
    golden("seed", "fixtures/seed");
}

#[test]
fn refs_golden() {
    golden("refs", "fixtures/cases/refs");
}

#[test]
fn inline_golden() {
    golden("inline", "fixtures/cases/inline");
}

/// Text outside code, and every link or image destination, of one Markdown file.
fn scan(md: &str) -> (String, Vec<String>, String) {
    let mut text = String::new();
    let mut dests = Vec::new();
    let mut indented_code = String::new();
    let mut in_indented = false;
    for ev in Parser::new_ext(md, CmOptions::ENABLE_TABLES | CmOptions::ENABLE_STRIKETHROUGH) {
        match ev {
            Event::Text(t) if in_indented => indented_code.push_str(&t),
            Event::End(TagEnd::CodeBlock) => in_indented = false,
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => {
                text.push_str(&t);
                text.push('\n');
            }
            Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. }) => {
                dests.push(dest_url.to_string())
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => in_indented = true,
            _ => {}
        }
    }
    (text, dests, indented_code)
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut k = 0;
    while k < b.len() {
        if b[k] == b'%' && k + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[k + 1..k + 3], 16) {
                out.push(v);
                k += 3;
                continue;
            }
        }
        out.push(b[k]);
        k += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn whole_graphs_have_no_raw_syntax_and_no_broken_links() {
    let (_generated, graphs) = common::whole_graphs();
    for graph in &graphs {
        no_raw_syntax_and_no_broken_links(graph);
    }
}

fn no_raw_syntax_and_no_broken_links(graph: &std::path::Path) {
    let (_, artifacts) = export(graph.to_str().unwrap());
    let files: std::collections::HashSet<String> =
        artifacts.iter().map(|a| a.path.to_string_lossy().into_owned()).collect();
    let pages = pages(&artifacts);
    assert_eq!(pages.len(), common::page_files(graph), "{}", graph.display());
    let uuid_ref = |t: &str| {
        t.match_indices("((").any(|(i, _)| {
            t[i + 2..].len() > 36
                && t[i + 2..i + 38].chars().all(|c| c.is_ascii_hexdigit() || c == '-')
                && t[i + 38..].starts_with("))")
        })
    };
    let mut links = 0;
    for (path, md) in &pages {
        let (text, dests, indented) = scan(md);
        assert_eq!(indented, "", "{path}: a list item turned into an indented code block");
        assert!(!uuid_ref(&text), "{path}: unresolved block ref");
        for bad in ["{{embed", "collapsed::", "{:height"] {
            assert!(!text.contains(bad), "{path}: contains {bad}");
        }
        assert!(!text.lines().any(|l| l.trim_start().starts_with("id:: ")), "{path}: id:: line");
        for d in dests {
            if d.contains(':') || d.starts_with('#') {
                continue;
            }
            links += 1;
            let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
            let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
            let decoded = percent_decode(&d);
            for seg in decoded.split('/') {
                match seg {
                    ".." => {
                        assert!(parts.pop().is_some(), "{path}: link {d} leaves the output");
                    }
                    "." | "" => {}
                    s => parts.push(s),
                }
            }
            let target = parts.join("/");
            assert!(files.contains(&target), "{path}: link {d} → {target} does not exist in the output");
        }
    }
    assert!(links >= pages.len(), "{}: the output has relative links ({links})", graph.display());
}

#[test]
fn round_trip_keeps_headings_and_list_nesting() {
    let (_generated, graphs) = common::whole_graphs();
    let mut inputs: Vec<String> =
        ["fixtures/seed", "fixtures/cases/blocks", "fixtures/cases/inline"].map(String::from).to_vec();
    inputs.extend(graphs.iter().map(|g| g.to_string_lossy().into_owned()));
    for input in &inputs {
        let (graph, artifacts) = export(input);
        let paths: Vec<String> =
            artifacts.iter().take(graph.pages.len()).map(|a| a.path.to_string_lossy().into_owned()).collect();
        let (mut compared, mut skipped) = (0, 0);
        for (i, path) in paths.iter().enumerate() {
            let md = String::from_utf8(artifacts[i].bytes.clone()).unwrap();
            // The first line is the page's title, as a heading that reads back as the title.
            let (title, md) = md.split_once('\n').unwrap_or((&md, ""));
            let heading: String = Parser::new(title)
                .filter_map(|e| match e {
                    Event::Text(t) | Event::Code(t) => Some(t.to_string()),
                    _ => None,
                })
                .collect();
            assert!(title.starts_with("# "), "{input}: {path} starts with {title:?}");
            // No list item is empty (a reader shows it as a stray bullet).
            let events: Vec<Event> = Parser::new_ext(md, CmOptions::ENABLE_TABLES).collect();
            for w in events.windows(2) {
                let empty = matches!((&w[0], &w[1]), (Event::Start(Tag::Item), Event::End(TagEnd::Item)));
                assert!(!empty, "{input}: {path} has an empty list item:\n{md}");
            }
            assert_eq!(heading, graph.pages[i].title.trim(), "{input}: {path}");
            let Some(want) = expected_structure(&graph, i) else {
                skipped += 1;
                continue;
            };
            let got = parsed_structure(md);
            assert_eq!(got, want, "{input}: {path} has a different structure after parsing");
            compared += 1;
        }
        eprintln!("{input}: {compared} pages compared, {skipped} with embeds skipped");
        assert!(compared > 0);
    }
}

#[test]
fn two_runs_are_identical() {
    let (_generated, graphs) = common::whole_graphs();
    for graph in &graphs {
        let (_, a) = export(graph.to_str().unwrap());
        let (_, b) = export(graph.to_str().unwrap());
        assert_eq!(a, b, "{}", graph.display());
    }
}

/// A block that shows nothing (here only an empty property) gives its place to its children:
/// no empty item (once `- `, which CommonMark reads as a setext underline of the line above,
/// then `- <!-- -->`), and the children are not pushed a level deeper.
#[test]
fn empty_block_with_children_keeps_them() {
    let md = md_of("- x\n\t- A::\n\t\t- y\n");
    assert_eq!(md, "- x\n  - y\n");
    assert_eq!(parsed_structure(&md), vec![(false, 1), (false, 2)]);
    // Properties alone, and an embed: what they hold takes their place.
    let md = md_of("- key:: value\n\t- child of props\n- {{embed ((6571a1b2-0000-4000-8000-0000000000e1))}}\n- target\n  id:: 6571a1b2-0000-4000-8000-0000000000e1\n");
    assert_eq!(md, "- child of props\n- target\n- target\n");
}

/// Found by the property test: a block `* *` is a list holding a list; written as `- - -` it
/// would read back as a horizontal rule.
#[test]
fn nested_bullets_do_not_become_a_rule() {
    for page in ["- * *\n", "- - -\n\t- x\n", "- + + +\n"] {
        let md = md_of(page);
        let graph = common::one_page(page).graph;
        assert_eq!(parsed_structure(&md), expected_structure(&graph, 0).unwrap(), "page {page:?}:\n{md}");
    }
}

/// Each link style on a page link, a labelled link, a tag of a page that exists and one of a
/// page that does not.
#[test]
fn link_styles() {
    use notes_export::export::markdown::LinkStyle;
    let dir = common::tempdir();
    std::fs::create_dir(dir.path().join("pages")).unwrap();
    std::fs::write(dir.path().join("pages/Book.md"), "- a book\n").unwrap();
    std::fs::write(dir.path().join("pages/Notes.md"), "- see [[Book]], [the book]([[Book]]), #Book and #[[no page]]\n")
        .unwrap();
    let loaded = notes_export::load(dir.path()).unwrap();
    for (style, line) in [
        (LinkStyle::Relative, "- see [Book](Book.md), [the book](Book.md), [#Book](Book.md) and #no page\n"),
        (LinkStyle::Wiki, "- see [[Book]], [[Book|the book]], #[[Book]] and #[[no page]]\n"),
        (LinkStyle::Plain, "- see Book, the book, #Book and #no page\n"),
    ] {
        let mut options = Options::default();
        options.markdown.links = style;
        let out = export::by_name("md").unwrap().export(&loaded.graph, &options).unwrap();
        assert_eq!(pages(&out.artifacts)["Notes.md"], format!("# Notes\n\n{line}"), "{style:?}");
    }
}

/// What Markdown leaves out is reported where it is written: a query in a block that another
/// page embeds and references is reported once, at its own page, line and column.
#[test]
fn dropped_macros_are_reported_at_their_own_page() {
    let dir = common::tempdir();
    std::fs::create_dir(dir.path().join("pages")).unwrap();
    let uuid = "6571a1b2-0000-4000-8000-000000000001";
    std::fs::write(dir.path().join("pages/A.md"), format!("- intro\n- {{{{embed (({uuid}))}}}}\n- see (({uuid}))\n"))
        .unwrap();
    std::fs::write(
        dir.path().join("pages/B.md"),
        format!("- x\n- tasks\n  more {{{{query (todo now)}}}}\n  id:: {uuid}\n"),
    )
    .unwrap();
    let loaded = notes_export::load(dir.path()).unwrap();
    let mut out = export::by_name("md").unwrap().export(&loaded.graph, &Options::default()).unwrap();
    notes_export::diag::normalize(&mut out.diagnostics);
    let said: Vec<_> = out.diagnostics.iter().map(|d| (d.file.as_str(), d.line, d.col, d.code.as_str())).collect();
    assert_eq!(said, [("pages/B.md", 3, 8, "macro-dropped")]);
}

/// Numbered steps written one block each (`- 2. two`) keep their numbers in Markdown and
/// Word, where each block is a list of its own.
#[test]
fn numbered_steps_keep_their_numbers() {
    // Typed numbers: one ordered list item each, at the block's own level, no bullet.
    let page = "- 1. one\n- 2. two\n\t- child\n- 10. ten\n";
    // A run that does not go on from the one before is a list of its own: CommonMark would
    // number `10.` as the third item.
    assert_eq!(md_of(page), "1. one\n2. two\n   - child\n\n10) ten\n");
    assert_eq!(parsed_structure(&md_of(page)), expected_structure(&common::one_page(page).graph, 0).unwrap());
    let starts = |md: &str| -> Vec<u64> {
        Parser::new(md).filter_map(|e| if let Event::Start(Tag::List(Some(n))) = e { Some(n) } else { None }).collect()
    };
    assert_eq!(starts(&md_of(page)), [1, 10], "a CommonMark reader numbers them as Logseq does");
    assert_eq!(starts(&md_of("- x\n\t- 2. two\n\t- 3. three\n")), [2]);
    // Logseq's numbered blocks, counted along their run of siblings, nested too.
    let by_property = "- Steps\n\t- first\n\t  logseq.order-list-type:: number\n\t- second\n\t  logseq.order-list-type:: number\n\t\t- sub\n\t\t  logseq.order-list-type:: number\n\t- after\n";
    assert_eq!(md_of(by_property), "- Steps\n  1. first\n  2. second\n     1. sub\n  - after\n");
    // Word: a real decimal list for each run, numbered from its first number, no typed text.
    let loaded = common::one_page(page);
    let docx = export::by_name("docx").unwrap().export(&loaded.graph, &Options::default()).unwrap();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(&docx.artifacts[0].bytes)).unwrap();
    let read = |z: &mut zip::ZipArchive<_>, name: &str| {
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut z.by_name(name).unwrap(), &mut xml).unwrap();
        xml
    };
    let (xml, numbering) = (read(&mut z, "word/document.xml"), read(&mut z, "word/numbering.xml"));
    assert!(!xml.contains(">1. </w:t>") && !xml.contains(">10. </w:t>"), "{xml}");
    assert_eq!(xml.matches("<w:numId w:val=\"3\"/>").count(), 2, "one and two are one list");
    assert_eq!(xml.matches("<w:numId w:val=\"4\"/>").count(), 1, "ten starts another");
    assert!(numbering.contains("<w:num w:numId=\"4\"><w:abstractNumId w:val=\"2\"/><w:lvlOverride w:ilvl=\"0\"><w:startOverride w:val=\"10\"/>"), "{numbering}");
}

/// A YouTube timestamp is shown as the time it stands for, as Logseq shows it.
#[test]
fn youtube_timestamps_are_times() {
    let loaded = common::one_page("- {{youtube-timestamp 113}} intro\n");
    let out = export::by_name("md").unwrap().export(&loaded.graph, &Options::default()).unwrap();
    assert_eq!(String::from_utf8_lossy(&out.artifacts[0].bytes), "# p\n\n- 1:53 intro\n");
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
}

/// Footnotes are written as GitHub-flavoured Markdown's, at the end of the page: a reader with
/// footnotes on (pulldown-cmark, as mdBook runs it) sees each mark and each footnote's text;
/// a mark without a footnote and a mark in code stay text.
#[test]
fn footnotes_read_back_as_footnotes() {
    let (_, artifacts) = export("fixtures/cases/inline");
    let md = &pages(&artifacts)["Inline.md"];
    let (mut marks, mut notes) = (Vec::new(), Vec::new());
    let mut open: Option<(String, String)> = None;
    for ev in Parser::new_ext(md, CmOptions::ENABLE_FOOTNOTES) {
        match (ev, &mut open) {
            (Event::FootnoteReference(l), _) => marks.push(l.to_string()),
            (Event::Start(Tag::FootnoteDefinition(l)), _) => open = Some((l.to_string(), String::new())),
            (Event::End(TagEnd::FootnoteDefinition), _) => notes.extend(open.take()),
            (Event::Text(t), Some((_, text))) => text.push_str(&t),
            (Event::SoftBreak, Some((_, text))) => text.push(' '),
            _ => {}
        }
    }
    assert_eq!(marks, ["1", "src"]);
    let notes: Vec<(&str, &str)> = notes.iter().map(|(l, t)| (l.as_str(), t.as_str())).collect();
    assert_eq!(
        notes,
        [("1", "The first footnote, with bold and a link."), ("src", "A named footnote whose text runs on.")]
    );
    assert!(md.contains("a mark without text\\[^none\\]; `[^1]` in code"), "{md}");
}

/// A block of several lines leaves its list tight: no blank line before the next item, which
/// would make CommonMark wrap every item of the list in a paragraph.
#[test]
fn a_block_of_several_lines_keeps_its_list_tight() {
    let md = md_of("- a\n\t- child\n- first line\n  second line\n- next\n");
    let paragraphs = Parser::new(&md).filter(|e| matches!(e, Event::Start(Tag::Paragraph))).count();
    assert_eq!(paragraphs, 0, "{md}");
}

/// A task's dates stay in its item, under its text, as Logseq shows them.
#[test]
fn task_dates_stay_with_their_task() {
    let md = md_of(
        "- TODO Hand in essay\n  SCHEDULED: <2024-01-05 Fri 10:00 .+1d>\n  DEADLINE: <2024-01-12 Fri>\n\t- child\n",
    );
    assert_eq!(
        md,
        "- [ ] Hand in essay\n  SCHEDULED: <2024-01-05 Fri 10:00 .+1d>\n  DEADLINE: <2024-01-12 Fri>\n  - child\n"
    );
}

/// A heading block's first line is the heading; the lines under it (a table, code, a callout,
/// plain lines) are its body and are written under the heading, not dropped or glued on.
#[test]
fn a_heading_block_keeps_its_body() {
    let md = md_of(
        "- ## Tasks\n  | a | b |\n  |---|---|\n  | 1 | 2 |\n  ```js\n  let x = 1;\n  ```\n  Paragraph one.\n\t- child\n\
         - ### Heading\n  Paragraph two.\n  #+BEGIN_NOTE\n  A note\n  #+END_NOTE\n",
    );
    assert_eq!(
        md,
        "## Tasks\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```js\nlet x = 1;\n```\n\nParagraph one.\n\n- child\n\n\
         ### Heading\n\nParagraph two.\n\n> **Note**\n>\n> A note\n"
    );
    // A heading block's embed follows it, as any block's does.
    let md = md_of("- ## Seen {{embed ((6571a1b2-0000-4000-8000-00000000000a))}}\n- target\n  id:: 6571a1b2-0000-4000-8000-00000000000a\n");
    assert!(md.starts_with("## Seen\n\n- target\n"), "{md}");
}

/// A cloze's hint is shown after its answer, as a reader of the notes needs it.
#[test]
fn a_cloze_hint_follows_its_answer() {
    assert_eq!(md_of("- Most apples are {{cloze red \\\\ color}}.\n"), "- Most apples are red *(color)*.\n");
    assert_eq!(md_of("- Plain {{cloze answer}} here\n"), "- Plain answer here\n");
}

/// A heading with a task marker keeps its state in Markdown, as Logseq writes it.
#[test]
fn a_task_heading_keeps_its_marker() {
    assert_eq!(md_of("- ## TODO Plan the trip\n- ### DONE Book\n"), "## TODO Plan the trip\n\n### DONE Book\n");
}

/// A numbered run starting at a number other than 1 follows a blank line, as CommonMark needs
/// to read it as a list (`2. x` right under text would continue the text).
#[test]
fn a_run_from_two_is_a_list() {
    for page in ["- x\n\t- 2. two\n", "- a bullet\n- 5. five\n- 6. six\n"] {
        let md = md_of(page);
        assert_eq!(parsed_structure(&md), expected_structure(&common::one_page(page).graph, 0).unwrap(), "{md}");
    }
    assert_eq!(md_of("- x\n\t- 2. two\n"), "- x\n\n  2. two\n");
}

/// A number with no text after it (`- 0.`) is no numbered step: it is kept as written.
#[test]
fn a_bare_number_is_not_a_step() {
    let md = md_of("- x\n\t- 0.\n");
    assert_eq!(parsed_structure(&md), [(false, 1), (false, 2), (false, 3)], "{md}");
}

/// Files the notes link (a PDF, a recording, a picture with a space in its name) are copied
/// beside the pages and linked.
#[test]
fn files_are_copied_and_linked() {
    let dir = common::files_graph();
    let (_, artifacts) = export(dir.path().to_str().unwrap());
    let pages = pages(&artifacts);
    assert_eq!(
        pages["F.md"],
        "# F\n\n- [doc.pdf](assets/doc.pdf)\n- see [the doc](assets/doc.pdf) now\n- [talk](assets/talk.mp3)\n- ![a](assets/my%20diagram.png)\n"
    );
    assert_eq!(pages["O.md"], "# O\n\n- [doc](assets/doc.pdf)\n- ![](assets/my%20diagram.png)\n");
    let files: Vec<String> = artifacts.iter().map(|a| a.path.to_string_lossy().into_owned()).collect();
    for f in ["assets/doc.pdf", "assets/talk.mp3", "assets/my diagram.png"] {
        assert!(files.contains(&f.to_string()), "{f} in {files:?}");
    }
}

/// Every heading block is a heading in the output, at the top level or inside a list item
/// (`- ## Examples`), counted against the IR page by page (with the headings a block's body
/// holds on later lines).
#[test]
fn every_heading_block_stays_a_heading() {
    fn body_headings(nodes: &[notes_export::ir::Node]) -> usize {
        use notes_export::ir::Node;
        nodes
            .iter()
            .map(|n| match n {
                Node::Heading { .. } => 1,
                Node::Quote { children } | Node::Admonition { children, .. } => body_headings(children),
                Node::List { items, .. } => items.iter().map(|i| body_headings(&i.children)).sum(),
                _ => 0,
            })
            .sum()
    }
    let (_generated, graphs) = common::whole_graphs();
    let mut inputs: Vec<String> = ["fixtures/seed", "fixtures/cases/blocks"].map(String::from).to_vec();
    inputs.extend(graphs.iter().map(|g| g.to_string_lossy().into_owned()));
    for input in &inputs {
        let (graph, artifacts) = export(input);
        let mut nested = 0;
        for (i, page) in graph.pages.iter().enumerate() {
            if expected_structure(&graph, i).is_none() {
                continue; // embeds repeat blocks
            }
            // The title line, then the blocks'.
            let mut want = 1;
            for b in &page.blocks {
                let written = !b.pre_block && !b.is_placeholder() && b.typed_number().is_none();
                match b.heading_parts() {
                    Some((head, rest)) if written => {
                        let line = notes_export::ir::plain_text(head);
                        want += usize::from(!line.trim().is_empty()) + body_headings(rest);
                        nested += usize::from(b.depth > 1);
                    }
                    _ => want += body_headings(&b.body),
                }
            }
            let md = String::from_utf8(artifacts[i].bytes.clone()).unwrap();
            let got = Parser::new_ext(&md, CmOptions::ENABLE_TABLES)
                .filter(|e| matches!(e, Event::Start(Tag::Heading { .. })))
                .count();
            assert_eq!(got, want, "{input}: {}: headings", page.file);
        }
        eprintln!("{input}: {nested} heading blocks inside lists");
    }
    assert!(md_of("- top\n\t- ## Examples\n").contains("  - ## Examples\n"));
}

/// A bare URL is an autolink (`<https://…>`), not a link labelled with its own escaped text,
/// and reads back as a link to itself; a URL a link can hold but an autolink cannot keeps the
/// long form.
#[test]
fn bare_urls_are_autolinks() {
    let url = "https://caniuse.com/support_table.html";
    let md = md_of(&format!("- see {url} and [{url}]({url}) or [the table]({url})\n"));
    assert_eq!(md, format!("- see <{url}> and <{url}> or [the table]({url})\n"));
    let mut links = Vec::new();
    let mut text = String::new();
    for e in Parser::new(&md) {
        match e {
            Event::Start(Tag::Link { dest_url, .. }) => links.push(dest_url.to_string()),
            Event::Text(t) => text.push_str(&t),
            _ => {}
        }
    }
    assert_eq!(links, [url; 3]);
    assert_eq!(text, format!("see {url} and {url} or the table"));
}

/// The events a CommonMark reader finds in `md`, adjacent texts joined (an escape splits a
/// text without changing what it reads as).
fn reading(md: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut text = String::new();
    let options = CmOptions::ENABLE_TABLES
        | CmOptions::ENABLE_STRIKETHROUGH
        | CmOptions::ENABLE_FOOTNOTES
        | CmOptions::ENABLE_MATH
        | CmOptions::ENABLE_TASKLISTS;
    for e in Parser::new_ext(md, options) {
        match e {
            Event::Text(t) => text.push_str(&t),
            other => {
                if !text.is_empty() {
                    out.push(format!("Text({:?})", std::mem::take(&mut text)));
                }
                out.push(format!("{other:?}"));
            }
        }
    }
    if !text.is_empty() {
        out.push(format!("Text({text:?})"));
    }
    out
}

/// Backslash escapes that could go: taken out one after the other, each one whose removal
/// leaves the reading the same (escapes in code are text, and change it). Returns (escapes,
/// needless ones with a sample of each). Two escapes needed as a pair (`!\[a\](b)`) count
/// one needless: either alone would do.
fn needless_escapes(md: &str) -> (usize, Vec<String>) {
    let want = reading(md);
    let mut md = md.to_string();
    let (mut all, mut needless) = (0, Vec::new());
    let mut i = 0;
    while i + 1 < md.len() {
        let b = md.as_bytes();
        if b[i] == b'\\' && b[i + 1].is_ascii_punctuation() {
            all += 1;
            let without = format!("{}{}", &md[..i], &md[i + 1..]);
            if reading(&without) == want {
                let from = md[..i].char_indices().rev().nth(20).map_or(0, |(k, _)| k);
                let to = md[i..].char_indices().nth(12).map_or(md.len(), |(k, _)| i + k);
                needless.push(md[from..to].replace('\n', "⏎"));
                md = without;
                i += 1;
                continue;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    (all, needless)
}

/// On Logseq's documentation graph, at most one backslash escape per 10 KB of Markdown could go
/// (its text would read the same without it); the worst files are named.
#[test]
fn few_needless_escapes() {
    let Some(docs) = common::corpus() else { return };
    let (_, artifacts) = export(docs.to_str().unwrap());
    let (mut bytes, mut all, mut needless, mut worst) = (0, 0, 0, Vec::new());
    for (path, md) in pages(&artifacts) {
        let (a, n) = needless_escapes(&md);
        bytes += md.len();
        all += a;
        needless += n.len();
        if !n.is_empty() {
            worst.push((n.len(), path, n));
        }
    }
    worst.sort_by_key(|w| std::cmp::Reverse(w.0));
    let rate = needless as f64 / (bytes as f64 / 10_000.0);
    eprintln!("{all} escapes, {needless} needless in {} KB: {rate:.2} per 10 KB", bytes / 1000);
    for (n, path, samples) in worst.iter().take(5) {
        eprintln!("  {n} in {path}: {:?}", &samples[..samples.len().min(3)]);
    }
    assert!(rate <= 1.0, "{rate:.2} needless escapes per 10 KB; worst: {:?}", &worst[..worst.len().min(5)]);
}

/// What a page shows that a reader of its Markdown must find again: code blocks, images (by
/// their text), addresses of links, the shape of tables (rows, columns).
#[derive(Debug, Default, PartialEq)]
struct Shown {
    code: Vec<String>,
    images: Vec<String>,
    links: Vec<String>,
    tables: Vec<(usize, usize)>,
}

/// The page's blocks as the IR holds them (every block, each once).
fn shown_in_ir(page: &notes_export::ir::Page) -> Shown {
    use notes_export::ir::{Inline, Node};
    fn inlines(list: &[Inline], s: &mut Shown) {
        for i in list {
            match i {
                Inline::Image { url, alt, asset, .. } if asset.is_some() || url.contains("://") => {
                    s.images.push(alt.clone())
                }
                Inline::Link { url, children, asset: None, .. }
                    if url.starts_with("http://") || url.starts_with("https://") =>
                {
                    s.links.push(url.clone());
                    inlines(children, s);
                }
                Inline::Strong { children }
                | Inline::Emphasis { children }
                | Inline::Strike { children }
                | Inline::Highlight { children }
                | Inline::Link { children, .. } => inlines(children, s),
                _ => {}
            }
        }
    }
    fn nodes(list: &[Node], s: &mut Shown) {
        for n in list {
            match n {
                Node::Paragraph { inlines: i } | Node::Heading { inlines: i, .. } => inlines(i, s),
                Node::Code { text, .. } => s.code.push(text.trim_end_matches('\n').to_string()),
                Node::Quote { children } | Node::Admonition { children, .. } => nodes(children, s),
                Node::List { items, .. } => items.iter().for_each(|it| nodes(&it.children, s)),
                Node::Table { header, rows } => {
                    s.tables.push((rows.len() + usize::from(!header.is_empty()), header.len()));
                    header.iter().chain(rows.iter().flatten()).for_each(|c| inlines(c, s));
                }
                _ => {}
            }
        }
    }
    let mut s = Shown::default();
    for b in page.blocks.iter().filter(|b| !b.pre_block) {
        nodes(&b.body, &mut s);
    }
    s
}

/// The same, as pulldown-cmark reads the Markdown.
fn shown_in_markdown(md: &str) -> Shown {
    let mut s = Shown::default();
    let (mut code, mut image, mut rows, mut cols) = (None::<String>, None::<String>, 0, 0);
    let options = CmOptions::ENABLE_TABLES | CmOptions::ENABLE_STRIKETHROUGH | CmOptions::ENABLE_FOOTNOTES;
    for e in Parser::new_ext(md, options) {
        match e {
            Event::Start(Tag::CodeBlock(_)) => code = Some(String::new()),
            Event::End(TagEnd::CodeBlock) => s.code.extend(code.take().map(|c| c.trim_end_matches('\n').to_string())),
            Event::Start(Tag::Image { .. }) => image = Some(String::new()),
            Event::End(TagEnd::Image) => s.images.extend(image.take()),
            Event::Start(Tag::Link { dest_url, .. }) => s.links.push(dest_url.to_string()),
            Event::Start(Tag::Table(a)) => (rows, cols) = (0, a.len()),
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => rows += 1,
            Event::End(TagEnd::Table) => s.tables.push((rows, cols)),
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = code.as_mut() {
                    c.push_str(&t);
                } else if let Some(i) = image.as_mut() {
                    i.push_str(&t);
                }
            }
            _ => {}
        }
    }
    s
}

/// Every page's Markdown, read back by pulldown-cmark, holds what the page's blocks show:
/// each code block with its text, each image with its text, each web link's address, each
/// table with its rows and columns (a page can show more: references bring other blocks).
#[test]
fn rendered_pages_hold_what_the_ir_shows() {
    fn holds<T: PartialEq + Clone + std::fmt::Debug>(have: &[T], want: &[T]) -> Result<(), T> {
        let mut left = have.to_vec();
        for w in want {
            match left.iter().position(|h| h == w) {
                Some(k) => {
                    left.remove(k);
                }
                None => return Err(w.clone()),
            }
        }
        Ok(())
    }
    let (_generated, graphs) = common::whole_graphs();
    let mut inputs: Vec<String> =
        ["fixtures/seed", "fixtures/cases/blocks", "fixtures/cases/inline", "fixtures/cases/refs"]
            .map(String::from)
            .to_vec();
    inputs.extend(graphs.iter().map(|g| g.to_string_lossy().into_owned()));
    for input in &inputs {
        let (graph, artifacts) = export(input);
        let mut counted = Shown::default();
        for (i, page) in graph.pages.iter().enumerate() {
            let md = String::from_utf8(artifacts[i].bytes.clone()).unwrap();
            let (want, have) = (shown_in_ir(page), shown_in_markdown(&md));
            let at = format!("{input}: {}", page.file);
            holds(&have.code, &want.code).unwrap_or_else(|c| panic!("{at}: code block {c:?} not in\n{md}"));
            holds(&have.images, &want.images).unwrap_or_else(|c| panic!("{at}: image {c:?} not in\n{md}"));
            holds(&have.links, &want.links).unwrap_or_else(|c| panic!("{at}: link {c:?} not in\n{md}"));
            holds(&have.tables, &want.tables).unwrap_or_else(|c| panic!("{at}: table {c:?} not in\n{md}"));
            counted.code.extend(want.code);
            counted.images.extend(want.images);
            counted.links.extend(want.links);
            counted.tables.extend(want.tables);
        }
        eprintln!(
            "{input}: {} code blocks, {} images, {} links, {} tables found again",
            counted.code.len(),
            counted.images.len(),
            counted.links.len(),
            counted.tables.len()
        );
    }
}
