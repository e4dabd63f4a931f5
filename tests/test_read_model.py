"""One definition per concept, and the read model: results computed once per change of the store, kept in the
database, read by every page and worker.

The store holds the uitkomsten test delivery (De Vijfhoek and nine other Haarlem buurten, through the real
`levering` import); the refresh runs as it does after an import.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from data_access import best_practices, definitions, kpi_service, outcome_compare, queries, results, transitie
from data_access.access import Viewer
from data_access.context import page_context
from data_access.importers import import_file
from data_access.models import DerivedResult, ProgrammeBuurt, ReviewSession
from data_access.published import visible_observations
from data_access.results import store
from data_access.results.lock import RefreshLock
from data_access.services.buurt_overview import buurt_overview
from data_access.services.uitkomsten_view import indicator_summary, uitkomsten_view
from layouts.formatting import time_nl
from tests.conftest import write_csv
from tests.test_pages_beeld import GEBIEDEN
from tests.test_pages_uitkomsten import BUURTEN, PERIODS, _delivery, _with_detractors

TEAM = Viewer(role="transitieteam")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def stored(engine, tmp_path):
    """The uitkomsten delivery imported and the results refreshed, as after an upload."""
    from data_access.seed import sync_programme

    with engine.begin() as conn:
        sync_programme(conn)
    for kind, name, text in (("gebieden", "gebieden.csv", GEBIEDEN),
                             ("levering", "levering.csv", _with_detractors(_delivery()))):
        report = import_file(engine, kind, write_csv(tmp_path / name, text))
        assert report.ok, report.summary()
    assert results.refresh(engine) is True
    return engine


# ---------------------------------------------------------------- pure definitions


def test_the_nulmeting_of_many_buurten_at_once_is_the_one_rule_per_buurt():
    import numpy as np

    period_list = [f"{y}-B{b}" for y in (2023, 2024, 2025) for b in range(1, 7)]
    rng = np.random.default_rng(3)
    delivered = rng.random((200, len(period_list))) < 0.3
    starts = [None if i % 17 == 0 else dt.date(2023, 1, 1) + dt.timedelta(days=int(d))
              for i, d in enumerate(rng.integers(0, 1100, 200))]
    columns = definitions.nulmeting_columns(delivered, period_list, starts)
    expected = [period_list.index(found.period) if (found := definitions.nulmeting(
        [period_list[k] for k in np.flatnonzero(row)], start)).period else -1 for row, start in zip(
        delivered, starts, strict=True)]
    assert columns.tolist() == expected
    assert -1 in expected and len(set(expected)) > 5  # buurten without values and many different nulmetingen


def test_default_review_is_the_last_delivered_period_on_layout_and_callback():
    from layouts.buurt import review_options

    today = dt.date(2026, 11, 23)
    assert definitions.default_review(today) == "2026-B5"
    assert review_options(today)[0]["value"] == "2026-B5"
    assert definitions.review_or_default(None, today) == "2026-B5"
    assert definitions.review_or_default("2025-B2", today) == "2025-B2"


def test_nulmeting_is_the_last_complete_period_before_the_start_else_the_first_delivery():
    delivered = ["2024-B1", "2024-B2", "2024-B3", "2024-B4"]
    assert definitions.nulmeting(delivered, dt.date(2024, 5, 1)).period == "2024-B2"  # B3 starts on 1 May
    assert definitions.nulmeting(delivered, dt.date(2024, 5, 20)).period == "2024-B2"  # B3 not complete yet
    late = definitions.nulmeting(["2024-B5", "2024-B6"], dt.date(2024, 4, 1))
    assert (late.period, late.fallback) == ("2024-B5", True)
    assert "eerste levering" in late.note
    assert definitions.nulmeting([], dt.date(2024, 4, 1)).period is None
    assert definitions.nulmeting(["2023", "2024-Q1", "2024-Q2"], dt.date(2024, 4, 1)).period == "2024-Q1"


def test_nulmeting_of_many_buurten_at_once_follows_the_one_rule():
    delivered = {"a": ["2024-B4", "2024-B1", "2024-B2", "2024-B3"], "b": ["2024-B6", "2024-B5"],
                 "c": ["2024-B2", "2024-B3"], "d": ["2023", "2024-Q1", "2024-Q2", "geen periode"]}
    starts = {"a": dt.date(2024, 5, 20), "b": dt.date(2024, 4, 1), "c": None, "d": dt.date(2024, 4, 1)}
    frame = pd.DataFrame([(area, p) for area, ps in delivered.items() for p in ps], columns=["area", "period"])
    found = definitions.nulmeting_periods(frame, starts).to_dict()
    assert found == {"a": "2024-B2", "b": "2024-B5", "c": "2024-B2", "d": "2024-Q1"}
    assert found == {a: definitions.nulmeting(ps, starts[a]).period for a, ps in delivered.items()}


def test_latest_as_of_takes_the_newest_period_with_a_value_up_to_the_review():
    frame = pd.DataFrame({"area": ["a", "a", "a", "b"], "indicator": ["x", "x", "x", "x"],
                          "period": ["2025-B1", "2025-B2", "2025-B3", "2025-B1"],
                          "value": [1.0, 2.0, None, 5.0]})
    latest = definitions.latest_as_of(frame, "2025-B3").set_index("area")
    assert latest.at["a", "period"] == "2025-B2"  # B3 is hidden: the older value, with its own period
    assert latest.at["b", "value"] == 5.0
    assert definitions.latest_as_of(frame, "2025-B1").set_index("area").at["a", "value"] == 1.0
    assert definitions.latest_as_of(frame.iloc[:0], "2025-B1").empty
    # an area without any value: dropped, or (the comparison page, to say why) its newest row
    unvalued = pd.concat([frame, pd.DataFrame({"area": ["c", "c"], "indicator": ["x", "x"],
                                               "period": ["2025-B1", "2025-B2"], "value": [None, None]})])
    assert "c" not in set(definitions.latest_as_of(unvalued)["area"])
    kept = definitions.latest_as_of(unvalued, keep_unvalued=True).set_index("area")
    assert kept.at["c", "period"] == "2025-B2" and kept.at["a", "period"] == "2025-B2"


def test_times_are_printed_in_amsterdam_time_summer_and_winter():
    assert time_nl(dt.datetime(2026, 7, 1, 12, 0)) == "01-07-2026 14:00"
    assert time_nl(dt.datetime(2026, 1, 15, 12, 0)) == "15-01-2026 13:00"
    assert time_nl(None) == "–"


# ---------------------------------------------------------------- one definition across pages


def test_kpi_vergeleken_met_and_best_practices_use_the_one_comparison_group(stored):
    with stored.connect() as conn:
        group = definitions.comparison_group(conn, "de-vijfhoek")
        kpi = {r["indicator"]: r for r in kpi_service.buurt_kpi(conn, "de-vijfhoek", TEAM)}
        area = queries.find_area(conn, "de-vijfhoek")
        catalogue = queries.indicators(conn)
        frame = visible_observations(conn, TEAM, area, ["wvpk_uren_per_client"], catalogue=catalogue)
        cells = outcome_compare.comparison_group(conn, TEAM, area, outcome_compare.latest_as_of(frame, "2025-B5"),
                                                 catalogue).set_index("indicator")
        _, groups, _, _, _ = best_practices._panel_and_groups(conn, "wvpk_uren_per_client", TEAM)
    others = sorted(set(BUURTEN) - {"BU03920105"})
    assert (sorted(group.codes), group.method) == (others, "gemeente")  # no context data: the gemeente's buurten
    assert kpi["wvpk_uren_per_client"]["comparison"]["method"] == "gemeente"
    assert kpi["wvpk_uren_per_client"]["comparison"]["group_size"] == 9
    assert cells.at["wvpk_uren_per_client", "comparison_method"] == "gemeente"
    assert cells.at["wvpk_uren_per_client", "comparison_n"] == 9
    assert sorted(groups["de-vijfhoek"]) == others


def test_nulmeting_of_the_uitkomsten_table_equals_the_kpi_chart(stored):
    with stored.connect() as conn:
        context = page_context(conn, "de-vijfhoek", TEAM)
        frame = visible_observations(conn, TEAM, context.area, ["wvpk_uren_per_client"],
                                     catalogue=context.catalogue)
        kpi = {r["indicator"]: r for r in kpi_service.buurt_kpi(conn, "de-vijfhoek", TEAM)}
    rows = frame.sort_values("period", key=lambda p: p.map(lambda x: tuple(map(str, x.split("-")))))
    summary = indicator_summary(rows, "2025-B5", "tweemaandelijks", context.start_date)
    expected = definitions.nulmeting(rows["period"], context.start_date).period
    assert summary["first"]["period"] == expected
    assert kpi["wvpk_uren_per_client"]["nulmeting"] == expected


def test_transitie_grid_and_buurt_page_show_the_same_adoption(stored, tmp_path):
    delivery = ("gebied;indicator;periode;teller;noemer;waarde;bron\n"
                "de-vijfhoek;lb_sessies;2025-B1;;;1;Buurtnetwerk\nde-vijfhoek;lb_sessies;2025-B2;;;1;Buurtnetwerk\n"
                "de-vijfhoek;lb_buurtbeelden;2025-B1;;;1;Buurtnetwerk\n")
    assert import_file(stored, "levering", write_csv(tmp_path / "adoptie.csv", delivery)).ok
    with stored.begin() as conn:
        pid = queries.find_area(conn, "de-vijfhoek").programme_id
        conn.execute(ReviewSession.__table__.insert().values(
            programme_id=pid, period="2025-B3", version=1, updated_by="t", updated_at=dt.datetime(2025, 6, 1)))
    with stored.connect() as conn:
        grid = transitie.programme_overview(conn).set_index("slug").loc["de-vijfhoek"]
        page = buurt_overview(conn, page_context(conn, "de-vijfhoek", TEAM))["adoption"]
    assert page == {"buurtbeeld": True, "sessies": 2, "interventies_gestart": 0, "best_practices": 0}
    assert {k: grid[k] for k in page} == page


# ---------------------------------------------------------------- the read model


def test_a_delivery_through_the_importer_updates_the_stored_kpi(stored, tmp_path):
    with stored.connect() as conn:
        before = {r["indicator"]: r for r in kpi_service.buurt_kpi(conn, "de-vijfhoek", TEAM)}
    assert before["wvpk_uren_per_client"]["latest_period"] == "2025-B5"
    lines = ["gebied;indicator;periode;teller;noemer;waarde;bron"]
    for b_i, code in enumerate(BUURTEN):
        clients = 40 + 3 * b_i
        lines.append(f"{code};wvpk_uren_per_client;2025-B6;{clients * 100};{clients};;Verzekeraar A")
    assert import_file(stored, "levering", write_csv(tmp_path / "b6.csv", "\n".join(lines) + "\n")).ok
    results.after_change(stored, wait=True)
    with stored.connect() as conn:
        after = {r["indicator"]: r for r in kpi_service.buurt_kpi(conn, "de-vijfhoek", TEAM)}
        current = store.store_version(conn)
        kpi_version = conn.execute(select(DerivedResult.store_version).where(
            DerivedResult.kind == "kpi_buurt_matched", DerivedResult.key == "de-vijfhoek")).scalar()
        kinds = set(conn.execute(select(DerivedResult.kind).distinct()).scalars())
        served = {kind for kind in kinds if store.read_many(conn, kind)}
    assert after["wvpk_uren_per_client"]["latest_period"] == "2025-B6"
    assert kpi_version == current  # recomputed from the delivery; the rows it did not affect keep their version
    assert served == kinds  # and every row, recomputed or kept, is served


def test_a_row_computed_from_an_older_store_and_written_after_the_refresh_is_not_served(stored):
    with stored.connect() as conn:
        version = store.store_version(conn)
    with stored.begin() as conn:  # a slow request that read the store before the last import
        store.write_many(conn, "probe", {"": {"x": 1}}, "1:2:3:4")
        store.write_many(conn, "probe_current", {"": {"x": 2}}, version)
    with stored.connect() as conn:
        assert store.read(conn, "probe", "") is None
        assert store.read(conn, "probe_current", "") == {"x": 2}
        assert store.read(conn, "peer_table", "") is not None


def test_stale_rows_are_not_served_when_no_refresh_runs(stored, tmp_path):
    delivery = "gebied;indicator;periode;teller;noemer;waarde;bron\nde-vijfhoek;lb_sessies;2025-B4;;;1;Buurtnetwerk\n"
    assert import_file(stored, "levering", write_csv(tmp_path / "s.csv", delivery)).ok
    with stored.connect() as conn:
        assert store.read(conn, "kpi_programme_matched", "") is None  # a page computes on the current data


def test_a_second_worker_process_reads_the_stored_figures_without_computing(stored, database_url):
    with stored.connect() as conn:
        mine = kpi_service.buurt_kpi(conn, "de-vijfhoek", TEAM)
    script = (
        "import json\n"
        "from data_access.db import make_engine\n"
        "from data_access import kpi_service, learning, peer_groups\n"
        "from data_access.access import Viewer\n"
        "from data_access.results import store\n"
        f"engine = make_engine({database_url!r})\n"
        "with engine.connect() as conn:\n"
        "    kpi = kpi_service.buurt_kpi(conn, 'de-vijfhoek', Viewer(role='transitieteam'))\n"
        "    kpi_service.programme_kpi(conn, Viewer(role='transitieteam'))\n"
        "    learning.learning_network(conn, Viewer(role='transitieteam'))\n"
        "    peer_groups.context_table(conn)\n"
        "print(json.dumps({'computed': store.COMPUTED, 'kpi': kpi}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=env,
                         check=True, timeout=120)
    answer = json.loads(out.stdout.strip().splitlines()[-1])
    assert answer["computed"] == {}
    assert json.loads(store.dumps(mine)) == answer["kpi"]


def test_one_refresh_at_a_time_and_a_second_trigger_is_coalesced(stored):
    holder = RefreshLock(stored, "worker-1")
    assert holder.acquire() is True
    assert results.refresh(stored, only_programme_ids=[7]) is False  # someone else holds it: a note is left
    assert RefreshLock(stored, "worker-2").acquire() is False
    with stored.connect() as conn:
        assert store.state(conn)["running"] is True
    assert holder.release_or_next() == (True, [7])
    assert holder.release_or_next() == (False, None)
    with stored.connect() as conn:
        assert store.state(conn)["running"] is False


def test_a_running_refresh_leaves_the_previous_results_readable(stored, tmp_path):
    delivery = "gebied;indicator;periode;teller;noemer;waarde;bron\nde-vijfhoek;lb_sessies;2025-B4;;;1;Buurtnetwerk\n"
    assert import_file(stored, "levering", write_csv(tmp_path / "s.csv", delivery)).ok
    holder = RefreshLock(stored, "worker-1")
    assert holder.acquire() is True
    with stored.connect() as conn:
        kpi = kpi_service.buurt_kpi(conn, "de-vijfhoek", TEAM)
        state = store.state(conn)
    holder.release()
    assert {r["indicator"] for r in kpi} >= {"wvpk_uren_per_client"}
    assert state["running"] is True and state["refreshed_at"] is not None


def test_one_buurt_refresh_gives_the_same_kpi_as_a_full_one(stored):
    with stored.connect() as conn:
        full = kpi_service.compute(conn, "matched").buurt[("de-vijfhoek", "wvpk_uren_per_client")]
        own = kpi_service.compute(conn, "matched", {"de-vijfhoek"}).buurt[("de-vijfhoek", "wvpk_uren_per_client")]
        programme = kpi_service.compute_programme(conn, "matched").programme["wvpk_uren_per_client"]
        stored_programme = {r["indicator"]: r for r in kpi_service.programme_kpi(conn, TEAM)}
    assert own["relative_effect"] == pytest.approx(full["relative_effect"])
    assert (own["ci_low"], own["ci_high"]) == pytest.approx((full["ci_low"], full["ci_high"]))
    assert programme["relative_effect"] == pytest.approx(
        stored_programme["wvpk_uren_per_client"]["relative_effect"])


def test_a_story_saved_by_a_network_refreshes_without_recomputing_kpi_or_partners(stored):
    from data_access import records
    from data_access.models import AgendaItem, Narrative

    with stored.connect() as conn:
        pid = queries.find_area(conn, "de-vijfhoek").programme_id
    with stored.begin() as conn:
        records.save_record(conn, Narrative, None, {"challenges": "Eenzaamheid"}, None, "vijfhoek@demo.nl", pid)
    before = dict(store.COMPUTED)
    assert results.refresh(stored, only_programme_ids=[pid], steps=frozenset()) is True
    # only the transitie rows and grid (adoption counts: a buurtbeeld written), computed ahead of first view; the
    # programme impact (deliveries, budgets, realisation) stays
    assert {k for k, v in store.COMPUTED.items() if before.get(k) != v} == {"transitie_rows", "transitie_grid_data"}
    # an agenda line can be a budget activity's name: the impact is computed again
    with stored.begin() as conn:
        records.save_record(conn, AgendaItem, None, {"theme": "preventie", "title": "Valpreventie"}, None,
                            "vijfhoek@demo.nl", pid)
    before = dict(store.COMPUTED)
    assert results.refresh(stored, only_programme_ids=[pid], steps=frozenset()) is True
    assert {k for k, v in store.COMPUTED.items() if before.get(k) != v} == {"transitie_rows", "transitie_grid_data",
                                                                            "programme_impact"}


def test_a_restart_keeps_the_stored_results_current(stored):
    from data_access.seed import sync_programme

    with stored.connect() as conn:
        before = store.store_version(conn)
    with stored.begin() as conn:  # what every start does
        sync_programme(conn)
    assert results.is_stale(stored) is False
    with stored.connect() as conn:
        assert store.store_version(conn) == before


def test_a_result_stored_by_a_first_view_while_the_refresh_writes_it_fails_neither(engine):
    # CI saw HTTP 500s on PostgreSQL: a page stored a KPI row it computed on first view while the refresh replaced
    # the whole kind; the refresh's delete did not see the page's uncommitted row, and its insert then hit the
    # unique key. Writes are upserts now.
    import threading

    errors = []

    def refresh_write() -> None:
        try:
            with engine.begin() as conn:
                store.write_many(conn, "probe", {"de-vijfhoek": {"value": 1}, "sterrenwijk": {"value": 1}}, "v1",
                                 replace_kind=True)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    with engine.connect() as first_view, first_view.begin():
        store.write_many(first_view, "probe", {"de-vijfhoek": {"value": 2}}, "v1")
        refresher = threading.Thread(target=refresh_write)
        refresher.start()
        refresher.join(timeout=1)  # the refresh now waits for the first view's row (PostgreSQL) or lock (SQLite)
    refresher.join(timeout=30)
    assert errors == []
    with engine.connect() as conn:
        rows = dict(conn.execute(select(DerivedResult.key, DerivedResult.payload)
                                 .where(DerivedResult.kind == "probe")).all())
    assert rows == {"de-vijfhoek": '{"value":1}', "sterrenwijk": '{"value":1}'}  # the refresh's write stands


def test_first_views_that_fill_the_pool_still_store_what_they_computed(database_url):
    # CI saw a browser test time out: several first views at once each held a pool connection and waited for a
    # second one to store their result, until the pool timed out and the page answered 503. The store now writes
    # through a companion pool that no request holds while waiting.
    import threading

    from data_access.db import make_engine

    engine = make_engine(database_url, pool_size=2, max_overflow=0, pool_timeout=2)
    errors, barrier = [], threading.Barrier(2)

    def first_view(key: str) -> None:
        try:
            with engine.connect() as conn:
                barrier.wait(timeout=10)  # both reading connections taken: the pool is empty
                assert store.get_or_compute(conn, "probe", key, lambda: {"value": key}) == {"value": key}
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    views = [threading.Thread(target=first_view, args=(key,)) for key in ("de-vijfhoek", "sterrenwijk")]
    for view in views:
        view.start()
    for view in views:
        view.join(timeout=30)
    assert errors == []
    with engine.connect() as conn:
        rows = dict(conn.execute(select(DerivedResult.key, DerivedResult.payload)
                                 .where(DerivedResult.kind == "probe")).all())
    engine.dispose()
    assert rows == {"de-vijfhoek": '{"value":"de-vijfhoek"}', "sterrenwijk": '{"value":"sterrenwijk"}'}


def test_uitkomsten_own_parts_built_for_the_programme_at_once_equal_one_buurt_at_a_time(stored):
    # the refresh builds every buurt's own part from one read of the programme; a first view builds one buurt's
    from data_access.services import uitkomsten_view

    with stored.connect() as conn:
        catalogue = queries.indicators(conn)
        for review in ("2025-B5", definitions.default_review()):
            many = uitkomsten_view.build_own_many(conn, "intern", review, catalogue)
            assert len(many) == 20
            for slug in ("de-vijfhoek", "kleverpark-zuid", "gorinchem", "groenewoud"):
                context = page_context(conn, slug, TEAM)
                one = uitkomsten_view.build_own(conn, TEAM, context.area, review, catalogue, context.start_date)
                assert store.dumps(many[f"intern|{slug}|{review}"]) == store.dumps(one)
    vijfhoek = many[f"intern|de-vijfhoek|{definitions.default_review()}"]
    row = next(r for t in vijfhoek["themes"] for g in t["groups"] for r in g["rows"]
               if r["indicator"] == "wvpk_uren_per_client")
    with stored.connect() as conn:
        start = page_context(conn, "de-vijfhoek", TEAM).start_date
    assert row["latest"]["period"] == "2025-B5"
    assert row["first"]["period"] == definitions.nulmeting(PERIODS, start).period


def test_a_delivery_rebuilds_the_own_parts_of_the_buurten_it_feeds_only(stored, tmp_path, monkeypatch):
    from data_access.services import uitkomsten_view as module

    review = definitions.default_review()
    with stored.connect() as conn:
        assert len([k for k in store.read_many(conn, module.OWN_KIND)
                    if k.startswith("intern|") and k.endswith(f"|{review}")]) == 20  # built ahead for all
        ids = dict(conn.execute(select(ProgrammeBuurt.slug, ProgrammeBuurt.id)).all())
    built = []
    original = module.programme_published
    monkeypatch.setattr(module, "programme_published", lambda conn, scope, catalogue, programme_ids=None: (
        built.append(programme_ids) or original(conn, scope, catalogue, programme_ids)))
    delivery = "gebied;indicator;periode;teller;noemer;waarde;bron;criticasters\n" \
               "kleverpark-zuid;prev_nps_clienten;2026-B1;30;45;;Buurtnetwerk;10\n"
    assert import_file(stored, "levering", write_csv(tmp_path / "nps.csv", delivery)).ok
    results.after_change(stored, wait=True)  # as the upload does
    assert built == [[ids["kleverpark-zuid"]]]  # the other 19 stay stored
    with stored.connect() as conn:  # the page reads the stored own part, composed with the comparisons
        view = uitkomsten_view(conn, page_context(conn, "kleverpark-zuid", TEAM), None)
        assert len(store.read_many(conn, module.OWN_KIND)) == len(ids)
    nps = next(r for t in view["themes"] for g in t["groups"] for r in g["rows"]
               if r["indicator"] == "prev_nps_clienten")
    assert (nps["latest"]["period"], round(nps["latest"]["value"], 2)) == ("2026-B1", 44.44)  # (30 - 10) / 45
    assert "latest" not in view and all("compared" in r for t in view["themes"] for g in t["groups"]
                                        for r in g["rows"])


def test_the_first_uitkomsten_view_after_a_refresh_computes_nothing(stored):
    # the refresh stored every buurt's own part, comparison values and the positions of the default review
    from data_access.review_summary import review_summary, stored_review_summary

    before = dict(store.COMPUTED)
    with stored.connect() as conn:
        context = page_context(conn, "de-vijfhoek", TEAM)
        view = uitkomsten_view(conn, context, None)
        summary = stored_review_summary(conn, TEAM, context.area, context_review := definitions.default_review())
        stored_values = store.frame_from(store.read(conn, "comparison_values", "intern|de-vijfhoek"))
        one = outcome_compare.comparison_value_table(conn, "intern", definitions.comparison_group(conn, "de-vijfhoek"),
                                                     queries.indicators(conn))
    assert {k: v - before.get(k, 0) for k, v in store.COMPUTED.items() if v != before.get(k, 0)} == {}
    row = next(r for t in view["themes"] for g in t["groups"] for r in g["rows"]
               if r["indicator"] == "wvpk_uren_per_client")
    assert (sorted(row["compared"]), row["compared"]["group"]["n"]) == (["group"], 9)  # one programme buurt: no rank
    assert store.dumps(store.frame_payload(stored_values)) == store.dumps(store.frame_payload(one))
    with stored.connect() as conn:  # the summary built ahead for the programme equals one computed for the buurt
        direct = review_summary(conn, TEAM, context.area, context_review)
    assert summary == direct and summary["themes"][0]["items"]


def test_programme_positions_ranked_from_the_own_parts_read_equal_one_period_at_a_time(stored):
    with stored.connect() as conn:
        catalogue = queries.indicators(conn)
        positions = store.read_many(conn, "positions")
        one = outcome_compare.position_table(conn, "intern", "2025-B3", catalogue)
    # three buurten delivered the client NPS: the refresh ranked them, one stored row per buurt plus a marker
    assert {k for k in positions if k.startswith("intern|2025-B3|")} == {
        "intern|2025-B3|", "intern|2025-B3|de-vijfhoek", "intern|2025-B3|kleverpark-zuid", "intern|2025-B3|sterrenwijk"}
    expected = json.loads(store.dumps(outcome_compare.position_rows("intern", "2025-B3", one)))
    assert {k: v for k, v in positions.items() if k.startswith("intern|2025-B3|")} == expected
