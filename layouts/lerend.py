"""/lerende-buurt: the programme-wide network of learning partners (similar challenges, different outcomes).

Skeleton only; callbacks/lerend.py fills it. The state lives in the query string (?indicator=…&buurt=…&link=a|b),
so a copied link reproduces the view.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from layouts.figures import exportable, graph_config

TEXT = {
    "title": "Lerende buurt: leerpartners",
    "intro": "Buurten met vergelijkbare uitdagingen maar een duidelijk verschillende uitkomst sinds de nulmeting "
             "kunnen van elkaar leren. Een lijn verbindt twee programmabuurten die op elkaar lijken (kenmerken van "
             "de buurt en het niveau bij de nulmeting) én waarvan de verandering van de gekozen uitkomst meer "
             "verschilt dan toeval verklaart (het 95%-betrouwbaarheidsinterval van het verschil sluit 0 uit). "
             "Klik op het midden van een lijn, of kies een koppeling in de lijst, voor de uitleg.",
    "indicator": "Uitkomst",
    "buurt": "Alleen de koppelingen van",
    "buurt_placeholder": "alle programmabuurten",
    "link": "Koppeling",
    "link_placeholder": "Kies een koppeling voor de uitleg…",
    "loading": "Koppelingen worden berekend…",
    "network": "Het netwerk van koppelingen",
    "pick": "Kies een koppeling in het netwerk of in de lijst hierboven voor de uitleg.",
}


def pick_hint() -> html.P:
    """What the explanation card says before a link is chosen."""
    return html.P(TEXT["pick"], className="text-muted")


def layout(indicator: str | None = None, buurt: str | None = None, link: str | None = None,
           **_query) -> html.Div:
    """/lerende-buurt: outcome filter, the network, the explanation card and the list of links."""
    return html.Div([
        dcc.Store(id=ids.LEREND_QUERY, data={"indicator": indicator, "buurt": buurt, "link": link}),
        dcc.Store(id=ids.LEREND_URL_SYNC),
        html.H1(TEXT["title"]),
        html.P(TEXT["intro"], className="lead-sm"),
        dbc.Row([
            dbc.Col([dbc.Label(TEXT["indicator"], html_for=ids.LEREND_INDICATOR),
                     dcc.Dropdown(id=ids.LEREND_INDICATOR, clearable=False)], xs=12, md=6, lg=4),
            dbc.Col([dbc.Label(TEXT["buurt"], html_for=ids.LEREND_BUURT),
                     dcc.Dropdown(id=ids.LEREND_BUURT, clearable=True, placeholder=TEXT["buurt_placeholder"])],
                    xs=12, md=6, lg=4),
        ], className="g-3 mb-3"),
        dcc.Loading(html.Div(id=ids.LEREND_RANKED)),  # ranked partners per buurt (callbacks/lerend_ranked.py)
        dbc.Pagination(id=ids.LEREND_RANKED_PAGE, max_value=1, active_page=1, fully_expanded=False, first_last=True,
                       previous_next=True, style={"display": "none"}, className="mb-4"),
        html.H2(TEXT["network"], className="h4"),
        dcc.Loading([
            html.Div(id=ids.LEREND_SUMMARY, className="mb-2"),
            exportable(dcc.Graph(id=ids.LEREND_GRAPH, config=graph_config("lerend-netwerk"), style={"height": "560px"}),
                       "lerend-netwerk"),
        ]),
        dbc.Row([
            dbc.Col([dbc.Label(TEXT["link"], html_for=ids.LEREND_LINK),
                     dcc.Dropdown(id=ids.LEREND_LINK, clearable=True, placeholder=TEXT["link_placeholder"])],
                    xs=12, lg=8),
        ], className="g-3 mb-3"),
        dcc.Loading(html.Div(pick_hint(), id=ids.LEREND_CARD, className="mb-4")),
        html.Div(id=ids.LEREND_TABLE),
        dbc.Pagination(id=ids.LEREND_TABLE_PAGE, max_value=1, active_page=1, fully_expanded=False, first_last=True,
                       previous_next=True, style={"display": "none"}),
    ], className="lerend-page")


def title(**_query) -> str:
    return "Lerende buurt – Buurtdashboard"
