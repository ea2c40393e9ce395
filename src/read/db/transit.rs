//! Transit-JSON in its compact form, as Logseq's DB graphs store their B-tree nodes: `["^ ",
//! k, v, …]` is a map, `"~:ns/name"` a keyword, `"~u…"` a uuid, `["~#set", […]]` a tagged
//! value, and strings of more than three characters that are map keys, keywords, symbols or
//! tags enter a cache and come again as `"^N"` (N in base 44 from `0`; the cache starts over
//! after 44 × 44 entries).

use serde_json::Value;

/// A decoded value.
#[derive(Debug, Clone, PartialEq)]
pub enum T {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// A keyword, without its `:` (`block/title`).
    Kw(String),
    Sym(String),
    Uuid(String),
    List(Vec<T>),
    Set(Vec<T>),
    Map(Vec<(T, T)>),
    /// A tagged value of a tag this decoder does not know.
    Tagged(String, Box<T>),
}

impl T {
    /// The value of a map under keyword `key`.
    pub fn get(&self, key: &str) -> Option<&T> {
        match self {
            T::Map(pairs) => pairs.iter().find(|(k, _)| matches!(k, T::Kw(k) if k == key)).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            T::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The items of a list, a set or a vector.
    pub fn items(&self) -> &[T] {
        match self {
            T::List(v) | T::Set(v) => v,
            _ => &[],
        }
    }
}

const CACHE_SIZE: usize = 44 * 44;

/// Decodes one row's transit text (each row has a cache of its own).
pub fn decode(text: &str) -> Result<T, String> {
    let json: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let mut d = Decoder { cache: Vec::new(), depth: 0 };
    d.value(&json, false)
}

struct Decoder {
    cache: Vec<String>,
    depth: usize,
}

impl Decoder {
    fn value(&mut self, v: &Value, key: bool) -> Result<T, String> {
        Ok(match v {
            Value::Null => T::Nil,
            Value::Bool(b) => T::Bool(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => T::Int(i),
                None => T::Float(n.as_f64().unwrap_or_default()),
            },
            Value::String(s) => self.string(s, key)?,
            Value::Array(items) => {
                // Nodes nest a few levels; a deeper one is not a B-tree row.
                if self.depth > 64 {
                    return Err("nested more than 64 levels".into());
                }
                self.depth += 1;
                let out = self.array(items);
                self.depth -= 1;
                out?
            }
            Value::Object(_) => return Err("a JSON object, where compact transit has none".into()),
        })
    }

    fn array(&mut self, items: &[Value]) -> Result<T, String> {
        if items.first().and_then(Value::as_str) == Some("^ ") {
            let mut pairs = Vec::with_capacity(items.len() / 2);
            for pair in items[1..].chunks(2) {
                let k = self.value(&pair[0], true)?;
                let v = match pair.get(1) {
                    Some(v) => self.value(v, false)?,
                    None => return Err("a map with a key and no value".into()),
                };
                pairs.push((k, v));
            }
            return Ok(T::Map(pairs));
        }
        // `["~#tag", value]`, the tag perhaps from the cache.
        if let [Value::String(s), value] = items {
            if s.starts_with("~#") || (s.starts_with('^') && s != "^ ") {
                let tag = self.string(s, false)?;
                let inner = self.value(value, false)?;
                return Ok(match tag {
                    T::Tagged(name, _) => match (name.as_str(), inner) {
                        ("set", T::List(v)) => T::Set(v),
                        ("list", T::List(v)) => T::List(v),
                        ("cmap", T::List(v)) => {
                            let mut pairs = Vec::with_capacity(v.len() / 2);
                            let mut it = v.into_iter();
                            while let (Some(k), Some(v)) = (it.next(), it.next()) {
                                pairs.push((k, v));
                            }
                            T::Map(pairs)
                        }
                        (_, inner) => T::Tagged(name, Box::new(inner)),
                    },
                    other => T::List(vec![other, inner]),
                });
            }
        }
        Ok(T::List(items.iter().map(|v| self.value(v, false)).collect::<Result<_, _>>()?))
    }

    fn string(&mut self, s: &str, key: bool) -> Result<T, String> {
        if let Some(code) = s.strip_prefix('^').filter(|c| *c != " ") {
            let b = code.as_bytes();
            let digit = |c: u8| (c as usize).checked_sub(48).filter(|&d| d < 44);
            let index = match b {
                [a] => digit(*a),
                [a, c] => digit(*a).zip(digit(*c)).map(|(a, c)| a * 44 + c),
                _ => None,
            };
            let cached = index.and_then(|i| self.cache.get(i)).cloned();
            let cached = cached.ok_or_else(|| format!("cache reference {s:?} to nothing"))?;
            return Ok(parse(&cached));
        }
        if s.len() > 3 && (key || s.starts_with("~:") || s.starts_with("~$") || s.starts_with("~#")) {
            if self.cache.len() == CACHE_SIZE {
                self.cache.clear();
            }
            self.cache.push(s.to_string());
        }
        Ok(parse(s))
    }
}

/// A string's value by its `~` prefix (a tag comes as `Tagged(name, Nil)`).
fn parse(s: &str) -> T {
    let Some(rest) = s.strip_prefix('~') else { return T::Str(s.to_string()) };
    let mut chars = rest.chars();
    let Some(c) = chars.next() else { return T::Str(s.to_string()) };
    let body = chars.as_str();
    match c {
        '~' | '^' | '`' => T::Str(rest.to_string()),
        ':' => T::Kw(body.to_string()),
        '$' => T::Sym(body.to_string()),
        '#' => T::Tagged(body.to_string(), Box::new(T::Nil)),
        'u' => T::Uuid(body.to_ascii_lowercase()),
        'i' | 'n' | 'm' => body.parse().map(T::Int).unwrap_or_else(|_| T::Str(body.to_string())),
        'd' => body.parse().map(T::Float).unwrap_or_else(|_| T::Str(body.to_string())),
        '_' => T::Nil,
        '?' => T::Bool(body == "t"),
        _ => T::Str(s.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_keywords_and_the_cache() {
        let t = decode(r#"["^ ","~:block/title","Hi","~:block/uuid","~u6B15E420-0000-4000-8000-000000000001","~:block/tags",["~#set",[1,2]],"^0","again"]"#).unwrap();
        assert_eq!(t.get("block/title"), Some(&T::Str("Hi".into())));
        assert_eq!(t.get("block/uuid"), Some(&T::Uuid("6b15e420-0000-4000-8000-000000000001".into())));
        assert_eq!(t.get("block/tags").map(T::items), Some([T::Int(1), T::Int(2)].as_slice()));
        // `^0` is the first cached string: the key `~:block/title`.
        let T::Map(pairs) = &t else { panic!() };
        assert_eq!(pairs[3].0, T::Kw("block/title".into()));
        assert_eq!(
            decode(r#"["~~escaped","~i42","~?t","~_"]"#).unwrap(),
            T::List(vec![T::Str("~escaped".into()), T::Int(42), T::Bool(true), T::Nil])
        );
        // A cached tag.
        let t = decode(r#"[["~#set",[1]],["^0",[2]]]"#).unwrap();
        assert_eq!(t, T::List(vec![T::Set(vec![T::Int(1)]), T::Set(vec![T::Int(2)])]));
    }

    proptest::proptest! {
        /// Any text decodes or is an error, never a panic.
        #[test]
        fn any_text_decodes_or_fails(s in "[\\[\\]\"^~:#u0-9a-z ,{}]{0,60}") {
            let _ = decode(&s);
        }
    }

    #[test]
    fn bad_rows_are_errors() {
        for bad in ["{", r#"{"a":1}"#, r#"["^9"]"#, r#"["^ ","~:a"]"#, r#"["^ ", "^~~"]"#] {
            assert!(decode(bad).is_err(), "{bad}");
        }
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert!(decode(&deep).is_err());
    }
}
