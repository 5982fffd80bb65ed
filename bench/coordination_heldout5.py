"""Fifth, independent held-out check of coordination (issue 15): four platforms' own exports,
planted groups, innocent look-alikes, a negative control, propscope against two baselines.

Seeds: DEV seed 5105 (run while building the generator, to check that it works and looks
like real data) and HELD-OUT seed 77023 (never run by its author; run once by the lead on
the merged code; ``result.json`` then carries ``"held_out": true``).

Run as a new user would::

    python bench/coordination_heldout5.py --seed 5105 --out /tmp/h5 --world both --json

writes the exports under ``OUT/<world>/data/``, runs ``propscope run DATA --corpus ...
--out ...`` through the CLI in a subprocess (``--techniques off``: the technique model is
not used by coordination and would take most of the CPU), reads ``communities.parquet``,
scores it against the planted groups, runs the two baselines on the same posts and writes
``OUT/result.json``.

What the generator writes (``heldout5_world.py``: behaviour; ``heldout5_formats.py``:
files; ``heldout5_text.py``: words). ``--size full``: 14 days, about 2,400 accounts and
38,000 posts in nine languages and four scripts (en, de, fr, es, pt, pl; ru, uk Cyrillic;
ar Arabic; emoji), in the exports propscope reads without mappings:

- Mastodon statuses: a JSON Lines crawl and a JSON-array page dump that overlap (the same
  status twice), boosts with the boosted status nested, HTML content with link and hashtag
  anchors, remote accounts as ``user@server``, one truncated line.
- Reddit Pushshift NDJSON: submissions, and comments in two dumps that overlap; some
  ``created_utc`` as floats; one truncated line.
- Telegram Desktop exports, one ``result.json`` per channel (the channel's title, in
  Cyrillic, is the source) and one public supergroup (members are sources); local ``date``
  of the exporting machine (UTC+3) beside ``date_unixtime``, and one channel exported by an
  old client with only the local ``date`` (its times are 3 hours off when read as UTC).
- CrowdTangle CSV: two saved-list downloads, one in US Eastern time (EST, then EDT after
  8 March 2026) with seconds, one in CET rounded to the minute; pages in both lists appear
  twice; short ``Link`` with its ``Final Link``; one row whose date the tool mangled.

Innocent look-alikes (types as reported by the scorer), each because real data has it:

- ``ordinary``: everyday posts, shares of the day's popular articles in the person's
  language, evergreen links shared all day by everyone (YouTube, a petition), the day's
  trending hashtag (in two cases), replies and boosts of popular accounts. They also make
  the **breaking-news bursts**: 8 stories in 14 days, each shared by 40-300 strangers
  across platforms within minutes (half within ~90 s), half of them pasting the headline
  with small edits and the same breaking hashtag. Every share writes the URL in its own
  form (``m.``/``www.``, ``http``, case, AMP, trailing slash, fragment, ``utm_*``,
  ``fbclid``, ``igshid``, ``si``; short links, expanded only where CrowdTangle says).
- ``outlet`` and ``outlet_staff``: 12 outlets post most of their articles minutes after
  publication; their journalists re-share a third of them: the same links, again and again.
- ``aggregator_bot``: RSS bots that poll a few outlets every 5-30 minutes and post each
  item (the headline and the link) seconds apart; bots following the same outlets co-share
  hundreds of links and identical texts.
- ``fan`` and ``star``: fans boost (some within seconds) and answer nearly every post of
  their star: co-boosts and co-replies on many items.
- ``friend_circle``: five friends answering each other's posts within minutes.
- ``scheduled_bot``: crypto-price bots on the hour with the same hashtags, weather bots,
  a prayer-times page: templated near-identical texts at the same minute, every hour.
- ``live_commenter`` (and ``live_thread_mod``): football match threads where 50-150 people
  comment under one thread for two hours and, at each goal, dozens post nearly the same
  cry within a minute; regulars come back to every match.
- ``news_channel``, ``big_channel``: Telegram channels forwarding viral posts of big
  channels within the hour; ``chat_member``: a busy group chat with replies.
- ``amplified_target``, ``harassed_critic``: the accounts the planted groups boost or reply
  to (innocent victims or beneficiaries, not members).

Planted groups (``--size full``; 12 groups, 3-50 members, 10-32 items each, members also
live an ordinary life, join bursts and miss many of their group's actions; "(+3)": members
of another group acting here too):

| group | kind | timing | size | platform, language | participation |
|---|---|---|---|---|---|
| fb_link_seconds | url | 3-60 s | 8 | CrowdTangle, es | 0.7 |
| masto_text_de | text (near-identical, small edits) | minutes | 12 | Mastodon, de | 0.55 |
| masto_hashtag_sets | hashtag (new set of 3 per item) | minutes | 20 (+3) | Mastodon, fr | 0.5 |
| masto_coboost | retweet (boost) | 20-120 s | 30 | Mastodon, en | 0.5 |
| tg_forward_ring | forward (a hub channel and a ring) | 30-180 s | 7 | Telegram, ru | 0.8 |
| reddit_coreply | reply | 2-15 min | 5 | Reddit, en | 0.8 |
| reddit_links_hour | url | spread over an hour | 15 | Reddit, en | 0.6 |
| masto_big_mixed | url + hashtag | minutes | 45 (+5) | Mastodon, en | 0.35 |
| fb_trio | url | 3-60 s | 3 | CrowdTangle, pt | 1.0 |
| cross_reddit_fb | url | minutes | 10 (3 on both) | Reddit + CrowdTangle, en | 0.6 |
| tg_chat_text_ru | text | 3-60 s | 9 | Telegram group, ru | 0.6 |
| fb_text_ar_hour | text | spread over an hour | 7 | CrowdTangle, ar | 0.7 |

The negative control (``--world control``) is the same seed's world without the planted
actions: the same accounts, the same innocent behaviour.

Scorer: per planted group the best-matching community's F1 (members as sources), the
mean over groups (target 0.95), whether that community's ``dominant_kind`` is the group's
kind; the non-planted accounts placed in any community, by innocent type; for the control,
the number of communities and of accounts in them.

Baselines on the same posts (what each export lets a reader see) and the same scorer:
the CooRnet/CooRTweet recipe implemented here (a fixed window, 60 s; an edge for a pair
that co-shared at least 3 distinct objects within it: links as written or expanded by the
platform, hashtags, reposted/replied-to/forwarded posts, identical texts; communities =
connected components), and QUT's ``coordination-network-toolkit`` (its CLI: ``preprocess``,
``compute`` co_link / co_similar_tweet / co_retweet / co_reply with ``--time_window 60
--min_edge_weight 3``, ``export_network`` as GraphML; communities = connected components of
the union), when it is installed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from heldout5_formats import Row, write_world
from heldout5_world import World, build_world

DEV_SEED = 5105
HELD_OUT_SEED = 77023
ROOT = Path(__file__).resolve().parent.parent
WINDOW_S = 60
MIN_CO = 3
GroupsOut = dict[str, set[str]]


# ---- scoring -------------------------------------------------------------------------------
def f1(truth: set[str], found: set[str]) -> float:
    """F1 of one found set against one true set."""
    hit = len(truth & found)
    return 2 * hit / (len(truth) + len(found)) if hit else 0.0


def score(truth: dict[str, set[str]], kinds: dict[str, str], communities: GroupsOut,
          dominant: dict[str, str], types: dict[str, str]) -> dict[str, object]:
    """Planted-group F1 (best match per group), kind found, innocents placed by type.

    ``truth``: group -> member sources; ``kinds``: group -> expected dominant kind;
    ``communities``: community -> member sources; ``dominant``: community -> its
    dominant kind (empty for a baseline); ``types``: source -> innocent type."""
    planted = set().union(*truth.values()) if truth else set()
    placed = set().union(*communities.values()) if communities else set()
    groups: dict[str, dict[str, object]] = {}
    scores: list[float] = []
    for name, members in sorted(truth.items()):
        best, best_id = 0.0, None
        for cid, found in communities.items():
            value = f1(members, found)
            if value > best:
                best, best_id = value, cid
        scores.append(best)
        found = communities.get(best_id, set()) if best_id is not None else set()
        kind = dominant.get(best_id, "") if best_id is not None else ""
        groups[name] = {"f1": round(best, 3), "size": len(members), "community": best_id,
                        "community_size": len(found), "members_found": len(members & found),
                        "dominant_kind": kind or None,
                        "kind_found": (kind == kinds[name]) if dominant else None}
    innocents = sorted(placed - planted)
    by_type = Counter(types.get(s, "unknown") for s in innocents)
    return {
        "group_f1": round(sum(scores) / len(scores), 3) if scores else None,
        "groups": groups,
        "kinds_found": sum(1 for g in groups.values() if g["kind_found"]),
        "communities": len(communities),
        "accounts_in_communities": len(placed),
        "planted_accounts_placed": len(placed & planted),
        "innocent_accounts": len(innocents),
        "innocent_by_type": dict(by_type.most_common()),
        "innocent_examples": innocents[:15],
    }


def truth_of(world: World) -> tuple[dict[str, set[str]], dict[str, str], dict[str, str]]:
    """Planted groups as source sets, their kinds, and every source's innocent type."""
    truth = {g.name: set(g.members) for g in world.groups}
    kinds = {g.name: g.kind for g in world.groups}
    types = {h: a.kind for h, a in world.accounts.items()}
    return truth, kinds, types


