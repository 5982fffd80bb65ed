"""The references and repetitions analyzers give byte-identical rows to a golden record.

The golden file (``signals_golden.json``) was written with the analyzers *before*
they were optimised for speed; every later change must reproduce it exactly, on
invented texts (``signals_golden_cases.py``) and, when ``../shared`` is beside the
checkout, on every real article there (only digests are stored, never text).

Regenerate only on purpose, after an intended change of results (and bump the
analyzer's ``version``):  ``python tests/test_signals_golden.py --write``
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from propscope.analyze.references import find_references
from propscope.analyze.repetition import find_repetitions, find_repetitions_batch
from propscope.analyze.repetition.batch_prefilter import may_repeat
from propscope.analyze.repetition.maximal_repeats import find_repeats
from signals_golden_cases import golden_cases

pytestmark = pytest.mark.slow  # minutes of CPU: started first under xdist (conftest)

GOLDEN = Path(__file__).with_name("signals_golden.json")
SHARED = Path(__file__).resolve().parents[2] / "shared"


def shared_articles() -> dict[str, str]:
    """``{relative path: text}`` of the real articles and the sample, if present."""
    out: dict[str, str] = {}
    data = SHARED / "data"
    for path in sorted(data.glob("ptc2020/articles/*.txt")) + sorted(
            data.glob("semeval2023/*/articles/*.txt")):
        out[str(path.relative_to(SHARED))] = path.read_text(encoding="utf-8")
    sample = SHARED / "samples" / "advocacy-article-2020-10-28.txt"
    if sample.exists():
        out[str(sample.relative_to(SHARED))] = sample.read_text(encoding="utf-8")
    return out


def signals(text: str, meta: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {"doc_references": find_references("d", text, meta),
            "repetitions": find_repetitions("d", text)}


def digest(result: dict[str, list[dict[str, Any]]]) -> str:
    """SHA-256 of the rows as canonical JSON: keys, order, types and float reprs all count."""
    blob = json.dumps(result, sort_keys=True, ensure_ascii=False, default=repr)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:24]


def summary(result: dict[str, list[dict[str, Any]]], phrases: bool = True) -> str:
    """A readable fingerprint beside the digest, so a failure says what changed
    (without phrases for real articles: no text of theirs is stored here)."""
    kinds: dict[str, int] = {}
    for row in result["doc_references"]:
        kinds[row["kind"]] = kinds.get(row["kind"], 0) + 1
    parts = [f"{k}={v}" for k, v in sorted(kinds.items())]
    parts += [f"rep:{r['phrase'][:30] if phrases else r['rule']!r}x{r['count']}"
              for r in result["repetitions"]]
    return " ".join(parts)


def compute(include_shared: bool) -> dict[str, dict[str, str]]:
    out = {}
    for case_id, (text, meta) in golden_cases().items():
        res = signals(text, meta)
        out[case_id] = {"digest": digest(res), "summary": summary(res)}
    if include_shared:
        for rel, text in shared_articles().items():
            res = signals(text, {})
            out["shared:" + rel] = {"digest": digest(res), "summary": summary(res, False)}
    return out


@pytest.fixture(scope="module")
def golden() -> dict[str, dict[str, str]]:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_golden_covers_every_rule(golden):
    """The invented cases exercise every kind of reference and every repetition rule."""
    text = " ".join(v["summary"] for k, v in golden.items() if not k.startswith("shared:"))
    for kind in ("hashtag", "mention", "url", "email", "tracking_id", "embedded_post"):
        assert f"{kind}=" in text
    assert sum(1 for k in golden if not k.startswith("shared:")) >= 600
    assert sum(1 for v in golden.values() if "rep:" in v["summary"]) >= 50


def test_invented_texts_match_golden(golden):
    cases = golden_cases()
    bad = []
    for case_id, (text, meta) in cases.items():
        res = signals(text, meta)
        if digest(res) != golden[case_id]["digest"]:
            bad.append((case_id, golden[case_id]["summary"], summary(res)))
    assert not bad, bad[:5]


def test_batch_form_matches_golden(golden):
    """The batch form (vectorised pre-test, then the exact algorithm) gives the same rows."""
    cases = list(golden_cases().items())
    bad = []
    for i in range(0, len(cases), 97):  # uneven batches, mixed lengths and scripts
        chunk = cases[i:i + 97]
        rows = find_repetitions_batch([("d", text) for _, (text, _) in chunk])
        for (case_id, (text, meta)), reps in zip(chunk, rows, strict=True):
            res = {"doc_references": find_references("d", text, meta), "repetitions": reps}
            if digest(res) != golden[case_id]["digest"]:
                bad.append(case_id)
    assert not bad, bad[:5]


@pytest.mark.parametrize("text", [
    "The Harbor Union met. THE HARBOR UNION left. the Harbor Union stayed. The Harbor Union",
    "_the plan _the plan _the plan",             # "_" is a word character, not a function word
    "Straße Nord und Straße Nord und Straße Nord",  # non-ASCII: the general path
    "ſtate budget ſtate budget ſtate budget",    # casefolds to ASCII without being ASCII
    "(Green Party) (Green Party) (Green Party)",
    "«Paix durable» «Paix durable» «Paix durable»",
    "Alpha beta.\nAlpha beta.\n\nAlpha beta.",
    "Route 66 Route 66 Route 66",
    "Сергей Иванов, Сергей Иванов, Сергей Иванов",
    "big according plans, big according plans, big according plans",
])
def test_pre_test_never_rules_out_a_repeat(text):
    """``may_repeat`` is a necessary condition: where ``find_repeats`` finds
    something it says "maybe", alone or among other texts (ASCII or not)."""
    text = "Note: " + text
    assert find_repeats(text, 3)
    assert may_repeat([text], 3) == [True]
    assert may_repeat(["plain words", text, "Ünïcode here", ""], 3) == [False, True, False, False]
    assert may_repeat(["plain words", text, "ascii only"], 3) == [False, True, False]


def test_pre_test_rules_out_text_without_repeats():
    texts = ["one two three four", "The plan, the plan. The end.", "", "a b c a b c",
             "of the of the of the of the", "Ein Plan, ein Plan, ein Plan"]
    assert may_repeat(texts, 3) == [False] * 6
    assert may_repeat(texts, 3) == [bool(find_repeats(t, 3)) for t in texts]


def test_real_articles_match_golden(golden):
    articles = shared_articles()
    if not articles:
        pytest.skip("../shared is not beside the checkout")
    bad = []
    # Repetitions through the batch form here (the one the pipeline uses); the
    # one-document form is checked on the invented texts above.
    batch = find_repetitions_batch([("d", text) for text in articles.values()])
    for (rel, text), reps in zip(articles.items(), batch, strict=True):
        key = "shared:" + rel
        if key not in golden:
            continue  # an article added to ../shared after the golden file was written
        res = {"doc_references": find_references("d", text, {}), "repetitions": reps}
        if digest(res) != golden[key]["digest"]:
            bad.append((rel, golden[key]["summary"], summary(res, False)))
    assert sum(1 for k in golden if k.startswith("shared:")) > 1000
    assert not bad, bad[:5]


if __name__ == "__main__":
    if "--write" not in sys.argv:
        sys.exit("usage: python tests/test_signals_golden.py --write")
    GOLDEN.write_text(json.dumps(compute(include_shared=True), indent=0, sort_keys=True,
                                 ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written {GOLDEN}")
