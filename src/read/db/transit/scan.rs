//! A leaf row in the one shape Logseq writes, `["^ ","~:keys",[[e,"a",v,tx],…]]` with no
//! white space, read with a cursor over its bytes: integers, strings and attribute keywords
//! directly, any other value through the general decoder. Anything else (white space, a
//! second key, a malformed row) is left to the general decoder, which is the reference: a
//! row read here gives exactly the datoms it gives (a property test says so), or nothing.

use super::{Cache, Datom, Seed, T};
use serde::de::DeserializeSeed;
use std::borrow::Cow;

/// The row's datoms, or `None` when it is not in the shape read here.
pub(super) fn leaf(text: &str) -> Option<Vec<Datom<'_>>> {
    let mut c = Cursor { text, bytes: text.as_bytes(), at: 0, cache: Cache { strings: Vec::new(), depth: 0 } };
    c.literal(br#"["^ ","~:keys",["#)?;
    // The key is the row's first cached string: `^0`.
    c.cache.remember("~:keys", true, || Cow::Borrowed("~:keys"));
    let mut out = Vec::new();
    if c.peek()? != b']' {
        loop {
            out.push(c.datom()?);
            match c.next()? {
                b',' => {}
                b']' => break,
                _ => return None,
            }
        }
    } else {
        c.at += 1;
    }
    c.literal(b"]")?;
    (c.at == c.bytes.len()).then_some(out)
}

struct Cursor<'de> {
    text: &'de str,
    bytes: &'de [u8],
    at: usize,
    cache: Cache<'de>,
}

impl<'de> Cursor<'de> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.at += 1;
        Some(b)
    }

    fn literal(&mut self, want: &[u8]) -> Option<()> {
        self.bytes.get(self.at..)?.starts_with(want).then(|| self.at += want.len())
    }

    /// `[e,"attribute",value,tx]`.
    fn datom(&mut self) -> Option<Datom<'de>> {
        self.literal(b"[")?;
        let e = self.int()?;
        self.literal(b",")?;
        let a = self.attribute()?;
        self.literal(b",")?;
        let v = self.value()?;
        self.literal(b",")?;
        let tx = self.int()?;
        self.literal(b"]")?;
        Some((e, a, v, tx))
    }

    /// An integer as JSON writes one (no leading zero), that fits in an `i64`; not `-0`,
    /// which serde reads as a float.
    fn int(&mut self) -> Option<i64> {
        let negative = self.peek()? == b'-';
        let start = self.at + negative as usize;
        let digits = self.bytes[start..].iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 || (digits > 1 && self.bytes[start] == b'0') || digits > 18 {
            return None;
        }
        let n = self.bytes[start..start + digits].iter().fold(0i64, |n, &d| n * 10 + i64::from(d - b'0'));
        if negative && n == 0 {
            return None;
        }
        self.at = start + digits;
        Some(if negative { -n } else { n })
    }

    /// A JSON string's text, borrowed when it has no escapes.
    fn string(&mut self) -> Option<Cow<'de, str>> {
        self.literal(b"\"")?;
        let start = self.at;
        let end = start + memchr::memchr2(b'"', b'\\', &self.bytes[start..])?;
        if self.bytes[end] == b'"' {
            self.at = end + 1;
            return no_controls(&self.bytes[start..end]).then(|| Cow::Borrowed(&self.text[start..end]));
        }
        let mut out = String::with_capacity(end - start + 16);
        let mut run = start;
        loop {
            let stop = run + memchr::memchr2(b'"', b'\\', &self.bytes[run..])?;
            if !no_controls(&self.bytes[run..stop]) {
                return None;
            }
            out.push_str(&self.text[run..stop]);
            self.at = stop + 1;
            if self.bytes[stop] == b'"' {
                return Some(Cow::Owned(out));
            }
            let escaped = match self.next()? {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => self.unicode()?,
                _ => return None,
            };
            out.push(escaped);
            run = self.at;
        }
    }

    /// `\uXXXX` after its `\u`, a surrogate pair as one character.
    fn unicode(&mut self) -> Option<char> {
        let hex = |c: &mut Self| {
            let digits = std::str::from_utf8(c.bytes.get(c.at..c.at + 4)?).ok()?;
            let n = u32::from_str_radix(digits, 16).ok().filter(|_| digits.bytes().all(|b| b.is_ascii_hexdigit()))?;
            c.at += 4;
            Some(n)
        };
        let high = hex(self)?;
        if !(0xD800..0xDC00).contains(&high) {
            return char::from_u32(high);
        }
        self.literal(b"\\u")?;
        let low = hex(self).filter(|low| (0xDC00..0xE000).contains(low))?;
        char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    }

    /// An attribute: a keyword, or the cache's reference to one; its name without `~:`.
    fn attribute(&mut self) -> Option<&'de str> {
        let Cow::Borrowed(s) = self.string()? else { return None };
        match self.cache.attribute(s, || Cow::Borrowed(s)).ok()? {
            Cow::Borrowed(name) => Some(name),
            Cow::Owned(_) => None,
        }
    }

    fn value(&mut self) -> Option<T> {
        match self.peek()? {
            b'"' => {
                let s = self.string()?;
                self.cache.string(&s, false, || s.clone()).ok()
            }
            b't' => self.literal(b"true").map(|()| T::Bool(true)),
            b'f' => self.literal(b"false").map(|()| T::Bool(false)),
            b'n' => self.literal(b"null").map(|()| T::Nil),
            b'-' | b'0'..=b'9' => {
                let start = self.at;
                match self.int() {
                    Some(n) if !matches!(self.peek(), Some(b'.' | b'e' | b'E' | b'0'..=b'9')) => Some(T::Int(n)),
                    _ => {
                        self.at = start;
                        let len = self.bytes[start..]
                            .iter()
                            .take_while(|b| matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
                            .count();
                        self.general(start + len)
                    }
                }
            }
            b'[' => {
                let end = self.array_end()?;
                self.general(end)
            }
            _ => None,
        }
    }

    /// The value from here to `end`, read by the general decoder with the row's cache.
    fn general(&mut self, end: usize) -> Option<T> {
        let mut de = serde_json::Deserializer::from_str(&self.text[self.at..end]);
        let v = Seed { cache: &mut self.cache, key: false }.deserialize(&mut de).ok()?;
        de.end().ok()?;
        self.at = end;
        Some(v)
    }

    /// Where the array starting here ends (just past its `]`), strings skipped whole.
    fn array_end(&self) -> Option<usize> {
        let mut depth = 0usize;
        let mut at = self.at;
        loop {
            at += memchr::memchr3(b'[', b']', b'"', self.bytes.get(at..)?)?;
            match self.bytes[at] {
                b'[' => depth += 1,
                b']' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(at + 1);
                    }
                }
                _ => {
                    // A string: to its closing quote, past escaped characters.
                    at += 1;
                    loop {
                        at += memchr::memchr2(b'"', b'\\', self.bytes.get(at..)?)?;
                        if self.bytes[at] == b'"' {
                            break;
                        }
                        at += 2;
                    }
                }
            }
            at += 1;
        }
    }
}

/// Whether a string's bytes hold no control character (JSON allows none unescaped).
fn no_controls(bytes: &[u8]) -> bool {
    bytes.iter().fold(0u8, |seen, &b| seen | u8::from(b < 0x20)) == 0
}
