"""Buurtnetwerk page (/buurt/<slug>/netwerk): the network's own inputs for its buurt.

Tabs: the buurtbeeld story, the buurtagenda, the bimonthly review sessions, the adoption counts and the yearly
buurtverslag. A skeleton only: callbacks/netwerk.py fills it and decides, per request, whether the viewer may edit
(members of this buurt, transitieteam, beheerder) or only read.
"""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from data_access.menukaart import THEMES
from data_access.netwerk import MANDATORY_THEMES, REVIEW_FIELDS, SKIPPED, STATUSES, STORY_FIELDS  # noqa: F401
from layouts.buurt import _normalise, review_options, subnav

TEXT = {
    "title": "Buurtnetwerk",
    "tab_verhaal": "Buurtbeeld-verhaal",
    "tab_agenda": "Buurtagenda",
    "tab_reviews": "Reviewsessies",
    "tab_adoptie": "Adoptiecijfers",
    "tab_verslag": "Buurtverslag",
    "save": "Opslaan",
    "overwrite": "Mijn tekst opslaan als nieuwe versie",
    "history": "Eerdere versies",
    "history_placeholder": "Kies een versie om te bekijken…",
    "verhaal_help": "Het verhaal van het buurtnetwerk bij de cijfers van het buurtbeeld. Elke opgeslagen versie "
                    "blijft bewaard, met auteur en tijd.",
    "agenda_help": "Kies per thema interventies van de menukaart of een eigen interventie. Zorgzame buurt en Lerende "
                   "buurt zijn verplicht; slaat de buurt een ander thema over, leg dan vast waarom.",
    "theme": "Thema",
    "intervention": "Interventie",
    "own_title": "Naam eigen interventie",
    "start": "Startdatum",
    "status": "Status",
    "note": "Toelichting (bij een overgeslagen thema: de motivatie)",
    "new": "Nieuwe regel",
    "agenda_form": "Regel toevoegen of bewerken",
    "review_help": "Elke twee maanden bespreekt het buurtnetwerk het uitkomstendashboard. Leg vast wie er was, wat "
                   "opviel en welke acties zijn afgesproken.",
    "review_period": "Review",
    "held_on": "Datum bijeenkomst",
    "adoptie_help": "Aantallen die het buurtnetwerk zelf bijhoudt, per tweemaandelijkse periode. Ze gaan door "
                    "dezelfde controle als een aangeleverd CSV-bestand; een afgewezen regel wordt uitgelegd en er "
                    "wordt dan niets opgeslagen.",
    "period": "Periode",
    "adoptie_save": "Aantallen opslaan",
    "verslag_help": "Eens per jaar deelt het buurtnetwerk een buurtverslag met de bewoners: uw inleiding, de "
                    "buurtagenda en een paar kerncijfers (alleen openbare cijfers en de adoptiecijfers van de buurt "
                    "als geheel). Pas na publiceren is het verslag openbaar.",
    "year": "Jaar",
    "intro": "Inleiding voor de bewoners",
    "publish": "Gepubliceerd (openbaar zichtbaar)",
    "loading": "Gegevens worden geladen…",
}


def _hidden() -> dict:
    return {"display": "none"}


def _history_block(dropdown_id: str, old_id: str) -> html.Div:
    return html.Div([
        dbc.Label(TEXT["history"], html_for=dropdown_id, className="mt-3"),
        dcc.Dropdown(id=dropdown_id, placeholder=TEXT["history_placeholder"], clearable=True),
        html.Div(id=old_id, className="mt-2"),
    ], className="netwerk-history")


def _buttons(save_id: str, overwrite_id: str | None = None) -> html.Div:
    buttons = [dbc.Button(TEXT["save"], id=save_id, color="primary", className="me-2")]
    if overwrite_id:
        buttons.append(dbc.Button(TEXT["overwrite"], id=overwrite_id, color="warning", style=_hidden()))
    return html.Div(buttons, className="mt-3")


def verhaal_tab() -> html.Div:
    fields = [html.Div([
        dbc.Label(label, html_for=ids.NETWERK_VERHAAL_FIELD[name]),
        dbc.Textarea(id=ids.NETWERK_VERHAAL_FIELD[name], placeholder=hint, rows=4, disabled=True),
    ], className="mb-3") for name, label, hint in STORY_FIELDS]
    return html.Div([
        html.P(TEXT["verhaal_help"], className="text-muted"),
        dcc.Store(id=ids.NETWERK_VERHAAL_STATE),
        *fields,
        html.Div(id=ids.NETWERK_VERHAAL_MESSAGE, role="status"),
        _buttons(ids.NETWERK_VERHAAL_SAVE, ids.NETWERK_VERHAAL_OVERWRITE),
        _history_block(ids.NETWERK_VERHAAL_HISTORY, ids.NETWERK_VERHAAL_OLD),
    ], className="pt-3")


