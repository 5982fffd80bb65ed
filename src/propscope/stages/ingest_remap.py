"""Re-ingest with a corrected field mapping: files already read are read again.

Why: ingest skips an input it has read before (same size and modification time).
Before this, a corrected ``--field source=site`` after a first ingest with the
wrong column only warned, and the corpus kept the wrong sources; the only way out
was a new corpus file. Now each ingested unit (a file or an archive member) has
the mapping it was read with recorded (:data:`MAPPING_TABLE`: the ``--field``
mapping and the numeric date order), and a unit met again with a different one is
read again with the new mapping and its part of the corpus replaced
(:func:`remap_unit`): its ``document_sources`` rows and quarantine notes, the
mapped fields of the documents first read from it, documents that are no longer
in it (gone unless another file holds them too) and new ones. Per-document stages
become pending again for the documents whose stored fields changed, and the
corpus-level link stages (reuse, coordination) rerun.

Resumable: the new mapping is recorded in the same transaction that replaces the
unit's rows, so a run killed before that redoes the unit, and one killed after
has nothing left to do. Idempotent: the same mapping again finds nothing to redo.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..corpus import Corpus, one, q
from ..document import Document, Rejected
from ..ingest.dates import DATE_ORDER_ENV
from ..ingest.reading import read_unit
from ..ingest.records import FIELD_SYNONYMS, ReadOptions
from ..ingest.sources import InputFile, UnitTops, disk_input, iter_units, path_label
from ..rows import DOCUMENT_SOURCES_SCHEMA, documents_rows
from ..tables import TABLES
from .ingest_ids import split_id_conflicts
from .ingest_rejected import READERS_VERSION, under_inputs
from .writer import CorpusWriter

#: unit name -> the mapping (JSON, :func:`mapping_of`) its records were read with.
MAPPING_TABLE = "ingested_mappings"
#: The documents columns a mapping decides (``text`` decides the doc_id itself).
MAPPED_COLUMNS = ("source", "published", "url", "title", "author", "external_id", "meta",
                  "record")
#: Corpus-level stages rerun after any correction (their ``corpus_stages`` mark is dropped).
LINK_STAGES = ("reuse", "coordination")
DEFAULT_DATE_ORDER = "mdy"
BATCH = 5000


@dataclass
class Remapped:
    """What correcting one unit changed (one entry of the ingest summary's ``remapped``)."""

    file: str
    changes: dict[str, list[str]]  # field -> [previous column, new column]
    documents: int = 0  # documents already stored whose mapped fields changed
    added: int = 0  # documents new to the corpus (the text column changed)
    removed: int = 0  # documents no longer in any file
    quarantined: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def line(self) -> str:
        """``3 documents re-mapped from posts.csv: source author→site``; with a changed text
        column, the documents added count as re-mapped, and ``(4 added, 3 removed)`` follows."""
        what = ", ".join(f"{name} {old}\u2192{new}" for name, (old, new) in self.changes.items())
        more = ", ".join(f"{n} {label}" for n, label in ((self.added, "added"),
                                                        (self.removed, "removed")) if n)
        return (f"{self.documents + self.added} documents re-mapped from {self.file}: {what}"
                + (f" ({more})" if more else ""))

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "changes": self.changes, "documents": self.documents,
                "added": self.added, "removed": self.removed, "quarantined": self.quarantined,
                "line": self.line()}


def mapping_of(options: ReadOptions) -> str:
    """The mapping a unit is read with, as stored: fields and the numeric date order."""
    order = os.environ.get(DATE_ORDER_ENV) or DEFAULT_DATE_ORDER
    return json.dumps({"fields": dict(sorted(options.field_map.items())), "date_order": order},
                      sort_keys=True)


def _from_run_settings(settings: str | None, current: str) -> str:
    """The mapping of a unit ingested before mappings were recorded: its run's ``--field``
    settings (the date order was not kept: taken as unchanged). Unknown: unchanged."""
    try:
        raw = json.loads(settings or "").get("field_map") or {}
        fields = {FIELD_SYNONYMS.get(k.lower(), k.lower()): v for k, v in raw.items()}
    except (ValueError, AttributeError):
        return current
    order = json.loads(current)["date_order"]
    return json.dumps({"fields": dict(sorted(fields.items())), "date_order": order},
                      sort_keys=True)


def ensure_mapping_table(corpus: Corpus) -> None:
    corpus.con.execute(f"CREATE TABLE IF NOT EXISTS {MAPPING_TABLE} (file VARCHAR PRIMARY KEY, "
                       "mapping VARCHAR, run_id VARCHAR)")


