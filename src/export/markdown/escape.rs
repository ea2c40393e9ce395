//! Plain text made safe in CommonMark: what would read as markup escaped, controls dropped.

/// The bytes [`escape_text`] must look at in the middle of a line: escapes, controls, newline,
/// and 0xC2 (which begins the C1 controls).
const MID_LINE: [bool; 256] = {
    let mut t = crate::text::byte_table(b"\\`*_[]<>|~$\x7F\xC2", 0x20);
    t[b'\t' as usize] = false;
    t
};

/// [`MID_LINE`] by comparisons (tab too: the table has the last word), for
/// [`crate::text::find_in`]; neighbouring bytes are tested as ranges.
fn mid_line(c: u8) -> bool {
    (c < 0x20)
        | (c == b'$')
        | (c == b'*')
        | (c.wrapping_sub(b'<') < 3)
        | (c.wrapping_sub(b'[') < 3)
        | (c.wrapping_sub(b'_') < 2)
        | (c.wrapping_sub(b'|') < 4)
        | (c == 0xC2)
}

/// Escapes what CommonMark would read as markup in plain text: `\\ ` * _ [ ] < > | ~ $`
/// always, `# + - =` at the start of a line (after spaces), `.` and `)` after digits that begin a
/// line (an ordered list); control characters other than tab and newline are dropped. One pass
/// over the bytes, copying the runs between escapes.
pub(super) fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_into(&mut out, s);
    out
}

/// [`escape_text`], appended to `out`.
pub(super) fn escape_into(out: &mut String, s: &str) {
    let b = s.as_bytes();
    let mut line_start = true; // only spaces since the line began
    let mut line_begin = true; // right where a line begins
    let mut digits = false; // one digit or more since the line began, and nothing else
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        if !(line_start || line_begin || digits) {
            // Mid-line, only these bytes matter (the others leave the three flags false).
            match crate::text::find_in(b, i, &MID_LINE, mid_line) {
                Some(k) => i = k,
                None => break,
            }
        }
        let c = b[i];
        let (len, escape, drop) = match c {
            0x80.. => {
                let len = if c >= 0xF0 {
                    4
                } else if c >= 0xE0 {
                    3
                } else {
                    2
                };
                // U+0080–U+009F, the C1 controls.
                (len, false, c == 0xC2 && matches!(b.get(i + 1), Some(0x80..=0x9F)))
            }
            b'\\' | b'`' | b'*' | b'_' | b'[' | b']' | b'<' | b'>' | b'|' | b'~' | b'$' => (1, true, false),
            b'#' | b'+' | b'-' | b'=' => (1, line_start, false),
            b'.' | b')' => (1, digits, false),
            b'\n' | b'\t' => (1, false, false),
            0..0x20 | 0x7F => (1, false, true),
            _ => (1, false, false),
        };
        if escape || drop {
            out.push_str(&s[copied..i]);
            if escape {
                out.push('\\');
                out.push(c as char);
            }
            copied = i + len;
        }
        digits = c.is_ascii_digit() && (digits || line_begin);
        line_start = c == b'\n' || (line_start && c == b' ');
        line_begin = c == b'\n';
        i += len;
    }
    out.push_str(&s[copied..]);
}

#[cfg(test)]
mod tests {
    use super::escape_text;
    use proptest::prelude::*;

    /// The rules of [`escape_text`] one character at a time, as plainly as they can be written.
    fn reference(s: &str) -> String {
        let chars: Vec<char> = s.chars().collect();
        let mut out = String::new();
        let mut at_line_start = true;
        for (k, &c) in chars.iter().enumerate() {
            let mut j = k;
            while j > 0 && chars[j - 1].is_ascii_digit() {
                j -= 1;
            }
            let list_number = j < k && (j == 0 || chars[j - 1] == '\n');
            match c {
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '$' => out.extend(['\\', c]),
                '#' | '+' | '-' | '=' if at_line_start => out.extend(['\\', c]),
                '.' | ')' if list_number => out.extend(['\\', c]),
                c if c.is_control() && c != '\n' && c != '\t' => {}
                c => out.push(c),
            }
            at_line_start = c == '\n' || (at_line_start && c == ' ');
        }
        out
    }

    #[test]
    fn escapes() {
        assert_eq!(escape_text("1. a\n 2) b\n12.5 x\nv1.2"), "1\\. a\n 2) b\n12\\.5 x\nv1.2");
        assert_eq!(escape_text("  # h\n- x\na - b = c"), "  \\# h\n\\- x\na - b = c");
        assert_eq!(escape_text("a\u{0}b\u{85}c\u{7f}é\t$"), "abcé\t\\$");
    }

    #[test]
    fn compares_cover_the_table() {
        assert_eq!(crate::text::uncovered(&super::MID_LINE, super::mid_line), None);
    }

    proptest! {
        /// Long plain stretches around one byte that matters: the scan skips whole chunks.
        #[test]
        fn escapes_are_found_after_long_plain_text(
            a in "[a-z ]{0,80}",
            c in "[*_\\[\\]<>|~$`\\\\\u{1}\u{7f}\u{85}\n]",
            b in "[a-z .]{0,80}",
        ) {
            let s = format!("x{a}{c}{b}");
            prop_assert_eq!(escape_text(&s), reference(&s));
        }

        #[test]
        fn escaping_follows_the_rules(s in "[a1-9 .)#+=*_\\\\`$|~<>\\[\\]\n\t\u{0}\u{1}\u{7f}\u{85}\u{a0}é中😀-]{0,30}") {
            prop_assert_eq!(escape_text(&s), reference(&s));
        }

        #[test]
        fn line_starts_follow_the_rules(s in "[19.) #=\n\u{85}a-]{0,20}") {
            prop_assert_eq!(escape_text(&s), reference(&s));
        }
    }
}
