//! Logseq syntax swapped for placeholders, each standing for the IR it parses to (see
//! [`Slot`]), so that pulldown-cmark sees only CommonMark.

use super::{parse_inline_at, pos_at, InlineCtx, LineStart, CLOSE, MAX_DEPTH, OPEN};
use crate::ir::{EmbedTarget, Inline, Pos};
use crate::read::entities;
use crate::text::byte_table;

/// What a placeholder stands for; `raw` is its source text (kept inside code).
pub(super) enum Slot<'a> {
    Inlines {
        raw: &'a str,
        inlines: Vec<Inline>,
    },
    /// `{:height 634, :width 427}` after an image.
    Attrs {
        raw: &'a str,
        width: Option<u32>,
        height: Option<u32>,
    },
}

impl Slot<'_> {
    pub(super) fn raw(&self) -> &str {
        match self {
            Slot::Inlines { raw, .. } | Slot::Attrs { raw, .. } => raw,
        }
    }
}

pub(super) struct Protector<'a> {
    pub(super) src: &'a str,
    pub(super) out: String,
    pub(super) slots: Vec<Slot<'a>>,
    /// (offset in out, offset in src) after each replacement.
    pub(super) anchors: Vec<(usize, usize)>,
    pub(super) lines: &'a [LineStart],
    pub(super) ctx: &'a InlineCtx<'a>,
    pub(super) depth: u32,
}

/// Bytes that may start Logseq syntax (0xEE for stray placeholders), as a table: this scan
/// runs over every byte of every block. Bare URLs are found separately ([`HTTP`]).
pub(super) const SPECIAL: [bool; 256] = byte_table(b"`[({#$=^\\\xEE", 0);

pub(super) static HTTP: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new("http"));

/// [`SPECIAL`] by comparisons, for [`crate::text::find_in`].
fn special_hit(b: u8) -> bool {
    (b.wrapping_sub(b'#') < 2)
        | (b == b'(')
        | (b == b'=')
        | (b.wrapping_sub(b'[') < 2)
        | (b == b'^')
        | (b == b'`')
        | (b == b'{')
        | (b == 0xEE)
}

impl<'a> Protector<'a> {
    pub(super) fn run(&mut self) {
        let s = self.src;
        let bytes = s.as_bytes();
        // Bare URLs are found by their `http`, not at every `h`: English text is full of them.
        let http = |from: usize| HTTP.find(&bytes[from..]).map_or(bytes.len(), |p| from + p);
        let mut next_http = http(0);
        let mut i = 0;
        while i < bytes.len() {
            let special = crate::text::find_in(bytes, i, &SPECIAL, special_hit).unwrap_or(bytes.len());
            let next = special.min(next_http);
            self.out.push_str(&s[i..next]);
            i = next;
            if i >= bytes.len() {
                break;
            }
            i = self.special(i);
            if next_http < i {
                next_http = http(i);
            }
        }
    }

    fn prev_is_boundary(&self, i: usize) -> bool {
        i == 0 || self.src[..i].chars().next_back().is_some_and(|c| c.is_whitespace())
    }

