//! Page titles from file names (`:file/name-format`) and journal dates
//! (`:journal/page-title-format`).

use percent_encoding::percent_decode_str;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NameFormat {
    /// `___` is the namespace separator, `%XX` escapes (graphs since Logseq 0.8.9).
    #[default]
    TripleLowbar,
    /// `.` is the namespace separator, then URI decoding.
    Legacy,
}

/// Decodes a page file's stem into its title.
pub fn title_from_file_stem(stem: &str, format: NameFormat) -> String {
    let raw = match format {
        NameFormat::TripleLowbar => {
            let parts: Vec<&str> = stem.split("___").filter(|s| !s.is_empty()).collect();
            if parts.is_empty() {
                stem.to_string()
            } else {
                parts.join("/")
            }
        }
        NameFormat::Legacy => {
            if stem.contains('.') && !stem.starts_with('.') {
                stem.replace('.', "/")
            } else {
                stem.to_string()
            }
        }
    };
    percent_decode_str(&raw).decode_utf8().map(|c| c.into_owned()).unwrap_or(raw)
}

pub use crate::ir::page_key;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// Parses a journal file stem `yyyy_MM_dd`.
pub fn journal_date(stem: &str) -> Option<(i32, u32, u32)> {
    let mut it = stem.split(['_', '-']);
    let y: i32 = it.next()?.parse().ok()?;
    let m: u32 = it.next()?.parse().ok()?;
    let d: u32 = it.next()?.parse().ok()?;
    if it.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some((y, m, d))
}

/// Day of week, 0 = Monday (Sakamoto's method).
fn weekday(y: i32, m: u32, d: u32) -> usize {
    const T: [i32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if m < 3 { y - 1 } else { y };
    let sunday0 = (y + y / 4 - y / 100 + y / 400 + T[m as usize - 1] + d as i32).rem_euclid(7) as usize;
    (sunday0 + 6) % 7
}

fn ordinal(d: u32) -> String {
    let suffix = match (d % 10, d % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{d}{suffix}")
}

/// Formats a date with the date-fns tokens Logseq's journal formats use
/// (`yyyy yy MMMM MMM MM M do dd d EEEE EEE EE E`); other letters are copied.
pub fn format_journal(y: i32, m: u32, d: u32, fmt: &str) -> String {
    let tokens: [(&str, &dyn Fn() -> String); 13] = [
        ("yyyy", &|| format!("{y:04}")),
        ("yy", &|| format!("{:02}", y.rem_euclid(100))),
        ("MMMM", &|| MONTHS[m as usize - 1].to_string()),
        ("MMM", &|| MONTHS[m as usize - 1][..3].to_string()),
        ("MM", &|| format!("{m:02}")),
        ("M", &|| m.to_string()),
        ("do", &|| ordinal(d)),
        ("dd", &|| format!("{d:02}")),
        ("d", &|| d.to_string()),
        ("EEEE", &|| DAYS[weekday(y, m, d)].to_string()),
        ("EEE", &|| DAYS[weekday(y, m, d)][..3].to_string()),
        ("EE", &|| DAYS[weekday(y, m, d)][..2].to_string()),
        ("E", &|| DAYS[weekday(y, m, d)][..3].to_string()),
    ];
    let mut out = String::new();
    let mut rest = fmt;
    'outer: while !rest.is_empty() {
        for (tok, f) in &tokens {
            if let Some(r) = rest.strip_prefix(tok) {
                out.push_str(&f());
                rest = r;
                continue 'outer;
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        assert_eq!(title_from_file_stem("a___b___c", NameFormat::TripleLowbar), "a/b/c");
        assert_eq!(title_from_file_stem("What%3F", NameFormat::TripleLowbar), "What?");
        assert_eq!(title_from_file_stem("a.b", NameFormat::Legacy), "a/b");
        assert_eq!(title_from_file_stem("x%2Fy", NameFormat::Legacy), "x/y");
        assert_eq!(title_from_file_stem("a.b", NameFormat::TripleLowbar), "a.b");
    }

    #[test]
    fn journals() {
        let (y, m, d) = journal_date("2024_01_05").unwrap();
        assert_eq!(format_journal(y, m, d, "MMM do, yyyy"), "Jan 5th, 2024");
        assert_eq!(format_journal(2021, 7, 22, "EEEE, MMMM dd yyyy"), "Thursday, July 22 2021");
        assert_eq!(format_journal(2024, 1, 12, "yyyy-MM-dd"), "2024-01-12");
        assert_eq!(ordinal(11), "11th");
        assert_eq!(ordinal(22), "22nd");
        assert!(journal_date("notes").is_none());
    }
}
