"""Writes one card of a deck as Anki renders it (question and answer HTML from the real Anki
backend, with the note type's CSS) to an HTML file, for a screenshot.

Usage: render_card.py DECK.apkg FRONT_TEXT OUT.html
"""
import html
import os
import re
import sys
import tempfile

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

deck, front, out = sys.argv[1:4]
d = tempfile.mkdtemp()
col = Collection(os.path.join(d, "collection.anki2"))
opts = ImportAnkiPackageOptions(with_scheduling=False, with_deck_configs=False)
col.import_anki_package(ImportAnkiPackageRequest(package_path=deck, options=opts))
for cid in col.find_cards(""):
    card = col.get_card(cid)
    if re.sub(r"<[^>]+>", "", card.note().fields[0]) == front:
        break
else:
    sys.exit(f"no card with front {front!r}")
answer = card.answer()
page = f"""<!doctype html><html><head><meta charset="utf-8">
<style>body {{ margin: 0; background: #fff; }} .frame {{ width: 560px; padding: 12px; }}</style></head>
<body class="card"><div class="frame">{answer}</div></body></html>"""
with open(out, "w", encoding="utf-8") as f:
    f.write(page)
print(html.unescape(re.sub(r"<style>.*?</style>|<[^>]+>", " ", answer, flags=re.S)).split())
