"""Funnel plots (Spiegelhalter 2005) for comparing many buurten at once.

Serves the funnel chart on the vergelijken page: each buurt is a point
(denominator, value) against control limits around a target that narrow as
the denominator grows, so small buurten are not flagged for noise.

Scale: values are on the natural scale, a proportion 0-1 or a rate per unit
of denominator (for an indirectly standardised ratio pass observed counts as
numerators and expected counts as denominators, target 1). The caller
multiplies by 100 or 1,000 for display.

Limits, z-scores and overdispersion are computed on a variance-stabilising
scale, as the R package FunnelPlotR does: arcsine-square-root for proportions
(g(p) = asin(sqrt(p)), s = 1 / (2 sqrt(n))) and square root for rates and
ratios (g(r) = sqrt(r), s = 1 / (2 sqrt(n))). On that scale the noise of a
unit no longer depends on the target, so the limits are symmetric there and
asymmetric (as they should be) after transforming back: lower = g^-1(g(target)
- z sqrt(s^2 + tau^2)), clipped at 0 (and at 1 for proportions).

Overdispersion follows Spiegelhalter (2005) "Handling over-dispersion of
performance indicators" as in FunnelPlotR: the z-scores on the transformed
scale are winsorised at their 10th and 90th percentiles (numpy's default
linear quantile, R's type 7), ``phi`` is the mean of the winsorised z^2, and
when ``n * phi > n - 1`` an additive between-buurt variance
``tau^2 = (n phi - (n - 1)) / (sum(w) - sum(w^2) / sum(w))`` with
``w = 1 / s^2`` (on the transformed scale) widens the limits. phi in words:
the buurten differ phi times as much as chance (their numbers of clients or
inhabitants) explains.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

KINDS = ("proportion", "rate")

BANDS = ("binnen", "boven 95%", "boven 99,8%", "onder 95%", "onder 99,8%")
BAND_NOT_COMPUTABLE = "niet berekenbaar"


@dataclass(frozen=True)
class FunnelResult:
    """Per-unit values, z-scores and bands, plus the target and overdispersion used."""

    units: pd.DataFrame  # numerator, denominator, value, z, band
    target: float
    phi: float
    tau2: float
    kind: str


def level_label(level: float) -> str:
    """Return the column suffix for a level: 0.95 -> "95", 0.998 -> "99_8"."""
    return f"{level * 100:g}".replace(".", "_")


def funnel_limits(
    target: float,
    denominators: Sequence[float] | np.ndarray,
    kind: str = "proportion",
    levels: Sequence[float] = (0.95, 0.998),
    overdispersion_tau2: float = 0.0,
) -> pd.DataFrame:
    """Return control limits per denominator: columns denominator, lower_<lvl>, upper_<lvl>.

    Column suffixes come from ``level_label`` (lower_95, upper_99_8, ...).
    ``overdispersion_tau2`` is on the transformed scale (as ``funnel`` returns it). Limits are computed there
    and transformed back, so they stay within [0, 1] for proportions and >= 0 for rates.
    """
    _check_kind(kind)
    n = np.asarray(denominators, dtype=float)
    if np.any(n <= 0):
        raise ValueError("denominators must be > 0")
    s = np.sqrt(_transformed_variance(n) + overdispersion_tau2)
    centre = _transform(np.asarray(target, dtype=float), kind)
    out = {"denominator": n}
    for level in levels:
        z = stats.norm.ppf(1 - (1 - level) / 2)
        out[f"lower_{level_label(level)}"] = _back(centre - z * s, kind)
        out[f"upper_{level_label(level)}"] = _back(centre + z * s, kind)
    return pd.DataFrame(out)


def funnel(
    numerators: Sequence[float] | pd.Series,
    denominators: Sequence[float] | pd.Series,
    kind: str = "proportion",
    target: float | None = None,
    overdispersion: bool = True,
) -> FunnelResult:
    """Return each unit's value, z-score and funnel band, with phi and tau2.

    ``target`` defaults to the pooled ratio of sums over valid units. Units
    with a missing or zero denominator (or a proportion above 1) get band
    "niet berekenbaar" and do not count towards phi and tau2.
    """
    _check_kind(kind)
    index = numerators.index if isinstance(numerators, pd.Series) else None
    num = np.asarray(numerators, dtype=float)
    den = np.asarray(denominators, dtype=float)
    if num.shape != den.shape:
        raise ValueError("numerators and denominators must have the same length")

    valid = np.isfinite(num) & np.isfinite(den) & (den > 0) & (num >= 0)
    if kind == "proportion":
        valid &= num <= den
    if target is None:
        target = float(num[valid].sum() / den[valid].sum()) if valid.any() else float("nan")

    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(valid, num / den, np.nan)
        s2 = np.where(valid, _transformed_variance(den), np.nan)
        distance = _transform(value, kind) - _transform(np.asarray(target, dtype=float), kind)
        z_raw = distance / np.sqrt(s2)
    valid &= np.isfinite(z_raw)

    phi, tau2 = float("nan"), 0.0
    if valid.any():
        phi, tau2 = _overdispersion(z_raw[valid], 1 / s2[valid])
    if not overdispersion:
        tau2 = 0.0

    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(valid, distance / np.sqrt(s2 + tau2), np.nan)
    units = pd.DataFrame(
        {
            "numerator": num,
            "denominator": den,
            "value": value,
            "z": z,
            "band": [_band(zi) for zi in z],
        },
        index=index,
    )
    return FunnelResult(units=units, target=float(target), phi=phi, tau2=tau2, kind=kind)


def _overdispersion(z: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """Return (phi, tau2) from unit z-scores and inverse-variance weights."""
    n = z.size
    low, high = np.quantile(z, [0.1, 0.9])
    phi = float(np.mean(np.clip(z, low, high) ** 2))
    spread = float(w.sum() - (w**2).sum() / w.sum())
    if n * phi <= n - 1 or spread <= 0:
        return phi, 0.0
    return phi, float((n * phi - (n - 1)) / spread)


_Z95 = float(stats.norm.ppf(0.975))
_Z998 = float(stats.norm.ppf(0.999))


def _band(z: float) -> str:
    if not np.isfinite(z):
        return BAND_NOT_COMPUTABLE
    if z > _Z998:
        return "boven 99,8%"
    if z > _Z95:
        return "boven 95%"
    if z < -_Z998:
        return "onder 99,8%"
    if z < -_Z95:
        return "onder 95%"
    return "binnen"


def _transform(x: np.ndarray, kind: str) -> np.ndarray:
    """Variance-stabilising transform: arcsine-square-root (proportions), square root (rates)."""
    with np.errstate(invalid="ignore"):
        return np.arcsin(np.sqrt(x)) if kind == "proportion" else np.sqrt(x)


def _back(y: np.ndarray, kind: str) -> np.ndarray:
    """Inverse of ``_transform``, clipped to the possible range (0-1 for a proportion, >= 0 for a rate)."""
    if kind == "proportion":
        return np.sin(np.clip(y, 0.0, np.pi / 2)) ** 2
    return np.maximum(y, 0.0) ** 2


def _transformed_variance(n: np.ndarray) -> np.ndarray:
    """Sampling variance of g(value) per denominator: 1 / (4 n) for both transforms."""
    return 1 / (4 * n)


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {KINDS}")
