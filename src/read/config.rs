//! `logseq/config.edn`: a small EDN reader and the settings the reader uses.

use super::title::NameFormat;
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct GraphConfig {
    pub name_format: NameFormat,
    pub journal_title_format: String,
    /// `:macros {"name" "template with $1"}`.
    pub macros: HashMap<String, String>,
    /// `:hidden` paths (relative to the graph root) that are not part of the graph.
    pub hidden: Vec<String>,
}

impl Default for GraphConfig {
    fn default() -> Self {
        GraphConfig {
            name_format: NameFormat::TripleLowbar,
            journal_title_format: "MMM do, yyyy".to_string(),
            macros: HashMap::new(),
            hidden: Vec::new(),
        }
    }
}

impl GraphConfig {
    /// Reads the settings from config.edn text. A graph whose config lacks
    /// `:file/name-format` uses the legacy file-name format, as Logseq does.
    pub fn from_edn(text: &str) -> Result<Self, String> {
        let value = Parser { s: text.as_bytes(), i: 0, depth: 0 }.parse_top()?;
        let mut cfg = GraphConfig { name_format: NameFormat::Legacy, ..Default::default() };
        let Edn::Map(entries) = value else {
            return Err("config.edn is not a map".into());
        };
        for (k, v) in entries {
            let Edn::Keyword(k) = k else { continue };
            match (k.as_str(), v) {
                ("file/name-format", Edn::Keyword(f)) => {
                    cfg.name_format = if f == "triple-lowbar" { NameFormat::TripleLowbar } else { NameFormat::Legacy }
                }
                ("journal/page-title-format", Edn::Str(f)) => cfg.journal_title_format = f,
                ("macros", Edn::Map(m)) => {
                    for (name, body) in m {
                        if let (Edn::Str(n) | Edn::Keyword(n), Edn::Str(b)) = (name, body) {
                            cfg.macros.insert(n, b);
                        }
                    }
                }
                ("hidden", Edn::Vector(items)) => {
                    cfg.hidden = items
                        .into_iter()
                        .filter_map(|i| if let Edn::Str(s) = i { Some(s.trim_matches('/').to_string()) } else { None })
                        .collect()
                }
                _ => {}
            }
        }
        Ok(cfg)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Edn {
    Nil,
    Bool(bool),
    Number(String),
    Str(String),
    Keyword(String),
    Symbol(String),
    Vector(Vec<Edn>),
    Map(Vec<(Edn, Edn)>),
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
}

impl Parser<'_> {
    fn parse_top(mut self) -> Result<Edn, String> {
        self.skip_ws();
        let v = self.value()?;
        Ok(v)
    }

    fn err(&self, what: &str) -> String {
        let line = self.s[..self.i.min(self.s.len())].iter().filter(|&&c| c == b'\n').count() + 1;
        format!("line {line}: {what}")
    }

    fn skip_ws(&mut self) {
        while let Some(&c) = self.s.get(self.i) {
            if c.is_ascii_whitespace() || c == b',' {
                self.i += 1;
            } else if c == b';' {
                while self.s.get(self.i).is_some_and(|&c| c != b'\n') {
                    self.i += 1;
                }
            } else if self.s[self.i..].starts_with(b"#_") {
                self.i += 2;
                self.skip_ws();
                let _ = self.value();
            } else {
                break;
            }
        }
    }

    fn value(&mut self) -> Result<Edn, String> {
        self.depth += 1;
        if self.depth > 256 {
            return Err(self.err("nesting too deep"));
        }
        let v = self.value_inner();
        self.depth -= 1;
        v
    }

    fn value_inner(&mut self) -> Result<Edn, String> {
        let Some(&c) = self.s.get(self.i) else {
            return Err(self.err("unexpected end of file"));
        };
        match c {
            b'{' => {
                self.i += 1;
                let items = self.seq(b'}')?;
                let mut it = items.into_iter();
                let mut map = Vec::new();
                while let Some(k) = it.next() {
                    map.push((k, it.next().unwrap_or(Edn::Nil)));
                }
                Ok(Edn::Map(map))
            }
            b'[' | b'(' => {
                self.i += 1;
                Ok(Edn::Vector(self.seq(if c == b'[' { b']' } else { b')' })?))
            }
            b'#' => {
                self.i += 1;
                match self.s.get(self.i) {
                    Some(b'{') => {
                        self.i += 1;
                        Ok(Edn::Vector(self.seq(b'}')?))
                    }
                    Some(b'"') => self.string(),
                    _ => {
                        // A tagged literal: skip the tag, keep the value.
                        self.atom();
                        self.skip_ws();
                        self.value()
                    }
                }
            }
            b'"' => self.string(),
            b':' => {
                self.i += 1;
                Ok(Edn::Keyword(self.atom()))
            }
            _ => {
                let a = self.atom();
                if a.is_empty() {
                    return Err(self.err(&format!("unexpected character '{}'", c as char)));
                }
                Ok(match a.as_str() {
                    "nil" => Edn::Nil,
                    "true" => Edn::Bool(true),
                    "false" => Edn::Bool(false),
                    _ if is_number(&a) => Edn::Number(a),
                    _ => Edn::Symbol(a),
                })
            }
        }
    }

    fn seq(&mut self, close: u8) -> Result<Vec<Edn>, String> {
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            match self.s.get(self.i) {
                None => return Err(self.err(&format!("missing '{}'", close as char))),
                Some(&c) if c == close => {
                    self.i += 1;
                    return Ok(items);
                }
                Some(b'}') | Some(b']') | Some(b')') => return Err(self.err("mismatched bracket")),
                _ => items.push(self.value()?),
            }
        }
    }

