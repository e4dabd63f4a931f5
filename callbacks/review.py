"""The review summary at the top of /buurt/<slug>/uitkomsten (data_access/review_summary.py → layouts/review.py).

Thin: resolve the buurt, ask the service for the viewer's view-model, render it. Anonymous visitors get nothing
here (the page already explains why the outcomes need a login).
"""

from __future__ import annotations

import dash
from dash import Input, Output

from callbacks.common import current_viewer, engine, per_store_version
from dashboard import ids
from data_access import periods, queries
from data_access.review_summary import stored_review_summary
from layouts.review import summary_section


@per_store_version
def update_summary(data, review):  # noqa: ANN001, ANN201
    """The summary card for the chosen review (None for unknown buurten, invalid reviews or anonymous viewers)."""
    code = (data or {}).get("code", "") if isinstance(data, dict) else ""
    if not isinstance(review, str) or not periods.is_valid(review) or not code or len(code) > 80:
        return None
    viewer = current_viewer()
    if viewer.anonymous:
        return None
    with engine().connect() as conn:
        area = queries.find_area(conn, code)
        if area is None or area.programme_id is None:
            return None
        summary = stored_review_summary(conn, viewer, area, review)
    if summary["empty"]:
        return None
    return summary_section(summary, area.code)


def register(app: dash.Dash) -> None:
    app.callback(Output(ids.UIT_REVIEW_SUMMARY, "children"), Input(ids.BUURT_AREA, "data"),
                 Input(ids.UIT_REVIEW, "value"))(update_summary)