    /// Handles the construct at byte `i`; returns where scanning continues.
    fn special(&mut self, i: usize) -> usize {
        let s = self.src;
        let rest = &s[i..];
        let b = rest.as_bytes();
        match b[0] {
            b'`' => {
                let n = b.iter().take_while(|&&c| c == b'`').count();
                if let Some(end) = find_backtick_run(s, i + n, n) {
                    self.out.push_str(&s[i..end]);
                    return end;
                }
                self.out.push_str(&rest[..n]);
                i + n
            }
            b'[' if rest.starts_with("[:") => match super::hiccup::element(rest, self.pos(i)) {
                Some((inlines, len)) => {
                    self.slot(i, i + len, inlines);
                    i + len
                }
                None => self.literal(i, 2),
            },
            b'[' if rest.starts_with("[^") => match footnote_label(rest) {
                Some(label) => {
                    let end = i + label.len() + 3;
                    let inline = Inline::FootnoteRef { label: label.to_string(), target: None, pos: self.pos(i) };
                    self.slot(i, end, vec![inline]);
                    end
                }
                None => self.literal(i, 2),
            },
            b'[' if rest.starts_with("[[") => match matching_brackets(s, i) {
                Some(end) if end - i > 4 => {
                    let name = &s[i + 2..end - 2];
                    let inline = match name.split_once("][") {
                        // Org-style `[[url][label]]`, which mldoc also reads in Markdown.
                        Some((url, label)) if !url.contains("[[") => org_link(url, label, self.pos(i)),
                        // `[[Introduction to [[Logseq]]]]` names the outer page and shows the
                        // inner one as a reference of its own, as Logseq does.
                        // `[[../assets/pic.png]]`, as Logseq writes a file pasted into an org
                        // page: the file itself, not a page.
                        _ if file_path(name) => file_inline(name, self.pos(i)),
                        _ if name.contains("[[") => {
                            Inline::PageRef { name: name.to_string(), label: Some(nested_ref_label(name)), page: None }
                        }
                        _ => Inline::PageRef { name: name.to_string(), label: None, page: None },
                    };
                    self.slot(i, end, vec![inline]);
                    end
                }
                _ => self.literal(i, 2),
            },
            // `](path with spaces)`, as Logseq writes a pasted file's name: CommonMark takes a
            // destination with spaces only in `<…>`.
            b'(' if self.out.ends_with(']') && !rest.starts_with("((") => match spaced_destination(rest) {
                Some(dest) => {
                    self.out.push_str("(<");
                    self.out.push_str(dest);
                    self.out.push_str(">)");
                    let end = i + dest.len() + 2;
                    self.anchors.push((self.out.len(), end));
                    end
                }
                None => self.literal(i, 1),
            },
            b'(' if rest.starts_with("((") => {
                if let Some(close) = rest[2..].find("))").filter(|&c| c <= 40) {
                    let inner = rest[2..2 + close].trim();
                    if is_uuid(inner) {
                        let pos = self.pos(i);
                        let uuid = inner.to_ascii_lowercase();
                        self.slot(i, i + 4 + close, vec![Inline::BlockRef { uuid, label: None, target: None, pos }]);
                        return i + 4 + close;
                    }
                }
                self.literal(i, 1)
            }
            b'{' if rest.starts_with("{{") => self.macro_at(i).unwrap_or_else(|| self.literal(i, 2)),
            b'{' if rest.starts_with("{:") && (self.out.ends_with(')') || self.out.ends_with(CLOSE)) => {
                if let Some(close) = rest.find('}').filter(|&c| !rest[..c].contains('\n')) {
                    let raw = &rest[..=close];
                    let num = |key: &str| {
                        raw.find(key).and_then(|k| {
                            let v = raw[k + key.len()..].trim_start();
                            let d: String = v.chars().take_while(|c| c.is_ascii_digit()).collect();
                            d.parse().ok()
                        })
                    };
                    let slot = Slot::Attrs { raw, width: num(":width"), height: num(":height") };
                    self.push_slot(i, i + close + 1, slot);
                    return i + close + 1;
                }
                self.literal(i, 1)
            }
            b'#' => self.tag_at(i).unwrap_or_else(|| self.literal(i, 1)),
            b'$' => self.math_at(i).unwrap_or_else(|| self.literal(i, if rest.starts_with("$$") { 2 } else { 1 })),
            b'=' | b'^' if b.get(1) == Some(&b[0]) => self.mark_at(i).unwrap_or_else(|| self.literal(i, 2)),
            b'\\' => self.backslash_at(i),
            b'h' if rest.starts_with("http")
                && (rest[4..].starts_with("s://") || rest[4..].starts_with("://"))
                && self.prev_is_boundary(i) =>
            {
                let end = url_end(rest);
                let url = rest[..end].to_string();
                self.slot(
                    i,
                    i + end,
                    vec![Inline::Link { url: url.clone(), children: vec![Inline::Text { text: url }], asset: None }],
                );
                i + end
            }
            // A stray placeholder character in the input must not be taken for ours.
            0xEE if rest.starts_with(OPEN) || rest.starts_with(CLOSE) => {
                self.out.push('\u{FFFD}');
                i + OPEN.len_utf8()
            }
            _ => self.literal(i, rest.chars().next().map_or(1, char::len_utf8)),
        }
    }

