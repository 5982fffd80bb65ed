"""Checks on the bundled example corpus itself (``examples/corpus``), read with the stdlib only.

Why these tests exist: ``make demo`` runs the whole main job on this corpus, and the demo is
only convincing if every signal propscope detects is really in it. These tests pin that down
independently of propscope's own readers, so a broken corpus is told apart from a broken
pipeline. They also keep the corpus honest: invented domains and tracking IDs only, the
dated-record header with its leading space, and broken inputs that stay broken in the
intended way (and only there).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import zlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from difflib import SequenceMatcher
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"
BROKEN = CORPUS / "broken"
DATED_HEADER = re.compile(r"^ date (\d{4}-\d{2}-\d{2}) ", re.MULTILINE)

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="examples/corpus not present")


@dataclass(frozen=True)
class Doc:
    """One document as a plain reader sees it: enough to check the corpus, nothing more."""

    fmt: str
    file: str
    record: str
    source: str
    text: str
    published: datetime | None = None


class _Page(HTMLParser):
    """Collects the metadata and the <article> text of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self.canonical = ""
        self.tags: set[str] = set()
        self._in_title = False
        self._article_depth = 0
        self._skip = 0
        self.article: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.add(tag)
        if tag == "meta":
            key = a.get("name") or a.get("property")
            if key:
                self.meta[key] = a.get("content", "")
        elif tag == "link" and a.get("rel") == "canonical":
            self.canonical = a.get("href", "")
        elif tag == "title":
            self._in_title = True
        elif tag == "article":
            self._article_depth += 1
        elif tag in {"script", "style"}:
            self._skip += 1
        elif tag in {"p", "blockquote", "h1"} and self._article_depth:
            self.article.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "article":
            self._article_depth -= 1
        elif tag in {"script", "style"}:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif self._article_depth and not self._skip:
            self.article.append(data)


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _good_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and BROKEN not in p.parents)


