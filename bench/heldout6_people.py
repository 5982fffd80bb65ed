"""The people of the sixth world: ordinary users and the crowds they form innocently.

Fans retweet their celebrity within seconds; live-event threads draw hundreds of
replies within minutes; a viral post is quoted by a pile-on; giveaway entrants all post
the same hashtags and link, and a few contest hunters enter every giveaway at once;
friends reply to each other's posts within minutes, day after day; scheduling tools
post small businesses' updates at the exact top of the hour with the weekday's hashtag.
"""

from __future__ import annotations

import random

from heldout6_news import Pool
from heldout6_text import EMOJI, EVERYDAY_TAG, pick_lang, sentence, slug
from heldout6_world import DAY, T0, Post, World, delay, diurnal


def people(w: World, rng: random.Random, kind: str, platform: str, n: int
           ) -> tuple[list[str], dict[str, str]]:
    """``n`` accounts of one innocent type, each with a language."""
    names = [w.account(rng, kind, platform) for _ in range(n)]
    return names, {name: pick_lang(rng) for name in names}


def originals(w: World, rng: random.Random, names: list[str], lang: dict[str, str],
              platform: str, per_day: float, tz: dict[str, float]) -> list[Post]:
    """Own posts at human hours; a fifth carry the language's everyday hashtag."""
    out = []
    for name in names:
        for _ in range(int(rng.lognormvariate(0.0, 0.9) * per_day * w.days) + 1):
            la = lang[name]
            tags = [EVERYDAY_TAG[la]] if rng.random() < 0.2 else []
            out.append(w.add(platform, name, diurnal(rng, w.days, tz.get(name, 0.0)),
                             sentence(rng, la), la, w.types[name], hashtags=tags))
    return out


def reposts(w: World, rng: random.Random, targets: list[Post], pool: Pool, platform: str,
            per_target: float, median_s: float) -> None:
    """Retweets/boosts of popular posts by ordinary accounts, hours apart."""
    for p in targets:
        for name in pool.draw(rng, int(rng.lognormvariate(0.0, 1.0) * per_target)):
            if name != p.account:
                w.add(platform, name, p.t + delay(rng, median_s, 1.3), p.text, p.lang,
                      w.types[name], relation="repost", parent=p)


def replies(w: World, rng: random.Random, targets: list[Post], pool: Pool, platform: str,
            share: float) -> None:
    """Scattered replies and quotes to others' posts."""
    for p in targets:
        if rng.random() < share:
            for name in pool.draw(rng, rng.randint(1, 3)):
                if name != p.account:
                    rel = "quote" if rng.random() < 0.2 and platform == "x" else "reply"
                    w.add(platform, name, p.t + delay(rng, 1800, 1.2),
                          sentence(rng, p.lang, 3, 12), p.lang, w.types[name],
                          relation=rel, parent=p)


def celebrities(w: World, rng: random.Random, f: float) -> list[Post]:
    """Three celebrities and their fans, who retweet within seconds to minutes."""
    posts: list[Post] = []
    fans, fan_lang = people(w, rng, "fan", "x", max(20, int(160 * f)))
    for _ in range(3):
        star = w.account(rng, "celebrity", "x")
        lang = rng.choice(["en", "es", "hi", "tr"])
        followers = [fan for fan in fans if rng.random() < 0.5]
        for _ in range(int(4 * w.days)):
            p = w.add("x", star, diurnal(rng, w.days), sentence(rng, lang), lang, "celebrity")
            posts.append(p)
            for fan in followers:
                if rng.random() < 0.25:
                    lag = rng.expovariate(1 / 25) if rng.random() < 0.4 else delay(rng, 300)
                    w.add("x", fan, p.t + lag, p.text, lang, "fan", relation="repost",
                          parent=p)
    originals(w, rng, fans, fan_lang, "x", 0.3, {})
    return posts


def friends(w: World, rng: random.Random, f: float) -> None:
    """Circles of friends replying to each other's posts within minutes, every day."""
    for _ in range(max(4, int(30 * f))):
        circle, langs = people(w, rng, "friend", "x", rng.randint(4, 7))
        lang = langs[circle[0]]
        for name in circle:
            for _ in range(int(rng.uniform(0.5, 1.5) * w.days)):
                p = w.add("x", name, diurnal(rng, w.days), sentence(rng, lang), lang, "friend")
                for other in circle:
                    if other != name and rng.random() < 0.3:
                        w.add("x", other, p.t + delay(rng, 360, 1.0),
                              sentence(rng, lang, 2, 8), lang, "friend", relation="reply",
                              parent=p)


