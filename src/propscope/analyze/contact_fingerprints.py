"""Operator fingerprints from contact details: phone numbers, contact e-mails, "about" blocks.

* **Phone numbers** (kind ``phone_number``): Google's libphonenumber rules (the
  ``phonenumbers`` package) decide whether a number is valid. Numbers written in
  international form (``+44 20 7946 0958``, ``+1-202-555-0143``) are taken anywhere.
  A national number (``030 12345678``) needs a country to be read and news is full of
  figures (dates, prices, IDs) that a lenient reader would take for numbers, so one is
  taken only when both say it is a phone number of one country: the document's URL
  has a country-code TLD (:func:`region_of_url`; not those used as generic names,
  ``.io``, ``.tv``, ``.co``, ...) AND a phone label (``Tel.``, ``Phone:``, ``Тел.``,
  ``Telefon``, ...) immediately precedes the number; the number must then be valid for
  that region, and start with the region's national prefix where it has one (``0``,
  ``8``), which no date or price does. ``tel:`` links from a page's markup are read as
  international numbers. ``normalized`` is the E.164 form.
* **Contact e-mails** (kind ``contact_email``): an e-mail address introduced as a way to
  reach the site ("contact", "write to us", "tips", "press", ... in several languages,
  within the 60 characters before it), or a ``mailto:`` link of the page's markup.
  An address merely quoted in a story is an ``email`` reference only.
* **Template fingerprints** (kind ``template_fingerprint``): a hash of the page's footer /
  "about" block (read from the markup by ingest), or, for text, of a closing paragraph
  that starts "About ..." (at least 12 words). Sites that reuse one operator's
  boilerplate share the hash. Years are left out before hashing (``© 2023`` and
  ``© 2024`` pages of one site agree).
"""

from __future__ import annotations

import hashlib
import re
from types import ModuleType

from .text_patterns import Found


def _phonenumbers() -> ModuleType:
    """libphonenumber's metadata, imported on first use: most texts hold no ``+`` and a
    digit, and its tables would otherwise sit in every worker's heap."""
    import phonenumbers

    return phonenumbers

_PHONE_TRIGGER = re.compile(r"\+\s?\d")
# At most this many candidate regions per text are handed to the phone matcher.
MAX_PHONE_REGIONS = 200
_CONTACT_WORDS = re.compile(
    r"(?:contact|e-?mail us|email:|e-mail:|write to|reach us|reach out|tips?\b|press|"
    r"inquir|enquir|questions|send us|get in touch|kontakt|contacto|contatto|courriel|"
    r"связ|почт|пишите)", re.IGNORECASE)
MIN_TEMPLATE_WORDS = 12
MAX_ABOUT_CHARS = 2000  # a closing "about" paragraph is looked for in this many last characters
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def e164(raw: str) -> str | None:
    """The E.164 form of an international number, or None when it is not a valid one."""
    phonenumbers = _phonenumbers()
    try:
        number = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# Country-code TLDs that are mostly used as generic names (a ``.io`` start-up, a ``.tv``
# channel, a ``.co`` company): they say nothing about where a phone number is.
GENERIC_CCTLDS = frozenset({
    "ac", "ad", "ai", "as", "bz", "cc", "cd", "co", "cx", "dj", "fm", "ga", "gd", "gg", "gl",
    "im", "io", "la", "ly", "md", "me", "ms", "mu", "nu", "sh", "so", "st", "sx", "tk", "tm",
    "to", "tv", "vc", "vg", "ws", "eu", "su"})
_CCTLD_REGION = {"uk": "GB"}
# A phone label right before a national number: "Tel.", "Tel:", "Phone:", "Telefon",
# "Tél.", "Teléfono", "Тел.", "Телефон", "Mobile", "Handy", "Моб.". The number: a digit,
# then digits, spaces, brackets, dots, dashes or slashes, ending in a digit.
_LABELLED = re.compile(
    r"(?<!\w)(?:tel(?:ephone|efon|efono)?|phone|t[ée]l[ée]?(?:phone|fono)?|mobile?|mob|"
    r"handy|тел(?:ефон)?|моб(?:ильный)?)\.?(?:\s?\([^()\n]{0,16}\))?\s?[:.]?\s{0,3}"
    r"(?P<num>\(?\d[\d \u00a0().\-/]{4,24}\d)", re.IGNORECASE)
# Where a label can start: a few substring searches of the lower-cased text (the label
# pattern tried at every position of the text doubled the references analyzer's time).
_LABEL_STEMS = ("tel", "tél", "phone", "mob", "handy", "тел", "моб")


def _label_starts(text: str) -> list[int]:
    """Offsets where a phone label may start (a stem at the start of a word)."""
    low = text.lower()
    if len(low) != len(text):  # a letter whose lower case is longer (İ): offsets would shift
        stems = tuple({v for s in _LABEL_STEMS for v in (s, s.capitalize(), s.upper())})
        low = text
    else:
        stems = _LABEL_STEMS
    starts = []
    for stem in stems:
        i = low.find(stem)
        while i >= 0:
            if i == 0 or not (low[i - 1].isalnum() or low[i - 1] == "_"):
                starts.append(i)
            i = low.find(stem, i + 1)
    return sorted(starts)


