"""A channel forwarded only by one set of accounts, always in a burst, has no audience of its
own (link/hubrings.py, forwards): the set is tested like any other re-sharers, and found;
channels forwarding a popular channel, each at its own pace, are not a group; a star's fans,
each re-sharing a few of its posts, are no closed audience.

Through Telegram Desktop exports and a real DuckDB corpus.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from coord_fixtures import communities
from propscope import load_settings
from propscope.link import hubrings
from propscope.pipeline import run

T0 = datetime(2024, 5, 1, tzinfo=UTC)
RING = [f"Ring channel {i}" for i in range(6)]
READERS = [f"Reader channel {i:02d}" for i in range(40)]


def _export(name: str, posts: list[tuple[float, str, str | None]]) -> dict:
    """A channel export (result.json): (seconds after T0, text, forwarded from or None)."""
    cid = f"channel{sum(map(ord, name)) * 7919 % 10**9}"
    msgs = []
    for i, (t, text, source) in enumerate(sorted(posts)):
        at = T0 + timedelta(seconds=t)
        m = {"id": i + 1, "type": "message", "date": at.strftime("%Y-%m-%dT%H:%M:%S"),
             "date_unixtime": str(int(at.timestamp())), "from": name, "from_id": cid,
             "text": text, "text_entities": [{"type": "plain", "text": text}]}
        if source is not None:
            m["forwarded_from"] = source
        msgs.append(m)
    return {"name": name, "type": "public_channel", "id": int(cid[7:]), "messages": msgs}


def _corpus(tmp_path: Path) -> Path:
    rnd = random.Random(12)
    posts: dict[str, list[tuple[float, str, str | None]]] = {n: [] for n in RING + READERS}
    words = ["мост", "город", "вода", "школа", "выборы", "цены", "дороги", "новости", "совет"]
    for day in range(16):
        # the hub's post, forwarded by 5 of the 6 ring channels within two minutes
        start = day * 86400.0 + rnd.uniform(8, 20) * 3600
        text = f"Хаб {day}: " + " ".join(rnd.choices(words, k=9))
        for name in rnd.sample(RING, 5):
            posts[name].append((start + rnd.uniform(0, 120), text, "Хаб правды"))
        # four posts of a popular channel, each forwarded by 10 readers at their own pace
        for k in range(4):
            t0 = day * 86400.0 + 3600 * (6 + 4 * k)
            big = f"Большой канал {day}-{k}: " + " ".join(rnd.choices(words, k=9))
            for name in rnd.sample(READERS, 10):
                posts[name].append((t0 + rnd.uniform(30, 6 * 3600), big, "Большой канал"))
        for name in RING + READERS:  # each channel's own posts
            posts[name].append((day * 86400.0 + rnd.uniform(0, 86400),
                                f"{name}: " + " ".join(rnd.choices(words, k=12)), None))
    (tmp_path / "in").mkdir()
    for n, name in enumerate(RING + READERS):
        (tmp_path / "in" / f"result-{n:02d}.json").write_text(
            json.dumps(_export(name, posts[name]), ensure_ascii=False), encoding="utf-8")
    corpus = tmp_path / "c.duckdb"
    run([str(tmp_path / "in")], corpus, None,
        load_settings(analyzers=("references", "repetitions")))
    return corpus


@pytest.mark.parametrize("kinds", [("forward",), ()])
def test_ring_on_a_closed_channel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  kinds: tuple[str, ...]) -> None:
    monkeypatch.setattr(hubrings, "KINDS", kinds)
    found = communities(_corpus(tmp_path))
    assert all(g <= set(RING) for g in found)  # no reader channel, ever
    if kinds:
        assert any(len(g) >= 5 for g in found)
    else:  # the ring is its hub's whole audience: conditioned on the hub, it is expected
        assert found == []


def test_fans_who_each_reshare_a_few_posts_are_no_closed_audience(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A star's posts, each re-shared by 3 of its 12 fans within the window (every re-share
    in a burst), against a hub's posts each re-shared by 4 of its 5 ring accounts: only the
    hub's audience is closed; with no participation bar, the fans' is too."""
    rnd = random.Random(4)
    audience, item, actor = [], [], []
    for post in range(10):  # the star (audience 0): fans 10..21
        for fan in rnd.sample(range(10, 22), 3):
            audience.append(0), item.append(post), actor.append(fan)
    for post in range(10, 20):  # the hub (audience 1): ring 0..4
        for member in rnd.sample(range(5), 4):
            audience.append(1), item.append(post), actor.append(member)
    aud, it, act = np.array(audience), np.array(item), np.array(actor)
    # every share is within the window of the next one on its post
    ja = np.array([i for i in range(len(it) - 1) if it[i] == it[i + 1]])
    jb = ja + 1
    assert hubrings.closed_audiences(aud, it, ja, jb, act).tolist() == [1]
    monkeypatch.setattr(hubrings, "MIN_PARTICIPATION", 0.0)
    assert hubrings.closed_audiences(aud, it, ja, jb, act).tolist() == [0, 1]
