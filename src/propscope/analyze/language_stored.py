"""The ``language`` stage's result as a later stage finds it on the document.

Why: the technique analyzer must decide what may read a document from the same
identification the ``language`` stage recorded in ``coverage``, without running
identification a second time. The stage copies each document's language,
confidence and whether it was declared into ``documents`` (``sync_documents``),
and those arrive on :class:`~propscope.document.Document`; this rebuilds the
:class:`~propscope.analyze.language.LanguageResult` from them.

What the document does not carry is which paragraphs of a mixed document are in
another language. Only the English token model needs that (to drop spans in
those paragraphs), so for an English document of several lines the paragraphs
are identified again (:func:`~propscope.analyze.language.mixture`, the same
code and thresholds the stage used); the document-level identification is
never repeated. A document the stage has not seen (no stored confidence) gets
None, and the caller identifies it itself.
"""

from __future__ import annotations

from ..document import Document
from . import language


def stored_result(doc: Document) -> language.LanguageResult | None:
    """The stored identification of ``doc``, or None when the stage has not run on it."""
    if not doc.lang or doc.lang_confidence is None or doc.lang_declared is None:
        return None
    lang, conf, declared = doc.lang, float(doc.lang_confidence), bool(doc.lang_declared)
    base = language.LanguageResult(
        lang=lang, confidence=conf, declared=declared, declared_value=lang if declared else None,
        detected=lang, detected_confidence=conf)
    if lang not in language.SUPPORTED["techniques"] or "\n" not in doc.text:
        return base
    confident, shares, mixed = language.mixture(doc.text)
    if not mixed:
        return base
    return language.LanguageResult(
        lang=lang, confidence=conf, declared=declared, declared_value=base.declared_value,
        detected=lang, detected_confidence=conf, mixed=True,
        shares={k: round(v, 3) for k, v in sorted(shares.items(), key=lambda kv: -kv[1])},
        segments=tuple((s, e, code, c) for s, e, code, c, _ in confident))
