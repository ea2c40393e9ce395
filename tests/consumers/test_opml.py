"""The OPML output read by a strict XML parser (lxml), as an outliner's importer reads it: one
outline per page, every outline with its text, notes holding the lines after a block's first."""
import json

import pytest
from lxml import etree

from conftest import CORPUS, SEED, run


def export(src, tmp_path):
    out = tmp_path / "outline.opml"
    run("opml", src, "-o", out, "-q")
    return etree.parse(str(out), etree.XMLParser(resolve_entities=False, huge_tree=True))


@pytest.mark.parametrize("src", [SEED, CORPUS], ids=["seed", "corpus"])
def test_outline_parses_and_holds_every_page(src, tmp_path):
    root = export(src, tmp_path).getroot()
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.find("head/title").text
    run("json", src, "-o", tmp_path / "graph.json", "-q")
    pages = json.loads((tmp_path / "graph.json").read_text())["pages"]
    outlines = root.findall("body/outline")
    assert [o.get("text") for o in outlines] == [p["title"] for p in pages]
    every = root.iter("outline")
    assert all(o.get("text") is not None for o in every)


def test_notes_keep_their_lines(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("- first line\n  second & third < fourth\n")
    root = export(page, tmp_path).getroot()
    block = root.find("body/outline/outline")
    assert block.get("text") == "first line"
    assert block.get("_note") == "second & third < fourth"
