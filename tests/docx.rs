//! The Word exporter: reproducible bytes, the unzipped document XML as a golden, no markup leaks.

mod common;

use notes_export::export::{self, Options};
use std::io::Read;

fn build(input: &str, worksheet: bool) -> Vec<u8> {
    let loaded = notes_export::load(std::path::Path::new(input)).unwrap();
    let mut o = Options::default();
    o.docx.worksheet = worksheet;
    export::by_name("docx").unwrap().export(&loaded.graph, &o).unwrap().artifacts.remove(0).bytes
}

fn part(docx: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// The text of every `<w:t>` element.
fn text_of(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(i) = rest.find("<w:t") {
        let after = &rest[i..];
        let Some(open_end) = after.find('>') else { break };
        if after[..open_end].ends_with('/') || !(after[4..].starts_with('>') || after[4..].starts_with(' ')) {
            rest = &after[open_end..];
            continue;
        }
        let body = &after[open_end + 1..];
        let close = body.find("</w:t>").unwrap_or(body.len());
        out.push_str(&body[..close]);
        out.push('\n');
        rest = &body[close..];
    }
    out
}

#[test]
fn same_notes_same_bytes() {
    let a = build("fixtures/seed", false);
    // A larger document between the two leaves nothing behind in the process.
    let generated = common::generated_graph(40);
    let _ = build(generated.graph.to_str().unwrap(), false);
    let b = build("fixtures/seed", false);
    assert_eq!(a, b, "two documents built in one process are identical");
    assert_eq!(build("fixtures/seed", true), build("fixtures/seed", true));

    let dir = common::tempdir();
    let (x, y) = (dir.path().join("x.docx"), dir.path().join("y.docx"));
    for p in [&x, &y] {
        let o = common::run(&["docx", "fixtures/seed", "-o", p.to_str().unwrap()]);
        assert!(o.status.success(), "{}", common::stderr(&o));
    }
    assert_eq!(std::fs::read(&x).unwrap(), std::fs::read(&y).unwrap(), "two runs are identical");
    assert_eq!(std::fs::read(&x).unwrap(), a, "the CLI writes what the library builds");
}

#[test]
fn document_xml_golden() {
    for (name, input, worksheet) in
        [("inline", "fixtures/cases/inline", false), ("cards", "fixtures/cases/cards", true)]
    {
        let xml = part(&build(input, worksheet), "word/document.xml");
        // One paragraph or table per line keeps the golden's diffs readable.
        let readable =
            xml.replace("<w:p>", "\n<w:p>").replace("<w:tbl>", "\n<w:tbl>").replace("<w:sectPr>", "\n<w:sectPr>")
                + "\n";
        common::assert_golden(&common::root().join("tests/golden").join(name).join("document.xml"), &readable);
    }
}

#[test]
fn no_markup_leaks() {
    for input in ["fixtures/seed", "fixtures/cases/refs", "fixtures/cases/cards"] {
        let text = text_of(&part(&build(input, false), "word/document.xml"));
        for bad in ["((", "id::", "[[", "{:height", "{{embed", "collapsed::"] {
            assert!(!text.contains(bad), "{input}: {bad} in {text}");
        }
    }
    let seed = text_of(&part(&build("fixtures/seed", false), "word/document.xml"));
    assert!(seed.contains("strong demand → Developers"));
    assert!(seed.contains("$100B+ annual revenue"));
}

/// The paragraphs of a document with their style ids, in order: (style, text).
fn paragraphs(xml: &str) -> Vec<(String, String)> {
    xml.split("<w:p>")
        .skip(1)
        .map(|p| {
            let p = p.split("</w:p>").next().unwrap_or("");
            let style = p.split("<w:pStyle w:val=\"").nth(1).and_then(|s| s.split('"').next()).unwrap_or("");
            let tabs = p.replace("<w:tab/>", "<w:t>\t</w:t>");
            (style.to_string(), text_of(&tabs).replace('\n', "").trim_end_matches(' ').to_string())
        })
        .collect()
}

fn with_style<'a>(paras: &'a [(String, String)], style: &str) -> Vec<&'a str> {
    paras.iter().filter(|(s, _)| s == style).map(|(_, t)| t.as_str()).collect()
}

fn worksheet_of(text: &str, configure: impl Fn(&mut Options)) -> String {
    let loaded = common::one_page(text);
    let mut o = Options::default();
    o.docx.worksheet = true;
    configure(&mut o);
    let bytes = export::by_name("docx").unwrap().export(&loaded.graph, &o).unwrap().artifacts.remove(0).bytes;
    part(&bytes, "word/document.xml")
}

