"""Held-out judge 7: video platforms (YouTube channels and comments, TikTok creators).

Why celebrity channels get comment storms: under a star's new video hundreds of fans
comment within minutes, and the most devoted fans do so under every video, so fan
pairs co-reply again and again, in the same minutes, with no coordination at all. A
detector that reads "same parents, same minutes, many times" as a group will accuse
them; the judge counts that.
"""

from __future__ import annotations

import itertools
import math
import random

from heldout7_people import Account, Act, local_time
from heldout7_text import sentence
from heldout7_world import TRENDING, World, poisson

FANDOM_SHARE = 0.3  # share of YouTube commenters who are fans of one of the stars


def _comment(world: World, rng: random.Random, acc: Account, video: Act, t: float,
             origin: str, parent: Act | None = None, text: str | None = None) -> Act:
    return world.add(Act(world.pid("youtube", acc, "comment"), "youtube", acc.handle, t,
                         "comment", text or sentence(rng, acc.lang, 3, 16), acc.lang,
                         parent=(parent or video).pid, root=video.pid, origin=origin))


def youtube(world: World, rng: random.Random) -> list[Act]:
    """Channels upload; commenters comment (popular videos more); stars get fan storms.
    Returns the videos (planted reply groups pick their targets among them)."""
    pop, days = world.pop, world.scale.days
    commenters = pop.by_platform["youtube"]
    channels = [pop.add(rng, "youtube", "channel", rate=rng.uniform(0.3, 1.5))
                for _ in range(world.scale.channels)]
    stars = channels[:3]
    for star in stars:
        star.role, star.rate = "celebrity", 1.0
    fans: dict[str, list[tuple[Account, float]]] = {s.handle: [] for s in stars}
    for acc in commenters:
        if rng.random() < FANDOM_SHARE:
            acc.role = "fan"
            star = rng.choice(stars)
            fans[star.handle].append((acc, min(0.9, rng.betavariate(0.6, 2.2) + 0.05)))
    cum = list(itertools.accumulate(a.rate for a in commenters))
    videos: list[Act] = []
    for ch in channels:
        for _ in range(poisson(rng, ch.rate * days)):
            t = local_time(rng, ch, days)
            desc = sentence(rng, ch.lang, 10, 30)
            links: list[str] = []
            if rng.random() < 0.4:
                canonical = world.links.popular(rng)
                links = [world.links.variant(rng, canonical, "youtube")]
                desc = f"{desc}\n{links[0]}"
            tags = [TRENDING] if rng.random() < 0.1 else []
            tags += [world.tag(rng) for _ in range(rng.randint(0, 4))]
            video = world.add(Act(world.pid("youtube", ch, "video"), "youtube", ch.handle, t,
                                  "video", desc, ch.lang, links, tags,
                                  title=sentence(rng, ch.lang, 4, 9), origin="video"))
            videos.append(video)
            for _ in range(poisson(rng, rng.lognormvariate(1.0, 1.0))):
                acc = rng.choices(commenters, cum_weights=cum)[0]
                when = t + rng.lognormvariate(math.log(5 * 3600), 1.3)
                top = _comment(world, rng, acc, video, when, "bg")
                if rng.random() < 0.25:
                    other = rng.choices(commenters, cum_weights=cum)[0]
                    _comment(world, rng, other, video,
                             when + rng.lognormvariate(math.log(1800), 1.2), "bg", top)
            for acc, devotion in fans.get(ch.handle, []):
                if rng.random() < devotion:  # the storm: most within minutes of upload
                    when = t + rng.lognormvariate(math.log(240), 1.0)
                    _comment(world, rng, acc, video, when, "fandom")
    return videos


def tiktok(world: World, rng: random.Random) -> list[Act]:
    """Creators post videos with hashtag sets (``fyp`` everywhere); comments carry no author
    (the Research API names none)."""
    creators = world.pop.by_platform["tiktok"]
    out: list[Act] = []
    for acc in creators:
        acc.rate = min(acc.rate * 0.45, 4.0)
        for _ in range(poisson(rng, acc.rate * world.scale.days)):
            t = local_time(rng, acc, world.scale.days)
            tags = ["fyp"] if rng.random() < 0.6 else []
            if rng.random() < 0.18:
                tags.append(TRENDING)
            tags += [world.tag(rng) for _ in range(rng.randint(1, 4))]
            text = sentence(rng, acc.lang, 3, 12) + " " + " ".join(f"#{x}" for x in tags)
            video = world.add(Act(world.pid("tiktok", acc, "video"), "tiktok", acc.handle, t,
                                  "video", text, acc.lang, [], sorted(set(tags))))
            out.append(video)
            for _ in range(poisson(rng, 1.2)):
                world.add(Act(world.pid("tiktok", acc, "comment"), "tiktok", "", t +
                              rng.lognormvariate(math.log(3600), 1.5), "comment",
                              sentence(rng, acc.lang, 2, 10), acc.lang, parent=video.pid,
                              root=video.pid, origin="anon_comment"))
    return out