# ---- propscope through its CLI ------------------------------------------------------------
def _child_cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def run_propscope(data: Path, work: Path) -> tuple[GroupsOut, dict[str, str], dict[str, object]]:
    """``propscope run DATA`` as a user types it; the communities it exported."""
    exe = Path(sys.executable).parent / "propscope"
    cmd = [str(exe) if exe.exists() else "propscope", "run", str(data), "--corpus",
           str(work / "corpus.duckdb"), "--out", str(work / "out"), "--techniques", "off",
           "--quiet", "--json"]
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    cpu0, wall0 = _child_cpu(), time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    info: dict[str, object] = {"command": " ".join(cmd[1:]), "rc": done.returncode,
                               "cpu_s": round(_child_cpu() - cpu0, 1),
                               "wall_s": round(time.perf_counter() - wall0, 1)}
    if done.returncode != 0:
        info["stderr_tail"] = done.stderr[-2000:]
        return {}, {}, info
    try:
        summary = json.loads(done.stdout)
        info["quarantined"] = summary.get("ingest", {}).get("quarantined")
    except (ValueError, AttributeError):
        pass
    import pyarrow.parquet as pq

    table = pq.read_table(work / "out" / "communities.parquet").to_pylist()
    communities: GroupsOut = defaultdict(set)
    dominant: dict[str, str] = {}
    for row in table:
        cid = str(row["community_id"])
        communities[cid].add(str(row["source"]))
        dominant[cid] = str(row.get("dominant_kind") or "")
    return dict(communities), dominant, info


