//! LaTeX math as Word equations (Office Math, OMML: ECMA-376 Part 1, §22.1): the LaTeX notes
//! use — fractions, roots, scripts, Greek letters and operators, sums and integrals with
//! limits, matrices, `cases` and `aligned`, accents, `\text`, `\left…\right` — parsed into a
//! small tree and written as `m:` elements. A command outside that set is returned as the
//! error: the caller prints the formula as written and says which command it is.

use super::xml::push_text;
use std::fmt::Write;

/// The math namespace, declared on the parts that hold equations.
pub const NS_M: &str = "http://schemas.openxmlformats.org/officeDocument/2006/math";

/// The formula as an `m:oMath` (`display`: an `m:oMathPara`, a paragraph's whole content).
/// Err: the first command this does not know (`\color`), or what is malformed.
pub fn omml(tex: &str, display: bool) -> Result<String, String> {
    let mut p = Parser { s: tex, i: 0, depth: 0 };
    let nodes = p.top()?;
    let mut out = String::with_capacity(tex.len() * 8);
    if display {
        out.push_str("<m:oMathPara>");
    }
    out.push_str("<m:oMath>");
    emit(&nodes, Sty::Math, &mut out);
    out.push_str("</m:oMath>");
    if display {
        out.push_str("</m:oMathPara>");
    }
    Ok(out)
}

/// How a run of math is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sty {
    /// Word's default: letters italic, digits and operators upright.
    Math,
    /// `\text{}`: ordinary text.
    Text,
    /// `\mathrm`, function names: upright.
    Plain,
    Bold,
    Italic,
    BoldItalic,
    DoubleStruck,
    Script,
    Fraktur,
}

#[derive(Debug, Clone, PartialEq)]
enum N {
    /// One character or symbol (runs of them are joined when written).
    Ch(String, Sty),
    Group(Vec<N>),
    Frac { num: Vec<N>, den: Vec<N>, bar: bool },
    Rad { deg: Option<Vec<N>>, body: Vec<N> },
    Scripts { base: Vec<N>, sub: Option<Vec<N>>, sup: Option<Vec<N>> },
    /// A sum or integral; `body` is what follows it up to a relation.
    Nary { chr: char, under: bool, sub: Option<Vec<N>>, sup: Option<Vec<N>>, body: Vec<N> },
    /// A function name (`\sin`); `arg` is the next item.
    Func { name: Vec<N>, arg: Vec<N> },
    /// `\lim_{x\to 0}`: a name with its limit under it.
    LimLow { base: Vec<N>, lim: Vec<N> },
    Delim { open: String, close: String, body: Vec<N> },
    Matrix(Vec<Vec<Vec<N>>>),
    /// Rows set one under another (`aligned`, `cases`, a display with `\\`).
    EqArr(Vec<Vec<N>>),
    Acc { chr: char, body: Vec<N> },
    Bar { top: bool, body: Vec<N> },
}

/// What ended a sequence.
#[derive(Debug, PartialEq)]
enum End {
    Eof,
    Close,
    Amp,
    Row,
    Right,
    Environment,
}

struct Parser<'a> {
    s: &'a str,
    i: usize,
    /// Groups open: a formula nested deeper than any note's is refused, not recursed into.
    depth: usize,
}

