//! Review state carried over from Logseq's own flashcards: Logseq writes a card's schedule
//! into its block (`card-last-interval::`, `card-repeats::`, `card-ease-factor::`,
//! `card-next-schedule::`, `card-last-reviewed::`, `card-last-score::`), and the deck's card
//! becomes a review card with that interval, ease, due day and repetitions, with one review
//! log entry, so a student moving to Anki keeps their progress.

use crate::ir::Block;

/// A review card's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// Days since the collection's creation day.
    pub due: i64,
    /// Interval in days (at least 1).
    pub interval: i64,
    /// Ease in permille (Anki's `factor`; at least 1300).
    pub factor: i64,
    pub reps: i64,
    /// The last review: milliseconds since the epoch, and Anki's button (1 again … 4 easy).
    pub last_review: Option<(i64, i64)>,
}

/// The block's schedule, `None` when it has none, or why it cannot be read.
pub fn of_block(block: &Block, created: i64) -> Option<Result<Schedule, String>> {
    let prop = |k: &str| block.properties.iter().find(|p| p.key == k).map(|p| p.raw.trim());
    let next = prop("card-next-schedule")?;
    Some((|| {
        let next = timestamp(next).ok_or_else(|| format!("card-next-schedule:: {next} is not a date"))?;
        let number = |k: &str| -> Result<Option<f64>, String> {
            prop(k)
                .map(|v| v.parse::<f64>().ok().filter(|x| x.is_finite()).ok_or_else(|| format!("{k}:: {v} is not a number")))
                .transpose()
        };
        let interval = number("card-last-interval")?.unwrap_or(1.0).round().max(1.0) as i64;
        let ease = number("card-ease-factor")?.unwrap_or(2.5);
        let reps = number("card-repeats")?.unwrap_or(1.0).max(0.0) as i64;
        let last_review = match prop("card-last-reviewed") {
            Some(v) => {
                let at = timestamp(v).ok_or_else(|| format!("card-last-reviewed:: {v} is not a date"))?;
                let button = match number("card-last-score")?.map(|s| s as i64) {
                    Some(s) if s <= 1 => 1,
                    Some(s) if s <= 3 => 2,
                    _ => 3,
                };
                Some((at * 1000, button))
            }
            None => None,
        };
        Ok(Schedule {
            due: (next - day_start(created)).div_euclid(86_400),
            interval: interval.min(36_500),
            factor: ((ease * 1000.0).round() as i64).clamp(1300, 9999),
            reps,
            last_review,
        })
    })())
}

/// The start (UTC) of the day holding `t`: the collection's creation time, from which due days
/// count.
pub fn day_start(t: i64) -> i64 {
    t - t.rem_euclid(86_400)
}

/// Seconds since the epoch of an ISO 8601 time as Logseq writes it (`2024-03-01T13:38:41.045Z`),
/// or of a bare date (`2024-03-01`).
fn timestamp(s: &str) -> Option<i64> {
    let s = s.trim();
    let (date, time) = s.split_once('T').unwrap_or((s, "00:00:00Z"));
    let mut d = date.splitn(3, '-');
    let (y, m, dd) = (d.next()?.parse::<i64>().ok()?, d.next()?.parse::<u32>().ok()?, d.next()?.parse::<u32>().ok()?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&dd) {
        return None;
    }
    // Time of day, then an offset (`Z`, `+02:00`) if any.
    let split = time.find(['Z', 'z', '+', '-']).unwrap_or(time.len());
    let (clock, zone) = time.split_at(split);
    let mut c = clock.split(':');
    let h: i64 = c.next()?.parse().ok()?;
    let min: i64 = c.next().unwrap_or("0").parse().ok()?;
    let sec: f64 = c.next().unwrap_or("0").parse().ok()?;
    let offset = match zone {
        "" | "Z" | "z" => 0,
        z => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let (oh, om) = z[1..].split_once(':').unwrap_or((&z[1..], "0"));
            sign * (oh.parse::<i64>().ok()? * 3600 + om.parse::<i64>().ok()? * 60)
        }
    };
    Some(crate::dates::days_from_civil(y, m, dd) * 86_400 + h * 3600 + min * 60 + sec as i64 - offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Property, PropValue};

    fn block(props: &[(&str, &str)]) -> Block {
        let properties = props
            .iter()
            .map(|(k, v)| Property { key: k.to_string(), raw: v.to_string(), value: PropValue::Text(v.to_string()) })
            .collect();
        Block { properties, ..Default::default() }
    }

    #[test]
    fn dates() {
        assert_eq!(timestamp("1970-01-01T00:00:00.000Z"), Some(0));
        assert_eq!(timestamp("2024-03-01T13:38:41.045Z"), Some(1_709_300_321));
        assert_eq!(timestamp("2000-02-29"), Some(951_782_400));
        assert_eq!(timestamp("2024-03-01T15:38:41+02:00"), Some(1_709_300_321));
        assert_eq!(timestamp("soon"), None);
        assert_eq!(timestamp("2024-13-01"), None);
    }

    #[test]
    fn a_logseq_schedule_is_a_review_card() {
        let b = block(&[
            ("card-last-interval", "116.07"),
            ("card-repeats", "5"),
            ("card-ease-factor", "3"),
            ("card-next-schedule", "2024-06-03T03:25:34.377Z"),
            ("card-last-reviewed", "2024-02-08T02:25:34.378Z"),
            ("card-last-score", "5"),
        ]);
        let created = timestamp("2024-01-01T12:00:00Z").unwrap();
        let s = of_block(&b, created).unwrap().unwrap();
        // 2024-01-01 to 2024-06-03: 154 days.
        assert_eq!(s, Schedule { due: 154, interval: 116, factor: 3000, reps: 5, last_review: Some((1_707_359_134_000, 3)) });
        assert!(of_block(&block(&[("card-repeats", "5")]), created).is_none());
        assert!(of_block(&block(&[("card-next-schedule", "later")]), created).unwrap().is_err());
        assert!(of_block(&block(&[("card-next-schedule", "2024-06-03"), ("card-repeats", "x")]), created)
            .unwrap()
            .is_err());
    }
}
