//! Which note of the previous deck each note of this one continues, so that a note keeps its
//! guid (and so its cards and their review history in Anki) through edits, moves and
//! insertions around it. The rule, in order, each step among the old notes still unmatched
//! and of a note type the new note can be written as:
//!
//! 1. a block with an `id::` keeps the guid made from it;
//! 2. the same front text on the same page (several: in line order);
//! 3. the same front text on another page (the block moved);
//! 4. the closest front text on the same page, when at least half of it is shared (character
//!    trigrams), ties going to the nearest line;
//! 5. the nearest line on the same page, when at least a quarter of the text is shared.
//!
//! A note matching nothing is new, and never gets a guid an old note had. No two notes get
//! one old note.

use std::collections::HashMap;

/// What matching needs of a note, old or new.
#[derive(Debug, Clone, Copy)]
pub struct Key<'a> {
    /// The page's file, as the Source field shows it.
    pub file: &'a str,
    pub line: u32,
    /// [`front_hash`] of the first field as text: the texts themselves are asked for (see
    /// [`match_notes`]) only for the notes that the same text does not match.
    pub front: u64,
}

/// The hash notes' fronts are compared by (within one run).
pub fn front_hash(front: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(0).hash_one(front)
}

/// For each new note, the old note it continues (an index into `old`). `fixed[n]` is the old
/// note a new one must continue (its `id::` gives that guid), if the previous deck has it;
/// `compatible(n, o)` says whether new note `n` can be written as old note `o`'s note type;
/// `text(false, n)` is new note `n`'s front, `text(true, o)` old note `o`'s.
pub fn match_notes<'a>(
    new: &[Key<'a>],
    old: &[Key<'a>],
    fixed: &[Option<usize>],
    compatible: &dyn Fn(usize, usize) -> bool,
    text: &mut dyn FnMut(bool, usize) -> String,
) -> Vec<Option<usize>> {
    let mut found: Vec<Option<usize>> = vec![None; new.len()];
    let mut taken = vec![false; old.len()];
    for (n, f) in fixed.iter().enumerate() {
        if let Some(o) = *f {
            if !taken[o] && compatible(n, o) {
                found[n] = Some(o);
                taken[o] = true;
            }
        }
    }
    let fixed_note = |n: usize| fixed.get(n).is_some_and(Option::is_some);

    // 2 and 3: the same text, first on the same page, then anywhere. The old notes are
    // sorted by what they are looked up by (a list of indexes, where a map of lists would
    // take ten times the memory of a large deck).
    // Pages by number, so that sorting compares numbers.
    let mut page_ids: HashMap<&str, u32> = HashMap::new();
    let mut page_of = |k: &Key<'a>| {
        let next = page_ids.len() as u32;
        *page_ids.entry(k.file).or_insert(next)
    };
    let old_pages: Vec<u32> = old.iter().map(&mut page_of).collect();
    let new_pages: Vec<u32> = new.iter().map(&mut page_of).collect();
    for same_page in [true, false] {
        let page = |p: u32| if same_page { p } else { 0 };
        let by_old = |o: u32| (page(old_pages[o as usize]), old[o as usize].front);
        let mut order: Vec<u32> = (0..old.len() as u32).filter(|&o| !taken[o as usize]).collect();
        order.sort_unstable_by_key(|&o| (by_old(o), old[o as usize].line, o));
        for (n, k) in new.iter().enumerate() {
            if found[n].is_some() || fixed_note(n) {
                continue;
            }
            let want = (page(new_pages[n]), k.front);
            let start = order.partition_point(|&o| by_old(o) < want);
            let mut same = order[start..].iter().take_while(|&&o| by_old(o) == want);
            if let Some(&o) = same.find(|&&o| !taken[o as usize] && compatible(n, o as usize)) {
                found[n] = Some(o as usize);
                taken[o as usize] = true;
            }
        }
    }

    // 4 and 5: similar text on the same page.
    let mut pages: HashMap<&str, (Vec<usize>, Vec<usize>)> = HashMap::new();
    for (n, k) in new.iter().enumerate() {
        if found[n].is_none() && !fixed_note(n) {
            pages.entry(k.file).or_default().0.push(n);
        }
    }
    for (o, k) in old.iter().enumerate() {
        if !taken[o] {
            if let Some(page) = pages.get_mut(k.file) {
                page.1.push(o);
            }
        }
    }
    let mut files: Vec<&str> = pages.keys().copied().collect();
    files.sort_unstable();
    for file in files {
        let (news, olds) = &pages[file];
        if olds.is_empty() {
            continue;
        }
        let grams: Vec<Trigrams> = olds.iter().map(|&o| Trigrams::of(&text(true, o))).collect();
        let mut pairs = Vec::new();
        for &n in news {
            let mine = Trigrams::of(&text(false, n));
            for (j, &o) in olds.iter().enumerate() {
                if !compatible(n, o) {
                    continue;
                }
                let sim = mine.dice(&grams[j]);
                let distance = new[n].line.abs_diff(old[o].line);
                pairs.push((sim, distance, n, o));
            }
        }
        for (threshold, by_line) in [(0.5, false), (0.25, true)] {
            let mut ranked: Vec<_> = pairs.iter().filter(|p| p.0 >= threshold).copied().collect();
            // Step 4 takes the most similar first, step 5 the nearest.
            ranked.sort_by(|a, b| {
                let similar = b.0.total_cmp(&a.0);
                let near = a.1.cmp(&b.1);
                let order = if by_line { near.then(similar) } else { similar.then(near) };
                order.then(a.2.cmp(&b.2)).then(a.3.cmp(&b.3))
            });
            for (_, _, n, o) in ranked {
                if found[n].is_none() && !taken[o] {
                    found[n] = Some(o);
                    taken[o] = true;
                }
            }
        }
    }
    found
}

