"""The .apkg imported by the real Anki backend (pip package `anki`) into fresh collections."""
import json
import os
import re
import shutil

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from conftest import CORPUS, ROOT, SEED, SHARED, run

CARDS = ROOT / "fixtures" / "cases" / "cards"
DB_GRAPHS = SHARED / "logseq-db" / "graphs"


def build(src, out, *extra):
    """Builds a deck and returns the numbers the tool reported."""
    proc = run("anki", src, "-o", out, *extra)
    m = re.search(r"anki: (\d+) notes \(.*?\), (\d+) cards, (\d+) media", proc.stderr)
    assert m, proc.stderr
    return {"notes": int(m[1]), "cards": int(m[2]), "media": int(m[3])}


def collection(tmp_path, name="col"):
    d = tmp_path / name
    d.mkdir()
    return Collection(str(d / "collection.anki2"))


def import_into(col, apkg):
    options = ImportAnkiPackageOptions(with_scheduling=False, with_deck_configs=False)
    return col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg), options=options)).log


def render_problems(col):
    tr = col.tr
    return [
        tr.card_template_rendering_front_side_problem(),
        tr.card_template_rendering_back_side_problem(),
        tr.card_template_rendering_more_info(),
        tr.card_template_rendering_empty_front(),
    ]


@pytest.mark.parametrize(
    "src,extra",
    [
        (SEED, []),
        (CARDS, []),
        (CORPUS, []),
        (CORPUS, ["--cards", "outline"]),
        # Logseq DB graphs, read from db.sqlite in place.
        (DB_GRAPHS / "flashcards", []),
        (DB_GRAPHS / "flashcards-edn", []),
        (DB_GRAPHS / "aws", ["--cards", "outline"]),
    ],
    ids=["seed", "card-rules", "corpus", "corpus-outline", "db-flashcards", "db-flashcards-edn", "db-aws"],
)
def test_real_anki_imports_and_renders_every_card(src, extra, tmp_path):
    out = tmp_path / "deck.apkg"
    reported = build(src, out, *extra)
    col = collection(tmp_path)
    log = import_into(col, out)
    assert len(log.new) == reported["notes"] > 0
    assert not log.conflicting and not log.missing_notetype and not log.empty_first_field
    assert not log.duplicate and not log.first_field_match
    cards = col.find_cards("")
    assert len(cards) == reported["cards"]
    problems = render_problems(col)
    media_dir = col.media.dir()
    for cid in cards:
        card = col.get_card(cid)
        q, a = card.question(), card.answer()
        for text in (q, a):
            for p in problems:
                assert p not in text, f"card {cid} renders a template problem: {text[:300]}"
        body = re.sub(r"<style>.*?</style>|<[^>]+>", "", q, flags=re.S).strip()
        assert body, f"card {cid} has an empty question"
        if card.note().note_type()["type"] == 1:
            assert "[...]" in q or "cloze" in q, f"cloze card {cid} hides nothing: {q[-300:]}"
        for src_name in re.findall(r'<img src="([^"]+)"', a):
            if not src_name.startswith("http"):
                assert os.path.exists(os.path.join(media_dir, src_name)), f"media {src_name} missing"
    assert len(os.listdir(media_dir)) == reported["media"]
    col.close()


def test_seed_deck_contents(tmp_path):
    out = tmp_path / "deck.apkg"
    build(SEED, out)
    col = collection(tmp_path)
    import_into(col, out)
    models = [m.name for m in col.models.all_names_and_ids() if m.name.startswith("notes-export")]
    assert models == ["notes-export Basic (optional reversed card)"]
    notes = [col.get_note(n) for n in col.find_notes("")]
    assert len(notes) == 10
    by_front = {re.sub(r"<[^>]+>", "", n["Front"]): n for n in notes}
    assert "Wanted to create a shared infrastructure" in by_front["Lowers Amazon’s technology costs"]["Back"]
    assert '<img src="18819_1763418886073_0.jpeg"' in by_front["AWS as a Global Business"]["Back"]
    assert os.path.exists(os.path.join(col.media.dir(), "18819_1763418886073_0.jpeg"))
    col.close()


def test_reimport_adds_nothing(tmp_path):
    out = tmp_path / "deck.apkg"
    build(SEED, out)
    col = collection(tmp_path)
    import_into(col, out)
    log = import_into(col, out)
    assert (len(log.new), len(log.updated), len(log.duplicate)) == (0, 0, 10)
    assert len(col.find_notes("")) == 10
    col.close()


def edit(page, old, new):
    text = page.read_text()
    assert old in text
    page.write_text(text.replace(old, new))
    st = os.stat(page)
    os.utime(page, (st.st_atime, st.st_mtime + 60))


def imported_copy_of_seed(tmp_path):
    """A copy of the seed graph, its deck, and a collection the deck was imported into."""
    graph = tmp_path / "graph"
    shutil.copytree(SEED, graph)
    out = tmp_path / "deck.apkg"
    build(graph, out)
    col = collection(tmp_path)
    import_into(col, out)
    return graph, out, col


