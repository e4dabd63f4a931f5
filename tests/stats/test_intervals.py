"""Confidence intervals against published and hand-computed reference values."""

import math

import pytest

from data_access.stats.intervals import (
    byar,
    exact_poisson,
    interval_for,
    no_interval_reason,
    nps,
    poisson_count,
    rate,
    t_interval,
    wilson,
)


def test_wilson_8_of_20_matches_reference():
    ci = wilson(8, 20)
    assert (ci.low, ci.high) == pytest.approx((0.2188, 0.6134), abs=1e-4)
    assert ci.method == "wilson"


def test_wilson_99_8_is_wider():
    # z = 3.0902; same result as statsmodels proportion_confint(8, 20, 0.002, "wilson").
    ci = wilson(8, 20, level=0.998)
    assert (ci.low, ci.high) == pytest.approx((0.15195, 0.71268), abs=1e-5)


def test_wilson_zero_events_starts_at_zero():
    # 0/10: centre = half = (1.96^2/20) / (1 + 1.96^2/10) = 0.13876, so 0 to 0.2775.
    ci = wilson(0, 10)
    assert ci.low == 0.0
    assert ci.high == pytest.approx(0.2775, abs=1e-4)


def test_byar_50_events_matches_reference():
    ci = byar(50)
    assert (ci.low, ci.high) == pytest.approx((37.11, 65.92), abs=5e-3)
    assert ci.method == "byar"


def test_byar_50_events_99_8():
    # low = 50 (1 - 1/450 - 3.0902/(3 sqrt 50))^3 = 50 * 0.852105^3 = 30.935;
    # high = 51 (1 - 1/459 + 3.0902/(3 sqrt 51))^3 = 75.969 (exact: 30.96-75.94).
    ci = byar(50, level=0.998)
    assert (ci.low, ci.high) == pytest.approx((30.935, 75.969), abs=2e-3)


def test_exact_poisson_3_events_matches_reference():
    ci = exact_poisson(3)
    assert (ci.low, ci.high) == pytest.approx((0.619, 8.767), abs=1e-3)
    assert ci.method == "exact-poisson"


def test_exact_poisson_3_events_99_8():
    # gamma(3).ppf(0.001) = 0.1905 and gamma(4).ppf(0.999) = 13.062.
    ci = exact_poisson(3, level=0.998)
    assert (ci.low, ci.high) == pytest.approx((0.1905, 13.062), abs=1e-3)


def test_exact_poisson_zero_events():
    ci = exact_poisson(0)
    assert ci.low == 0.0
    assert ci.high == pytest.approx(3.689, abs=1e-3)


def test_poisson_count_switches_to_byar_at_ten_events():
    assert poisson_count(9).method == "exact-poisson"
    assert poisson_count(10).method == "byar"


def test_rate_scales_count_interval_by_person_time():
    # 50 events in 2,000 person-years per 1,000: Byar 37.11-65.92 * 1000/2000.
    ci = rate(50, 2000, per=1000)
    assert (ci.low, ci.high) == pytest.approx((18.554, 32.960), abs=1e-3)


def test_t_interval_for_a_mean():
    # 7.2 +/- t(0.975, 24) * 1.5 / sqrt(25) = 7.2 +/- 2.0639 * 0.3 = 7.2 +/- 0.6192.
    ci = t_interval(7.2, 1.5, 25)
    assert (ci.low, ci.high) == pytest.approx((6.5808, 7.8192), abs=1e-4)
    assert ci.method == "t"


def test_t_interval_99_8():
    # t(0.999, 24) = 3.4668 -> 7.2 +/- 1.0400.
    ci = t_interval(7.2, 1.5, 25, level=0.998)
    assert (ci.low, ci.high) == pytest.approx((6.1600, 8.2400), abs=1e-4)


def test_nps_small_survey():
    # 80 respondents, 40 promoters, 10 detractors: p = 0.5, d = 0.125, NPS = 37.5.
    # var = (0.5*0.5 + 0.125*0.875 + 2*0.5*0.125) / 80 = 0.484375 / 80 = 0.00605469
    # se = 0.077812 -> 100 * 1.959964 * 0.077812 = 15.2509 -> 22.249 to 52.751.
    ci = nps(40, 10, 80)
    assert (ci.low, ci.high) == pytest.approx((22.249, 52.751), abs=1e-3)
    assert ci.method == "nps-normal"


def test_nps_is_clipped_to_100():
    # 9 of 10 promoters: 90 +/- 18.6 would reach 108.6.
    ci = nps(9, 0, 10)
    assert ci.high == 100.0
    assert ci.low == pytest.approx(90 - 100 * 1.959964 * math.sqrt(0.09 / 10), abs=1e-3)


def test_interval_for_percentage_is_on_percent_scale():
    ci = interval_for("percentage", 40.0, 8, 20)
    assert (ci.low, ci.high) == pytest.approx((21.88, 61.34), abs=1e-2)
    assert ci.method == "wilson"


def test_interval_for_percentage_99_8():
    ci = interval_for("percentage", 40.0, 8, 20, level=0.998)
    assert (ci.low, ci.high) == pytest.approx((15.195, 71.268), abs=1e-3)


def test_interval_for_rate_per_1000():
    ci = interval_for("rate", 25.0, 50, 2000, per=1000)
    assert (ci.low, ci.high) == pytest.approx((18.554, 32.960), abs=1e-3)


def test_interval_for_rate_infers_scale_from_value():
    ci = interval_for("rate", 25.0, 50, 2000)
    assert (ci.low, ci.high) == pytest.approx((18.554, 32.960), abs=1e-3)


