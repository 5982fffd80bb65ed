"""The fused analyze pass (references + repetitions over one read of each batch)
writes exactly what running each analyzer on its own writes, with every engine,
and still quarantines a document an analyzer fails on."""

from __future__ import annotations

from pathlib import Path

import pytest

from propscope import pipeline
from propscope.analyze import references as references_module
from propscope.corpus import open_corpus
from propscope.document import Document
from propscope.engine import get_engine
from propscope.settings import Settings
from propscope.stages import analyze as analyze_stage
from signals_golden_cases import golden_cases

BOTH = ("references", "repetitions")


def _make_corpus(path: Path, count: int = 90) -> None:
    cases = list(golden_cases().values())
    docs = [Document.create(text, source=f"site{i % 4}.example", file="cases.jsonl",
                            record=str(i + 1), meta=meta)
            for i, (text, meta) in enumerate(cases[5:7] + cases[20:20 + count]) if text.strip()]
    assert docs[0].meta["html_tracking_ids"]  # IDs from raw HTML travel in the metadata
    with open_corpus(path) as corpus:
        corpus.add_documents(docs, corpus.start_run("test"))


def _tables(path: Path) -> dict[str, list[tuple]]:
    """Both result tables without run_id, in a fixed order."""
    out = {}
    with open_corpus(path, read_only=True) as corpus:
        for name in ("doc_references", "repetitions"):
            df = corpus.df(name).drop(columns=["run_id"])
            df["starts"] = df["starts"].map(list) if "starts" in df else None
            out[name] = sorted(map(repr, df.to_dict("records")))
    return out


def _analyze(path: Path, settings: Settings) -> dict:
    engine = get_engine(settings)
    try:
        with open_corpus(path) as corpus:
            return pipeline.analyze_corpus(corpus, settings, corpus.start_run("analyze"),
                                           engine=engine)
    finally:
        engine.close()


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple]]:
    """Each analyzer in a stage of its own (the fused pass switched off)."""
    path = tmp_path_factory.mktemp("separate") / "c.duckdb"
    _make_corpus(path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(analyze_stage, "FUSED_ANALYZERS", ())
        summary = _analyze(path, Settings(analyzers=BOTH))
    assert summary["references"]["status"] == "ok"
    return _tables(path)


@pytest.mark.parametrize("engine", ["local", "processes"])
def test_fused_pass_writes_what_separate_stages_write(reference, tmp_path, monkeypatch, engine):
    path = tmp_path / "c.duckdb"
    _make_corpus(path)
    monkeypatch.setattr(analyze_stage, "FUSED_WRITE_DOCS", 16)  # several grouped writes
    summary = _analyze(path, Settings(analyzers=BOTH, engine=engine, workers=2, batch_size=7))
    assert {summary[n]["status"] for n in BOTH} == {"ok"}
    assert summary["references"]["documents"] == summary["repetitions"]["documents"] > 80
    tables = _tables(path)
    assert len(tables["doc_references"]) > 100 and len(tables["repetitions"]) > 5
    assert any("'location': 'html'" in row for row in tables["doc_references"])
    assert tables == reference
    again = _analyze(path, Settings(analyzers=BOTH, engine=engine))
    assert {again[n]["status"] for n in BOTH} == {"up to date"}


def test_unequal_pending_sets_fall_back_to_separate_stages(reference, tmp_path):
    path = tmp_path / "c.duckdb"
    _make_corpus(path)
    _analyze(path, Settings(analyzers=("references",), limit=30))
    summary = _analyze(path, Settings(analyzers=BOTH))
    assert summary["references"]["documents"] == summary["repetitions"]["documents"] - 30
    assert _tables(path) == reference


def test_a_failing_document_is_quarantined_and_the_rest_written(tmp_path, monkeypatch):
    path = tmp_path / "c.duckdb"
    _make_corpus(path)
    real = references_module.find_references

    def fragile(doc_id: str, text: str, meta: dict | None = None,
                url: str | None = None) -> list[dict]:
        if "Tags:" in text:
            raise ValueError("cannot read this one")
        return real(doc_id, text, meta, url)

    monkeypatch.setattr(references_module, "find_references", fragile)
    summary = _analyze(path, Settings(analyzers=BOTH, batch_size=11))
    failed = summary["references"]["failed"]
    assert failed >= 1 and summary["repetitions"]["failed"] == 0
    with open_corpus(path, read_only=True) as corpus:
        reasons = corpus.df("quarantine")
        done = corpus.sql("SELECT stage, count(*) AS n FROM stage_done GROUP BY stage")
        docs = corpus.count("documents")
    assert len(reasons) == failed
    assert reasons["reason"].str.contains("analyzer references failed on document").all()
    assert reasons["reason"].str.contains("ValueError: cannot read this one").all()
    assert (reasons["file"] == "cases.jsonl").all() and reasons["record"].str.isdigit().all()
    assert dict(zip(done["stage"], done["n"], strict=True)) == {"references": docs,
                                                                "repetitions": docs}