def test_editing_one_block_updates_exactly_that_note(tmp_path):
    graph, out, col = imported_copy_of_seed(tmp_path)
    models_before = len(col.models.all_names_and_ids())
    page = graph / "pages" / "AWS.md"

    # A leaf shown by one note only (in the Back of its parent's note).
    edit(page, "dual moat: tech + profits", "double moat: tech and profits")
    build(graph, out)
    log = import_into(col, out)
    assert (len(log.new), len(log.updated), len(log.duplicate)) == (0, 1, 9)
    assert not log.conflicting
    (nid,) = col.find_notes('"back:*double moat*"')
    assert col.get_note(nid)["Front"] == "AWS and Amazon's Strategic Power"

    # A deeper leaf is shown by its parent's note and, nested, by its grandparent's: both update.
    edit(page, "encourages customer loyalty", "keeps customers loyal")
    build(graph, out)
    log = import_into(col, out)
    assert (len(log.new), len(log.updated), len(log.duplicate)) == (0, 2, 8)

    assert len(col.models.all_names_and_ids()) == models_before, "no second note type"
    assert len(col.find_notes("")) == 10
    col.close()


def test_a_new_page_before_the_others_adds_one_note_and_its_card(tmp_path):
    # Note and card ids follow the outline's order: a page sorted first takes the ids the
    # notes already imported had. Anki matches by guid and gives the newcomer free ids.
    graph, out, col = imported_copy_of_seed(tmp_path)
    (graph / "pages" / "Aardvark.md").write_text("- What does an aardvark eat?\n\t- Ants and termites\n")
    assert build(graph, out)["notes"] == 11
    log = import_into(col, out)
    assert (len(log.new), len(log.updated), len(log.duplicate)) == (1, 0, 10)
    assert len(col.find_notes("")) == 11 and len(col.find_cards("")) == 11
    (nid,) = col.find_notes('"front:*aardvark*"')
    (card,) = col.get_note(nid).cards()
    assert "Ants and termites" in card.answer()
    for cid in col.find_cards(""):
        assert col.get_card(cid).note().id in col.find_notes("")
    col.close()


def test_cards_land_in_their_decks(tmp_path):
    """After a real import every card is in the deck the golden says (namespaces nested with
    `::`, a `deck::` property on the page or on a block winning), with each card's place."""
    golden = json.loads((ROOT / "tests" / "golden" / "cards" / "anki.json").read_text())
    expected = sorted((c["note"], c["ord"], c["deck"]) for c in golden["cards"])
    out = tmp_path / "deck.apkg"
    build(CARDS, out)
    col = collection(tmp_path)
    import_into(col, out)
    landed = []
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        landed.append((card.note().guid, card.ord, col.decks.name(card.did)))
    col.close()
    assert sorted(landed) == expected
    assert {"Chemistry Deck", "Special::Deep", "cards::Biology"} <= {d for _, _, d in expected}


def notes_by_guid(col):
    return {col.get_note(n).guid: col.get_note(n) for n in col.find_notes("")}


def deck_notes(apkg):
    """guid -> (fields, tags) of the notes an .apkg holds, read with SQLite."""
    import sqlite3
    import tempfile
    import zipfile

    with zipfile.ZipFile(apkg) as z, tempfile.NamedTemporaryFile(suffix=".anki2") as f:
        f.write(z.read("collection.anki2"))
        f.flush()
        db = sqlite3.connect(f.name)
        rows = db.execute("SELECT guid, flds, tags FROM notes").fetchall()
        db.close()
    return {g: (flds.split("\x1f"), tags.split()) for g, flds, tags in rows}


