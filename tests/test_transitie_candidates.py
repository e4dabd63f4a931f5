"""Candidate buurten on /transitie at scale: the candidate table is stored by the refresh, the grid asks for one block
of rows at a time (AG Grid's infinite row model) and the server filters, sorts and cuts it.

The twelve Haarlem comparison buurten of `tests.test_transitie` get public context figures through the real
`levering` import: buurt i (BU039230<i>) has 600 + 100·i inhabitants (i = 0: 400, too few to be a candidate) and
every component rises with i towards "more case for change", so the ranking is i = 11 first, i = 1 last.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from dash.testing.wait import until
from selenium.webdriver.common.by import By

from callbacks import grid_paging
from dashboard import ids
from data_access import transitie
from data_access.importers import import_file
from data_access.results import refresh, store
from tests.conftest import browser_login, dash_post, login, start_browser_app, write_csv
from tests.test_transitie import CONTROLS, overview_app  # noqa: F401 — the Haarlem deliveries as a fixture

RANKED = [f"BU039230{i:02d}" for i in range(11, 0, -1)]  # best first; BU03923000 has 400 inhabitants
OURS = {"code": {"filterType": "text", "type": "startsWith", "filter": "bu039230"}}  # only the planted buurten


def _context(inwoners_of_first: int = 1700) -> str:
    rows = ["gebied;indicator;periode;teller;noemer;waarde;bron"]
    for code in CONTROLS:
        i = int(code[-2:])
        people = 400 if i == 0 else (inwoners_of_first if i == 11 else 600 + 100 * i)
        rows += [f"{code};inwoners;2024;;;{people};CBS Kerncijfers test",
                 f"{code};pct_65plus;2024;;;{10 + i};CBS Kerncijfers test",
                 f"{code};afstand_huisarts;2024;;;{1 + 0.1 * i:.1f};CBS Kerncijfers test",
                 f"{code};eenzaam_65plus;2024;;;{30 + i};RIVM test",
                 f"{code};ervaren_gezondheid_goed_18plus;2024;;;{80 - i};RIVM test"]
    return "\n".join(rows) + "\n"


@pytest.fixture
def candidates_app(overview_app, tmp_path):  # noqa: F811
    engine = overview_app.server.extensions["engine"]
    report = import_file(engine, "levering", write_csv(tmp_path / "context.csv", _context()))
    assert report.ok, report.summary()
    assert refresh(engine)
    return overview_app


def _weights() -> list[dict]:
    return [{"id": ids.transitie_weight(c.code), "property": "value", "value": c.weight}
            for c in transitie.CASE_COMPONENTS]


def _block(client, request: dict, level: str = "buurt") -> dict:  # noqa: ANN001
    response = dash_post(client, f"{ids.TRANSITIE_CAND_GRID}.getRowsResponse",
                         [{"id": ids.TRANSITIE_CAND_GRID, "property": "getRowsRequest", "value": request}],
                         [{"id": ids.TRANSITIE_CAND_LEVEL, "property": "value", "value": level}, _weights()])
    return response.get_json()["response"][ids.TRANSITIE_CAND_GRID]["getRowsResponse"]


def test_candidate_grid_sends_one_block_filtered_and_sorted_by_the_server(candidates_app):
    client = candidates_app.server.test_client()
    login(client, "transitie@demo.nl")
    block = _block(client, {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": OURS})
    assert [r["code"] for r in block["rowData"]] == RANKED and block["rowCount"] == 11
    best = block["rowData"][0]
    assert (best["rank"], best["inwoners_nl"], best["criteria_ok"]) == (1, "1.700", 0)
    # only the grid's own fields travel (no z-scores, no weight shares)
    assert set(best) - {c["field"] for c in _columns()} - {f"{c['field']}_nl" for c in _columns()} == set()
    # the second block continues the ranking
    block = _block(client, {"startRow": 5, "endRow": 10, "filterModel": OURS})
    assert [r["code"] for r in block["rowData"]] == RANKED[5:10]
    # a number filter and a sort on another column: 1,000 inhabitants or more, fewest first
    block = _block(client, {"startRow": 0, "endRow": 100, "sortModel": [{"colId": "inwoners", "sort": "asc"}],
                            "filterModel": {**OURS, "inwoners": {"filterType": "number", "type": "greaterThanOrEqual",
                                                                 "filter": 1000}}})
    assert [r["code"] for r in block["rowData"]] == [f"BU039230{i:02d}" for i in range(4, 12)]


def _columns() -> list[dict]:
    from callbacks.transitie import candidate_columns

    return candidate_columns("buurt")


def test_a_saved_checklist_shows_in_the_next_block(candidates_app):
    engine = candidates_app.server.extensions["engine"]
    with engine.begin() as conn:
        transitie.save_checklist(conn, "BU03923011", ["burgers", "keten"], "", 0, "transitie@demo.nl")
    client = candidates_app.server.test_client()
    login(client, "transitie@demo.nl")
    block = _block(client, {"startRow": 0, "endRow": 1, "filterModel": OURS})
    assert [(r["code"], r["criteria_ok"]) for r in block["rowData"]] == [("BU03923011", 2)]


def test_stored_candidate_table_is_the_computed_one_and_follows_a_context_delivery(candidates_app, tmp_path):
    engine = candidates_app.server.extensions["engine"]
    with engine.connect() as conn:
        stored = transitie.stored_candidate_table(conn, "buurt")
        pd.testing.assert_frame_equal(stored, transitie.candidate_table(conn, "buurt"))
        assert set(store.read_many(conn, transitie.CANDIDATES_KIND)) == {"buurt", "wijk"}
    before = store.COMPUTED.get(transitie.CANDIDATES_KIND, 0)
    # an outcome delivery leaves the candidates' figures alone: the refresh keeps the stored table
    outcome = "gebied;indicator;periode;teller;noemer;waarde;bron\nBU03920105;wvpk_uren_per_client;2026-B5;9000;90;;" \
              "Verzekeraar A\n"
    assert import_file(engine, "levering", write_csv(tmp_path / "uitkomst.csv", outcome)).ok
    assert refresh(engine)
    assert store.COMPUTED.get(transitie.CANDIDATES_KIND, 0) == before
    # a context delivery changes them: the refresh stores both levels anew and the grid shows the new figure
    assert import_file(engine, "levering", write_csv(tmp_path / "context2.csv", _context(2300))).ok
    assert refresh(engine)
    assert store.COMPUTED.get(transitie.CANDIDATES_KIND, 0) == before + 1
    client = candidates_app.server.test_client()
    login(client, "transitie@demo.nl")
    block = _block(client, {"startRow": 0, "endRow": 1, "filterModel": {
        "code": {"filterType": "text", "type": "equals", "filter": "BU03923011"}}})
    assert block["rowData"][0]["inwoners_nl"] == "2.300"


def test_candidate_blocks_are_denied_to_a_buurtnetwerk(candidates_app):
    client = candidates_app.server.test_client()
    login(client, "vijfhoek@demo.nl")
    assert _block(client, {"startRow": 0, "endRow": 100}) == {"rowData": [], "rowCount": 0}


# ---------------------------------------------------------------- the same rules on rows and on a DataFrame

ROWS = pd.DataFrame({
    "name": ["Beek", "aa", None, "Zuid", "beek-west", "", "Oost"],
    "gemeente": ["Haarlem", "Delft", "Delft", None, "Haarlem", "Delft", "Zwolle"],
    "inwoners": [1200.0, np.nan, 800.0, 500.0, 1200.0, 3000.0, 650.0],
})
MODELS = [
    {"name": {"filterType": "text", "type": "contains", "filter": "BEEK"}},
    {"name": {"filterType": "text", "type": "notContains", "filter": "ee"}},
    {"name": {"filterType": "text", "type": "equals", "filter": "zuid"}},
    {"name": {"filterType": "text", "type": "notEqual", "filter": "zuid"}},
    {"name": {"filterType": "text", "type": "startsWith", "filter": "b"}},
    {"name": {"filterType": "text", "type": "endsWith", "filter": "t"}},
    {"name": {"filterType": "text", "type": "blank"}},
    {"gemeente": {"filterType": "text", "type": "notBlank"}},
    {"inwoners": {"filterType": "number", "type": "greaterThan", "filter": 700}},
    {"inwoners": {"filterType": "number", "type": "notEqual", "filter": 1200}},
    {"inwoners": {"filterType": "number", "type": "inRange", "filter": 600, "filterTo": 1200}},
    {"inwoners": {"filterType": "number", "type": "lessThanOrEqual", "filter": "veel"}},
    {"inwoners": {"filterType": "number", "operator": "OR", "conditions": [
        {"filterType": "number", "type": "lessThan", "filter": 600},
        {"filterType": "number", "type": "greaterThanOrEqual", "filter": 3000}]}},
    {"name": {"filterType": "text", "operator": "AND", "conditions": [
        {"filterType": "text", "type": "contains", "filter": "e"}, {"filterType": "text", "type": "notContains",
                                                                    "filter": "w"}]}},
    {"onbekend": {"filterType": "text", "type": "contains", "filter": "x"}},
]
SORTS = [[], [{"colId": "name", "sort": "asc"}], [{"colId": "name", "sort": "desc"}],
         [{"colId": "inwoners", "sort": "desc"}, {"colId": "name", "sort": "asc"}],
         [{"colId": "gemeente", "sort": "asc"}, {"colId": "inwoners", "sort": "asc"}]]


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("sort", SORTS)
def test_frame_paging_keeps_the_rules_of_row_paging(model, sort):
    """The candidate grid (pandas) filters and sorts exactly as the programme grid (rows) does."""
    allowed = set(ROWS.columns)
    rows = [{k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in r.items()}
            for r in ROWS.to_dict("records")]
    request = {"startRow": 1, "endRow": 5, "filterModel": model, "sortModel": sort}
    expected = grid_paging.page(rows, request, allowed)
    block, count = grid_paging.frame_page(ROWS, request, allowed)
    assert (list(block.index), count) == ([rows.index(r) for r in expected["rowData"]], expected["rowCount"])


# ---------------------------------------------------------------- in the browser

def test_selecting_a_candidate_and_saving_its_checklist_updates_its_row(dash_duo, candidates_app):
    start_browser_app(dash_duo, candidates_app)
    browser_login(dash_duo, "transitie@demo.nl")
    dash_duo.driver.get(dash_duo.server_url + "/transitie")
    row = ".ag-row[row-id='BU03923011']"
    # the section is drawn when opened
    assert dash_duo.driver.find_elements(By.ID, ids.TRANSITIE_CAND_GRID) == []
    summary = dash_duo.wait_for_element(f"#{ids.TRANSITIE_CAND_SUMMARY}", timeout=20)
    dash_duo.driver.execute_script("arguments[0].click()", summary)
    dash_duo.wait_for_element(f"#{ids.TRANSITIE_CAND_GRID} .ag-row", timeout=20)
    # the grid's own filter, applied on the server: only the planted buurten, the best first
    dash_duo.driver.execute_script("dash_ag_grid.getApi(arguments[0]).setFilterModel(arguments[1])",
                                   ids.TRANSITIE_CAND_GRID, OURS)
    cell = dash_duo.wait_for_element(f"#{ids.TRANSITIE_CAND_GRID} {row} .ag-cell[col-id='name']", timeout=20)
    dash_duo.driver.execute_script("arguments[0].click()", cell)  # a click on the row selects it
    dash_duo.wait_for_contains_text(f"#{ids.TRANSITIE_CHECK_TITLE}", "BU03923011", timeout=10)
    for label in ("Betrokken burgers", "Goede samenwerking in de zorgketen"):
        box = dash_duo.driver.find_element(By.XPATH, f"//*[@id='{ids.TRANSITIE_CHECK_LIST}']//label[.='{label}']")
        dash_duo.driver.execute_script("arguments[0].click()", box)
    save = dash_duo.find_element(f"#{ids.TRANSITIE_CHECK_SAVE}")
    dash_duo.driver.execute_script("arguments[0].click()", save)
    dash_duo.wait_for_contains_text(f"#{ids.TRANSITIE_CHECK_RESULT}", "Opgeslagen als versie 1", timeout=10)
    ticked = "const n = dash_ag_grid.getApi(arguments[0]).getRowNode('BU03923011'); return n && n.data.criteria_ok;"
    until(lambda: dash_duo.driver.execute_script(ticked, ids.TRANSITIE_CAND_GRID) == 2, timeout=10)
    # the row is still selected after the grid reloaded its blocks
    selected = dash_duo.driver.execute_script(
        "return dash_ag_grid.getApi(arguments[0]).getSelectedRows().map(r => r.code)", ids.TRANSITIE_CAND_GRID)
    assert selected == ["BU03923011"]
    assert json.dumps([e for e in dash_duo.get_logs() or [] if e.get("level") == "SEVERE"]) == "[]"


def test_partner_table_counts_the_buurten_of_each_partner_and_cohort(overview_app):  # noqa: F811
    from tests.test_transitie import OVERVIEW_INPUTS, OVERVIEW_OUTPUTS, _callback

    client = overview_app.server.test_client()
    login(client, "transitie@demo.nl")
    body = _callback(client, OVERVIEW_OUTPUTS, OVERVIEW_INPUTS).get_json()["response"]
    table = body["transitie-partners"]["children"]["props"]["children"]  # one dcc.Markdown (layouts.html_table)
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1])
    shown = [tuple(re.findall(r"<td[^>]*>(.*?)</td>", row)[:3]) for row in rows]
    with overview_app.server.extensions["engine"].connect() as conn:
        frame = transitie.programme_overview(conn)
    expected = frame.groupby(["alliance_partner", "cohort"]).size()
    assert shown == [(p, str(c), str(n)) for (p, c), n in expected.items()]
