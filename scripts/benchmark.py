"""Benchmark at programme scale: 1,000 synthetic programme buurten on top of the real data.

Usage:
  .venv/bin/python scripts/benchmark.py --db sqlite:////tmp/bench1000.db [--repeat 10] [--refresh] [--callbacks]

Builds the database once when it is empty (public files + synthetic deliveries; minutes), then times with p50/p95
over repeats:
  --refresh    the full refresh of the results tables and the refresh after one buurt's delivery;
  --delivery   one buurt's delivery through the importer and the refresh after it (the upload page's), per step;
  --callbacks  every data callback of /buurt/<slug>, /beeld, /uitkomsten, /gebied/<code>, /vergelijken,
               /lerende-buurt, /transitie, /best-practices, /menukaart, the home page and the navbar search, as
               the browser posts
               them (logged in as transitieteam), with the size of each response. The first request of each is
               reported separately: there is no warm-up.
Without flags: the store queries and the KPI read (the old default).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from dashboard import create_app  # noqa: E402
from data_access import kpi_service, queries  # noqa: E402
from data_access.access import Viewer  # noqa: E402
from data_access.models import Area, Observation, ProgrammeBuurt  # noqa: E402


def timed(fn, repeat: int) -> tuple[float, float, object]:  # noqa: ANN001
    samples, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))], result


def _inp(id_: str, prop: str, value) -> dict:  # noqa: ANN001
    return {"id": id_, "property": prop, "value": value}


def vergelijk_cases(slugs: list[str]) -> list[tuple[str, str, list[dict], list[dict]]]:
    """The callbacks /vergelijken fires when opened without a query (three programme buurten, the defaults)."""
    from dashboard import ids

    parts = [f"{i}.{p}" for i in (ids.VERGELIJK_AREAS, ids.VERGELIJK_INDICATORS, ids.VERGELIJK_FUNNEL_INDICATOR,
                                  ids.VERGELIJK_X, ids.VERGELIJK_Y) for p in ("options", "value")]
    init = ".." + "...".join([*parts, f"{ids.VERGELIJK_MESSAGE}.children"]) + ".."
    areas = _inp(ids.VERGELIJK_AREAS, "value", slugs)
    return [
        ("vergelijk: selection from the URL", init, [_inp(ids.VERGELIJK_QUERY, "data", {})], []),
        ("vergelijk: dots + table", f"..{ids.VERGELIJK_DOTS}.figure...{ids.VERGELIJK_TABLE}.children..."
                                    f"{ids.VERGELIJK_DOWNLOADS}.children..",
         [areas, _inp(ids.VERGELIJK_INDICATORS, "value", ["wvpk_uren_per_client", "pct_65plus"])], []),
        ("vergelijk: funnel", f"..{ids.VERGELIJK_FUNNEL}.figure...{ids.VERGELIJK_FUNNEL_NOTE}.children..",
         [_inp(ids.VERGELIJK_FUNNEL_INDICATOR, "value", "wvpk_uren_per_client"), areas], []),
        ("vergelijk: scatter", f"{ids.VERGELIJK_SCATTER}.figure",
         [_inp(ids.VERGELIJK_X, "value", "pct_65plus"), _inp(ids.VERGELIJK_Y, "value", "wvpk_uren_per_client"),
          areas], []),
        ("vergelijk: scatter, one area (programme)", f"{ids.VERGELIJK_SCATTER}.figure",
         [_inp(ids.VERGELIJK_X, "value", "pct_65plus"), _inp(ids.VERGELIJK_Y, "value", "wvpk_uren_per_client"),
          _inp(ids.VERGELIJK_AREAS, "value", slugs[:1])], []),
        ("vergelijk: area search 'utrecht'", f"{ids.VERGELIJK_AREAS}.options@",  # allow_duplicate: hashed key
         [_inp(ids.VERGELIJK_AREAS, "search_value", "utrecht")], [_inp(ids.VERGELIJK_AREAS, "value", slugs)]),
    ]


def callback_cases(slug: str, code: str, slugs: list[str] | None = None,
                   link: str | None = None) -> list[tuple[str, str, list[dict], list[dict]]]:
    """(name, output, inputs, state) of the data callbacks of the pages, as dash-renderer posts them (`link`: a
    learning link "a|b" for the explanation card)."""
    from dashboard import ids
    from data_access import definitions

    area = {"kind": "buurt", "code": slug}
    gebied = {"kind": "gebied", "code": code}
    review = None
    from data_access.transitie import CASE_COMPONENTS

    weights = [_inp(ids.transitie_weight(c.code), "value", c.weight) for c in CASE_COMPONENTS]  # ALL: one list
    overview_inputs = [_inp(ids.URL, "pathname", "/transitie"), _inp(ids.TRANSITIE_FILTER_COHORT, "value", None),
                       _inp(ids.TRANSITIE_FILTER_PARTNER, "value", None)]
    ranked_output = (f"..{ids.LEREND_RANKED}.children...{ids.LEREND_RANKED_PAGE}.max_value..."
                     f"{ids.LEREND_RANKED_PAGE}.active_page...{ids.LEREND_RANKED_PAGE}.style..")

    def ranked(buurt: str | None) -> list[dict]:
        return [_inp(ids.LEREND_INDICATOR, "value", "wvpk_uren_per_client"), _inp(ids.LEREND_BUURT, "value", buurt),
                _inp(ids.LEREND_RANKED_PAGE, "active_page", 1)]

    return vergelijk_cases(slugs or [slug]) + [
        ("navbar search 'utrecht'", f"{ids.NAV_SEARCH}.options", [_inp(ids.NAV_SEARCH, "search_value", "utrecht")],
         [_inp(ids.NAV_SEARCH, "value", None)]),
        ("home: cards", f"..{ids.HOME_BUURTEN}.children...{ids.HOME_STATUS}.children...home-page.max_value..."
                        "home-page.active_page..",
         [_inp(ids.URL, "pathname", "/"), _inp("home-search", "value", None), _inp("home-page", "active_page", 1)],
         []),
        ("home: cards (before paging)", f"..{ids.HOME_BUURTEN}.children...{ids.HOME_STATUS}.children..",
         [_inp(ids.URL, "pathname", "/")], []),
        ("buurt: overview", f"{ids.BUURT_OVERVIEW}.children", [_inp(ids.BUURT_AREA, "data", area)], []),
        ("buurt: learning partners", f"{ids.LEREND_BUURT_SECTION}.children", [_inp(ids.BUURT_AREA, "data", area)], []),
        ("beeld: title/headlines/trends", f"..{ids.BUURT_BEELD_TITLE}.children...{ids.BUURT_BEELD_HEADLINES}.children"
                                          f"...{ids.BUURT_BEELD_TRENDS}.children..",
         [_inp(ids.BUURT_AREA, "data", area)], []),
        ("beeld: spine + words", f"..{ids.BUURT_BEELD_SPINE}.children...{ids.BUURT_BEELD_WORDS}.children..",
         [_inp(ids.BUURT_AREA, "data", area)], []),
        ("beeld: map", f"{ids.BUURT_BEELD_MAP}.children", [_inp(ids.BUURT_AREA, "data", area)], []),
        ("uitkomsten: tables", f"..{ids.UIT_TITLE}.children...{ids.UIT_CONTENT}.children..",
         [_inp(ids.BUURT_AREA, "data", area), _inp(ids.UIT_REVIEW, "value", review)], []),
        ("uitkomsten: review summary", f"{ids.UIT_REVIEW_SUMMARY}.children",
         [_inp(ids.BUURT_AREA, "data", area), _inp(ids.UIT_REVIEW, "value", definitions.default_review())], []),
        ("uitkomsten: KPI", f"{ids.UIT_KPI}.children",
         [_inp(ids.BUURT_AREA, "data", area), _inp(ids.UIT_REVIEW, "value", review)], []),
        ("uitkomsten: indicator options", f"..{ids.UIT_INDICATOR}.options...{ids.UIT_INDICATOR}.value..",
         [_inp(ids.BUURT_AREA, "data", area)], [_inp(ids.UIT_INDICATOR_QUERY, "data", None)]),
        ("uitkomsten: detail", f"{ids.UIT_DETAIL}.children",
         [_inp(ids.UIT_INDICATOR, "value", "wvpk_uren_per_client"), _inp(ids.UIT_REVIEW, "value", review)],
         [_inp(ids.BUURT_AREA, "data", area)]),
        ("gebied: title/headlines/trends", f"..{ids.BUURT_BEELD_TITLE}.children...{ids.BUURT_BEELD_HEADLINES}.children"
                                           f"...{ids.BUURT_BEELD_TRENDS}.children..",
         [_inp(ids.BUURT_AREA, "data", gebied)], []),
        ("gebied: spine + words", f"..{ids.BUURT_BEELD_SPINE}.children...{ids.BUURT_BEELD_WORDS}.children..",
         [_inp(ids.BUURT_AREA, "data", gebied)], []),
        ("lerende-buurt: network", f"..{ids.LEREND_SUMMARY}.children...{ids.LEREND_GRAPH}.figure...{ids.LEREND_LINK}"
                                   f".options...{ids.LEREND_LINK}.value..",
         [_inp(ids.LEREND_INDICATOR, "value", "wvpk_uren_per_client"), _inp(ids.LEREND_BUURT, "value", None)],
         [_inp(ids.LEREND_QUERY, "data", {})]),
        ("transitie: overview (with the grid's columns)",  # before the columns were in the layout
         f"..{ids.TRANSITIE_STATUS}.children...{ids.TRANSITIE_CONTENT}.style...{ids.TRANSITIE_GRID}.columnDefs..."
         f"{ids.TRANSITIE_MAP}.figure...{ids.TRANSITIE_FILTER_COHORT}.options...{ids.TRANSITIE_FILTER_PARTNER}"
         f".options...{ids.TRANSITIE_PARTNERS}.children..", overview_inputs, []),
        ("lerende-buurt: filters", f"..{ids.LEREND_INDICATOR}.options...{ids.LEREND_INDICATOR}.value..."
                                   f"{ids.LEREND_BUURT}.options...{ids.LEREND_BUURT}.value..",
         [_inp(ids.LEREND_QUERY, "data", {})], []),
        ("lerende-buurt: ranked partners", ranked_output, ranked(None), []),
        ("lerende-buurt: ranked, one buurt", ranked_output, ranked(slug), []),
        ("lerende-buurt: network, one buurt", f"..{ids.LEREND_SUMMARY}.children...{ids.LEREND_GRAPH}.figure..."
                                              f"{ids.LEREND_LINK}.options...{ids.LEREND_LINK}.value..",
         [_inp(ids.LEREND_INDICATOR, "value", "wvpk_uren_per_client"), _inp(ids.LEREND_BUURT, "value", slug)],
         [_inp(ids.LEREND_QUERY, "data", {})]),
        ("lerende-buurt: list of links", f"..{ids.LEREND_TABLE}.children...{ids.LEREND_TABLE_PAGE}.max_value..."
                                         f"{ids.LEREND_TABLE_PAGE}.active_page...{ids.LEREND_TABLE_PAGE}.style..",
         [_inp(ids.LEREND_INDICATOR, "value", "wvpk_uren_per_client"), _inp(ids.LEREND_BUURT, "value", None),
          _inp(ids.LEREND_TABLE_PAGE, "active_page", 1)], []),
        ("lerende-buurt: explanation card", f"{ids.LEREND_CARD}.children",
         [_inp(ids.LEREND_LINK, "value", link)], [_inp(ids.LEREND_INDICATOR, "value", "wvpk_uren_per_client")]),
        ("lerende-buurt: network, other outcome", f"..{ids.LEREND_SUMMARY}.children...{ids.LEREND_GRAPH}.figure..."
                                                  f"{ids.LEREND_LINK}.options...{ids.LEREND_LINK}.value..",
         [_inp(ids.LEREND_INDICATOR, "value", "seh_per_1000"), _inp(ids.LEREND_BUURT, "value", None)],
         [_inp(ids.LEREND_QUERY, "data", {})]),
        ("transitie: overview", f"..{ids.TRANSITIE_STATUS}.children...{ids.TRANSITIE_CONTENT}.style..."
                                f"{ids.TRANSITIE_MAP}.figure...{ids.TRANSITIE_FILTER_COHORT}.options..."
                                f"{ids.TRANSITIE_FILTER_PARTNER}.options...{ids.TRANSITIE_PARTNERS}.children..",
         overview_inputs, []),
        ("transitie: grid block (sorted, filtered)", f"{ids.TRANSITIE_GRID}.getRowsResponse",
         [_inp(ids.TRANSITIE_GRID, "getRowsRequest",
               {"startRow": 0, "endRow": 100, "sortModel": [{"colId": "sessies", "sort": "desc"}],
                "filterModel": {"region": {"filterType": "text", "type": "contains", "filter": "a"}}})],
         [_inp(ids.TRANSITIE_FILTER_COHORT, "value", None), _inp(ids.TRANSITIE_FILTER_PARTNER, "value", None)]),
        ("transitie: programme KPI", f"..{ids.TRANSITIE_KPI}.children...{ids.TRANSITIE_EVENT_STUDY}.children..",
         [_inp(ids.URL, "pathname", "/transitie")], []),
        ("transitie: candidates (buurt)", f"..{ids.TRANSITIE_CAND_GRID}.rowData...{ids.TRANSITIE_CAND_GRID}"
                                          f".columnDefs...{ids.TRANSITIE_CAND_INFO}.children..",
         [_inp(ids.TRANSITIE_CAND_LEVEL, "value", "buurt"), weights], []),  # before its rows came block by block
        ("transitie: candidates (columns, info)", f"..{ids.TRANSITIE_CAND_GRID}.columnDefs...{ids.TRANSITIE_CAND_INFO}"
                                                  ".children..",
         [_inp(ids.TRANSITIE_CAND_LEVEL, "value", "buurt"), weights], []),
        ("transitie: candidate info", f"{ids.TRANSITIE_CAND_INFO}.children",
         [_inp(ids.TRANSITIE_CAND_LEVEL, "value", "buurt"), weights], []),
        ("transitie: candidate block", f"{ids.TRANSITIE_CAND_GRID}.getRowsResponse",
         [_inp(ids.TRANSITIE_CAND_GRID, "getRowsRequest", {"startRow": 0, "endRow": 100, "sortModel": [],
                                                             "filterModel": {}})],
         [_inp(ids.TRANSITIE_CAND_LEVEL, "value", "buurt"), weights]),
        ("transitie: candidate block (sorted, filtered)", f"{ids.TRANSITIE_CAND_GRID}.getRowsResponse",
         [_inp(ids.TRANSITIE_CAND_GRID, "getRowsRequest", {
             "startRow": 100, "endRow": 200, "sortModel": [{"colId": "gemeente", "sort": "asc"}],
             "filterModel": {"inwoners": {"filterType": "number", "type": "greaterThan", "filter": 1000}}})],
         [_inp(ids.TRANSITIE_CAND_LEVEL, "value", "buurt"), weights]),
        ("best-practices: proposals", f"{ids.BEST_PROPOSALS}.children",
         [_inp(ids.BEST_INDICATOR, "value", "wvpk_uren_per_client")], []),
        ("best-practices: stories", f"{ids.BEST_LIST}.children",
         [_inp(ids.URL, "pathname", "/best-practices"), _inp(ids.BEST_EDIT_ID, "data", None)], []),
        ("menukaart: catalogue", f"{ids.MENU_CONTENT}.children", [_inp(ids.URL, "pathname", "/menukaart")], []),
        ("menukaart: comparison", f"{ids.MENU_COMPARISON}.children",
         [_inp(ids.MENU_INDICATOR, "value", "wvpk_uren_per_client")], []),
        ("transitie: impact content", f"{ids.IMPACT_CONTENT}.children", [_inp(ids.IMPACT_SECTION, "id",
                                                                               ids.IMPACT_SECTION)], []),
        ("transitie: impact content + page 1", "..impact-content.children...impact-buurten-block.children..."
                                               "impact-status.children...impact-page.max_value..",
         [_inp(ids.IMPACT_SECTION, "id", ids.IMPACT_SECTION)], []),
        ("transitie: impact buurten, page 2", "impact-page.active_page",  # its key has allow_duplicate hashes
         [_inp("impact-search", "value", None), _inp("impact-page", "active_page", 2)], []),
        ("publiek: map + list (before paging)", f"..{ids.PUBLIC_MAP}.children...{ids.PUBLIC_LIST}.children..."
                                                f"{ids.PUBLIC_REPORTS}.children..",
         [_inp(ids.URL, "pathname", "/publiek")], []),
        ("publiek: map + reports", f"..{ids.PUBLIC_MAP}.children...{ids.PUBLIC_REPORTS}.children..",
         [_inp(ids.URL, "pathname", "/publiek")], []),
        ("publiek: list, page 2", "..publiek-list.children...publiek-list-status.children...publiek-list-page"
                                  ".max_value...publiek-list-page.active_page..",
         [_inp(ids.URL, "pathname", "/publiek"), _inp("publiek-list-page", "active_page", 2)], []),
    ]


def _a_link(app, slug: str) -> str | None:  # noqa: ANN001
    """A learning link of this buurt from the stored network (raw JSON: the app's parsed copy stays cold)."""
    from data_access import learning
    from data_access.results import store

    with app.server.extensions["engine"].connect() as conn:
        payload = store.read(conn, "learning", learning.network_key("intern", learning.DEFAULT_OUTCOME))
    if not payload:
        return None
    links = payload["links"]
    rows = [dict(zip(links["columns"], r, strict=True)) for r in links["data"]]
    row = next((r for r in rows if slug in (r["slug"], r["partner"])), rows[0] if rows else None)
    return None if row is None else "|".join(sorted([row["slug"], row["partner"]]))


def bench_callbacks(app, repeat: int, slug: str, code: str, only: str = "",  # noqa: ANN001
                    slugs: list[str] | None = None) -> None:
    from tests.conftest import dash_post, login

    client = app.server.test_client()
    login(client, "transitie@demo.nl")
    print(f"\n{'callback':40} {'first ms':>9} {'p50 ms':>9} {'p95 ms':>9} {'kB':>8}")
    wanted = [w for w in only.split(",") if w]
    for name, output, inputs, state in callback_cases(slug, code, slugs, _a_link(app, slug)):
        if wanted and not any(w in name for w in wanted):
            continue

        if output not in app.callback_map:  # an output with allow_duplicate is registered as "<output>@<hash>"
            output = next((k for k in app.callback_map if "@" in k and output in k), output)

        def call(output=output, inputs=inputs, state=state):  # noqa: ANN001, ANN202
            return dash_post(client, output, inputs, state,
                             changed=[f"{i['id']}.{i['property']}" for i in inputs if isinstance(i, dict)])

        start = time.perf_counter()
        try:
            first = call()
        except KeyError:  # this version of the app has no such callback
            print(f"{name:40} (not in this version)")
            continue
        except Exception as exc:  # noqa: BLE001 — report a crashing callback (HTTP 500 in production), go on
            print(f"{name:40} error after {(time.perf_counter() - start) * 1000:.0f} ms: "
                  f"{type(exc).__name__}: {exc}")
            continue
        first_ms = (time.perf_counter() - start) * 1000
        if first.status_code not in (200, 204):
            print(f"{name:40} HTTP {first.status_code}")
            continue
        p50, p95, response = timed(call, repeat)
        print(f"{name:40} {first_ms:>9.0f} {p50:>9.0f} {p95:>9.0f} {len(response.get_data()) / 1000:>8.1f}")


def bench_refresh(engine, slug: str) -> None:  # noqa: ANN001
    from data_access.results import refresh

    def progress(step: str, done: int, total: int) -> None:
        print(f"  [{done}/{total}] {step}", flush=True)

    start, cpu = time.perf_counter(), time.process_time()
    refresh(engine, progress=progress)
    print(f"full refresh: {time.perf_counter() - start:.1f} s (cpu {time.process_time() - cpu:.1f} s)")
    with engine.connect() as conn:
        pid = queries.find_area(conn, slug).programme_id
    for what, steps in (("adoption form or story (no KPI or learning input)", frozenset()),
                        ("agenda edit (the agenda lines of the stored networks)", frozenset({"agenda"})),
                        ("worst case: its KPI, programme KPI and learning", frozenset({"kpi", "learning"}))):
        start, cpu = time.perf_counter(), time.process_time()
        refresh(engine, only_programme_ids=[pid], steps=steps)
        print(f"refresh after one buurt's change, {what}: {time.perf_counter() - start:.1f} s "
              f"(cpu {time.process_time() - cpu:.1f} s)")


def bench_delivery(engine, slug: str) -> None:  # noqa: ANN001
    """One buurt's delivery through the real importer (a new value of one outcome for one member area), then the
    refresh the upload page runs after it (asked for in full, run as the partial refresh of that buurt: see
    `refresh.delivery_scope`): what the first visitor after a delivery meets."""
    import random
    import tempfile

    from data_access.importers import import_file
    from data_access.results import refresh

    with engine.connect() as conn:
        area = queries.find_area(conn, slug)
    member = area.member_codes[0]
    text = ("gebied;indicator;periode;teller;noemer;waarde;bron\n"
            f"{member};wvpk_uren_per_client;2026-B5;{random.randint(4000, 6000)};40;;Verzekeraar A\n")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "levering.csv"
        path.write_text(text, encoding="utf-8")
        report = import_file(engine, "levering", path)
    print(f"delivery for {slug} ({member}): {report.status}")
    steps: list[str] = []
    last = [time.perf_counter(), ""]

    def progress(step: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if last[1]:
            steps.append(f"{last[1]} {now - last[0]:.2f} s")
        last[:] = [now, step]

    start, cpu = time.perf_counter(), time.process_time()
    refresh(engine, progress=progress)
    print(f"refresh after one buurt's delivery (as the upload page runs it): {time.perf_counter() - start:.1f} s "
          f"(cpu {time.process_time() - cpu:.1f} s): {'; '.join(steps)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite:////tmp/buurtdashboard-bench.db")
    parser.add_argument("--programma", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--refresh", action="store_true")
    parser.add_argument("--callbacks", action="store_true")
    parser.add_argument("--delivery", action="store_true", help="import one buurt's delivery and run the "
                                                                "refresh after it (before --callbacks)")
    parser.add_argument("--only", default="", help="with --callbacks: only cases whose name contains one of these "
                                                   "comma-separated words (e.g. 'transitie,uitkomsten: tables')")
    args = parser.parse_args()
    start = time.perf_counter()
    app = create_app({"DATABASE_URL": args.db, "DEMO_PROGRAMME_SIZE": args.programma, "DEMO_SEED": 7,
                      "TESTING": True})  # TESTING: no background refresh at start; --refresh times it
    engine = app.server.extensions["engine"]
    print(f"database ready in {time.perf_counter() - start:.1f} s ({args.db})")
    with engine.connect() as conn:
        n_obs = conn.execute(select(func.count()).select_from(Observation)).scalar()
        n_prog = conn.execute(select(func.count()).select_from(ProgrammeBuurt)).scalar()
        slug = conn.execute(select(ProgrammeBuurt.slug).order_by(ProgrammeBuurt.id.desc())).scalars().first()
        code = conn.execute(select(Area.code).where(Area.level == "buurt").order_by(Area.code)).scalars().first()
    print(f"{n_obs:,} observations, {n_prog} programme buurten; buurt {slug}, gebied {code}")
    if args.refresh:
        bench_refresh(engine, slug)
    if args.delivery:
        bench_delivery(engine, slug)
    if args.callbacks:
        with engine.connect() as conn:  # the three buurten /vergelijken opens with
            slugs = queries.programme_buurten(conn)["code"].head(3).tolist()
        bench_callbacks(app, args.repeat, slug, code, args.only, slugs)
    if args.refresh or args.callbacks or args.delivery:
        return
    transitie = Viewer(role="transitieteam")
    for name, fn in (
        ("KPI overview of all programme buurten (stored)", lambda: kpi_service.kpi_overview(conn, transitie)),
        ("KPI of one buurt (stored)", lambda: kpi_service.buurt_kpi(conn, slug, transitie)),
    ):
        with engine.connect() as conn:
            p50, p95, result = timed(fn, args.repeat)
        print(f"{name:55} {len(result):>8} {p50:>9.1f} {p95:>9.1f}")


if __name__ == "__main__":
    main()
