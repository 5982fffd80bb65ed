"""The planted groups of ``coord_scale.py``'s corpora, and the score of what was found.

The 1M world is generated once (``campaign_realistic.generate``, seed 7) and stored
as a corpus; its planted groups are not stored with it. They are recovered here by
replaying the generator's random draws with documents and reference finding
stubbed out (the groups depend only on the draws, so the replay gives the same
groups in about a minute instead of the generation's many). Copy ``k`` of the world
has the same groups with every account written ``<account>~c<k>``
(``coord_scale.replicate``).
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any


class _StubDocument:
    """Stands in for ``Document`` during the replay: keeps nothing."""

    doc_id = text = ""

    @classmethod
    def create(cls, *args: object, **kwargs: object) -> _StubDocument:
        return cls()


def base_groups(seed: int, n_background: int, cache: Path) -> dict[str, Any]:
    """The base world's planted groups and kinds, replayed (cached in ``cache``)."""
    if cache.exists():
        return json.loads(cache.read_text())
    import campaign_realistic as cr

    saved = cr.Document, cr.find_references
    cr.Document, cr.find_references = _StubDocument, lambda *a, **k: []
    try:
        w = cr.generate(seed=seed, n_background=n_background)
    finally:
        cr.Document, cr.find_references = saved
    out = {"groups": w.groups, "kinds": w.group_kind}
    cache.write_text(json.dumps(out))
    return out


def score_copies(base: dict[str, Any], copies: int,
                 found: list[tuple[list[str], str | None]]) -> dict[str, Any]:
    """``campaign_realistic.score`` against every copy's planted groups."""
    from campaign_realistic import score

    groups, kinds = [], []
    for k in range(copies):
        suffix = f"~c{k}" if k else ""
        groups += [[m + suffix for m in g] for g in base["groups"]]
        kinds += base["kinds"]
    world = SimpleNamespace(groups=groups, group_kind=kinds)
    result = score(world, [set(m) for m, _ in found], [kind for _, kind in found])  # type: ignore[arg-type]
    result["planted_groups"] = len(groups)
    return result