const MAX_DEPTH: usize = 64;

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.i..]
    }

    fn skip_ws(&mut self) {
        let t = self.rest();
        self.i += t.len() - t.trim_start().len();
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_ws();
        self.rest().chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.rest().chars().next()?;
        self.i += c.len_utf8();
        Some(c)
    }

    /// After a `\`: a command's name (letters, or one other character).
    fn name(&mut self) -> &'a str {
        let t = self.rest();
        let n = t.bytes().take_while(u8::is_ascii_alphabetic).count();
        let n = if n == 0 { t.chars().next().map_or(0, char::len_utf8) } else { n };
        self.i += n;
        &t[..n]
    }

    /// The whole formula: rows and cells when it has `\\` or `&` outside an environment.
    fn top(&mut self) -> Result<Vec<N>, String> {
        let mut rows: Vec<Vec<N>> = Vec::new();
        let mut row = Vec::new();
        loop {
            let (cell, end) = self.seq()?;
            row.extend(cell);
            match end {
                End::Eof => break,
                End::Amp => {}
                End::Row => rows.push(std::mem::take(&mut row)),
                End::Close => return Err("a `}` without its `{`".into()),
                End::Right => return Err("\\right without \\left".into()),
                End::Environment => return Err("\\end without \\begin".into()),
            }
        }
        if rows.is_empty() {
            return Ok(row);
        }
        if !row.is_empty() {
            rows.push(row);
        }
        Ok(vec![N::EqArr(rows)])
    }

    /// Items up to the end of the group (or cell, row, `\right`, `\end`), which is consumed.
    fn seq(&mut self) -> Result<(Vec<N>, End), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("a formula nested too deep".into());
        }
        let mut out: Vec<N> = Vec::new();
        let end = loop {
            self.skip_ws();
            let Some(c) = self.bump() else { break End::Eof };
            match c {
                '}' => break End::Close,
                '&' => break End::Amp,
                '{' => {
                    let body = self.group_rest()?;
                    out.push(N::Group(body));
                }
                '^' | '_' => self.script(c, &mut out)?,
                '\'' => out.push(ch("′")),
                '~' => out.push(ch("\u{a0}")),
                '\\' => {
                    let name = self.name();
                    match name {
                        "\\" => break End::Row,
                        "right" => break End::Right,
                        "end" => break End::Environment,
                        _ => self.command(name, &mut out)?,
                    }
                }
                c => out.push(N::Ch(c.to_string(), Sty::Math)),
            }
        };
        self.depth -= 1;
        Ok((attach(out, 0), end))
    }

    /// The rest of a `{…}` group, its `{` read.
    fn group_rest(&mut self) -> Result<Vec<N>, String> {
        match self.seq()? {
            (body, End::Close) => Ok(body),
            (_, End::Eof) => Err("a `{` that is never closed".into()),
            (_, _) => Err("`&` or `\\\\` inside braces".into()),
        }
    }

    /// A command's argument: a group, or the one item that follows.
    fn arg(&mut self) -> Result<Vec<N>, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("a formula nested too deep".into());
        }
        let arg = self.arg_inner();
        self.depth -= 1;
        arg
    }

    fn arg_inner(&mut self) -> Result<Vec<N>, String> {
        match self.peek() {
            Some('{') => {
                self.bump();
                self.group_rest()
            }
            Some('\\') => {
                self.bump();
                let name = self.name();
                let mut out = Vec::new();
                self.command(name, &mut out)?;
                Ok(out)
            }
            Some('}' | '&' | '^' | '_') | None => Err("a command without its argument".into()),
            Some(_) => Ok(vec![N::Ch(self.bump().unwrap_or(' ').to_string(), Sty::Math)]),
        }
    }

    /// `[…]`, an optional argument.
    fn optional(&mut self) -> Result<Option<Vec<N>>, String> {
        if self.peek() != Some('[') {
            return Ok(None);
        }
        self.bump();
        let start = self.i;
        let close = self.rest().find(']').ok_or("a `[` that is never closed")?;
        let inner = &self.s[start..start + close];
        self.i = start + close + 1;
        let mut p = Parser { s: inner, i: 0, depth: self.depth };
        Ok(Some(p.top()?))
    }

    /// The text of a `{…}` argument as written (`\text{…}`, environment names).
    fn raw_arg(&mut self) -> Result<&'a str, String> {
        if self.peek() != Some('{') {
            return Err("a command without its `{…}`".into());
        }
        self.bump();
        let start = self.i;
        let mut depth = 0usize;
        for (k, b) in self.rest().bytes().enumerate() {
            match b {
                b'{' => depth += 1,
                b'}' if depth == 0 => {
                    self.i = start + k + 1;
                    return Ok(&self.s[start..start + k]);
                }
                b'}' => depth -= 1,
                b'\\' => {}
                _ => {}
            }
        }
        Err("a `{` that is never closed".into())
    }

    /// `^` or `_` after the item it scripts.
    fn script(&mut self, c: char, out: &mut Vec<N>) -> Result<(), String> {
        let arg = self.arg()?;
        // A sum, an integral or a limit takes its limits; a function name its script.
        match out.last_mut() {
            Some(N::Nary { sub, sup, .. }) => {
                let slot = if c == '_' { sub } else { sup };
                *slot = Some(arg);
                return Ok(());
            }
            Some(N::Func { name, .. }) if c == '_' && matches!(name.as_slice(), [N::LimLow { lim, .. }] if lim.is_empty()) => {
                if let Some(N::LimLow { lim, .. }) = name.first_mut() {
                    *lim = arg;
                }
                return Ok(());
            }
            Some(N::Scripts { sub, sup, .. }) => {
                let slot = if c == '_' { sub } else { sup };
                if slot.is_some() {
                    return Err(format!("a double {}", if c == '_' { "subscript" } else { "superscript" }));
                }
                *slot = Some(arg);
                return Ok(());
            }
            Some(N::Func { name, arg: a }) if a.is_empty() => {
                let base = std::mem::take(name);
                let (sub, sup) = if c == '_' { (Some(arg), None) } else { (None, Some(arg)) };
                name.push(N::Scripts { base, sub, sup });
                return Ok(());
            }
            _ => {}
        }
        // The base: the item before, or the whole number before (`10^3`).
        let mut base = Vec::new();
        if let Some(N::Ch(t, Sty::Math)) = out.last() {
            if t.chars().all(|c| c.is_ascii_digit() || c == '.') {
                while let Some(N::Ch(t, Sty::Math)) = out.last() {
                    if !t.chars().all(|c| c.is_ascii_digit() || c == '.') {
                        break;
                    }
                    base.insert(0, out.pop().expect("looked at"));
                }
            }
        }
        if base.is_empty() {
            base.extend(out.pop());
        }
        let (sub, sup) = if c == '_' { (Some(arg), None) } else { (None, Some(arg)) };
        out.push(N::Scripts { base, sub, sup });
        Ok(())
    }

    fn command(&mut self, name: &str, out: &mut Vec<N>) -> Result<(), String> {
        if let Some(s) = symbol(name) {
            out.push(ch(s));
            return Ok(());
        }
        if let Some(chr) = nary(name) {
            let under = !matches!(name, "int" | "iint" | "iiint" | "oint");
            out.push(N::Nary { chr, under, sub: None, sup: None, body: Vec::new() });
            return Ok(());
        }
        if FUNCTIONS.contains(&name) {
            let name_run = name.chars().map(|c| N::Ch(c.to_string(), Sty::Plain)).collect();
            if LIMITS.contains(&name) {
                // Word's own form: the limit under the name, as the function's name.
                out.push(N::Func { name: vec![N::LimLow { base: name_run, lim: Vec::new() }], arg: Vec::new() });
            } else {
                out.push(N::Func { name: name_run, arg: Vec::new() });
            }
            return Ok(());
        }
        if let Some(chr) = accent(name) {
            let body = self.arg()?;
            out.push(N::Acc { chr, body });
            return Ok(());
        }
        match name {
            "frac" | "dfrac" | "tfrac" | "cfrac" => {
                let (num, den) = (self.arg()?, self.arg()?);
                out.push(N::Frac { num, den, bar: true });
            }
            "binom" | "dbinom" | "tbinom" => {
                let (num, den) = (self.arg()?, self.arg()?);
                let body = vec![N::Frac { num, den, bar: false }];
                out.push(N::Delim { open: "(".into(), close: ")".into(), body });
            }
            "sqrt" => {
                let deg = self.optional()?;
                let body = self.arg()?;
                out.push(N::Rad { deg, body });
            }
            "overline" | "underline" => {
                let body = self.arg()?;
                out.push(N::Bar { top: name == "overline", body });
            }
            "text" | "textrm" | "textnormal" | "mbox" | "textit" | "textbf" | "textsf" | "texttt" => {
                let text = self.raw_arg()?;
                let sty = match name {
                    "textit" => Sty::Italic,
                    "textbf" => Sty::Bold,
                    _ => Sty::Text,
                };
                out.push(N::Ch(text_of(text), sty));
            }
            "operatorname" => {
                let text = self.raw_arg()?;
                out.push(N::Func { name: vec![N::Ch(text_of(text), Sty::Plain)], arg: Vec::new() });
            }
            "mathrm" | "mathbf" | "mathit" | "mathbb" | "mathcal" | "mathscr" | "mathfrak" | "boldsymbol" | "bm"
            | "mathsf" | "mathtt" | "mathnormal" => {
                let sty = match name {
                    "mathrm" | "mathsf" | "mathtt" => Sty::Plain,
                    "mathbf" => Sty::Bold,
                    "mathit" => Sty::Italic,
                    "mathbb" => Sty::DoubleStruck,
                    "mathcal" | "mathscr" => Sty::Script,
                    "mathfrak" => Sty::Fraktur,
                    "boldsymbol" | "bm" => Sty::BoldItalic,
                    _ => Sty::Math,
                };
                let body = self.arg()?;
                out.push(N::Group(restyle(body, sty)));
            }
            "left" => {
                let open = self.delimiter()?;
                let (body, end) = self.seq()?;
                if end != End::Right {
                    return Err("\\left without \\right".into());
                }
                let close = self.delimiter()?;
                out.push(N::Delim { open, close, body });
            }
            "big" | "Big" | "bigg" | "Bigg" | "bigl" | "bigr" | "Bigl" | "Bigr" | "biggl" | "biggr" | "Biggl"
            | "Biggr" | "bigm" | "Bigm" | "middle" => {
                let d = self.delimiter()?;
                out.push(ch(&d));
            }
            "begin" => self.environment(out)?,
            "not" => {
                let negated = match self.peek() {
                    Some('=') => "≠",
                    Some('<') => "≮",
                    Some('>') => "≯",
                    Some('\\') => {
                        self.bump();
                        match self.name() {
                            "in" => "∉",
                            "equiv" => "≢",
                            "subset" => "⊄",
                            "sim" => "≁",
                            other => return Err(format!("\\not\\{other}")),
                        }
                    }
                    _ => return Err("\\not".into()),
                };
                if !negated.is_empty() && matches!(self.peek(), Some('=' | '<' | '>')) {
                    self.bump();
                }
                out.push(ch(negated));
            }
            "pmod" => {
                let body = self.arg()?;
                let mut inner = vec![N::Ch("mod".into(), Sty::Plain), ch("\u{2005}")];
                inner.extend(body);
                out.push(N::Delim { open: "(".into(), close: ")".into(), body: inner });
            }
            "bmod" | "mod" => out.push(N::Ch("mod".into(), Sty::Plain)),
            // Style switches and spacing hints that change nothing on paper.
            "displaystyle" | "textstyle" | "scriptstyle" | "limits" | "nolimits" | "nonumber" | "notag" | "quad"
            | "qquad" | "," | ";" | ":" | "!" | " " | "enspace" | "thinspace" => {
                let space = match name {
                    "quad" => "\u{2003}",
                    "qquad" => "\u{2003}\u{2003}",
                    "," | "thinspace" => "\u{2009}",
                    ";" | ":" | " " | "enspace" => "\u{2005}",
                    _ => "",
                };
                if !space.is_empty() {
                    out.push(ch(space));
                }
            }
            other => return Err(format!("\\{other}")),
        }
        Ok(())
    }

    /// The delimiter after `\left`, `\right` or `\big`: a character or a command; `.` is none.
    fn delimiter(&mut self) -> Result<String, String> {
        match self.peek() {
            Some('\\') => {
                self.bump();
                let name = self.name();
                match name {
                    "{" | "lbrace" => Ok("{".into()),
                    "}" | "rbrace" => Ok("}".into()),
                    "|" | "Vert" => Ok("‖".into()),
                    "vert" => Ok("|".into()),
                    _ => symbol(name).map(String::from).ok_or_else(|| format!("\\{name}")),
                }
            }
            Some('.') => {
                self.bump();
                Ok(String::new())
            }
            Some(c) if "()[]|/<>".contains(c) => {
                self.bump();
                Ok(match c {
                    '<' => "⟨".into(),
                    '>' => "⟩".into(),
                    c => c.to_string(),
                })
            }
            _ => Err("\\left or \\right without its delimiter".into()),
        }
    }

    /// `\begin{env}…\end{env}`, its `\begin` read.
    fn environment(&mut self, out: &mut Vec<N>) -> Result<(), String> {
        let env = self.raw_arg()?.trim().to_string();
        if env == "array" || env == "alignat" || env == "alignat*" {
            self.raw_arg()?;
        }
        let mut rows: Vec<Vec<Vec<N>>> = Vec::new();
        let mut row = Vec::new();
        loop {
            let (cell, end) = self.seq()?;
            row.push(cell);
            match end {
                End::Amp => {}
                End::Row => rows.push(std::mem::take(&mut row)),
                End::Environment => break,
                _ => return Err(format!("\\begin{{{env}}} without \\end{{{env}}}")),
            }
        }
        if row.iter().any(|c| !c.is_empty()) {
            rows.push(row);
        }
        let ended = self.raw_arg()?.trim().to_string();
        if ended != env {
            return Err(format!("\\begin{{{env}}} ended by \\end{{{ended}}}"));
        }
        let join = |rows: Vec<Vec<Vec<N>>>, gap: &str| -> Vec<Vec<N>> {
            rows.into_iter()
                .map(|cells| {
                    let mut line = Vec::new();
                    for (k, cell) in cells.into_iter().enumerate() {
                        if k > 0 && !gap.is_empty() {
                            line.push(ch(gap));
                        }
                        line.extend(cell);
                    }
                    line
                })
                .collect()
        };
        let fence = |open: &str, close: &str, body: N| N::Delim { open: open.into(), close: close.into(), body: vec![body] };
        out.push(match env.as_str() {
            "matrix" | "smallmatrix" | "array" => N::Matrix(rows),
            "pmatrix" => fence("(", ")", N::Matrix(rows)),
            "bmatrix" => fence("[", "]", N::Matrix(rows)),
            "Bmatrix" => fence("{", "}", N::Matrix(rows)),
            "vmatrix" => fence("|", "|", N::Matrix(rows)),
            "Vmatrix" => fence("‖", "‖", N::Matrix(rows)),
            "cases" | "dcases" => fence("{", "", N::EqArr(join(rows, "\u{2003}"))),
            "aligned" | "align" | "align*" | "alignat" | "alignat*" | "split" | "gathered" | "gather" | "gather*"
            | "eqnarray" | "eqnarray*" | "multline" | "multline*" | "flalign" | "flalign*" => N::EqArr(join(rows, "")),
            "equation" | "equation*" | "displaymath" | "math" => {
                let mut lines = join(rows, "");
                match lines.len() {
                    1 => N::Group(lines.pop().unwrap_or_default()),
                    _ => N::EqArr(lines),
                }
            }
            other => return Err(format!("\\begin{{{other}}}")),
        });
        Ok(())
    }
}

