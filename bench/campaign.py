"""The planted-campaign benchmark of text reuse and coordination.

It builds a corpus with known answers and scores propscope's exports against them:

* **Articles** are made of real sentences from ``../shared/data`` (read at run time;
  nothing is copied into the repository), each sentence used once, so the only
  long shared passages are the ones planted here.
* **Planted reuse**: passages of 40-200 words from a source article are copied
  into 2-9 other sites' articles, hours to days later, with up to 15% of their
  words edited (changed, dropped, added) and, in some clusters, the same phrase
  inserted into several copies (a templated insertion).
* **Short quotes** (8-25 words) repeated in dozens of articles: never reuse.
* **Accounts**: planted groups post the same niche links within seconds of each
  other; a background of accounts posts popular links (and the groups do too) at
  random times, with popular hashtags on top.

Targets (issue 5): reuse pair precision and recall >= 0.95 with offsets overlapping
the truth by >= 80%; earliest source right for >= 95% of clusters; planted groups
recovered with pairwise F1 >= 0.95 and no background source in any community.

    python bench/campaign.py [--seed 1] [--out /tmp/campaign.duckdb] [--no-write]
"""

from __future__ import annotations

import argparse
import itertools
import json
import platform
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from benchdoc import cpu_model  # bench/ is on sys.path when run as a script
from propscope.analyze.references import REFERENCES_SCHEMA
from propscope.corpus import open_corpus
from propscope.document import Document
from propscope.link.coordination import run_coordination
from propscope.link.reuse import run_reuse
from propscope.settings import Settings

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
BENCHMARKS = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
SECTION = "## Reuse and coordination"
T0 = datetime(2024, 1, 1, tzinfo=UTC)
DAY = 86400.0

# Phrases a copier might insert, written for this benchmark (neutral wording).
INSERTS = [
    "as several independent observers have pointed out",
    "readers are encouraged to share this report widely",
    "according to people familiar with the matter",
    "in a development that surprised many analysts",
    "as our correspondents on the ground confirmed",
    "this is something the mainstream press rarely mentions",
]
WORD_RE = re.compile(r"\S+")


@dataclass
class Campaign:
    docs: list[Document] = field(default_factory=list)
    refs: list[dict[str, Any]] = field(default_factory=list)
    clusters: list[list[tuple[str, int, int]]] = field(default_factory=list)  # source first
    templates: list[tuple[int, str]] = field(default_factory=list)  # (cluster, phrase)
    groups: list[list[str]] = field(default_factory=list)
    background: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)


def _fresh(line: str, seen: set[tuple[str, ...]]) -> bool:
    """True (and remembered) when ``line`` shares no 6-word run with a line kept before.

    News articles quote each other, so the source data holds some real reuse of its
    own; dropping near-duplicate lines keeps the planted passages the only reuse.
    """
    words = [w.lower() for w in re.findall(r"\w+", line)]
    grams = {tuple(words[i:i + 6]) for i in range(max(1, len(words) - 5))}
    if len(words) < 5 or grams & seen:
        return False
    seen.update(grams)
    return True


