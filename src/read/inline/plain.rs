//! The fast paths: a line of plain words, and text whose only markup is `*` emphasis
//! around placeholders, made into a paragraph without pulldown-cmark.

use super::protect::{Slot, HTTP, SPECIAL};
use super::{push_merged, CLOSE, OPEN, OPEN_BYTES};
use crate::ir::{Inline, Node};
use crate::text::byte_table;

/// Bytes that may make a line more than words: Logseq syntax ([`SPECIAL`]), CommonMark inline
/// markup ([`MARKUP`]), emphasis, and the control characters (tab and newline among them).
const NOT_PLAIN: [bool; 256] = {
    let mut t = byte_table(b"*", 0x20);
    let mut c = 0;
    while c < 256 {
        t[c] |= SPECIAL[c] | MARKUP[c];
        c += 1;
    }
    t
};

/// A superset of [`NOT_PLAIN`] in range tests, for [`crate::text::find_in`].
fn not_plain(b: u8) -> bool {
    (b < 0x20)
        | (b.wrapping_sub(b'#') < 4)
        | (b.wrapping_sub(b'(') < 3)
        | (b.wrapping_sub(b'<') < 3)
        | (b.wrapping_sub(b'[') < 5)
        | (b == b'`')
        | (b.wrapping_sub(b'{') < 4)
        | (b == 0xEE)
}

/// A line of words, perhaps with `*` emphasis, which over half the blocks of a large graph
/// are: the one paragraph [`simple_paragraph`] would make of it, without the placeholder pass
/// and its copies. `None` for any other text (the tests hold the two paths to the same nodes).
pub(super) fn plain_line(src: &str, compact: bool) -> Option<Vec<Node>> {
    let b = src.as_bytes();
    // Leading space or a character that can start a list or a block goes the long way.
    if b.first().is_some_and(|&c| c == b' ' || may_open_block(c)) {
        return None;
    }
    let mut from = 0;
    let mut stars = false;
    while let Some(i) = crate::text::find_in(b, from, &NOT_PLAIN, not_plain) {
        match b[i] {
            b'*' => stars = true,
            // A parenthesis is text unless it opens `((`.
            b'(' if b.get(i + 1) != Some(&b'(') => {}
            _ => return None,
        }
        from = i + 1;
    }
    if HTTP.find(b).is_some() {
        return None;
    }
    let line = src.trim_end_matches(' ');
    let mut inlines = Vec::new();
    if stars {
        emphasis_line(&mut inlines, &[], line)?;
    } else {
        inlines.push(Inline::Text { text: line.to_string() });
    }
    Some(vec![paragraph(inlines, compact)])
}

/// Inline markup characters other than `*` (see [`is_simple`]).
const MARKUP: [bool; 256] = byte_table(b"_`[]<>\\&~|", 0);

/// A superset of [`MARKUP`] in five range tests (`=` and `}` come along), for
/// [`crate::text::find_in`]: simple text has none of these bytes, so whole chunks are skipped.
fn near_markup(b: u8) -> bool {
    (b.wrapping_sub(b'[') < 3)
        | (b.wrapping_sub(b'<') < 3)
        | (b.wrapping_sub(b'_') < 2)
        | (b.wrapping_sub(b'|') < 3)
        | (b == b'&')
}

/// A first character after which CommonMark may see a heading, a list item or a setext
/// underline rather than paragraph text.
fn may_open_block(c: u8) -> bool {
    matches!(c, b'#' | b'-' | b'+' | b'=' | b'0'..=b'9')
}

/// Text (after the Logseq syntax was swapped out) in which CommonMark finds nothing but one
/// paragraph, apart from `*` emphasis: no other inline markup characters, no line that could
/// start a block, no hard breaks. Most notes are such text; pulldown-cmark is set aside for it.
pub(super) fn is_simple(out: &str) -> bool {
    if crate::text::find_in(out.as_bytes(), 0, &MARKUP, near_markup).is_some() {
        return false;
    }
    let last = memchr::memchr_iter(b'\n', out.as_bytes()).count();
    crate::text::lines(out).enumerate().all(|(k, line)| {
        let t = line.trim_start_matches([' ', '\t']);
        let first = t.bytes().next();
        // A `*` list item or rule is left to `emphasis_line`, which takes no such `*`.
        let starts_block = first.is_some_and(may_open_block)
            || line[..line.len() - t.len()].contains('\t')
            || line.len() - t.len() >= 4;
        let blank = t.trim_end().is_empty();
        !(starts_block || blank && k > 0 || line.ends_with([' ', '\t']) && k < last)
    })
}

/// What pulldown-cmark gives for [simple](is_simple) text: one paragraph, lines trimmed, soft
/// breaks, and `*…*` / `**…**` pairs in their plainest form (see [`emphasis_line`]); `None`
/// for any other use of `*`.
pub(super) fn simple_paragraph(out: &str, slots: &[Slot], compact: bool) -> Option<Vec<Node>> {
    let mut inlines = Vec::new();
    let text = out.trim_matches([' ', '\t', '\n']);
    for (k, line) in crate::text::lines(text).enumerate() {
        if k > 0 {
            inlines.push(Inline::SoftBreak);
        }
        emphasis_line(&mut inlines, slots, line.trim_matches([' ', '\t']))?;
    }
    Some(vec![paragraph(inlines, compact)])
}

