//! Splits a Logseq Markdown file into raw blocks and builds the tree, following mldoc's line
//! rules and graph-parser's relative nesting (`with-parent-and-left`).

/// One source line of a block after its indentation was removed.
#[derive(Debug, Clone, Copy)]
pub struct RawLine<'a> {
    /// 1-based line number in the file.
    pub line: u32,
    /// 0-based byte column where `text` starts.
    pub col: u32,
    pub text: &'a str,
}

#[derive(Debug, Clone)]
pub struct RawBlock<'a> {
    pub line: u32,
    /// Logseq level: leading whitespace characters + 1 (1 for heading lines and the pre-block).
    pub level: u32,
    pub pre_block: bool,
    /// A `### Title` line without a bullet.
    pub bare_heading: bool,
    /// Lines of the pre-block that form YAML front matter (without the `---` fences).
    pub front_matter: Vec<RawLine<'a>>,
    /// First line (after `- `) followed by continuation lines: a slice of the page's lines
    /// (see [`split_blocks`]), so that a block costs no allocation of its own.
    pub lines: &'a [RawLine<'a>],
    pub depth: u32,
    pub parent: Option<u32>,
}

/// A line that starts a block outside code.
struct BlockStart {
    /// A `### Title` line without a bullet.
    bare_heading: bool,
    indent: usize,
    /// Byte offset where the block's text begins.
    text_start: usize,
}

fn classify(line: &str) -> Option<BlockStart> {
    let b = line.as_bytes();
    let indent = b.iter().take_while(|&&c| c == b' ' || c == b'\t').count();
    match b.get(indent) {
        Some(b'-') => match b.get(indent + 1) {
            None => Some(BlockStart { bare_heading: false, indent, text_start: indent + 1 }),
            Some(c) if c.is_ascii_whitespace() => {
                Some(BlockStart { bare_heading: false, indent, text_start: indent + 2 })
            }
            _ => None,
        },
        Some(b'#') => {
            let hashes = b[indent..].iter().take_while(|&&c| c == b'#').count();
            match b.get(indent + hashes) {
                None | Some(b' ') | Some(b'\t') if hashes <= 6 => {
                    Some(BlockStart { bare_heading: true, indent: 0, text_start: indent })
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Tracks fenced code and `#+BEGIN_…` regions, whose lines never start blocks.
#[derive(Default)]
pub struct CodeState {
    fence: bool,
    begin: Option<String>,
}

impl CodeState {
    pub fn in_code(&self) -> bool {
        self.fence || self.begin.is_some()
    }

    /// Feeds one line of block text (first line without its bullet).
    pub fn feed(&mut self, text: &str) {
        let t = text.trim_start();
        // Only a line starting with a fence or `#+` changes the state (most lines do not).
        if !matches!(t.as_bytes().first(), Some(b'`' | b'~' | b'#')) {
            return;
        }
        if let Some(name) = &self.begin {
            if let Some(rest) = strip_prefix_ci(t, "#+END_") {
                if rest.trim_end().eq_ignore_ascii_case(name) {
                    self.begin = None;
                }
            }
            return;
        }
        if is_fence_line(t, self.fence) {
            self.fence = !self.fence;
            return;
        }
        if self.fence {
            return;
        }
        if let Some(rest) = strip_prefix_ci(t, "#+BEGIN_") {
            let name: String = rest.split_whitespace().next().unwrap_or("").to_string();
            if !name.is_empty() {
                self.begin = Some(name);
            }
        }
    }
}

/// A line that opens (or, inside a fence, closes) fenced code. An opening backtick fence's
/// info string has no backtick, so ```` ```x``` ```` on one line is inline code.
pub fn is_fence_line(trimmed: &str, inside: bool) -> bool {
    if let Some(rest) = trimmed.strip_prefix("```") {
        inside || !rest.trim_start_matches('`').contains('`')
    } else {
        trimmed.starts_with("~~~")
    }
}

pub fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    if s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes()) {
        Some(&s[prefix.len()..])
    } else {
        None
    }
}

/// Splits `text` (BOM already removed) into raw blocks with their tree positions. Every
/// block's lines go into `store`, one after another, and each block holds its slice of it.
pub fn split_blocks<'a>(text: &'a str, store: &'a mut Vec<RawLine<'a>>) -> Vec<RawBlock<'a>> {
    // At most a block per line: room for all of them at once, not doubling as they come.
    let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1;
    store.clear();
    store.reserve(lines);
    let mut blocks: Vec<RawBlock> = Vec::with_capacity(lines + 1);
    // Each block's lines in `store`; the slices are taken once all lines are in.
    let mut spans: Vec<std::ops::Range<usize>> = Vec::with_capacity(lines);
    let mut pre = RawBlock {
        line: 1,
        level: 1,
        pre_block: true,
        bare_heading: false,
        front_matter: Vec::new(),
        lines: &[],
        depth: 1,
        parent: None,
    };
    let mut lines =
        crate::text::lines(text).enumerate().map(|(i, l)| (i as u32 + 1, l.strip_suffix('\r').unwrap_or(l))).peekable();

    // YAML front matter: only at the very start, closed by another `---`.
    if text.starts_with("---") && lines.peek().is_some_and(|(_, l)| l.trim_end() == "---") {
        let rest: Vec<_> = text.split('\n').skip(1).collect();
        if rest.iter().any(|l| l.trim_end() == "---") {
            lines.next();
            for (n, l) in lines.by_ref() {
                if l.trim_end() == "---" {
                    break;
                }
                pre.front_matter.push(RawLine { line: n, col: 0, text: l });
            }
        }
    }

    // Lines before the first bullet belong to the pre-block: they come first in `store`.
    let mut pre_end = 0;
    let mut code = CodeState::default();
    // The block being read and the indent its continuation lines lose.
    let mut current: Option<(usize, RawBlock)> = None;
    for (n, line) in lines {
        let start = if code.in_code() { None } else { classify(line) };
        match start {
            Some(BlockStart { bare_heading: bare, indent, text_start }) => {
                let start = text_start.min(line.len());
                let first = &line[start..];
                if let Some((_, b)) = current.take() {
                    blocks.push(b);
                }
                code = CodeState::default();
                code.feed(first);
                spans.push(store.len()..store.len() + 1);
                store.push(RawLine { line: n, col: start as u32, text: first });
                current = Some((
                    indent,
                    RawBlock {
                        line: n,
                        level: if bare { 1 } else { indent as u32 + 1 },
                        pre_block: false,
                        bare_heading: bare,
                        front_matter: Vec::new(),
                        lines: &[],
                        depth: 1,
                        parent: None,
                    },
                ));
            }
            None => {
                code.feed(line);
                match &mut current {
                    Some((indent, b)) => {
                        let strip = *indent + 2;
                        let (col, t) = if b.bare_heading {
                            let t = line.trim_start();
                            (line.len() - t.len(), t)
                        } else {
                            remove_indentation(line, strip)
                        };
                        store.push(RawLine { line: n, col: col as u32, text: t });
                        if let Some(span) = spans.last_mut() {
                            span.end += 1;
                        }
                    }
                    None => {
                        store.push(RawLine { line: n, col: 0, text: line });
                        pre_end += 1;
                    }
                }
            }
        }
    }
    if let Some((_, b)) = current.take() {
        blocks.push(b);
    }
    let store: &'a [RawLine<'a>] = store;
    for (b, span) in blocks.iter_mut().zip(spans) {
        b.lines = &store[span];
    }
    let mut pre_lines = &store[..pre_end];
    let has_pre = !pre.front_matter.is_empty() || pre_lines.iter().any(|l| !l.text.trim().is_empty());
    if has_pre {
        while let [rest @ .., last] = pre_lines {
            if !last.text.trim().is_empty() {
                break;
            }
            pre_lines = rest;
        }
        pre.lines = pre_lines;
        blocks.insert(0, pre);
    }
    link_tree(&mut blocks);
    blocks
}

