"""Suite-wide rules.

A skipped test is a test that did not run. On a developer's machine a skip (no
``../shared`` beside the checkout, no Chromium) is reported and the rest goes on;
in CI, or with ``PROPSCOPE_REQUIRE_SHARED=1``, every skip is turned into a failure
so that a missing data folder or browser can never make a run look green.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Generator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest


def skips_are_failures() -> bool:
    """True in CI (``CI`` set to a true value) or when ``PROPSCOPE_REQUIRE_SHARED=1``."""
    truthy = {"1", "true", "yes"}
    return (
        os.environ.get("PROPSCOPE_REQUIRE_SHARED", "").lower() in truthy
        or os.environ.get("CI", "").lower() in truthy
    )


def _as_failure(report: pytest.CollectReport | pytest.TestReport) -> None:
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
    report.outcome = "failed"
    report.longrepr = (
        f"skipped where skips are failures (CI / PROPSCOPE_REQUIRE_SHARED=1): {reason}"
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, None, None]:
    """A whole module skipped while it is collected (``pytest.importorskip``,
    ``pytest.skip(allow_module_level=True)``) never reaches the per-test hook below."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and skips_are_failures():
        _as_failure(report)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, None, None]:
    """Every skip of a test (``pytest.skip`` in the test or a fixture, a ``skipif``
    marker) in setup, call or teardown; an expected failure (xfail) is not a skip."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and skips_are_failures() and not hasattr(report, "wasxfail"):
        _as_failure(report)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Test files holding a ``slow`` test are collected first, in their own order.

    Why: ``make test`` hands whole files to one worker per core (pytest-xdist,
    ``--dist loadfile``) in collection order; a file of several minutes collected last
    would run alone at the end while the other cores wait. The sort is stable and the
    same in every worker, as xdist requires.
    """
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)


# -- corpora built by the real pipeline -------------------------------------------------------
#
# Tests that read a corpus get one written by the stages themselves (ingest, the analyzers,
# reuse, coordination) from input files, so its tables always have the schemas the code
# writes today. Never create result tables by hand in a test: build input that makes the
# stages produce the rows the test needs.

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "corpus"


def build_corpus(corpus: Path, sources: list[Path], **settings: Any) -> dict[str, Any]:
    """Run the whole main job (``propscope run``) on ``sources`` into ``corpus``; returns its
    summary. ``settings`` are :class:`propscope.Settings` fields (e.g. ``analyzers``)."""
    from propscope import load_settings, pipeline

    return pipeline.run([str(s) for s in sources], corpus, None, load_settings(**settings))


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    """Input records as a JSON Lines file (one object per line)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def x_export_page(seed: int = 4) -> dict[str, Any]:
    """One page of an X (Twitter) API export: an account whose five posts four amplifiers
    repost within seconds every time, and readers who repost hours later at random. Gives
    ``posts``, ``post_relations`` and coordination edges among the amplifiers."""
    rnd = random.Random(seed)
    t0 = datetime(2024, 5, 1, tzinfo=UTC)

    def stamp(seconds: float) -> str:
        return (t0 + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.000Z")

    users = [{"id": "1", "username": "origin_desk", "name": "Origin Desk"}]
    users += [{"id": f"2{i}", "username": f"amplifier_{i}", "name": f"Amp {i}"} for i in range(4)]
    users += [{"id": f"3{i:02d}", "username": f"reader_{i:02d}", "name": f"Reader {i}"}
              for i in range(20)]
    data, originals = [], []
    for k in range(5):
        t = k * 86400.0 + rnd.uniform(0, 3600)
        original = {"id": f"10{k}", "text": f"Original report number {k} about the harbour works",
                    "author_id": "1", "created_at": stamp(t)}
        data.append(original)
        originals.append(original)
        for i in range(4):
            data.append({"id": f"20{k}{i}", "author_id": f"2{i}",
                         "text": f"RT @origin_desk: {original['text']}",
                         "created_at": stamp(t + 5 + rnd.uniform(0, 20)),
                         "referenced_tweets": [{"type": "retweeted", "id": original["id"]}]})
        for r in rnd.sample(range(20), 8):
            data.append({"id": f"30{k}{r:02d}", "author_id": f"3{r:02d}",
                         "text": f"RT @origin_desk: {original['text']}",
                         "created_at": stamp(t + rnd.uniform(3600, 30 * 3600)),
                         "referenced_tweets": [{"type": "retweeted", "id": original["id"]}]})
    return {"data": data, "includes": {"users": users, "tweets": originals},
            "meta": {"result_count": len(data)}}


@pytest.fixture(scope="session")
def complete_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every table the main job writes, from the example corpus plus an X export, with every
    analyzer (the technique model included): what schema and docs tests read."""
    tmp = tmp_path_factory.mktemp("complete")
    x_page = write_jsonl(tmp / "x-page.jsonl", [x_export_page()])
    corpus = tmp / "complete.duckdb"
    build_corpus(corpus, [EXAMPLES, x_page])
    return corpus
