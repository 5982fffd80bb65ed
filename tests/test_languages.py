"""Language identification and coverage (issue 16): every document gets a language,
non-English text never goes through the English technique model, and what was not
analysed is counted, with the reason, wherever results are shown."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from propscope import open_corpus
from propscope.analyze import language, multilingual, multilingual_doc
from propscope.cli import main
from propscope.corpus import SCHEMA_VERSION
from propscope.present.webapp import create_app

ROOT = Path(__file__).resolve().parents[1]
POSTS = ROOT / "bench" / "data" / "short_posts.jsonl"
MIXED = ROOT / "tests" / "data" / "mixed_languages.jsonl"


def _posts() -> list[dict[str, str]]:
    return [json.loads(line) for line in POSTS.read_text(encoding="utf-8").splitlines()]


def test_short_posts_in_many_scripts_are_identified():
    posts = _posts()
    assert len({p["lang"] for p in posts}) >= 30 and all(len(p["text"]) <= 280 for p in posts)
    results = [(p["lang"], *language.detect(p["text"])) for p in posts]
    right = sum(gold == lang for gold, lang, _ in results)
    assert right / len(results) >= 0.95  # measured: 171 of 176 (bench/languages.py)
    # Never a confident "English" for another language: that would run the English model.
    assert not [r for r in results if r[0] != "en" and r[1] == "en" and r[2] >= language.HIGH]
    # Every miss is flagged: confidence below HIGH, so never "analysed" as if sure.
    assert all(conf < language.HIGH for gold, lang, conf in results if gold != lang)


def test_declared_codes_are_normalised():
    assert language.normalize_code("en-US") == "en"
    assert language.normalize_code("English") == "en"
    assert language.normalize_code("iw") == "he"
    assert language.normalize_code("fr_FR") == "fr"
    assert language.normalize_code("  ") is None
    assert language.normalize_code("xx-klingon") == "xx"


def test_decisions_prefer_not_analysed_to_a_guess():
    def status(text: str, declared: str | None = None) -> tuple[str, str]:
        return language.decide(language.identify(text, declared), "techniques")

    english = "The council voted on the new bus lanes after a long and angry public debate."
    assert status(english) == ("analysed", "")
    # French: the multilingual paragraph heads (measured); Arabic: zero-shot, experimental;
    # Luxembourgish: outside the encoder's languages, not analysed.
    assert status("Le conseil a voté sur les nouvelles voies de bus après un long débat.") == (
        "analysed", language.PARAGRAPH_REASON)
    assert status("صوت المجلس على ممرات الحافلات الجديدة بعد نقاش طويل وغاضب.")[0] == "experimental"
    assert status("De Gemengerot huet iwwer déi nei Busspuren ofgestëmmt. Dem Buergermeeschter "
                  "säi Plang ass eng Katastroph fir all Famill.") == (
        "not analysed", "language lb not supported")
    # Genre and framing: the multilingual article heads, only where they were measured
    # above the organisers' baseline and the frequent-label floor (bench/multilingual_articles.py).
    fr = language.identify("Le conseil a voté sur les nouvelles voies de bus après un long débat.")
    assert language.decide(fr, "genre") == _article_status("fr", "genre")
    assert status("👍 👍 https://t.co/x1 #42") == (
        "not analysed", "language could not be identified (too few letters)")
    # A declared language wins, and is said to be declared.
    assert status(english, "lb") == ("not analysed", "language lb (declared) not supported")
    # Declared German over English text: the paragraph heads read both, so no caveat.
    assert status(english, "de") == ("analysed", language.PARAGRAPH_REASON)
    res = language.identify(english, "de")
    assert (res.lang, res.declared, res.detected) == ("de", True, "en")
    # Declared English over Russian text: run (declared wins) but flagged.
    assert status("Совет проголосовал за новые автобусные полосы после долгих споров.", "en") == (
        "low confidence", "declared en but detected ru")
    # Repetitions are analysed everywhere, with a caveat where words are not space-separated.
    zh = language.identify("市议会就新公交车道投票，许多居民表示同意。")
    assert language.decide(zh, "repetitions")[0] == "low confidence"


def _article_status(lang: str, task: str) -> tuple[str, str]:
    """What coverage must say for genre/framing of a confidently identified ``lang``."""
    heads = multilingual_doc.heads()
    assert heads is not None
    langs = heads.genre_langs if task == "genre" else heads.framing_langs
    if lang in language.PARAGRAPH_LANGS:
        return (("analysed", language.ARTICLE_REASON) if lang in langs else
                ("not analysed", f"language {lang}: no {task} model above the baselines for it"))
    if "*" in langs:
        return ("experimental", f"language {lang}: article level, zero-shot "
                "(no labelled data to measure on)")
    return ("not analysed", f"language {lang}: no {task} model above the baselines for it")


def test_mixed_documents_are_flagged_with_paragraph_languages():
    text = [json.loads(line) for line in MIXED.read_text(encoding="utf-8").splitlines()][-1]["text"]
    res = language.identify(text)
    assert res.mixed and res.lang == "en" and set(res.shares) == {"en", "fr"}
    assert [seg[2] for seg in res.segments] == ["en", "en", "en", "fr", "fr"]
    for start, end, lang, _ in res.segments:
        assert language.detect(text[start:end])[0] == lang
    fr_start = res.segments[3][0]
    assert language.outside(res, frozenset({"en"}), fr_start + 5, fr_start + 20)
    assert not language.outside(res, frozenset({"en"}), 0, 20)
    one_language = "\n".join(["The council met again today to discuss the ferry timetable."] * 4)
    assert not language.identify(one_language).mixed


def test_version_2_corpus_migrates_and_keeps_declared_languages(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("INSERT INTO meta VALUES ('schema_version', '2')")
    con.execute("""CREATE TABLE documents (doc_id VARCHAR PRIMARY KEY, source VARCHAR,
        published TIMESTAMPTZ, url VARCHAR, title VARCHAR, lang VARCHAR, text VARCHAR,
        content_hash VARCHAR, author VARCHAR, external_id VARCHAR, meta VARCHAR, file VARCHAR,
        record VARCHAR, run_id VARCHAR)""")
    con.execute("INSERT INTO documents VALUES ('a', NULL, NULL, NULL, NULL, 'fr', 'Bonjour', "
                "'h', NULL, NULL, NULL, 'f', '1', 'r'), ('b', NULL, NULL, NULL, NULL, NULL, "
                "'Hello', 'h2', NULL, NULL, NULL, 'f', '2', 'r')")
    con.close()
    with open_corpus(path) as corpus:
        assert corpus.con.execute("SELECT value FROM meta WHERE key = 'schema_version'"
                                  ).fetchone()[0] == str(SCHEMA_VERSION) == "5"
        rows = corpus.con.execute("SELECT doc_id, lang, lang_confidence, lang_declared "
                                  "FROM documents ORDER BY doc_id").fetchall()
    assert rows == [("a", "fr", 1.0, True), ("b", None, None, None)]


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory):
    """The invented mixed-language corpus through the real `propscope run` (real DuckDB
    file, shipped technique model), then `status --json`."""
    tmp = tmp_path_factory.mktemp("lang")
    corpus, out = tmp / "c.duckdb", tmp / "out"
    res = CliRunner().invoke(main, ["run", str(MIXED), "--corpus", str(corpus), "--out", str(out)])
    assert res.exit_code == 0, res.output
    status = CliRunner().invoke(main, ["status", "--corpus", str(corpus), "--json"])
    assert status.exit_code == 0, status.output
    human = CliRunner().invoke(main, ["status", "--corpus", str(corpus)])
    assert human.exit_code == 0, human.output
    con = duckdb.connect(str(corpus), read_only=True)
    by_id = {ext: (doc_id, lang, conf, declared) for ext, doc_id, lang, conf, declared in
             con.execute("SELECT external_id, doc_id, lang, lang_confidence, lang_declared "
                         "FROM documents").fetchall()}
    spans = {r[0] for r in con.execute("SELECT DISTINCT doc_id FROM spans").fetchall()}
    labels = {r[0] for r in con.execute("SELECT DISTINCT doc_id FROM doc_labels").fetchall()}
    label_models: dict[str, set[str]] = {}
    for doc_id, model in con.execute("SELECT DISTINCT doc_id, model FROM doc_labels").fetchall():
        label_models.setdefault(doc_id, set()).add(model)
    span_models: dict[str, set[str]] = {}
    for doc_id, model in con.execute("SELECT DISTINCT doc_id, model FROM spans").fetchall():
        span_models.setdefault(doc_id, set()).add(model)
    paragraph_spans = con.execute(
        "SELECT s.doc_id, s.start, s.\"end\", d.text, s.snippet, s.explanation FROM spans s "
        "JOIN documents d USING (doc_id) WHERE s.model = ?", [multilingual.MODEL_NAME]).fetchall()
    con.close()
    return {"corpus": corpus, "out": out, "cli": res.output, "status": json.loads(status.output),
            "status_text": human.output,
            "docs": by_id, "spans": spans, "labels": labels, "span_models": span_models,
            "label_models": label_models,
            "paragraph_spans": paragraph_spans}


def test_run_stores_each_documents_language(mixed_run):
    docs = mixed_run["docs"]
    assert {ext: d[1] for ext, d in docs.items()} == {
        "en-1": "en", "fr-1": "fr", "ru-1": "ru", "ar-1": "ar", "zh-1": "zh",
        "de-declared": "de", "mixed-1": "en", "lb-1": "lb"}
    assert docs["de-declared"][2:] == (1.0, True)
    for ext in ("en-1", "fr-1", "ru-1", "ar-1", "zh-1"):
        assert docs[ext][3] is False and docs[ext][2] >= language.HIGH


def test_techniques_per_language(mixed_run):
    """English: token-level spans, genre and framing. fr/ru/de: paragraph labels from the
    multilingual heads (measured); ar/zh: the same, experimental; lb: nothing."""
    docs, spans = mixed_run["docs"], mixed_run["spans"]
    assert docs["en-1"][0] in spans  # the opinionated English text has spans
    assert docs["en-1"][0] in mixed_run["labels"]
    for ext in ("fr-1", "ru-1", "de-declared"):
        assert docs[ext][0] in spans, ext  # "irresponsable et honteux": loaded language at least
    assert docs["lb-1"][0] not in spans
    # genre/framing outside English: the multilingual article heads only, never for lb
    assert docs["lb-1"][0] not in mixed_run["labels"]
    for ext in ("fr-1", "ru-1", "ar-1", "zh-1", "de-declared"):
        assert mixed_run["label_models"].get(docs[ext][0], {multilingual_doc.MODEL_NAME}) == {
            multilingual_doc.MODEL_NAME}, ext
    models = mixed_run["span_models"]
    assert models[docs["fr-1"][0]] == {multilingual.MODEL_NAME}
    assert multilingual.MODEL_NAME not in models[docs["en-1"][0]]
    para = mixed_run["paragraph_spans"]
    # every multilingual span is a whole paragraph of its document
    for doc_id, start, end, text, snippet, explanation in para:
        assert (start, end) in multilingual.paragraphs(text) and text[start:end] == snippet
        experimental = doc_id in {docs["ar-1"][0], docs["zh-1"][0]}
        assert ("experimental" in explanation) == experimental, explanation


def test_cli_summary_and_status_count_what_was_not_analysed(mixed_run):
    cli = " ".join(mixed_run["cli"].split())  # rich wraps long lines
    assert "techniques: 4 analysed, 2 experimental, 1 low confidence, 1 not analysed" in cli
    assert "1 not analysed (language lb not supported)" in cli
    assert f"3 analysed ({language.PARAGRAPH_REASON})" in cli
    text = " ".join(mixed_run["status_text"].split())
    assert "techniques: 4 analysed, 2 experimental, 1 low confidence, 1 not analysed" in text
    assert "languages: en 2" in text and "1 declared, 1 mixed" in text
    langs = mixed_run["status"]["languages"]
    assert langs["languages"] == {"en": 2, "ar": 1, "de": 1, "fr": 1, "lb": 1, "ru": 1, "zh": 1}
    assert (langs["declared"], langs["mixed"], langs["unidentified"]) == (1, 1, 0)
    tech = langs["coverage"]["techniques"]
    assert (tech["analysed"], tech["experimental"], tech["low confidence"], tech["not analysed"],
            tech["pending"]) == (4, 2, 1, 1, 0)
    assert tech["reasons"]["not analysed (language lb not supported)"] == 1
    genre_not = 1 + sum(_article_status(code, "genre")[0] == "not analysed"
                        for code in ("fr", "ru", "de", "ar", "zh"))
    assert langs["coverage"]["genre"]["not analysed"] == genre_not  # lb, and any under the baselines
    assert langs["coverage"]["repetitions"]["low confidence"] == 3  # zh, ar, lb


def test_report_and_app_show_coverage(mixed_run):
    report = (mixed_run["out"] / "report.html").read_text(encoding="utf-8")
    assert 'data-count="not-analysed">1<' in report
    assert 'data-count="experimental">2<' in report
    assert "language lb not supported" in report
    client = TestClient(create_app(mixed_run["corpus"]))
    page = client.get("/")
    assert page.status_code == 200
    assert 'data-count="not-analysed">1<' in page.text
    assert "1 not analysed (language lb not supported)" in page.text
    fr_id = mixed_run["docs"]["fr-1"][0]
    doc = client.get(f"/doc/{fr_id}").text
    assert 'data-lang="fr"' in doc and "identified, confidence" in doc
    assert f'data-coverage="techniques">analysed ({language.PARAGRAPH_REASON})' in doc
    status, reason = _article_status("fr", "genre")
    assert f'data-coverage="genre">{status} ({reason})' in doc
    zh_id = mixed_run["docs"]["zh-1"][0]
    assert 'data-coverage="techniques">experimental (language zh' in client.get(f"/doc/{zh_id}").text


def test_exports_carry_languages_and_coverage(mixed_run):
    out = mixed_run["out"]
    cov = duckdb.sql(f"SELECT analysis, status, count(*) FROM '{out / 'coverage.parquet'}' "
                     "GROUP BY ALL").fetchall()
    assert ("techniques", "not analysed", 1) in cov and ("techniques", "experimental", 2) in cov
    assert duckdb.execute(f"SELECT count(*) FROM '{out / 'language_segments.parquet'}'").fetchall() == [(5,)]


def test_language_tables_are_documented():
    from test_docs import documented_columns

    docs = documented_columns()
    for table, schema in language.ANALYZER.tables.items():
        assert table in docs and set(schema.names) <= docs[table], table


@pytest.mark.browser
def test_browser_shows_what_was_not_analysed(mixed_run, tmp_path):
    """The app and the report in a real headless Chromium: the coverage is on screen."""
    from conftest_present import LiveServer, console_errors, make_driver

    # A copy: the TestClient app above keeps this process's handle on the original
    # (DuckDB attaches one file once per process).
    corpus = tmp_path / "copy.duckdb"
    shutil.copy(mixed_run["corpus"], corpus)
    driver = make_driver(tmp_path / "profile")
    server = LiveServer(corpus)
    try:
        driver.get(server.url + "/")
        block = driver.find_element("id", "coverage")
        assert block.is_displayed()
        assert block.find_element("css selector", '[data-count="not-analysed"]').text == "1"
        assert block.find_element("css selector", '[data-count="experimental"]').text == "2"
        assert "language lb not supported" in block.text
        row = driver.find_element("css selector", '#coverage-table tr[data-analysis="techniques"]')
        assert [c.text for c in row.find_elements("css selector", "td")] == [
            "techniques", "4", "2", "1", "1", "0"]
        lb_id = mixed_run["docs"]["lb-1"][0]
        driver.get(f"{server.url}/doc/{lb_id}")
        cell = driver.find_element("css selector", '[data-coverage="techniques"]')
        assert cell.is_displayed() and cell.text == "not analysed (language lb not supported)"
        ar_id = mixed_run["docs"]["ar-1"][0]
        driver.get(f"{server.url}/doc/{ar_id}")
        cell = driver.find_element("css selector", '[data-coverage="techniques"]')
        assert cell.is_displayed() and cell.text.startswith("experimental (language ar")
        genre = driver.find_element("css selector", '[data-coverage="genre"]')
        status, reason = _article_status("ar", "genre")
        assert genre.is_displayed() and genre.text == f"{status} ({reason})"
        driver.get((mixed_run["out"] / "report.html").as_uri())
        assert driver.find_element("id", "coverage").is_displayed()
        assert not console_errors(driver)
    finally:
        server.stop()
        driver.quit()
