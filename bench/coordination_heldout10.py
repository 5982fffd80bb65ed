#!/usr/bin/env python3
# ruff: noqa: SIM115, B007, E741, UP031  (an independent judge's code, kept as its author wrote it)
"""judge10: independent synthetic world + scorer for propscope community detection.

Written on 2026-12-05 by a helper session that the lead did not read (helper-67); the lead
changed only how it calls propscope (this checkout's ``src``) and the ``--json`` nesting.
Development seeds (read by the lead): 7, 101, 202. Other seeds are held out.

Generate:  python judge10.py gen --seed N --out DIR [--control]
Score:     python judge10.py score --out DIR --corpus c.duckdb [--json]
Both:      python judge10.py all --seed N --out DIR [--control] [--json]  (gen, run propscope, score)
"""
import argparse
import hashlib
import json
import math
import os
import random
import string
import subprocess
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

T0 = datetime(2024, 3, 4, tzinfo=UTC).timestamp()
DAYS = 14
T1 = T0 + DAYS * 86400

WORDS = ["the", "of", "and", "to", "in", "is", "it", "you", "that", "he", "was", "for", "on", "are", "with", "as", "his", "they", "be", "at", "one", "have", "this", "from", "or", "had", "by", "not", "word", "but", "what", "some", "we", "can", "out", "other", "were", "all", "there", "when", "up", "use", "your", "how", "said", "an", "each", "she", "which", "do", "their", "time", "if", "will", "way", "about", "many", "then", "them", "write", "would", "like", "so", "these", "her", "long", "make", "thing", "see", "him", "two", "has", "look", "more", "day", "could", "go", "come", "did", "number", "sound", "no", "most", "people", "my", "over", "know", "water", "than", "call", "first", "who", "may", "down", "side", "been", "now", "find", "any", "new", "work", "part", "take", "get", "place", "made", "live", "where", "after", "back", "little", "only", "round", "man", "year", "came", "show", "every", "good", "me", "give", "our", "under", "name", "very", "through", "just", "form", "sentence", "great", "think", "say", "help", "low", "line", "differ", "turn", "cause", "much", "mean", "before", "move", "right", "boy", "old", "too", "same", "tell", "does", "set", "three", "want", "air", "well", "also", "play", "small", "end", "put", "home", "read", "hand", "port", "large", "spell", "add", "even", "land", "here", "must", "big", "high", "such", "follow", "act", "why", "ask", "men", "change", "went", "light", "kind", "off", "need", "house", "picture", "try", "us", "again", "animal", "point", "mother", "world", "near", "build", "self", "earth", "father", "head", "stand", "own", "page", "should", "country", "found", "answer", "school", "grow", "study", "still", "learn", "plant", "cover", "food", "sun", "four", "between", "state", "keep", "eye", "never", "last", "let", "thought", "city", "tree", "cross", "farm", "hard", "start", "might", "story", "saw", "far", "sea", "draw", "left", "late", "run", "while", "press", "close", "night", "real", "life", "few", "north", "open", "seem", "together", "next", "white", "children", "begin", "got", "walk", "example", "ease", "paper", "group", "always", "music", "those", "both", "mark", "often", "letter", "until", "mile", "river", "car", "feet", "care", "second", "book", "carry", "took", "science", "eat", "room", "friend", "began", "idea", "fish", "mountain", "stop", "once", "base", "hear", "horse", "cut", "sure", "watch", "color", "face", "wood", "main", "enough", "plain", "girl", "usual", "young", "ready", "above", "ever", "red", "list", "though", "feel", "talk", "bird", "soon", "body", "dog", "family", "direct", "pose", "leave", "song", "measure", "door", "product", "black", "short", "numeral", "class", "wind", "question", "happen", "complete", "ship", "area", "half", "rock", "order", "fire", "south", "problem", "piece", "told", "knew", "pass", "since", "top", "whole", "king", "space", "heard", "best", "hour", "better", "true", "during", "hundred", "five", "remember", "step", "early", "hold", "west", "ground", "interest", "reach", "fast", "verb", "sing", "listen", "six", "table", "travel", "less", "morning", "ten", "simple", "several", "vowel", "toward", "war", "lay", "against", "pattern", "slow", "center", "love", "person", "money", "serve", "appear", "road", "map", "rain", "rule", "govern", "pull", "cold", "notice", "voice", "unit", "power", "town", "fine", "certain", "fly", "fall", "lead", "cry", "dark", "machine", "note", "wait", "plan", "figure", "star", "box", "noun", "field", "rest", "correct", "able", "pound", "done", "beauty", "drive", "stood", "contain", "front", "teach", "week", "final", "gave", "green", "oh", "quick", "develop", "ocean", "warm", "free", "minute", "strong", "special", "mind", "behind", "clear", "tail", "produce", "fact", "street", "inch", "multiply", "nothing", "course", "stay", "wheel", "full", "force", "blue", "object", "decide", "surface", "deep", "moon", "island", "foot", "system", "busy", "test", "record", "boat", "common", "gold", "possible", "plane", "stead", "dry", "wonder", "laugh", "thousand", "ago", "ran", "check", "game", "shape", "equate", "hot", "miss", "brought", "heat", "snow", "tire", "bring", "yes", "distant", "fill", "east", "paint", "language", "among", "grand", "ball", "yet", "wave", "drop", "heart", "present", "heavy", "dance", "engine", "position", "arm", "wide", "sail", "material", "size", "vary", "settle", "speak", "weight", "general", "ice", "matter", "circle", "pair", "include", "divide", "syllable", "felt", "perhaps", "pick", "sudden", "count", "square", "reason", "length", "represent", "art", "subject", "region", "energy", "hunt", "probable", "bed", "brother", "egg", "ride", "cell", "believe", "fraction", "forest", "sit", "race", "window", "store", "summer", "train", "sleep", "prove", "lone", "exercise", "wall", "catch", "mount", "wish", "sky", "board", "joy", "winter", "sat", "written", "wild", "instrument", "kept", "glass", "grass", "cow", "job", "edge", "sign", "visit", "past", "soft", "fun", "bright", "gas", "weather", "month", "million", "bear", "finish", "happy", "hope", "flower", "clothe", "strange", "gone", "jump", "baby", "eight", "village", "meet", "root", "buy", "raise", "solve", "metal", "whether", "push", "seven", "paragraph", "third", "shall", "held", "hair", "describe", "cook", "floor", "either", "result", "burn", "hill", "safe", "cat", "century", "consider", "type", "law", "bit", "coast", "copy", "phrase", "silent", "tall", "sand", "soil", "roll", "temperature", "finger", "industry", "value", "fight", "lie", "beat", "excite", "natural", "view", "sense", "ear", "else", "quite", "broke", "case", "middle", "kill", "son", "lake", "moment", "scale", "loud", "spring", "observe", "child", "straight", "consonant", "nation", "dictionary", "milk", "speed", "method", "organ", "pay", "age", "section", "dress", "cloud", "surprise", "quiet", "stone", "tiny", "climb", "cool", "design", "poor", "lot", "experiment", "bottom", "key", "iron", "single", "stick", "flat", "twenty", "skin", "smile", "crease", "hole", "trade", "melody", "trip", "office", "receive", "row", "mouth", "exact", "symbol", "die", "least", "trouble", "shout", "except", "wrote", "seed", "tone", "join", "suggest", "clean", "break", "lady", "yard", "rise", "bad", "blow", "oil", "blood", "touch", "grew", "cent", "mix", "team", "wire", "cost", "lost", "brown", "wear", "garden", "equal", "sent", "choose", "fell", "fit", "flow", "fair", "bank", "collect", "save", "control", "decimal", "gentle", "woman", "captain", "practice", "separate", "difficult", "doctor", "please", "protect", "noon", "whose", "locate", "ring", "character", "insect", "caught", "period", "indicate", "radio", "spoke", "atom", "human", "history", "effect", "electric", "expect", "crop", "modern", "element", "hit", "student", "corner", "party", "supply", "bone", "rail", "imagine", "provide", "agree", "thus", "capital", "chair", "danger", "fruit", "rich", "thick", "soldier", "process", "operate", "guess", "necessary", "sharp", "wing", "create", "neighbor", "wash", "bat", "rather", "crowd", "corn", "compare", "poem", "string", "bell", "depend", "meat", "rub", "tube", "famous", "dollar", "stream", "fear", "sight", "thin", "triangle", "planet", "hurry", "chief", "colony", "clock", "mine", "tie", "enter", "major", "fresh", "search", "send", "yellow", "gun", "allow", "print", "dead", "spot", "desert", "suit", "current", "lift", "rose", "continue", "block", "chart", "hat", "sell", "success", "company", "subtract", "event", "particular", "deal", "swim", "term", "opposite", "wife", "shoe", "shoulder", "spread", "arrange", "camp", "invent", "cotton", "born", "determine", "quart", "nine", "truck", "noise", "level", "chance", "gather", "shop", "stretch", "throw", "shine", "property", "column", "molecule", "select", "wrong", "gray", "repeat", "require", "broad", "prepare", "salt", "nose", "plural", "anger", "claim", "continent", "oxygen", "sugar", "death", "pretty", "skill", "women", "season", "solution", "magnet", "silver", "thank", "branch", "match", "suffix", "especially", "fig", "afraid", "huge", "sister", "steel", "discuss", "forward", "similar", "guide", "experience", "score", "apple", "bought", "led", "pitch", "coat", "mass", "card", "band", "rope", "slip", "win", "dream", "evening", "condition", "feed", "tool", "total", "basic", "smell", "valley", "nor", "double", "seat", "arrive", "master", "track", "parent", "shore", "division", "sheet", "substance", "favor", "connect", "post", "spend", "chord", "fat", "glad", "original", "share", "station", "dad", "bread", "charge", "proper", "bar", "offer", "segment", "slave", "duck", "instant", "market", "degree", "populate", "chick", "dear", "enemy", "reply", "drink", "occur", "support", "speech", "nature", "range", "steam", "motion", "path", "liquid", "log", "meant", "quotient", "teeth", "shell", "neck"]

