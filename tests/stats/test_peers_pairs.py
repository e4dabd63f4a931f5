"""All-pairs peer distances (the lerende buurt needs every programme buurt's peers at once), against hand values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data_access.stats.peers import distance_matrix, pair_distances, standardise

# a = 0, 1, 2, 4, 8 and b = 1, 3, 3, 5, 9: medians 2 and 3, MAD 2 -> robust scale 1.4826 * 2 = 2.9652, weights 0.5.
TABLE = pd.DataFrame({"a": [0.0, 1, 2, 4, 8], "b": [1.0, 3, 3, 5, 9]}, index=["T", "P1", "P2", "P3", "P4"])
VARIABLES = {"a": 1.0, "b": 1.0}
TRANSFORMS = {"a": None, "b": None}


def test_distance_matrix_by_hand():
    z, w = standardise(TABLE, VARIABLES, TRANSFORMS)
    assert w.tolist() == [0.5, 0.5]
    matrix = distance_matrix(z, w)
    # T-P1 (1, 2), T-P2 (2, 2), P1-P2 (1, 0), P3-P4 (4, 4): d = sqrt((da^2 + db^2) / (2 * 2.9652^2))
    assert matrix[0, 1:3].tolist() == pytest.approx([0.5332318, 0.6744908], abs=1e-7)
    assert matrix[1, 2] == pytest.approx(0.2384685, abs=1e-7)
    assert matrix[3, 4] == pytest.approx(1.3489815, abs=1e-7)
    assert np.isnan(np.diag(matrix)).all()


def test_pair_contributions_by_hand_and_too_little_shared_weight():
    table = TABLE.copy()
    table.loc["P2", "a"] = np.nan  # P2 shares only b with T: half the weight, still enough; b is rescaled by 1/0.5
    z, w = standardise(table, {"a": 1.0, "b": 3.0}, TRANSFORMS)
    distance, contrib = pair_distances(z, w, np.array([0, 0]), np.array([1, 2]))
    # weights 0.25 / 0.75. T-P1: 0.25 (1 / 2.9652)^2 = 0.0284336, 0.75 (2 / 2.9652)^2 = 0.3412033.
    # (a over the four values left: median 2.5, MAD 2, so the same scale.) T-P2 compares b only:
    # 0.75 (2 / 2.9652)^2 / 0.75 = 0.4549378.
    assert contrib[0].tolist() == pytest.approx([0.0284336, 0.3412033], abs=1e-7)
    assert distance[1] == pytest.approx(np.sqrt(0.4549378), abs=1e-7) and np.isnan(contrib[1, 0])
    table.loc["P2", "b"] = np.nan  # nothing shared: no distance
    z, w = standardise(table, {"a": 1.0, "b": 3.0}, TRANSFORMS)
    assert np.isnan(pair_distances(z, w, np.array([0]), np.array([2]))[0][0])


def test_distance_matrix_equals_pair_distances_with_missing_values():
    """The matrix form gives every pair the distance `pair_distances` gives it, missing values included."""
    rng = np.random.default_rng(7)
    table = pd.DataFrame(rng.normal(size=(40, 4)), columns=list("abcd"))
    table = table.mask(rng.random(table.shape) < 0.3)
    z, w = standardise(table, dict.fromkeys("abcd", 1.0), dict.fromkeys("abcd"))
    matrix = distance_matrix(z, w)
    left, right = np.triu_indices(40, k=1)
    expected, _ = pair_distances(z, w, left, right)
    assert np.array_equal(np.isnan(matrix[left, right]), np.isnan(expected))
    assert matrix[left, right][~np.isnan(expected)] == pytest.approx(expected[~np.isnan(expected)], abs=1e-12)
