"""A hostile document's page stays near the size of its text (issue 14, item 4).

A 1 MB text of short links and attributions once rendered as a 22 MB, later 77 MB,
page: every repeated-phrase occurrence and link became a highlighted mark with its
tooltip, and every row a table line. The page now highlights the first findings, lists
the first rows of each table, and says how many there are (the exports hold them all).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from starlette.testclient import TestClient

from propscope import load_settings, open_corpus
from propscope.pipeline import run
from propscope.present.views import LIST_CAP, MARK_CAP
from propscope.present.webapp import create_app

BLOCK = ("Go. https://t.co/abc " * 40 + "— Jane Doe (@jdoe) May 4, 2021 "
         + "word https://t.co/x " * 40 + "— Jon (@jon) 2021-05-04\n")


def _page(tmp_path: Path, text: str) -> tuple[str, int]:
    src = tmp_path / "doc.jsonl"
    src.write_text(json.dumps({"id": "big", "source": "site", "text": text}) + "\n")
    corpus = tmp_path / "c.duckdb"
    settings = load_settings(analyzers=("references", "repetitions"))
    run([str(src)], corpus, None, settings)
    with open_corpus(corpus, read_only=True) as c:
        doc_id = c.con.execute("SELECT doc_id FROM documents").fetchone()[0]
        n_refs = c.con.execute('SELECT count(*) FROM doc_references WHERE doc_id = ?',
                               [doc_id]).fetchone()[0]
    response = TestClient(create_app(corpus)).get(f"/doc/{doc_id}")
    assert response.status_code == 200
    return response.text, n_refs


def test_a_page_of_thousands_of_links_stays_near_its_text_size(tmp_path: Path) -> None:
    text = BLOCK * (400_000 // len(BLOCK))
    html, n_refs = _page(tmp_path, text)
    assert n_refs > LIST_CAP and n_refs > MARK_CAP // 2
    # the text, escaped once, plus at most MARK_CAP tooltips and LIST_CAP rows per table
    assert len(html) < 3 * len(text.encode()) + 1_500_000, len(html)
    assert f'data-count="refs">{n_refs}<' in html  # the count is the whole count
    assert 'data-capped="refs"' in html and 'data-capped="marks"' in html
    assert len(re.findall(r'<tr><td>url</td>', html)) <= LIST_CAP


def test_an_ordinary_page_says_nothing_about_caps(tmp_path: Path) -> None:
    html, _ = _page(tmp_path, "A short note with one link https://example.org/a and #tag.\n")
    assert "data-capped" not in html