fn ch(s: &str) -> N {
    N::Ch(s.to_string(), Sty::Math)
}

/// `\text{…}`'s text: braces and escapes (`\%`, `\&`) as they print.
fn text_of(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' | '}' => {}
            '\\' => match chars.peek() {
                Some(&n) if !n.is_ascii_alphabetic() => {
                    out.push(if n == ' ' || n == ',' { ' ' } else { n });
                    chars.next();
                }
                _ => out.push(c),
            },
            '~' => out.push('\u{a0}'),
            c => out.push(c),
        }
    }
    out
}

/// Characters of `nodes` set in `sty` (a style inside them wins).
fn restyle(nodes: Vec<N>, sty: Sty) -> Vec<N> {
    nodes
        .into_iter()
        .map(|n| match n {
            N::Ch(t, Sty::Math) => N::Ch(t, sty),
            N::Group(g) => N::Group(restyle(g, sty)),
            N::Scripts { base, sub, sup } => N::Scripts { base: restyle(base, sty), sub, sup },
            other => other,
        })
        .collect()
}

/// Gives each sum and integral the items after it up to a relation (`=`, `<`, `\to`…) as its
/// body (a sum in that body takes its own the same way, at most [`MAX_DEPTH`] deep), and each
/// function name the item after it.
fn attach(nodes: Vec<N>, depth: usize) -> Vec<N> {
    let relation = |n: &N| matches!(n, N::Ch(t, _) if RELATIONS.contains(&t.as_str()));
    // A bracket, or a scripted one (`)^2`).
    let is = |n: &N, a: &str, b: &str| match n {
        N::Ch(t, _) => t == a || t == b,
        N::Scripts { base, .. } => matches!(base.as_slice(), [N::Ch(t, _)] if t == a || t == b),
        _ => false,
    };
    let opens = |n: &N| is(n, "(", "[");
    let closes = |n: &N| is(n, ")", "]");
    let mut out = Vec::with_capacity(nodes.len());
    let mut it = nodes.into_iter().peekable();
    while let Some(n) = it.next() {
        match n {
            // The body ends at a relation, or at a bracket closing one opened before the sum
            // (`(\sum a_i)^2`): a body holds whole brackets, which Word and LibreOffice expect.
            N::Nary { chr, under, sub, sup, body } if body.is_empty() && depth < MAX_DEPTH => {
                let mut taken = Vec::new();
                let mut open = 0usize;
                while let Some(next) = it.next_if(|n| !(relation(n) || open == 0 && closes(n))) {
                    open = if opens(&next) { open + 1 } else if closes(&next) { open - 1 } else { open };
                    taken.push(next);
                }
                out.push(N::Nary { chr, under, sub, sup, body: attach(taken, depth + 1) });
            }
            // A function's argument: the next item, or the bracket that follows, whole.
            N::Func { name, arg } if arg.is_empty() => {
                let mut arg = Vec::new();
                if let Some(first) = it.next_if(|n| !relation(n) && !closes(n)) {
                    let mut open = usize::from(opens(&first));
                    arg.push(first);
                    while open > 0 {
                        let Some(next) = it.next() else { break };
                        open = if opens(&next) { open + 1 } else if closes(&next) { open - 1 } else { open };
                        arg.push(next);
                    }
                }
                out.push(N::Func { name, arg });
            }
            other => out.push(other),
        }
    }
    out
}

