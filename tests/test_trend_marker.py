"""The trend marker on the uitkomsten page weighs the counts (issue 14): a fall the unweighted test misses."""

from __future__ import annotations

from callbacks.buurt import trend_marker
from data_access.services.uitkomsten_view import trend

VALUES = [20.0, 19.0, 19.6, 18.4, 18.2]  # percent: 1000, 950, 980, 920, 910 of 5000 (Cochran-Armitage p = 0.017)


def test_trend_marker_uses_the_counts_of_a_percentage():
    marker = trend_marker(trend(VALUES, [1000, 950, 980, 920, 910], [5000] * 5, "percentage"), "lower_is_better")
    assert marker.children == "↘ dalend (beter)"
    assert "p = 0,017" in marker.title


def test_trend_marker_without_counts_tests_the_values():
    assert trend_marker(trend(VALUES), "lower_is_better").children == "→ geen significante verandering"
