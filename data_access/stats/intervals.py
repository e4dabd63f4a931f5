"""Confidence intervals for the indicators on the outcome dashboard.

Serves every page that shows a buurt value with an interval (buurtbeeld,
vergelijken, trends) and the benchmark comparison in ``benchmark.py``.

The methods follow the Public Health England / Fingertips "Technical Guide:
Confidence Intervals" (2018):

* proportions: Wilson score interval;
* counts and rates: Byar's approximation from 10 events, the exact
  (chi-square / gamma based) Poisson interval below 10;
* means and scores: Student's t interval;
* Net Promoter Score: normal approximation with the multinomial variance
  ``[p(1-p) + d(1-d) + 2pd] / n``.

The low-level functions raise ``ValueError`` on impossible input (they are
called by code that already validated); ``interval_for`` is the tolerant entry
point for stored indicator rows and returns a "niet berekenbaar" interval with
a Dutch reason instead of raising.

Each method is written once, over arrays (``_wilson_bounds``, ``_poisson_bounds``, ...): ``intervals_for`` applies
them to a whole frame of stored values at once (at 1,000 buurten a programme-wide frame has 170,000-325,000
rows), and the one-value functions below call the same code with one value.

Which indicators get an interval at all is decided in one place,
``no_interval_reason``: estimates (surveys, samples) and rates of events or
uses (claims, crimes, benefits or care per inhabitant: outcomes of a chance
process even when every case is counted, as Fingertips treats registrations).
Not a complete count of how the population or its surroundings are made up
(CBS's population density, share of 65-plussers, distances: catalogue themes
demografie, huishoudens, leefomgeving, voorzieningen; the Vektis register),
which has no sampling error, nor a plain count (inhabitants, initiatives),
which is the number itself.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import stats

NOT_COMPUTABLE = "niet berekenbaar"

# Complete counts (registers, not samples) and, per source, the catalogue themes that describe the make-up of
# the population or its surroundings (None: every theme). CBS's themes sociaaleconomisch and zorggebruik count
# uses (benefits, youth care, Wmo) and keep their intervals; a source naming another origin first ("Politie/CBS")
# is not in this list.
CENSUS_SOURCES: dict[str, frozenset[str] | None] = {
    "CBS Kerncijfers wijken en buurten": frozenset({"demografie", "huishoudens", "leefomgeving", "voorzieningen"}),
    "Vektis Open Databestand": None,
}
NO_INTERVAL_CENSUS = "geen interval: volledige telling, geen schatting"
NO_INTERVAL_COUNT = "geen interval: een aantal, geen schatting of kans"
WIDENED = "verbreed tot de getoonde waarde"

KINDS = ("count", "percentage", "rate", "mean", "score", "nps")


@dataclass(frozen=True)
class Interval:
    """A confidence interval on the scale of the value it belongs to."""

    low: float | None
    high: float | None
    method: str

    @property
    def computable(self) -> bool:
        """True when both bounds exist."""
        return self.low is not None and self.high is not None


def no_interval_reason(kind: str, source: str | None, theme: str | None = None) -> str | None:
    """None when an indicator's values get an interval, else the Dutch reason why not (catalogue kind, source and
    theme; a theme may list several, comma-separated).

    A "count" has no denominator and so is no rate; a census source describes the make-up of the population or
    its surroundings in the themes listed in ``CENSUS_SOURCES``.
    """
    if kind == "count":
        return NO_INTERVAL_COUNT
    themes = {t.strip() for t in str(theme or "").split(",") if t.strip()}
    for prefix, census_themes in CENSUS_SOURCES.items():
        if source and str(source).startswith(prefix) and (census_themes is None or themes & census_themes):
            return NO_INTERVAL_CENSUS
    return None


@dataclass(frozen=True, eq=False)
class Intervals:
    """Intervals for many values at once, position by position; low and high are NaN where none is computable."""

    low: np.ndarray
    high: np.ndarray
    method: np.ndarray  # str per value (object array)
    computable: np.ndarray  # bool per value: False where ``method`` gives the reason ("niet berekenbaar: ...")


def not_computable(reason: str) -> Interval:
    """Return the interval shown when no interval can be computed, with a Dutch reason."""
    return Interval(None, None, f"{NOT_COMPUTABLE}: {reason}")


def z_value(level: float = 0.95) -> float:
    """Return the two-sided standard normal quantile for a confidence level."""
    _check_level(level)
    return _z(level)


def wilson(numerator: float, denominator: float, level: float = 0.95) -> Interval:
    """Return the Wilson score interval for numerator/denominator on the 0-1 scale."""
    _check_level(level)
    if denominator <= 0 or numerator < 0 or numerator > denominator:
        raise ValueError("wilson needs 0 <= numerator <= denominator and denominator > 0")
    low, high = _wilson_bounds(_one(numerator), _one(denominator), _z(level))
    return Interval(float(low[0]), float(high[0]), "wilson")


def byar(events: float, level: float = 0.95) -> Interval:
    """Return Byar's approximate Poisson interval for an observed count (use from 10 events)."""
    _check_level(level)
    if events < 0:
        raise ValueError("events must be >= 0")
    low, high = _byar_bounds(_one(events), _z(level))
    return Interval(float(low[0]), float(high[0]), "byar")


