"""The co-actions the attachment test counts as meeting a group: the window's and, on a
group's rare items, the spread family's at the group's own pace.

Why: the attachment test (:mod:`.attached`, and :mod:`.rescue` before the crowd filter)
asked an account to meet a group's members *within the window* on the group's own items.
A group whose members each post the pushed item at their own moment within the hour (the
groups the spread family finds, docs/coordination.md section 12) was found in part by the
spread family's pair test, and its other members, who share its rare items item after item
but rarely within a minute of a member, were never candidates: judge 8's 50-member mixed
group was found 20 strong (of whom the crowd filter then left none), and its other 30
members had 0-6 close meetings with the part, against 2-8 of its own items shared.

Here the spread family's co-shares (two accounts on one rare item within ``spread.SPAN_S``,
after that family's exclusions) count as meetings too, with bars of their own
(docs/coordination.md, section 25): only items a group chooses to push (:data:`KINDS`),
never two accounts in contact, and only where the outsider's share keeps the group's action
on the item within the group's **pace**, how long its action on one of its own items
usually lasts (the median over its items). A ring that pushes a tag within five minutes is
not met by organic adopters who pick the tag up an hour later (a helper's review: 11 -> 28
adopters placed over six seeds without this bar, 11 with it); a group spread over an hour
is met by the members that join it within its hour.

The test itself is unchanged: ``E`` was always the number of own items the account is
expected to share *at all*; these are bars on ``K``.

**Measured and off** (:data:`ENABLED`): a second review built a *slow* campaign (members at
their own moment over three hours), whose pace is hours, and organic adopters of its rare
items within those hours: the bar cannot tell them from its sparse members, and the rule
added as many adopters as the pair tests place (5 -> 10 on tags, 12 -> 18 on links, six
seeds each). The held-out gain was small (F1 up on 7 of 34 runs by 0.002-0.008, no innocent
changed on any judge), so a wrong placement in a plausible world outweighs it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .conversation import Conversations, in_contact

#: Whether spread co-shares count as meetings. **Off** (window co-actions only, as in
#: coordination 16): with only *who* shares and no timing evidence, a group-level test
#: cannot tell a slow campaign's sparse members from organic adopters of its items within
#: its hours, and a second review measured 5 -> 10 and 12 -> 18 adopters placed over six
#: seeds (docs/coordination.md, section 25, "Measured and off").
ENABLED = False
#: Kinds whose spread co-shares count: what a group chooses to push. Replies are an
#: audience's (rescue.LEFT_OUT_KINDS), quotes and re-shares go by the account quoted or
#: re-shared, whose audience shares them at its own pace.
KINDS = ("url", "text", "hashtag", "embedded_post")
#: Whether a spread meeting must keep the group's action on the item within its pace (off:
#: any co-share within the span counts; measured in ``bench/meetings_worst_case.py``).
TIME_BAR = True


def meeting_coactions(co: pd.DataFrame, found: tuple[pd.DataFrame, pd.DataFrame] | None,
                      items: np.ndarray, conversing: Conversations | None = None
                      ) -> pd.DataFrame:
    """``co`` (``span`` False) and the spread family's co-shares (``found[0]``,
    :func:`.spread.spread_pairs`) on ``items`` (the codes of the evidence the crowd filter
    starts from: every group's own items later are among them), as ``close`` rows with
    ``span`` True. A co-share of the same two share rows as a window co-action is left out
    (it is one). The rows the attachment test returns index this frame, and
    ``attached.apply`` turns them into evidence with it. Off (:data:`ENABLED`): ``co``."""
    if not ENABLED or found is None or not len(found[0]) or not len(items):
        return co
    base = co.assign(span=False)
    extra = found[0]
    extra = extra[extra["kind"].astype(str).isin(KINDS).to_numpy()
                  & np.isin(extra["item"].to_numpy(np.int64), items)]
    if conversing is not None and len(extra):
        extra = extra[~in_contact(extra["a"].to_numpy(np.int64), extra["b"].to_numpy(np.int64),
                                  conversing)]
    close = co[co["close"].to_numpy(bool)] if len(co) else co
    if len(close) and len(extra):  # a wide, not close, row is no meeting: it stays apart
        width = int(max(close[["ra", "rb"]].to_numpy().max(),
                        extra[["ra", "rb"]].to_numpy().max())) + 1

        def rows(f: pd.DataFrame) -> np.ndarray:
            ra, rb = f["ra"].to_numpy(np.int64), f["rb"].to_numpy(np.int64)
            return np.minimum(ra, rb) * width + np.maximum(ra, rb)

        extra = extra[~np.isin(rows(extra), rows(close))]
    if not len(extra):
        return base
    kinds = sorted(set(co["kind"].astype(str).unique()) | set(KINDS))
    extra = extra[[c for c in co.columns if c in extra.columns]].assign(close=True, span=True)
    return pd.concat([base.assign(kind=pd.Categorical(base["kind"].astype(str), kinds)),
                      extra.assign(kind=pd.Categorical(extra["kind"].astype(str), kinds))],
                     ignore_index=True)


def within_group(cross: pd.DataFrame, co: pd.DataFrame, ev: pd.DataFrame,
                 members: pd.DataFrame, code: dict[str, int]) -> np.ndarray:
    """Per row of the attachment test's ``cross`` (``g``, ``item``, ``o``, ``row``): False
    where the row is a spread co-share and the outsider's share would make the group's
    action on the item (from the first to the last share of its evidence rows there) wider
    than its pace: how long its action on one of its own items usually lasts (median)."""
    keep = np.ones(len(cross), bool)
    if not TIME_BAR or "span" not in co.columns or not len(cross):
        return keep
    row = cross["row"].to_numpy(np.int64)
    span = co["span"].to_numpy(bool)[row]
    if not span.any():
        return keep
    first = co["first"].to_numpy(np.int64)[row]
    t_out = np.where(first == cross["o"].to_numpy(np.int64), co["ta"].to_numpy(np.float64)[row],
                     co["tb"].to_numpy(np.float64)[row])
    epoch = pd.Timestamp(0, tz="UTC")

    def seconds(col: str) -> np.ndarray:
        return ((pd.to_datetime(ev[col], utc=True) - epoch) / pd.Timedelta(seconds=1)).to_numpy()

    e = pd.DataFrame({"a": ev["source_a"].map(code).to_numpy(np.int64),
                      "b": ev["source_b"].map(code).to_numpy(np.int64),
                      "item": ev["item_code"].to_numpy(np.int64),
                      "lo": np.fmin(seconds("time_a"), seconds("time_b")),
                      "hi": np.fmax(seconds("time_a"), seconds("time_b"))})
    both = (e.merge(members.rename(columns={"actor": "a"}), on="a")
            .merge(members.rename(columns={"actor": "b"}), on=["b", "g"]))
    span_of = both.groupby(["g", "item"]).agg(lo=("lo", "min"), hi=("hi", "max")).reset_index()
    # the group's pace: how long its action on one of its own items usually lasts (the
    # median: an outsider already tied to it widens its action on a few items, not most)
    pace = (span_of["hi"] - span_of["lo"]).groupby(span_of["g"]).median().rename("pace")
    at = pd.DataFrame({"g": cross["g"].to_numpy(), "item": cross["item"].to_numpy()}).merge(
        span_of, on=["g", "item"], how="left").merge(pace.reset_index(), on="g", how="left")
    lo, hi = at["lo"].to_numpy(np.float64), at["hi"].to_numpy(np.float64)
    widest = np.maximum(hi, t_out) - np.minimum(lo, t_out)  # NaN (no evidence): no meeting
    keep = ~span | (widest <= at["pace"].to_numpy(np.float64))
    return keep
