//! Worksheets: the notes' cards as prompts to answer on paper, chosen as the deck chooses
//! them (`--cards`), with an answer key at the end that keeps each answer's formatting.
//!
//! A cloze is its sentence with numbered blanks; a `#card` is its question over ruled lines, as
//! many as its answer needs; an outline card is its block over one numbered line per child.
//! With `--blanks bold`, a bold phrase inside a longer sentence is a blank too.

use super::{run, typed_width, Body, Fmt, ParaOpts};
use crate::export::cards::CardKind;
use crate::export::Input;
use crate::ir::{card_kinds, for_each_inline, plain_text, BlockAddr, Inline, Node};
use std::fmt::Write;

/// An entry of the answer key: what fills blank or question `n`, `n` being its place.
pub struct Answer {
    /// Runs: a cloze's hidden text, or the question itself as a reminder.
    pub head: String,
    /// Paragraphs under it: a question's answer, the block's children as the notes hold them.
    pub body: String,
}

/// What a block asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    /// Its sentence with blanks: its clozes, and the bold phrases at these places of its first
    /// paragraph (`--blanks bold`).
    Blanks(Vec<usize>),
    /// A `#card`: answered on ruled lines.
    Question,
    /// An outline card: one numbered line per child.
    Outline,
}

/// One prompt: a block and what it asks.
pub struct Prompt {
    pub block: u32,
    pub ask: Ask,
}

/// Handwriting takes about 1.5 times the width of typed text.
const HANDWRITING: u64 = 3;
const TYPED: u64 = 2;
/// The narrowest blank, 2.5 cm in twips.
const MIN_BLANK: u64 = 1417;
/// Width of a no-break space in the body font (Calibri 11 pt: 0.226 em), in twips.
const SPACE_WIDTH: u64 = 50;
/// Ruled lines a question gets at most.
const MAX_LINES: usize = 12;

/// The prompts of a page, in block order: its cards (`cards`, from
/// [`card_blocks`](crate::export::cards::card_blocks)) and, with `bold`, the blocks with a
/// bold phrase to blank.
pub fn prompts(graph: &Input, page: u32, cards: &[(u32, Option<CardKind>)], bold: bool) -> Vec<Prompt> {
    let mut out = Vec::new();
    for &(b, kind) in cards {
        let block = graph.block(BlockAddr { page, block: b });
        // As in the deck: a cloze that hides nothing and a card with nothing to ask are none.
        let hides = || crate::ir::has_inline(block, &|i| matches!(i, Inline::Cloze { answer, .. } if !answer.is_empty()));
        let line = trim_end(split(block).0);
        let shows = !plain_text(line).trim().is_empty() || line.iter().any(|i| matches!(i, Inline::Image { .. }));
        let ask = match kind {
            Some(CardKind::Cloze) if hides() => Ask::Blanks(Vec::new()),
            Some(_) if !shows => continue,
            Some(CardKind::Basic | CardKind::Reversed) if card_kinds(block).1 => Ask::Question,
            Some(CardKind::Cloze) => continue,
            Some(_) => Ask::Outline,
            None if bold => match first_line(block) {
                Some(inlines) if !bold_phrases(inlines).is_empty() => Ask::Blanks(bold_phrases(inlines)),
                _ => continue,
            },
            None => continue,
        };
        out.push(Prompt { block: b, ask });
    }
    out
}

/// A block's first paragraph (a heading's line), and what follows it.
fn split(block: &crate::ir::Block) -> (&[Inline], &[Node]) {
    if let Some(parts) = block.heading_parts() {
        return parts;
    }
    match block.body.split_first() {
        Some((Node::Paragraph { inlines }, rest)) => (inlines.as_slice(), rest),
        _ => (&[], block.body.as_slice()),
    }
}

/// A prompt's line without what ends it unseen: line breaks, spaces and the tags that label
/// the block (`#card` on a line of its own).
fn trim_end(mut line: &[Inline]) -> &[Inline] {
    while let Some((last, rest)) = line.split_last() {
        match last {
            Inline::SoftBreak | Inline::HardBreak | Inline::Tag { .. } => line = rest,
            Inline::Text { text } if text.trim().is_empty() => line = rest,
            _ => break,
        }
    }
    line
}

