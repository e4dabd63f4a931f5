"""Callbacks of /beheer/audit: the filtered audit log (beheerder only); the filters live in the URL."""

from __future__ import annotations

import datetime as dt

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, html

from callbacks.common import engine
from dashboard import ids
from dashboard.security import ADMIN, Forbidden, require_role
from data_access.audit import ACTIONS, audit_events
from layouts.formatting import time_nl

LIMIT = 500
TEXT = {
    "headers": ["Tijd (UTC)", "Wie", "Actie", "Betreft", "Details", "IP-adres"],
    "count": "{n} gebeurtenissen",
    "count_limited": "de nieuwste {n} gebeurtenissen (verfijn de filters voor oudere)",
    "empty": "Geen gebeurtenissen met deze filters.",
    "bad_date": "Ongeldige datum; toon alles.",
    "anonymous": "(onbekend)",
}


def _since(value) -> dt.date | None:  # noqa: ANN001
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def update_audit(actor, action, since):  # noqa: ANN001, ANN201
    """The audit table for the filters; unknown actions and malformed dates are ignored, not queried."""
    try:
        require_role(*ADMIN)
    except Forbidden as exc:
        return dbc.Alert(exc.message, color="danger")
    actor = actor.strip()[:200] if isinstance(actor, str) else None
    action = action if action in ACTIONS else None
    start = _since(since)
    with engine().connect() as conn:
        frame = audit_events(conn, actor=actor or None, action=action, since=start, limit=LIMIT)
    notes = []
    if since and start is None:
        notes.append(dbc.Alert(TEXT["bad_date"], color="warning"))
    if frame.empty:
        return html.Div([*notes, html.P(TEXT["empty"], className="text-muted")])
    rows = [
        html.Tr([html.Td(time_nl(row.at, seconds=True)), html.Td(row.actor or TEXT["anonymous"]),
                 html.Td(ACTIONS.get(row.action, row.action), title=row.action), html.Td(row.target or ""),
                 html.Td(row.detail or ""), html.Td(row.ip or "")])
        for row in frame.itertuples()
    ]
    count = TEXT["count_limited" if len(frame) >= LIMIT else "count"].format(n=len(frame))
    return html.Div([
        *notes,
        html.P(count, className="text-muted small", id=ids.AUDIT_COUNT),
        dbc.Table([html.Thead(html.Tr([html.Th(h) for h in TEXT["headers"]])), html.Tbody(rows)],
                  striped=True, hover=True, responsive=True, size="sm"),
    ])


URL_SYNC_JS = """
function(actor, action, since) {
    // Keep the filters in the address bar without re-rendering the page (a copied link shows the same rows).
    const params = new URLSearchParams();
    if (actor) { params.set('actor', actor); }
    if (action) { params.set('actie', action); }
    if (since) { params.set('sinds', since.slice(0, 10)); }
    const query = params.toString();
    window.history.replaceState(window.history.state, '', window.location.pathname + (query ? '?' + query : ''));
    return query;
}
"""


def register(app: dash.Dash) -> None:
    app.callback(Output(ids.AUDIT_TABLE, "children"),
                 Input(ids.AUDIT_ACTOR, "value"), Input(ids.AUDIT_ACTION, "value"),
                 Input(ids.AUDIT_SINCE, "date"))(update_audit)
    app.clientside_callback(URL_SYNC_JS, Output(ids.AUDIT_URL_SYNC, "data"), Input(ids.AUDIT_ACTOR, "value"),
                            Input(ids.AUDIT_ACTION, "value"), Input(ids.AUDIT_SINCE, "date"),
                            prevent_initial_call=True)
