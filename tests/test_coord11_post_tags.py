"""Hashtags a platform export names only in a field are items too (link/coactions.py
``_post_tags``), through TikTok Research API pages and the whole pipeline.

TikTok's ``hashtag_names`` (and Instagram's, X's ``entities.hashtags``) are not always in the
caption the references analyzer reads. Five accounts post a campaign tag that is only in the
field, within a minute of each other, eight times; forty viewers post a show's tag (also
only in the field) at any time of the day. Without the switch the five are no group: no
event carries the tag (``coactions.POST_TAGS``, measured and off).
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from coord_fixtures import communities
from propscope import load_settings
from propscope.pipeline import run

T0 = int(datetime(2025, 3, 1, tzinfo=UTC).timestamp())
RING = [f"clipper_{i}" for i in range(5)]
VIEWERS = [f"viewer_{i:02d}" for i in range(40)]


def _page(seed: int = 5) -> dict:
    rnd = random.Random(seed)
    videos = []

    def video(user: str, t: float, tags: list[str]) -> None:
        videos.append({"id": str(7_000_000 + len(videos)), "username": user,
                       "create_time": int(T0 + t), "region_code": "FR",
                       "video_description": f"clip {rnd.randrange(10**6)} of the day",
                       "hashtag_names": tags})

    for k in range(8):
        t = k * 86400.0 + rnd.uniform(0, 40000)
        for user in RING:
            video(user, t + rnd.uniform(0, 60), [f"pushit{k % 2}", "fyp"])
    for user in VIEWERS:
        for _ in range(6):
            video(user, rnd.uniform(0, 8 * 86400.0), ["theshow", "fyp"])
    return {"data": {"videos": videos, "cursor": len(videos), "has_more": False}}


def test_a_tag_only_in_the_export_field_is_an_item(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """With ``coactions.POST_TAGS`` on (off by default: see its comment)."""
    from propscope.link import coactions

    monkeypatch.setattr(coactions, "POST_TAGS", True)
    src = tmp_path / "tiktok.jsonl"
    src.write_text(json.dumps(_page()) + "\n", encoding="utf-8")
    corpus = tmp_path / "c.duckdb"
    run([str(src)], corpus, None, load_settings(analyzers=("references",)))
    assert communities(corpus) == [set(RING)]


def test_without_the_field_the_ring_is_not_seen(tmp_path: Path) -> None:
    """The default (``POST_TAGS`` off)."""
    src = tmp_path / "tiktok.jsonl"
    src.write_text(json.dumps(_page()) + "\n", encoding="utf-8")
    corpus = tmp_path / "c.duckdb"
    run([str(src)], corpus, None, load_settings(analyzers=("references",)))
    assert communities(corpus) == []