def parse_html(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@cache
def load_docs() -> tuple[Doc, ...]:
    """Every good document of the corpus, read the simplest way each format allows."""
    docs: list[Doc] = []
    for path in _good_files():
        rel = str(path.relative_to(CORPUS))
        folder = path.parent.name
        name = path.name
        if name.endswith(".txt"):
            text = path.read_text(encoding="utf-8")
            if text.startswith(" date "):
                parts = DATED_HEADER.split(text)
                for n, i in enumerate(range(1, len(parts), 2), 1):
                    docs.append(Doc("dated", rel, str(n), folder, parts[i + 1].strip(),
                                    _when(parts[i])))
            else:
                docs.append(Doc("txt", rel, "1", folder, text))
        elif name.endswith((".jsonl", ".jsonl.gz")):
            raw = (gzip.decompress(path.read_bytes()) if name.endswith(".gz")
                   else path.read_bytes()).decode("utf-8")
            fmt = "jsonl.gz" if name.endswith(".gz") else "jsonl"
            for n, line in enumerate(raw.splitlines(), 1):
                r = json.loads(line)
                docs.append(Doc(fmt, rel, str(n), r["source"], r["text"], _when(r["published"])))
        elif name.endswith(".csv"):
            with path.open(encoding="utf-8", newline="") as fh:
                for n, r in enumerate(csv.DictReader(fh), 1):
                    docs.append(Doc("csv", rel, str(n), r["source"], r["text"],
                                    _when(r["published"])))
        elif name.endswith(".html"):
            page = parse_html(path)
            docs.append(Doc("html", rel, "1", folder, "".join(page.article).strip(),
                            _when(page.meta.get("article:published_time"))))
    return tuple(docs)


def all_text() -> str:
    return "\n\n".join(d.text for d in load_docs())


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


# -- size and shape -------------------------------------------------------------


def test_at_least_30_documents_across_formats_and_sources() -> None:
    docs = load_docs()
    articles = [d for d in docs if len(words(d.text)) >= 100]
    assert len(docs) >= 30
    assert len(articles) >= 30, "at least 30 article-length documents (100+ words)"
    assert {d.fmt for d in docs} >= {"txt", "dated", "jsonl", "jsonl.gz", "csv", "html"}
    assert len({d.source for d in articles}) >= 8
    assert any(len(words(d.text)) >= 400 for d in docs), "a few longer documents too"


def test_corpus_is_small() -> None:
    total = sum(p.stat().st_size for p in CORPUS.rglob("*") if p.is_file())
    assert total < 300_000


def test_dated_records_use_the_leading_space_header() -> None:
    dated = [p for p in _good_files() if p.suffix == ".txt"
             and p.read_text(encoding="utf-8").lstrip("\n").startswith(" date ")]
    assert dated, "a dated-records file"
    for path in dated:
        text = path.read_text(encoding="utf-8")
        assert DATED_HEADER.match(text), f"{path} must start with ' date YYYY-MM-DD '"
        assert len(DATED_HEADER.findall(text)) >= 5
        assert not re.search(r"^date \d{4}", text, re.MULTILINE), "header without leading space"
        for day in DATED_HEADER.findall(text):
            datetime.strptime(day, "%Y-%m-%d")


def test_structured_records_carry_the_common_fields() -> None:
    structured = [d for d in load_docs() if d.fmt in {"jsonl", "jsonl.gz", "csv"}]
    assert len(structured) >= 15
    for d in structured:
        assert d.text.strip() and d.source, f"{d.file}:{d.record}"
        assert d.published is not None and d.published.utcoffset() is not None, \
            f"{d.file}:{d.record} needs an ISO 8601 time with zone"
    for path in _good_files():
        if path.name.endswith(".jsonl"):
            for line in path.read_text(encoding="utf-8").splitlines():
                assert set(json.loads(line)) == {"id", "text", "source", "published", "url",
                                                  "title", "lang"}


def test_csv_holds_quoted_multiline_text() -> None:
    raw = (CORPUS / "open-valley-review" / "opinions-2024.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(raw, newline="")))
    assert len(rows) >= 5
    assert all("\n" in r["text"] for r in rows)
    assert any('"' in r["text"] for r in rows), "a quote character escaped inside a field"


def test_html_pages_are_full_pages_with_metadata_and_boilerplate() -> None:
    pages = [p for p in _good_files() if p.suffix == ".html"]
    assert len(pages) >= 6
    for path in pages:
        page = parse_html(path)
        assert page.title.strip(), path
        assert page.meta.get("author"), path
        assert _when(page.meta.get("article:published_time")), path
        assert page.canonical.startswith("https://") and ".example/" in page.canonical, path
        assert {"article", "nav", "header", "footer"} <= page.tags, path
        assert len(words("".join(page.article))) >= 100, path


# -- signal forms -----------------------------------------------------------------

SIGNAL_FORMS = {
    "hashtag": r"(?<![\w&])#\w+",
    "hashtag glued to punctuation": r"\w[.!?:,]#\w+",
    "Cyrillic hashtag": r"#[\u0400-\u04FF]+",
    "Arabic hashtag": r"#[\u0600-\u06FF_]+",
    "mention": r"(?<![\w.])@\w{3,}",
    "e-mail": r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.example\b",
    "URL with scheme": r"https?://[\w.-]+\.example/\S+",
    "URL without scheme (www.)": r"(?<![/\w])www\.[\w-]+\.example/\S+",
    "URL without scheme (bare domain)": r"(?<![/\w.@])[a-z][\w-]+\.example/\w\S*",
    "pic.twitter.com": r"(?<![/\w])pic\.twitter\.com/\w+",
    "bit.ly": r"(?<![/\w])bit\.ly/\w+",
    "t.co": r"\bt\.co/\w+",
    "other shortener": r"\b(?:tinyurl\.com|ow\.ly)/[\w-]+",
}

EMBED = re.compile(
    r"—\s*(?P<name>[^\n—]+?) \(@(?P<handle>\w+)\) (?P<date>(?:January|February|March|April|May|"
    r"June|July|August|September|October|November|December) \d{1,2}, \d{4})")


@pytest.mark.parametrize("form", sorted(SIGNAL_FORMS))
def test_every_signal_form_is_present(form: str) -> None:
    assert re.search(SIGNAL_FORMS[form], all_text()), f"no {form} in the corpus"


def test_embedded_posts_in_the_usual_form() -> None:
    found = [(d, m) for d in load_docs() for m in EMBED.finditer(d.text)]
    assert len(found) >= 7
    assert len({d.file + d.record for d, _ in found}) >= 4
    assert {d.fmt for d, _ in found} >= {"txt", "dated", "html"}
    handles = {m["handle"] for _, m in found}
    assert len(handles) >= 6
    assert any("(" in m["name"] for _, m in found), "a display name with parentheses"
    for d, m in found:
        datetime.strptime(m["date"], "%B %d, %Y")
        # The post text precedes the attribution and carries hashtags or links.
        before = d.text[max(0, m.start() - 300):m.start()]
        assert re.search(r"#\w+|\w+\.\w+/\w+", before), f"{d.file}: embed without a post text"


STUFFED = "(Veloria Green Alliance / VGA)"


def test_one_document_stuffs_an_inserted_phrase() -> None:
    counts = {d.file + ":" + d.record: d.text.count(STUFFED) for d in load_docs()}
    stuffed = {k: c for k, c in counts.items() if c > 1}
    assert len(stuffed) == 1
    (count,) = stuffed.values()
    assert 6 <= count <= 10
    doc = next(d for d in load_docs() if d.text.count(STUFFED) > 1)
    assert re.findall(r"Alliance \(Veloria Green Alliance / VGA\)", doc.text), \
        "the phrase is attached again and again to the same entity"


# -- tracking identifiers ---------------------------------------------------------

INVENTED_IDS = {"UA-12345678-1", "G-AB12CD34EF", "GTM-ABC1234", "ca-pub-1234567890123456",
                "123456789012345", "UA-87654321-2", "GTM-XYZ9876"}
OPERATOR_IDS = {"UA-12345678-1", "G-AB12CD34EF", "GTM-ABC1234", "ca-pub-1234567890123456",
                "123456789012345"}
ID_PATTERNS = [r"\bUA-\d{4,10}-\d{1,4}\b", r"\bG-[A-Z0-9]{8,12}\b", r"\bGTM-[A-Z0-9]{4,9}\b",
               r"\bca-pub-\d{10,20}\b", r"fbq\('init',\s*'(\d{10,20})'\)", r"facebook\.com/tr\?id=(\d+)"]


def _ids_in(raw: str) -> set[str]:
    found: set[str] = set()
    for pat in ID_PATTERNS:
        for m in re.finditer(pat, raw):
            found.add(m.group(1) if m.groups() else m.group(0))
    return found


def test_only_the_invented_tracking_ids_occur() -> None:
    by_site: dict[str, set[str]] = defaultdict(set)
    for path in CORPUS.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".txt", ".jsonl", ".csv"}:
            ids = _ids_in(path.read_text(encoding="utf-8", errors="replace"))
            assert ids <= INVENTED_IDS, f"{path}: unexpected tracking IDs {ids - INVENTED_IDS}"
            by_site[path.parent.name] |= ids
    assert set().union(*by_site.values()) == INVENTED_IDS
    # The operator's IDs tie two or three sites together; the independent site shares none.
    for tid in OPERATOR_IDS:
        sites = {s for s, ids in by_site.items() if tid in ids}
        assert 2 <= len(sites) <= 3, f"{tid} on {sites}"
    assert not by_site["northgate-ledger"] & OPERATOR_IDS


def test_domains_are_invented() -> None:
    platform = {"bit.ly", "t.co", "pic.twitter.com", "twitter.com", "tinyurl.com", "ow.ly",
                "www.googletagmanager.com", "www.google-analytics.com", "connect.facebook.net",
                "www.facebook.com", "pagead2.googlesyndication.com"}
    for path in CORPUS.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".txt", ".jsonl", ".csv"}:
            raw = path.read_text(encoding="utf-8", errors="replace")
            for host in re.findall(r"https?://([\w.-]+)", raw):
                assert host.endswith(".example") or host in platform, f"{path}: {host}"
            for addr in re.findall(r"\b[\w.+-]+@([\w-]+(?:\.[\w-]+)+)\b", raw):
                assert addr.endswith(".example"), f"{path}: e-mail at {addr}"


