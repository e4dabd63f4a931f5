"""Recent-trend test for an indicator, as shown on the trends page.

Fingertips reports a recent trend over the last five data points; we do the
same with a weighted least-squares slope test:

* with variances (e.g. squared standard errors from the intervals) the
  weights are 1/variance and the slope is tested with a z-test, because the
  variances are taken as known;
* without variances (or when any of them is missing or not positive) all
  points weigh the same and the slope is tested with a t-test on n - 2
  degrees of freedom using the residual variance.

Fewer than three points give "not_computable": a line through two points
always fits and tells nothing about significance.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

DIRECTIONS = ("increasing", "decreasing", "no_significant_change", "not_computable")

DIRECTION_LABELS_NL: dict[str, str] = {
    "increasing": "stijgend",
    "decreasing": "dalend",
    "no_significant_change": "geen significante verandering",
    "not_computable": "niet berekenbaar (minder dan 3 meetpunten)",
}


@dataclass(frozen=True)
class TrendResult:
    """Slope per period unit, its p-value and the resulting direction."""

    slope: float | None
    p_value: float | None
    direction: str
    n_points: int
    weighted: bool


def trend(
    values: Sequence[float | None],
    variances: Sequence[float | None] | None = None,
    periods: Sequence[float] | None = None,
    last: int = 5,
    level: float = 0.95,
) -> TrendResult:
    """Return the weighted least-squares trend over the last ``last`` non-missing points.

    ``periods`` defaults to 0, 1, 2, ...; the slope is per unit of period
    (per year when periods are years). Points are sorted by period first.
    """
    y = _as_float(values)
    x = np.arange(y.size, dtype=float) if periods is None else _as_float(periods)
    v = None if variances is None else _as_float(variances)
    if x.size != y.size or (v is not None and v.size != y.size):
        raise ValueError("values, variances and periods must have the same length")

    keep = ~np.isnan(y) & ~np.isnan(x)
    order = np.argsort(x[keep], kind="stable")
    x, y = x[keep][order][-last:], y[keep][order][-last:]
    if v is not None:
        v = v[keep][order][-last:]
    n = int(y.size)
    if n < 3:
        return TrendResult(None, None, "not_computable", n, False)

    weighted = v is not None and bool(np.all(np.isfinite(v) & (v > 0)))
    w = 1 / v if weighted else np.ones(n)

    x_bar = np.sum(w * x) / np.sum(w)
    y_bar = np.sum(w * y) / np.sum(w)
    sxx = np.sum(w * (x - x_bar) ** 2)
    if sxx == 0:
        raise ValueError("periods must not all be equal")
    slope = float(np.sum(w * (x - x_bar) * (y - y_bar)) / sxx)

    if weighted:
        se = math.sqrt(1 / sxx)
        p_value = float(2 * stats.norm.sf(abs(slope) / se))
    else:
        residuals = y - (y_bar + slope * (x - x_bar))
        s2 = float(np.sum(residuals**2) / (n - 2))
        se = math.sqrt(s2 / sxx)
        if se == 0:
            # A perfect line: any non-zero slope is certain, a flat one is not a change.
            p_value = 0.0 if slope != 0 else 1.0
        else:
            p_value = float(2 * stats.t.sf(abs(slope) / se, n - 2))

    if p_value < 1 - level and slope != 0:
        direction = "increasing" if slope > 0 else "decreasing"
    else:
        direction = "no_significant_change"
    return TrendResult(slope, p_value, direction, n, weighted)


def worse_and_worsening(comparison: str, direction: str, polarity: str) -> bool:
    """Return True when a value is worse than its benchmark and moving the wrong way."""
    if comparison not in ("worse", "much_worse"):
        return False
    if polarity == "higher_is_better":
        return direction == "decreasing"
    if polarity == "lower_is_better":
        return direction == "increasing"
    return False


def _as_float(seq: Sequence[float | None]) -> np.ndarray:
    """None, NaN and pandas.NA all become NaN."""
    return pd.to_numeric(pd.Series(list(seq), dtype=object), errors="coerce").to_numpy(dtype=float)
