"""All-pairs peer distances agree with find_peers (the lerende buurt relies on them for every buurt at once)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from data_access.stats.peers import distance_matrix, find_peers, pair_distances, standardise

VARIABLES = {"pct_65plus": 2.0, "p_hh_li": 1.0, "inwoners": 0.5, "stedelijkheid": 1.0}
TRANSFORMS = {"pct_65plus": "logit_pct", "p_hh_li": "logit_pct", "inwoners": "log1p", "stedelijkheid": None}


def _table() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    table = pd.DataFrame({
        "pct_65plus": rng.uniform(5, 40, 60), "p_hh_li": rng.uniform(20, 70, 60),
        "inwoners": rng.integers(300, 9000, 60).astype(float), "stedelijkheid": rng.integers(1, 6, 60).astype(float),
    }, index=[f"BU{i:08d}" for i in range(60)])
    table.iloc[3, 0] = np.nan  # a missing value: distances divide by the shared weight
    table.iloc[7, [0, 1, 3]] = np.nan  # shares too little weight with anyone
    return table


def test_distance_matrix_rows_equal_find_peers_distances():
    table = _table()
    z, w = standardise(table, VARIABLES, TRANSFORMS)
    matrix = distance_matrix(z, w, chunk=16)
    for target in (0, 3, 25):
        peers = find_peers(table, table.index[target], VARIABLES, TRANSFORMS, k=100)
        got = pd.Series(matrix[target], index=table.index).dropna()
        assert set(got.index) == set(peers["code"])
        assert np.allclose(got.loc[peers["code"]].to_numpy(), peers["distance"].to_numpy())
    assert np.isnan(matrix[7]).all() and np.isnan(np.diag(matrix)).all()
    assert np.allclose(np.nan_to_num(matrix), np.nan_to_num(matrix.T))


def test_pair_contributions_add_up_to_the_squared_distance_as_in_find_peers():
    table = _table()
    z, w = standardise(table, VARIABLES, TRANSFORMS)
    distance, contrib = pair_distances(z, w, np.array([3, 3]), np.array([10, 11]))
    peers = find_peers(table, table.index[3], VARIABLES, TRANSFORMS, k=100).set_index("code")
    for i, other in enumerate((10, 11)):
        row = peers.loc[table.index[other]]
        assert np.isclose(distance[i], row["distance"])
        assert np.isclose(np.nansum(contrib[i]), distance[i] ** 2)
        assert np.allclose(contrib[i], [row[f"contrib_{c}"] for c in VARIABLES], equal_nan=True)
