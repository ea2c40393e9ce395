//! Raw HTML in the notes (Logseq renders it): the tags formats can show as formatting
//! (`<kbd>`, `<sub>`, `<mark>`, `<br>`…), media that become a link to their source
//! (`<iframe>`, `<video>`, `<audio>`), and the rest, whose text is kept and markup dropped.

/// One tag: `<kbd>`, `</sub>`, `<br/>`, `<iframe src="…">`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// Lower-case name.
    pub name: String,
    pub closing: bool,
    /// The `src` (or `href`) attribute, for media and links.
    pub src: Option<String>,
}

/// What a tag is to a format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Bold,
    Italic,
    Strike,
    Underline,
    Highlight,
    /// `<kbd>`, `<code>`, `<samp>`: monospace.
    Code,
    Sub,
    Sup,
    Break,
    /// `<iframe>`, `<video>`, `<audio>`, `<source>`, `<embed>`: a link to their source.
    Media,
    /// Anything else: its text is shown, its markup dropped.
    Other,
}

impl Tag {
    /// A tag that only groups or lays out text (`<div>`, `<span>`): dropping it loses nothing
    /// worth a note.
    pub fn is_structural(&self) -> bool {
        matches!(
            self.name.as_str(),
            "div"
                | "span"
                | "p"
                | "font"
                | "center"
                | "small"
                | "big"
                | "section"
                | "article"
                | "label"
                | "abbr"
                | "html"
        )
    }

    pub fn kind(&self) -> Kind {
        match self.name.as_str() {
            "b" | "strong" => Kind::Bold,
            "i" | "em" | "cite" | "var" => Kind::Italic,
            "s" | "del" | "strike" => Kind::Strike,
            "u" | "ins" => Kind::Underline,
            "mark" => Kind::Highlight,
            "kbd" | "code" | "samp" | "tt" => Kind::Code,
            "sub" => Kind::Sub,
            "sup" => Kind::Sup,
            "br" => Kind::Break,
            "iframe" | "video" | "audio" | "source" | "embed" => Kind::Media,
            _ => Kind::Other,
        }
    }
}

/// `s` as one tag, if it is exactly one (`<kbd>`, `</kbd>`, `<br/>`, `<video src="a.mp4">`).
pub fn tag(s: &str) -> Option<Tag> {
    let inner = s.trim().strip_prefix('<')?.strip_suffix('>')?;
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let name: String = inner.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) || inner.contains(['<', '>']) {
        return None;
    }
    let src = ["src", "href"].iter().find_map(|key| attribute(inner, key));
    Some(Tag { name: name.to_ascii_lowercase(), closing, src })
}

/// The value of attribute `key` in a tag's inside (`src="a.mp4"`, `src='a'`, `src=a`).
fn attribute(inner: &str, key: &str) -> Option<String> {
    let lower = inner.to_ascii_lowercase();
    let mut from = 0;
    while let Some(k) = lower[from..].find(key) {
        let at = from + k;
        from = at + key.len();
        let before_ok = at > 0 && lower.as_bytes()[at - 1].is_ascii_whitespace();
        let rest = inner[at + key.len()..].trim_start();
        let Some(value) = rest.strip_prefix('=').map(str::trim_start).filter(|_| before_ok) else { continue };
        let value = match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
            _ => value.split(|c: char| c.is_whitespace() || c == '/').next().unwrap_or(""),
        };
        return (!value.is_empty()).then(|| value.to_string());
    }
    None
}

/// A piece of a block of HTML: text (entities decoded) or a tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Tag(Tag),
}

/// A block of HTML as text and tags; comments, scripts and styles leave nothing.
pub fn pieces(html: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |e| &after[e + 3..]);
            continue;
        }
        if rest.starts_with('<') {
            if let Some(end) = rest.find('>') {
                if let Some(t) = tag(&rest[..=end]) {
                    rest = &rest[end + 1..];
                    // The code of a script or a style sheet is not text of the notes.
                    if !t.closing && (t.name == "script" || t.name == "style") {
                        let close = format!("</{}", t.name);
                        let at = rest.to_ascii_lowercase().find(&close);
                        rest = at.and_then(|a| rest[a..].find('>').map(|e| &rest[a + e + 1..])).unwrap_or("");
                        continue;
                    }
                    out.push(Piece::Tag(t));
                    continue;
                }
            }
        }
        // Text runs to the next `<` after its first character (which may take several bytes).
        let first = rest.chars().next().map_or(1, char::len_utf8);
        let next = rest[first..].find('<').map_or(rest.len(), |k| k + first);
        out.push(Piece::Text(decode(&rest[..next])));
        rest = &rest[next..];
    }
    out
}

