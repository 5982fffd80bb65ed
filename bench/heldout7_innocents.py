"""Held-out judge 7: innocent look-alikes of coordination.

Why each of these exists: every one is a behaviour real data is full of that shares
items in the same minutes, again and again, without anyone coordinating it: wire
copy republished by many outlets, news aggregator bots polling the same feeds,
scheduled bots posting on the hour, fans replying under every post of a star,
giveaway entrants, live-event chatter, friends resharing each other, an outlet and its
staff, breaking-news bursts. A judge without them would reward a detector that flags
all synchrony.
"""

from __future__ import annotations

import math
import random

from heldout7_people import DAY, START, Account, Act, local_time, uid_of
from heldout7_text import EMOJI, article, near_variant, sentence
from heldout7_world import TRENDING, World, poisson

WIRE_PER_DAY = 8
BREAKING_EVENTS = 12


def _ordinary(world: World, rng: random.Random, n: int, role: str,
              platform: str = "bluesky") -> list[Account]:
    """``n`` background accounts given a look-alike ``role``."""
    free = [a for a in world.pop.by_platform[platform] if a.role == "background"]
    chosen = rng.sample(free, min(n, len(free)))
    for acc in chosen:
        acc.role = role
    return chosen


def wire(world: World, rng: random.Random) -> None:
    """An agency's stories republished by subscribing outlets within minutes (near-identical
    bodies, each outlet its own headline and footer)."""
    sites = world.pop.by_platform["web"]
    subscribers = [s for s in sites if rng.random() < 0.6] or sites[:2]
    for s in subscribers:
        s.role = "wire_outlet"
    for n in range(WIRE_PER_DAY * world.scale.days):
        t0 = START + rng.random() * world.scale.days * DAY
        body = article(rng, "en", rng.randint(3, 6))
        for site in rng.sample(subscribers, min(len(subscribers), rng.randint(3, 14))):
            t = t0 + rng.uniform(90, 2400)
            url = f"https://{site.handle}/wire/{uid_of('wire', n, site.handle)[:10]}"
            text = f"{near_variant(rng, body, 'en', rng.randint(0, 3))}\n\n(c) {site.handle}"
            world.add(Act(url, "web", site.handle, t, "article", text, "en",
                          title=sentence(rng, "en", 5, 10), origin="wire"))
            world.links.articles.append((t, url))
    world.links.articles.sort()


