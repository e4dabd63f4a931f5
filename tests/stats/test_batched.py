"""The batch entry points give, row by row and series by series, what the one-value entry points give.

``published.add_intervals`` computes a whole frame with ``stats.intervals.intervals_for`` and ``recent_trends``
fits many series at once (a programme-wide build has ~170,000 monitoring rows and ~12,000 series at 1,000
buurten); the references here are the per-row rule (``interval_for`` per row, as ``add_intervals`` did it) and
the per-series rule (``count_trend`` or ``trend`` on the series, as ``recent_trend`` did it).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from data_access.published import add_intervals
from data_access.stats.intervals import KINDS, byar, interval_for, intervals_for, no_interval_reason, wilson
from data_access.stats.trend import TrendSeries, count_trend, recent_trend, recent_trends, trend

CATALOGUE = pd.DataFrame([
    # code, kind, source, theme, per
    ("pct", "percentage", "Buurtenquête", "gezondheid", np.nan),
    ("pct_census", "percentage", "CBS Kerncijfers wijken en buurten", "demografie", np.nan),
    ("rate_per", "rate", "Politie/CBS", "veiligheid", 1000.0),
    ("rate_inferred", "rate", "Zorgaanbieder", "zorggebruik", np.nan),
    ("rate_vektis", "rate", "Vektis Open Databestand", "zorggebruik", 1000.0),
    ("aantal", "count", "Gemeente", "participatie", np.nan),
    ("gemiddelde", "mean", "Buurtenquête", "gezondheid", np.nan),
    ("cijfer", "score", "Buurtenquête", "welzijn", np.nan),
    ("nps", "nps", "Buurtenquête", "welzijn", np.nan),
], columns=["code", "kind", "source", "theme", "per"])
ROWS_PER_INDICATOR = 1000


def _random_rows(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Counts as delivered, and the odd ones the stored rows contain: zeros, numerator = denominator, missing
    parts, denominator 0, negatives, values that differ from the counts (rounded, or another scale)."""
    den = rng.choice(np.concatenate([[0.0, 1.0, 2.0, 3.0, -4.0], rng.integers(5, 6000, 40), rng.uniform(0, 80, 8)]),
                     n)
    share = rng.choice([0.0, 0.0, 1.0, 0.02, 0.3, 0.7, 1.2], n) * rng.uniform(0.5, 1.0, n)
    num = np.floor(den * share)
    num[rng.random(n) < 0.04] = -1.0
    det = np.floor((den - num) * rng.uniform(0, 1.3, n))
    with np.errstate(divide="ignore", invalid="ignore"):
        value = num / den * rng.choice([100.0, 1000.0, 1.0], n)
        value *= rng.choice([1.0, 1.0, 1.0, 1.004, 0.9, 0.0, -1.0], n)  # rounded, another figure, negative
    value[rng.random(n) < 0.05] = 0.0
    for column, share_missing in ((value, 0.08), (num, 0.08), (den, 0.06), (det, 0.15)):
        column[rng.random(n) < share_missing] = np.nan
    return {"value": value, "numerator": num, "denominator": den, "detractors": det}


def _per_row(frame: pd.DataFrame, catalogue: pd.DataFrame, level: float) -> pd.DataFrame:
    """``add_intervals`` as it was written before it worked on arrays: ``interval_for`` row by row."""
    cat = catalogue.set_index("code")
    lows, highs, methods = [], [], []
    for ind, value, num, den, det in zip(frame["indicator"], frame["value"], frame["numerator"],
                                          frame["denominator"], frame["detractors"]):
        reason = None if pd.isna(value) else no_interval_reason(cat.at[ind, "kind"], cat.at[ind, "source"],
                                                                cat.at[ind, "theme"])
        if reason or pd.isna(num) or pd.isna(value):
            lows.append(np.nan)
            highs.append(np.nan)
            methods.append(reason or ("" if pd.isna(value) else "geen teller beschikbaar"))
            continue
        per = cat.at[ind, "per"]
        interval = interval_for(cat.at[ind, "kind"], value, num, None if pd.isna(den) else den, level,
                                detractors=None if pd.isna(det) else det, per=None if pd.isna(per) else per)
        lows.append(np.nan if interval.low is None else interval.low)
        highs.append(np.nan if interval.high is None else interval.high)
        methods.append(interval.method)
    return frame.assign(ci_low=lows, ci_high=highs, ci_method=methods)


@pytest.mark.parametrize("level", [0.95, 0.998])
def test_add_intervals_equals_interval_for_row_by_row(level):
    rng = np.random.default_rng(14)
    frame = pd.DataFrame({"indicator": np.repeat(CATALOGUE["code"].to_numpy(), ROWS_PER_INDICATOR),
                          **_random_rows(rng, len(CATALOGUE) * ROWS_PER_INDICATOR)})
    frame = frame.sample(frac=1.0, random_state=1)  # kinds interleaved, index not in order
    got, want = add_intervals(frame, CATALOGUE, level), _per_row(frame, CATALOGUE, level)
    assert _columns(got) == _columns(want)


