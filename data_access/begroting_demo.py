"""Synthetic buurtbegrotingen and realisation for the demo (labelled "synthetisch"), made through the real paths.

Per non-synthetic programme buurt: a budget for last year and this year with one activity per agenda line
(planned costs and hours seeded), submitted and approved by the demo transitieteam through the budget service;
one buurt's budget of this year stays "ingediend" and one "concept", so the workflow can be shown. Realised costs
and hours per quarter go through the `realisatie` import with the source "demo (synthetisch)".
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from data_access import begroting, netwerk
from data_access.access import Viewer
from data_access.importers import import_file
from data_access.models import Budget, ProgrammeBuurt

AUTHOR = "demo"
SOURCE = "demo (synthetisch)"
TEAM = Viewer(role="transitieteam")
PENDING = {"sterrenwijk": "ingediend", "goirle": "concept"}  # this year's budget left in these states
COSTS = {"preventie": 18_000, "eerste_lijn": 24_000, "dichtbij": 30_000, "zorgzaam": 12_000, "lerend": 8_000}


def add_demo_budgets(engine: Engine, seed: int, today: dt.date | None = None) -> int:
    """Budgets and realisation for the demo buurten that have none yet; returns the number of budgets made."""
    today = today or dt.date.today()
    years = [today.year - 1, today.year]
    rng = np.random.default_rng([seed, 13])
    with engine.connect() as conn:
        programme = pd.read_sql(select(ProgrammeBuurt.id, ProgrammeBuurt.slug)
                                .where(ProgrammeBuurt.synthetic.is_(False)).order_by(ProgrammeBuurt.slug), conn)
        existing = set(conn.execute(select(Budget.programme_id).distinct()).scalars())
    made, real_rows = 0, []
    for pid, slug in programme.itertuples(index=False):
        if pid in existing:
            continue
        with engine.begin() as conn:
            lines = netwerk.agenda(conn, int(pid))
            for year in years:
                budget = begroting.ensure_budget(conn, int(pid), year, AUTHOR, synthetic=True)
                activity_ids = []
                for line in lines.itertuples():
                    base = COSTS.get(line.theme, 10_000) * float(rng.uniform(0.6, 1.4))
                    saved = begroting.save_activity(conn, TEAM, int(pid), year, None, {
                        "theme": line.theme, "agenda_item_id": int(line.id), "title": "",
                        "planned_costs": round(base, -2), "planned_hours": round(base / 75),
                        "note": "demo (synthetisch)"}, None, AUTHOR)
                    activity_ids.append((saved.record["id"], base))
                final = PENDING.get(slug, "goedgekeurd") if year == today.year else "goedgekeurd"
                if final == "concept" or not activity_ids:
                    made += 1
                    continue
                budget = begroting.change_status(conn, TEAM, int(pid), year, "indienen", "",
                                                 begroting.budget(conn, int(pid), year)["version"], AUTHOR).record
                if final == "goedgekeurd":
                    begroting.change_status(conn, TEAM, int(pid), year, "goedkeuren",
                                            "Akkoord van de begrotingscommissie (demo).", budget["version"], AUTHOR)
                    real_rows += _realisation(slug, activity_ids, year, today, rng)
                made += 1
    if real_rows:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "demo_realisatie.csv"
            pd.DataFrame(real_rows).to_csv(path, sep=";", index=False, decimal=",")
            report = import_file(engine, "realisatie", path, user=AUTHOR)
            if not report.ok:
                raise RuntimeError(report.summary())
    return made


def _realisation(slug: str, activity_ids: list[tuple[int, float]], year: int, today: dt.date,
                 rng: np.random.Generator) -> list[dict]:
    """Quarterly realisation of the quarters of `year` that have ended, around a quarter of the plan each."""
    rows = []
    for quarter in range(1, 5):
        if dt.date(year, 3 * quarter, 28) >= today:
            break
        for activity_id, base in activity_ids:
            spent = base / 4 * float(rng.uniform(0.6, 1.2))
            rows.append({"buurt": slug, "activiteit": activity_id, "periode": f"{year}-Q{quarter}",
                         "kosten": round(spent, 2), "uren": round(spent / 75, 1), "bron": SOURCE})
    return rows
