"""Word output read by real consumers: the ECMA-376 schemas (ooxml_check), openxml-audit's
semantic rules, python-docx, and LibreOffice converting it to PDF."""
import json
import pathlib
import re
import shutil
import subprocess
import sys
import zipfile

import docx
import pytest
from docx.shared import Emu

import ooxml_check
from conftest import CORPUS, ROOT, SEED, run, shared_missing, skipped

CASES = ROOT / "fixtures" / "cases"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# Every handout and worksheet the checks below read: the seed's, the fixtures', the docs graph's.
HANDOUTS = pytest.mark.parametrize(
    "src,extra",
    [
        (SEED, []),
        (SEED, ["--worksheet"]),
        (SEED, ["--paper", "letter", "--show-tags"]),
        (CASES / "inline", []),
        (CASES / "refs", []),
        (CASES / "cards", ["--worksheet"]),
        (CASES / "math", []),
        (CASES / "math", ["--worksheet"]),
        (CORPUS, []),
    ],
    ids=["seed", "seed-worksheet", "seed-letter", "inline", "refs", "cards-worksheet", "math", "math-worksheet", "corpus"],
)


def build(src, out, *extra):
    run("docx", src, "-o", out, *extra)
    return out


@HANDOUTS
def test_schema_valid(src, extra, tmp_path):
    out = build(src, tmp_path / "out.docx", *extra)
    assert ooxml_check.check(out) == []


@HANDOUTS
def test_openxml_audit_finds_nothing_word_would_repair(src, extra, tmp_path):
    """openxml-audit (semantic rules beyond the schemas: the parts Word always writes, the
    relationships they need) reports no violation on any handout or worksheet."""
    out = build(src, tmp_path / "out.docx", *extra)
    audit = pathlib.Path(sys.executable).parent / "openxml-audit"
    proc = subprocess.run([str(audit), "-o", "json", "-m", "0", str(out)], capture_output=True, text=True)
    (report,) = json.loads(proc.stdout)
    assert (report["error_count"], report["warning_count"]) == (0, 0), report["errors"][:5]
    assert report["verdict"]["prediction"] == "opens-clean", report["verdict"]


def test_split_gives_one_valid_document_per_page(tmp_path):
    run("docx", CASES / "inline", "-o", tmp_path / "split", "--split")
    files = sorted(p.name for p in (tmp_path / "split").iterdir())
    assert files == ["Inline.docx", "Page A.docx"]
    for f in files:
        assert ooxml_check.check(tmp_path / "split" / f) == []


def list_level(p):
    num = p._p.pPr.numPr if p._p.pPr is not None else None
    return None if num is None else int(num.ilvl.val)


def test_seed_structure_read_by_python_docx(tmp_path):
    d = docx.Document(build(SEED, tmp_path / "h.docx"))
    paras = d.paragraphs
    assert paras[0].style.name == "Title" and paras[0].text == "AWS"
    headings = [p.text for p in paras if p.style.name.startswith("Heading")]
    assert headings == [
        "How AWS started",
        "AWS Inside Amazon",
        "AWS as a Global Business",
        "AWS and Amazon's Strategic Power",
        "Recent Innovations (2024–2025)",
        "Conclusion / Takeaways",
    ]
    assert all(p.style.name == "Heading 1" for p in paras if p.text in headings)
    levels = [list_level(p) for p in paras if list_level(p) is not None]
    assert (levels.count(0), levels.count(1), len(levels)) == (32, 5, 37), "the empty block is dropped"
    numbering = d.part.numbering_part.element
    fmt = numbering.find(f".//{W}abstractNum/{W}lvl/{W}numFmt")
    assert fmt.get(W + "val") == "bullet"

    # Bold where the notes are bold, the resolved reference under its block.
    bold = [r.text for p in paras for r in p.runs if r.bold]
    assert "Amazon built AWS from solving its " in bold
    texts = [p.text for p in paras]
    lowers = texts.index("Lowers Amazon’s technology costs")
    assert texts[lowers + 1].startswith("Wanted to create a shared infrastructure")
    assert list_level(paras[lowers + 1]) == 1
    body = "\n".join(texts)
    for bad in ["((", "id::", "[[", "{:height", "\\rarr"]:
        assert bad not in body

    # The chart: inline, within the text width, aspect ratio kept, alt text set, still JPEG.
    section = d.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    (shape,) = d.inline_shapes
    assert shape.width <= text_width
    assert shape.height <= (section.page_height - section.top_margin - section.bottom_margin) / 2 + Emu(1)
    assert abs(shape.width / shape.height - 427 / 634) < 0.002
    assert shape._inline.docPr.get("descr") == "AWS vs Cloud market share"
    with zipfile.ZipFile(tmp_path / "h.docx") as z:
        assert z.read("word/media/image1.jpeg") == (SEED / "assets" / "18819_1763418886073_0.jpeg").read_bytes()

    props = d.core_properties
    assert (props.title, props.author) == ("AWS", "notes-export")
    assert abs(section.left_margin.cm - 2.0) < 0.01 and abs(section.page_width.cm - 21.0) < 0.05
    footer = "".join(t.text or "" for t in section.footer._element.iter(W + "instrText"))
    assert "PAGE" in footer and "NUMPAGES" in footer


