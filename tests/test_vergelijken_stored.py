"""/vergelijken reads the newest values of all programme buurten from the results tables (issues 11 and 15): the
same values as one buurt's own, computed once per change of the store and scope, ahead for the opening view."""

from __future__ import annotations

import pandas as pd

from dashboard import ids
from data_access import compare, definitions, queries, results
from data_access.access import Viewer
from data_access.published import visible_observations
from data_access.results import first_view, store
from tests.conftest import dash_post
from tests.test_first_view import _deliver, delivered  # noqa: F401 — the fixture
from tests.test_pages_beeld import haarlem  # noqa: F401 — the fixture

TEAM = Viewer(role="transitieteam")
WVPK = "wvpk_uren_per_client"
FUNNEL = (f"..{ids.VERGELIJK_FUNNEL}.figure...{ids.VERGELIJK_FUNNEL_NOTE}.children..",
          [{"id": ids.VERGELIJK_FUNNEL_INDICATOR, "property": "value", "value": WVPK},
           {"id": ids.VERGELIJK_AREAS, "property": "value", "value": ["de-vijfhoek"]}])
SCATTER = (f"{ids.VERGELIJK_SCATTER}.figure",
           [{"id": ids.VERGELIJK_X, "property": "value", "value": "pct_65plus"},
            {"id": ids.VERGELIJK_Y, "property": "value", "value": WVPK},
            {"id": ids.VERGELIJK_AREAS, "property": "value", "value": ["de-vijfhoek"]}])


def _computed(client, *views) -> dict[str, int]:  # noqa: ANN001
    before = dict(store.COMPUTED)
    for view in views:
        assert dash_post(client, *view).status_code == 200
    return {kind: n - before.get(kind, 0) for kind, n in store.COMPUTED.items() if n != before.get(kind, 0)}


def test_the_stored_values_are_each_buurts_own_newest_values(delivered):  # noqa: F811
    engine, _client = delivered
    with engine.connect() as conn:
        catalogue = queries.indicators(conn)
        stored = compare.stored_programme_latest(conn, TEAM, WVPK, catalogue).set_index("area")
        for code in stored.index:
            own = definitions.latest_as_of(visible_observations(conn, TEAM, queries.find_area(conn, code), [WVPK],
                                                                catalogue=catalogue), keep_unvalued=True).iloc[0]
            row = stored.loc[code]
            assert (row["period"], row["note"]) == (own["period"], own["note"])
            for col in ("value", "ci_low", "ci_high", "numerator", "denominator"):
                assert (pd.isna(row[col]) and pd.isna(own[col])) or row[col] == own[col], (code, col)
    assert stored.at["de-vijfhoek", "value"] > 0 and stored.at["de-vijfhoek", "ci_low"] < stored.at[
        "de-vijfhoek", "value"] < stored.at["de-vijfhoek", "ci_high"]


def test_the_first_view_after_a_refresh_computes_nothing_and_a_second_worker_neither(delivered):  # noqa: F811
    engine, client = delivered
    with engine.connect() as conn:
        assert set(store.read_many(conn, compare.STORED_KIND)) == {f"intern|{c}" for c in compare.DEFAULT_INDICATORS}
    assert _computed(client, FUNNEL, SCATTER) == {}
    store._PARSED.clear()  # another process: reads and parses the stored rows, computes nothing
    assert _computed(client, FUNNEL, SCATTER) == {}


def test_a_delivery_recomputes_the_stored_values_of_its_indicator_only(delivered, tmp_path):  # noqa: F811
    engine, _client = delivered
    with engine.connect() as conn:
        before = store.state(conn)["store_version"]
        old = compare.stored_programme_latest(conn, TEAM, WVPK).set_index("area")
    _deliver(engine, tmp_path)  # De Vijfhoek's member BU03920105 and BU03920101, wvpk, 2026-B1
    with engine.connect() as conn:
        changes = first_view.changes_since(conn, before, store.store_version(conn))
        dropped = first_view.affected_keys(conn, [compare.STORED_KIND], changes)[compare.STORED_KIND]
    assert dropped == {f"intern|{WVPK}"}
    computed = store.COMPUTED.get(compare.STORED_KIND, 0)
    assert results.refresh(engine)
    with engine.connect() as conn:
        stored = compare.stored_programme_latest(conn, TEAM, WVPK).set_index("area")
        whole = compare.programme_latest(conn, TEAM, WVPK).set_index("area")
    # only the buurten of the delivered areas were recomputed, into the stored table; it equals a whole computation
    assert store.COMPUTED.get(compare.STORED_KIND, 0) == computed
    assert (stored.at["de-vijfhoek", "period"], stored.at["de-vijfhoek", "value"]) == ("2026-B1", 125.0)
    assert old.at["de-vijfhoek", "period"] != "2026-B1"
    pd.testing.assert_frame_equal(stored.sort_index()[whole.columns], whole.sort_index(), check_dtype=False)


def test_each_scope_reads_its_own_copy(delivered):  # noqa: F811
    engine, _client = delivered
    supplier = Viewer(role="leverancier", supplier_source="Verzekeraar B")
    with engine.connect() as conn:
        team = compare.stored_programme_latest(conn, TEAM, WVPK)
        own = compare.stored_programme_latest(conn, supplier, WVPK)
        public = compare.stored_programme_latest(conn, Viewer(), WVPK)
        keys = set(store.read_many(conn, compare.STORED_KIND))
    assert {f"bron:Verzekeraar B|{WVPK}", f"openbaar|{WVPK}"} <= keys
    assert team["value"].notna().sum() > 0
    assert own["value"].notna().sum() == 0  # Verzekeraar B delivered no hours of wijkverpleging
    assert public["value"].notna().sum() == 0  # not public


def test_the_area_picker_finds_programme_buurten_by_typing(haarlem, delivered):  # noqa: F811
    _engine, client = delivered
    output = next(k for k in haarlem.callback_map if k.startswith(f"{ids.VERGELIJK_AREAS}.options@"))
    response = dash_post(client, output, [
        {"id": ids.VERGELIJK_AREAS, "property": "search_value", "value": "vijfh"}],
        [{"id": ids.VERGELIJK_AREAS, "property": "value", "value": ["BU03920101"]}])
    options = response.get_json()["response"][ids.VERGELIJK_AREAS]["options"]
    assert [o["value"] for o in options][:2] == ["BU03920101", "de-vijfhoek"]
    assert options[1]["label"] == "De Vijfhoek (programmabuurt)"
