//! Plain text made safe in CommonMark: what would read as markup escaped, controls dropped.

/// The bytes [`escape_text`] must look at in the middle of a line: escapes, controls, newline,
/// and 0xC2 (which begins the C1 controls).
const MID_LINE: [bool; 256] = {
    let mut t = crate::text::byte_table(b"\\`*_[]<&|~$\x7F\xC2", 0x20);
    t[b'\t' as usize] = false;
    t
};

/// [`MID_LINE`] by comparisons (tab too: the table has the last word), for
/// [`crate::text::find_in`]; neighbouring bytes are tested as ranges.
fn mid_line(c: u8) -> bool {
    (c < 0x20)
        | (c == b'$')
        | (c == b'*')
        | (c == b'<')
        | (c == b'&')
        | (c.wrapping_sub(b'[') < 3)
        | (c.wrapping_sub(b'_') < 2)
        | (c.wrapping_sub(b'|') < 4)
        | (c == 0xC2)
}

/// Escapes what CommonMark would read as markup in plain text: `\\ ` * | ~ $` always; `_`
/// unless between letters or digits (`snake_case` cannot be emphasis); `[` before `^` (a
/// footnote mark) or before ` ]`, `x]` (a task box); `]` before `(`, `[` or `:` or at the end
/// (where a link, a reference or a definition would close); `<` before what could open a tag
/// or an autolink (a letter, `/`, `!`, `?`); `&` before what could be an entity (`&amp;`,
/// `&#38;`); `# + - = >` at the start of a line (after spaces); `.` and `)` after the digits
/// that begin a line, before a space or the end (an ordered list; in a paragraph's later lines
/// only after `1`, the one number that interrupts a paragraph). Control characters other than
/// tab and newline are dropped. Where a line starts, and whether it continues a paragraph, is
/// known from what `out` already holds, so `a -> b` after a code span stays as it is. One pass
/// over the bytes, copying the runs between escapes.
pub(super) fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_into(&mut out, s);
    out
}

/// [`escape_text`], appended to `out`.
pub(super) fn escape_into(out: &mut String, s: &str) {
    let b = s.as_bytes();
    // Where `out` leaves off: only spaces, or only digits, since its last line began (looked
    // at back to the first other byte, so a long line costs nothing).
    let held = out.as_bytes();
    let mut k = held.len();
    while k > 0 && matches!(held[k - 1], b' ' | b'0'..=b'9') {
        k -= 1;
    }
    let tail = if k == 0 || held[k - 1] == b'\n' { Some(&held[k..]) } else { None };
    let mut line_start = tail.is_some_and(|t| t.iter().all(|&c| c == b' ')); // only spaces since the line began
    let mut line_begin = tail.is_some_and(|t| t.is_empty()); // right where a line begins
    let mut digits = tail.is_some_and(|t| !t.is_empty() && t.iter().all(u8::is_ascii_digit)); // only digits since
    // The digits so far are `1`.
    let mut one = tail == Some(b"1".as_slice());
    // The line began after a line with text: a paragraph goes on there.
    let mut continues = k > 0 && {
        let before = &held[..k - 1];
        let from = before.iter().rposition(|&c| c == b'\n').map_or(0, |p| p + 1);
        before[from..].iter().any(|&c| c != b' ' && c != b'\t')
    };
    // Only spaces and tabs since the line began (a blank line so far).
    let mut line_blank = {
        let from = held.iter().rposition(|&c| c == b'\n').map_or(0, |p| p + 1);
        held[from..].iter().all(|&c| c == b' ' || c == b'\t')
    };
    let last_held = out.chars().next_back();
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        if !(line_start || line_begin || digits || line_blank) {
            // Mid-line, only these bytes matter (the others leave the four flags false).
            match crate::text::find_in(b, i, &MID_LINE, mid_line) {
                Some(k) => i = k,
                None => break,
            }
        }
        let c = b[i];
        let next = b.get(i + 1).copied();
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
                (len, false, c == 0xC2 && matches!(next, Some(0x80..=0x9F)))
            }
            b'\\' | b'`' | b'*' | b'|' | b'~' | b'$' => (1, true, false),
            b'_' => {
                let before = s[..i].chars().next_back().or(last_held);
                let after = s[i + 1..].chars().next();
                (1, !(before.is_some_and(char::is_alphanumeric) && after.is_some_and(char::is_alphanumeric)), false)
            }
            b'[' => (1, next == Some(b'^') || matches!(b.get(i + 1..i + 3), Some([b' ' | b'x' | b'X', b']'])), false),
            b']' => (1, matches!(next, None | Some(b'(' | b'[' | b':')), false),
            b'<' => (1, next.is_some_and(|n| n.is_ascii_alphabetic() || b"/!?".contains(&n)), false),
            b'&' => (1, entity_like(&b[i + 1..]), false),
            b'#' | b'+' | b'-' | b'=' | b'>' => (1, line_start, false),
            b'.' | b')' => {
                let marker_end = matches!(next, None | Some(b' ' | b'\t' | b'\n'));
                (1, digits && marker_end && (!continues || one), false)
            }
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
        one = c == b'1' && line_begin;
        digits = c.is_ascii_digit() && (digits || line_begin);
        if c == b'\n' {
            // A line of spaces and tabs is blank: it ends a paragraph.
            continues = !line_blank;
        }
        line_blank = c == b'\n' || (line_blank && (c == b' ' || c == b'\t'));
        line_start = c == b'\n' || (line_start && c == b' ');
        line_begin = c == b'\n';
        i += len;
    }
    out.push_str(&s[copied..]);
}