def _sentences() -> tuple[list[str], list[str]]:
    """English sentences (PTC, one per line) and other-language paragraphs, deduplicated."""
    if not DATA.exists():
        sys.exit(f"data not found: {DATA}")
    seen: set[tuple[str, ...]] = set()
    english, other = [], []
    for path in sorted((DATA / "ptc2020" / "articles").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").split("\n")[2:]:
            if _fresh(line.strip(), seen):
                english.append(line.strip())
    for lang in ("fr", "ge", "it", "po", "ru"):
        for path in sorted((DATA / "semeval2023" / lang / "articles").glob("*.txt")):
            for line in path.read_text(encoding="utf-8").split("\n")[2:]:
                if _fresh(line.strip(), seen):
                    other.append(line.strip())
    return english, other


def _edit(words: list[str], rate: float, vocab: list[str], rnd: random.Random) -> list[str]:
    out = list(words)
    for _ in range(round(rate * len(words))):
        op = rnd.random()
        pos = rnd.randrange(1, len(out) - 1)
        if op < 0.5:
            out[pos] = rnd.choice(vocab)
        elif op < 0.75:
            del out[pos]
        else:
            out.insert(pos, rnd.choice(vocab))
    return out


def _doc(text: str, source: str, when: float, n: int) -> Document:
    return Document.create(text, source=source, published=T0 + timedelta(seconds=when),
                           file=f"campaign/{source}.jsonl", record=str(n))


def generate(seed: int = 1, n_clusters: int = 60, n_background: int = 400,
             n_foreign: int = 400, n_groups: int = 6, n_accounts: int = 300) -> Campaign:
    rnd = random.Random(seed)
    english, other = _sentences()
    rnd.shuffle(english)
    rnd.shuffle(other)
    vocab = sorted({w for s in english[:2000] for w in s.split() if w.isalpha() and len(w) > 3})
    pool = iter(english)
    c = Campaign()
    counter = itertools.count()
    sites = [f"site-{i:03d}" for i in range(80)]

    def take(k: int) -> list[str]:
        return [next(pool) for _ in range(k)]

    # planted reuse
    for ci in range(n_clusters):
        before, body = take(rnd.randint(2, 6)), take(20)
        length = rnd.randint(40, 200)
        words = " ".join(body).split()[:length]
        passage = " ".join(words)
        head = " ".join(before) + "\n"
        src_text = head + passage + "\n" + " ".join(take(rnd.randint(2, 6)))
        t_src = rnd.uniform(0, 60 * DAY)
        src_site, *copy_sites = rnd.sample(sites, 10)
        n_copies = rnd.randint(2, 9)
        src = _doc(src_text, src_site, t_src, next(counter))
        members = [(src.doc_id, len(head), len(head) + len(passage))]
        c.docs.append(src)
        phrase = rnd.choice(INSERTS) if rnd.random() < 0.35 else None
        used_phrase = 0
        for k in range(n_copies):
            copied = _edit(words, rnd.uniform(0, 0.15), vocab, rnd)
            if phrase and (rnd.random() < 0.7 or (k == n_copies - 1 and used_phrase < 2)):
                at = rnd.randrange(5, len(copied) - 5)
                copied[at:at] = phrase.split()
                used_phrase += 1
            copy_text = " ".join(copied)
            host_head = " ".join(take(rnd.randint(1, 6))) + " "
            text = host_head + copy_text + " " + " ".join(take(rnd.randint(1, 6)))
            d = _doc(text, copy_sites[k], t_src + rnd.uniform(3600, 5 * DAY), next(counter))
            c.docs.append(d)
            members.append((d.doc_id, len(host_head), len(host_head) + len(copy_text)))
        c.clusters.append(members)
        if phrase and used_phrase >= 2:
            c.templates.append((ci, phrase))

    # background articles, English and other languages, some with widely repeated quotes
    c.quotes = [s for s in english[-3000:] if 8 <= len(s.split()) <= 25][:12]
    for i in range(n_background + n_foreign):
        sents = take(rnd.randint(6, 16)) if i < n_background else \
            [other.pop() for _ in range(rnd.randint(3, 8))]
        if rnd.random() < 0.5:
            sents.insert(rnd.randrange(len(sents) + 1), rnd.choice(c.quotes))
        c.docs.append(_doc(" ".join(sents), rnd.choice(sites), rnd.uniform(0, 65 * DAY),
                           next(counter)))

    # accounts: planted groups and background, sharing links and hashtags
    popular = [f"https://popular-{i % 17}.example/story/{i}" for i in range(200)]
    weights = [1.0 / (i + 1) ** 0.8 for i in range(len(popular))]
    tags = [f"topic{i}" for i in range(40)]

    def post(account: str, url: str, when: float) -> None:
        words = rnd.choice(english).split()[: rnd.randint(6, 14)]
        hashtags = rnd.sample(tags, rnd.randint(0, 2))
        text = " ".join(words) + " " + url + "".join(f" #{t}" for t in hashtags)
        d = _doc(text, account, when, next(counter))
        c.docs.append(d)
        start = text.index(url)
        c.refs.append(_ref(d.doc_id, "url", url, url.lower(), start, len(url)))
        for t in hashtags:
            s = text.index("#" + t)
            c.refs.append(_ref(d.doc_id, "hashtag", "#" + t, t, s, len(t) + 1))

    for g in range(n_groups):
        members = [f"acct-g{g}-{i}" for i in range(rnd.randint(3, 8))]
        c.groups.append(members)
        for k in range(rnd.randint(8, 15)):
            url = f"https://outlet-{g}.example/news/{k}"
            t = rnd.uniform(0, 60 * DAY)
            for m in members:
                post(m, url, t + rnd.uniform(0, 30))
        for m in members:
            for _ in range(rnd.randint(3, 15)):
                post(m, rnd.choices(popular, weights)[0], rnd.uniform(0, 60 * DAY))
    for a in range(n_accounts):
        account = f"acct-bg-{a:03d}"
        c.background.append(account)
        for _ in range(rnd.randint(5, 30)):
            post(account, rnd.choices(popular, weights)[0], rnd.uniform(0, 60 * DAY))
    return c


def _ref(doc_id: str, kind: str, value: str, norm: str, start: int, n: int) -> dict[str, Any]:
    return {"doc_id": doc_id, "kind": kind, "value": value, "normalized": norm, "start": start,
            "end": start + n, "author": None, "handle": None, "posted": None,
            "domain": value.split("/")[2] if kind == "url" else None, "is_shortener": False,
            "subtype": None, "location": "text", "parent_start": None}


def load(c: Campaign, path: Path) -> None:
    docs = list(c.docs)
    random.Random(0).shuffle(docs)  # arrival order says nothing about publication order
    with open_corpus(path) as corpus:
        run_id = corpus.start_run("bench-campaign")
        for i in range(0, len(docs), 2000):
            corpus.add_documents(docs[i:i + 2000], run_id)
        refs = pa.Table.from_pylist(c.refs, schema=REFERENCES_SCHEMA)
        corpus.write_stage("references", "bench", run_id, [d.doc_id for d in docs],
                           {"doc_references": refs})


def _overlap(pred: tuple[int, int], truth: tuple[int, int]) -> float:
    inter = max(0, min(pred[1], truth[1]) - max(pred[0], truth[0]))
    return min(inter / (truth[1] - truth[0]), inter / max(1, pred[1] - pred[0]))


def score(c: Campaign, path: Path) -> dict[str, Any]:
    with open_corpus(path) as corpus:
        pairs = corpus.df("reuse_pairs")
        clusters = corpus.df("reuse_clusters")
        insertions = corpus.df("reuse_insertions")
        communities = corpus.df("communities")
    truth: dict[tuple[str, str], tuple[tuple[int, int], tuple[int, int]]] = {}
    for members in c.clusters:
        for (d1, s1, e1), (d2, s2, e2) in itertools.combinations(members, 2):
            key = (min(d1, d2), max(d1, d2))
            truth[key] = ((s1, e1), (s2, e2)) if d1 < d2 else ((s2, e2), (s1, e1))
    matched: set[tuple[str, str]] = set()
    good = overlaps = 0
    for p in pairs.itertuples():
        key = (min(p.doc_a, p.doc_b), max(p.doc_a, p.doc_b))
        if key not in truth:
            continue
        span = {p.doc_a: (p.a_start, p.a_end), p.doc_b: (p.b_start, p.b_end)}
        ov = min(_overlap(span[key[0]], truth[key][0]), _overlap(span[key[1]], truth[key][1]))
        overlaps += 1
        if ov >= 0.8 and key not in matched:
            good += 1
            matched.add(key)
    precision = good / max(1, len(pairs))
    recall = len(matched) / len(truth)
    earliest_ok = 0
    by_doc = clusters.groupby("doc_id")
    for members in c.clusters:
        src = members[0][0]
        if src not in by_doc.groups:
            continue
        rows = by_doc.get_group(src)
        cids = set(rows.cluster_id)
        firsts = clusters[clusters.cluster_id.isin(cids) & clusters.is_earliest]
        copies = {m[0] for m in members[1:]}
        covered = set(clusters[clusters.cluster_id.isin(cids)].doc_id)
        if set(firsts.doc_id) == {src} and copies <= covered:
            earliest_ok += 1
    templated = sum(1 for ci, phrase in c.templates
                    if any(phrase in t.lower() for t in insertions.text))
    # coordination: pairwise F1 over "same community"
    truth_pairs = {frozenset(p) for g in c.groups for p in itertools.combinations(g, 2)}
    pred_pairs = {frozenset(p) for _, grp in communities.groupby("community_id")
                  for p in itertools.combinations(sorted(grp.source), 2)}
    tp = len(truth_pairs & pred_pairs)
    cp = tp / max(1, len(pred_pairs))
    cr = tp / len(truth_pairs)
    planted = {m for g in c.groups for m in g}
    outsiders = sorted(set(communities.source) - planted)
    return {
        "documents": len(c.docs), "planted_clusters": len(c.clusters),
        "planted_pairs": len(truth), "reported_pairs": len(pairs),
        "pair_precision": round(precision, 4), "pair_recall": round(recall, 4),
        "earliest_right": round(earliest_ok / len(c.clusters), 4),
        "templated_found": f"{templated}/{len(c.templates)}",
        "groups": len(c.groups), "group_members": len(planted),
        "background_accounts": len(c.background), "communities": communities.community_id.nunique(),
        "group_precision": round(cp, 4), "group_recall": round(cr, 4),
        "group_f1": round(2 * cp * cr / max(1e-9, cp + cr), 4),
        "background_in_communities": len(outsiders),
    }


def machine() -> str:
    import os

    return f"{os.cpu_count()}-core Debian VM, {cpu_model()}, Python {platform.python_version()}"


def write_subsection(title: str, body: str, path: Path = BENCHMARKS) -> None:
    """Replace ``### title`` inside ``## Reuse and coordination``; leave the rest untouched."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    block = f"### {title}\n\n{body.strip()}\n"
    start = text.find(SECTION + "\n")
    if start < 0:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\n{block}"
    else:
        end = text.find("\n## ", start + len(SECTION))
        end = len(text) if end < 0 else end + 1
        section = text[start:end]
        sub = section.find(f"### {title}\n")
        if sub < 0:
            section = section.rstrip("\n") + f"\n\n{block}"
        else:
            sub_end = section.find("\n### ", sub + 4)
            sub_end = len(section) if sub_end < 0 else sub_end + 1
            section = section[:sub] + block + ("\n" if sub_end < len(section) else "") + \
                section[sub_end:]
        text = text[:start] + section.rstrip("\n") + "\n" + ("\n" + text[end:] if end < len(text) else "")
    path.write_text(text, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=None, help="corpus file (default: a temp dir)")
    ap.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = ap.parse_args()
    path = args.out or Path(tempfile.mkdtemp()) / "campaign.duckdb"
    if path.exists():
        path.unlink()
    t = time.perf_counter()
    c = generate(args.seed)
    load(c, path)
    t_load = time.perf_counter() - t
    with open_corpus(path) as corpus:
        t = time.perf_counter()
        reuse = run_reuse(corpus, Settings(), "bench")
        coord = run_coordination(corpus, Settings(), "bench")
        t_link = time.perf_counter() - t
    result = score(c, path)
    result.update({"window_s": round(coord["window_s"], 1), "edges": coord["edges"],
                   "generate_load_s": round(t_load, 1), "link_s": round(t_link, 1),
                   "reuse_summary": reuse})
    print(json.dumps(result, indent=2, default=str))
    if args.no_write:
        return
    ok = lambda v, target: "yes" if v >= target else "NO"  # noqa: E731
    body = f"""
Command: `python bench/campaign.py --seed {args.seed}` ({datetime.now(UTC):%Y-%m-%d}, {machine()}).

A generated corpus of {result['documents']} documents: articles made of real sentences from
`../shared/data` (each sentence used once), {result['planted_clusters']} planted reuse clusters
(passages of 40-200 words copied to 2-9 other sites 1 hour to 5 days later, 0-15% of words
changed/dropped/added, a templated phrase in some), 12 short quotes repeated in about 400
articles, {result['groups']} planted account groups ({result['group_members']} accounts posting
the same niche links within 30 s) among {result['background_accounts']} background accounts
posting popular links and hashtags at random times (the groups do too).

| Measure | Value | Target | Met |
|---|---|---|---|
| Reuse pair precision (offsets overlap truth >= 80%) | {result['pair_precision']} | >= 0.95 | {ok(result['pair_precision'], 0.95)} |
| Reuse pair recall (offsets overlap truth >= 80%) | {result['pair_recall']} | >= 0.95 | {ok(result['pair_recall'], 0.95)} |
| Planted / reported pairs | {result['planted_pairs']} / {result['reported_pairs']} | | |
| Clusters with the right earliest source (and every copy) | {result['earliest_right']} | >= 0.95 | {ok(result['earliest_right'], 0.95)} |
| Templated insertions reported | {result['templated_found']} | | |
| Coordination window (estimated) | {result['window_s']} s | | |
| Group recovery, pairwise F1 (P / R) | {result['group_f1']} ({result['group_precision']} / {result['group_recall']}) | >= 0.95 | {ok(result['group_f1'], 0.95)} |
| Background sources placed in a community | {result['background_in_communities']} | 0 | {'yes' if result['background_in_communities'] == 0 else 'NO'} |
| Time: generate + load / reuse + coordination | {result['generate_load_s']} s / {result['link_s']} s | | |
"""
    write_subsection("Planted campaign", body)


if __name__ == "__main__":
    main()
