"""Benchmark of the main queries at programme scale: 1,000 synthetic programme buurten on top of the real data.

Usage: .venv/bin/python scripts/benchmark.py [--db sqlite:////tmp/bench.db] [--programma 1000] [--repeat 30]
Builds the database once (public files + synthetic deliveries), then times, with p50/p95 over repeats:
  1. one programme buurt's indicators over time (all non-public outcome indicators, all periods);
  2. one indicator across all CBS buurten (a context indicator for the ~14,000 buurten);
  3. one outcome indicator aggregated for all programme buurten (ratio of sums over member areas);
  4. the API call a page makes for one buurt (through the Flask test client, as transitieteam);
  5. the KPI for every programme buurt, computed from scratch (matching, DiD, intervals) and from the cache;
  6. the peer group of one buurt among all CBS buurten.
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
from data_access import kpi_service, peer_groups, queries  # noqa: E402
from data_access.access import Viewer  # noqa: E402
from data_access.models import Observation, ProgrammeBuurt  # noqa: E402


def timed(fn, repeat: int) -> tuple[float, float]:  # noqa: ANN001
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite:////tmp/buurtdashboard-bench.db")
    parser.add_argument("--programma", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    start = time.perf_counter()
    app = create_app({"DATABASE_URL": args.db, "DEMO_PROGRAMME_SIZE": args.programma, "DEMO_SEED": 7})
    engine = app.server.extensions["engine"]
    print(f"database ready in {time.perf_counter() - start:.1f} s ({args.db})")
    with engine.connect() as conn:
        n_obs = conn.execute(select(func.count()).select_from(Observation)).scalar()
        n_prog = conn.execute(select(func.count()).select_from(ProgrammeBuurt)).scalar()
        catalogue = queries.indicators(conn)
        slug = conn.execute(select(ProgrammeBuurt.slug).order_by(ProgrammeBuurt.id.desc())).scalars().first()
        programme_id = queries.find_area(conn, slug).programme_id
    print(f"{n_obs:,} observations, {n_prog} programme buurten")
    outcome = list(catalogue.loc[~catalogue["public"].astype(bool), "code"])

    def buurt_over_time():
        with engine.connect() as conn:
            return queries.programme_observations(conn, [programme_id], outcome, catalogue=catalogue)

    def indicator_across_buurten():
        with engine.connect() as conn:
            return queries.observations_by_indicator(conn, "inwoners", "buurt")

    def programme_aggregation():
        with engine.connect() as conn:
            return queries.programme_observations(conn, None, ["wvpk_uren_per_client"], catalogue=catalogue)

    client = app.server.test_client()
    from tests.conftest import login

    login(client, "transitie@demo.nl")

    def api_call():
        response = client.get(f"/api/v1/observations?area={slug}&indicator=wvpk_uren_per_client")
        assert response.status_code == 200

    rows = [len(buurt_over_time()), len(indicator_across_buurten()), len(programme_aggregation())]
    print(f"{'query':55} {'rows':>8} {'p50 ms':>9} {'p95 ms':>9}")
    for (name, fn), n in zip([
        ("one programme buurt, all outcome indicators over time", buurt_over_time),
        ("one indicator across all CBS buurten", indicator_across_buurten),
        ("wvpk hours aggregated for all programme buurten", programme_aggregation),
    ], rows):
        p50, p95 = timed(fn, args.repeat)
        print(f"{name:55} {n:>8} {p50:>9.1f} {p95:>9.1f}")
    p50, p95 = timed(api_call, args.repeat)
    print(f"{'API /observations for one buurt (JSON, with intervals)':55} {'':>8} {p50:>9.1f} {p95:>9.1f}")

    transitie = Viewer(role="transitieteam")

    def kpi_from_scratch():
        kpi_service._RESULTS.clear()
        peer_groups._TABLES.clear()
        with engine.connect() as conn:
            return kpi_service.kpi_overview(conn, transitie)

    def kpi_cached():
        with engine.connect() as conn:
            return kpi_service.kpi_overview(conn, transitie)

    def peers_of_one():
        with engine.connect() as conn:
            return peer_groups.context_peers(conn, slug, n=20)

    def kpi_api():
        response = client.get(f"/api/v1/programma/{slug}/kpi")
        assert response.status_code == 200

    for name, fn, repeat in (
        ("KPI overview of all programme buurten, from scratch", kpi_from_scratch, max(3, args.repeat // 10)),
        ("KPI overview of all programme buurten, cached", kpi_cached, args.repeat),
        ("peer group of one buurt among all CBS buurten", peers_of_one, args.repeat),
        ("API /programma/<slug>/kpi (cached)", kpi_api, args.repeat),
    ):
        result = fn()
        n = len(result) if result is not None else 1
        p50, p95 = timed(fn, repeat)
        print(f"{name:55} {n:>8} {p50:>9.1f} {p95:>9.1f}")


if __name__ == "__main__":
    main()
