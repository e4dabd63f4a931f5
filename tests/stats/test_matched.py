"""Matched DiD for one programme buurt with placebo inference, and the batched peer search."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data_access.stats.matched import cohort_pre_trend_p, matched_did, pre_trend_p, wald_shared_base
from data_access.stats.peers import find_peers, nearest_many


def _panel(rng, n_controls=40, periods=8, effect=-0.2, noise=0.05, clients=100):
    """Controls and one treated unit sharing a national trend; the treated unit drops by `effect` from period 4."""
    trend = 0.97 ** np.arange(periods)
    den = rng.integers(clients // 2, clients * 2, size=(n_controls, periods)).astype(float)
    rate = 150 * trend * np.exp(rng.normal(0, noise, size=(n_controls, periods)) / np.sqrt(den / clients))
    num = rate * den
    t_den = np.full((1, periods), float(clients))
    t_rate = 150 * trend * np.where(np.arange(periods) >= 4, np.exp(effect), 1.0)
    t_rate = t_rate * np.exp(rng.normal(0, noise, size=(1, periods)))
    return num, den, t_rate * t_den, t_den


def test_without_noise_the_effect_is_exact_and_the_interval_closes():
    num, den, t_num, t_den = _panel(np.random.default_rng(1), noise=0.0)
    out = matched_did(num, den, t_num, t_den, np.arange(40)[None, :], base=0)
    assert out["effect"][0, 6] == pytest.approx(-0.2)
    assert np.expm1(out["effect"][0, 6]) == pytest.approx(np.expm1(-0.2))
    assert out["ci_low"][0, 6] == pytest.approx(out["ci_high"][0, 6])
    assert out["effect"][0, 2] == pytest.approx(0.0, abs=1e-12)
    assert out["index_c"][0, 0] == pytest.approx(100.0)
    assert out["index_c"][0, 7] == pytest.approx(100 * 0.97 ** 7)
    assert out["index_t"][0, 7] == pytest.approx(100 * 0.97 ** 7 * np.exp(-0.2))


def test_interval_covers_the_true_effect_about_95_percent_of_the_time():
    rng = np.random.default_rng(7)
    hits = 0
    runs = 300
    for _ in range(runs):
        num, den, t_num, t_den = _panel(rng)
        out = matched_did(num, den, t_num, t_den, np.arange(40)[None, :], base=0)
        true = np.expm1(-0.2)
        hits += out["ci_low"][0, 7] <= true <= out["ci_high"][0, 7]
    assert 0.90 <= hits / runs <= 0.99


def test_fewer_than_five_delivering_controls_give_no_estimate():
    num, den, t_num, t_den = _panel(np.random.default_rng(2), n_controls=6)
    num[:3, 5] = np.nan  # three controls miss period 5: three remain
    out = matched_did(num, den, t_num, t_den, np.arange(6)[None, :], base=0)
    assert np.isnan(out["effect"][0, 5])
    assert np.isfinite(out["effect"][0, 6])


def test_hand_computed_effect_and_placebo_interval_also_with_padding():
    # Five comparison buurten of 100 clients, 10 hours each at the base; in period 1 they give 9, 11, 10, 10, 10
    # (sum 5000 / 500 = 10: comparison index 100). The programme buurt goes from 10 to 8: effect log 0.8.
    # Placebos (own vs the other four): log 0.9 - log(4100/4000) = -0.130053, log 1.1 - log(3900/4000) = 0.120628,
    # 0, 0, 0; sigma2 = 100 * (0.130053^2 + 0.120628^2) / 5 = 0.629299; var = sigma2 / 100 + 2 sigma2 / 1000
    # = 0.00755158, se = 0.0868998; 95 % low: exp(-0.223144 - 1.959964 * 0.0868998) - 1 = -0.325284.
    num = np.array([[1000, 900], [1000, 1100], [1000, 1000], [1000, 1000], [1000, 1000]], dtype=float)
    den = np.full((5, 2), 100.0)
    t_num, t_den = np.array([[1000.0, 800.0]]), np.array([[100.0, 100.0]])
    for controls in (np.arange(5)[None, :], np.array([[0, 1, 2, 3, 4, -1, -1]])):
        out = matched_did(num, den, t_num, t_den, controls, base=0)
        assert out["effect"][0, 1] == pytest.approx(np.log(0.8))
        assert out["sigma2"][0, 1] == pytest.approx(0.6292986, abs=1e-7)
        assert out["se"][0, 1] == pytest.approx(0.0868998, abs=1e-7)
        assert out["ci_low"][0, 1] == pytest.approx(-0.3252845, abs=1e-7)
        assert out["n_controls"].tolist() == [5]


def test_pre_trend_p_is_a_joint_wald_test_with_the_shared_base_covariance():
    # V has se_j^2 on the diagonal and sqrt(se_j^2 se_k^2) / 2 off it (half of each variance is the base period's):
    # V = [[.0025, .002, .0015], [.002, .0064, .0024], [.0015, .0024, .0036]]; e' V^-1 e = 6.3776 (numpy.linalg
    # .solve, once), chi-square on 3 df -> 0.094617. Independent z-scores would give 0.2121.
    p = pre_trend_p(np.array([0.10, 0.05, -0.02]), np.array([0.05, 0.08, 0.06]))
    assert p == pytest.approx(0.0946165, abs=1e-6)
    assert pre_trend_p(np.array([0.3]), np.array([0.05])) is None


def test_pre_trend_size_is_five_percent_when_effects_share_one_base():
    # The null: e = a[:, :k] - a[:, k], a ~ N(0, 1); the independent test rejected 9.6 % (k = 6), 11.9 % (11).
    rng = np.random.default_rng(20261130)
    for k in (6, 11):
        a = rng.standard_normal((8000, k + 1))
        effect = a[:, :k] - a[:, [k]]
        p = wald_shared_base(effect, np.full_like(effect, np.sqrt(2)), np.full_like(effect, 0.5))
        assert 0.03 <= np.mean(p < 0.05) <= 0.07


def test_pre_trend_size_in_a_panel_with_estimated_placebo_variances():
    # 1,500 programme buurten without any effect, each with 30 comparison buurten drawn from 500; base = the period
    # before the start (11), eleven pre periods tested. Per-period placebo variances give 8 %; pooled, 5 %.
    rng = np.random.default_rng(11)
    periods, pool, buurten = 12, 500, 1500
    trend = 0.95 ** (np.arange(periods) / 6)
    den = rng.integers(20, 200, size=(pool, 1)).astype(float) * np.ones((1, periods))
    num = den * 150 * trend * np.exp(rng.normal(0, 0.3, size=(pool, periods)) / np.sqrt(den))
    t_den = rng.integers(20, 200, size=(buurten, 1)).astype(float) * np.ones((1, periods))
    t_num = t_den * 150 * trend * np.exp(rng.normal(0, 0.3, size=(buurten, periods)) / np.sqrt(t_den))
    controls = np.argsort(rng.random((buurten, pool)), axis=1)[:, :30]
    res = matched_did(num, den, t_num, t_den, controls, base=periods - 1)
    p = np.array([pre_trend_p(res["effect"][i, :-1], res["se"][i, :-1], sigma2=res["sigma2"][i, :-1])
                  for i in range(buurten)])
    assert 0.03 <= np.mean(p < 0.05) <= 0.07


def test_programme_pre_trend_size_with_two_cohorts():
    # Two cohorts of ten buurten (start in column 4 and 9) and 100 comparison buurten, no effect anywhere.
    rng = np.random.default_rng(3)
    periods, runs, rejected = 18, 400, 0
    for _ in range(runs):
        den = rng.integers(20, 200, size=(120, 1)).astype(float) * np.ones((1, periods))
        num = den * 150 * 0.95 ** (np.arange(periods) / 6) * np.exp(rng.normal(0, 0.3, (120, periods)) / np.sqrt(den))
        p = cohort_pre_trend_p(num, den, {4: list(range(10)), 9: list(range(10, 20))}, list(range(20, 120)))
        rejected += p < 0.05
    assert 0.03 <= rejected / runs <= 0.07


def test_nearest_many_finds_the_hand_computed_peers():
    # a = 0, 1, 2, 4, 8 and b = 1, 3, 3, 5, 9: medians 2 and 3, MAD 2 for both -> scale 1.4826 * 2 = 2.9652.
    # d^2 from T = 0.5 (da / 2.9652)^2 + 0.5 (db / 2.9652)^2: P1 (1, 2) 0.284336, P2 (2, 2) 0.454938,
    # P3 (4, 4) 1.819751.
    table = pd.DataFrame({"a": [0.0, 1, 2, 4, 8], "b": [1.0, 3, 3, 5, 9]}, index=["T", "P1", "P2", "P3", "P4"])
    many = nearest_many(table, ["T", "NOPE"], {"a": 1.0, "b": 1.0}, {"a": None, "b": None}, k=3,
                        candidates=["P1", "P2", "P3", "P4"])
    assert list(many) == ["T"]
    assert many["T"]["code"].tolist() == ["P1", "P2", "P3"]
    assert many["T"]["distance"].tolist() == pytest.approx([0.5332318, 0.6744908, 1.3489815], abs=1e-7)


def test_nearest_many_gives_find_peers_for_every_target_with_gaps_and_ties():
    rng = np.random.default_rng(5)
    codes = [f"BU{i:04d}" for i in range(300)]
    table = pd.DataFrame(rng.integers(0, 6, size=(300, 3)).astype(float), columns=["a", "b", "c"], index=codes)
    table[table > 4] = np.nan  # gaps; small integers give many tied distances
    variables, transforms = {"a": 2.0, "b": 1.0, "c": 1.0}, {"a": None, "b": None, "c": None}
    targets = codes[:70]  # more than one chunk of targets
    many = nearest_many(table, targets, variables, transforms, k=7, candidates=codes[30:])
    for target in targets:
        alone = find_peers(table, target, variables, transforms, k=7, candidates=codes[30:])
        assert many[target]["code"].tolist() == alone["code"].tolist(), target
        assert many[target]["distance"].tolist() == alone["distance"].tolist(), target