    fn literal(&mut self, i: usize, n: usize) -> usize {
        self.out.push_str(&self.src[i..i + n]);
        i + n
    }

    fn pos(&self, i: usize) -> Pos {
        pos_at(self.lines, i)
    }

    fn slot(&mut self, start: usize, end: usize, inlines: Vec<Inline>) {
        let raw = &self.src[start..end];
        self.push_slot(start, end, Slot::Inlines { raw, inlines });
    }

    fn push_slot(&mut self, _start: usize, end: usize, slot: Slot<'a>) {
        let n = self.slots.len();
        self.slots.push(slot);
        self.out.push(OPEN);
        self.out.push_str(itoa::Buffer::new().format(n));
        self.out.push(CLOSE);
        self.anchors.push((self.out.len(), end));
    }

    fn nested(&self, text: &str, at: usize) -> Vec<Inline> {
        if self.depth >= MAX_DEPTH {
            return vec![Inline::Text { text: text.to_string() }];
        }
        let shifted: Vec<LineStart> =
            vec![LineStart { offset: 0, line: self.pos(at).line, col: self.pos(at).col.saturating_sub(1) }];
        parse_inline_at(text, 0, &shifted, self.ctx, self.depth + 1)
    }

    fn macro_at(&mut self, i: usize) -> Option<usize> {
        let rest = &self.src[i..];
        let triple = rest.starts_with("{{{");
        let open = if triple { 3 } else { 2 };
        let close_pat = if triple { "}}}" } else { "}}" };
        // The body runs to the closing braces, with braces inside it balanced, as in
        // `{{cloze $\frac{a}{b}$}}`; on one line.
        let balanced = || {
            let mut depth = 0usize;
            for (k, c) in rest[open..].char_indices() {
                match c {
                    '\n' => return None,
                    '{' => depth += 1,
                    '}' if depth > 0 => depth -= 1,
                    '}' => return Some(k).filter(|&k| rest[open + k..].starts_with(close_pat)),
                    _ => {}
                }
            }
            None
        };
        // A cloze whose answer does not fit that (a stray brace, a second line) is still the
        // card its writer meant: it runs to the first closing braces.
        let cloze = || {
            let head = &rest[open..];
            let is_cloze = head.get(..6).is_some_and(|h| h.eq_ignore_ascii_case("cloze "))
                || anki_cloze_number(head.split("}}").next().unwrap_or_default()).is_some();
            is_cloze.then(|| head.find(close_pat)).flatten()
        };
        let body_len = balanced().or_else(|| if triple { None } else { cloze() })?;
        let inner = rest[open..open + body_len].trim();
        let end = i + open + body_len + close_pat.len();
        let pos = self.pos(i);
        // Anki's own cloze syntax passes through: {{c1::answer::hint}}.
        if let Some(n) = anki_cloze_number(inner) {
            let body = &inner[inner.find("::")? + 2..];
            let (answer, hint) = match body.find("::") {
                Some(k) => (&body[..k], Some(body[k + 2..].to_string())),
                None => (body, None),
            };
            let answer = self.nested(answer, i);
            self.slot(i, end, vec![Inline::Cloze { number: Some(n), answer, hint }]);
            return Some(end);
        }
        let (name, args_str) = match inner.find(char::is_whitespace) {
            Some(k) => (&inner[..k], inner[k..].trim()),
            None => (inner, ""),
        };
        if name.is_empty() {
            return None;
        }
        let lname = name.to_ascii_lowercase();
        let inlines = match lname.as_str() {
            "cloze" => {
                let (answer, hint) = match args_str.rfind("\\\\") {
                    Some(k) => (args_str[..k].trim(), Some(args_str[k + 2..].trim().to_string())),
                    None => (args_str, None),
                };
                vec![Inline::Cloze { number: None, answer: self.nested(answer, i), hint }]
            }
            "embed" => {
                let a = args_str.trim();
                let target = if let Some(p) = a.strip_prefix("[[").and_then(|x| x.strip_suffix("]]")) {
                    Some(EmbedTarget::Page { name: p.to_string() })
                } else {
                    a.strip_prefix("((")
                        .and_then(|x| x.strip_suffix("))"))
                        .map(|u| EmbedTarget::Block { uuid: u.trim().to_ascii_lowercase() })
                };
                match target {
                    Some(target) => vec![Inline::Embed { target, block: None, page: None, cyclic: false, pos }],
                    None => vec![Inline::Macro { name: lname.clone(), args: split_args(args_str), pos }],
                }
            }
            _ => {
                let args = split_args(args_str);
                match self.ctx.macros.get(name) {
                    Some(template) if self.depth < MAX_DEPTH => {
                        let mut expanded = template.clone();
                        for (k, a) in args.iter().enumerate().rev() {
                            expanded = expanded.replace(&format!("${}", k + 1), a);
                        }
                        self.nested(&expanded, i)
                    }
                    _ => vec![Inline::Macro { name: name.to_string(), args, pos }],
                }
            }
        };
        self.slot(i, end, inlines);
        Some(end)
    }