def outlets_and_staff(world: World, rng: random.Random) -> None:
    """Outlets post their articles on Bluesky and Facebook; their staff repost them."""
    pop = world.pop
    by_site: dict[str, list[Act]] = {}
    for act in world.acts:
        if act.kind == "article":
            by_site.setdefault(act.author, []).append(act)
    for site in pop.by_platform["web"][: max(2, len(pop.by_platform["web"]) * 5 // 8)]:
        sky = Account(site.handle, "bluesky", site.lang, site.role, site.tz, 3.0,
                      "did:plc:" + uid_of("outlet", site.handle)[:24])
        fb = Account(site.handle, "facebook", site.lang, site.role, site.tz, 3.0,
                     uid_of("fb", site.handle))
        pop.by_platform["bluesky"].append(sky)
        pop.by_platform["facebook"].append(fb)
        staff = _ordinary(world, rng, rng.randint(2, 4), "staff")
        for art in by_site.get(site.handle, []):
            if rng.random() < 0.8:
                link = world.links.variant(rng, art.pid, "bluesky")
                post = world.add(Act(world.pid("bluesky", sky, "post"), "bluesky", sky.handle,
                                     art.t + rng.uniform(60, 1200), "post",
                                     f"{art.title} {link}", art.lang, [link], origin="outlet"))
                for member in staff:
                    if rng.random() < 0.35:
                        world.add(Act(world.pid("bluesky", member, "repost"), "bluesky",
                                      member.handle, post.t + rng.lognormvariate(
                                          math.log(900), 1.2), "repost", post.text, post.lang,
                                      list(post.links), parent=post.pid, root=post.pid,
                                      origin="staff"))
            if rng.random() < 0.6:
                link = world.links.variant(rng, art.pid, "facebook")
                world.add(Act(world.pid("facebook", fb, "post"), "facebook", fb.handle,
                              art.t + rng.uniform(300, 3600), "post",
                              f"{art.title}\n{sentence(rng, art.lang, 5, 12)}", art.lang,
                              [link], origin="outlet"))


def aggregators(world: World, rng: random.Random) -> None:
    """News aggregator bots: each polls a set of outlets' feeds and posts every new link."""
    sites = [s.handle for s in world.pop.by_platform["web"]]
    arts = [a for a in world.acts if a.kind == "article"]
    for _ in range(5):
        bot = world.pop.add(rng, "bluesky", "aggregator_bot", rate=0.0, lang="en")
        follows = set(rng.sample(sites, min(len(sites), rng.randint(6, 12))))
        period = rng.choice([300.0, 600.0, 900.0, 3600.0])
        phase = rng.random() * period
        for art in arts:
            if art.author in follows:
                t = math.ceil((art.t - phase) / period) * period + phase + rng.uniform(2, 25)
                link = art.pid + "?utm_source=rss&utm_medium=feed"
                world.add(Act(world.pid("bluesky", bot, "post"), "bluesky", bot.handle, t,
                              "post", f"{art.title} {link}", art.lang, [link],
                              origin="aggregator"))


def scheduled_bots(world: World, rng: random.Random) -> None:
    """Bots posting at fixed times of day (several on the same hours, some sharing a tag)."""
    for i in range(14):
        bot = world.pop.add(rng, "bluesky", "scheduled_bot", rate=0.0)
        slots = sorted({rng.choice([6, 7, 8, 9, 12, 18, 20]) + rng.choice([0, 0, 0.5])
                        for _ in range(rng.randint(1, 3))})
        tag = ["goodmorning", "weather", "dailyfact", "quoteoftheday"][i % 4]
        for d in range(world.scale.days):
            for slot in slots:
                t = START + d * DAY + (slot - bot.tz) * 3600 + rng.uniform(0, 20)
                world.add(Act(world.pid("bluesky", bot, "post"), "bluesky", bot.handle, t,
                              "post", f"{sentence(rng, bot.lang, 6, 14)} #{tag}", bot.lang,
                              tags=[tag], origin="scheduled"))


def fandom(world: World, rng: random.Random) -> None:
    """Stars on Bluesky; their fans reply and repost within minutes, under every post."""
    for _ in range(3):
        star = world.pop.add(rng, "bluesky", "celebrity", rate=2.0)
        fans = [(f, min(0.9, rng.betavariate(0.6, 2.0) + 0.05))
                for f in _ordinary(world, rng, max(4, len(world.pop.by_platform["bluesky"])
                                                   // 30), "fan")]
        for _ in range(poisson(rng, 2.0 * world.scale.days)):
            t = local_time(rng, star, world.scale.days)
            post = world.add(Act(world.pid("bluesky", star, "post"), "bluesky", star.handle, t,
                                 "post", sentence(rng, star.lang, 4, 14), star.lang,
                                 origin="celebrity"))
            for fan, devotion in fans:
                if rng.random() < devotion:
                    world.add(Act(world.pid("bluesky", fan, "reply"), "bluesky", fan.handle,
                                  t + rng.lognormvariate(math.log(180), 1.0), "reply",
                                  f"{sentence(rng, fan.lang, 1, 6)} {rng.choice(EMOJI) * 3}",
                                  fan.lang, parent=post.pid, root=post.pid, origin="fandom"))
                if rng.random() < devotion * 0.5:
                    world.add(Act(world.pid("bluesky", fan, "repost"), "bluesky", fan.handle,
                                  t + rng.lognormvariate(math.log(600), 1.2), "repost",
                                  post.text, post.lang, parent=post.pid, root=post.pid,
                                  origin="fandom"))


def giveaways(world: World, rng: random.Random) -> None:
    """A brand's contest: everyone replies the same words and reposts, over a day or two."""
    for k in range(2):
        brand = world.pop.add(rng, "bluesky", "brand", rate=0.0)
        t0 = START + (k + 0.3) * world.scale.days / 2 * DAY
        post = world.add(Act(world.pid("bluesky", brand, "post"), "bluesky", brand.handle, t0,
                             "post", "GIVEAWAY! Repost + reply 'entered' to win #giveaway",
                             "en", tags=["giveaway"], origin="brand"))
        n = max(6, len(world.pop.by_platform["bluesky"]) // 12)
        for acc in _ordinary(world, rng, n, "giveaway"):
            t = t0 + rng.expovariate(1 / 20000)
            world.add(Act(world.pid("bluesky", acc, "reply"), "bluesky", acc.handle, t, "reply",
                          near_variant(rng, "entered! good luck everyone #giveaway", "en", 1),
                          "en", tags=["giveaway"], parent=post.pid, root=post.pid,
                          origin="giveaway"))
            world.add(Act(world.pid("bluesky", acc, "repost"), "bluesky", acc.handle,
                          t + rng.uniform(2, 40), "repost", post.text, "en",
                          tags=["giveaway"], parent=post.pid, root=post.pid, origin="giveaway"))


def live_events(world: World, rng: random.Random) -> None:
    """A match and a concert: hundreds post with the event's tag; at each goal, in the same
    minute, many post the same two tags."""
    for k, (tag, burst) in enumerate((("cupfinal", "GOAL"), ("liveconcert", "encore"))):
        t0 = START + (0.4 + 0.5 * k) * world.scale.days * DAY
        fans = _ordinary(world, rng, max(6, len(world.pop.by_platform["bluesky"]) // 12),
                         "live_chatter")
        moments = sorted(t0 + rng.uniform(300, 9000) for _ in range(5))
        for acc in fans:
            for _ in range(rng.randint(1, 5)):
                world.add(Act(world.pid("bluesky", acc, "post"), "bluesky", acc.handle,
                              t0 + rng.uniform(0, 9600), "post",
                              f"{sentence(rng, acc.lang, 2, 10)} #{tag}", acc.lang,
                              tags=[tag], origin="live"))
            for m in moments:
                if rng.random() < 0.45:
                    world.add(Act(world.pid("bluesky", acc, "post"), "bluesky", acc.handle,
                                  m + rng.expovariate(1 / 50), "post",
                                  f"#{burst} {sentence(rng, acc.lang, 1, 4)} #{tag}", acc.lang,
                                  tags=[burst, tag], origin="live"))


def friends(world: World, rng: random.Random) -> None:
    """Circles of friends who repost and answer each other, often within the hour."""
    by_author: dict[str, list[Act]] = {}
    for act in world.acts:
        if act.platform == "bluesky" and act.kind == "post":
            by_author.setdefault(act.author, []).append(act)
    for _ in range(max(2, len(world.pop.by_platform["bluesky"]) // 60)):
        circle = _ordinary(world, rng, rng.randint(3, 6), "friend")
        for member in circle:
            for post in by_author.get(member.handle, []):
                for other in circle:
                    if other is member:
                        continue
                    if rng.random() < 0.3:
                        world.add(Act(world.pid("bluesky", other, "repost"), "bluesky",
                                      other.handle, post.t + rng.lognormvariate(
                                          math.log(1800), 1.5), "repost", post.text, post.lang,
                                      list(post.links), list(post.tags), post.pid, post.pid,
                                      origin="friends"))
                    if rng.random() < 0.12:
                        world.add(Act(world.pid("bluesky", other, "reply"), "bluesky",
                                      other.handle, post.t + rng.lognormvariate(
                                          math.log(2400), 1.4), "reply",
                                      sentence(rng, other.lang, 2, 9), other.lang,
                                      parent=post.pid, root=post.pid, origin="friends"))


def breaking_news(world: World, rng: random.Random) -> None:
    """Viral bursts: dozens of unrelated accounts share one breaking link within minutes
    (news junkies, who follow everything, are in many bursts)."""
    junkies = _ordinary(world, rng, max(6, len(world.pop.by_platform["bluesky"]) // 14),
                        "news_junkie")
    people = [a for a in world.pop.by_platform["bluesky"] if a.role == "background"]
    fb = [a for a in world.pop.by_platform["facebook"] if a.role == "background"]
    for _ in range(max(2, BREAKING_EVENTS * world.scale.days // 14)):
        t0 = START + rng.random() * (world.scale.days - 0.2) * DAY
        canonical = world.links.recent_article(rng, t0) or world.links.popular(rng)
        n = rng.randint(25, 70)
        crowd = rng.sample(junkies, min(len(junkies), n * 2 // 5)) + rng.sample(
            people, min(len(people), n * 2 // 5)) + rng.sample(fb, min(len(fb), n // 5))
        for acc in crowd:
            link = world.links.variant(rng, canonical, acc.platform)
            t = t0 + rng.expovariate(1 / 300)
            world.add(Act(world.pid(acc.platform, acc, "post"), acc.platform, acc.handle, t,
                          "post", f"{sentence(rng, acc.lang, 2, 10)} {link}", acc.lang, [link],
                          [TRENDING] if rng.random() < 0.2 else [], origin="viral"))


def copypasta(world: World, rng: random.Random) -> None:
    """Memes pasted with small edits by random people over days (near-duplicate texts)."""
    people = world.pop.by_platform["bluesky"] + world.pop.by_platform["facebook"]
    people = [p for p in people if p.role in ("background", "news_junkie", "friend")]
    for _ in range(6):
        lang = rng.choice(["en", "es", "hi", "ru", "ja", "ar"])
        meme = sentence(rng, lang, 14, 24)
        for acc in rng.sample(people, min(len(people), rng.randint(15, 40))):
            t = local_time(rng, acc, world.scale.days)
            world.add(Act(world.pid(acc.platform, acc, "post"), acc.platform, acc.handle, t,
                          "post", near_variant(rng, meme, lang, rng.randint(0, 2)), lang,
                          origin="copypasta"))


def innocents(world: World, rng: random.Random) -> None:
    """Every look-alike, in a fixed order (the stream of draws is the seed's)."""
    outlets_and_staff(world, rng)
    aggregators(world, rng)
    scheduled_bots(world, rng)
    fandom(world, rng)
    giveaways(world, rng)
    live_events(world, rng)
    friends(world, rng)
    breaking_news(world, rng)
    copypasta(world, rng)
