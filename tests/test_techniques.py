"""The shipped technique model, the analyzer contract, and the predict-spans/eval commands.

Texts here are written for these tests, from different viewpoints; nothing is
copied from the labelled corpora.
"""

from __future__ import annotations

import json
import pickle
import socket

import pyarrow as pa
import pytest
from click.testing import CliRunner

from propscope.analyze import multilingual, multilingual_doc
from propscope.analyze.techniques import taxonomy
from propscope.analyze.techniques.encoding import make_windows
from propscope.analyze.techniques.model import TechniqueModel, model_dir
from propscope.cli import main
from propscope.document import Document
from propscope.evaluate.formats import read_spans

OPINION = (
    "Council votes on the new bus lanes\n\n"
    "The reckless, shameful plan from the mayor is a disaster for every hard-working family.\n"
    "Either we stop this madness now, or our city will be ruined forever.\n"
    "Supporters say the lanes will cut commuting times, and many residents agree.\n"
)
OTHER_SIDE = (
    "Why the critics are wrong\n\n"
    "The so-called taxpayer champions have done nothing but spread fear and lies for years.\n"
    "Real patriots know that strong public transport makes our nation great again!\n"
)


@pytest.fixture(scope="module")
def offline_model():
    """Load a fresh model with sockets disabled: loading must never reach the network."""
    real = socket.socket

    def blocked(*args, **kwargs):
        raise OSError("network disabled in this test")

    socket.socket = blocked
    try:
        return TechniqueModel(model_dir("semeval2023"))
    finally:
        socket.socket = real


def test_taxonomy_has_23_techniques_in_6_families_and_maps_2020():
    techs = taxonomy.techniques_2023()
    assert len(techs) == 23 and len({t.family for t in techs}) == 6
    assert all(t.definition and t.example for t in techs)
    assert len(taxonomy.labels_2020()) == 14
    table = taxonomy.by_label()
    assert table["Black-and-White_Fallacy"].label == "False_Dilemma-No_Choice"
    assert table["Whataboutism,Straw_Men,Red_Herring"].family == "distraction"
    mapped = {m for row in taxonomy.mapping_2020() for m in row["maps_to"]}
    assert mapped | set(taxonomy.unmapped_2023()) == {t.label for t in techs}


def test_windows_cover_every_token_with_overlap():
    wins = make_windows(1000, size=254, stride=128)
    covered = set()
    for s, e in wins:
        assert e - s <= 254
        covered.update(range(s, e))
    assert covered == set(range(1000)) and wins[-1][1] == 1000


def test_shipped_model_loads_offline_and_tags_text(offline_model):
    doc = offline_model.score([OPINION])[0]
    spans = offline_model.spans("t", doc)
    assert spans, "expected at least one technique span in an openly loaded text"
    labels = {s.technique for s, _ in spans}
    assert labels <= set(offline_model.labels)
    assert "Loaded_Language" in labels or "False_Dilemma-No_Choice" in labels
    for s, conf in spans:
        assert 0 <= s.start < s.end <= len(OPINION) and 0.0 < conf <= 1.0
        assert OPINION[s.start : s.end].strip() == OPINION[s.start : s.end]
    # The neutral reporting sentence should score lower than the loaded one.
    loaded_end = OPINION.index("Supporters")
    assert any(s.end <= loaded_end for s, _ in spans)


def test_long_text_uses_windows_and_keeps_offsets(offline_model):
    long_text = (OPINION + OTHER_SIDE) * 12  # well over one 256-token window
    doc = offline_model.score([long_text])[0]
    assert len(doc.enc.windows) > 2
    assert doc.probs.shape[0] == len(doc.enc.ids)
    for s, _ in offline_model.spans("long", doc):
        assert 0 <= s.start < s.end <= len(long_text)


def test_analyzer_contract(offline_model):
    from propscope.analyze.registry import get_analyzer
    from propscope.analyze.techniques.analyzer import LABELS_SCHEMA, SPANS_SCHEMA

    analyzer = get_analyzer("techniques")
    assert set(analyzer.tables) == {"spans", "doc_labels", "technique_skips"}
    assert len(pickle.dumps(analyzer)) < 4096  # no model inside: workers load it lazily
    docs = [Document.create(OPINION), Document.create(OTHER_SIDE), Document.create("Bonjour à tous.", lang="fr")]
    results = analyzer.run_batch(docs)
    assert results[0] == analyzer.fn(docs[0])
    for doc, res in zip(docs, results, strict=True):
        pa.Table.from_pylist(res["spans"], schema=SPANS_SCHEMA)  # rows fit the declared schema
        pa.Table.from_pylist(res["doc_labels"], schema=LABELS_SCHEMA)
        for row in res["spans"]:
            assert row["doc_id"] == doc.doc_id
            assert doc.text[row["start"] : row["end"]] == row["snippet"]
            assert row["family"] == taxonomy.by_label()[row["technique"]].family
            assert row["snippet"].split()[0] in row["explanation"]
            assert row["model"].startswith("propscope-techniques-semeval2023@") or (
                doc.lang == "fr" and row["model"] == multilingual.MODEL_NAME)
    assert results[0]["spans"] and results[1]["spans"]
    genres = [r for r in results[0]["doc_labels"] if r["task"] == "genre"]
    # "uncertain": the head abstains below its calibrated confidence (genre_min in config.json)
    assert len(genres) == 1 and genres[0]["label"] in {"opinion", "reporting", "satire", "uncertain"}
    # French: not the English token model; paragraph labels from the multilingual heads,
    # genre/framing from the multilingual article heads (analyze/multilingual_doc.py)
    assert all(r["model"] == multilingual_doc.MODEL_NAME for r in results[2]["doc_labels"])
    assert all(r["model"] == multilingual.MODEL_NAME for r in results[2]["spans"])


