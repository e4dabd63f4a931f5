"""Difference-in-differences KPI: hand-computed 2x2, synthetic panels with known effects, edge cases."""

import math

import numpy as np
import pandas as pd
import pytest

from data_access.stats.kpi import (
    NotComputable,
    cluster_bootstrap_did,
    did,
    group_index,
    kpi_status,
    staggered_att,
    target_path,
    window_target,
)


def row(unit, period, num, den, treated_from=np.nan):
    return {
        "unit": unit,
        "year_or_period": period,
        "numerator": num,
        "denominator": den,
        "treated_from": treated_from,
    }


def two_by_two() -> pd.DataFrame:
    return pd.DataFrame(
        [
            # Treated: ratio of sums 100/10 = 10 -> 85/10 = 8.5, index 85.
            # Mean of ratios would be (15 + 6.67) / 2 = 10.83 -> (10 + 7) / 2 = 8.5, index 78.5.
            row("A", 2023, 60, 4, 2024),
            row("A", 2024, 50, 5, 2024),
            row("B", 2023, 40, 6, 2024),
            row("B", 2024, 35, 5, 2024),
            # Control: 200/20 = 10 -> 190/20 = 9.5, index 95.
            row("C", 2023, 120, 10),
            row("C", 2024, 114, 10),
            row("D", 2023, 80, 10),
            row("D", 2024, 76, 10),
        ]
    )


def test_group_index_is_a_ratio_of_sums():
    index = group_index(two_by_two(), ["A", "B"], 2023)
    assert index.loc[2023] == pytest.approx(100.0)
    assert index.loc[2024] == pytest.approx(85.0)


def test_hand_computed_two_by_two():
    result = did(two_by_two(), ["A", "B"], ["C", "D"], 2023, 2024)
    assert result["status"] == "ok"
    assert result["index_t"] == pytest.approx(85.0)
    assert result["index_c"] == pytest.approx(95.0)
    assert result["did"] == pytest.approx(-10.0)
    assert result["relative_effect"] == pytest.approx(85 / 95 - 1)  # -0.10526
    assert (result["n_treated"], result["n_control"]) == (2, 2)


def synthetic_panel(seed: int = 11) -> pd.DataFrame:
    """Control hours per client drift 5% down; treated fall a further 15% (index 0.95 * 0.85)."""
    rng = np.random.default_rng(seed)
    rows = []
    for group, n_units, factor in (("T", 20, 0.85), ("C", 30, 1.0)):
        for i in range(n_units):
            clients = int(rng.integers(40, 400))
            level = rng.uniform(8, 16)
            for period, trend in ((2022, 1.0), (2023, 1.0), (2025, 0.95)):
                ratio = level * trend * (factor if period == 2025 else 1.0)
                ratio *= math.exp(rng.normal(0, 0.03))
                treated_from = 2024 if group == "T" else np.nan
                rows.append(row(f"{group}{i}", period, ratio * clients, clients, treated_from))
    return pd.DataFrame(rows)


def test_bootstrap_recovers_known_effect_within_interval():
    panel = synthetic_panel()
    treated = [f"T{i}" for i in range(20)]
    control = [f"C{i}" for i in range(30)]
    result = cluster_bootstrap_did(panel, treated, control, 2023, 2025, n_boot=999, seed=1)
    assert result["status"] == "ok"
    low, high = result["relative_effect_ci"]
    assert low < -0.15 < high
    assert high < 0  # the effect is clearly there
    assert result["relative_effect"] == pytest.approx(-0.15, abs=0.03)
    d_low, d_high = result["did_ci"]
    assert d_low < result["did"] < d_high
    # Index points: 100 * 0.95 * 0.85 - 100 * 0.95 = -14.25.
    assert d_low < -14.25 < d_high
    assert result["n_valid"] == 999


