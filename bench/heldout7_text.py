"""Held-out judge 7: multilingual text for the generated world.

Why word pools and not real sentences: the judge must be reproducible from a seed alone
and must not reuse any labelled corpus, and coordination detection cares about *which*
texts are near-identical, not what they say. Each language draws from its own pool in
its own script (Latin, Cyrillic, Arabic, Devanagari, Han, Kana), so two unrelated posts
in one language share words only as much as real chatter does, while a planted
near-duplicate shares almost all of them.
"""

from __future__ import annotations

import random


def _words(text: str) -> list[str]:
    """A word pool from one space-separated string (readable in every script)."""
    return text.split()


# language -> (script, pool, joiner). CJK pools are characters joined without spaces.
_LATIN_EN = _words("the city council vote water price school market train delay weather storm "
             "football match final goal coach music album concert ticket election budget "
             "hospital doctor nurse police report road bridge energy solar wind farm food "
             "coffee morning evening weekend holiday family friend photo video story news "
             "today tomorrow really great terrible happy tired plan idea question answer "
             "thanks please look read share think know new old big small first last")
_LATIN_ES = _words("la ciudad consejo voto agua precio escuela mercado tren retraso tiempo "
             "tormenta partido final gol entrenador música disco concierto entrada elección "
             "presupuesto hospital médico policía carretera puente energía comida café mañana "
             "tarde semana familia amigo foto vídeo historia noticias hoy muy bueno malo feliz "
             "cansado plan idea pregunta gracias mira lee comparte pienso nuevo viejo")
_LATIN_PT = _words("a cidade câmara voto água preço escola mercado comboio atraso tempo chuva "
             "jogo final golo treinador música álbum concerto bilhete eleição orçamento "
             "hospital médico polícia estrada ponte energia comida café manhã noite semana "
             "família amigo foto vídeo história notícias hoje muito bom mau feliz cansado "
             "ideia pergunta obrigado veja leia partilhe acho novo velho grande pequeno")
_LATIN_DE = _words("die Stadt Rat Abstimmung Wasser Preis Schule Markt Zug Verspätung Wetter "
             "Sturm Spiel Finale Tor Trainer Musik Album Konzert Karte Wahl Haushalt "
             "Krankenhaus Arzt Polizei Straße Brücke Energie Essen Kaffee Morgen Abend "
             "Wochenende Familie Freund Foto Video Geschichte heute sehr gut schlecht froh "
             "müde Plan Idee Frage danke schau lies teile denke neu alt groß klein")
_LATIN_ID = _words("kota dewan suara air harga sekolah pasar kereta terlambat cuaca badai "
             "pertandingan final gol pelatih musik album konser tiket pemilu anggaran rumah "
             "sakit dokter polisi jalan jembatan energi makanan kopi pagi malam minggu "
             "keluarga teman foto video cerita berita hari ini sangat bagus buruk senang "
             "lelah rencana ide pertanyaan terima kasih lihat baca bagikan pikir baru lama")
_CYRL_RU = _words("город совет голос вода цена школа рынок поезд задержка погода буря матч "
            "финал гол тренер музыка альбом концерт билет выборы бюджет больница врач "
            "полиция дорога мост энергия еда кофе утро вечер выходные семья друг фото "
            "видео история новости сегодня очень хорошо плохо рад устал план идея вопрос "
            "спасибо смотри читай делись думаю новый старый большой маленький")
_ARAB_AR = _words("المدينة المجلس التصويت الماء السعر المدرسة السوق القطار التأخير الطقس "
            "العاصفة المباراة النهائي هدف المدرب الموسيقى الألبوم الحفل التذكرة الانتخابات "
            "الميزانية المستشفى الطبيب الشرطة الطريق الجسر الطاقة الطعام القهوة الصباح "
            "المساء العائلة الصديق صورة فيديو قصة أخبار اليوم جدا جيد سيء سعيد متعب خطة "
            "فكرة سؤال شكرا انظر اقرأ شارك أعتقد جديد قديم كبير صغير")
_DEVA_HI = _words("शहर परिषद वोट पानी कीमत स्कूल बाज़ार ट्रेन देरी मौसम तूफ़ान मैच फ़ाइनल गोल "
            "कोच संगीत एल्बम कॉन्सर्ट टिकट चुनाव बजट अस्पताल डॉक्टर पुलिस सड़क पुल ऊर्जा "
            "खाना चाय सुबह शाम परिवार दोस्त फ़ोटो वीडियो कहानी ख़बर आज बहुत अच्छा बुरा "
            "खुश थका योजना विचार सवाल धन्यवाद देखो पढ़ो शेयर सोचता नया पुराना बड़ा छोटा")