# ---- the CooRnet / CooRTweet recipe ------------------------------------------------------
def _objects(row: Row) -> Iterable[str]:
    for url in row.urls:
        yield "url:" + url
    for tag in row.hashtags:
        yield "tag:" + tag
    if row.repost_of:
        yield "rt:" + row.repost_of
    if row.reply_to:
        yield "re:" + row.reply_to
    text = " ".join(row.text.lower().split())
    if len(text) >= 30 and not row.repost_of:
        yield "tx:" + text


def components(edges: Iterable[tuple[str, str]]) -> GroupsOut:
    """Connected components (union-find) of an edge list, each of two or more nodes."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    out: GroupsOut = defaultdict(set)
    for x in parent:
        out[find(x)].add(x)
    return {f"cc{i}": members for i, (_, members) in enumerate(sorted(out.items()))
            if len(members) > 1}


def coornet(rows: list[Row], window: int = WINDOW_S, min_co: int = MIN_CO) -> GroupsOut:
    """Fixed window, co-share count threshold, connected components."""
    seen: set[str] = set()
    shares: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for row in rows:
        if row.message_id in seen:
            continue
        seen.add(row.message_id)
        for obj in set(_objects(row)):
            shares[obj].append((row.ts, row.user))
    co: dict[tuple[str, str], set[str]] = defaultdict(set)
    for obj, items in shares.items():
        if len(items) < 2:
            continue
        items.sort()
        lo = 0
        for hi in range(len(items)):
            while items[hi][0] - items[lo][0] > window:
                lo += 1
            for k in range(lo, hi):
                a, b = items[k][1], items[hi][1]
                if a != b:
                    co[(a, b) if a < b else (b, a)].add(obj)
    return components(pair for pair, objs in co.items() if len(objs) >= min_co)


# ---- QUT coordination-network-toolkit -----------------------------------------------------
def qut(rows: list[Row], work: Path) -> tuple[GroupsOut | None, dict[str, object]]:
    """The toolkit's documented CLI on the same posts; None when it is not installed."""
    exe = Path(sys.executable).parent / "compute_networks"
    if not exe.exists() and shutil.which("compute_networks") is None:
        return None, {"installed": False}
    exe_s = str(exe) if exe.exists() else "compute_networks"
    work.mkdir(parents=True, exist_ok=True)
    src = work / "messages.csv"
    with open(src, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["message_id", "user_id", "username", "repost_id", "reply_id", "message",
                    "timestamp", "urls"])
        for r in rows:
            w.writerow([r.message_id, r.user, r.user, r.repost_of, r.reply_to,
                        r.text.replace("\n", " "), r.ts, " ".join(r.urls)])
    db = work / "qut.db"
    cpu0, wall0 = _child_cpu(), time.perf_counter()
    steps = [[exe_s, str(db), "preprocess", "--format", "csv", str(src)]]
    nets = ["co_link", "co_similar_tweet", "co_retweet", "co_reply"]
    for net in nets:
        steps.append([exe_s, str(db), "compute", net, "--time_window", str(WINDOW_S),
                      "--min_edge_weight", str(MIN_CO), "--n_cpus", "1"])
        steps.append([exe_s, str(db), "export_network", str(work / f"{net}.graphml"), net])
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            return None, {"installed": True, "failed": " ".join(step[2:4]),
                          "stderr_tail": done.stderr[-1500:]}
    edges = []
    for net in nets:
        for el in ET.parse(work / f"{net}.graphml").iter():
            if el.tag.endswith("edge"):
                edges.append((el.attrib["source"], el.attrib["target"]))
    info = {"installed": True, "cpu_s": round(_child_cpu() - cpu0, 1),
            "wall_s": round(time.perf_counter() - wall0, 1), "edges": len(edges),
            "networks": nets}
    return components(edges), info


