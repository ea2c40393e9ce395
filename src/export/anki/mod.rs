//! Anki decks: which blocks become notes, their fields, decks, tags and stable identities,
//! written as a legacy `.apkg` that every Anki version imports.

mod html;
mod identity;
mod matching;
mod notetypes;
mod package;
mod previous;
mod schedule;

use super::{ExportError, Exporter, Finished, Format, Input, Job, Needs, Options, Sink};
use crate::diag::{Code, Diagnostic};
use super::cards::{card_blocks, outline_cards, CardKind as Kind};
pub use super::cards::CardMode;
use crate::ir::{has_inline, is_marker, BlockAddr, Inline, PropValue};
use html::{escape, Renderer};
use identity::{base_guid, deck_id, note_mod, uuid_guid, FALLBACK_MOD};
use notetypes::Model;
pub use previous::{PreviousDeck, REMOVED_TAG};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

#[derive(Debug, Clone, Default)]
pub struct AnkiOptions {
    /// Top deck name; default: the graph folder's name (or the page title for one file).
    pub deck: Option<String>,
    /// The previous build of this deck: each note continues the one it was (see
    /// [`matching`]), unchanged notes keep their time, edited ones get a newer one, and
    /// notes that left the graph are written once more, tagged [`REMOVED_TAG`].
    pub previous: Option<Arc<PreviousDeck>>,
    /// Every card new, whatever Logseq's review properties say.
    pub no_scheduling: bool,
    /// Which subdecks pages get.
    pub deck_per: DeckPer,
    /// The input is a whole graph folder: a previous note whose page is no longer in it has
    /// left the notes (otherwise only notes of the exported pages can have).
    pub whole_graph: bool,
}

/// Which subdeck of the top deck a page's cards go to (`--deck-per`, `anki.deck-per`); a
/// `deck::` property on the page or a block always wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeckPer {
    /// One per page (`Top::Page`, namespaces nested: `Top::course::Page`); journals share one
    /// `Top::Journal`.
    #[default]
    Page,
    /// One per namespace (`course/bio` goes to `Top::course`); pages outside any, and
    /// journals, to the top deck.
    Namespace,
    /// Every card in the top deck.
    None,
}

/// What a note's content is compared by across builds: its fields joined with U+001F, then a
/// U+001E and its tags joined with spaces, hashed as one stream of bytes. Never stored, so a
/// fast hash does (a large previous deck holds hundreds of MB of fields).
pub fn content_hash<'a>(fields: impl IntoIterator<Item = &'a str>, tags: impl IntoIterator<Item = &'a str>) -> u64 {
    // SipHash is a streaming hash: the fields hash the same whole or in pieces.
    use std::hash::Hasher;
    let mut h = std::hash::DefaultHasher::new();
    for (k, f) in fields.into_iter().enumerate() {
        if k > 0 {
            h.write(b"\x1f");
        }
        h.write(f.as_bytes());
    }
    h.write(b"\x1e");
    for (k, t) in tags.into_iter().enumerate() {
        if k > 0 {
            h.write(b" ");
        }
        h.write(t.as_bytes());
    }
    h.finish()
}

pub struct AnkiExporter;


impl Exporter for AnkiExporter {
    type Job = AnkiJob;
    const FORMAT: Format = Format {
        name: "anki",
        about: "Write an Anki deck (.apkg) that Anki imports without add-ons",
        extension: "apkg",
        text: false,
        build: "deck.apkg",
        per_page: false,
        help: "Examples:\n  notes-export anki my-graph -o deck.apkg --deck Biology\n  notes-export anki pages/Cells.md -o cells.apkg --cards tagged\n\nWithout -o: NAME.apkg in the current folder, NAME being the graph folder's name (or the page's title).\nWhen the output file exists (or with --previous), each note continues the note it was there:\nedits, moves and new blocks around it keep its identity and its review history in Anki.",
    };

