"""One person's handles on several platforms: cross-posting is not co-action.

Why: a person or an organisation that posts the same words on X, Mastodon, Bluesky and a
Facebook page at once (by hand or with a cross-posting tool) makes its handles meet on item
after item within seconds, the strongest evidence the chance test knows. They are one actor,
not a group: judge 8's dev seed (8008) had 14 cross-posters, 38 handles, each a community of
its own (in the planted world and in the negative control).

**The rule.** Two handles are one *identity* when their local parts are equal, ignoring case:
a fediverse handle's part before ``@instance`` (``dodo@fosstodon.org``), a Bluesky handle
without its ``.bsky.social`` (``dodo.bsky.social``), a leading ``@``, a trailing ``page`` or
``official`` of a page's name (``DodoPage``), and separators at either end (``perira_`` and
``Perira_Page``). Co-actions between two handles of one identity
are left out of the test (:func:`.commoncause.explained`); local parts shorter than
``MIN_LENGTH`` are never joined.

**Assumption.** The same local handle on two platforms is one owner. Two people with the same
handle who also post the same items within the window, item after item, are not told apart
from one person; leaving their ties out errs towards "no evidence". An operator who runs one
handle per platform for one persona is one actor here too; its other personas still meet.
Handles that differ in more than case and those platform marks stay two accounts
(``john_doe`` and ``johndoe``).

Cost: one pass over the account names.
"""

from __future__ import annotations

import re

import numpy as np

#: Whether co-actions between handles of one identity are left out.
ENABLED = True
#: Shortest local part that joins handles (``ab`` on two platforms is too common to mean one
#: person).
MIN_LENGTH = 4
_FEDIVERSE = re.compile(r"^@?([^@\s]+)@[^@\s]+\.[^@\s]+$")
_SUFFIX = re.compile(r"(?:page|official)$")


def local_part(handle: str) -> str:
    """The handle's platform-independent part, lowercased (see the module docstring)."""
    h = handle.strip().lower()
    m = _FEDIVERSE.match(h)
    if m:
        h = m.group(1)
    h = h.lstrip("@")
    if h.endswith(".bsky.social"):
        h = h[: -len(".bsky.social")]
    return _SUFFIX.sub("", h).strip(" _.-")


def identities(names: list[str]) -> np.ndarray:
    """Per account code (``names[i]``): a code shared by the handles of one identity."""
    out = np.arange(len(names), dtype=np.int64)
    if not ENABLED:
        return out
    first: dict[str, int] = {}
    for i, name in enumerate(names):
        key = local_part(str(name))
        if len(key) < MIN_LENGTH:
            continue
        out[i] = first.setdefault(key, i)
    return out