def record_mappings(corpus: Corpus, names: Sequence[str], mapping: str, run_id: str) -> None:
    """Record that ``names`` were read with ``mapping`` (with their "done" marks)."""
    if not names:
        return
    ensure_mapping_table(corpus)
    rows = pa.table({"file": pa.array(list(names), pa.string())})
    with corpus.registered(_mapped=rows):
        corpus.con.execute(f"INSERT OR REPLACE INTO {MAPPING_TABLE} SELECT file, ?, ? "
                           "FROM _mapped", [mapping, run_id])


def stale_units(corpus: Corpus, files: Sequence[Path], mapping: str) -> dict[str, str]:
    """Units under ``files`` (themselves, or their archive members) ingested with another
    mapping: unit name -> the mapping they were read with.

    Units ingested before mappings were recorded take their run's settings, and are
    recorded as such, so the next run looks them up by key alone.
    """
    if not files or not corpus.has_table("ingested_files"):
        return {}
    ensure_mapping_table(corpus)
    where, tables = under_inputs(corpus, files)
    with corpus.registered(**tables):
        rows = corpus.con.execute(
            f"SELECT f.file, m.mapping, r.settings FROM ingested_files f "
            f"LEFT JOIN {MAPPING_TABLE} m USING (file) LEFT JOIN runs r ON r.run_id = f.run_id "
            f"WHERE {where} AND m.mapping IS DISTINCT FROM ?", [mapping]).fetchall()
    stale: dict[str, str] = {}
    backfill: dict[str, list[str]] = {}
    for name, recorded, settings in rows:
        previous = recorded or _from_run_settings(settings, mapping)
        if previous == mapping:
            backfill.setdefault(previous, []).append(name)
        else:
            stale[name] = previous
            if recorded is None:
                backfill.setdefault(previous, []).append(name)
    for previous, names in backfill.items():
        record_mappings(corpus, names, previous, "")
    return stale


def describe_change(previous: str, current: str) -> dict[str, list[str]]:
    """Field -> [previous column, new column] of what differs ("(auto)": found by alias)."""
    old, new = json.loads(previous), json.loads(current)
    changes = {}
    for name in sorted(set(old["fields"]) | set(new["fields"])):
        a, b = old["fields"].get(name), new["fields"].get(name)
        if a != b:
            changes[name] = [a or "(auto)", b or "(auto)"]
    if old["date_order"] != new["date_order"]:
        changes["date order"] = [old["date_order"], new["date_order"]]
    return changes


def _stale_inputs(top: InputFile, stale: Mapping[str, str]) -> Iterator[InputFile]:
    """The units of ``top`` to read again: stale, and unchanged on disk since they were read
    (a changed file is read by the ordinary ingest, with the new mapping)."""
    for unit in iter_units(top):
        if isinstance(unit, InputFile) and unit.name in stale:
            yield unit


def remap_inputs(writer: CorpusWriter, files: Sequence[Path], options: ReadOptions,
                 run_id: str) -> list[Remapped]:
    """Correct every unit under ``files`` ingested with another mapping (see the module)."""
    mapping = mapping_of(options)
    with writer.exclusive() as corpus:
        stale = stale_units(corpus, files, mapping)
    if not stale:
        return []
    done: list[Remapped] = []
    tops = UnitTops(path_label(p) for p in files)
    by_top: dict[str | None, list[str]] = {}  # each stale unit under its input, in one pass
    for unit_name in stale:  # (was every input against every stale name: 43 s at 20k x 20k)
        by_top.setdefault(tops.top_of(unit_name), []).append(unit_name)
    for path in files:
        name = path_label(path)
        mine = by_top.get(name, [])
        if not mine:
            continue
        handled: set[str] = set()
        for unit in _stale_inputs(disk_input(path, options), stale):
            with writer.exclusive() as corpus:
                if corpus.file_done(unit.name, unit.size, unit.mtime):
                    done.append(remap_unit(corpus, unit, options, run_id, stale[unit.name],
                                           mapping))
                    handled.add(unit.name)
        # The rest (an archive's own mark; a member changed on disk, which the ordinary
        # ingest reads with the new mapping; one no longer there) is recorded as read
        # with it, so the next run does not walk the archive again for nothing.
        rest = [s for s in mine if s not in handled]
        with writer.exclusive() as corpus:
            record_mappings(corpus, rest, mapping, run_id)
    return done