    fn start(&self, graph: &Input, options: &Options) -> Result<AnkiJob, ExportError> {
        // A deck named by the user nests at `::`; a graph's or page's name is a title.
        let top = match &options.anki.deck {
            Some(deck) => deck_path(deck),
            None => title_deck_path(&graph.name),
        };
        let outline = outline_cards(graph, options);
        let collection =
            package::Collection::new(&top).map_err(|message| ExportError::Encode { format: "anki", message })?;
        Ok(AnkiJob {
            outline,
            options: options.clone(),
            media_names: media_names(graph),
            top,
            collection: std::sync::Mutex::new(collection),
            decks: BTreeMap::new(),
            used_media: BTreeSet::new(),
            diagnostics: Vec::new(),
            counts: BTreeMap::new(),
            skipped: 0,
            written: Vec::new(),
        })
    }
}

/// A note made from one block (decks get their ids when the deck is written).
pub struct Draft {
    kind: Kind,
    note: package::Note,
    deck: String,
    media: Vec<String>,
    /// What its fields leave out.
    notes: Vec<Diagnostic>,
    /// What matching it with the previous deck's notes needs (only made when there is one).
    key: Option<NoteKey>,
}

/// A written note, as [`matching`] sees it.
struct NoteKey {
    /// Its row in the collection.
    id: i64,
    file: Arc<str>,
    line: u32,
    /// [`matching::front_hash`] of its front.
    front: u64,
    uuid: Option<Box<str>>,
    /// Its content as written.
    content: u64,
    /// Its modification time if it is new or changed.
    modified: i64,
    /// The guid and time it was written with (most notes keep both: no rewrite).
    written: (Box<str>, i64),
}

pub enum Entry {
    Note(Box<Draft>),
    Skipped(Diagnostic),
}

pub struct AnkiJob {
    /// Every block with children is a note (front = block, back = children), beside clozes.
    outline: bool,
    options: Options,
    media_names: BTreeMap<String, String>,
    top: String,
    /// Notes are written as they come (a mutex only to share the job across threads).
    collection: std::sync::Mutex<package::Collection>,
    decks: BTreeMap<String, i64>,
    used_media: BTreeSet<String>,
    diagnostics: Vec<Diagnostic>,
    counts: BTreeMap<Kind, usize>,
    skipped: usize,
    /// The notes written, with their kinds, when a previous deck is to be matched.
    written: Vec<(Kind, NoteKey)>,
}

impl Job for AnkiJob {
    /// The page's notes, and the blocks it leaves out, in block order.
    type Page = Vec<Entry>;

    fn needs(&self) -> Needs {
        match self.outline {
            true => Needs::All,
            false => Needs::Flashcards,
        }
    }

    fn page(&self, graph: &Input, pi: u32) -> Result<Vec<Entry>, ExportError> {
        let page = &graph.pages[pi as usize];
        let file: Arc<str> = Arc::from(place(graph, page));
        // How many notes of the page so far had each front: the guids of notes with the same
        // front differ by it.
        let mut seen: HashMap<(bool, String), u32> = HashMap::new();
        let mut entries = Vec::new();
        for (b, kind) in card_blocks(graph, pi, self.outline) {
            let a = BlockAddr { page: pi, block: b };
            match kind {
                Some(kind) => entries.push(self.draft(graph, a, kind, &file, &mut seen)),
                None => {
                    if let Some(why) = broken_cloze(graph.block(a)) {
                        let line = graph.block(a).line;
                        entries.push(Entry::Skipped(Diagnostic::warning(Code::SkippedCard, &page.file, line, 1, why)));
                    }
                }
            }
        }
        Ok(entries)
    }

    fn add(&mut self, _graph: &Input, _page: u32, part: Vec<Entry>, _out: &mut dyn Sink) -> Result<(), ExportError> {
        part.into_iter().try_for_each(|entry| self.write(entry))
    }

