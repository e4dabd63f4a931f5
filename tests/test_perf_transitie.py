"""Results the first view needs are stored by the refresh; the transitie grid's rows are stored once per day."""

from __future__ import annotations

from data_access import outcome_compare
from data_access.results import refresh, store
from tests.conftest import dash_post, login
from tests.test_transitie import overview_app  # noqa: F401 — the Haarlem deliveries as a fixture


def test_full_refresh_stores_the_programme_positions_of_the_default_review(overview_app):  # noqa: F811
    engine = overview_app.server.extensions["engine"]
    assert refresh(engine)
    with engine.connect() as conn:
        wanted = {f"intern|{p}" for p in outcome_compare.default_position_periods(conn)}
        stored = outcome_compare.ranked_periods(store.read_many(conn, "positions"))
    assert wanted and wanted <= stored


def test_transitie_grid_rows_are_stored_by_the_refresh_and_read_by_the_grid(app):
    from dashboard import ids

    engine = app.server.extensions["engine"]
    assert refresh(engine)
    with engine.connect() as conn:
        stored = list(store.read_many(conn, "transitie_grid_data").values())
    client = app.server.test_client()
    login(client, "transitie@demo.nl")
    request = {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}
    before = dict(store.COMPUTED)
    response = dash_post(client, f"{ids.TRANSITIE_GRID}.getRowsResponse",
                         [{"id": ids.TRANSITIE_GRID, "property": "getRowsRequest", "value": request}],
                         [{"id": ids.TRANSITIE_FILTER_COHORT, "property": "value", "value": None},
                          {"id": ids.TRANSITIE_FILTER_PARTNER, "property": "value", "value": None}])
    block = response.get_json()["response"][ids.TRANSITIE_GRID]["getRowsResponse"]
    assert [len(p["index"]) for p in stored] == [block["rowCount"]]
    assert store.COMPUTED == before
