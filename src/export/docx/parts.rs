//! The fixed parts of the package: styles, numbering, settings, footer, properties, content
//! types and relationships. Element order follows the ECMA-376 schemas (Word is strict).

use super::xml::{attr, text};

pub const NS_W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
pub const NS_R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const REL_BASE: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// Page geometry in twentieths of a point: the paper, its margins, and where the header and
/// footer sit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub width: u32,
    pub height: u32,
    pub top: u32,
    pub right: u32,
    pub bottom: u32,
    pub left: u32,
    pub header: u32,
    pub footer: u32,
}

impl Page {
    /// 2 cm margins all round, header and footer 1 cm from the edge.
    const fn with_2cm(width: u32, height: u32) -> Page {
        Page { width, height, top: 1134, right: 1134, bottom: 1134, left: 1134, header: 567, footer: 567 }
    }
    pub const A4: Page = Page::with_2cm(11906, 16838);
    pub const LETTER: Page = Page::with_2cm(12240, 15840);

    /// The width between the margins, in twips (at least an inch, whatever the margins say).
    pub fn text_width(&self) -> u32 {
        self.width.saturating_sub(self.left + self.right).max(1440)
    }

    /// Text width and height in EMU (1 twip = 635 EMU).
    pub fn text_emu(&self) -> (u64, u64) {
        let height = self.height.saturating_sub(self.top + self.bottom).max(1440);
        (self.text_width() as u64 * 635, height as u64 * 635)
    }
}

pub fn content_types(media_exts: &[&str], footnotes: bool, header: bool) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">",
    );
    s.push_str(
        "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>",
    );
    s.push_str("<Default Extension=\"xml\" ContentType=\"application/xml\"/>");
    for ext in media_exts {
        let ct = match *ext {
            "png" => "image/png",
            "gif" => "image/gif",
            "jpeg" | "jpg" => "image/jpeg",
            "emf" => "image/x-emf",
            "wmf" => "image/x-wmf",
            "bmp" => "image/bmp",
            "tif" | "tiff" => "image/tiff",
            "webp" => "image/webp",
            "svg" => "image/svg+xml",
            _ => "application/octet-stream",
        };
        s.push_str(&format!("<Default Extension=\"{ext}\" ContentType=\"{ct}\"/>"));
    }
    let wml = "application/vnd.openxmlformats-officedocument.wordprocessingml";
    for (part, ct) in [
        ("/word/document.xml", format!("{wml}.document.main+xml")),
        ("/word/styles.xml", format!("{wml}.styles+xml")),
        ("/word/numbering.xml", format!("{wml}.numbering+xml")),
        ("/word/settings.xml", format!("{wml}.settings+xml")),
        ("/word/footer1.xml", format!("{wml}.footer+xml")),
        ("/word/fontTable.xml", format!("{wml}.fontTable+xml")),
        ("/word/theme/theme1.xml", "application/vnd.openxmlformats-officedocument.theme+xml".to_string()),
        ("/word/footnotes.xml", format!("{wml}.footnotes+xml")),
        ("/word/header1.xml", format!("{wml}.header+xml")),
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml".to_string()),
        ("/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml".to_string()),
    ] {
        if (footnotes || part != "/word/footnotes.xml") && (header || part != "/word/header1.xml") {
            s.push_str(&format!("<Override PartName=\"{part}\" ContentType=\"{ct}\"/>"));
        }
    }
    s.push_str("</Types>");
    s
}

pub fn package_rels() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"{REL_BASE}/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
<Relationship Id=\"rId3\" Type=\"{REL_BASE}/extended-properties\" Target=\"docProps/app.xml\"/>\
</Relationships>"
    )
}

/// A relationship of the main document: (id, type suffix, target, external).
pub struct Rel {
    pub id: String,
    pub kind: &'static str,
    pub target: String,
    pub external: bool,
}

