"""Time the refresh after one buurt's change, per step, on a copy of a large demo database.

Usage (from a checkout; run it from two checkouts to compare versions on the same database copy):
  .venv/bin/python scripts/refresh_benchmark.py --db sqlite:////tmp/copy.db --mode delivery --repeat 3

  --mode delivery  one line of `wvpk_uren_per_client` for a member area of the buurt through the levering importer,
                   then `refresh(engine)` as the upload page and the command line run it
  --mode worst     `refresh(engine, only_programme_ids=[buurt], steps={"kpi", "learning"})` without a change
  --mode story     the same with steps={} (a saved story or session)
  --mode full      `refresh(engine)` without a change: everything again, as `python -m dashboard refresh` by hand

The first round after another version refreshed the database is a warm-up (stored inputs are rebuilt): use three
or more rounds and the median. Each delivery round adds an import batch to the database.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import scipy.linalg  # noqa: E402, F401 — loaded in a server process already; not part of the refresh's time
import scipy.stats  # noqa: E402, F401

from data_access import queries  # noqa: E402
from data_access.db import make_engine  # noqa: E402
from data_access.importers import import_file  # noqa: E402
from data_access.results.refresh import refresh  # noqa: E402

STEPS = {"worst": frozenset({"kpi", "learning"}), "story": frozenset()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--mode", choices=["delivery", "worst", "story", "full"], default="delivery")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--slug", default="de-vijfhoek")
    args = parser.parse_args()
    engine = make_engine(args.db)
    with engine.connect() as conn:
        area = queries.find_area(conn, args.slug)
    steps: list[str] = []
    last: list = [time.perf_counter(), ""]

    def progress(step: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if last[1]:
            steps.append(f"{last[1]} {now - last[0]:.2f}")
        last[:] = [now, step]

    for round_ in range(1, args.repeat + 1):
        steps.clear()
        last[1] = ""
        imported = ""
        if args.mode == "delivery":
            hours = random.randint(4000, 6000)
            for _ in range(3):  # the same figure as the last run is no change ("ongewijzigd"): another one
                text = ("gebied;indicator;periode;teller;noemer;waarde;bron\n"
                        f"{area.member_codes[0]};wvpk_uren_per_client;2026-B5;{hours};40;;Verzekeraar A\n")
                with tempfile.TemporaryDirectory() as tmp:
                    path = Path(tmp) / "levering.csv"
                    path.write_text(text, encoding="utf-8")
                    start = time.perf_counter()
                    report = import_file(engine, "levering", path)
                    imported = f" (import {report.status}, {time.perf_counter() - start:.2f} s)"
                if report.status != "ongewijzigd":
                    break
                hours += 1
        start, cpu = time.perf_counter(), time.process_time()
        last[0] = start
        if args.mode in ("delivery", "full"):
            refresh(engine, progress=progress)
        else:
            refresh(engine, only_programme_ids=[area.programme_id], steps=STEPS[args.mode], progress=progress)
        print(f"{args.mode} round {round_}: {time.perf_counter() - start:.2f} s wall, "
              f"{time.process_time() - cpu:.2f} s cpu{imported} | {'; '.join(steps)}", flush=True)


if __name__ == "__main__":
    main()
