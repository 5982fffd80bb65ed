"""More hand-made hazards for coordination, through a real DuckDB corpus.

Burst junkies, repeated bursts of one hashtag, popular links at random times, missing
members, groups acting on several kinds, groups of 3 and of 50. Each test asserts
what would go wrong without the rule it covers.
"""

from __future__ import annotations

import random
from pathlib import Path

from propscope.link.coordination import run_coordination
from propscope.settings import Settings
from test_coordination_hazards import DAY, background, corpus_of, groups, word


def _bursts(rnd: random.Random, pool: list[str], n: int, size: tuple[int, int],
            spread_s: float = 120.0) -> list[tuple[str, str, float]]:
    """Breaking links: each shared by ``size`` accounts of ``pool`` within minutes."""
    out = []
    for b in range(n):
        t = rnd.uniform(0, 20 * DAY)
        for acc in rnd.sample(pool, rnd.randint(*size)):
            out.append((acc, f"wow {word(rnd)} {word(rnd)} https://breaking.example/live-{b}",
                        t + rnd.expovariate(1 / spread_s)))
    return out


def test_burst_junkies_are_not_a_group(tmp_path: Path) -> None:
    """40 accounts that join every other burst meet each other in many bursts: more than
    the popularity model expects, but no item is theirs (the crowd filter)."""
    rnd = random.Random(11)
    junkies = [f"junkie-{i:02d}" for i in range(40)]
    posts = background(rnd) + _bursts(rnd, junkies, 40, (15, 25))
    corpus = corpus_of(tmp_path, posts)
    summary = run_coordination(corpus, Settings(), "r1")
    assert summary["co_actions"] > 5000
    assert corpus.count("communities") == 0
    ev = corpus.df("coordination_evidence")
    assert ev.empty or (ev["item_close_sharers"] <= 4).all()


def test_a_group_among_junkies_is_found_and_junkies_stay_out(tmp_path: Path) -> None:
    rnd = random.Random(12)
    junkies = [f"junkie-{i:02d}" for i in range(40)]
    ring = ["ring-1", "ring-2", "ring-3", "ring-4"]
    posts = background(rnd) + _bursts(rnd, junkies, 40, (15, 25))
    for k in range(5):
        t = DAY * (1 + 3 * k)
        posts += [(acc, f"{word(rnd)} {word(rnd)} https://ring-site.example/p/{k}", t + 7 * i)
                  for i, acc in enumerate(ring)]
    corpus = corpus_of(tmp_path, posts)
    run_coordination(corpus, Settings(), "r1")
    assert groups(corpus) == [set(ring)]


def test_one_hashtag_pushed_in_repeated_bursts(tmp_path: Path) -> None:
    """A ring reuses the same two hashtags in six bursts, days apart: once per episode
    is evidence. With one episode per item it is two co-actions, not an edge."""
    rnd = random.Random(13)
    ring = ["tag-1", "tag-2", "tag-3", "tag-4"]
    posts = background(rnd)
    for k in range(6):
        t = DAY * (1 + 2 * k)
        tag = ("#stopthelies", "#wakeupnow")[k % 2]
        posts += [(acc, f"{word(rnd)} {word(rnd)} {word(rnd)} {tag}", t + 11 * i)
                  for i, acc in enumerate(ring)]
    # everyone else uses the tags too, now and then
    posts += [(f"user-{rnd.randrange(60):03d}", f"{word(rnd)} #stopthelies",
               rnd.uniform(0, 20 * DAY)) for _ in range(40)]
    path_a, path_b = tmp_path / "a", tmp_path / "b"
    path_a.mkdir()
    path_b.mkdir()
    corpus = corpus_of(path_a, posts)
    run_coordination(corpus, Settings(coordination_near_text=False), "r1")
    assert groups(corpus) == [set(ring)]
    ev = corpus.df("coordination_evidence")
    assert set(ev["kind"]) == {"hashtag"}
    assert any(" @" in item for item in ev["item"])  # later episodes are their own items
    single = corpus_of(path_b, posts)
    run_coordination(single, Settings(coordination_near_text=False,
                                      coordination_episode_gap_s=None), "r1")
    assert groups(single) == []


def test_popular_links_at_random_times_tie_nobody(tmp_path: Path) -> None:
    rnd = random.Random(14)
    popular = [f"https://big-{i}.example/story" for i in range(5)]
    posts = [(f"reader-{i:03d}", f"{word(rnd)} {word(rnd)} {rnd.choice(popular)}",
              rnd.uniform(0, 20 * DAY)) for i in range(150) for _ in range(8)]
    corpus = corpus_of(tmp_path, posts)
    run_coordination(corpus, Settings(), "r1")
    assert corpus.count("communities") == 0 and corpus.count("coordination_edges") == 0


def test_members_missing_actions_and_several_kinds(tmp_path: Path) -> None:
    """A ring of 6 posts a link, a hashtag and a pasted message each time; each member
    misses a third of the actions. All six are found, the kinds as evidence."""
    rnd = random.Random(15)
    ring = [f"mix-{i}" for i in range(6)]
    posts = background(rnd)
    for k in range(9):
        t = DAY * (1 + 2 * k)
        message = " ".join(word(rnd) for _ in range(12))
        for i, acc in enumerate(ring):
            if (i + k) % 3 == 0:
                continue  # missed
            posts.append((acc, f"{message}! https://mix-{k}.example/a #mixtag{k}",
                          t + 5 * i))
    corpus = corpus_of(tmp_path, posts)
    run_coordination(corpus, Settings(), "r1")
    assert groups(corpus) == [set(ring)]
    assert set(corpus.df("coordination_edges")["kind"]) >= {"url", "hashtag", "text"}


def long_tail(rnd: random.Random, n: int = 200) -> list[tuple[str, str, float]]:
    """Readers sharing links from a long tail (2,000 links, Zipf): most items uncapped."""
    links = [f"https://tail-{i % 40}.example/{i}" for i in range(2000)]
    weights = [1.0 / (i + 1) for i in range(len(links))]
    return [(f"reader-{i:03d}", f"{word(rnd)} {word(rnd)} {rnd.choices(links, weights)[0]}",
             rnd.uniform(0, 20 * DAY)) for i in range(n) for _ in range(rnd.randint(4, 12))]


def test_groups_of_3_and_of_50(tmp_path: Path) -> None:
    """A group of 50 is most of the sharers of its items: the test must still see it."""
    rnd = random.Random(16)
    small = [f"small-{i}" for i in range(3)]
    large = [f"large-{i:02d}" for i in range(50)]
    posts = long_tail(rnd)
    for name, members in (("small", small), ("large", large)):
        for k in range(8):
            t = DAY * (1.3 + 3 * k) if name == "small" else DAY * (2 + 3 * k)
            for acc in members:
                if rnd.random() < 0.1:
                    continue
                posts.append((acc, f"{word(rnd)} https://{name}-push.example/{k}",
                              t + rnd.expovariate(1 / 15.0)))
    corpus = corpus_of(tmp_path, posts)
    run_coordination(corpus, Settings(), "r1")
    found = sorted(groups(corpus), key=len)
    assert found[0] == set(small)
    assert len(found) == 2 and found[1] <= set(large) and len(found[1]) >= 45