/// One line's text and emphasis. Each run of one or two `*` must be a pure opener (after a
/// space, punctuation or the line start, before a letter, digit or placeholder) or a pure
/// closer (after a letter, digit or placeholder, before a space, punctuation or the line end),
/// openers and closers of the same length alternating. CommonMark's delimiter rules then pair
/// them just so; anything else (nesting, intraword `*`, runs of three, a pair across lines, a
/// list item) is left to pulldown-cmark.
fn emphasis_line(inlines: &mut Vec<Inline>, slots: &[Slot], line: &str) -> Option<()> {
    let bytes = line.as_bytes();
    let space = |c: Option<&u8>| c.is_none_or(|&c| c == b' ' || c == b'\t');
    let punct = |c: Option<&u8>| c.is_some_and(|c| c.is_ascii_punctuation());
    let alnum = |c: Option<&u8>| c.is_some_and(u8::is_ascii_alphanumeric);
    // The emphasis being read: its length and the text before it.
    let mut open: Option<(usize, Vec<Inline>)> = None;
    let mut from = 0;
    while let Some(k) = memchr::memchr(b'*', &bytes[from..]) {
        let start = from + k;
        let n = bytes[start..].iter().take_while(|&&c| c == b'*').count();
        let end = start + n;
        let (prev, next) = (start.checked_sub(1).and_then(|p| bytes.get(p)), bytes.get(end));
        let word_next = alnum(next) || line[end..].starts_with(OPEN);
        let word_prev = alnum(prev) || line[..start].ends_with(CLOSE);
        let opens = open.is_none() && (space(prev) || punct(prev)) && word_next;
        let closes = open.as_ref().is_some_and(|o| o.0 == n) && word_prev && (space(next) || punct(next));
        if n > 2 || !(opens || closes) {
            return None;
        }
        push_text(inlines, slots, &line[from..start]);
        if opens {
            open = Some((n, std::mem::take(inlines)));
        } else if let Some((n, outer)) = open.take() {
            let children = std::mem::replace(inlines, outer);
            push_merged(inlines, if n == 1 { Inline::Emphasis { children } } else { Inline::Strong { children } });
        }
        from = end;
    }
    push_text(inlines, slots, &line[from..]);
    open.is_none().then_some(())
}

/// A finished paragraph's node: a lone display formula stands as a block of its own.
pub(super) fn paragraph(mut inlines: Vec<Inline>, compact: bool) -> Node {
    // Pushes leave up to twice the length in capacity.
    if compact {
        inlines.shrink_to_fit();
        for i in &mut inlines {
            if let Inline::Text { text } = i {
                text.shrink_to_fit();
            }
        }
    }
    match inlines.as_slice() {
        [Inline::Math { tex, display: true }] => Node::Math { tex: tex.clone() },
        _ => Node::Paragraph { inlines },
    }
}

/// Appends text, placeholders replaced by what they stand for.
pub(super) fn push_text(inlines: &mut Vec<Inline>, slots: &[Slot], t: &str) {
    let mut rest = t;
    // Without slots there is no placeholder: the protected text holds none but its own (a
    // stray placeholder character in a note became U+FFFD), and the plain way takes no line
    // with one (see `NOT_PLAIN`). With slots, the search is for a placeholder's first byte.
    let open = |r: &str| match slots.is_empty() {
        true => None,
        false => memchr::memchr_iter(OPEN_BYTES[0], r.as_bytes()).find(|&i| r.as_bytes()[i..].starts_with(OPEN_BYTES)),
    };
    while let Some(k) = open(rest) {
        if k > 0 {
            push_merged(inlines, Inline::Text { text: rest[..k].to_string() });
        }
        let after = &rest[k + OPEN.len_utf8()..];
        let parsed = after.find(CLOSE).and_then(|e| after[..e].parse::<usize>().ok().map(|n| (n, e)));
        match parsed {
            Some((n, e)) if n < slots.len() => {
                rest = &after[e + CLOSE.len_utf8()..];
                match &slots[n] {
                    Slot::Inlines { inlines: these, .. } => {
                        for i in these {
                            push_merged(inlines, i.clone());
                        }
                    }
                    Slot::Attrs { width, height, .. } => {
                        // A size map after anything but an image means nothing: dropped.
                        if let Some(Inline::Image { width: w, height: h, .. }) = inlines.last_mut() {
                            *w = *width;
                            *h = *height;
                        }
                    }
                }
            }
            _ => {
                push_merged(inlines, Inline::Text { text: OPEN.to_string() });
                rest = after;
            }
        }
    }
    if !rest.is_empty() {
        push_merged(inlines, Inline::Text { text: rest.to_string() });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_cover_their_tables() {
        assert_eq!(crate::text::uncovered(&MARKUP, near_markup), None);
        assert_eq!(crate::text::uncovered(&NOT_PLAIN, not_plain), None);
    }
}
