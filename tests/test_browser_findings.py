"""The analyst views over the real example corpus (``make demo``'s run), in real headless Chromium.

One corpus, built once by the CLI's ``run`` on ``examples/corpus`` (every stage, the
shipped models), then: the findings page and where its links land, the reuse view's
side-by-side copies, the technique legend's toggles and slider, pivots that must land
on non-empty views whose counts agree with the lists that link to them, the static
report's size budget, and a crawl of every page of the app that fails on dead ends and
on data shown as code ("[object Object]", serialized dicts, "not computed" when it was).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlparse

import pytest
from click.testing import CliRunner

from conftest_present import LiveServer, console_errors, make_driver
from propscope import open_corpus
from propscope.cli import main
from propscope.present.report import write_report

pytestmark = pytest.mark.browser
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "corpus"
REPORT_MAX_PX = 20_000
REPORT_MAX_BYTES = 5_000_000


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    if not EXAMPLES.is_dir():
        pytest.skip("examples/corpus not present")
    out = tmp_path_factory.mktemp("demo")
    corpus = out / "corpus.duckdb"
    result = CliRunner().invoke(main, ["run", str(EXAMPLES), "--corpus", str(corpus),
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    return corpus, out


@pytest.fixture(scope="module")
def server(demo):
    srv = LiveServer(demo[0])
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    drv = make_driver(tmp_path_factory.mktemp("chromium-profile"))
    yield drv
    drv.quit()


def _wait(driver, cond, timeout: float = 10):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(cond)


class _Http:
    """GETs against the live server (one DuckDB attach per process: no second app)."""

    def __init__(self, base: str) -> None:
        self.base = base

    def get(self, url: str, params: dict | None = None) -> _Response:
        import urllib.error
        import urllib.request

        full = self.base + url + (("&" if "?" in url else "?") + urlencode(params) if params else "")
        try:
            with urllib.request.urlopen(full, timeout=30) as r:
                return _Response(r.status, r.read().decode("utf-8"), r.headers.get("content-type", ""))
        except urllib.error.HTTPError as e:
            return _Response(e.code, "", "")


class _Response:
    def __init__(self, status: int, text: str, ctype: str) -> None:
        self.status_code, self.text, self.headers = status, text, {"content-type": ctype}


def _count(html: str) -> int:
    return int(html.split('id="match-count" data-count="', 1)[1].split('"', 1)[0])


def test_app_opens_on_findings_that_link_to_evidence(driver, server):
    console_errors(driver)
    driver.get(server.url + "/")
    for block in ("finding-reuse", "finding-groups", "finding-signals", "finding-over"):
        el = driver.find_element("id", block)
        assert el.find_elements("css selector", "a"), block  # every finding links somewhere
    assert driver.find_element("tag name", "h1").text == "Findings"
    assert "not an accusation" in driver.find_element("id", "finding-over").text
    # The largest reuse cluster -> its side-by-side page, with an insertion marked.
    driver.find_element("css selector", "#finding-reuse li a").click()
    _wait(driver, lambda d: "/reuse/" in d.current_url)
    assert driver.find_elements("css selector", ".side .original")
    assert driver.find_elements("css selector", ".side .copytext")
    # A coordinated group -> the network page's row for it.
    driver.get(server.url + "/")
    link = driver.find_element("css selector", "#finding-groups li a")
    cid = link.get_attribute("href").rsplit("#community-", 1)[1]
    link.click()
    _wait(driver, lambda d: "/network" in d.current_url)
    assert driver.find_element("id", f"community-{cid}").is_displayed()
    assert console_errors(driver) == []


def test_reuse_view_shows_both_texts_with_the_insertion_marked(driver, server, demo):
    with open_corpus(demo[0], read_only=True) as c:
        cid, text = c.con.execute(
            "SELECT cluster_id, text FROM reuse_insertions ORDER BY copies DESC LIMIT 1").fetchone()
    driver.get(server.url + f"/reuse/{cid}")
    originals = driver.find_elements("css selector", ".side .original")
    copies = driver.find_elements("css selector", ".side .copytext")
    assert originals and len(originals) == len(copies)
    inserted = " ".join(i.text for i in driver.find_elements("css selector", ".copytext ins.diff-ins"))
    assert text.split()[0] in inserted  # the stored insertion is marked in a copy
    assert driver.find_elements("css selector", ".copytext ins.recurring")  # in several copies
    # The earliest copy's text is shown in full beside each copy (not only offsets).
    assert len(originals[0].text) > 200 and len(copies[0].text) > 200


def _doc_with_most_spans(corpus: Path) -> str:
    with open_corpus(corpus, read_only=True) as c:
        return c.con.execute("SELECT doc_id FROM spans GROUP BY doc_id "
                             "ORDER BY count(DISTINCT technique) DESC, count(*) DESC, doc_id "
                             "LIMIT 1").fetchone()[0]


def test_legend_toggles_and_slider_change_what_is_highlighted(driver, server, demo):
    doc = _doc_with_most_spans(demo[0])
    driver.get(server.url + f"/doc/{doc}")

    def lit() -> list[str]:
        return driver.execute_script(
            "return Array.from(document.querySelectorAll('.doctext .seg.tq'))"
            ".map(s => s.getAttribute('data-t')).join('|').split('|').filter(x => x)")

    def shown() -> int:
        return int(driver.find_element("css selector", ".shown-count").get_attribute("data-shown"))

    toggles = driver.find_elements("css selector", ".tech-toggle")
    assert len(toggles) >= 2
    total = shown()
    assert total > 0 and lit()
    first = toggles[0].get_attribute("value")
    toggles[0].click()
    # Off: no segment is underlined for that technique alone, and fewer spans are shown.
    segs_first_only = driver.execute_script(
        "return Array.from(document.querySelectorAll('.doctext .seg[data-t]'))"
        ".filter(s => s.getAttribute('data-t') === arguments[0] && s.classList.contains('tq')).length",
        first)
    assert segs_first_only == 0 and shown() < total
    toggles[0].click()
    assert shown() == total
    # The slider hides spans under the chosen model confidence.
    slider = driver.find_element("css selector", ".conf-slider")
    driver.execute_script("arguments[0].value = '0.95'; arguments[0].dispatchEvent(new Event('input'))",
                          slider)
    assert shown() < total
    assert driver.find_element("css selector", ".conf-value").text == "0.95"
    driver.execute_script("arguments[0].value = '0'; arguments[0].dispatchEvent(new Event('input'))",
                          slider)
    # A click on highlighted text lists technique, confidence, offsets and definition.
    driver.find_element("css selector", ".doctext .seg.tq").click()
    detail = driver.find_element("css selector", ".span-detail").text
    assert "model confidence" in detail and re.search(r"\[\d+–\d+\]", detail)
    # Copy a span with its offsets.
    btn = driver.find_element("css selector", "button.copy-span")
    btn.click()
    copied = btn.get_attribute("data-copied")
    assert doc in copied and re.search(r"\d+–\d+", copied)


def test_pivots_land_on_non_empty_views_whose_counts_agree(server, demo):
    client = _Http(server.url)
    with open_corpus(demo[0], read_only=True) as c:
        tag, tag_docs = c.con.execute(
            "SELECT normalized, count(DISTINCT doc_id) FROM doc_references WHERE kind = 'hashtag' "
            "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1").fetchone()
        tid, tid_docs = c.con.execute(
            "SELECT value, count(DISTINCT doc_id) FROM doc_references WHERE kind = 'tracking_id' "
            "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1").fetchone()
        tech, tech_docs = c.con.execute(
            "SELECT technique, count(DISTINCT doc_id) FROM spans GROUP BY 1 ORDER BY 2 DESC, 1 "
            "LIMIT 1").fetchone()
    # A hashtag pivot from a document page lands on the documents holding it.
    assert _count(client.get("/documents", params={"ref": tag}).text) == tag_docs > 0
    # Search finds a tracking ID (it sits in the markup, not in the text the word index reads).
    page = client.get("/documents", params={"q": tid}).text
    assert _count(page) == tid_docs > 0 and 'id="as-ref"' in page
    # The technique page's count is the count of the filtered list it links to.
    tpage = client.get("/technique", params={"name": tech}).text
    shown = int(tpage.split('id="technique-docs" data-count="', 1)[1].split('"', 1)[0])
    assert shown == tech_docs == _count(client.get("/documents", params={"technique": tech}).text)
    # Every count on the technique page's by-source table agrees with the view it opens.
    for href, n in re.findall(r'<td class="num"><a href="([^"]+)">([\d,]+)</a></td>', tpage)[:5]:
        assert _count(client.get(href.replace("&amp;", "&")).text) == int(n.replace(",", ""))
    # Each over-represented technique's "k of n" opens exactly k documents.
    home = client.get("/").text
    over = home.split('id="over-represented"', 1)[1].split("</table>", 1)[0]
    for href, k in re.findall(r'<a href="(/documents\?[^"]+)">([\d,]+) of', over):
        assert _count(client.get(href.replace("&amp;", "&")).text) == int(k)
    # The techniques index: each document count opens that many documents.
    index = client.get("/technique").text.split('id="technique-index"', 1)[1]
    for href, n in re.findall(r'<td class="num"><a href="(/documents\?[^"]+)">([\d,]+)</a>', index)[:6]:
        assert _count(client.get(href.replace("&amp;", "&")).text) == int(n.replace(",", ""))
    # A source page's "k of n" per technique opens exactly k of that source's documents.
    top = re.search(r'<td><a href="(/source\?name=[^"]+)">', over)
    assert top
    src_page = client.get(top.group(1).replace("&amp;", "&")).text
    compared = src_page.split('id="source-vs-corpus"', 1)[1].split("</table>", 1)[0]
    pairs = re.findall(r'<a href="(/documents\?[^"]+)">([\d,]+) of', compared)
    assert pairs
    for href, k in pairs[:5]:
        assert _count(client.get(href.replace("&amp;", "&")).text) == int(k)
    # Signal and source links on the overview open views with the counts they print.
    for href, n in re.findall(r'<a href="(/documents\?[^"]+)">[^<]+</a> \(([\d,]+)\)', home)[:8]:
        assert _count(client.get(href.replace("&amp;", "&")).text) == int(n.replace(",", ""))


def test_static_report_fits_its_size_budget(driver, demo, tmp_path):
    corpus, _ = demo
    with open_corpus(corpus, read_only=True) as c:
        out = write_report(c, tmp_path / "report.html")
    assert out.stat().st_size <= REPORT_MAX_BYTES
    console_errors(driver)
    driver.get(out.resolve().as_uri())
    height = driver.execute_script("return document.body.scrollHeight")
    assert 1_000 < height <= REPORT_MAX_PX
    assert driver.find_element("id", "findings").is_displayed()
    # A finding's link opens the collapsed section holding its evidence.
    cluster = driver.find_element("css selector", "#finding-reuse li a")
    cid = cluster.get_attribute("href").split("#", 1)[1]
    assert not driver.find_element("id", cid).is_displayed()
    cluster.click()
    _wait(driver, lambda d: d.find_element("css selector", f"#{cid} table").is_displayed())
    # A document opened from the index: its section unfolds and shows its text.
    link = driver.find_element("css selector", "#doc-index tbody a")
    target = link.get_attribute("href").split("#", 1)[1]
    link.click()
    _wait(driver, lambda d: d.find_element("css selector", f"#{target} .doctext").is_displayed())
    assert console_errors(driver) == []
    page = _Page()
    page.feed(out.read_text(encoding="utf-8"))
    assert len(page.ids) == len(set(page.ids)), "duplicate HTML id in the report"


# -- a crawl of every page --------------------------------------------------------------------

class _Page(HTMLParser):
    """Visible text, links and element IDs of one page (script and style text left out)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: list[str] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        if a.get("id"):
            self.ids.append(a["id"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


SERIALIZED = re.compile(r"""\{\s*['"][\w ]+['"]\s*:|\[\s*\{|:\s*None\b|\bNone\s*[,\]})]|\bnan\b"""
                        r"|<built-in|object at 0x")
MAX_PAGES = 400


def test_every_page_of_the_demo_app_reads_clean(server):
    client = _Http(server.url)
    seen: set[str] = set()
    queue = ["/"]
    problems: list[str] = []
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        r = client.get(url)
        if r.status_code != 200:
            problems.append(f"{url}: HTTP {r.status_code}")
            continue
        if "text/html" not in r.headers.get("content-type", ""):
            continue
        page = _Page()
        page.feed(r.text)
        text = " ".join(page.text)
        for bad in ("[object Object]", "not computed"):
            if bad in text:
                problems.append(f"{url}: shows {bad!r}")
        m = SERIALIZED.search(text)
        if m:
            problems.append(f"{url}: shows a serialized structure near {text[max(0, m.start() - 40):m.end() + 40]!r}")
        dupes = {i for i in page.ids if page.ids.count(i) > 1}
        if dupes:
            problems.append(f"{url}: duplicate ids {sorted(dupes)[:5]}")
        for href in page.links:
            target = urljoin(server.url + url, href)
            parsed = urlparse(target)
            if target.split("/")[2] != server.url.split("/")[2] or parsed.path.startswith("/export."):
                continue
            # One page per distinct filter set: pagination cursors repeat the same views.
            qs = parse_qs(parsed.query)
            qs.pop("after", None)
            key = parsed.path + ("?" + urlencode(sorted((k, v[0]) for k, v in qs.items()))
                                 if qs else "")
            if key not in seen and key not in queue:
                queue.append(key)
    assert len(seen) > 50  # the crawl reached documents, sources, clusters and techniques
    assert problems == [], "\n".join(problems)


def test_search_has_snippets_sorting_and_filters(server):
    client = _Http(server.url)
    page = client.get("/documents", params={"q": "tram"}).text
    assert _count(page) > 0
    snippets = re.findall(r'<div class="snippet">(.*?)</div>', page, re.S)
    assert snippets and all(re.search(r"<b>tram</b>", s, re.I) for s in snippets)

    def dates(html: str) -> list[str]:
        return re.findall(r'<tr data-doc="[^"]+"><td>([^<]+)</td>', html)

    newest, oldest = dates(client.get("/documents").text), dates(client.get(
        "/documents", params={"sort": "oldest"}).text)
    dated = [d for d in oldest if d != "—"]
    assert dated == sorted(dated) and newest[0] >= dated[0]
    spans = client.get("/documents", params={"sort": "spans"}).text
    counts = [int(n) for n in re.findall(r'<td class="num">(\d+)</td><td>', spans)]
    assert counts and counts == sorted(counts, reverse=True) and counts[0] > 0
    # Sorting does not change what is selected, and the next page continues the order.
    assert _count(spans) == _count(client.get("/documents").text)
    nxt = re.search(r'href="([^"]+)" id="next-page"', spans)
    assert nxt
    second = client.get(nxt.group(1).replace("&amp;", "&")).text
    more = [int(n) for n in re.findall(r'<td class="num">(\d+)</td><td>', second)]
    assert more and max(more) <= min(counts)
    assert client.get("/documents", params={"sort": "bogus"}).status_code == 400
