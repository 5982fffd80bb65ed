"""The site a link belongs to, for the crowd filter: an outlet's readers are one crowd.

Why: junkies who follow an outlet and the feed bots that poll it share its articles
within minutes, article after article. Per article they may be most of its close sharers,
so a burst-junkie group "owns" the article; but they are a few of the many accounts that
share that *site's* links close to someone else. The crowd filter (:mod:`.crowd`) takes an
item's crowd as the larger of its own close sharers and its site's (an account counted
once per site). A ring pushing its own site is most of that site's close sharers and keeps
its items; a ring on a hosting platform (a video site) keeps them too, since strangers
rarely share the same video within the window, so the platform's close sharers are few.
Short links (``short:``) have no known site: each is its own.
"""

from __future__ import annotations

import numpy as np

from ..corpus import Corpus


def site_bases(corpus: Corpus, n_items: int) -> np.ndarray:
    """Per item code: a code for its site (the canonical host of a ``url`` item, episode
    dropped); every other item, and a short link, is its own."""
    got = corpus.con.execute(r"""SELECT item_code, dense_rank() OVER (ORDER BY kind, base) - 1
                   AS base
        FROM (SELECT DISTINCT item_code, kind,
                     CASE WHEN kind = 'url' AND item NOT LIKE 'short:%'
                          THEN 'site:' || split_part(regexp_replace(item, ' @[0-9]+$', ''),
                                                     '/', 1)
                          ELSE item END AS base
              FROM _coord_coded)""").fetchnumpy()
    code = np.asarray(got["item_code"], dtype=np.int64)
    base = np.arange(n_items, dtype=np.int64)
    inside = code < n_items
    base[code[inside]] = np.asarray(got["base"], dtype=np.int64)[inside]
    return base
