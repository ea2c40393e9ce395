//! Words lost: for every page of a real graph, which words of its own text no output of that
//! page shows. An approximate, independent check of "nothing the user wrote is lost": the
//! words come from the page file's raw lines (not from the reader's IR), with what is not
//! printed text left out (property lines, ids, URLs, asset paths, macro names, queries, raw
//! HTML and hiccup lines, trailing tags); each format's output of that page alone (the graph
//! loaded whole, so references resolve) is reduced to its text and searched for every word.

use anyhow::{Context, Result};
use notes_export::export::{self, anki::CardMode, docx::HandoutGroup, Options};
use notes_export::ir::{Format, Graph};
use regex::Regex;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::sync::LazyLock;

/// The formats measured: every format of the registry, each page's output read as its kind of
/// file is (Markdown, a Word handout, an outline deck's fields, the IR's text; another
/// format's text file by its text and, for XML, its attribute values).
pub fn formats() -> Vec<&'static str> {
    export::names()
}

/// One format's losses on one graph.
#[derive(Default)]
pub struct Loss {
    pub words: usize,
    pub pages: usize,
    pub total: usize,
    /// (page file, its lost words), most first.
    pub worst: Vec<(String, Vec<String>)>,
}

/// Measures every page file of the graph at `dir` in every format.
pub fn measure(dir: &Path) -> Result<BTreeMap<&'static str, Loss>> {
    let loaded = notes_export::load(dir).with_context(|| format!("reading {}", dir.display()))?;
    let graph = &loaded.graph;
    let mut losses: BTreeMap<&'static str, Loss> = formats().into_iter().map(|f| (f, Loss::default())).collect();
    for (p, page) in graph.pages.iter().enumerate() {
        let Ok(text) = std::fs::read(dir.join(&page.file)) else { continue };
        let text = String::from_utf8_lossy(&text);
        let words = source_words(&text, page.format == Format::Org);
        if words.is_empty() {
            continue;
        }
        for format in formats() {
            let expected: Vec<&str> = match format {
                // An outline deck asks about blocks with children: a block is on a card when it
                // or an ancestor is a question (see the README).
                "anki" => {
                    let on = lines_on_a_card(graph, p, &words);
                    words
                        .iter()
                        .filter(|(line, _)| on.iter().any(|r| r.contains(line)))
                        .map(|(_, w)| w.as_str())
                        .collect()
                }
                _ => words.iter().map(|(_, w)| w.as_str()).collect(),
            };
            let shown = output_text(graph, p, format)?;
            let mut lost: Vec<String> = Vec::new();
            for w in expected {
                if !shown.contains(w) && !lost.iter().any(|l| l == w) {
                    lost.push(w.to_string());
                }
            }
            let loss = losses.get_mut(format).expect("every format");
            loss.total += 1;
            if !lost.is_empty() {
                loss.pages += 1;
                loss.words += lost.len();
                loss.worst.push((page.file.clone(), lost));
            }
        }
    }
    for loss in losses.values_mut() {
        loss.worst.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
    }
    Ok(losses)
}

/// The source lines (1-based, end exclusive) of the page's blocks that an outline deck puts
/// on a card: a block with words of its own and a child with words is a question, and its
/// descendants are its answer. A block of a macro alone asks nothing, and an answer of empty
/// blocks is none.
fn lines_on_a_card(graph: &Graph, p: usize, words: &[(u32, String)]) -> Vec<std::ops::Range<u32>> {
    let blocks = &graph.pages[p].blocks;
    let own: Vec<std::ops::Range<u32>> =
        (0..blocks.len()).map(|k| blocks[k].line..blocks.get(k + 1).map_or(u32::MAX, |n| n.line)).collect();
    let has_words = |r: &std::ops::Range<u32>| words.iter().any(|(line, _)| r.contains(line));
    // Blocks come in document order, so a block's descendants follow it up to its next
    // sibling: its subtree's lines are one range.
    let subtree = |k: usize| {
        let depth = blocks[k].depth;
        let end = blocks[k + 1..].iter().find(|b| b.depth <= depth).map_or(u32::MAX, |b| b.line);
        blocks[k].line..end
    };
    let question = |k: usize| {
        has_words(&own[k])
            && blocks[k].children.iter().any(|&c| has_words(&subtree(c as usize)))
            && !blocks[k].pre_block
    };
    let mut on = Vec::new();
    let mut k = 0;
    while k < blocks.len() {
        if question(k) {
            let whole = subtree(k);
            // Everything below a question is on its card; carry on after its subtree.
            k = blocks[k + 1..].iter().position(|b| b.line >= whole.end).map_or(blocks.len(), |i| k + 1 + i);
            on.push(whole);
        } else {
            k += 1;
        }
    }
    on
}

