"""Callbacks of /beheer/gebruikers: the user list, creating a user, and changing one (beheerder only)."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, ctx, html, no_update
from flask import request
from flask_login import current_user

from callbacks.common import engine
from dashboard import ids
from dashboard.security import ADMIN, Forbidden, require_role
from data_access import users as user_service
from data_access.models import utcnow
from data_access.services.admin import programme_choices, user_email
from layouts.formatting import time_nl

TEXT = {
    "created": "Gebruiker {email} is aangemaakt.",
    "one_time": "Eenmalig wachtwoord: ",
    "one_time_help": " Geef het veilig door (niet per gewone e-mail); het wordt niet opnieuw getoond en werkt maar "
                     "één keer: bij het inloggen kiest de gebruiker meteen een eigen wachtwoord.",
    "saved": "Wijzigingen opgeslagen voor {email}.",
    "nothing": "Er was niets gewijzigd.",
    "deactivated": "{email} is gedeactiveerd; open sessies zijn beëindigd.",
    "reactivated": "{email} is weer actief.",
    "unlocked": "{email} is gedeblokkeerd.",
    "reset": "Nieuw eenmalig wachtwoord voor {email}: ",
    "pick": "Kies eerst een gebruiker.",
    "active": "actief",
    "inactive": "gedeactiveerd",
    "locked": "geblokkeerd tot {until} UTC",
    "empty": "Nog geen gebruikers.",
    "headers": ["E-mailadres", "Naam", "Rol", "Buurten", "Bron", "Status"],
    "demo": " (demo)",
}


def _denied(exc: Forbidden) -> dbc.Alert:
    return dbc.Alert(exc.message, color="danger")


def _status(row) -> str:  # noqa: ANN001
    if not row["active"]:
        return TEXT["inactive"]
    locked = row["locked_until"]
    if locked is not None and not pd.isna(locked) and pd.Timestamp(locked) > pd.Timestamp(utcnow()):
        return TEXT["locked"].format(until=time_nl(locked))
    return TEXT["active"]


def _table(frame: pd.DataFrame) -> html.Div | dbc.Table:
    if frame.empty:
        return html.P(TEXT["empty"], className="text-muted")
    body = [
        html.Tr([
            html.Td(row["email"] + (TEXT["demo"] if row["demo"] else "")), html.Td(row["name"] or ""),
            html.Td(row["role"]), html.Td(", ".join(row["buurten"])), html.Td(row["supplier_source"] or ""),
            html.Td(_status(row)),
        ], id=ids.users_row(row["id"]))
        for _, row in frame.iterrows()
    ]
    return dbc.Table([html.Thead(html.Tr([html.Th(h) for h in TEXT["headers"]])), html.Tbody(body)],
                     striped=True, hover=True, responsive=True, size="sm")


def refresh(_version):  # noqa: ANN001, ANN201
    """The list of users and the options of every dropdown on the page."""
    try:
        require_role(*ADMIN)
    except Forbidden as exc:
        return _denied(exc), [], [], []
    with engine().connect() as conn:
        frame = user_service.list_users(conn)
        buurten = programme_choices(conn)
    user_options = [{"label": f"{r['email']} ({r['role']})", "value": int(r["id"])} for _, r in frame.iterrows()]
    buurt_options = [{"label": f"{name} ({slug})", "value": slug} for slug, name in buurten]
    return _table(frame), user_options, buurt_options, buurt_options


def create(n_clicks, email, name, role, buurten, source, version):  # noqa: ANN001, ANN201
    """Create a user; the one-time password is shown once, in this response only."""
    if not n_clicks:
        return no_update, no_update
    try:
        require_role(*ADMIN)
        with engine().begin() as conn:
            _, password = user_service.add_user(conn, current_user.email, email or "", role or "", name or "",
                                                buurten or [], source, ip=request.remote_addr or "")
    except Forbidden as exc:
        return _denied(exc), no_update
    except user_service.UserError as exc:
        return dbc.Alert(str(exc), color="danger"), no_update
    email = (email or "").strip().lower()
    return dbc.Alert([
        html.P(TEXT["created"].format(email=email), className="mb-1"),
        html.P([TEXT["one_time"], html.Code(password, className="fs-5"), TEXT["one_time_help"]], className="mb-0"),
    ], color="success"), (version or 0) + 1


def load_user(user_id, _version):  # noqa: ANN001, ANN201
    """Fill the edit form with the chosen user's role, buurten, source and status."""
    if user_id is None:
        return None, [], "", ""
    try:
        require_role(*ADMIN)
    except Forbidden:
        return no_update, no_update, no_update, no_update
    with engine().connect() as conn:
        frame = user_service.list_users(conn)
    rows = frame[frame["id"] == int(user_id)]
    if rows.empty:
        return None, [], "", ""
    row = rows.iloc[0]
    return row["role"], list(row["buurten"]), row["supplier_source"] or "", _status(row)


