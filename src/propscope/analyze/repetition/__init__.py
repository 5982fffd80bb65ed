"""Repetition: keyword stuffing and templated insertion, one concern in four parts.

* :mod:`.maximal_repeats` finds every maximal repeated phrase of a text, with exact offsets;
* :mod:`.batch_prefilter` rules out, for a whole batch at once, texts that cannot hold one;
* :mod:`.rules` judges one repeated phrase by its shape (set off, long, dense, attached);
* :mod:`.furniture` tells page furniture (ads, credits, bylines) from inserted phrases;
* :mod:`.analyzer` runs those over a document and is the registered ``repetitions`` analyzer.
"""

from .analyzer import (
    PAGE_FURNITURE_SCHEMA,
    REPETITIONS_SCHEMA,
    analyze_repetitions,
    analyze_repetitions_batch,
    find_repetitions,
    find_repetitions_and_furniture,
    find_repetitions_batch,
)

__all__ = ["PAGE_FURNITURE_SCHEMA", "REPETITIONS_SCHEMA", "analyze_repetitions", "analyze_repetitions_batch",
           "find_repetitions", "find_repetitions_and_furniture", "find_repetitions_batch"]
