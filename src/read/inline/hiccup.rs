//! Hiccup, Clojure's HTML as data (`[:p "Hello " [:em "World!"]]`), which Logseq renders in
//! place of the text. It becomes the inlines its HTML would show: the text, with emphasis,
//! links, images and line breaks carried over and the rest of the markup dropped.

use crate::ir::{Inline, Pos};

/// The HTML tag names Logseq takes a hiccup vector for (mldoc's `Raw_html.known_tags`).
#[rustfmt::skip]
const KNOWN: &[&str] = &[
    "a", "abbr", "address", "area", "article", "aside", "audio", "b", "base", "bdi", "bdo", "blockquote", "body",
    "br", "button", "canvas", "caption", "cite", "code", "col", "colgroup", "data", "datalist", "dd", "del", "dfn",
    "div", "dl", "dt", "em", "embed", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
    "h5", "h6", "head", "header", "hr", "html", "i", "iframe", "img", "input", "ins", "kbd", "keygen", "label",
    "legend", "li", "link", "main", "map", "mark", "meta", "meter", "nav", "noscript", "object", "ol", "optgroup",
    "option", "output", "p", "param", "pre", "progress", "q", "rb", "rp", "rt", "rtc", "ruby", "s", "samp",
    "script", "section", "select", "small", "source", "span", "strong", "style", "sub", "sup", "table", "tbody",
    "td", "template", "textarea", "tfoot", "th", "thead", "time", "title", "tr", "track", "u", "ul", "var", "video",
    "details", "summary", "wbr",
];

/// Elements whose content is not text a reader sees.
#[rustfmt::skip]
const HIDDEN: &[&str] = &[
    "script", "style", "head", "meta", "link", "title", "template", "input", "button", "select", "textarea",
    "option", "canvas", "base", "param", "track", "wbr", "col", "colgroup", "area", "keygen",
];

/// Elements that start a line of their own.
#[rustfmt::skip]
const BLOCKS: &[&str] = &[
    "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "li", "main", "nav", "ol", "p", "pre",
    "section", "summary", "table", "tr", "ul",
];

/// A hiccup element at the start of `s` (`[:tag …]` with a known tag, perhaps with classes and
/// an id, `[:div.note#top …]`): its inlines and its length in bytes. `pos` is where it is, for
/// its images.
pub(super) fn element(s: &str, pos: Pos) -> Option<(Vec<Inline>, usize)> {
    let tag = s.strip_prefix("[:")?;
    let name = &tag[..tag.find(|c: char| c.is_whitespace() || c == ']' || c == '.' || c == '#')?];
    if !KNOWN.contains(&name.to_ascii_lowercase().as_str()) {
        return None;
    }
    let mut p = Parser { s, at: 0, pos, depth: 0 };
    let node = p.vector()?;
    let mut out = Vec::new();
    node.inlines(&mut out);
    Some((out, p.at))
}

/// Hiccup read as data: a vector `[:tag {attrs} children…]` or a string.
enum Value {
    Text(String),
    Element { tag: String, attrs: Vec<(String, String)>, children: Vec<Value>, pos: Pos },
}

/// How deep vectors and maps may nest: deeper is not hiccup anyone writes, and the parse (and
/// the value's drop) recurses once a level.
const MAX_NESTING: usize = 64;

