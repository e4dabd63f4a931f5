"""Realisation of the buurtbegroting: realised costs and hours per activity per period (`realisatie`).

Columns: buurt (slug), activiteit (number of the budget activity, shown on the Begroting tab and in the API),
periode (2025, 2025-Q2 or 2025-B3, inside the budget's year), kosten (euros), uren, bron. ";" or "," separated,
decimal comma accepted, UTF-8 or Latin-1. Same rules as every delivery (`common`): the file is read, every row is
checked, one bad row rejects the whole file (nothing is written) and the report names each line with its reason;
the same file sent again right after changes nothing. Rows replace an earlier value of the same activity and period.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection, Engine, select

from data_access import periods
from data_access.begroting import months_of
from data_access.db import dialect_insert
from data_access.importers.common import (
    FileRejected,
    ImportReport,
    Rejection,
    _insert_batch,
    _record_batch,
    decode,
    import_lock,
    numeric_column,
    open_delivery,
    read_table,
)
from data_access.models import Budget, BudgetActivity, BudgetRealisation, ImportBatch, ProgrammeBuurt, utcnow

KIND = "realisatie"
REQUIRED = ["buurt", "activiteit", "periode", "kosten", "uren", "bron"]


def _delimiter(header_line: str) -> str:
    for delimiter in (";", ","):
        columns = [c.strip().lower() for c in next(csv.reader([header_line], delimiter=delimiter))]
        if all(c in columns for c in REQUIRED):
            return delimiter
    raise FileRejected(f"kolommen ontbreken of verkeerd scheidingsteken; verwacht: {';'.join(REQUIRED)}")


def parse(raw: bytes, conn: Connection, allowed_programmes: set[int] | None = None
          ) -> tuple[pd.DataFrame, list[Rejection]]:
    """Rows to write (activity, period, costs, hours, source) and one rejection per bad row."""
    text = decode(raw, allow_latin1=True)
    frame = read_table(text, _delimiter(text.split("\n", 1)[0].strip("\r")), REQUIRED, lowercase_headers=True)
    rejections: list[Rejection] = []
    for col in ("buurt", "activiteit", "periode", "bron"):
        frame[col] = frame[col].str.strip()
    costs = numeric_column(frame, "kosten", rejections, missing=("",))
    hours = numeric_column(frame, "uren", rejections, missing=("",))
    slugs = dict(conn.execute(select(ProgrammeBuurt.slug, ProgrammeBuurt.id)).all())
    activity_rows = conn.execute(
        select(BudgetActivity.id, BudgetActivity.programme_id, BudgetActivity.deleted, Budget.year, Budget.status)
        .join(Budget, Budget.id == BudgetActivity.budget_id)).all()
    activity = {r.id: r for r in activity_rows}
    stored = pd.read_sql(select(BudgetRealisation.activity_id, BudgetRealisation.period), conn)
    stored_periods: dict[int, set[str]] = {}
    for a, p in zip(stored["activity_id"], stored["period"], strict=True):
        stored_periods.setdefault(int(a), set()).add(p)
    bad = {r.line for r in rejections}
    out, seen = [], {}
    for i, row in frame.iterrows():
        line = int(row["_line"])

        content = ";".join(str(row[c]) for c in REQUIRED)[:500]

        def reject(reason: str, line: int = line, content: str = content) -> None:
            rejections.append(Rejection(line, reason, content))

        slug = row["buurt"].lower()
        if slug not in slugs:
            reject(f"onbekende programmabuurt '{row['buurt']}'")
            continue
        programme_id = slugs[slug]
        if allowed_programmes is not None and programme_id not in allowed_programmes:
            reject(f"geen toegang tot de begroting van '{slug}'")
            continue
        if not row["activiteit"].isdigit() or int(row["activiteit"]) not in activity:
            reject(f"onbekende activiteit '{row['activiteit']}' (gebruik het nummer van de activiteit)")
            continue
        act = activity[int(row["activiteit"])]
        if act.programme_id != programme_id or act.deleted:
            reject(f"activiteit {row['activiteit']} hoort niet (meer) bij de begroting van '{slug}'")
            continue
        period = row["periode"].upper()
        if not periods.is_valid(period):
            reject(f"ongeldige periode '{row['periode']}' (verwacht bv. 2025, 2025-Q2 of 2025-B3)")
            continue
        if periods.year_of(period) != act.year:
            reject(f"periode {period} valt buiten het begrotingsjaar {act.year}")
            continue
        if act.status != "goedgekeurd":
            reject(f"de begroting {act.year} is nog niet goedgekeurd; realisatie kan pas daarna")
            continue
        if row["bron"] == "":
            reject("bron ontbreekt")
            continue
        if line in bad:
            continue
        if pd.isna(costs[i]) and pd.isna(hours[i]):
            reject("geen kosten en geen uren")
            continue
        if (pd.notna(costs[i]) and costs[i] < 0) or (pd.notna(hours[i]) and hours[i] < 0):
            reject("negatieve kosten of uren")
            continue
        key = (act.id, period)
        if key in seen:
            reject(f"dubbele sleutel activiteit {act.id}/{period} (ook op regel {seen[key]})")
            continue
        months = set(months_of(period))
        others = [p for p in stored_periods.get(act.id, set()) | {p for (a, p) in seen if a == act.id}
                  if p != period and months & set(months_of(p))]
        if others:
            reject(f"periode {period} overlapt met {', '.join(sorted(others))} van dezelfde activiteit "
                   "(lever één soort periode per activiteit)")
            continue
        seen[key] = line
        out.append({"programme_id": programme_id, "activity_id": act.id, "period": period,
                    "costs": float(costs[i]) if pd.notna(costs[i]) else 0.0,
                    "hours": float(hours[i]) if pd.notna(hours[i]) else 0.0, "source": row["bron"][:100]})
    return pd.DataFrame(out), rejections


def run(engine: Engine, path: str | Path, user: str = "cli", file_name: str | None = None,  # noqa: PLR0913
        batch_id: int | None = None, allowed_programmes: set[int] | None = None,
        on_done: Callable[[Connection, ImportReport], None] | None = None) -> ImportReport:
    """Import a realisation file all-or-nothing and record the batch (as `common.run_import` does for deliveries).

    allowed_programmes: when set (a buurtnetwerk typing in its own realisation), rows of other buurten are refused.
    on_done: called in the transaction that gives the batch its final status (see `common.run_import`).
    """
    file_name = file_name or Path(path).name
    opened = open_delivery(engine, path, KIND, file_name, user, batch_id, on_done)
    if isinstance(opened, ImportReport):
        return opened
    raw, digest = opened
    with engine.connect() as conn:
        try:
            rows, rejections = parse(raw, conn, allowed_programmes)
        except FileRejected as exc:
            rows, rejections = pd.DataFrame(), [Rejection(0, str(exc))]
    if rejections or rows.empty:
        rejections = rejections or [Rejection(0, "geen regels met realisatie")]
        rejections.sort(key=lambda r: (r.line, r.reason))
        report = ImportReport(None, KIND, file_name, "afgewezen", 0, rejections,
                              message="het bestand is afgewezen; er is niets opgeslagen")
        report.batch_id = _record_batch(engine, KIND, file_name, digest, user, report, batch_id, on_done)
        return report
    with import_lock(engine, f"{user} ({file_name})"[:200]), engine.begin() as conn:
        batch = _insert_batch(conn, KIND, file_name, digest, user, batch_id)
        now = utcnow()
        records = [{**r, "batch_id": batch, "updated_by": user[:200], "updated_at": now}
                   for r in rows.to_dict("records")]
        stmt = dialect_insert(conn, BudgetRealisation.__table__)
        stmt = stmt.on_conflict_do_update(
            index_elements=["activity_id", "period"],
            set_={c: getattr(stmt.excluded, c) for c in ("costs", "hours", "source", "batch_id", "updated_by",
                                                          "updated_at")})
        conn.execute(stmt, records)
        conn.execute(ImportBatch.__table__.update().where(ImportBatch.id == batch).values(
            status="geaccepteerd", rows_accepted=len(records), rows_skipped=0, finished_at=utcnow(), message=""))
        report = ImportReport(batch, KIND, file_name, "geaccepteerd", len(records), [])
        if on_done is not None:
            on_done(conn, report)
    return report


def realisation_csv(slug: str, rows: list[dict], source: str) -> bytes:
    """A realisation CSV for one buurt from form rows (activiteit, periode, kosten, uren), as the importer reads it."""
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(REQUIRED)
    for row in rows:
        writer.writerow([slug, row.get("activiteit", ""), row.get("periode", ""), row.get("kosten", ""),
                         row.get("uren", ""), source])
    return buffer.getvalue().encode("utf-8")
