"""The first view after a refresh computes nothing: the refresh computes ahead what pages open with, and keeps the
results a change cannot affect (a delivery never touches the buurtbeeld profile, which rests on public context).
"""

from __future__ import annotations

import pytest

from dashboard import ids
from data_access import queries, results
from data_access.importers import import_file
from data_access.results import first_view, store
from tests.conftest import dash_post, login, write_csv
from tests.test_pages_beeld import haarlem  # noqa: F401 — the fixture
from tests.test_pages_uitkomsten import _delivery, _with_detractors


def _inp(id_: str, prop: str, value) -> dict:  # noqa: ANN001
    return {"id": id_, "property": prop, "value": value}


SPINE = (f"..{ids.BUURT_BEELD_SPINE}.children...{ids.BUURT_BEELD_WORDS}.children..",
         [_inp(ids.BUURT_AREA, "data", {"kind": "buurt", "code": "de-vijfhoek"})], [])
FIRST_VIEWS = {
    "best practices": (f"{ids.BEST_PROPOSALS}.children", [_inp(ids.BEST_INDICATOR, "value", "wvpk_uren_per_client")],
                       []),
    "menukaart": (f"{ids.MENU_COMPARISON}.children", [_inp(ids.MENU_INDICATOR, "value", "wvpk_uren_per_client")],
                  []),
    "transitie": (f"..{ids.TRANSITIE_STATUS}.children...{ids.TRANSITIE_CONTENT}.style..."
                  f"{ids.TRANSITIE_MAP}.figure...{ids.TRANSITIE_FILTER_COHORT}.options..."
                  f"{ids.TRANSITIE_FILTER_PARTNER}.options...{ids.TRANSITIE_PARTNERS}.children..",
                  [_inp(ids.URL, "pathname", "/transitie"), _inp(ids.TRANSITIE_FILTER_COHORT, "value", None),
                   _inp(ids.TRANSITIE_FILTER_PARTNER, "value", None)], []),
    "transitie grid": (f"{ids.TRANSITIE_GRID}.getRowsResponse",
                       [_inp(ids.TRANSITIE_GRID, "getRowsRequest",
                             {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}})],
                       [_inp(ids.TRANSITIE_FILTER_COHORT, "value", None),
                        _inp(ids.TRANSITIE_FILTER_PARTNER, "value", None)]),
    "transitie candidates": (f"{ids.TRANSITIE_CAND_INFO}.children",
                             [_inp(ids.TRANSITIE_CAND_LEVEL, "value", "buurt"), []], []),
    "transitie candidate block": (f"{ids.TRANSITIE_CAND_GRID}.getRowsResponse",
                                  [_inp(ids.TRANSITIE_CAND_GRID, "getRowsRequest", {"startRow": 0, "endRow": 100})],
                                  [_inp(ids.TRANSITIE_CAND_LEVEL, "value", "wijk"), []]),
    "buurtbeeld": SPINE,
    "buurtbeeld head": (f"..{ids.BUURT_BEELD_TITLE}.children...{ids.BUURT_BEELD_HEADLINES}.children..."
                        f"{ids.BUURT_BEELD_TRENDS}.children..", SPINE[1], []),
}
NEW_DELIVERY = ("gebied;indicator;periode;teller;noemer;waarde;bron\n"
                "BU03920105;wvpk_uren_per_client;2026-B1;5000;40;;Verzekeraar A\n"
                "BU03920101;wvpk_uren_per_client;2026-B1;5200;43;;Verzekeraar A\n")


@pytest.fixture
def delivered(haarlem, tmp_path):  # noqa: F811
    """Haarlem's context figures and outcome deliveries, refreshed as after an upload, and a client of the team."""
    engine = haarlem.server.extensions["engine"]
    report = import_file(engine, "levering", write_csv(tmp_path / "levering.csv", _with_detractors(_delivery())))
    assert report.ok, report.summary()
    assert results.refresh(engine)
    client = haarlem.server.test_client()
    login(client, "transitie@demo.nl")
    return engine, client


def _computed_by(client, views: list[str]) -> dict[str, int]:  # noqa: ANN001
    before = dict(store.COMPUTED)
    for name in views:
        output, inputs, state = FIRST_VIEWS[name]
        changed = [f"{i['id']}.{i['property']}" for i in inputs if isinstance(i, dict)]  # not the weights (ALL)
        assert dash_post(client, output, inputs, state, changed=changed).status_code == 200
    return {kind: n - before.get(kind, 0) for kind, n in store.COMPUTED.items() if n != before.get(kind, 0)}


def _deliver(engine, tmp_path, text: str = NEW_DELIVERY) -> None:  # noqa: ANN001
    assert import_file(engine, "levering", write_csv(tmp_path / "nieuw.csv", text)).ok