def exact_poisson(events: float, level: float = 0.95) -> Interval:
    """Return the exact (chi-square based) Poisson interval for an observed count."""
    _check_level(level)
    if events < 0:
        raise ValueError("events must be >= 0")
    low, high = _exact_poisson_bounds(_one(events), level)
    return Interval(float(low[0]), float(high[0]), "exact-poisson")


def poisson_count(events: float, level: float = 0.95) -> Interval:
    """Return the Poisson interval for a count: Byar from 10 events, exact below."""
    if events >= 10:
        return byar(events, level)
    return exact_poisson(events, level)


def rate(events: float, person_time: float, level: float = 0.95, per: float = 1) -> Interval:
    """Return the Poisson interval for per * events / person_time."""
    if person_time <= 0:
        raise ValueError("person_time must be > 0")
    count = poisson_count(events, level)
    scale = per / person_time
    return Interval(count.low * scale, count.high * scale, count.method)


def t_interval(mean: float, sd: float, n: float, level: float = 0.95) -> Interval:
    """Return the Student t interval for a mean from its standard deviation and n."""
    _check_level(level)
    if n < 2:
        raise ValueError("t_interval needs n >= 2")
    if sd < 0:
        raise ValueError("sd must be >= 0")
    low, high = _t_bounds(_one(mean), _one(sd), _one(n), level)
    return Interval(float(low[0]), float(high[0]), "t")


def nps(promoters: float, detractors: float, n: float, level: float = 0.95) -> Interval:
    """Return the normal-approximation interval for a Net Promoter Score on the -100..100 scale."""
    _check_level(level)
    if n <= 0 or promoters < 0 or detractors < 0 or promoters + detractors > n:
        raise ValueError("nps needs promoters, detractors >= 0 and promoters + detractors <= n")
    low, high = _nps_bounds(_one(promoters), _one(detractors), _one(n), _z(level))
    return Interval(float(low[0]), float(high[0]), "nps-normal")


