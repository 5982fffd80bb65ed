"""The technique inventories (SemEval-2023's 23 techniques, SemEval-2020's 14 labels).

The inventory lives in ``taxonomy.json`` (data, not code) so definitions and the
2020->2023 mapping can be read and reviewed without reading Python.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TAXONOMIES = ("semeval2020", "semeval2023")
_DATA = Path(__file__).with_name("taxonomy.json")


@dataclass(frozen=True)
class Technique:
    label: str          # the label used in the data files (e.g. ``Name_Calling-Labeling``)
    name: str           # human-readable name
    family: str         # family id, e.g. ``attack_on_reputation``
    family_name: str
    definition: str
    example: str


@cache
def _raw() -> dict:
    return json.loads(_DATA.read_text(encoding="utf-8"))


@cache
def techniques_2023() -> tuple[Technique, ...]:
    """The 23 SemEval-2023 techniques in family order."""
    out = []
    for fam in _raw()["families"]:
        for t in fam["techniques"]:
            out.append(Technique(t["label"], t["name"], fam["id"], fam["name"],
                                 t["definition"], t["example"]))
    return tuple(out)


@cache
def by_label() -> dict[str, Technique]:
    """Every known label (2023 labels and 2020 labels) -> its 2023 technique.

    A 2020 label that was split in 2023 maps to the first technique listed for it
    in the JSON mapping: the family is right, the exact technique may not be.
    """
    table = {t.label: t for t in techniques_2023()}
    for row in _raw()["semeval2020"]["labels"]:
        table.setdefault(row["label"], table[row["maps_to"][0]])
    return table


@cache
def labels_2020() -> tuple[str, ...]:
    """The 14 SemEval-2020 Task 11 labels, as spelled in the PTC label files."""
    return tuple(row["label"] for row in _raw()["semeval2020"]["labels"])


def labels(taxonomy: str) -> tuple[str, ...]:
    """Label inventory of ``taxonomy`` in a fixed order (the model's output order)."""
    if taxonomy == "semeval2023":
        return tuple(t.label for t in techniques_2023())
    if taxonomy == "semeval2020":
        return labels_2020()
    raise ValueError(f"unknown taxonomy {taxonomy!r}; expected one of {TAXONOMIES}")


def mapping_2020() -> list[dict]:
    """The documented 2020 -> 2023 mapping rows (label, maps_to, kind)."""
    return list(_raw()["semeval2020"]["labels"])


def unmapped_2023() -> dict[str, str]:
    """2023 techniques with no 2020 counterpart, and why."""
    return dict(_raw()["semeval2020"]["unmapped_2023"])


def explain(label: str, trigger: str) -> str:
    """User-facing explanation: the technique's definition plus the words that triggered it."""
    tech = by_label().get(label)
    definition = tech.definition if tech else label
    name = tech.name if tech else label
    snippet = " ".join(trigger.split())
    if len(snippet) > 160:
        snippet = snippet[:157] + "..."
    return f"{name}: {definition} Triggered by: \u201c{snippet}\u201d"