    fn tag_at(&mut self, i: usize) -> Option<usize> {
        let s = self.src;
        // As in mldoc, a tag may follow any character (`x#glued` is the tag `glued`), but `&#39;`
        // is an HTML entity and `##` a run of marks.
        if i > 0 && s[..i].ends_with(['&', '#']) {
            return None;
        }
        let rest = &s[i + 1..];
        if rest.starts_with("[[") {
            let end = matching_brackets(s, i + 1)?;
            let name = s[i + 3..end - 2].to_string();
            if name.is_empty() {
                return None;
            }
            self.slot(i, end, vec![Inline::Tag { name, page: None }]);
            return Some(end);
        }
        let mut end = 0;
        let mut chars = rest.char_indices().peekable();
        while let Some((off, c)) = chars.next() {
            if c.is_whitespace()
                // `)` is part of the name: `(#paren)` is the tag `paren)`, as in Logseq.
                || matches!(c, '(' | '[' | ']' | '{' | '}' | '*' | '~' | '^' | '=' | '`' | '<' | '>' | '"' | OPEN)
            {
                break;
            }
            if matches!(c, ',' | ';' | '.' | '!' | '?' | '\'' | ':')
                && chars.peek().is_none_or(|(_, n)| n.is_whitespace())
            {
                break;
            }
            end = off + c.len_utf8();
        }
        if end == 0 || rest.starts_with(['#', '+']) {
            return None;
        }
        let name = rest[..end].to_string();
        self.slot(i, i + 1 + end, vec![Inline::Tag { name, page: None }]);
        Some(i + 1 + end)
    }

    fn math_at(&mut self, i: usize) -> Option<usize> {
        let rest = &self.src[i..];
        if let Some(r) = rest.strip_prefix("$$") {
            let close = r.find("$$")?;
            let tex = r[..close].trim();
            if tex.is_empty() {
                return None;
            }
            let tex = tex.to_string();
            self.slot(i, i + 4 + close, vec![Inline::Math { tex, display: true }]);
            return Some(i + 4 + close);
        }
        let r = &rest[1..];
        let first = r.chars().next()?;
        if first.is_whitespace() || first == '$' {
            return None;
        }
        let line_end = r.find('\n').unwrap_or(r.len());
        let close = r[..line_end].find('$')?;
        let tex = &r[..close];
        let last = tex.chars().next_back()?;
        if last.is_whitespace() || "([{".contains(last) || r[close + 1..].starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        let tex = tex.to_string();
        self.slot(i, i + 2 + close, vec![Inline::Math { tex, display: false }]);
        Some(i + 2 + close)
    }

    fn mark_at(&mut self, i: usize) -> Option<usize> {
        let rest = &self.src[i..];
        let pat = &rest[..2];
        let r = &rest[2..];
        if r.starts_with(char::is_whitespace) || r.starts_with(&pat[..1]) {
            return None;
        }
        let line_end = r.find('\n').unwrap_or(r.len());
        let close = r[..line_end].find(pat)?;
        let inner = &r[..close];
        if inner.is_empty() || inner.ends_with(char::is_whitespace) {
            return None;
        }
        let children = self.nested(inner, i + 2);
        self.slot(i, i + 4 + close, vec![Inline::Highlight { children }]);
        Some(i + 4 + close)
    }