/// The common character entities of HTML text.
fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&nbsp;", "\u{a0}")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// HTML to pass on as it is, without what runs code: `<script>` elements (and their code),
/// event-handler attributes (`onclick=…`) and `javascript:` addresses. Returns the HTML and
/// what was taken out (for a note), or nothing when all is kept.
pub fn sanitize(html: &str) -> (std::borrow::Cow<'_, str>, Vec<String>) {
    let lower = html.to_ascii_lowercase();
    if !lower.contains("<script") && !lower.contains(" on") && !lower.contains("javascript:") {
        return (html.into(), Vec::new());
    }
    let (mut out, mut removed) = (String::with_capacity(html.len()), Vec::new());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        rest = &rest[open..];
        let Some(end) = rest.find('>') else { break };
        let Some(t) = tag(&rest[..=end]) else {
            out.push('<');
            rest = &rest[1..];
            continue;
        };
        if t.name == "script" {
            removed.push("<script>".to_string());
            rest = &rest[end + 1..];
            if !t.closing {
                let at = rest.to_ascii_lowercase().find("</script");
                rest = at.and_then(|a| rest[a..].find('>').map(|e| &rest[a + e + 1..])).unwrap_or("");
            }
            continue;
        }
        out.push_str(&clean_tag(&rest[..=end], &mut removed));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    (out.into(), removed)
}

/// One tag without its event handlers and `javascript:` addresses.
fn clean_tag(tag: &str, removed: &mut Vec<String>) -> String {
    let inner = &tag[1..tag.len() - 1];
    let name_end = inner.find(|c: char| c.is_whitespace() || c == '/').unwrap_or(inner.len());
    let mut out = format!("<{}", &inner[..name_end]);
    let mut rest = &inner[name_end..];
    loop {
        let trimmed = rest.trim_start();
        let space = &rest[..rest.len() - trimmed.len()];
        rest = trimmed;
        if rest.is_empty() || rest.starts_with('/') {
            out.push_str(space);
            out.push_str(rest);
            break;
        }
        let name_len = rest.find(|c: char| c.is_whitespace() || c == '=' || c == '/').unwrap_or(rest.len());
        let name = &rest[..name_len];
        let mut len = name_len;
        let after = rest[len..].trim_start();
        let mut value = "";
        if let Some(v) = after.strip_prefix('=') {
            let v = v.trim_start();
            let vlen = match v.chars().next() {
                Some(q @ ('"' | '\'')) => v[1..].find(q).map_or(v.len(), |k| k + 2),
                _ => v.find(char::is_whitespace).unwrap_or(v.len()),
            };
            value = v[..vlen].trim_matches(['"', '\'']);
            len = rest.len() - v.len() + vlen;
        }
        let attribute = &rest[..len];
        let code = value.trim_start().to_ascii_lowercase().starts_with("javascript:");
        if name.to_ascii_lowercase().starts_with("on") || code {
            removed.push(format!("{name}="));
        } else {
            out.push_str(space);
            out.push_str(attribute);
        }
        rest = &rest[len..];
    }
    out.push('>');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_their_kinds() {
        let t = tag("<kbd>").unwrap();
        assert_eq!((t.name.as_str(), t.closing, t.kind()), ("kbd", false, Kind::Code));
        assert_eq!(tag("</SUB>").unwrap().kind(), Kind::Sub);
        assert_eq!(tag("<br/>").unwrap().kind(), Kind::Break);
        let v = tag("<video controls src=\"clip.mp4\">").unwrap();
        assert_eq!((v.kind(), v.src.as_deref()), (Kind::Media, Some("clip.mp4")));
        assert_eq!(
            tag("<iframe width=560 src='https://y.be/x' allowfullscreen>").unwrap().src.as_deref(),
            Some("https://y.be/x")
        );
        assert_eq!(tag("<div class=\"note\">").unwrap().kind(), Kind::Other);
        assert_eq!(tag("< 3 and >"), None);
        assert_eq!(tag("<a><b>"), None);
    }

    #[test]
    fn code_is_taken_out() {
        let (html, removed) = sanitize("<kbd>K</kbd> <b onclick=\"x()\" class=c>b</b><script>alert(1)</script>");
        assert_eq!(html, "<kbd>K</kbd> <b class=c>b</b>");
        assert_eq!(removed, ["onclick=", "<script>"]);
        let (html, _) = sanitize("<a href='javascript:x()' title=t>a</a> 1 < 2 <img src=x.png onerror=y/>");
        assert_eq!(html, "<a title=t>a</a> 1 < 2 <img src=x.png>");
        let (html, removed) = sanitize("<div style=\"a\">on the one hand</div>");
        assert_eq!((html.as_ref(), removed.len()), ("<div style=\"a\">on the one hand</div>", 0));
    }

    #[test]
    fn a_block_as_text_and_tags() {
        let p = pieces("<div>Hi <b>you</b> &amp; me<!-- note --><script>x()</script><br></div>");
        let shown: Vec<String> = p
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.clone(),
                Piece::Tag(t) => format!("{}{}", if t.closing { "/" } else { "" }, t.name),
            })
            .collect();
        assert_eq!(shown, ["div", "Hi ", "b", "you", "/b", " & me", "br", "/div"]);
        // Found on a real graph: text starting with a character of several bytes.
        let p = pieces("<td>✔</td><td>✘ < 3</td>");
        assert_eq!(p[1], Piece::Text("✔".into()));
        assert_eq!(p[4], Piece::Text("✘ ".into()));
        assert_eq!(p[5], Piece::Text("< 3".into()));
    }
}