def live_events(w: World, rng: random.Random, pool: Pool, f: float) -> None:
    """Match days and election nights: hundreds reply to the broadcaster within minutes."""
    caster = w.account(rng, "broadcaster", "x")
    for i in range(max(2, int(5 * w.days / 14))):
        lang = rng.choice(["en", "es", "tr", "hi", "ar"])
        tag = rng.choice(["ElClasico", "ElectionNight", "derby", "final", "debate"]) + str(i)
        start = T0 + rng.randrange(w.days) * DAY + 19 * 3600
        for k in range(6):  # the broadcaster's running posts during the event
            root = w.add("x", caster, start + k * 900, sentence(rng, lang), lang,
                         "broadcaster", hashtags=[tag])
            for name in pool.draw(rng, int(rng.uniform(60, 140) * max(f, 0.3))):
                w.add("x", name, root.t + delay(rng, 150, 0.9),
                      sentence(rng, lang, 1, 6) + " " + rng.choice(EMOJI), lang,
                      w.types[name], relation="reply", parent=root, hashtags=[tag])


def pile_ons(w: World, rng: random.Random, targets: list[Post], pool: Pool, f: float) -> None:
    """A viral post quoted by a hundred or more accounts within the hour."""
    for p in rng.sample(targets, min(len(targets), 4)):
        for name in pool.draw(rng, int(rng.uniform(100, 250) * max(f, 0.3))):
            w.add("x", name, p.t + delay(rng, 900, 0.8), sentence(rng, p.lang, 2, 10),
                  p.lang, w.types[name], relation="quote", parent=p)


def contests(w: World, rng: random.Random, pool: Pool, f: float) -> None:
    """Giveaways: entrants post the brand's hashtags and link; hunters enter every one."""
    hunters = [w.account(rng, "contest_hunter", "x") for _ in range(max(5, int(25 * f)))]
    for i in range(max(2, int(4 * w.days / 14))):
        brand = w.account(rng, "brand", "x")
        t0 = diurnal(rng, w.days)
        url = f"https://www.{brand[:8]}shop.com/giveaway/{slug(rng)}"
        tags = ["giveaway", f"win{brand[:5]}", "contest"]
        launch = w.add("x", brand, t0, "Win a prize! Retweet and post with our tags", "en",
                       "brand", links=[url], hashtags=tags)
        for name in pool.draw(rng, int(rng.uniform(150, 300) * max(f, 0.3))):
            w.add("x", name, t0 + delay(rng, 2400, 1.2), "Entering! " + sentence(rng, "en", 2, 5),
                  "en", w.types[name], links=[url], hashtags=tags)
        for name in hunters:
            if rng.random() < 0.9:
                w.add("x", name, t0 + rng.uniform(30, 900), "Entering! good luck all", "en",
                      "contest_hunter", links=[url], hashtags=tags)
                w.add("x", name, t0 + rng.uniform(30, 900), launch.text, "en",
                      "contest_hunter", relation="repost", parent=launch)
        if i % 2:
            w.add("mastodon", w.account(rng, "brand", "mastodon"), t0, launch.text, "en",
                  "brand", links=[url], hashtags=tags)


def schedulers(w: World, rng: random.Random, f: float) -> None:
    """Small businesses using scheduling tools: on the hour, with the weekday's hashtag."""
    weekday_tag = ["MondayMotivation", "TuesdayTips", "WednesdayWisdom", "ThrowbackThursday",
                   "FridayFeeling", "SaturdayVibes", "SundayFunday"]
    for _ in range(max(5, int(50 * f))):
        name = w.account(rng, "scheduled_business", "x")
        site = f"https://{name.replace('.', '').replace('_', '')}.shop/"
        lang = rng.choice(["en", "en", "es", "de", "fr"])
        hours = rng.sample(range(8, 19), 2)
        for day in range(w.days):
            for hour in hours[:rng.randint(1, 2)]:
                tags = [weekday_tag[day % 7], "SmallBusiness"]
                w.add("x", name, T0 + day * DAY + hour * 3600, sentence(rng, lang), lang,
                      "scheduled_business", links=[site + slug(rng)], hashtags=tags)
