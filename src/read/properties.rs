//! `key:: value` property lines and their typed values (graph-parser `extract-properties`,
//! `parse-property`).

use crate::ir::{PropValue, Property};

/// Splits a property line into (key as written, value), or None when the line is not one.
/// `key::` needs a space after it or the end of the line; keys have no spaces or `:`.
pub fn split_property_line(line: &str) -> Option<(&str, &str)> {
    let t = crate::text::trim(line);
    // Keys have no `:`, so the first `:` must open the `::` (a byte search, no substring search).
    let sep = memchr::memchr(b':', t.as_bytes())?;
    if t.as_bytes().get(sep + 1) != Some(&b':') {
        return None;
    }
    let key = &t[..sep];
    if key.is_empty() || key.contains(|c: char| c.is_whitespace() || c == ':') {
        return None;
    }
    let rest = &t[sep + 2..];
    if rest.is_empty() {
        return Some((key, ""));
    }
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    Some((key, crate::text::trim(rest)))
}

/// Normalises a key as Logseq does; None for keys Logseq drops as invalid.
pub fn normalize_key(key: &str) -> Option<String> {
    if key.starts_with('#') || key.contains(['"', '^', '(', ')', '{', '}', '|', '[', ']']) {
        return None;
    }
    let k: String = key.chars().map(|c| if c == '_' || c == ' ' { '-' } else { c.to_ascii_lowercase() }).collect();
    Some(if k == "custom-id" { "id".to_string() } else { k })
}

/// Keys whose comma-separated values are page references.
fn comma_refs(key: &str) -> bool {
    matches!(key, "alias" | "tags")
}

pub fn parse_value(key: &str, raw: &str) -> PropValue {
    let v = raw.trim();
    if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') {
        return PropValue::Text(v.to_string());
    }
    if comma_refs(key) {
        let refs: Vec<String> = v.split([',', '，']).map(|s| strip_ref(s.trim())).filter(|s| !s.is_empty()).collect();
        return PropValue::Refs(refs);
    }
    let refs = inline_refs(v);
    if !refs.is_empty() {
        return PropValue::Refs(refs);
    }
    match v {
        "true" => PropValue::Bool(true),
        "false" => PropValue::Bool(false),
        _ if !v.is_empty() && v.len() < 19 && v.bytes().all(|b| b.is_ascii_digit()) => {
            PropValue::Int(v.parse().unwrap_or(0))
        }
        _ => PropValue::Text(v.to_string()),
    }
}

pub fn make_property(key: String, raw: &str) -> Property {
    let value = parse_value(&key, raw);
    Property { key, raw: raw.to_string(), value }
}

/// `[[a]]` → `a`, `#b` → `b`, `#[[c d]]` → `c d`, anything else unchanged.
fn strip_ref(s: &str) -> String {
    let s = s.strip_prefix('#').unwrap_or(s);
    let s = s.strip_prefix("[[").and_then(|x| x.strip_suffix("]]")).unwrap_or(s);
    s.to_string()
}

/// The `[[page]]` and `#tag` references written in a value.
fn inline_refs(v: &str) -> Vec<String> {
    let mut out = Vec::new();
    // Most values (ids, words, numbers) hold neither: one byte search says so.
    if memchr::memchr2(b'[', b'#', v.as_bytes()).is_none() {
        return out;
    }
    let mut rest = v;
    while let Some(i) = rest.find("[[") {
        match rest[i + 2..].find("]]") {
            Some(j) => {
                out.push(rest[i + 2..i + 2 + j].to_string());
                rest = &rest[i + 2 + j + 2..];
            }
            None => break,
        }
    }
    for word in v.split_whitespace() {
        if let Some(t) = word.strip_prefix('#') {
            if !t.is_empty() && !t.starts_with('[') && !t.starts_with('#') {
                out.push(t.trim_end_matches([',', '.', ';']).to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn property_lines() {
        assert_eq!(split_property_line("id:: 123"), Some(("id", "123")));
        assert_eq!(split_property_line("\t  a.b.c:: def"), Some(("a.b.c", "def")));
        assert_eq!(split_property_line("a-b-c::"), Some(("a-b-c", "")));
        assert_eq!(split_property_line("key::value"), None);
        assert_eq!(split_property_line("two words:: x"), None);
        assert_eq!(split_property_line("see https://x.org:: y"), None);
    }

    #[test]
    fn values_are_typed() {
        assert_eq!(parse_value("public", "true"), PropValue::Bool(true));
        assert_eq!(parse_value("n", "42"), PropValue::Int(42));
        assert_eq!(parse_value("type", "[[Feature]]"), PropValue::Refs(vec!["Feature".into()]));
        assert_eq!(parse_value("tags", "a, [[b c]], #d"), PropValue::Refs(vec!["a".into(), "b c".into(), "d".into()]));
        assert_eq!(parse_value("q", "\"[[x]]\""), PropValue::Text("\"[[x]]\"".into()));
        assert_eq!(normalize_key("Custom_ID").as_deref(), Some("id"));
        assert_eq!(normalize_key("bad(key)"), None);
    }
}
