"""Progress of the technique model moves per few documents (issue 18, CLI list).

It sat at 0/N until a batch of 512 documents ended (minutes on a CPU), so a user could
not tell a slow run from a hung one. The bar is the real one (plain lines, as on a
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


def test_technique_progress_advances_before_the_batch_ends(tmp_path: Path) -> None:
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
    assert max(b - a for a, b in zip([0, *seen], seen, strict=False)) <= 8, seen
