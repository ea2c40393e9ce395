//! serde_json's compact layout, or its pretty one (two-space indents, `": "`), written by a
//! serde `Serializer` of our own so that strings are escaped 32 bytes at a time: serde_json
//! looks at each byte of a string alone, which was 60% of writing the IR. Everything else
//! follows serde_json's rules; the tests hold the two to the same bytes in both layouts.
//!
//! The margin that keeps it, `cargo bench --bench pipeline -- json` (Logseq's documentation
//! graph, 333 pages): serde_json::to_vec of the graph 4.7 ms, this exporter's whole run 2.3 ms
//! (2.1× faster), measured in the same run.

use serde::ser::{self, Serialize};

type Error = serde_json::Error;
type Result<T = ()> = std::result::Result<T, Error>;

/// Writes values `level` levels deep (when pretty, their inner lines indented from there).
pub struct Writer<'a> {
    out: &'a mut Vec<u8>,
    level: usize,
    /// Whether the innermost open array or object has a value yet.
    has_value: bool,
    pretty: bool,
}

impl<'a> Writer<'a> {
    pub fn new(out: &'a mut Vec<u8>, level: usize, pretty: bool) -> Self {
        Writer { out, level, has_value: false, pretty }
    }

    fn indent(&mut self) {
        self.out.extend(std::iter::repeat_n(b' ', self.level * 2));
    }

    fn open(&mut self, c: u8) {
        self.level += 1;
        self.has_value = false;
        self.out.push(c);
    }

    fn close(&mut self, c: u8) {
        self.level -= 1;
        if self.pretty && self.has_value {
            self.out.push(b'\n');
            self.indent();
        }
        self.out.push(c);
    }

    /// Before each value of an array or key of an object.
    fn item(&mut self, first: bool) {
        if self.pretty {
            self.out.extend_from_slice(if first { b"\n" } else { b",\n" });
            self.indent();
        } else if !first {
            self.out.push(b',');
        }
    }

    /// Between a key and its value.
    fn colon(&mut self) {
        self.out.extend_from_slice(if self.pretty { b": " } else { b":" });
    }

    fn string(&mut self, s: &str) {
        self.out.push(b'"');
        escape_into(self.out, s);
        self.out.push(b'"');
    }

    fn compound(&mut self, c: u8, len: Option<usize>) -> Compound<'_, 'a> {
        self.open(c);
        let empty = len == Some(0);
        if empty {
            self.close(if c == b'[' { b']' } else { b'}' });
        }
        Compound { w: self, first: true, empty, close: if c == b'[' { b']' } else { b'}' } }
    }
}

/// Bytes a JSON string escapes: the C0 controls, `"` and `\`.
const ESCAPE: [bool; 256] = crate::text::byte_table(b"\"\\", 0x20);

fn needs_escape(c: u8) -> bool {
    (c < 0x20) | (c == b'"') | (c == b'\\')
}

/// Appends `s` escaped as serde_json escapes it: `\"`, `\\`, `\b \t \n \f \r`, other controls
/// as `\u00xx`; everything else (all non-ASCII text too) as it is.
fn escape_into(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let b = s.as_bytes();
    let mut copied = 0;
    while let Some(i) = crate::text::find_in(b, copied, &ESCAPE, needs_escape) {
        out.extend_from_slice(&b[copied..i]);
        match b[i] {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            0x0C => out.extend_from_slice(b"\\f"),
            b'\r' => out.extend_from_slice(b"\\r"),
            c => out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[(c >> 4) as usize], HEX[(c & 0xF) as usize]]),
        }
        copied = i + 1;
    }
    out.extend_from_slice(&b[copied..]);
}

/// An array or object being written.
pub struct Compound<'w, 'a> {
    w: &'w mut Writer<'a>,
    first: bool,
    /// Opened and closed already (serde_json writes `[]` and `{}` at once for a length of 0).
    empty: bool,
    close: u8,
}

impl Compound<'_, '_> {
    fn element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result {
        self.w.item(self.first);
        self.first = false;
        value.serialize(&mut *self.w)?;
        self.w.has_value = true;
        Ok(())
    }

    fn key(&mut self, key: &str) {
        self.w.item(self.first);
        self.first = false;
        self.w.string(key);
        self.w.colon();
    }