def _per_document_tables(corpus: Corpus) -> list[str]:
    """The analyzers' tables present in this corpus (rows keyed by ``doc_id``)."""
    keyed = {r[0] for r in corpus.con.execute(
        "SELECT table_name FROM information_schema.columns WHERE column_name = 'doc_id'"
    ).fetchall()}
    return [name for name, t in TABLES.items() if t.stage.startswith("analyze:") and name in keyed]


def _stage_new_reading(corpus: Corpus, unit: InputFile, options: ReadOptions,
                       run_id: str) -> list[Rejected]:
    """Read ``unit`` with the new mapping into the temporary table ``_remap_occ`` (one row
    per occurrence, ``seq`` in reading order), batch by batch; returns its quarantine notes.
    ID conflicts are decided as a first ingest decides them (:mod:`.ingest_ids`)."""
    con = corpus.con
    con.execute("CREATE OR REPLACE TEMP TABLE _remap_occ AS "
                "SELECT *, 0::BIGINT AS seq FROM documents LIMIT 0")
    rejected: list[Rejected] = []
    batch: list[Document] = []
    seq = 0

    def flush() -> None:
        nonlocal seq, batch
        if not batch:
            return
        rows, conflicts = split_id_conflicts(corpus, documents_rows(batch, run_id))
        rejected.extend(conflicts)
        rows = rows.append_column("seq", pa.array(range(seq, seq + rows.num_rows), pa.int64()))
        seq += rows.num_rows
        with corpus.registered(_batch=rows):
            con.execute("INSERT INTO _remap_occ SELECT * FROM _batch")
        batch = []

    for item in read_unit(unit, options):
        if isinstance(item, Document):
            batch.append(item)
            if len(batch) >= BATCH:
                flush()
        elif isinstance(item, Rejected):
            rejected.append(item)
    flush()
    return rejected


def remap_unit(corpus: Corpus, unit: InputFile, options: ReadOptions, run_id: str,
               previous: str, mapping: str) -> Remapped:
    """Replace what ``unit`` contributed to the corpus by a reading with the new mapping."""
    con = corpus.con
    name = unit.name
    result = Remapped(name, describe_change(previous, mapping))
    con.execute("CREATE OR REPLACE TEMP TABLE _remap_old AS SELECT DISTINCT doc_id "
                "FROM document_sources WHERE file = ?", [name])
    # The IDs the old reading registered are registered again below, from what remains.
    con.execute("DELETE FROM external_ids WHERE doc_id IN (SELECT doc_id FROM _remap_old)")
    rejected = _stage_new_reading(corpus, unit, options, run_id)
    src_cols = ", ".join(DOCUMENT_SOURCES_SCHEMA.names)
    doc_cols = ", ".join(q(c) for c in con.sql("SELECT * FROM documents LIMIT 0").columns)
    with corpus.transaction():
        con.execute("CREATE OR REPLACE TEMP TABLE _remap_first AS SELECT * FROM _remap_occ "
                    "QUALIFY row_number() OVER (PARTITION BY doc_id ORDER BY seq) = 1")
        cols = ", ".join(c for c in DOCUMENT_SOURCES_SCHEMA.names if c != "run_id")
        sources_changed = one(con.execute(
            f"SELECT count(*) FROM ((SELECT {cols} FROM document_sources WHERE file = ? "
            f"EXCEPT SELECT {cols} FROM _remap_occ) UNION ALL (SELECT {cols} FROM _remap_occ "
            f"EXCEPT SELECT {cols} FROM document_sources WHERE file = ?))", [name, name]))[0]
        con.execute("DELETE FROM document_sources WHERE file = ?", [name])
        con.execute(f"INSERT OR IGNORE INTO document_sources SELECT DISTINCT ON (doc_id, file, "
                    f"record) {src_cols} FROM _remap_occ ORDER BY doc_id, file, record")
        # Documents first read from this unit and still in it: the new mapping's fields.
        differs = " OR ".join(f"d.{c} IS DISTINCT FROM n.{c}" for c in MAPPED_COLUMNS)
        sets = ", ".join(f"{c} = n.{c}" for c in MAPPED_COLUMNS)
        changed = {r[0] for r in con.execute(
            f"UPDATE documents d SET {sets}, lang = n.lang, lang_confidence = n.lang_confidence, "
            "lang_declared = n.lang_declared FROM _remap_first n "
            f"WHERE d.doc_id = n.doc_id AND d.file = ? AND ({differs} OR "
            "(CASE WHEN d.lang_declared THEN d.lang END) IS DISTINCT FROM n.lang) "
            "RETURNING d.doc_id", [name]).fetchall()}
        # Documents no longer in this unit: gone, unless another file holds them.
        gone = [r[0] for r in con.execute(
            "SELECT doc_id FROM _remap_old o WHERE NOT EXISTS (SELECT 1 FROM document_sources s "
            "WHERE s.doc_id = o.doc_id)").fetchall()]
        # ... or first read from here but held elsewhere too: they take that file's row.
        moved = {r[0] for r in con.execute(
            "UPDATE documents d SET source = s.source, published = s.published, url = s.url, "
            "author = s.author, external_id = s.external_id, file = s.file, record = s.record "
            "FROM (SELECT * FROM document_sources QUALIFY row_number() OVER (PARTITION BY doc_id "
            "ORDER BY file, record) = 1) s WHERE d.doc_id = s.doc_id AND d.file = ? "
            "AND d.doc_id NOT IN (SELECT doc_id FROM _remap_first) RETURNING d.doc_id",
            [name]).fetchall()}
        added = [r[0] for r in con.execute(
            f"INSERT OR IGNORE INTO documents SELECT {doc_cols} FROM _remap_first "
            "RETURNING doc_id").fetchall()]
        con.execute("INSERT OR IGNORE INTO external_ids SELECT coalesce(source, file), "
                    "external_id, min(doc_id) FROM document_sources WHERE external_id IS NOT NULL "
                    "AND doc_id IN (SELECT doc_id FROM _remap_old) GROUP BY ALL")
        quarantine_changed = _replace_quarantine(corpus, name, rejected, run_id)
        _forget(corpus, sorted(changed | moved), sorted(gone))
        if changed or moved or gone or added or sources_changed or quarantine_changed:
            con.execute("DELETE FROM corpus_stages WHERE stage IN "
                        f"({', '.join('?' * len(LINK_STAGES))})", list(LINK_STAGES))
        kept = one(con.execute("SELECT count(*) FROM _remap_occ"))[0]
        con.execute("UPDATE ingested_files SET documents = ?, quarantined = ?, run_id = ?, "
                    "readers = ? WHERE file = ?",
                    [kept, len(rejected), run_id, READERS_VERSION, name])
        record_mappings(corpus, [name], mapping, run_id)
    for tmp in ("_remap_occ", "_remap_first", "_remap_old"):
        con.execute(f"DROP TABLE IF EXISTS {tmp}")
    result.documents, result.added, result.removed = len(changed | moved), len(added), len(gone)
    result.quarantined = len(rejected)
    return result