def test_the_first_view_after_a_refresh_computes_nothing(delivered):
    _engine, client = delivered
    assert _computed_by(client, ["best practices", "menukaart", "transitie", "transitie grid", "transitie candidates",
                                 "transitie candidate block"]) == {}


def test_after_a_delivery_the_first_views_compute_nothing_and_keep_the_buurtbeeld_profile(delivered, tmp_path):
    engine, client = delivered
    assert _computed_by(client, ["buurtbeeld", "buurtbeeld head"]) == {}  # the refresh built every buurtbeeld
    _deliver(engine, tmp_path)
    before = dict(store.COMPUTED)
    assert results.refresh(engine)  # as after an upload: a full refresh
    assert {kind: store.COMPUTED.get(kind, 0) - before.get(kind, 0) for kind in ("context_profile", "beeld_head")} \
        == {"context_profile": 0, "beeld_head": 0}  # kept: a delivery does not touch the buurtbeeld
    assert _computed_by(client, list(FIRST_VIEWS)) == {}


def test_a_partial_refresh_after_a_delivery_keeps_the_context_profile_rows(delivered, tmp_path):
    engine, _client = delivered
    with engine.connect() as conn:
        pid = queries.find_area(conn, "de-vijfhoek").programme_id
        kept = store.read_many(conn, "context_profile")
    assert len(kept) == 20 and "de-vijfhoek|20" in kept
    _deliver(engine, tmp_path)
    assert results.refresh(engine, only_programme_ids=[pid], steps=frozenset({"kpi"}))
    with engine.connect() as conn:
        assert store.read_many(conn, "context_profile") == kept


def test_a_delivery_drops_the_results_of_its_indicators_and_keeps_the_others(delivered, tmp_path):
    engine, client = delivered
    other = (f"{ids.BEST_PROPOSALS}.children", [_inp(ids.BEST_INDICATOR, "value", "ha_consulten_per_patient")], [])
    assert dash_post(client, *other).status_code == 200  # stored on its first view
    with engine.connect() as conn:
        before = store.state(conn)["store_version"]
    _deliver(engine, tmp_path)
    with engine.connect() as conn:
        changes = first_view.changes_since(conn, before, store.store_version(conn))
        dropped = first_view.affected_keys(conn, ["proposals"], changes)["proposals"]
    assert dropped == {"intern|wvpk_uren_per_client"}


def test_a_context_delivery_drops_every_buurtbeeld_profile(delivered, tmp_path):
    engine, _client = delivered
    def inwoners() -> tuple[str, float]:
        with engine.connect() as conn:
            profile = store.read_many(conn, "context_profile")["de-vijfhoek|20"]["profile"]
        at = profile["indicator"].index("inwoners")
        return profile["period"][at], profile["value"][at]

    assert inwoners() == ("2024", 3500)
    _deliver(engine, tmp_path, "gebied;indicator;periode;teller;noemer;waarde;bron\n"
                               "BU03920105;inwoners;2025;;;1234;CBS Kerncijfers test\n")
    with engine.connect() as conn:
        changes = first_view.changes_since(conn, store.state(conn)["store_version"], store.store_version(conn))
        dropped = first_view.affected_keys(conn, ["context_profile", "beeld_head"], changes)
    assert dropped == {"context_profile": None, "beeld_head": None}  # every buurtbeeld
    assert results.refresh(engine)  # and builds them again
    assert inwoners() == ("2025", 1234)


def test_a_partial_refresh_keeps_the_programme_positions_of_a_corrected_period_up_to_date(delivered, tmp_path):
    import json

    from data_access import outcome_compare

    engine, _client = delivered
    with engine.connect() as conn:
        pid = queries.find_area(conn, "de-vijfhoek").programme_id
        stored = store.read_many(conn, "positions")
    assert "intern|2025-B5|" in stored  # the default review's period, ranked by the full refresh
    _deliver(engine, tmp_path, "gebied;indicator;periode;teller;noemer;waarde;bron\n"
                               "BU03920105;wvpk_uren_per_client;2025-B5;9999;40;;Verzekeraar A\n")
    before = dict(store.COMPUTED)
    assert results.refresh(engine, only_programme_ids=[pid], steps=frozenset({"kpi"}))
    with engine.connect() as conn:
        after = store.read_many(conn, "positions")
        full = json.loads(store.dumps(outcome_compare.position_rows("intern", "2025-B5", outcome_compare.position_table(
            conn, "intern", "2025-B5", queries.indicators(conn)))))
    # no period's table is ranked again: the corrected period's rows are what ranking it again gives (tests/
    # test_refresh_partial.py shows the corrected indicator's entries re-ranked where there are enough buurten)
    assert store.COMPUTED.get("positions", 0) == before.get("positions", 0)
    assert set(after) == set(stored)
    assert {k: v for k, v in after.items() if k.startswith("intern|2025-B5|")} == full
