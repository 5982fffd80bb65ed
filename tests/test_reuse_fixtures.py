"""Hand-written texts and a tiny corpus builder shared by the reuse and coordination tests.

The texts are written for these tests (no real articles), on varied topics and
from varied viewpoints, so that nothing here encodes an opinion.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from propscope.corpus import Corpus, open_corpus
from propscope.document import Document

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)

PASSAGE = (
    "The regional council voted on Tuesday night to postpone the new tram line for at least "
    "two years, arguing that rising construction costs and a shortage of qualified engineers "
    "made the original timetable impossible to keep. Opponents of the delay said the decision "
    "would leave thousands of commuters in the eastern suburbs without a reliable connection "
    "to the city centre and accused the majority of quietly abandoning a promise made during "
    "the last election campaign."
)

QUOTE = "We will never give up on the truth, whatever it costs us."

FILLER = [
    "Farmers in the northern valley reported a better harvest than expected after a wet spring, "
    "although prices for grain remained low across the whole market this season.",
    "A local football club celebrated its centenary with a match against a team of former "
    "players, and the mayor handed out medals to volunteers who kept the club alive.",
    "Supporters of the new vaccination drive praised the mobile clinics, while some parents "
    "asked for clearer information about side effects before signing the consent forms.",
    "The university opened a small museum of scientific instruments, including telescopes and "
    "early calculating machines donated by the families of retired professors.",
    "Environmental groups marched through the capital demanding faster cuts in emissions, and "
    "business associations warned that abrupt rules could cost jobs in heavy industry.",
    "A heavy storm closed the coastal road for most of the weekend; repair crews worked through "
    "the night to clear fallen trees and restore electricity to isolated villages.",
]


def doc(text: str, source: str, hours: float = 0.0, **extra: object) -> Document:
    return Document.create(text, source=source, published=T0 + timedelta(hours=hours),
                           file=f"{source}.jsonl", record=str(abs(hash(text)) % 10**8), **extra)


def make_corpus(tmp_path: Path, docs: list[Document], name: str = "c.duckdb") -> Corpus:
    corpus = open_corpus(tmp_path / name)
    corpus.add_documents(docs, "test-run")
    return corpus


def edit(text: str) -> str:
    """A light edit: a few words changed, one dropped, one phrase inserted."""
    words = text.split()
    words[5] = "late"          # changed
    words[19] = "steeply"      # changed
    del words[33]              # dropped
    words[40] = "many"         # changed
    words.insert(50, "according to several local newspapers")  # inserted phrase
    return " ".join(words)
