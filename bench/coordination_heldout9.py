"""Held-out judge 9: coordination in six less common export formats, scored as a user sees it.

A world of 40-60k posts (full) over 14 days, about 2,800 accounts on Bluesky, Mastodon,
Telegram group chats, TikTok (Research API), Reddit dumps and a 4CAT CSV, in 13 languages
and 7 scripts; innocent look-alikes labelled by role (heldout9_innocents); 13 planted
covert groups (heldout9_planted); a control world without them. propscope runs through
its CLI (``--techniques off``) on the files; its ``communities`` export is scored with
judge 7's rules (heldout9_score); the CooRnet recipe and QUT's toolkit run beside it
(heldout7_baselines).

    PYTHONPATH=src:bench python bench/coordination_heldout9.py --seed 9009 --out /tmp/j9
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

from heldout7_baselines import run_baselines
from heldout7_score import read_communities, run_propscope
from heldout9_files import write_world
from heldout9_score import score
from heldout9_world import build
from judge_cli import judge_parser

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
HEADING = "## Coordination judge 9 (issue 15)"


def generate(seed: int, size: str, world: str, out: Path) -> dict[str, Any]:
    folder = out / world
    shutil.rmtree(folder / "input", ignore_errors=True)
    return write_world(build(seed, size, planted=world == "planted"), folder)


def evaluate(folder: Path, truth: dict[str, Any], baselines: bool) -> dict[str, Any]:
    ran = run_propscope(folder)
    result: dict[str, Any] = {"propscope": score(truth, read_communities(ran["exports"])),
                              "cpu_s": ran["cpu_s"], "wall_s": ran["wall_s"],
                              "posts": truth["posts"], "accounts": truth["accounts"]}
    if baselines:
        base = run_baselines(ran["exports"])
        result["coornet"] = score(truth, base["coornet"])
        result["qut"] = score(truth, base["qut"])
        result["baseline_posts"] = base["posts"]
        result["coornet_cpu_s"], result["qut_cpu_s"] = base["coornet_cpu_s"], base["qut_cpu_s"]
    return result


def _roles(by_role: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(by_role.items(), key=lambda kv: -kv[1])) \
        or "none"


def human(results: dict[str, Any]) -> str:
    lines = [f"judge 9, seed {results['seed']}, size {results['size']}"]
    for world, r in results["worlds"].items():
        lines.append(f"[{world}] {r['posts']} posts, {r['accounts']} accounts, propscope "
                     f"CPU {r['cpu_s']} s")
        for tool in ("propscope", "coornet", "qut"):
            if tool in r:
                s = r[tool]
                lines.append(f"  {tool:9} group F1 {s['group_f1']}  communities "
                             f"{s['communities']}  accounts {s['accounts_in_communities']}  "
                             f"innocents {s['innocents']} ({_roles(s['innocents_by_role'])})")
        for g in r["propscope"]["groups"]:
            lines.append(f"    {g['group']:18} {g['kind']:11} n={g['size']:2} F1 {g['f1']:.2f}"
                         f" P {g['precision']:.2f} R {g['recall']:.2f} kind "
                         f"{g['reported_kind'] or '-'}")
    return "\n".join(lines)


def doc_section(results: dict[str, Any]) -> str:
    """The benchmarks.md section: world, command, dev-seed figures."""
    p, c = results["worlds"].get("planted", {}), results["worlds"].get("control", {})
    rows = []
    for tool, name in (("propscope", "propscope"), ("coornet", "CooRnet recipe"),
                       ("qut", "QUT toolkit 1.5.2")):
        if tool in p:
            s, k = p[tool], c.get(tool, {})
            rows.append(f"| {name} | {s['group_f1']} | {s['kind_matches']}/{len(s['groups'])} "
                        f"| {s['innocents']} ({_roles(s['innocents_by_role'])}) | "
                        f"{k.get('communities', '-')} / {k.get('accounts_in_communities', '-')} |")
    groups = "\n".join(f"| {g['group']} | {g['kind']} | {g['platform']} | {g['timing']} | "
                       f"{g['size']} | {g['f1']} | {g['reported_kind'] or '-'} |"
                       for g in p.get("propscope", {}).get("groups", []))
    return f"""{HEADING}

