//! A page file's bytes as text: invalid UTF-8 and control characters reported where they are.

use crate::diag::{Code, Diagnostic};

/// Decodes bytes as UTF-8; on failure reports the first bad byte and continues lossily.
pub(super) fn decode<'b>(file: &str, bytes: &'b [u8], diags: &mut Vec<Diagnostic>) -> std::borrow::Cow<'b, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(e) => {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
            let col = (at - bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1)) as u32 + 1;
            diags.push(Diagnostic::error(
                Code::InvalidUtf8,
                file,
                line,
                col,
                format!("invalid UTF-8 at byte offset {at}; undecodable bytes were replaced with U+FFFD"),
            ));
            String::from_utf8_lossy(bytes)
        }
    }
}

/// Control characters that XML (Word) forbids and HTML (Anki) drops: reported once per line.
/// The IR keeps the text as written; each exporter removes what its format cannot hold.
pub(super) fn warn_control_characters(file: &str, text: &str, diags: &mut Vec<Diagnostic>) {
    if first_control_character(text.as_bytes()).is_none() {
        return;
    }
    for (n, line) in text.split('\n').enumerate() {
        if let Some(col) = first_control_character(line.as_bytes()) {
            diags.push(Diagnostic::warning(
                Code::ControlCharacter,
                file,
                n as u32 + 1,
                col as u32 + 1,
                "control character in text; Word and Anki outputs leave it out",
            ));
        }
    }
}

/// Bytes, not chars: the C0 controls but tab, newline and carriage return are single bytes,
/// U+FFFE/U+FFFF are EF BF BE/BF. Every byte of every page is checked, so whole 32-byte chunks
/// are skipped at once (see [`crate::text::find_in`]).
fn first_control_character(b: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = crate::text::find_in(b, from, &LEAD, lead) {
        if b[i] != 0xEF || crate::text::noncharacter_at(b, i) {
            return Some(i);
        }
        from = i + 1;
    }
    None
}

/// The bytes [`first_control_character`] looks at: C0 controls but tab, newline and carriage
/// return, and 0xEF (which starts U+FFFE and U+FFFF); as a table and as comparisons.
const LEAD: [bool; 256] = {
    let mut t = crate::text::byte_table(&[0xEF], b' ');
    t[b'\t' as usize] = false;
    t[b'\n' as usize] = false;
    t[b'\r' as usize] = false;
    t
};

fn lead(c: u8) -> bool {
    (c < b' ') & (c != b'\t') & (c != b'\n') & (c != b'\r') | (c == 0xEF)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// The rule, byte by byte.
    fn reference(b: &[u8]) -> Option<usize> {
        b.iter().enumerate().position(|(i, &c)| {
            (c < b' ' && !matches!(c, b'\t' | b'\n' | b'\r'))
                || (c == 0xEF && b.get(i + 1) == Some(&0xBF) && matches!(b.get(i + 2), Some(0xBE | 0xBF)))
        })
    }

    #[test]
    fn compares_cover_the_table() {
        assert_eq!(crate::text::uncovered(&super::LEAD, super::lead), None);
    }

    #[test]
    fn noncharacters_and_controls_are_found_in_long_lines() {
        for bad in ["\u{FFFE}", "\u{FFFF}", "\u{1}", "\u{1F}"] {
            for at in [0, 31, 32, 33, 63, 64, 100] {
                let t = format!("{}{bad}{}", "a".repeat(at), "\u{FF5E}a\tb\r\n".repeat(20));
                assert_eq!(super::first_control_character(t.as_bytes()), Some(at), "{bad:?} at {at}");
            }
        }
        assert_eq!(super::first_control_character("\u{FF5E}\u{FFFD}x\t\r\n".repeat(30).as_bytes()), None);
    }

    proptest! {
        #[test]
        fn control_characters_are_found_as_byte_by_byte(
            b in proptest::collection::vec(
                // Mostly plain text, so that whole 32-byte chunks hold nothing to find.
                prop_oneof![60 => Just(b'a'), 1 => Just(b'\t'), 1 => Just(b'\n'), 1 => Just(b'\r'),
                            1 => Just(0x01), 1 => Just(0x1F), 2 => Just(0xEF), 2 => Just(0xBF),
                            2 => Just(0xBE), 1 => Just(0xBD), 1 => any::<u8>()],
                0..300,
            )
        ) {
            prop_assert_eq!(super::first_control_character(&b), reference(&b));
        }
    }
}