# -- text reuse -------------------------------------------------------------------

# (origin file, origin record, first words, last words) of each planted passage.
PLANTED = [
    ("lakeshore-wire/wire-2024.jsonl", "1", "Negotiators from Upper Sarn", "support ratification."),
    ("veloria-morning-post/archive-2024.txt", "3", "The three leading candidates", "still undecided."),
    ("lakeshore-wire/wire-2024.jsonl", "4", "The Velorian Health Agency said", "healthcare workers."),
]


def _passage(doc: Doc, first: str, last: str) -> str:
    start = doc.text.index(first)
    return doc.text[start:doc.text.index(last, start) + len(last)]


def _copies(passage: str, origin: Doc) -> list[tuple[Doc, float]]:
    pw = words(passage)
    out = []
    for d in load_docs():
        if d is origin or d.source == origin.source:
            continue
        dw = words(d.text)
        matched = sum(b.size for b in SequenceMatcher(None, pw, dw, autojunk=False)
                      .get_matching_blocks())
        if matched >= 0.8 * len(pw):
            out.append((d, matched / len(pw)))
    return out


@pytest.mark.parametrize(("file", "record", "first", "last"), PLANTED)
def test_reused_passages_are_republished_later_with_light_edits(
        file: str, record: str, first: str, last: str) -> None:
    origin = next(d for d in load_docs() if d.file == file and d.record == record)
    passage = _passage(origin, first, last)
    assert 60 <= len(words(passage)) <= 150
    copies = _copies(passage, origin)
    assert 3 <= len({d.source for d, _ in copies}) <= 4
    assert any(ratio < 1.0 for _, ratio in copies), "some copies are edited"
    for d, _ in copies:
        assert d.published is not None and origin.published is not None
        delay = (d.published - origin.published).total_seconds()
        assert 3600 <= delay <= 5 * 86400, f"{d.file}: {delay} s after the origin"