/// The text a format shows of page `p`, lower-cased, markup and escapes removed.
fn output_text(graph: &Graph, p: usize, format: &str) -> Result<String> {
    let mut options = Options::default();
    options.pages = Some((0..graph.pages.len()).map(|k| k == p).collect());
    let name = match format {
        "anki" => {
            options.cards = CardMode::Outline;
            "anki"
        }
        "docx" => {
            options.docx.group = HandoutGroup::All;
            "docx"
        }
        f => f,
    };
    let exporter = export::by_name(name).context("a registered format")?;
    let out = exporter.export(graph, &options).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut text = String::new();
    for a in &out.artifacts {
        let ext = a.path.extension().and_then(|e| e.to_str()).unwrap_or("");
        match (format, ext) {
            ("md", "md") => text.push_str(&unescape_markdown(&String::from_utf8_lossy(&a.bytes))),
            ("json", "json") => json_text(&serde_json::from_slice(&a.bytes)?, &mut text),
            ("docx", "docx") => text.push_str(&docx_text(&a.bytes)?),
            ("anki", "apkg") => text.push_str(&anki_text(&a.bytes)?),
            (_, ext) if ext == exporter.format().extension && exporter.format().text => {
                let file = String::from_utf8_lossy(&a.bytes);
                match file.starts_with("<?xml") {
                    true => text.push_str(&unescape_html(&xml_words(&file))),
                    false => text.push_str(&file),
                }
            }
            _ => {}
        }
        text.push(' ');
    }
    Ok(text.to_lowercase())
}

/// An XML file's text and attribute values, apart.
fn xml_words(xml: &str) -> String {
    static VALUES: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"="([^"]*)""#).unwrap());
    let mut text = strip_tags(xml);
    for v in VALUES.captures_iter(xml) {
        text.push(' ');
        text.push_str(&v[1]);
    }
    text
}

/// Every string of the IR but the raw source (`content`, property values as written): what
/// the parsed body holds.
fn json_text(v: &serde_json::Value, out: &mut String) {
    match v {
        serde_json::Value::String(s) => {
            out.push_str(s);
            out.push(' ');
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| json_text(v, out)),
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                if k != "content" && k != "raw" {
                    json_text(v, out);
                }
            }
        }
        _ => {}
    }
}

fn zip_part(bytes: &[u8], name: &str) -> Result<Option<Vec<u8>>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))?;
    let Ok(mut file) = zip.by_name(name) else { return Ok(None) };
    let mut data = Vec::new();
    file.read_to_end(&mut data)?;
    Ok(Some(data))
}

/// The text of a Word file's body and footnotes: runs, with paragraphs, tabs and breaks as
/// spaces.
fn docx_text(bytes: &[u8]) -> Result<String> {
    static BREAKS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<w:tab/>|<w:br/>|</w:p>").unwrap());
    let mut text = String::new();
    for part in ["word/document.xml", "word/footnotes.xml"] {
        if let Some(xml) = zip_part(bytes, part)? {
            let xml = String::from_utf8_lossy(&xml);
            text.push_str(&unescape_html(&strip_tags(&BREAKS.replace_all(&xml, " "))));
            text.push(' ');
        }
    }
    Ok(text)
}

