"""The menukaart (/menukaart): interventions per theme, the buurten that run them, and a descriptive comparison.

A skeleton only; `callbacks/menukaart.py` fills it.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from layouts.best_practices import TEXT


def layout(**_query) -> html.Div:
    return html.Div([
        html.H1(TEXT["menu_title"]),
        html.P(TEXT["menu_lead"], className="lead"),
        dcc.Loading(html.Div(id=ids.MENU_CONTENT)),
        html.H2(TEXT["menu_comparison"], className="h4 mt-4"),
        dbc.Alert(TEXT["menu_causal"], color="warning", className="py-2", id=ids.MENU_CAUSAL),
        dbc.Row(dbc.Col([html.Label(TEXT["indicator"], className="small"),
                         dcc.Dropdown(id=ids.MENU_INDICATOR, clearable=False)],
                        xs=12, md=6)),
        dcc.Loading(html.Div(id=ids.MENU_COMPARISON, className="mt-2")),
    ])
