//! XML text for WordprocessingML: escaping, and dropping the characters XML 1.0 forbids.

/// Escapes element text.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_text(&mut out, s);
    out
}

/// Bytes that need a look: markup, C0 controls, and 0xEF, which starts U+FFFE and U+FFFF.
/// Every other byte is copied as it is, a stretch at a time: this runs over all the text
/// of a document.
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'&' as usize] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[0xEF] = true;
    t
};

/// Appends `s` escaped as element text, without the characters XML forbids.
pub fn push_text(out: &mut String, s: &str) {
    let b = s.as_bytes();
    let (mut from, mut i) = (0, 0);
    while i < b.len() {
        if !SPECIAL[b[i] as usize] {
            i += 1;
            continue;
        }
        out.push_str(&s[from..i]);
        let (escaped, len) = match b[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'\t' | b'\n' | b'\r' => (&s[i..i + 1], 1),
            // U+FFFE and U+FFFF are dropped; other characters from U+F000 are kept.
            0xEF if b[i + 1] == 0xBF && matches!(b[i + 2], 0xBE | 0xBF) => ("", 3),
            0xEF => (&s[i..i + 3], 3),
            _ => ("", 1),
        };
        out.push_str(escaped);
        i += len;
        from = i;
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
    fn escapes_and_drops_forbidden() {
        assert_eq!(super::text("a<b>&\u{1}c]]>"), "a&lt;b&gt;&amp;c]]&gt;");
        assert_eq!(super::text("\u{FFFE}x\u{FFFF}\u{F000}\u{FFFD}\t\r\n"), "x\u{F000}\u{FFFD}\t\r\n");
        assert_eq!(super::attr("say \"hi\""), "say &quot;hi&quot;");
    }

    proptest! {
        #[test]
        fn escaping_follows_the_rule(s in "[a <>&\"\t\r\n\u{0}\u{1}\u{1f}\u{7f}\u{85}é中\u{F000}\u{FEFF}\u{FFFD}\u{FFFE}\u{FFFF}😀]{0,30}") {
            prop_assert_eq!(super::text(&s), reference(&s));
        }
    }
}