def test_bootstrap_interval_agrees_with_the_linearised_cluster_variance():
    # Independent check: the delta-method (linearised) variance of log(R_T(2025) / R_T(2023)) with R a ratio of
    # sums is the sum over buurten of (num_i,t / N_t - den_i,t / D_t - num_i,b / N_b + den_i,b / D_b)^2, the same
    # for the comparison group; the percentile interval of the cluster bootstrap must match +-1.96 of its root.
    panel = synthetic_panel()
    treated, control = [f"T{i}" for i in range(20)], [f"C{i}" for i in range(30)]
    result = cluster_bootstrap_did(panel, treated, control, 2023, 2025, n_boot=1999, seed=5)
    variance = 0.0
    for units in (treated, control):
        wide = panel[panel["unit"].isin(units)].pivot_table(index="unit", columns="year_or_period",
                                                            values=["numerator", "denominator"])
        terms = sum(sign * (wide[(col, year)] / wide[(col, year)].sum())
                    for col, year, sign in (("numerator", 2025, 1), ("denominator", 2025, -1),
                                            ("numerator", 2023, -1), ("denominator", 2023, 1)))
        variance += float((terms ** 2).sum())
    low, high = result["relative_effect_ci"]
    bootstrap_se = (math.log1p(high) - math.log1p(low)) / (2 * 1.959964)
    assert bootstrap_se == pytest.approx(math.sqrt(variance), rel=0.15)


def staggered_panel(noise: float = 0.02, seed: int = 3) -> pd.DataFrame:
    """Cohort 2024 falls 10% from 2024, cohort 2025 falls 20% from 2025; common 3%/year trend."""
    rng = np.random.default_rng(seed)
    rows = []
    for prefix, n_units, start, effect in (("A", 10, 2024, 0.9), ("B", 10, 2025, 0.8), ("N", 20, None, 1)):
        for i in range(n_units):
            level, clients = rng.uniform(8, 14), int(rng.integers(50, 300))
            for year in range(2021, 2027):
                ratio = level * 1.03 ** (year - 2021)
                if start is not None and year >= start:
                    ratio *= effect
                ratio *= math.exp(rng.normal(0, noise))
                rows.append(row(f"{prefix}{i}", year, ratio * clients, clients, start or np.nan))
    return pd.DataFrame(rows)


def test_staggered_att_recovers_cohort_effects_exactly_without_noise():
    result = staggered_att(staggered_panel(noise=0.0), n_boot=0)
    es = result.event_study.set_index("event_time")
    # e = 0 and e = 1: both cohorts, equal size; e = 2: only the 2024 cohort (2026).
    both = (math.log(0.9) + math.log(0.8)) / 2
    assert es.loc[0, "estimate"] == pytest.approx(both)
    assert es.loc[1, "estimate"] == pytest.approx(both)
    assert es.loc[2, "estimate"] == pytest.approx(math.log(0.9))
    assert es.loc[2, "n_groups"] == 1
    for e in (-3, -2, -1):
        assert es.loc[e, "estimate"] == pytest.approx(0.0, abs=1e-12)
    # Overall: cells (2024: 2024, 2025, 2026) and (2025: 2025, 2026), equal cohort sizes.
    assert result.att == pytest.approx((3 * math.log(0.9) + 2 * math.log(0.8)) / 5)
    assert result.relative_effect == pytest.approx(math.expm1(result.att))


def test_staggered_att_intervals_cover_truth_with_noise():
    result = staggered_att(staggered_panel(), n_boot=499, seed=2)
    assert result.status == "ok"
    es = result.event_study.set_index("event_time")
    truth = {0: (math.log(0.9) + math.log(0.8)) / 2, 2: math.log(0.9)}
    for e, value in truth.items():
        assert es.loc[e, "ci_low"] < value < es.loc[e, "ci_high"]
        assert es.loc[e, "ci_high"] < 0
    true_att = (3 * math.log(0.9) + 2 * math.log(0.8)) / 5
    assert result.att_ci[0] < true_att < result.att_ci[1]
    assert result.relative_effect_ci[1] < 0
    # Judge pre-trends jointly: one of three separate 95% intervals missing 0 is chance.
    assert result.pre_trend_max_abs < 0.03
    assert result.pre_trend_p_value > 0.05