FIRST = ["alex", "sam", "jo", "kim", "lee", "max", "ana", "ben", "cara", "dan", "eli", "finn", "gus", "hana", "ivan", "jay", "kate", "leo", "mia", "nico", "omar", "pia", "quinn", "rosa", "sara", "tom", "uma", "vic", "wes", "xena", "yuri", "zoe", "amir", "bea", "cole", "dina", "evan", "fay", "gail", "hugo", "iris", "jack", "kai", "lina", "milo", "nora", "otto", "paul", "rita", "sean", "tara", "ugo", "vera", "will", "yara", "zack", "anna", "bob", "cleo", "dora", "emil", "fred", "gina", "hans", "ida", "jens", "karl", "lars", "mona", "nils", "olga", "pete", "ruth", "sven", "tina", "ulla", "vito", "wanda"]
LAST = ["smith", "lopez", "nguyen", "kowal", "berg", "rossi", "meyer", "silva", "costa", "novak", "brown", "white", "green", "black", "stone", "wood", "field", "hill", "river", "lake", "moon", "star", "sky", "frost", "storm", "rain", "snow", "fox", "wolf", "bear", "hawk", "owl", "crow", "lynx"]

OUTLET_DOMAINS = ["dailyherald.com", "metrotimes.co.uk", "newsline24.net", "theobserverpost.com", "cityvoice.org",
                  "globalwire.info", "morningledger.com", "capitalreport.net"]
POPULAR_DOMAINS = ["youtube.com", "en.wikipedia.org", "github.com", "medium.com", "imgur.com", "spotify.com",
                   "bbc.co.uk", "nytimes.com", "theguardian.com", "reuters.com"]
SHORTENERS = ["bit.ly", "tinyurl.com", "ow.ly", "buff.ly"]
UNIVERSAL_TAGS = ["news", "breaking"]
PHATIC = ["good morning everyone have a wonderful day ahead",
          "happy friday everyone enjoy your weekend and stay safe",
          "thank you all for the kind birthday wishes today",
          "when you realize it is monday again and the coffee machine is broken",
          "me trying to explain to my mom what i do for a living",
          "nobody: absolutely nobody: me at three in the morning looking at the fridge",
          "can we just take a moment to appreciate how beautiful the sunset was today",
          "good night everyone sweet dreams see you all tomorrow"]
EMOJI = ["", "", "", " 🔥", " 👍", " 😂", " 🙏", " ‼️", " 💯", " 👀"]


def rnd_words(r, n, vocab=WORDS):
    return " ".join(r.choice(vocab) for _ in range(n))


def diurnal_time(r, tz_h, day=None):
    """a time in [T0,T1) following a daily rhythm in the account's local time"""
    while True:
        d = r.randrange(DAYS) if day is None else day
        h = r.random() * 24
        # activity weight: low at night (local 1-7h)
        w = 0.15 if 1 <= h < 7 else (1.0 if 8 <= h < 23 else 0.5)
        if r.random() < w:
            t = T0 + d * 86400 + h * 3600 - tz_h * 3600
            if T0 <= t < T1:
                return t