    fn backslash_at(&mut self, i: usize) -> usize {
        let rest = &self.src[i..];
        let r = &rest[1..];
        match r.chars().next() {
            Some(c) if c.is_ascii_alphabetic() => {
                let n = r.bytes().take_while(|b| b.is_ascii_alphanumeric()).count();
                let name = &r[..n];
                let mut end = i + 1 + n;
                if self.src[end..].starts_with("{}") {
                    end += 2;
                }
                let text = entities::lookup(name).unwrap_or(name).to_string();
                self.slot(i, end, vec![Inline::Text { text }]);
                end
            }
            Some('(') | Some('[') => {
                let display = r.starts_with('[');
                let close = if display { "\\]" } else { "\\)" };
                match r[1..].find(close) {
                    Some(k) => {
                        let tex = r[1..1 + k].trim().to_string();
                        let end = i + 2 + k + 2;
                        self.slot(i, end, vec![Inline::Math { tex, display }]);
                        end
                    }
                    None => self.literal(i, 2),
                }
            }
            Some(c) => self.literal(i, 1 + c.len_utf8()),
            None => self.literal(i, 1),
        }
    }
}

/// `[[url][label]]`: an image when the URL names one, else a link.
/// `[[target][label]]`: an image for an image file, a labelled page reference for a page
/// file (`file:other.org`), a labelled block reference for `id:<uuid>`, else a link.
fn org_link(url: &str, label: &str, pos: Pos) -> Inline {
    let text = || vec![Inline::Text { text: label.to_string() }];
    if let Some(uuid) = url.strip_prefix("id:").map(str::trim).filter(|u| is_uuid(u)) {
        return Inline::BlockRef { uuid: uuid.to_ascii_lowercase(), label: Some(text()), target: None, pos };
    }
    let path = url.strip_prefix("file:").unwrap_or(url);
    let lower = path.to_ascii_lowercase();
    if [".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"].iter().any(|e| lower.ends_with(e)) {
        let alt = label.to_string();
        return Inline::Image { url: path.to_string(), alt, width: None, height: None, asset: None, pos };
    }
    let page_file = !path.contains("://") && (lower.ends_with(".org") || lower.ends_with(".md"));
    match std::path::Path::new(path).file_stem().and_then(|s| s.to_str()).filter(|_| page_file) {
        Some(stem) => Inline::PageRef { name: stem.to_string(), label: Some(text()), page: None },
        None => Inline::Link { url: url.to_string(), children: text(), asset: None },
    }
}

fn anki_cloze_number(inner: &str) -> Option<u32> {
    let r = inner.strip_prefix('c')?;
    let d = r.bytes().take_while(|b| b.is_ascii_digit()).count();
    if d == 0 || !r[d..].starts_with("::") {
        return None;
    }
    r[..d].parse().ok().filter(|&n| n > 0)
}

/// Macro arguments split on `,` except inside `[[…]]`, `((…))` and quotes.
fn split_args(s: &str) -> Vec<String> {
    if s.trim().is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let (mut depth, mut quoted, mut cur) = (0i32, false, String::new());
    let b: Vec<char> = s.chars().collect();
    let mut k = 0;
    while k < b.len() {
        let c = b[k];
        match c {
            '"' => quoted = !quoted,
            '[' | '(' if !quoted && b.get(k + 1) == Some(&c) => {
                depth += 1;
                cur.push(c);
                k += 1;
            }
            ']' | ')' if !quoted && depth > 0 && b.get(k + 1) == Some(&c) => {
                depth -= 1;
                cur.push(c);
                k += 1;
            }
            ',' if !quoted && depth == 0 => {
                out.push(cur.trim().to_string());
                cur.clear();
                k += 1;
                continue;
            }
            _ => {}
        }
        cur.push(c);
        k += 1;
    }
    out.push(cur.trim().to_string());
    out
}

pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(
            |(k, c)| {
                if matches!(k, 8 | 13 | 18 | 23) {
                    *c == b'-'
                } else {
                    c.is_ascii_hexdigit()
                }
            },
        )
}

