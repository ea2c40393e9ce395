//! The outline IR: what readers produce and exporters consume. It knows no output format.
//!
//! Blocks live in a flat arena per page (document order) with parent/children indices, so any
//! nesting depth is safe to serialise and walk without recursion limits.

mod cards;
mod walk;

pub use cards::*;
pub use walk::*;

use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

/// Bumped whenever the JSON shape changes incompatibly.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct Graph {
    pub schema_version: u32,
    /// The graph folder's name, or the page title for a single file.
    pub name: String,
    /// Read from a Logseq DB graph (`db.sqlite`): a page's `file` is the name the page would
    /// have as a file and a block's `line` its line there; neither is on disk.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub db_graph: bool,
    pub pages: Vec<Page>,
    /// Assets referenced by pages, keyed by their path relative to the graph root.
    pub assets: BTreeMap<String, Asset>,
    /// Pages and block ids by name, for the resolver and exporters.
    #[serde(skip)]
    pub index: GraphIndex,
}

/// A hash map for the graph's own keys (page names and block ids), looked up for
/// every reference: foldhash is several times cheaper than the standard SipHash on short keys,
/// and the notes being read are the user's own, not an adversary's.
pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

#[derive(Debug, Clone, Default)]
pub struct GraphIndex {
    /// Lower-cased page name or alias → page index.
    pub pages: FastMap<String, u32>,
    /// Block uuid (lower-case) → address.
    pub blocks: FastMap<String, BlockAddr>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Asset {
    pub size: u64,
    /// Pixel size read from the file header (PNG, JPEG, GIF, WebP), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pixels: Option<(u32, u32)>,
    #[serde(skip)]
    pub data: std::sync::Arc<Vec<u8>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, JsonSchema)]
pub struct BlockAddr {
    pub page: u32,
    pub block: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    Page,
    Journal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Markdown,
    Org,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Page {
    /// Display title (`title::`, else decoded from the file name; journals formatted).
    pub title: String,
    /// Case-folded name used for lookups.
    pub name: String,
    /// Source path relative to the input root, with forward slashes.
    pub file: String,
    pub kind: PageKind,
    pub format: Format,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<Property>,
    /// Every block in document order; `parent`/`children` index into this list.
    pub blocks: Vec<Block>,
    /// Indices of the top-level blocks.
    pub roots: Vec<u32>,
    /// Modification time of the source file (seconds since the epoch), when known. Not part
    /// of the JSON: it differs between checkouts of the same notes.
    #[serde(skip)]
    pub mtime: Option<i64>,
}

#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct Block {
    /// 1-based source line of the block's first line.
    pub line: u32,
    /// Tree depth, 1 for top level.
    pub depth: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<u32>,
    // This and the task fields below are rare: boxed strings keep a block 40 bytes smaller (a
    // deck's reading holds a placeholder block for each of a large graph's million blocks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uuid: Option<Box<str>>,
    /// Text before the first bullet (holds the page properties when it has them).
    #[serde(default, skip_serializing_if = "is_false")]
    pub pre_block: bool,
    /// Heading size 1–6 from `#` marks or `heading:: N` (`heading:: true`: by depth, h2 at the
    /// top). A heading block's first paragraph is its heading line alone; the rest of `body` is
    /// shown under the heading.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub marker: Option<Box<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<Box<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduled: Option<Box<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub collapsed: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<Property>,
    /// The block's source text as Logseq stores it, without its property lines.
    pub content: String,
    /// The parsed content.
    pub body: Vec<Node>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Property {
    /// Normalised key: lower-case, `_` and spaces as `-`.
    pub key: String,
    /// The value text as written.
    pub raw: String,
    pub value: PropValue,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "type", content = "value", rename_all = "lowercase")]
pub enum PropValue {
    Text(String),
    Bool(bool),
    Int(i64),
    /// Page references (`[[a]]`, `#b`, or comma lists for `tags`/`alias`).
    Refs(Vec<String>),
}