# ---- one world end to end ------------------------------------------------------------------
def run_world(seed: int, size: str, kind: str, out: Path, baselines: bool = True,
              run_tool: bool = True) -> dict[str, object]:
    """Generate, write, run propscope and the baselines, score; a JSON-able summary."""
    t0 = time.process_time()
    world = build_world(seed, size, planted=kind == "planted")
    data = out / kind / "data"
    if data.exists():
        shutil.rmtree(data)
    files, rows = write_world(world, data, seed)
    truth, kinds, types = truth_of(world)
    summary: dict[str, object] = {
        "world": kind, "days": world.days, "accounts": len(world.accounts),
        "posts": len(world.posts), "files": len(files),
        "bytes": sum(f.stat().st_size for f in files),
        "platforms": dict(Counter(p.platform for p in world.posts)),
        "languages": dict(Counter(p.lang for p in world.posts).most_common()),
        "relations": dict(Counter(p.relation for p in world.posts)),
        "innocent_types": dict(Counter(a.kind for a in world.accounts.values()
                                       if a.kind != "planted").most_common()),
        "events": world.events,
        "planted_groups": {g.name: {"kind": g.kind, "timing": g.timing, "size": len(g.members),
                                    "items": g.items, "participation": g.participation,
                                    "platforms": list(g.platforms), "lang": g.lang}
                           for g in world.groups},
        "planted_posts": sum(1 for p in world.posts if p.group),
        "generate_cpu_s": round(time.process_time() - t0, 1),
    }
    if run_tool:
        work = out / kind / "propscope"
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True)
        comms, dominant, info = run_propscope(data, work)
        summary["propscope"] = {"run": info, **score(truth, kinds, comms, dominant, types)}
    if baselines:
        c0 = time.process_time()
        comms = coornet(rows)
        summary["coornet"] = {"run": {"window_s": WINDOW_S, "min_co_shares": MIN_CO,
                                      "cpu_s": round(time.process_time() - c0, 1)},
                              **score(truth, kinds, comms, {}, types)}
        qcomms, qinfo = qut(rows, out / kind / "qut")
        summary["qut"] = {"run": qinfo, **(score(truth, kinds, qcomms, {}, types)
                                           if qcomms is not None else {})}
    return summary


