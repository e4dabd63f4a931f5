"""Plain Flask views of the beheer pages: the rejected rows of an import as CSV (/beheer/upload/afgewezen/<id>.csv).

The request guard already requires an uploading role for /beheer/upload/...; a supplier reads only its own imports
(another's answers 404, so ids reveal nothing).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app
from flask_login import current_user

from dashboard.security import UPLOADERS, role_required
from data_access import uploads
from data_access.export_safety import safe_csv

bp = Blueprint("beheer", __name__)


@bp.get("/beheer/upload/afgewezen/<int(max=2147483647):batch_id>.csv")  # larger: 404, not a DB error
@role_required(*UPLOADERS)
def rejected_csv(batch_id: int) -> Response:
    """The rejected rows of one import: line, reason, content (';' and UTF-8 with BOM, for Excel)."""
    with current_app.extensions["engine"].connect() as conn:
        row = uploads.batch(conn, batch_id)
        if not uploads.may_read_batch(row, current_user.role, current_user.email):
            abort(404)
        frame = uploads.rejected_rows(conn, batch_id)
    body = safe_csv(frame, index=False, sep=";")
    return Response("\ufeff" + body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="afgewezen_import_{batch_id}.csv"'})
