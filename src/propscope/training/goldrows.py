"""Training rows for linear heads over frozen encoder states, from gold spans.

Why one function: the shared heads (:mod:`.sharedheads`) and the fast heads
(:mod:`.fastheads`) fit the same two heads, a token tagger and a span classifier, from
the same rows: each token's state beside its context mean with its multi-hot labels,
and each gold span's (mean, first, last) states with its technique. They differ only in
how many tokens the tagger sees (the fast heads keep every ``token_step``-th token to fit
on the shared 2 cores in a quarter of the time); one loop keeps the two recipes from
drifting apart.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from tokenizers import Tokenizer

from ..analyze.techniques import encoding, heads
from . import dataset


class GoldRows(NamedTuple):
    """Per article with states: token rows and their labels (subsampled alike); per gold
    span that covers a token: its features and its label index."""

    tokens: list[np.ndarray]
    labels: list[np.ndarray]
    span_features: list[np.ndarray]
    span_labels: list[int]


def gold_rows(articles: list[dataset.Article], states: list[np.ndarray], tokenizer: Tokenizer,
              labels: list[str], context: int, token_step: int = 1) -> GoldRows:
    """The tagger's and the span classifier's rows from ``articles`` and their encoder
    ``states`` (one array per article, tokens as :func:`encoding.encode` cuts them).

    ``labels`` are the techniques the heads output, in column order; spans of other
    techniques are left out, and articles without states are skipped. The tagger's rows
    are every ``token_step``-th token (all of them by default); the span rows always
    read all the tokens.
    """
    index = {lb: i for i, lb in enumerate(labels)}
    tokens: list[np.ndarray] = []
    targets: list[np.ndarray] = []
    feats: list[np.ndarray] = []
    ks: list[int] = []
    for art, h in zip(articles, states, strict=True):
        if not len(h):
            continue
        enc = encoding.encode(tokenizer, art.text)
        spans = [(s.start, s.end, index[s.technique]) for s in art.spans if s.technique in index]
        tokens.append(heads.with_context(h, context)[::token_step])
        targets.append(encoding.token_labels(enc, spans, len(labels))[::token_step])
        for a, b, k in spans:
            ft = encoding.span_tokens(enc, a, b)
            if ft is not None:
                feats.append(heads.span_features(h, *ft))
                ks.append(k)
    return GoldRows(tokens, targets, feats, ks)