def test_pre_trend_test_detects_diverging_cohort():
    panel = staggered_panel(noise=0.01)
    # Cohort 2025 already drifts 6% a year before it starts.
    drift = (panel["unit"].str.startswith("B")) & (panel["year_or_period"] < 2025)
    panel.loc[drift, "numerator"] *= 1.06 ** (panel.loc[drift, "year_or_period"] - 2021)
    result = staggered_att(panel, n_boot=499, seed=4)
    assert result.pre_trend_max_abs > 0.04
    assert result.pre_trend_p_value < 0.05


def test_universal_and_varying_base_pre_period_estimates_by_hand():
    # No noise; cohort 2025 (B) grows 6 % a year faster than the rest before its start. With the never treated as
    # controls each event time averages the two cohorts (equal size), cohort 2024 (A) contributing 0.
    # universal base (the year before the start): B at e = -2 is log(1.06^2 / 1.06^3) = -log 1.06, at e = -3
    # -2 log 1.06; varying base (the year before): B at e = -2 is +log 1.06.
    panel = staggered_panel(noise=0.0)
    drift = panel["unit"].str.startswith("B") & (panel["year_or_period"] < 2025)
    panel.loc[drift, "numerator"] *= 1.06 ** (panel.loc[drift, "year_or_period"] - 2021)
    universal = staggered_att(panel, "universal", "never_treated", n_boot=0).event_study.set_index("event_time")
    varying = staggered_att(panel, "varying", "never_treated", n_boot=0).event_study.set_index("event_time")
    assert universal.loc[-2, "estimate"] == pytest.approx(-math.log(1.06) / 2)
    assert universal.loc[-3, "estimate"] == pytest.approx(-2 * math.log(1.06) / 2)
    assert varying.loc[-2, "estimate"] == pytest.approx(math.log(1.06) / 2)
    assert -1 not in universal.index  # the base itself


def test_never_treated_controls_only():
    result = staggered_att(staggered_panel(noise=0.0), control="never_treated", n_boot=0)
    es = result.event_study.set_index("event_time")
    assert es.loc[0, "estimate"] == pytest.approx((math.log(0.9) + math.log(0.8)) / 2)
    cells = result.group_time
    assert len(cells) > 0


def test_zero_denominator_in_base_period_is_not_computable():
    panel = two_by_two()
    panel.loc[panel["unit"].isin(["C", "D"]) & (panel["year_or_period"] == 2023), "denominator"] = 0
    result = did(panel, ["A", "B"], ["C", "D"], 2023, 2024)
    assert result["status"] == "niet berekenbaar"
    assert "controlegroep" in result["reason"] and "noemer is nul" in result["reason"]
    index = group_index(panel, ["C", "D"], 2023)
    assert isinstance(index, NotComputable)


def test_zero_denominator_in_period_is_not_computable():
    panel = two_by_two()
    panel.loc[panel["unit"].isin(["A", "B"]) & (panel["year_or_period"] == 2024), "denominator"] = 0
    result = did(panel, ["A", "B"], ["C", "D"], 2023, 2024)
    assert result["status"] == "niet berekenbaar"
    assert "behandelgroep" in result["reason"]


def test_single_period_is_not_computable():
    panel = two_by_two()
    single = panel[panel["year_or_period"] == 2023]
    assert did(single, ["A", "B"], ["C", "D"], 2023, 2023)["status"] == "niet berekenbaar"
    result = staggered_att(single)
    assert result.status == "niet berekenbaar"
    assert "één periode" in result.reason