const RELATIONS: &[&str] =
    &["=", "<", ">", "≤", "≥", "≠", "≈", "≡", "∼", "≃", "≅", "∝", "→", "←", "⇒", "⇐", "↔", "⇔", "⟹", "⟺", "↦", "≪", "≫"];

/// Function names set upright (`\sin x`).
const FUNCTIONS: &[&str] = &[
    "sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "coth", "log",
    "ln", "lg", "exp", "det", "gcd", "deg", "dim", "ker", "arg", "Pr", "hom", "lim", "liminf", "limsup", "max",
    "min", "sup", "inf", "argmax", "argmin",
];

/// Of those, the ones whose subscript goes under them.
const LIMITS: &[&str] = &["lim", "liminf", "limsup", "max", "min", "sup", "inf", "argmax", "argmin"];

fn nary(name: &str) -> Option<char> {
    Some(match name {
        "sum" => '∑',
        "prod" => '∏',
        "coprod" => '∐',
        "int" => '∫',
        "iint" => '∬',
        "iiint" => '∭',
        "oint" => '∮',
        "bigcup" => '⋃',
        "bigcap" => '⋂',
        "bigoplus" => '⨁',
        "bigotimes" => '⨂',
        "bigvee" => '⋁',
        "bigwedge" => '⋀',
        _ => return None,
    })
}

