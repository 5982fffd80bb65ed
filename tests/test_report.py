"""The static report: content, offline-ness, "not computed" sections, escaping, highlighting."""

from __future__ import annotations

import re

from click.testing import CliRunner

from conftest_present import (
    STUFFED,
    XSS,
    build_bare_corpus,
    build_multi_corpus,
    build_sample_corpus,
    build_xss_corpus,
)
from propscope import open_corpus
from propscope.cli import main
from propscope.present.html import Palette, build_marks, highlight
from propscope.present.report import write_report


def _report(path, tmp_path, **kw) -> str:
    with open_corpus(path, read_only=True) as corpus:
        out = write_report(corpus, tmp_path / "report.html", **kw)
    return out.read_text(encoding="utf-8")


def test_report_sections_and_offline(tmp_path):
    path, info = build_multi_corpus(tmp_path / "c.duckdb")
    html = _report(path, tmp_path)
    for section in ('id="overview"', 'id="techniques"', 'id="phrases"', 'id="tracking"',
                    'id="network-data"', 'id="communities"', 'id="doc-index"'):
        assert section in html
    assert re.search(r'id="cluster-R[0-9a-f]{12}"', html)  # reuse's cluster IDs
    assert 'data-count="documents">30<' in html
    # The tracking ID is on every 4th document: 8 documents spread over all 5 sources.
    assert re.search(r'UA-445566-1</td><td class="num">5</td><td class="num">8<', html)
    # Offline: no external script, stylesheet, image or font.
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=\"(https?:)?//", html)
    assert "not computed" not in html.split('id="documents"')[0].replace("not computed</p>", "")
    assert "Content-Security-Policy" in html


def test_report_document_limit(tmp_path):
    path, info = build_multi_corpus(tmp_path / "c.duckdb")
    html = _report(path, tmp_path, max_documents=5)
    assert len(re.findall(r'<section class="docsec"', html)) == 5
    assert "includes 5 of 30 documents" in html


def test_report_says_not_computed(tmp_path):
    html = _report(build_bare_corpus(tmp_path / "c.duckdb"), tmp_path)
    for what in ("Technique spans: not computed", "Repeated phrases: not computed",
                 "Text reuse clusters: not computed", "Coordination network: not computed",
                 "Communities: not computed"):
        assert what in html
    assert "Plain note number 1 about the weather." in html


def test_report_escapes_hostile_fields(tmp_path):
    path, _ = build_xss_corpus(tmp_path / "c.duckdb")
    html = _report(path, tmp_path)
    body = html.split("</head>", 1)[1]
    scripts = re.findall(r"<script[^>]*>", body)
    assert all(s in ("<script>", '<script type="application/json" id="network-data">')
               for s in scripts), scripts
    for payload in XSS:
        assert payload not in body
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;" in body
    assert not re.search(r'<img src=x|<svg onload|<iframe|href="javascript', body, re.I)


def test_sample_article_marks(tmp_path):
    path, doc_id = build_sample_corpus(tmp_path / "c.duckdb")
    html = _report(path, tmp_path)
    section = html.split(f'id="doc-{doc_id}"', 1)[1]
    rep_ids = set(re.findall(r"rep-0-\d+", section))
    assert len(rep_ids) == 9
    assert len(set(re.findall(r"ref-embedded_post-\d+", section))) == 3


def test_highlight_splits_overlaps_and_keeps_text():
    text = "Alpha 😀 beta gamma delta"
    spans = [{"technique": "A", "family": "F1", "start": 0, "end": 12, "confidence": 0.9},
             {"technique": "B", "family": "F2", "start": 8, "end": 18, "confidence": 0.5}]
    reps = [{"phrase": "gamma", "count": 1, "starts": [text.index("gamma")]}]
    marks = build_marks(text, spans, [], reps, Palette(["F1", "F2"]))
    assert [m.lane for m in marks if m.kind == "span"] == [0, 1]
    out = str(highlight(text, marks))
    # Removing tags gives back the text exactly: offsets are Python indices, emoji included.
    assert re.sub(r"<[^>]+>", "", out) == text
    seg = re.search(r'data-marks="span-0 span-1"[^>]*>([^<]*)<', out)
    assert seg and seg.group(1) == text[8:12]
    assert 'data-marks="span-1 rep-0-0"' in out or 'data-marks="rep-0-0 span-1"' in out


