"""Invented texts for the signals golden test (``test_signals_golden.py``).

A seeded generator mixes hand-written fragments that exercise every rule of the
references and repetitions analyzers (links with and without scheme, trailing
punctuation, tags in several scripts, e-mails, mentions, tracking IDs, embedded
posts in several date forms, stuffed and templated phrases, periodic text, very
long texts) with plain prose in several languages and from several viewpoints.
The point is breadth, not realism: any optimisation of the analyzers must give
byte-identical rows on all of them.
"""

from __future__ import annotations

import random

PROSE = [
    "The council approved the new budget after a long debate on Tuesday.",
    "Critics of the plan said it would raise rents for families in the east of the city.",
    "Supporters argued that the railway extension would cut commuting times by half.",
    "Le gouvernement a présenté son projet de loi sur l'énergie devant l'Assemblée.",
    "Die Opposition kritisierte den Haushalt als ungerecht gegenüber kleinen Gemeinden.",
    "Il sindaco ha detto che la nuova linea del tram aprirà entro la fine dell'anno.",
    "El ministro afirmó que las exportaciones agrícolas crecieron un diez por ciento.",
    "Posłowie opozycji zapowiedzieli, że złożą wniosek o wotum nieufności.",
    "Министр заявил, что новые меры поддержат фермеров в этом сезоне.",
    "Farmers' unions welcomed the subsidy, while environmental groups called it a step back.",
    "A spokesperson for the ministry declined to comment on the leaked report.",
    "Residents of the coastal town gathered to protest the closure of the clinic.",
    "The U.S. delegation met E.U. officials in Brussels; talks went on until 3 a.m.",
    "Analysts at the bank expect inflation to fall below 3% by the end of next year.",
    "The station was re-opened after a well-known engineer's report on the bridge.",
    "Independent observers said the vote was free, although turnout was low.",
    "Teachers say class sizes have grown; the union wants 2,000 more posts.",
    "Trade ministers met again today.It was the third round of talks this month.",
    "“We will not give up,” she said. «Nous continuerons», a-t-il ajouté.",
    "The report (published on Monday) found no evidence of fraud.",
    "Dr. Amara Okafor, a virologist, said the new strain was not more dangerous.",
    "Prices rose again - the fourth month in a row -- according to the survey.",
    "The festival drew 40,000 visitors — a record — despite the storm.",
    "بدأت المحادثات بين الطرفين في العاصمة صباح اليوم.",
    "मंत्री ने कहा कि किसानों को नई सहायता मिलेगी।",
    "市议会周二批准了新的预算方案。",
    "",
]