def test_the_seed_worksheet_has_ten_prompts_and_ten_answers(tmp_path):
    """The bundled notes' worksheet asks its 10 outline cards, each over numbered ruled lines
    (a tab with an underscore leader to the right margin); no blank stands without a prompt;
    the key, after a page break, holds the 10 answers."""
    d = docx.Document(build(SEED, tmp_path / "w.docx", "--worksheet"))
    paras = d.paragraphs
    name = lambda p: p.style.name  # noqa: E731
    prompts = [p for p in paras if name(p) == "Worksheet Prompt"]
    assert len(prompts) == 10
    assert [p.text.split("\t")[0] for p in prompts] == [f"{n}." for n in range(1, 11)]
    assert prompts[0].text == "1.\tHow AWS started"
    # Every ruled line follows a prompt or another line, and is ruled to the margin.
    for k, p in enumerate(paras):
        if name(p) == "Worksheet Answer Line":
            assert name(paras[k - 1]) in ("Worksheet Prompt", "Worksheet Answer Line")
            tab = p._p.pPr.find(W + "tabs")[0]
            assert tab.get(W + "leader") == "underscore" and tab.get(W + "val") == "right"
    # No blank without a prompt.
    for p in paras:
        if any(r.style is not None and r.style.name == "Worksheet Blank" for r in p.runs):
            assert name(p) == "Worksheet Prompt", p.text
    # Prompts are set at 1.5 line spacing.
    assert d.styles["Worksheet Prompt"].paragraph_format.line_spacing == 1.5
    texts = [p.text for p in paras]
    key = texts.index("Answer key")
    assert paras[key]._p.pPr.pageBreakBefore is not None
    answers = [p for p in paras[key:] if name(p) == "Worksheet Answer"]
    assert len(answers) == 10
    assert answers[1].text == "2.\tAmazon built AWS from solving its own internal scaling problems"
    assert texts[1].startswith("Fill in")


def test_cloze_answers_become_blanks(tmp_path):
    d = docx.Document(build(CASES / "cards", tmp_path / "w.docx", "--worksheet"))
    texts = [p.text for p in d.paragraphs]
    answers = texts[texts.index("Answer key") + 1 :]
    for a in ["Paris", "Seine", "second", "first", "cloze wins", "What is the powerhouse of the cell?"]:
        assert any(a in t for t in answers), a
    capital = next(t for t in texts if t.startswith("The capital of France is"))
    assert "Paris" not in capital and "[a river]" in capital
    # The blank is sized for a hand: at least 2.5 cm of no-break spaces.
    gaps = [r for p in d.paragraphs for r in p.runs if r.style is not None and r.style.name == "Worksheet Blank"]
    assert gaps and all(set(g.text) == {"\u00a0"} and len(g.text) * 50 >= 1417 for g in gaps)


