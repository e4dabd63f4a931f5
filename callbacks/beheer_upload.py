"""Callbacks of /beheer/upload: start an import in a thread, poll its job row, show the validation report.

Transitieteam and beheerder upload every kind; a leverancier only deliveries (`levering`) with its own source,
and sees only its own import reports.
"""

from __future__ import annotations

import base64
import binascii
import os
import tempfile
import threading
from pathlib import Path

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, html, no_update
from flask import request
from flask_login import current_user

from callbacks.common import engine
from dashboard import ids
from dashboard.security import UPLOADERS, Forbidden, require_role
from data_access import uploads
from layouts.formatting import number, time_nl

TEXT = {
    "no_file": "Kies eerst het soort bestand.",
    "kind_denied": "Dit soort bestand mag u niet uploaden.",
    "unreadable": "Het bestand kon niet worden gelezen; probeer het opnieuw.",
    "busy": "Bezig met verwerken van {name}… ({seconds} s)",
    "done": "Klaar: {name} is {status}.",
    "report_title": "Validatierapport van import {id}",
    "counts": "{accepted} regels geaccepteerd, {rejected} afgewezen, {skipped} overgeslagen.",
    "rejected_csv": "Afgewezen regels downloaden (CSV)",
    "more": "… en nog {n} regels afgewezen (de CSV bevat de eerste 1.000).",
    "headers": ["Import", "Bestand", "Soort", "Door", "Gestart (UTC)", "Status", "Geaccepteerd", "Afgewezen"],
    "reject_headers": ["Regel", "Reden"],
    "empty": "Nog geen imports.",
    "unknown_batch": "Dit importrapport bestaat niet of is niet van u.",
}
STATUS_COLORS = {"geaccepteerd": "success", "ongewijzigd": "secondary", "afgewezen": "danger", "mislukt": "danger",
                 "onderbroken": "warning", "bezig": "info"}
SHOWN_REJECTIONS = 50


def _viewer_scope() -> str | None:
    """None for roles that read every report, else the e-mail whose reports may be read."""
    return current_user.email if current_user.role == "leverancier" else None


def init_kinds(_job, current):  # noqa: ANN001, ANN201
    try:
        require_role(*UPLOADERS)
    except Forbidden:
        return [], None
    kinds = uploads.allowed_kinds(current_user.role)
    options = [{"label": uploads.KIND_LABELS[k], "value": k} for k in kinds]
    return options, current if current in kinds else (kinds[0] if kinds else None)


def list_batches(_job, _polling_stopped):  # noqa: ANN001, ANN201
    """The import reports this viewer may read (a supplier: only its own), newest first."""
    try:
        require_role(*UPLOADERS)
    except Forbidden as exc:
        return dbc.Alert(exc.message, color="danger"), []
    with engine().connect() as conn:
        frame = uploads.batches(conn, imported_by=_viewer_scope())
    if frame.empty:
        return html.P(TEXT["empty"], className="text-muted"), []
    rows = [html.Tr([
        html.Td(str(r.id)), html.Td(r.file_name), html.Td(r.kind), html.Td(r.imported_by),
        html.Td(time_nl(r.started_at)),
        html.Td(dbc.Badge(uploads.STATUS_LABELS.get(r.status, r.status), color=STATUS_COLORS.get(r.status, "light"))),
        html.Td(number(r.rows_accepted)), html.Td(number(r.rows_rejected)),
    ]) for r in frame.itertuples()]
    options = [{"label": f"{r.id}: {r.file_name} ({uploads.STATUS_LABELS.get(r.status, r.status)})", "value": int(r.id)}
               for r in frame.itertuples()]
    table = dbc.Table([html.Thead(html.Tr([html.Th(h) for h in TEXT["headers"]])), html.Tbody(rows)],
                      striped=True, hover=True, responsive=True, size="sm")
    return table, options


def start_upload(contents, file_name, kind):  # noqa: ANN001, ANN201
    """Write the upload to a temporary file, make the job row and start the import in a thread."""
    try:
        require_role(*UPLOADERS)
    except Forbidden as exc:
        return no_update, True, dbc.Alert(exc.message, color="danger")
    if not contents:
        return no_update, no_update, no_update
    if kind not in uploads.allowed_kinds(current_user.role):
        return no_update, True, dbc.Alert(TEXT["kind_denied"] if kind else TEXT["no_file"], color="danger")
    try:
        raw = base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (IndexError, ValueError, binascii.Error):
        return no_update, True, dbc.Alert(TEXT["unreadable"], color="danger")
    name = Path(file_name or "upload.csv").name[:200]
    handle, path = tempfile.mkstemp(prefix="upload-", suffix="-" + name.replace(os.sep, "_"))
    with os.fdopen(handle, "wb") as out:
        out.write(raw)
    db = engine()
    with db.begin() as conn:
        batch_id = uploads.create_pending_batch(conn, kind, name, current_user.email)
    source = current_user.supplier_source or "" if current_user.role == "leverancier" else None
    threading.Thread(target=uploads.run_upload, name=f"upload-{batch_id}", daemon=True,
                     args=(db, batch_id, kind, path, current_user.email, name, source,
                           request.remote_addr or "")).start()
    return {"batch": batch_id, "name": name}, False, dbc.Alert(TEXT["busy"].format(name=name, seconds=0),
                                                               color="info")


