"""Funnel limits and overdispersion against hand-computed values."""

import math

import numpy as np
import pandas as pd
import pytest

from data_access.stats.funnel import funnel, funnel_limits, level_label


def test_proportion_limits_for_n_100_p_0_2():
    # s = sqrt(0.2 * 0.8 / 100) = 0.04; 95%: 0.2 +/- 1.959964 * 0.04 = 0.2 +/- 0.078399;
    # 99.8%: 0.2 +/- 3.090232 * 0.04 = 0.2 +/- 0.123609.
    limits = funnel_limits(0.2, [100])
    row = limits.iloc[0]
    assert row["denominator"] == 100
    assert row["lower_95"] == pytest.approx(0.121601, abs=1e-6)
    assert row["upper_95"] == pytest.approx(0.278399, abs=1e-6)
    assert row["lower_99_8"] == pytest.approx(0.076391, abs=1e-6)
    assert row["upper_99_8"] == pytest.approx(0.323609, abs=1e-6)


def test_limits_narrow_as_denominator_grows():
    limits = funnel_limits(0.2, [25, 100, 400, 1600])
    width = limits["upper_95"] - limits["lower_95"]
    assert width.is_monotonic_decreasing
    # Quadrupling n halves the width.
    assert width.iloc[1] / width.iloc[2] == pytest.approx(2.0)


def test_rate_limits_are_poisson():
    # target 0.05 per person-year, 400 person-years: s = sqrt(0.05 / 400) = 0.0111803;
    # 95%: 0.05 +/- 0.0219131.
    row = funnel_limits(0.05, [400], kind="rate").iloc[0]
    assert row["lower_95"] == pytest.approx(0.0280869, abs=1e-6)
    assert row["upper_95"] == pytest.approx(0.0719131, abs=1e-6)


def test_standardised_ratio_limits_around_one():
    # O/E with 25 expected: s = sqrt(1 / 25) = 0.2 -> 1 +/- 0.392.
    row = funnel_limits(1.0, [25], kind="rate").iloc[0]
    assert (row["lower_95"], row["upper_95"]) == pytest.approx((0.608007, 1.391993), abs=1e-6)


def test_proportion_limits_are_clipped_to_0_1():
    row = funnel_limits(0.5, [4]).iloc[0]
    assert row["lower_99_8"] == 0.0
    assert row["upper_99_8"] == 1.0


def test_overdispersion_tau2_widens_limits():
    row = funnel_limits(0.5, [100], overdispersion_tau2=0.0153).iloc[0]
    half = 1.959964 * math.sqrt(0.0025 + 0.0153)
    assert (row["lower_95"], row["upper_95"]) == pytest.approx((0.5 - half, 0.5 + half), abs=1e-6)


def test_level_labels():
    assert level_label(0.95) == "95"
    assert level_label(0.998) == "99_8"


def test_overdispersed_toy_dataset():
    # Five units of n = 100 around target 0.5: s = 0.05, z = -4, -2, 0, 2, 4.
    # Winsorised at the 10th/90th percentile (-3.2, 3.2): z^2 = 10.24, 4, 0, 4, 10.24,
    # phi = 28.48 / 5 = 5.696 and n * phi = 28.48 > n - 1 = 4.
    # w = 1 / 0.0025 = 400 each: sum(w) - sum(w^2) / sum(w) = 2000 - 400 = 1600,
    # tau2 = (28.48 - 4) / 1600 = 0.0153.
    result = funnel([30, 40, 50, 60, 70], [100] * 5, target=0.5)
    assert result.phi == pytest.approx(5.696)
    assert result.tau2 == pytest.approx(0.0153)
    # Unit 5: z = 0.2 / sqrt(0.0025 + 0.0153) = 1.4991, inside the widened funnel.
    assert result.units["z"].iloc[4] == pytest.approx(0.2 / math.sqrt(0.0178))
    assert set(result.units["band"]) == {"binnen"}


def test_without_overdispersion_extremes_are_flagged():
    result = funnel([30, 40, 50, 60, 70], [100] * 5, target=0.5, overdispersion=False)
    assert result.tau2 == 0.0
    assert result.units["z"].tolist() == pytest.approx([-4, -2, 0, 2, 4])
    assert result.units["band"].tolist() == [
        "onder 99,8%",
        "onder 95%",
        "binnen",
        "boven 95%",
        "boven 99,8%",
    ]


def test_no_tau2_when_not_overdispersed():
    result = funnel([20, 20, 20, 21], [100, 100, 100, 100], target=0.2)
    assert result.phi < 1
    assert result.tau2 == 0.0


def test_target_defaults_to_pooled_ratio_of_sums():
    result = funnel([10, 30], [100, 100])
    assert result.target == pytest.approx(0.2)


def test_rate_funnel_flags_high_unit():
    # 10 per 1,000 expected; 30 events in 1,000 person-years is z = 20 / sqrt(10) = 6.3.
    result = funnel([10, 9, 11, 30], [1000, 1000, 1000, 1000], kind="rate", target=0.01, overdispersion=False)
    assert result.units["band"].iloc[3] == "boven 99,8%"
    assert result.units["z"].iloc[3] == pytest.approx(20 / math.sqrt(10))


def test_invalid_units_are_not_computable_and_excluded():
    nums = pd.Series([30, 5, 40, 50, 60, 70], index=["A", "B", "C", "D", "E", "F"])
    dens = pd.Series([100, 0, 100, 100, 100, np.nan], index=nums.index)
    result = funnel(nums, dens, target=0.5)
    assert result.units.loc["B", "band"] == "niet berekenbaar"
    assert result.units.loc["F", "band"] == "niet berekenbaar"
    assert np.isnan(result.units.loc["B", "value"])
    # Only A, C, D, E count: z = -4, -2, 0, 2.
    valid = funnel([30, 40, 50, 60], [100] * 4, target=0.5)
    assert result.phi == pytest.approx(valid.phi)


def test_proportion_above_one_is_not_computable():
    result = funnel([120, 50], [100, 100], target=0.5)
    assert result.units["band"].iloc[0] == "niet berekenbaar"
