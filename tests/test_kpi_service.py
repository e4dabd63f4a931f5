"""The KPI service and its API on a hand-built delivery with a known effect, and its "not computable" cases.

De Vijfhoek and Kleverpark-Zuid (Haarlem) started in 2024-B2 and lose 20 % of their district-nursing hours per
client from 2025 on (effects take time, so the 2024 base year holds none); twelve Haarlem comparison buurten
follow the national trend only. Everything enters through the
real `gebieden` and `levering` imports.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from sqlalchemy import update

from data_access import kpi_service, periods
from data_access.access import ANONYMOUS, Viewer
from data_access.importers import import_file
from data_access.models import ProgrammeBuurt
from tests.conftest import login, write_csv

PERIODS = periods.bimonthly_range("2024-B1", "2026-B5")
TREATED = {"BU03920105": "de-vijfhoek", "BU03921207": "kleverpark-zuid"}
CONTROLS = [f"BU039230{i:02d}" for i in range(12)]
EFFECT = -0.20
TRANSITIE = Viewer(role="transitieteam")


def _gebieden() -> str:
    rows = ["bu_code,bu_naam,wk_code,wk_naam,gm_code,gm_naam"]
    for code in [*TREATED, *CONTROLS, "BU03440522"]:
        rows.append(f"{code},Buurt {code[-4:]},WK{code[2:8]},Wijk {code[4:8]},GM{code[2:6]},Gemeente {code[2:6]}")
    return "\n".join(rows) + "\n"


def _delivery(rng: np.random.Generator) -> str:
    rows = ["gebied;indicator;periode;teller;noemer;waarde;bron"]
    for j, period in enumerate(PERIODS):
        trend = 0.97 ** (j / 6)
        for code in [*TREATED, *CONTROLS]:
            clients = 80 + 5 * (int(code[-2:]) % 7)
            effect = 1 + EFFECT if code in TREATED and j >= 6 else 1.0
            hours = clients * 150 * trend * effect * rng.lognormal(0, 0.02)
            rows.append(f"{code};wvpk_uren_per_client;{period};{hours:.1f};{clients};;Verzekeraar A")
            consults = clients * 40 * trend * (0.85 if code in TREATED and j >= 6 else 1.0)
            rows.append(f"{code};ha_consulten_per_patient;{period};{consults:.0f};{clients * 10};;Verzekeraar A")
    # Sterrenwijk (Utrecht) delivers, but Utrecht has no comparison buurten in this store
    for period in PERIODS:
        rows.append(f"BU03440522;wvpk_uren_per_client;{period};15000;100;;Verzekeraar A")
    return "\n".join(rows) + "\n"


@pytest.fixture
def kpi_app(app, tmp_path):
    engine = app.server.extensions["engine"]
    for kind, name, text in (("gebieden", "gebieden.csv", _gebieden()),
                             ("levering", "levering.csv", _delivery(np.random.default_rng(5)))):
        report = import_file(engine, kind, write_csv(tmp_path / name, text))
        assert report.ok, report.summary()
    return app


def _wvpk(results: list[dict]) -> dict:
    return next(r for r in results if r["indicator"] == "wvpk_uren_per_client")


def test_buurt_kpi_recovers_the_known_effect_within_its_interval(kpi_app):
    with kpi_app.server.extensions["engine"].connect() as conn:
        result = _wvpk(kpi_service.buurt_kpi(conn, "de-vijfhoek", TRANSITIE))
    assert result["design"] == "did"
    assert result["latest_period"] == "2026-B5"
    assert result["relative_effect"] == pytest.approx(EFFECT, abs=0.03)
    assert result["ci_low"] <= EFFECT <= result["ci_high"]
    assert result["ci_high"] < 0  # beyond noise
    assert result["index_t"] / result["index_c"] - 1 == pytest.approx(result["relative_effect"])
    assert result["did"] == pytest.approx(result["index_t"] - result["index_c"])
    assert result["status"] == "op_koers" and result["status_label"] == "Op koers"
    assert result["comparison"]["n_buurten"] == 12
    # no CBS context imported: the buurt cannot be matched and falls back to its gemeente, and says so
    assert result["comparison"]["method"] == "gemeente"
    assert "dezelfde gemeente" in result["comparison"]["description"]
    base = next(p for p in result["series"] if p["period"] == kpi_service.BASE_PERIOD)
    assert base["index_t"] == pytest.approx(100) and base["index_c"] == pytest.approx(100)
    last = result["series"][-1]
    assert last["band_low"] < last["index_c"] < last["band_high"]
    # the path on the 2024 = 100 window: started 2024-B2, so 15 of 18 periods by 2026-B5 and 4 already in the base
    assert last["target_index"] == pytest.approx(last["index_c"] * (1 - 0.15 * 15 / 18) / (1 - 0.15 * 4 / 18))
    assert [p["event_time"] for p in result["event_study"]][:2] == [-1, 0]
    assert result["event_study"][-1]["att"] == pytest.approx(np.log(1 + EFFECT), abs=0.03)
    assert result["synthetic"] is False


def test_targets_versus_the_start_judge_the_buurts_own_change(kpi_app):
    with kpi_app.server.extensions["engine"].connect() as conn:
        results = kpi_service.buurt_kpi(conn, "de-vijfhoek", TRANSITIE)
    consults = next(r for r in results if r["indicator"] == "ha_consulten_per_patient")
    assert consults["design"] == "voor_na"
    expected = 0.85 * 0.97 ** ((len(PERIODS) - 1 - 5) / 6) - 1  # own change since the 2024-B6 base
    assert consults["change_since_start"] == pytest.approx(expected, abs=0.01)
    assert consults["ci_low"] <= consults["change_since_start"] <= consults["ci_high"]


def test_not_computable_cases_explain_themselves(kpi_app):
    with kpi_app.server.extensions["engine"].connect() as conn:
        no_comparison = _wvpk(kpi_service.buurt_kpi(conn, "sterrenwijk", TRANSITIE))
        no_delivery = _wvpk(kpi_service.buurt_kpi(conn, "goirle", TRANSITIE))
        with pytest.raises(ValueError, match="onbekende programmabuurt"):
            kpi_service.buurt_kpi(conn, "nergens", TRANSITIE)
    assert no_comparison["status"] == "nog_niet_bekend"
    assert no_comparison["relative_effect"] is None
    assert "vergelijkingsbuurten" in no_comparison["reason"]
    assert no_delivery["status"] == "nog_niet_bekend"
    assert "levering" in no_delivery["reason"]


def test_small_client_numbers_and_a_single_period_give_no_figures(app, tmp_path):
    engine = app.server.extensions["engine"]
    rows = ["gebied;indicator;periode;teller;noemer;waarde;bron",
            "BU03920105;wvpk_uren_per_client;2024-B6;900;6;;Verzekeraar A",
            "BU03920105;wvpk_uren_per_client;2025-B1;800;6;;Verzekeraar A",
            "BU03921207;wvpk_uren_per_client;2024-B6;15000;100;;Verzekeraar A"]
    assert import_file(engine, "levering", write_csv(tmp_path / "l.csv", "\n".join(rows) + "\n")).ok
    with engine.connect() as conn:
        small = _wvpk(kpi_service.buurt_kpi(conn, "de-vijfhoek", TRANSITIE))
        single = _wvpk(kpi_service.buurt_kpi(conn, "kleverpark-zuid", TRANSITIE))
    assert small["index_t"] is None and small["reason"] == "te weinig cliënten om te tonen"
    assert single["index_t"] is None and "basisperiode" in single["reason"]


def test_programme_kpi_pools_the_buurten_with_a_cluster_bootstrap_and_event_study(kpi_app):
    with kpi_app.server.extensions["engine"].connect() as conn:
        result = _wvpk(kpi_service.programme_kpi(conn, TRANSITIE))
        overview = kpi_service.kpi_overview(conn, TRANSITIE)
    # Sterrenwijk belongs to the programme too and shows no effect: it pulls the pooled effect towards 0
    assert EFFECT < result["relative_effect"] < -0.05
    assert result["ci_low"] <= result["relative_effect"] <= result["ci_high"]  # 3 buurten: a wide interval
    assert result["index_t"] / result["index_c"] - 1 == pytest.approx(result["relative_effect"])
    assert result["event_study"] and np.log(1 + EFFECT) < result["event_study"][-1]["att"] < 0
    wvpk = overview[overview["indicator"] == "wvpk_uren_per_client"].set_index("slug")
    assert len(wvpk) == 20
    assert wvpk.at["de-vijfhoek", "status"] == "op_koers"
    assert wvpk.at["sterrenwijk", "status"] == "nog_niet_bekend"


def test_kpi_is_hidden_from_viewers_without_access(kpi_app):
    with kpi_app.server.extensions["engine"].connect() as conn:
        assert kpi_service.buurt_kpi(conn, "de-vijfhoek", ANONYMOUS) == []
        assert kpi_service.programme_kpi(conn, ANONYMOUS) == []
        other_supplier = Viewer(role="leverancier", supplier_source="Verzekeraar B")
        assert kpi_service.buurt_kpi(conn, "de-vijfhoek", other_supplier) == []
        network = Viewer(role="buurtnetwerk", programme_ids=frozenset({999}))
        assert _wvpk(kpi_service.buurt_kpi(conn, "de-vijfhoek", network))["status"] == "op_koers"


def test_kpi_api_serves_the_service_results(kpi_app):
    client = kpi_app.server.test_client()
    assert client.get("/api/v1/programma/de-vijfhoek/kpi").get_json()["data"] == []
    assert login(client, "transitie@demo.nl").status_code == 302
    body = client.get("/api/v1/programma/de-vijfhoek/kpi").get_json()
    with kpi_app.server.extensions["engine"].connect() as conn:
        expected = _wvpk(kpi_service.buurt_kpi(conn, "de-vijfhoek", TRANSITIE))
    served = _wvpk(body["data"])
    assert served["relative_effect"] == pytest.approx(expected["relative_effect"])
    assert served["status"] == expected["status"]
    assert len(served["series"]) == len(PERIODS)
    assert body["base_period"] == "2024-B6"
    programme = client.get("/api/v1/programma/kpi").get_json()
    assert _wvpk(programme["data"])["event_study"]
    csv = client.get("/api/v1/programma/de-vijfhoek/kpi?format=csv")
    assert csv.status_code == 200 and "wvpk_uren_per_client" in csv.get_data(as_text=True)
    assert client.get("/api/v1/programma/nergens/kpi").status_code == 404
    assert client.get("/api/v1/programma/de-vijfhoek/kpi?vergelijking=x").status_code == 400
    assert client.get("/api/v1/programma/de-vijfhoek/kpi?vergelijking=gemeente").status_code == 200


def _on_path_delivery() -> str:
    """Noise-free figures of two buurten exactly on their −15 % paths: De Vijfhoek from 2024-B2, Kleverpark-Zuid
    from 2025-B1 (positions 1 and 6 in PERIODS); the comparison buurten follow the national trend only."""
    rows = ["gebied;indicator;periode;teller;noemer;waarde;bron"]
    start = {"BU03920105": 1, "BU03921207": 6}
    for j, period in enumerate(PERIODS):
        trend = 0.97 ** (j / 6)
        for code in [*TREATED, *CONTROLS]:
            clients = 80 + 5 * (int(code[-2:]) % 7)
            path = -0.15 * min(max(j - start[code], 0) / 18, 1) if code in TREATED else 0.0
            rows.append(f"{code};wvpk_uren_per_client;{period};{clients * 150 * trend * (1 + path):.6f};{clients};;"
                        "Verzekeraar A")
    return "\n".join(rows) + "\n"


def test_buurten_exactly_on_their_paths_are_on_course_in_both_cohorts_and_so_is_the_programme(app, tmp_path):
    engine = app.server.extensions["engine"]
    with engine.begin() as conn:
        conn.execute(update(ProgrammeBuurt).where(ProgrammeBuurt.slug == "kleverpark-zuid")
                     .values(start_date=dt.date(2025, 1, 1)))
    for kind, name, text in (("gebieden", "gebieden.csv", _gebieden()), ("levering", "l.csv", _on_path_delivery())):
        assert import_file(engine, kind, write_csv(tmp_path / name, text)).ok
    with engine.connect() as conn:
        first = _wvpk(kpi_service.buurt_kpi(conn, "de-vijfhoek", TRANSITIE))
        second = _wvpk(kpi_service.buurt_kpi(conn, "kleverpark-zuid", TRANSITIE))
        programme = _wvpk(kpi_service.programme_kpi(conn, TRANSITIE))
    # cohort 1 against 2024 = 100 at 2026-B5: 0.875 / 0.96667 - 1 = -9.48 % (the case); cohort 2: -8.33 %
    assert first["relative_effect"] == pytest.approx(0.875 / (1 - 0.15 * 4 / 18) - 1, abs=1e-6)
    assert first["target_path"] == pytest.approx(first["relative_effect"], abs=1e-6)
    assert second["relative_effect"] == pytest.approx(-0.15 * 10 / 18, abs=1e-6)
    assert (first["status"], second["status"]) == ("op_koers", "op_koers")
    # pooled: client-weighted (105 and 80 clients) mean of the two paths on the same window
    level = (105 * (1 - 0.15 * 15 / 18) + 80 * (1 - 0.15 * 10 / 18)) / 185 / ((105 * (1 - 0.15 * 4 / 18) + 80) / 185)
    assert programme["target_path"] == pytest.approx(level - 1, abs=1e-9)
    assert programme["status"] == "op_koers"
    # against its own pre-start base (2024-B1) cohort 1 shows the whole −12.5 % of its path
    assert first["own_base_period"] == "2024-B1"
    assert first["own_base_effect"] == pytest.approx(-0.125, abs=1e-6)


def _text(component) -> str:  # noqa: ANN001
    """All text of a Dash component tree."""
    if component is None or isinstance(component, (str, int, float)):
        return "" if component is None else str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(_text(c) for c in component)
    return _text(getattr(component, "children", None))


def test_the_kpi_card_shows_both_bases_and_says_why_they_differ(app, tmp_path):
    from callbacks.buurt_uitkomsten import headline

    engine = app.server.extensions["engine"]
    for kind, name, text in (("gebieden", "gebieden.csv", _gebieden()), ("levering", "l.csv", _on_path_delivery())):
        assert import_file(engine, kind, write_csv(tmp_path / name, text)).ok
    with engine.connect() as conn:
        result = _wvpk(kpi_service.buurt_kpi(conn, "de-vijfhoek", TRANSITIE))
    text = _text(headline(result, "De Vijfhoek", "de-vijfhoek", None))
    assert "in sep–okt 2026: −9,5% " in text  # 2024 = 100, as contracted
    assert "Streefpad op dit venster (2024 = 100): −9,5%." in text
    assert "Tegen de eigen periode vóór de start (jan–feb 2024): −12,5%" in text
    assert "wie in 2024 al begon heeft een deel van het effect al in dat basisjaar zitten" in text


def test_a_buurt_row_committed_between_two_reads_is_read_not_computed(kpi_app, monkeypatch):
    """The first refresh after a start commits the programme row and the buurt rows together; a request whose
    first read of the buurt row came just before the commit reads it again instead of failing or computing."""
    from data_access.results import store

    engine = kpi_app.server.extensions["engine"]
    with engine.connect() as conn:
        expected = _wvpk(kpi_service.buurt_kpi(conn, "de-vijfhoek", TRANSITIE))
    real_read, missed = store.read, []

    def read_before_the_commit(conn, kind, key):  # the first read of the buurt row misses
        if kind == "kpi_buurt_matched" and not missed:
            missed.append(key)
            return None
        return real_read(conn, kind, key)

    monkeypatch.setattr(store, "read", read_before_the_commit)
    monkeypatch.setattr(kpi_service, "compute", lambda *a, **k: pytest.fail("computed instead of read"))
    with engine.connect() as conn:
        result = _wvpk(kpi_service.buurt_kpi(conn, "de-vijfhoek", TRANSITIE))
    assert missed == ["de-vijfhoek"]
    assert result["relative_effect"] == expected["relative_effect"]