def poll(n_intervals, job):  # noqa: ANN001, ANN201
    """While the job row says 'bezig': show progress; then stop polling and show its report."""
    if not job or "batch" not in job:
        return no_update, True, no_update
    try:
        require_role(*UPLOADERS)
    except Forbidden as exc:
        return dbc.Alert(exc.message, color="danger"), True, no_update
    with engine().connect() as conn:
        row = uploads.batch(conn, int(job["batch"]))
    if not uploads.may_read_batch(row, current_user.role, current_user.email):
        return dbc.Alert(TEXT["unknown_batch"], color="danger"), True, no_update
    if row["status"] == "bezig":
        return dbc.Alert([dbc.Spinner(size="sm", spinner_class_name="me-2"),
                          TEXT["busy"].format(name=job.get("name", ""), seconds=n_intervals or 0)],
                         color="info"), False, no_update
    status = uploads.STATUS_LABELS.get(row["status"], row["status"])
    return dbc.Alert(TEXT["done"].format(name=row["file_name"], status=status),
                     color=STATUS_COLORS.get(row["status"], "secondary")), True, int(row["id"])


def show_report(batch_id):  # noqa: ANN001, ANN201
    """The validation report of one import: counts, message, the first rejected rows and the CSV link."""
    if batch_id is None:
        return None
    try:
        require_role(*UPLOADERS)
    except Forbidden as exc:
        return dbc.Alert(exc.message, color="danger")
    if not isinstance(batch_id, int):
        return dbc.Alert(TEXT["unknown_batch"], color="danger")
    with engine().connect() as conn:
        row = uploads.batch(conn, batch_id)
        if not uploads.may_read_batch(row, current_user.role, current_user.email):
            return dbc.Alert(TEXT["unknown_batch"], color="danger")
        rejected = uploads.rejected_rows(conn, batch_id)
    status = row["status"]
    parts = [
        html.H3(TEXT["report_title"].format(id=batch_id), className="h5"),
        html.P([dbc.Badge(uploads.STATUS_LABELS.get(status, status), color=STATUS_COLORS.get(status, "light"),
                          className="me-2"), f"{row['kind']}: {row['file_name']}"]),
        html.P(TEXT["counts"].format(accepted=number(row["rows_accepted"]),
                                     rejected=number(max(int(row["rows_rejected"] or 0), len(rejected))),
                                     skipped=number(row["rows_skipped"]))),
    ]
    if row["message"]:
        parts.append(html.P(row["message"], className="text-muted"))
    if not rejected.empty:
        href = dash.get_relative_path(f"/beheer/upload/afgewezen/{batch_id}.csv")
        parts.append(html.A(TEXT["rejected_csv"], href=href, className="btn btn-outline-secondary btn-sm mb-2",
                            id=ids.UPLOAD_REJECTED_CSV, download=f"afgewezen_import_{batch_id}.csv"))
        shown = rejected.head(SHOWN_REJECTIONS)
        parts.append(dbc.Table([
            html.Thead(html.Tr([html.Th(h) for h in TEXT["reject_headers"]])),
            html.Tbody([html.Tr([html.Td(str(r.regel)), html.Td(r.reden)]) for r in shown.itertuples()]),
        ], size="sm", striped=True))
        total = max(int(row["rows_rejected"] or 0), len(rejected))  # only the first 1,000 rows are stored
        if total > SHOWN_REJECTIONS:
            parts.append(html.P(TEXT["more"].format(n=number(total - SHOWN_REJECTIONS))))
    return dbc.Card(dbc.CardBody(parts))


def register(app: dash.Dash) -> None:
    app.callback(Output(ids.UPLOAD_KIND, "options"), Output(ids.UPLOAD_KIND, "value"),
                 Input(ids.UPLOAD_JOB, "data"), State(ids.UPLOAD_KIND, "value"))(init_kinds)
    app.callback(Output(ids.UPLOAD_BATCHES, "children"), Output(ids.UPLOAD_BATCH, "options"),
                 Input(ids.UPLOAD_JOB, "data"), Input(ids.UPLOAD_POLL, "disabled"))(list_batches)
    app.callback(Output(ids.UPLOAD_JOB, "data"), Output(ids.UPLOAD_POLL, "disabled"),
                 Output(ids.UPLOAD_STATUS, "children"),
                 Input(ids.UPLOAD_FILE, "contents"), State(ids.UPLOAD_FILE, "filename"),
                 State(ids.UPLOAD_KIND, "value"), prevent_initial_call=True)(start_upload)
    app.callback(Output(ids.UPLOAD_STATUS, "children", allow_duplicate=True),
                 Output(ids.UPLOAD_POLL, "disabled", allow_duplicate=True), Output(ids.UPLOAD_BATCH, "value"),
                 Input(ids.UPLOAD_POLL, "n_intervals"), State(ids.UPLOAD_JOB, "data"),
                 prevent_initial_call=True)(poll)
    app.callback(Output(ids.UPLOAD_REPORT, "children"), Input(ids.UPLOAD_BATCH, "value"))(show_report)
