"""The refresh after one buurt's delivery: only what depends on that buurt is recomputed, and what it stores
equals what a full refresh stores for the same data.

The store holds the uitkomsten test delivery (De Vijfhoek and nine other Haarlem buurten, through the real
`levering` import), refreshed as after an upload; then one buurt delivers again.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from data_access import kpi_service, queries, results
from data_access.importers import import_file
from data_access.models import DerivedResult
from data_access.results import first_view, store
from data_access.results.refresh import delivery_scope
from tests.conftest import write_csv
from tests.test_read_model import stored  # noqa: F401 — the fixture

# the kinds a delivery recomputes (KPI rows, programme KPI, learning networks), those it brings up to date for the
# delivering buurt only (proposals, menukaart comparison, programme positions) and what a partial refresh keeps
KINDS = ["kpi_buurt_matched", "kpi_programme_matched", "kpi_overview_matched", "learning", "learning_ranked",
         "peer_table", "comparison_group", "proposals", "menukaart_changes", "positions", "transitie_rows",
         "transitie_grid_data"]
PATCHES = {"proposals_patch", "menukaart_changes_patch", "positions_patch"}
ROW_PATCHES = {"transitie_rows_patch", "transitie_grid_data_patch"}  # a buurt's row: for any delivery
HEADER = "gebied;indicator;periode;teller;noemer;waarde;bron\n"
# De Vijfhoek (BU03920105) delivers two outcomes that are KPI and learning outcomes alike: a period nobody
# delivered yet (every KPI series gets a column: all indicators are computed), or a correction of a known period
# (only the delivered indicators are computed)
NEW_PERIOD = (HEADER + "BU03920105;wvpk_uren_per_client;2025-B6;5200;43;;Verzekeraar A\n"
              "BU03920105;ha_consulten_per_patient;2025-B6;1700;400;;Verzekeraar A\n")
CORRECTION = HEADER + "BU03920105;wvpk_uren_per_client;2025-B5;5900;44;;Verzekeraar A\n"


def _stored_rows(engine) -> dict[str, dict[str, object]]:  # noqa: ANN001
    with engine.connect() as conn:
        rows = conn.execute(select(DerivedResult.kind, DerivedResult.key, DerivedResult.payload)
                            .where(DerivedResult.kind.in_(KINDS))).all()
    out: dict[str, dict[str, object]] = {kind: {} for kind in KINDS}
    for kind, key, payload in rows:
        out[kind][key] = json.loads(payload)
    return out


def _deliver(engine, tmp_path, text: str, name: str = "levering.csv") -> None:  # noqa: ANN001
    report = import_file(engine, "levering", write_csv(tmp_path / name, text))
    assert report.ok, report.summary()


def _scope(engine) -> tuple[list[int], frozenset[str]] | None:  # noqa: ANN001
    with engine.connect() as conn:
        previous, current = store.state(conn)["store_version"], store.store_version(conn)
        return delivery_scope(conn, first_view.changes_since(conn, previous, current), previous, current)


@pytest.mark.parametrize(("delivery", "only_delivered"), [(NEW_PERIOD, False), (CORRECTION, True)])
def test_the_refresh_after_one_buurts_delivery_stores_what_a_full_refresh_stores(stored, tmp_path, monkeypatch,  # noqa: F811
                                                                                 delivery, only_delivered):
    taken = []
    delivered_rows = kpi_service.delivered_rows
    monkeypatch.setattr(kpi_service, "delivered_rows", lambda *a: taken.append(delivered_rows(*a)) or taken[-1])
    _deliver(stored, tmp_path, delivery)
    with stored.connect() as conn:
        pid = queries.find_area(conn, "de-vijfhoek").programme_id
    assert _scope(stored) == ([pid], frozenset({"kpi", "learning"}))
    before = dict(store.COMPUTED)
    assert results.refresh(stored) is True  # as after an upload
    computed = {k for k, v in store.COMPUTED.items() if before.get(k) != v}
    assert not computed & {"peer_table", "comparison_groups"}  # the partial refresh of De Vijfhoek
    assert [rows is not None for rows in taken] == [only_delivered]
    # a correction is put into the stored rows for De Vijfhoek alone; a new period gives every buurt a row: all
    assert (computed & PATCHES == PATCHES) is only_delivered
    assert computed & ROW_PATCHES == ROW_PATCHES and not computed & {"transitie_rows", "transitie_grid_data"}
    # the correction of wvpk after the nulmeting leaves the other outcomes' networks' inputs as they were
    assert ("learning_kept" in computed) is only_delivered
    partial = _stored_rows(stored)
    assert all(partial[kind] for kind in KINDS)
    assert results.refresh(stored) is True  # nothing changed since: a full refresh recomputes everything
    assert store.COMPUTED["peer_table"] == before.get("peer_table", 0) + 1
    assert partial == _stored_rows(stored)


def test_a_new_source_in_one_buurt_is_named_in_every_buurts_kpi_rows(stored, tmp_path):  # noqa: F811
    # a second insurer for De Vijfhoek: every KPI row names every source of its indicator, as a full refresh does
    _deliver(stored, tmp_path, HEADER + "BU03920105;wvpk_uren_per_client;2025-B5;900;8;;Verzekeraar B\n")
    assert results.refresh(stored) is True
    partial = _stored_rows(stored)
    assert partial["kpi_buurt_matched"]["kleverpark-zuid"]["used_sources"]["wvpk_uren_per_client"] == [
        "Verzekeraar A", "Verzekeraar A; Verzekeraar B"]
    assert results.refresh(stored) is True
    assert partial == _stored_rows(stored)


def test_a_delivery_outside_the_programme_or_of_context_runs_the_full_refresh(stored, tmp_path):  # noqa: F811
    # BU03920100 is a comparison buurt, not a member: other buurten's KPI rests on it
    _deliver(stored, tmp_path, HEADER + "BU03920100;wvpk_uren_per_client;2025-B6;5200;43;;Verzekeraar A\n")
    assert _scope(stored) is None
    assert results.refresh(stored) is True
    _deliver(stored, tmp_path, HEADER + "BU03920105;inwoners;2025;;;1234;CBS Kerncijfers test\n", "context.csv")
    assert _scope(stored) is None


def test_a_delivery_of_an_indicator_without_kpi_or_partners_recomputes_neither(stored, tmp_path):  # noqa: F811
    _deliver(stored, tmp_path, HEADER + "de-vijfhoek;lb_sessies;2025-B6;;;2;Buurtnetwerk\n")
    with stored.connect() as conn:
        pid = queries.find_area(conn, "de-vijfhoek").programme_id
    assert _scope(stored) == ([pid], frozenset())
    before = dict(store.COMPUTED)
    assert results.refresh(stored) is True
    assert not {k for k, v in store.COMPUTED.items() if before.get(k) != v} & {"kpi", "learning", "peer_table"}