fn accent(name: &str) -> Option<char> {
    Some(match name {
        "hat" | "widehat" => '\u{302}',
        "bar" => '\u{305}',
        "vec" | "overrightarrow" => '\u{20d7}',
        "dot" => '\u{307}',
        "ddot" => '\u{308}',
        "tilde" | "widetilde" => '\u{303}',
        "check" => '\u{30c}',
        "breve" => '\u{306}',
        "acute" => '\u{301}',
        "grave" => '\u{300}',
        _ => return None,
    })
}

/// Letters, operators, arrows and other symbols by command name.
fn symbol(name: &str) -> Option<&'static str> {
    Some(match name {
        "alpha" => "α",
        "beta" => "β",
        "gamma" => "γ",
        "delta" => "δ",
        "epsilon" => "ϵ",
        "varepsilon" => "ε",
        "zeta" => "ζ",
        "eta" => "η",
        "theta" => "θ",
        "vartheta" => "ϑ",
        "iota" => "ι",
        "kappa" => "κ",
        "lambda" => "λ",
        "mu" => "μ",
        "nu" => "ν",
        "xi" => "ξ",
        "omicron" => "ο",
        "pi" => "π",
        "varpi" => "ϖ",
        "rho" => "ρ",
        "varrho" => "ϱ",
        "sigma" => "σ",
        "varsigma" => "ς",
        "tau" => "τ",
        "upsilon" => "υ",
        "phi" => "ϕ",
        "varphi" => "φ",
        "chi" => "χ",
        "psi" => "ψ",
        "omega" => "ω",
        "Gamma" => "Γ",
        "Delta" => "Δ",
        "Theta" => "Θ",
        "Lambda" => "Λ",
        "Xi" => "Ξ",
        "Pi" => "Π",
        "Sigma" => "Σ",
        "Upsilon" => "Υ",
        "Phi" => "Φ",
        "Psi" => "Ψ",
        "Omega" => "Ω",
        "times" => "×",
        "cdot" => "⋅",
        "pm" => "±",
        "mp" => "∓",
        "div" => "÷",
        "ast" => "∗",
        "star" => "⋆",
        "circ" => "∘",
        "bullet" => "∙",
        "oplus" => "⊕",
        "ominus" => "⊖",
        "otimes" => "⊗",
        "odot" => "⊙",
        "wedge" | "land" => "∧",
        "vee" | "lor" => "∨",
        "neg" | "lnot" => "¬",
        "cup" => "∪",
        "cap" => "∩",
        "setminus" => "∖",
        "le" | "leq" => "≤",
        "ge" | "geq" => "≥",
        "ne" | "neq" => "≠",
        "ll" => "≪",
        "gg" => "≫",
        "approx" => "≈",
        "equiv" => "≡",
        "sim" => "∼",
        "simeq" => "≃",
        "cong" => "≅",
        "propto" => "∝",
        "in" => "∈",
        "notin" => "∉",
        "ni" => "∋",
        "subset" => "⊂",
        "subseteq" => "⊆",
        "supset" => "⊃",
        "supseteq" => "⊇",
        "mid" => "∣",
        "parallel" => "∥",
        "perp" => "⊥",
        "to" | "rightarrow" => "→",
        "leftarrow" | "gets" => "←",
        "Rightarrow" => "⇒",
        "Leftarrow" => "⇐",
        "leftrightarrow" => "↔",
        "Leftrightarrow" => "⇔",
        "implies" => "⟹",
        "impliedby" => "⟸",
        "iff" => "⟺",
        "mapsto" => "↦",
        "uparrow" => "↑",
        "downarrow" => "↓",
        "longrightarrow" => "⟶",
        "longleftarrow" => "⟵",
        "infty" => "∞",
        "partial" => "∂",
        "nabla" => "∇",
        "forall" => "∀",
        "exists" => "∃",
        "nexists" => "∄",
        "emptyset" | "varnothing" => "∅",
        "angle" => "∠",
        "triangle" => "△",
        "degree" => "°",
        "prime" => "′",
        "hbar" => "ℏ",
        "ell" => "ℓ",
        "Re" => "ℜ",
        "Im" => "ℑ",
        "aleph" => "ℵ",
        "wp" => "℘",
        "cdots" => "⋯",
        "ldots" | "dots" | "dotsc" | "dotsb" => "…",
        "vdots" => "⋮",
        "ddots" => "⋱",
        "langle" => "⟨",
        "rangle" => "⟩",
        "lfloor" => "⌊",
        "rfloor" => "⌋",
        "lceil" => "⌈",
        "rceil" => "⌉",
        "lvert" | "rvert" | "vert" => "|",
        "lVert" | "rVert" | "Vert" | "|" => "‖",
        "therefore" => "∴",
        "because" => "∵",
        "{" | "lbrace" => "{",
        "}" | "rbrace" => "}",
        "%" => "%",
        "$" => "$",
        "&" => "&",
        "#" => "#",
        "_" => "_",
        _ => return None,
    })
}

