//! A deterministic synthetic Logseq graph for benchmarks: realistic block text and nesting,
//! headings, ids and cross-page refs, links, tags, clozes, cards, properties, images, code,
//! journals. The same seed gives the same bytes.

use anyhow::Result;
use std::fmt::Write;
use std::path::Path;

/// splitmix64: tiny, fast and good enough for test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// True with probability `pct`%.
    pub fn chance(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }
}

const WORDS: &[&str] = &[
    "cell",
    "membrane",
    "protein",
    "energy",
    "market",
    "cloud",
    "network",
    "theory",
    "history",
    "empire",
    "river",
    "signal",
    "vector",
    "matrix",
    "function",
    "memory",
    "storage",
    "compute",
    "policy",
    "growth",
    "economy",
    "trade",
    "climate",
    "carbon",
    "ocean",
    "species",
    "gene",
    "enzyme",
    "reaction",
    "balance",
    "pressure",
    "volume",
    "force",
    "motion",
    "light",
    "wave",
    "particle",
    "atom",
    "bond",
    "acid",
    "base",
    "salt",
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "is",
    "for",
    "with",
    "on",
    "by",
    "from",
    "that",
    "this",
    "which",
    "are",
    "was",
    "can",
    "between",
    "during",
    "important",
    "primary",
    "secondary",
    "complex",
    "simple",
    "rapid",
    "slow",
    "global",
    "local",
    "major",
    "minor",
];

fn words(r: &mut Rng, n: usize) -> String {
    let mut s = String::new();
    for k in 0..n {
        if k > 0 {
            s.push(' ');
        }
        s.push_str(WORDS[r.below(WORDS.len() as u64) as usize]);
    }
    s
}

fn uuid(r: &mut Rng) -> String {
    let (a, b) = (r.next(), r.next());
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        b >> 52,
        b & 0xffff_ffff_ffff
    )
}

/// A 2×2 PNG, so image references point at real files.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x02, 0x00, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 0xFD, 0xD4, 0x9A, 0x73, 0x00, 0x00, 0x00, 0x0F, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0, 0x1F, 0x08, 0x19, 0x00, 0x00, 0x3B, 0xE6, 0x05, 0xFB,
    0x6C, 0x6F, 0x1B, 0xF3, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

pub struct Stats {
    pub pages: usize,
    pub blocks: usize,
    pub bytes: u64,
}

pub fn generate(out: &Path, pages: usize, blocks_per_page: usize, seed: u64) -> Result<Stats> {
    let mut r = Rng::new(seed);
    if out.exists() {
        std::fs::remove_dir_all(out)?;
    }
    for d in ["pages", "journals", "assets", "logseq"] {
        std::fs::create_dir_all(out.join(d))?;
    }
    std::fs::write(
        out.join("logseq/config.edn"),
        "{:file/name-format :triple-lowbar\n :journal/page-title-format \"MMM do, yyyy\"}\n",
    )?;
    for k in 0..8 {
        std::fs::write(out.join(format!("assets/figure_{k}.png")), PNG)?;
    }
    let mut ids: Vec<String> = Vec::new();
    let mut total_blocks = 0;
    let mut bytes = 0u64;
    for p in 0..pages {
        let journal = p % 20 == 19;
        let title = if p % 10 == 3 { format!("course/topic {p}") } else { format!("Topic {p}") };
        let mut s = String::with_capacity(blocks_per_page * 160);
        if !journal {
            let _ = writeln!(s, "tags:: {}, {}", WORDS[r.below(12) as usize], WORDS[r.below(12) as usize + 12]);
            let _ = writeln!(s, "type:: [[{}]]\n", if r.chance(50) { "Lecture" } else { "Reading" });
        }
        let mut level = 0usize;
        let mut page_ids: Vec<String> = Vec::new();
        for b in 0..blocks_per_page {
            // A random walk over levels 0..=4: deeper by one at most, shallower by any.
            level = if b == 0 {
                0
            } else if r.chance(35) && level < 4 {
                level + 1
            } else if r.chance(40) {
                r.below(level as u64 + 1) as usize
            } else {
                level
            };
            let indent = "\t".repeat(level);
            let mut text = String::new();
            if level == 0 && r.chance(20) {
                let _ = write!(text, "## {}", words(&mut r, 3));
            } else {
                let n = 12 + r.below(18) as usize;
                text.push_str(&words(&mut r, n));
                if r.chance(30) {
                    let _ = write!(text, " **{}**", words(&mut r, 2));
                }
                if r.chance(15) {
                    let _ = write!(text, " *{}*", words(&mut r, 2));
                }
                if r.chance(20) {
                    let _ = write!(text, " [[Topic {}]]", r.below(pages as u64));
                }
                if r.chance(10) {
                    let _ = write!(text, " #{}", WORDS[r.below(WORDS.len() as u64) as usize]);
                }
                if r.chance(5) && !ids.is_empty() {
                    let k = r.below(ids.len() as u64) as usize;
                    let _ = write!(text, " (({}))", ids[k]);
                }
                if r.chance(3) {
                    let _ = write!(text, " {{{{cloze {}}}}}", words(&mut r, 2));
                }
                if r.chance(3) {
                    text.push_str(" #card");
                }
                if r.chance(1) {
                    let _ = write!(text, " ![figure](../assets/figure_{}.png){{:height 120, :width 200}}", r.below(8));
                }
            }
            let _ = writeln!(s, "{indent}- {text}");
            if r.chance(5) {
                let id = uuid(&mut r);
                let _ = writeln!(s, "{indent}  id:: {id}");
                page_ids.push(id);
            }
            if r.chance(1) {
                let _ = writeln!(s, "{indent}  ```python\n{indent}  print({})\n{indent}  ```", r.below(100));
            }
        }
        ids.extend(page_ids);
        total_blocks += blocks_per_page;
        let path = if journal {
            let day = p / 20;
            out.join(format!("journals/{:04}_{:02}_{:02}.md", 2020 + day / 336, 1 + (day / 28) % 12, 1 + day % 28))
        } else {
            out.join("pages").join(format!("{}.md", title.replace('/', "___")))
        };
        bytes += s.len() as u64;
        std::fs::write(path, s)?;
    }
    Ok(Stats { pages, blocks: total_blocks, bytes })
}