def test_an_inserted_sentence_recurs_across_copies() -> None:
    inserted = "Independent experts continue to question the speed of the rollout."
    holders = [d for d in load_docs() if inserted in d.text]
    assert len({d.source for d in holders}) >= 3
    origin = next(d for d in load_docs() if d.file == PLANTED[2][0] and d.record == PLANTED[2][1])
    assert inserted not in origin.text


COMMON_QUOTE = "A tram is not a luxury, it is a lifeline for working families."


def test_a_short_common_quote_is_repeated_widely_but_is_not_a_passage() -> None:
    assert len(words(COMMON_QUOTE)) < 20
    holders = [d for d in load_docs() if COMMON_QUOTE.lower() in d.text.lower()]
    assert len(holders) >= 8
    assert len({d.source for d in holders}) >= 5
    # Around the quote the holders share little: no 40-word run in common beyond it.
    texts = [words(d.text) for d in holders if len(words(d.text)) > 100]
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            longest = SequenceMatcher(None, a, b, autojunk=False).find_longest_match()
            assert longest.size < 40


# -- coordination -----------------------------------------------------------------

GROUP_A = {"hearth_voice_vl", "velo_patriot_77", "sarn_mum_of3", "true_velorian_news"}
GROUP_B = {"stop_line3_now", "rdl_taxpayer", "mill_street_max"}
POPULAR = "https://lakeshore-wire.example/sport/2024/03/28/athletic-takeover-cleared"
LINK = re.compile(r"(?:https?://)?(?:[\w-]+\.)+(?:example|ly|co|com)/[\w./-]+")