fn first_line(block: &crate::ir::Block) -> Option<&[Inline]> {
    Some(split(block).0).filter(|i| !i.is_empty())
}

/// The bold phrases of a sentence that may be blanked: inside a longer sentence, so never the
/// whole paragraph, and never a label (`**Syntax:**`, `**Notice**:`) at its start.
pub fn bold_phrases(inlines: &[Inline]) -> Vec<usize> {
    let bold: Vec<usize> = (0..inlines.len()).filter(|&k| matches!(inlines[k], Inline::Strong { .. })).collect();
    let rest: String = inlines
        .iter()
        .enumerate()
        .filter(|(k, i)| !bold.contains(k) && !matches!(i, Inline::Tag { .. }))
        .map(|(_, i)| plain_text(std::slice::from_ref(i)))
        .collect();
    if !rest.chars().any(char::is_alphanumeric) {
        return Vec::new();
    }
    let first = inlines.iter().position(|i| !matches!(i, Inline::Text { text } if text.trim().is_empty()));
    bold.into_iter()
        .filter(|&k| {
            let Inline::Strong { children } = &inlines[k] else { return false };
            let text = plain_text(children);
            let label = Some(k) == first
                && (text.trim_end().ends_with(':')
                    || matches!(inlines.get(k + 1), Some(Inline::Text { text }) if text.trim_start().starts_with(':')));
            !label && text.chars().any(char::is_alphanumeric)
        })
        .collect()
}

/// How many ruled lines `chars` characters of typed answer take in handwriting, on a line of
/// `width` twips.
fn lines_for(chars: usize, width: u64) -> usize {
    let per_line = (width * TYPED / HANDWRITING / 110).max(20) as usize;
    chars.div_ceil(per_line)
}

/// The characters of text in a block, and with `subtree` in all under it.
fn text_len(graph: &Input, addr: BlockAddr, subtree: bool) -> usize {
    let page = &graph.pages[addr.page as usize];
    let blocks = match subtree {
        true => page.subtree(addr.block),
        false => vec![addr.block],
    };
    let mut n = 0;
    for b in blocks {
        for_each_inline(&page.blocks[b as usize].body, &mut |i| {
            if let Inline::Text { text } | Inline::Code { text } | Inline::Math { tex: text, .. } = i {
                n += text.chars().count();
            }
        });
    }
    n
}