/// The bundled notes have no tagged card: the worksheet asks their 10 outline cards, each
/// block over one numbered line per child, and the key holds the 10 answers.
#[test]
fn the_seed_worksheet_asks_its_outline_cards() {
    let xml = part(&build("fixtures/seed", true), "word/document.xml");
    let paras = paragraphs(&xml);
    let prompts = with_style(&paras, "Prompt");
    assert_eq!(prompts.len(), 10, "{prompts:#?}");
    assert_eq!(prompts[0], "1.\tHow AWS started");
    assert_eq!(prompts[9], "10.\tConclusion / Takeaways");
    assert_eq!(with_style(&paras, "Answer").len(), 10);
    assert!(!xml.contains("BlankNumber"), "no blank without a cloze");
    // "How AWS started" has six children: six numbered lines, each with its rule.
    let first = paras.iter().position(|(s, _)| s == "Prompt").unwrap();
    let numbered: Vec<&str> = paras[first + 1..]
        .iter()
        .take_while(|(s, _)| s == "AnswerLine")
        .map(|(_, t)| t.as_str())
        .filter(|t| !t.starts_with('\t'))
        .collect();
    assert_eq!(numbered, ["1.\t\t", "2.\t\t", "3.\t\t", "4.\t\t", "5.\t\t", "6.\t\t"]);
    // The instructions, since there is something to fill in; the key after a page break.
    assert!(paras.iter().any(|(s, t)| s == "Subtitle" && t.starts_with("Fill in")));
    let key = xml.split("Answer key").nth(1).unwrap();
    assert!(key.contains("Wanted to create a shared infrastructure"), "an answer holds the children");
}

/// A worksheet asks what the deck asks: one prompt per note, for every card mode.
#[test]
fn a_worksheet_asks_what_the_deck_asks() {
    use notes_export::export::cards::CardMode;
    for input in ["fixtures/seed", "fixtures/cases/cards"] {
        let loaded = notes_export::load(std::path::Path::new(input)).unwrap();
        for mode in [CardMode::Auto, CardMode::Tagged, CardMode::Outline] {
            let mut o = Options::default();
            o.cards = mode;
            let deck = export::by_name("anki").unwrap().export(&loaded.graph, &o).unwrap();
            let notes: usize = deck.summary.split(' ').next().unwrap().parse().unwrap();
            o.docx.worksheet = true;
            let sheet = export::by_name("docx").unwrap().export(&loaded.graph, &o).unwrap();
            let paras = paragraphs(&part(&sheet.artifacts[0].bytes, "word/document.xml"));
            assert_eq!(with_style(&paras, "Prompt").len(), notes, "{input} {mode:?}: {}", deck.summary);
        }
    }
}

/// Each kind of card as its prompt: a cloze is a numbered blank (with its hint), a question
/// gets ruled lines for its answer's length, an outline card a numbered line per child.
#[test]
fn worksheet_prompts_by_kind() {
    let long = "word ".repeat(60);
    let page = format!(
        "- Most apples are {{{{cloze red \\\\ color}}}} and {{{{cloze **round**}}}}.\n\
         - What is short? #card\n\t- this\n\
         - What is long? #card\n\t- {long}\n\
         - Plain block\n\t- not a card\n"
    );
    let xml = worksheet_of(&page, |_| {});
    let paras = paragraphs(&xml);
    let prompts = with_style(&paras, "Prompt");
    assert_eq!(prompts.len(), 3, "{prompts:#?}");
    assert!(prompts[0].starts_with("Most apples are 1") && prompts[0].contains("[color]"), "{}", prompts[0]);
    assert!(!prompts[0].contains("red") && !prompts[0].contains("round"), "{}", prompts[0]);
    assert_eq!(prompts[1], "3.\tWhat is short?", "the #card tag is not in the question");
    let lines_after = |k: usize| {
        let at = paras.iter().position(|(_, t)| t == prompts[k]).unwrap();
        paras[at + 1..].iter().take_while(|(s, _)| s == "AnswerLine").count()
    };
    assert_eq!(lines_after(1), 2, "at least two lines");
    assert!(lines_after(2) >= 5, "a 300-character answer needs more: {}", lines_after(2));
    // The key: 1 red, 2 round (still bold), 3 this, 4 the long one.
    let key = xml.split("Answer key").nth(1).unwrap();
    let answers = with_style(&paragraphs(key), "Answer").into_iter().map(String::from).collect::<Vec<_>>();
    assert_eq!(answers[..3], ["1.\tred", "2.\tround", "3.\tWhat is short?"]);
    assert_eq!(answers.len(), 4);
    let round = key.split("<w:p>").find(|p| p.contains(">round<")).unwrap();
    assert!(round.contains("<w:b/>"), "the key keeps the answer's formatting: {round}");
    assert!(key.contains(">this<"), "a question's answer is its children");
    // Blanks are sized for a hand: at least 2.5 cm of no-break spaces (50 twips each).
    let blank = xml.split("<w:rStyle w:val=\"Blank\"/>").nth(1).unwrap();
    let gap = blank.split("preserve\">").nth(1).unwrap().split('<').next().unwrap();
    assert!(gap.chars().count() * 50 >= 1417, "{}", gap.chars().count());
    // With `--cards outline`, the plain block is asked too, a line per child.
    let outline = paragraphs(&worksheet_of(&page, |o| o.cards = notes_export::export::cards::CardMode::Outline));
    assert!(with_style(&outline, "Prompt").iter().any(|p| p.ends_with("Plain block")));
}

/// `--blanks bold`: a bold phrase inside a longer sentence is a blank; a whole bold block and
/// a `Label:` at the start are not.
#[test]
fn bold_blanks_only_inside_sentences() {
    use notes_export::export::docx::Blanks;
    let page = "- Cells make **ATP** in mitochondria\n- **Syntax:** write it so\n- **Notice**: this\n- **A whole bold block**\n- What? #card\n\t- **kept bold**\n";
    let xml = worksheet_of(page, |o| o.docx.blanks = Blanks::Bold);
    let paras = paragraphs(&xml);
    let prompts = with_style(&paras, "Prompt");
    assert_eq!(prompts.len(), 2, "{prompts:#?}");
    assert!(prompts.iter().any(|p| p.starts_with("Cells make 1") && p.ends_with("in mitochondria")), "{prompts:#?}");
    let plain = paragraphs(&worksheet_of(page, |_| {}));
    assert_eq!(with_style(&plain, "Prompt").len(), 1, "without --blanks bold only the card");
}

