"""Broken input, written as real files: quarantined with file, record and reason, never fatal."""

from __future__ import annotations

import gzip
import json
import resource
import zipfile
from pathlib import Path

import propscope
from propscope.settings import Settings
from propscope.stages.ingest import ingest_paths

GOOD = [f"Good record number {i}: a short report on the harbour budget vote." for i in range(40)]


def run(tmp_path: Path, *paths: Path, **settings: object):
    corpus = propscope.open_corpus(tmp_path / "c.duckdb")
    summary = ingest_paths(corpus, list(paths), Settings(**settings), "run-1")
    quarantine = {(Path(r["file"]).name, r["record"]): r["reason"]
                  for r in corpus.df("quarantine").to_dict("records")}
    texts = set(corpus.df("documents")["text"])
    return corpus, summary, quarantine, texts


def jl(obj: object) -> bytes:
    return json.dumps(obj).encode() + b"\n"


def test_malformed_json_line_and_record_without_text(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(jl({"text": GOOD[0]}) + b'{"text": "unterminated\n' + jl({"title": "no text"})
                     + jl({"text": "   "}) + b"[1, 2]\n" + jl({"text": GOOD[1]}))
    _, summary, q, texts = run(tmp_path, path)
    assert texts == {GOOD[0], GOOD[1]}
    assert q[("mixed.jsonl", "2")].startswith("malformed JSON")
    assert "record without text" in q[("mixed.jsonl", "3")]
    assert "record without text" in q[("mixed.jsonl", "4")]
    assert "not an object" in q[("mixed.jsonl", "5")]
    assert summary.quarantined == 4 and summary.documents == 2


def test_invalid_utf8_kept_with_replacement_and_noted(tmp_path: Path) -> None:
    (tmp_path / "bad.jsonl").write_bytes(jl({"text": GOOD[0]})
                                         + b'{"text": "caf\xe9 au lait \xff"}\n')
    (tmp_path / "latin.txt").write_bytes("Ni\u00f1o report ".encode("latin-1") + b"done")
    (tmp_path / "rows.csv").write_bytes(b"text\n" + GOOD[1].encode() + b"\nna\xefve row\n")
    _, _, q, texts = run(tmp_path, tmp_path)
    assert {GOOD[0], GOOD[1], "caf\ufffd au lait \ufffd", "Ni\ufffdo report done",
            "na\ufffdve row"} == texts
    assert q[("bad.jsonl", "2")].startswith("invalid UTF-8 at byte 13: 2 undecodable")
    assert "invalid UTF-8" in q[("latin.txt", "1")]
    assert "line 3: invalid UTF-8" in q[("rows.csv", "3")]


def test_truncated_gzip_keeps_records_before_the_cut(tmp_path: Path) -> None:
    data = b"".join(jl({"text": t}) for t in GOOD)
    packed = gzip.compress(data)
    (tmp_path / "cut.jsonl.gz").write_bytes(packed[: len(packed) * 2 // 3])
    _, summary, q, texts = run(tmp_path, tmp_path / "cut.jsonl.gz")
    assert 5 < len(texts) < len(GOOD)
    assert texts == set(GOOD[: len(texts)])  # a prefix, nothing invented
    reasons = [r for (f, rec), r in q.items() if rec == ""]
    assert len(reasons) == 1 and reasons[0].startswith("truncated gzip stream")
    # the partial last line, if any, is quarantined as malformed rather than lost silently
    assert all(r.startswith(("malformed JSON", "truncated gzip")) for r in q.values())


def test_csv_row_with_wrong_column_count(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,text,date\n1,\"" + GOOD[0] + "\",2020-01-01\n2,too,many,fields\n3\n"
                    "4,\"" + GOOD[1] + "\",2020-01-02\n", encoding="utf-8")
    _, _, q, texts = run(tmp_path, path)
    assert texts == {GOOD[0], GOOD[1]}
    assert q[("t.csv", "3")] == "row has 4 fields, header has 3"
    assert q[("t.csv", "4")] == "row has 1 fields, header has 3"


def test_empty_and_binary_files(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"\n  \n")
    (tmp_path / "noise.jsonl").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    (tmp_path / "ok.txt").write_text(GOOD[0])
    _, summary, q, texts = run(tmp_path, tmp_path)
    assert texts == {GOOD[0]}
    assert q[("empty.jsonl", "")] == "empty file"
    assert "only whitespace" in q[("blank.txt", "1")]
    assert q[("noise.jsonl", "")].startswith("binary file")
    assert q[("photo.png", "")].startswith("binary file (PNG image)")
    assert summary.files == 5


def test_50mb_line_streamed_and_oversized_skipped(tmp_path: Path) -> None:
    big_text = ("word " * 10_000_000)[:50_000_000]
    path = tmp_path / "big.jsonl"
    with open(path, "wb") as fh:
        fh.write(jl({"text": GOOD[0]}))
        fh.write(jl({"text": big_text, "source": "huge"}))
        fh.write(jl({"text": GOOD[1]}))
    del big_text
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    corpus, summary, q, texts = run(tmp_path, path)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert summary.documents == 3 and not q
    assert corpus.sql("SELECT length(text) n FROM documents WHERE source = 'huge'")["n"][0] == 50_000_000
    assert grown_mb < 600  # a few copies of 50 MB at most, not a runaway
    corpus.close()
    # with a lower limit the same line is skipped in pieces and the neighbours are kept
    (tmp_path / "small").mkdir()
    _, summary, q, texts = run(tmp_path / "small", path, max_record_bytes=1_000_000)
    assert texts == {GOOD[0], GOOD[1]}
    assert q[("big.jsonl", "2")].startswith("record of 50000")


def test_duplicate_ids_keep_first_quarantine_different_text(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_bytes(
        jl({"id": "p-1", "text": GOOD[0], "source": "s"})
        + jl({"id": "p-1", "text": GOOD[0], "source": "s"})  # same text: an exact duplicate
        + jl({"id": "p-1", "text": GOOD[1], "source": "s"})  # same id, other text: conflict
        + jl({"id": "p-1", "text": GOOD[2], "source": "other"}))  # other source: fine
    (tmp_path / "b.jsonl").write_bytes(jl({"id": "p-1", "text": GOOD[3], "source": "s"}))
    # unrelated CSV exports both numbering rows from 1: no conflict without a source
    (tmp_path / "c.csv").write_text(f"id,text\n1,{GOOD[4]}\n")
    (tmp_path / "d.csv").write_text(f"id,text\n1,{GOOD[5]}\n")
    _, summary, q, texts = run(tmp_path, tmp_path)
    assert texts == {GOOD[0], GOOD[2], GOOD[4], GOOD[5]}
    assert "duplicate id 'p-1'" in q[("a.jsonl", "3")]
    assert "duplicate id 'p-1'" in q[("b.jsonl", "1")]
    assert summary.duplicates == 1 and len(q) == 2


def test_unparsable_date_keeps_document_and_notes_it(tmp_path: Path) -> None:
    (tmp_path / "d.jsonl").write_bytes(jl({"text": GOOD[0], "date": "the day after Easter"})
                                       + jl({"text": GOOD[1], "date": "2020-02-30"}))
    (tmp_path / "r.txt").write_bytes(b" date 2020-13-45 A dated record with an impossible date.\n")
    corpus, _, q, texts = run(tmp_path, tmp_path)
    assert texts == {GOOD[0], GOOD[1], "A dated record with an impossible date."}
    assert corpus.sql("SELECT count(*) n FROM documents WHERE published IS NULL")["n"][0] == 3
    assert q[("d.jsonl", "1")].startswith("unparsable date 'the day after Easter'")
    assert q[("d.jsonl", "2")].startswith("unparsable date '2020-02-30'")
    assert q[("r.txt", "1")].startswith("unparsable date '2020-13-45'")


def test_damaged_archives(tmp_path: Path) -> None:
    (tmp_path / "fake.zip").write_bytes(b"this is not a zip archive at all")
    with zipfile.ZipFile(tmp_path / "ok.zip", "w") as z:
        z.writestr("a.txt", GOOD[0])
        z.writestr("b.txt", GOOD[1])
    raw = (tmp_path / "ok.zip").read_bytes()
    (tmp_path / "crc.zip").write_bytes(raw.replace(GOOD[1].encode(), GOOD[2].encode()))
    _, _, q, texts = run(tmp_path, tmp_path)
    assert texts == {GOOD[0], GOOD[1]}
    assert q[("fake.zip", "")].startswith("damaged .zip archive")
    assert "Bad CRC-32" in q[("crc.zip!b.txt", "")]
