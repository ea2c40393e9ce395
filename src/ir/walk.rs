//! Read-only and mutable traversals over the IR, shared by the resolver and the exporters.

use super::{Block, BlockAddr, Graph, Inline, Node, Page};

/// How many refs and embeds an exporter follows inside one another.
pub const MAX_EXPANSION: usize = 24;

/// What a block reference shows (see `Input::ref_text` in the pipeline).
pub enum RefText<'a> {
    Title(BlockAddr, &'a [Inline]),
    Circular,
    Missing,
}

/// The case-folded name pages are looked up by (names are case-insensitive in Logseq).
pub fn page_key(title: &str) -> String {
    title.trim().to_lowercase()
}

impl super::GraphIndex {
    /// The page a name refers to ([`page_key`]). This runs for every link and tag of a graph:
    /// a short ASCII name is case-folded on the stack instead of into a new string.
    pub fn page(&self, name: &str) -> Option<u32> {
        let t = crate::text::trim(name);
        let mut buf = [0u8; 64];
        if t.len() <= buf.len() && t.is_ascii() {
            let key = &mut buf[..t.len()];
            key.copy_from_slice(t.as_bytes());
            // What `to_lowercase` does to ASCII text.
            key.make_ascii_lowercase();
            return std::str::from_utf8(key).ok().and_then(|k| self.pages.get(k)).copied();
        }
        self.pages.get(&page_key(name)).copied()
    }
}

/// The text a reader sees, markup dropped (refs by name or label, clozes by answer).
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut s = String::new();
    push_plain(inlines, &mut s);
    s
}

fn push_plain(inlines: &[Inline], s: &mut String) {
    for i in inlines {
        match i {
            Inline::Text { text } | Inline::Code { text } | Inline::Html { html: text } => s.push_str(text),
            Inline::Strong { children }
            | Inline::Emphasis { children }
            | Inline::Strike { children }
            | Inline::Highlight { children }
            | Inline::Link { children, .. } => push_plain(children, s),
            Inline::Image { alt, .. } => s.push_str(alt),
            Inline::PageRef { name, label, .. } => match label {
                Some(l) => push_plain(l, s),
                None => s.push_str(name),
            },
            Inline::Tag { name, .. } => {
                s.push('#');
                s.push_str(name);
            }
            Inline::BlockRef { label: Some(l), .. } => push_plain(l, s),
            Inline::BlockRef { uuid, .. } => s.push_str(uuid),
            Inline::Embed { .. } | Inline::Macro { .. } | Inline::FootnoteRef { .. } => {}
            Inline::Cloze { answer, .. } => push_plain(answer, s),
            Inline::Math { tex, .. } => s.push_str(tex),
            Inline::SoftBreak | Inline::HardBreak => s.push(' '),
        }
    }
}

/// Calls `f` on every inline list in the nodes (paragraphs, headings, table cells, list items),
/// and on nested inline children. Generic, not `dyn`: every block of a graph is walked this
/// way, and `f` is inlined into the walk.
pub fn for_each_inline_mut<F: FnMut(&mut Inline)>(nodes: &mut [Node], f: &mut F) {
    for n in nodes {
        match n {
            Node::Paragraph { inlines } | Node::Heading { inlines, .. } | Node::Footnote { inlines, .. } => {
                visit_inlines_mut(inlines, f)
            }
            Node::Quote { children } | Node::Admonition { children, .. } => for_each_inline_mut(children, f),
            Node::List { items, .. } => items.iter_mut().for_each(|i| for_each_inline_mut(&mut i.children, f)),
            Node::Table { header, rows } => {
                header.iter_mut().for_each(|c| visit_inlines_mut(c, f));
                rows.iter_mut().flatten().for_each(|c| visit_inlines_mut(c, f));
            }
            Node::Code { .. } | Node::Math { .. } | Node::Query { .. } | Node::Rule | Node::Html { .. } => {}
        }
    }
}

