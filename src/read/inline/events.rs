//! pulldown-cmark events → nodes, placeholders restored.

use super::plain::{paragraph, push_text};
use super::protect::Slot;
use super::{push_merged, CLOSE, OPEN};
use crate::ir::{Inline, ListItem, Node, Pos};
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Tag, TagEnd};

pub(super) enum CKind {
    Root,
    Quote,
    Item,
}

pub(super) enum IKind {
    Paragraph { implicit: bool },
    Heading(u8),
    Emphasis,
    Strong,
    Strike,
    Link(String),
    Image(String, Pos),
    Cell,
}

pub(super) enum Frame {
    Container { kind: CKind, nodes: Vec<Node> },
    List { ordered: bool, start: Option<u32>, items: Vec<ListItem> },
    Inlines { kind: IKind, inlines: Vec<Inline> },
    Table { header: Vec<Vec<Inline>>, rows: Vec<Vec<Vec<Inline>>>, row: Vec<Vec<Inline>> },
    Code { lang: Option<String>, text: String },
    Html(String),
}

pub(super) struct Builder<'a> {
    pub(super) slots: &'a [Slot<'a>],
    /// See [`super::InlineCtx::compact`].
    pub(super) compact: bool,
    pub(super) frames: Vec<Frame>,
    /// An inline comment was just left out: the text after it loses the space that would
    /// double the one before it.
    pub(super) after_comment: bool,
}

