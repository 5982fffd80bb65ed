"""The local web app: the report's views over live, read-only DuckDB queries.

Design choices, and why:

* **Read-only, local.** The corpus is opened with ``read_only=True``; only GET
  and HEAD are routed; the server binds to 127.0.0.1 unless told otherwise. No
  route takes a file path: documents are looked up by ID, sources by name, and
  anything else is a 404.
* **Hostile clients and input.** :func:`serve` answers only to the bound
  address's names (DNS rebinding) and, off loopback, only to holders of a token
  (:mod:`propscope.present.guard`); every numeric or date query parameter is
  checked (400 with a message, never a 500); CSV cells that a spreadsheet would
  run as formulas get a leading single quote.
* **Fast at a million documents.** Pages read the side index built by
  :mod:`propscope.present.browse_index` (keyset pagination, column filters,
  an inverted token index for search); corpus-wide aggregates are computed once
  at start-up and cached, since the corpus cannot change under a read-only app.
* **Same views as the report.** Sections come from the shared templates in
  ``_macros.html`` and the queries in :mod:`propscope.present.queries`.
* **Thread per request, one DuckDB thread per query.** Handlers are synchronous;
  Starlette runs them in its thread pool and each thread keeps its own DuckDB
  cursor. Once the start-up aggregates are computed, DuckDB is limited to one
  worker thread per query (``QUERY_THREADS``): every page query is small, and
  with several requests in flight, per-query parallelism only made them fight
  over the same cores.
"""

from __future__ import annotations

import contextlib
import errno
import io
import socket
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.routing import Route

from .. import __version__
from ..errors import PortInUse, ServeError
from .browser import (
    DOC_ID,
    EXPORT_COLUMNS,
    CorpusBrowser,
)
from .export import guard_formulas
from .findings import over_represented
from .furniture_view import source_furniture
from .guard import AccessGuard, allowed_hosts, url_host
from .html import csp, render
from .reuse_view import cluster_page
from .selection import (
    SORTS,
    BadParameter,
    Selection,
    int_param,
)
from .technique_view import technique_page
from .views import clusters_view, document_view

# -- HTTP -----------------------------------------------------------------------------------

SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                    "X-Frame-Options": "DENY"}


def _html(request: Request, template: str, **ctx: Any) -> str:
    b: CorpusBrowser = request.app.state.browser
    return render(template, corpus_name=b.path.name, version=__version__, palette=b.palette,
                  doc_href=lambda i: f"/doc/{quote(str(i), safe='')}" if i else None,
                  source_href=lambda s: "/source?" + urlencode({"name": s}) if s else None,
                  cluster_href=lambda c: f"/reuse/{quote(str(c), safe='')}",
                  community_href=lambda c: f"/network#community-{quote(str(c), safe='')}",
                  filter_href=lambda **kw: Selection(**kw).url(),
                  technique_href=lambda t: "/technique?" + urlencode({"name": t}),
                  request_path=request.url.path, **ctx)


def _respond(html: str, status: int = 200) -> HTMLResponse:
    headers = {"Content-Security-Policy": csp(), **SECURITY_HEADERS}
    return HTMLResponse(html, status_code=status, headers=headers)


