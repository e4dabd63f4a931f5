"""Exports of best-practice stories as PNG or PDF (/export/best-practice/<id>.png|pdf).

The figure is built from the store on every request (title, story, interventions, contact and the live evidence
chart) and rendered by kaleido with the machine's Chromium, so it works offline. Published stories are for the
transitieteam, beheerders and buurtnetwerken; concept stories only for the transitieteam and beheerders.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app

from dashboard.auth import current_viewer

bp = Blueprint("exports", __name__, url_prefix="/export")
FORMATS = {"png": "image/png", "pdf": "application/pdf"}
BUSY = "De export lukte nu niet (de server is druk); probeer het over enkele seconden opnieuw."
TRIES = 2


def _rendered(figure, fmt: str) -> bytes | None:  # noqa: ANN001
    """The figure as `fmt`, or None when kaleido's Chromium failed twice: on a busy machine its page script is
    sometimes not loaded when kaleido calls it (JavascriptError "kaleido_scopes is not defined"); a second try
    starts a new page."""
    from kaleido import errors

    for attempt in range(TRIES):
        try:
            return figure.to_image(format=fmt, width=1600, height=900)
        except (errors.JavascriptError, errors.BrowserFailedError, errors.BrowserClosedError):
            current_app.logger.warning("Export met kaleido mislukt (poging %d van %d)", attempt + 1, TRIES,
                                       exc_info=True)
    return None


@bp.get("/best-practice/<int(max=2147483647):practice_id>.<fmt>")  # larger ids cannot exist: 404
def best_practice(practice_id: int, fmt: str) -> Response:
    from data_access.best_practices import is_team, load_practice, may_view, story_view
    from layouts.best_practice_figures import story_figure

    if fmt not in FORMATS:
        abort(404)
    viewer = current_viewer()
    if viewer.anonymous:
        abort(401)
    if not may_view(viewer):
        abort(403)
    with current_app.extensions["engine"].connect() as conn:
        practice = load_practice(conn, practice_id)
        if practice is None or (practice["status"] != "gepubliceerd" and not is_team(viewer)):
            abort(404)
        figure = story_figure(story_view(conn, practice, viewer), practice)
    body = _rendered(figure, fmt)
    if body is None:
        return Response(BUSY, status=503, mimetype="text/plain", headers={"Retry-After": "5"})
    return Response(body, mimetype=FORMATS[fmt], headers={
        "Content-Disposition": f'attachment; filename="best-practice-{practice_id}.{fmt}"'})
