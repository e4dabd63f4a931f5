"""Fingertips-style comparison of a buurt value with a benchmark.

Serves the colour coding on the buurtbeeld and vergelijken pages: a buurt is
"vergelijkbaar" when the benchmark (gemeente, Nederland, peer group) lies
inside the buurt's 95% interval, "beter"/"slechter" when it lies outside, and
"veel beter"/"veel slechter" when it lies outside the 99.8% interval. For
indicators without a good direction ("neutral") the words are hoger/lager.
When no interval exists, ``quintile`` gives a rank-based fallback.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

POLARITIES = ("higher_is_better", "lower_is_better", "neutral")

COMPARISON_LABELS_NL: dict[str, str] = {
    "similar": "vergelijkbaar",
    "better": "beter",
    "worse": "slechter",
    "much_better": "veel beter",
    "much_worse": "veel slechter",
    "higher": "hoger",
    "lower": "lager",
    "much_higher": "veel hoger",
    "much_lower": "veel lager",
    "not_comparable": "niet te vergelijken (geen betrouwbaarheidsinterval)",
}

_JUDGED = {
    "higher_is_better": {"higher": "better", "lower": "worse"},
    "lower_is_better": {"higher": "worse", "lower": "better"},
    "neutral": {"higher": "higher", "lower": "lower"},
}


def compare(
    value: float | None,
    ci95: Any,
    ci998: Any,
    benchmark_value: float | None,
    polarity: str,
) -> str:
    """Return the comparison key (see COMPARISON_LABELS_NL) of a value against a benchmark.

    ``ci95`` and ``ci998`` are an ``Interval`` or a ``(low, high)`` pair (or
    None). Without a 99.8% interval the result is never "much_*".
    """
    if polarity not in POLARITIES:
        raise ValueError(f"unknown polarity {polarity!r}; expected one of {POLARITIES}")
    low95, high95 = _bounds(ci95)
    if _missing(value) or _missing(benchmark_value) or low95 is None or high95 is None:
        return "not_comparable"
    if low95 <= benchmark_value <= high95:
        return "similar"

    direction = "higher" if benchmark_value < low95 else "lower"
    low998, high998 = _bounds(ci998)
    much = (direction == "higher" and low998 is not None and benchmark_value < low998) or (
        direction == "lower" and high998 is not None and benchmark_value > high998
    )
    judged = _JUDGED[polarity][direction]
    return f"much_{judged}" if much else judged


def quintile(value: float | None, values: Iterable[float | None]) -> int | None:
    """Return the quintile (1 = lowest fifth, 5 = highest) of value among values.

    A fallback for indicators without an interval; it says nothing about good
    or bad, the caller maps it with the indicator's polarity. Ties get the
    mid-rank, so equal values always land in the same quintile.
    """
    if _missing(value):
        return None
    arr = np.asarray([np.nan if v is None else v for v in values], dtype=float)
    arr = arr[~np.isnan(arr)]
    if arr.size == 0:
        return None
    share_below = (np.sum(arr < value) + 0.5 * np.sum(arr == value)) / arr.size
    return int(min(5, math.floor(share_below * 5) + 1))


def _bounds(ci: Any) -> tuple[float | None, float | None]:
    """Accept an Interval-like object or a (low, high) pair; NaN counts as missing."""
    if ci is None:
        return None, None
    if hasattr(ci, "low") and hasattr(ci, "high"):
        low, high = ci.low, ci.high
    else:
        low, high = ci
    low = None if _missing(low) else float(low)
    high = None if _missing(high) else float(high)
    return low, high


def _missing(x: Any) -> bool:
    """None, NaN and pandas' NA all count as missing."""
    if x is None:
        return True
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return True