def test_a_teachers_template_gives_fonts_page_and_header(tmp_path):
    """A template made with python-docx (Word's own default template inside): the handout takes
    its fonts, page size, margins and header, names its styles, and stays schema-valid and
    clean by openxml-audit."""
    from docx.shared import Cm

    t = docx.Document()
    t.styles["Normal"].font.name = "Georgia"
    t.styles["Heading 1"].font.name = "Arial"
    section = t.sections[0]
    section.page_width, section.page_height, section.left_margin = Cm(17.6), Cm(25), Cm(3)
    section.header.paragraphs[0].text = "Biology 101"
    t.save(tmp_path / "template.docx")
    out = build(SEED, tmp_path / "out.docx", "--reference-doc", tmp_path / "template.docx")
    assert ooxml_check.check(out) == []
    audit = pathlib.Path(sys.executable).parent / "openxml-audit"
    proc = subprocess.run([str(audit), "-o", "json", "-m", "0", str(out)], capture_output=True, text=True)
    (report,) = json.loads(proc.stdout)
    assert (report["error_count"], report["warning_count"]) == (0, 0), report["errors"][:5]
    d = docx.Document(out)
    s = d.sections[0]
    assert abs(s.page_width.cm - 17.6) < 0.01 and abs(s.page_height.cm - 25) < 0.01 and abs(s.left_margin.cm - 3) < 0.01
    assert s.header.paragraphs[0].text == "Biology 101"
    assert d.styles["Normal"].font.name == "Georgia" and d.styles["Heading 1"].font.name == "Arial"
    names = {p.style.name for p in d.paragraphs}
    assert {"Title", "Heading 1", "Compact"} <= names, names


@pytest.fixture(scope="session")
def soffice():
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        pytest.fail("LibreOffice is needed: apt-get install libreoffice-writer-nogui poppler-utils (see .ci/run)")
    return exe


def to_pdf(soffice, path, outdir):
    subprocess.run(
        [soffice, "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(outdir), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return outdir / (path.stem + ".pdf")


def pdf_text(pdf):
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def test_libreoffice_renders_the_handout(soffice, tmp_path):
    pdf = to_pdf(soffice, build(SEED, tmp_path / "handout.docx"), tmp_path)
    text = pdf_text(pdf)
    pages = text.count("\f")
    assert pages >= 2
    assert f"Page 1 of {pages}" in text
    assert "How AWS started" in text and "Wanted to create a shared infrastructure" in text
    # The chart is drawn at its docx size: 8.65 cm wide fits the 17 cm text width.
    images = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"\b427\s+634\b", images), images


def test_libreoffice_renders_the_corpus_and_worksheet(soffice, tmp_path):
    for src, extra in [(CORPUS, []), (SEED, ["--worksheet"])]:
        if shared_missing(src):
            skipped("../shared/corpus/logseq-docs not found: LibreOffice on the docs graph", whole_test=False)
            continue
        out = build(src, tmp_path / f"{src.name}{len(extra)}.docx", *extra)
        text = pdf_text(to_pdf(soffice, out, tmp_path))
        assert "Page 1 of" in text
        if extra:
            assert "Answer key" in text


def test_libreoffice_renders_word_equations(soffice, tmp_path):
    """LaTeX becomes Office Math that LibreOffice lays out: no formula reaches paper as its
    LaTeX source, except the one with a command Word's equations cannot hold."""
    text = pdf_text(to_pdf(soffice, build(CASES / "math", tmp_path / "math.docx"), tmp_path))
    for source in ["\\frac", "\\sqrt", "\\sum", "\\begin", "\\alpha", "\\left", "\\text", "^{", "_{"]:
        assert source not in text, source
    for shown in ["α", "β", "∞", "∀", "∑", "∫", "otherwise"]:
        assert shown in text, shown
    assert "color{red}" in text, "the unsupported formula is printed as written"


def test_a_footnote_marked_twice_is_one_note_with_one_number(soffice, tmp_path):
    (tmp_path / "g" / "pages").mkdir(parents=True)
    (tmp_path / "g" / "pages" / "p.md").write_text("- first[^a] second[^b] again[^a]\n- [^a]: Note A.\n- [^b]: Note B.\n")
    out = build(tmp_path / "g", tmp_path / "p.docx")
    assert ooxml_check.check(out) == []
    text = pdf_text(to_pdf(soffice, out, tmp_path))
    assert re.search(r"first1 second2 again1", text), repr(text)
    assert text.count("Note A.") == 1 and text.count("Note B.") == 1, text


def test_libreoffice_sets_footnotes_at_the_foot_of_the_page(soffice, tmp_path):
    text = pdf_text(to_pdf(soffice, build(CASES / "inline", tmp_path / "inline.docx"), tmp_path))
    body, found, foot = text.partition("The first footnote, with bold and a link (https://example.org/fn).")
    assert found, text
    assert "footnotes: a mark" in body and "[^none]" in body
    assert "A named footnote" in foot and "whose text runs on." in foot
