//! A reference document (`--reference-doc`, as pandoc has): a Word document the user made,
//! whose styles, theme, fonts, page size and margins, header and footer the handout takes.
//!
//! The handout's paragraphs name the template's own styles: a style of the handout that the
//! template has under the same name (`heading 1`, whatever its id in a localized Word) is the
//! template's; the others are added. The template's parts pass through markup compatibility
//! processing (ECMA-376 Part 3) on the way: what a reader may ignore (Word 2010 and later
//! extensions, marked `mc:Ignorable`) is left out and `mc:AlternateContent` keeps its
//! fallback, so the handout stays valid by the Transitional schemas.

use super::parts::{Page, NS_W};
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::XmlVersion;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;

const NS_MC: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";

/// What the handout takes from a reference document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The template's styles part, the handout's missing styles added.
    pub styles: String,
    /// The handout's style ids whose template style has another id, and that id.
    pub style_ids: HashMap<String, String>,
    pub theme: Option<String>,
    pub font_table: Option<String>,
    pub page: Page,
    pub header: Option<HeaderFooter>,
    pub footer: Option<HeaderFooter>,
}

/// A header or footer part, with its relationships and the files they point to (renamed under
/// `media/reference-…` so they never meet the handout's own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderFooter {
    pub xml: String,
    pub rels: Option<String>,
    pub media: Vec<(String, Vec<u8>)>,
}

type Zip = zip::ZipArchive<std::fs::File>;

impl Reference {
    /// Reads `path`; `ours` is the handout's own styles part, whose styles the template lacks
    /// are added to its.
    pub fn read(path: &Path, ours: &str) -> Result<Reference, String> {
        let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
        let mut zip = zip::ZipArchive::new(file).map_err(|_| "not a Word document (.docx): not a zip archive")?;
        let main = relationships(&mut zip, "")?
            .into_iter()
            .find(|r| r.kind.ends_with("/officeDocument"))
            .map(|r| r.target)
            .ok_or("not a Word document (.docx): no main document part")?;
        let document = text(&mut zip, &main)?.ok_or("the main document part is missing")?;
        let rels = relationships(&mut zip, &main)?;
        let part_of = |kind: &str| rels.iter().find(|r| r.kind.ends_with(kind)).map(|r| r.target.clone());
        let styles_part = part_of("/styles").ok_or("it has no styles")?;
        let styles = compatible(&text(&mut zip, &styles_part)?.ok_or("its styles part is missing")?)?;
        let (styles, style_ids) = merge_styles(&styles, ours)?;
        let theme = match part_of("/theme") {
            Some(t) => text(&mut zip, &t)?.map(|x| compatible(&x)).transpose()?,
            None => None,
        };
        let font_table = match part_of("/fontTable") {
            Some(t) => text(&mut zip, &t)?.map(|x| compatible(&x)).transpose()?,
            None => None,
        };
        let section = last_section(&document)?;
        let mut page = Page::A4;
        for (name, value) in &section.values {
            let v = *value;
            match name.as_str() {
                "pgSz/w" => page.width = v,
                "pgSz/h" => page.height = v,
                "pgMar/top" => page.top = v,
                "pgMar/right" => page.right = v,
                "pgMar/bottom" => page.bottom = v,
                "pgMar/left" => page.left = v,
                "pgMar/header" => page.header = v,
                "pgMar/footer" => page.footer = v,
                _ => {}
            }
        }
        let mut part = |id: Option<&String>, name: &str| -> Result<Option<HeaderFooter>, String> {
            let Some(target) = id.and_then(|id| rels.iter().find(|r| &r.id == id)).map(|r| r.target.clone()) else {
                return Ok(None);
            };
            let Some(xml) = text(&mut zip, &target)? else { return Ok(None) };
            let xml = compatible(&xml)?;
            let mut media = Vec::new();
            let rels = match text(&mut zip, &rels_path(&target))? {
                Some(r) => {
                    let mut r = compatible(&r)?;
                    for rel in parse_relationships(&r, &target)? {
                        if rel.external {
                            continue;
                        }
                        let file = rel.target.rsplit('/').next().unwrap_or("file").to_string();
                        let renamed = format!("media/reference-{name}-{file}");
                        if let Some(bytes) = bytes(&mut zip, &rel.target)? {
                            media.push((renamed.clone(), bytes));
                        }
                        r = r.replace(&format!("Target=\"{}\"", rel.written), &format!("Target=\"{renamed}\""));
                    }
                    Some(r)
                }
                None => None,
            };
            Ok(Some(HeaderFooter { xml, rels, media }))
        };
        let header = part(section.header.as_ref(), "header")?;
        let footer = part(section.footer.as_ref(), "footer")?;
        Ok(Reference { styles, style_ids, theme, font_table, page, header, footer })
    }

