"""Coordination at scale and on platform data: what the bounded-memory rewrite must keep.

The batched MinHash must give datasketch's own numbers; near-identical and identical
texts must still join with band keys on disk; short-link chains must resolve; a platform
export's named links (not its ``t.co`` wrappers) must be the url items; and fans who
re-share one creator's posts hours apart must not become a group because two of them
happen to be quick, while a ring acting on its own items still is.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from datasketch import MinHash

from propscope import load_settings, open_corpus
from propscope.link.canonical import join_short_links
from propscope.link.coordination import run_coordination
from propscope.link.neartext import NUM_PERM, BatchMinHash, _shingles, near_text_groups
from propscope.pipeline import run
from propscope.settings import Settings
from test_coordination_hazards import DAY, background, corpus_of, groups, word


def test_batched_minhash_is_datasketchs() -> None:
    rnd = random.Random(3)
    texts = [" ".join(word(rnd) for _ in range(rnd.randint(2, 30))) for _ in range(50)]
    sets = [_shingles(t) for t in texts]
    ref = np.stack([m.hashvalues for m in MinHash.bulk(sets, num_perm=NUM_PERM, seed=1)])
    assert (BatchMinHash().signatures(sets) == ref).all()


def test_near_and_exact_texts_join_across_batches() -> None:
    rnd = random.Random(4)
    slogan = " ".join(word(rnd) for _ in range(14))
    texts: list[str | None] = []
    for i in range(9000):  # more than two signing batches
        texts.append(" ".join(word(rnd) for _ in range(10)))
        if i in (5, 4500, 8999):
            texts.append(slogan + "!!")  # identical once normalised
        if i == 7000:
            texts.append("RT " + slogan.upper() + " 🔥")  # near-identical
    texts.append(None)
    at, first = near_text_groups(texts)
    slogan_at = [k for k, t in enumerate(texts) if t and slogan.split()[3] in t.lower()]
    assert sorted(at.tolist()) == slogan_at
    assert set(first.tolist()) == {slogan_at[0]}


def test_short_link_chains_resolve_to_the_article() -> None:
    joined = join_short_links([("https://t.co/Wrap1", "https://bit.ly/AbC"),
                               ("https://bit.ly/AbC", "https://www.site.example/a/?s=20"),
                               ("https://t.co/Loop", "https://t.co/Loop2"),
                               ("https://t.co/Loop2", "https://t.co/Loop")])
    assert joined["short:t.co/Wrap1"] == "site.example/a"
    assert joined["short:bit.ly/AbC"] == "site.example/a"
    assert "short:t.co/Loop" not in joined


T0 = datetime(2024, 5, 1, tzinfo=UTC)


def _stamp(seconds: float) -> str:
    return (T0 + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def test_an_x_groups_links_are_the_expanded_ones_not_the_tco_wrappers(tmp_path: Path) -> None:
    """Every tweet shows its own t.co wrapper; entities.urls names the link (written in a
    different form by each member). Read from the text only, no two tweets share a link."""
    rnd = random.Random(5)
    ring = [f"ring_{i}" for i in range(4)]
    users = [{"id": str(i + 1), "username": u, "name": u} for i, u in enumerate(ring)]
    forms = ["https://www.site.example/story/{k}/?utm_source=x", "http://site.example/story/{k}",
             "https://m.site.example/story/{k}#top", "site.example/story/{k}/?s=20"]
    data, n = [], 0
    for k in range(5):
        t = k * DAY
        for i, _ in enumerate(ring):
            n += 1
            tco = f"https://t.co/{''.join(rnd.choices('abcdefghijKLMNOP0123', k=10))}"
            text = f"{word(rnd)} {word(rnd)} {word(rnd)} {tco}"
            data.append({"id": str(1000 + n), "author_id": str(i + 1),
                         "conversation_id": str(1000 + n),
                         "created_at": _stamp(t + 9 * i), "text": text,
                         "entities": {"urls": [{"start": text.index(tco),
                                                "end": text.index(tco) + len(tco), "url": tco,
                                                "expanded_url": forms[i].format(k=k)}]}})
    for b in range(40):  # background: popular links at random times, each with its wrapper
        users.append({"id": str(100 + b), "username": f"user_{b:02d}", "name": f"User {b}"})
        for _ in range(6):
            n += 1
            tco = f"https://t.co/{''.join(rnd.choices('abcdefghijKLMNOP0123', k=10))}"
            text = f"{word(rnd)} {word(rnd)} {word(rnd)} {tco}"
            data.append({"id": str(1000 + n), "author_id": str(100 + b),
                         "conversation_id": str(1000 + n),
                         "created_at": _stamp(rnd.uniform(0, 6 * DAY)), "text": text,
                         "entities": {"urls": [{"start": text.index(tco),
                                                "end": text.index(tco) + len(tco), "url": tco,
                                                "expanded_url": "https://daily.example/"
                                                f"{rnd.randint(0, 9)}"}]}})
    src = tmp_path / "x-page.jsonl"
    src.write_text(json.dumps({"data": data, "includes": {"users": users},
                               "meta": {"result_count": len(data)}}) + "\n", encoding="utf-8")
    corpus = tmp_path / "c.duckdb"
    run([str(src)], corpus, None, load_settings(analyzers=("references",)))
    with open_corpus(corpus, read_only=True) as c:
        members = {r[0] for r in c.con.execute("SELECT source FROM communities").fetchall()}
        items = {r[0] for r in c.con.execute(
            "SELECT DISTINCT item FROM coordination_evidence WHERE kind = 'url'").fetchall()}
    assert members == set(ring)
    assert items == {f"site.example/story/{k}" for k in range(5)}


def test_quick_fans_of_one_creator_are_not_a_group(tmp_path: Path) -> None:
    """A creator posts a link a day; 30 fans re-post each one at their own pace, hours
    apart, and two fans are always quick. Their co-actions are on items dozens shared:
    not theirs (the crowd filter counts everyone who shared, not only the quick). A ring
    posting its own links in the same corpus is still found."""
    rnd = random.Random(6)
    fans = [f"fan-{i:02d}" for i in range(30)]
    ring = ["ring-1", "ring-2", "ring-3"]
    posts = background(rnd)
    for k in range(12):
        t = DAY * (1 + k)
        url = f"https://video.example/watch?v=clip{k}"
        posts.append(("creator", f"new video {word(rnd)} {word(rnd)} {url}", t))
        for f in fans:
            quick = f in ("fan-00", "fan-01")
            delay = 20 + rnd.uniform(0, 30) if quick else rnd.expovariate(1 / (3 * 3600))
            posts.append((f, f"{word(rnd)} {word(rnd)} {word(rnd)} {url}", t + 600 + delay))
    for k in range(5):
        t = DAY * (2 + 3 * k) + 5000
        posts += [(acc, f"{word(rnd)} {word(rnd)} https://ring-site.example/p/{k}", t + 8 * i)
                  for i, acc in enumerate(ring)]
    corpus = corpus_of(tmp_path, posts)
    summary = run_coordination(corpus, Settings(coordination_near_text=False), "r1")
    assert groups(corpus) == [set(ring)]
    # each step says the peak memory it left, so a benchmark can see which step grows
    assert all(step["peak_rss_mb"] > 0 for step in summary["steps"].values())