impl Builder<'_> {
    fn restore(&self, t: &str) -> String {
        if !t.contains(OPEN) {
            return t.to_string();
        }
        let mut out = String::with_capacity(t.len());
        let mut rest = t;
        while let Some(k) = rest.find(OPEN) {
            out.push_str(&rest[..k]);
            let after = &rest[k + OPEN.len_utf8()..];
            match after.find(CLOSE).and_then(|e| after[..e].parse::<usize>().ok().map(|n| (n, e))) {
                Some((n, e)) if n < self.slots.len() => {
                    out.push_str(self.slots[n].raw());
                    rest = &after[e + CLOSE.len_utf8()..];
                }
                _ => {
                    out.push(OPEN);
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    fn ensure_inline(&mut self) {
        if matches!(self.frames.last(), Some(Frame::Container { .. })) {
            self.frames.push(Frame::Inlines { kind: IKind::Paragraph { implicit: true }, inlines: Vec::new() });
        }
    }

    fn close_implicit(&mut self) {
        if matches!(self.frames.last(), Some(Frame::Inlines { kind: IKind::Paragraph { implicit: true }, .. })) {
            self.pop();
        }
    }

    fn inlines_mut(&mut self) -> Option<&mut Vec<Inline>> {
        match self.frames.last_mut() {
            Some(Frame::Inlines { inlines, .. }) => Some(inlines),
            _ => None,
        }
    }

    fn push_inline(&mut self, inline: Inline) {
        self.ensure_inline();
        if let Some(v) = self.inlines_mut() {
            push_merged(v, inline);
        }
    }

    fn push_node(&mut self, node: Node) {
        self.close_implicit();
        if let Some(Frame::Container { nodes, .. }) = self.frames.last_mut() {
            nodes.push(node);
        }
    }

    fn ends_with_space(&mut self) -> bool {
        matches!(self.inlines_mut().and_then(|v| v.last()), Some(Inline::Text { text }) if text.ends_with(' '))
    }

    fn text(&mut self, t: &str) {
        if matches!(self.frames.last(), Some(Frame::Code { .. }) | Some(Frame::Html(_))) {
            let r = self.restore(t);
            if let Some(Frame::Code { text, .. } | Frame::Html(text)) = self.frames.last_mut() {
                text.push_str(&r);
            }
            return;
        }
        self.ensure_inline();
        let slots = self.slots;
        if let Some(v) = self.inlines_mut() {
            push_text(v, slots, t);
        }
    }

    pub(super) fn event(&mut self, ev: Event, pos: impl Fn() -> Pos) {
        let after_comment = std::mem::take(&mut self.after_comment);
        match ev {
            Event::Start(tag) => self.start(tag, pos),
            Event::End(tag) => self.end(tag),
            Event::Text(t) if after_comment && t.starts_with(' ') && self.ends_with_space() => self.text(&t[1..]),
            Event::Text(t) => self.text(&t),
            Event::Code(t) => {
                let text = self.restore(&t);
                self.push_inline(Inline::Code { text });
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t),
            Event::Html(t) => {
                let html = self.restore(&t);
                if let Some(Frame::Html(h)) = self.frames.last_mut() {
                    h.push_str(&html);
                } else {
                    self.push_node(Node::Html { html });
                }
            }
            // A comment is hidden, as Logseq hides it.
            Event::InlineHtml(t) if is_comment(&t) => self.after_comment = true,
            Event::InlineHtml(t) => {
                let html = self.restore(&t);
                self.push_inline(Inline::Html { html });
            }
            Event::FootnoteReference(l) => self.text(&format!("[^{l}]")),
            Event::SoftBreak => self.push_inline(Inline::SoftBreak),
            Event::HardBreak => self.push_inline(Inline::HardBreak),
            Event::Rule => self.push_node(Node::Rule),
            Event::TaskListMarker(_) => {}
        }
    }

    fn start(&mut self, tag: Tag, pos: impl Fn() -> Pos) {
        let frame = match tag {
            Tag::Paragraph => {
                self.close_implicit();
                Frame::Inlines { kind: IKind::Paragraph { implicit: false }, inlines: Vec::new() }
            }
            Tag::Heading { level, .. } => {
                self.close_implicit();
                Frame::Inlines { kind: IKind::Heading(heading_level(level)), inlines: Vec::new() }
            }
            Tag::BlockQuote(_) => {
                self.close_implicit();
                Frame::Container { kind: CKind::Quote, nodes: Vec::new() }
            }
            Tag::CodeBlock(kind) => {
                self.close_implicit();
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().map(|l| self.restore(l)),
                    CodeBlockKind::Indented => None,
                };
                Frame::Code { lang, text: String::new() }
            }
            Tag::HtmlBlock => {
                self.close_implicit();
                Frame::Html(String::new())
            }
            Tag::List(start) => {
                self.close_implicit();
                let first = start.and_then(|n| u32::try_from(n).ok()).filter(|&n| n != 1);
                Frame::List { ordered: start.is_some(), start: first, items: Vec::new() }
            }
            Tag::Item => Frame::Container { kind: CKind::Item, nodes: Vec::new() },
            Tag::Table(_) => {
                self.close_implicit();
                Frame::Table { header: Vec::new(), rows: Vec::new(), row: Vec::new() }
            }
            Tag::TableHead | Tag::TableRow => return,
            Tag::TableCell => Frame::Inlines { kind: IKind::Cell, inlines: Vec::new() },
            Tag::Emphasis => self.inline_frame(IKind::Emphasis),
            Tag::Strong => self.inline_frame(IKind::Strong),
            Tag::Strikethrough => self.inline_frame(IKind::Strike),
            Tag::Link { dest_url, .. } => self.inline_frame(IKind::Link(dest_url.to_string())),
            Tag::Image { dest_url, .. } => {
                let url = self.restore(&dest_url);
                self.inline_frame(IKind::Image(url, pos()))
            }
            // Other tags (footnote definitions, metadata…) are not enabled; keep their text.
            _ => self.inline_frame(IKind::Emphasis),
        };
        self.frames.push(frame);
    }

    fn inline_frame(&mut self, kind: IKind) -> Frame {
        self.ensure_inline();
        Frame::Inlines { kind, inlines: Vec::new() }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::TableHead => {
                if let Some(Frame::Table { header, row, .. }) = self.frames.last_mut() {
                    *header = std::mem::take(row);
                }
            }
            TagEnd::TableRow => {
                if let Some(Frame::Table { rows, row, .. }) = self.frames.last_mut() {
                    rows.push(std::mem::take(row));
                }
            }
            TagEnd::Paragraph => {
                // An implicit paragraph may be open inside the explicit one's parent: close both.
                self.pop();
            }
            TagEnd::Item | TagEnd::BlockQuote(_) | TagEnd::List(_) => {
                self.close_implicit();
                self.pop();
            }
            _ => self.pop(),
        }
    }

    fn pop(&mut self) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        if self.frames.is_empty() {
            self.frames.push(frame);
            return;
        }
        match frame {
            Frame::Container { kind: CKind::Root, nodes } => {
                self.frames.push(Frame::Container { kind: CKind::Root, nodes });
            }
            Frame::Container { kind: CKind::Quote, nodes } => self.push_node(Node::Quote { children: nodes }),
            Frame::Container { kind: CKind::Item, nodes } => {
                self.close_implicit();
                if let Some(Frame::List { items, .. }) = self.frames.last_mut() {
                    items.push(ListItem { checked: None, children: nodes });
                }
            }
            Frame::List { ordered, start, items } => self.push_node(Node::List { ordered, start, items }),
            Frame::Table { header, rows, .. } => self.push_node(Node::Table { header, rows }),
            Frame::Code { lang, text } => {
                let text = text.strip_suffix('\n').unwrap_or(&text).to_string();
                self.push_node(Node::Code { lang, text })
            }
            Frame::Html(html) if is_comment(&html) => {}
            Frame::Html(html) => self.push_node(Node::Html { html }),
            Frame::Inlines { kind, inlines } => match kind {
                IKind::Paragraph { .. } => {
                    let node = paragraph(inlines, self.compact);
                    if let Some(Frame::Container { nodes, .. }) = self.frames.last_mut() {
                        nodes.push(node);
                    }
                }
                IKind::Heading(level) => self.push_node(Node::Heading { level, inlines }),
                IKind::Cell => {
                    if let Some(Frame::Table { row, .. }) = self.frames.last_mut() {
                        row.push(inlines);
                    }
                }
                IKind::Emphasis => self.attach(Inline::Emphasis { children: inlines }),
                IKind::Strong => self.attach(Inline::Strong { children: inlines }),
                IKind::Strike => self.attach(Inline::Strike { children: inlines }),
                IKind::Image(url, pos) => {
                    let alt = crate::ir::plain_text(&inlines);
                    self.attach(Inline::Image { url, alt, width: None, height: None, asset: None, pos })
                }
                IKind::Link(url) => {
                    let inline = self.labelled_ref(&url, &inlines).unwrap_or_else(|| Inline::Link {
                        url: self.restore(&url),
                        children: inlines,
                        asset: None,
                    });
                    self.attach(inline)
                }
            },
        }
    }

    /// `[label](((uuid)))` and `[label]([[page]])`: a link whose target is one placeholder.
    fn labelled_ref(&self, url: &str, label: &[Inline]) -> Option<Inline> {
        let inner = url.strip_prefix(OPEN)?.strip_suffix(CLOSE)?;
        let Slot::Inlines { inlines, .. } = self.slots.get(inner.parse::<usize>().ok()?)? else {
            return None;
        };
        match inlines.as_slice() {
            [Inline::BlockRef { uuid, pos, .. }] => {
                Some(Inline::BlockRef { uuid: uuid.clone(), label: Some(label.to_vec()), target: None, pos: *pos })
            }
            [Inline::PageRef { name, .. }] => {
                Some(Inline::PageRef { name: name.clone(), label: Some(label.to_vec()), page: None })
            }
            _ => None,
        }
    }

    fn attach(&mut self, inline: Inline) {
        if let Some(v) = self.inlines_mut() {
            push_merged(v, inline);
        }
    }

    pub(super) fn finish(mut self) -> Vec<Node> {
        while self.frames.len() > 1 {
            self.close_implicit();
            if self.frames.len() > 1 {
                self.pop();
            }
        }
        match self.frames.pop() {
            Some(Frame::Container { mut nodes, .. }) => {
                if self.compact {
                    nodes.shrink_to_fit();
                }
                nodes
            }
            _ => Vec::new(),
        }
    }
}

fn heading_level(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// `<!-- … -->` and nothing else.
fn is_comment(html: &str) -> bool {
    let t = html.trim();
    t.starts_with("<!--") && t.ends_with("-->") && !t[4..].trim_end_matches("-->").contains("-->")
}
