"""Begroting tab of a programme buurt (/buurt/<slug>/begroting) and the Impact section of /transitie.

Skeletons only: callbacks/begroting.py fills them and decides per request what the viewer sees (the detail for the
buurt's own network, transitieteam and beheerder; totals per theme for other networks) and may do (edit and
submit: own network and transitieteam/beheerder; approve or send back: the transitieteam as begrotingscommissie).
"""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from data_access.menukaart import THEMES
from layouts.buurt import _normalise, subnav

HIDDEN = {"display": "none"}
TEXT = {
    "title": "Buurtbegroting",
    "lead": "Per thema de activiteiten uit de buurtagenda en de menukaart, met geplande kosten en uren per jaar. "
            "Het buurtnetwerk stelt de begroting op en dient haar in; de begrotingscommissie (transitieteam) keurt "
            "goed of stuurt terug met een toelichting. Elke opgeslagen versie blijft bewaard, met auteur en tijd.",
    "year": "Begrotingsjaar",
    "loading": "Gegevens worden geladen…",
    "form": "Activiteit toevoegen of bewerken",
    "pick": "Bewerk activiteit",
    "pick_placeholder": "Nieuwe activiteit (of kies er een om te bewerken)…",
    "theme": "Thema",
    "link": "Uit de buurtagenda of de menukaart",
    "link_placeholder": "Kies een regel van de agenda of een interventie…",
    "act_title": "Naam (eigen activiteit, of een toelichtende naam)",
    "costs": "Geplande kosten per jaar (€)",
    "hours": "Geplande uren per jaar",
    "note": "Toelichting",
    "save": "Activiteit opslaan",
    "delete": "Activiteit verwijderen",
    "workflow": "Status en beoordeling",
    "comment": "Toelichting van de begrotingscommissie (verplicht bij terugsturen)",
    "submit": "Begroting indienen",
    "approve": "Goedkeuren",
    "return": "Terugsturen",
    "history": "Geschiedenis van de begroting",
    "realisation": "Realisatie",
    "real_help": "Gerealiseerde kosten en uren per activiteit per periode (jaar, kwartaal of twee maanden), pas na "
                 "goedkeuring. Invoer hier en een CSV-bestand gaan door dezelfde controle; een afgewezen regel wordt "
                 "uitgelegd en er wordt dan niets opgeslagen.",
    "activity": "Activiteit",
    "period": "Periode (bv. 2026-Q1)",
    "real_costs": "Kosten (€)",
    "real_hours": "Uren",
    "real_save": "Realisatie opslaan",
    "upload": "of sleep een realisatie-CSV hierheen (kolommen buurt;activiteit;periode;kosten;uren;bron)",
    "impact": "Wat levert het op?",
}


def _years(today: dt.date | None = None) -> list[int]:
    year = (today or dt.date.today()).year
    return [year + 1, year, year - 1, year - 2]