    fn finish(mut self, graph: &Input, out: &mut dyn Sink) -> Result<Finished, ExportError> {
        let encode = |message| ExportError::Encode { format: "anki", message };
        let (legacy, removed) = match self.options.anki.previous.clone() {
            Some(previous) => self.continue_previous(graph, &previous).map_err(encode)?,
            None => (Vec::new(), Vec::new()),
        };
        let outline_used = self.options.cards == CardMode::Auto && self.outline;
        let AnkiJob {
            decks, used_media, mut diagnostics, counts, skipped, collection, options, top, media_names, ..
        } = self;
        let media: Vec<package::Media> = media_names
            .iter()
            .filter(|(_, name)| used_media.contains(*name))
            .filter_map(|(path, name)| {
                graph.assets.get(path).map(|a| package::Media { name: name.clone(), data: a.data.clone() })
            })
            .collect();
        let deck_list: Vec<package::Deck> = decks.into_iter().map(|(name, id)| package::Deck { id, name }).collect();
        let created = options.timestamp.unwrap_or(FALLBACK_MOD);
        let collection = collection.into_inner().unwrap_or_else(|e| e.into_inner());
        let (notes, cards) = (collection.notes - removed.len(), collection.cards);
        let file = format!("{}.apkg", super::safe_file_name(&top.replace("::", " - ").replace('\u{200b}', "")));
        collection.finish(&deck_list, &legacy, &media, created, out, std::path::Path::new(&file)).map_err(encode)?;
        let n = |k: Kind| counts.get(&k).copied().unwrap_or(0);
        let mut summary = format!(
            "{} notes ({} basic, {} reversed, {} cloze), {} cards, {} media, {} decks, {} skipped",
            notes,
            n(Kind::Basic),
            n(Kind::Reversed),
            n(Kind::Cloze),
            cards,
            media.len(),
            deck_list.len(),
            skipped
        );
        if !removed.is_empty() {
            const LISTED: usize = 5;
            let mut list: Vec<String> = removed.iter().take(LISTED).map(|f| format!("\u{201c}{}\u{201d}", truncate(f, 40))).collect();
            if removed.len() > LISTED {
                list.push(format!("{} more", removed.len() - LISTED));
            }
            summary.push_str(&format!(
                "; {} left the notes, written once more tagged {REMOVED_TAG}: {}",
                removed.len(),
                list.join(", ")
            ));
        }
        if outline_used {
            summary.push_str(" (no #card or cloze found: outline cards, one per block with children)");
        }
        if notes == 0 && options.cards == CardMode::Tagged {
            // An empty deck is a mistake to point out, not a result: the notes hold no flashcards.
            diagnostics.push(Diagnostic::warning(
                Code::NoCards,
                "",
                0,
                0,
                "the deck has no notes: the selected pages hold no #card block or cloze \
                 (--cards outline makes a card of every block with children)",
            ));
        }
        Ok(Finished { diagnostics, summary })
    }
}

impl AnkiJob {
    /// Counts an entry and writes its note into the collection.
    fn write(&mut self, entry: Entry) -> Result<(), ExportError> {
        match entry {
            Entry::Skipped(d) => {
                self.skipped += 1;
                self.diagnostics.push(d);
            }
            Entry::Note(draft) => {
                let Draft { kind, mut note, deck, media, notes, key } = *draft;
                self.diagnostics.extend(notes);
                let deck = *self.decks.entry(deck).or_insert_with_key(|name| deck_id(name));
                note.cards.iter_mut().for_each(|c| c.deck = deck);
                self.used_media.extend(media);
                *self.counts.entry(kind).or_default() += 1;
                let collection = self.collection.get_mut().unwrap_or_else(|e| e.into_inner());
                let id = collection.add(&note).map_err(|message| ExportError::Encode { format: "anki", message })?;
                if let Some(mut key) = key {
                    key.id = id;
                    self.written.push((kind, key));
                }
            }
        }
        Ok(())
    }