    /// A field named in the IR's types: a Rust name or a plain `rename`, which has nothing to
    /// escape (checked by the tests against serde_json), so it is copied as it is.
    fn field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result {
        self.w.item(self.first);
        self.first = false;
        self.w.out.push(b'"');
        self.w.out.extend_from_slice(key.as_bytes());
        self.w.out.push(b'"');
        self.w.colon();
        value.serialize(&mut *self.w)?;
        self.w.has_value = true;
        Ok(())
    }

    fn done(self) -> Result {
        if !self.empty {
            self.w.close(self.close);
        }
        Ok(())
    }
}

/// Narrower integers are written as the widest of their sign.
macro_rules! widen {
    ($($method:ident($t:ty)),* => $wide:ident) => {$(
        fn $method(self, v: $t) -> Result {
            self.$wide(v.into())
        }
    )*};
}

impl<'w, 'a> ser::Serializer for &'w mut Writer<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'w, 'a>;
    type SerializeTuple = Compound<'w, 'a>;
    type SerializeTupleStruct = Compound<'w, 'a>;
    type SerializeTupleVariant = Variant<'w, 'a>;
    type SerializeMap = Compound<'w, 'a>;
    type SerializeStruct = Compound<'w, 'a>;
    type SerializeStructVariant = Variant<'w, 'a>;

    fn serialize_bool(self, v: bool) -> Result {
        self.out.extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    widen!(serialize_i8(i8), serialize_i16(i16), serialize_i32(i32) => serialize_i64);
    widen!(serialize_u8(u8), serialize_u16(u16), serialize_u32(u32) => serialize_u64);
    fn serialize_i64(self, v: i64) -> Result {
        self.out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> Result {
        self.out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result {
        self.out.extend(serde_json::to_vec(&v)?);
        Ok(())
    }
    fn serialize_f64(self, v: f64) -> Result {
        self.out.extend(serde_json::to_vec(&v)?);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result {
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result {
        self.string(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result {
        let mut seq = self.compound(b'[', Some(v.len()));
        v.iter().try_for_each(|b| seq.element(b))?;
        seq.done()
    }
    fn serialize_none(self) -> Result {
        self.serialize_unit()
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result {
        self.string(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _name: &'static str, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result {
        let mut map = self.compound(b'{', Some(1));
        map.key(variant);
        value.serialize(&mut *map.w)?;
        map.w.has_value = true;
        map.done()
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'w, 'a>> {
        Ok(self.compound(b'[', len))
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'w, 'a>> {
        Ok(self.compound(b'[', Some(len)))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Compound<'w, 'a>> {
        Ok(self.compound(b'[', Some(len)))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Variant<'w, 'a>> {
        Variant::open(self, variant, b'[', len)
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'w, 'a>> {
        Ok(self.compound(b'{', len))
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Compound<'w, 'a>> {
        Ok(self.compound(b'{', Some(len)))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Variant<'w, 'a>> {
        Variant::open(self, variant, b'{', len)
    }
}

/// Arrays: sequences, tuples and tuple structs differ only in their method's name.
macro_rules! elements {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Compound<'_, '_> {
            type Ok = ();
            type Error = Error;
            fn $method<T: ?Sized + Serialize>(&mut self, value: &T) -> Result {
                self.element(value)
            }
            fn end(self) -> Result {
                self.done()
            }
        }
    )*};
}

elements!(SerializeSeq::serialize_element, SerializeTuple::serialize_element, SerializeTupleStruct::serialize_field);

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result {
        // Keys are strings, or numbers written as strings (not in the IR's hot paths).
        match serde_json::to_value(key)? {
            serde_json::Value::String(k) => self.key(&k),
            serde_json::Value::Number(n) => self.key(&n.to_string()),
            _ => return Err(ser::Error::custom("a JSON object key must be a string or a number")),
        }
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result {
        value.serialize(&mut *self.w)?;
        self.w.has_value = true;
        Ok(())
    }
    fn end(self) -> Result {
        self.done()
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result {
        self.field(key, value)
    }
    fn end(self) -> Result {
        self.done()
    }
}

/// `{"Variant": [...]}` or `{"Variant": {...}}`.
pub struct Variant<'w, 'a> {
    inner: Compound<'w, 'a>,
}

impl<'w, 'a> Variant<'w, 'a> {
    fn open(w: &'w mut Writer<'a>, variant: &str, c: u8, len: usize) -> Result<Self> {
        w.open(b'{');
        w.item(true);
        w.string(variant);
        w.colon();
        Ok(Variant { inner: w.compound(c, Some(len)) })
    }

    fn done(self) -> Result {
        let w = self.inner.w;
        if !self.inner.empty {
            w.close(self.inner.close);
        }
        w.has_value = true;
        w.close(b'}');
        Ok(())
    }
}

impl ser::SerializeTupleVariant for Variant<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result {
        self.inner.element(value)
    }
    fn end(self) -> Result {
        self.done()
    }
}

impl ser::SerializeStructVariant for Variant<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result {
        self.inner.field(key, value)
    }
    fn end(self) -> Result {
        self.done()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde::Serialize;
    use std::collections::BTreeMap;

    fn ours<T: Serialize>(v: &T, pretty: bool) -> String {
        let mut out = Vec::new();
        v.serialize(&mut super::Writer::new(&mut out, 0, pretty)).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn theirs<T: Serialize>(v: &T, pretty: bool) -> String {
        if pretty {
            serde_json::to_string_pretty(v).unwrap()
        } else {
            serde_json::to_string(v).unwrap()
        }
    }

    /// Both layouts, each as serde_json writes it.
    fn same<T: Serialize>(v: &T) {
        for pretty in [false, true] {
            assert_eq!(ours(v, pretty), theirs(v, pretty), "pretty: {pretty}");
        }
    }

    #[derive(Serialize)]
    enum E {
        Unit,
        New(u8),
        Tuple(i64, Vec<u8>),
        Struct { a: Option<(u32, u32)>, b: Vec<Vec<u8>> },
        EmptyStruct {},
        EmptyTuple(),
    }

    #[derive(Serialize)]
    #[serde(tag = "type", rename_all = "snake_case")]
    enum Tagged {
        Empty,
        Full { x: char, y: f64, z: BTreeMap<String, Vec<E>> },
    }

    #[derive(Serialize)]
    struct Empty {}

    #[test]
    fn compares_cover_the_table() {
        assert_eq!(crate::text::uncovered(&super::ESCAPE, super::needs_escape), None);
    }

    #[test]
    fn every_shape_is_written_as_serde_json_writes_it() {
        let mut z = BTreeMap::new();
        z.insert("k\"ey".to_string(), vec![E::Unit, E::New(7), E::Tuple(i64::MIN, vec![]), E::Tuple(-1, vec![1, 2])]);
        z.insert("".to_string(), vec![E::Struct { a: Some((0, u32::MAX)), b: vec![vec![], vec![3]] }]);
        z.insert("none".to_string(), vec![E::Struct { a: None, b: vec![] }, E::EmptyStruct {}, E::EmptyTuple()]);
        let values = (
            Tagged::Empty,
            Tagged::Full { x: '"', y: -1.5e-7, z },
            (Empty {}, Vec::<u8>::new(), BTreeMap::<u32, bool>::new(), [BTreeMap::from([(3u32, true)])]),
            (u64::MAX, i64::MAX, 0u8, (), Some(()), serde_bytes_like(&[0, 255])),
        );
        same(&values);
    }

    /// Bytes as serde serialises a `&[u8]` given to `serialize_bytes`.
    fn serde_bytes_like(b: &'static [u8]) -> impl Serialize {
        struct B(&'static [u8]);
        impl Serialize for B {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(self.0)
            }
        }
        B(b)
    }

    #[test]
    fn a_graph_is_written_as_serde_json_writes_it() {
        let loaded = crate::load(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/seed"))).unwrap();
        same(&loaded.graph);
    }

    proptest! {
        #[test]
        fn strings_are_escaped_as_serde_json_escapes_them(
            a in "[a-z ]{0,70}",
            b in "[\\u{0}-\\u{7f}é中😀]{0,40}",
            c in "[a-z ]{0,70}",
        ) {
            let s = format!("{a}{b}{c}");
            prop_assert_eq!(ours(&s, false), theirs(&s, false));
        }
    }
}
