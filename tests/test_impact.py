"""Impact in hours, FTE and euros: hand-computed examples, a planted effect through the real imports, and € per hour.

The planted example: De Vijfhoek (and Kleverpark-Zuid) have 200 clients at 150 hours per client in 2024; from
2025 on they deliver 10 % fewer hours per client than twelve Haarlem comparison buurten, which follow the national
trend only. Without the effect De Vijfhoek would have delivered 200 × 150 × trend hours in the latest rolling year,
so the hours freed are 200 × 150 × trend × 0,10; FTE and euros follow with the parameters of the data file.
"""

from __future__ import annotations

import numpy as np
import pytest

from data_access import begroting, impact, impact_service, periods
from data_access.access import Viewer
from data_access.importers import import_file
from data_access.models import ProgrammeBuurt
from tests.conftest import write_csv

PERIODS = periods.bimonthly_range("2024-B1", "2026-B5")
CONTROLS = [f"BU039230{i:02d}" for i in range(12)]
TREATED = ["BU03920105", "BU03921207"]  # De Vijfhoek and Kleverpark-Zuid (the bootstrap needs two)
CLIENTS = 200
HOURS_PER_CLIENT = 150
EFFECT = -0.10
TRANSITIE = Viewer(role="transitieteam")
PARAMS = impact.load_parameters()


def _trend(j: int) -> float:
    return 0.97 ** (j / 6)


def test_parameters_file_holds_the_plans_figures_with_sources():
    assert PARAMS.cost_per_fte == 90_000
    assert PARAMS.productive_hours_per_fte == 1000
    assert PARAMS.plan_fte_2033 == 27_000 and PARAMS.plan_euro_2033 == 1.5e9
    assert PARAMS.target_relative == -0.15
    assert "90K" in PARAMS.sources["kosten_per_fte_bron"]
    assert PARAMS.cost_per_admission == PARAMS.bed_days_per_admission * PARAMS.cost_per_bed_day


def test_hand_computed_hours_fte_and_euros_of_a_ten_percent_effect():
    # 27.000 hours delivered after a −10 % effect: 30.000 without it, so 3.000 hours freed
    hours = impact.units_freed(27_000, -0.10, (-0.15, -0.04))
    assert hours.value == pytest.approx(3_000)
    assert hours.low == pytest.approx(27_000 * 0.04 / 0.96)  # the interval end of r closest to 0
    assert hours.high == pytest.approx(27_000 * 0.15 / 0.85)
    fte = impact.hours_to_fte(hours, PARAMS)
    euros = impact.fte_to_euros(fte, PARAMS)
    assert fte.value == pytest.approx(3.0)
    assert euros.value == pytest.approx(270_000)
    assert euros.low == pytest.approx(27_000 * 0.04 / 0.96 / 1000 * 90_000)


def test_national_scenario_equals_its_hand_computation():
    fte = impact.Estimate(30.0, 10.0, 50.0, synthetic=True)  # 30 FTE freed in 20 programme buurten
    rows = impact.scenario(fte, 20, [100, 1000, 14_574])
    assert [r["buurten"] for r in rows] == [100, 1000, 14_574]
    assert rows[0]["value"] == pytest.approx(150.0)  # 1,5 FTE per buurt × 100
    assert rows[1]["low"] == pytest.approx(500.0)  # 0,5 × 1.000
    assert rows[2]["high"] == pytest.approx(2.5 * 14_574)
    assert rows[2]["synthetic"] is True


def test_share_of_target_and_cost_per_hour_by_hand():
    share = impact.share_of_target(-0.06, (-0.09, -0.03), -0.15)
    assert (share.value, share.low, share.high) == pytest.approx((0.4, 0.2, 0.6))
    per_hour = impact.cost_per_hour(60_000, impact.Estimate(3_000, 2_000, 4_000))
    assert (per_hour.value, per_hour.low, per_hour.high) == pytest.approx((20.0, 15.0, 30.0))
    noise = impact.cost_per_hour(60_000, impact.Estimate(1_000, -500, 2_500))
    assert noise.value is None and noise.reason == "geen betrouwbaar effect"


