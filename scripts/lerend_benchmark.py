"""Time to compute all learning-partner links at programme scale (1,000 synthetic programme buurten).

Usage: /work/main/.venv/bin/python scripts/lerend_benchmark.py [--db sqlite:////tmp/lerend-bench.db]
       [--programma 1000] [--repeat 5]
Builds the database on first use like scripts/benchmark.py (public files + data_access.demo with
add_synthetic_programme), gives every programme buurt a demo buurtagenda when it has none, then times
  1. learning_network: all links of the whole programme for one outcome (what /lerende-buurt computes), cold,
     with the shared context table cached, and fully cached;
  2. GET /api/v1/programma/<slug>/leerpartners through the Flask test client, as transitieteam.
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
from data_access import demo, learning, peer_groups, queries  # noqa: E402
from data_access.access import Viewer  # noqa: E402
from data_access.models import AgendaItem, ProgrammeBuurt  # noqa: E402


def timed(fn, repeat: int) -> tuple[float, float]:  # noqa: ANN001
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), max(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite:////tmp/lerend-bench.db")
    parser.add_argument("--programma", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    start = time.perf_counter()
    app = create_app({"DATABASE_URL": args.db, "DEMO_PROGRAMME_SIZE": args.programma, "DEMO_SEED": 7})
    engine = app.server.extensions["engine"]
    with engine.connect() as conn:
        n_prog = conn.execute(select(func.count()).select_from(ProgrammeBuurt)).scalar()
        has_agenda = conn.execute(select(func.count()).select_from(AgendaItem)).scalar() > 0
        slugs = list(queries.programme_buurten(conn)["code"])
    if not has_agenda:
        demo.add_demo_agenda(engine, demo.buurt_effects(slugs, 7), 7)
    print(f"database ready in {time.perf_counter() - start:.1f} s ({args.db}, {n_prog} programme buurten)")

    viewer = Viewer(role="transitieteam")
    holder = {}

    def network(clear_context: bool):  # noqa: ANN202
        def run():
            learning._NETWORKS.clear()  # noqa: SLF001 — time the computation, not the cache
            if clear_context:
                peer_groups._TABLES.clear()  # noqa: SLF001
            with engine.connect() as conn:
                holder["result"] = learning.learning_network(conn, viewer)
        return run

    def cached():
        with engine.connect() as conn:
            learning.learning_network(conn, viewer)

    for label, fn in (("cold (context table and links computed)", network(True)),
                      ("links computed, context table cached", network(False)),
                      ("links cached (same data, same viewer scope)", cached)):
        p50, worst = timed(fn, args.repeat)
        print(f"learning_network, {label}: p50 {p50:.2f} s, max {worst:.2f} s")
    result = holder["result"]
    with_partner = int((result.buurten["n_partners"] > 0).sum())
    measurable = int(result.buurten["change"].notna().sum())
    print(f"{n_prog} buurten: {len(result.links)} directed links; {with_partner} buurten with a partner, "
          f"{measurable} with a measurable change since the nulmeting (the others start in 2027); "
          f"phi {result.phi:.1f}")

    client = app.server.test_client()
    from tests.conftest import login

    login(client, "transitie@demo.nl")
    slug = result.links["slug"].iloc[0] if len(result.links) else slugs[0]

    def api_call():
        response = client.get(f"/api/v1/programma/{slug}/leerpartners")
        assert response.status_code == 200, response.get_data(as_text=True)

    p50, worst = timed(api_call, args.repeat)
    print(f"GET /api/v1/programma/{slug}/leerpartners: p50 {p50:.2f} s, max {worst:.2f} s")


if __name__ == "__main__":
    main()