def interval_for(
    kind: str,
    value: float | None,
    numerator: float | None,
    denominator: float | None,
    level: float = 0.95,
    detractors: float | None = None,
    sd: float | None = None,
    per: float | None = None,
) -> Interval:
    """Return the interval for one stored indicator value, or a "niet berekenbaar" interval.

    Scales (low/high are always on the scale of ``value``):

    * ``count``: value = numerator = number of events. When numerator is
      missing the value itself is taken as the count.
    * ``percentage``: value = 100 * numerator / denominator (Wilson).
    * ``rate``: value = per * numerator / denominator, e.g. Wmo clients per
      1,000 inhabitants. Also used for amounts per person such as "hours of
      district nursing per client" (numerator = hours, denominator = clients):
      the hours are then treated as a Poisson count and the interval is
      scaled by the denominator. That approximation ignores that hours cluster
      within clients, so it is too narrow for skewed care use; it is the best
      available without client-level data. When ``per`` is None it is
      inferred as value / (numerator / denominator) so the bounds match value;
      that is impossible when the count is 0 (per 1 is then used), so pass
      ``per`` explicitly wherever the scale is known.
    * ``mean`` / ``score``: value = mean, denominator = n, ``sd`` required (t).
    * ``nps``: numerator = promoters, ``detractors``, denominator = respondents.

    The interval always contains ``value``: when the value shown differs from what the counts give (CBS rounds
    percentages and counts, a supplier may deliver its own rounded figure) the interval computed from the counts
    is widened to reach the value (never shifted), and its method says so ("verbreed tot de getoonde waarde").
    ``intervals_for`` is the same rule for many values at once; this is it for one.
    """
    found = intervals_for(kind, *(_one(_missing_as_nan(x)) for x in (value, numerator, denominator)), level=level,
                          detractors=_one(_missing_as_nan(detractors)), sd=_one(_missing_as_nan(sd)),
                          per=_one(_missing_as_nan(per)))
    if not found.computable[0]:
        return Interval(None, None, str(found.method[0]))
    return Interval(float(found.low[0]), float(found.high[0]), str(found.method[0]))


def intervals_for(
    kind: str | Sequence[str],
    value: Sequence[float] | np.ndarray,
    numerator: Sequence[float] | np.ndarray | None,
    denominator: Sequence[float] | np.ndarray | None,
    level: float = 0.95,
    detractors: Sequence[float] | np.ndarray | None = None,
    sd: Sequence[float] | np.ndarray | None = None,
    per: Sequence[float] | np.ndarray | None = None,
) -> Intervals:
    """``interval_for`` for many stored values at once: position i gets what ``interval_for`` gives for the i-th
    kind (or the one kind), value, numerator, ... (None or NaN: missing).

    Every method runs once over all the values it applies to, so a programme-wide frame costs milliseconds
    instead of a scipy call per row.
    """
    value = _floats(value)
    size = value.size
    kinds = np.broadcast_to(np.asarray(kind, dtype=object), (size,))
    unknown = [k for k in dict.fromkeys(kinds.tolist()) if k not in KINDS]
    if unknown:
        raise ValueError(f"unknown kind {unknown[0]!r}; expected one of {KINDS}")
    _check_level(level)
    num, den, det, sd, per = (_floats(x, size) for x in (numerator, denominator, detractors, sd, per))

    low, high = np.full(size, np.nan), np.full(size, np.nan)
    method = np.full(size, "", dtype=object)
    undecided = np.ones(size, dtype=bool)
    refused = np.zeros(size, dtype=bool)

    def refuse(where: np.ndarray, reason: str) -> None:
        hit = undecided & where
        method[hit] = f"{NOT_COMPUTABLE}: {reason}"
        undecided[hit] = False
        refused[hit] = True

    def settle(where: np.ndarray, bounds: tuple[np.ndarray, np.ndarray], name: str | np.ndarray) -> None:
        low[where], high[where] = bounds
        method[where] = name
        undecided[where] = False

    missing = np.isnan
    refuse((num < 0) | (den < 0) | (det < 0) | (sd < 0), "negatieve waarde")

    is_count = kinds == "count"
    if is_count.any():
        events = np.where(missing(num), value, num)  # a count without numerator: the value is the count
        refuse(is_count & missing(events), "teller ontbreekt")
        refuse(is_count & (value < 0), "negatieve waarde")
        rows = undecided & is_count
        found_low, found_high, names = _poisson_bounds(events[rows], level)
        settle(rows, (found_low, found_high), names)

    is_mean = (kinds == "mean") | (kinds == "score")
    if is_mean.any():
        refuse(is_mean & missing(value), "waarde ontbreekt")
        refuse(is_mean & (missing(den) | (den == 0)), "aantal waarnemingen ontbreekt of is nul")
        refuse(is_mean & missing(sd), "standaarddeviatie ontbreekt")
        refuse(is_mean & (den < 2), "te weinig waarnemingen (minder dan 2)")
        rows = undecided & is_mean
        settle(rows, _t_bounds(value[rows], sd[rows], den[rows], level), "t")

    with_counts = ~is_count & ~is_mean
    refuse(with_counts & (missing(den) | (den == 0)), "noemer ontbreekt of is nul")
    refuse(with_counts & missing(num), "teller ontbreekt")

    is_percentage = kinds == "percentage"
    if is_percentage.any():
        refuse(is_percentage & (num > den), "teller groter dan noemer")
        rows = undecided & is_percentage
        found_low, found_high = _wilson_bounds(num[rows], den[rows], _z(level))
        settle(rows, (100 * found_low, 100 * found_high), "wilson")

    rows = undecided & (kinds == "rate")
    if rows.any():
        events, person_time, scale_to = num[rows], den[rows], per[rows]
        shown = value[rows]
        with np.errstate(divide="ignore", invalid="ignore"):
            # per unknown: the scale that makes the bounds match the value, where the count allows it
            inferred = np.where(~missing(shown) & (events > 0), shown * person_time / events, 1.0)
        scale_to = np.where(missing(scale_to), inferred, scale_to)
        found_low, found_high, names = _poisson_bounds(events, level)
        scale = scale_to / person_time
        settle(rows, (found_low * scale, found_high * scale), names)

    is_nps = kinds == "nps"
    if is_nps.any():
        refuse(is_nps & missing(det), "aantal criticasters ontbreekt")
        refuse(is_nps & (num + det > den), "promotors plus criticasters groter dan aantal respondenten")
        rows = undecided & is_nps
        settle(rows, _nps_bounds(num[rows], det[rows], den[rows], _z(level)), "nps-normal")

    computable = ~refused
    # The value shown always lies inside its interval: widen (never shift) where it does not.
    widen = computable & ~missing(value) & ~((low <= value) & (value <= high))
    low[widen] = np.where(value[widen] < low[widen], value[widen], low[widen])
    high[widen] = np.where(value[widen] > high[widen], value[widen], high[widen])
    method[widen] = method[widen] + f", {WIDENED}"
    return Intervals(low, high, method, computable)