def _replace_quarantine(corpus: Corpus, name: str, rejected: list[Rejected], run_id: str) -> bool:
    """The unit's quarantine notes are the new reading's (a wrong text column's "no text"
    notes go once the text is found). Returns whether they changed."""
    con = corpus.con
    before = {(r, why) for r, why in con.execute(
        "SELECT record, reason FROM quarantine WHERE file = ?", [name]).fetchall()}
    con.execute("DELETE FROM quarantine WHERE file = ?", [name])
    after = {(r.record, r.reason[:2000]) for r in rejected}
    if after:
        tbl = pa.table({"file": pa.array([r.file for r in rejected], pa.string()),
                        "record": [r.record for r in rejected],
                        "reason": [r.reason[:2000] for r in rejected],
                        "run_id": [run_id] * len(rejected)})
        with corpus.registered(_rej=tbl):
            con.execute("INSERT OR IGNORE INTO quarantine SELECT DISTINCT ON (file, record, "
                        "reason) * FROM _rej")
    return before != after


def _forget(corpus: Corpus, changed: list[str], gone: list[str]) -> None:
    """Per-document results of ``changed`` (pending again) and everything of ``gone``."""
    ids = changed + gone
    if not ids:
        return
    con = corpus.con
    with corpus.registered(_forget=pa.table({"doc_id": pa.array(ids, pa.string())}),
                           _gone=pa.table({"doc_id": pa.array(gone, pa.string())})):
        con.execute("DELETE FROM stage_done WHERE doc_id IN (SELECT doc_id FROM _forget)")
        for table in _per_document_tables(corpus):
            con.execute(f"DELETE FROM {q(table)} WHERE doc_id IN (SELECT doc_id FROM _forget)")
        if gone:
            con.execute("DELETE FROM documents WHERE doc_id IN (SELECT doc_id FROM _gone)")
            con.execute("DELETE FROM external_ids WHERE doc_id IN (SELECT doc_id FROM _gone)")
            if corpus.has_table("posts"):
                con.execute("DELETE FROM posts WHERE doc_id IN (SELECT doc_id FROM _gone)")
