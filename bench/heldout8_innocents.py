"""Held-out judge 8: honest behaviour that is synchronised, each with its role in the truth.

Why these: every one is something real platforms show every day and that a
co-action detector sees as "same item, same minutes, again and again". The less
obvious ones are the point of this judge: cross-posting tools (one person, two
handles, identical posts seconds apart), subreddit bots that answer every new
thread within seconds, contest "compers" who enter every giveaway minutes after it
opens, official accounts relaying the same emergency alert feed, YouTube premiere
crowds writing "first!" in the same minute, "@threadreaderapp unroll" requests,
and feed bots that poll the same RSS feed on the same schedule.
"""

from __future__ import annotations

import random

from heldout8_text import EMOJI, near_duplicate, sentence, topic_words
from heldout8_world import START, World, canonical_url, url_variant


def _delay(rng: random.Random, median_s: float, sigma: float = 1.0) -> float:
    return rng.lognormvariate(0.0, sigma) * median_s


def breaking_news(w: World) -> None:
    """A big story breaks: many accounts post about it within the hour, with its
    hashtag and one of a few outlets' links, each in their own words."""
    rng = w.rng("breaking")
    for _ in range(3):
        t0 = START + rng.uniform(0.5, w.days - 0.5) * 86400
        lang = rng.choice(("en", "es", "de"))
        tag, topic = f"Breaking{rng.choice(topic_words(rng, 'en'))}", topic_words(rng, lang)
        outlets = [canonical_url(rng) for _ in range(4)]
        for h in w.recruit(rng, "x", int(150 * w.scale) + 8, "breaking_news", lang):
            t = t0 + _delay(rng, 600, 1.2)
            links = [url_variant(rng, rng.choice(outlets))] if rng.random() < 0.5 else []
            w.post("x", h, t, sentence(rng, lang, topic=topic) + f" #{tag}", lang,
                   stream="innocent", links=links, hashtags=[tag])
        for h in w.recruit(rng, "mastodon", int(40 * w.scale) + 3, "breaking_news", lang):
            w.post("mastodon", h, t0 + _delay(rng, 900, 1.2),
                   sentence(rng, lang, topic=topic) + f" #{tag}", lang, stream="innocent",
                   hashtags=[tag])


def viral_links(w: World) -> None:
    """A link everyone shares at their own time over days (decaying popularity)."""
    rng = w.rng("viral")
    for _ in range(5):
        url, t0 = canonical_url(rng), START + rng.uniform(0, w.days - 3) * 86400
        for platform, n in (("x", 80), ("facebook", 25), ("reddit", 15), ("telegram", 6)):
            for h in w.recruit(rng, platform, int(n * w.scale) + 2, "viral_link"):
                lang = w.accounts[h].lang
                t = min(w.end - 1, t0 + rng.expovariate(1 / 30000))
                w.post(platform, h, t, sentence(rng, lang), lang, stream="innocent",
                       links=[url_variant(rng, url, 0.7)], channel="news" if
                       platform == "reddit" else None,
                       title=sentence(rng, lang, (4, 8)) if platform == "reddit" else None)


def trending_hashtag(w: World) -> None:
    rng = w.rng("trending")
    for tag in ("InternationalWomensDay", "MondayMotivation"):
        t0 = START + rng.uniform(0, w.days - 2) * 86400
        for h in w.recruit(rng, "x", int(200 * w.scale) + 5, "trending_hashtag"):
            lang = w.accounts[h].lang
            w.post("x", h, t0 + rng.uniform(0, 40 * 3600), sentence(rng, lang) + f" #{tag}",
                   lang, stream="innocent", hashtags=[tag])


