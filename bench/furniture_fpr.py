"""Stuffing false-positive rate on raw news pages with page furniture, and recall on stuffing.

Real scraped pages wrap an article in what the site's template repeats: ad slots
("This advertisement has not loaded yet, but your article continues below"), photo
galleries whose captions end in the same credit, share bars and "Read more" lines,
bylines and datelines repeated in each section. Repeated within one page, that text
looks like stuffing to a rule that only counts. This benchmark builds such pages: six
invented "sites", each with its own HTML template (galleries, ad slots, share bars,
photo credits, bylines, newsletter boxes; some marked up with classes, some plain
paragraphs), wrapped around the article texts of ``../shared/data``, and runs them
through the real pipeline (HTML ingest with trafilatura -> DuckDB corpus -> the
``references`` and ``repetitions`` analyzers). Every page with a ``stuffing`` or
``templated_insertion`` row counts against the analyzer (target: at most 1% of pages).

Recall: ``--stuffed`` further articles get a set-off aside inserted after a name
again and again (the shape of the sample article), in the same templates; each must
still be found, with its exact phrase. The sample article must stay exact too.

    python bench/furniture_fpr.py [--data ../shared/data] [--pages 360] [--stuffed 48]
        [--no-write]

Writes the section ``## Page furniture false-positive rate`` of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import html
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fpr_common import (  # bench/ is on sys.path when run as a script
    SAMPLE,
    add_common_args,
    add_no_write,
    publish,
    report_header,
    sample_repetitions,
)

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Page furniture false-positive rate"
AGENCIES = ["Reuters", "AFP via Getty Images", "AP Photo", "EPA", "Shutterstock", "Getty Images"]
PHOTOGRAPHERS = ["Ana Varga", "Tom Reyes", "Lena Koch", "Sam Okafor", "Mira Lind", "Jon Bell",
                 "Ines Morel", "Raj Patel"]
ASIDES = ["(Harbour Freedom Front / HFF)", "(Veloria Civic Union - VCU)", "(Northern Unity Party)",
          "(People's Reform Alliance / PRA)", "(Sarn Water Council - SWC)", "(Free Brenn Movement)"]


def _paragraphs(text: str) -> tuple[str, list[str]]:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[0], lines[1:]


_USED: dict[int, set[str]] = {}
# Headlines of the other articles: what "Read more" and "RELATED" lines point to.
HEADLINES: list[str] = []


def _headline(rng: random.Random, own: str) -> str:
    pick = rng.choice(HEADLINES)
    return pick if pick != own else rng.choice(HEADLINES)


def _sentence(paras: list[str], rng: random.Random) -> str:
    """A caption or headline from the article: a first sentence not used yet on this page
    (a real gallery does not caption two pictures with the same sentence)."""
    used = _USED.setdefault(id(paras), set())
    fresh = [p.split(". ")[0].rstrip(".")[:140] for p in paras]
    fresh = [s for s in fresh if s not in used]
    pick = rng.choice(fresh) if fresh else f"Scene {len(used) + 1} of the day"
    used.add(pick)
    return pick


def _e(s: str) -> str:
    return html.escape(s, quote=True)


def _page(site: str, title: str, body: str, head_extra: str = "") -> str:
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{_e(title)}"
            f" | {_e(site)}</title>{head_extra}</head><body>"
            f"<header><nav><a href=\"/\">{_e(site)}</a> <a href=\"/world\">World</a> "
            "<a href=\"/politics\">Politics</a> <a href=\"/opinion\">Opinion</a></nav></header>"
            f"<main>{body}</main><footer><p>&copy; 2024 {_e(site)}. All rights reserved.</p>"
            "<p><a href=\"/privacy\">Privacy</a> <a href=\"/terms\">Terms</a></p></footer>"
            "</body></html>")


def _gallery(rng: random.Random, paras: list[str], site: str, n: int, form: str) -> str:
    who = rng.choice(PHOTOGRAPHERS)
    agency = rng.choice(AGENCIES)
    out = []
    for _ in range(n):
        cap = _sentence(paras, rng)
        if form == "figure":
            out.append(f"<figure><img src=\"/img/{rng.randrange(10**6)}.jpg\" alt=\"\">"
                       f"<figcaption>{_e(cap)}. (Photo: {_e(who)} / {_e(agency)})</figcaption></figure>")
        elif form == "site_caption":
            out.append(f"<p><strong>{_e(site)}</strong> &mdash; {_e(cap)}. "
                       f"Photograph: {_e(who)}/{_e(agency)}</p>")
        else:
            out.append(f"<p>{_e(cap)}.</p><p class=\"credit\">Image: {_e(who)} / {_e(agency)}</p>")
    return "".join(out)


# Each site: how furniture is put between the article's paragraphs.
def site_courier(rng: random.Random, title: str, paras: list[str]) -> str:
    """Ad slots with the 'continues below' placeholder, marked up as ad containers."""
    body = [f"<article><h1>{_e(title)}</h1><p class=\"byline\">By Clara Monte, Staff Reporter</p>"]
    for i, p in enumerate(paras):
        body.append(f"<p>{_e(p)}</p>")
        if i % 3 == 2:
            body.append("<div class=\"ad-slot\"><p>Advertisement</p><p>This advertisement has not "
                        "loaded yet, but your article continues below.</p></div>")
    body.append("</article>")
    return _page("Harbour Courier", title, "".join(body))


def site_gallery(rng: random.Random, title: str, paras: list[str]) -> str:
    """A photo gallery whose captions all end in the same credit (figure/figcaption)."""
    body = [f"<article><h1>{_e(title)}</h1>"]
    for i, p in enumerate(paras):
        body.append(f"<p>{_e(p)}</p>")
        if i % 2 == 1:
            body.append(_gallery(rng, paras, "Lowmere Times", 2, "figure"))
    body.append("</article>")
    return _page("Lowmere Times", title, "".join(body))


def site_plain(rng: random.Random, title: str, paras: list[str]) -> str:
    """Furniture as plain paragraphs (no classes): placeholders, 'Read more', site-name captions."""
    body = [f"<article><h1>{_e(title)}</h1>"]
    for i, p in enumerate(paras):
        body.append(f"<p>{_e(p)}</p>")
        if i % 3 == 0:
            body.append("<p>Story continues below advertisement</p>")
        if i % 3 == 1:
            body.append(f"<p>Read more: {_e(_headline(rng, title))}</p>")
        if i % 4 == 3:
            body.append(_gallery(rng, paras, "Brenn Observer", 1, "site_caption"))
    body.append("</article>")
    return _page("Brenn Observer", title, "".join(body))


def site_sections(rng: random.Random, title: str, paras: list[str]) -> str:
    """Sections, each with its byline, dateline and a share bar."""
    body = [f"<article><h1>{_e(title)}</h1>"]
    for i, p in enumerate(paras):
        if i % 3 == 0:
            body.append(f"<h2>Part {i // 3 + 1}</h2><p>By Jonas Ekdahl and Priya Raman | "
                        "Updated 10:42 GMT</p>")
            body.append("<div class=\"share-bar\">Share this article: Facebook Twitter WhatsApp "
                        "Email Copy link</div>")
            body.append(f"<p>PORT HALDEN (Karsland Post) - {_e(p)}</p>")
        else:
            body.append(f"<p>{_e(p)}</p>")
    body.append("</article>")
    return _page("Karsland Post", title, "".join(body))


def site_credits(rng: random.Random, title: str, paras: list[str]) -> str:
    """Photo credit lines under pictures, a newsletter box and 'related' lines."""
    body = [f"<article><h1>{_e(title)}</h1><p>Sat 4 May 2024 09.12 BST</p>"]
    for i, p in enumerate(paras):
        body.append(f"<p>{_e(p)}</p>")
        if i % 2 == 0:
            body.append(_gallery(rng, paras, "Sarn Daily", 1, "credit"))
        if i == 2:
            body.append("<aside class=\"newsletter\"><p>Sign up to our free morning briefing "
                        "newsletter</p><p>Get the day's top stories in your inbox</p></aside>")
        if i % 4 == 3:
            body.append(f"<p>RELATED: {_e(_headline(rng, title))}</p>")
    body.append("</article>")
    return _page("Sarn Daily", title, "".join(body))


def site_wire(rng: random.Random, title: str, paras: list[str]) -> str:
    """A wire reprint: 'Continue reading below', repeated source lines and keyword tags."""
    body = [f"<article><h1>{_e(title)}</h1>"]
    for i, p in enumerate(paras):
        body.append(f"<p>{_e(p)}</p>")
        if i % 2 == 1:
            body.append("<p>Continue reading below</p>")
        if i % 5 == 4:
            body.append("<p>(Reporting by Ana Varga; Editing by Tom Reyes)</p>")
    body.append("<p>Follow us on Facebook, Twitter and Telegram for the latest news</p></article>")
    return _page("Veloria Wire", title, "".join(body))


SITES: dict[str, Callable[[random.Random, str, list[str]], str]] = {
    "harbour-courier": site_courier, "lowmere-times": site_gallery, "brenn-observer": site_plain,
    "karsland-post": site_sections, "sarn-daily": site_credits, "veloria-wire": site_wire,
}


def stuff(rng: random.Random, paras: list[str], aside: str, times: int) -> list[str]:
    """The article with ``aside`` inserted after a name ``times`` times (as in the sample)."""
    name = aside.strip("()").split(" /")[0].split(" -")[0]
    out = list(paras)
    slots = sorted(rng.sample(range(len(out)), min(times, len(out))))
    for k, idx in enumerate(slots):
        words = out[idx].split(" ")
        cut = max(1, len(words) // 2)
        lead = "the" if k % 2 else "supporters of the"
        out[idx] = " ".join(words[:cut] + [f"{lead} {name} {aside},"] + words[cut:])
    return out


def articles(data: Path) -> list[Path]:
    files = sorted((data / "ptc2020" / "articles").glob("*.txt"))
    seen = {f.stem for f in files}
    files += [f for f in sorted((data / "semeval2023" / "en" / "articles").glob("*.txt"))
              if f.stem not in seen]
    return files


def build(data: Path, out: Path, pages: int, stuffed: int, seed: int
          ) -> tuple[dict[str, str], dict[str, str]]:
    """Write the pages; returns page -> site, and stuffed page -> inserted phrase."""
    rng = random.Random(seed)
    files = [f for f in articles(data) if len(f.read_text(encoding="utf-8").splitlines()) >= 8]
    rng.shuffle(files)
    names = list(SITES)
    HEADLINES[:] = [_paragraphs(f.read_text(encoding="utf-8"))[0] for f in files]
    site_of: dict[str, str] = {}
    planted: dict[str, str] = {}
    for k, f in enumerate(files[:pages + stuffed]):
        title, paras = _paragraphs(f.read_text(encoding="utf-8"))
        _USED.clear()
        site = names[k % len(names)]
        page = f"{site}/{f.stem}.html"
        if k >= pages:
            aside = ASIDES[k % len(ASIDES)]
            paras = stuff(rng, paras, aside, 6)
            planted[page] = aside
        (out / site).mkdir(parents=True, exist_ok=True)
        (out / page).write_text(SITES[site](rng, title, paras), encoding="utf-8")
        site_of[page] = site
    return site_of, planted


def measure(root: Path, site_of: dict[str, str], planted: dict[str, str]) -> dict:
    from propscope import load_settings, open_corpus
    from propscope.pipeline import run

    corpus_path = root / "corpus.duckdb"
    t0 = time.perf_counter()
    run([str(root / s) for s in SITES], corpus_path, None,
        load_settings(analyzers=("references", "repetitions")))
    seconds = time.perf_counter() - t0
    with open_corpus(corpus_path, read_only=True) as c:
        files = dict(c.con.execute("SELECT doc_id, file FROM documents").fetchall())
        reps = c.con.execute("SELECT doc_id, kind, rule, phrase, count FROM repetitions").fetchall()
        tables = {r[0] for r in c.con.execute("SELECT table_name FROM information_schema.tables")
                  .fetchall()}
        furniture = (c.con.execute("SELECT count(*), count(DISTINCT doc_id) FROM page_furniture")
                     .fetchone() if "page_furniture" in tables else (0, 0))
    page_of = {d: str(Path(f).relative_to(root)) if Path(f).is_absolute() else f
               for d, f in files.items()}
    by_page: dict[str, list[tuple]] = {}
    for doc_id, kind, rule, phrase, count in reps:
        if kind in ("stuffing", "templated_insertion"):
            by_page.setdefault(page_of[doc_id].split(str(root) + "/")[-1], []).append(
                (kind, rule, phrase, count))
    plain = [p for p in site_of if p not in planted]
    false = {p: by_page[p] for p in plain if p in by_page}
    found = [p for p, aside in planted.items() if any(r[2] == aside for r in by_page.get(p, []))]
    per_site = {s: (sum(1 for p in plain if site_of[p] == s),
                    sum(1 for p in false if site_of[p] == s)) for s in SITES}
    return {"pages": len(plain), "ingested": len(files), "false": false, "per_site": per_site,
            "stuffed": len(planted), "found": len(found), "seconds": seconds,
            "furniture_rows": furniture[0], "furniture_pages": furniture[1]}


def sample_check(samples: Path) -> str:
    rows = sample_repetitions(samples)
    if rows is None:
        sys.exit(f"sample not found: {samples / SAMPLE}")
    got = [(r["phrase"], r["count"], r["kind"]) for r in rows]
    if got != [("(PMOI / MEK Iran)", 9, "stuffing")]:
        sys.exit(f"the sample is no longer exact: {got}")
    return "'(PMOI / MEK Iran)' x9, stuffing, and nothing else"


def render(res: dict, sample: str, command: str) -> str:
    n, f = res["pages"], len(res["false"])
    lines = [
        *report_header(SECTION, command),
        f"{n} article texts from `../shared/data` (ptc2020, semeval2023/en) wrapped in six "
        "invented sites' HTML templates (ad slots with placeholders, photo galleries with "
        "repeated credits, share bars, bylines and datelines per section, newsletter boxes, "
        "'Read more' and 'Continue reading' lines), run through the real pipeline "
        f"(HTML ingest, DuckDB corpus, references + repetitions; {res['seconds']:.0f} s in all).", "",
        "| site (template) | pages | pages with stuffing / templated insertion |",
        "|---|---:|---:|",
    ]
    for site, (pages, hits) in res["per_site"].items():
        lines.append(f"| {site} | {pages} | {hits} |")
    lines += [f"| **all** | {n} | {f} ({100 * f / max(n, 1):.2f}%) |", "",
              f"Page furniture kept apart: {res['furniture_rows']} `page_furniture` rows on "
              f"{res['furniture_pages']} pages.", "",
              f"Recall on stuffing: {res['found']} of {res['stuffed']} pages with an inserted "
              "aside (6 times after a name, in the same templates) found with their exact phrase.",
              "", f"Sample article: {sample}.", ""]
    if res["false"]:
        lines += ["Pages still flagged:", ""]
        for page, rows in sorted(res["false"].items()):
            for kind, rule, phrase, count in rows:
                lines.append(f"- {page}: {kind} ({rule}) '{phrase[:80]}' x{count}")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_args(ap)
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--stuffed", type=int, default=48)
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--keep", type=Path, help="build the pages here and keep them")
    add_no_write(ap)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        site_of, planted = build(args.data, root, args.pages, args.stuffed, args.seed)
        res = measure(root, site_of, planted)
    sample = sample_check(args.samples)
    command = "python bench/furniture_fpr.py" + (f" --pages {args.pages}" if args.pages != 300 else "")
    publish(SECTION, render(res, sample, command), args.no_write)


if __name__ == "__main__":
    main()
