"""The transitieteam's overview (/transitie): adoption counts, data freshness, KPI status, access, candidates.

De Vijfhoek and Kleverpark-Zuid (Haarlem) deliver district-nursing hours with twelve Haarlem comparison buurten
through the real `gebieden` and `levering` imports; Kleverpark-Zuid's insurer deliveries stop after 2025-B6, and
only De Vijfhoek's buurtnetwerk delivers its sessions. The page's figures are compared with the services.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from data_access import kpi_service, periods, transitie
from data_access.access import Viewer
from data_access.importers import import_file
from data_access.models import AgendaItem, BestPractice, Narrative, ProgrammeBuurt, ReviewSession
from tests.conftest import browser_login, login, start_browser_app, write_csv

TODAY = dt.date(2026, 11, 23)  # expected newest delivery: 2026-B5
PERIODS = periods.bimonthly_range("2024-B1", "2026-B5")
TREATED = {"BU03920105": "de-vijfhoek", "BU03921207": "kleverpark-zuid"}
CONTROLS = [f"BU039230{i:02d}" for i in range(12)]
LATE_FROM = PERIODS.index("2026-B1")


def _gebieden() -> str:
    rows = ["bu_code,bu_naam,wk_code,wk_naam,gm_code,gm_naam"]
    for code in [*TREATED, *CONTROLS]:
        rows.append(f"{code},Buurt {code[-4:]},WK{code[2:8]},Wijk {code[4:8]},GM{code[2:6]},Haarlem")
    return "\n".join(rows) + "\n"


def _delivery(rng: np.random.Generator) -> str:
    rows = ["gebied;indicator;periode;teller;noemer;waarde;bron"]
    for j, period in enumerate(PERIODS):
        for code in [*TREATED, *CONTROLS]:
            if code == "BU03921207" and j >= LATE_FROM:
                continue
            clients = 80 + 5 * (int(code[-2:]) % 7)
            effect = 0.8 if code in TREATED and j >= 6 else 1.0
            hours = clients * 150 * 0.97 ** (j / 6) * effect * rng.lognormal(0, 0.02)
            rows.append(f"{code};wvpk_uren_per_client;{period};{hours:.1f};{clients};;Verzekeraar A")
        rows.append(f"de-vijfhoek;lb_sessies;{period};;;1;Buurtnetwerk De Vijfhoek")
    return "\n".join(rows) + "\n"


@pytest.fixture
def overview_app(app, tmp_path):
    engine = app.server.extensions["engine"]
    for kind, name, text in (("gebieden", "gebieden.csv", _gebieden()),
                             ("levering", "levering.csv", _delivery(np.random.default_rng(3)))):
        report = import_file(engine, kind, write_csv(tmp_path / name, text))
        assert report.ok, report.summary()
    with engine.begin() as conn:
        pid = conn.execute(ProgrammeBuurt.__table__.select().with_only_columns(ProgrammeBuurt.id)
                           .where(ProgrammeBuurt.slug == "de-vijfhoek")).scalar_one()
        conn.execute(Narrative.__table__.insert().values(programme_id=pid, challenges="Eenzaamheid onder ouderen"))
        conn.execute(ReviewSession.__table__.insert(), [
            {"programme_id": pid, "period": "2026-B4"}, {"programme_id": pid, "period": "2026-B5"}])
        conn.execute(AgendaItem.__table__.insert(), [
            {"programme_id": pid, "theme": "preventie", "title": t, "status": s, "deleted": d}
            for t, s, d in (("a", "gestart", False), ("b", "afgerond", False), ("c", "gepland", False),
                            ("d", "gestart", True))])
        conn.execute(BestPractice.__table__.insert().values(programme_id=pid, title="Samen sterk"))
    return app


def test_overview_counts_adoption_and_flags_late_deliveries(overview_app):
    with overview_app.server.extensions["engine"].connect() as conn:
        frame = transitie.programme_overview(conn, today=TODAY).set_index("slug")
    assert len(frame) == 20  # every programme buurt, also those without any delivery
    vijfhoek, klever = frame.loc["de-vijfhoek"], frame.loc["kleverpark-zuid"]
    assert bool(vijfhoek["buurtbeeld"]) and not bool(klever["buurtbeeld"])
    # sessions: the larger of 2 recorded and one delivered per period (`definitions.adoption_counts`)
    assert (vijfhoek["sessies"], vijfhoek["interventies_gestart"], vijfhoek["best_practices"]) == (
        len(PERIODS), 2, 1)
    assert vijfhoek["verzekeraars_last"] == "2026-B5" and not vijfhoek["verzekeraars_late"]
    assert vijfhoek["buurtnetwerk_last"] == "2026-B5" and not vijfhoek["buurtnetwerk_late"]
    # Kleverpark-Zuid's insurer data stop at 2025-B6: ten months behind the expected 2026-B5
    assert klever["verzekeraars_last"] == "2025-B6" and klever["verzekeraars_behind"] == 10
    assert klever["verzekeraars_late"]
    # nothing ever delivered counts as late too
    assert pd.isna(frame.loc["sterrenwijk", "verzekeraars_last"]) and frame.loc["sterrenwijk", "verzekeraars_late"]


def _grid_rows(dash_duo, grid_id: str) -> list[dict]:
    """All rows the AG Grid has loaded (the infinite row model loads blocks of 100: all 20 here)."""
    return dash_duo.driver.execute_script(
        "const api = dash_ag_grid.getApi(arguments[0]); const out = [];"
        "api.forEachNode(n => { if (n.data) out.push(n.data); }); return out;", grid_id)


def _console_errors(dash_duo) -> list[dict]:
    return [e for e in dash_duo.get_logs() or [] if e.get("level") == "SEVERE"]


def test_transitie_page_shows_every_buurt_with_kpi_status_and_freshness(dash_duo, overview_app):
    start_browser_app(dash_duo, overview_app)
    browser_login(dash_duo, "transitie@demo.nl")
    dash_duo.driver.get(dash_duo.server_url + "/transitie")
    dash_duo.wait_for_element(".ag-row[row-id='de-vijfhoek']", timeout=20)
    rows = {r["slug"]: r for r in _grid_rows(dash_duo, "transitie-grid")}
    engine = overview_app.server.extensions["engine"]
    with engine.connect() as conn:
        expected = transitie.programme_overview(conn).set_index("slug")
        kpi = kpi_service.kpi_overview(conn, Viewer(role="transitieteam"))
    assert set(rows) == set(expected.index) and len(rows) == 20
    wvpk = kpi[kpi["indicator"] == "wvpk_uren_per_client"].set_index("slug")
    assert wvpk.at["de-vijfhoek", "status"] == "op_koers"  # the delivery's −20 % effect
    for slug in ("de-vijfhoek", "kleverpark-zuid"):
        assert rows[slug]["kpi_wvpk_uren_per_client"] == wvpk.at[slug, "status"]
        assert rows[slug]["kpi_wvpk_uren_per_client_txt"].startswith(wvpk.at[slug, "status_label"])
        assert rows[slug]["sessies"] == expected.at[slug, "sessies"]
        assert rows[slug]["verzekeraars_late"] == bool(expected.at[slug, "verzekeraars_late"])
    # the visible cells say the same, and the late delivery is highlighted
    cell = dash_duo.find_element(".ag-row[row-id='de-vijfhoek'] .ag-cell[col-id='kpi_wvpk_uren_per_client_txt']")
    assert cell.text.startswith("Op koers") and "kpi-op_koers" in cell.get_attribute("class")
    dash_duo.driver.execute_script("dash_ag_grid.getApi('transitie-grid').ensureColumnVisible('verzekeraars_txt')")
    late = dash_duo.wait_for_element(".ag-row[row-id='kleverpark-zuid'] .ag-cell[col-id='verzekeraars_txt']",
                                     timeout=30)
    assert late.text.startswith(periods.label(expected.at["kleverpark-zuid", "verzekeraars_last"]))
    assert "fresh-late" in late.get_attribute("class")
    # the programme KPI card shows the service's figure
    result = next(r for r in kpi_service.programme_kpi(engine.connect(), Viewer(role="transitieteam"))
                  if r["indicator"] == "wvpk_uren_per_client")
    card = dash_duo.wait_for_element("#transitie-kpi-wvpk_uren_per_client", timeout=20).text
    assert result["status_label"] in card
    assert f"{result['relative_effect'] * 100:.1f}".replace(".", ",").lstrip("-") in card
    # no gemeente outlines were imported: the page says so instead of drawing an empty map
    # (the grid asks for its rows alongside the overview: the status may still be on its way)
    dash_duo.wait_for_contains_text("#transitie-status", "Geen kaartgegevens", timeout=30)
    assert _console_errors(dash_duo) == []


def _callback(client, outputs: list[tuple[str, str]], inputs: list[tuple[str, str, object]]):
    """POST one Dash callback as the browser would (multi-output form)."""
    payload = {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..",
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"], "state": [],
    }
    cookie = client.get_cookie("_csrf_token")  # the double-submit token dash-renderer sends as a header
    headers = {"Content-Type": "application/json"} | ({"X-CSRFToken": cookie.value} if cookie else {})
    return client.post("/_dash-update-component", data=json.dumps(payload), headers=headers)


OVERVIEW_OUTPUTS = [("transitie-status", "children"), ("transitie-content", "style"), ("transitie-map", "figure"),
                    ("transitie-filter-cohort", "options"), ("transitie-filter-partner", "options"),
                    ("transitie-partners", "children")]
OVERVIEW_INPUTS = [("shell-url", "pathname", "/transitie"), ("transitie-filter-cohort", "value", None),
                   ("transitie-filter-partner", "value", None)]


@pytest.mark.parametrize("email", ["vijfhoek@demo.nl", "verzekeraar@demo.nl", None])
def test_transitie_data_is_denied_to_buurtnetwerk_supplier_and_anonymous(overview_app, email):
    client = overview_app.server.test_client()
    if email:
        assert login(client, email).status_code == 302
    response = _callback(client, OVERVIEW_OUTPUTS, OVERVIEW_INPUTS)
    if email is None:  # the login guard already refuses anonymous callback calls
        assert response.status_code == 401
        return
    body = response.get_json()["response"]
    assert _rows_block(client, {"startRow": 0, "endRow": 100}) == {"rowData": [], "rowCount": 0}
    assert body["transitie-content"]["style"] == {"display": "none"}
    assert "Geen toegang" in json.dumps(body["transitie-status"]) or "Log in" in json.dumps(body)
    assert "De Vijfhoek" not in json.dumps(body)


def test_transitieteam_gets_the_overview_through_the_callback(overview_app):
    client = overview_app.server.test_client()
    assert login(client, "beheer@demo.nl").status_code == 302
    body = _callback(client, OVERVIEW_OUTPUTS, OVERVIEW_INPUTS).get_json()["response"]
    assert body["transitie-content"]["style"] == {}
    assert "rowData" not in body.get("transitie-grid", {})  # the rows come block by block (infinite row model)
    block = _rows_block(client, {"startRow": 0, "endRow": 5})
    assert (block["rowCount"], len(block["rowData"])) == (20, 5)


def _rows_block(client, request: dict, cohorts=None, partners=None) -> dict:  # noqa: ANN001
    """One block of the programme grid as AG Grid's infinite row model asks for it."""
    payload = {"output": "transitie-grid.getRowsResponse",
               "outputs": {"id": "transitie-grid", "property": "getRowsResponse"},
               "inputs": [{"id": "transitie-grid", "property": "getRowsRequest", "value": request}],
               "changedPropIds": ["transitie-grid.getRowsRequest"],
               "state": [{"id": "transitie-filter-cohort", "property": "value", "value": cohorts},
                         {"id": "transitie-filter-partner", "property": "value", "value": partners}]}
    cookie = client.get_cookie("_csrf_token")
    headers = {"Content-Type": "application/json"} | ({"X-CSRFToken": cookie.value} if cookie else {})
    response = client.post("/_dash-update-component", data=json.dumps(payload), headers=headers)
    if response.status_code == 204:
        return {"rowData": [], "rowCount": 0}
    return response.get_json()["response"]["transitie-grid"]["getRowsResponse"]