def agenda_tab() -> html.Div:
    form = dbc.Card(dbc.CardBody([
        dcc.Store(id=ids.NETWERK_AGENDA_STATE),
        html.H3(TEXT["agenda_form"], className="h6"),
        dbc.Row([
            dbc.Col([dbc.Label(TEXT["theme"], html_for=ids.NETWERK_AGENDA_THEME),
                     dcc.Dropdown(id=ids.NETWERK_AGENDA_THEME, options=[{"label": t, "value": c} for c, t in THEMES],
                                  clearable=False)], xs=12, md=4),
            dbc.Col([dbc.Label(TEXT["intervention"], html_for=ids.NETWERK_AGENDA_INTERVENTION),
                     dcc.Dropdown(id=ids.NETWERK_AGENDA_INTERVENTION, clearable=False)], xs=12, md=8),
        ], className="g-2"),
        dbc.Row([
            dbc.Col([dbc.Label(TEXT["own_title"], html_for=ids.NETWERK_AGENDA_TITLE),
                     dbc.Input(id=ids.NETWERK_AGENDA_TITLE, maxLength=200)], xs=12, md=6),
            dbc.Col([dbc.Label(TEXT["start"], html_for=ids.NETWERK_AGENDA_START),
                     dbc.Input(id=ids.NETWERK_AGENDA_START, type="date")], xs=6, md=3),
            dbc.Col([dbc.Label(TEXT["status"], html_for=ids.NETWERK_AGENDA_STATUS),
                     dcc.Dropdown(id=ids.NETWERK_AGENDA_STATUS, options=STATUSES, value="gepland",
                                  clearable=False)], xs=6, md=3),
        ], className="g-2 mt-1"),
        dbc.Label(TEXT["note"], html_for=ids.NETWERK_AGENDA_NOTE, className="mt-2"),
        dbc.Textarea(id=ids.NETWERK_AGENDA_NOTE, rows=2),
        html.Div(id=ids.NETWERK_AGENDA_MESSAGE, role="status", className="mt-2"),
        html.Div([dbc.Button(TEXT["save"], id=ids.NETWERK_AGENDA_SAVE, color="primary", className="me-2"),
                  dbc.Button(TEXT["new"], id=ids.NETWERK_AGENDA_NEW, color="secondary", outline=True)],
                 className="mt-3"),
    ]), id=ids.NETWERK_AGENDA_FORM, className="mb-3", style=_hidden())
    return html.Div([
        html.P(TEXT["agenda_help"], className="text-muted"),
        dcc.Store(id=ids.NETWERK_AGENDA_ITEMS),
        html.Div(id=ids.NETWERK_AGENDA_COVERAGE),
        html.Div(id=ids.NETWERK_AGENDA_LIST, className="mb-3"),
        form,
    ], className="pt-3")


def reviews_tab() -> html.Div:
    options = review_options()
    fields = [html.Div([
        dbc.Label(label, html_for=ids.NETWERK_REVIEW_FIELD[name]),
        dbc.Textarea(id=ids.NETWERK_REVIEW_FIELD[name], placeholder=hint, rows=3, disabled=True),
    ], className="mb-3") for name, label, hint in REVIEW_FIELDS]
    return html.Div([
        html.P(TEXT["review_help"], className="text-muted"),
        dcc.Store(id=ids.NETWERK_REVIEW_STATE),
        dbc.Row([
            dbc.Col([dbc.Label(TEXT["review_period"], html_for=ids.NETWERK_REVIEW_PERIOD),
                     dcc.Dropdown(id=ids.NETWERK_REVIEW_PERIOD, options=options,
                                  value=options[0]["value"] if options else None, clearable=False)], xs=12, md=6),
            dbc.Col([dbc.Label(TEXT["held_on"], html_for=ids.NETWERK_REVIEW_FIELD["held_on"]),
                     dbc.Input(id=ids.NETWERK_REVIEW_FIELD["held_on"], type="date", disabled=True)], xs=12, md=3),
        ], className="g-2 mb-3"),
        *fields,
        html.Div(id=ids.NETWERK_REVIEW_MESSAGE, role="status"),
        _buttons(ids.NETWERK_REVIEW_SAVE, ids.NETWERK_REVIEW_OVERWRITE),
        _history_block(ids.NETWERK_REVIEW_HISTORY, ids.NETWERK_REVIEW_OLD),
        html.H3("Alle reviews van deze buurt", className="h5 mt-4"),
        html.Div(id=ids.NETWERK_REVIEW_LIST),
    ], className="pt-3")


def adoptie_tab() -> html.Div:
    options = review_options()
    return html.Div([
        html.P(TEXT["adoptie_help"], className="text-muted"),
        dbc.Row(dbc.Col([dbc.Label(TEXT["period"], html_for=ids.NETWERK_ADOPTIE_PERIOD),
                         dcc.Dropdown(id=ids.NETWERK_ADOPTIE_PERIOD, options=options,
                                      value=options[0]["value"] if options else None, clearable=False)],
                        xs=12, md=6), className="mb-3"),
        html.Div(id=ids.NETWERK_ADOPTIE_FORM),
        html.Div(id=ids.NETWERK_ADOPTIE_MESSAGE, role="status", className="mt-2"),
        dbc.Button(TEXT["adoptie_save"], id=ids.NETWERK_ADOPTIE_SAVE, color="primary", className="mt-3",
                   style=_hidden()),
    ], className="pt-3")