struct Parser<'a> {
    s: &'a str,
    at: usize,
    pos: Pos,
    /// Vectors and maps open around the current position.
    depth: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.s[self.at..]
    }

    fn skip_space(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start_matches(|c: char| c.is_whitespace() || c == ',').len();
    }

    /// One level deeper, past an opening bracket; `None` past [`MAX_NESTING`].
    fn open(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_NESTING).then_some(())
    }

    /// Past a closing bracket, one level up.
    fn close(&mut self) {
        self.at += 1;
        self.depth -= 1;
    }

    /// `[:tag.class#id {…} child …]`.
    fn vector(&mut self) -> Option<Value> {
        self.at += self.rest().strip_prefix("[:").map(|_| 2)?;
        self.open()?;
        let end = self.rest().find(|c: char| c.is_whitespace() || c == ']' || c == '[' || c == '{' || c == '"')?;
        // `div.note#top`: the tag is what comes before a class or an id.
        let full = &self.rest()[..end];
        let tag = full.split(['.', '#']).next().unwrap_or("").to_ascii_lowercase();
        self.at += end;
        let mut attrs = Vec::new();
        let mut children = Vec::new();
        loop {
            self.skip_space();
            match self.rest().chars().next()? {
                ']' => {
                    self.close();
                    return Some(Value::Element { tag, attrs, children, pos: self.pos });
                }
                '{' if attrs.is_empty() && children.is_empty() => attrs = self.map()?,
                '{' => self.skip_balanced('{', '}')?,
                '"' => children.push(Value::Text(self.string()?)),
                '[' if self.rest().starts_with("[:") => children.push(self.vector()?),
                '[' => self.skip_balanced('[', ']')?,
                _ => {
                    // A number or a symbol shows as its text; anything else is skipped.
                    let token = self.token()?;
                    if token.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-') {
                        children.push(Value::Text(token));
                    }
                }
            }
        }
    }

    /// `{:key "value" …}`: the string values of its keywords (nested maps are skipped).
    fn map(&mut self) -> Option<Vec<(String, String)>> {
        self.at += 1;
        self.open()?;
        let mut out = Vec::new();
        let mut key: Option<String> = None;
        loop {
            self.skip_space();
            match self.rest().chars().next()? {
                '}' => {
                    self.close();
                    return Some(out);
                }
                '"' => {
                    let value = self.string()?;
                    if let Some(k) = key.take() {
                        out.push((k, value));
                    }
                }
                '{' => {
                    self.map()?;
                    key = None;
                }
                '[' => {
                    self.skip_balanced('[', ']')?;
                    key = None;
                }
                _ => {
                    let token = self.token()?;
                    key = match token.strip_prefix(':') {
                        Some(k) => Some(k.to_string()),
                        None => {
                            if let Some(k) = key.take() {
                                out.push((k, token));
                            }
                            None
                        }
                    };
                }
            }
        }
    }

    /// A string literal, its escapes undone.
    fn string(&mut self) -> Option<String> {
        let mut out = String::new();
        let mut chars = self.rest()[1..].char_indices();
        while let Some((k, c)) = chars.next() {
            match c {
                '"' => {
                    self.at += k + 2;
                    return Some(out);
                }
                '\\' => match chars.next()?.1 {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    other => out.push(other),
                },
                c => out.push(c),
            }
        }
        None
    }

    /// Anything up to white space or a delimiter (at least one character).
    fn token(&mut self) -> Option<String> {
        let rest = self.rest();
        let mut end = rest.find(|c: char| c.is_whitespace() || "[]{}\",".contains(c)).unwrap_or(rest.len());
        if end == 0 {
            end = rest.chars().next()?.len_utf8();
        }
        let token = rest[..end].to_string();
        self.at += end;
        Some(token)
    }

    fn skip_balanced(&mut self, open: char, close: char) -> Option<()> {
        let mut depth = 0usize;
        loop {
            match self.rest().chars().next()? {
                '"' => {
                    self.string()?;
                    continue;
                }
                c if c == open => depth += 1,
                c if c == close => {
                    depth -= 1;
                    if depth == 0 {
                        self.at += 1;
                        return Some(());
                    }
                }
                _ => {}
            }
            self.at += self.rest().chars().next()?.len_utf8();
        }
    }
}