fn visit_inlines_mut<F: FnMut(&mut Inline)>(inlines: &mut [Inline], f: &mut F) {
    for i in inlines {
        f(i);
        match i {
            Inline::Strong { children }
            | Inline::Emphasis { children }
            | Inline::Strike { children }
            | Inline::Highlight { children }
            | Inline::Link { children, .. } => visit_inlines_mut(children, f),
            Inline::PageRef { label: Some(l), .. } | Inline::BlockRef { label: Some(l), .. } => visit_inlines_mut(l, f),
            Inline::Cloze { answer, .. } => visit_inlines_mut(answer, f),
            _ => {}
        }
    }
}

/// Read-only counterpart of [`for_each_inline_mut`].
pub fn for_each_inline<F: FnMut(&Inline)>(nodes: &[Node], f: &mut F) {
    for n in nodes {
        match n {
            Node::Paragraph { inlines } | Node::Heading { inlines, .. } | Node::Footnote { inlines, .. } => {
                visit_inlines(inlines, f)
            }
            Node::Quote { children } | Node::Admonition { children, .. } => for_each_inline(children, f),
            Node::List { items, .. } => items.iter().for_each(|i| for_each_inline(&i.children, f)),
            Node::Table { header, rows } => {
                header.iter().for_each(|c| visit_inlines(c, f));
                rows.iter().flatten().for_each(|c| visit_inlines(c, f));
            }
            Node::Code { .. } | Node::Math { .. } | Node::Query { .. } | Node::Rule | Node::Html { .. } => {}
        }
    }
}

pub fn visit_inlines<F: FnMut(&Inline)>(inlines: &[Inline], f: &mut F) {
    for i in inlines {
        f(i);
        match i {
            Inline::Strong { children }
            | Inline::Emphasis { children }
            | Inline::Strike { children }
            | Inline::Highlight { children }
            | Inline::Link { children, .. } => visit_inlines(children, f),
            Inline::PageRef { label: Some(l), .. } | Inline::BlockRef { label: Some(l), .. } => visit_inlines(l, f),
            Inline::Cloze { answer, .. } => visit_inlines(answer, f),
            _ => {}
        }
    }
}

/// Whether the tag at `inlines[k]` labels its block rather than being a word of the text:
/// Logseq's flashcard markers (`#card`, `#reversed`) wherever they stand, and a tag that ends
/// its line (only tags and spaces follow it up to a line break or the end), as Logseq lists a
/// block's tags after its text. A tag with words after it, or glued to the word before it, is
/// a word of the sentence ("kick off #autocompletion and list", "x#glued").
pub fn tag_labels_block(inlines: &[Inline], k: usize) -> bool {
    if let Inline::Tag { name, .. } = &inlines[k] {
        if name.eq_ignore_ascii_case("card") || name.eq_ignore_ascii_case("reversed") {
            return true;
        }
    }
    // A tag glued to the word before it (`x#glued`) is part of that word.
    if let Some(Inline::Text { text }) = k.checked_sub(1).map(|p| &inlines[p]) {
        if text.ends_with(|c: char| !c.is_whitespace()) {
            return false;
        }
    }
    inlines[k + 1..].iter().take_while(|i| !matches!(i, Inline::SoftBreak | Inline::HardBreak)).all(|i| match i {
        Inline::Tag { .. } => true,
        Inline::Text { text } => text.trim().is_empty(),
        _ => false,
    })
}

/// The numbers Logseq shows for a list of sibling blocks: a block numbered by property counts
/// on from the numbered sibling before it (from 1 after any other), a typed number is itself
/// (and later ones count on from it); other blocks are bullets. One pass over the list.
pub fn list_numbers(page: &Page, siblings: &[u32]) -> Vec<Option<u32>> {
    let mut last: Option<u32> = None;
    siblings
        .iter()
        .map(|&b| {
            let block = &page.blocks[b as usize];
            let n = match block.typed_number() {
                Some((n, _)) => Some(n),
                None if block.numbered_by_property() => Some(last.map_or(1, |l| l + 1)),
                None => None,
            };
            last = n;
            n
        })
        .collect()
}

