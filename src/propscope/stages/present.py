"""The present stage of ``run``: the exports (Parquet, with ``network.gexf``) and the
static report, written from the finished corpus. Views recompute nothing, so
this stage only reads; the exporters are :mod:`propscope.present`'s."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..corpus import Corpus
from ..outputs import mark_outputs
from ..present.export import export_corpus
from ..progress import Reporter


def present_corpus(corpus: Corpus, out_dir: str | Path, reporter: Reporter) -> dict[str, Any]:
    """Write the exports and ``report.html`` into ``out_dir``; what ``run`` summarises."""
    from ..present.report import write_report  # the report's templates load only when used

    export = export_corpus(corpus, out_dir, "parquet")
    path = Path(out_dir) / "report.html"
    write_report(corpus, path)
    mark_outputs(path.parent, [path.name])
    reporter.print(f"report: {path}")
    return {"export": export, "report": str(path)}