SECTION = "## Coordination, independent held-out generator 5"


def doc_section(result: dict[str, object], command: str) -> str:
    """The ``docs/benchmarks.md`` section of one result (dev or held-out seed)."""
    from benchdoc import cpu_model

    seed = result["seed"]
    which = "HELD-OUT seed, run once" if result.get("held_out") else "DEV seed"
    planted = result.get("planted")
    control = result.get("control")
    lines = [SECTION, "",
             f"`{command}` ({which}: {seed}; size {result['size']}; "
             f"{cpu_model()}, 2 cores shared; commit {result.get('commit', '?')}).", ""]
    if isinstance(planted, dict):
        lines += [f"Data: {planted['posts']:,} posts, {planted['accounts']:,} accounts, "
                  f"{planted['days']} days, {planted['files']} files "
                  f"({int(planted['bytes']) / 1e6:.1f} MB; Telegram, CrowdTangle, Pushshift, "
                  f"Mastodon exports), {len(planted['planted_groups'])} planted groups "
                  f"({planted['planted_posts']:,} planted posts).", "",
                  "| method | group F1 | kinds found | innocent accounts in communities | "
                  "control: communities / accounts | CPU s (planted + control) |",
                  "|---|---|---|---|---|---|"]
        for method in ("propscope", "coornet", "qut"):
            m = planted.get(method)
            c = control.get(method) if isinstance(control, dict) else None
            if not isinstance(m, dict) or "group_f1" not in m:
                continue
            types = ", ".join(f"{k} {v}" for k, v in m["innocent_by_type"].items()) or "-"
            ctl = f"{c['communities']} / {c['accounts_in_communities']}" \
                if isinstance(c, dict) and "communities" in c else "-"
            cpu = m["run"].get("cpu_s", 0) + (c["run"].get("cpu_s", 0) if isinstance(c, dict)
                                               else 0)
            kinds = m["kinds_found"] if method == "propscope" else "-"
            lines.append(f"| {method} | {m['group_f1']} | {kinds} | {m['innocent_accounts']} "
                         f"({types}) | {ctl} | {cpu:.1f} |")
        lines += ["", "| planted group | kind | size | propscope F1 (dominant kind) | CooRnet F1 "
                  "| QUT F1 |", "|---|---|---|---|---|---|"]
        for name, spec in planted["planted_groups"].items():
            cells = []
            for method in ("propscope", "coornet", "qut"):
                m = planted.get(method)
                g = m["groups"].get(name) if isinstance(m, dict) and "groups" in m else None
                if g is None:
                    cells.append("-")
                elif method == "propscope":
                    cells.append(f"{g['f1']} ({g['dominant_kind'] or '-'})")
                else:
                    cells.append(str(g["f1"]))
            lines.append(f"| {name} | {spec['kind']} | {spec['size']} | " + " | ".join(cells)
                         + " |")
    lines += ["", "Baselines on the same posts and scorer: CooRnet/CooRTweet recipe (window "
              f"{WINDOW_S} s, at least {MIN_CO} co-shared objects, connected components) and "
              f"QUT coordination-network-toolkit (co_link, co_similar_tweet, co_retweet, "
              f"co_reply; --time_window {WINDOW_S} --min_edge_weight {MIN_CO}; components). "
              "Planted and innocent designs: the script's docstring."]
    if not result.get("held_out"):
        lines += ["", f"Held-out seed {HELD_OUT_SEED} (never run by the generator's author): "
                  f"`python bench/coordination_heldout5.py --seed {HELD_OUT_SEED} --size full "
                  "--world both --out /tmp/h5held --doc`."]
    if isinstance(control, dict) and isinstance(control.get("propscope"), dict):
        c = control["propscope"]
        lines += ["", f"Negative control (same world, no planted group): propscope "
                  f"{c.get('communities')} communities, {c.get('accounts_in_communities')} "
                  f"accounts ({c.get('innocent_by_type')})."]
    return "\n".join(lines) + "\n"