    /// Gives each written note the guid of the previous deck's note it continues (see
    /// [`matching`]) and the time its content calls for, and writes once more, tagged, the
    /// previous notes that left the notes. Returns the legacy note types in use and the fronts
    /// of the notes that left.
    fn continue_previous(&mut self, graph: &Input, previous: &PreviousDeck) -> Result<(Vec<Model>, Vec<String>), String> {
        let old = &previous.notes;
        let old_keys: Vec<matching::Key> =
            old.iter().map(|o| matching::Key { file: &o.file, line: o.line, front: o.front }).collect();
        let written = std::mem::take(&mut self.written);
        let new_keys: Vec<matching::Key> =
            written.iter().map(|(_, k)| matching::Key { file: &k.file, line: k.line, front: k.front }).collect();
        let by_uuid: HashMap<&str, usize> =
            old.iter().enumerate().filter_map(|(i, o)| Some((o.uuid.as_deref()?, i))).collect();
        let collection = self.collection.get_mut().unwrap_or_else(|e| e.into_inner());
        // Texts are read back only for the notes the same text does not match.
        let mut failed = None;
        let mut text = |is_old: bool, k: usize| {
            let t = if is_old { previous.front(&old[k]) } else { collection.sort_field(written[k].1.id) };
            t.unwrap_or_else(|e| {
                failed = Some(e);
                String::new()
            })
        };
        let fixed: Vec<Option<usize>> = written
            .iter()
            .map(|(_, k)| {
                let u = k.uuid.as_deref()?;
                by_uuid.get(u).copied().or_else(|| previous.find(&uuid_guid(u)))
            })
            .collect();
        // A note keeps its type in Anki: a basic note goes on as one (with or without its
        // reverse), a cloze as a cloze, a note of a legacy type as that type.
        let compatible = |n: usize, o: usize| {
            matches!(
                (written[n].0, old[o].model),
                (Kind::Cloze, Model::Cloze)
                    | (Kind::Basic | Kind::Reversed, Model::Basic)
                    | (Kind::Basic, Model::LegacyBasic)
                    | (Kind::Reversed, Model::LegacyReversed)
            )
        };
        let found = matching::match_notes(&new_keys, &old_keys, &fixed, &compatible, &mut text);
        if let Some(e) = failed {
            return Err(e);
        }
        let mut legacy = BTreeSet::new();
        // Guids given to new notes (an old note's guid is never given to one).
        let mut taken: HashSet<String> = HashSet::new();
        let mut continued = vec![false; old.len()];
        for ((kind, key), found) in written.iter().zip(&found) {
            match *found {
                Some(o) => {
                    let old = &old[o];
                    continued[o] = true;
                    let (model, content, fields) = match old.model.legacy_fields() {
                        Some(keep) => {
                            legacy.insert(old.model);
                            let (all, tags) = collection.fields(key.id)?;
                            let all: Vec<&str> = all.split('\x1f').collect();
                            let kept: Vec<&str> = keep.iter().map(|&k| all.get(k).copied().unwrap_or("")).collect();
                            let content = content_hash(kept.iter().copied(), tags.split_whitespace());
                            (old.model, content, Some(kept.join("\x1f")))
                        }
                        None => (old.model, key.content, None),
                    };
                    let modified = if content == old.content { old.modified } else { key.modified.max(old.modified + 1) };
                    let same = *key.written.0 == *old.guid && key.written.1 == modified && fields.is_none();
                    if !same {
                        collection.rewrite(key.id, &old.guid, model.id(), fields.as_deref(), modified)?;
                    }
                }
                None => {
                    // A new note: the guid it was written with, unless an old note had it.
                    let guid = &*key.written.0;
                    let mut fresh = guid.to_string();
                    let mut k = 1;
                    while previous.find(&fresh).is_some() || !taken.insert(fresh.clone()) {
                        fresh = identity::rehash(guid, k);
                        k += 1;
                    }
                    if fresh != guid || key.written.1 != key.modified {
                        let model = if *kind == Kind::Cloze { Model::Cloze } else { Model::Basic };
                        collection.rewrite(key.id, &fresh, model.id(), None, key.modified)?;
                    }
                }
            }
        }

        // The previous notes that left: written once more, tagged, unless they were already
        // (then they are gone from this deck, and stay tagged in Anki). Only notes of pages
        // this run exported can have left; of a page no longer there, only when the whole
        // graph was exported (a page file or a selection says nothing of the others).
        let exported: HashSet<&str> = (0..graph.pages.len() as u32)
            .filter(|&p| self.options.includes(p))
            .map(|p| graph.pages[p as usize].file.as_str())
            .collect();
        let in_graph: HashSet<&str> = graph.pages.iter().map(|p| p.file.as_str()).collect();
        let whole = self.options.anki.whole_graph && self.options.pages.is_none();
        let mut removed = Vec::new();
        for (o, note) in old.iter().enumerate() {
            let left = exported.contains(&*note.file) || whole && !in_graph.contains(&*note.file);
            if continued[o] || note.removed || !left {
                continue;
            }
            let row = previous.row(note)?;
            let mut tags = row.tags;
            tags.push(REMOVED_TAG.to_string());
            let cards = row
                .cards
                .iter()
                .map(|(ord, deck)| {
                    let deck = if deck.is_empty() { self.top.clone() } else { deck.clone() };
                    let deck = *self.decks.entry(deck).or_insert_with_key(|name| deck_id(name));
                    package::Card { ord: *ord, deck, schedule: None }
                })
                .collect();
            if note.model.legacy_fields().is_some() {
                legacy.insert(note.model);
            }
            let fields = row.fields;
            collection.add(&package::Note {
                guid: note.guid.clone(),
                model: note.model.id(),
                modified: note.modified + 1,
                tags,
                fields,
                sort: row.sort.clone(),
                cards,
            })?;
            let sort = row.sort;
            self.diagnostics.push(Diagnostic::info(
                Code::RemovedCard,
                &note.file,
                note.line,
                1,
                format!("\u{201c}{}\u{201d} left the notes: written once more, tagged {REMOVED_TAG}", truncate(&sort, 60)),
            ));
            removed.push(sort.clone());
        }
        Ok((legacy.into_iter().collect(), removed))
    }