/// Writes the items, joining characters of one style into one run.
fn emit(nodes: &[N], outer: Sty, out: &mut String) {
    let mut k = 0;
    while k < nodes.len() {
        if let N::Ch(_, sty) = &nodes[k] {
            let sty = *sty;
            let mut text = String::new();
            while let Some(N::Ch(t, s)) = nodes.get(k) {
                if *s != sty {
                    break;
                }
                text.push_str(t);
                k += 1;
            }
            run(&text, if sty == Sty::Math { outer } else { sty }, out);
            continue;
        }
        node(&nodes[k], outer, out);
        k += 1;
    }
}

fn run(text: &str, sty: Sty, out: &mut String) {
    out.push_str("<m:r>");
    let props = match sty {
        Sty::Math => "",
        Sty::Text => "<m:rPr><m:nor/></m:rPr>",
        Sty::Plain => "<m:rPr><m:sty m:val=\"p\"/></m:rPr>",
        Sty::Bold => "<m:rPr><m:sty m:val=\"b\"/></m:rPr>",
        Sty::Italic => "<m:rPr><m:sty m:val=\"i\"/></m:rPr>",
        Sty::BoldItalic => "<m:rPr><m:sty m:val=\"bi\"/></m:rPr>",
        Sty::DoubleStruck => "<m:rPr><m:scr m:val=\"double-struck\"/><m:sty m:val=\"p\"/></m:rPr>",
        Sty::Script => "<m:rPr><m:scr m:val=\"script\"/><m:sty m:val=\"p\"/></m:rPr>",
        Sty::Fraktur => "<m:rPr><m:scr m:val=\"fraktur\"/><m:sty m:val=\"p\"/></m:rPr>",
    };
    out.push_str(props);
    out.push_str("<m:t xml:space=\"preserve\">");
    push_text(out, text);
    out.push_str("</m:t></m:r>");
}

/// `<m:tag>` holding the items.
fn arg(tag: &str, nodes: &[N], sty: Sty, out: &mut String) {
    let _ = write!(out, "<m:{tag}>");
    emit(nodes, sty, out);
    let _ = write!(out, "</m:{tag}>");
}

