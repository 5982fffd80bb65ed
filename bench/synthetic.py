"""A seeded generator of invented corpora for scale benchmarks and engine tests.

Why a generator and not real data: scale runs need 10k to 1,000,000 documents
that exercise every stage (hashtags, links, mentions, stuffed phrases, reused
passages, accounts sharing links within seconds, exact duplicates and broken
records) and are identical from run to run, so timings and exports can be
compared across engines. Texts are random sentences over a small invented,
neutral vocabulary: no real article, actor or opinion is reproduced.

Output is JSONL (``id, text, source, published, url, title``), sharded into
files of ``shard_size`` lines so ingest can resume file by file. Generation is
streaming: memory stays flat at any size.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Everyday words from many beats (civic, transport, farming, health, sport, culture),
# chosen so no viewpoint dominates.
_WORD_TEXT = """
the a of and to in on for with from at by about after before over under between
council city town village district region market farmers workers students teachers
nurses drivers residents neighbours volunteers officials committee board members
budget plan proposal report survey study figures data schedule programme project
road bridge railway station bus tram bicycle lane harbour airport tunnel park
water energy power grid solar wind heating housing rent prices wages taxes fees
school library clinic hospital museum stadium theatre festival concert exhibition
river forest coast valley hill field garden orchard harvest weather rain storm
said says argued noted asked announced approved rejected delayed opened closed
expanded reduced raised lowered measured counted reviewed published discussed
new old local national public private small large early late long short several
many few most some every each another other quiet busy open fair clear mixed
week month year season morning evening today yesterday tomorrow spring autumn
because although while since unless until whether however meanwhile instead
support criticism concern interest debate vote meeting hearing petition letter
"""
WORDS = _WORD_TEXT.split()

TAGS = [f"topic{i}" for i in range(400)] + ["harvestfair", "busroute7", "cleanriver",
                                             "budgetvote", "townhall", "cyclelane"]
SHORTENERS = ["bit.ly", "t.co", "tinyurl.com", "ow.ly"]


@dataclass(frozen=True)
class Spec:
    """What to generate. Rates are fractions of documents."""

    documents: int
    seed: int = 7
    shard_size: int = 50_000
    min_words: int = 60
    max_words: int = 200
    reuse_rate: float = 0.05  # a 45-90 word passage copied from an earlier document
    stuffing_rate: float = 0.02  # one phrase inserted 6-10 times
    duplicate_rate: float = 0.01  # exact copy under another source
    coordinated_rate: float = 0.02  # posted by a group of accounts within seconds
    broken_rate: float = 0.001  # a malformed JSON line (quarantined by ingest)
    days: int = 90


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 18))
    return " ".join(words).capitalize() + "."


def _body(rng: random.Random, n_words: int) -> str:
    out: list[str] = []
    count = 0
    while count < n_words:
        s = _sentence(rng)
        out.append(s)
        count += s.count(" ") + 1
    return " ".join(out)


def _decorate(rng: random.Random, text: str, i: int) -> str:
    """Add the things the reference analyzer looks for."""
    extras = []
    for _ in range(rng.randint(0, 3)):
        extras.append("#" + rng.choice(TAGS))
    if rng.random() < 0.5:
        extras.append(f"https://news{rng.randint(0, 999)}.example/story/{i}")
    if rng.random() < 0.15:
        extras.append(f"https://{rng.choice(SHORTENERS)}/{rng.randint(0, 10**8):x}")
    if rng.random() < 0.2:
        extras.append(f"@account{rng.randint(0, 4999)}")
    return text + (" " + " ".join(extras) if extras else "")


def iter_records(spec: Spec) -> Iterator[str]:
    """Yield JSONL lines (some deliberately broken), deterministically for ``spec``."""
    rng = random.Random(spec.seed)
    n_sites = max(20, spec.documents // 200)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    span_s = spec.days * 86400
    recent: list[str] = []  # a small pool of earlier texts to copy passages from
    for i in range(spec.documents):
        if rng.random() < spec.broken_rate:
            yield f'{{"id": "broken-{i}", "text": "unterminated'
            continue
        published = start + timedelta(seconds=int(span_s * i / spec.documents)
                                      + rng.randint(0, 3600))
        source = f"site{rng.randrange(n_sites):05d}.example"
        r = rng.random()
        if r < spec.duplicate_rate and recent:
            text = rng.choice(recent)
        else:
            text = _body(rng, rng.randint(spec.min_words, spec.max_words))
            if r < spec.duplicate_rate + spec.reuse_rate and recent:
                words = rng.choice(recent).split()
                n = rng.randint(45, 90)
                at = rng.randrange(max(1, len(words) - n))
                passage = words[at:at + n]
                for _ in range(len(passage) // 12):  # light edits
                    passage[rng.randrange(len(passage))] = rng.choice(WORDS)
                text = text + " " + " ".join(passage)
            elif r < spec.duplicate_rate + spec.reuse_rate + spec.stuffing_rate:
                phrase = f"({rng.choice(WORDS).title()} {rng.choice(WORDS).title()} Watch)"
                sentences = text.split(". ")
                for _ in range(rng.randint(6, 10)):
                    k = rng.randrange(len(sentences))
                    sentences[k] = sentences[k] + " " + phrase
                text = ". ".join(sentences)
            text = _decorate(rng, text, i)
        if len(recent) < 500:
            recent.append(text)
        elif rng.random() < 0.01:
            recent[rng.randrange(len(recent))] = text
        record = {"id": f"d{i}", "text": text, "source": source,
                  "published": published.isoformat(), "url": f"https://{source}/a/{i}",
                  "title": " ".join(text.split()[:6])}
        yield json.dumps(record, ensure_ascii=False)
        if rng.random() < spec.coordinated_rate:
            # A group of accounts pushing the same link within seconds.
            group = rng.randrange(20)
            link = f"https://campaign{group}.example/p/{i}"
            for member in range(4):
                post = {"id": f"c{i}-{member}", "source": f"group{group}-account{member}",
                        "text": f"{_sentence(rng)} {link} #campaign{group}",
                        "published": (published + timedelta(seconds=rng.randint(0, 30))
                                      ).isoformat()}
                yield json.dumps(post, ensure_ascii=False)


def write_corpus(spec: Spec, out_dir: str | Path) -> list[Path]:
    """Write ``spec`` as JSONL shards into ``out_dir``; return the shard paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    fh = None
    for n, line in enumerate(iter_records(spec)):
        if n % spec.shard_size == 0:
            if fh is not None:
                fh.close()
            paths.append(out / f"part-{len(paths):04d}.jsonl")
            fh = paths[-1].open("w", encoding="utf-8")
        assert fh is not None
        fh.write(line + "\n")
    if fh is not None:
        fh.close()
    return paths


if __name__ == "__main__":  # pragma: no cover - manual use
    import sys

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    target = sys.argv[2] if len(sys.argv) > 2 else f"bench/_data/synthetic-{n}"
    print("\n".join(str(p) for p in write_corpus(Spec(n), target)))