def _page(request: Request, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    return _respond(_html(request, template, **ctx), status)


def _constant_page(request: Request, template: str, **ctx: Any) -> HTMLResponse:
    """A page that takes no parameters over a read-only corpus: rendered once, then reused."""
    b: CorpusBrowser = request.app.state.browser
    return _respond(b.cached("page:" + template, lambda: _html(request, template, **ctx)))


def overview(request: Request) -> Response:
    b: CorpusBrowser = request.app.state.browser
    return _constant_page(request, "app_overview.html", ov=b.cached("overview", None),
                 computed=b.cached("computed", None), versions=b.cached("versions", None),
                 tech=b.cached("tech", None), sig=b.cached("signals", None),
                 facets=b.cached("facets", None), sel=Selection(),
                 findings=b.cached("findings", None))


def documents(request: Request) -> Response:
    b: CorpusBrowser = request.app.state.browser
    sel = Selection.from_params(request.query_params)
    as_ref = None
    if sel.q and not sel.ref and b.is_reference(sel.q):
        # A tracking ID, wallet, handle or hashtag lives in the markup or the references
        # table, not always in the text the word index reads: search finds it there.
        sel, as_ref = replace(sel, q="", ref=sel.q), sel.q
    found, next_after = b.page(sel)
    total, capped = b.count(sel)
    snippets = b.snippets(sel, [r["doc_id"] for r in found]) if sel.q else {}
    return _page(request, "app_documents.html", sel=sel, sorts=SORTS, rows=found, total=total, capped=capped,
                 snippets=snippets, as_ref=as_ref,
                 next_url=sel.url(after=next_after) if next_after else None,
                 first_url=sel.url(after=0) if sel.after else None,
                 facets=b.cached("facets", None))


def document(request: Request) -> Response:
    b: CorpusBrowser = request.app.state.browser
    doc_id = request.path_params["doc_id"]
    if not DOC_ID.match(doc_id):
        raise HTTPException(404)
    view = document_view(b.queries(), doc_id, b.palette)
    if view is None:
        raise HTTPException(404)
    return _page(request, "app_document.html", d=view)


def source(request: Request) -> Response:
    b: CorpusBrowser = request.app.state.browser
    name = str(request.query_params.get("name") or "")
    cur = b.cursor()
    # Precomputed per source by the side index (see browse_index): one lookup, no scan.
    row = cur.execute("SELECT n, first, last, spans, techniques, signals "
                      "FROM ps_index.source_stats WHERE source = ?", [name]).fetchone()
    if not row or not row[0]:
        # An account whose posts all repeat other sources' documents (reposts, forwards,
        # exact copies) holds no document of its own, but it is a node of the network and
        # may be in a group: its page lists what it republished, never a dead end.
        row = cur.execute("SELECT count(*), min(published), max(published), 0, [], [] "
                          "FROM document_sources WHERE source = ?", [name]).fetchone()
    if not row or not row[0]:
        raise HTTPException(404)
    stats = row[:4]
    techniques = [(t["name"], t["n"]) for t in row[4]]
    signals = [(s["name"], s["n"]) for s in row[5]]
    qs = b.queries()
    cluster_ids = None
    if qs.has("reuse_clusters"):
        cluster_ids = [r[0] for r in cur.execute(
            "SELECT cluster_id FROM ps_index.source_clusters WHERE source = ? "
            "ORDER BY size DESC, cluster_id LIMIT 10", [name]).fetchall()]
    communities: list[dict[str, Any]] = []
    if qs.has("communities"):  # every group the source is in, each with its caveats
        of = qs.readings()
        communities = [{"id": c, "readings": of.get(c, [])} for (c,) in cur.execute(
            "SELECT DISTINCT community_id FROM communities WHERE source = ? "
            "ORDER BY community_id", [name]).fetchall()]
    compared = over_represented(qs, 30, source=name, min_ratio=0.0, min_hits=1)
    return _page(request, "app_source.html", name=name, stats=stats, techniques=techniques,
                 compared=compared,
                 signals=signals, net=qs.network(max_edges=100, source=name),
                 communities=communities, clusters=clusters_view(qs, 10, 0, name, cluster_ids),
                 furniture=source_furniture(qs, name),
                 sel=Selection(source=name),
                 computed={t: qs.has(t) for t in ("spans", "doc_references", "communities")})


def cluster(request: Request) -> Response:
    b: CorpusBrowser = request.app.state.browser
    cid = request.path_params["cluster_id"]
    if not DOC_ID.match(cid):
        raise HTTPException(404)
    view = cluster_page(b.queries(), cid)
    if view is None:
        raise HTTPException(404)
    return _page(request, "app_cluster.html", c=view)


def technique(request: Request) -> Response:
    b: CorpusBrowser = request.app.state.browser
    name = str(request.query_params.get("name") or "")[:200]
    if not name:  # the index: every technique, each a link to its page
        return _constant_page(request, "app_techniques.html", tech=b.cached("tech", None),
                              facets=b.cached("facets", None))
    view = technique_page(b.queries(), name)
    if view is None:
        raise HTTPException(404)
    return _page(request, "app_technique.html", t=view, sel=Selection(technique=name))


def network(request: Request) -> Response:
    b: CorpusBrowser = request.app.state.browser
    return _constant_page(request, "app_network.html", net=b.cached("network", None),
                          comms=b.cached("communities", None),
                          relations=b.cached("post_relations", None))


def reuse(request: Request) -> Response:
    b: CorpusBrowser = request.app.state.browser
    page = int_param(request.query_params, "page", maximum=10**9)
    per = 20
    clusters = clusters_view(b.queries(), per, page * per)
    total = b.cached("reuse_total", None)
    return _page(request, "app_reuse.html", clusters=clusters, total=total, page=page,
                 has_next=total is not None and (page + 1) * per < total)


def export(request: Request) -> Response:
    b: CorpusBrowser = request.app.state.browser
    fmt = request.path_params["fmt"]
    if fmt not in ("csv", "parquet"):
        raise HTTPException(404)
    sel = Selection.from_params(request.query_params)
    reader = b.export_reader(sel)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    name = f"propscope-selection-{stamp}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', **SECURITY_HEADERS}
    if fmt == "parquet":
        buf = io.BytesIO()
        with pq.ParquetWriter(buf, reader.schema) as writer:
            for batch in reader:
                writer.write_batch(batch)
        return Response(buf.getvalue(), media_type="application/vnd.apache.parquet",
                        headers=headers)

    def stream() -> Iterator[bytes]:
        first = True
        for batch in reader:
            tbl = pa.Table.from_batches([batch])
            tbl = tbl.set_column(tbl.schema.get_field_index("techniques"), "techniques",
                                 pc.binary_join(tbl["techniques"], ";"))
            tbl = tbl.set_column(tbl.schema.get_field_index("signals"), "signals",
                                 pc.binary_join(tbl["signals"], ";"))
            tbl = guard_formulas(tbl)  # spreadsheets must show titles like =HYPERLINK(), not run them
            out = io.BytesIO()
            pacsv.write_csv(tbl, out, pacsv.WriteOptions(include_header=first))
            first = False
            yield out.getvalue()
        if first:  # empty selection: still a header line
            yield (",".join(EXPORT_COLUMNS) + "\n").encode()

    return StreamingResponse(stream(), media_type="text/csv; charset=utf-8", headers=headers)


async def not_found(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 404)
    with contextlib.suppress(Exception):
        return _page(request, "app_error.html", status=status, status_code=status)
    return Response("not found", status_code=status)


async def bad_request(request: Request, exc: Exception) -> Response:
    """400 naming the parameter that could not be used (escaped by the template)."""
    message = str(exc)
    with contextlib.suppress(Exception):
        return _page(request, "app_error.html", status=400, status_code=400, message=message)
    return Response(f"400 Bad Request: {message}", status_code=400, media_type="text/plain")


def create_app(corpus_path: Path, *, hosts: frozenset[str] | None = None,
               token: str | None = None, port: int = 0) -> Starlette:
    """The ASGI app over ``corpus_path`` (opened read-only; side index built if needed).

    ``hosts``: the ``Host`` values to answer (``None``: any, as for a test client);
    ``token``: required from every client when given (see :mod:`.guard`).
    """
    browser = CorpusBrowser(Path(corpus_path))
    routes = [
        Route("/", overview, methods=["GET", "HEAD"]),
        Route("/documents", documents, methods=["GET", "HEAD"]),
        Route("/doc/{doc_id}", document, methods=["GET", "HEAD"]),
        Route("/source", source, methods=["GET", "HEAD"]),
        Route("/network", network, methods=["GET", "HEAD"]),
        Route("/reuse", reuse, methods=["GET", "HEAD"]),
        Route("/reuse/{cluster_id}", cluster, methods=["GET", "HEAD"]),
        Route("/technique", technique, methods=["GET", "HEAD"]),
        Route("/export.{fmt:str}", export, methods=["GET", "HEAD"]),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: not_found,
                                                       BadParameter: bad_request})
    app.state.browser = browser
    if hosts is not None or token is not None:
        app.add_middleware(AccessGuard, hosts=hosts, token=token, port=port)
    return app


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: a free one), or a coded error.

    Binding before anything is announced is what lets ``serve`` print its ready
    line only when connections will be answered, and name a busy port.
    """
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ServeError(f"cannot listen on {host}: {exc.strerror}",
                         hint="--host takes an address of this machine, e.g. 127.0.0.1") from exc
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortInUse(f"port {port} on {host} is already in use",
                            hint="stop the program using it, or pick another with --port "
                                 "(--port 0 takes a free one)") from exc
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror}",
                         hint="ports below 1024 need privileges; try the default --port 8765"
                         ) from exc
    return sock


def serve(corpus_path: Path | str, host: str = "127.0.0.1", port: int = 8765, *,
          token: str | None = None, on_ready: Callable[[str], None] | None = None,
          log_level: str = "warning") -> None:
    """Run the app with uvicorn until interrupted.

    The socket is bound and the app built (index, aggregates) before
    ``on_ready(url)`` is called, so the URL it gets answers at once. Requests must
    name the bound address in ``Host``; ``token`` (if given) is required too.
    """
    import uvicorn

    sock = bind(host, port)
    try:
        port = sock.getsockname()[1]
        app = create_app(Path(corpus_path), hosts=allowed_hosts(host, port), token=token,
                         port=port)
    except BaseException:
        sock.close()
        raise
    if on_ready is not None:
        on_ready(f"http://{url_host(host)}:{port}/")
    config = uvicorn.Config(app, log_level=log_level, access_log=False)
    uvicorn.Server(config).run(sockets=[sock])
