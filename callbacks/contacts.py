"""The kartrekkers tab of /buurt/<slug>/netwerk: load and save the buurtnetwerk's contact list (versioned), and the
contact block shown next to learning partners and best practices.

Saving authorises inside the callback (members of this buurt, transitieteam, beheerder), as the other netwerk tabs
do; a crafted request for another buurt writes nothing but an audit line.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, html, no_update

from callbacks.common import area_code, as_int, current_viewer, engine
from callbacks.netwerk import (
    HIDDEN,
    SHOWN,
    _audit_saved,
    _author,
    _programme,
    _refuse,
    conflict_alert,
    saved_alert,
    when,
)
from dashboard import ids
from data_access import contacts, records
from data_access.models import NetworkContacts

MAX_TEXT = 4000
MSG = {
    "none": "Nog geen kartrekkers vastgelegd.",
    "invalid": "Niet opgeslagen: ",
    "version": "Versie {version}, opgeslagen door {who} op {when}.",
}


def contact_list(items: list[dict], heading: str | None = None) -> html.Div:
    """Names, roles and links (mailto:, tel:) of kartrekkers."""
    if not items:
        return html.Div(html.P(MSG["none"], className="small text-muted mb-0"), className="contact-card")
    lines = []
    for c in items:
        reach = []
        if c["email"]:
            reach.append(html.A(c["email"], href=f"mailto:{c['email']}"))
        if c["phone"]:
            reach += [" · " if reach else "", html.A(c["phone"], href="tel:" + c["phone"].replace(" ", ""))]
        lines.append(html.Li([html.Strong(c["name"]), f" ({c['role']})" if c["role"] else "", html.Br(), *reach]))
    return html.Div([html.Div(heading, className="small fw-semibold") if heading else None,
                     html.Ul(lines, className="list-unstyled small mb-0")], className="contact-card")


def load_contacts(data):  # noqa: ANN001, ANN201
    """The tab: current list, the text to edit (enabled for editors), the version state, save button, history."""
    viewer = current_viewer()
    with engine().connect() as conn:
        area = _programme(conn, data)
        if area is None or not contacts.may_see_contacts(viewer):
            return None, "", True, None, HIDDEN, None
        record = contacts.load_contacts(conn, area.programme_id)
    editable = records.may_edit(viewer, area.programme_id)
    text = record["kartrekkers"] if record else ""
    state = {"id": record["id"], "version": record["version"]} if record else {}
    history = MSG["version"].format(version=record["version"], who=record["updated_by"],
                                    when=when(record["updated_at"])) if record else None
    return (contact_list(contacts.parse_contacts(text)[0]), text, not editable, state,
            SHOWN if editable else HIDDEN, history)


def save_contacts(_clicks, data, state, text):  # noqa: ANN001, ANN201
    """Check the lines, authorise, save a new version (or show both texts when someone saved in between)."""
    text = (text if isinstance(text, str) else "")[:MAX_TEXT]
    parsed, problems = contacts.parse_contacts(text)
    if problems:
        return dbc.Alert(MSG["invalid"] + "; ".join(problems) + ".", color="warning"), no_update, no_update
    state = state if isinstance(state, dict) else {}
    viewer = current_viewer()
    with engine().begin() as conn:
        area = _programme(conn, data)
        if area is None or not records.may_edit(viewer, area.programme_id):
            return _refuse(conn, "network_contacts", area_code(data)), no_update, no_update
        result = contacts.save_contacts(conn, area.programme_id, text, as_int(state.get("version")),
                                        as_int(state.get("id")), _author())
        if result.ok:
            _audit_saved(conn, records.record_type(NetworkContacts), result.record, area.code)
    if result.ok:
        return (saved_alert(result.record), {"id": result.record["id"], "version": result.record["version"]},
                contact_list(parsed))
    if result.conflict:  # the next save starts from their version, so saving again keeps this text on top
        alert = conflict_alert([("kartrekkers", "Kartrekkers")], result.record, result.unsaved)
        return alert, {"id": result.record["id"], "version": result.record["version"]}, no_update
    return dbc.Alert("Er is niets opgeslagen; laad de pagina opnieuw.", color="warning"), no_update, no_update


def register(app: dash.Dash) -> None:
    app.callback(Output(ids.NETWERK_CONTACTS, "children"), Output(ids.NETWERK_CONTACTS_TEXT, "value"),
                 Output(ids.NETWERK_CONTACTS_TEXT, "disabled"), Output(ids.NETWERK_CONTACTS_STATE, "data"),
                 Output(ids.NETWERK_CONTACTS_SAVE, "style"), Output(ids.NETWERK_CONTACTS_HISTORY, "children"),
                 Input(ids.NETWERK_AREA, "data"))(load_contacts)
    app.callback(Output(ids.NETWERK_CONTACTS_MESSAGE, "children"),
                 Output(ids.NETWERK_CONTACTS_STATE, "data", allow_duplicate=True),
                 Output(ids.NETWERK_CONTACTS, "children", allow_duplicate=True),
                 Input(ids.NETWERK_CONTACTS_SAVE, "n_clicks"), State(ids.NETWERK_AREA, "data"),
                 State(ids.NETWERK_CONTACTS_STATE, "data"), State(ids.NETWERK_CONTACTS_TEXT, "value"),
                 prevent_initial_call=True)(save_contacts)
