"""The static report: one self-contained HTML file that opens offline.

Everything it needs is inlined: our stylesheet, our two small scripts (allowed
by hash in a Content-Security-Policy, so nothing else could run even if a
document smuggled markup past escaping), charts drawn as SVG in Python. For a
large corpus the report shows every aggregate but only the ``max_documents``
documents with the most findings; the web app (``propscope serve``) browses all.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from .. import __version__
from ..corpus import Corpus
from .findings import findings
from .html import SCRIPTS, render, script_hash
from .queries import CorpusQueries
from .views import clusters_view, document_view, palette_for, signals_view, techniques_view

DEFAULT_MAX_DOCUMENTS = 200


def report_csp() -> str:
    """The report's policy, as a ``<meta>`` allows it (no frame-ancestors there)."""
    hashes = " ".join(script_hash(n) for n in SCRIPTS)
    return (f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; "
            "img-src data:; base-uri 'none'; form-action 'none'")


def write_report(corpus: Corpus, out_path: Path, *,
                 max_documents: int = DEFAULT_MAX_DOCUMENTS) -> Path:
    """Write the HTML report of ``corpus`` to ``out_path`` and return that path."""
    out_path = Path(out_path)
    qs = CorpusQueries(corpus.con)
    palette = palette_for(qs)
    doc_ids = qs.marked_documents(max_documents)
    docs = [d for d in (document_view(qs, i, palette) for i in doc_ids) if d is not None]
    included = {d["doc"]["doc_id"] for d in docs}
    net = qs.network()
    clusters = clusters_view(qs)
    shown_clusters = {c["cluster_id"] for c in clusters or []}
    html = render(
        "report.html",
        corpus_name=corpus.path.name, version=__version__, generated=datetime.now(UTC),
        csp_meta=report_csp(), ov=qs.overview(), computed=qs.computed(),
        versions=qs.stage_versions(), tech=techniques_view(qs, palette),
        sig=signals_view(qs), clusters=clusters, reuse_total=qs.reuse_count(),
        net=net, comms=qs.communities(), docs=docs, max_documents=max_documents,
        palette=palette,
        findings=findings(qs),
        doc_href=lambda i: f"#doc-{i}" if i in included else None,
        source_href=lambda s: None,
        cluster_href=lambda c: f"#cluster-{c}" if c in shown_clusters else "#reuse",
        community_href=lambda c: f"#community-{c}",
        technique_href=lambda t: f"#technique-{t}",
    )
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(html, encoding="utf-8")
    return out_path
