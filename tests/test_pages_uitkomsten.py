"""The uitkomstendashboard (/buurt/<slug>/uitkomsten): headline KPI chart and cards equal `buurt_kpi`, per-indicator
comparison with the programme and the comparison group, and odd data (missing deliveries, a suppressed value, a
single period) explained rather than failing.

Insurer deliveries for De Vijfhoek and eight other Haarlem buurten, and buurtnetwerk figures for two programme
buurten, go through the real `levering` import.
"""

from __future__ import annotations

import math

import pytest
from selenium.webdriver.common.by import By

from callbacks.buurt_uitkomsten import effect_sentence, pct
from data_access import periods, queries
from data_access.access import Viewer
from data_access.importers import import_file
from data_access.kpi_service import buurt_kpi
from data_access.outcome_compare import comparison_group, latest_as_of, programme_positions
from data_access.published import visible_observations
from tests.conftest import browser_login, console_errors, login, start_browser_app, write_csv
from tests.test_pages_beeld import GEBIEDEN
from tests.test_pages_buurt import _cells

TRANSITIE = Viewer(role="transitieteam")
PERIODS = periods.bimonthly_range("2024-B1", "2025-B5")  # the delivery stops at 2025-B5: later reviews miss data
BUURTEN = [f"BU039201{i:02d}" for i in range(0, 10)]  # BU03920105 = De Vijfhoek, the others compare


def _delivery() -> str:
    lines = ["gebied;indicator;periode;teller;noemer;waarde;bron"]
    for p_i, period in enumerate(PERIODS):
        for b_i, code in enumerate(BUURTEN):
            clients = 40 + 3 * b_i
            trend = 0.97 ** p_i if code == "BU03920105" else 0.995 ** p_i  # De Vijfhoek falls faster
            hours = round(clients * (150 + 4 * b_i) * trend, 1)
            lines.append(f"{code};wvpk_uren_per_client;{period};{hours};{clients};;Verzekeraar A")
            lines.append(f"{code};ha_consulten_per_patient;{period};{(2000 + 30 * b_i) * (100 - p_i) // 100};"
                         f"{400 + 5 * b_i};;Verzekeraar A")
    # a suppressed value (4 SEH visits), and a survey delivered once (a single period)
    lines += ["BU03920105;seh_per_1000;2025-B5;4;3000;;Verzekeraar A",
              "de-vijfhoek;prev_nps_clienten;2025-B3;30;50;;Buurtnetwerk",
              "kleverpark-zuid;prev_nps_clienten;2025-B3;20;45;;Buurtnetwerk",
              "sterrenwijk;prev_nps_clienten;2025-B3;25;40;;Buurtnetwerk"]
    return "\n".join(lines) + "\n"


def _with_detractors(text: str) -> str:
    """NPS rows need the detractors column; the other rows leave it empty."""
    out = []
    for i, line in enumerate(text.strip().split("\n")):
        if i == 0:
            out.append(line + ";criticasters")
        else:
            # 10 detractors: fewer would be a small number and hide the NPS (data_access.privacy)
            out.append(line + (";10" if "prev_nps" in line else ";"))
    return "\n".join(out) + "\n"


@pytest.fixture
def delivered(app, tmp_path):
    engine = app.server.extensions["engine"]
    for kind, name, text in (("gebieden", "gebieden.csv", GEBIEDEN),
                             ("levering", "levering.csv", _with_detractors(_delivery()))):
        report = import_file(engine, kind, write_csv(tmp_path / name, text))
        assert report.ok, report.summary()
    return app


def test_buurt_kpi_on_the_delivery_has_a_did_effect_and_hypotheses(delivered):
    with delivered.server.extensions["engine"].connect() as conn:
        results = {r["indicator"]: r for r in buurt_kpi(conn, "de-vijfhoek", TRANSITIE)}
    kpi = results["wvpk_uren_per_client"]
    assert kpi["design"] == "did" and kpi["latest_period"] == "2025-B5"
    assert kpi["relative_effect"] < 0 and kpi["comparison"]["n_buurten"] == 9
    assert effect_sentence(kpi) == (f"Effect ten opzichte van de vergelijkingsgroep in sep–okt 2025: "
                                    f"{pct(kpi['relative_effect'])} (95%-interval {pct(kpi['ci_low'])} tot "
                                    f"{pct(kpi['ci_high'])}).")
    assert results["ha_consulten_per_patient"]["design"] == "voor_na"