    /// The note for one selected block, or why it has none.
    fn draft(
        &self,
        graph: &Input,
        addr: BlockAddr,
        kind: Kind,
        file: &Arc<str>,
        seen: &mut HashMap<(bool, String), u32>,
    ) -> Entry {
        let page = &graph.pages[addr.page as usize];
        let block = graph.block(addr);
        let mut r = Renderer::new(graph, &self.media_names);
        let numbers = if kind == Kind::Cloze { cloze_numbers(block) } else { Vec::new() };
        let extra = block.properties.iter().find(|p| p.key == "extra").map(|p| escape(p.raw.trim()));
        let mut fields = match kind {
            Kind::Cloze => {
                r.cloze_numbers = Some(numbers.clone());
                let text = r.block_without(addr, &|i| is_marker(i, "card"));
                let text = r.with_footnotes(text);
                r.cloze_numbers = None;
                let mut children = r.children(addr);
                children = r.with_footnotes(children);
                if let Some(extra) = extra {
                    children = if children.is_empty() { extra } else { format!("{children}<div>{extra}</div>") };
                }
                vec![text, children]
            }
            Kind::Basic | Kind::Reversed => {
                let front = r.block_without(addr, &|i| is_marker(i, "card") || is_marker(i, "reversed"));
                let front = r.with_footnotes(front);
                let back = r.children(addr);
                vec![front, r.with_footnotes(back), extra.unwrap_or_default()]
            }
        };
        if kind == Kind::Cloze && !has_inline(block, &|i| matches!(i, Inline::Cloze { answer, .. } if !answer.is_empty())) {
            return Entry::Skipped(Diagnostic::warning(
                Code::SkippedCard,
                &page.file,
                block.line,
                1,
                "every cloze of the block is empty: nothing to ask; no note made",
            ));
        }
        let sort = html::strip_html(&fields[0]);
        if sort.is_empty() && !fields[0].contains("<img") {
            return Entry::Skipped(Diagnostic::info(
                Code::EmptyCard,
                &page.file,
                block.line,
                1,
                "card has an empty front; skipped",
            ));
        }
        fields.push(context(graph, addr));
        fields.push(source(graph, addr));
        let reverse = kind == Kind::Reversed;
        if kind != Kind::Cloze {
            fields.push(if reverse { "y".to_string() } else { String::new() });
        }
        let deck = deck_for(graph, addr, &self.top, self.options.anki.deck_per);
        let cloze = kind == Kind::Cloze;
        let guid = match &block.uuid {
            Some(u) => uuid_guid(u),
            None => {
                let n = seen.entry((cloze, sort.clone())).or_default();
                *n += 1;
                base_guid(&page.name, cloze, &sort, *n - 1)
            }
        };
        let (model, ords): (Model, Vec<i64>) = match kind {
            Kind::Basic => (Model::Basic, vec![0]),
            // The reverse card asks with the back: only when there is one.
            Kind::Reversed => (Model::Basic, if fields[1].is_empty() { vec![0] } else { vec![0, 1] }),
            Kind::Cloze => {
                let mut n: Vec<i64> = numbers.iter().map(|&n| n as i64 - 1).collect();
                n.sort();
                n.dedup();
                (Model::Cloze, n)
            }
        };
        let mut notes = Vec::new();
        let schedule = match schedule::of_block(block, self.options.timestamp.unwrap_or(FALLBACK_MOD)) {
            _ if self.options.anki.no_scheduling => None,
            Some(Ok(s)) => Some(s),
            Some(Err(why)) => {
                notes.push(Diagnostic::warning(
                    Code::BadSchedule,
                    &page.file,
                    block.line,
                    1,
                    format!("{why}: the card stays new"),
                ));
                None
            }
            None => None,
        };
        // Logseq reviews a block as one card: its schedule is the first card's (all of a
        // cloze's, shown together in Logseq).
        let cards = ords
            .into_iter()
            .map(|ord| package::Card { ord, deck: 0, schedule: schedule.filter(|_| ord == 0 || cloze) })
            .collect();
        let tags = tags(graph, addr);
        let base = note_mod(page, self.options.timestamp);
        let mut modified = base;
        let key = self.options.anki.previous.as_ref().map(|previous| {
            let content = content_hash(fields.iter().map(String::as_str), tags.iter().map(String::as_str));
            // Most notes continue the note with the guid they are written with: their time is
            // known now, and matching rewrites only the others (and notes of legacy types).
            if let Some(old) = previous.find(&guid).map(|o| &previous.notes[o]) {
                modified = if content == old.content { old.modified } else { base.max(old.modified + 1) };
            }
            NoteKey {
                id: 0,
                file: file.clone(),
                line: block.line,
                front: matching::front_hash(&sort),
                uuid: block.uuid.clone(),
                content,
                modified: base,
                written: (guid.as_str().into(), modified),
            }
        });
        notes.extend(r.notes);
        let note = package::Note { guid, model: model.id(), modified, tags, fields, sort, cards };
        Entry::Note(Box::new(Draft { kind, note, deck, media: r.used_media, notes, key }))
    }
}

