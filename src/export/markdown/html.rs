//! Raw HTML in Markdown: passed on (without what runs code), and where CommonMark would read
//! the lines under it as HTML too, ended by a blank line.

/// Whether a line starts an HTML block in CommonMark (its kinds 1 to 7), which runs on to a
/// blank line (kinds 6 and 7) or to its end tag, taking any Markdown under it as HTML.
pub(super) fn starts_html_block(line: &str) -> bool {
    let t = line.trim_start_matches(' ');
    if line.len() - t.len() > 3 || !t.starts_with('<') {
        return false;
    }
    let lower = t.to_ascii_lowercase();
    let name_after = |prefix: &str, names: &[&str]| {
        lower.strip_prefix(prefix).is_some_and(|r| {
            names.iter().any(|n| {
                r.strip_prefix(n)
                    .is_some_and(|after| after.is_empty() || after.starts_with([' ', '\t', '>']) || after.starts_with("/>"))
            })
        })
    };
    // 1: code-like elements; 2–5: comments, processing instructions, declarations, CDATA.
    if name_after("<", &["script", "pre", "style", "textarea"])
        || ["<!--", "<?", "<![cdata["].iter().any(|p| lower.starts_with(p))
        || lower.strip_prefix("<!").is_some_and(|r| r.starts_with(|c: char| c.is_ascii_alphabetic()))
    {
        return true;
    }
    // 6: block-level elements.
    const BLOCK: &[&str] = &[
        "address", "article", "aside", "base", "basefont", "blockquote", "body", "caption", "center", "col",
        "colgroup", "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
        "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr", "html",
        "iframe", "legend", "li", "link", "main", "menu", "menuitem", "nav", "noframes", "ol", "optgroup",
        "option", "p", "param", "search", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead",
        "title", "tr", "track", "ul",
    ];
    if name_after("<", BLOCK) || name_after("</", BLOCK) {
        return true;
    }
    // 7: any other complete tag alone on its line.
    let rest = t.trim_end();
    rest.ends_with('>') && rest.matches('<').count() == 1 && crate::export::raw_html::tag(rest).is_some()
}

/// Whether HTML would open a block that only its end marker closes (`<!--`, `<?`, `<!X`,
/// `<![CDATA[`, `<pre>`, `<style>`, `<textarea>`) without holding that marker: the rest of the
/// page would be read as HTML.
pub(super) fn unterminated(html: &str) -> bool {
    let lower = html.trim_start().to_ascii_lowercase();
    let ends = |open: &str, close: &str| lower.starts_with(open) && !lower[open.len()..].contains(close);
    ends("<!--", "-->")
        || ends("<?", "?>")
        || ends("<![cdata[", "]]>")
        || (lower.starts_with("<!") && !lower.starts_with("<!--") && !lower.contains('>'))
        || ["pre", "style", "textarea", "script"]
            .iter()
            .any(|n| ends(&format!("<{n}"), &format!("</{n}")) && lower[n.len() + 1..].starts_with([' ', '>', '\t']))
}

#[cfg(test)]
mod tests {
    use super::starts_html_block;

    #[test]
    fn html_block_starts() {
        for yes in ["<div style=\"x\">a", "</div>", "<iframe src=x></iframe>", "<!-- c -->", "<script>", "<kbd>", "  <br/>"] {
            assert!(starts_html_block(yes), "{yes}");
        }
        assert!(super::unterminated("<?") && super::unterminated("<!-- open") && super::unterminated("<pre>"));
        assert!(!super::unterminated("<!-- c -->") && !super::unterminated("<pre>a</pre>") && !super::unterminated("<preview>"));
        for no in ["<kbd>Ctrl</kbd> text", "a <div>", "<span>x</span>", "<2021-05-29 Sat>", "    <div>", "<divx"] {
            assert!(!starts_html_block(no), "{no}");
        }
    }
}