class World:
    def __init__(self, seed, control):
        self.seed = seed
        self.control = control
        self.r = random.Random(seed)
        self.accounts = {}  # handle -> dict(platform, roles, tz, groups)
        self.posts = []     # list of dict
        self.post_by_id = {}
        self.groups = []    # planted group descriptions
        self.handles_used = set()
        self.id_ctr = 0

    # ---------- accounts ----------
    def new_handle(self):
        r = self.r
        while True:
            style = r.random()
            f, l = r.choice(FIRST), r.choice(LAST)
            if style < 0.3:
                h = f + l + str(r.randrange(10, 9999))
            elif style < 0.55:
                h = f + "_" + l
            elif style < 0.75:
                h = f + str(r.randrange(1960, 2010))
            elif style < 0.9:
                h = l + r.choice(["_", ""]) + f + str(r.randrange(100))
            else:
                h = "".join(r.choice(string.ascii_lowercase) for _ in range(r.randrange(5, 9))) + str(r.randrange(100))
            if h not in self.handles_used:
                self.handles_used.add(h)
                return h

    def add_account(self, role, platform=None):
        r = self.r
        h = self.new_handle()
        if platform is None:
            x = r.random()
            platform = "x" if x < 0.72 else ("scraped" if x < 0.86 else "mastodon")
        if platform == "mastodon" and r.random() < 0.4:
            h = h.replace(".", "_") + "@" + r.choice(["mastodon.social", "fosstodon.org", "mas.to", "hachyderm.io"])
        tz = r.choice([0, 0, 1, 1, 2, -5, -5, -8, 5.5, 9, 3])
        self.accounts[h] = dict(platform=platform, role=role, roles={role}, tz=tz, groups=[],
                                uid=str(r.randrange(10 ** 8, 10 ** 18)))
        return h

    # ---------- posts ----------
    def new_id(self, t):
        self.id_ctr += 1
        return str(((int(t * 1000) - 1288834974657) << 22) + (self.id_ctr % 4096) * 1024 + self.r.randrange(1024))

    def post(self, acct, t, text, kind="original", urls=(), tags=(), parent=None, mentions=(), src="organic"):
        """urls: list of (written, expansion_or_None)"""
        if not (T0 <= t < T1):
            return None
        a = self.accounts[acct]
        p = dict(id=self.new_id(t), acct=acct, t=t, text=text, kind=kind, urls=list(urls), tags=list(tags),
                 parent=parent, mentions=list(mentions), platform=a["platform"], src=src)
        if parent is not None:
            pp = self.post_by_id[parent]
            if pp["platform"] != a["platform"] and not (a["platform"] == "scraped" and pp["platform"] == "x" and kind == "retweet"):
                # cannot retweet/reply across platforms: becomes an original sharing text/link
                if kind == "retweet":
                    p["kind"] = "original"
                    p["text"] = pp["text"]
                    p["urls"] = pp["urls"]
                    p["tags"] = pp["tags"]
                    p["parent"] = None
                else:
                    p["kind"] = "original"
                    p["parent"] = None
            if p["kind"] == "retweet":
                p["text"] = pp["text"]
                p["urls"] = pp["urls"]
                p["tags"] = pp["tags"]
        self.posts.append(p)
        self.post_by_id[p["id"]] = p
        return p

    # ---------- URL variants ----------
    def url_variant(self, domain, path, share_mode="normal"):
        """return (written, expansion_or_None) with realistic variants"""
        r = self.r
        scheme = r.choice(["https://", "https://", "https://", "http://"])
        host = domain
        x = r.random()
        if x < 0.15:
            host = "www." + domain
        elif x < 0.22:
            host = "m." + domain
        u = scheme + host + "/" + path
        if r.random() < 0.15:
            u += "/"
        x = r.random()
        if x < 0.2:
            u += "?utm_source=" + r.choice(["twitter", "facebook", "share", "newsletter"]) + "&utm_medium=social"
        elif x < 0.27:
            u += "?fbclid=IwAR" + "".join(r.choice(string.ascii_letters + string.digits) for _ in range(20))
        elif x < 0.3:
            u += "?ref=" + r.choice(["home", "rss", "tw"])
        if r.random() < 0.05:
            u += "#" + r.choice(["comments", "section-2", "top"])
        if r.random() < 0.12:
            code = "".join(r.choice(string.ascii_letters + string.digits) for _ in range(7))
            short = "https://" + r.choice(SHORTENERS) + "/" + code
            exp = u if r.random() < 0.7 else None
            return (short, exp)
        return (u, u)

    # ============ background ============
    def build_background(self):
        r = self.r
        n_casual = 1650
        for _ in range(n_casual):
            self.add_account("casual")
        self.junkies = [self.add_account("news_junkie") for _ in range(130)]
        self.outlets = []
        for d in OUTLET_DOMAINS:
            h = self.add_account("outlet", platform=r.choice(["x", "x", "mastodon"]))
            self.accounts[h]["domain"] = d
            self.outlets.append(h)
        self.staff = {}
        for o in self.outlets:
            self.staff[o] = [self.add_account("outlet_staff", platform=self.accounts[o]["platform"]) for _ in range(r.randrange(2, 5))]
        self.feedbots = [self.add_account("feed_bot", platform=r.choice(["x", "x", "mastodon"])) for _ in range(10)]
        for b in self.feedbots:
            self.accounts[b]["feeds"] = r.sample(self.outlets, r.randrange(1, 3))
            if self.accounts[b]["platform"] == "mastodon":
                self.accounts[b]["bot"] = True
        self.celebs = [self.add_account("celebrity", platform="x") for _ in range(5)]
        self.journalists = [self.add_account("journalist", platform="x") for _ in range(6)]
        self.fans = [self.add_account("fan", platform=r.choice(["x"] * 6 + ["scraped"])) for _ in range(320)]
        self.sports = [self.add_account("sports_fan") for _ in range(220)]
        self.ga_hosts = [self.add_account("giveaway_host", platform="x") for _ in range(2)]
        self.ga_entrants = [self.add_account("giveaway_entrant", platform="x") for _ in range(260)]
        self.greeters = [self.add_account("greeter") for _ in range(120)]
        self.beneficiary = self.add_account("beneficiary", platform="x")
        self.m_beneficiary = self.add_account("beneficiary", platform="mastodon")
        self.friends_circles = []
        for _ in range(6):  # small friend circles who reply to each other often (benign)
            circ = [self.add_account("friend_circle") for _ in range(r.randrange(3, 6))]
            p = r.choice(["x", "x", "mastodon"])
            for c in circ:
                self.accounts[c]["platform"] = p
            self.friends_circles.append(circ)
        self.all_people = [h for h, a in self.accounts.items() if a["role"] in
                           ("casual", "news_junkie", "fan", "sports_fan", "giveaway_entrant", "greeter", "friend_circle")]

        # --- organic posting for everyone ---
        trending = {d: ["".join(r.choice(WORDS).capitalize() for _ in range(2)) for _ in range(4)] for d in range(DAYS)}
        self.popular_links = [(r.choice(POPULAR_DOMAINS), "/".join([r.choice(WORDS), rnd_words(r, 3).replace(" ", "-")]))
                              for _ in range(70)]
        for h, a in list(self.accounts.items()):
            role = a["role"]
            if role in ("outlet", "feed_bot", "celebrity"):
                continue
            n = {"casual": r.randrange(2, 22), "news_junkie": r.randrange(25, 70), "fan": r.randrange(3, 15),
                 "sports_fan": r.randrange(3, 15), "giveaway_entrant": r.randrange(2, 10), "greeter": r.randrange(4, 12),
                 "friend_circle": r.randrange(8, 25), "outlet_staff": r.randrange(10, 30), "journalist": r.randrange(30, 60),
                 "beneficiary": r.randrange(40, 60), "giveaway_host": r.randrange(10, 20)}[role]
            for _ in range(n):
                t = diurnal_time(r, a["tz"])
                tags = []
                if r.random() < 0.25:
                    tags.append(r.choice(UNIVERSAL_TAGS))
                if r.random() < 0.2:
                    d = int((t - T0) // 86400)
                    tags.append(r.choice(trending[min(d, DAYS - 1)]))
                urls = []
                x = r.random()
                if x < 0.18:
                    dom, path = r.choice(self.popular_links)
                    urls.append(self.url_variant(dom, path))
                elif x < 0.22:
                    urls.append(self.url_variant(r.choice(POPULAR_DOMAINS), rnd_words(r, 3).replace(" ", "-")))
                if role == "greeter" and r.random() < 0.5:
                    text = r.choice(PHATIC) + r.choice(EMOJI)
                    tags = []
                    urls = []
                elif r.random() < 0.03:
                    text = r.choice(PHATIC) + r.choice(EMOJI)
                else:
                    text = rnd_words(r, r.randrange(6, 28))
                    if r.random() < 0.3:
                        text = text.capitalize() + r.choice([".", "!", "?", "..."]) + r.choice(EMOJI)
                self.post(h, t, self.compose(text, tags, urls), urls=urls, tags=tags)

        # --- outlets publish; staff and feed bots share; junkies share ---
        self.articles = []
        for o in self.outlets:
            dom = self.accounts[o]["domain"]
            for d in range(DAYS):
                for _ in range(r.randrange(6, 14)):
                    t = T0 + d * 86400 + r.uniform(6, 23) * 3600
                    slug = "-".join(r.choice(WORDS) for _ in range(r.randrange(3, 7))) + "-" + str(r.randrange(10 ** 5))
                    head = rnd_words(r, r.randrange(7, 13)).capitalize()
                    url = "https://www." + dom + "/" + r.choice(["politics", "world", "sport", "business", "local"]) + "/" + slug
                    p = self.post(o, t, head + " " + url, urls=[(url, url)], src="outlet")
                    if not p:
                        continue
                    self.articles.append((o, dom, url, head, t, p["id"]))
                    # feed bots: headline + link within 0-4 min
                    for b in self.feedbots:
                        if o in self.accounts[b]["feeds"] and r.random() < 0.95:
                            tb = t + r.uniform(10, 240)
                            u = url + r.choice(["", "?utm_source=rss", "?utm_source=dlvr.it&utm_medium=twitter"])
                            self.post(b, tb, head + " " + u, urls=[(u, u)], src="feed")
                    # staff: retweet or share within 1-30 min, with prob
                    for s in self.staff[o]:
                        if r.random() < 0.35:
                            ts = t + r.uniform(30, 1800)
                            if r.random() < 0.6:
                                self.post(s, ts, "", kind="retweet", parent=p["id"], src="staff")
                            else:
                                v = self.url_variant(dom, url.split(dom + "/")[1])
                                self.post(s, ts, self.compose(rnd_words(r, r.randrange(3, 10)).capitalize(), [], [v]), urls=[v], src="staff")
                    # readers: a few junkies share later, sometimes share-button text
                    for _ in range(int(r.expovariate(1 / 2.5))):
                        j = r.choice(self.junkies + r.sample(self.all_people, 3))
                        tj = t + r.expovariate(1 / 5400)
                        v = self.url_variant(dom, url.split(dom + "/")[1])
                        if r.random() < 0.4:
                            txt = head + " via @" + o.split("@")[0] + " " + v[0]
                        else:
                            txt = self.compose(rnd_words(r, r.randrange(3, 15)), [], [v])
                        self.post(j, tj, txt, urls=[v], src="reader")
        # --- viral bursts: breaking link shared by dozens of strangers within minutes ---
        for _ in range(10):
            o, dom, url, head, t, pid = r.choice(self.articles)
            n = r.randrange(25, 90)
            crowd = r.sample(self.junkies, min(len(self.junkies), n // 2)) + r.sample(self.all_people, n - n // 2)
            for c in crowd:
                tc = t + r.expovariate(1 / 240)
                v = self.url_variant(dom, url.split(dom + "/")[1])
                if r.random() < 0.35:
                    txt = head + " via @" + o.split("@")[0] + " " + v[0]
                else:
                    txt = self.compose(r.choice(["BREAKING:", "Wow", "Unbelievable", "This is huge", "Just in:", ""]) + " " + rnd_words(r, r.randrange(2, 9)),
                                       ["breaking"] if r.random() < 0.4 else [], [v])
                if r.random() < 0.3 and self.accounts[c]["platform"] == self.accounts[o]["platform"]:
                    self.post(c, tc, "", kind="retweet", parent=pid, src="viral")
                else:
                    self.post(c, tc, txt, urls=[v], tags=["breaking"] if "#breaking" in txt else [], src="viral")
        # --- popular links also shared at random times by everyone (already) + bursts of one popular video ---
        # --- celebrities and fans ---
        for cel in self.celebs:
            fans = r.sample(self.fans, r.randrange(60, 140))
            for f in fans:
                self.accounts[f].setdefault("fan_of", []).append(cel)
            superfans = fans[:r.randrange(5, 12)]
            for f in superfans:
                if self.accounts[f]["role"] == "fan":
                    self.accounts[f]["role"] = "superfan"
            for d in range(DAYS):
                for _ in range(r.randrange(2, 7)):
                    t = T0 + d * 86400 + r.uniform(8, 23) * 3600
                    tags = [r.choice(UNIVERSAL_TAGS)] if r.random() < 0.2 else []
                    urls = [self.url_variant(r.choice(POPULAR_DOMAINS), rnd_words(r, 2).replace(" ", "-"))] if r.random() < 0.3 else []
                    p = self.post(cel, t, self.compose(rnd_words(r, r.randrange(5, 20)), tags, urls), urls=urls, tags=tags, src="celeb")
                    if not p:
                        continue
                    for f in fans:
                        pr = 0.8 if f in superfans else 0.25
                        if r.random() < pr:
                            delay = r.expovariate(1 / (30 if f in superfans else 900))
                            if r.random() < 0.7:
                                self.post(f, t + delay, "", kind="retweet", parent=p["id"], src="fan")
                            else:
                                self.post(f, t + delay + r.uniform(5, 60), "@" + cel.split("@")[0] + " " + r.choice(
                                    ["love this", "so true", "queen", "legend", "omg yes", "first!", "❤️❤️❤️", "we love you"]) + r.choice(EMOJI),
                                          kind="reply", parent=p["id"], mentions=[cel], src="fan")
        # journalists: posts get organic replies
        self.journo_posts = []
        for j in self.journalists:
            for p in [q for q in self.posts if q["acct"] == j and q["kind"] == "original"]:
                self.journo_posts.append(p["id"])
                for _ in range(r.randrange(0, 6)):
                    c = r.choice(self.all_people)
                    self.post(c, p["t"] + r.expovariate(1 / 3600), "@" + j + " " + rnd_words(r, r.randrange(4, 16)), kind="reply",
                              parent=p["id"], mentions=[j], src="reply")
                for _ in range(r.randrange(0, 8)):
                    c = r.choice(self.junkies + self.all_people[:200])
                    self.post(c, p["t"] + r.expovariate(1 / 2400), "", kind="retweet", parent=p["id"], src="rt")
        # --- live events: matches ---
        for _m in range(5):
            d = r.randrange(DAYS)
            start = T0 + d * 86400 + r.uniform(15, 21) * 3600
            tag = r.choice(["ARS", "LIV", "MCI", "BAR", "RMA", "PSG", "JUV", "BVB"]) + r.choice(["CHE", "TOT", "MUN", "ATM", "INT", "NAP"])
            players = [r.choice(FIRST).capitalize() for _ in range(6)]
            goals = sorted(r.uniform(0, 6300) for _ in range(r.randrange(2, 6)))
            fans = r.sample(self.sports, r.randrange(90, 180))
            for f in fans:
                for _ in range(r.randrange(1, 5)):
                    tt = start + r.uniform(-1800, 7200)
                    self.post(f, tt, self.compose(rnd_words(r, r.randrange(3, 12)), [tag], []), tags=[tag], src="match")
            for g in goals:
                pl = r.choice(players)
                scorers = r.sample(fans, int(len(fans) * r.uniform(0.2, 0.5)))
                for f in scorers:
                    txt = r.choice(["GOAL!!! what a strike from " + pl, "GOOOAL " + pl + " you beauty", "what a goal by " + pl + " unbelievable scenes",
                                    pl + " scores!!! get in"]) + r.choice(EMOJI)
                    self.post(f, start + g + r.expovariate(1 / 45), self.compose(txt, [tag], []), tags=[tag], src="match")
        # --- giveaways ---
        for host in self.ga_hosts:
            for _ in range(3):
                t = diurnal_time(r, self.accounts[host]["tz"])
                p = self.post(host, t, "GIVEAWAY! Win a brand new console. To enter: follow, retweet and tag two friends. Winner announced Sunday #giveaway",
                              tags=["giveaway"], src="giveaway")
                if not p:
                    continue
                ents = r.sample(self.ga_entrants, r.randrange(100, 220))
                for e in ents:
                    te = t + r.expovariate(1 / 5000)
                    self.post(e, te, "", kind="retweet", parent=p["id"], src="giveaway")
                    fr = r.sample(self.all_people, 2)
                    self.post(e, te + r.uniform(3, 90), "@" + host + " Done! " + r.choice(["good luck everyone", "hope i win", "fingers crossed", "done and done"])
                              + " @" + fr[0].split("@")[0] + " @" + fr[1].split("@")[0], kind="reply", parent=p["id"], mentions=[host] + fr, src="giveaway")
        # --- friend circles reply to each other ---
        for circ in self.friends_circles:
            for _ in range(r.randrange(10, 25)):
                a = r.choice(circ)
                t = diurnal_time(r, self.accounts[a]["tz"])
                p = self.post(a, t, rnd_words(r, r.randrange(5, 15)), src="friends")
                if not p:
                    continue
                for b in circ:
                    if b != a and r.random() < 0.6:
                        self.post(b, t + r.expovariate(1 / 600), "@" + a.split("@")[0] + " " + rnd_words(r, r.randrange(2, 10)),
                                  kind="reply", parent=p["id"], mentions=[a], src="friends")
        # beneficiary organic retweeters
        for ben in (self.beneficiary, self.m_beneficiary):
            for p in [q for q in self.posts if q["acct"] == ben and q["kind"] == "original"]:
                for _ in range(r.randrange(0, 5)):
                    c = r.choice([h for h in self.all_people[:600] if self.accounts[h]["platform"] == self.accounts[ben]["platform"]])
                    self.post(c, p["t"] + r.expovariate(1 / 3000), "", kind="retweet", parent=p["id"], src="rt")

    def compose(self, text, tags, urls):
        r = self.r
        parts = [text]
        for tg in tags:
            parts.append("#" + tg)
        for u, _ in urls:
            parts.append(u)
        if r.random() < 0.5 and tags:
            # hashtags sometimes at the front
            return " ".join(parts)
        return " ".join(parts)

    # ============ planted ============
    def pick_members(self, n, platform, exclude=()):
        r = self.r
        pool = [h for h in self.all_people if self.accounts[h]["platform"] == platform and not self.accounts[h]["groups"]
                and h not in exclude and self.accounts[h]["role"] in ("casual", "news_junkie", "sports_fan", "greeter", "fan")]
        return r.sample(pool, n)

    def build_planted(self):
        r = self.r
        specs = [
            # name, kind, size, platform, n_actions, spread_s (max delay), miss
            ("G01", "url", 24, "x", 12, 120, 0.2),
            ("G02", "text", 15, "x", 10, 300, 0.25),
            ("G03", "hashtag", 40, "x", 8, 1800, 0.3),
            ("G04", "coretweet", 20, "x", 15, 90, 0.2),
            ("G05", "reply", 12, "x", 10, 600, 0.25),
            ("G06", "mixed", 8, "x", 12, 240, 0.15),
            ("G07", "url", 3, "x", 8, 20, 0.1),
            ("G08", "coretweet", 4, "x", 7, 45, 0.15),
            ("G09", "text", 50, "x", 20, 1800, 0.4),
            ("G10", "coretweet", 10, os.environ.get("JUDGE10_G10_PLATFORM", "mastodon"), 12, int(os.environ.get("JUDGE10_G10_SPREAD", "300")), 0.25),
            ("G11", "url", 6, "scraped", 9, 600, 0.2),
            ("G12", "mixed_hashtag_text", 18, "x", 14, 1200, 0.3),
            ("G13", "url_text", 5, "mastodon", 6, 60, 0.1),
        ]
        chosen = {}
        for name, kind, size, plat, nact, spread, miss in specs:
            chosen[name] = self.pick_members(size, plat)
            for m in chosen[name]:
                self.accounts[m]["groups"].append(name)
        # a few accounts in two groups
        for a, b, k in [("G01", "G06", 2), ("G09", "G12", 2), ("G02", "G05", 1)]:
            extra = r.sample(chosen[a], k)
            for m in extra:
                chosen[b].append(m)
                self.accounts[m]["groups"].append(b)
        for name, kind, size, plat, nact, spread, miss in specs:
            members = chosen[name]
            g = dict(name=name, kind=kind, size=len(members), platform=plat, actions=nact, spread_s=spread, miss=miss,
                     members=sorted(members))
            self.groups.append(g)
            self.plant(g)

    def plant(self, g):
        r = self.r
        kind, members, spread, miss = g["kind"], g["members"], g["spread_s"], g["miss"]
        pmiss = {m: min(0.45, max(0.05, r.gauss(miss, 0.08))) for m in members}
        domain = "".join(r.choice(WORDS) for _ in range(2)) + r.choice(["-news.com", "truth.net", "report.info", "daily.org"])
        camp_tag = "".join(r.choice(WORDS).capitalize() for _ in range(3))
        ben = self.m_beneficiary if g["platform"] == "mastodon" else self.beneficiary
        ben_posts = [q for q in self.posts if q["acct"] == ben and q["kind"] == "original"]
        r.shuffle(ben_posts)
        targets = list(self.journo_posts)
        r.shuffle(targets)

        def act_time():
            # daytime start
            return diurnal_time(r, 0) - 300

        def delays(n):
            # the group's timing: most within spread, shape varies
            shape = g["name"] in ("G03", "G09", "G12")
            out = []
            for _ in range(n):
                if shape:
                    out.append(r.uniform(0, spread))
                else:
                    out.append(min(spread, r.expovariate(3.0 / spread)))
            return out

        for k in range(g["actions"]):
            part = [m for m in members if r.random() > pmiss[m]]
            if len(part) < 2:
                part = r.sample(members, 2)
            ds = delays(len(part))
            if kind in ("url", "url_text") or (kind == "mixed" and k % 3 == 0):
                t = act_time()
                slug = r.choice(["news", "p", "2024/03"]) + "/" + "-".join(r.choice(WORDS) for _ in range(r.randrange(3, 6)))
                base = ""
                if kind == "url_text":
                    base = rnd_words(r, r.randrange(12, 20))
                for m, d in zip(part, ds, strict=False):
                    v = self.url_variant(domain, slug)
                    if kind == "url_text":
                        txt = self.edit(base)
                    else:
                        txt = rnd_words(r, r.randrange(3, 14))
                    self.post(m, t + d, self.compose(txt, [], [v]), urls=[v], src=g["name"])
            elif kind == "text" or (kind == "mixed" and k % 3 == 1) or (kind == "mixed_hashtag_text" and k % 2 == 0):
                t = act_time()
                base = rnd_words(r, r.randrange(15, 30))
                tags = [camp_tag] if kind == "mixed_hashtag_text" else []
                for m, d in zip(part, ds, strict=False):
                    self.post(m, t + d, self.compose(self.edit(base), tags, []), tags=tags, src=g["name"])
            elif kind == "hashtag" or kind == "mixed_hashtag_text":
                t = act_time()
                tags = [camp_tag] + ([r.choice(UNIVERSAL_TAGS)] if r.random() < 0.3 else [])
                extra = "".join(r.choice(WORDS).capitalize() for _ in range(2))
                for m, d in zip(part, ds, strict=False):
                    tg = list(tags) + ([extra] if r.random() < 0.6 else [])
                    self.post(m, t + d, self.compose(rnd_words(r, r.randrange(4, 16)), tg, []), tags=tg, src=g["name"])
            elif kind == "coretweet" or (kind == "mixed" and k % 3 == 2):
                if not ben_posts:
                    continue
                p = ben_posts[k % len(ben_posts)]
                for m, d in zip(part, ds, strict=False):
                    self.post(m, p["t"] + 5 + d, "", kind="retweet", parent=p["id"], src=g["name"])
            elif kind == "reply":
                p = self.post_by_id[targets[k % len(targets)]]
                lines = ["you should be ashamed of this", "fake news as always", "nobody believes you anymore",
                         "who pays you to write this garbage", "delete your account", "another lie from the usual suspects",
                         "this is pure propaganda", "resign already"]
                for m, d in zip(part, ds, strict=False):
                    txt = "@" + p["acct"] + " " + r.choice(lines) + " " + rnd_words(r, r.randrange(0, 6)) + r.choice(EMOJI)
                    self.post(m, p["t"] + 30 + d, txt, kind="reply", parent=p["id"], mentions=[p["acct"]], src=g["name"])

    def edit(self, base):
        r = self.r
        w = base.split()
        x = r.random()
        if x < 0.3 and len(w) > 6:
            i = r.randrange(len(w))
            w[i] = r.choice(WORDS)
        elif x < 0.5:
            w.insert(0, r.choice(["Wow,", "Please read:", "Share this!", "Important:", "RT if you agree:"]))
        elif x < 0.6 and len(w) > 8:
            del w[r.randrange(len(w))]
        s = " ".join(w)
        if r.random() < 0.3:
            s = s.capitalize()
        return s + r.choice(EMOJI)

    # ============ write ============
    def write(self, out):
        os.makedirs(out, exist_ok=True)
        r = self.r
        xf = open(os.path.join(out, "x_tweets.jsonl"), "w")
        mf = open(os.path.join(out, "mastodon_statuses.jsonl"), "w")
        sf = open(os.path.join(out, "scraped_posts.jsonl"), "w")
        posts = sorted(self.posts, key=lambda p: p["t"])
        self.emitted = []  # (acct, ts as ingested, kind, items) for the baseline
        for p in posts:
            self.accounts[p["acct"]]
            if p["platform"] == "x":
                line = json.dumps(self.x_obj(p), ensure_ascii=False)
                t_emit = int(p["t"])
                xf.write(line + "\n")
                if r.random() < 0.01:
                    xf.write(line + "\n")
            elif p["platform"] == "mastodon":
                line = json.dumps(self.m_obj(p), ensure_ascii=False)
                t_emit = p["t"]
                mf.write(line + "\n")
                if r.random() < 0.01:
                    mf.write(line + "\n")
            else:
                obj, t_emit = self.s_obj(p)
                line = json.dumps(obj, ensure_ascii=False)
                sf.write(line + "\n")
                if r.random() < 0.01:
                    sf.write(line + "\n")
            self.emitted.append(p | {"t_emit": t_emit})
        for f in (xf, mf, sf):
            f.close()
        truth = dict(seed=self.seed, control=self.control, groups=self.groups,
                     accounts={h: dict(platform=a["platform"], role=a["role"], groups=a["groups"]) for h, a in self.accounts.items()},
                     n_posts=len(self.posts))
        json.dump(truth, open(os.path.join(out, "truth.json"), "w"))
        # baseline actions file
        with open(os.path.join(out, "actions.jsonl"), "w") as f:
            for p in self.emitted:
                items = []
                if p["kind"] == "retweet" and p["parent"]:
                    items.append("rt:" + p["parent"])
                else:
                    for u, e in p["urls"]:
                        items.append("url:" + (e or u))
                    if p["kind"] == "original" and p["text"].strip():
                        items.append("text:" + hashlib.md5(p["text"].encode()).hexdigest())
                f.write(json.dumps([p["acct"], p["t_emit"], items]) + "\n")

    def iso_x(self, t):
        return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")

    def x_entities(self, p):
        ents = {}
        urls = []
        text = p["text"]
        for u, e in p["urls"]:
            tco = "https://t.co/" + hashlib.md5((p["id"] + u).encode()).hexdigest()[:10]
            text = text.replace(u, tco)
            d = {"start": 0, "end": 23, "url": tco, "expanded_url": u, "display_url": u.split("://")[-1][:25]}
            if e and e != u:
                d["unwound_url"] = e
            urls.append(d)
        if urls:
            ents["urls"] = urls
        if p["tags"]:
            ents["hashtags"] = [{"start": 0, "end": 1, "tag": t} for t in p["tags"]]
        if p["mentions"]:
            ents["mentions"] = [{"start": 0, "end": 1, "username": m.split("@")[0]} for m in p["mentions"]]
        return text, ents

    def x_user(self, h):
        a = self.accounts[h]
        return {"id": a["uid"], "username": h, "name": h.replace("_", " ").title()}

    def x_obj(self, p):
        a = self.accounts[p["acct"]]
        o = {"id": p["id"], "author_id": a["uid"], "author": self.x_user(p["acct"]), "created_at": self.iso_x(p["t"]),
             "lang": "en", "edit_history_tweet_ids": [p["id"]],
             "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": self.r.randrange(20), "quote_count": 0}}
        if p["kind"] == "retweet":
            pp = self.post_by_id[p["parent"]]
            ptext, pents = self.x_entities(pp)
            o["text"] = ("RT @" + pp["acct"] + ": " + ptext)[:140]
            o["conversation_id"] = p["id"]
            o["entities"] = pents | {"mentions": [{"start": 3, "end": 3 + len(pp["acct"]), "username": pp["acct"]}]}
            ref = {"type": "retweeted", "id": pp["id"], "text": ptext, "author_id": self.accounts[pp["acct"]]["uid"],
                   "author": self.x_user(pp["acct"]), "created_at": self.iso_x(pp["t"]), "entities": pents,
                   "conversation_id": pp["id"], "edit_history_tweet_ids": [pp["id"]]}
            o["referenced_tweets"] = [ref]
        else:
            text, ents = self.x_entities(p)
            o["text"] = text
            if ents:
                o["entities"] = ents
            o["conversation_id"] = p["id"]
            if p["kind"] == "reply":
                pp = self.post_by_id[p["parent"]]
                o["conversation_id"] = pp["id"]
                o["in_reply_to_user_id"] = self.accounts[pp["acct"]]["uid"]
                o["referenced_tweets"] = [{"type": "replied_to", "id": pp["id"], "author_id": self.accounts[pp["acct"]]["uid"],
                                           "text": pp["text"], "created_at": self.iso_x(pp["t"]), "author": self.x_user(pp["acct"]),
                                           "conversation_id": pp["id"], "edit_history_tweet_ids": [pp["id"]]}]
        return o

    def m_status(self, p):
        a = self.accounts[p["acct"]]
        html = p["text"]
        for u, _e in p["urls"]:
            html = html.replace(u, '<a href="{}" rel="nofollow noopener noreferrer" target="_blank">{}</a>'.format(u, u.split("://")[-1]))
        for tg in p["tags"]:
            html = html.replace("#" + tg, f'<a href="https://mastodon.social/tags/{tg.lower()}" class="mention hashtag" rel="tag">#<span>{tg}</span></a>')
        st = {"id": p["id"], "created_at": datetime.fromtimestamp(p["t"], UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
              "in_reply_to_id": None, "in_reply_to_account_id": None, "sensitive": False, "spoiler_text": "",
              "visibility": "public", "language": "en", "uri": "https://mastodon.social/users/{}/statuses/{}".format(p["acct"].split("@")[0], p["id"]),
              "url": "https://mastodon.social/@{}/{}".format(p["acct"].split("@")[0], p["id"]),
              "replies_count": 0, "reblogs_count": 0, "favourites_count": self.r.randrange(10), "edited_at": None,
              "content": "<p>" + html + "</p>", "reblog": None,
              "account": {"id": a["uid"], "username": p["acct"].split("@")[0], "acct": p["acct"], "display_name": p["acct"].split("@")[0].title(),
                          "bot": bool(a.get("bot", False))},
              "media_attachments": [], "mentions": [{"acct": m, "username": m.split("@")[0]} for m in p["mentions"]],
              "tags": [{"name": t.lower(), "url": "https://mastodon.social/tags/" + t.lower()} for t in p["tags"]],
              "emojis": [], "card": None, "poll": None}
        if p["kind"] == "reply":
            pp = self.post_by_id[p["parent"]]
            st["in_reply_to_id"] = pp["id"]
            st["in_reply_to_account_id"] = self.accounts[pp["acct"]]["uid"]
        return st

    def m_obj(self, p):
        if p["kind"] == "retweet":
            pp = self.post_by_id[p["parent"]]
            st = self.m_status(dict(p, text="", urls=[], tags=[], mentions=[], kind="original"))
            st["content"] = ""
            st["reblog"] = self.m_status(pp)
            return st
        return self.m_status(p)

    def s_obj(self, p):
        """generic scraper: minute-rounded times written in the account's local offset; manual RTs"""
        a = self.accounts[p["acct"]]
        t = math.floor(p["t"] / 60) * 60
        tz = a["tz"]
        off = timedelta(hours=tz)
        dt = datetime.fromtimestamp(t, timezone(off))
        pub = dt.isoformat()
        text = p["text"]
        if p["kind"] == "retweet":
            pp = self.post_by_id[p["parent"]]
            text = "RT @" + pp["acct"] + ": " + pp["text"]
        url = "https://example-scraper.net/{}/status/{}".format(p["acct"], p["id"])
        return {"id": p["id"], "author": p["acct"], "text": text, "published": pub, "url": url}, t


# ================= scoring =================
def load_communities(corpus):
    import duckdb
    con = duckdb.connect(corpus, read_only=True)
    [c[0] for c in con.execute("describe communities").fetchall()]
    rows = con.execute("select community_id, source, dominant_kind, evidence, role from communities").fetchall()
    con.close()
    comms = defaultdict(set)
    info = {}
    ev = {}
    for cid, src, dk, evd, role in rows:
        comms[cid].add(src)
        info[cid] = dk
        ev[(cid, src)] = (evd, role)
    return comms, info, ev


def norm_source(s, accounts):
    if s in accounts:
        return s
    for pre in ("x:", "mastodon:", "scraped:", "@"):
        if s.startswith(pre) and s[len(pre):] in accounts:
            return s[len(pre):]
    if s.lstrip("@") in accounts:
        return s.lstrip("@")
    return s


def score_groups(groups, comms):
    res = []
    for g in groups:
        G = set(g["members"])
        best, bj = None, 0.0
        for cid, C in comms.items():
            j = len(G & C) / len(G | C)
            if j > bj:
                best, bj = cid, j
        if best is None:
            res.append(dict(name=g["name"], community=None, P=0, R=0, F1=0))
            continue
        C = comms[best]
        inter = len(G & C)
        P, R = inter / len(C), inter / len(G)
        res.append(dict(name=g["name"], community=best, P=round(P, 3), R=round(R, 3), F1=round(2 * P * R / (P + R), 3), csize=len(C)))
    return res


def coornet(actions_path, window=60, min_co=2):
    items = defaultdict(list)
    for line in open(actions_path):
        acct, t, its = json.loads(line)
        for it in its:
            items[it].append((t, acct))
    pair = defaultdict(set)
    for it, lst in items.items():
        if len(lst) < 2:
            continue
        first = {}
        for t, a in sorted(lst):
            first.setdefault(a, t)
        arr = sorted((t, a) for a, t in first.items())
        n = len(arr)
        for i in range(n):
            k = i + 1
            while k < n and arr[k][0] - arr[i][0] <= window:
                a, b = arr[i][1], arr[k][1]
                pair[(min(a, b), max(a, b))].add(it)
                k += 1
    parent = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    for (a, b), s in pair.items():
        if len(s) >= min_co:
            parent[find(a)] = find(b)
    comps = defaultdict(set)
    for x in list(parent):
        comps[find(x)].add(x)
    return {i: c for i, c in enumerate(v for v in comps.values() if len(v) >= 2)}


def score(out, corpus, as_json=False):
    truth = json.load(open(os.path.join(out, "truth.json")))
    accounts = truth["accounts"]
    comms_raw, info, ev = load_communities(corpus)
    comms = {cid: {norm_source(s, accounts) for s in ss} for cid, ss in comms_raw.items()}
    unknown = sorted({s for ss in comms.values() for s in ss if s not in accounts})
    groups = truth["groups"]
    gres = score_groups(groups, comms)
    gf1 = sum(x["F1"] for x in gres) / len(groups) if groups else None
    placed = sorted({s for ss in comms.values() for s in ss if s in accounts and not accounts[s]["groups"]})
    by_role = Counter(accounts[s]["role"] for s in placed)
    inn_detail = []
    for cid, C in sorted(comms.items(), key=lambda kv: str(kv[0])):
        for s in sorted(C):
            if s in accounts and not accounts[s]["groups"]:
                # find raw key
                raw = [k for k in comms_raw[cid] if norm_source(k, accounts) == s][0]
                evd, role = ev[(cid, raw)]
                ev_s = str(evd)
                inn_detail.append(dict(account=s, role=accounts[s]["role"], community=cid, dominant_kind=info[cid],
                                       csize=len(C), planted_in_comm=sum(1 for x in C if x in accounts and accounts[x]["groups"]),
                                       mrole=role, evidence=ev_s[:400]))
    bl = coornet(os.path.join(out, "actions.jsonl"))
    bres = score_groups(groups, bl)
    bf1 = sum(x["F1"] for x in bres) / len(groups) if groups else None
    bplaced = {s for ss in bl.values() for s in ss if not accounts[s]["groups"]}
    comm_sizes = sorted((len(c) for c in comms.values()), reverse=True)
    res = dict(seed=truth["seed"], control=truth["control"], n_posts=truth["n_posts"], n_communities=len(comms),
               comm_sizes=comm_sizes, accounts_placed=len({s for ss in comms.values() for s in ss}),
               group_f1=gf1, groups=[dict(g, **{k: v for k, v in x.items() if k != "name"}, members=None) for g, x in zip(groups, gres, strict=False)],
               innocents_placed=len(placed), innocents_by_role=dict(by_role), innocent_detail=inn_detail, unknown_sources=unknown[:20],
               baseline=dict(group_f1=bf1, n_components=len(bl), accounts_placed=len({s for c in bl.values() for s in c}),
                             innocents_placed=len(bplaced), innocents_by_role=dict(Counter(accounts[s]["role"] for s in bplaced)),
                             largest=max((len(c) for c in bl.values()), default=0),
                             groups=[dict(name=x["name"], F1=x["F1"], P=x["P"], R=x["R"]) for x in bres]),
               kinds=info)
    for g in res["groups"]:
        g.pop("members", None)
    if as_json:  # nested as coord_judges.py reads a judge: world, then method
        base = res.pop("baseline")
        print(json.dumps({"control" if res["control"] else "planted":
                          {"propscope": res, "coornet_recipe": base}}, indent=1, default=str))
    else:
        print("seed", res["seed"], "control" if res["control"] else "planted", "posts", res["n_posts"])
        print("communities", res["n_communities"], "sizes", comm_sizes[:30], "accounts placed", res["accounts_placed"])
        if groups:
            print(f"group F1 {gf1:.3f}")
            for g in res["groups"]:
                print("  %s %-20s size=%2d plat=%-8s acts=%2d spread=%4ds miss=%.2f -> comm=%s csize=%s P=%.2f R=%.2f F1=%.2f" % (
                    g["name"], g["kind"], g["size"], g["platform"], g["actions"], g["spread_s"], g["miss"], g["community"], g.get("csize"), g["P"], g["R"], g["F1"]))
        print("innocents placed", len(placed), dict(by_role))
        for d in inn_detail:
            print("   ", d["account"], d["role"], "comm", d["community"], d["dominant_kind"], "csize", d["csize"], "planted_in_comm", d["planted_in_comm"], d["mrole"], d["evidence"][:200])
        print("unknown sources", unknown[:10])
        b = res["baseline"]
        print("baseline CooRnet-60s: group F1", b["group_f1"], "components", b["n_components"], "largest", b["largest"], "placed", b["accounts_placed"],
              "innocents", b["innocents_placed"], b["innocents_by_role"])
        print("  baseline per group:", [(x["name"], x["F1"]) for x in b["groups"]])
    json.dump(res, open(os.path.join(out, "score.json"), "w"), indent=1, default=str)
    return res


def gen(seed, out, control):
    w = World(seed, control)
    w.build_background()
    if not control:
        w.build_planted()
    w.write(out)
    kinds = Counter(p["kind"] for p in w.posts)
    roles = Counter(a["role"] for a in w.accounts.values())
    print("generated", len(w.posts), "posts", len(w.accounts), "accounts", dict(kinds), dict(roles), file=sys.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["gen", "score", "all"])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--control", action="store_true")
    ap.add_argument("--corpus")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    if a.cmd in ("gen", "all"):
        gen(a.seed, a.out, a.control)
    if a.cmd == "all":
        corpus = os.path.join(a.out, "c.duckdb")
        if os.path.exists(corpus):
            os.remove(corpus)
        # this checkout's propscope, run as a user would (the CLI), from the same interpreter
        cmd = ["nice", "-n", "10", sys.executable, "-m", "propscope", "run", "x_tweets.jsonl",
               "mastodon_statuses.jsonl", "scraped_posts.jsonl",
               "--corpus", "c.duckdb", "--out", "out", "--techniques", "off", "--quiet"]
        env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1] / "src"))
        t = time.time()
        p = subprocess.run(cmd, cwd=a.out, env=env, capture_output=True, text=True)
        open(os.path.join(a.out, "propscope.log"), "w").write(p.stdout + "\n---stderr---\n" + p.stderr)
        print("propscope rc", p.returncode, "%.0fs" % (time.time() - t), file=sys.stderr)
        if p.returncode != 0:
            print(p.stderr[-3000:], file=sys.stderr)
        a.corpus = corpus
    if a.cmd in ("score", "all"):
        score(a.out, a.corpus or os.path.join(a.out, "c.duckdb"), a.json)


if __name__ == "__main__":
    main()