# The methods, each written once over arrays of valid input (the callers above check it). Bounds are clipped the
# way Python's max/min do it (a NaN bound gives the clip value), as the one-value functions always did.

def _wilson_bounds(numerator: np.ndarray, denominator: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score bounds on the 0-1 scale."""
    n = denominator
    with np.errstate(divide="ignore", invalid="ignore"):
        p = numerator / n
        z2n = z * z / n
        centre = (p + z2n / 2) / (1 + z2n)
        half = z / (1 + z2n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    # Clip only float noise: the Wilson bounds are inside [0, 1] by construction.
    return _at_least(0.0, centre - half), _at_most(1.0, centre + half)


def _byar_bounds(events: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    """Byar's approximate Poisson bounds for observed counts."""
    o = events
    low = np.zeros(o.shape)
    some = o != 0
    o_some = o[some]
    with np.errstate(divide="ignore", invalid="ignore"):
        low[some] = o_some * _cube(1 - 1 / (9 * o_some) - z / (3 * np.sqrt(o_some)))
        o1 = o + 1
        high = o1 * _cube(1 - 1 / (9 * o1) + z / (3 * np.sqrt(o1)))
    return _at_least(0.0, low), high


def _exact_poisson_bounds(events: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact (chi-square based) Poisson bounds for observed counts."""
    alpha = 1 - level
    o = events
    low, high = np.zeros(o.shape), np.zeros(o.shape)
    if o.size == 0:
        return low, high
    some = o != 0
    # chi2(2k)/2 is the gamma(k) quantile; this also accepts non-integer counts
    # (hours), which the rate approximation in interval_for relies on.
    low[some] = stats.chi2.ppf(alpha / 2, 2 * o[some]) / 2
    high[:] = stats.chi2.ppf(1 - alpha / 2, 2 * (o + 1)) / 2
    return low, high


def _poisson_bounds(events: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Poisson bounds and method per count: Byar from 10 events, exact below."""
    low, high = np.zeros(events.shape), np.zeros(events.shape)
    byar_rows = events >= 10
    if byar_rows.any():
        low[byar_rows], high[byar_rows] = _byar_bounds(events[byar_rows], _z(level))
    if not byar_rows.all():
        low[~byar_rows], high[~byar_rows] = _exact_poisson_bounds(events[~byar_rows], level)
    return low, high, np.where(byar_rows, "byar", "exact-poisson").astype(object)


def _t_bounds(mean: np.ndarray, sd: np.ndarray, n: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Student t bounds for means from their standard deviation and n."""
    if mean.size == 0:
        return mean.copy(), mean.copy()
    t = stats.t.ppf(1 - (1 - level) / 2, n - 1)
    half = t * sd / np.sqrt(n)
    return mean - half, mean + half


def _nps_bounds(promoters: np.ndarray, detractors: np.ndarray, n: np.ndarray,
                z: float) -> tuple[np.ndarray, np.ndarray]:
    """Normal-approximation bounds for Net Promoter Scores on the -100..100 scale."""
    with np.errstate(invalid="ignore"):
        p = promoters / n
        d = detractors / n
        # Var(p - d) for one multinomial sample: Cov(p, d) = -pd/n adds +2pd.
        se = np.sqrt((p * (1 - p) + d * (1 - d) + 2 * p * d) / n)
    score = 100 * (p - d)
    half = 100 * z * se
    return _at_least(-100.0, score - half), _at_most(100.0, score + half)


def _cube(x: np.ndarray) -> np.ndarray:
    """x ** 3 through the C library's pow, as Python's float power does: numpy's SIMD power differs from it in the
    last bit for ~5 % of values, and by CPU, and a bound should not depend on the machine."""
    return np.fromiter((t ** 3 for t in x.tolist()), dtype=float, count=x.size)


def _at_least(floor: float, x: np.ndarray) -> np.ndarray:
    """max(floor, x) element by element, as Python's max does it (NaN gives floor)."""
    return np.where(x > floor, x, floor)


def _at_most(ceiling: float, x: np.ndarray) -> np.ndarray:
    """min(ceiling, x) element by element, as Python's min does it (NaN gives ceiling)."""
    return np.where(x < ceiling, x, ceiling)


@lru_cache(maxsize=32)
def _z(level: float) -> float:
    """The two-sided normal quantile, computed once per level (scipy's ppf costs ~0.1 ms a call)."""
    return float(stats.norm.ppf(1 - (1 - level) / 2))


def _floats(x: Sequence[float] | np.ndarray | None, size: int | None = None) -> np.ndarray:
    """A float array of ``size`` (None: all missing); None, NaN, pandas.NA and text that is no number are NaN."""
    if x is None:
        return np.full(size, np.nan)
    try:
        out = np.array(x, dtype=float, ndmin=1)
    except (TypeError, ValueError):  # pandas.NA, text
        out = pd.to_numeric(pd.Series(list(np.ravel(np.asarray(x, dtype=object))), dtype=object),
                            errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return out if size is None or out.size == size else np.broadcast_to(out, (size,)).copy()


def _one(x: float | None) -> np.ndarray:
    return np.array([np.nan if x is None else x], dtype=float)


def _missing_as_nan(x: float | None) -> float:
    cleaned = _clean(x)
    return np.nan if cleaned is None else cleaned


def _clean(x: float | None) -> float | None:
    """Treat None and NaN (as pandas hands them over) alike as missing."""
    if x is None:
        return None
    try:
        x = float(x)
    except (TypeError, ValueError):  # pandas.NA and friends
        return None
    return None if math.isnan(x) else x


def _check_level(level: float) -> None:
    if not 0 < level < 1:
        raise ValueError("level must be between 0 and 1, e.g. 0.95 or 0.998")
