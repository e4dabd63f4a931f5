"""Public pages for residents and anyone without a login: landing page (/publiek, and / for anonymous visitors),
the public profile of a programme buurt (/publiek/buurt/<slug>), indicator definitions (/indicatoren), and the
Dutch "Pagina niet gevonden" page. Skeletons only; callbacks/public.py fills them from public sources.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from layouts.buurt import area_name, beeld_body

TEXT = {
    "title": "De buurt als ecosysteem",
    "lead": "Hoe gaat het in uw buurt? Openbare cijfers over inwoners, gezondheid, zorg en voorzieningen voor elke "
            "buurt, wijk en gemeente in Nederland, en de buurten van het programma ‘De buurt als ecosysteem’, "
            "waarin wijkverpleging, huisartsen, gemeente en bewoners samen de zorg dichtbij organiseren.",
    "search": "Zoek een buurt, wijk of gemeente",
    "search_help": "Typ minstens twee letters van de naam of de CBS-code (bijvoorbeeld ‘Vijfhoek’ of ‘GM0392’).",
    "map": "Programmabuurten op de kaart",
    "list": "Programmabuurten",
    "reports": "Buurtverslagen",
    "reports_intro": "Elk jaar schrijft het buurtnetwerk een verslag voor de bewoners.",
    "more": "Meer weten",
    "definitions": "Wat betekenen de indicatoren?",
    "login": "Werkt u in een buurtnetwerk, het transitieteam of levert u gegevens? Log in voor de niet-openbare "
             "uitkomsten.",
    "public_note": "Openbaar profiel: alleen openbare bronnen (CBS, RIVM/GGD'en/CBS, Vektis). De uitkomsten van het "
                   "programma zijn niet openbaar.",
    "ind_title": "Indicatoren: wat meten we en hoe?",
    "ind_intro": "Elke indicator van het dashboard met zijn definitie, bron, wie er actie op onderneemt "
                 "(actiehouder), hoe vaak hij wordt gemeten, welke richting gunstig is, wanneer kleine aantallen "
                 "worden verborgen en het doel uit het monitoringsplan.",
    "not_found": "Pagina niet gevonden",
    "not_found_text": "Deze pagina bestaat niet of is (nog) niet openbaar. Misschien is het adres verkeerd "
                      "overgenomen.",
}


def _search_block() -> html.Section:
    return html.Section([
        dcc.Location(id=ids.PUBLIC_SEARCH_GO, refresh="callback-nav"),
        html.H2(dbc.Label(TEXT["search"], html_for=ids.PUBLIC_SEARCH, className="mb-0"), className="h4"),
        dcc.Dropdown(id=ids.PUBLIC_SEARCH, placeholder="Bijvoorbeeld: Vijfhoek, Haarlem of BU03920105…",
                     searchable=True, clearable=True, className="public-search"),
        dbc.FormText(TEXT["search_help"]),
    ], className="mb-4 public-search-block")


def landing_layout(**_query) -> html.Div:
    """The start page for residents: search, the programme buurten on a map and in a list, the reports."""
    return html.Div([
        html.H1(TEXT["title"]),
        html.P(TEXT["lead"], className="lead"),
        _search_block(),
        dbc.Row([
            dbc.Col(html.Section([html.H2(TEXT["map"], className="h4"),
                                  dcc.Loading(html.Div(id=ids.PUBLIC_MAP))]), xs=12, lg=7),
            dbc.Col(html.Section([html.H2(TEXT["list"], className="h4"),
                                  html.Div(id=ids.PUBLIC_LIST_STATUS, className="small text-muted"),
                                  dcc.Loading(html.Div(id=ids.PUBLIC_LIST)),
                                  dbc.Pagination(id=ids.PUBLIC_LIST_PAGE, max_value=1, active_page=1,
                                                 fully_expanded=False, first_last=True, previous_next=True,
                                                 className="mt-2")]), xs=12, lg=5),
        ], className="g-4 mb-4"),
        html.Section([
            html.H2(TEXT["reports"], className="h4"),
            html.P(TEXT["reports_intro"]),
            html.Div(id=ids.PUBLIC_REPORTS),
        ], className="mb-4"),
        html.Section([
            html.H2(TEXT["more"], className="h4"),
            html.Ul([
                html.Li(dcc.Link(TEXT["definitions"], href="/indicatoren")),
                html.Li(html.A("Alle gepubliceerde buurtverslagen", href="/verslag")),
                html.Li(html.A("Openbare gegevens als open data (API, JSON)", href="/api/v1/indicators")),
            ]),
            html.P([TEXT["login"], " ", html.A("Inloggen", href="/login")], className="text-muted"),
        ]),
    ], className="public-page")


def buurt_layout(slug: str | None = None, **_query) -> html.Div:
    """/publiek/buurt/<slug>: the buurtbeeld of a programme buurt from public sources only."""
    slug = (slug or "").strip().strip("/").lower()
    return html.Div([
        dcc.Store(id=ids.BUURT_AREA, data={"kind": "publiek", "code": slug}),
        dbc.Alert(TEXT["public_note"], color="light", className="small py-2 public-note"),
        beeld_body(),
        html.P(html.A("Buurtverslagen van de programmabuurten", href="/verslag"), className="mt-3"),
    ], className="buurt-page public-page")


def buurt_title(slug: str | None = None, **_query) -> str:
    name = area_name(slug)
    return f"{name} – openbaar profiel – Buurtdashboard" if name else "Onbekende buurt – Buurtdashboard"


def indicatoren_layout(**_query) -> html.Div:
    return html.Div([
        html.H1(TEXT["ind_title"]),
        html.P(TEXT["ind_intro"], className="lead"),
        dcc.Loading(html.Div(id=ids.INDICATOREN_TABLE)),
    ], className="public-page")


def not_found_layout(**_query) -> html.Div:
    return html.Div([
        html.H1(TEXT["not_found"]),
        html.P(TEXT["not_found_text"]),
        html.Ul([html.Li(dcc.Link("Naar de startpagina", href="/")),
                 html.Li(html.A("Gepubliceerde buurtverslagen", href="/verslag")),
                 html.Li(dcc.Link(TEXT["definitions"], href="/indicatoren"))]),
    ], className="public-page not-found")


def login_prompt(message: str, path: str) -> html.Div:
    """What an anonymous visitor sees instead of a page that needs a login."""
    return html.Div([
        html.H1("Inloggen nodig"),
        dbc.Alert([message, " ", html.A("Inloggen", href=f"/login?next={path or '/'}")], color="info"),
        html.P(dcc.Link("Naar de openbare startpagina", href="/")),
    ], className="login-prompt")