def test_programme_grid_is_sorted_filtered_and_paged_by_the_server(overview_app):
    client = overview_app.server.test_client()
    assert login(client, "transitie@demo.nl").status_code == 302
    with overview_app.server.extensions["engine"].connect() as conn:
        frame = transitie.programme_overview(conn, today=TODAY)
    # sorted on sessions, most first: De Vijfhoek (one session per delivered period) heads the first block
    block = _rows_block(client, {"startRow": 0, "endRow": 3, "sortModel": [{"colId": "sessies", "sort": "desc"}],
                                 "filterModel": {}})
    assert [r["slug"] for r in block["rowData"]][0] == "de-vijfhoek"
    assert block["rowCount"] == len(frame)
    # a text filter on the buurt column keeps the matching buurt only
    block = _rows_block(client, {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {
        "buurt": {"filterType": "text", "type": "contains", "filter": "kleverpark"}}})
    assert [r["slug"] for r in block["rowData"]] == ["kleverpark-zuid"]
    # a number filter: buurten with at least one started intervention
    block = _rows_block(client, {"startRow": 0, "endRow": 100, "filterModel": {
        "interventies_gestart": {"filterType": "number", "type": "greaterThanOrEqual", "filter": 1}}})
    assert [r["slug"] for r in block["rowData"]] == ["de-vijfhoek"]
    # the second block starts where the first ended
    second = _rows_block(client, {"startRow": 15, "endRow": 30, "sortModel": [{"colId": "buurt", "sort": "asc"}]})
    first = _rows_block(client, {"startRow": 0, "endRow": 15, "sortModel": [{"colId": "buurt", "sort": "asc"}]})
    names = [r["buurt"].lower() for r in first["rowData"] + second["rowData"]]
    assert (len(second["rowData"]), names) == (5, sorted(names))


