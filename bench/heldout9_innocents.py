"""Held-out judge 9: innocent look-alikes of coordination, each account labelled by role.

Why these: each is something real platforms are full of and that co-action methods
confuse with covert groups. The common ones (viral reposts, a trending hashtag, outlets
and their staff, feed bots, fans, a live event) and less obvious ones: students posting an
assignment hashtag before a deadline, employees sharing a press release through an
advocacy tool, supporters during a match, price bots on a schedule, translation mirrors,
public-health partners posting a toolkit at an agreed hour, earthquake bots, a podcast
network cross-promoting, a family sharing a fundraiser.
"""

from __future__ import annotations

import random

from heldout9_text import link_variant, near_duplicate, sentence, short_link
from heldout9_world import DAY, START, Account, Post, World, article, diurnal


def _recruit(world: World, rng: random.Random, platform: str, n: int, role: str
             ) -> list[Account]:
    free = world.background(platform)
    picked = rng.sample(free, min(len(free) // 3, max(2, n)))  # leave room for the rest
    for a in picked:
        world.label(a.name, role)
    return picked


def _n(world: World, full: int) -> int:
    return max(3, round(full * (1 if world.size == "full" else 0.25)))


def _new(world: World, rng: random.Random, platform: str, role: str, n: int,
         lang: str | None = None, did: bool = False) -> list[Account]:
    return [world.add_account(rng, platform, role, lang, name=f"did:plc:{rng.getrandbits(100):025x}"
                              if did else None) for _ in range(n)]


def viral(world: World, rng: random.Random) -> None:
    """A few posts that everyone reposts within the hour (random accounts each time)."""
    for _ in range(_n(world, 6)):
        origin = rng.choice(world.background("bluesky"))
        t0 = diurnal(rng, rng.randrange(world.days))
        root = world.add(Post("bluesky", origin.name, t0, text=sentence(rng, origin.lang),
                              lang=origin.lang))
        free = world.background("bluesky")
        crowd = rng.sample(free, min(len(free) // 4, _n(world, 60))) + [
            a for a in world.accounts.values() if a.role == "viral" and rng.random() < 0.4]
        for acc in crowd:
            world.label(acc.name, "viral")
            world.add(Post("bluesky", acc.name, t0 + rng.expovariate(1 / 600), "repost",
                           parent=root))


def trending(world: World, rng: random.Random) -> None:
    """One hashtag that trends for a day on TikTok."""
    day = rng.randrange(world.days)
    for acc in _recruit(world, rng, "tiktok", _n(world, 140), "trending"):
        world.add(Post("tiktok", acc.name, START + day * DAY + rng.random() * DAY,
                       text=sentence(rng, acc.lang) + " #bailachallenge",
                       tags=["bailachallenge", rng.choice(["fyp", "parati", "viral"])],
                       lang=acc.lang))


def outlets(world: World, rng: random.Random) -> None:
    """Outlets post their articles; their staff share them minutes later."""
    for o in range(_n(world, 3)):
        outlet = world.add_account(rng, "mastodon", "outlet")
        staff = _new(world, rng, "mastodon", "outlet_staff", _n(world, 6), outlet.lang)
        site = f"https://www.outlet{o}-{rng.getrandbits(16):x}.com/"
        for day in range(world.days):
            for _ in range(4):
                t = diurnal(rng, day)
                url = article(rng, site)
                world.add(Post("mastodon", outlet.name, t, text=sentence(rng, outlet.lang),
                               links=[url], lang=outlet.lang))
                for s in staff:
                    if rng.random() < 0.5:
                        world.add(Post("mastodon", s.name, t + rng.uniform(120, 2400),
                                       text=sentence(rng, s.lang), links=[link_variant(url, rng)],
                                       lang=s.lang))


def feed_bots(world: World, rng: random.Random) -> None:
    """RSS-to-Bluesky bots: three per feed post every headline within seconds (collected
    as repository records, so known by their DIDs)."""
    for _feed in range(2):
        bots = _new(world, rng, "bluesky", "feed_bot", 3, "en", did=True)
        for day in range(world.days):
            for _ in range(12):
                t, url = diurnal(rng, day), article(rng)
                head = sentence(rng, "en", 10)
                for b in bots:
                    world.add(Post("bluesky", b.name, t + rng.uniform(5, 120),
                                   text=f"{head} {url}", links=[url], lang="en"))


def fans(world: World, rng: random.Random) -> None:
    """A celebrity posts; the same fans reply within minutes, every time."""
    star = world.add_account(rng, "bluesky", "celebrity", "pt")
    crowd = _recruit(world, rng, "bluesky", _n(world, 70), "fan")
    for day in range(world.days):
        for _ in range(2):
            t = diurnal(rng, day)
            root = world.add(Post("bluesky", star.name, t, text=sentence(rng, "pt"), lang="pt"))
            for fan in crowd:
                if rng.random() < 0.4:
                    world.add(Post("bluesky", fan.name, t + rng.expovariate(1 / 300) + 20,
                                   "reply", text=rng.choice(["😍😍", "❤️", "rainha!!", "amo",
                                                             sentence(rng, fan.lang, 5)]),
                                   parent=root, lang=fan.lang))


def live_event(world: World, rng: random.Random) -> None:
    """A televised debate: a two-hour flood of one hashtag on Mastodon."""
    t0 = START + rng.randrange(world.days) * DAY + 19 * 3600
    for acc in _recruit(world, rng, "mastodon", _n(world, 120), "live_event"):
        for _ in range(rng.randint(1, 5)):
            world.add(Post("mastodon", acc.name, t0 + rng.random() * 7200,
                           text=sentence(rng, acc.lang, 9) + " #Kanzlerduell",
                           tags=["Kanzlerduell"], lang=acc.lang))


def students(world: World, rng: random.Random) -> None:
    """A class posts its assignment hashtag and the course page in the hours before each
    Friday-noon deadline."""
    klass = _new(world, rng, "4cat", "student", _n(world, 24), "en")
    page = "https://lms.univ-example.edu/course/HIST204/assignment"
    for day in range(2, world.days, 7):
        deadline = START + day * DAY + 12 * 3600
        for s in klass:
            if rng.random() < 0.85:
                world.add(Post("4cat", s.name, deadline - rng.expovariate(1 / 5400),
                               text=sentence(rng, "en", 12) + " #HIST204 " + page,
                               links=[page], tags=["HIST204"], lang="en"))


def employees(world: World, rng: random.Random) -> None:
    """Employee advocacy: staff share each press release with the tool's suggested text."""
    staff = _new(world, rng, "bluesky", "employee", _n(world, 16), "en")
    for k in range(3):
        t0 = diurnal(rng, rng.randrange(world.days))
        release = f"https://www.acme-grid.com/press/2026-{k + 3:02d}-release"
        suggested = sentence(rng, "en", 14)
        for s in staff:
            if rng.random() < 0.7:
                world.add(Post("bluesky", s.name, t0 + rng.expovariate(1 / 1800),
                               text=near_duplicate(suggested, rng) if rng.random() < 0.3
                               else suggested,
                               links=[f"{release}?utm_source=advocacy&utm_medium={s.name[:6]}"],
                               lang="en"))


def supporters(world: World, rng: random.Random) -> None:
    """Football supporters in a Telegram chat: a burst of near-identical cries per goal."""
    fans_ = _new(world, rng, "telegram", "supporter", _n(world, 40), "es")
    for _ in range(2):
        kick = START + rng.randrange(world.days) * DAY + 20 * 3600
        for goal in sorted(rng.sample(range(90), 4)):
            t = kick + goal * 60
            for f in fans_:
                if rng.random() < 0.6:
                    world.add(Post("telegram", f.name, t + rng.expovariate(1 / 40),
                                   text=near_duplicate("GOOOOOL de Boca!!! " + "⚽" *
                                                       rng.randint(1, 4), rng),
                                   tags=["Boca"], lang="es"))


def price_bots(world: World, rng: random.Random) -> None:
    """Price bots post every hour on the hour, the same exchange link."""
    bots = _new(world, rng, "bluesky", "price_bot", 4, "en")
    for b, coin in zip(bots, ("BTC", "ETH", "SOL", "XRP"), strict=True):
        for h in range(0, world.days * 24, 2):
            world.add(Post("bluesky", b.name, START + h * 3600 + rng.uniform(0, 8),
                           text=f"{coin}/USD {rng.uniform(10, 90000):.2f} "
                                f"({rng.uniform(-5, 5):+.2f}%) #crypto #{coin}",
                           links=["https://www.coinmarket-example.com/markets"],
                           tags=["crypto", coin], lang="en"))


def mirrors(world: World, rng: random.Random) -> None:
    """A source and its translation mirrors, each reposting the source's link in its
    own language minutes later."""
    source = world.add_account(rng, "bluesky", "mirror_source", "en")
    mirrors_ = [world.add_account(rng, "bluesky", "mirror", lang)
                for lang in ("ja", "pt", "de", "en")]
    for day in range(world.days):
        for _ in range(3):
            t, url = diurnal(rng, day), article(rng)
            world.add(Post("bluesky", source.name, t, text=sentence(rng, "en"), links=[url]))
            for m in mirrors_:
                world.add(Post("bluesky", m.name, t + rng.uniform(180, 900),
                               text=sentence(rng, m.lang), links=[url], lang=m.lang))


def health_partners(world: World, rng: random.Random) -> None:
    """An open public-health campaign: partners post the toolkit at 10:00 on set days."""
    partners = _new(world, rng, "mastodon", "health_partner", _n(world, 20))
    kit = "https://www.who-example.int/campaigns/handwashing/toolkit"
    for day in range(1, world.days, 4):
        t0 = START + day * DAY + 10 * 3600
        for p in partners:
            if rng.random() < 0.8:
                world.add(Post("mastodon", p.name, t0 + rng.uniform(0, 300),
                               text=sentence(rng, p.lang, 10) + " #CleanHands",
                               links=[link_variant(kit, rng)], tags=["CleanHands"],
                               lang=p.lang))


def quake_bots(world: World, rng: random.Random) -> None:
    """Earthquake alert bots: the same USGS event page within a minute of each quake
    (collected from the Jetstream firehose, so known by their DIDs)."""
    bots = _new(world, rng, "bluesky", "quake_bot", 3, "en", did=True)
    for _ in range(world.days * 4):
        t = START + rng.random() * world.days * DAY
        ev = f"https://earthquake.usgs.gov/earthquakes/eventpage/us7000{rng.getrandbits(20):x}"
        mag = rng.uniform(4.5, 7)
        for b in bots:
            world.add(Post("bluesky", b.name, t + rng.uniform(10, 60),
                           text=f"M{mag:.1f} earthquake, {rng.randint(5, 300)} km "
                                f"{rng.choice('NSEW')} of somewhere {ev}", links=[ev],
                           tags=["earthquake"], lang="en"))


def podcasts(world: World, rng: random.Random) -> None:
    """A podcast network: each show's new episode is promoted by the other shows."""
    shows = _new(world, rng, "mastodon", "podcast", 5, "en")
    for day in range(0, world.days, 2):
        for s in shows:
            t = diurnal(rng, day)
            ep = f"https://podnet-example.fm/{s.name.split('@')[0]}/ep{day}"
            world.add(Post("mastodon", s.name, t, text=sentence(rng, "en"), links=[ep]))
            for other in shows:
                if other is not s and rng.random() < 0.7:
                    world.add(Post("mastodon", other.name, t + rng.uniform(1800, 20000),
                                   text=sentence(rng, "en", 9), links=[link_variant(ep, rng)]))


def family(world: World, rng: random.Random) -> None:
    """A family shares a fundraiser, twice, with short and full links."""
    fam = _new(world, rng, "reddit", "family", 6, "en")
    full = "https://www.gofundme.com/f/help-rebuild-our-home"
    short = short_link(rng, "gofund.me")
    for _ in range(2):
        t0 = diurnal(rng, rng.randrange(world.days))
        for f in fam:
            link = rng.choice([full, short])
            world.add(Post("reddit", f.name, t0 + rng.uniform(0, 6 * 3600),
                           text="Please share " + sentence(rng, "en", 8) + " " + link,
                           links=[link], lang="en"))


ROLES = (viral, trending, outlets, feed_bots, fans, live_event, students, employees,
         supporters, price_bots, mirrors, health_partners, quake_bots, podcasts, family)


def add_innocents(world: World) -> None:
    for make in ROLES:
        make(world, world.rng(f"innocent:{make.__name__}"))