def test_highlight_clamps_bad_offsets():
    marks = build_marks("short", [{"technique": "A", "family": None, "start": 3, "end": 99}],
                        [{"kind": "url", "value": "x", "start": 9, "end": 12}], [], Palette([]))
    assert [(m.start, m.end) for m in marks] == [(3, 5)]


def test_cli_report(tmp_path):
    path, _ = build_multi_corpus(tmp_path / "c.duckdb")
    out = tmp_path / "r" / "report.html"
    result = CliRunner().invoke(main, ["report", "--corpus", str(path), "--out", str(out),
                                       "--json"])
    assert result.exit_code == 0, result.output
    assert '"report"' in result.output and out.stat().st_size > 10_000
    assert STUFFED not in out.read_text()


def test_colours_are_fixed_by_the_taxonomy_not_by_the_corpus():
    from propscope.present.html import technique_colour

    assert Palette(["call"])("call") == Palette(["attack_on_reputation", "call", "zzz"])("call")
    assert Palette(["call"])("call") != Palette(["call"])("attack_on_reputation")
    assert technique_colour("Doubt") != technique_colour("Loaded_Language")
    assert technique_colour("Made_Up_Label") == technique_colour("Made_Up_Label")


def test_a_span_tooltip_gives_the_definition_once_with_confidence_and_offsets():
    from propscope.present.html import definitions

    text = "They are a band of traitors."
    expl = definitions()["Name_Calling-Labeling"] + " Triggered by: “band of traitors”"
    spans = [{"technique": "Name_Calling-Labeling", "family": "attack_on_reputation",
              "start": 9, "end": 27, "confidence": 0.42, "explanation": expl}]
    (mark,) = build_marks(text, spans, [], [], Palette([]))
    definition = definitions()["Name_Calling-Labeling"].split(": ", 1)[1]
    assert mark.tip.count(definition) == 1
    assert "model confidence 0.42" in mark.tip and "[9–27]" in mark.tip
    out = str(highlight(text, [mark]))
    assert 'data-t="Name_Calling-Labeling"' in out and 'data-c="0.420"' in out


def test_an_undated_copy_is_not_drawn_on_the_time_axis():
    from datetime import UTC, datetime

    from propscope.present.charts import reuse_timeline

    t0 = datetime(2024, 3, 1, tzinfo=UTC)
    members = [{"source": "a", "published": t0, "delay_s": 0.0, "is_earliest": True},
               {"source": "b", "published": datetime(2024, 3, 2, tzinfo=UTC), "delay_s": 86400.0},
               {"source": "c", "published": None, "delay_s": None}]
    svg = str(reuse_timeline(members))
    assert svg.count("<circle") == 2 and "date unknown" in svg
    only_undated = str(reuse_timeline([members[0] | {"published": None}, members[2]]))
    assert "<circle" not in only_undated and "order is unknown" in only_undated


def test_word_diff_marks_insertions_and_recurring_ones():
    from propscope.present.reuse_view import diff_words

    left, right, inserted = diff_words(
        "The council approved the plan on Tuesday.",
        "The council quietly approved the plan on Tuesday. Experts question it.",
        ["Experts question it."])
    assert '<ins class="diff-ins">quietly</ins>' in str(right)
    assert 'class="diff-ins recurring"' in str(right) and "Experts" in " ".join(inserted)
    assert "<del" not in str(left)


def test_report_shows_what_the_coordination_test_left_out(tmp_path):
    """Beside the network: actions, the window, items over the cap and co-actions left out,
    read from the corpus's ``coordination_state`` (figures that could be wrong are checked
    against the run's own summary)."""
    path, _ = build_multi_corpus(tmp_path / "c.duckdb")
    html = _report(path, tmp_path)
    assert 'id="coordination-coverage"' in html
    with open_corpus(path, read_only=True) as corpus:
        import json

        cov = json.loads(corpus.con.execute(
            "SELECT value FROM coordination_state WHERE key = 'coverage'").fetchone()[0])
    assert cov["actions"] > 0 and cov["co_actions"] >= cov["co_actions_left_out"] >= 0
    assert f'data-cov="actions">{cov["actions"]:,}<' in html.replace("\u202f", ",")
    assert f'data-cov="items_capped">{cov["items_capped"]} / {cov["shares_capped"]}<' in html