pub fn document_rels(rels: &[Rel]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    );
    for r in rels {
        let mode = if r.external { " TargetMode=\"External\"" } else { "" };
        s.push_str(&format!(
            "<Relationship Id=\"{}\" Type=\"{REL_BASE}/{}\" Target=\"{}\"{mode}/>",
            r.id,
            r.kind,
            attr(&r.target)
        ));
    }
    s.push_str("</Relationships>");
    s
}

/// Title, subject and creator, with a fixed date so the same notes give the same bytes.
pub fn core(title: &str, subject: &str, date: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
<dc:title>{}</dc:title><dc:subject>{}</dc:subject><dc:creator>notes-export</dc:creator>\
<dcterms:created xsi:type=\"dcterms:W3CDTF\">{date}</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{date}</dcterms:modified>\
</cp:coreProperties>",
        text(title),
        text(subject)
    )
}

pub fn app() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">\
<Application>notes-export {}</Application></Properties>",
        env!("CARGO_PKG_VERSION")
    )
}

pub fn settings() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:settings xmlns:w=\"{NS_W}\">\
<w:zoom w:percent=\"100\"/><w:defaultTabStop w:val=\"720\"/><w:characterSpacingControl w:val=\"doNotCompress\"/>\
<w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>\
</w:settings>"
    )
}

fn field(instr: &str, shown: &str) -> String {
    format!(
        "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> {instr} </w:instrText></w:r>\
<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>{shown}</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
    )
}

/// "Page X of Y", centred.
/// The fonts the styles name, described so that a reader without them picks a close one
/// (Word always writes this part; its PANOSE numbers are the fonts' published ones).
pub fn font_table() -> String {
    let font = |name: &str, panose: &str, family: &str, pitch: &str| {
        format!(
            "<w:font w:name=\"{name}\"><w:panose1 w:val=\"{panose}\"/><w:charset w:val=\"00\"/>\
<w:family w:val=\"{family}\"/><w:pitch w:val=\"{pitch}\"/></w:font>"
        )
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:fonts xmlns:w=\"{NS_W}\">{}{}</w:fonts>",
        font("Calibri", "020F0502020204030204", "swiss", "variable"),
        font("Consolas", "020B0609020204030204", "modern", "fixed"),
    )
}

/// The document's theme: its colours, its heading and body font (the styles' Calibri) and the
/// plain formats a theme must list (Word always writes this part).
pub fn theme() -> String {
    const A: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
    let color = |slot: &str, rgb: &str| format!("<a:{slot}><a:srgbClr val=\"{rgb}\"/></a:{slot}>");
    let mut colors = String::from(
        "<a:dk1><a:sysClr val=\"windowText\" lastClr=\"000000\"/></a:dk1><a:lt1><a:sysClr val=\"window\" lastClr=\"FFFFFF\"/></a:lt1>",
    );
    for (slot, rgb) in [
        ("dk2", "1F2328"),
        ("lt2", "E7E6E6"),
        ("accent1", "2F5496"),
        ("accent2", "ED7D31"),
        ("accent3", "A5A5A5"),
        ("accent4", "FFC000"),
        ("accent5", "4472C4"),
        ("accent6", "70AD47"),
        ("hlink", "0563C1"),
        ("folHlink", "954F72"),
    ] {
        colors.push_str(&color(slot, rgb));
    }
    let fonts = "<a:latin typeface=\"Calibri\"/><a:ea typeface=\"\"/><a:cs typeface=\"\"/>";
    let fill = "<a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill>";
    let line = format!("<a:ln w=\"6350\">{fill}</a:ln>");
    let effect = "<a:effectStyle><a:effectLst/></a:effectStyle>";
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<a:theme xmlns:a=\"{A}\" name=\"notes-export\"><a:themeElements>\
<a:clrScheme name=\"notes-export\">{colors}</a:clrScheme>\
<a:fontScheme name=\"notes-export\"><a:majorFont>{fonts}</a:majorFont><a:minorFont>{fonts}</a:minorFont></a:fontScheme>\
<a:fmtScheme name=\"notes-export\"><a:fillStyleLst>{f}</a:fillStyleLst><a:lnStyleLst>{l}</a:lnStyleLst>\
<a:effectStyleLst>{e}</a:effectStyleLst><a:bgFillStyleLst>{f}</a:bgFillStyleLst></a:fmtScheme>\
</a:themeElements></a:theme>",
        f = fill.repeat(3),
        l = line.repeat(3),
        e = effect.repeat(3),
    )
}