impl Block {
    pub const EMPTY: Block = Block {
        line: 0,
        depth: 0,
        parent: None,
        children: Vec::new(),
        uuid: None,
        pre_block: false,
        heading: None,
        marker: None,
        priority: None,
        scheduled: None,
        deadline: None,
        collapsed: false,
        properties: Vec::new(),
        content: String::new(),
        body: Vec::new(),
    };

    /// The first line's inlines (what a block reference shows).
    pub fn title(&self) -> &[Inline] {
        match self.body.first() {
            Some(Node::Paragraph { inlines }) | Some(Node::Heading { inlines, .. }) => {
                let end = inlines
                    .iter()
                    .position(|i| matches!(i, Inline::SoftBreak | Inline::HardBreak))
                    .unwrap_or(inlines.len());
                &inlines[..end]
            }
            _ => &[],
        }
    }

    /// A heading block's heading line and the body under it, as the reader splits them (the
    /// first paragraph is the first line); `None` for any other block.
    pub fn heading_parts(&self) -> Option<(&[Inline], &[Node])> {
        if self.heading.is_none() || self.pre_block {
            return None;
        }
        Some(match self.body.split_first() {
            Some((Node::Paragraph { inlines } | Node::Heading { inlines, .. }, rest)) => (inlines.as_slice(), rest),
            _ => (&[], self.body.as_slice()),
        })
    }

    /// A block that shows nothing of its own: no text, task or dates, only properties or
    /// embeds. In a list its embedded blocks and children take its place, rather than hang
    /// under an empty item.
    pub fn is_placeholder(&self) -> bool {
        self.marker.is_none()
            && self.scheduled.is_none()
            && self.deadline.is_none()
            && !self.pre_block
            && self.body.iter().all(|n| match n {
                Node::Paragraph { inlines } => inlines.iter().all(|i| match i {
                    Inline::Text { text } => text.trim().is_empty(),
                    Inline::SoftBreak | Inline::HardBreak | Inline::Embed { cyclic: false, .. } => true,
                    _ => false,
                }),
                _ => false,
            })
    }

    /// A block typed as a numbered step (`2. Mix the flour`): its number and the body under it.
    /// Markdown reads it as a one-item ordered list; Logseq shows the block numbered.
    pub fn typed_number(&self) -> Option<(u32, &[Node])> {
        match self.body.as_slice() {
            // `0.` alone is no step: an item without text stays the list it is.
            [Node::List { ordered: true, start, items }] if items.len() == 1 && !items[0].children.is_empty() => {
                Some((start.unwrap_or(1), items[0].children.as_slice()))
            }
            _ => None,
        }
    }

    /// `logseq.order-list-type:: number`: Logseq numbers the block among its siblings.
    pub fn numbered_by_property(&self) -> bool {
        self.properties.iter().any(|p| p.key == "logseq.order-list-type" && p.raw.trim().eq_ignore_ascii_case("number"))
    }