    /// `xml` (document or footnotes) with each style the template names otherwise renamed.
    pub fn restyle<'a>(&self, xml: &'a str) -> std::borrow::Cow<'a, str> {
        if self.style_ids.is_empty() || !xml.contains("Style w:val=\"") {
            return xml.into();
        }
        let mut out = String::with_capacity(xml.len() + 64);
        let mut rest = xml;
        while let Some(k) = rest.find("Style w:val=\"") {
            let start = k + "Style w:val=\"".len();
            out.push_str(&rest[..start]);
            rest = &rest[start..];
            let end = rest.find('"').unwrap_or(rest.len());
            let id = &rest[..end];
            out.push_str(self.style_ids.get(id).map_or(id, String::as_str));
            rest = &rest[end..];
        }
        out.push_str(rest);
        out.into()
    }
}

/// A relationship: its id, type, target as a part name, and target as written.
struct Rel {
    id: String,
    kind: String,
    target: String,
    written: String,
    external: bool,
}

/// The relationships part of `part` ("" for the package's).
fn rels_path(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

fn relationships(zip: &mut Zip, part: &str) -> Result<Vec<Rel>, String> {
    let path = if part.is_empty() { "_rels/.rels".to_string() } else { rels_path(part) };
    match text(zip, &path)? {
        Some(xml) => parse_relationships(&xml, part),
        None => Ok(Vec::new()),
    }
}

/// The relationships in `xml`, targets resolved against the folder of `source`.
fn parse_relationships(xml: &str, source: &str) -> Result<Vec<Rel>, String> {
    let base = source.rsplit_once('/').map_or("", |(dir, _)| dir);
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event().map_err(|e| format!("unreadable relationships: {e}"))? {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                let get = |key: &str| -> String {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == key)
                        .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()))
                        .unwrap_or_default()
                };
                let written = get("Target");
                let external = get("TargetMode") == "External";
                let target = if external { written.clone() } else { resolve(base, &written) };
                out.push(Rel { id: get("Id"), kind: get("Type"), target, written, external });
            }
            _ => {}
        }
    }
    Ok(out)
}

/// A part name from a target relative to `base` (`../media/a.png`, `/word/x.xml`).
fn resolve(base: &str, target: &str) -> String {
    let mut parts: Vec<&str> = if target.starts_with('/') { Vec::new() } else { base.split('/').filter(|p| !p.is_empty()).collect() };
    for p in target.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// Parts of a template bigger than this are refused: no Word part is anywhere near.
const MAX_PART: u64 = 64 << 20;

fn bytes(zip: &mut Zip, name: &str) -> Result<Option<Vec<u8>>, String> {
    let mut file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(format!("{name}: {e}")),
    };
    if file.size() > MAX_PART {
        return Err(format!("{name} is over 64 MB"));
    }
    let mut out = Vec::with_capacity(file.size() as usize);
    file.by_ref().take(MAX_PART).read_to_end(&mut out).map_err(|e| format!("{name}: {e}"))?;
    Ok(Some(out))
}

fn text(zip: &mut Zip, name: &str) -> Result<Option<String>, String> {
    match bytes(zip, name)? {
        Some(b) => String::from_utf8(b).map(Some).map_err(|_| format!("{name} is not UTF-8 XML")),
        None => Ok(None),
    }
}

/// The body's last section: its page size and margins, and its default header and footer.
#[derive(Default)]
struct Section {
    values: Vec<(String, u32)>,
    header: Option<String>,
    footer: Option<String>,
}

