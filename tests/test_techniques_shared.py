"""The semeval2020 ``shared`` variant: SemEval-2020 heads over the SemEval-2023 encoder.

When both taxonomies read the same documents in one process, the second reads
the first's encoder pass (model._encoder_outputs) instead of running the encoder
again; the outputs must be exactly what a fresh pass gives. The text is written
for this test.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from propscope.analyze.techniques import reuse
from propscope.analyze.techniques.model import TechniqueModel, model_dir
from propscope.errors import ModelError
from propscope.training.sharedheads import fit_multilabel, fit_softmax

TEXT = (
    "The council met on Tuesday and approved the new bus timetable.\n\n"
    "Only a coward would vote against this heroic plan, and every true patriot knows it.\n"
    "These traitors will destroy our nation unless we stop them now, as everybody knows.\n"
)


def test_shipped_config_has_the_shared_variant_reading_the_2023_encoder():
    config = json.loads((model_dir("semeval2020") / "config.json").read_text())
    shared = config["variants"]["shared"]
    assert [m["model"] for m in shared["members"]] == ["propscope-techniques-semeval2023"]
    assert shared["members"][0]["tag_head"] is True
    assert (model_dir("semeval2020") / shared["members"][0]["heads"]).exists()


def test_shared_variant_reuses_the_2023_pass_and_gives_the_fresh_outputs(monkeypatch):
    calls = []
    real = TechniqueModel._run

    def counting(session, *args):
        calls.append(id(session))
        return real(session, *args)

    reuse.OUTPUTS.clear()
    monkeypatch.setattr(TechniqueModel, "_run", staticmethod(counting))
    m23 = TechniqueModel(model_dir("semeval2023"), threads=1)
    shared = TechniqueModel(model_dir("semeval2020"), threads=1, variant="shared")
    assert shared.name.endswith("/shared")
    d23 = m23.score([TEXT], si=False)[0]
    assert len(calls) == 1
    reused = shared.score([TEXT])[0]  # member and SI member: the same encoder, already run
    assert len(calls) == 1
    reuse.OUTPUTS.clear()
    fresh = shared.score([TEXT])[0]
    assert len(calls) == 2  # one pass for the member and the SI member together
    assert np.array_equal(reused.probs, fresh.probs) and np.array_equal(reused.si_scores, fresh.si_scores)
    assert np.array_equal(reused.hidden, d23.hidden)
    # 14 SemEval-2020 techniques + 'any', from the tag head, not the 2023 encoder's 24 columns
    assert reused.probs.shape[1] == len(shared.labels) + 1 == 15
    assert not reused.hidden.flags.writeable  # shared between models: read-only
    assert all(label in shared.labels for label, _ in [shared.classify(reused, 10, 40)])
    spans = shared.spans("d", reused)
    assert all(s.technique in shared.labels for s, _ in spans)


def test_unknown_variant_is_a_coded_error():
    with pytest.raises(ModelError, match="no variant 'nope'"):
        TechniqueModel(model_dir("semeval2020"), threads=1, variant="nope")


def test_head_fitting_recovers_hand_made_labels_and_folds_the_scaling():
    rng = np.random.default_rng(0)
    x = np.column_stack([rng.normal(0, 1, 600), rng.normal(300, 50, 600)])
    y = np.column_stack([x[:, 0] > 0.5, x[:, 0] < -0.5]).astype(np.float32)
    w, b = fit_multilabel(x, y, l2=1.0)
    pred = (x @ w + b) > 0
    assert (pred == y.astype(bool)).mean() > 0.95
    k = np.digitize(x[:, 0], [-0.5, 0.5])
    w, b = fit_softmax(x, k, 3, l2=1.0)
    assert ((x @ w + b).argmax(axis=1) == k).mean() > 0.9


def test_fast_mode_is_its_own_stage_version_and_model_name():
    """Switching ``techniques_mode`` recomputes (another version); the spans say which
    variant wrote them; an unknown mode is a coded error."""
    import pickle

    from propscope.analyze.registry import get_analyzer
    from propscope.document import Document
    from propscope.errors import InputError
    from propscope.settings import Settings

    base = get_analyzer("techniques")
    assert base.configure(Settings()).version == "1.5"  # the default is unchanged
    fast23 = base.configure(Settings(techniques_mode="fast"))
    fast20 = pickle.loads(pickle.dumps(base.configure(Settings(taxonomy="semeval2020",
                                                               techniques_mode="fast"))))
    assert (fast23.version, fast20.version) == ("1.5/fast", "1.5/semeval2020/fast")
    doc = Document.create(TEXT)
    for bound, name in ((fast23, "propscope-techniques-semeval2023@"),
                        (fast20, "propscope-techniques-semeval2020@")):
        spans = bound.run_batch([doc])[0]["spans"]
        assert spans and all(r["model"].startswith(name) and r["model"].endswith("/fast") for r in spans)
    with pytest.raises(InputError, match="techniques_mode"):
        base.configure(Settings(techniques_mode="quick"))


def test_fast_variants_read_fewer_windows():
    m23 = TechniqueModel(model_dir("semeval2023"), threads=1, variant="fast")
    m20 = TechniqueModel(model_dir("semeval2020"), threads=1, variant="fast")
    assert m23.stride == m20.stride == 254
    assert m23.sessions[0] is m20.sessions[0]  # one encoder file, one session


def test_run_with_techniques_mode_fast_says_so_and_writes_fast_spans(tmp_path):
    import duckdb
    from click.testing import CliRunner

    from propscope.cli import main

    src = tmp_path / "posts.jsonl"
    src.write_text("".join(json.dumps({"id": f"p{i}", "source": "outlet", "published": "2024-03-01T10:00:00Z",
                                       "text": f"Story {i}. {TEXT}"}) + "\n" for i in range(2)),
                   encoding="utf-8")
    corpus = tmp_path / "c.duckdb"
    res = CliRunner().invoke(main, ["run", str(src), "--corpus", str(corpus),
                                    "--taxonomy", "semeval2020", "--techniques-mode", "fast", "--json"])
    assert res.exit_code == 0, res.output
    chosen = json.loads(res.output)["analyze"]["techniques"]["chosen"]
    assert chosen["techniques_mode"] == "fast" and chosen["mode"] in {"all", "sample"}
    assert "fast mode" in chosen["line"]
    con = duckdb.connect(str(corpus), read_only=True)
    models = {r[0] for r in con.execute("SELECT DISTINCT model FROM spans").fetchall()}
    con.close()
    assert models and all(m.startswith("propscope-techniques-semeval2020@") and m.endswith("/fast")
                          for m in models)


def test_genre_and_framing_are_called_article_level_estimates_beside_their_scores():
    from propscope.present.views import label_caveats

    labels = [{"task": "genre", "label": "uncertain", "score": 0.41},
              {"task": "framing", "label": "Political", "score": 0.7}]
    caveats = label_caveats(labels)
    assert set(caveats) == {"genre", "framing"}
    assert all(c.startswith("article-level estimate") and "confidence" in c for c in caveats.values())
    assert "'uncertain'" in caveats["genre"]


def test_the_shared_heads_get_no_calibrated_confidence_from_the_ensembles_map():
    shared = TechniqueModel(model_dir("semeval2020"), threads=1, variant="fast")
    assert shared.calibration is None and shared.calibrated("Loaded_Language", 0.9) is None
    assert TechniqueModel(model_dir("semeval2020"), threads=1).calibration is not None


def test_context_features_are_the_clipped_neighbourhood_mean():
    from propscope.analyze.techniques.heads import with_context

    h = np.arange(10, dtype=np.float32).reshape(5, 2)
    out = with_context(h, 1)
    assert out.shape == (5, 4) and np.array_equal(out[:, :2], h)
    assert np.allclose(out[0, 2:], h[:2].mean(axis=0)) and np.allclose(out[2, 2:], h[1:4].mean(axis=0))
    assert np.allclose(out[4, 2:], h[3:].mean(axis=0))
    assert with_context(h, 0) is h
