"""Telegram forwards that name only the source chat: the forwarded message is the item.

Through Telegram Desktop exports and a real DuckDB corpus: a ring of channels forwards
a hub channel's posts within a minute of each other, post after post; the export names
only the hub. One item per chat would be one co-action per pair in all.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from propscope import load_settings, open_corpus
from propscope.link import forwards
from propscope.link.coactions import build_events
from propscope.pipeline import run

T0 = datetime(2024, 5, 1, tzinfo=UTC)
RING = ["Канал Один", "Канал Два", "Канал Три", "Канал Четыре"]
TEXTS = [f"Новость {k}: мост закрыт до {k + 3} мая" for k in range(6)]


def _channel(name: str, posts: list[tuple[float, str]]) -> dict:
    """A channel export (result.json) whose messages forward the hub."""
    return {"name": name, "type": "public_channel", "id": abs(hash(name)) % 10**9,
            "messages": [{"id": i + 1, "type": "message",
                          "date": (T0 + timedelta(seconds=t)).strftime("%Y-%m-%dT%H:%M:%S"),
                          "date_unixtime": str(int((T0 + timedelta(seconds=t)).timestamp())),
                          "from": name, "from_id": f"channel{abs(hash(name)) % 10**9}",
                          "forwarded_from": "Хаб Новостей", "text": text,
                          "text_entities": [{"type": "plain", "text": text}]}
                         for i, (t, text) in enumerate(posts)]}


def _corpus(tmp_path: Path) -> Path:
    (tmp_path / "in").mkdir()
    for r, name in enumerate(RING):
        posts = [(86400.0 * k + 12 * r, text) for k, text in enumerate(TEXTS)]
        export = _channel(name, posts)
        (tmp_path / "in" / f"result-{r}.json").write_text(
            json.dumps(export, ensure_ascii=False), encoding="utf-8")
    corpus = tmp_path / "c.duckdb"
    run([str(tmp_path / "in")], corpus, None, load_settings(analyzers=("references",)))
    return corpus


def _forward_items(corpus: Path) -> dict[str, int]:
    with open_corpus(corpus) as c:
        build_events(c)
        return dict(c.con.execute("SELECT item, count(DISTINCT actor) FROM _coord_events "
                                  "WHERE kind = 'forward' GROUP BY item").fetchall())


def test_each_forwarded_message_is_its_own_item(tmp_path: Path) -> None:
    items = _forward_items(_corpus(tmp_path))
    assert len(items) == len(TEXTS)
    assert set(items.values()) == {len(RING)}
    assert all("from:Хаб Новостей#" in i for i in items)


def test_one_item_per_chat_without_the_rule(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forwards, "FORWARD_MESSAGES", False)
    items = _forward_items(_corpus(tmp_path))
    assert len(items) == 1
