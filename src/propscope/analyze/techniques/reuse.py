"""Work one process does once per document even when both taxonomies read it.

Why: with both taxonomies (issue 17), a worker runs the techniques analyzer on the
same documents twice, semeval2023 then semeval2020, and in the fast mode the second
reads the first's encoder pass. Besides that pass, each call also tokenised every
text again (same tokenizer file) and identified its language again (the language
gate): about 5 ms each per news article, 4-5% of the fast mode's CPU
(docs/benchmarks.md, "Techniques speed"). The last few results are kept here, per
process, and handed out again: each is a pure function of its key, so outputs are
the same as recomputing.

Kept small (a few batches): the analyzer reads documents in batches of 8, and both
taxonomies read a batch back to back.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Recent(Generic[V]):
    """The last ``kept`` values by key (least recently used dropped first); thread-safe.

    ``compute`` runs outside the lock: two threads may compute the same value at the
    same time (both get a correct one), but no thread waits on another's model run.
    """

    def __init__(self, kept: int) -> None:
        self.kept = kept
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], V], keep: bool = True) -> V:
        """The value for ``key``, computed (and kept, unless ``keep`` is false) if absent."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = compute()
        if not keep:
            return value
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.kept:
                self._values.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._values)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


# Texts longer than this are never kept (their tokens, their language decision): the
# caches hold a few news articles, not a few copies of a multi-megabyte document, and
# saving 10 ms on a text that takes minutes to score is worth nothing.
KEEP_CHARS = 200_000


def keep(text: str) -> bool:
    """Whether results about ``text`` may be kept (:data:`KEEP_CHARS`)."""
    return len(text) <= KEEP_CHARS


def keep_batch(texts: list[str]) -> bool:
    """Whether a batch's encoder outputs may be kept: its texts together within
    :data:`KEEP_CHARS`. Why the sum: the states are about 6 kB per token, so a batch of
    eight long texts just under the per-text bound held gigabytes in :data:`OUTPUTS`."""
    return sum(len(t) for t in texts) <= KEEP_CHARS


# A text's tokens and windows, per (tokenizer file digest, stride, end anchor, text).
# The text itself is in the key (no digest that could collide); 32 news articles are
# about 150 kB of keys.
ENCODED: Recent = Recent(32)

# The last few batches' encoder outputs, per (session, stride, end anchor, texts): when
# one process scores the same documents with both taxonomies (semeval2023, then the
# semeval2020 ``fast``/``shared`` variant over the same encoder), the second reads the
# first's pass. The same as recomputing (one window per ONNX call, see
# ``model.WINDOW_BATCH``); few (a news article's states are about 1.5 MB), and only for
# batches within ``KEEP_CHARS`` in all (``keep_batch``).
OUTPUTS: Recent = Recent(4)

# The language gate's decision per document (the analyzer's ``_plan``), keyed by
# everything it reads: the id, text and the language stage's stored fields.
PLANS: Recent = Recent(64)
