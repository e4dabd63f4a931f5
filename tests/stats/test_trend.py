"""Recent-trend slope test against hand-computed least squares."""

import numpy as np
import pytest
from scipy import stats

from data_access.stats.trend import count_trend, count_trend_arrays, recent_trend, trend, worse_and_worsening


def test_unweighted_trend_matches_hand_computation():
    # x centred: -2..2, Sxx = 10, Sxy = 17 -> slope 1.7; residuals 0, .3, -.4, -.1, .2,
    # RSS = 0.30, s^2 = 0.1, se = sqrt(0.1 / 10) = 0.1, t = 17 on 3 df.
    result = trend([10, 12, 13, 15, 17], periods=[2019, 2020, 2021, 2022, 2023])
    assert result.slope == pytest.approx(1.7)
    assert result.p_value == pytest.approx(2 * stats.t.sf(17, 3))
    assert result.direction == "increasing"
    assert result.n_points == 5
    assert not result.weighted


def test_weighted_trend_uses_inverse_variance_weights():
    values, variances = [0.0, 1.0, 0.0, 2.0], [1.0, 1.0, 100.0, 0.5]
    result = trend(values, variances)
    # numpy's polyfit weights residuals by w, so w = 1 / sd gives the same WLS fit.
    expected = np.polyfit([0, 1, 2, 3], values, 1, w=1 / np.sqrt(variances))[0]
    assert result.slope == pytest.approx(expected)
    assert result.weighted


def test_weighted_trend_z_test_with_known_variances():
    # slope 0.5 over x = 0, 1, 2; Sxx = 2 / variance.
    noisy = trend([5.0, 5.5, 6.0], [1.0, 1.0, 1.0])
    assert noisy.p_value == pytest.approx(2 * stats.norm.sf(0.5 / np.sqrt(1 / 2)))
    assert noisy.direction == "no_significant_change"
    precise = trend([5.0, 5.5, 6.0], [0.01, 0.01, 0.01])
    assert precise.direction == "increasing"


def test_decreasing_trend():
    assert trend([20, 18, 17, 15, 12]).direction == "decreasing"


def test_only_last_five_points_count():
    values = [30, 25, 20, 15, 10, 11, 12, 13, 14]
    result = trend(values, periods=list(range(2015, 2024)))
    assert result.n_points == 5
    assert result.slope == pytest.approx(1.0)


def test_points_are_sorted_by_period_and_missing_dropped():
    result = trend([12, None, 10, 11], periods=[2022, 2023, 2020, 2021])
    assert result.n_points == 3
    assert result.slope == pytest.approx(1.0)


def test_fewer_than_three_points_is_not_computable():
    result = trend([1.0, 2.0, None])
    assert result.direction == "not_computable"
    assert result.slope is None and result.p_value is None


def test_missing_variance_falls_back_to_equal_weights():
    result = trend([1.0, 2.0, 3.5], [0.1, None, 0.1])
    assert not result.weighted
    assert result.slope == pytest.approx(1.25)


def test_flat_series_is_no_change():
    result = trend([5, 5, 5, 5])
    assert result.slope == 0
    assert result.direction == "no_significant_change"


@pytest.mark.parametrize(
    ("comparison", "direction", "polarity", "expected"),
    [
        ("worse", "decreasing", "higher_is_better", True),
        ("much_worse", "increasing", "lower_is_better", True),
        ("worse", "increasing", "higher_is_better", False),
        ("similar", "decreasing", "higher_is_better", False),
        ("better", "increasing", "lower_is_better", False),
        ("worse", "no_significant_change", "lower_is_better", False),
        ("lower", "decreasing", "neutral", False),
    ],
)
def test_worse_and_worsening(comparison, direction, polarity, expected):
    assert worse_and_worsening(comparison, direction, polarity) is expected