/// Every field of every note of a deck, as text.
fn anki_text(bytes: &[u8]) -> Result<String> {
    let collection = zip_part(bytes, "collection.anki2")?.context("a deck holds collection.anki2")?;
    let file = tempfile_path()?;
    std::fs::write(&file, collection)?;
    let db = rusqlite::Connection::open(&file)?;
    let mut text = String::new();
    {
        let mut rows = db.prepare("SELECT flds FROM notes")?;
        let fields = rows.query_map([], |r| r.get::<_, String>(0))?;
        for f in fields {
            text.push_str(&unescape_html(&strip_tags(&f?.replace('\u{1f}', " "))));
            text.push(' ');
        }
    }
    drop(db);
    let _ = std::fs::remove_file(&file);
    Ok(text)
}

fn tempfile_path() -> Result<std::path::PathBuf> {
    static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    Ok(std::env::temp_dir().join(format!("notes-export-fidelity-{}-{n}.anki2", std::process::id())))
}

fn strip_tags(s: &str) -> String {
    static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<[^>]*>").unwrap());
    TAG.replace_all(s, " ").into_owned()
}

/// `&amp;`, `&lt;`, `&#39;`, `&#x2F;` and the like, as a reader of the page sees them.
fn unescape_html(s: &str) -> String {
    static ENTITY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);").unwrap());
    ENTITY
        .replace_all(s, |c: &regex::Captures| {
            let e = &c[1];
            let ch = if let Some(hex) = e.strip_prefix("#x") {
                u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
            } else if let Some(dec) = e.strip_prefix('#') {
                dec.parse().ok().and_then(char::from_u32)
            } else {
                match e {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    "nbsp" => Some(' '),
                    _ => None,
                }
            };
            ch.map_or_else(|| c[0].to_string(), |ch| ch.to_string())
        })
        .into_owned()
}

/// Markdown's backslash escapes and entities removed.
fn unescape_markdown(s: &str) -> String {
    static ESCAPE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\\([[:punct:]])").unwrap());
    unescape_html(&ESCAPE.replace_all(s, "$1"))
}

/// Logseq's words for its own syntax, which no output needs to show as words.
const KEYWORDS: &[&str] = &[
    "todo",
    "doing",
    "done",
    "later",
    "now",
    "wait",
    "waiting",
    "canceled",
    "cancelled",
    "in-progress",
    "cloze",
    "embed",
    "query",
    "video",
    "youtube",
    "tweet",
    "renderer",
    "card",
    "reversed",
    "collapsed",
    "true",
    "false",
    "scheduled",
    "deadline",
    "logbook",
    "clock",
    "end",
    "properties",
    "draggable",
    "namespace",
    "function",
];