fn last_section(document: &str) -> Result<Section, String> {
    let mut reader = quick_xml::NsReader::from_str(document);
    let mut found = Section::default();
    let mut current: Option<Section> = None;
    loop {
        let event = reader.read_resolved_event().map_err(|e| format!("unreadable document: {e}"))?;
        match event {
            (_, Event::Eof) => break,
            (ResolveResult::Bound(ns), Event::Start(e)) if ns.as_ref() == NS_W && e.local_name().as_ref() == "sectPr" => {
                current = Some(Section::default());
            }
            (ResolveResult::Bound(ns), Event::End(e)) if ns.as_ref() == NS_W && e.local_name().as_ref() == "sectPr" => {
                found = current.take().unwrap_or_default();
            }
            (ResolveResult::Bound(ns), Event::Empty(e) | Event::Start(e)) if ns.as_ref() == NS_W => {
                let Some(section) = current.as_mut() else { continue };
                let element = e.local_name().as_ref().to_string();
                let mut kind = None;
                let mut id = None;
                for a in e.attributes().flatten() {
                    let key = a.key.local_name().as_ref().to_string();
                    let value = a.normalized_value(XmlVersion::Implicit1_0).map(|v| v.into_owned()).unwrap_or_default();
                    match (element.as_str(), key.as_str()) {
                        ("headerReference" | "footerReference", "type") => kind = Some(value),
                        ("headerReference" | "footerReference", "id") => id = Some(value),
                        ("pgSz" | "pgMar", _) => {
                            if let Ok(v) = value.parse::<u32>() {
                                section.values.push((format!("{element}/{key}"), v.min(31_680)));
                            }
                        }
                        _ => {}
                    }
                }
                if kind.as_deref().unwrap_or("default") == "default" {
                    match element.as_str() {
                        "headerReference" => section.header = id,
                        "footerReference" => section.footer = id,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Ok(found)
}

/// `xml` after markup compatibility processing: elements and attributes of the namespaces it
/// declares ignorable are left out, `mc:AlternateContent` gives way to its `mc:Fallback`'s
/// content, and no `mc:` attribute is left.
pub fn compatible(xml: &str) -> Result<String, String> {
    let mut reader = quick_xml::NsReader::from_str(xml);
    let mut writer = quick_xml::Writer::new(Vec::with_capacity(xml.len()));
    // Namespaces declared ignorable, a set per open element (its own and its ancestors').
    let mut ignorable: Vec<HashSet<String>> = vec![HashSet::new()];
    // Open elements: whether each is written (an unwrapped `mc:` element is not).
    let mut open: Vec<bool> = Vec::new();
    // Inside a left-out element: how deep.
    let mut skipping = 0usize;
    let bad = |e: quick_xml::Error| format!("not well-formed XML: {e}");
    loop {
        let (ns, event) = reader.read_resolved_event().map_err(bad)?;
        let ns: Option<String> = match ns {
            ResolveResult::Bound(n) => Some(n.as_ref().to_string()),
            _ => None,
        };
        match event {
            Event::Eof => break,
            Event::Start(_) | Event::Empty(_) if skipping > 0 => {
                if matches!(event, Event::Start(_)) {
                    skipping += 1;
                }
            }
            Event::End(_) if skipping > 0 => skipping -= 1,
            _ if skipping > 0 => {}
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let mut ignored = ignorable.last().cloned().unwrap_or_default();
                for a in e.attributes().flatten() {
                    let (ans, local) = reader.resolver().resolve_attribute(a.key);
                    if matches!(ans, ResolveResult::Bound(n) if n.as_ref() == NS_MC) && local.as_ref() == "Ignorable" {
                        let value = a.normalized_value(XmlVersion::Implicit1_0).map_err(bad)?.into_owned();
                        for prefix in value.split_whitespace() {
                            let name = format!("{prefix}:x");
                            let (pns, _) = reader.resolver().resolve_attribute(quick_xml::name::QName(&name));
                            if let ResolveResult::Bound(n) = pns {
                                ignored.insert(n.as_ref().to_string());
                            }
                        }
                    }
                }
                let local = e.local_name().as_ref().to_string();
                let in_mc = ns.as_deref() == Some(NS_MC);
                let left_out = ns.as_ref().is_some_and(|n| ignored.contains(n)) || (in_mc && local == "Choice");
                if left_out {
                    if !empty {
                        skipping = 1;
                    }
                    continue;
                }
                // `mc:AlternateContent` and `mc:Fallback` give way to what they hold.
                if in_mc {
                    if !empty {
                        open.push(false);
                        ignorable.push(ignored);
                    }
                    continue;
                }
                let mut out = BytesStart::new(e.name().as_ref().to_string());
                for a in e.attributes().flatten() {
                    let (ans, _) = reader.resolver().resolve_attribute(a.key);
                    let drop = match ans {
                        ResolveResult::Bound(n) => n.as_ref() == NS_MC || ignored.contains(n.as_ref()),
                        _ => false,
                    };
                    if !drop {
                        out.push_attribute(a);
                    }
                }
                let written = if empty { Event::Empty(out) } else { Event::Start(out) };
                writer.write_event(written).map_err(|e| e.to_string())?;
                if !empty {
                    open.push(true);
                    ignorable.push(ignored);
                }
            }
            Event::End(e) => {
                ignorable.pop();
                if open.pop().unwrap_or(false) {
                    writer.write_event(Event::End(e)).map_err(|e| e.to_string())?;
                }
            }
            other => writer.write_event(other).map_err(|e| e.to_string())?,
        }
    }
    String::from_utf8(writer.into_inner()).map_err(|e| e.to_string())
}

/// One `<w:style>` of a styles part: its type, id, name and XML.
struct Style<'a> {
    kind: String,
    id: String,
    name: String,
    xml: &'a str,
}

/// The `<w:style>` elements of a styles part written the way [`super::parts::styles`] writes
/// them, or read from any (for ids and names).
fn styles_of(xml: &str) -> Result<Vec<Style<'_>>, String> {
    let mut reader = quick_xml::NsReader::from_str(xml);
    let mut out = Vec::new();
    let mut current: Option<(usize, String, String, String)> = None;
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader.read_resolved_event().map_err(|e| format!("unreadable styles: {e}"))?;
        let w = |ns: &ResolveResult| matches!(ns, ResolveResult::Bound(n) if n.as_ref() == NS_W);
        let mut closed = false;
        match event {
            (_, Event::Eof) => break,
            (ns, Event::Start(e)) if w(&ns) && e.local_name().as_ref() == "style" => {
                let mut kind = String::new();
                let mut id = String::new();
                for a in e.attributes().flatten() {
                    let value = a.normalized_value(XmlVersion::Implicit1_0).map(|v| v.into_owned()).unwrap_or_default();
                    match a.key.local_name().as_ref() {
                        "type" => kind = value,
                        "styleId" => id = value,
                        _ => {}
                    }
                }
                current = Some((before, kind, id, String::new()));
            }
            (ns, Event::Empty(e) | Event::Start(e)) if w(&ns) && e.local_name().as_ref() == "name" => {
                if let Some(c) = current.as_mut() {
                    for a in e.attributes().flatten() {
                        if a.key.local_name().as_ref() == "val" {
                            c.3 = a.normalized_value(XmlVersion::Implicit1_0).map(|v| v.into_owned()).unwrap_or_default();
                        }
                    }
                }
            }
            (ns, Event::End(e)) if w(&ns) && e.local_name().as_ref() == "style" => closed = true,
            _ => {}
        }
        if closed {
            let after = reader.buffer_position() as usize;
            if let Some((start, kind, id, name)) = current.take() {
                out.push(Style { kind, id, name, xml: &xml[start..after] });
            }
        }
    }
    Ok(out)
}

/// The template's styles with the handout's that it lacks added (declaring the `w`
/// namespace themselves, whatever prefix the template uses), and the handout's style ids that
/// the template names otherwise.
fn merge_styles(template: &str, ours: &str) -> Result<(String, HashMap<String, String>), String> {
    let theirs = styles_of(template)?;
    let key = |kind: &str, name: &str| (kind.to_string(), name.to_ascii_lowercase());
    let by_name: HashMap<(String, String), &str> =
        theirs.iter().map(|s| (key(&s.kind, &s.name), s.id.as_str())).collect();
    let taken: HashSet<&str> = theirs.iter().map(|s| s.id.as_str()).collect();
    let mut ids = HashMap::new();
    let mut added = Vec::new();
    for s in styles_of(ours)? {
        match by_name.get(&key(&s.kind, &s.name)) {
            Some(&id) => {
                if id != s.id {
                    ids.insert(s.id.clone(), id.to_string());
                }
            }
            None if taken.contains(s.id.as_str()) => {
                // The template uses the id for another style: ours takes a new one.
                ids.insert(s.id.clone(), format!("{}NotesExport", s.id));
                added.push(s);
            }
            None => added.push(s),
        }
    }
    let end = template.rfind("</").ok_or("the styles part has no end")?;
    let mut out = String::with_capacity(template.len() + added.iter().map(|s| s.xml.len() + 80).sum::<usize>());
    out.push_str(&template[..end]);
    for s in added {
        // `w:styleId`, `w:basedOn`, `w:next` and `w:link` name styles by id.
        let mut xml = s.xml.replacen("<w:style ", &format!("<w:style xmlns:w=\"{NS_W}\" "), 1);
        if let Some(new) = ids.get(&s.id) {
            xml = xml.replacen(&format!("w:styleId=\"{}\"", s.id), &format!("w:styleId=\"{new}\""), 1);
        }
        for tag in ["basedOn", "next", "link"] {
            let needle = format!("<w:{tag} w:val=\"");
            if let Some(k) = xml.find(&needle) {
                let start = k + needle.len();
                let stop = start + xml[start..].find('"').unwrap_or(0);
                let id = xml[start..stop].to_string();
                if let Some(new) = ids.get(&id) {
                    xml.replace_range(start..stop, new);
                }
            }
        }
        out.push_str(&xml);
    }
    out.push_str(&template[end..]);
    Ok((out, ids))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignorable_markup_is_left_out() {
        let xml = r#"<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" mc:Ignorable="w14"><w:style w:type="paragraph" w:styleId="A" w14:x="1"><w:name w:val="a"/><w14:thing><w:b/></w14:thing></w:style><mc:AlternateContent><mc:Choice Requires="w14"><w14:new/></mc:Choice><mc:Fallback><w:old/></mc:Fallback></mc:AlternateContent></w:styles>"#;
        let out = compatible(xml).unwrap();
        assert!(!out.contains("w14:") || out.contains("xmlns:w14"), "{out}");
        assert!(!out.contains("mc:Ignorable") && !out.contains("w14:x") && !out.contains("w14:thing"), "{out}");
        assert!(out.contains("<w:old/>") && !out.contains("new") && !out.contains("AlternateContent"), "{out}");
        assert!(out.contains("<w:name w:val=\"a\"/>"));
    }

    #[test]
    fn styles_match_by_name_and_the_rest_are_added() {
        let template = format!(
            r#"<w:styles xmlns:w="{NS_W}"><w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="heading 1"/></w:style><w:style w:type="paragraph" w:styleId="Compact"><w:name w:val="Something else"/></w:style></w:styles>"#
        );
        let ours = super::super::parts::styles();
        let (merged, ids) = merge_styles(&template, &ours).unwrap();
        assert_eq!(ids.get("Heading1").map(String::as_str), Some("berschrift1"));
        assert_eq!(ids.get("Compact").map(String::as_str), Some("CompactNotesExport"));
        assert!(merged.contains(r#"w:styleId="CompactNotesExport""#), "{merged}");
        assert!(!merged.contains(r#"w:styleId="Heading1""#), "ours gives way to the template's");
        assert!(merged.contains(r#"w:styleId="Heading2""#), "a style the template lacks is added");
        roxmltree::Document::parse(&merged).unwrap();
        let r = Reference { styles: merged, style_ids: ids, theme: None, font_table: None, page: Page::A4, header: None, footer: None };
        assert_eq!(
            r.restyle(r#"<w:pStyle w:val="Heading1"/><w:rStyle w:val="Tag"/><w:pStyle w:val="Compact"/>"#),
            r#"<w:pStyle w:val="berschrift1"/><w:rStyle w:val="Tag"/><w:pStyle w:val="CompactNotesExport"/>"#
        );
    }

    #[test]
    fn targets_resolve_against_their_part() {
        assert_eq!(resolve("word", "media/a.png"), "word/media/a.png");
        assert_eq!(resolve("word", "../customXml/x.xml"), "customXml/x.xml");
        assert_eq!(resolve("word", "/word/styles.xml"), "word/styles.xml");
        assert_eq!(rels_path("word/document.xml"), "word/_rels/document.xml.rels");
    }
}
