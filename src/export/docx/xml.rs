//! XML text for WordprocessingML: escaping, and dropping the characters XML 1.0 forbids.

/// Whether XML 1.0 allows the character at all.
pub fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Escapes element text.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|c| allowed(*c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes an attribute value (double-quoted).
pub fn attr(s: &str) -> String {
    text(s).replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_and_drops_forbidden() {
        assert_eq!(super::text("a<b>&\u{1}c]]>"), "a&lt;b&gt;&amp;c]]&gt;");
        assert_eq!(super::attr("say \"hi\""), "say &quot;hi&quot;");
    }
}