def _form() -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.H3(TEXT["form"], className="h6"),
        dcc.Store(id=ids.BEGROTING_EDIT_STATE),
        dbc.Label(TEXT["pick"], html_for=ids.BEGROTING_EDIT_PICK),
        dcc.Dropdown(id=ids.BEGROTING_EDIT_PICK, placeholder=TEXT["pick_placeholder"], clearable=True),
        dbc.Row([
            dbc.Col([dbc.Label(TEXT["theme"], html_for=ids.BEGROTING_THEME),
                     dcc.Dropdown(id=ids.BEGROTING_THEME, options=[{"label": t, "value": c} for c, t in THEMES],
                                  clearable=False)], xs=12, md=4),
            dbc.Col([dbc.Label(TEXT["link"], html_for=ids.BEGROTING_LINK),
                     dcc.Dropdown(id=ids.BEGROTING_LINK, placeholder=TEXT["link_placeholder"])], xs=12, md=8),
        ], className="g-2 mt-1"),
        dbc.Row([
            dbc.Col([dbc.Label(TEXT["act_title"], html_for=ids.BEGROTING_ACT_TITLE),
                     dbc.Input(id=ids.BEGROTING_ACT_TITLE, maxLength=200)], xs=12, md=6),
            dbc.Col([dbc.Label(TEXT["costs"], html_for=ids.BEGROTING_COSTS),
                     dbc.Input(id=ids.BEGROTING_COSTS, type="number", min=0, step=100)], xs=6, md=3),
            dbc.Col([dbc.Label(TEXT["hours"], html_for=ids.BEGROTING_HOURS),
                     dbc.Input(id=ids.BEGROTING_HOURS, type="number", min=0, step=1)], xs=6, md=3),
        ], className="g-2 mt-1"),
        dbc.Label(TEXT["note"], html_for=ids.BEGROTING_NOTE, className="mt-2"),
        dbc.Textarea(id=ids.BEGROTING_NOTE, rows=2),
        html.Div(id=ids.BEGROTING_MESSAGE, role="status", className="mt-2"),
        html.Div([dbc.Button(TEXT["save"], id=ids.BEGROTING_SAVE, color="primary", className="me-2"),
                  dbc.Button(TEXT["delete"], id=ids.BEGROTING_DELETE, color="danger", outline=True)],
                 className="mt-3"),
    ]), id=ids.BEGROTING_FORM, className="mb-3", style=HIDDEN)


def _workflow() -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.H3(TEXT["workflow"], className="h6"),
        dbc.Label(TEXT["comment"], html_for=ids.BEGROTING_COMMENT, id="begroting-comment-label", style=HIDDEN),
        dbc.Textarea(id=ids.BEGROTING_COMMENT, rows=2, style=HIDDEN),
        html.Div([
            dbc.Button(TEXT["submit"], id=ids.BEGROTING_SUBMIT, color="primary", className="me-2", style=HIDDEN),
            dbc.Button(TEXT["approve"], id=ids.BEGROTING_APPROVE, color="success", className="me-2", style=HIDDEN),
            dbc.Button(TEXT["return"], id=ids.BEGROTING_RETURN, color="warning", style=HIDDEN),
        ], className="mt-2"),
        html.Div(id=ids.BEGROTING_WORKFLOW_MESSAGE, role="status", className="mt-2"),
        html.Details([html.Summary(TEXT["history"]), html.Div(id=ids.BEGROTING_HISTORY, className="mt-2")],
                     className="mt-3 small"),
    ]), id=ids.BEGROTING_WORKFLOW, className="mb-3", style=HIDDEN)


def _realisation() -> html.Div:
    form = dbc.Card(dbc.CardBody([
        dbc.Row([
            dbc.Col([dbc.Label(TEXT["activity"], html_for=ids.BEGROTING_REAL_ACTIVITY),
                     dcc.Dropdown(id=ids.BEGROTING_REAL_ACTIVITY, clearable=False)], xs=12, md=5),
            dbc.Col([dbc.Label(TEXT["period"], html_for=ids.BEGROTING_REAL_PERIOD),
                     dbc.Input(id=ids.BEGROTING_REAL_PERIOD, maxLength=10)], xs=4, md=2),
            dbc.Col([dbc.Label(TEXT["real_costs"], html_for=ids.BEGROTING_REAL_COSTS),
                     dbc.Input(id=ids.BEGROTING_REAL_COSTS, type="number", min=0)], xs=4, md=3),
            dbc.Col([dbc.Label(TEXT["real_hours"], html_for=ids.BEGROTING_REAL_HOURS),
                     dbc.Input(id=ids.BEGROTING_REAL_HOURS, type="number", min=0)], xs=4, md=2),
        ], className="g-2"),
        dbc.Button(TEXT["real_save"], id=ids.BEGROTING_REAL_SAVE, color="primary", className="mt-3"),
        dcc.Upload(html.Div(TEXT["upload"]), id=ids.BEGROTING_REAL_UPLOAD, className="begroting-upload mt-3",
                   accept=".csv,text/csv", max_size=2_000_000),
    ]), id=ids.BEGROTING_REAL_FORM, className="mb-2", style=HIDDEN)
    return html.Div([
        html.H2(TEXT["realisation"], className="h5 mt-4"),
        html.P(TEXT["real_help"], className="text-muted small"),
        form,
        html.Div(id=ids.BEGROTING_REAL_MESSAGE, role="status"),
        html.Div(id=ids.BEGROTING_REAL_TABLE),
    ])


