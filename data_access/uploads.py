"""Uploads through the web page (/beheer/upload): who may import what, the job state, and the import reports.

The job state lives in the database, not in a process: the page first writes an `import_batch` row with status
'bezig' and polls it while a thread runs the shared import pipeline into that same row. That works with any
number of worker processes (the poll may reach another worker than the upload).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection, Engine, select, update

from data_access.audit import record_event
from data_access.importers import PARSERS, import_file
from data_access.importers.common import ImportReport, run_import
from data_access.models import ImportBatch, RejectedRow, utcnow
from data_access.suppliers import restrict_to_source

ALL_KINDS = ("levering", "kwb", "rivm", "vektis", "gebieden", "geo")
KIND_LABELS = {
    "levering": "Levering (niet-openbare cijfers, leveringsformaat)",
    "kwb": "CBS Kerncijfers wijken en buurten",
    "rivm": "RIVM Gezondheid per wijk en buurt",
    "vektis": "Vektis Zvw per gemeente (jaartal in de bestandsnaam)",
    "gebieden": "CBS-gebieden (codes en namen)",
    "geo": "Kaartgrenzen (GeoJSON)",
}
STATUS_LABELS = {"bezig": "bezig", "geaccepteerd": "geaccepteerd", "afgewezen": "afgewezen",
                 "ongewijzigd": "ongewijzigd (al eerder geïmporteerd)", "mislukt": "mislukt",
                 "onderbroken": "onderbroken"}
STALE_AFTER = dt.timedelta(minutes=30)  # a 'bezig' row this old belongs to a process that stopped


def allowed_kinds(role: str | None) -> list[str]:
    """Import kinds a role may upload: suppliers only deliveries, transitieteam and beheerder everything."""
    if role in ("beheerder", "transitieteam"):
        return [k for k in ALL_KINDS if k in PARSERS]
    if role == "leverancier":
        return ["levering"]
    return []


def create_pending_batch(conn: Connection, kind: str, file_name: str, user: str) -> int:
    """The job row the upload page polls: status 'bezig' until the import has run."""
    return conn.execute(ImportBatch.__table__.insert().values(
        kind=kind, file_name=(file_name or "upload")[:300], sha256="", imported_by=user, started_at=utcnow(),
        status="bezig", rows_accepted=0, rows_rejected=0, rows_skipped=0, message="wacht op verwerking",
    ).returning(ImportBatch.id)).scalar_one()


def run_upload(engine: Engine, batch_id: int, kind: str, path: str | Path, user: str, file_name: str,
               supplier_source: str | None = None, ip: str = "") -> None:
    """Run one uploaded file through the import pipeline into its job row, audit it, and remove the file.

    Runs in a thread of its own: it never raises; a crash is written to the job row as 'mislukt'.
    """
    def audit(conn: Connection, report: ImportReport) -> None:
        """Written with the final status, so the page never shows a finished import without its audit event."""
        action = "import" if report.ok else "import_rejected"
        record_event(conn, user, action, target=f"import {batch_id}",
                     detail=f"{kind}: {file_name} — {report.status}; {report.accepted} geaccepteerd, "
                            f"{len(report.rejections)} afgewezen", ip=ip)

    try:
        if supplier_source is not None:
            report = run_import(engine, "levering", path, restrict_to_source(supplier_source), user=user,
                                file_name=file_name, batch_id=batch_id, on_done=audit)
        else:
            report = import_file(engine, kind, path, user=user, file_name=file_name, batch_id=batch_id,
                                 on_done=audit)
        if report.batch_id is None:  # the file could not even be read
            with engine.begin() as conn:
                conn.execute(update(ImportBatch).where(ImportBatch.id == batch_id).values(
                    status="afgewezen", finished_at=utcnow(), rows_rejected=len(report.rejections),
                    message="; ".join(r.reason for r in report.rejections)[:2000]))
                audit(conn, report)
    except Exception as exc:  # noqa: BLE001 — a thread must leave a readable state behind, not a traceback
        with engine.begin() as conn:
            conn.execute(update(ImportBatch).where(ImportBatch.id == batch_id).values(
                status="mislukt", finished_at=utcnow(),
                message=f"interne fout tijdens de import: {type(exc).__name__}"))
            record_event(conn, user, "import_rejected", target=f"import {batch_id}",
                         detail=f"{kind}: {file_name} — mislukt ({type(exc).__name__})", ip=ip)
        return
    finally:
        Path(path).unlink(missing_ok=True)
    if report.status == "geaccepteerd":  # this thread is the upload's own: refresh here; pages read the old results
        from data_access.results.refresh import refresh_quietly

        refresh_quietly(engine)


def batches(conn: Connection, imported_by: str | None = None, limit: int = 50) -> pd.DataFrame:
    """Import batches, newest first; only one user's when `imported_by` is given (a supplier's own reports)."""
    stmt = select(ImportBatch.id, ImportBatch.kind, ImportBatch.file_name, ImportBatch.imported_by,
                  ImportBatch.started_at, ImportBatch.finished_at, ImportBatch.status, ImportBatch.rows_accepted,
                  ImportBatch.rows_rejected, ImportBatch.rows_skipped, ImportBatch.message)
    if imported_by is not None:
        stmt = stmt.where(ImportBatch.imported_by == imported_by)
    frame = pd.read_sql(stmt.order_by(ImportBatch.id.desc()).limit(limit), conn)
    return _mark_stale(frame)


def batch(conn: Connection, batch_id: int) -> dict | None:
    """One batch as a dict (with a stale 'bezig' shown as 'onderbroken'), None when unknown."""
    frame = pd.read_sql(select(ImportBatch.__table__).where(ImportBatch.id == batch_id), conn)
    if frame.empty:
        return None
    return _mark_stale(frame).iloc[0].to_dict()


def _mark_stale(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return frame
    stale = (frame["status"] == "bezig") & (pd.to_datetime(frame["started_at"]) < utcnow() - STALE_AFTER)
    frame.loc[stale, "status"] = "onderbroken"
    return frame


def rejected_rows(conn: Connection, batch_id: int) -> pd.DataFrame:
    """The rows an import refused: line, reason and (the start of) the row's content."""
    return pd.read_sql(select(RejectedRow.line.label("regel"), RejectedRow.reason.label("reden"),
                              RejectedRow.content.label("inhoud"))
                       .where(RejectedRow.batch_id == batch_id).order_by(RejectedRow.line), conn)


def may_read_batch(row: dict | None, role: str | None, email: str | None) -> bool:
    """Transitieteam and beheerder read every import report, a supplier only its own."""
    if row is None or role is None:
        return False
    if role in ("beheerder", "transitieteam"):
        return True
    return role == "leverancier" and row["imported_by"] == email
