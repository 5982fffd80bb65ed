"""Coverage counts per language and analysis, as the CLI summary, ``status`` and the pages show them.

Why apart from :mod:`.language`: identifying languages and deciding what may run on
them is per-document analysis; counting the ``languages`` and ``coverage`` tables
and wording those counts for a terminal is reporting, read by several callers.
"""

from __future__ import annotations

from typing import Any

from .language import HIGH, NOT_ANALYSED, SUPPORTED


def summary(con: Any) -> dict[str, Any] | None:
    """Languages and coverage of a corpus, for the run summary, ``status``, the report
    and the app (one function, so all show the same counts); None before any
    ``language`` stage ran.

    ``coverage[analysis]`` counts documents per status (``analysed``, ``not
    analysed``, ``low confidence``, and ``pending`` where the decision is to analyse
    but the technique stage has not run on the document yet) and per reason;
    ``unidentified`` counts documents the language stage has not seen.
    """
    def has(table: str) -> bool:
        return bool(con.execute("SELECT count(*) FROM information_schema.tables "
                                "WHERE table_name = ? AND table_schema = 'main'",
                                [table]).fetchone()[0])

    if not (has("languages") and has("coverage")):
        return None
    langs = dict(con.execute("SELECT lang, count(*) FROM languages GROUP BY ALL "
                             "ORDER BY 2 DESC, 1").fetchall())
    declared, mixed, uncertain = con.execute(
        "SELECT count(*) FILTER (WHERE declared), count(*) FILTER (WHERE mixed), "
        f"count(*) FILTER (WHERE NOT declared AND confidence < {HIGH}) FROM languages"
    ).fetchone()
    documents = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    done = ("(SELECT doc_id FROM stage_done WHERE stage = 'techniques')"
            if has("stage_done") else "(SELECT NULL AS doc_id WHERE FALSE)")
    model_run = ", ".join(f"'{a}'" for a in SUPPORTED)
    # Documents the techniques stage left out on purpose (--techniques sample/off):
    # "not analysed" with that reason (spans, genre and framing all come from that
    # model), unless the language already ruled them out.
    skips = ("technique_skips" if has("technique_skips")
             else "(SELECT NULL AS doc_id, NULL AS reason WHERE FALSE)")
    cov: dict[str, dict[str, Any]] = {}
    for analysis, status, reason, n in con.execute(f"""
            SELECT c.analysis,
                   CASE WHEN c.status <> '{NOT_ANALYSED}' AND k.doc_id IS NOT NULL
                             THEN '{NOT_ANALYSED}'
                        WHEN c.status <> '{NOT_ANALYSED}' AND c.analysis IN ({model_run})
                             AND d.doc_id IS NULL THEN 'pending' ELSE c.status END AS status,
                   CASE WHEN c.status <> '{NOT_ANALYSED}' AND k.doc_id IS NOT NULL
                        THEN k.reason ELSE c.reason END AS reason, count(*)
            FROM coverage c LEFT JOIN {done} d ON d.doc_id = c.doc_id
            LEFT JOIN {skips} k ON k.doc_id = c.doc_id AND c.analysis IN ({model_run})
            GROUP BY ALL ORDER BY 1, 2, 4 DESC, 3""").fetchall():
        entry = cov.setdefault(analysis, {"analysed": 0, "experimental": 0, "not analysed": 0,
                                          "low confidence": 0, "pending": 0, "reasons": {}})
        entry[status] = entry.get(status, 0) + n
        if reason:
            key = f"{status} ({reason})"
            entry["reasons"][key] = entry["reasons"].get(key, 0) + n
    return {"languages": langs, "declared": declared, "mixed": mixed,
            "low_confidence": uncertain, "unidentified": documents - sum(langs.values()),
            "coverage": cov}


def describe(s: dict[str, Any] | None) -> list[str]:
    """:func:`summary` as lines for a terminal."""
    if not s:
        return []
    langs = ", ".join(f"{k} {v}" for k, v in list(s["languages"].items())[:12])
    more = len(s["languages"]) - 12
    lines = [f"languages: {langs}{f' (+{more} more)' if more > 0 else ''}; "
             f"{s['declared']} declared, {s['mixed']} mixed, "
             f"{s['low_confidence']} identified with low confidence"
             + (f", {s['unidentified']} not identified yet" if s["unidentified"] else "")]
    for analysis, c in s["coverage"].items():
        parts = [f"{c[k]} {k}" for k in ("analysed", "experimental", "low confidence",
                                          "not analysed", "pending")
                 if c.get(k)]
        lines.append(f"  {analysis}: {', '.join(parts) or 'no documents'}")
        for reason, n in list(c["reasons"].items())[:6]:
            lines.append(f"    {n} {reason}")
    return lines