def _articles(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "article101.txt").write_text(OPINION, encoding="utf-8")
    (folder / "article202.txt").write_text(OTHER_SIDE, encoding="utf-8")
    return folder


def test_predict_spans_round_trips_through_the_scorer(tmp_path):
    folder = _articles(tmp_path)
    runner = CliRunner()
    pred = tmp_path / "pred.txt"
    res = runner.invoke(main, ["predict-spans", str(folder), "--taxonomy", "semeval2023", "--out", str(pred), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["articles"] == 2
    spans = read_spans(pred)
    assert spans and {s.doc_id for s in spans} <= {"101", "202"}
    # Scoring the predictions against themselves must be perfect on every span metric.
    res = runner.invoke(main, ["eval", "--gold", str(pred), "--pred", str(pred), "--json"])
    assert res.exit_code == 0, res.output
    scores = json.loads(res.stdout)
    assert scores["si"]["f1"] == scores["span"]["f1"] == scores["tc"]["f1"] == 1.0
    # TC mode: given spans keep their offsets; labels come from the model.
    given = tmp_path / "given.txt"
    given.write_text("101\tX\t35\t61\n202\tX\t30\t64\n")
    out = tmp_path / "tc.txt"
    res = runner.invoke(main, ["predict-spans", str(folder), "--out", str(out), "--given-spans", str(given),
                               "--taxonomy", "semeval2020", "-q"])
    assert res.exit_code == 0, res.output
    tc = read_spans(out)
    assert [(s.doc_id, s.start, s.end) for s in tc] == [("101", 35, 61), ("202", 30, 64)]
    assert all(s.technique in taxonomy.labels_2020() for s in tc)


def test_paragraph_format_lists_every_nonempty_line(tmp_path):
    folder = _articles(tmp_path)
    out = tmp_path / "par.txt"
    res = CliRunner().invoke(main, ["predict-spans", str(folder / "article101.txt"), "--out", str(out),
                                    "--format", "semeval2023-paragraphs", "-q"])
    assert res.exit_code == 0, res.output
    rows = [line.split("\t") for line in out.read_text().splitlines()]
    assert [(r[0], int(r[1])) for r in rows] == [("101", 1), ("101", 3), ("101", 4), ("101", 5)]
    labels = {lab for r in rows for lab in r[2].split(",") if lab}
    assert labels and labels <= set(taxonomy.labels("semeval2023"))
    res = CliRunner().invoke(main, ["eval", "--gold", str(out), "--pred", str(out), "--format",
                                    "semeval2023-paragraphs", "--json"])
    assert json.loads(res.stdout)["paragraph"]["micro"]["f1"] == 1.0


def test_bad_inputs_name_the_file(tmp_path):
    folder = _articles(tmp_path)
    given = tmp_path / "given.txt"
    given.write_text("999\tX\t0\t5\n")
    res = CliRunner().invoke(main, ["predict-spans", str(folder), "--out", str(tmp_path / "o.txt"),
                                    "--given-spans", str(given)])
    assert res.exit_code == 2 and "given.txt" in res.output and "999" in res.output
    res = CliRunner().invoke(main, ["eval"])
    assert res.exit_code == 2 and "--gold" in res.output


def test_decoded_spans_keep_whole_words():
    import numpy as np

    from propscope.analyze.techniques.encoding import decode_runs, encode, load_tokenizer

    text = "They said it wasn't the people\u2019s choice, ever."
    enc = encode(load_tokenizer(model_dir("semeval2023") / "tokenizer.json"), text)
    probs = np.zeros(len(enc.ids), np.float32)
    inside = (enc.offsets[:, 0] >= text.index("wasn")) & (enc.offsets[:, 1] <= text.index("wasn") + 4)
    probs[inside] = 0.9  # only the sub-word "wasn" is hot
    (a, b, conf), = decode_runs(text, enc, probs, 0.5)
    assert text[a:b] == "wasn't" and conf == pytest.approx(0.9)
    probs[:] = 0.0
    probs[(enc.offsets[:, 0] >= text.index(","))] = 0.9  # ", ever." -> trimmed to the word
    assert [text[a:b] for a, b, _ in decode_runs(text, enc, probs, 0.5)] == ["ever"]