/// The blocks of the selected pages that make notes and have no `id::` (for `--write-ids`),
/// chosen as the deck chooses them.
pub fn blocks_without_ids(graph: &crate::ir::Graph, options: &Options) -> Vec<BlockAddr> {
    let input = Input::whole(graph);
    let outline = outline_cards(&input, options);
    (0..graph.pages.len() as u32)
        .filter(|&p| options.includes(p))
        .flat_map(|p| {
            card_blocks(&input, p, outline)
                .into_iter()
                .filter(|(_, kind)| kind.is_some())
                .map(move |(block, _)| BlockAddr { page: p, block })
        })
        .filter(|&a| graph.block(a).is_some_and(|b| b.uuid.is_none()))
        .collect()
}

/// Why a block that is no card looks like one: cloze markup left as text (it never closes).
fn broken_cloze(block: &crate::ir::Block) -> Option<String> {
    let mut found = None;
    crate::ir::for_each_inline(&block.body, &mut |i| {
        if let Inline::Text { text } = i {
            let lower = text.to_ascii_lowercase();
            let anki = lower.match_indices("{{c").any(|(k, _)| {
                let d = lower[k + 3..].bytes().take_while(u8::is_ascii_digit).count();
                d > 0 && lower[k + 3 + d..].starts_with("::")
            });
            if found.is_none() && (lower.contains("{{cloze") || anki) {
                found = Some("a cloze that never closes (no `}}`): no note made".to_string());
            }
        }
    });
    found
}

/// Logseq clozes are numbered 1, 2, … in order, skipping numbers written explicitly.
fn cloze_numbers(block: &crate::ir::Block) -> Vec<u32> {
    let mut explicit = HashSet::new();
    let mut order = Vec::new();
    crate::ir::for_each_inline(&block.body, &mut |i| {
        if let Inline::Cloze { number, .. } = i {
            order.push(*number);
            if let Some(n) = number {
                explicit.insert(*n);
            }
        }
    });
    let mut next = 1;
    order
        .into_iter()
        .map(|n| {
            n.unwrap_or_else(|| {
                while explicit.contains(&next) {
                    next += 1;
                }
                next += 1;
                next - 1
            })
        })
        .collect()
}

