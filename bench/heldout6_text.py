"""Words, handles and near-copies for the sixth held-out coordination world.

Eight languages in four scripts (Latin: en, es, fr, de, tr; Cyrillic: ru, uk; Arabic: ar;
Devanagari: hi). Ordinary posts are random sentences over a few dozen everyday words per
language, so two unrelated posts almost never look alike, while the edits of
:func:`near_copy` are those seen in copy-paste campaigns (a changed punctuation mark, an
emoji, a swapped or dropped word, a different case): what a reader would call "the same
text", and what an exact-match rule misses.
"""

from __future__ import annotations

import random
import string


def _words(text: str) -> list[str]:
    return text.split()


WORDS: dict[str, list[str]] = {
    "en": _words("the city council new plan people today week market school road water price "
           "power team game season local family weather morning police report vote budget "
           "health doctors hospital train station workers strike farmers rain festival music "
           "park street bridge housing rent energy bill tax club"),
    "es": _words("el la ciudad nuevo plan gente hoy semana mercado escuela calle agua precio luz "
           "equipo partido temporada familia tiempo mañana policía informe voto presupuesto "
           "salud médicos hospital tren estación trabajadores huelga campo lluvia fiesta "
           "música parque puente vivienda alquiler energía impuesto barrio"),
    "fr": _words("la ville conseil nouveau plan gens aujourd'hui semaine marché école route eau "
           "prix énergie équipe match saison famille météo matin police rapport vote budget "
           "santé médecins hôpital train gare grève agriculteurs pluie festival musique parc "
           "rue pont logement loyer facture impôt quartier"),
    "de": _words("die Stadt Rat neuer Plan Leute heute Woche Markt Schule Straße Wasser Preis "
           "Strom Mannschaft Spiel Saison Familie Wetter Morgen Polizei Bericht Wahl "
           "Haushalt Gesundheit Ärzte Klinik Zug Bahnhof Streik Bauern Regen Fest Musik "
           "Park Brücke Wohnung Miete Energie Steuer Verein"),
    "tr": _words("şehir meclis yeni plan insanlar bugün hafta pazar okul yol su fiyat elektrik "
           "takım maç sezon aile hava sabah polis rapor oy bütçe sağlık doktorlar hastane "
           "tren istasyon işçiler grev çiftçiler yağmur festival müzik park sokak köprü "
           "konut kira enerji vergi"),
    "ru": _words("город совет новый план люди сегодня неделя рынок школа дорога вода цена свет "
           "команда матч сезон семья погода утро полиция отчёт выборы бюджет здоровье врачи "
           "больница поезд вокзал рабочие забастовка фермеры дождь праздник музыка парк "
           "улица мост жильё аренда энергия налог"),
    "uk": _words("місто рада новий план люди сьогодні тиждень ринок школа дорога вода ціна світло "
           "команда матч сезон родина погода ранок поліція звіт вибори бюджет здоров'я "
           "лікарі лікарня потяг вокзал робітники страйк фермери дощ свято музика парк "
           "вулиця міст житло оренда енергія податок"),
    "ar": _words("المدينة المجلس خطة جديدة الناس اليوم الأسبوع السوق المدرسة الطريق الماء السعر "
           "الكهرباء الفريق المباراة الموسم العائلة الطقس الصباح الشرطة تقرير التصويت "
           "الميزانية الصحة الأطباء المستشفى القطار المحطة العمال الإضراب المزارعون المطر "
           "المهرجان الموسيقى الحديقة الشارع الجسر السكن الإيجار الطاقة الضريبة"),
    "hi": _words("शहर परिषद नई योजना लोग आज सप्ताह बाज़ार स्कूल सड़क पानी कीमत बिजली टीम मैच "
           "सीज़न परिवार मौसम सुबह पुलिस रिपोर्ट वोट बजट स्वास्थ्य डॉक्टर अस्पताल ट्रेन "
           "स्टेशन मज़दूर हड़ताल किसान बारिश त्योहार संगीत पार्क गली पुल मकान किराया "
           "ऊर्जा कर"),
}
LANGS = tuple(WORDS)
# Shares of ordinary accounts by language (a multilingual but English-heavy world).
LANG_WEIGHTS = {"en": 0.34, "es": 0.14, "fr": 0.08, "de": 0.08, "tr": 0.07, "ru": 0.1,
                "uk": 0.06, "ar": 0.08, "hi": 0.05}