def _columns(frame: pd.DataFrame) -> list[tuple]:
    """Row by row (index, ci_low, ci_high, ci_method), NaN as None so that equal means the same bits or both empty."""
    return [(i, *(None if math.isnan(x) else x for x in (lo, hi)), m)
            for i, lo, hi, m in zip(frame.index, frame["ci_low"], frame["ci_high"], frame["ci_method"])]


def test_random_rows_reach_every_method_and_every_reason():
    """The equality above covers every branch: each method, widening, and each reason a stored row can get."""
    rng = np.random.default_rng(14)
    frame = pd.DataFrame({"indicator": np.repeat(CATALOGUE["code"].to_numpy(), ROWS_PER_INDICATOR),
                          **_random_rows(rng, len(CATALOGUE) * ROWS_PER_INDICATOR)})
    methods = set(add_intervals(frame, CATALOGUE)["ci_method"])
    assert {m for m in methods if "verbreed" not in m} == {
        "", "geen teller beschikbaar", "geen interval: volledige telling, geen schatting",
        "geen interval: een aantal, geen schatting of kans", "wilson", "byar", "exact-poisson", "nps-normal",
        "niet berekenbaar: negatieve waarde", "niet berekenbaar: noemer ontbreekt of is nul",
        "niet berekenbaar: teller groter dan noemer", "niet berekenbaar: aantal criticasters ontbreekt",
        "niet berekenbaar: promotors plus criticasters groter dan aantal respondenten",
        "niet berekenbaar: aantal waarnemingen ontbreekt of is nul", "niet berekenbaar: standaarddeviatie ontbreekt",
    } and {"wilson, verbreed tot de getoonde waarde", "byar, verbreed tot de getoonde waarde",
           "nps-normal, verbreed tot de getoonde waarde"} <= methods


@pytest.mark.parametrize("level", [0.95, 0.998])
def test_intervals_for_equals_interval_for_with_standard_deviations(level):
    # add_intervals has no standard deviations; means and scores with one, and counts without numerator, here.
    rng = np.random.default_rng(15)
    n = 3000
    parts = _random_rows(rng, n)
    kinds = rng.choice(list(KINDS), n)
    sd = rng.choice([0.0, 0.4, 2.5, 30.0, -1.0, np.nan], n)
    per = rng.choice([np.nan, 1.0, 1000.0, 0.0], n)
    found = intervals_for(kinds, parts["value"], parts["numerator"], parts["denominator"], level,
                          detractors=parts["detractors"], sd=sd, per=per)
    expected = [interval_for(k, v, x, d, level, detractors=t, sd=s, per=p) for k, v, x, d, t, s, p in zip(
        kinds, parts["value"], parts["numerator"], parts["denominator"], parts["detractors"], sd, per)]
    got = [(lo if ok else None, hi if ok else None, m)
           for lo, hi, m, ok in zip(found.low.tolist(), found.high.tolist(), found.method, found.computable)]
    assert got == [(ci.low, ci.high, ci.method) for ci in expected]


def test_intervals_for_refuses_an_unknown_kind_like_interval_for():
    with pytest.raises(ValueError, match="unknown kind 'ratio'"):
        intervals_for(["rate", "ratio"], [1.0, 2.0], [1.0, 2.0], [10.0, 10.0])


def test_byar_bounds_equal_the_textbook_formula_to_the_last_bit():
    # The cube goes through the C library's pow as Python's ** does; numpy's SIMD power differs in the last bit.
    events = [10, 11, 17, 50, 123, 999, 4321, 12.5, 77.25]
    z = float(stats.norm.ppf(0.975))
    expected = [(o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3,
                 (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * math.sqrt(o + 1))) ** 3) for o in events]
    assert [(ci.low, ci.high) for ci in map(byar, events)] == expected