def test_empty_control_group_is_not_computable():
    panel = two_by_two()
    result = did(panel, ["A", "B"], [], 2023, 2024)
    assert result == {"status": "niet berekenbaar", "reason": "lege controlegroep"}
    boot = cluster_bootstrap_did(panel, ["A", "B"], ["Z"], 2023, 2024)
    assert boot["reason"] == "lege controlegroep"


def test_staggered_without_controls_is_not_computable():
    treated_only = staggered_panel(noise=0.0)
    treated_only = treated_only[treated_only["unit"].str.startswith("A")]
    result = staggered_att(treated_only)
    assert result.status == "niet berekenbaar"
    no_never = staggered_panel(noise=0.0)
    no_never = no_never[~no_never["unit"].str.startswith("N")]
    assert staggered_att(no_never, control="never_treated").status == "niet berekenbaar"


def test_bootstrap_needs_two_units_per_group():
    result = cluster_bootstrap_did(two_by_two(), ["A"], ["C", "D"], 2023, 2024)
    assert result["status"] == "niet berekenbaar"


def test_unit_in_both_groups_is_an_error():
    with pytest.raises(ValueError):
        did(two_by_two(), ["A", "B"], ["B", "C"], 2023, 2024)


@pytest.mark.parametrize(
    ("effect", "ci", "path", "elapsed", "expected"),
    [
        (-0.10, (-0.14, -0.06), -0.075, 2, "op koers"),
        (-0.05, (-0.07, -0.03), -0.075, 2, "niet op koers"),
        (-0.08, (-0.20, 0.04), -0.075, 2, "nog niet bekend"),  # interval holds 0 and the path
        (-0.20, None, -0.075, 1, "nog niet bekend"),  # fewer than 2 periods since the start
        (None, None, -0.075, 3, "nog niet bekend"),
        (-0.0746, (-0.09, -0.06), -0.075, 4, "op koers"),  # shown as -7,5 %, the path's -7,5 %
        (-0.0744, (-0.09, -0.06), -0.075, 4, "niet op koers"),  # shown as -7,4 %
    ],
)
def test_kpi_status(effect, ci, path, elapsed, expected):
    assert kpi_status(effect, ci, -0.15, path=path, periods_elapsed=elapsed) == expected


def test_kpi_status_for_an_increase_target():
    assert kpi_status(0.12, (0.08, 0.16), 0.20, path=0.10, periods_elapsed=2) == "op koers"
    assert kpi_status(0.05, (0.03, 0.07), 0.20, path=0.10, periods_elapsed=2) == "niet op koers"


def test_target_path_starts_at_the_first_programme_period_and_stops_at_the_target():
    # start in period 1, 18 periods to -15 %: period 4 is 3/18 of the way, period 19 and later the full target
    path = target_path(-0.15, 1, np.array([0, 1, 4, 19, 30]), 18)
    assert path.tolist() == pytest.approx([0.0, 0.0, -0.025, -0.15, -0.15])


def test_the_issues_cohort_1_buurt_exactly_on_its_path_is_on_course():
    # Cohort 1 starts in 2024-B2 (period 1); the estimate runs from the 2024-B6 base (5) to 2026-B5 (16):
    # (1 - 0.15 * 15/18) / (1 - 0.15 * 4/18) - 1 = 0.875 / 0.966667 - 1 = -0.0948276.
    path = window_target(-0.15, 5, 16, 18, [1])
    assert path == pytest.approx(-0.0948276, abs=1e-7)
    assert kpi_status(-0.0948, (-0.12, -0.07), -0.15, path=path, periods_elapsed=16) == "op koers"
    # the old rule measured -0.15 * 16/18 = -13.3 % from the start against this 2024-based estimate
    assert kpi_status(-0.0948, (-0.12, -0.07), -0.15, path=-0.15 * 16 / 18, periods_elapsed=16) == "niet op koers"


