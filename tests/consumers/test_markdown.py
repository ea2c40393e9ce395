"""Markdown front matter read back by a real YAML parser (PyYAML, a YAML 1.1 reader)."""
import yaml

from conftest import run

PAGE = (
    'title:: Front: matter "quoted" \\ back\n'
    "alias:: Other name, Another\n"
    "tags:: alpha, [[beta gamma]]\n"
    "type:: [[Book]]\n"
    "rating:: 5\n"
    "public:: true\n"
    "note:: a # not a comment, 'single' and \"double\" \\ slash: [x] {y}\n"
    "ctrl:: bell\x07 del\x7f nel\u0085 ls\u2028 tab\there\n"
    "empty-looking:: null\n"
    "- first block [[Book]]\n"
)


def front_matter(text):
    assert text.startswith("---\n"), text[:80]
    head, _, rest = text[4:].partition("\n---\n\n")
    # Then the title line, and the blocks.
    title, _, blocks = rest.partition("\n\n")
    assert title.startswith("# ") and blocks.startswith("- first block"), rest[:80]
    return yaml.safe_load(head)


def test_front_matter_reads_back_as_the_page_properties(tmp_path):
    pages = tmp_path / "graph" / "pages"
    pages.mkdir(parents=True)
    (pages / "Front.md").write_text(PAGE, encoding="utf-8")
    (pages / "Book.md").write_text("- a book\n", encoding="utf-8")
    out = tmp_path / "out"
    run("md", tmp_path / "graph", "-o", out, "--front-matter")
    [written] = [p for p in out.glob("*.md") if p.name != "Book.md"]
    assert front_matter(written.read_text(encoding="utf-8")) == {
        "title": 'Front: matter "quoted" \\ back',
        "aliases": ["Other name", "Another"],
        "tags": ["alpha", "beta gamma"],
        "type": ["Book"],
        "rating": 5,
        "public": True,
        "note": "a # not a comment, 'single' and \"double\" \\ slash: [x] {y}",
        "ctrl": "bell\x07 del\x7f nel\u0085 ls\u2028 tab\there",
        "empty-looking": "null",
    }