def outlets_staff_feeds(w: World) -> None:
    """News sites (web articles), their X accounts, their journalists who share every
    other article within the hour, and RSS bots polling the feeds on a fixed schedule."""
    rng = w.rng("outlets")
    n_outlets = 6 if w.scale >= 0.5 else 2
    for o in range(n_outlets):
        lang = ("en", "de", "fr", "es", "ru", "ar")[o]
        site = w.add_account(rng, "web", "outlet", lang)
        official = w.add_account(rng, "x", "outlet", lang, rate=0.5)
        staff = w.recruit(rng, "x", rng.randint(4, 8), "outlet_staff", lang)
        bots = [w.add_account(rng, p, "feed_bot", lang, rate=0)
                for p in ("x", "x", "mastodon")]
        poll = {b: rng.choice((300, 600, 900)) for b in bots}
        for day in range(w.days):
            for _ in range(rng.randint(5, 10)):
                t = w.when(rng, lang, day)
                url = f"https://www.{site.split('.')[0]}.com/{day}/{rng.randrange(10**6)}"
                title = sentence(rng, lang, (5, 10))
                w.post("web", site, t, sentence(rng, lang, (60, 120)), lang, stream="innocent",
                       title=title, links=[(url, url)])
                w.post("x", official, t + rng.uniform(30, 600), title, lang,
                       stream="innocent", links=[url_variant(rng, url, 0.3)])
                for s in staff:
                    if rng.random() < 0.35:
                        w.post("x", s, t + _delay(rng, 1500), sentence(rng, lang, (5, 12)),
                               lang, stream="innocent", links=[url_variant(rng, url, 0.6)])
                for b in bots:  # next poll tick after publication, then a few seconds
                    tick = (int(t) // poll[b] + 1) * poll[b] + rng.uniform(2, 25)
                    w.post(w.accounts[b].platform, b, tick, title + " " + url, lang,
                           stream="innocent", links=[(url, url)])


def wire_copy(w: World) -> None:
    """News-agency copy republished by many outlets, nearly word for word."""
    rng = w.rng("wire")
    sites = [w.add_account(rng, "web", "wire_republisher", "en") for _ in
             range(12 if w.scale >= 0.5 else 5)]
    for _ in range(int(40 * w.scale) + 4):
        t0, body = w.when(rng, "en"), sentence(rng, "en", (80, 140))
        title = sentence(rng, "en", (6, 10))
        for s in rng.sample(sites, rng.randint(3, min(9, len(sites)))):
            text = body + f"\n\n(Reporting by agency staff; edited by {s.split('.')[0]})"
            w.post("web", s, t0 + rng.uniform(300, 10800), text, "en", stream="innocent",
                   title=near_duplicate(rng, title, "en"))


def fan_community(w: World) -> None:
    """A celebrity's posts retweeted and answered by fans within minutes."""
    rng = w.rng("fans")
    for c in range(2):
        lang = ("en", "es")[c]
        star = w.add_account(rng, "x", "celebrity", lang, rate=0)
        fans = w.recruit(rng, "x", int(120 * w.scale) + 6, "fan", lang)
        eager = {f: rng.uniform(0.1, 0.6) for f in fans}
        for day in range(w.days):
            for _ in range(rng.randint(1, 4)):
                t = w.when(rng, lang, day)
                post = w.post("x", star, t, sentence(rng, lang, (5, 15)) + " " +
                              rng.choice(EMOJI), lang, stream="innocent")
                for f in fans:
                    if rng.random() < eager[f]:
                        rel = "repost" if rng.random() < 0.7 else "reply"
                        text = "" if rel == "repost" else rng.choice(EMOJI) * rng.randint(1, 5)
                        w.post("x", f, t + _delay(rng, 240, 1.3), text or "<3", lang,
                               stream="innocent", relation=rel, parent=post.pid)


def live_events(w: World) -> None:
    """A football match and a TV debate: hundreds post the event's hashtag within
    minutes, and near-identical cheers within seconds of each goal."""
    rng = w.rng("live")
    for tag, lang, platforms in (("ElClasico", "es", ("x",)), ("TVDebatte", "de",
                                                                ("x", "mastodon"))):
        t0 = START + rng.randrange(1, w.days) * 86400 + 19 * 3600
        moments = sorted(rng.uniform(0, 7200) for _ in range(4))
        for platform in platforms:
            for h in w.recruit(rng, platform, int(200 * w.scale) + 6, "live_event", lang):
                for _ in range(rng.randint(1, 5)):
                    w.post(platform, h, t0 + rng.uniform(0, 7200),
                           sentence(rng, lang, (4, 12)) + f" #{tag}", lang,
                           stream="innocent", hashtags=[tag])
                for m in moments:
                    if rng.random() < 0.35:
                        cheer = near_duplicate(rng, "GOOOOL!!! " if tag == "ElClasico" else
                                               "Unglaublich, was für eine Antwort!", lang)
                        w.post(platform, h, t0 + m + _delay(rng, 40, 0.8),
                               cheer + f" #{tag}", lang, stream="innocent", hashtags=[tag])


def scheduled_posting(w: World) -> None:
    """Small businesses posting through a scheduler: exactly on the hour or half hour,
    links from one small pool of marketing articles and the same weekday hashtags."""
    rng = w.rng("scheduled")
    pool = [canonical_url(rng, rng.choice(("marketingprofs-blog.com", "growthhacks.io")))
            for _ in range(25)]
    for h in (w.recruit(rng, "x", int(30 * w.scale) + 3, "scheduled_tool")
              + w.recruit(rng, "facebook", int(10 * w.scale) + 2, "scheduled_tool")):
        slots = rng.sample(range(8, 20), 2)
        lang = w.accounts[h].lang
        for day in range(w.days):
            for hour in slots:
                if rng.random() < 0.7:
                    t = START + day * 86400 + hour * 3600 + rng.choice((0, 0, 1800)) + \
                        rng.choice((0, 0, 1, 2))
                    w.post(w.accounts[h].platform, h, t, sentence(rng, lang, (6, 14)) +
                           " #MondayMotivation", lang, stream="innocent",
                           links=[url_variant(rng, rng.choice(pool), 0.8)],
                           hashtags=["MondayMotivation"])


def crossposters(w: World) -> None:
    """One person, several platforms: a cross-posting tool copies every post to X,
    Mastodon (and some to a Facebook page) within seconds, same text and link."""
    rng = w.rng("crosspost")
    for _ in range(int(25 * w.scale) + 2):
        xh = w.add_account(rng, "x", "crossposter", rate=0)
        lang = w.accounts[xh].lang
        handles = [xh, w.add_account(rng, "mastodon", "crossposter", lang,
                                     handle=f"{xh.lower()}@{rng.choice(('mastodon.social', 'fosstodon.org'))}",
                                     rate=0)]
        if rng.random() < 0.4:
            handles.append(w.add_account(rng, "facebook", "crossposter", lang,
                                         handle=xh.capitalize() + "Page", rate=0))
        for _ in range(rng.randint(10, 30)):
            t, text = w.when(rng, lang), sentence(rng, lang)
            url = [url_variant(rng, canonical_url(rng), 0.2)] if rng.random() < 0.5 else []
            for i, h in enumerate(handles):
                w.post(w.accounts[h].platform, h, t + i * rng.uniform(1, 20), text, lang,
                       stream="innocent", links=list(url))


def forum_bots(w: World) -> None:
    """Subreddit bots and moderators who answer every new thread within seconds."""
    rng = w.rng("forum")
    automod = w.add_account(rng, "reddit", "forum_bot", "en", handle="AutoModerator", rate=0)
    for sub in ("worldnews", "soccer", "europe"):
        bot = w.add_account(rng, "reddit", "forum_bot", "en", rate=0)
        mods = w.recruit(rng, "reddit", 2, "forum_moderator", "en")
        for _ in range(int(120 * w.scale) + 5):
            op = rng.choice([a for a in w.accounts.values() if a.platform == "reddit"][:300])
            t = w.when(rng, "en")
            thread = w.post("reddit", op.handle, t, sentence(rng, "en"), "en",
                            stream="innocent", channel=sub, title=sentence(rng, "en", (4, 9)))
            w.post("reddit", automod, t + rng.uniform(1, 8), f"Welcome to r/{sub}! Please "
                   "read the rules before commenting. I am a bot, and this action was "
                   "performed automatically.", "en", stream="innocent", relation="reply",
                   parent=thread.pid, channel=sub)
            w.post("reddit", bot, t + rng.uniform(5, 40), f"Archived copies of this link: "
                   f"https://archive.ph/{rng.randrange(10**6)}", "en", stream="innocent",
                   relation="reply", parent=thread.pid, channel=sub)
            for m in mods:
                if rng.random() < 0.2:
                    w.post("reddit", m, t + _delay(rng, 900), sentence(rng, "en", (5, 12)),
                           "en", stream="innocent", relation="reply", parent=thread.pid,
                           channel=sub)


def giveaways(w: World) -> None:
    """Brands' "retweet and reply to win" posts; dedicated compers enter every one
    within minutes (they follow giveaway alert accounts), the crowd within hours."""
    rng = w.rng("giveaway")
    compers = w.recruit(rng, "x", int(25 * w.scale) + 3, "comper", "en")
    for _ in range(10):
        brand = w.add_account(rng, "x", "brand", "en", rate=0)
        t0 = w.when(rng, "en")
        post = w.post("x", brand, t0, "GIVEAWAY! Retweet and reply with a friend's name to "
                      f"win a {rng.choice(('phone', 'console', 'hamper', 'trip'))}! "
                      "#giveaway #win", "en", stream="innocent", hashtags=["giveaway", "win"])
        crowd = w.recruit(rng, "x", int(60 * w.scale) + 4, "giveaway_entrant")
        for h in compers + crowd:
            if h in compers and rng.random() > 0.85:
                continue
            d = _delay(rng, 300 if h in compers else 7200, 1.0)
            w.post("x", h, t0 + d, "", "en", stream="innocent", relation="repost",
                   parent=post.pid)
            w.post("x", h, t0 + d + rng.uniform(5, 60), near_duplicate(
                rng, "Done! Entered, fingers crossed #giveaway #win", "en"), "en",
                stream="innocent", relation="reply", parent=post.pid,
                hashtags=["giveaway", "win"])


def emergency_alerts(w: World) -> None:
    """Official accounts relaying the same alert feed: identical text within minutes."""
    rng = w.rng("alerts")
    officials = ([w.add_account(rng, "x", "emergency_official", "en", rate=0.2)
                  for _ in range(4)]
                 + [w.add_account(rng, "telegram", "emergency_official", "en", rate=0.2)
                    for _ in range(2)]
                 + [w.add_account(rng, "facebook", "emergency_official", "en", rate=0.2)
                    for _ in range(2)])
    for _ in range(7):
        t0 = w.when(rng, "en")
        url = f"https://www.weather-alerts.gov/alerts/{rng.randrange(10**6)}"
        text = (f"{rng.choice(('FLOOD WARNING', 'SEVERE THUNDERSTORM WARNING', 'HEAT ADVISORY'))}"
                f" issued for {rng.choice(topic_words(rng, 'en'))} county until "
                f"{rng.randint(1, 12)}:00 PM. Take precautions. More: {url}")
        for h in officials:
            w.post(w.accounts[h].platform, h, t0 + rng.uniform(20, 240), text, "en",
                   stream="innocent", links=[(url, url)])


def meme_template(w: World) -> None:
    rng = w.rng("meme")
    for h in w.recruit(rng, "x", int(150 * w.scale) + 4, "meme_template", "en"):
        w.post("x", h, START + rng.uniform(2, 5) * 86400,
               "nobody:\nabsolutely nobody:\nme at 3am: " + sentence(rng, "en", (3, 8)),
               "en", stream="innocent")


def premieres(w: World) -> None:
    """YouTube premieres: the first minutes of comments are near-identical, and a
    channel's superfans are there at every premiere."""
    rng = w.rng("premiere")
    superfans = w.recruit(rng, "youtube", int(20 * w.scale) + 3, "premiere_regular")
    for p in range(5):
        video, t0 = f"prem{p}{rng.randrange(10**6)}", w.when(rng, "en")
        crowd = w.recruit(rng, "youtube", int(80 * w.scale) + 4, "premiere_crowd")
        for h in superfans + crowd:
            if rng.random() < (0.8 if h in superfans else 0.9):
                w.post("youtube", h, t0 + _delay(rng, 60 if h in superfans else 300, 0.9),
                       near_duplicate(rng, rng.choice(("first!!", "Who's here in 2026?",
                                                       "🔥🔥🔥 finally", "early gang")), "en"),
                       "en", stream="innocent", relation="reply", parent=video)


def unroll_requests(w: World) -> None:
    rng = w.rng("unroll")
    for _ in range(6):
        author = rng.choice([a.handle for a in w.accounts.values() if a.platform == "x"][:500])
        t0 = w.when(rng, "en")
        thread = w.post("x", author, t0, "A thread 🧵 " + sentence(rng, "en"), "en",
                        stream="innocent")
        for h in w.recruit(rng, "x", int(40 * w.scale) + 3, "unroll_request"):
            w.post("x", h, t0 + _delay(rng, 1800), "@threadreaderapp unroll", "en",
                   stream="innocent", relation="reply", parent=thread.pid)


def telegram_aggregators(w: World) -> None:
    """Aggregator channels forwarding the big channels' most viewed posts, each on its
    own delay."""
    rng = w.rng("tgagg")
    big = [w.add_account(rng, "telegram", "tg_source", "ru", rate=0) for _ in range(3)]
    aggs = [w.add_account(rng, "telegram", "tg_aggregator", "ru", rate=0) for _ in range(8)]
    lag = {a: rng.uniform(300, 5400) for a in aggs}
    for day in range(w.days):
        for b in big:
            for _ in range(rng.randint(4, 10)):
                t = w.when(rng, "ru", day)
                post = w.post("telegram", b, t, sentence(rng, "ru"), "ru", stream="innocent")
                hot = rng.random() < 0.25
                for a in aggs:
                    if rng.random() < (0.5 if hot else 0.05):
                        w.post("telegram", a, t + _delay(rng, lag[a], 0.6), post.text, "ru",
                               stream="innocent", relation="forward", parent=post.pid)


ALL = (breaking_news, viral_links, trending_hashtag, outlets_staff_feeds, wire_copy,
       fan_community, live_events, scheduled_posting, crossposters, forum_bots, giveaways,
       emergency_alerts, meme_template, premieres, unroll_requests, telegram_aggregators)


def innocents(w: World) -> None:
    for make in ALL:
        make(w)