def _posts() -> list[tuple[str, datetime, str]]:
    rows = []
    for line in (CORPUS / "social" / "posts-2024.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        rows.append((r["source"], _when(r["published"]), r["text"]))
    return rows


def _bursts(window_s: float = 120) -> list[set[str]]:
    """Groups of 3+ accounts sharing one link within ``window_s`` of the first share."""
    shares: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    for account, when, text in _posts():
        for link in LINK.findall(text):
            shares[link.rstrip(".")].append((when, account))
    bursts = []
    for events in shares.values():
        events.sort()
        for i, (t0, _) in enumerate(events):
            group = {a for t, a in events[i:] if (t - t0).total_seconds() <= window_s}
            if len(group) >= 3:
                bursts.append(group)
    return bursts


def test_coordinated_groups_share_links_within_seconds_again_and_again() -> None:
    bursts = _bursts()
    assert sum(1 for b in bursts if b == GROUP_A) >= 4
    assert sum(1 for b in bursts if b == GROUP_B) >= 3
    assert all(b in (GROUP_A, GROUP_B) or b < GROUP_A or b < GROUP_B for b in bursts), \
        "no background account takes part in a burst"


def test_background_accounts_share_a_popular_link_at_random_times() -> None:
    shares = sorted((when, acc) for acc, when, text in _posts() if POPULAR in text)
    accounts = {a for _, a in shares}
    assert len(accounts) >= 8
    assert len(accounts - GROUP_A - GROUP_B) >= 8
    assert (shares[-1][0] - shares[0][0]).days >= 2
    gaps = [(b[0] - a[0]).total_seconds() for a, b in zip(shares, shares[1:], strict=False)]
    assert min(gaps) > 30 * 60


# -- broken inputs ----------------------------------------------------------------


def test_broken_jsonl_mixes_good_and_bad_records() -> None:
    lines = (BROKEN / "wire-mixed.jsonl").read_text(encoding="utf-8").splitlines()
    parsed, malformed = [], 0
    for line in lines:
        try:
            parsed.append(json.loads(line))
        except json.JSONDecodeError:
            malformed += 1
    assert malformed == 1
    assert sum(1 for r in parsed if not r["text"].strip()) == 1
    ids = [r["id"] for r in parsed]
    assert len(ids) - len(set(ids)) == 1, "one duplicate ID"
    assert sum(1 for r in parsed if _when(r["published"]) is None) == 1, "one unparsable date"
    good = [r for r in parsed if r["text"].strip() and _when(r["published"])]
    assert len(good) >= 3


def test_broken_csv_has_one_row_of_the_wrong_width() -> None:
    with (BROKEN / "letters-bad-row.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    width = len(rows[0])
    assert [len(r) for r in rows[1:]].count(width) >= 3
    assert sum(1 for r in rows[1:] if len(r) != width) == 1


def test_broken_files_are_broken_in_the_intended_way() -> None:
    with pytest.raises(UnicodeDecodeError):
        (BROKEN / "latin1-letter.txt").read_bytes().decode("utf-8")
    assert (BROKEN / "empty.txt").stat().st_size == 0
    assert b"\x00" in (BROKEN / "scan-0001.txt").read_bytes()
    blob = (BROKEN / "truncated-notices.jsonl.gz").read_bytes()
    with pytest.raises((EOFError, zlib.error, OSError)):
        gzip.decompress(blob)
    partial = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(blob).decode("utf-8", "ignore")
    complete = [json.loads(line) for line in partial.split("\n")[:-1]]
    assert complete, "the records before the cut are readable"


def test_good_files_are_clean_utf8_and_non_empty() -> None:
    for path in _good_files():
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        assert data.strip(), path
        data.decode("utf-8")
        assert b"\x00" not in data, path