fn node(n: &N, sty: Sty, out: &mut String) {
    match n {
        N::Ch(..) => emit(std::slice::from_ref(n), sty, out),
        N::Group(g) => emit(g, sty, out),
        N::Frac { num, den, bar } => {
            out.push_str("<m:f>");
            if !bar {
                out.push_str("<m:fPr><m:type m:val=\"noBar\"/></m:fPr>");
            }
            arg("num", num, sty, out);
            arg("den", den, sty, out);
            out.push_str("</m:f>");
        }
        N::Rad { deg, body } => {
            out.push_str("<m:rad>");
            match deg {
                Some(d) => arg("deg", d, sty, out),
                None => out.push_str("<m:radPr><m:degHide m:val=\"1\"/></m:radPr><m:deg/>"),
            }
            arg("e", body, sty, out);
            out.push_str("</m:rad>");
        }
        N::Scripts { base, sub, sup } => {
            let tag = match (sub, sup) {
                (Some(_), Some(_)) => "sSubSup",
                (Some(_), None) => "sSub",
                _ => "sSup",
            };
            let _ = write!(out, "<m:{tag}>");
            arg("e", base, sty, out);
            if let Some(s) = sub {
                arg("sub", s, sty, out);
            }
            if let Some(s) = sup {
                arg("sup", s, sty, out);
            }
            let _ = write!(out, "</m:{tag}>");
        }
        N::Nary { chr, under, sub, sup, body } => {
            let _ = write!(
                out,
                "<m:nary><m:naryPr><m:chr m:val=\"{chr}\"/><m:limLoc m:val=\"{}\"/>",
                if *under { "undOvr" } else { "subSup" }
            );
            if sub.is_none() {
                out.push_str("<m:subHide m:val=\"1\"/>");
            }
            if sup.is_none() {
                out.push_str("<m:supHide m:val=\"1\"/>");
            }
            out.push_str("</m:naryPr>");
            arg("sub", sub.as_deref().unwrap_or_default(), sty, out);
            arg("sup", sup.as_deref().unwrap_or_default(), sty, out);
            arg("e", body, sty, out);
            out.push_str("</m:nary>");
        }
        N::Func { name, arg: a } => {
            out.push_str("<m:func>");
            arg("fName", name, Sty::Plain, out);
            arg("e", a, sty, out);
            out.push_str("</m:func>");
        }
        N::LimLow { base, lim } => {
            out.push_str("<m:limLow>");
            arg("e", base, Sty::Plain, out);
            arg("lim", lim, sty, out);
            out.push_str("</m:limLow>");
        }
        N::Delim { open, close, body } => {
            let _ = write!(
                out,
                "<m:d><m:dPr><m:begChr m:val=\"{}\"/><m:endChr m:val=\"{}\"/></m:dPr>",
                super::xml::attr(open),
                super::xml::attr(close)
            );
            arg("e", body, sty, out);
            out.push_str("</m:d>");
        }
        N::Matrix(rows) => {
            let cols = rows.iter().map(Vec::len).max().unwrap_or(1).max(1);
            // Every row has as many cells as the widest (Word requires it).
            let _ = write!(
                out,
                "<m:m><m:mPr><m:mcs><m:mc><m:mcPr><m:count m:val=\"{cols}\"/><m:mcJc m:val=\"center\"/></m:mcPr></m:mc></m:mcs></m:mPr>"
            );
            for row in rows {
                out.push_str("<m:mr>");
                for c in 0..cols {
                    arg("e", row.get(c).map_or(&[][..], Vec::as_slice), sty, out);
                }
                out.push_str("</m:mr>");
            }
            out.push_str("</m:m>");
        }
        N::EqArr(rows) => {
            out.push_str("<m:eqArr>");
            for row in rows {
                arg("e", row, sty, out);
            }
            out.push_str("</m:eqArr>");
        }
        N::Acc { chr, body } => {
            let _ = write!(out, "<m:acc><m:accPr><m:chr m:val=\"{chr}\"/></m:accPr>");
            arg("e", body, sty, out);
            out.push_str("</m:acc>");
        }
        N::Bar { top, body } => {
            let _ = write!(out, "<m:bar><m:barPr><m:pos m:val=\"{}\"/></m:barPr>", if *top { "top" } else { "bot" });
            arg("e", body, sty, out);
            out.push_str("</m:bar>");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::omml;

    fn ok(tex: &str) -> String {
        omml(tex, false).unwrap_or_else(|e| panic!("{tex}: {e}"))
    }

    #[test]
    fn structures() {
        assert_eq!(ok("x"), "<m:oMath><m:r><m:t xml:space=\"preserve\">x</m:t></m:r></m:oMath>");
        assert!(ok("\\frac{a}{b}").contains("<m:f><m:num><m:r><m:t xml:space=\"preserve\">a</m:t></m:r></m:num><m:den>"));
        assert!(ok("\\sqrt{x}").contains("<m:degHide m:val=\"1\"/>"));
        assert!(ok("\\sqrt[3]{x}").contains("<m:deg><m:r><m:t xml:space=\"preserve\">3</m:t>"));
        assert!(ok("x_i^2").contains("<m:sSubSup><m:e><m:r><m:t xml:space=\"preserve\">x</m:t></m:r></m:e><m:sub>"));
        assert!(ok("10^3").contains("<m:sSup><m:e><m:r><m:t xml:space=\"preserve\">10</m:t>"), "{}", ok("10^3"));
        assert!(ok("\\alpha + \\beta \\le \\infty").contains("α+β≤∞"));
        assert!(ok("\\text{if } x").contains("<m:rPr><m:nor/></m:rPr><m:t xml:space=\"preserve\">if </m:t>"));
        assert!(ok("\\mathbb{R}").contains("double-struck"));
        assert!(ok("\\hat{x}").contains("<m:acc><m:accPr><m:chr m:val=\"\u{302}\"/>"));
        assert!(ok("\\left( x \\right]").contains("<m:begChr m:val=\"(\"/><m:endChr m:val=\"]\"/>"));
        assert!(ok("\\left. x \\right|").contains("<m:begChr m:val=\"\"/>"));
        assert!(ok("\\binom{n}{k}").contains("noBar"));
    }

    #[test]
    fn sums_take_their_limits_and_body() {
        let x = ok("\\sum_{i=1}^{n} i^2 = y");
        assert!(x.contains("<m:chr m:val=\"∑\"/><m:limLoc m:val=\"undOvr\"/></m:naryPr><m:sub>"), "{x}");
        // The body stops at the relation: `= y` follows the sum.
        assert!(x.contains("</m:e></m:nary><m:r><m:t xml:space=\"preserve\">=y</m:t>"), "{x}");
        let i = ok("\\int_0^1 x\\,dx");
        assert!(i.contains("<m:limLoc m:val=\"subSup\"/>") && i.contains("<m:e><m:r><m:t xml:space=\"preserve\">x\u{2009}dx</m:t>"), "{i}");
        let lim = ok("\\lim_{x \\to 0} f(x)");
        assert!(lim.contains("<m:func><m:fName><m:limLow><m:e><m:r><m:rPr><m:sty m:val=\"p\"/></m:rPr><m:t xml:space=\"preserve\">lim</m:t>"), "{lim}");
        // A function takes the bracket after it whole; a sum's body stops at a bracket it
        // did not open.
        let f = ok("\\operatorname{sgn}(x+1) = 1");
        assert!(f.contains("<m:e><m:r><m:t xml:space=\"preserve\">(x+1)</m:t></m:r></m:e></m:func>"), "{f}");
        let s = ok("(\\sum_i a_i)^2");
        assert!(s.contains("</m:nary><m:sSup><m:e><m:r><m:t xml:space=\"preserve\">)</m:t>"), "{s}");
        let sin = ok("\\sin^2 x");
        assert!(sin.contains("<m:func><m:fName><m:sSup>"), "{sin}");
        assert!(!ok("\\int").contains("<m:sub><m:r>"), "no limits: hidden");
    }

    #[test]
    fn environments() {
        let m = ok("\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}");
        assert_eq!(m.matches("<m:mr>").count(), 2);
        assert!(m.contains("<m:begChr m:val=\"(\"/>") && m.contains("<m:count m:val=\"2\"/>"));
        let a = ok("\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}");
        assert_eq!(a.matches("<m:e>").count(), 2);
        let c = ok("f(x) = \\begin{cases} 1 & x > 0 \\\\ 0 & \\text{otherwise} \\end{cases}");
        assert!(c.contains("<m:begChr m:val=\"{\"/><m:endChr m:val=\"\"/></m:dPr><m:e><m:eqArr>"), "{c}");
        // Rows outside an environment (`$$a \\ b$$`, Logseq's `\begin{align}` block).
        assert!(ok("a &= b \\\\ c &= d").starts_with("<m:oMath><m:eqArr>"));
        assert!(ok("\\begin{align}\na &= b \\\\\nc &= d\n\\end{align}").contains("<m:eqArr>"));
    }

    #[test]
    fn unknown_commands_are_named() {
        assert_eq!(omml("x \\color{red}{y}", false), Err("\\color".into()));
        assert_eq!(omml("\\begin{tikzpicture}\\end{tikzpicture}", false), Err("\\begin{tikzpicture}".into()));
        assert!(omml("\\frac{a}", false).is_err());
        assert!(omml("{x", false).is_err());
        assert!(omml("x}", false).is_err());
        assert!(omml(&"{".repeat(10_000), false).is_err(), "deep nesting is refused");
    }

    proptest::proptest! {
        /// Any text: an error or well-formed XML, never a panic.
        #[test]
        fn never_panics_and_writes_well_formed_xml(
            tex in "(\\\\(frac|sqrt|sum|int|left|right|begin\\{(cases|pmatrix|aligned)\\}|end\\{(cases|pmatrix|aligned)\\}|text|lim|sin|hat|not|alpha|\\\\)|[a-z0-9{}^_&()\\[\\]=+<> .'~|$])*"
        ) {
            if let Ok(x) = omml(&tex, true) {
                let doc = format!("<r xmlns:m=\"{}\">{x}</r>", super::NS_M);
                proptest::prop_assert!(roxmltree::Document::parse(&doc).is_ok(), "{doc}");
            }
        }
    }

    #[test]
    fn display_is_a_math_paragraph() {
        assert!(omml("x", true).unwrap().starts_with("<m:oMathPara><m:oMath>"));
    }
}