/// The words of a page file's own text, with their 1-based lines, lower-cased: runs of three
/// letters or more (any run of CJK characters), outside what is not printed text.
pub fn source_words(text: &str, org: bool) -> Vec<(u32, String)> {
    static PROPERTY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[\w.\-/]+::(\s|$)").unwrap());
    static DRAWER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^:[A-Za-z_]+:").unwrap());
    static STAMP: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(SCHEDULED|DEADLINE|CLOCK):").unwrap());
    static TRAILING_TAGS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(\s+#(\[\[[^\]]*\]\]|[^\s#]+))+\s*$").unwrap());
    static NOT_TEXT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(concat!(
            r"[a-zA-Z][a-zA-Z0-9+.-]*://\S+",                                                // URLs
            r"|\(\([0-9a-fA-F-]{36}\)\)",                                                    // block references
            r"|\{:[^}]*\}",                                                                  // image size maps
            r"|\[\[[^\]]*\.(?i:png|jpe?g|gif|svg|webp|pdf|mp3|mp4|webm)\]\]",                // asset links
            r"|<[^>]+>", // HTML tags (their text stays)
            r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", // uuids
            r"|\[\^[^\]\s]*\]|\[fn:[^\]\s]*\]", // footnote labels (Word and Anki number them)
        ))
        .unwrap()
    });
    // An image (its alt text is not printed), then a link's target: `](target)` and org's
    // `[[target][`, before the URL rule could take the label with the address.
    // A target may hold one level of parentheses (`Cohesion_(computer_science)`).
    static IMAGE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"!\[[^\]]*\]\((?:[^()]|\([^()]*\))*\)").unwrap());
    static LINK_TARGET: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\]\((?:[^()]|\([^()]*\))*\)|\[\[[^\]]*\]\[").unwrap());
    static QUERY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\{\{query[^\n]*\}\}").unwrap());

    let mut out = Vec::new();
    let mut in_code = false;
    let mut in_query = false;
    // `#+BEGIN_SRC`/`EXAMPLE` regions are verbatim: a ``` line inside them is text.
    let mut in_verbatim = false;
    // Open brackets of a hiccup form that runs over several lines: markup, not text.
    let mut hiccup = 0i64;
    let mut in_front_matter = text.starts_with("---\n") || text.starts_with("---\r\n");
    // Inside `$$…$$` that runs over lines.
    let mut in_math = false;
    for (n, line) in text.lines().enumerate() {
        let n = n as u32 + 1;
        if in_front_matter {
            if n > 1 && line.trim_end() == "---" {
                in_front_matter = false;
            }
            continue;
        }
        let mut s = line.trim().trim_start_matches('-').trim();
        if org {
            s = s.trim_start_matches('*').trim();
        }
        let upper = s.to_ascii_uppercase();
        if upper.starts_with("#+BEGIN_QUERY") {
            in_query = true;
        }
        if in_query {
            in_query = !upper.starts_with("#+END_QUERY");
            continue;
        }
        if in_verbatim {
            in_verbatim = !(upper.starts_with("#+END_SRC") || upper.starts_with("#+END_EXAMPLE"));
            if !in_verbatim {
                continue;
            }
        } else if upper.starts_with("#+BEGIN_SRC") || upper.starts_with("#+BEGIN_EXAMPLE") {
            in_verbatim = true;
            continue;
        } else if s.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if hiccup > 0 || (!in_code && !in_verbatim && s.starts_with("[:")) {
            hiccup += s.matches('[').count() as i64 - s.matches(']').count() as i64;
            hiccup = hiccup.max(0);
            continue;
        }
        if !in_code
            && !in_verbatim
            && (s.starts_with(['<', ':'])
                || s.starts_with("[:")
                || s.starts_with("{:")
                || s.starts_with("#+")
                || PROPERTY.is_match(s)
                || DRAWER.is_match(s)
                || STAMP.is_match(s))
        {
            continue;
        }
        let s = QUERY.replace_all(s, " ");
        let s = TRAILING_TAGS.replace(&s, "");
        let s = IMAGE.replace_all(&s, " ");
        let s = LINK_TARGET.replace_all(&s, "] ");
        let s = NOT_TEXT.replace_all(&s, " ");
        let s = without_macros(&s);
        let s = if in_code || in_verbatim { s } else { without_math_commands(&s, &mut in_math) };
        for w in words(&s) {
            if !KEYWORDS.contains(&w.as_str()) {
                out.push((n, w));
            }
        }
    }
    out
}

/// Macros other than clozes left out whole (an embed brings another page's words, a
/// renderer's arguments are not text); a cloze keeps its answer, without its name.
fn without_macros(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == ':' || *c == '-').collect();
        let cloze = name == "cloze" || (name.starts_with('c') && name.contains("::"));
        if cloze {
            out.push(' ');
            rest = &after[name.len()..];
            continue;
        }
        // Skip to the matching `}}`, braces balanced.
        let mut depth = 1usize;
        let mut end = after.len();
        let b = after.as_bytes();
        let mut k = 0;
        while k < b.len() {
            if b[k..].starts_with(b"{{") {
                depth += 1;
                k += 2;
            } else if b[k..].starts_with(b"}}") {
                depth -= 1;
                k += 2;
                if depth == 0 {
                    end = k;
                    break;
                }
            } else {
                k += 1;
            }
        }
        out.push(' ');
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// A formula's `\commands` left out: Word prints `\frac`, `\beta` as a fraction and β, not
/// as words; what they take (`\text{…}`, variables) stays. `in_math` carries `$$` over lines.
fn without_math_commands(s: &str, in_math: &mut bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut inline = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '$' if chars.peek() == Some(&'$') => {
                chars.next();
                *in_math = !*in_math;
                out.push(' ');
            }
            '$' if !*in_math => {
                inline = !inline;
                out.push(' ');
            }
            '\\' if *in_math || inline => {
                while chars.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
                    chars.next();
                }
                out.push(' ');
            }
            _ => out.push(c),
        }
    }
    out
}

