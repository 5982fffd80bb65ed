"""bench/coord_scale.py's copy text rewrite: the masked form (constant patterns) gives
what the first version's rotate-then-restore form gave, on the cases that matter."""

from __future__ import annotations

import duckdb
import pytest

from coord_scale import _LOWER, _UPPER, _text_copy

TEXTS = [
    "see https://www.example.com/a?b=1 now",
    "http://www.x.org and www.y.org, wwww.z.org, awww.q.org",
    "www.www.example.com/www.",
    "(www.a.com) [www.b.com] 3www.c.com www..d",
    "no links here, just words & Ünïcode 🔥 #tag123",
    "HTTP://WWW.EXAMPLE.COM ftp://www.files.net",
]


def _old(k: int) -> str:
    rot = _LOWER[k:] + _LOWER[:k] + _UPPER[k:] + _UPPER[:k]
    www = (_LOWER[k:] + _LOWER[:k])[_LOWER.index("w")] * 3
    return (f"regexp_replace(regexp_replace(translate(text, '{_LOWER + _UPPER}', '{rot}'), "
            f"'[A-Za-z]+://', 'https://', 'g'), '(^|[^A-Za-z0-9]){www}\\.', '\\1www.', 'g')")


@pytest.mark.parametrize("k", [1, 2, 11, 25])
def test_text_copy_matches_first_version(k: int) -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t(text VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?)", [[x] for x in TEXTS])
    got = con.execute(f"SELECT {_text_copy(k)}, {_old(k)} FROM t").fetchall()
    assert all(new == old for new, old in got), got
    # the copy really differs from the world: letters rotated, www. kept
    assert got[0][0] != TEXTS[0] and "www." in got[0][0]