def change(_save, _deactivate, _reactivate, _unlock, _reset, user_id, role, buurten, source,
           version):  # noqa: ANN001, ANN201
    """Apply the button that was pressed to the chosen user."""
    action = ctx.triggered_id
    if action is None:
        return no_update, no_update
    try:
        require_role(*ADMIN)
        if not isinstance(user_id, int):
            return dbc.Alert(TEXT["pick"], color="warning"), no_update
        actor, ip = current_user.email, request.remote_addr or ""
        with engine().begin() as conn:
            email = user_email(conn, user_id)
            if email is None:
                raise user_service.UserError("Onbekende gebruiker.")
            if action == ids.USERS_EDIT_SAVE:
                done = user_service.update_user(conn, actor, user_id, role or "", buurten or [], source, ip=ip)
                message = TEXT["saved"].format(email=email) if done else TEXT["nothing"]
            elif action == ids.USERS_EDIT_DEACTIVATE:
                user_service.set_active(conn, actor, user_id, False, ip=ip)
                message = TEXT["deactivated"].format(email=email)
            elif action == ids.USERS_EDIT_REACTIVATE:
                user_service.set_active(conn, actor, user_id, True, ip=ip)
                message = TEXT["reactivated"].format(email=email)
            elif action == ids.USERS_EDIT_UNLOCK:
                user_service.unlock(conn, actor, user_id, ip=ip)
                message = TEXT["unlocked"].format(email=email)
            else:
                password = user_service.reset_password(conn, actor, user_id, ip=ip)
                message = [TEXT["reset"].format(email=email), html.Code(password, className="fs-5"),
                           TEXT["one_time_help"]]
    except Forbidden as exc:
        return _denied(exc), no_update
    except user_service.UserError as exc:
        return dbc.Alert(str(exc), color="danger"), no_update
    return dbc.Alert(message, color="success"), (version or 0) + 1


def register(app: dash.Dash) -> None:
    app.callback(Output(ids.USERS_TABLE, "children"), Output(ids.USERS_EDIT_USER, "options"),
                 Output(ids.USERS_NEW_BUURTEN, "options"), Output(ids.USERS_EDIT_BUURTEN, "options"),
                 Input(ids.USERS_VERSION, "data"))(refresh)
    app.callback(Output(ids.USERS_NEW_FEEDBACK, "children"), Output(ids.USERS_VERSION, "data"),
                 Input(ids.USERS_NEW_SUBMIT, "n_clicks"),
                 State(ids.USERS_NEW_EMAIL, "value"), State(ids.USERS_NEW_NAME, "value"),
                 State(ids.USERS_NEW_ROLE, "value"), State(ids.USERS_NEW_BUURTEN, "value"),
                 State(ids.USERS_NEW_SOURCE, "value"), State(ids.USERS_VERSION, "data"),
                 prevent_initial_call=True)(create)
    app.callback(Output(ids.USERS_EDIT_ROLE, "value"), Output(ids.USERS_EDIT_BUURTEN, "value"),
                 Output(ids.USERS_EDIT_SOURCE, "value"), Output(ids.USERS_EDIT_STATUS, "children"),
                 Input(ids.USERS_EDIT_USER, "value"), Input(ids.USERS_VERSION, "data"))(load_user)
    app.callback(Output(ids.USERS_EDIT_FEEDBACK, "children"), Output(ids.USERS_VERSION, "data", allow_duplicate=True),
                 Input(ids.USERS_EDIT_SAVE, "n_clicks"), Input(ids.USERS_EDIT_DEACTIVATE, "n_clicks"),
                 Input(ids.USERS_EDIT_REACTIVATE, "n_clicks"), Input(ids.USERS_EDIT_UNLOCK, "n_clicks"),
                 Input(ids.USERS_EDIT_RESET, "n_clicks"),
                 State(ids.USERS_EDIT_USER, "value"), State(ids.USERS_EDIT_ROLE, "value"),
                 State(ids.USERS_EDIT_BUURTEN, "value"), State(ids.USERS_EDIT_SOURCE, "value"),
                 State(ids.USERS_VERSION, "data"), prevent_initial_call=True)(change)