def _gebieden() -> str:
    rows = ["bu_code,bu_naam,wk_code,wk_naam,gm_code,gm_naam"]
    for code in [*TREATED, *CONTROLS]:
        rows.append(f"{code},Buurt {code[-4:]},WK{code[2:8]},Wijk {code[4:8]},GM{code[2:6]},Gemeente {code[2:6]}")
    return "\n".join(rows) + "\n"


def _delivery(rng: np.random.Generator) -> str:
    rows = ["gebied;indicator;periode;teller;noemer;waarde;bron"]
    for j, period in enumerate(PERIODS):
        for code in TREATED:
            rows.append(f"{code};wvpk_uren_per_client;{period};"
                        f"{CLIENTS * HOURS_PER_CLIENT * _trend(j) * (1 + EFFECT if j >= 6 else 1):.3f};{CLIENTS};;"
                        "Verzekeraar A (synthetisch)")
        for code in CONTROLS:
            clients = 80 + 5 * (int(code[-2:]) % 7)
            hours = clients * HOURS_PER_CLIENT * _trend(j) * rng.lognormal(0, 0.003)
            rows.append(f"{code};wvpk_uren_per_client;{period};{hours:.3f};{clients};;Verzekeraar A (synthetisch)")
    return "\n".join(rows) + "\n"


@pytest.fixture
def planted(app, tmp_path):
    engine = app.server.extensions["engine"]
    for kind, name, text in (("gebieden", "g.csv", _gebieden()),
                             ("levering", "l.csv", _delivery(np.random.default_rng(3)))):
        report = import_file(engine, kind, write_csv(tmp_path / name, text))
        assert report.ok, report.summary()
    return engine


def test_planted_effect_gives_the_hand_computed_hours_fte_and_euros_within_the_interval(planted):
    expected_hours = CLIENTS * HOURS_PER_CLIENT * _trend(len(PERIODS) - 1) * -EFFECT
    expected_fte = expected_hours / 1000
    expected_euros = expected_fte * 90_000
    with planted.connect() as conn:
        result = impact_service.buurt_impact(conn, "de-vijfhoek", TRANSITIE)
    wvpk = next(r for r in result["hypotheses"] if r["indicator"] == "wvpk_uren_per_client")
    assert wvpk["latest_period"] == "2026-B5" and wvpk["denominator"] == CLIENTS
    assert wvpk["freed"].low <= expected_hours <= wvpk["freed"].high
    assert wvpk["freed"].value == pytest.approx(expected_hours, rel=0.05)
    assert wvpk["fte"].low <= expected_fte <= wvpk["fte"].high
    assert wvpk["euros"].low <= expected_euros <= wvpk["euros"].high
    assert wvpk["euros"].value == pytest.approx(wvpk["freed"].value / 1000 * 90_000)
    assert wvpk["per_unit"].value == pytest.approx(wvpk["freed"].value / CLIENTS)
    assert wvpk["synthetic"] is True and result["synthetic"] is True
    assert result["share_of_target"].value == pytest.approx(wvpk["relative"] / -0.15)


def _approve(conn, programme_id: int, year: int, activity: dict) -> int:  # noqa: ANN001
    saved = begroting.save_activity(conn, TRANSITIE, programme_id, year, None, activity, None, "t@demo.nl")
    current = begroting.budget(conn, programme_id, year)
    current = begroting.change_status(conn, TRANSITIE, programme_id, year, "indienen", "", current["version"],
                                      "t@demo.nl").record
    begroting.change_status(conn, TRANSITIE, programme_id, year, "goedkeuren", "akkoord", current["version"],
                            "t@demo.nl")
    return saved.record["id"]