/// The instructions appear only when there is something to fill in.
#[test]
fn no_instructions_without_prompts() {
    let xml = worksheet_of("- just text\n- more text\n", |o| o.cards = notes_export::export::cards::CardMode::Tagged);
    let paras = paragraphs(&xml);
    assert!(!paras.iter().any(|(_, t)| t.starts_with("Fill in")), "{paras:#?}");
    assert!(paras.iter().any(|(_, t)| t.starts_with("Nothing to fill in")), "{paras:#?}");
    assert!(!xml.contains("Answer key"));
}

/// `--paper` sets the page size (twentieths of a point: A4 210 × 297 mm, Letter 8.5 × 11 in)
/// and `--show-tags` writes tags, which handouts otherwise leave out.
#[test]
fn paper_and_tags() {
    use notes_export::export::docx::Paper;
    let loaded = common::one_page("- cells #biology\n");
    let doc = |paper: Paper, show_tags: bool| {
        let mut o = Options::default();
        o.docx.paper = paper;
        o.docx.show_tags = show_tags;
        let bytes = export::by_name("docx").unwrap().export(&loaded.graph, &o).unwrap().artifacts.remove(0).bytes;
        part(&bytes, "word/document.xml")
    };
    let a4 = doc(Paper::A4, false);
    assert!(a4.contains(r#"<w:pgSz w:w="11906" w:h="16838"/>"#), "{a4}");
    assert!(text_of(&a4).contains("cells") && !a4.contains("biology"), "{a4}");
    let letter = doc(Paper::Letter, true);
    assert!(letter.contains(r#"<w:pgSz w:w="12240" w:h="15840"/>"#), "{letter}");
    assert!(text_of(&letter).contains("#biology"), "{letter}");
}

/// An image Word cannot show becomes a placeholder, with a warning at the image itself, in
/// its own page even when another page embeds its block.
#[test]
fn unsupported_image_is_reported_where_it_is() {
    let dir = common::tempdir();
    for sub in ["pages", "assets"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
    }
    std::fs::write(
        dir.path().join("assets/plot.svg"),
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>"#,
    )
    .unwrap();
    let uuid = "6571a1b2-0000-4000-8000-000000000002";
    std::fs::write(dir.path().join("pages/A.md"), format!("- {{{{embed (({uuid}))}}}}\n")).unwrap();
    std::fs::write(
        dir.path().join("pages/B.md"),
        format!("- x\n- a figure\n  see ![scan](../assets/plot.svg)\n  id:: {uuid}\n"),
    )
    .unwrap();
    let loaded = notes_export::load(dir.path()).unwrap();
    let mut o = Options::default();
    o.docx.group = notes_export::export::docx::HandoutGroup::Page;
    let out = export::by_name("docx").unwrap().export(&loaded.graph, &o).unwrap();
    // Reading says it, once, at the image (so every command says it); Word adds nothing.
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    let read = loaded.reading_diagnostics(None);
    let said: Vec<_> =
        read.iter().map(|d| (d.file.rsplit("pages/").next().unwrap(), d.line, d.col, d.code.as_str())).collect();
    assert_eq!(said, [("B.md", 3, 7, "unsupported-image")]);
    let a = out.artifacts.iter().find(|a| a.path.to_string_lossy().starts_with('A')).unwrap();
    assert!(text_of(&part(&a.bytes, "word/document.xml")).contains("[image: scan]"));
}

/// What a handout leaves out is noted (shown with `-v`) where it is: a query macro at its
/// column, a query block at its block's line.
#[test]
fn left_out_queries_are_noted() {
    let loaded = common::one_page(
        "- intro\n- open {{query (todo now)}}\n- #+BEGIN_QUERY\n  {:query [:find ?b]}\n  #+END_QUERY\n",
    );
    let mut out = export::by_name("docx").unwrap().export(&loaded.graph, &Options::default()).unwrap();
    notes_export::diag::normalize(&mut out.diagnostics);
    let said: Vec<_> = out.diagnostics.iter().map(|d| (d.file.as_str(), d.line, d.col, d.code.as_str())).collect();
    assert_eq!(said, [("pages/p.md", 2, 8, "macro-dropped"), ("pages/p.md", 3, 1, "query-dropped")]);
}

/// Footnotes are Word's: a mark where `[^label]` is, the text in the footnotes part (after
/// Word's separators), not in place; a second mark refers to the first note; a mark without a
/// footnote stays as written; a footnote no mark calls stays where it is; a document without
/// footnotes has no footnotes part.
#[test]
fn footnotes_are_word_footnotes() {
    let docx = build("fixtures/cases/inline", false);
    let (doc, notes) = (part(&docx, "word/document.xml"), part(&docx, "word/footnotes.xml"));
    // The page's two footnotes, and the addresses of its two labelled web links.
    assert_eq!(doc.matches("<w:footnoteReference w:id=").count(), 4);
    assert!(notes.contains("<w:footnote w:type=\"separator\" w:id=\"-1\">"), "{notes}");
    assert!(notes.contains("<w:footnote w:type=\"continuationSeparator\" w:id=\"0\">"), "{notes}");
    assert_eq!(notes.matches("<w:footnoteRef/>").count(), 4);
    let text = text_of(&notes);
    for said in
        ["The first footnote, with ", "bold", " (https://example.org/fn)", "A named footnote", "whose text runs on."]
    {
        assert!(text.contains(said), "{said:?} in {text}");
    }
    assert!(text_of(&doc).contains("[^none]"));
    assert!(!text_of(&doc).contains("A named footnote"), "the text is not in place too");
    assert!(part(&docx, "word/_rels/document.xml.rels").contains("Target=\"footnotes.xml\""));
    assert!(part(&docx, "[Content_Types].xml").contains("/word/footnotes.xml"));

    // A footnote marked twice is one note; the second mark shows its number through a field.
    let dir = common::tempdir();
    std::fs::create_dir(dir.path().join("pages")).unwrap();
    let page = "- a mark[^x] and again[^x]\n- [^x]: the footnote\n";
    std::fs::write(dir.path().join("pages/p.md"), page).unwrap();
    let docx = build(dir.path().to_str().unwrap(), false);
    let doc = part(&docx, "word/document.xml");
    assert_eq!(part(&docx, "word/footnotes.xml").matches("<w:footnoteRef/>").count(), 1);
    assert_eq!(doc.matches("<w:footnoteReference w:id=\"1\"/>").count(), 1);
    assert!(doc.contains("<w:bookmarkStart w:id=\"1\" w:name=\"_Footnote1\"/>"), "{doc}");
    assert!(doc.contains("<w:instrText xml:space=\"preserve\"> NOTEREF _Footnote1 \\f \\h </w:instrText>"), "{doc}");

    std::fs::write(dir.path().join("pages/p.md"), "- text\n- [^x]: a footnote no mark calls\n").unwrap();
    let docx = build(dir.path().to_str().unwrap(), false);
    assert!(text_of(&part(&docx, "word/document.xml")).contains("a footnote no mark calls"));
    let names: Vec<String> =
        zip::ZipArchive::new(std::io::Cursor::new(&docx)).unwrap().file_names().map(str::to_string).collect();
    assert!(!names.iter().any(|n| n.contains("footnotes")), "{names:?}");
    assert!(!part(&docx, "[Content_Types].xml").contains("footnotes"));
}

/// A task's dates are printed under it, as Logseq shows them.
#[test]
fn task_dates_are_printed_under_the_task() {
    let dir = common::tempdir();
    std::fs::create_dir(dir.path().join("pages")).unwrap();
    let page = "- TODO Hand in essay\n  SCHEDULED: <2024-01-05 Fri>\n  DEADLINE: <2024-01-12 Fri>\n";
    std::fs::write(dir.path().join("pages/p.md"), page).unwrap();
    let text = text_of(&part(&build(dir.path().to_str().unwrap(), false), "word/document.xml"));
    assert!(text.contains("Hand in essay\nScheduled: Fri 5 Jan 2024\nDeadline: Fri 12 Jan 2024"), "{text}");
}

/// Task states other than to do and done, and priorities, print as short labels after the box.
#[test]
fn task_states_and_priorities_are_labels() {
    let dir = common::tempdir();
    std::fs::create_dir(dir.path().join("pages")).unwrap();
    let page = "- NOW [#A] Call\n- DOING Write\n- WAITING Reply\n- CANCELED Trip\n- TODO Plain\n- DONE Over\n";
    std::fs::write(dir.path().join("pages/p.md"), page).unwrap();
    let text = text_of(&part(&build(dir.path().to_str().unwrap(), false), "word/document.xml"));
    for want in [
        "☐ \nNow, Priority A\u{2002}\nCall",
        "☐ \nDoing\u{2002}\nWrite",
        "☐ \nWaiting\u{2002}\nReply",
        "☒ \nCanceled\u{2002}\nTrip",
        "☐ \nPlain",
        "☑ \nOver",
    ] {
        assert!(text.contains(want), "{want:?} in {text}");
    }
}

/// A heading block's body (table, code, callout, lines under the heading line) is set under
/// its Word heading, which holds only the heading line.
#[test]
fn a_heading_block_keeps_its_body() {
    let loaded = common::one_page(
        "- ## Tasks\n  | a | b |\n  |---|---|\n  | 1 | 2 |\n  ```js\n  let x = 1;\n  ```\n  Paragraph one.\n\
         - ### Heading\n  Paragraph two.\n  #+BEGIN_NOTE\n  A note\n  #+END_NOTE\n",
    );
    let bytes =
        export::by_name("docx").unwrap().export(&loaded.graph, &Options::default()).unwrap().artifacts.remove(0).bytes;
    let xml = part(&bytes, "word/document.xml");
    let text = text_of(&xml);
    for words in ["Tasks", "a", "b", "1", "2", "let x = 1;", "Paragraph one.", "Heading", "Paragraph two.", "A note"] {
        assert!(text.lines().any(|l| l == words || l.ends_with(words)), "{words} missing from {text}");
    }
    // The heading paragraph holds the heading line and nothing after it.
    let heading = xml.split("<w:p>").find(|p| p.contains("w:val=\"Heading2\"") && p.contains("Heading<")).unwrap();
    assert!(!heading.contains("Paragraph two"), "{heading}");
    assert!(xml.contains("<w:tbl>"), "the table is a table");
}

fn document_of(text: &str, worksheet: bool, show_tags: bool) -> String {
    let loaded = common::one_page(text);
    let mut o = Options::default();
    o.docx.worksheet = worksheet;
    o.docx.show_tags = show_tags;
    let bytes = export::by_name("docx").unwrap().export(&loaded.graph, &o).unwrap().artifacts.remove(0).bytes;
    text_of(&part(&bytes, "word/document.xml"))
}

/// A tag inside a sentence is one of its words and is printed; tags after the text label the
/// block and are left out unless asked for.
#[test]
fn tags_in_a_sentence_are_words() {
    let page = "- Type < to kick off #autocompletion and list #label #[[two words]]\n- **Removal of #tags**: removes them\n- #[[Snap to grid]] in whiteboards\n";
    let text = document_of(page, false, false).replace('\n', "");
    assert!(text.contains("to kick off #autocompletion and list"), "{text}");
    assert!(!text.contains("label") && !text.contains("two words"), "{text}");
    assert!(text.contains("Removal of #tags"), "{text}");
    assert!(text.contains("#Snap to grid in whiteboards"), "{text}");
    let shown = document_of(page, false, true).replace('\n', "");
    assert!(shown.contains("#label") && shown.contains("#two words"), "{shown}");
}

/// A cloze's hint follows its answer in the handout and its blank in the worksheet.
#[test]
fn a_cloze_hint_is_printed() {
    let page = "- Most apples are {{cloze red \\\\ color}}.\n";
    assert!(document_of(page, false, false).replace('\n', "").contains("Most apples are red (color)."));
    let sheet = document_of(page, true, false);
    assert!(sheet.contains(" [color]") && !sheet.split("Answer key").next().unwrap().contains("red\n"), "{sheet}");
}

/// No empty bullet: a block of properties or an embed alone gives its place to what it holds
/// (at its own level), and a picture without a description is the item itself.
#[test]
fn no_empty_bullets() {
    let dir = common::graph_of(&[
        ("pages/E.md", "- {{embed [[Other]]}}\n- key:: value\n\t- child of props\n- ![](../assets/pic.png)\n- text\n"),
        ("pages/Other.md", "- other one\n\t- other two\n"),
    ]);
    std::fs::create_dir(dir.path().join("assets")).unwrap();
    std::fs::copy("fixtures/cases/inline/assets/pic.png", dir.path().join("assets/pic.png")).unwrap();
    let loaded = notes_export::load(dir.path()).unwrap();
    let mut o = Options::default();
    o.pages = Some(loaded.graph.pages.iter().map(|p| p.title == "E").collect());
    let bytes = export::by_name("docx").unwrap().export(&loaded.graph, &o).unwrap().artifacts.remove(0).bytes;
    let xml = part(&bytes, "word/document.xml");
    let items: Vec<(&str, bool)> = xml
        .split("<w:p>")
        .filter(|p| p.contains("<w:numPr>"))
        .map(|p| (p, p.contains("<w:t") || p.contains("<w:drawing>")))
        .collect();
    assert!(items.iter().all(|(_, shown)| *shown), "an empty bullet: {xml}");
    let level = |text: &str| {
        let p = items.iter().find(|(p, _)| p.contains(&format!(">{text}<"))).unwrap().0;
        p.split("<w:ilvl w:val=\"").nth(1).unwrap().chars().next().unwrap()
    };
    assert_eq!((level("other one"), level("other two"), level("child of props"), level("text")), ('0', '1', '0', '0'));
}

/// A file the notes link prints as its label and, on paper, which file it is.
#[test]
fn files_print_their_names() {
    let dir = common::files_graph();
    let text = build(dir.path().join("pages/F.md").to_str().unwrap(), false);
    let text = text_of(&part(&text, "word/document.xml")).replace('\n', "");
    assert!(text.contains("doc.pdfsee the doc [doc.pdf] nowtalk [talk.mp3]a"), "{text}");
}

/// Raw HTML prints as what it means: `<kbd>` as code, `<sub>`/`<sup>`, `<u>`, `<mark>`, `<br>`,
/// a frame as a link to its source; other markup is left out with its text kept (and noted
/// with `-v` when it meant something).
#[test]
fn raw_html_prints_as_formatting() {
    let loaded = common::one_page(
        "- Press <kbd>Ctrl</kbd>, H<sub>2</sub>O, x<sup>2</sup>, <u>under</u>, <mark>hi</mark><br>next <span class=\"x\">kept</span>\n- <div>block <b>bold</b></div>\n- <iframe src=\"https://example.org/v\"></iframe>\n- <details>folded</details>\n",
    );
    let out = export::by_name("docx").unwrap().export(&loaded.graph, &Options::default()).unwrap();
    let xml = part(&out.artifacts[0].bytes, "word/document.xml");
    let text = text_of(&xml);
    assert!(!text.contains('<') && !text.contains("&lt;"), "no markup is printed: {text}");
    for (style, word) in [
        ("<w:rStyle w:val=\"VerbatimChar\"/>", "Ctrl"),
        ("<w:vertAlign w:val=\"subscript\"/>", "2"),
        ("<w:vertAlign w:val=\"superscript\"/>", "2"),
        ("<w:u w:val=\"single\"/>", "under"),
        ("<w:highlight w:val=\"yellow\"/>", "hi"),
        ("<w:b/>", "bold"),
    ] {
        assert!(xml.contains(&format!("{style}</w:rPr><w:t xml:space=\"preserve\">{word}</w:t>")), "{word}: {xml}");
    }
    assert!(xml.contains("<w:br/></w:r><w:r><w:t xml:space=\"preserve\">next </w:t>"), "{xml}");
    assert!(text.contains("kept") && text.contains("folded") && text.contains("https://example.org/v"), "{text}");
    let noted: Vec<&str> = out.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(noted, ["html-dropped"], "only <details> meant something: {:?}", out.diagnostics);
}

/// A link shows only its label on paper: its address goes in a footnote (once per address; a
/// second link to it marks the same note), or in brackets after it, or nowhere; a link whose
/// label is its address needs neither.
#[test]
fn link_addresses_are_printed() {
    use notes_export::export::docx::LinkAddresses;
    let loaded = common::one_page(
        "- See [the docs](https://docs.example.org/x) and [again](https://docs.example.org/x), https://example.org and [mail](mailto:a@b.c)\n",
    );
    // The document's XML, and its footnotes' text.
    let docx = |mode: LinkAddresses| {
        let mut o = Options::default();
        o.docx.link_addresses = mode;
        let out = export::by_name("docx").unwrap().export(&loaded.graph, &o).unwrap();
        let bytes = &out.artifacts[0].bytes;
        let notes = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap().by_name("word/footnotes.xml").is_ok();
        let notes = if notes { text_of(&part(bytes, "word/footnotes.xml")) } else { String::new() };
        (part(bytes, "word/document.xml"), notes)
    };
    let (doc, notes) = docx(LinkAddresses::Footnote);
    assert_eq!(notes.matches("https://docs.example.org/x").count(), 1, "{notes}");
    assert!(notes.contains("a@b.c") && !notes.contains("https://example.org\n"), "{notes}");
    assert_eq!(doc.matches("<w:footnoteReference").count(), 2, "{doc}");
    assert!(doc.contains("NOTEREF _Footnote1"), "the second link marks the first note again");
    let (doc, _) = docx(LinkAddresses::Inline);
    assert!(text_of(&doc).contains("the docs\n (https://docs.example.org/x)"), "{}", text_of(&doc));
    let (doc, notes) = docx(LinkAddresses::None);
    assert!(!text_of(&doc).contains("(https://docs") && notes.is_empty());
}

/// A document of the page `text`, with `assets/pic.png` (40 × 60 px) beside it.
fn handout_with_pic(text: &str, configure: impl Fn(&mut Options)) -> String {
    let dir = common::graph_of(&[("pages/P.md", text)]);
    std::fs::create_dir(dir.path().join("assets")).unwrap();
    std::fs::copy("fixtures/cases/inline/assets/pic.png", dir.path().join("assets/pic.png")).unwrap();
    let loaded = notes_export::load(dir.path()).unwrap();
    let mut o = Options::default();
    configure(&mut o);
    let bytes = export::by_name("docx").unwrap().export(&loaded.graph, &o).unwrap().artifacts.remove(0).bytes;
    part(&bytes, "word/document.xml")
}

/// Every `<wp:extent cx cy>` of a document, in EMU.
fn extents(xml: &str) -> Vec<(u64, u64)> {
    xml.split("<wp:extent cx=\"")
        .skip(1)
        .map(|e| {
            let mut n = e.split('"').step_by(2).map(|v| v.parse::<u64>().unwrap());
            (n.next().unwrap(), n.next().unwrap())
        })
        .collect()
}

/// A4's text area: 17 × 25.7 cm, in EMU.
const TEXT_W: u64 = (11906 - 2 * 1134) * 635;
const TEXT_H: u64 = (16838 - 2 * 1134) * 635;

/// An image is capped to the width left at its list level, and to 40% of the text height
/// (`--image-max-height`) so that a tall one rarely leaves half a page empty.
#[test]
fn images_fit_their_indent_and_the_height_cap() {
    let page = "- top ![wide](../assets/pic.png){:width 4000, :height 100}\n\t- a\n\t\t- deep ![wide](../assets/pic.png){:width 4000, :height 100}\n- ![tall](../assets/pic.png){:height 3000}\n";
    let sizes = extents(&handout_with_pic(page, |_| {}));
    assert_eq!(sizes.len(), 3);
    // list_indent: 360 twips + 360 a level.
    assert_eq!(sizes[0].0, TEXT_W - 360 * 635, "level 0");
    assert_eq!(sizes[1].0, TEXT_W - 1080 * 635, "level 2 is narrower still");
    assert_eq!(sizes[2].1, TEXT_H * 40 / 100, "a tall image: 40% of the text height");
    // The aspect ratio (40 × 60) is kept.
    assert_eq!(sizes[2].0, sizes[2].1 * 40 / 60);
    let capped = extents(&handout_with_pic(page, |o| o.docx.image_max_height = "5cm".parse().unwrap()));
    assert_eq!(capped[2].1, 1_800_000);
    let share = extents(&handout_with_pic(page, |o| o.docx.image_max_height = "25%".parse().unwrap()));
    assert_eq!(share[2].1, TEXT_H / 4);
}

/// A table is indented to its list level and its columns are as wide as their text.
#[test]
fn tables_sit_at_their_level_sized_by_content() {
    let page =
        "- outer\n\t- | Id | Description |\n\t  |---|---|\n\t  | 1 | a much longer cell with several words in it |\n";
    let xml = handout_with_pic(page, |_| {});
    assert!(xml.contains("<w:tblInd w:w=\"720\" w:type=\"dxa\"/>"), "level 1: {xml}");
    let cols: Vec<u32> =
        xml.split("<w:gridCol w:w=\"").skip(1).map(|c| c.split('"').next().unwrap().parse().unwrap()).collect();
    assert_eq!(cols.len(), 2);
    assert!(cols[0] * 4 < cols[1], "the short column is narrow: {cols:?}");
    assert!(cols.iter().sum::<u32>() <= 11906 - 2 * 1134 - 720, "within the margin: {cols:?}");
}

/// A callout or quote whose body is a list keeps its box (Block Text) and its label, each
/// item marked in a hanging indent.
#[test]
fn a_callout_with_a_list_keeps_its_box_and_label() {
    let page = "- Setup\n\t- #+BEGIN_TIP\n\t  1. Install it\n\t  2. Run it\n\t     - with care\n\t  #+END_TIP\n\t- > - quoted item\n";
    let paras = paragraphs(&handout_with_pic(page, |_| {}));
    let boxed = with_style(&paras, "BlockText");
    assert_eq!(boxed, ["Tip:", "1.\tInstall it", "2.\tRun it", "◦\twith care", "•\tquoted item"], "{paras:#?}");
}

/// LaTeX is written as Word equations: inline math as `m:oMath` in its sentence, a block's
/// display math as an `m:oMathPara`, in footnotes too; a formula with a command Word cannot
/// hold is printed as written, and the command named.
#[test]
fn math_is_word_equations() {
    let loaded = notes_export::load(std::path::Path::new("fixtures/cases/math")).unwrap();
    let out = export::by_name("docx").unwrap().export(&loaded.graph, &Options::default()).unwrap();
    let xml = part(&out.artifacts[0].bytes, "word/document.xml");
    assert!(xml.contains("xmlns:m=\"http://schemas.openxmlformats.org/officeDocument/2006/math\""));
    // Every formula but the unsupported one; the footnote's is in the footnotes part.
    let source = std::fs::read_to_string("fixtures/cases/math/pages/Math.md").unwrap();
    let formulas = source.matches('$').count() / 2 - source.matches("$$").count() / 2;
    assert_eq!(xml.matches("<m:oMath>").count(), formulas - 2, "{formulas}");
    assert!(part(&out.artifacts[0].bytes, "word/footnotes.xml").contains("<m:f>"));
    let text = text_of(&xml);
    assert!(!text.contains("\\frac") && !text.contains("\\sum"), "{text}");
    assert!(text.contains("\\color{red}{x}"), "the formula Word cannot hold, as written");
    let warned: Vec<&str> = out.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(warned.iter().any(|m| m.starts_with("\\color cannot be written as a Word equation")), "{warned:?}");
    assert!(xml.contains("<m:nary><m:naryPr><m:chr m:val=\"∑\"/>"));
}

/// A small reference document as Word writes one: Word 2010 markup marked ignorable, a
/// localized id for "heading 1", a header with a picture, its own page size.
fn reference_docx(path: &std::path::Path) {
    use std::io::Write;
    const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    const MC: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";
    const W14: &str = "http://schemas.microsoft.com/office/word/2010/wordml";
    const PR: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
    let wml = "application/vnd.openxmlformats-officedocument.wordprocessingml";
    let parts: Vec<(&str, Vec<u8>)> = vec![
        ("[Content_Types].xml", format!(r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Override PartName="/word/document.xml" ContentType="{wml}.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="{wml}.styles+xml"/><Override PartName="/word/header1.xml" ContentType="{wml}.header+xml"/></Types>"#).into_bytes()),
        ("_rels/.rels", format!(r#"<?xml version="1.0"?><Relationships xmlns="{PR}"><Relationship Id="rId1" Type="{R}/officeDocument" Target="word/document.xml"/></Relationships>"#).into_bytes()),
        ("word/_rels/document.xml.rels", format!(r#"<?xml version="1.0"?><Relationships xmlns="{PR}"><Relationship Id="rId1" Type="{R}/styles" Target="styles.xml"/><Relationship Id="rId7" Type="{R}/header" Target="header1.xml"/></Relationships>"#).into_bytes()),
        ("word/document.xml", format!(r#"<?xml version="1.0"?><w:document xmlns:w="{W}" xmlns:r="{R}" xmlns:mc="{MC}" xmlns:w14="{W14}" mc:Ignorable="w14"><w:body><w:p w14:paraId="1A2B3C4D"/><w:sectPr><w:headerReference w:type="default" r:id="rId7"/><w:pgSz w:w="10000" w:h="14000"/><w:pgMar w:top="1000" w:right="1100" w:bottom="1200" w:left="1300" w:header="500" w:footer="600" w:gutter="0"/></w:sectPr></w:body></w:document>"#).into_bytes()),
        ("word/styles.xml", format!(r#"<?xml version="1.0"?><w:styles xmlns:w="{W}" xmlns:mc="{MC}" xmlns:w14="{W14}" mc:Ignorable="w14"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Georgia" w:hAnsi="Georgia"/></w:rPr></w:rPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Standard"><w:name w:val="Normal"/><w:rPr><w14:ligatures w14:val="standard"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="heading 1"/><w:basedOn w:val="Standard"/><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial"/><w:b/></w:rPr></w:style></w:styles>"#).into_bytes()),
        ("word/header1.xml", format!(r#"<?xml version="1.0"?><w:hdr xmlns:w="{W}" xmlns:r="{R}"><w:p><w:r><w:t>Course header</w:t></w:r></w:p></w:hdr>"#).into_bytes()),
        ("word/_rels/header1.xml.rels", format!(r#"<?xml version="1.0"?><Relationships xmlns="{PR}"><Relationship Id="rId1" Type="{R}/image" Target="media/image1.png"/></Relationships>"#).into_bytes()),
        ("word/media/image1.png", std::fs::read("fixtures/cases/inline/assets/pic.png").unwrap()),
    ];
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in parts {
        zip.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(&bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// `--reference-doc`: the handout takes the template's styles (by name, whatever their ids),
/// page size and margins, and header, and stays valid (no ignorable markup copied).
#[test]
fn a_reference_document_gives_styles_page_and_header() {
    let dir = common::tempdir();
    let template = dir.path().join("template.docx");
    reference_docx(&template);
    let out = dir.path().join("out.docx");
    let o = common::run(&[
        "docx",
        "fixtures/seed",
        "--reference-doc",
        template.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let bytes = std::fs::read(&out).unwrap();
    let doc = part(&bytes, "word/document.xml");
    assert!(
        doc.contains("<w:pStyle w:val=\"berschrift1\"/>") && !doc.contains("w:val=\"Heading1\""),
        "headings use the template's id"
    );
    assert!(doc.contains("<w:pgSz w:w=\"10000\" w:h=\"14000\"/>"), "{doc}");
    assert!(doc.contains(
        "<w:pgMar w:top=\"1000\" w:right=\"1100\" w:bottom=\"1200\" w:left=\"1300\" w:header=\"500\" w:footer=\"600\""
    ));
    assert!(doc.contains("<w:headerReference w:type=\"default\" r:id=\"rIdHeader\"/>"));
    let styles = part(&bytes, "word/styles.xml");
    assert!(styles.contains("Georgia") && styles.contains("w:styleId=\"Compact\""), "the template's, with ours added");
    assert!(!styles.contains("mc:Ignorable") && !styles.contains("w14:ligatures"), "{styles}");
    assert!(part(&bytes, "word/header1.xml").contains("Course header"));
    assert!(part(&bytes, "word/_rels/header1.xml.rels").contains("Target=\"media/reference-header-image1.png\""));
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    assert!(z.by_name("word/media/reference-header-image1.png").is_ok());
    assert!(z.by_name("word/media/image1.jpeg").is_ok(), "the handout's own picture is kept apart");
    let types = part(&bytes, "[Content_Types].xml");
    assert!(types.contains("Extension=\"png\"") && types.contains("/word/header1.xml"), "{types}");
    // The page is narrower: images fit its text width (10000 - 1300 - 1100 twips).
    let widths = extents(&doc);
    assert!(widths.iter().all(|(cx, _)| *cx <= (10000 - 2400) * 635), "{widths:?}");
    // Not a Word document: a usage error naming it, nothing written.
    let bad = common::run(&[
        "docx",
        "fixtures/seed",
        "--reference-doc",
        "Cargo.toml",
        "-o",
        dir.path().join("x.docx").to_str().unwrap(),
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(common::stderr(&bad).contains("Cargo.toml: not read as a reference document"), "{}", common::stderr(&bad));
    assert!(!dir.path().join("x.docx").exists());
}

/// A labelled link to a block has no address to print: the block's text takes its place, in a
/// footnote (once, a second link marking it again) or after the label.
#[test]
fn a_link_to_a_block_prints_its_target() {
    use notes_export::export::docx::LinkAddresses;
    let page = "- The cell is the unit of life\n  id:: 6571a1b2-0000-4000-8000-000000000001\n- see [this](((6571a1b2-0000-4000-8000-000000000001))) and [again](((6571a1b2-0000-4000-8000-000000000001)))\n";
    let doc = |mode: LinkAddresses| {
        let loaded = common::one_page(page);
        let mut o = Options::default();
        o.docx.link_addresses = mode;
        let bytes = export::by_name("docx").unwrap().export(&loaded.graph, &o).unwrap().artifacts.remove(0).bytes;
        let notes = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap().by_name("word/footnotes.xml").is_ok();
        let footnotes = if notes { part(&bytes, "word/footnotes.xml") } else { String::new() };
        (part(&bytes, "word/document.xml"), footnotes)
    };
    let (xml, notes) = doc(LinkAddresses::Footnote);
    assert_eq!(notes.matches("The cell is the unit of life").count(), 1, "{notes}");
    assert_eq!(xml.matches("<w:footnoteReference").count(), 1);
    assert!(xml.contains("NOTEREF _Footnote1"), "the second link marks the same note");
    let (inline, _) = doc(LinkAddresses::Inline);
    assert!(text_of(&inline).replace('\n', "").contains("see this (The cell is the unit of life) and again (The cell"));
    let (none, notes) = doc(LinkAddresses::None);
    assert!(notes.is_empty() && text_of(&none).replace('\n', "").contains("see this and again"));
}
