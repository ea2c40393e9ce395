//! A page's title, aliases, tags and properties as YAML front matter, for static-site
//! generators. Every scalar is double-quoted, the one YAML style whose escapes can say any
//! text (YAML 1.2, section 5.7), so no value is read back as a number, a list or a comment.

use crate::ir::{Page, PropValue};
use std::fmt::Write;

/// Page properties the front matter already says another way, or that mean nothing outside
/// Logseq.
const LEFT_OUT: [&str; 5] = ["alias", "tags", "title", "id", "collapsed"];

/// Appends the front matter block (between `---` lines) and a blank line.
pub fn write(out: &mut String, page: &Page) {
    out.push_str("---\ntitle: ");
    scalar(out, &page.title);
    out.push('\n');
    for (key, list) in [("aliases", &page.aliases), ("tags", &page.tags)] {
        if !list.is_empty() {
            out.push_str(key);
            out.push_str(": ");
            sequence(out, list);
            out.push('\n');
        }
    }
    for p in page.properties.iter().filter(|p| !LEFT_OUT.contains(&p.key.as_str())) {
        scalar(out, &p.key);
        out.push_str(": ");
        match &p.value {
            PropValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            PropValue::Int(i) => out.push_str(itoa::Buffer::new().format(*i)),
            PropValue::Text(t) => scalar(out, t),
            PropValue::Refs(r) => sequence(out, r),
        }
        out.push('\n');
    }
    out.push_str("---\n\n");
}

/// A flow sequence of double-quoted scalars: `["a", "b"]`.
fn sequence(out: &mut String, items: &[String]) {
    out.push('[');
    for (k, item) in items.iter().enumerate() {
        if k > 0 {
            out.push_str(", ");
        }
        scalar(out, item);
    }
    out.push(']');
}

/// `s` as a double-quoted scalar. Besides `"` and `\`, what YAML does not allow as it is
/// (controls, DEL, C1 controls, the byte order mark, the two non-characters U+FFFE/U+FFFF)
/// and what a YAML 1.1 reader takes for a line break (U+0085, U+2028, U+2029) is escaped.
fn scalar(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0'..='\x1f' | '\x7f'..='\u{9f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::scalar;

    fn quoted(s: &str) -> String {
        let mut out = String::new();
        scalar(&mut out, s);
        out
    }

    #[test]
    fn scalars_escape_what_yaml_does_not_allow_as_it_is() {
        assert_eq!(quoted("a: b # c"), r#""a: b # c""#);
        assert_eq!(quoted(r#"say "hi" \ bye"#), r#""say \"hi\" \\ bye""#);
        assert_eq!(quoted("one\ntwo\rthree\tfour"), r#""one\ntwo\rthree\tfour""#);
        assert_eq!(quoted("bell\x07 del\x7f nel\u{85}"), r#""bell\x07 del\x7f nel\x85""#);
        assert_eq!(quoted("ls\u{2028}bom\u{feff}"), r#""ls\u2028bom\ufeff""#);
        assert_eq!(quoted("é 中 😀"), "\"é 中 😀\"");
    }
}