# What may not follow a number (it was part of a longer figure: a price, a percentage).
_AFTER_FIGURE = re.compile(r"[ \u00a0\-./]*[\d%€$£¥₽]|[.,]\d")


def region_of_url(url: str | None) -> str | None:
    """The region (``DE``) a URL's country-code TLD names, or None (no URL, a generic
    TLD, a ccTLD used as a generic name). A region libphonenumber does not know reads
    no number (:func:`national_number`); it is not checked here, so a document without
    a phone label never loads libphonenumber."""
    if not url:
        return None
    host = url.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0].split(":", 1)[0]
    tld = host.rstrip(".").rsplit(".", 1)[-1].lower()
    if len(tld) != 2 or not tld.isascii() or not tld.isalpha() or tld in GENERIC_CCTLDS:
        return None
    return _CCTLD_REGION.get(tld, tld.upper())


def national_number(raw: str, region: str) -> str | None:
    """The E.164 form of ``raw`` read as a national number of ``region``, or None."""
    phonenumbers = _phonenumbers()
    digits = re.sub(r"\D", "", raw)
    if not 6 <= len(digits) <= 15:
        return None
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if meta is None:
        return None
    prefix = meta.national_prefix
    if prefix and prefix != "1" and not digits.startswith(prefix):
        return None  # "2024-03-12" is a valid German number without the trunk 0
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number_for_region(number, region):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def find_national_numbers(text: str, region: str, taken: list[Found]) -> list[Found]:
    """Valid national numbers of ``region`` right after a phone label (see the module)."""
    out: list[Found] = []
    spans = [(f.start, f.end) for f in taken]
    for at in _label_starts(text)[:MAX_PHONE_REGIONS]:
        m = _LABELLED.match(text, at)
        if m is None:
            continue
        raw, start = m.group("num"), m.start("num")
        end = start + len(raw)
        if _AFTER_FIGURE.match(text, end):
            continue
        if any(a < end and start < b for a, b in spans):
            continue
        number = national_number(raw, region)
        if number is not None:
            out.append(Found(start, end, text[start:end], number, subtype=region))
    return out


def find_phone_numbers(text: str, region: str | None = None) -> list[Found]:
    """Valid phone numbers written in international form (``+`` and the country code),
    and, where ``region`` is known, labelled national numbers of it."""
    out = _international_numbers(text)
    if region is not None:
        out = sorted(out + find_national_numbers(text, region, out), key=lambda f: f.start)
    return out


def _international_numbers(text: str) -> list[Found]:
    if "+" not in text:
        return []
    out: list[Found] = []
    phonenumbers: ModuleType | None = None
    floor = 0
    for k, m in enumerate(_PHONE_TRIGGER.finditer(text)):
        if k >= MAX_PHONE_REGIONS or m.start() < floor:
            continue
        phonenumbers = phonenumbers or _phonenumbers()
        piece_end = min(len(text), m.start() + 40)
        piece = text[m.start():piece_end]
        for match in phonenumbers.PhoneNumberMatcher(piece, None,
                                                     leniency=phonenumbers.Leniency.VALID):
            start, end = m.start() + match.start, m.start() + match.end
            if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "+-/."):
                continue
            if end < len(text) and text[end:end + 1].isdigit():
                continue
            number = phonenumbers.format_number(match.number,
                                                phonenumbers.PhoneNumberFormat.E164)
            region = phonenumbers.region_code_for_number(match.number)
            out.append(Found(start, end, text[start:end], number, subtype=region))
            floor = end
            break
    return out


def contact_emails(text: str, emails: list[Found]) -> list[Found]:
    """The e-mail addresses that the text offers as a way to reach the site."""
    out = []
    for e in emails:
        before = text[max(0, e.start - 60):e.start]
        if _CONTACT_WORDS.search(before):
            out.append(Found(e.start, e.end, e.value, e.normalized, e.domain, None, "text"))
    return out


def template_hash(block: str) -> str:
    """The comparison hash of a footer or "about" block: words, case-folded, years out."""
    key = _YEAR.sub("", " ".join(block.split()).casefold())
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def find_about_block(text: str) -> Found | None:
    """A closing paragraph that starts "About ..." or "Who we are" (the site's boilerplate),
    looked for in the last :data:`MAX_ABOUT_CHARS` characters, or None."""
    floor = max(0, len(text) - MAX_ABOUT_CHARS)
    start = max(text.rfind("\n\nAbout", floor), text.rfind("\n\nWho we are", floor))
    if start < 0:
        return None
    start += 2
    if text.find("\n\n", start) >= 0:
        return None  # not the closing paragraph
    block = text[start:].rstrip()
    if len(block.split()) < MIN_TEMPLATE_WORDS:
        return None
    return Found(start, start + len(block), block, "tpl:" + template_hash(block),
                 subtype="about_block")
