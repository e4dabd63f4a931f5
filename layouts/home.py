"""Home page (/): the programme buurten at a glance, with links to their pages (a page of cards at a time)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids


def layout(**_query) -> html.Div:
    return html.Div([
        html.H1("De buurt als ecosysteem"),
        html.P("Uitkomstendashboard van de programmabuurten: buurtbeeld, tweemaandelijkse uitkomsten en de lerende "
               "buurt.", className="lead"),
        html.Div(id=ids.HOME_START),  # the role's own starting points (callbacks/public.py)
        dbc.Row([
            dbc.Col([
                dbc.Label("Zoek een programmabuurt", html_for=ids.HOME_SEARCH, className="visually-hidden"),
                dbc.Input(id=ids.HOME_SEARCH, type="search", debounce=True,
                          placeholder="Zoek op naam, regio, alliantiepartner of cohort…"),
            ], xs=12, md=6),
        ], className="mb-2"),
        html.Div(id=ids.HOME_STATUS),
        dcc.Loading(dbc.Row(id=ids.HOME_BUURTEN, className="g-3")),
        dbc.Pagination(id=ids.HOME_PAGE, max_value=1, active_page=1, fully_expanded=False,
                       first_last=True, previous_next=True, className="mt-3"),
    ])