/// End of a `[[…]]` starting at `i` (nesting allowed, one line), exclusive.
/// The label of a footnote mark at the start of `s`: `[^label]`, the label one or more
/// characters other than `]` and white space (as Logseq reads it).
pub(super) fn footnote_label(s: &str) -> Option<&str> {
    let rest = s.strip_prefix("[^")?;
    // A label is a word (`1`, `note`, `big-note`): `[^{}]` or `[^\s]` in a regex is text.
    let end = rest.find(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.')))?;
    (end > 0 && rest[end..].starts_with(']')).then(|| &rest[..end])
}

/// The destination in `(…)` at the start of `rest` when it holds a space (and no title, angle
/// brackets, reference or line break): `(../assets/my diagram.png)`; `([[Page A]])` is a
/// labelled page reference.
fn spaced_destination(rest: &str) -> Option<&str> {
    let close = rest.find(')')?;
    let dest = &rest[1..close];
    (dest.contains(' ')
        && !dest.trim().is_empty()
        && !dest.contains(['"', '<', '>', '\n', '(', '[', ']'])
        && !dest.starts_with(' '))
    .then_some(dest)
}

/// A `[[…]]` that names a file by its path (`../assets/pic.png`, `./notes.pdf`).
fn file_path(name: &str) -> bool {
    let path = name.starts_with("../")
        || name.starts_with("./")
        || name.starts_with("assets/")
        || name.starts_with("/assets/");
    path && name
        .rsplit('/')
        .next()
        .is_some_and(|f| f.rsplit_once('.').is_some_and(|(s, e)| !s.is_empty() && !e.is_empty()))
}

/// The image or file link a file path stands for.
fn file_inline(path: &str, pos: Pos) -> Inline {
    if crate::text::is_image_name(path) {
        return Inline::Image {
            url: path.to_string(),
            alt: String::new(),
            width: None,
            height: None,
            asset: None,
            pos,
        };
    }
    let name = path.rsplit('/').next().unwrap_or(path).to_string();
    Inline::Link { url: path.to_string(), children: vec![Inline::Text { text: name }], asset: None }
}

/// The text of a page name holding `[[inner]]` references, with each one a reference.
fn nested_ref_label(name: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut k = 0;
    while k < name.len() {
        if name[k..].starts_with("[[") {
            if let Some(end) = matching_brackets(name, k) {
                if !text.is_empty() {
                    out.push(Inline::Text { text: std::mem::take(&mut text) });
                }
                let inner = &name[k + 2..end - 2];
                let label = inner.contains("[[").then(|| nested_ref_label(inner));
                out.push(Inline::PageRef { name: inner.to_string(), label, page: None });
                k = end;
                continue;
            }
        }
        let c = name[k..].chars().next().expect("k is on a char boundary");
        text.push(c);
        k += c.len_utf8();
    }
    if !text.is_empty() {
        out.push(Inline::Text { text });
    }
    out
}

fn matching_brackets(s: &str, i: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut depth = 0;
    let mut k = i;
    while k + 1 < b.len() {
        match (b[k], b[k + 1]) {
            (b'\n', _) => return None,
            (b'[', b'[') => {
                depth += 1;
                k += 2;
            }
            (b']', b']') => {
                depth -= 1;
                k += 2;
                if depth == 0 {
                    return Some(k);
                }
            }
            _ => k += 1,
        }
    }
    None
}

/// A closing run of exactly `n` backticks at or after `from`, exclusive end.
fn find_backtick_run(s: &str, from: usize, n: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut k = from;
    while k < b.len() {
        if b[k] == b'`' {
            let run = b[k..].iter().take_while(|&&c| c == b'`').count();
            if run == n {
                return Some(k + n);
            }
            k += run;
        } else {
            k += 1;
        }
    }
    None
}

fn url_end(s: &str) -> usize {
    let mut end = s.find(|c: char| c.is_whitespace() || "<>\"`".contains(c) || c == OPEN).unwrap_or(s.len());
    while end > 0 {
        let last = s[..end].chars().next_back().unwrap_or(' ');
        let unbalanced = last == ')' && s[..end].matches('(').count() < s[..end].matches(')').count();
        if ".,;:!?'*_]".contains(last) || unbalanced {
            end -= last.len_utf8();
        } else {
            break;
        }
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_cover_their_table() {
        assert_eq!(crate::text::uncovered(&SPECIAL, special_hit), None);
    }
}
