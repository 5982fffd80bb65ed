"""The present stage of ``run``: the exports (Parquet, with ``network.gexf``) and the
static report, written from the finished corpus. Views recompute nothing, so
this stage only reads; the exporters are :mod:`propscope.present`'s."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..corpus import Corpus
from ..errors import InputError
from ..outputs import is_own_output, mark_outputs, marked_outputs
from ..present.export import export_corpus
from ..progress import Reporter
from ..tables import EXPORT_TABLES


def check_out_dir(out_dir: str | Path, inputs: Sequence[str | Path]) -> None:
    """Refuse an ``--out`` inside an input folder that holds, under an export's name, a file
    propscope did not write. Why: ``run data --out data`` with the analyst's own
    ``data/posts.parquet`` read it and then overwrote it with the ``posts`` export."""
    out = Path(out_dir).resolve()
    roots = [Path(p).resolve() for p in inputs if Path(p).is_dir()]
    if not out.is_dir() or not any(out == r or r in out.parents for r in roots):
        return
    marked = marked_outputs(out)
    names = [f"{t}.parquet" for t in EXPORT_TABLES] + ["network.gexf", "report.html"]
    foreign = [n for n in names if (out / n).is_file() and not is_own_output(out, n, marked)]
    if foreign:
        raise InputError(f"--out {out_dir} is inside an input folder and holds "
                         f"{', '.join(foreign[:3])}, which propscope did not write: the "
                         "exports would overwrite it",
                         hint="choose an --out folder outside the inputs (or move the file)")


def present_corpus(corpus: Corpus, out_dir: str | Path, reporter: Reporter) -> dict[str, Any]:
    """Write the exports and ``report.html`` into ``out_dir``; what ``run`` summarises."""
    from ..present.report import write_report  # the report's templates load only when used

    export = export_corpus(corpus, out_dir, "parquet")
    path = Path(out_dir) / "report.html"
    write_report(corpus, path)
    mark_outputs(path.parent, [path.name])
    reporter.print(f"report: {path}")
    return {"export": export, "report": str(path)}
