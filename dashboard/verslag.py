"""Public buurtverslagen (/verslag and /verslag/<slug>/<year>): server-rendered, printable pages for residents.

Plain Flask + Jinja (no Dash): anonymous visitors may read a report once the buurtnetwerk published it; an
unpublished or unknown report is a 404. The figures come from `data_access.verslag` (public sources and
programme-level adoption counts, suppression applied).
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, render_template

from data_access import periods
from data_access.menukaart import THEMES
from data_access.netwerk import published_reports
from data_access.verslag import Figure, published_report
from layouts.formatting import number, percentage

bp = Blueprint("verslag", __name__, template_folder="templates")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
THEME_LABELS = dict(THEMES)


def figure_text(figure: Figure) -> str:
    """A figure in Dutch notation, or the reason it is not shown."""
    if figure.value is None:
        return figure.note or "niet beschikbaar"
    if figure.kind == "percentage":
        return percentage(figure.value, 1)
    if figure.kind == "count":
        return number(figure.value, 0)
    if figure.unit == "km":
        return f"{number(figure.value, 1)} km"
    return number(figure.value, 1)


def _period(period: str) -> str:
    try:
        return periods.label(period)
    except ValueError:
        return period


@bp.get("/verslag")
def index():  # noqa: ANN201
    with current_app.extensions["engine"].connect() as conn:
        reports = published_reports(conn)
    return render_template("verslag/list.html", reports=reports.to_dict("records"))


@bp.get("/verslag/<slug>/<int:year>")
def report(slug: str, year: int):  # noqa: ANN201
    if not SLUG.match(slug) or not 2000 <= year <= 2100:
        abort(404)
    with current_app.extensions["engine"].connect() as conn:
        content = published_report(conn, slug, year)
    if content is None:
        abort(404)
    frame = content.agenda
    agenda = frame.astype(object).where(frame.notna(), None).to_dict("records")  # NaN would print as "nan"
    return render_template("verslag/report.html", report=content, agenda=agenda, themes=THEME_LABELS,
                           figure_text=figure_text, period=_period)


@bp.get("/verslag/<path:_rest>")
def not_a_report(_rest: str):  # noqa: ANN201
    """Anything else under /verslag/ is not found (rather than Dash's page shell, which anonymous users may not get)."""
    abort(404)
