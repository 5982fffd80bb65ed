"""Report and web app in a real headless Chromium (Debian's chromium + chromedriver).

Set PROPSCOPE_UPDATE_SCREENSHOTS=1 to refresh docs/screenshots/ from these runs.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest_present import (
    STUFFED,
    LiveServer,
    build_multi_corpus,
    build_sample_corpus,
    build_xss_corpus,
    console_errors,
    make_driver,
)
from propscope import open_corpus
from propscope.present.report import write_report

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    drv = make_driver(tmp_path_factory.mktemp("chromium-profile"))
    yield drv
    drv.quit()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The multi-source corpus plus the real sample article, served live."""
    path, info = build_multi_corpus(tmp_path_factory.mktemp("demo") / "demo.duckdb")
    _, sample_id = build_sample_corpus(path, reuse_min_words=12)  # the multi corpus's setting
    server = LiveServer(path)
    yield server, info, sample_id, path
    server.stop()


def _shot(driver, tmp_path, name: str) -> None:
    out = tmp_path / f"{name}.png"
    driver.save_screenshot(str(out))
    assert out.stat().st_size > 10_000
    if os.environ.get("PROPSCOPE_UPDATE_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(out, SCREENSHOTS / f"{name}.png")


def _apply(driver, expect_in_url: str) -> None:
    """Submit the filter form and wait for the new page (its URL holds the state)."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.find_element("id", "f-apply").click()
    WebDriverWait(driver, 10).until(
        lambda d: expect_in_url in d.current_url
        and d.execute_script("return document.readyState") == "complete")


def _no_alert(driver) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018


def test_app_pages_load_cleanly(driver, demo, tmp_path):
    server, info, sample_id, _ = demo
    console_errors(driver)
    for url, shot in (("/", "overview"), ("/documents", None), ("/network", "network"),
                      ("/reuse", None), ("/source?name=ridge-news.example", None),
                      (f"/doc/{sample_id}", "document")):
        driver.get(server.url + url)
        assert driver.find_element("css selector", "main h1").text
        assert console_errors(driver) == [], url
        if shot:
            if shot == "network":
                ready = driver.find_element("id", "network").get_attribute("data-ready")
                assert int(ready) == 5
            _shot(driver, tmp_path, shot)


def test_report_loads_cleanly(driver, demo, tmp_path):
    _, _, sample_id, path = demo
    with open_corpus(path, read_only=True) as corpus:
        out = write_report(corpus, tmp_path / "report.html")
    console_errors(driver)
    driver.get(out.as_uri())
    assert console_errors(driver) == []
    assert driver.find_element("id", "network").get_attribute("data-ready") == "5"
    assert driver.find_element("css selector", f"#doc-{sample_id} .doctext").is_displayed()


SEGMENTS_JS = """
const out = {};
for (const el of document.querySelectorAll('.doctext .seg')) {
  for (const id of el.dataset.marks.split(' ')) {
    out[id] = (out[id] || '') + el.textContent;
  }
}
return out;
"""


@pytest.fixture(scope="module")
def sample_server(tmp_path_factory):
    """The sample article through the real pipeline."""
    path = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    built = build_sample_corpus(path)
    server = LiveServer(built[0])
    yield server, built[1]
    server.stop()


def test_sample_document_highlights(driver, sample_server):
    server, sample_id = sample_server
    driver.get(f"{server.url}/doc/{sample_id}")
    assert console_errors(driver) == []
    marks = driver.execute_script(SEGMENTS_JS)
    reps = {k: v for k, v in marks.items() if k.startswith("rep-")}
    assert len(reps) == 9 and set(reps.values()) == {STUFFED}
    posts = {k: v for k, v in marks.items() if k.startswith("ref-embedded_post-")}
    assert len(posts) == 3
    assert sum("(@MEK_Iran)" in v for v in posts.values()) == 2
    assert sum("(@Maryam_Rajavi)" in v for v in posts.values()) == 1
    seg = driver.find_element("css selector", ".doctext .seg.rep")
    assert STUFFED in seg.get_attribute("title")


def test_search_and_filter_in_the_browser(driver, demo):
    server, info, _, _ = demo
    driver.get(server.url + "/documents")
    total = int(driver.find_element("id", "match-count").get_attribute("data-count"))
    assert total == 31
    box = driver.find_element("id", "f-q")
    box.send_keys("zebra crossing")
    _apply(driver, "q=zebra+crossing")
    rows = driver.find_elements("css selector", "#results tbody tr[data-doc]")
    assert {r.get_attribute("data-doc") for r in rows} == {info["ids"][i] for i in (7, 17, 27)}
    assert "q=zebra+crossing" in driver.current_url  # permalink carries the state
    driver.get(server.url + "/documents")
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element("id", "f-signal")).select_by_value("hashtag")
    _apply(driver, "signal=hashtag")
    filtered = int(driver.find_element("id", "match-count").get_attribute("data-count"))
    assert filtered == 11  # 10 multi-source documents with #CityVote, plus the sample article
    assert filtered < total


def test_hostile_corpus_executes_nothing(driver, tmp_path):
    path, ids = build_xss_corpus(tmp_path / "xss.duckdb")
    with open_corpus(path, read_only=True) as corpus:
        report = write_report(corpus, tmp_path / "xss.html")
    server = LiveServer(path)
    try:
        urls = [report.as_uri(), *(server.url + u for u in ("/", "/documents", "/network",
                                                           "/reuse"))]
        urls += [f"{server.url}/doc/{i}" for i in ids]
        for url in urls:
            driver.get(url)
            assert driver.execute_script("return typeof window.__xss") == "undefined", url
            _no_alert(driver)
            assert not driver.find_elements("css selector", "main img, main iframe, "
                                            "main a[href^='javascript']"), url
        driver.get(f"{server.url}/doc/{ids[0]}")
        assert "<script>window.__xss = 1</script>" in driver.find_element(
            "css selector", ".doctext").text
        console_errors(driver)
    finally:
        server.stop()


def test_a_node_click_lists_names_and_shared_items_never_object_object(driver, tmp_path):
    """Coordination v2 stores an edge's items as objects; the panel must show the items."""
    import json

    from selenium.webdriver.support.ui import WebDriverWait

    from conftest import x_export_page
    from propscope import load_settings
    from propscope.pipeline import run

    src = tmp_path / "x-page.jsonl"
    src.write_text(json.dumps(x_export_page(4)) + "\n", encoding="utf-8")
    corpus = tmp_path / "c.duckdb"
    run([str(src)], corpus, None, load_settings(analyzers=("references",)))
    server = LiveServer(corpus)
    try:
        driver.get(server.url + "/network")
        WebDriverWait(driver, 20).until(
            lambda d: d.find_element("id", "network").get_attribute("data-ready"))
        driver.find_element("css selector", "#network g.node circle").click()
        panel = driver.find_element("id", "network-detail").text
    finally:
        server.stop()
    assert "[object Object]" not in panel
    assert "amplifier_" in panel and "retweet" in panel and "shared: retweet:" in panel
