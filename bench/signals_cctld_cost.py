"""What reading labelled national phone numbers costs the references analyzer.

    python bench/signals_cctld_cost.py [--texts 3000] [--rounds 2]

National numbers are looked for only in documents whose URL has a country-code TLD
(``analyze/contact_fingerprints.py``), so ``bench/signals_throughput.py`` (generated
articles on ``.example`` sites) never pays for it. This times ``find_references`` on the
``../shared/data`` article texts without a URL and with ``.de``, ``.uk`` and ``.us``
URLs, in turns in one process (CPU seconds, best of ``--rounds``), and prints MB per
CPU-second and the phone numbers found (a precision check: every one is listed).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from propscope.analyze.references import find_references

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--texts", type=int, default=3000)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    texts = [p.read_text(encoding="utf-8") for p in sorted(args.data.rglob("*.txt"))]
    texts = texts[:args.texts]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    best = dict.fromkeys([None, "https://zeitung.de/a", "https://paper.co.uk/a",
                          "https://daily.us/a"], float("inf"))
    found = dict.fromkeys(best, 0)
    phones: list[tuple[str, str]] = []
    for _ in range(args.rounds):
        for url in best:
            c0 = time.process_time()
            rows = [r for i, t in enumerate(texts) for r in find_references(str(i), t, None, url)]
            best[url] = min(best[url], time.process_time() - c0)
            found[url] = len([r for r in rows if r["kind"] == "phone_number"])
            phones = [(r["value"], r["normalized"]) for r in rows if r["kind"] == "phone_number"]
    print(f"{len(texts)} texts, {mb:.1f} MB")
    for url, secs in best.items():
        print(f"url={url}: {secs:.2f} CPU-s, {mb / secs:.1f} MB per CPU-second, "
              f"{found[url]} phone numbers")
    print("phone numbers with the last URL:", phones)


if __name__ == "__main__":
    main()
