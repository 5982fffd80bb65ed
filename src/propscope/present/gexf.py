"""Export the coordination network as GEXF, for Gephi.

Nodes are sources; an edge joins two sources with at least one kept
coordination edge, weighted by their co-actions over all kinds, with the kinds
and the smallest adjusted p-value as attributes. Each node carries its
community (empty when it is in none) so Gephi can colour by it directly.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..corpus import Corpus
from ..safetext import xml_safe_graph

if TYPE_CHECKING:  # networkx costs about half a second to import; only exports need it
    import networkx as nx


def build_graph(corpus: Corpus) -> nx.Graph:
    import networkx as nx

    g = nx.Graph()
    if not corpus.has_table("coordination_edges"):
        return g
    community: dict[str, tuple[str, int]] = {}
    if corpus.has_table("communities"):
        for cid, source, size in corpus.con.execute(
                "SELECT community_id, source, size FROM communities ORDER BY ALL").fetchall():
            community[source] = (cid, int(size))
    rows = corpus.con.execute("""
        SELECT source_a, source_b, sum(weight), string_agg(DISTINCT kind, ',' ORDER BY kind),
               min(p_adjusted), min(first_seen), max(last_seen)
        FROM coordination_edges GROUP BY source_a, source_b ORDER BY source_a, source_b
    """).fetchall()
    newest = max((last for *_, last in rows if last is not None), default=None)
    g.graph["newest_day"] = newest.date().isoformat() if newest else NO_DAY
    for a, b, weight, kinds, p_adj, first, last in rows:
        for node in (a, b):
            if node not in g:
                cid, size = community.get(node, ("", 0))
                g.add_node(node, label=node, community=cid, community_size=size)
        # shared-infrastructure edges have no p-value (no chance model): none is written
        extra = {"p_adjusted": float(p_adj)} if p_adj is not None else {}
        g.add_edge(a, b, weight=float(weight), kinds=kinds,
                   first_seen=first.isoformat() if first else "",
                   last_seen=last.isoformat() if last else "", **extra)
    return g


#: The network's date when it has no edge.
NO_DAY = "1970-01-01"
_MODIFIED = re.compile(rb'lastmodifieddate="[0-9-]*"')


def write_gexf(corpus: Corpus, path: Path) -> None:
    """Write ``network.gexf`` (atomically: a half-written file never replaces a good one).

    networkx stamps the file with the day it is written (``lastmodifieddate``), so the same
    corpus exported on two days gave two files, and a check of exports against recorded
    hashes failed the day after it was recorded. The stamp is the day of the network's
    newest co-action instead: the same corpus always gives the same bytes.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    # Source names come from the input: escape what XML forbids, or Gephi rejects the file.
    import networkx as nx

    graph = build_graph(corpus)
    day = str(graph.graph.pop("newest_day", NO_DAY))
    nx.write_gexf(xml_safe_graph(graph), tmp)
    data = tmp.read_bytes()
    tmp.write_bytes(_MODIFIED.sub(f'lastmodifieddate="{day}"'.encode(), data, count=1))
    tmp.replace(path)
