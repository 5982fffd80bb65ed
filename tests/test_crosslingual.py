"""Cross-lingual reuse (experimental), through a real DuckDB corpus and the real
multilingual encoder: a paragraph translated into two other languages is found with
its earliest source; a same-topic paragraph that is not a translation, a short line
and a quotation left in its original language are not; a second run embeds nothing
again."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from propscope.link import crosslingual
from test_reuse_fixtures import doc, make_corpus

EN = ("The health ministry admitted on Friday that the vaccination centre in the northern district "
      "had thrown away more than four thousand doses because a freezer broke down over the weekend.")
FR = ("Le ministère de la Santé a reconnu vendredi que le centre de vaccination du district nord avait "
      "jeté plus de quatre mille doses parce qu'un congélateur était tombé en panne pendant le week-end.")
DE = ("Das Gesundheitsministerium hat am Freitag eingeräumt, dass das Impfzentrum im nördlichen Bezirk "
      "mehr als viertausend Dosen weggeworfen hat, weil am Wochenende ein Gefrierschrank ausgefallen war.")
DE_OTHER = ("Das Gesundheitsministerium kündigte am Freitag eine neue Impfkampagne im nördlichen Bezirk an; "
            "vier neue Impfzentren sollen auch am Wochenende geöffnet sein.")
IT_FILLER = ("La squadra di calcio della città ha festeggiato il centenario con una partita contro una "
             "selezione di ex giocatori, e il sindaco ha consegnato medaglie ai volontari.")
SHORT = "Quatre mille doses jetées."


def test_translation_found_with_earliest_source(tmp_path: Path) -> None:
    late_fr = doc(f"{SHORT}\n{FR}\n{IT_FILLER}", "site-fr", hours=5)
    first_en = doc(EN, "site-en", hours=0)
    de = doc(f"{DE}\n{IT_FILLER}", "site-de", hours=9)
    other = doc(DE_OTHER, "site-de2", hours=1)
    quoted = doc(f"Un giornale inglese scrive:\n{EN}", "site-it", hours=12)  # English inside Italian
    corpus = make_corpus(tmp_path, [late_fr, first_en, de, other, quoted])
    n = crosslingual.run(corpus, "r1")
    rows = corpus.df(crosslingual.TABLE)
    assert n == len(rows) == 2, rows
    assert set(rows.source_doc) == {first_en.doc_id}
    assert set(rows.source_lang) == {"en"}
    assert dict(zip(rows.target_doc, rows.target_lang, strict=True)) == {late_fr.doc_id: "fr", de.doc_id: "de"}
    fr_row = rows[rows.target_doc == late_fr.doc_id].iloc[0]
    assert late_fr.text[fr_row.target_start:fr_row.target_end] == FR
    assert (fr_row.source_start, fr_row.source_end) == (0, len(EN))
    assert (rows.similarity >= crosslingual.THRESHOLD).all()
    assert set(rows.status) == {"experimental"} and rows.group_id.nunique() == 1
    assert other.doc_id not in set(rows.target_doc) and quoted.doc_id not in set(rows.target_doc)
    # the short line is no passage; the English quotation is identified as English
    passages = corpus.df(crosslingual.PASSAGES_TABLE)
    assert not ((passages.doc_id == late_fr.doc_id) & (passages.start == 0)).any()
    assert set(passages[passages.doc_id == quoted.doc_id].lang) == {"en"}
    # a second run embeds nothing (the stage marks every document done) and gives the same rows
    calls: list[int] = []

    def counting(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        return np.zeros((len(texts), 384), np.float32)

    assert crosslingual.run(corpus, "r2", embed=counting) == 2
    assert calls == []


def test_mutual_nearest_neighbours_only() -> None:
    # a (en) is nearest to b (fr), but b's nearest English passage is c: no pair a-b
    v = np.array([[1.0, 0.0], [0.96, 0.28], [0.97, 0.243]], np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    got = crosslingual.mutual_matches(["en", "fr", "en"], ["a", "b", "c"], v, 0.9)
    assert [(i, j) for i, j, _ in got] == [(1, 2)]
    # same document or an unidentified language: never a pair
    assert crosslingual.mutual_matches(["en", "fr"], ["a", "a"], v[:2], 0.5) == []
    assert crosslingual.mutual_matches(["en", "und"], ["a", "b"], v[:2], 0.5) == []