_HAN_ZH = list("城市议会投票水价格学校市场火车延误天气风暴比赛决赛进球教练音乐专辑演唱会门票选举"
               "预算医院医生警察道路桥梁能源食物咖啡早上晚上周末家庭朋友照片视频故事新闻今天明天"
               "非常好坏开心累计划想法问题谢谢看读分享觉得新旧大小第一最后")
_KANA_JA = _words("今日 明日 天気 電車 遅延 試合 決勝 ゴール 音楽 アルバム ライブ チケット 選挙 予算 "
            "病院 医者 警察 道路 橋 エネルギー ご飯 コーヒー 朝 夜 週末 家族 友達 写真 動画 "
            "ニュース とても 良い 悪い 嬉しい 疲れた 予定 アイデア 質問 ありがとう 見て 読んで "
            "シェア 思う 新しい 古い 大きい 小さい です ます ね よ")

LANGS: dict[str, tuple[str, list[str], str]] = {
    "en": ("Latin", _LATIN_EN, " "), "es": ("Latin", _LATIN_ES, " "),
    "pt": ("Latin", _LATIN_PT, " "), "de": ("Latin", _LATIN_DE, " "),
    "id": ("Latin", _LATIN_ID, " "), "ru": ("Cyrillic", _CYRL_RU, " "),
    "ar": ("Arabic", _ARAB_AR, " "), "hi": ("Devanagari", _DEVA_HI, " "),
    "zh": ("Han", _HAN_ZH, ""), "ja": ("Japanese", _KANA_JA, ""),
}
# how often each language is an account's own (a skewed, realistic mix)
LANG_WEIGHTS = {"en": 30, "es": 12, "pt": 8, "de": 6, "id": 6, "ru": 8, "ar": 7, "hi": 9,
                "zh": 7, "ja": 7}
EMOJI = ["🔥", "👀", "🙏", "😂", "💯", "❤️", "👏", "⚠️", "📢", "✅"]


def pick_lang(rng: random.Random) -> str:
    """An account's language, drawn from the skewed mix."""
    return rng.choices(list(LANG_WEIGHTS), weights=list(LANG_WEIGHTS.values()))[0]


def sentence(rng: random.Random, lang: str, lo: int = 6, hi: int = 22) -> str:
    """A fresh text of ``lo``..``hi`` units (words, or characters for Chinese)."""
    _, pool, joiner = LANGS[lang]
    n = rng.randint(lo, hi) * (3 if joiner == "" and lang == "zh" else 1)
    text = joiner.join(rng.choice(pool) for _ in range(n))
    return text[:1].upper() + text[1:] if lang in ("en", "es", "pt", "de", "id") else text


def article(rng: random.Random, lang: str, paragraphs: int = 5) -> str:
    """A web article body: a few paragraphs of fresh text."""
    return "\n\n".join(
        ". ".join(sentence(rng, lang, 8, 20) for _ in range(rng.randint(2, 4))) + "."
        for _ in range(paragraphs))


def near_variant(rng: random.Random, text: str, lang: str, edits: int = 2) -> str:
    """``text`` with a few small edits (a word swapped or dropped, an emoji, punctuation),
    as a person pasting a template and touching it up would make it."""
    _, pool, joiner = LANGS[lang]
    units = list(text) if joiner == "" and lang == "zh" else text.split(joiner or " ")
    for _ in range(edits):
        if not units:
            break
        i = rng.randrange(len(units))
        action = rng.random()
        if action < 0.4:
            units[i] = rng.choice(pool)
        elif action < 0.6 and len(units) > 4:
            del units[i]
        else:
            units.insert(i, rng.choice(pool))
    sep = "" if joiner == "" and lang == "zh" else (joiner or " ")
    out = sep.join(units)
    if rng.random() < 0.5:
        out = f"{out} {rng.choice(EMOJI)}"
    if rng.random() < 0.3:
        out = out.rstrip(".!") + rng.choice(["!", "!!", ".", " ..."])
    return out


def handle_stem(rng: random.Random) -> str:
    """A made-up person-like name stem (syllables, so no real person is named)."""
    syl = ["ka", "lo", "mi", "ra", "ten", "vo", "sa", "ri", "an", "el", "ju", "ma", "no",
           "dei", "pa", "ko", "li", "su", "ta", "ne", "bo", "ha", "ze", "ro", "vi", "ya"]
    return "".join(rng.choice(syl) for _ in range(rng.randint(2, 3)))