/// Whether the bytes after a `&` could make it an entity: a name or `#` number, then `;`.
fn entity_like(rest: &[u8]) -> bool {
    let body = rest.strip_prefix(b"#").map_or(rest, |r| r.strip_prefix(b"x").or(r.strip_prefix(b"X")).unwrap_or(r));
    let n = body.iter().take(32).take_while(|c| c.is_ascii_alphanumeric()).count();
    n > 0 && body.get(n) == Some(&b';')
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
            // The line before the number's has text.
            let continues = j > 0 && {
                let line: String = chars[..j - 1].iter().rev().take_while(|&&c| c != '\n').collect();
                line.chars().any(|c| c != ' ' && c != '\t')
            };
            let number: String = chars[j..k].iter().collect();
            let next = chars.get(k + 1).copied();
            let alnum = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric());
            match c {
                '\\' | '`' | '*' | '|' | '~' | '$' => out.extend(['\\', c]),
                '_' if !(alnum(k.checked_sub(1).and_then(|p| chars.get(p))) && alnum(chars.get(k + 1))) => {
                    out.extend(['\\', c])
                }
                '[' if next == Some('^') || (matches!(next, Some(' ' | 'x' | 'X')) && chars.get(k + 2) == Some(&']')) => {
                    out.extend(['\\', c])
                }
                ']' if matches!(next, None | Some('(' | '[' | ':')) => out.extend(['\\', c]),
                '<' if next.is_some_and(|n| n.is_ascii_alphabetic() || "/!?".contains(n)) => out.extend(['\\', c]),
                '&' if {
                    let rest: String = chars[k + 1..].iter().collect();
                    let body = rest.strip_prefix('#').map_or(rest.as_str(), |r| r.strip_prefix(['x', 'X']).unwrap_or(r));
                    let n = body.chars().take(32).take_while(|c| c.is_ascii_alphanumeric()).count();
                    n > 0 && body[n..].starts_with(';')
                } =>
                {
                    out.extend(['\\', c])
                }
                '#' | '+' | '-' | '=' | '>' if at_line_start => out.extend(['\\', c]),
                '.' | ')'
                    if list_number
                        && matches!(next, None | Some(' ' | '\t' | '\n'))
                        && (!continues || number == "1") =>
                {
                    out.extend(['\\', c])
                }
                c if c.is_control() && c != '\n' && c != '\t' => {}
                c => out.push(c),
            }
            at_line_start = c == '\n' || (at_line_start && c == ' ');
        }
        out
    }

    #[test]
    fn escapes() {
        assert_eq!(escape_text("1. a\n 2) b\n12.5 x\nv1.2"), "1\\. a\n 2) b\n12.5 x\nv1.2");
        // After a line of text only `1.` starts a list; at the start, any number does.
        assert_eq!(escape_text("2. a\n2. b\n1. c\n1.5"), "2\\. a\n2. b\n1\\. c\n1.5");
        assert_eq!(escape_text("snake_case _x_ a_ [x] [^1] [a](b) [a]: &amp; & a&b"), "snake_case \\_x\\_ a\\_ \\[x] \\[^1] [a\\](b) [a\\]: \\&amp; & a&b");
        assert_eq!(escape_text("  # h\n- x\na - b = c"), "  \\# h\n\\- x\na - b = c");
        assert_eq!(escape_text("a\u{0}b\u{85}c\u{7f}é\t$"), "abcé\t\\$");
    }

    /// Only what could be read as markup is escaped: `<` before a letter or `/`, `>` and `-` at
    /// the start of a line, and a line starts where `out` says it does.
    #[test]
    fn escapes_only_what_could_be_markup() {
        let t = "`LATER` -> `NOW`, DEADLINE: <2021-05-29 Sat>, 1 < 2 > 0, <b> </i> <!x";
        assert_eq!(escape_text(t), "`LATER` -> `NOW`, DEADLINE: <2021-05-29 Sat>, 1 < 2 > 0, \\<b> \\</i> \\<!x".replace("`", "\\`"));
        assert_eq!(escape_text("> quote\n- item\n"), "\\> quote\n\\- item\n");
        let mut out = String::from("`code`");
        super::escape_into(&mut out, " -> x");
        assert_eq!(out, "`code` -> x", "mid-line, after what `out` holds");
        let mut out = String::from("text\n  ");
        super::escape_into(&mut out, "- x");
        assert_eq!(out, "text\n  \\- x", "at a line's start, after its spaces");
        let mut out = String::from("12");
        super::escape_into(&mut out, ". x");
        assert_eq!(out, "12\\. x", "after the digits that begin a line");
    }

    proptest! {
        /// The escaped text reads back as the same text: a CommonMark parser finds no markup in it.
        #[test]
        fn escaped_text_parses_back_to_itself(s in "[a-z0-9 <>#+=.)(*_\\-\\[\\]|~$`\\\\!/?:&;^\n]{1,30}") {
            // Lines as a paragraph holds them: no blank one, no spaces around.
            let s = s.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n");
            prop_assume!(!s.is_empty());
            let s = s.as_str();
            let md = escape_text(s);
            let mut text = String::new();
            let options = pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_STRIKETHROUGH;
            for e in pulldown_cmark::Parser::new_ext(&md, options) {
                match e {
                    pulldown_cmark::Event::Text(t) => text.push_str(&t),
                    pulldown_cmark::Event::SoftBreak => text.push('\n'),
                    pulldown_cmark::Event::Start(pulldown_cmark::Tag::Paragraph) | pulldown_cmark::Event::End(_) => {}
                    other => prop_assert!(false, "{md:?} reads as {other:?}"),
                }
            }
            prop_assert_eq!(text, s);
        }
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
            c in "[*_\\[\\]<>&|~$`\\\\\u{1}\u{7f}\u{85}\n]",
            b in "[a-z .]{0,80}",
        ) {
            let s = format!("x{a}{c}{b}");
            prop_assert_eq!(escape_text(&s), reference(&s));
        }

        #[test]
        fn escaping_follows_the_rules(s in "[a1-9 .)#+=*_\\\\`$|~<>&;^(:x\\[\\]\n\t\u{0}\u{1}\u{7f}\u{85}\u{a0}é中😀-]{0,30}") {
            prop_assert_eq!(escape_text(&s), reference(&s));
        }

        #[test]
        fn line_starts_follow_the_rules(s in "[19.) #=\n\u{85}a-]{0,20}") {
            prop_assert_eq!(escape_text(&s), reference(&s));
        }
    }
}