/// Block-level content of one block.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Node {
    Paragraph {
        inlines: Vec<Inline>,
    },
    Heading {
        level: u8,
        inlines: Vec<Inline>,
    },
    Code {
        #[serde(skip_serializing_if = "Option::is_none")]
        lang: Option<String>,
        text: String,
    },
    Math {
        tex: String,
    },
    Quote {
        children: Vec<Node>,
    },
    /// `#+BEGIN_NOTE` and friends; `kind` is lower-case (note, tip, warning, center, …).
    Admonition {
        kind: String,
        children: Vec<Node>,
    },
    /// `#+BEGIN_QUERY` or a `{{query}}` that fills its paragraph: kept, not evaluated.
    Query {
        text: String,
    },
    List {
        ordered: bool,
        /// The first item's number, when an ordered list does not start at 1 (`- 2. step`).
        #[serde(skip_serializing_if = "Option::is_none")]
        start: Option<u32>,
        items: Vec<ListItem>,
    },
    Table {
        header: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
    Rule,
    Html {
        html: String,
    },
    /// A footnote's text, `[^label]: …` at the start of a line (`[fn:label] …` in org). It
    /// belongs to its page's marks: exporters show it where those lead (a Word footnote, the
    /// end of a Markdown page, under an Anki field), not where it is written.
    Footnote {
        label: String,
        inlines: Vec<Inline>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ListItem {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checked: Option<bool>,
    pub children: Vec<Node>,
}

/// A source position: 1-based line and column in `Page::file`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Inline {
    Text {
        text: String,
    },
    Code {
        text: String,
    },
    Strong {
        children: Vec<Inline>,
    },
    Emphasis {
        children: Vec<Inline>,
    },
    Strike {
        children: Vec<Inline>,
    },
    Highlight {
        children: Vec<Inline>,
    },
    Link {
        url: String,
        children: Vec<Inline>,
        /// Graph-relative path of a local file it links to (a PDF, a recording), set by the
        /// resolver when the file exists.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        asset: Option<String>,
    },
    Image {
        url: String,
        alt: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        width: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        height: Option<u32>,
        /// Graph-relative path of a local asset, set by the resolver when the file exists.
        #[serde(skip_serializing_if = "Option::is_none")]
        asset: Option<String>,
        pos: Pos,
    },
    PageRef {
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        label: Option<Vec<Inline>>,
        /// Index of the page it names (aliases followed), set by the resolver.
        #[serde(skip_serializing_if = "Option::is_none")]
        page: Option<u32>,
    },
    Tag {
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        page: Option<u32>,
    },
    BlockRef {
        uuid: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        label: Option<Vec<Inline>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        target: Option<BlockAddr>,
        pos: Pos,
    },
    Embed {
        target: EmbedTarget,
        /// Resolved block (block embeds) or page index in `block` = 0 form is not used: see `page`.
        #[serde(skip_serializing_if = "Option::is_none")]
        block: Option<BlockAddr>,
        #[serde(skip_serializing_if = "Option::is_none")]
        page: Option<u32>,
        /// Set when expanding this embed would loop; exporters then leave it unexpanded.
        #[serde(default, skip_serializing_if = "is_false")]
        cyclic: bool,
        pos: Pos,
    },
    Cloze {
        /// Explicit Anki number from `{{cN::…}}`; Logseq clozes have none.
        #[serde(skip_serializing_if = "Option::is_none")]
        number: Option<u32>,
        answer: Vec<Inline>,
        #[serde(skip_serializing_if = "Option::is_none")]
        hint: Option<String>,
    },
    /// `[^label]` (`[fn:label]` in org): a mark for the footnote of that label on its page.
    FootnoteRef {
        label: String,
        /// The block of the page holding the footnote's text, set by the resolver.
        #[serde(skip_serializing_if = "Option::is_none")]
        target: Option<BlockAddr>,
        pos: Pos,
    },
    Macro {
        name: String,
        args: Vec<String>,
        /// Where it is, for a diagnostic from an exporter that leaves it out.
        pos: Pos,
    },
    Math {
        tex: String,
        display: bool,
    },
    Html {
        html: String,
    },
    SoftBreak,
    HardBreak,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum EmbedTarget {
    Page { name: String },
    Block { uuid: String },
}
