"""Words, headlines, URLs and small text edits for the fifth held-out coordination generator.

Kept apart from the world model (``heldout5_world.py``) so the world reads as behaviour
only. Every function takes the caller's ``random.Random``: one seed gives one corpus.
The lexicons are invented filler in each language and script (no real actor, topic or
opinion), long enough that two strangers' free texts are not near-identical by accident.
"""

from __future__ import annotations

import random
import string


def split_words(text: str) -> list[str]:
    """A word list written as one string (easier to read and edit than a list literal)."""
    return text.split()


LEXICON: dict[str, list[str]] = {
    "en": split_words(
        "people city council vote market prices water school budget road winter report minister "
        "power farmers jobs bridge hospital rain train strike court energy rent tonight again "
        "really think agree never always because maybe honestly"),
    "de": split_words(
        "Leute Stadt Rat Abstimmung Markt Preise Wasser Schule Haushalt Strasse Winter Bericht "
        "Minister Strom Bauern Arbeit Bruecke Klinik Regen Zug Streik Gericht Energie Miete heute "
        "wieder wirklich denke immer weil vielleicht ehrlich"),
    "fr": split_words(
        "gens ville conseil vote marche prix eau ecole budget route hiver rapport ministre "
        "courant paysans emplois pont hopital pluie train greve tribunal energie loyer ce soir "
        "encore vraiment pense toujours parce peut-etre franchement"),
    "es": split_words(
        "gente ciudad consejo voto mercado precios agua escuela presupuesto carretera invierno "
        "informe ministro luz campesinos empleo puente hospital lluvia tren huelga tribunal "
        "energia alquiler hoy otra vez realmente creo siempre porque quizas"),
    "pt": split_words(
        "pessoas cidade conselho voto mercado precos agua escola orcamento estrada inverno "
        "relatorio ministro energia agricultores empregos ponte hospital chuva trem greve "
        "tribunal aluguel hoje de novo realmente acho sempre porque talvez"),
    "ru": split_words(
        "люди город совет голосование рынок цены вода школа бюджет дорога зима доклад министр "
        "свет фермеры работа мост больница дождь поезд забастовка суд энергия аренда сегодня "
        "снова правда думаю всегда потому может честно"),
    "uk": split_words(
        "люди місто рада голосування ринок ціни вода школа бюджет дорога зима звіт міністр світло "
        "фермери робота міст лікарня дощ потяг страйк суд енергія оренда сьогодні знову справді "
        "думаю завжди тому можливо чесно"),
    "ar": split_words(
        "الناس المدينة المجلس التصويت السوق الأسعار الماء المدرسة الميزانية الطريق الشتاء التقرير "
        "الوزير الكهرباء المزارعون الوظائف الجسر المستشفى المطر القطار الإضراب المحكمة الطاقة "
        "الإيجار اليوم مرة أخرى حقا أعتقد دائما لأن ربما بصراحة"),
    "pl": split_words(
        "ludzie miasto rada glosowanie rynek ceny woda szkola budzet droga zima raport minister "
        "prad rolnicy praca most szpital deszcz pociag strajk sad energia czynsz dzisiaj znowu "
        "naprawde mysle zawsze bo moze szczerze"),
}
EMOJI = ["🔥", "👏", "😡", "🙏", "‼️", "👇", "✅", "😂", "💯", "📢"]
GOAL = {"en": "GOAL", "es": "GOOOL", "pt": "GOLAÇO", "de": "TOR", "ar": "هدف"}
SHORTENERS = ["bit.ly", "tinyurl.com", "ow.ly", "buff.ly", "t.ly"]
TRACKING = ["utm_source=facebook&utm_medium=social", "utm_source=twitter", "fbclid=IwAR{r}",
            "utm_campaign=share&utm_medium=tg", "igshid={r}", "ref=home", "s=09", "si={r}"]


def words(rng: random.Random, lang: str, low: int, high: int) -> str:
    """A run of ``low``..``high`` filler words of ``lang`` (its own script)."""
    lex = LEXICON[lang]
    return " ".join(rng.choice(lex) for _ in range(rng.randint(low, high)))


def sentence(rng: random.Random, lang: str, low: int = 8, high: int = 22) -> str:
    """A free, opinion-like post body: filler words, sometimes an emoji or a question."""
    body = words(rng, lang, low, high)
    body = body[0].upper() + body[1:]
    end = rng.choice([".", ".", "!", "?", "…", ""])
    if rng.random() < 0.25:
        end += " " + rng.choice(EMOJI)
    return body + end


def slug(rng: random.Random, n: int = 5) -> str:
    """An ASCII URL slug (article paths stay ASCII whatever the language)."""
    return "-".join("".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 8)))
                    for _ in range(n))


def token(rng: random.Random, n: int = 10) -> str:
    """A random click-ID / short-link code."""
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(n))


def url_variant(rng: random.Random, url: str, p_plain: float = 0.45) -> str:
    """How one share writes ``url``: scheme, ``www.``/``m.`` host, case, trailing slash,
    fragment, AMP path and tracking parameters, as copy-paste from apps produces them.
    Short links are made by the caller (they need an expansion table)."""
    if rng.random() < p_plain:
        return url
    scheme, rest = url.split("://", 1)
    host, _, path = rest.partition("/")
    bare = host.removeprefix("www.")
    choice = rng.random()
    if choice < 0.2:
        host = "m." + bare
    elif choice < 0.3:
        host = bare
    elif choice < 0.38:
        host = host.upper()
    if rng.random() < 0.2:
        scheme = "http"
    if rng.random() < 0.1 and path.endswith(".html"):
        path = "amp/" + path
    out = f"{scheme}://{host}/{path}"
    if rng.random() < 0.15:
        out += "/"
    if rng.random() < 0.55:
        out += "?" + rng.choice(TRACKING).format(r=token(rng, 12))
    if rng.random() < 0.06:
        out += "#" + rng.choice(["comments", "main", "section-2"])
    return out


def near_copy(rng: random.Random, text: str, lang: str) -> str:
    """``text`` with the small edits of a copy-paste campaign: trailing punctuation, case,
    an emoji, a swapped, dropped or added word, a changed digit, doubled spaces."""
    out = text
    for _ in range(rng.randint(1, 3)):
        edit = rng.randrange(8)
        parts = out.split(" ")
        if edit == 0:
            out = out.rstrip(".!?…") + rng.choice(["", ".", "!", "!!", "...", " !"])
        elif edit == 1:
            out = out + " " + rng.choice(EMOJI)
        elif edit == 2 and len(parts) > 4:
            i = rng.randrange(1, len(parts) - 1)
            parts[i], parts[i + 1] = parts[i + 1], parts[i]
            out = " ".join(parts)
        elif edit == 3 and len(parts) > 6:
            del parts[rng.randrange(1, len(parts))]
            out = " ".join(parts)
        elif edit == 4:
            parts.insert(rng.randrange(len(parts)), rng.choice(LEXICON[lang]))
            out = " ".join(parts)
        elif edit == 5:
            out = out.lower() if rng.random() < 0.5 else out[0].upper() + out[1:]
        elif edit == 6:
            out = out.replace(" ", "  ", 1)
        else:
            out = rng.choice(EMOJI) + " " + out
    return out