impl Body<'_> {
    /// Text width in twips, less the indent of worksheet lines.
    fn line_width(&self) -> u64 {
        self.page.text_width() as u64
    }

    /// A numbered blank sized for handwriting, its answer kept for the key; a cloze's hint
    /// follows in brackets.
    pub(super) fn blank(&mut self, answer: &[Inline], hint: Option<&str>, out: &mut String) {
        let text = plain_text(answer);
        if text.trim().is_empty() {
            return;
        }
        // The answer as the notes format it, for the key: not itself blanked.
        let (blanking, bold) = (std::mem::take(&mut self.blanking), std::mem::take(&mut self.bold_blanks));
        let mut head = String::new();
        self.runs(answer, &Fmt::default(), &mut head);
        (self.blanking, self.bold_blanks) = (blanking, bold);
        self.st.answers.push(Answer { head, body: String::new() });
        let n = self.st.answers.len();
        let _ = write!(out, "<w:r><w:rPr><w:rStyle w:val=\"BlankNumber\"/></w:rPr><w:t>{n}</w:t></w:r>");
        let width = (typed_width(text.trim()) * HANDWRITING / TYPED).clamp(MIN_BLANK, self.line_width() * 2 / 3);
        // No-break spaces keep their width and are underlined; a line break may fall on
        // either side of the blank, never inside it.
        let gap = "\u{a0}".repeat(width.div_ceil(SPACE_WIDTH) as usize);
        let _ =
            write!(out, "<w:r><w:rPr><w:rStyle w:val=\"Blank\"/></w:rPr><w:t xml:space=\"preserve\">{gap}</w:t></w:r>");
        if let Some(h) = hint.map(str::trim).filter(|h| !h.is_empty()) {
            run(&format!(" [{h}]"), &Fmt { italic: true, ..Default::default() }, out);
        }
    }

    /// A page's prompts. A heading above a prompt that is not itself one is written as a
    /// section heading in `section` style, once.
    pub fn worksheet(&mut self, page: u32, prompts: &[Prompt], section: &str) {
        let blocks = &self.graph.pages[page as usize].blocks;
        let asked: std::collections::HashSet<u32> = prompts.iter().map(|p| p.block).collect();
        let mut last_section = None;
        for prompt in prompts {
            let addr = BlockAddr { page, block: prompt.block };
            let heading = std::iter::successors(blocks[prompt.block as usize].parent, |&p| blocks[p as usize].parent)
                .find(|&p| blocks[p as usize].heading.is_some());
            if let Some(h) = heading.filter(|h| !asked.contains(h) && last_section != Some(*h)) {
                last_section = Some(h);
                let (line, _) = split(&blocks[h as usize]);
                let mut runs = String::new();
                self.stack.push(BlockAddr { page, block: h });
                self.runs(line, &Fmt::default(), &mut runs);
                self.stack.pop();
                self.paragraph(section, ParaOpts { keep_next: true, ..Default::default() }, &runs);
            }
            self.stack.push(addr);
            match &prompt.ask {
                Ask::Blanks(bold) => self.blanks(addr, bold),
                ask => self.question(addr, *ask == Ask::Outline),
            }
            self.stack.pop();
        }
    }

    /// A sentence with blanks.
    fn blanks(&mut self, addr: BlockAddr, bold: &[usize]) {
        let (line, rest) = split(self.graph.block(addr));
        let line = if self.opts.show_tags { line } else { trim_end(line) };
        self.blanking = true;
        self.bold_blanks = bold.iter().map(|&k| &line[k] as *const Inline).collect();
        let mut runs = String::new();
        self.runs(line, &Fmt::default(), &mut runs);
        self.bold_blanks.clear();
        self.paragraph("Prompt", ParaOpts::default(), &runs);
        for node in rest {
            self.node(node, 0, false);
        }
        self.blanking = false;
    }

    /// A numbered question over ruled lines; its answer (the block's children) goes to the key.
    fn question(&mut self, addr: BlockAddr, outline: bool) {
        let graph = self.graph;
        let block = graph.block(addr);
        let (line, rest) = split(block);
        let line = if self.opts.show_tags { line } else { trim_end(line) };
        let n = self.st.answers.len() + 1;
        let mut head = String::new();
        self.runs(line, &Fmt::default(), &mut head);
        let mut runs = String::new();
        run(&format!("{n}."), &Fmt { bold: true, ..Default::default() }, &mut runs);
        runs.push_str("<w:r><w:tab/></w:r>");
        runs.push_str(&head);
        self.paragraph("Prompt", ParaOpts::default(), &runs);
        for node in rest {
            self.node(node, 0, false);
        }
        // The answer, rendered as the handout would, into the key.
        let saved = std::mem::take(&mut self.st.xml);
        self.siblings(addr.page, &block.children, 1);
        let body = std::mem::replace(&mut self.st.xml, saved);
        self.st.answers.push(Answer { head, body });
        let width = self.line_width() - 850;
        let page = &graph.pages[addr.page as usize];
        let mut lines: Vec<(Option<usize>, usize)> = Vec::new();
        if outline {
            let children = block.children.iter().filter(|&&c| {
                let b = &page.blocks[c as usize];
                !b.is_empty() || !b.children.is_empty()
            });
            for (k, &c) in children.enumerate() {
                // Each child is one answer; what is under it, its own prompt's.
                let len = text_len(graph, BlockAddr { page: addr.page, block: c }, false);
                lines.push((Some(k + 1), lines_for(len, width).clamp(1, MAX_LINES)));
            }
        } else {
            let len: usize = block.children.iter().map(|&c| text_len(graph, BlockAddr { page: addr.page, block: c }, true)).sum();
            lines.push((None, lines_for(len, width).clamp(2, MAX_LINES)));
        }
        let total: usize = lines.iter().map(|l| l.1).sum();
        let mut written = 0;
        for (label, count) in lines {
            for k in 0..count {
                written += 1;
                let label = label.filter(|_| k == 0);
                self.ruled_line(label, written < total);
            }
        }
    }

    /// One line to write on: a rule from the indent to the right margin (a tab's leader), with
    /// its number when it begins a numbered answer.
    fn ruled_line(&mut self, label: Option<usize>, keep_next: bool) {
        let right = self.line_width();
        let xml = &mut self.st.xml;
        xml.push_str("<w:p><w:pPr><w:pStyle w:val=\"AnswerLine\"/>");
        if keep_next {
            xml.push_str("<w:keepNext/>");
        }
        let _ = write!(xml, "<w:tabs><w:tab w:val=\"right\" w:leader=\"underscore\" w:pos=\"{right}\"/></w:tabs></w:pPr>");
        if let Some(n) = label {
            let _ = write!(xml, "<w:r><w:t>{n}.</w:t></w:r>");
        }
        xml.push_str("<w:r><w:tab/><w:tab/></w:r></w:p>");
    }

    /// The answer key: every answer, numbered as its blank or question.
    pub fn answer_key(&mut self) {
        let answers = std::mem::take(&mut self.st.answers);
        for (k, a) in answers.iter().enumerate() {
            let mut runs = String::new();
            run(&format!("{}.", k + 1), &Fmt { bold: true, ..Default::default() }, &mut runs);
            runs.push_str("<w:r><w:tab/></w:r>");
            runs.push_str(&a.head);
            self.paragraph("Answer", ParaOpts { keep_next: !a.body.is_empty(), ..Default::default() }, &runs);
            self.st.xml.push_str(&a.body);
        }
        self.st.answers = answers;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strong(t: &str) -> Inline {
        Inline::Strong { children: vec![Inline::Text { text: t.into() }] }
    }
    fn text(t: &str) -> Inline {
        Inline::Text { text: t.into() }
    }

    #[test]
    fn bold_phrases_inside_a_sentence_only() {
        // The whole block bold: nothing to blank (the seed's blocks).
        assert!(bold_phrases(&[strong("Needs faster IT")]).is_empty());
        // A label at the start stays, whether its colon is inside or after the bold.
        assert!(bold_phrases(&[strong("Syntax:"), text(" write it so")]).is_empty());
        assert!(bold_phrases(&[strong("Notice"), text(": it matters")]).is_empty());
        // Inside a sentence: blanked.
        assert_eq!(bold_phrases(&[text("Cells make "), strong("ATP"), text(" in mitochondria")]), vec![1]);
        // Bold at the start of a sentence that is no label.
        assert_eq!(bold_phrases(&[strong("Mitochondria"), text(" make ATP")]), vec![0]);
        // Only tags besides: still the whole block.
        assert!(bold_phrases(&[strong("Term"), text(" "), Inline::Tag { name: "x".into(), page: None }])
            .is_empty());
    }

    #[test]
    fn blanks_are_wider_than_the_typed_answer() {
        // 1.5 times the typed width.
        assert_eq!(typed_width("abc") * HANDWRITING / TYPED, 3 * 108 * 3 / 2);
        // Wide and narrow letters differ.
        assert!(typed_width("MMMM") > typed_width("iiii") * 2);
    }

    #[test]
    fn answers_get_lines_for_their_length() {
        // About 58 handwritten characters on a 17 cm line.
        assert_eq!(lines_for(0, 9638), 0);
        assert_eq!(lines_for(50, 9638), 1);
        assert_eq!(lines_for(200, 9638), 4);
    }
}
