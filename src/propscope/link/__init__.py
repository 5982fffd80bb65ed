"""Corpus-level linking: what moves together across documents and sources.

* :mod:`.reuse` — text reuse: passages republished elsewhere, with offsets in
  both documents, clusters and the earliest source (built from :mod:`.text`,
  :mod:`.signatures`, :mod:`.candidates`, :mod:`.align`, :mod:`.clusters`);
* :mod:`.coordination` — sources acting on the same links, hashtags, embedded
  posts or texts within a window (:mod:`.window`), beyond chance, and their
  communities;
* :mod:`.network` — the coordination network as GEXF for Gephi.

Methods in plain words: ``docs/linking.md``.
"""