# ---------------------------------------------------------------- candidates

def _candidates() -> pd.DataFrame:
    base = {"inwoners": 1000.0, "zvw_kosten_totaal": 3000.0, "wmo_per_1000": 60.0, "eenzaam_65plus": 50.0,
            "ervaren_gezondheid_goed_18plus": 75.0, "afstand_huisarts": 1.0}
    rows = []
    for i in range(20):
        rows.append({**base, "code": f"BU0001{i:04d}", "name": f"b{i}", "gemeente_code": "GM0001",
                     "zvw_kosten_wijkverpleging": 200.0 + (i % 3), "pct_65plus": 15.0 + (i % 5)})
    rows[3].update(pct_65plus=40.0)  # much older: strongest case on ageing
    rows[7].update(afstand_huisarts=6.0)  # far from a GP
    rows[9].update(inwoners=200.0, pct_65plus=60.0)  # too small to rank
    return pd.DataFrame(rows)


def test_candidate_score_ranks_on_weighted_standardised_components():
    ranked = transitie.score_candidates(_candidates())
    assert "BU00010009" not in set(ranked["code"])  # below the minimum number of inhabitants
    assert ranked.iloc[0]["code"] == "BU00010003"
    assert ranked["rank"].tolist() == list(range(1, len(ranked) + 1))
    # only access counts: the buurt far from a GP comes first
    access_only = {c.code: 0.0 for c in transitie.CASE_COMPONENTS} | {"afstand_huisarts": 1.0}
    assert transitie.score_candidates(_candidates(), access_only).iloc[0]["code"] == "BU00010007"
    # z-scores are clipped, and a score needs half of the weight
    assert ranked["z_pct_65plus"].max() == transitie.Z_CLIP
    sparse = _candidates().assign(zvw_kosten_wijkverpleging=np.nan, pct_65plus=np.nan, wmo_per_1000=np.nan)
    assert transitie.score_candidates(sparse)["score"].isna().all()