/// Page › ancestor › ancestor (the nearest three), as plain escaped text.
fn context(graph: &Input, a: BlockAddr) -> String {
    const SHOWN: usize = 3;
    let page = &graph.pages[a.page as usize];
    let mut parts = vec![escape(&page.title)];
    let mut near = Vec::new();
    let mut cur = page.blocks[a.block as usize].parent;
    while let Some(c) = cur {
        if near.len() == SHOWN {
            parts.push("…".to_string());
            break;
        }
        near.push(c);
        cur = page.blocks[c as usize].parent;
    }
    for &anc in near.iter().rev() {
        let mut t = String::new();
        crumb(graph, page.blocks[anc as usize].title(), &mut t, 0);
        let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
        if !t.is_empty() {
            parts.push(escape(&truncate(&t, 60)));
        }
    }
    parts.join(" › ")
}

/// An ancestor's first line as the breadcrumb shows it, shown on the question side: its text,
/// without the tags that label the block (`#card`, `#topic`), a cloze as `[…]` (its answer
/// must not show before the question is answered), a block reference as the text it shows.
fn crumb(graph: &Input, inlines: &[Inline], out: &mut String, depth: usize) {
    for (k, i) in inlines.iter().enumerate() {
        match i {
            Inline::Text { text } | Inline::Code { text } => out.push_str(text),
            Inline::Strong { children }
            | Inline::Emphasis { children }
            | Inline::Strike { children }
            | Inline::Highlight { children }
            | Inline::Link { children, .. } => crumb(graph, children, out, depth),
            Inline::PageRef { name, label, .. } => match label {
                Some(l) => crumb(graph, l, out, depth),
                None => out.push_str(name),
            },
            Inline::Tag { name, .. } if !crate::ir::tag_labels_block(inlines, k) => out.push_str(name),
            Inline::Cloze { .. } => out.push_str("[…]"),
            Inline::BlockRef { label: Some(l), .. } => crumb(graph, l, out, depth),
            Inline::BlockRef { target, .. } if depth < 3 => {
                if let crate::ir::RefText::Title(_, title) = graph.ref_text(*target, &[]) {
                    crumb(graph, title, out, depth + 1);
                }
            }
            Inline::Math { tex, .. } => out.push_str(tex),
            Inline::Image { alt, .. } => out.push_str(alt),
            Inline::SoftBreak | Inline::HardBreak => out.push(' '),
            _ => {}
        }
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}

/// What a note's Source names its page by, and what a previous deck's notes are matched on
/// page by: the file, or for a DB graph (whose page files are made up) the title.
fn place<'g>(graph: &crate::ir::Graph, page: &'g crate::ir::Page) -> &'g str {
    match graph.db_graph {
        true => &page.title,
        false => &page.file,
    }
}

/// Page title, file:line (a DB graph's page has neither file nor lines: its title alone), and
/// a link that opens the block in Logseq when it has an id.
fn source(graph: &Input, a: BlockAddr) -> String {
    let page = &graph.pages[a.page as usize];
    let block = graph.block(a);
    let place = match graph.db_graph {
        true => escape(&page.title),
        false => format!("{} · {}:{}", escape(&page.title), escape(&page.file), block.line),
    };
    match &block.uuid {
        Some(uuid) => format!(
            "<a href=\"logseq://graph/{}?block-id={}\">{place}</a>",
            percent_encoding::utf8_percent_encode(&graph.name, percent_encoding::NON_ALPHANUMERIC),
            escape(uuid)
        ),
        None => place,
    }
}

/// `a/b` namespaces and spaces → Anki's `a::b` and `_`.
fn anki_tag(t: &str) -> String {
    let t = t.trim();
    // Most tags are one word: nothing to split or replace.
    if !t.contains(|c: char| c == '/' || c.is_whitespace()) {
        return t.to_string();
    }
    t.split('/').map(|s| s.trim().replace(char::is_whitespace, "_")).collect::<Vec<_>>().join("::")
}

fn tags(graph: &Input, a: BlockAddr) -> Vec<String> {
    let page = &graph.pages[a.page as usize];
    let mut out: BTreeSet<String> = page.tags.iter().map(|t| anki_tag(t)).collect();
    crate::ir::for_each_inline(&graph.block(a).body, &mut |i| {
        if let Inline::Tag { name, .. } = i {
            if !name.eq_ignore_ascii_case("card") && !name.eq_ignore_ascii_case("reversed") {
                out.insert(anki_tag(name));
            }
        }
    });
    for p in &graph.block(a).properties {
        if let (true, PropValue::Refs(r)) = (p.key == "tags", &p.value) {
            out.extend(r.iter().map(|t| anki_tag(t)));
        }
    }
    out.into_iter().filter(|t| !t.is_empty()).collect()
}

