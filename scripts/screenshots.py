"""Screenshots for the README and docs/guide.md, taken from the demo corpus, so they stay true.

Why a script: screenshots drawn by hand (or from a test fixture) drift from what the
tool shows and once showed a test model's name. This one builds ``make demo``'s corpus
(``propscope run examples/corpus --corpus out/demo/corpus.duckdb --out out/demo``)
when it is not there, serves it with the real app, and photographs each view in
headless Chromium (Debian's ``/usr/bin/chromium``) into ``docs/img/``.

    python scripts/screenshots.py            # after `make demo`, or it runs the demo itself
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "out" / "demo"
IMG = ROOT / "docs" / "img"
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")


def ensure_demo() -> Path:
    corpus = DEMO / "corpus.duckdb"
    if not corpus.exists():
        subprocess.run([sys.executable, "-c", "from propscope.cli import main; main()", "run",
                        str(ROOT / "examples" / "corpus"), "--corpus", str(corpus),
                        "--out", str(DEMO), "-q"], check=True)
    return corpus


class Server:
    """The app over ``corpus`` on a free localhost port, in a thread."""

    def __init__(self, corpus: Path) -> None:
        import uvicorn

        from propscope.present.webapp import bind, create_app

        sock = bind("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(create_app(corpus), log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]},
                                       daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def driver(profile: str, height: int = 1000):  # noqa: ANN201 - selenium's type
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--hide-scrollbars", f"--user-data-dir={profile}", f"--window-size=1280,{height}"):
        opts.add_argument(arg)
    return webdriver.Chrome(options=opts, service=Service(str(CHROMEDRIVER)))


def pick(corpus: Path) -> dict[str, str]:
    """The demo's most telling document, cluster and technique (chosen by the data)."""
    import duckdb

    with duckdb.connect(str(corpus), read_only=True) as con:
        doc = con.execute("SELECT doc_id FROM spans GROUP BY doc_id ORDER BY "
                          "count(DISTINCT technique) DESC, count(*) DESC, doc_id LIMIT 1").fetchone()[0]
        cluster = con.execute("SELECT cluster_id FROM reuse_insertions ORDER BY copies DESC, "
                              "cluster_id LIMIT 1").fetchone()[0]
        technique = con.execute("SELECT technique FROM spans GROUP BY 1 ORDER BY count(*) DESC, 1 "
                                "LIMIT 1").fetchone()[0]
    return {"doc": doc, "cluster": cluster, "technique": technique}


def main() -> None:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        sys.exit("needs Debian's chromium and chromedriver (make browser-deps)")
    corpus = ensure_demo()
    chosen = pick(corpus)
    IMG.mkdir(parents=True, exist_ok=True)
    server = Server(corpus)
    try:
        with tempfile.TemporaryDirectory() as profile:
            drv = driver(profile)
            try:
                shots = [("findings", "/", None),
                         ("document", f"/doc/{chosen['doc']}", ".reading-controls"),
                         ("reuse", f"/reuse/{chosen['cluster']}", ".side"),
                         ("technique", f"/technique?name={chosen['technique']}", None),
                         ("search", "/documents?q=tram", "#results"),
                         ("network", "/network", "#network")]
                for name, path, anchor in shots:
                    drv.get(server.url + path)
                    if anchor:
                        drv.execute_script("document.querySelector(arguments[0])"
                                           ".scrollIntoView({block: 'start'}); window.scrollBy(0, -60)",
                                           anchor)
                    if name == "network":
                        drv.find_element("css selector", "#network g.node circle").click()
                    out = IMG / f"{name}.png"
                    drv.save_screenshot(str(out))
                    print(f"{out.relative_to(ROOT)}  {path}")
                report = DEMO / "report.html"
                if report.exists():
                    drv.get(report.resolve().as_uri())
                    drv.save_screenshot(str(IMG / "report.png"))
                    print(f"{(IMG / 'report.png').relative_to(ROOT)}  out/demo/report.html")
            finally:
                drv.quit()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
