"""The stages of the main job, each owning its tables and its resumability.

* :mod:`.ingest`: inputs -> ``documents``, ``document_sources``, ``posts``,
  ``external_ids``, ``ingested_files``, ``quarantine`` (readers: :mod:`propscope.ingest`);
* :mod:`.analyze`: per-document analyzers -> their tables and ``stage_done``
  (analyzers: :mod:`propscope.analyze`); :mod:`.overlap` runs the cheap ones
  beside ingest;
* :mod:`.link`: corpus-level analyses -> reuse and coordination tables and
  ``corpus_stages`` (:mod:`propscope.link`);
* :mod:`.present`: exports and the report of ``run`` (reads only; :mod:`propscope.present`).

Every write goes through one :class:`~.writer.CorpusWriter` per run.
:mod:`propscope.pipeline` composes the stages.
"""
