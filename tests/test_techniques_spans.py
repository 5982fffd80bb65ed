"""Span properties an analyst relies on: stable under appended text, never a lone function word.

Texts are written for these tests; nothing is copied from the labelled corpora.
"""

from __future__ import annotations

import numpy as np
import pytest

from propscope.analyze.techniques.encoding import (
    Encoded,
    decode_runs,
    has_content_word,
    make_windows,
)
from propscope.analyze.techniques.model import TechniqueModel, model_dir

LOADED = (
    "The reckless, shameful plan from the mayor is a disaster for every hard-working family.\n"
    "Either we stop this madness now, or our city will be ruined forever.\n"
)
FILLER = "The committee met on Tuesday and reviewed the minutes of the previous session.\n"


@pytest.fixture(scope="module")
def model() -> TechniqueModel:
    return TechniqueModel(model_dir("semeval2023"))


@pytest.mark.parametrize("stride", [128, 192, 254])  # the training stride, and longer ones (inference_stride)
@pytest.mark.parametrize("n", [1, 253, 254, 255, 382, 383, 1000, 5000])
def test_windows_far_from_the_end_do_not_move_when_text_grows(n: int, stride: int) -> None:
    wins = make_windows(n, stride=stride)
    assert all(0 < e - s <= 254 for s, e in wins)
    assert wins[-1][1] == n and {t for s, e in wins for t in range(s, e)} == set(range(n))
    longer = make_windows(n + 777, stride=stride)
    far = [w for w in wins if w[0] < n - 254]
    assert far == longer[: len(far)]
    # a token more than one window before the end is covered by exactly the same windows
    for t in range(0, max(0, n - 254), 37):
        assert [w for w in wins if w[0] <= t < w[1]] == [w for w in longer if w[0] <= t < w[1]]


def test_text_appended_far_after_a_passage_leaves_its_spans_alone(model: TechniqueModel) -> None:
    text = LOADED + FILLER * 40  # the passage is far more than one window before the end
    before = model.spans("d", model.score([text])[0])
    appended = text + "\nA wholly unrelated paragraph about gardening, tomatoes and rain.\n" * 5
    after = model.spans("d", model.score([appended])[0])
    head = len(LOADED)
    early_before = [(s.start, s.end, s.technique) for s, _ in before if s.end <= head]
    early_after = [(s.start, s.end, s.technique) for s, _ in after if s.end <= head]
    assert early_before, "expected a technique span in the loaded passage"
    assert early_before == early_after


def test_leading_whitespace_shifts_spans_by_its_length_only(model: TechniqueModel) -> None:
    spans = model.spans("d", model.score([LOADED])[0])
    shifted = model.spans("d", model.score(["   \n" + LOADED])[0])
    assert [(s.start + 4, s.end + 4, s.technique) for s, _ in spans] == \
        [(s.start, s.end, s.technique) for s, _ in shifted]


def test_every_span_holds_a_content_word_and_whole_words(model: TechniqueModel) -> None:
    text = LOADED + "A. I. O. — a, an, the: of the. Ça va? Ünïcödé wörds hère, naïve café.\n"
    doc = model.score([text])[0]
    for span, _ in model.spans("d", doc):
        piece = text[span.start:span.end]
        assert has_content_word(text, span.start, span.end), piece
        assert not (span.start > 0 and text[span.start - 1].isalnum() and piece[0].isalnum())
        assert not (span.end < len(text) and text[span.end].isalnum() and piece[-1].isalnum())


def test_a_lone_letter_or_function_word_is_never_a_span() -> None:
    text = "A of the mayor"
    offsets = np.array([[0, 1], [2, 4], [5, 8], [9, 14]])
    enc = Encoded(np.arange(4), offsets, make_windows(4))
    hot_first_three = np.array([0.9, 0.9, 0.9, 0.0])
    assert decode_runs(text, enc, hot_first_three, 0.5, max_gap=0) == []
    all_hot = np.array([0.9, 0.9, 0.9, 0.9])
    assert [(a, b) for a, b, _ in decode_runs(text, enc, all_hot, 0.5)] == [(0, 14)]
    assert not has_content_word("a, A. of the; I", 0, 15)
    assert has_content_word("Ünïcödé", 0, 7)


