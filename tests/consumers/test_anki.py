"""The .apkg imported by the real Anki backend (pip package `anki`) into fresh collections."""
import json
import os
import re
import shutil

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from conftest import CORPUS, ROOT, SEED, run

CARDS = ROOT / "fixtures" / "cases" / "cards"


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
    [(SEED, []), (CARDS, []), (CORPUS, []), (CORPUS, ["--cards", "outline"])],
    ids=["seed", "card-rules", "corpus", "corpus-outline"],
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
    assert models == ["notes-export Basic"]
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
