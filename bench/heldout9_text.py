"""Held-out judge 9: words, near-duplicates and link variants, as real feeds carry them.

Why its own text bank: the judge must not share phrasing with any earlier generator, and
real corpora mix scripts (Latin, Cyrillic, Arabic and Hebrew right-to-left, CJK,
Devanagari), so a method tuned on one script would show it here. Near-duplicates are
made the way people and scripts make them: punctuation, emoji, case, digits and
look-alike letters; links the way platforms hand them out: tracking parameters, AMP and
mobile hosts, trailing slashes and shorteners.
"""

from __future__ import annotations

import random


def _w(text: str) -> list[str]:
    return text.split()


WORDS: dict[str, list[str]] = {
    "en": _w("the city council said new rules would start next week people are waiting for "
          "answers about prices schools roads water and the election results tonight"),
    "es": _w("el gobierno anunció hoy nuevas medidas para la ciudad los vecinos esperan "
          "respuestas sobre precios escuelas agua y elecciones del domingo"),
    "de": _w("die Stadt hat heute neue Regeln beschlossen viele Menschen warten auf Antworten "
          "zu Preisen Schulen Straßen Wasser und der Wahl am Sonntag"),
    "pt": _w("a prefeitura anunciou hoje novas regras os moradores esperam respostas sobre "
          "preços escolas água e a eleição de domingo"),
    "ru": _w("сегодня власти города объявили новые правила жители ждут ответов о ценах "
          "школах дорогах воде и выборах в воскресенье"),
    "uk": _w("сьогодні міська рада оголосила нові правила мешканці чекають відповідей про "
          "ціни школи дороги воду та вибори"),
    "ar": _w("أعلنت الحكومة اليوم إجراءات جديدة للمدينة والسكان ينتظرون إجابات حول الأسعار "
          "والمدارس والطرق والمياه والانتخابات"),
    "fa": _w("دولت امروز قوانین تازه ای اعلام کرد مردم منتظر پاسخ درباره قیمت ها مدارس "
          "جاده ها آب و انتخابات هستند"),
    "he": _w("העירייה הודיעה היום על כללים חדשים התושבים מחכים לתשובות על מחירים בתי ספר "
          "כבישים מים והבחירות"),
    "hi": _w("सरकार ने आज शहर के लिए नए नियम घोषित किए लोग कीमतों स्कूलों सड़कों पानी और "
          "चुनाव के बारे में जवाब का इंतजार कर रहे हैं"),
    "zh": list("市政府今天宣布了新的规定居民们正在等待关于价格学校道路用水和选举的答复"),
    "ja": list("市は今日新しい規則を発表しました住民は価格学校道路水道選挙についての回答を待っています"),
    "ko": _w("시청은 오늘 새로운 규칙을 발표했다 주민들은 가격 학교 도로 물 그리고 선거에 "
          "대한 답을 기다리고 있다"),
}
LANGS = tuple(WORDS)
_JOIN = {"zh": "", "ja": ""}
EMOJI = ["🔥", "👇", "‼️", "🙏", "😡", "✅", "📢", "💯", ""]
# Latin -> Cyrillic/Greek look-alikes, as used to dodge exact-match filters
HOMOGLYPH = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "i": "і",
             "о": "o", "а": "a", "е": "e"}


def sentence(rng: random.Random, lang: str, n: int | None = None) -> str:
    """A plausible run of words in ``lang`` (not meaningful, but the right script)."""
    words = WORDS[lang]
    k = n or rng.randint(8, 20)
    picked = [rng.choice(words) for _ in range(k)]
    picked.insert(rng.randrange(k), str(rng.randint(2, 2999)))
    return _JOIN.get(lang, " ").join(picked)


def near_duplicate(text: str, rng: random.Random) -> str:
    """The same message as a second account pastes it: small edits only."""
    out = text
    for _ in range(rng.randint(1, 3)):
        move = rng.randrange(6)
        if move == 0:
            out = out.rstrip(".!") + rng.choice(["!", "!!", ".", " …", "?!"])
        elif move == 1:
            out = f"{out} {rng.choice(EMOJI)}".strip()
        elif move == 2:
            out = out.upper() if rng.random() < 0.2 else out.capitalize()
        elif move == 3:
            chars = list(out)
            for i in rng.sample(range(len(chars)), min(3, len(chars))):
                chars[i] = HOMOGLYPH.get(chars[i], chars[i])
            out = "".join(chars)
        elif move == 4:
            out = out.replace("1", "l").replace("0", "O") + f" {rng.randint(1, 99)}"
        else:
            out = f"{rng.choice(EMOJI)} {out}".strip()
    return out


SHORTENERS = ("bit.ly", "tinyurl.com", "ow.ly", "t.ly", "buff.ly", "is.gd")


def short_link(rng: random.Random, host: str | None = None) -> str:
    code = "".join(rng.choice("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
                   for _ in range(7))
    return f"https://{host or rng.choice(SHORTENERS)}/{code}"


def link_variant(url: str, rng: random.Random) -> str:
    """``url`` as one sharer's client hands it out (tracking, AMP, mobile, slash)."""
    scheme, rest = url.split("://", 1)
    host, _, path = rest.partition("/")
    move = rng.randrange(8)
    if move == 0:
        return f"{url}?utm_source={rng.choice(['twitter', 'tg', 'newsletter'])}&utm_medium=social"
    if move == 1:
        return f"{url}?fbclid=IwAR{rng.getrandbits(48):x}"
    if move == 2:
        return f"{url}?gclid=Cj0K{rng.getrandbits(40):x}"
    if move == 3:
        return f"{scheme}://{host}/amp/{path}"
    if move == 4:
        return f"{scheme}://m.{host.removeprefix('www.')}/{path}"
    if move == 5:
        return url.rstrip("/") + "/"
    if move == 6:
        return f"http://{rest}"
    return url