REFS = [
    "Read more at https://news.example.org/2021/05/vote?utm_source=tw&id=7#top.",
    "(see https://en.wikipedia.org/wiki/Foo_(bar)) and (https://x.org/a)",
    "Watch: pic.twitter.com/AbC123xYz and https://t.co/Zx81kLmN0q",
    "Details on www.city-hall.gov.uk/budget, or at example.org.",
    "The end.It was late, said script.py and end.de and notes.txt",
    "Short links: bit.ly/3xYz, goo.gl/abc, https://tinyurl.com/y5k2 and t.co/q1w2e3",
    "Mixed case: HTTP://Example.COM:80/Path/To?fbclid=abc&x=1 and https://host.example:8443/",
    "ftp://files.example.net/pub/data.csv, https://[::1]:99999/broken",
    "Cyrillic host пример.рф/новости and punycode xn--80ak6aa92e.com/path",
    "Archive: https://web.archive.org/web/2020/https://site.example/page",
    "Quoted \"https://quoted.example/x\" and «https://guillemets.example/y».",
    "Write to press.office@ministry.example.gov or Jane.Doe+news@mail.example.com.",
    "foo@bar@baz.org, user@localhost, @3, and a.b@example.org/path",
    "Tags: #Vote2024 #Донбасс #فلسطين #香港 #हिन्दी_दिवस #زن‌زندگی‌آزادی ＃ＴＯＫＹＯ",
    "the end of the nation.#Freedom and (#Peace) «#Paix» #Straße #STRASSE",
    "Not tags: C# F# &#39; &#x27; #1 #2020 color:#fff; #a0b1c2 #333",
    "Mentions: @ana_b, .@SenatorX, @jane.doe, @Jane.Then @user@mastodon.social @ünïcode",
    "IDs: UA-1234567-1, G-AB12CD34EF, GTM-ABC123, AW-123456789, ca-pub-1234567890123456",
    "fbq('init', '123456789012345'); facebook.com/tr?id=12345678901 ym(12345678, 'init')",
    "mc.yandex.ru/watch/1234567 and pub-0000111122223333 G-20 summit UA-12-3",
    "A link in a tag-like spot: https://site.example/#section and https://s.example/?q=#x",
    "Case and odd hosts: HTTPS://WWW.Example.COM/Path https://example.com./x https://a..b.com/x",
    "Users and ports: https://user@host.example/p https://host.example:443/x http://h.example:8080",
    "Look-alikes: https://\u017fite.example/\u017f https://\u212aelvin.example/ https://\u0131d.example/",
    "Odd: https://exa_mple.com/x https://-bad-.example/x http://xn--bcher-kva.example/b WWW2.example.org/x",
    "Controls: https://host.example/a\x01b and https://host.example/p%20q?utm_medium=x&utm_source=y",
    "Bare with paths: example.com/a?b=1&fbclid=2 news.example.co.uk/x#y sub.domain.example.org",
    "Nested: foo.com/https://x.org/a.b and https://a.example/x.y then end.It www.b.org/https://c.io",
    "Glued: xhttps://a.b.com/p, (https://c.example/d.e).f.org and https://g.example.",
    "Pixel: fbq('init','123456789012') / facebook.com/tr?id=98765432101 / mc.yandex.ru/watch/55555",
]

POSTS = [
    "Our rally was huge! #Vote pic.twitter.com/abc — Jane Doe (@jdoe) May 4, 2021",
    "Thank you all for coming\n— Team Green (@team_green) September 5, 2020",
    "La manifestation continue https://t.co/xYz12 — Marie Dupont (@mdupont) 5 septembre 2020",
    "Wir sind viele. — Max Muster (@max_m) 3. März 2019",
    "A strong statement. – The Desk (@the_desk) 2020-10-10",
    "Nobody expected this -- Anon User (@anon_1) Feb 30, 2021",
    "Line one of the post\nline two #tag\n— Someone (@someone)\nJuly 14, 2020",
    "A post shared by Green Farm (@green.farm) on Jan 3, 2020 at 9:12am PDT",
    "The minister said:\n\n#Tag https://t.co/abc\n— Minister Office (@min_office) October 1, 2019",
    "Gracias a todos — Ana Pérez (@anaperez) 12 de mayo de 2021",
    "Спасибо за поддержку — Иван Петров (@ivan_p) 5 мая 2021",
]

STUFF_UNITS = [
    "(Civic Alliance / CA Network)",
    "[Green Future Party]",
    ", the leading voice of reform,",
    " — our trusted partner —",
    "best cheap flights to Lisbon",
    "buy tickets now",
    "Council Leader Mara Vance",
    "(the People's Front)",
]


def _stuffed(rnd: random.Random) -> str:
    """Prose with one unit inserted again and again, attached to a name or not."""
    unit = rnd.choice(STUFF_UNITS)
    name = rnd.choice(["the Resistance", "Minister Alvarez", "the Union", "Harbor Bank"])
    parts = []
    for _ in range(rnd.randint(2, 14)):
        sentence = rnd.choice(PROSE)
        if rnd.random() < 0.7:
            sentence = f"{sentence} {name}{'' if unit[0] in ',—([' else ' '}{unit} acted."
        parts.append(sentence)
    return " ".join(parts)


def _periodic(rnd: random.Random) -> str:
    unit = rnd.choice(["ha ", "buy pills now ", "vote for change, ", "x y "])
    return "Start. " + unit * rnd.randint(3, 120) + "End."


