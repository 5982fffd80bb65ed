"""One URL normaliser, two forms (issue 19): the display form that references store
(``text_patterns.normalize_url``) and the comparison key that coordination groups on
(``link.canonical.canonical_url``) come from one implementation, ``analyze/urls.py``.

``data/url_normalisers_golden.json`` holds, for 1,637 varied links (schemes, hosts with
``www``/``m.``/IDN/IPv6/userinfo, ports good and bad, paths, tracking and other queries,
fragments), what the two separate implementations returned before they were merged:
``[url, normalized, domain, canonical]``. Merging must not change a single output.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from propscope.analyze import urls
from propscope.analyze.text_patterns import normalize_url
from propscope.link.canonical import TRACKING_PARAMS, TRACKING_PREFIXES, canonical_url

GOLDEN = json.loads((Path(__file__).parent / "data" / "url_normalisers_golden.json")
                    .read_text(encoding="utf-8"))


def test_the_golden_list_is_varied() -> None:
    assert len(GOLDEN) > 1500
    assert sum(c.startswith("bad:") for *_, c in GOLDEN) > 100  # unparseable links
    assert sum(d == "" for _, _, d, _ in GOLDEN) > 100  # links with no domain
    assert sum(c.startswith("short:") for *_, c in GOLDEN) > 50
    assert sum("utm_" in u.lower() for u, *_ in GOLDEN) > 50


def test_display_form_unchanged() -> None:
    wrong = [(u, (n, d), normalize_url(u)) for u, n, d, _ in GOLDEN if normalize_url(u) != (n, d)]
    assert not wrong, wrong[:5]


def test_comparison_key_unchanged() -> None:
    wrong = [(u, c, canonical_url(u)) for u, _, _, c in GOLDEN if canonical_url(u) != c]
    assert not wrong, wrong[:5]


def test_one_implementation() -> None:
    """The re-exported names are the shared module's functions and lists, not copies."""
    assert normalize_url is urls.normalize_url
    assert canonical_url is urls.canonical_url
    assert TRACKING_PARAMS is urls.COMPARISON_TRACKING_PARAMS
    assert TRACKING_PREFIXES is urls.COMPARISON_TRACKING_PREFIXES
    assert urls.DISPLAY_TRACKING_PARAMS < urls.COMPARISON_TRACKING_PARAMS


@pytest.mark.parametrize(("url", "display", "key"), [
    ("HTTP://www.Site.example:80/a/?utm_source=x&ref=r#top",
     ("http://www.site.example/a/?ref=r#top", "site.example"), "site.example/a"),
    ("https://bit.ly/AbC?fbclid=1", ("https://bit.ly/AbC", "bit.ly"), "short:bit.ly/AbC"),
])
def test_the_two_forms_differ_on_purpose(url: str, display: tuple[str, str], key: str) -> None:
    """Display keeps scheme, ``www``, trailing ``/``, fragment and ``ref=``; the key drops them."""
    assert normalize_url(url) == display
    assert canonical_url(url) == key