A judge written without reading propscope's coordination code or earlier judges
(`bench/coordination_heldout9.py`, modules `bench/heldout9_*.py`). The world: about
{p.get('posts', '?')} posts over 14 days by {p.get('accounts', '?')} accounts, written as
Bluesky `getAuthorFeed` pages (three overlapping dumps, one with CRLF and a cut-off last
line), Jetstream firehose events and `listRecords` pages (bots known only by DID), Mastodon statuses (a BOM'd JSON array and JSON Lines), three Telegram group-chat
`result.json` exports, TikTok Research API pages (one file in epoch milliseconds), Reddit
NDJSON dumps and a 4CAT CSV (BOM, CRLF); 13 languages in 7 scripts (Latin, Cyrillic,
Arabic, Hebrew, Devanagari, Han/Kana, Hangul). Links come with `utm_*`, `fbclid`,
`gclid`, AMP paths, mobile hosts, trailing slashes, `http`, and shorteners (expanded
only where Mastodon's `card.url` gives it); copied texts differ in punctuation, emoji,
case, digits and look-alike letters.

Innocent look-alikes, each account labelled by role: viral reposts, a trending TikTok
hashtag, outlets and staff, RSS feed bots, a celebrity's fans replying, a live-debate
hashtag, and less obvious ones: students posting an assignment hashtag before a
deadline, employees sharing press releases through an advocacy tool, football
supporters in a chat, crypto price bots on a schedule, translation mirrors, public-health
partners posting a toolkit at an agreed hour, earthquake bots, a podcast network, a
family sharing a fundraiser. Planted: 13 covert groups of 3-50 (URL variants,
shorteners, copy-paste in Russian and Hebrew, hashtags, hub reposts, a reply brigade,
quotes, Telegram forwards, URL plus hashtag, a rotating first poster, a slow large
group), members skipping 10-40% of actions, one account in two groups. The control
world is the same seed without them. Scoring as judge 7 (`heldout9_score.py`); a
planted group's hubs are neither members nor innocents; QUT's `compute_networks` must be
on `PATH`.

```
PYTHONPATH=src:bench PATH=/work/qutenv/bin:$PATH \
  python bench/coordination_heldout9.py --seed SEED --size full --out DIR --json
```

Harness check on the **development seed 9009 only** (development figures, not a
held-out result; `--size full`, propscope CPU {p.get('cpu_s', '?')} s planted,
{c.get('cpu_s', '?')} s control on the 2-core machine):

| tool | group F1 | kind matched | innocents in communities (by role) | control: communities / accounts |
|---|---|---|---|---|
{chr(10).join(rows)}

| group | kind | platform | timing | size | propscope F1 | reported kind |
|---|---|---|---|---|---|---|
{groups}
"""


def write_doc(section: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    if HEADING in text:
        head, _, rest = text.partition(HEADING)
        nxt = rest.find("\n## ")
        text = head + section + (rest[nxt + 1:] if nxt >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOC.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = judge_parser(__doc__.split("\n")[0], 9009, "write the section in benchmarks.md")
    args = ap.parse_args(argv)
    worlds = ("planted", "control") if args.world == "both" else (args.world,)
    results: dict[str, Any] = {"seed": args.seed, "size": args.size, "worlds": {}}
    for world in worlds:
        truth = generate(args.seed, args.size, world, args.out)
        if args.generate_only:
            results["worlds"][world] = {"posts": truth["posts"], "accounts": truth["accounts"],
                                        "folder": str(args.out / world)}
            continue
        results["worlds"][world] = evaluate(args.out / world, truth, not args.no_baselines)
    if args.generate_only:
        print(json.dumps(results, indent=1))
        return 0
    print(json.dumps(results, ensure_ascii=False, indent=1) if args.json else human(results))
    if args.doc:
        write_doc(doc_section(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
