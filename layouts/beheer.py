"""Beheer pages (skeletons): /beheer/gebruikers (users), /beheer/audit (audit log), /beheer/upload (imports).

Who may use them is checked by the request guard (full page loads) and again in every callback.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from data_access.access import ROLES
from data_access.audit import ACTIONS
from data_access.importers.common import MAX_UPLOAD_BYTES
from data_access.users import MAX_EMAIL_LENGTH, MAX_NAME_LENGTH, MAX_SOURCE_LENGTH

TEXT = {
    "users_title": "Gebruikers",
    "users_intro": "Maak accounts aan, wijs rollen en buurten toe en (de)activeer accounts. Elke wijziging komt in "
                   "het auditlog.",
    "new_title": "Nieuwe gebruiker",
    "email": "E-mailadres",
    "name": "Naam",
    "role": "Rol",
    "buurten": "Programmabuurten (alleen buurtnetwerk)",
    "source": "Bron (alleen leverancier, zoals in de kolom 'bron')",
    "create": "Aanmaken",
    "create_help": "Er wordt een eenmalig wachtwoord gemaakt en één keer getoond; bij de eerste keer inloggen "
                   "kiest de gebruiker een eigen wachtwoord.",
    "edit_title": "Gebruiker wijzigen",
    "pick_user": "Kies een gebruiker…",
    "save": "Opslaan",
    "deactivate": "Deactiveren",
    "reactivate": "Heractiveren",
    "unlock": "Deblokkeren",
    "reset": "Nieuw wachtwoord",
    "list_title": "Alle gebruikers",
    "audit_title": "Auditlog",
    "audit_intro": "Inloggen, mislukte pogingen, blokkades, uitloggen, imports en wijzigingen aan gebruikers; het "
                   "nieuwste eerst. De filters staan in de adresbalk, zodat een link dezelfde selectie toont.",
    "actor": "Wie (deel van het e-mailadres)",
    "action": "Actie",
    "since": "Vanaf datum",
    "all_actions": "Alle acties",
    "upload_title": "Gegevens uploaden",
    "upload_intro": "Kies het soort bestand en sleep het hierheen. Een bestand met één foute regel wordt in zijn "
                    "geheel afgewezen; het rapport noemt elke afgewezen regel met de reden.",
    "kind": "Soort bestand",
    "drop": "Sleep een bestand hierheen of ",
    "choose": "kies een bestand",
    "batches_title": "Importrapporten",
    "batch_pick": "Toon het rapport van een eerdere import…",
}
ACTION_OPTIONS = [{"label": label, "value": code} for code, label in ACTIONS.items()]
ROLE_OPTIONS = [{"label": role, "value": role} for role in ROLES]


def _field(label: str, component, md: int = 4) -> dbc.Col:  # noqa: ANN001
    return dbc.Col([dbc.Label(label, html_for=component.id), component], xs=12, md=md, className="mb-2")


def users_layout(**_query) -> html.Div:
    return html.Div([
        dcc.Store(id=ids.USERS_VERSION, data=0),
        html.H1(TEXT["users_title"]),
        html.P(TEXT["users_intro"], className="text-muted"),
        dbc.Card(dbc.CardBody([
            html.H2(TEXT["new_title"], className="h5"),
            dbc.Row([
                _field(TEXT["email"], dbc.Input(id=ids.USERS_NEW_EMAIL, type="email", autocomplete="off",
                                                        maxLength=MAX_EMAIL_LENGTH)),
                _field(TEXT["name"], dbc.Input(id=ids.USERS_NEW_NAME, type="text", autocomplete="off",
                                                       maxLength=MAX_NAME_LENGTH)),
                _field(TEXT["role"], dcc.Dropdown(id=ids.USERS_NEW_ROLE, options=ROLE_OPTIONS, value="buurtnetwerk",
                                                  clearable=False)),
                _field(TEXT["buurten"], dcc.Dropdown(id=ids.USERS_NEW_BUURTEN, multi=True), md=8),
                _field(TEXT["source"], dbc.Input(id=ids.USERS_NEW_SOURCE, type="text", maxLength=MAX_SOURCE_LENGTH)),
            ]),
            dbc.Button(TEXT["create"], id=ids.USERS_NEW_SUBMIT, color="primary"),
            dbc.FormText(TEXT["create_help"], className="ms-2"),
            html.Div(id=ids.USERS_NEW_FEEDBACK, className="mt-3"),
        ]), className="mb-4"),
        dbc.Card(dbc.CardBody([
            html.H2(TEXT["edit_title"], className="h5"),
            dbc.Row([
                _field(TEXT["email"], dcc.Dropdown(id=ids.USERS_EDIT_USER, placeholder=TEXT["pick_user"])),
                _field(TEXT["role"], dcc.Dropdown(id=ids.USERS_EDIT_ROLE, options=ROLE_OPTIONS, clearable=False)),
                _field(TEXT["source"], dbc.Input(id=ids.USERS_EDIT_SOURCE, type="text", maxLength=MAX_SOURCE_LENGTH)),
                _field(TEXT["buurten"], dcc.Dropdown(id=ids.USERS_EDIT_BUURTEN, multi=True), md=8),
                dbc.Col(html.Div(id=ids.USERS_EDIT_STATUS, className="pt-4"), xs=12, md=4),
            ]),
            html.Div([
                dbc.Button(TEXT["save"], id=ids.USERS_EDIT_SAVE, color="primary", className="me-2"),
                dbc.Button(TEXT["deactivate"], id=ids.USERS_EDIT_DEACTIVATE, color="danger", outline=True,
                           className="me-2"),
                dbc.Button(TEXT["reactivate"], id=ids.USERS_EDIT_REACTIVATE, color="success", outline=True,
                           className="me-2"),
                dbc.Button(TEXT["unlock"], id=ids.USERS_EDIT_UNLOCK, color="secondary", outline=True,
                           className="me-2"),
                dbc.Button(TEXT["reset"], id=ids.USERS_EDIT_RESET, color="warning", outline=True),
            ]),
            html.Div(id=ids.USERS_EDIT_FEEDBACK, className="mt-3"),
        ]), className="mb-4"),
        html.H2(TEXT["list_title"], className="h4"),
        dcc.Loading(html.Div(id=ids.USERS_TABLE)),
    ])


def audit_layout(actor: str = "", actie: str = "", sinds: str = "", **_query) -> html.Div:
    """Filters start from the URL (?actor=&actie=&sinds=); the callback validates them."""
    return html.Div([
        dcc.Store(id=ids.AUDIT_URL_SYNC),
        html.H1(TEXT["audit_title"]),
        html.P(TEXT["audit_intro"], className="text-muted"),
        dbc.Row([
            _field(TEXT["actor"], dbc.Input(id=ids.AUDIT_ACTOR, type="search", value=actor or "", debounce=True)),
            _field(TEXT["action"], dcc.Dropdown(id=ids.AUDIT_ACTION, options=ACTION_OPTIONS,
                                                value=actie if actie in ACTIONS else None,
                                                placeholder=TEXT["all_actions"])),
            _field(TEXT["since"], dcc.DatePickerSingle(id=ids.AUDIT_SINCE, date=sinds or None,
                                                       display_format="DD-MM-YYYY", clearable=True,
                                                       placeholder="Kies een datum", first_day_of_week=1)),
        ]),
        dcc.Loading(html.Div(id=ids.AUDIT_TABLE)),
    ])


def upload_layout(**_query) -> html.Div:
    return html.Div([
        dcc.Store(id=ids.UPLOAD_JOB),
        dcc.Interval(id=ids.UPLOAD_POLL, interval=1000, disabled=True),
        html.H1(TEXT["upload_title"]),
        html.P(TEXT["upload_intro"], className="text-muted"),
        dbc.Row([
            _field(TEXT["kind"], dcc.Dropdown(id=ids.UPLOAD_KIND, clearable=False), md=6),
        ]),
        dcc.Upload(id=ids.UPLOAD_FILE, children=html.Div([TEXT["drop"], html.A(TEXT["choose"], href="#")]),
                   className="upload-drop", max_size=MAX_UPLOAD_BYTES, multiple=False),
        html.Div(id=ids.UPLOAD_STATUS, className="mt-3"),
        html.Div(id=ids.UPLOAD_REPORT, className="mt-3"),
        html.H2(TEXT["batches_title"], className="h4 mt-4"),
        dcc.Dropdown(id=ids.UPLOAD_BATCH, placeholder=TEXT["batch_pick"], className="mb-2"),
        dcc.Loading(html.Div(id=ids.UPLOAD_BATCHES)),
    ])
