"""Nearest-neighbour peers: ordering, missing values, candidates and contributions."""

import time

import numpy as np
import pandas as pd
import pytest

from data_access.stats.peers import DEFAULT_PEER_TRANSFORMS, DEFAULT_PEER_VARIABLES, find_peers

VARS = {"a": 1.0, "b": 1.0}
NO_TRANSFORMS = {"a": None, "b": None}


def toy_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "a": [0.0, 0.1, 3.0, 5.0, 0.5, 0.5, -4.0, 2.0],
            "b": [0.0, 0.0, 3.0, -5.0, 0.0, np.nan, 1.0, np.nan],
        },
        index=["T", "NEAR", "MID", "FAR", "B", "C", "X", "Y"],
    )


def test_obvious_nearest_neighbour_comes_first():
    peers = find_peers(toy_table(), "T", VARS, NO_TRANSFORMS, k=3)
    assert peers["code"].iloc[0] == "NEAR"
    assert peers["distance"].is_monotonic_increasing
    assert "T" not in set(peers["code"])
    assert len(peers) == 3


HAND = pd.DataFrame({"a": [0.0, 1, 2, 4, 8], "b": [1.0, 3, 3, 5, 9]}, index=["T", "P1", "P2", "P3", "P4"])


def test_distances_contributions_and_similarity_by_hand():
    # a = 0, 1, 2, 4, 8 and b = 1, 3, 3, 5, 9: medians 2 and 3, MAD 2 for both -> scale 1.4826 * 2 = 2.9652;
    # weights 0.5 each. T to P1 (da 1, db 2): contributions 0.5 (1 / 2.9652)^2 = 0.0568672 and 0.5 (2 / 2.9652)^2
    # = 0.2274689, distance sqrt(0.2843361) = 0.5332318, similarity 1 / 1.5332318 = 0.6522171.
    peers = find_peers(HAND, "T", VARS, NO_TRANSFORMS, k=4).set_index("code")
    assert list(peers.index) == ["P1", "P2", "P3", "P4"]
    assert peers.loc["P1", ["contrib_a", "contrib_b"]].tolist() == pytest.approx([0.0568672, 0.2274689], abs=1e-7)
    assert peers.loc["P1", "distance"] == pytest.approx(0.5332318, abs=1e-7)
    assert peers.loc["P1", "similarity"] == pytest.approx(0.6522171, abs=1e-7)
    assert peers["distance"].tolist() == pytest.approx([0.5332318, 0.6744908, 1.3489815, 2.6979630], abs=1e-7)


def test_missing_value_rescales_by_available_weight():
    # B and C have the same a; b is equal to T's for B and missing for C.
    # d_B^2 = 0.5 * dz_a^2 (weights normalised); C compares half the weight:
    # d_C^2 = 0.5 * dz_a^2 / 0.5 = 2 * d_B^2.
    peers = find_peers(toy_table(), "T", VARS, NO_TRANSFORMS, k=10).set_index("code")
    assert peers.loc["C", "distance"] ** 2 == pytest.approx(2 * peers.loc["B", "distance"] ** 2)
    assert peers.loc["C", "weight_share"] == pytest.approx(0.5)
    assert np.isnan(peers.loc["C", "contrib_b"])


def test_candidate_with_less_than_half_the_weight_is_skipped():
    table = toy_table()
    variables = {"a": 1.0, "b": 3.0}
    peers = find_peers(table, "T", variables, NO_TRANSFORMS, k=10)
    # C and Y miss b, which is 75% of the weight.
    assert not {"C", "Y"} & set(peers["code"])
    assert "B" in set(peers["code"])


def test_candidates_restrict_the_pool():
    peers = find_peers(toy_table(), "T", VARS, NO_TRANSFORMS, candidates=["MID", "FAR", "T"])
    assert list(peers["code"]) == ["MID", "FAR"]


def test_identical_profile_has_distance_zero():
    table = pd.DataFrame({"a": [1.0, 1.0, 2.0, 3.0], "b": [5.0, 5.0, 1.0, 0.0]}, index=list("PQRS"))
    peers = find_peers(table, "P", VARS, NO_TRANSFORMS)
    assert peers["code"].iloc[0] == "Q"
    assert peers["distance"].iloc[0] == 0.0
    assert peers["similarity"].iloc[0] == 1.0


def test_transforms_handle_zero_and_hundred_percent():
    table = pd.DataFrame({"pct": [0.0, 100.0, 50.0, 1.0], "n": [0, 10, 1000, 5]}, index=list("PQRS"))
    peers = find_peers(table, "P", {"pct": 1, "n": 1}, {"pct": "logit_pct", "n": "log1p"})
    assert np.isfinite(peers["distance"]).all()
    assert peers["code"].iloc[0] == "S"


def test_robust_scaling_is_not_driven_by_an_outlier():
    # One huge value would dominate a std-based scale and flatten the other differences.
    table = pd.DataFrame(
        {"a": [0.0, 1.0, 2.0, 3.0, 4.0, 1000.0], "b": [0.0, 4.0, 3.0, 2.0, 1.0, 0.0]},
        index=list("PQRSTU"),
    )
    peers = find_peers(table, "P", VARS, NO_TRANSFORMS).set_index("code")
    assert peers.loc["Q", "contrib_a"] == pytest.approx(peers.loc["T", "contrib_b"])


def test_unknown_code_and_column_are_errors():
    with pytest.raises(KeyError):
        find_peers(toy_table(), "NOPE", VARS, NO_TRANSFORMS)
    with pytest.raises(KeyError):
        find_peers(toy_table(), "T", {"a": 1.0, "zz": 1.0})


def test_default_weights_and_transforms_by_hand():
    # Only pct_65plus differs: 10, 20, 30, 40, 50 %. logit: -2.197225, -1.386294, -0.847298, -0.405465, 0;
    # median -0.847298, MAD 0.538997, scale 0.799116. 20 % vs 30 %: dz = 0.674491; the default weight of age is
    # 2 of 11.5, so d = sqrt(2 / 11.5 * 0.454938) = 0.281282. Every other column is constant (z = 0).
    table = pd.DataFrame({col: [5.0] * 5 for col in DEFAULT_PEER_VARIABLES}, index=list("ABCDE"))
    table["pct_65plus"] = [10.0, 20, 30, 40, 50]
    peers = find_peers(table, "B", k=1)
    assert peers["code"].tolist() == ["C"]
    assert peers["distance"].iloc[0] == pytest.approx(0.2812821, abs=1e-7)
    assert set(DEFAULT_PEER_TRANSFORMS) == set(DEFAULT_PEER_VARIABLES)


def test_fourteen_thousand_buurten_are_fast():
    rng = np.random.default_rng(7)
    n = 14_000
    table = pd.DataFrame(
        {col: rng.uniform(1, 60, n) for col in DEFAULT_PEER_VARIABLES},
        index=[f"BU{i:08d}" for i in range(n)],
    )
    table["inwoners"] = rng.lognormal(7, 1, n)
    table["stedelijkheid"] = rng.integers(1, 6, n)
    table.loc[table.index[::3], "g_hh_sti"] = np.nan
    find_peers(table, "BU00000000")  # warm-up
    start = time.perf_counter()
    peers = find_peers(table, "BU00000001")
    elapsed = time.perf_counter() - start
    assert len(peers) == 10
    # Target is 50 ms; the margin keeps a busy CI machine from failing the suite.
    assert elapsed < 0.25
