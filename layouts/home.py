"""Home page (/): the programme buurten at a glance, with links to their pages."""

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
        html.Div(id=ids.HOME_STATUS),
        dcc.Loading(dbc.Row(id=ids.HOME_BUURTEN, className="g-3")),
    ])