_WORDS_TEXT = """council harbour budget vote market farmers drivers nurses rent wages taxes the a of
and to in on for with report survey plan debate approved delayed opened"""
_WORDS = _WORDS_TEXT.split()


def _wordy(rnd: random.Random) -> str:
    """Small-vocabulary prose like the ingest benchmark's (many repeated words)."""
    words = []
    for _ in range(rnd.randint(20, 400)):
        words.append(rnd.choice(_WORDS))
        r = rnd.random()
        if r < 0.02:
            words.append(f"#{rnd.choice(_WORDS)}{rnd.randint(1, 40)}")
        elif r < 0.03:
            words.append(f"@{rnd.choice(_WORDS)}_desk")
        elif r < 0.04:
            words.append(f"https://site{rnd.randint(1, 9)}.example/news/{rnd.randint(1, 999)}")
        elif r < 0.05:
            words.append(f"https://t.co/{rnd.getrandbits(40):010x}")
    return " ".join(words).capitalize() + "."


def _case(rnd: random.Random) -> str:
    pieces: list[str] = []
    for _ in range(rnd.randint(1, 12)):
        r = rnd.random()
        if r < 0.3:
            pieces.append(rnd.choice(PROSE))
        elif r < 0.45:
            pieces.append(_wordy(rnd))
        elif r < 0.7:
            pieces.append(rnd.choice(REFS))
        elif r < 0.85:
            pieces.append(rnd.choice(POSTS))
        elif r < 0.95:
            pieces.append(_stuffed(rnd))
        else:
            pieces.append(_periodic(rnd))
    sep = rnd.choice([" ", "\n", "\n\n", "\r\n", "  ", "\t"])
    return sep.join(pieces)


def golden_cases(seed: int = 20261126, count: int = 600) -> dict[str, tuple[str, dict]]:
    """``{case_id: (text, meta)}``: fixed edge cases plus ``count`` seeded mixes."""
    rnd = random.Random(seed)
    cases: dict[str, tuple[str, dict]] = {
        "empty": ("", {}),
        "spaces": ("   \n\t ", {}),
        "only-hash": ("#", {}),
        "only-at": ("@", {}),
        "dots": ("... .. . a.b c.d.e", {}),
        "html-ids": ("Plain text.", {"html_tracking_ids": [
            "UA-1234567-1", {"value": "GTM-ABC123", "kind": "google_tag_manager"},
            {"value": " ca-pub-1234567890123456 "}, {"value": "odd-id", "kind": "custom"},
            "UA-1234567-1", 5, {"value": ""}]}),
        "html-ids-bad": ("Text #tag", {"html_tracking_ids": "UA-1-1"}),
        "many-links": (" ".join(f"https://s{i % 7}.example/p{i}" for i in range(300)), {}),
        "many-tags": (" ".join(f"#t{i % 13}x" for i in range(2500)), {}),
        "ha-ha": ("ha " * 5000, {}),
        "long-periodic": ("buy pills now " * 3000, {}),
        "no-space": ("a.b/" * 3000 + "x@y.com#tag@user", {}),
        "group-cap": (" ".join(["Brand New Phone"] * 2500), {}),
        "lookback": ("word " * 6000 + "— Far Away (@far) May 1, 2020", {}),
        "many-posts": ("\n".join(f"Post {i} text #t{i}\n— Acct {i % 5} (@acct{i % 5}) May {1 + i % 28}, 2020"
                                 for i in range(200)), {}),
    }
    # Longer than repetition.WINDOW_CHARS: judged in windows.
    unit = "The harbour plan (Coastal Renewal Trust) was discussed again. "
    filler = " ".join(rnd.choice(PROSE) for _ in range(9000))
    cases["windows"] = ((filler + " " + unit * 40 + " ") * 2, {})
    for i in range(count):
        cases[f"mix-{i:04d}"] = (_case(rnd), {})
    return cases
