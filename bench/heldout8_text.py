"""Held-out judge 8: texts in nine languages and five scripts, and their near-duplicates.

Why generated word salad and not real sentences: coordination is judged on who posts
what when, not on meaning; what matters is that two unrelated posts in one language
share words the way real posts do (function words, topical words), so that text
similarity has to tell copies from mere same-topic posts. Each language has its own
small vocabulary; topics add a few shared topical words.

Near-duplicates are made the way copy-paste operators and honest re-posters actually
vary a text: case changes, punctuation, an emoji, a trailing hashtag, one word swapped.
"""

from __future__ import annotations

import random


def _words(text: str) -> list[str]:
    return text.split()


WORDS: dict[str, list[str]] = {
    "en": _words("the people city government today new report says why we must know about this "
                 "news week price energy school water police market vote election plan road health "
                 "family work local council storm match team fans night morning people's"),
    "es": _words("el la gente ciudad gobierno hoy nuevo informe dice por qué debemos saber sobre "
                 "esto noticia semana precio energía escuela agua policía mercado voto elecciones "
                 "plan salud familia trabajo barrio partido equipo noche mañana"),
    "de": _words("die der das Leute Stadt Regierung heute neuer Bericht sagt warum wir müssen "
                 "wissen über diese Nachricht Woche Preis Energie Schule Wasser Polizei Markt Wahl "
                 "Plan Gesundheit Familie Arbeit Spiel Mannschaft Nacht Morgen"),
    "fr": _words("le la les gens ville gouvernement aujourd'hui nouveau rapport dit pourquoi nous "
                 "devons savoir sur cette nouvelle semaine prix énergie école eau police marché "
                 "vote élection plan santé famille travail match équipe soir matin"),
    "ru": _words("люди город власти сегодня новый доклад говорит почему мы должны знать об этом "
                 "новости неделя цена энергия школа вода полиция рынок выборы план здоровье семья "
                 "работа матч команда ночь утро правда"),
    "uk": _words("люди місто влада сьогодні новий звіт каже чому ми маємо знати про це новини "
                 "тиждень ціна енергія школа вода поліція ринок вибори план здоровʼя родина робота "
                 "матч команда ніч ранок правда"),
    "ar": _words("الناس المدينة الحكومة اليوم تقرير جديد يقول لماذا يجب أن نعرف عن هذا الخبر "
                 "الأسبوع السعر الطاقة المدرسة الماء الشرطة السوق التصويت الانتخابات الخطة الصحة "
                 "العائلة العمل المباراة الفريق الليلة الصباح"),
    "hi": _words("लोग शहर सरकार आज नई रिपोर्ट कहती है क्यों हमें जानना चाहिए इस बारे में खबर "
                 "हफ्ता कीमत ऊर्जा स्कूल पानी पुलिस बाजार वोट चुनाव योजना स्वास्थ्य परिवार काम "
                 "मैच टीम रात सुबह"),
    "el": _words("οι άνθρωποι πόλη κυβέρνηση σήμερα νέα έκθεση λέει γιατί πρέπει να ξέρουμε για "
                 "αυτό είδηση εβδομάδα τιμή ενέργεια σχολείο νερό αστυνομία αγορά ψήφος εκλογές "
                 "σχέδιο υγεία οικογένεια δουλειά αγώνας ομάδα βράδυ πρωί"),
}
LANGS = tuple(WORDS)
# shares of background accounts by language (real corpora are English-heavy, long tail)
LANG_WEIGHTS = (0.34, 0.14, 0.09, 0.08, 0.11, 0.06, 0.08, 0.05, 0.05)
EMOJI = ("🔥", "👇", "‼️", "😡", "🙏", "👏", "⚽", "📢", "💯", "🤔")


def sentence(rng: random.Random, lang: str, n: tuple[int, int] = (9, 22),
             topic: list[str] | None = None) -> str:
    """A post-length text in ``lang``; ``topic`` words are mixed in at one in four."""
    words = WORDS[lang]
    out = []
    for _ in range(rng.randint(*n)):
        if topic and rng.random() < 0.25:
            out.append(rng.choice(topic))
        else:
            out.append(rng.choice(words))
    text = " ".join(out)
    return text[0].upper() + text[1:] + rng.choice((".", ".", "!", "?", ""))


def topic_words(rng: random.Random, lang: str, k: int = 3) -> list[str]:
    """A few invented topical words (names, places) shared by posts on one story."""
    syll = {"ar": "بالكمرتسن", "hi": "कमलसतरनप", "el": "καλμηρτσν", "ru": "калмирост",
            "uk": "калмірост"}.get(lang, "kalmirostenu")
    return ["".join(rng.choice(syll) for _ in range(rng.randint(4, 8))).capitalize()
            for _ in range(k)]


def near_duplicate(rng: random.Random, text: str, lang: str) -> str:
    """``text`` as a copy-paster re-posts it: one to three small edits."""
    for _ in range(rng.randint(1, 3)):
        edit = rng.randrange(7)
        if edit == 0:
            text = text.lower()
        elif edit == 1:
            text = text.upper() if len(text) < 60 else text.capitalize()
        elif edit == 2:
            text = text.rstrip(".!?") + rng.choice(("!!", "!!!", " ...", "?!", "."))
        elif edit == 3:
            text = text + " " + rng.choice(EMOJI) * rng.randint(1, 3)
        elif edit == 4:
            text = rng.choice(EMOJI) + " " + text
        elif edit == 5:
            words = text.split()
            if len(words) > 4:
                words[rng.randrange(len(words))] = rng.choice(WORDS[lang])
            text = " ".join(words)
        else:
            text = text.replace(" ", "  ", 1).replace(",", "")
    return text