impl Value {
    fn inlines(self, out: &mut Vec<Inline>) {
        let Value::Element { tag, attrs, children, pos } = self else {
            if let Value::Text(text) = self {
                super::push_merged(out, Inline::Text { text });
            }
            return;
        };
        let attr = |k: &str| attrs.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
        let inner = |children: Vec<Value>| {
            let mut v = Vec::new();
            children.into_iter().for_each(|c| c.inlines(&mut v));
            v
        };
        let tag = tag.as_str();
        if HIDDEN.contains(&tag) {
            return;
        }
        if BLOCKS.contains(&tag) && !out.is_empty() && !matches!(out.last(), Some(Inline::HardBreak)) {
            out.push(Inline::HardBreak);
        }
        const MEDIA: [&str; 6] = ["audio", "video", "iframe", "embed", "source", "object"];
        let url = match tag {
            "a" => attr("href"),
            "img" => attr("src"),
            _ if MEDIA.contains(&tag) => attr("src").or_else(|| attr("data")),
            _ => None,
        };
        let inline = match (tag, url) {
            ("b" | "strong" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th", _) => {
                Inline::Strong { children: inner(children) }
            }
            ("i" | "em" | "cite" | "dfn" | "var", _) => Inline::Emphasis { children: inner(children) },
            ("s" | "del", _) => Inline::Strike { children: inner(children) },
            ("mark", _) => Inline::Highlight { children: inner(children) },
            ("code" | "kbd" | "samp" | "pre", _) => Inline::Code { text: crate::ir::plain_text(&inner(children)) },
            ("br" | "hr", _) => Inline::HardBreak,
            ("a", Some(url)) => Inline::Link { url, children: inner(children), asset: None },
            ("img", Some(url)) => Inline::Image {
                url,
                alt: attr("alt").or_else(|| attr("title")).unwrap_or_default(),
                width: attr("width").and_then(|w| w.parse().ok()),
                height: attr("height").and_then(|h| h.parse().ok()),
                asset: None,
                pos,
            },
            ("img", None) => return,
            // Media a page cannot hold become links to it.
            (_, Some(url)) => {
                Inline::Link { url: url.clone(), children: vec![Inline::Text { text: url }], asset: None }
            }
            // Any other element (and a link without an address) shows its content.
            _ => return children.into_iter().for_each(|c| c.inlines(out)),
        };
        out.push(inline);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::plain_text;

    fn read(s: &str) -> Option<(Vec<Inline>, usize)> {
        element(s, Pos { line: 1, col: 1 })
    }

    #[test]
    fn elements_become_inlines() {
        let (inlines, len) = read("[:p \"Hello \" [:em \"World!\"]] after").unwrap();
        assert_eq!(len, "[:p \"Hello \" [:em \"World!\"]]".len());
        assert_eq!(
            inlines,
            [
                Inline::Text { text: "Hello ".into() },
                Inline::Emphasis { children: vec![Inline::Text { text: "World!".into() }] }
            ]
        );
        let (inlines, _) = read("[:h2 {:style {:color \"red\"}} \"h2 title\"]").unwrap();
        assert_eq!(inlines, [Inline::Strong { children: vec![Inline::Text { text: "h2 title".into() }] }]);
        let (inlines, _) = read("[:div [:code \"`Code`\"] \" -> \" [:code \"Code\"]]").unwrap();
        assert_eq!(plain_text(&inlines), "`Code` -> Code");
        assert!(matches!(inlines[0], Inline::Code { .. }));
        let (inlines, _) = read("[:a {:href \"https://x.org\"} \"x\"]").unwrap();
        assert!(matches!(&inlines[0], Inline::Link { url, .. } if url == "https://x.org"));
        let (inlines, _) = read("[:img {:src \"https://i.imgur.com/a.gif\" :alt \"a\"}]").unwrap();
        assert!(matches!(&inlines[0], Inline::Image { url, alt, .. } if url.ends_with("a.gif") && alt == "a"));
        let (inlines, _) = read("[:audio {:controls true :src \"https://k.com/p.mp3\"}]").unwrap();
        assert!(matches!(&inlines[0], Inline::Link { url, .. } if url == "https://k.com/p.mp3"));
        let (inlines, _) = read("[:div [:p \"a\"] [:p \"b \\\"q\\\"\"] [:script \"x()\"]]").unwrap();
        assert_eq!(plain_text(&inlines), "a b \"q\"");
        assert!(matches!(inlines[1], Inline::HardBreak), "{inlines:?}");
    }

    /// An unknown tag or an unclosed vector is text.
    #[test]
    fn not_hiccup() {
        for s in ["[:foo \"x\"]", "[:block/uuid nil]", "[:p \"unclosed\"", "[:)", "[: p]", "[:p \"x]", "[:p é"] {
            assert!(read(s).is_none(), "{s}");
        }
        assert_eq!(read("[:div.mb-4]"), Some((vec![], 11)), "classes and ids are fine");
        assert!(read("[:div#top [:span.note \"x\"]]").is_some());
        let deep = |n: usize| format!("{}\"x\"{}", "[:b ".repeat(n), "]".repeat(n));
        assert!(read(&deep(MAX_NESTING)).is_some());
        assert!(read(&deep(MAX_NESTING + 1)).is_none(), "deeper is text");
        let maps = format!("[:p {}{}]", "{:a ".repeat(100_000), "}".repeat(100_000));
        assert!(read(&maps).is_none());
        let src = "[:p [1 2] {:a 1} \"x\"]";
        let (inlines, len) = read(&format!("{src} y")).unwrap();
        assert_eq!((plain_text(&inlines).as_str(), len), ("x", src.len()), "data that is not markup is skipped");
    }
}
