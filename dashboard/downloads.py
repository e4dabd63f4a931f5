"""Downloads of the pages' tables and the review handout, for logged-in users (the guard sends anonymous visitors
to /login).

- /download/<table>.<csv|csv-nl|xlsx>?slug=…&review=…: tables uitkomsten, review and kpi (one programme buurt) and
  transitie (transitieteam and beheerder only). csv: codes as headers, comma and decimal point; csv-nl: Dutch
  headers, ";" and decimal comma (Excel NL); xlsx: Dutch headers, numbers as numbers. Every text cell is
  neutralised against spreadsheet formulas.
- /export/review/<slug>/<review>.pdf: the one-page review handout.

Every table comes from a data_access service that applies the same visibility and suppression as the page.
"""

from __future__ import annotations

import io

import pandas as pd
from flask import Blueprint, Response, abort, current_app, request

from dashboard.auth import current_viewer
from dashboard.security import Forbidden, authorised_programme
from data_access import periods
from data_access.export_safety import safe_frame
from data_access.table_exports import dutch_headers, kpi_table, review_table, transitie_table, uitkomsten_table

bp = Blueprint("downloads", __name__)
FORMATS = {"csv": "text/csv", "csv-nl": "text/csv",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
BUURT_TABLES = {"uitkomsten", "review", "kpi"}
TEAM_TABLES = {"transitie"}
SHEET_NAMES = {"uitkomsten": "Uitkomsten", "review": "Reviewsamenvatting", "kpi": "KPI", "transitie": "Transitie"}


def _engine():  # noqa: ANN202
    return current_app.extensions["engine"]


def _review(raw: str | None) -> str:
    if raw is None:
        return periods.last_delivered()
    if not periods.is_valid(raw):
        abort(400)
    return raw


def _programme(slug: str | None):  # noqa: ANN202
    try:
        return authorised_programme(slug).area
    except Forbidden:
        abort(404)


def table_bytes(frame: pd.DataFrame, fmt: str, sheet: str) -> bytes:
    """The frame as CSV (codes), Dutch CSV or XLSX, with every text cell neutralised."""
    if fmt == "csv":
        return safe_frame(frame).to_csv(index=False).encode("utf-8")
    dutch = safe_frame(dutch_headers(frame))
    if fmt == "csv-nl":
        return dutch.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")  # BOM: Excel reads UTF-8
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        dutch.to_excel(writer, index=False, sheet_name=sheet[:31])
        sheet_obj = writer.sheets[sheet[:31]]
        for i, column in enumerate(dutch.columns, start=1):  # readable widths, header row frozen
            width = max([len(str(column))] + [len(str(v)) for v in dutch[column].head(200)]) + 2
            sheet_obj.column_dimensions[sheet_obj.cell(row=1, column=i).column_letter].width = min(width, 60)
        sheet_obj.freeze_panes = "A2"
    return buffer.getvalue()


@bp.get("/download/<table>.<fmt>")
def download_table(table: str, fmt: str) -> Response:
    if fmt not in FORMATS or table not in BUURT_TABLES | TEAM_TABLES:
        abort(404)
    viewer = current_viewer()
    if viewer.anonymous:
        abort(401)
    name = table
    with _engine().connect() as conn:
        if table in TEAM_TABLES:
            if not viewer.sees_everything:
                abort(403)
            frame = transitie_table(conn)
        else:
            area = _programme(request.args.get("slug"))
            review = _review(request.args.get("review"))
            if table == "uitkomsten":
                frame = uitkomsten_table(conn, viewer, area, review)
            elif table == "review":
                frame = review_table(conn, viewer, area, review)
            else:
                frame = kpi_table(conn, viewer, area)
            name = f"{table}-{area.code}-{review}" if table != "kpi" else f"kpi-{area.code}"
    extension = "xlsx" if fmt == "xlsx" else "csv"
    return Response(table_bytes(frame, fmt, SHEET_NAMES[table]), mimetype=FORMATS[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}.{extension}"'})


@bp.get("/export/review/<slug>/<review>.pdf")
def review_handout(slug: str, review: str) -> Response:
    from data_access.review_summary import stored_review_summary
    from layouts.review_pdf import handout_pdf

    if current_viewer().anonymous:
        abort(401)
    area = _programme(slug)
    review = _review(review)
    with _engine().connect() as conn:
        summary = stored_review_summary(conn, current_viewer(), area, review)
    return Response(handout_pdf(summary), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="review-{area.code}-{review}.pdf"'})
