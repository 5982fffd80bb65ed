"""The JSON embedded in pages is always valid JSON (the app's network once broke on NaN)."""

from __future__ import annotations

import json
import math

from propscope.present.html import _json_text


def test_nan_and_infinity_become_null_and_markup_is_escaped() -> None:
    value = {"edges": [{"raw_a": math.nan, "w": math.inf, "items": ("</script>", -math.inf)}]}
    text = str(_json_text(value))
    assert "NaN" not in text and "Infinity" not in text and "</script>" not in text
    assert json.loads(text) == {"edges": [{"raw_a": None, "w": None,
                                           "items": ["</script>", None]}]}
