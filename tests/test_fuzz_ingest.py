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
from propscope.ingest import iter_input_documents
from propscope.settings import Settings
from propscope.stages.ingest import ingest_paths

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


# -- Issue 14: the readers under hostile bytes (zst frames, CSV quoting, archives, HTML) -----
#
# Each test draws inputs with Hypothesis, places good records around hostile bytes, and
# checks every input on its own (no crash, every good record read); at the end all the
# inputs of the test are ingested together into one real DuckDB corpus, which must hold
# every good record. Each prints how many inputs it tried.

def _good_texts(n: int, tag: int) -> list[str]:
    """``n`` distinct good texts; ``tag`` (drawn, so replays are identical) tells inputs apart."""
    return [f"doc{tag:07d}-{i:03d} the council vote on the harbour budget, \"quoted\" words"
            for i in range(n)]


_TAG = st.integers(0, 10**6)


def _jl(texts: list[str]) -> bytes:
    return b"".join(json.dumps({"text": t}).encode() + b"\n" for t in texts)


class _Trial:
    """Inputs written into one folder, checked one by one and then ingested together."""

    def __init__(self, folder: Path, **settings: object) -> None:
        self.folder = folder
        self.settings = Settings(**settings)
        self.good: set[str] = set()
        self.tried = 0

    def check(self, name: str, data: bytes, good: set[str]) -> None:
        path = self.folder / f"{self.tried:04d}_{name}"
        path.write_bytes(data)
        self.tried += 1
        texts = set()
        for item in iter_input_documents([path], self.settings):
            assert isinstance(item, Document | Rejected)
            if isinstance(item, Rejected):
                assert item.reason and item.file.startswith(str(path))
            else:
                texts.add(item.text)
        lost = good - texts
        assert not lost, f"{name}: {len(lost)} good records lost, e.g. {sorted(lost)[:2]}"
        self.good |= good

    def finish(self, tmp_path: Path, what: str, at_least: int) -> None:
        corpus = propscope.open_corpus(tmp_path / f"{what}.duckdb")
        ingest_paths(corpus, [self.folder], self.settings, "fuzz")
        texts = set(corpus.df("documents")["text"])
        corpus.close()
        lost = self.good - texts
        print(f"fuzz {what}: {self.tried} inputs tried, 0 crashes, "
              f"{len(lost)} good records lost ({len(self.good)} good records)")
        assert not lost
        assert self.tried >= at_least


def _trial(tmp_path: Path, what: str, **settings: object) -> _Trial:
    folder = tmp_path / what
    folder.mkdir()
    return _Trial(folder, **settings)


_FUZZ = settings(deadline=None, database=None, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture,
                                        HealthCheck.too_slow, HealthCheck.data_too_large])


def test_fuzz_zstd_frames_and_damage(tmp_path: Path) -> None:
    import zstandard

    trial = _trial(tmp_path, "zst", max_record_bytes=LIMIT)

    @settings(_FUZZ, max_examples=120)
    @given(data=st.data())
    def one(data: st.DataObject) -> None:
        texts = _good_texts(data.draw(st.integers(1, 25)), data.draw(_TAG))
        plain = _jl(texts)
        cuts = sorted(data.draw(st.lists(st.integers(0, len(plain)), max_size=5)))
        pieces = [plain[a:b] for a, b in zip([0, *cuts], [*cuts, len(plain)], strict=True)]
        compressor = zstandard.ZstdCompressor(level=data.draw(st.integers(1, 5)),
                                              write_checksum=data.draw(st.booleans()),
                                              write_content_size=data.draw(st.booleans()))
        frames = [compressor.compress(p) for p in pieces]
        if data.draw(st.booleans()):  # a skippable frame somewhere
            at = data.draw(st.integers(0, len(frames)))
            frames.insert(at, b"\x5a\x2a\x4d\x18" + (3).to_bytes(4, "little") + b"hey")
            pieces.insert(at, b"")
        packed = b"".join(frames)
        damage = data.draw(st.sampled_from(["none", "zeros", "garbage", "truncate", "flip"]))
        whole = len(frames)  # frames that must come out whole
        if damage == "zeros":
            packed += b"\x00" * data.draw(st.integers(1, 40))
        elif damage == "garbage":
            packed += data.draw(st.binary(min_size=1, max_size=40)).replace(b"\x00", b"\x01")
        elif damage in ("truncate", "flip"):
            at = data.draw(st.integers(0, len(packed) - 1))
            whole, end = 0, 0
            for frame in frames:  # frames wholly before the damage
                end += len(frame)
                if end > at:
                    break
                whole += 1
            if damage == "truncate":
                packed = packed[:at]
            else:
                packed = packed[:at] + bytes([packed[at] ^ data.draw(st.integers(1, 255))]) \
                    + packed[at + 1:]
        kept = b"".join(pieces[:whole])
        good = {t for t, line in zip(texts, _jl_lines(texts), strict=True)
                if kept.find(line) == plain.find(line) != -1}
        trial.check("f.jsonl.zst", packed, good)

    one()
    trial.finish(tmp_path, "zst", at_least=100)


def _jl_lines(texts: list[str]) -> list[bytes]:
    return [json.dumps({"text": t}).encode() + b"\n" for t in texts]