    /// The footnote texts the block holds (`[^label]: …`), with their labels, in order.
    pub fn footnotes(&self) -> Vec<(&str, &[Inline])> {
        fn find<'a>(nodes: &'a [Node], out: &mut Vec<(&'a str, &'a [Inline])>) {
            for n in nodes {
                match n {
                    Node::Footnote { label, inlines } => out.push((label, inlines)),
                    Node::Quote { children } | Node::Admonition { children, .. } => find(children, out),
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        find(&self.body, &mut out);
        out
    }

    /// True when the block has nothing to show (an empty bullet).
    pub fn is_empty(&self) -> bool {
        self.body.is_empty()
    }
}

impl Page {
    /// Indices of the block and all its descendants, in document order, without recursion.
    pub fn subtree(&self, root: u32) -> Vec<u32> {
        let mut out = Vec::new();
        let mut stack = vec![root];
        while let Some(b) = stack.pop() {
            out.push(b);
            stack.extend(self.blocks[b as usize].children.iter().rev());
        }
        out
    }

    /// Whether `a` is `b` or one of its ancestors.
    pub fn is_ancestor_or_self(&self, a: u32, b: u32) -> bool {
        let mut cur = Some(b);
        while let Some(c) = cur {
            if c == a {
                return true;
            }
            cur = self.blocks[c as usize].parent;
        }
        false
    }

    /// Ancestors of a block from the top down, excluding the block itself.
    pub fn ancestors(&self, b: u32) -> Vec<u32> {
        let mut out = Vec::new();
        let mut cur = self.blocks[b as usize].parent;
        while let Some(c) = cur {
            out.push(c);
            cur = self.blocks[c as usize].parent;
        }
        out.reverse();
        out
    }

    pub fn property(&self, key: &str) -> Option<&super::Property> {
        self.properties.iter().find(|p| p.key == key)
    }
}

impl Graph {
    /// The block at `addr`, when its page holds it.
    pub fn block(&self, addr: BlockAddr) -> Option<&Block> {
        self.pages.get(addr.page as usize)?.blocks.get(addr.block as usize)
    }

    pub fn page_by_name(&self, name: &str) -> Option<u32> {
        self.index.page(name)
    }

    pub fn block_by_uuid(&self, uuid: &str) -> Option<BlockAddr> {
        self.index.blocks.get(&uuid.to_ascii_lowercase()).copied()
    }
}

impl Graph {
    /// The graph restricted to the selected pages, with every page index remapped; references
    /// into pages left out become unresolved.
    pub fn subset(&self, keep: &[bool]) -> Graph {
        let mut map = vec![None; self.pages.len()];
        let mut pages = Vec::new();
        for (i, p) in self.pages.iter().enumerate() {
            if keep.get(i).copied().unwrap_or(true) {
                map[i] = Some(pages.len() as u32);
                pages.push(p.clone());
            }
        }
        for page in &mut pages {
            remap_page(page, &map);
        }
        let mut g = Graph {
            schema_version: self.schema_version,
            name: self.name.clone(),
            db_graph: self.db_graph,
            pages,
            assets: self.assets.clone(),
            index: Default::default(),
        };
        for (i, p) in g.pages.iter().enumerate() {
            g.index.pages.insert(p.name.clone(), i as u32);
        }
        g
    }
}

/// Renumbers a page's references after pages were left out (`map`: old index → new index).
pub fn remap_page(page: &mut Page, map: &[Option<u32>]) {
    let remap = |p: &mut Option<u32>| *p = p.and_then(|x| map.get(x as usize).copied().flatten());
    let remap_addr = |a: &mut Option<BlockAddr>| {
        *a = a.and_then(|x| map.get(x.page as usize).copied().flatten().map(|page| BlockAddr { page, block: x.block }))
    };
    for block in &mut page.blocks {
        super::for_each_inline_mut(&mut block.body, &mut |i| match i {
            Inline::PageRef { page, .. } | Inline::Tag { page, .. } => remap(page),
            Inline::BlockRef { target, .. } => remap_addr(target),
            Inline::Embed { block, page, .. } => {
                remap_addr(block);
                remap(page);
            }
            _ => {}
        });
    }
}

#[cfg(test)]
mod tests {
    use super::page_key;

    #[test]
    fn pages_are_found_by_the_same_key_as_page_key() {
        let names = [
            "Topic 12",
            "topic 12",
            "  TOPIC 12\t",
            "Ünïcode Page",
            "ΣΟΦΙΑ",
            "a/b c",
            "",
            "x".repeat(64).as_str(),
            "X".repeat(65).as_str(),
            "Straße",
        ]
        .map(String::from);
        let mut index = crate::ir::GraphIndex::default();
        for (i, n) in names.iter().enumerate() {
            index.pages.entry(page_key(n)).or_insert(i as u32);
        }
        for n in names.iter().chain(&["nope".to_string(), "x".repeat(65), "STRASSE".into()]) {
            assert_eq!(index.page(n), index.pages.get(&page_key(n)).copied(), "{n:?}");
            assert_eq!(index.page(&n.to_uppercase()), index.pages.get(&page_key(&n.to_uppercase())).copied(), "{n:?}");
        }
        assert_eq!(index.page("  topic 12 "), Some(0));
    }
}
