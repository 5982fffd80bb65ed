"""Progress of the technique model moves per document (issues 18 and 17).

It sat at 0/N until a batch of 512 documents ended (minutes on a CPU), so a user could
not tell a slow run from a hung one; then it moved every 8 documents (issue 18); now
every document, while the results are still written 8 at a time. The bar is the real one (plain lines, as on a
non-terminal), printed at every advance here; the model is the real one.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from rich.console import Console

from conftest import write_jsonl
from propscope import load_settings, pipeline
from propscope.progress import Reporter

DOCS = 20


def test_technique_progress_advances_per_document(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "posts.jsonl", [
        {"text": f"Report {i}: the council must act now or the harbour will be lost forever, "
                 f"said speaker {i}. Everyone knows the mayor is a traitor.",
         "source": f"site{i % 3}.example", "lang": "en"} for i in range(DOCS)])
    corpus = tmp_path / "c.duckdb"
    pipeline.ingest([src], corpus, load_settings())
    reporter = Reporter(line_interval_s=0)  # a line at every advance of the bar
    out = io.StringIO()
    reporter.console = Console(file=out, force_terminal=False, width=200)
    summary = pipeline.analyze(corpus, load_settings(analyzers=["techniques"],
                                                     techniques="all"), reporter)
    assert summary["techniques"]["documents"] == DOCS, summary
    seen = [int(n) for n in re.findall(rf"analyze: techniques: running (\d+)/{DOCS}",
                                       out.getvalue())]
    assert seen and min(seen) < DOCS, out.getvalue()
    # every count from 1 to DOCS is shown: the bar never jumps over a document
    assert set(range(1, DOCS + 1)) <= set(seen), seen
    assert max(b - a for a, b in zip([0, *seen], seen, strict=False)) <= 1, seen
    # grouped writes lose nothing: every document has its stage row and its spans are stored
    import duckdb

    con = duckdb.connect(str(corpus), read_only=True)
    try:
        done = con.execute("SELECT count(DISTINCT doc_id) FROM stage_done WHERE stage = 'techniques'").fetchone()
        with_spans = con.execute("SELECT count(DISTINCT doc_id) FROM spans").fetchone()
    finally:
        con.close()
    assert done == (DOCS,)
    assert with_spans is not None and 0 < with_spans[0] <= DOCS


def test_predict_spans_reports_each_article_as_it_is_scored(tmp_path: Path) -> None:
    """``predict-spans`` advances its bar after each article, not once at the end."""
    from propscope.analyze.techniques import predict
    from propscope.analyze.techniques.model import load_model

    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(3):
        (folder / f"article{700 + i}.txt").write_text(
            f"Story {i}. The mayor is a traitor who will ruin this town forever, critics say.\n",
            encoding="utf-8")
    model = load_model("semeval2023")
    scored: list[int] = []
    real_score = model.score

    def counting(texts, si=True):  # the real model, observed: how many articles scored so far
        scored.append(len(texts))
        return real_score(texts, si=si)

    ticks: list[int] = []
    model.score = counting  # type: ignore[method-assign]
    try:
        summary = predict.predict_spans([folder], out=tmp_path / "out.txt",
                                        progress=lambda n: ticks.append(sum(scored)))
    finally:
        del model.score  # back to the class's method
    assert summary["articles"] == 3
    # one tick per article, each right after that article was scored
    assert ticks == [1, 2, 3], ticks
