//! XML text for WordprocessingML: escaping, and dropping the characters XML 1.0 forbids.

/// Escapes element text.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_text(&mut out, s);
    out
}

/// The bytes [`push_text`] looks at, as a table and as comparisons.
const SPECIAL: [bool; 256] = crate::text::byte_table(b"&<>\xEF", 0x20);

fn special(c: u8) -> bool {
    (c < 0x20) | (c == b'&') | (c == b'<') | (c == b'>') | (c == 0xEF)
}

/// Appends `s` escaped as element text, without the characters XML forbids. Bytes that need
/// a look are markup, C0 controls and 0xEF (which starts U+FFFE and U+FFFF); the stretches
/// between them are copied as they are: this runs over all the text of a document.
pub fn push_text(out: &mut String, s: &str) {
    let b = s.as_bytes();
    let mut from = 0;
    while let Some(i) = crate::text::find_in(b, from, &SPECIAL, special) {
        out.push_str(&s[from..i]);
        let (escaped, len) = match b[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'\t' | b'\n' | b'\r' => (&s[i..i + 1], 1),
            // U+FFFE and U+FFFF are dropped; other characters from U+F000 are kept.
            0xEF if crate::text::noncharacter_at(b, i) => ("", 3),
            0xEF => (&s[i..i + 3], 3),
            _ => ("", 1),
        };
        out.push_str(escaped);
        from = i + len;
    }
    out.push_str(&s[from..]);
}

/// Escapes an attribute value (double-quoted).
pub fn attr(s: &str) -> String {
    text(s).replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// Whether XML 1.0 allows the character at all.
    fn allowed(c: char) -> bool {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
    }

    /// The rule one character at a time.
    fn reference(s: &str) -> String {
        let mut out = String::new();
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

    #[test]
    fn compares_cover_the_table() {
        assert_eq!(crate::text::uncovered(&super::SPECIAL, super::special), None);
    }

    #[test]
    fn escapes_and_drops_forbidden() {
        assert_eq!(super::text("a<b>&\u{1}c]]>"), "a&lt;b&gt;&amp;c]]&gt;");
        assert_eq!(super::text("\u{FFFE}x\u{FFFF}\u{F000}\u{FFFD}\t\r\n"), "x\u{F000}\u{FFFD}\t\r\n");
        assert_eq!(super::attr("say \"hi\""), "say &quot;hi&quot;");
    }

    proptest! {
        #[test]
        fn escaping_follows_the_rule(s in "[a <>&\"\t\r\n\u{0}\u{1}\u{1f}\u{7f}\u{85}é中\u{F000}\u{FEFF}\u{FFFD}\u{FFFE}\u{FFFF}😀]{0,80}") {
            prop_assert_eq!(super::text(&s), reference(&s));
        }
    }
}