def test_window_target_of_two_cohorts_is_weighted():
    # cohort 1 (start 1): levels 0.875 at 16 and 0.966667 at 5; cohort 2 (start 6): 0.916667 and 1.
    # weights 300 / 100 at base, 200 / 200 at 16: (0.5 * 0.875 + 0.5 * 0.916667) / (0.75 * 0.966667 + 0.25) - 1
    path = window_target(-0.15, 5, 16, 18, [1, 6], weights_base=[300, 100], weights_latest=[200, 200])
    assert path == pytest.approx(0.8958333 / 0.975 - 1, abs=1e-7)


def test_programme_of_buurten_exactly_on_their_paths_is_on_course():
    # Random programme shapes: 3-15 buurten per cohort (starts 1 and 6), 40 comparison buurten, 20-200 clients
    # (all changing alike per period, so composition does not move the ratios), hours per client differing 10 %
    # between buurten, national trend -2 to -8 % a year.
    # Every buurt is exactly on its path; each cohort weighs with its hours without the programme (hours / (1 + P)),
    # as in the pooled ratio of sums. The pooled 2x2 DiD from the 2024-B6 base (5) to 2026-B5 (16) must be
    # judged on course. The old rule (path counted from the earliest cohort's start) said "niet op koers".
    rng = np.random.default_rng(2024)
    statuses = []
    for _ in range(100):
        sizes = rng.integers(3, 16, size=2)
        starts = np.repeat([1.0, 6.0], sizes)
        n_t = starts.size
        n = n_t + 40
        clients = rng.integers(20, 200, size=(n, 1)) * rng.uniform(0.9, 1.1, size=(1, 17))
        level = 150 * rng.lognormal(0, 0.1, size=(n, 1))
        national = (1 - rng.uniform(0.02, 0.08)) ** (np.arange(17) / 6)
        effect = np.ones((n, 17))
        effect[:n_t] += target_path(-0.15, starts[:, None], np.arange(17)[None, :], 18)
        hours = clients * level * national * effect
        units = np.repeat(np.arange(n), 17).astype(str)
        panel = pd.DataFrame({"unit": units, "year_or_period": np.tile(np.arange(17), n),
                              "numerator": hours.ravel(), "denominator": clients.ravel()})
        estimate = did(panel, [str(u) for u in range(n_t)], [str(u) for u in range(n_t, n)], 5, 16)
        weights = [[hours[:n_t][starts == s, j].sum() / (1 + target_path(-0.15, s, j, 18)) for s in (1.0, 6.0)]
                   for j in (5, 16)]
        path = window_target(-0.15, 5, 16, 18, [1, 6], *weights)
        statuses.append(kpi_status(estimate["relative_effect"], None, -0.15, path=path, periods_elapsed=16))
    assert statuses == ["op koers"] * 100


def test_cluster_bootstrap_change_recovers_a_known_drop_within_its_interval():
    from data_access.stats.kpi import cluster_bootstrap_change

    rng = np.random.default_rng(11)
    rows = []
    for u in range(30):
        clients = rng.integers(50, 200)
        for period, factor in ((0, 1.0), (1, 0.8)):
            rows.append({"unit": f"u{u}", "year_or_period": period, "numerator": clients * 100 * factor
                         * rng.lognormal(0, 0.05), "denominator": clients, "treated_from": 1})
    panel = pd.DataFrame(rows)
    out = cluster_bootstrap_change(panel, [f"u{u}" for u in range(30)], 0, 1, n_boot=499)
    assert out["status"] == "ok"
    assert out["change"] == pytest.approx(-0.2, abs=0.03)
    assert out["change_ci"][0] <= -0.2 <= out["change_ci"][1]
    single = cluster_bootstrap_change(panel, ["u0"], 0, 1)
    assert single["change_ci"] is None
    assert cluster_bootstrap_change(panel, ["nobody"], 0, 1)["status"] == "niet berekenbaar"