def test_interval_for_hours_per_client_uses_poisson_on_hours():
    # 1,200 hours for 100 clients = 12 hours per client; Byar by hand: 1200 (1 - 1/10800 - 1.959964 / (3 sqrt 1200))^3
    # = 1133.056 and 1201 (1 - 1/10809 + 1.959964 / (3 sqrt 1201))^3 = 1269.866, divided by 100.
    ci = interval_for("rate", 12.0, 1200, 100)
    assert (ci.low, ci.high) == pytest.approx((11.330564, 12.698660), abs=1e-6)


def test_interval_for_count_uses_exact_below_ten():
    ci = interval_for("count", 3, 3, None)
    assert (ci.low, ci.high) == pytest.approx((0.619, 8.767), abs=1e-3)


def test_interval_for_count_falls_back_to_value():
    assert interval_for("count", 50, None, None).method == "byar"


def test_interval_for_mean_and_score_use_t():
    for kind in ("mean", "score"):
        ci = interval_for(kind, 7.2, None, 25, sd=1.5)
        assert (ci.low, ci.high) == pytest.approx((6.5808, 7.8192), abs=1e-4)


def test_interval_for_nps():
    ci = interval_for("nps", 37.5, 40, 80, detractors=10)
    assert (ci.low, ci.high) == pytest.approx((22.249, 52.751), abs=1e-3)


@pytest.mark.parametrize(
    ("kind", "value", "numerator", "denominator", "extra", "reason"),
    [
        ("percentage", 0.0, 0, 0, {}, "noemer ontbreekt of is nul"),
        ("percentage", None, 5, None, {}, "noemer ontbreekt of is nul"),
        ("percentage", None, 5, float("nan"), {}, "noemer ontbreekt of is nul"),
        ("rate", 10.0, 5, 0, {"per": 1000}, "noemer ontbreekt of is nul"),
        ("percentage", None, None, 20, {}, "teller ontbreekt"),
        ("rate", None, float("nan"), 20, {}, "teller ontbreekt"),
        ("percentage", None, -1, 20, {}, "negatieve waarde"),
        ("percentage", None, 1, -20, {}, "negatieve waarde"),
        ("percentage", 120.0, 24, 20, {}, "teller groter dan noemer"),
        ("count", None, None, None, {}, "teller ontbreekt"),
        ("count", -3, None, None, {}, "negatieve waarde"),
        ("mean", 7.2, None, 25, {}, "standaarddeviatie ontbreekt"),
        ("mean", 7.2, None, 1, {"sd": 1.5}, "te weinig waarnemingen"),
        ("score", None, None, 25, {"sd": 1.5}, "waarde ontbreekt"),
        ("score", 7.2, None, 0, {"sd": 1.5}, "aantal waarnemingen ontbreekt of is nul"),
        ("mean", 7.2, None, 25, {"sd": -1}, "negatieve waarde"),
        ("nps", None, 40, 80, {}, "aantal criticasters ontbreekt"),
        ("nps", None, 60, 80, {"detractors": 30}, "promotors plus criticasters groter"),
        ("nps", None, 60, 0, {"detractors": 0}, "noemer ontbreekt of is nul"),
    ],
)
def test_interval_for_not_computable(kind, value, numerator, denominator, extra, reason):
    ci = interval_for(kind, value, numerator, denominator, **extra)
    assert ci.low is None and ci.high is None
    assert not ci.computable
    assert ci.method.startswith("niet berekenbaar: ")
    assert reason in ci.method


def test_interval_for_rejects_unknown_kind():
    with pytest.raises(ValueError):
        interval_for("ratio", 1.0, 1, 1)


def test_an_interval_always_contains_the_value_shown_by_widening():
    # CBS shows 20 % (rounded) where the counts say 2000 / 9000 = 22.2 %: Wilson by hand (21.375, 23.093) misses
    # the value shown, so the lower bound is widened to it and the method says so.
    ci = interval_for("percentage", 20.0, 2000, 9000)
    assert (ci.low, ci.high) == pytest.approx((20.0, 23.092883), abs=1e-6)
    assert ci.method == "wilson, verbreed tot de getoonde waarde"
    assert interval_for("percentage", 22.2, 2000, 9000).method == "wilson"


CBS = "CBS Kerncijfers wijken en buurten"


@pytest.mark.parametrize(("kind", "source", "theme", "reason"), [
    ("rate", CBS, "demografie", "volledige telling"),  # population density
    ("percentage", CBS, "demografie", "volledige telling"),  # share of 65-plussers
    ("mean", CBS, "voorzieningen", "volledige telling"),  # distance to the GP
    ("percentage", "Vektis Open Databestand Zvw (gemeente)", "zorgkosten", "volledige telling"),
    ("count", "Buurtnetwerk", "preventie", "een aantal"),
    ("percentage", CBS, "sociaaleconomisch", None),  # benefits per 100 inhabitants: a rate of uses
    ("rate", "Politie/CBS (47022NED); CBS Kerncijfers wijken en buurten", "leefomgeving", None),  # crimes: events
    ("percentage", "RIVM/GGD'en/CBS Gezondheidsmonitor (50090NED)", "gezondheid", None),  # a survey estimate
    ("rate", "Verzekeraars (declaraties Zvw)", "preventie,eerste_lijn,dichtbij", None),
])
def test_only_estimates_and_rates_of_events_get_an_interval(kind, source, theme, reason):
    got = no_interval_reason(kind, source, theme)
    assert (got is None) if reason is None else (reason in got)


@pytest.mark.parametrize("level", [0, 1, 95])
def test_level_must_be_a_fraction(level):
    with pytest.raises(ValueError):
        wilson(8, 20, level=level)
