"""Which stored values get an interval (issue 14): estimates and rates of events, never census figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data_access import queries
from data_access.published import add_intervals


def test_census_figures_get_no_interval_and_rates_of_events_do(app):
    with app.server.extensions["engine"].connect() as conn:
        catalogue = queries.indicators(conn)
    frame = pd.DataFrame({
        "indicator": ["bevolkingsdichtheid", "pct_65plus", "inwoners", "misdrijven_per_1000", "seh_per_1000"],
        "value": [5432.0, 20.0, 1500.0, 50.0, 110.0],
        "numerator": [5432.0, 300.0, 1500.0, 75.0, 330.0],
        "denominator": [1.0, 1500.0, np.nan, 1500.0, 3000.0],
        "detractors": [np.nan] * 5,
    })
    out = add_intervals(frame, catalogue).set_index("indicator")
    for census in ("bevolkingsdichtheid", "pct_65plus", "inwoners"):
        assert np.isnan(out.at[census, "ci_low"]) and np.isnan(out.at[census, "ci_high"])
    assert out.at["bevolkingsdichtheid", "ci_method"] == "geen interval: volledige telling, geen schatting"
    # 75 crimes per 1,500 inhabitants, per 1,000 = 50: Byar by hand (39.3267, 62.6763)
    assert (out.at["misdrijven_per_1000", "ci_low"], out.at["misdrijven_per_1000", "ci_high"]) == pytest.approx(
        (39.3267, 62.6763), abs=1e-3)
    assert out.at["seh_per_1000", "ci_low"] < 110 < out.at["seh_per_1000", "ci_high"]