# Hostile CSV lines: stray and unterminated quotes, quotes closed then followed by text,
# runaway quoted fields past the record limit, bad bytes, lone carriage returns, wrong
# widths. A quote in them is never directly followed by a delimiter, a line end or
# another quote: such a quote could close an earlier stray one properly, and two stray
# quotes that pair up across good rows into a row of exactly the header's width are
# valid CSV (one record), which no reader can tell from intent.
_HOSTILE_CSV = st.one_of(
    st.text(alphabet="ab ;xé\t", max_size=30).map(lambda s: f'9,"{s}x'),  # unterminated
    st.text(alphabet="ab ;", max_size=20).map(lambda s: f'8,a"b{s},"c"d,e'),
    st.integers(1, 3).map(lambda k: '7,"runaway' + ("y " * (LIMIT // 2 * k))),
    st.binary(max_size=30).map(lambda b: b.replace(b"\x00", b"").decode("latin-1")),
    st.just("6,a\rb,c,d"),
    st.integers(0, 9).map(lambda n: ",".join(["x"] * n)),
)


def test_fuzz_csv_quoting(tmp_path: Path) -> None:
    trial = _trial(tmp_path, "csv", max_record_bytes=LIMIT)

    @settings(_FUZZ, max_examples=150)
    @given(data=st.data())
    def one(data: st.DataObject) -> None:
        texts = _good_texts(data.draw(st.integers(1, 12)), data.draw(_TAG))
        quoting = data.draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
        parts = ["id,text,published,site\n"]
        for row, text in enumerate(list(texts)):
            for hostile in data.draw(st.lists(_HOSTILE_CSV, max_size=2)):
                parts.append(hostile.replace("\n", " ") + "\n")
            buf = io.StringIO()
            body = text + data.draw(st.sampled_from(["", "\nsecond line", ", comma", ' "q" ']))
            csv.writer(buf, quoting=quoting, lineterminator="\n").writerow(
                [f"c{trial.tried}-{row}", body, "2020-05-05", "site"])
            parts.append(buf.getvalue())
            texts[row] = body
        for hostile in data.draw(st.lists(_HOSTILE_CSV, max_size=2)):
            parts.append(hostile.replace("\n", " ") + "\n")
        trial.check("f.csv", "".join(parts).encode("utf-8", "surrogateescape"), set(texts))

    one()
    trial.finish(tmp_path, "csv", at_least=120)


def test_fuzz_archives_with_hostile_members(tmp_path: Path) -> None:
    import tarfile
    import zipfile

    import zstandard

    trial = _trial(tmp_path, "archives", max_record_bytes=LIMIT)
    hostile_member = st.tuples(
        st.sampled_from([".jsonl", ".csv", ".txt", ".gz", ".zst", ".zip", ".tar", ".parquet"]),
        st.one_of(st.binary(max_size=300),
                  st.just(gzip.compress(b'{"text": "cut"}\n' * 50)[:40]),
                  st.just(zstandard.ZstdCompressor().compress(b"x" * 5000)[:30])))

    @settings(_FUZZ, max_examples=100)
    @given(data=st.data())
    def one(data: st.DataObject) -> None:
        members: list[tuple[str, bytes]] = []
        good: set[str] = set()
        for i in range(data.draw(st.integers(1, 5))):
            if data.draw(st.booleans()):
                texts = _good_texts(data.draw(st.integers(1, 4)), data.draw(_TAG))
                good |= set(texts)
                packing = data.draw(st.sampled_from(["", ".gz", ".zst"]))
                body = _jl(texts)
                body = {"": body, ".gz": gzip.compress(body),
                        ".zst": zstandard.ZstdCompressor().compress(body)}[packing]
                members.append((f"m{i}.jsonl{packing}", body))
            else:
                suffix, body = data.draw(hostile_member)
                members.append((f"h{i}{suffix}", body))
        kind = data.draw(st.sampled_from([".zip", ".tar", ".tar.gz", ".tar.zst"]))
        buf = io.BytesIO()
        if kind == ".zip":
            method = data.draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
            with zipfile.ZipFile(buf, "w", method) as archive:
                for name, body in members:
                    archive.writestr(name, body)
            packed = buf.getvalue()
        else:
            with tarfile.open(fileobj=buf, mode="w") as archive:
                for name, body in members:
                    info = tarfile.TarInfo(name)
                    info.size = len(body)
                    archive.addfile(info, io.BytesIO(body))
            packed = buf.getvalue()
            if kind == ".tar.gz":
                packed = gzip.compress(packed)
            elif kind == ".tar.zst":
                packed = zstandard.ZstdCompressor().compress(packed)
        trial.check(f"a{kind}", packed, good)

    one()
    trial.finish(tmp_path, "archives", at_least=80)


def test_fuzz_html_crafted_attributes(tmp_path: Path) -> None:
    trial = _trial(tmp_path, "html", max_record_bytes=LIMIT)
    attribute_junk = st.text(alphabet="lang=x-_: \t\nhtml", max_size=400)

    @settings(_FUZZ, max_examples=40)
    @given(junk=attribute_junk, before=st.integers(0, 200), lang=st.sampled_from(
        ["", ' lang="en"', " lang=de", " LANG = 'pt-BR'"]), tag=_TAG)
    def one(junk: str, before: int, lang: str, tag: int) -> None:
        text = " ".join(_good_texts(3, tag))
        page = (f"<!doctype html><!-- {'<html lang ' * before} -->"
                f"<html {junk}{lang}><head><title>t</title></head><body><article>"
                f"<p>{text}. The vote was close and the minutes were published.</p>"
                "</article></body></html>")
        path_name = "p.html"
        trial.tried += 1
        path = trial.folder / f"{trial.tried:04d}_{path_name}"
        path.write_text(page)
        docs = [d for d in iter_input_documents([path], trial.settings) if isinstance(d, Document)]
        assert len(docs) == 1 and text in docs[0].text
        trial.good.add(docs[0].text)

    one()
    trial.finish(tmp_path, "html", at_least=30)
