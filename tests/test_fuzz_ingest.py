"""Fuzz: thousands of broken inputs through ingest (issue 7).

A seeded generator writes files mixing good records with every kind of broken
one and remembers, for each, what must happen: good records kept exactly,
broken ones quarantined at their file and record with a matching reason, and
records with a repairable flaw (bad bytes, a bad date) kept *and* noted. A
second part damages valid files at random (truncation, flipped bytes) where
the exact outcome is unknowable: there the checks are no crash, nothing
invented, every quarantine row explained. Hypothesis adds arbitrary bytes.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import propscope
from propscope.document import Document, Rejected
from propscope.ingest import ingest_paths, iter_input_documents
from propscope.settings import Settings

LIMIT = 20_000
WORDS = ["the", "vote", "council", "#budget", "@desk_news", "https://ex.org/p?q=1", "t.co/Ab1",
         "çà", "данные", "تقرير", "東京", "🙂", "\"quoted\"", "a,b", "semi;colon", "tab\there",
         "O'Neil", "naïve", "100%", "#مصر", "pic.twitter.com/x1"]


@dataclass
class Expect:
    good: set[str] = field(default_factory=set)  # texts kept exactly
    noted: dict[tuple[str, str], str] = field(default_factory=dict)  # kept, plus this reason
    bad: dict[tuple[str, str], str] = field(default_factory=dict)  # quarantined with this reason
    count: int = 0  # broken inputs generated


class Gen:
    def __init__(self, seed: int) -> None:
        self.rnd = random.Random(seed)
        self.serial = 0

    def text(self, multiline: bool = True) -> str:
        self.serial += 1
        words = [self.rnd.choice(WORDS) for _ in range(self.rnd.randint(3, 25))]
        if multiline and self.rnd.random() < 0.3:
            words.insert(self.rnd.randrange(len(words)), "\n\n")
        return f"doc{self.serial} " + " ".join(words).replace(" \n\n ", "\n\n")


def jsonl_file(g: Gen, name: str, exp: Expect) -> bytes:
    out = []
    ids: list[tuple[str, str]] = []
    for lineno in range(1, g.rnd.randint(8, 20) + 1):
        key = (name, str(lineno))
        kind = g.rnd.choice(["good"] * 5 + ["malformed", "array", "notext", "emptytext",
                                            "nulltext", "dicttext", "baddate", "badutf8",
                                            "toolong", "dupid", "surrogate"])
        text = g.text()
        rec = {"id": f"id{g.serial}", "text": text, "source": "s1",
               "date": f"2021-{g.rnd.randint(1, 12):02d}-{g.rnd.randint(1, 28):02d}"}
        if kind != "good":
            exp.count += 1
        if kind == "good":
            exp.good.add(text)
            ids.append((rec["id"], text))
            out.append(json.dumps(rec, ensure_ascii=g.rnd.random() < 0.5).encode())
        elif kind == "malformed":
            line = json.dumps(rec).encode()
            out.append(g.rnd.choice([line[: g.rnd.randint(1, len(line) - 1)], line + b"}",
                                     b"{'text': 'single quotes'}", b"not json at all", b"{,}"]))
            exp.bad[key] = "malformed JSON"
        elif kind == "array":
            out.append(json.dumps(g.rnd.choice([[rec], 42, "text", None, True])).encode())
            exp.bad[key] = "not an object"
        elif kind in ("notext", "emptytext", "nulltext", "dicttext"):
            rec["text"] = {"notext": None, "emptytext": " \n\t", "nulltext": None,
                           "dicttext": {"text": text}}[kind]
            if kind == "notext":
                del rec["text"]
            out.append(json.dumps(rec).encode())
            exp.bad[key] = "record without text"
        elif kind == "baddate":
            rec["date"] = g.rnd.choice(["soon", "2020-02-31", "31/31/2031 99:99", "yesterday",
                                        "Q3 of 2020 maybe", "2020-00-10"])
            exp.good.add(text)
            exp.noted[key] = "unparsable date"
            out.append(json.dumps(rec).encode())
        elif kind == "badutf8":
            raw = json.dumps(rec, ensure_ascii=False).encode()
            cut = raw.index(b"doc") + 3
            out.append(raw[:cut] + g.rnd.choice([b"\xff", b"\xc3\x28", b"\xed\xa0\x80"]) + raw[cut:])
            exp.noted[key] = "invalid UTF-8"
        elif kind == "toolong":
            rec["text"] = text + " pad" * (LIMIT // 4 + 10)
            out.append(json.dumps(rec).encode())
            exp.bad[key] = "larger than max_record_bytes"
        elif kind == "dupid":
            if not ids:
                exp.count -= 1
                exp.good.add(text)
                out.append(json.dumps(rec).encode())
                continue
            rec["id"] = g.rnd.choice(ids)[0]
            out.append(json.dumps(rec).encode())
            exp.bad[key] = "duplicate id"
        elif kind == "surrogate":
            out.append(json.dumps(rec).encode().replace(b"doc", b"\\udc80doc", 1))
            exp.noted[key] = "surrogate"
    return b"\n".join(out) + g.rnd.choice([b"\n", b"", b"\n\n"])


def csv_file(g: Gen, name: str, exp: Expect) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "text", "published", "site"])
    rows: list[tuple[list[str], str | None]] = []
    for _ in range(g.rnd.randint(6, 15)):
        kind = g.rnd.choice(["good"] * 4 + ["short", "long", "notext", "baddate"])
        text = g.text()
        row = [f"c{g.serial}", text, "2020-05-05T10:00:00Z", "csvsite"]
        if kind == "short":
            row = row[: g.rnd.randint(1, 3)]
        elif kind == "long":
            row = row + ["extra"] * g.rnd.randint(1, 3)
        elif kind == "notext":
            row[1] = g.rnd.choice(["", "   "])
        elif kind == "baddate":
            row[2] = "sometime"
        rows.append((row, kind))
    line = 2
    for row, kind in rows:
        start = buf.getvalue().count("\n") + 1
        w.writerow(row)
        key = (name, str(start))
        if kind != "good":
            exp.count += 1
        if kind == "good" or kind == "baddate":
            exp.good.add(row[1])
        if kind in ("short", "long"):
            exp.bad[key] = "fields, header has 4"
        elif kind == "notext":
            exp.bad[key] = "record without text"
        elif kind == "baddate":
            exp.noted[key] = "unparsable date"
        line += 1
    return buf.getvalue().encode()


def dated_file(g: Gen, name: str, exp: Expect) -> bytes:
    parts = []
    line = 1
    for _ in range(g.rnd.randint(3, 8)):
        kind = g.rnd.choice(["good"] * 3 + ["empty", "baddate"])
        text = g.text().replace("\n\n", "\n")
        key = (name, str(line))
        if kind != "good":
            exp.count += 1
        if kind == "empty":
            parts.append(" date 2020-01-01 \n")
            exp.bad[key] = "record without text"
            line += 1
            continue
        date = "2020-13-01" if kind == "baddate" else "2019-07-04"
        parts.append(f" date {date} {text}\n\n")
        exp.good.add(text)
        if kind == "baddate":
            exp.noted[key] = "unparsable date"
        line += text.count("\n") + 2
    return "".join(parts).encode()


def test_fuzz_structured_broken_inputs(tmp_path: Path) -> None:
    g = Gen(20240601)
    exp = Expect()
    folder = tmp_path / "in"
    folder.mkdir()
    makers = [("jsonl", jsonl_file), ("csv", csv_file), ("txt", dated_file)]
    for i in range(160):
        suffix, make = makers[i % 3]
        compress = g.rnd.random() < 0.25
        fname = f"f{i:03d}.{suffix}" + (".gz" if compress else "")
        data = make(g, str(folder / fname), exp)
        (folder / fname).write_bytes(gzip.compress(data) if compress else data)
    for i in range(30):  # whole-file problems
        fname = f"z{i:02d}." + g.rnd.choice(["jsonl", "csv", "txt", "bin"])
        data = g.rnd.choice([b"", g.rnd.randbytes(g.rnd.randint(10, 3000)) + b"\x00"])
        (folder / fname).write_bytes(data)
        exp.bad[(str(folder / fname), "")] = "empty file" if not data else "binary file"
        exp.count += 1
    assert exp.count >= 1000

    corpus = propscope.open_corpus(tmp_path / "c.duckdb")
    summary = ingest_paths(corpus, [folder], Settings(max_record_bytes=LIMIT), "fuzz")
    texts = set(corpus.df("documents")["text"])
    quarantine: dict[tuple[str, str], list[str]] = {}
    for r in corpus.df("quarantine").to_dict("records"):
        quarantine.setdefault((r["file"], r["record"]), []).append(r["reason"])

    missing = exp.good - texts
    assert not missing, f"{len(missing)} good records lost, e.g. {sorted(missing)[:3]}"
    for key, reason in {**exp.bad, **exp.noted}.items():
        got = quarantine.get(key, [])
        assert any(reason in r for r in got), f"{key}: expected {reason!r}, got {got}"
    unexpected = set(quarantine) - set(exp.bad) - set(exp.noted)
    assert not unexpected, sorted(unexpected)[:5]
    # nothing invented: every stored text is a good one or a repaired (noted) one
    extra = texts - exp.good
    assert len(extra) <= sum(1 for r in exp.noted.values() if r != "unparsable date")
    assert all("\ufffd" in t or "?" in t for t in extra)
    assert summary.quarantined == sum(len(v) for v in quarantine.values())


def damaged_variants(g: Gen, base: bytes, name: str) -> list[tuple[str, bytes]]:
    packed = gzip.compress(base)
    out = [
        (name + ".gz", packed[: g.rnd.randint(10, len(packed) - 1)]),
        (name + ".gz", packed + g.rnd.randbytes(20)),
        (name + ".gz", packed[:20] + bytes(b ^ 0xFF for b in packed[20:40]) + packed[40:]),
        (name, base[: g.rnd.randint(1, len(base))]),
    ]
    flipped = bytearray(base)
    for _ in range(g.rnd.randint(1, 20)):
        flipped[g.rnd.randrange(len(flipped))] = g.rnd.randrange(256)
    out.append((name, bytes(flipped)))
    return out


def test_fuzz_randomly_damaged_files(tmp_path: Path) -> None:
    g = Gen(7)
    folder = tmp_path / "in"
    folder.mkdir()
    good: set[str] = set()
    n = 0
    for i in range(60):
        suffix, make = [("jsonl", jsonl_file), ("csv", csv_file), ("txt", dated_file)][i % 3]
        exp = Expect()
        base = make(g, "x", exp)
        good |= exp.good
        for j, (fname, data) in enumerate(damaged_variants(g, base, f"d{i:02d}.{suffix}")):
            (folder / f"{j}_{fname}").write_bytes(data)
            n += 1
    assert n >= 300
    corpus = propscope.open_corpus(tmp_path / "c.duckdb")
    ingest_paths(corpus, [folder], Settings(max_record_bytes=LIMIT), "fuzz")
    quarantine = corpus.df("quarantine")
    assert len(quarantine) > 0 and all(quarantine["reason"].str.len() > 5)
    texts = set(corpus.df("documents")["text"])
    assert all(t.strip() for t in texts)  # never an empty document
    assert len(texts & good) > len(good) // 2  # damage elsewhere in a file spares its good records
    truncated = quarantine[quarantine["reason"].str.startswith("truncated gzip")]
    assert len(truncated) >= 50


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600), suffix=st.sampled_from(
    [".jsonl", ".csv", ".tsv", ".txt", ".html", ".json", ".jsonl.gz", ".zst", ".parquet", ".zip",
     ".tar.gz", ".warc", ""]))
def test_fuzz_arbitrary_bytes_never_crash(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    for item in iter_input_documents([path], Settings(max_record_bytes=LIMIT)):
        assert isinstance(item, Document | Rejected)
        if isinstance(item, Rejected):
            assert item.reason and item.file.startswith(str(path))
        else:
            assert item.text.strip()