    fn atom(&mut self) -> String {
        let start = self.i;
        while let Some(&c) = self.s.get(self.i) {
            if c.is_ascii_whitespace() || b",;{}[]()\"".contains(&c) {
                break;
            }
            self.i += 1;
        }
        String::from_utf8_lossy(&self.s[start..self.i]).into_owned()
    }

    fn string(&mut self) -> Result<Edn, String> {
        self.i += 1;
        let mut out = Vec::new();
        while let Some(&c) = self.s.get(self.i) {
            self.i += 1;
            match c {
                b'"' => return Ok(Edn::Str(String::from_utf8_lossy(&out).into_owned())),
                b'\\' => {
                    let e = self.s.get(self.i).copied().unwrap_or(b'\\');
                    self.i += 1;
                    out.push(match e {
                        b'n' => b'\n',
                        b't' => b'\t',
                        b'r' => b'\r',
                        other => other,
                    });
                }
                _ => out.push(c),
            }
        }
        Err(self.err("unterminated string"))
    }
}

fn is_number(a: &str) -> bool {
    let b = a.as_bytes();
    b[0].is_ascii_digit() || (b.len() > 1 && (b[0] == b'-' || b[0] == b'+') && b[1].is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_settings_used() {
        let cfg = GraphConfig::from_edn(
            r#"{:meta/version 1 ;; comment
 :file/name-format :triple-lowbar
 :journal/page-title-format "yyyy-MM-dd"
 :hidden ["script" "README.md"]
 #_ :ignored #_ "x"
 :shortcuts {:a #{1 2}} :re #"a+" :when #inst "2020"
 :macros {"docs-base-url" "https://docs.logseq.com/#/page/$1" "mark" "[:mark \"$1\"]"}}"#,
        )
        .unwrap();
        assert_eq!(cfg.name_format, NameFormat::TripleLowbar);
        assert_eq!(cfg.journal_title_format, "yyyy-MM-dd");
        assert_eq!(cfg.macros["mark"], "[:mark \"$1\"]");
        assert_eq!(cfg.hidden, vec!["script", "README.md"]);
    }

    #[test]
    fn legacy_when_unset_and_errors_have_lines() {
        assert_eq!(GraphConfig::from_edn("{}").unwrap().name_format, NameFormat::Legacy);
        let e = GraphConfig::from_edn("{:a\n [1 2}").unwrap_err();
        assert!(e.starts_with("line 2"), "{e}");
    }
}
