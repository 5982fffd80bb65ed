"""One configuration path: packaged defaults, then a user TOML file, then overrides.

Everything tunable lives in :class:`Settings`; modules receive the object (or the
fields they need) instead of reading environment variables themselves.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Settings:
    """All options of a propscope run. Build it with :func:`load_settings`."""

    # ingest
    field_map: dict[str, str] = field(default_factory=dict)  # canonical name -> input column
    max_record_bytes: int = 64 * 1024 * 1024  # larger records are quarantined, not loaded
    # decompression caps, per input file on disk (all its layers and members together):
    max_expanded_bytes: int = 64 * 1024**3  # bytes decompressed at most
    max_expansion_ratio: float = 200.0  # decompressed/on-disk, enforced past 64 MiB
    max_spool_bytes: int = 4 * 1024**3  # temporary copy of a compressed zip/Parquet, at most
    strict: bool = False
    ingest_batch_docs: int = 5000  # documents per ingest commit (a crash loses at most these)
    # analyze
    analyzers: tuple[str, ...] = ("language", "references", "repetitions", "techniques")
    taxonomy: str = "semeval2023"  # technique labels: semeval2023 | semeval2020
    # Which documents the technique model reads: all | sample | off. ``sample`` reads at
    # most ``techniques_sample_docs`` documents, stratified by source and week (see
    # analyze/techniques/sample.py); a corpus no larger than that is read in full.
    # 20,000 documents is about 1.5 h on 2 cores (docs/benchmarks.md, Techniques speed).
    techniques: str = "sample"
    techniques_sample_docs: int = 20_000
    # accurate | fast: ``fast`` reads each document with fewer encoder windows (stride 254)
    # and, under semeval2020, heads over the semeval2023 encoder instead of its own two
    # encoders; its cost in F1 is in MODEL_CARD.md ("Fast mode").
    techniques_mode: str = "accurate"
    batch_size: int = 512
    # link
    reuse_min_words: int = 40
    coordination_window_s: float | None = None  # None: estimated from the data
    coordination_min_window_s: float = 60.0  # floor of the estimated window
    coordination_alpha: float = 0.05  # family-wise (Holm) error level of the edges
    coordination_min_items: int = 3  # distinct posts a pair must co-act in to be an edge
    coordination_item_cap: int = 200  # items shared by more accounts are left out (reported)
    coordination_near_text: bool = True  # near-identical texts (MinHash) as one item
    coordination_episode_gap_s: float | None = 21600.0  # an item's silence that starts a new episode
    # engine
    engine: str = "local"  # a name in propscope.engine.ENGINES
    scheduler: str | None = None
    workers: int | None = None
    limit: int | None = None  # analyze and link at most the first N documents (doc_id order)
    force_stages: tuple[str, ...] = ()

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def load_settings(config_file: str | Path | None = None, **overrides: Any) -> Settings:
    """Defaults, then ``config_file`` (TOML, keys as in :class:`Settings`), then overrides.

    ``None`` overrides are ignored so a CLI can pass every option through unchanged.
    """
    values: dict[str, Any] = {}
    if config_file is not None:
        with open(config_file, "rb") as fh:
            values.update(tomllib.load(fh))
    values.update({k: v for k, v in overrides.items() if v is not None})
    known = {f.name for f in dataclasses.fields(Settings)}
    unknown = set(values) - known
    if unknown:
        from .errors import InputError

        raise InputError(f"unknown setting(s): {', '.join(sorted(unknown))}",
                         hint=f"known settings: {', '.join(sorted(known))}")
    for key in ("analyzers", "force_stages"):
        if key in values and not isinstance(values[key], tuple):
            values[key] = tuple(values[key])
    return Settings(**values)