pub fn footer() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:ftr xmlns:w=\"{NS_W}\"><w:p><w:pPr><w:pStyle w:val=\"Footer\"/><w:jc w:val=\"center\"/></w:pPr>\
<w:r><w:t xml:space=\"preserve\">Page </w:t></w:r>{}<w:r><w:t xml:space=\"preserve\"> of </w:t></w:r>{}</w:p></w:ftr>",
        field("PAGE", "1"),
        field("NUMPAGES", "1")
    )
}

/// The footnotes part: Word's separator lines (ids -1 and 0), then the notes.
pub fn footnotes(notes: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:footnotes xmlns:w=\"{NS_W}\" xmlns:m=\"{}\">\
<w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>\
<w:footnote w:type=\"continuationSeparator\" w:id=\"0\"><w:p><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>\
{notes}</w:footnotes>",
        super::math::NS_M
    )
}

/// Left indent of list level `l` and the hanging indent of its bullet, in twips.
pub fn list_indent(level: usize) -> (u32, u32) {
    (360 + 360 * level as u32, 270)
}

pub const BULLETS: [&str; 3] = ["•", "◦", "▪"];

/// The list definitions: bullets with nine levels (glyphs alternate per level), the answer
/// key's decimal list, and numbered steps (decimal at every level); then one numbering instance
/// per run of numbered blocks, `(level, first number)`, as ids 3, 4, …
pub fn numbering(lists: &[(usize, u32)]) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:numbering xmlns:w=\"{NS_W}\">\
<w:abstractNum w:abstractNumId=\"0\"><w:nsid w:val=\"4E4F5445\"/><w:multiLevelType w:val=\"hybridMultilevel\"/>"
    );
    for l in 0..9 {
        let (left, hanging) = list_indent(l);
        s.push_str(&format!(
            "<w:lvl w:ilvl=\"{l}\"><w:start w:val=\"1\"/><w:numFmt w:val=\"bullet\"/><w:lvlText w:val=\"{}\"/><w:lvlJc w:val=\"left\"/>\
<w:pPr><w:ind w:left=\"{left}\" w:hanging=\"{hanging}\"/></w:pPr></w:lvl>",
            BULLETS[l % 3]
        ));
    }
    s.push_str("</w:abstractNum>");
    // Answer keys use a decimal list.
    s.push_str(
        "<w:abstractNum w:abstractNumId=\"1\"><w:nsid w:val=\"4E4F5446\"/><w:multiLevelType w:val=\"singleLevel\"/>",
    );
    s.push_str(
        "<w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%1.\"/><w:lvlJc w:val=\"left\"/>\
<w:pPr><w:ind w:left=\"500\" w:hanging=\"400\"/></w:pPr></w:lvl></w:abstractNum>",
    );
    s.push_str(
        "<w:abstractNum w:abstractNumId=\"2\"><w:nsid w:val=\"4E4F5447\"/><w:multiLevelType w:val=\"multilevel\"/>",
    );
    for l in 0..9 {
        let (left, _) = list_indent(l);
        s.push_str(&format!(
            "<w:lvl w:ilvl=\"{l}\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%{}.\"/><w:lvlJc w:val=\"left\"/>\
<w:pPr><w:ind w:left=\"{left}\" w:hanging=\"360\"/></w:pPr></w:lvl>",
            l + 1
        ));
    }
    s.push_str("</w:abstractNum>");
    s.push_str("<w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>");
    s.push_str("<w:num w:numId=\"2\"><w:abstractNumId w:val=\"1\"/></w:num>");
    for (k, (level, start)) in lists.iter().enumerate() {
        s.push_str(&format!(
            "<w:num w:numId=\"{}\"><w:abstractNumId w:val=\"2\"/><w:lvlOverride w:ilvl=\"{level}\">\
<w:startOverride w:val=\"{start}\"/></w:lvlOverride></w:num>",
            k + 3
        ));
    }
    s.push_str("</w:numbering>");
    s
}