/// The deck of a page title: its namespaces (`a/b`) nested. `::` in a title is text
/// (`std::condition_variable::wait`), not Anki's deck separator: a zero-width space between
/// the colons keeps it one deck that reads the same.
fn title_deck_path(title: &str) -> String {
    deck_path(&title.replace("::", ":\u{200b}:"))
}

/// A `deck::` property's deck: `/` and `::` both nest.
fn deck_path(name: &str) -> String {
    name.split(['/'])
        .flat_map(|s| s.split("::"))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("::")
}

/// The deck of a block's cards: a `deck::` property on the block, an ancestor or the page wins;
/// otherwise the page's subdeck of `top` as `--deck-per` says.
fn deck_for(graph: &Input, a: BlockAddr, top: &str, per: DeckPer) -> String {
    let page = &graph.pages[a.page as usize];
    let mut chain = page.ancestors(a.block);
    chain.push(a.block);
    for b in chain.iter().rev() {
        if let Some(p) = page.blocks[*b as usize].properties.iter().find(|p| p.key == "deck") {
            return deck_path(p.raw.trim_matches(['[', ']']));
        }
    }
    if let Some(p) = page.property("deck") {
        return deck_path(p.raw.trim_matches(['[', ']']));
    }
    let journal = page.kind == crate::ir::PageKind::Journal;
    let sub = match per {
        DeckPer::None => String::new(),
        DeckPer::Page if journal => "Journal".to_string(),
        DeckPer::Page => title_deck_path(&page.title),
        DeckPer::Namespace if journal => String::new(),
        DeckPer::Namespace => page.title.rsplit_once('/').map(|(ns, _)| title_deck_path(ns)).unwrap_or_default(),
    };
    if top.is_empty() {
        sub
    } else if sub.is_empty() || graph.pages.len() == 1 && top == sub {
        top.to_string()
    } else {
        format!("{top}::{sub}")
    }
}

/// Flat, unique media names: the file name without characters Anki strips, made unique.
fn media_names(graph: &Input) -> BTreeMap<String, String> {
    let mut used: HashSet<String> = HashSet::new();
    let mut out = BTreeMap::new();
    for path in graph.assets.keys() {
        let file = path.rsplit('/').next().unwrap_or(path);
        let clean: String = file.chars().filter(|c| !"[]<>:\"/?*^\\|".contains(*c) && !c.is_control()).collect();
        let clean = if clean.trim_matches('.').is_empty() { "image".to_string() } else { clean };
        let mut name = clean.clone();
        let mut k = 1;
        while !used.insert(name.to_lowercase()) {
            name = match clean.rsplit_once('.') {
                Some((stem, ext)) => format!("{stem}-{k}.{ext}"),
                None => format!("{clean}-{k}"),
            };
            k += 1;
        }
        out.insert(path.clone(), name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_decks() {
        assert_eq!(anki_tag("course/week 1"), "course::week_1");
        assert_eq!(anki_tag(" biology "), "biology");
        assert_eq!(anki_tag("a\tb"), "a_b");
        assert_eq!(deck_path("Biology/Cells"), "Biology::Cells");
        assert_eq!(deck_path(" a :: b "), "a::b");
        // In a title, `::` is text: one deck, shown with its colons.
        assert_eq!(title_deck_path("std::condition_variable::wait"), "std:\u{200b}:condition_variable:\u{200b}:wait");
        assert_eq!(title_deck_path("course/std::vector"), "course::std:\u{200b}:vector");
    }

    #[test]
    fn content_hashes_match_a_stored_note() {
        // As the note is made (fields and tags apart) and as it is read back from a deck
        // (fields joined with U+001F, tags padded with spaces).
        let made = content_hash(["front", "back", ""], ["bio", "course::x"]);
        assert_eq!(made, content_hash(["front\x1fback\x1f"], " bio course::x ".split_whitespace()));
        assert_ne!(made, content_hash(["front", "back", ""], ["bio"]));
        assert_ne!(made, content_hash(["front", "back"], ["bio", "course::x"]));
    }

    #[test]
    fn checksum_matches_anki() {
        // sha1("Front") = dd19f988…
        assert_eq!(package::checksum("Front"), 0xdd19f988);
    }
}