def test_long_texts_tokenised_in_pieces_give_the_one_call_tokens(model: TechniqueModel) -> None:
    import random

    from propscope.analyze.techniques.encoding import encode, text_pieces

    rnd = random.Random(5)
    words = ["the", "Mayor's", "café", "naïve", "U.S.", "—", "(hello)", "don't", "😀", "東京",
             "\n\n", "\t", ",", "x" * 40, "\u00a0", "tax-payers"]
    for _ in range(12):
        text = " ".join(rnd.choice(words) for _ in range(rnd.randint(1500, 6000)))
        assert len(text_pieces(text)) > 1 or len(text) <= 8192
        ours = encode(model.tokenizer, text)
        one = model.tokenizer.encode(text, add_special_tokens=False)
        assert ours.ids.tolist() == one.ids
        assert [tuple(o) for o in ours.offsets.tolist()] == [tuple(o) for o in one.offsets]
    assert text_pieces("") == [(0, 0)] and text_pieces("y" * 20000) == [(0, 8192), (8192, 16384), (16384, 20000)]


def test_accents_and_astral_characters_keep_offsets_exact(model: TechniqueModel) -> None:
    """Offsets are Python code points: accented letters (the uncased tokenizer strips
    the accents, so the tokens are the same) leave every span where it was, and text
    before an emoji or CJK characters never pulls a span off its words."""
    plain = "The reckless, shameful plan from the mayor is a disaster for every cafe owner.\n"
    accented = plain.replace("cafe", "café").replace("mayor", "mayör")
    assert len(plain) == len(accented)
    a = [(s.start, s.end, s.technique) for s, _ in model.spans("d", model.score([plain])[0])]
    b = [(s.start, s.end, s.technique) for s, _ in model.spans("d", model.score([accented])[0])]
    assert a and a == b
    text = "😀🇺🇦 東京 — " + LOADED + "Ça va? 👍🏽 naïve\u00a0wörds.\n"
    for span, _ in model.spans("d", model.score([text])[0]):
        piece = text[span.start:span.end]
        assert piece == piece.strip() and piece[0].isalnum() or piece[0] in "\"'“‘(", piece
        assert not (span.start > 0 and text[span.start - 1].isalnum() and piece[0].isalnum())
        assert not (span.end < len(text) and text[span.end].isalnum() and piece[-1].isalnum())


def test_decoding_ignores_what_other_documents_are_scored_with(model: TechniqueModel) -> None:
    """One window per ONNX call: a document's spans do not depend on its batch."""
    alone = model.spans("d", model.score([LOADED])[0])
    together = model.score([FILLER * 30, LOADED, "Short."])[1]
    assert [(s.start, s.end, s.technique, round(c, 6)) for s, c in alone] == \
        [(s.start, s.end, s.technique, round(c, 6)) for s, c in model.spans("d", together)]


def _variant(tmp_path, **config) -> TechniqueModel:
    """The shipped semeval2023 model with ``config`` keys changed (files linked, not copied)."""
    import json

    src = model_dir("semeval2023")
    for f in src.iterdir():
        if f.name != "config.json":
            (tmp_path / f.name).symlink_to(f)
    cfg = json.loads((src / "config.json").read_text(encoding="utf-8"))
    (tmp_path / "config.json").write_text(json.dumps({**cfg, **config}), encoding="utf-8")
    return TechniqueModel(tmp_path)


def test_inference_stride_comes_from_the_config(model: TechniqueModel, tmp_path) -> None:
    from propscope.errors import ModelError

    text = LOADED + FILLER * 40
    assert model.stride == 128  # the shipped models keep the training stride
    (tmp_path / "a").mkdir()
    wide = _variant(tmp_path / "a", inference_stride=254)
    assert wide.stride == 254
    assert len(wide.score([text])[0].enc.windows) < len(model.score([text])[0].enc.windows)
    (tmp_path / "b").mkdir()
    with pytest.raises(ModelError, match="inference_stride 0"):
        _variant(tmp_path / "b", inference_stride=0)