/// Runs of letters: three or more, or any run holding a CJK character.
fn words(s: &str) -> Vec<String> {
    let cjk = |c: char| matches!(c as u32, 0x3040..=0x30ff | 0x3400..=0x9fff | 0xac00..=0xd7af);
    let mut out = Vec::new();
    let mut run = String::new();
    for c in s.chars().chain(std::iter::once(' ')) {
        if c.is_alphabetic() {
            run.push(c);
            continue;
        }
        if run.chars().count() >= 3 || run.chars().any(cjk) {
            out.push(run.to_lowercase());
        }
        run.clear();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> Vec<String> {
        source_words(text, false).into_iter().map(|(_, w)| w).collect()
    }

    #[test]
    fn what_counts_as_the_page_own_words() {
        assert_eq!(plain("- Hello brave new world #tag #other\n"), ["hello", "brave", "new", "world"]);
        assert_eq!(plain("- see [the docs](https://example.org/page) now\n"), ["see", "the", "docs"]);
        assert_eq!(plain("- [kinds](https://w.org/Cohesion_(computer_science)#Types_of_cohesion):\n"), ["kinds"]);
        // A hiccup form over several lines is markup; an org source block is text, ``` too.
        assert_eq!(plain("- [:iframe {:allow\n  \"accelerometer; autoplay\"}]\n- after\n"), ["after"]);
        assert_eq!(plain("#+begin_src md\nsome code\n```\n#+end_src\n- after\n"), ["some", "code", "after"]);
        assert_eq!(plain("- tags:: one, two\n- alias:: x\n- body text\n"), ["body", "text"]);
        assert_eq!(plain("- a {{embed [[Other Page]]}} and {{cloze hidden answer}}\n"), ["and", "hidden", "answer"]);
        assert_eq!(plain("- ```js\n  let value = 1;\n  ```\n"), ["let", "value"]);
        assert_eq!(plain("---\ntitle: Skip me\n---\n- kept words\n"), ["kept", "words"]);
        assert_eq!(plain("- #+BEGIN_QUERY\n  (and [[x]] (task todo))\n  #+END_QUERY\n- after\n"), ["after"]);
        assert_eq!(plain("- 中文 ab abc\n"), ["中文", "abc"]);
        // A formula's commands are markup; its text and a price's `$` are not.
        assert_eq!(plain("- $\\frac{\\text{rate}}{\\beta}$ costs \\beta\n"), ["rate", "costs", "beta"]);
        assert_eq!(plain("- $$\\sum_i\n  \\alpha_{one}$$ \\gamma\n"), ["one", "gamma"]);
        assert_eq!(plain("- one[^bignote] two\n- [^bignote]: the note\n"), ["one", "two", "the", "note"]);
        // Lines are counted from 1, for the blocks an outline deck leaves out.
        assert_eq!(source_words("- one\n- two three\n", false)[1], (2, "two".to_string()));
        // Org: stars, drawers and link targets are not words.
        let org: Vec<String> =
            source_words("* Head line\n  :PROPERTIES:\n  :id: x\n  :END:\n  [[https://a.b][label]]\n", true)
                .into_iter()
                .map(|(_, w)| w)
                .collect();
        assert_eq!(org, ["head", "line", "label"]);
    }

    #[test]
    fn outputs_are_read_as_text() {
        assert_eq!(unescape_markdown(r"a \*b\* &amp; c"), "a *b* & c");
        assert_eq!(unescape_html("&lt;kbd&gt; &#39;x&#x27;"), "<kbd> 'x'");
        assert_eq!(strip_tags("<w:t>one</w:t><w:t>two</w:t>").split_whitespace().collect::<Vec<_>>(), ["one", "two"]);
    }
}