def test_checklist_is_versioned_and_a_stale_save_is_refused(overview_app):
    engine = overview_app.server.extensions["engine"]
    with engine.begin() as conn:
        assert transitie.save_checklist(conn, "BU03923001", ["burgers"], "eerste indruk", 0, "a@x.nl") == 1
        assert transitie.save_checklist(conn, "bu03923001", ["burgers", "keten"], "", 1, "b@x.nl") == 2
        with pytest.raises(transitie.ChecklistConflict):
            transitie.save_checklist(conn, "BU03923001", ["urgentie"], "", 1, "c@x.nl")
        with pytest.raises(ValueError):
            transitie.save_checklist(conn, "BU99999999", [], "", 0, "a@x.nl")
        with pytest.raises(ValueError):
            transitie.save_checklist(conn, "BU03923001", ["onzin"], "", 2, "a@x.nl")
    with engine.connect() as conn:
        history = transitie.checklist_history(conn, "BU03923001")
        state = transitie.checklist_states(conn).set_index("code")
    assert history["version"].tolist() == [2, 1]
    assert history["author"].tolist() == ["b@x.nl", "a@x.nl"]
    assert state.at["BU03923001", "criteria"] == ["burgers", "keten"]


def test_candidate_csv_has_every_ranked_candidate_with_the_weights_used():
    from callbacks.transitie import candidate_csv

    weights = dict(transitie.DEFAULT_WEIGHTS, afstand_huisarts=2.5)
    ranked = transitie.score_candidates(_candidates(), weights).assign(gemeente="Haarlem", criteria_ok=0)
    frame = candidate_csv(ranked, weights)
    assert len(frame) == len(ranked) and frame["rang"].tolist() == ranked["rank"].tolist()
    assert "z_afstand_huisarts_gewicht_2.5" in frame.columns


@pytest.mark.parametrize("email, status", [("vijfhoek@demo.nl", 403), ("verzekeraar@demo.nl", 403),
                                           (None, 302), ("transitie@demo.nl", 200), ("beheer@demo.nl", 200)])
def test_transitie_page_itself_is_only_served_to_the_transitieteam_and_beheerders(overview_app, email, status):
    client = overview_app.server.test_client()
    if email:
        assert login(client, email).status_code == 302
    response = client.get("/transitie")
    assert response.status_code == status
    if status == 302:
        assert response.headers["Location"].startswith("/login")