def _commit() -> str:
    done = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=DEV_SEED,
                    help=f"{DEV_SEED} (dev) or {HELD_OUT_SEED} (held out: run once)")
    ap.add_argument("--out", type=Path, default=None, help="folder for data and result.json")
    ap.add_argument("--json", action="store_true", help="print result.json to stdout")
    ap.add_argument("--world", choices=["planted", "control", "both"], default="both")
    ap.add_argument("--size", choices=["tiny", "small", "full"], default="full")
    ap.add_argument("--no-baselines", action="store_true")
    ap.add_argument("--no-propscope", action="store_true", help="generate and score baselines only")
    ap.add_argument("--doc", action="store_true",
                    help="write the result as this script's section of docs/benchmarks.md")
    ap.add_argument("--doc-from", type=Path, default=None,
                    help="only write the docs section from an existing result.json")
    args = ap.parse_args(argv)
    command = "python bench/coordination_heldout5.py " + " ".join(argv or sys.argv[1:])
    if args.doc_from is not None:
        from benchdoc import replace_section

        done = json.loads(args.doc_from.read_text(encoding="utf-8"))
        replace_section(SECTION, doc_section(done, str(done.get("command", command))))
        return 0
    out = args.out or Path(tempfile.mkdtemp(prefix="heldout5-"))
    out.mkdir(parents=True, exist_ok=True)
    result: dict[str, object] = {"generator": "coordination_heldout5", "seed": args.seed,
                                 "held_out": args.seed == HELD_OUT_SEED, "size": args.size,
                                 "commit": _commit(), "command": command}
    worlds = ["planted", "control"] if args.world == "both" else [args.world]
    for kind in worlds:
        result[kind] = run_world(args.seed, args.size, kind, out, not args.no_baselines,
                                 not args.no_propscope)
    (out / "result.json").write_text(json.dumps(result, indent=1, ensure_ascii=False),
                                     encoding="utf-8")
    if args.doc:
        from benchdoc import replace_section

        replace_section(SECTION, doc_section(result, command))
    if args.json:
        print(json.dumps(result, indent=1, ensure_ascii=False))
    else:
        print(f"wrote {out / 'result.json'}")
        for kind in worlds:
            w = result[kind]
            assert isinstance(w, dict)
            for method in ("propscope", "coornet", "qut"):
                m = w.get(method)
                if isinstance(m, dict) and "communities" in m:
                    print(f"{kind:8} {method:10} group F1 {m['group_f1']}  communities "
                          f"{m['communities']}  innocent accounts {m['innocent_accounts']} "
                          f"{m['innocent_by_type']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
