"""Funnel limits and overdispersion on FunnelPlotR's transformed scale, against hand-computed values.

Proportions: g(p) = asin(sqrt(p)); rates and ratios: g(r) = sqrt(r); both with s = 1 / (2 sqrt(n)). The literals
below were computed by hand (math.asin / math.sin, z = 1.959964 and 3.090232), not with the module.
"""

import math

import numpy as np
import pandas as pd
import pytest

from data_access.stats.funnel import funnel, funnel_limits, level_label


def test_proportion_limits_for_n_100_p_0_2():
    # g(0.2) = 0.463648, s = 0.05: 95 % sin^2(0.463648 -+ 0.097998), 99.8 % sin^2(0.463648 -+ 0.154512)
    row = funnel_limits(0.2, [100]).iloc[0]
    assert row["denominator"] == 100
    assert row["lower_95"] == pytest.approx(0.127846, abs=1e-6)
    assert row["upper_95"] == pytest.approx(0.283641, abs=1e-6)
    assert row["lower_99_8"] == pytest.approx(0.092559, abs=1e-6)
    assert row["upper_99_8"] == pytest.approx(0.335862, abs=1e-6)


def test_limits_of_a_rare_proportion_are_asymmetric_as_binomial_noise_is():
    # 2 % of 50: the natural-scale normal limit would be 0.02 + 1.96 sqrt(0.02 * 0.98 / 50) = 0.0588;
    # on the arcsine scale sin^2(0.141897 + 0.138590) = 0.076632, further above 2 % than the lower limit is below.
    row = funnel_limits(0.02, [50]).iloc[0]
    assert row["upper_95"] == pytest.approx(0.076632, abs=1e-6)
    assert row["upper_95"] - 0.02 > 0.02 - row["lower_95"]


def test_rate_limits_use_the_square_root_scale():
    # target 0.05 per person-year, 400 person-years: sqrt(0.05) = 0.223607, s = 0.025: (0.223607 -+ 0.048999)^2
    row = funnel_limits(0.05, [400], kind="rate").iloc[0]
    assert row["lower_95"] == pytest.approx(0.0304878, abs=1e-6)
    assert row["upper_95"] == pytest.approx(0.0743140, abs=1e-6)


def test_standardised_ratio_limits_around_one():
    # O/E with 25 expected: s = 0.1 -> (1 -+ 0.195996)^2
    row = funnel_limits(1.0, [25], kind="rate").iloc[0]
    assert (row["lower_95"], row["upper_95"]) == pytest.approx((0.646422, 1.430407), abs=1e-6)


def test_proportion_limits_stay_within_0_1():
    row = funnel_limits(0.5, [1]).iloc[0]  # s = 0.5: pi/4 -+ 1.545 leaves [0, pi/2] on both sides
    assert (row["lower_99_8"], row["upper_99_8"]) == (0.0, 1.0)


def test_overdispersion_tau2_is_added_on_the_transformed_scale():
    # p = 0.5, n = 100, tau2 = 0.01: sqrt(0.0025 + 0.01) = 0.111803; sin^2(pi/4 -+ 0.219131)
    row = funnel_limits(0.5, [100], overdispersion_tau2=0.01).iloc[0]
    assert (row["lower_95"], row["upper_95"]) == pytest.approx((0.287817, 0.712183), abs=1e-6)


def test_level_labels():
    assert level_label(0.95) == "95"
    assert level_label(0.998) == "99_8"


def test_overdispersed_toy_dataset():
    # Five units of n = 100 around 0.5: z = (asin(sqrt(p)) - pi/4) / 0.05 = -4.11517, -2.01358, 0, 2.01358, 4.11517.
    # Winsorised at the type-7 10th/90th percentiles (-+3.27453): phi = (2 * 10.72256 + 2 * 4.05450) / 5 = 5.910826;
    # w = 4n = 400 each, sum(w) - sum(w^2) / sum(w) = 1600: tau2 = (29.55413 - 4) / 1600 = 0.0159713.
    result = funnel([30, 40, 50, 60, 70], [100] * 5, target=0.5)
    assert result.phi == pytest.approx(5.910826, abs=1e-6)
    assert result.tau2 == pytest.approx(0.0159713, abs=1e-7)
    # Unit 5: z = 0.201358 / sqrt(0.0025 + 0.0159713) = 1.513939, inside the widened funnel.
    assert result.units["z"].iloc[4] == pytest.approx(1.513939, abs=1e-6)
    assert set(result.units["band"]) == {"binnen"}


def test_without_overdispersion_extremes_are_flagged():
    result = funnel([30, 40, 50, 60, 70], [100] * 5, target=0.5, overdispersion=False)
    assert result.tau2 == 0.0
    assert result.units["z"].tolist() == pytest.approx([-4.115168, -2.013579, 0, 2.013579, 4.115168], abs=1e-6)
    assert result.units["band"].tolist() == ["onder 99,8%", "onder 95%", "binnen", "boven 95%", "boven 99,8%"]


def test_no_tau2_when_not_overdispersed():
    result = funnel([20, 20, 20, 21], [100, 100, 100, 100], target=0.2)
    assert result.phi < 1
    assert result.tau2 == 0.0


def test_target_defaults_to_pooled_ratio_of_sums():
    result = funnel([10, 30], [100, 100])
    assert result.target == pytest.approx(0.2)


def test_rate_funnel_flags_high_unit():
    # 10 per 1,000 expected; 30 events in 1,000 person-years: z = (sqrt(0.03) - sqrt(0.01)) * 2 sqrt(1000) = 4.629896.
    result = funnel([10, 9, 11, 30], [1000, 1000, 1000, 1000], kind="rate", target=0.01, overdispersion=False)
    assert result.units["band"].iloc[3] == "boven 99,8%"
    assert result.units["z"].iloc[3] == pytest.approx(4.629896, abs=1e-6)


def test_invalid_units_are_not_computable_and_excluded():
    nums = pd.Series([30, 5, 40, 50, 60, 70], index=["A", "B", "C", "D", "E", "F"])
    dens = pd.Series([100, 0, 100, 100, 100, np.nan], index=nums.index)
    result = funnel(nums, dens, target=0.5)
    assert result.units.loc["B", "band"] == "niet berekenbaar"
    assert result.units.loc["F", "band"] == "niet berekenbaar"
    assert np.isnan(result.units.loc["B", "value"])
    # Only A, C, D, E count.
    valid = funnel([30, 40, 50, 60], [100] * 4, target=0.5)
    assert result.phi == pytest.approx(valid.phi)


def test_proportion_above_one_is_not_computable():
    result = funnel([120, 50], [100, 100], target=0.5)
    assert result.units["band"].iloc[0] == "niet berekenbaar"


def test_points_on_a_plotted_limit_have_the_z_of_that_limit():
    # the plotted limits and the bands agree: a unit exactly on the 95 % line has |z| = 1.96
    limits = funnel_limits(0.3, [250], overdispersion_tau2=0.0)
    upper = limits["upper_95"].iloc[0]
    result = funnel([upper * 250, 75, 75], [250, 250, 250], target=0.3, overdispersion=False)
    assert result.units["z"].iloc[0] == pytest.approx(1.959964, abs=1e-6)
    assert math.isclose(result.target, 0.3)
