"""Operator fingerprints from contact details: phone numbers, contact e-mails, "about" blocks.

* **Phone numbers** (kind ``phone_number``): Google's libphonenumber rules (the
  ``phonenumbers`` package) decide whether a number is valid; only numbers written in
  international form (``+44 20 7946 0958``, ``+1-202-555-0143``) are taken from text,
  since a national number needs a country to be read and news is full of figures
  (``2,000 3,500``) that a lenient reader would take for numbers. ``tel:`` links
  from a page's markup are read the same way. ``normalized`` is the E.164 form.
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


def find_phone_numbers(text: str) -> list[Found]:
    """Valid phone numbers written in international form (``+`` and the country code)."""
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
