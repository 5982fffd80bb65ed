"""Page furniture in the app, in a real headless Chromium (issue 18).

The ``page_furniture`` table (template lines the repetitions analyzer sets aside, see
docs/signals.md) was exported but never shown: a reader saw an ad placeholder repeated
eight times in the text with no word on why it was not flagged. A document page now
shows template lines greyed, in their own section, apart from repeated phrases; a
source page counts them. The template line here contains ``<advertisement``: it must be
shown as text, never parsed as markup.
"""

from __future__ import annotations

import pytest

from conftest import build_corpus
from conftest_present import LiveServer, console_errors, make_driver
from propscope import open_corpus

pytestmark = pytest.mark.browser
TEMPLATE = "Story continues below <advertisement & more"
ASIDE = "(Harbour Freedom Front / HFF)"
WORDS = ["harbour", "council", "budget", "ferry", "school", "bridge", "museum", "market",
         "bakery", "library", "festival", "station"]
PAGES = 3


def _paragraph(i: int) -> str:
    w = [WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(6)]
    return (f"On day {i} the {w[0]} and the {w[1]} were discussed at length. Speaker {i + 40} "
            f"compared the {w[2]} with the {w[3]}, and a guest from ward {i + 3} asked about "
            f"the {w[4]} near the {w[5]}. Supporters of the Harbour Front {ASIDE}, met on "
            f"day {i}.")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("furniture")
    site = tmp / "harbour-daily"
    site.mkdir()
    for p in range(PAGES):
        paras = [_paragraph(p * 10 + i) for i in range(8)]
        (site / f"page{p}.txt").write_text("\n".join(x + "\n" + TEMPLATE for x in paras) + "\n",
                                           encoding="utf-8")
    corpus = tmp / "c.duckdb"
    build_corpus(corpus, [site], analyzers=["language", "references", "repetitions"])
    with open_corpus(corpus, read_only=True) as c:
        furniture = c.sql("SELECT doc_id, phrase, rule FROM page_furniture")
        stuffed = c.sql("SELECT doc_id, phrase FROM repetitions")
    assert len(furniture) == PAGES and set(furniture.phrase) == {TEMPLATE[:-7]}, furniture
    assert set(stuffed.phrase) == {ASIDE}, stuffed
    server = LiveServer(corpus)
    driver = make_driver(tmp / "profile")
    yield server, driver, sorted(furniture.doc_id)[0]
    driver.quit()
    server.stop()


def test_document_page_shows_furniture_apart_from_repeated_phrases(served) -> None:
    server, driver, doc_id = served
    driver.get(f"{server.url}/doc/{doc_id}")
    js = driver.execute_script
    segs = js("""return [...document.querySelectorAll('.doctext .seg')].map(s =>
        ({text: s.textContent, cls: s.className, colour: getComputedStyle(s).color,
          bg: getComputedStyle(s).backgroundColor, title: s.title}));""")
    furn = [s for s in segs if " furn" in s["cls"]]
    reps = [s for s in segs if " rep" in s["cls"].replace("rep-", "")]
    assert len(furn) == 8 and all(s["text"] == TEMPLATE[:-7] for s in furn)
    assert all("rep" not in s["cls"].split() for s in furn), "furniture is not a repeated phrase"
    assert all("not counted as manipulation" in s["title"] for s in furn)
    assert reps and all(s["text"] == ASIDE for s in reps)
    assert {s["colour"] for s in furn} == {"rgb(138, 138, 138)"}, "greyed"
    assert {s["bg"] for s in furn}.isdisjoint({s["bg"] for s in reps})
    # Shown as text: no element was made of "<advertisement".
    assert js("return document.getElementsByTagName('advertisement').length") == 0
    heading = driver.find_element("css selector", "h3.furniture-heading").text
    assert heading == "Page furniture: template lines, not counted as manipulation"
    table = js("""return [...document.querySelectorAll('table.furniture tbody tr')].map(r =>
        [...r.cells].map(c => c.textContent));""")
    assert len(table) == 1
    phrase, count, rule, offsets = table[0]
    assert phrase == TEMPLATE[:-7] and count == "8" and rule.startswith("line start")
    text = js("return document.querySelector('.doctext').textContent")
    starts = [int(x) for x in offsets.split(", ")]
    assert all(text[s:s + len(phrase)] == phrase for s in starts) and len(starts) == 8
    repeated = js("return document.querySelector('table.reps').textContent")
    assert ASIDE in repeated and "Story continues" not in repeated
    # counted as the repeated phrases are: distinct lines
    assert js("return document.querySelector('[data-count=furniture]').textContent") == "1"
    assert console_errors(driver) == []


def test_source_page_counts_its_template_lines(served) -> None:
    server, driver, _ = served
    driver.get(f"{server.url}/source?name=harbour-daily")
    lines = driver.find_element("css selector", "[data-furniture-lines]")
    assert lines.get_attribute("data-furniture-lines") == str(8 * PAGES)
    assert f"in {PAGES} documents" in lines.text
    top = driver.execute_script("""return [...document.querySelectorAll(
        'table.furniture tbody tr')].map(r => [...r.cells].map(c => c.textContent));""")
    assert top == [[TEMPLATE[:-7], str(PAGES), str(8 * PAGES), "line start"]]
    assert driver.execute_script(
        "return document.getElementsByTagName('advertisement').length") == 0
    assert console_errors(driver) == []
