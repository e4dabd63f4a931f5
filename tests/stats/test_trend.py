"""Recent-trend slope test against hand-computed least squares."""

import numpy as np
import pytest
from scipy import stats

from data_access.stats.trend import trend, worse_and_worsening


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