def test_a_week_of_edits_keeps_every_note_and_its_history(tmp_path):
    """The deck is built into the same file every time (so each build continues the last one)
    and imported after each edit. Anki must end up with each card once, showing the notes'
    current text, with the schedule its cards had (set after the first import), and the card
    that was deleted tagged for the user to find."""
    graph = tmp_path / "graph"
    shutil.copytree(CARDS, graph)
    bio = graph / "pages" / "Biology.md"
    out = tmp_path / "deck.apkg"
    build(graph, out)
    col = collection(tmp_path)
    log = import_into(col, out)
    assert not log.conflicting and not log.duplicate
    first = notes_by_guid(col)
    # A week of reviews: every card due in 9 days, with a 9-day interval.
    col.sched.set_due_date(col.find_cards(""), "9!")
    reviewed = set(col.find_cards(""))

    def step(change):
        change()
        st = os.stat(bio)
        os.utime(bio, (st.st_atime, st.st_mtime + 60))
        build(graph, out)
        log = import_into(col, out)
        assert not log.conflicting, [n.fields for n in log.conflicting]
        written = deck_notes(out)
        in_anki = notes_by_guid(col)
        for guid, (fields, tags) in written.items():
            # Every note of the deck is in Anki once, with the deck's text.
            assert guid in in_anki
            assert in_anki[guid].fields == fields, (in_anki[guid].fields, fields)
        fronts = [n.fields[0] for g, n in in_anki.items() if "notes-export::removed" not in n.tags]
        assert len(fronts) == len(set(fronts)), "a note twice"
        # Cards reviewed before keep their schedule.
        for cid in reviewed & set(col.find_cards("")):
            card = col.get_card(cid)
            assert (card.type, card.ivl) == (2, 9), col.get_note(card.nid).fields[0]
        return in_anki

    # A block inserted above the cards.
    step(lambda: edit(bio, "- What is the powerhouse", "- A plain note first\n- What is the powerhouse"))
    # One card deleted.
    step(lambda: edit(bio, "- Diagram #card\n\t- ![missing chart](../assets/nope.png)\n", ""))
    # One card moved to another page.
    def move():
        edit(bio, "- Osmosis\n  card-direction:: reversed\n  #card\n\t- water moves across a membrane\n", "")
        (graph / "pages" / "Transport.md").write_text("- Osmosis #card\n\t- water moves across a membrane\n")

    step(move)
    # One answer edited.
    now = step(lambda: edit(bio, "makes ATP", "makes most of the cell's ATP"))
    powerhouse = [n for n in now.values() if n.fields[0] == "What is the powerhouse of the cell?"]
    assert len(powerhouse) == 1 and "most of the cell" in powerhouse[0]["Back"]
    assert powerhouse[0].guid in first
    # #reversed added to one: the same note, one card more.
    now = step(lambda: edit(bio, "Energy: $E = mc^2$ is famous #card", "Energy: $E = mc^2$ is famous #card #reversed"))
    (energy,) = [n for n in now.values() if n.fields[0].startswith("Energy")]
    assert energy.guid in first and len(energy.cards()) == 2
    # One card turned into a cloze: a new note; the old one tagged.
    now = step(lambda: edit(bio, "- Photosynthesis #card #reversed\n\t- turns light into chemical energy",
                            "- {{cloze Photosynthesis}} turns light into chemical energy"))
    removed = {n.fields[0] for n in now.values() if "notes-export::removed" in n.tags}
    assert removed == {"Diagram", "Photosynthesis"}, removed
    assert len(col.find_notes("tag:notes-export::removed")) == 2
    cloze = [n for n in now.values() if "{{c1::Photosynthesis}}" in n.fields[0]]
    assert len(cloze) == 1 and cloze[0].guid not in first
    col.close()


def test_logseq_review_properties_become_anki_schedules(tmp_path):
    """A card Logseq scheduled arrives as a review card due on the day Logseq said, with its
    interval, ease and repetitions, when imported with scheduling."""
    import datetime

    graph = tmp_path / "graph"
    (graph / "pages").mkdir(parents=True)
    next_day = datetime.date.today() + datetime.timedelta(days=12)
    (graph / "pages" / "Review.md").write_text(
        "- Scheduled? #card\n"
        "  card-last-interval:: 30.6\n  card-repeats:: 4\n  card-ease-factor:: 2.7\n"
        f"  card-next-schedule:: {next_day.isoformat()}T12:00:00.000Z\n"
        "  card-last-reviewed:: 2024-03-01T13:38:41.045Z\n  card-last-score:: 5\n"
        "\t- yes\n"
        "- New? #card\n\t- no\n"
    )
    out = tmp_path / "deck.apkg"
    build(graph, out)
    col = collection(tmp_path)
    options = ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=False)
    col.import_anki_package(ImportAnkiPackageRequest(package_path=str(out), options=options))
    cards = {col.get_card(c).note().fields[0]: col.get_card(c) for c in col.find_cards("")}
    s = cards["Scheduled?"]
    assert (s.type, s.queue, s.ivl, s.factor, s.reps) == (2, 2, 31, 2700, 4)
    assert s.due - col.sched.today == 12
    assert len(col.card_stats_data(s.id).revlog) == 1
    assert cards["New?"].type == 0
    # --no-scheduling: every card new.
    build(graph, tmp_path / "new.apkg", "--no-scheduling")
    col2 = collection(tmp_path, "col2")
    col2.import_anki_package(ImportAnkiPackageRequest(package_path=str(tmp_path / "new.apkg"), options=options))
    assert {col2.get_card(c).type for c in col2.find_cards("")} == {0}
    col.close()
    col2.close()


def test_a_reverse_card_exists_only_with_a_back(tmp_path):
    """`#reversed` without children gives one card, and Anki does not add a blank reverse card
    when the note is edited later (it generates a card whenever a template's front renders);
    with a back, two cards. No card is empty by Anki's own check."""
    graph = tmp_path / "graph"
    (graph / "pages").mkdir(parents=True)
    (graph / "pages" / "R.md").write_text("- Lonely #card #reversed\n- Pair #card #reversed\n\t- the back\n")
    out = tmp_path / "deck.apkg"
    build(graph, out)
    col = collection(tmp_path)
    import_into(col, out)
    notes = {col.get_note(n)["Front"]: col.get_note(n) for n in col.find_notes("")}
    assert len(notes["Lonely"].cards()) == 1
    assert len(notes["Pair"].cards()) == 2
    lonely = notes["Lonely"]
    lonely["Front"] = "Lonely, edited in Anki"
    col.update_note(lonely)
    assert len(col.get_note(lonely.id).cards()) == 1
    assert not col.get_empty_cards().notes
    col.close()
