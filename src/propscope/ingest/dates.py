"""Publication dates from whatever the input holds, normalised to UTC.

Accepted: ``datetime``/``date`` objects (naive ones are taken as UTC), ISO 8601
strings (``2020-10-28``, ``2020-10-28T10:00:00Z``, offsets), RFC 2822 (``Wed,
28 Oct 2020 10:00:00 +0000``), Twitter-style ``Wed Oct 28 10:00:00 +0000 2020``,
and epoch numbers (seconds, or milliseconds/microseconds when too large to be
seconds; zero and negative numbers are refused: exporters write 0 or -1 for "no date",
and a thousand posts "at" 1970-01-01 would look simultaneous to the coordination stage).
A date-only value means midnight UTC.

Anything else raises :class:`ValueError`: the caller keeps the record without a
date and quarantines a note, because a bad date must not cost the text.
"""

from __future__ import annotations

import math
import os
import re
from datetime import UTC, date, datetime, time
from email.utils import parsedate_to_datetime

from dateutil import parser as _dateutil

_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?\Z")
_HAS_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
_DEFAULT = datetime(2000, 1, 1)
# Longer strings are not dates. The fallback parsers cost ~10 microseconds per
# character, so a crafted multi-megabyte "date" column would stall ingest.
MAX_DATE_CHARS = 200
#: How to read a numeric date such as 03/04/2024: "mdy" (dateutil's default), "dmy" or
#: "ymd". Set by ``--date-order``; an environment variable so worker processes inherit it.
DATE_ORDER_ENV = "PROPSCOPE_DATE_ORDER"
DATE_ORDERS = ("dmy", "mdy", "ymd")


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _from_epoch(number: float) -> datetime:
    if math.isnan(number) or math.isinf(number):
        raise ValueError("not a finite number")
    if number <= 0:  # 0 and -1 are exporters' "no date"; no platform post predates 1970
        raise ValueError(f"epoch {number:g} is at or before 1970-01-01: a placeholder for "
                         "no date, not a post's time")
    magnitude = abs(number)
    if magnitude >= 1e17:
        number /= 1e9  # nanoseconds
    elif magnitude >= 1e14:
        number /= 1e6  # microseconds
    elif magnitude >= 1e11:
        number /= 1e3  # milliseconds
    return datetime.fromtimestamp(number, UTC)


def _from_string(text: str) -> datetime:
    try:  # the common case first: ISO 8601
        return _aware(datetime.fromisoformat(text))
    except ValueError:
        pass
    text = text.strip()
    if len(text) > MAX_DATE_CHARS:
        raise ValueError(f"{len(text)} characters is too long for a date")
    if len(text) == 4 and text.isdigit():  # a bare year, not 2020 seconds after 1970
        return datetime(int(text), 1, 1, tzinfo=UTC)
    if _NUMBER.match(text):
        return _from_epoch(float(text))
    try:
        return _aware(datetime.fromisoformat(text))
    except ValueError:
        pass
    try:
        return _aware(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        pass
    # dateutil guesses missing parts from a default: demand at least a year.
    if not _HAS_YEAR.search(text):
        raise ValueError("no year in it")
    try:
        order = os.environ.get(DATE_ORDER_ENV, "mdy")
        return _aware(_dateutil.parse(text, default=_DEFAULT, dayfirst=order == "dmy",
                                      yearfirst=order == "ymd"))
    except (ValueError, OverflowError) as exc:
        raise ValueError(str(exc)) from None


def first_given(*values: object) -> object:
    """The first of ``values`` that is a date at all: not missing, not blank, not an epoch
    of 0 or less (exporters' "no date"). Why: a reader that falls back from one date field
    to another (4CAT's ``unix_timestamp`` then ``timestamp``, Telegram's ``date_unixtime``
    then ``date``) took a placeholder ``0`` and lost the good date beside it. With only
    placeholders, the first is returned (its parse then says why there is no date)."""
    placeholder: object = None  # returned when nothing better: parsing it makes its note
    for value in values:
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if isinstance(value, bool):
            return value
        number = value.strip() if isinstance(value, str) else value
        if isinstance(number, int | float) or (isinstance(number, str)
                                                and _NUMBER.match(number)):
            try:
                if float(number) <= 0:
                    placeholder = value if placeholder is None else placeholder
                    continue
            except (ValueError, OverflowError):
                pass
        return value
    return placeholder


def parse_date(value: object) -> datetime | None:
    """``value`` as an aware UTC datetime; None for a missing value; ValueError if unreadable."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, datetime):
            return _aware(value)
        if isinstance(value, date):
            return datetime.combine(value, time(), UTC)
        if isinstance(value, bool):
            raise ValueError("a boolean is not a date")
        if isinstance(value, int | float):
            return _from_epoch(float(value))
        if isinstance(value, str):
            return _from_string(value)
    except (OverflowError, OSError) as exc:  # out-of-range epochs and years
        raise ValueError(str(exc)) from None
    raise ValueError(f"a {type(value).__name__} is not a date")
