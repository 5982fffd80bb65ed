"""Held-out judge 9: score propscope's (or a baseline's) communities against the truth.

Why judge 7's rules: figures stay comparable across judges. Each planted group is
matched to the community with the highest Jaccard overlap and scored by member F1 (a
missed group scores 0); the group F1 is the mean. Innocents are accounts in any
community that are neither planted members nor the hubs a planted group amplifies,
counted by role. In the control world (no planted groups) every placed account is an
innocent. Kinds: judge 9 adds ``forward`` (Telegram), matched by ``forward`` or
``repost``.
"""

from __future__ import annotations

from typing import Any

from heldout7_score import Community, score_groups
from heldout9_planted import KIND_NAMES


def score(truth: dict[str, Any], communities: list[Community]) -> dict[str, Any]:
    """Judge 7's scoring with judge 9's kind names; the hubs a planted group amplifies are
    no innocents; each group's row carries its platform and timing."""
    return score_groups(truth, communities, KIND_NAMES, exempt=set(truth.get("hubs", [])),
                        fields=("platform", "timing"))