/// The character trigrams of a text, lower-cased, its runs of other characters than letters
/// and digits one space: a multiset, sorted.
struct Trigrams(Vec<[char; 3]>);

impl Trigrams {
    fn of(text: &str) -> Trigrams {
        let mut chars = vec![' '];
        for c in text.chars().flat_map(char::to_lowercase) {
            let c = if c.is_alphanumeric() { c } else { ' ' };
            if c != ' ' || chars.last() != Some(&' ') {
                chars.push(c);
            }
        }
        if chars.last() != Some(&' ') {
            chars.push(' ');
        }
        let mut grams: Vec<[char; 3]> = chars.windows(3).map(|w| [w[0], w[1], w[2]]).collect();
        grams.sort_unstable();
        Trigrams(grams)
    }

    /// Sørensen–Dice similarity: twice the shared trigrams over the total, 0 to 1.
    fn dice(&self, other: &Trigrams) -> f64 {
        let (a, b) = (&self.0, &other.0);
        if a.is_empty() && b.is_empty() {
            return 1.0;
        }
        let (mut i, mut j, mut shared) = (0, 0, 0);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    shared += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        2.0 * shared as f64 / (a.len() + b.len()) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Notes as (file, line, front).
    type Note<'a> = (&'a str, u32, &'a str);

    fn with(
        new: &[Note],
        old: &[Note],
        fixed: &[Option<usize>],
        compatible: &dyn Fn(usize, usize) -> bool,
    ) -> Vec<Option<usize>> {
        fn keys<'a>(v: &[Note<'a>]) -> Vec<Key<'a>> {
            v.iter().map(|&(file, line, front)| Key { file, line, front: front_hash(front) }).collect()
        }
        let mut text = |is_old: bool, k: usize| (if is_old { old[k].2 } else { new[k].2 }).to_string();
        match_notes(&keys(new), &keys(old), fixed, compatible, &mut text)
    }

    fn key(file: &str, line: u32, front: &str) -> (String, u32, String) {
        (file.to_string(), line, front.to_string())
    }

    fn run(new: &[(String, u32, String)], old: &[(String, u32, String)]) -> Vec<Option<usize>> {
        let n: Vec<Note> = new.iter().map(|(f, l, t)| (f.as_str(), *l, t.as_str())).collect();
        let o: Vec<Note> = old.iter().map(|(f, l, t)| (f.as_str(), *l, t.as_str())).collect();
        with(&n, &o, &vec![None; new.len()], &|_, _| true)
    }

    #[test]
    fn insertions_and_reordering_keep_each_note_its_own() {
        let old = [key("p", 1, "A?"), key("p", 3, "B?"), key("p", 5, "C is x")];
        let new = [key("p", 1, "a plain note"), key("p", 2, "C is x"), key("p", 4, "A?"), key("p", 6, "B?")];
        assert_eq!(run(&new, &old), [None, Some(2), Some(0), Some(1)]);
    }

    #[test]
    fn edits_moves_and_unrelated_notes() {
        let old = [key("p", 1, "What is the powerhouse of the cell?"), key("p", 4, "Osmosis"), key("q", 1, "Moved")];
        let new = [
            key("p", 1, "What is the power house of a cell?"),
            key("r", 9, "Moved"),
            key("p", 4, "Entirely different words"),
        ];
        assert_eq!(run(&new, &old), [Some(0), Some(2), None]);
    }

    #[test]
    fn the_same_page_wins_over_a_move_and_duplicates_pair_in_order() {
        let old = [key("q", 1, "Same"), key("p", 1, "Same"), key("p", 2, "Same")];
        let new = [key("p", 5, "Same"), key("p", 6, "Same"), key("p", 7, "Same")];
        assert_eq!(run(&new, &old), [Some(1), Some(2), Some(0)]);
    }

    #[test]
    fn fixed_notes_and_incompatible_types() {
        let old = [key("p", 1, "X"), key("p", 2, "Y")];
        let new = [key("p", 1, "Y"), key("p", 2, "X")];
        let n: Vec<Note> = new.iter().map(|(f, l, t)| (f.as_str(), *l, t.as_str())).collect();
        let o: Vec<Note> = old.iter().map(|(f, l, t)| (f.as_str(), *l, t.as_str())).collect();
        // The first new note is fixed to the first old one (its id), whatever its text.
        assert_eq!(with(&n, &o, &[Some(0), None], &|_, _| true), [Some(0), None]);
        // A note type the new note cannot have is never matched.
        assert_eq!(with(&n, &o, &[None, None], &|n, o| n != 1 || o != 0), [Some(1), None]);
    }

    #[test]
    fn similarity() {
        let d = |a: &str, b: &str| Trigrams::of(a).dice(&Trigrams::of(b));
        assert_eq!(d("Hello, world", "hello world!"), 1.0);
        assert_eq!(d("abc", "xyz"), 0.0);
        assert!(d("The capital of France", "The capital of Frence") > 0.5);
    }

    proptest! {
        #[test]
        fn never_two_notes_one_guid(
            new in proptest::collection::vec((0u8..3, 0u32..20, "[ab ]{0,6}"), 0..12),
            old in proptest::collection::vec((0u8..3, 0u32..20, "[ab ]{0,6}"), 0..12),
            fixed in proptest::collection::vec(proptest::option::of(0usize..12), 12),
        ) {
            let files = ["p", "q", "r"];
            let new_keys: Vec<Note> = new.iter().map(|(f, l, t)| (files[*f as usize], *l, t.as_str())).collect();
            let old_keys: Vec<Note> = old.iter().map(|(f, l, t)| (files[*f as usize], *l, t.as_str())).collect();
            let fixed: Vec<Option<usize>> =
                fixed.iter().take(new.len()).map(|f| f.filter(|&o| o < old.len())).collect();
            let found = with(&new_keys, &old_keys, &fixed, &|n, o| (n + o) % 5 != 0);
            let mut seen = std::collections::HashSet::new();
            for (n, o) in found.iter().enumerate() {
                if let Some(o) = o {
                    prop_assert!(seen.insert(*o), "old note {} given twice", o);
                    prop_assert!((n + o) % 5 != 0);
                    // Nothing in common, no match (unless an id fixed it).
                    let shared = Trigrams::of(new_keys[n].2).dice(&Trigrams::of(old_keys[*o].2));
                    prop_assert!(shared > 0.0 || fixed.get(n) == Some(&Some(*o)));
                }
            }
        }
    }
}