def verslag_tab(today: dt.date | None = None) -> html.Div:
    year = (today or dt.date.today()).year
    return html.Div([
        html.P(TEXT["verslag_help"], className="text-muted"),
        dcc.Store(id=ids.NETWERK_VERSLAG_STATE),
        dbc.Row(dbc.Col([dbc.Label(TEXT["year"], html_for=ids.NETWERK_VERSLAG_YEAR),
                         dcc.Dropdown(id=ids.NETWERK_VERSLAG_YEAR, options=[year - i for i in range(3)],
                                      value=year, clearable=False)], xs=6, md=3), className="mb-3"),
        dbc.Label(TEXT["intro"], html_for=ids.NETWERK_VERSLAG_INTRO),
        dbc.Textarea(id=ids.NETWERK_VERSLAG_INTRO, rows=6, disabled=True),
        dbc.Switch(id=ids.NETWERK_VERSLAG_PUBLISHED, label=TEXT["publish"], value=False, disabled=True,
                   className="mt-2"),
        html.Div(id=ids.NETWERK_VERSLAG_MESSAGE, role="status", className="mt-2"),
        _buttons(ids.NETWERK_VERSLAG_SAVE, ids.NETWERK_VERSLAG_OVERWRITE),
    ], className="pt-3")


CONTACTS_TEXT = {
    "tab": "Kartrekkers",
    "help": "Wie zijn de kartrekkers van dit buurtnetwerk, en hoe bereiken andere buurten hen? Eén persoon per regel: "
            "naam; rol; e-mailadres; telefoon (e-mail of telefoon is genoeg). Ingelogde programmaleden zien deze "
            "gegevens bij leerpartners en best practices; bezoekers zonder login en leveranciers niet. Elke "
            "opgeslagen versie blijft bewaard.",
    "label": "Kartrekkers (naam; rol; e-mail; telefoon)",
    "placeholder": "Anna de Vries; wijkverpleegkundige; anna@voorbeeld.nl; 06 12345678",
}


def contacts_tab() -> html.Div:
    """The kartrekkers' names and contact details (callbacks/contacts.py)."""
    return html.Div([
        html.P(CONTACTS_TEXT["help"], className="text-muted"),
        dcc.Store(id=ids.NETWERK_CONTACTS_STATE),
        html.Div(id=ids.NETWERK_CONTACTS, className="mb-3"),
        dbc.Label(CONTACTS_TEXT["label"], html_for=ids.NETWERK_CONTACTS_TEXT),
        dbc.Textarea(id=ids.NETWERK_CONTACTS_TEXT, rows=5, disabled=True, placeholder=CONTACTS_TEXT["placeholder"]),
        html.Div(id=ids.NETWERK_CONTACTS_MESSAGE, role="status", className="mt-2"),
        html.Div(dbc.Button(TEXT["save"], id=ids.NETWERK_CONTACTS_SAVE, color="primary", style=_hidden()),
                 className="mt-3"),
        html.Div(id=ids.NETWERK_CONTACTS_HISTORY, className="small text-muted mt-2"),
    ], className="pt-3")


def layout(slug: str | None = None, **_query) -> html.Div:
    """/buurt/<slug>/netwerk: the network's story, agenda, reviews, adoption counts and buurtverslag."""
    slug = _normalise(slug)
    return html.Div([
        dcc.Store(id=ids.NETWERK_AREA, data={"kind": "buurt", "code": slug}),
        subnav(slug, "netwerk"),
        html.Div(id=ids.NETWERK_TITLE, children=html.P(TEXT["loading"])),
        dbc.Tabs([
            dbc.Tab(verhaal_tab(), label=TEXT["tab_verhaal"], tab_id="verhaal"),
            dbc.Tab(agenda_tab(), label=TEXT["tab_agenda"], tab_id="agenda"),
            dbc.Tab(reviews_tab(), label=TEXT["tab_reviews"], tab_id="reviews"),
            dbc.Tab(adoptie_tab(), label=TEXT["tab_adoptie"], tab_id="adoptie"),
            dbc.Tab(verslag_tab(), label=TEXT["tab_verslag"], tab_id="verslag"),
            dbc.Tab(contacts_tab(), label=CONTACTS_TEXT["tab"], tab_id="kartrekkers"),
        ], id=ids.NETWERK_TABS, active_tab="verhaal"),
    ], className="buurt-page netwerk-page")


def title(slug: str | None = None, **_query) -> str:
    return f"Buurtnetwerk {_normalise(slug)} – Buurtdashboard"