/// Removes the first `n` characters when they are all whitespace, else left-trims the line.
fn remove_indentation(line: &str, n: usize) -> (usize, &str) {
    let b = line.as_bytes();
    if b.len() >= n && b[..n].iter().all(|c| *c == b' ' || *c == b'\t') {
        (n, &line[n..])
    } else {
        let t = line.trim_start();
        (line.len() - t.len(), t)
    }
}

/// Parent and depth from levels compared relatively: deeper → child, equal → sibling, shallower
/// → sibling of the nearest ancestor with that level, or of the first deeper ancestor.
fn link_tree(blocks: &mut [RawBlock]) {
    // Stack of (level, index) along the current path.
    let mut stack: Vec<(u32, usize)> = Vec::new();
    for i in 0..blocks.len() {
        let level = blocks[i].level;
        while let Some(&(l, _)) = stack.last() {
            if l < level {
                break;
            }
            let popped = stack.pop();
            if l == level {
                break;
            }
            // No ancestor at exactly this level: the block takes the first deeper one's place.
            if stack.last().is_none_or(|&(pl, _)| pl < level) {
                let _ = popped;
                break;
            }
        }
        let parent = stack.last().map(|&(_, p)| p);
        blocks[i].parent = parent.map(|p| p as u32);
        blocks[i].depth = parent.map_or(1, |p| blocks[p].depth + 1);
        stack.push((level, i));
    }
}