def test_count_trend_without_overdispersion_is_the_cochran_armitage_test():
    # 1000, 950, 980, 920, 910 of 5000: pooled p = 4760 / 25000 = 0.1904, var = 0.1904 * 0.8096 / 5000
    # = 3.08298e-5 per point; slope -0.0042, se = sqrt(3.08298e-5 / 10) = 0.00175584, z = 2.39202, p = 0.016756.
    result = count_trend([1000, 950, 980, 920, 910], [5000] * 5, "proportion")
    assert result.slope == pytest.approx(-0.0042)
    assert result.p_value == pytest.approx(0.016756, abs=1e-6)
    assert result.dispersion < 1
    assert result.direction == "decreasing"


def test_count_trend_with_overdispersion_is_the_quasi_binomial_t_test():
    # equal denominators and phi > 1: the t-test on the residual scale, i.e. ordinary least squares;
    # scipy.stats.linregress gives p = 0.289814 (recorded once).
    result = count_trend([1000, 900, 1050, 880, 850], [5000] * 5, "proportion")
    assert result.dispersion == pytest.approx(8.1846, abs=1e-4)
    assert result.p_value == pytest.approx(0.289814, abs=1e-6)
    assert result.direction == "no_significant_change"


def test_count_trend_uses_the_last_five_delivered_points_and_needs_three():
    result = count_trend([5, None, 10, 20, 30, 40, 50], [100] * 7, "rate")
    assert result.n_points == 5 and result.slope == pytest.approx(0.1)
    assert count_trend([1, 2], [10, 10], "rate").direction == "not_computable"


def test_recent_trend_uses_counts_for_percentages_and_values_for_means():
    values = [20.0, 19.0, 19.6, 18.4, 18.2]
    counts = recent_trend(values, [1000, 950, 980, 920, 910], [5000] * 5, "percentage")
    assert counts.weighted and counts.direction == "decreasing"
    assert trend(values).direction == "no_significant_change"  # the unweighted test misses it (p = 0.058)
    assert not recent_trend(values, [1000, 950, 980, 920, 910], [5000] * 5, "mean").weighted
    assert not recent_trend(values, [1000, None, 980, 920, 910], [5000] * 5, "percentage").weighted


def test_trend_marker_size_stays_below_seven_percent_under_year_to_year_noise():
    # 4,000 five-year series without a trend: 200-2,000 people (+-10 % a year), p = 0.2 with year-to-year noise on
    # the logit scale beyond binomial. Plain count weights (a z-test) flag many of them; this rule does not.
    rng = np.random.default_rng(5)
    m = 4000
    x = np.tile(np.arange(5.0), (m, 1))
    den = np.round(rng.integers(200, 2000, size=(m, 1)) * rng.uniform(0.9, 1.1, (m, 5)))
    for sd in (0.1, 0.2, 0.4):
        p = 1 / (1 + np.exp(-(np.log(0.25) + rng.normal(0, sd, (m, 5)))))
        num = rng.binomial(den.astype(int), p).astype(float)
        slope, p_value, _ = count_trend_arrays(num, den, x, "proportion")
        assert np.mean(p_value < 0.05) <= 0.07
        plain_z = np.abs(slope) * np.sqrt(_weight_sxx(num, den, x))
        assert np.mean(2 * stats.norm.sf(plain_z) < 0.05) > 0.2


def _weight_sxx(num: np.ndarray, den: np.ndarray, x: np.ndarray) -> np.ndarray:
    pooled = num.sum(axis=1, keepdims=True) / den.sum(axis=1, keepdims=True)
    w = den / (pooled * (1 - pooled))
    x_bar = (w * x).sum(axis=1, keepdims=True) / w.sum(axis=1, keepdims=True)
    return (w * (x - x_bar) ** 2).sum(axis=1)


def test_trend_marker_power_beats_the_unweighted_test_with_binomial_noise():
    # 500 people a year, 20 % falling 1.5 points a year, binomial noise only.
    rng = np.random.default_rng(6)
    m = 2000
    p = 0.2 - 0.015 * np.arange(5)
    num = rng.binomial(500, np.tile(p, (m, 1))).astype(float)
    _, p_value, _ = count_trend_arrays(num, np.full((m, 5), 500.0), np.tile(np.arange(5.0), (m, 1)), "proportion")
    unweighted = np.array([trend(row).p_value for row in num / 500])
    assert np.mean(p_value < 0.05) > np.mean(unweighted < 0.05) + 0.02