# Hashtags everybody in a language uses all the time (the "one hashtag everyone uses").
EVERYDAY_TAG = {"en": "news", "es": "noticias", "fr": "actu", "de": "nachrichten",
                "tr": "gündem", "ru": "новости", "uk": "новини", "ar": "عاجل", "hi": "समाचार"}
EMOJI = ["🔥", "👇", "‼️", "😡", "👏", "🙏", "💯", "⚠️", "📢", "✅"]
FIRST = _words("ana maria jose luis anna tom sam alex nina omar ali fatima aisha ivan olga dmitry "
         "oksana taras sofia lena paul marc julie lukas jonas emre elif mehmet zeynep raj "
         "priya amit neha kate mike dan lea hugo ines chen yuki kim noor sara")
LAST = _words("lopez garcia smith jones muller schmidt martin dubois ivanov petrova kovalenko "
        "shevchenko yilmaz demir kaya hassan haddad khan sharma patel singh rossi costa "
        "silva novak brown wilson moreau weber fischer nowak")


def sentence(rng: random.Random, lang: str, lo: int = 7, hi: int = 16) -> str:
    """A random sentence of everyday words: unrelated posts share few word sequences."""
    words = WORDS[lang]
    text = " ".join(rng.choice(words) for _ in range(rng.randint(lo, hi)))
    return text[0].upper() + text[1:] + rng.choice([".", ".", "!", "?", "..."])


def title(rng: random.Random, lang: str) -> str:
    """A headline: a shorter sentence without the final mark."""
    return sentence(rng, lang, 5, 9).rstrip(".!?")


def slug(rng: random.Random) -> str:
    """A URL slug in ASCII (sites transliterate), a few random syllables long."""
    syl = [rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(12)]
    return "-".join("".join(syl[i:i + 3]) for i in range(0, rng.randint(6, 12), 3))


def near_copy(rng: random.Random, text: str, lang: str) -> str:
    """``text`` with one or two small edits a copy-paste operator makes by hand or tool."""
    words = text.split()
    for _ in range(rng.randint(1, 2)):
        edit = rng.randrange(6)
        if edit == 0 and len(words) > 6:  # drop a word
            del words[rng.randrange(1, len(words))]
        elif edit == 1:  # swap in another everyday word
            words[rng.randrange(len(words))] = rng.choice(WORDS[lang])
        elif edit == 2:  # punctuation
            last = words[-1].rstrip(".!?")
            words[-1] = last + rng.choice(["!", "!!", ".", " ...", "?!"])
        elif edit == 3:  # an emoji before or after
            if rng.random() < 0.5:
                words.insert(0, rng.choice(EMOJI))
            else:
                words.append(rng.choice(EMOJI))
        elif edit == 4:  # case of the first word
            words[0] = words[0].upper() if rng.random() < 0.5 else words[0].lower()
        else:  # a comma
            i = rng.randrange(len(words))
            words[i] = words[i].rstrip(",") + ","
    return " ".join(words)


def handle(rng: random.Random, taken: set[str]) -> str:
    """A fresh, plausible account handle (names, dots, underscores, digits)."""
    while True:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        style = rng.randrange(5)
        if style == 0:
            name = f"{first}_{last}{rng.randint(1, 99)}"
        elif style == 1:
            name = f"{first}{last[:3]}{rng.randint(100, 9999)}"
        elif style == 2:
            name = f"{last}.{first}"
        elif style == 3:
            name = f"{first[0]}{last}_{rng.choice(string.ascii_lowercase)}"
        else:
            name = f"the{first}{rng.randint(10, 999)}"
        if name not in taken:
            taken.add(name)
            return name


def pick_lang(rng: random.Random) -> str:
    """A language by the world's shares."""
    return rng.choices(list(LANG_WEIGHTS), weights=list(LANG_WEIGHTS.values()))[0]