fn style(kind: &str, id: &str, name: &str, based_on: Option<&str>, ppr: &str, rpr: &str, extra: &str) -> String {
    let based = based_on.map(|b| format!("<w:basedOn w:val=\"{b}\"/>")).unwrap_or_default();
    let ppr = if ppr.is_empty() { String::new() } else { format!("<w:pPr>{ppr}</w:pPr>") };
    let rpr = if rpr.is_empty() { String::new() } else { format!("<w:rPr>{rpr}</w:rPr>") };
    format!(
        "<w:style w:type=\"{kind}\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/>{based}{extra}{ppr}{rpr}</w:style>"
    )
}

/// The style sheet, with pandoc's style ids so users' reference documents apply.
pub fn styles() -> String {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles xmlns:w=\"{NS_W}\">\
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Calibri\" w:hAnsi=\"Calibri\" w:eastAsia=\"Calibri\" w:cs=\"Calibri\"/>\
<w:sz w:val=\"22\"/><w:szCs w:val=\"22\"/><w:lang w:val=\"en-US\"/></w:rPr></w:rPrDefault>\
<w:pPrDefault><w:pPr><w:spacing w:after=\"80\" w:line=\"264\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>"
    );
    let q = "<w:qFormat/>";
    s.push_str(&format!(
        "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/>{q}</w:style>"
    ));
    s.push_str(&style(
        "paragraph",
        "BodyText",
        "Body Text",
        Some("Normal"),
        "<w:spacing w:before=\"60\" w:after=\"120\"/>",
        "",
        q,
    ));
    s.push_str(&style(
        "paragraph",
        "Title",
        "Title",
        Some("Normal"),
        "<w:keepNext/><w:spacing w:after=\"240\"/><w:outlineLvl w:val=\"0\"/>",
        "<w:b/><w:color w:val=\"1F3864\"/><w:sz w:val=\"48\"/><w:szCs w:val=\"48\"/>",
        q,
    ));
    s.push_str(&style(
        "paragraph",
        "Subtitle",
        "Subtitle",
        Some("Normal"),
        "<w:spacing w:after=\"240\"/>",
        "<w:color w:val=\"595959\"/><w:sz w:val=\"26\"/><w:szCs w:val=\"26\"/>",
        q,
    ));
    let sizes = [36, 30, 26, 24, 22, 22, 22, 22, 22];
    for (k, sz) in sizes.iter().enumerate() {
        let n = k + 1;
        s.push_str(&style(
            "paragraph",
            &format!("Heading{n}"),
            &format!("heading {n}"),
            Some("Normal"),
            &format!(
                "<w:keepNext/><w:keepLines/><w:spacing w:before=\"{}\" w:after=\"80\"/><w:outlineLvl w:val=\"{k}\"/>",
                if n == 1 { 360 } else { 240 }
            ),
            &format!("<w:b/><w:color w:val=\"2F5496\"/><w:sz w:val=\"{sz}\"/><w:szCs w:val=\"{sz}\"/>"),
            &format!("<w:next w:val=\"BodyText\"/>{q}"),
        ));
    }
    s.push_str(&style(
        "paragraph",
        "Compact",
        "Compact",
        Some("BodyText"),
        "<w:spacing w:before=\"20\" w:after=\"20\"/>",
        "",
        q,
    ));
    s.push_str(&style(
        "paragraph",
        "BlockText",
        "Block Text",
        Some("BodyText"),
        "<w:pBdr><w:left w:val=\"single\" w:sz=\"18\" w:space=\"8\" w:color=\"A5A5A5\"/></w:pBdr><w:spacing w:before=\"60\" w:after=\"60\"/><w:ind w:left=\"360\" w:right=\"360\"/>",
        "<w:color w:val=\"404040\"/>",
        q,
    ));
    s.push_str(&style(
        "paragraph",
        "SourceCode",
        "Source Code",
        Some("Normal"),
        "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"F2F2F2\"/><w:spacing w:before=\"40\" w:after=\"40\" w:line=\"240\" w:lineRule=\"auto\"/>",
        "<w:rFonts w:ascii=\"Consolas\" w:hAnsi=\"Consolas\" w:cs=\"Consolas\"/><w:sz w:val=\"19\"/><w:szCs w:val=\"19\"/>",
        q,
    ));
    s.push_str(&style(
        "paragraph",
        "ImageCaption",
        "Image Caption",
        Some("BodyText"),
        "<w:jc w:val=\"center\"/>",
        "<w:i/><w:sz w:val=\"18\"/>",
        q,
    ));
    s.push_str(&style(
        "paragraph",
        "Footer",
        "footer",
        Some("Normal"),
        "",
        "<w:color w:val=\"7F7F7F\"/><w:sz w:val=\"18\"/>",
        "",
    ));
    s.push_str(&style(
        "character",
        "VerbatimChar",
        "Verbatim Char",
        None,
        "",
        "<w:rFonts w:ascii=\"Consolas\" w:hAnsi=\"Consolas\" w:cs=\"Consolas\"/><w:sz w:val=\"20\"/><w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"F2F2F2\"/>",
        "",
    ));
    s.push_str(&style(
        "character",
        "Hyperlink",
        "Hyperlink",
        None,
        "",
        "<w:color w:val=\"0563C1\"/><w:u w:val=\"single\"/>",
        "",
    ));
    s.push_str(&style("character", "Tag", "Tag", None, "", "<w:color w:val=\"8C8C8C\"/><w:sz w:val=\"18\"/>", ""));
    s.push_str(&style("character", "Blank", "Worksheet Blank", None, "", "<w:u w:val=\"single\"/>", ""));
    // pandoc's ids and Word's built-in names, so Word treats them as its own footnote styles.
    s.push_str(&style(
        "paragraph",
        "FootnoteText",
        "footnote text",
        Some("Normal"),
        "<w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>",
        "<w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/>",
        "",
    ));
    s.push_str(&style(
        "character",
        "FootnoteReference",
        "footnote reference",
        None,
        "",
        "<w:vertAlign w:val=\"superscript\"/>",
        "",
    ));
    s.push_str(&style(
        "character",
        "BlankNumber",
        "Worksheet Blank Number",
        None,
        "",
        "<w:b/><w:color w:val=\"2F5496\"/><w:vertAlign w:val=\"superscript\"/>",
        "",
    ));
    // A worksheet: prompts at 1.5 line spacing, numbered in a hanging indent; ruled lines tall
    // enough to write on; the answer key's entries.
    s.push_str(&style(
        "paragraph",
        "Prompt",
        "Worksheet Prompt",
        Some("BodyText"),
        "<w:keepNext/><w:spacing w:before=\"240\" w:after=\"60\" w:line=\"360\" w:lineRule=\"auto\"/><w:ind w:left=\"425\" w:hanging=\"425\"/>",
        "",
        q,
    ));
    s.push_str(&style(
        "paragraph",
        "AnswerLine",
        "Worksheet Answer Line",
        Some("Normal"),
        "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"500\" w:lineRule=\"exact\"/><w:ind w:left=\"850\" w:hanging=\"425\"/>",
        "<w:color w:val=\"7F7F7F\"/>",
        q,
    ));
    s.push_str(&style(
        "paragraph",
        "Answer",
        "Worksheet Answer",
        Some("BodyText"),
        "<w:spacing w:before=\"120\" w:after=\"20\"/><w:ind w:left=\"425\" w:hanging=\"425\"/>",
        "",
        q,
    ));
    s.push_str("</w:styles>");
    s
}