def test_programme_rank_funnel_and_comparison_group(delivered):
    with delivered.server.extensions["engine"].connect() as conn:
        catalogue = queries.indicators(conn)
        area = queries.find_area(conn, "de-vijfhoek")
        frame = visible_observations(conn, TRANSITIE, area, ["prev_nps_clienten", "wvpk_uren_per_client"],
                                     catalogue=catalogue)
        latest = latest_as_of(frame, "2025-B5")
        positions = programme_positions(conn, TRANSITIE, "de-vijfhoek", latest, catalogue).set_index("indicator")
        group = comparison_group(conn, TRANSITIE, area, latest, catalogue).set_index("indicator")
    # NPS: De Vijfhoek (30−10)/50 = +40, Kleverpark (20−10)/45 = +22, Sterrenwijk (25−10)/40 = +37.5 → first
    assert positions.at["prev_nps_clienten", "n"] == 3 and positions.at["prev_nps_clienten", "rank"] == 1
    # no other programme buurt has wvpk deliveries: no rank among one buurt
    assert "wvpk_uren_per_client" not in positions.index
    # the comparison group: the nine other Haarlem buurten, pooled as hours / clients in 2025-B5
    p_i = PERIODS.index("2025-B5")
    hours = sum(round((40 + 3 * b) * (150 + 4 * b) * 0.995 ** p_i, 1) for b in range(10) if b != 5)
    clients = sum(40 + 3 * b for b in range(10) if b != 5)
    assert group.at["wvpk_uren_per_client", "comparison_n"] == 9
    assert group.at["wvpk_uren_per_client", "comparison_method"] == "gemeente"  # no context data to match on
    assert group.at["wvpk_uren_per_client", "comparison_value"] == pytest.approx(hours / clients, rel=1e-6)


def _kpi_traces(dash_duo) -> dict:
    dash_duo.wait_for_element("#buurt-uit-kpi-graph .main-svg", timeout=30)
    return dash_duo.driver.execute_script(
        "const gd = document.querySelector('#buurt-uit-kpi-graph .js-plotly-plot');"
        "const out = {}; gd.data.forEach(t => { out[t.name] = Array.from(t.y); }); return out;")


def test_kpi_chart_and_cards_equal_buurt_kpi_and_missing_periods_are_named(dash_duo, delivered):
    with delivered.server.extensions["engine"].connect() as conn:
        results = {r["indicator"]: r for r in buurt_kpi(conn, "de-vijfhoek", TRANSITIE)}
    kpi = results["wvpk_uren_per_client"]
    start_browser_app(dash_duo, delivered)
    browser_login(dash_duo)
    dash_duo.driver.get(dash_duo.server_url + "/buurt/de-vijfhoek/uitkomsten?review=2026-B1")
    traces = _kpi_traces(dash_duo)
    series = [s for s in kpi["series"] if s["index_t"] is not None or s["index_c"] is not None]
    for name, key in (("De Vijfhoek", "index_t"), ("vergelijkingsgroep", "index_c"),
                      ("bandbreedte zonder effect (95%)", "band_low")):
        assert traces[name] == pytest.approx([s[key] for s in series]), name
    target = next(v for k, v in traces.items() if k.startswith("streefpad"))
    assert target == pytest.approx([s["target_index"] for s in series])
    headline = dash_duo.find_element("#kpi-headline").text
    assert effect_sentence(kpi) in headline and kpi["status_label"] in headline
    # one table beside the chart: its own (assets/a11y.js adds one only where a chart has none)
    assert len(dash_duo.find_elements("#kpi-headline .kpi-figure details")) == 1
    assert dash_duo.find_elements("#kpi-headline .bd-chart-details") == []
    # the delivery stops at 2025-B5: the review of 2026-B1 names what is missing
    assert "Nog niet aangeleverd sinds sep–okt 2025: nov–dec 2025, jan–feb 2026" in headline
    card = dash_duo.find_element("#kpi-card-ha_consulten_per_patient").text
    consults = results["ha_consulten_per_patient"]
    assert consults["status_label"] in card and pct(consults["change_since_start"]) in card
    # the API serves the same KPI
    client = delivered.server.test_client()
    assert login(client, "transitie@demo.nl").status_code == 302
    api = {r["indicator"]: r for r in client.get("/api/v1/programma/de-vijfhoek/kpi").get_json()["data"]}
    assert math.isclose(api["wvpk_uren_per_client"]["relative_effect"], kpi["relative_effect"])
    assert console_errors(dash_duo) == []


def test_comparison_column_suppressed_value_and_single_period_explained(dash_duo, delivered):
    start_browser_app(dash_duo, delivered)
    browser_login(dash_duo, "vijfhoek@demo.nl")
    dash_duo.driver.get(dash_duo.server_url + "/buurt/de-vijfhoek/uitkomsten?review=2025-B5"
                        "&indicator=prev_nps_clienten")
    cells = _cells(dash_duo, "uit-row-preventie-wvpk_uren_per_client")
    assert "buurten in de gemeente (9)" in cells[7]
    nps = _cells(dash_duo, "uit-row-preventie-prev_nps_clienten")
    assert nps[1].split("\n")[0] == "40,0" and nps[5] == "één meting"  # a single period: no trend, said in words
    assert "programma: 1e van 3" in nps[7]
    detail = dash_duo.wait_for_element(".uit-detail", timeout=30).text
    assert "Eén meting (mei–jun 2025): nog geen ontwikkeling te tonen." in detail
    # a suppressed value: hidden with the reason, and its chart explains instead of staying empty
    seh = _cells(dash_duo, "uit-row-preventie-seh_per_1000")
    assert seh[1].split("\n")[0] == "–" and "te weinig personen" in seh[8]
    assert [th.text for th in dash_duo.find_elements("#thema-preventie .uit-table thead th")][7] == "Vergeleken met"
    dash_duo.driver.get(dash_duo.server_url + "/buurt/de-vijfhoek/uitkomsten?review=2025-B5&indicator=seh_per_1000")
    dash_duo.wait_for_contains_text(".uit-detail", "Geen waarde om te tonen: te weinig personen", timeout=30)
    assert console_errors(dash_duo) == []