def layout(slug: str | None = None, year: str | None = None, **_query) -> html.Div:
    """/buurt/<slug>/begroting: the budget of one year, its status and realisation, and what it freed."""
    slug = _normalise(slug)
    years = _years()
    chosen = int(year) if isinstance(year, str) and year.isdigit() and int(year) in years else years[1]
    return html.Div([
        dcc.Store(id=ids.BEGROTING_AREA, data={"kind": "buurt", "code": slug}),
        dcc.Store(id=ids.BEGROTING_STATE),
        subnav(slug, "begroting"),
        html.Div(id=ids.BEGROTING_TITLE, children=html.P(TEXT["loading"])),
        html.P(TEXT["lead"], className="text-muted"),
        dbc.Row([
            dbc.Col([dbc.Label(TEXT["year"], html_for=ids.BEGROTING_YEAR),
                     dcc.Dropdown(id=ids.BEGROTING_YEAR, options=years, value=chosen, clearable=False)],
                    xs=6, md=3),
            dbc.Col(html.Div(id=ids.BEGROTING_STATUS), xs=12, md=9, className="align-self-end"),
        ], className="g-3 mb-3"),
        dcc.Loading(html.Div(id=ids.BEGROTING_TABLE, className="mb-3")),
        dbc.Row([
            dbc.Col(_workflow(), xs=12, lg=5),  # first: when the form is hidden (approved), it stays at the left
            dbc.Col(_form(), xs=12, lg=7),
        ], className="g-3"),
        _realisation(),
        html.H2(TEXT["impact"], className="h5 mt-4"),
        dcc.Loading(html.Div(id=ids.BEGROTING_IMPACT)),
    ], className="buurt-page begroting-page")


def title(slug: str | None = None, **_query) -> str:
    from layouts.buurt import _title

    return _title(slug, "begroting")


IMPACT_PAGE = 25  # buurten per page of the per-buurt impact table


def impact_section() -> html.Div:
    """The Impact section of /transitie: programme, cohorts, buurten, scenarios against the plan (self-contained)."""
    return html.Div([
        html.H2("Impact in uren, FTE en euro's", className="h4 mt-4"),
        dcc.Loading(html.Div(id=ids.IMPACT_CONTENT)),
        html.H3("Per buurt: vrijgespeelde uren en kosten per uur", className="h6 mt-3"),
        dbc.Row([
            dbc.Col([
                dbc.Label("Zoek een buurt in de tabel", html_for=ids.IMPACT_SEARCH, className="visually-hidden"),
                dbc.Input(id=ids.IMPACT_SEARCH, type="search", debounce=True,
                          placeholder="Zoek op naam, code of cohort…"),
            ], xs=12, md=6),
            dbc.Col(html.Div([html.A("Alle buurten als CSV", href="/api/v1/programma/impact?format=csv",
                                     className="me-3"),
                              html.A("als Excel", href="/api/v1/programma/impact?format=xlsx")],
                             className="small pt-2"), xs=12, md=6),
        ], className="mb-2"),
        html.Div(id=ids.IMPACT_STATUS, className="small text-muted", **{"aria-live": "polite"}),
        dcc.Loading(html.Div(id=ids.IMPACT_BUURTEN)),
        dbc.Pagination(id=ids.IMPACT_PAGE, max_value=1, active_page=1, fully_expanded=False, first_last=True,
                       previous_next=True, className="mt-2"),
    ], id=ids.IMPACT_SECTION)
