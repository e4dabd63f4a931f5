"""Fingertips-style benchmark comparison and the quintile fallback."""

import pytest

from data_access.stats.benchmark import COMPARISON_LABELS_NL, compare, quintile
from data_access.stats.intervals import Interval

CI95 = (20.0, 30.0)
CI998 = (15.0, 35.0)


@pytest.mark.parametrize(
    ("benchmark", "polarity", "expected"),
    [
        (25.0, "higher_is_better", "similar"),
        (20.0, "higher_is_better", "similar"),  # on the bound counts as inside
        (18.0, "higher_is_better", "better"),
        (18.0, "lower_is_better", "worse"),
        (18.0, "neutral", "higher"),
        (10.0, "higher_is_better", "much_better"),
        (10.0, "lower_is_better", "much_worse"),
        (10.0, "neutral", "much_higher"),
        (32.0, "higher_is_better", "worse"),
        (32.0, "lower_is_better", "better"),
        (32.0, "neutral", "lower"),
        (40.0, "higher_is_better", "much_worse"),
        (40.0, "lower_is_better", "much_better"),
        (40.0, "neutral", "much_lower"),
    ],
)
def test_compare_by_polarity(benchmark, polarity, expected):
    assert compare(25.0, CI95, CI998, benchmark, polarity) == expected


def test_compare_accepts_interval_objects():
    ci95, ci998 = Interval(20.0, 30.0, "wilson"), Interval(15.0, 35.0, "wilson")
    assert compare(25.0, ci95, ci998, 10.0, "higher_is_better") == "much_better"


def test_compare_without_99_8_interval_never_says_much():
    assert compare(25.0, CI95, None, 10.0, "higher_is_better") == "better"


@pytest.mark.parametrize(
    ("value", "ci95", "benchmark"),
    [
        (25.0, None, 22.0),
        (25.0, Interval(None, None, "niet berekenbaar: noemer ontbreekt of is nul"), 22.0),
        (25.0, (float("nan"), 30.0), 22.0),
        (25.0, CI95, None),
        (25.0, CI95, float("nan")),
        (None, CI95, 22.0),
    ],
)
def test_compare_not_comparable_without_interval_or_benchmark(value, ci95, benchmark):
    assert compare(value, ci95, CI998, benchmark, "higher_is_better") == "not_comparable"


def test_compare_rejects_unknown_polarity():
    with pytest.raises(ValueError):
        compare(25.0, CI95, CI998, 22.0, "good")


def test_every_comparison_has_a_dutch_label():
    assert COMPARISON_LABELS_NL["similar"] == "vergelijkbaar"
    assert COMPARISON_LABELS_NL["much_worse"] == "veel slechter"
    assert COMPARISON_LABELS_NL["not_comparable"] == ("niet te vergelijken (geen betrouwbaarheidsinterval)")
    assert len(COMPARISON_LABELS_NL) == 10


def test_quintile_of_ten_values():
    values = list(range(1, 11))
    assert [quintile(v, values) for v in values] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_quintile_ties_share_a_quintile_and_missing_is_ignored():
    values = [1, 2, 2, 2, 2, 3, None, float("nan")]
    assert quintile(2, values) == 3
    assert quintile(1, values) == 1
    assert quintile(3, values) == 5


def test_quintile_without_data_is_none():
    assert quintile(None, [1, 2, 3]) is None
    assert quintile(2, []) is None