def test_buurt_with_missing_deliveries_explains_them(dash_duo, delivered):
    start_browser_app(dash_duo, delivered)
    browser_login(dash_duo)
    dash_duo.driver.get(dash_duo.server_url + "/buurt/de-vijfhoek/uitkomsten?review=2026-B1")
    row = dash_duo.wait_for_element("#uit-row-preventie-wvpk_uren_per_client", timeout=30)
    note = row.find_elements(By.TAG_NAME, "td")[8].text
    assert "nog niet aangeleverd voor jan–feb 2026" in note
    # a programme buurt without any insurer delivery: the KPI explains instead of an empty chart
    dash_duo.driver.get(dash_duo.server_url + "/buurt/kleverpark-zuid/uitkomsten")
    assert "geen KPI te berekenen" in dash_duo.wait_for_element(".kpi-none", timeout=20).text
    assert console_errors(dash_duo) == []


def test_trend_marker_says_direction_and_whether_it_is_better():
    from callbacks.buurt import trend_marker
    from data_access.services.uitkomsten_view import trend

    falling = trend_marker(trend([150, 147, 143, 140, 136, 133]), "lower_is_better")
    assert falling.children == "↘ dalend (beter)"
    assert "laatste 5 metingen" in falling.title
    assert trend_marker(trend([10, 12, 14, 16, 18]), "lower_is_better").children == "↗ stijgend (slechter)"
    assert trend_marker(trend([10, 12, 14, 16, 18]), "neutral").children == "↗ stijgend"
    assert trend_marker(trend([10, 14, 9, 13, 10]), "lower_is_better").children.endswith(
        "geen significante verandering")
    assert trend([10, 12]) is None  # fewer than three points: no verdict
    assert trend_marker(None, "lower_is_better") is None


def test_uitkomsten_view_is_stored_once_per_scope_and_follows_a_delivery(app, tmp_path):
    # The tables are one stored view-model per buurt, review and viewer scope: a second network reads the team's
    # row; a supplier gets its own (its own source only); a new delivery replaces it.
    from data_access.context import page_context
    from data_access.results import store
    from data_access.services.uitkomsten_view import OWN_KIND, uitkomsten_view

    engine = app.server.extensions["engine"]
    assert import_file(engine, "gebieden", write_csv(tmp_path / "g.csv", GEBIEDEN)).ok
    assert import_file(engine, "levering", write_csv(tmp_path / "l.csv", _with_detractors(_delivery()))).ok

    def view(viewer):  # noqa: ANN001, ANN202
        with engine.connect() as conn:
            return uitkomsten_view(conn, page_context(conn, "de-vijfhoek", viewer), "2025-B5")

    def value(v, indicator):  # noqa: ANN001, ANN202
        return next(r["latest"]["value"] for t in v["themes"] for g in t["groups"] for r in g["rows"]
                    if r["indicator"] == indicator and r["latest"])

    before = store.COMPUTED.get(OWN_KIND, 0)
    team = view(Viewer(role="transitieteam"))
    network = view(Viewer(role="buurtnetwerk", programme_ids=frozenset({999})))
    assert store.COMPUTED.get(OWN_KIND, 0) == before + 1
    assert team == network and team["sources"] == ["Buurtnetwerk", "Verzekeraar A"]
    supplier = view(Viewer(role="leverancier", supplier_source="Andere verzekeraar"))
    assert store.COMPUTED.get(OWN_KIND, 0) == before + 2
    assert supplier["empty"] and supplier["sources"] == []
    correction = "gebied;indicator;periode;teller;noemer;waarde;bron\n" \
                 "BU03920105;wvpk_uren_per_client;2025-B5;10000;40;;Verzekeraar A\n"
    assert import_file(engine, "levering", write_csv(tmp_path / "c.csv", correction)).ok
    assert value(view(Viewer(role="transitieteam")), "wvpk_uren_per_client") == 250
    row = next(r for t in view(Viewer(role="transitieteam"))["themes"] for g in t["groups"] for r in g["rows"]
               if r["indicator"] == "wvpk_uren_per_client")
    assert row["compared"]["group"]["n"] == 9, row["compared"]
    # a hidden value (5 clients) gets no comparison: not the rank of an older value behind the "–" on screen
    hidden = correction.replace(";10000;40;", ";500;5;")
    assert import_file(engine, "levering", write_csv(tmp_path / "h.csv", hidden)).ok
    row = next(r for t in view(Viewer(role="transitieteam"))["themes"] for g in t["groups"] for r in g["rows"]
               if r["indicator"] == "wvpk_uren_per_client")
    assert row["latest"]["value"] is None and row["latest"]["period"] == "2025-B5" and row["compared"] == {}