def test_wilson_bounds_equal_the_textbook_formula_to_the_last_bit():
    pairs = [(0, 10), (8, 20), (20, 20), (1, 3), (333, 1000), (4999, 5000)]
    z = float(stats.norm.ppf(0.975))

    def by_hand(x: int, n: int) -> tuple[float, float]:
        p, z2n = x / n, z * z / n
        centre, half = (p + z2n / 2) / (1 + z2n), z / (1 + z2n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        return max(0.0, centre - half), min(1.0, centre + half)

    assert [(ci.low, ci.high) for ci in (wilson(x, n) for x, n in pairs)] == [by_hand(x, n) for x, n in pairs]


def _rule_one_series(values, numerators, denominators, kind, last=5):
    """``recent_trend``'s rule for one series with the one-series tests (as it was written before batching)."""
    count_kind = {"percentage": "proportion", "rate": "rate"}.get(kind or "")
    if count_kind and numerators is not None and denominators is not None:
        y = np.array([np.nan if v is None else v for v in values], dtype=float)
        num, den = np.array(numerators, dtype=float), np.array(denominators, dtype=float)
        shown = np.flatnonzero(~np.isnan(y))[-last:]
        if shown.size and np.all(np.isfinite(num[shown]) & np.isfinite(den[shown]) & (den[shown] > 0)):
            return count_trend(num[shown], den[shown], count_kind, periods=shown.astype(float), last=last)
    return trend(values, last=last)


def _random_series(rng: np.random.Generator, m: int) -> list[TrendSeries]:
    """Series of 0-11 periods with gaps, zeros, all-equal values, numerator = denominator, missing or negative
    counts, and kinds with and without counts."""
    out = []
    for _ in range(m):
        length = int(rng.integers(0, 12))
        kind = rng.choice(["percentage", "rate", "count", "mean", "score", "nps", None])
        den = rng.choice([0.0, 4.0, 120.0, 5000.0], length) * rng.uniform(0.9, 1.1, length)
        num = np.floor(den * rng.uniform(0, 0.4) * rng.uniform(0.6, 1.4, length))
        style = rng.integers(0, 7)
        if style == 0:
            num[:] = 0.0
        elif style == 1:
            num = den.copy()
        elif style == 2:
            num, den = np.full(length, 7.0), np.full(length, 70.0)
        elif style == 3:  # a clear trend
            num = np.floor(den * (0.1 + 0.03 * np.arange(length)))
        with np.errstate(divide="ignore", invalid="ignore"):
            values = 100 * num / den
        if style == 4:
            values = np.full(length, 5.0)
        values = [None if gap or not np.isfinite(v) else float(v)
                  for v, gap in zip(values, rng.random(length) < 0.2)]
        numerators = [None if rng.random() < 0.05 else float(x) for x in num]
        denominators = [None if rng.random() < 0.03 else float(x) for x in den]
        if length and rng.random() < 0.04:
            numerators[-1] = -1.0
        with_counts = rng.random() < 0.8
        out.append(TrendSeries(values, numerators if with_counts else None, denominators if with_counts else None,
                               kind))
    return out


def _fields(result) -> tuple:
    return (result.slope, result.direction, result.n_points, result.weighted,
            None if result.dispersion is None or math.isnan(result.dispersion) else result.dispersion)


def test_recent_trends_equals_the_rule_series_by_series():
    series = _random_series(np.random.default_rng(16), 1500)
    got = recent_trends(series)
    want = [_rule_one_series(*s) for s in series]
    assert [_fields(r) for r in got] == [_fields(r) for r in want]
    assert [np.nan if r.p_value is None else r.p_value for r in got] == pytest.approx(
        [np.nan if r.p_value is None else r.p_value for r in want], rel=0, abs=1e-12, nan_ok=True)


def test_recent_trend_is_recent_trends_for_one_series():
    series = _random_series(np.random.default_rng(17), 300)
    assert [(*_fields(r), r.p_value) for r in (recent_trend(*s) for s in series)] == [
        (*_fields(r), r.p_value) for r in recent_trends(series)]


def test_random_series_reach_every_path():
    results = recent_trends(_random_series(np.random.default_rng(16), 1500))
    kinds = {(r.direction, r.weighted, r.dispersion is not None and math.isnan(r.dispersion)) for r in results}
    assert kinds == {(d, w, False) for d in ("increasing", "decreasing", "no_significant_change", "not_computable")
                     for w in (True, False)} | {("no_significant_change", True, True)}


def test_recent_trends_keeps_the_order_and_the_known_answers_in_a_mixed_batch():
    values = [20.0, 19.0, 19.6, 18.4, 18.2]
    results = recent_trends([
        TrendSeries([1.0, 2.0]),
        # Cochran-Armitage (tests/stats/test_trend.py): p = 0.016756
        TrendSeries(values, [1000, 950, 980, 920, 910], [5000] * 5, "percentage"),
        TrendSeries([5.0, None, 5.0, 5.0, 5.0, 5.0]),
        # quasi-binomial with phi > 1: p = 0.289814
        TrendSeries(values, [1000, 900, 1050, 880, 850], [5000] * 5, "percentage"),
        TrendSeries([0.0, 0.0, 0.0], [0, 0, 0], [50, 60, 70], "rate"),
    ])
    assert [(r.direction, r.n_points, None if r.p_value is None else round(r.p_value, 6)) for r in results] == [
        ("not_computable", 2, None), ("decreasing", 5, 0.016756), ("no_significant_change", 5, 1.0),
        ("no_significant_change", 5, 0.289814), ("no_significant_change", 3, 1.0)]


def test_recent_trends_of_nothing_is_nothing():
    assert recent_trends([]) == []