def test_cost_per_hour_freed_divides_the_rolling_years_realised_costs(planted, tmp_path):
    with planted.begin() as conn:
        pid = conn.execute(ProgrammeBuurt.__table__.select().where(ProgrammeBuurt.slug == "de-vijfhoek")).first().id
        a2025 = _approve(conn, pid, 2025, {"theme": "preventie", "title": "Reablement", "planned_costs": 10_000})
        a2026 = _approve(conn, pid, 2026, {"theme": "zorgzaam", "title": "Voorzorgcirkel", "planned_costs": 50_000})
    csv = ("buurt;activiteit;periode;kosten;uren;bron\n"
           f"de-vijfhoek;{a2025};2025-Q4;6000;10;Buurtnetwerk\n"
           f"de-vijfhoek;{a2026};2026-Q1;30000;40;Buurtnetwerk\n"
           f"de-vijfhoek;{a2026};2026-Q4;9000;5;Buurtnetwerk\n")
    assert import_file(planted, "realisatie", write_csv(tmp_path / "r.csv", csv)).ok
    # rolling year up to 2026-B5 (Oct 2026) = Nov 2025 .. Oct 2026: 2/3 of 2025-Q4, all of Q1, 1/3 of 2026-Q4
    costs = 6000 * 2 / 3 + 30000 + 9000 / 3
    with planted.connect() as conn:
        result = impact_service.buurt_impact(conn, "de-vijfhoek", TRANSITIE)
    hours = next(r for r in result["hypotheses"] if r["indicator"] == "wvpk_uren_per_client")["freed"]
    assert result["realised_costs_year"] == pytest.approx(costs)
    per_hour = result["cost_per_hour"]
    assert per_hour.value == pytest.approx(costs / hours.value)
    assert (per_hour.low, per_hour.high) == pytest.approx((costs / hours.high, costs / hours.low))


def test_programme_scenario_scales_the_hours_freed_per_buurt(planted):
    with planted.connect() as conn:
        result = impact_service.programme_impact(conn, TRANSITIE)
    assert result["n_buurten"] == 2  # De Vijfhoek and Kleverpark-Zuid delivered
    everywhere = result["scenarios"][-1]
    assert everywhere["buurten"] == 14_574
    assert everywhere["fte"].value == pytest.approx(result["fte"].value / 2 * 14_574)
    assert everywhere["euros"].value == pytest.approx(result["hours"].value / 1000 * 90_000 / 2 * 14_574)
    assert everywhere["fte_share_of_plan"] == pytest.approx(everywhere["fte"].value / 27_000)
    buurt = next(r for r in result["buurten"] if r["slug"] == "de-vijfhoek")
    assert buurt["cost_per_hour"].reason == "nog geen gerealiseerde kosten"


def test_the_stored_programme_impact_equals_the_computed_one(planted):
    # /transitie reads the impact from the results tables (paging its table reads it again, computing nothing)
    from data_access.results import store

    with planted.connect() as conn:
        computed = impact_service.programme_impact(conn, TRANSITIE)
        stored = impact_service.stored_programme_impact(conn, TRANSITIE)  # stored ahead by the refresh, or now
        before = store.COMPUTED.get("programme_impact", 0)
        again = impact_service.stored_programme_impact(conn, Viewer(role="beheerder"))
    assert store.COMPUTED.get("programme_impact", 0) == before  # the second viewer reads the stored row
    assert stored["hours"] == computed["hours"] and again["fte"] == computed["fte"]
    assert stored["scenarios"][-1]["euros"] == computed["scenarios"][-1]["euros"]
    assert [r["slug"] for r in stored["buurten"]] == [r["slug"] for r in computed["buurten"]]
    vijfhoek = next(r for r in stored["buurten"] if r["slug"] == "de-vijfhoek")
    assert vijfhoek["cost_per_hour"] == next(r for r in computed["buurten"] if r["slug"] == "de-vijfhoek")[
        "cost_per_hour"]
    assert stored["parameters"] == computed["parameters"]
