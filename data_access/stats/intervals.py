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
from dataclasses import dataclass

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


def not_computable(reason: str) -> Interval:
    """Return the interval shown when no interval can be computed, with a Dutch reason."""
    return Interval(None, None, f"{NOT_COMPUTABLE}: {reason}")


def z_value(level: float = 0.95) -> float:
    """Return the two-sided standard normal quantile for a confidence level."""
    _check_level(level)
    return float(stats.norm.ppf(1 - (1 - level) / 2))


def wilson(numerator: float, denominator: float, level: float = 0.95) -> Interval:
    """Return the Wilson score interval for numerator/denominator on the 0-1 scale."""
    _check_level(level)
    if denominator <= 0 or numerator < 0 or numerator > denominator:
        raise ValueError("wilson needs 0 <= numerator <= denominator and denominator > 0")
    z = z_value(level)
    n = float(denominator)
    p = numerator / n
    z2n = z * z / n
    centre = (p + z2n / 2) / (1 + z2n)
    half = z / (1 + z2n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    # Clip only float noise: the Wilson bounds are inside [0, 1] by construction.
    return Interval(max(0.0, centre - half), min(1.0, centre + half), "wilson")


def byar(events: float, level: float = 0.95) -> Interval:
    """Return Byar's approximate Poisson interval for an observed count (use from 10 events)."""
    _check_level(level)
    if events < 0:
        raise ValueError("events must be >= 0")
    z = z_value(level)
    o = float(events)
    if o == 0:
        low = 0.0
    else:
        low = o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3
    o1 = o + 1
    high = o1 * (1 - 1 / (9 * o1) + z / (3 * math.sqrt(o1))) ** 3
    return Interval(max(0.0, low), high, "byar")


def exact_poisson(events: float, level: float = 0.95) -> Interval:
    """Return the exact (chi-square based) Poisson interval for an observed count."""
    _check_level(level)
    if events < 0:
        raise ValueError("events must be >= 0")
    alpha = 1 - level
    o = float(events)
    # chi2(2k)/2 is the gamma(k) quantile; this also accepts non-integer counts
    # (hours), which the rate approximation in interval_for relies on.
    low = 0.0 if o == 0 else float(stats.chi2.ppf(alpha / 2, 2 * o) / 2)
    high = float(stats.chi2.ppf(1 - alpha / 2, 2 * (o + 1)) / 2)
    return Interval(low, high, "exact-poisson")


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
    t = float(stats.t.ppf(1 - (1 - level) / 2, n - 1))
    half = t * sd / math.sqrt(n)
    return Interval(mean - half, mean + half, "t")


def nps(promoters: float, detractors: float, n: float, level: float = 0.95) -> Interval:
    """Return the normal-approximation interval for a Net Promoter Score on the -100..100 scale."""
    _check_level(level)
    if n <= 0 or promoters < 0 or detractors < 0 or promoters + detractors > n:
        raise ValueError("nps needs promoters, detractors >= 0 and promoters + detractors <= n")
    p = promoters / n
    d = detractors / n
    # Var(p - d) for one multinomial sample: Cov(p, d) = -pd/n adds +2pd.
    se = math.sqrt((p * (1 - p) + d * (1 - d) + 2 * p * d) / n)
    score = 100 * (p - d)
    half = 100 * z_value(level) * se
    return Interval(max(-100.0, score - half), min(100.0, score + half), "nps-normal")


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
    """
    interval = _interval_for(kind, value, numerator, denominator, level, detractors, sd, per)
    value = _clean(value)
    if value is None or not interval.computable:
        return interval
    if interval.low <= value <= interval.high:
        return interval
    return Interval(min(interval.low, value), max(interval.high, value), f"{interval.method}, {WIDENED}")


def _interval_for(kind: str, value: float | None, numerator: float | None, denominator: float | None,
                  level: float, detractors: float | None, sd: float | None, per: float | None) -> Interval:
    """``interval_for`` before the value-shown rule."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {KINDS}")
    _check_level(level)
    value, numerator, denominator = _clean(value), _clean(numerator), _clean(denominator)
    detractors, sd, per = _clean(detractors), _clean(sd), _clean(per)

    if any(x is not None and x < 0 for x in (numerator, denominator, detractors, sd)):
        return not_computable("negatieve waarde")

    if kind == "count":
        events = numerator if numerator is not None else value
        if events is None:
            return not_computable("teller ontbreekt")
        if value is not None and value < 0:
            return not_computable("negatieve waarde")
        return poisson_count(events, level)

    if kind in ("mean", "score"):
        if value is None:
            return not_computable("waarde ontbreekt")
        if denominator is None or denominator == 0:
            return not_computable("aantal waarnemingen ontbreekt of is nul")
        if sd is None:
            return not_computable("standaarddeviatie ontbreekt")
        if denominator < 2:
            return not_computable("te weinig waarnemingen (minder dan 2)")
        return t_interval(value, sd, denominator, level)

    if denominator is None or denominator == 0:
        return not_computable("noemer ontbreekt of is nul")
    if numerator is None:
        return not_computable("teller ontbreekt")

    if kind == "percentage":
        if numerator > denominator:
            return not_computable("teller groter dan noemer")
        ci = wilson(numerator, denominator, level)
        return Interval(100 * ci.low, 100 * ci.high, ci.method)

    if kind == "rate":
        if per is None:
            per = value * denominator / numerator if value is not None and numerator > 0 else 1.0
        return rate(numerator, denominator, level, per=per)

    # kind == "nps"
    if detractors is None:
        return not_computable("aantal criticasters ontbreekt")
    if numerator + detractors > denominator:
        return not_computable("promotors plus criticasters groter dan aantal respondenten")
    return nps(numerator, detractors, denominator, level)


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
