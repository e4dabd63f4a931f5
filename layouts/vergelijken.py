"""/vergelijken: compare programme buurten and CBS areas on chosen indicators (dots with intervals, a funnel plot
of all programme buurten, a scatter of two indicators, the table and CSV downloads).

Skeleton only; callbacks/vergelijken.py fills it. The whole state is in the query string
(?gebieden=a,b&indicatoren=x,y&funnel=x&x=…&y=…), so a copied link reproduces the view.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from layouts.figures import exportable, graph_config

TEXT = {
    "title": "Vergelijken",
    "intro": "Zet programmabuurten en andere CBS-gebieden naast elkaar. Elke waarde staat met haar "
             "95%-betrouwbaarheidsinterval; de trechter (funnel) laat zien welke programmabuurten meer afwijken dan "
             "toeval verklaart.",
    "areas": "Gebieden",
    "areas_placeholder": "Kies of typ een programmabuurt, buurt, wijk of gemeente…",
    "indicators": "Indicatoren",
    "indicators_placeholder": "Kies indicatoren (per thema)…",
    "dots": "Waarden met 95%-interval",
    "funnel": "Trechter van alle programmabuurten",
    "funnel_indicator": "Indicator voor de trechter",
    "scatter": "Twee indicatoren tegen elkaar",
    "x": "Horizontaal",
    "y": "Verticaal",
    "table": "Tabel",
}


def _chart(graph_id: str, filename: str) -> dcc.Loading:
    """A chart with its PNG/SVG download bar, behind a loading indicator."""
    return dcc.Loading(exportable(dcc.Graph(id=graph_id, config=graph_config(filename)), filename))


def _query_list(value: str | None) -> list[str]:
    return [v for v in (value or "").split(",") if v.strip()][:20]


def layout(gebieden: str | None = None, indicatoren: str | None = None, funnel: str | None = None,
           x: str | None = None, y: str | None = None, **_query) -> html.Div:
    """/vergelijken: selection, charts, table and downloads."""
    query = {"gebieden": _query_list(gebieden), "indicatoren": _query_list(indicatoren), "funnel": funnel,
             "x": x, "y": y}
    return html.Div([
        dcc.Store(id=ids.VERGELIJK_QUERY, data=query),
        dcc.Store(id=ids.VERGELIJK_URL_SYNC),
        html.H1(TEXT["title"]),
        html.P(TEXT["intro"]),
        dbc.Row([
            dbc.Col([dbc.Label(TEXT["areas"], html_for=ids.VERGELIJK_AREAS),
                     dcc.Dropdown(id=ids.VERGELIJK_AREAS, multi=True, searchable=True,
                                  placeholder=TEXT["areas_placeholder"])], xs=12, lg=6),
            dbc.Col([dbc.Label(TEXT["indicators"], html_for=ids.VERGELIJK_INDICATORS),
                     dcc.Dropdown(id=ids.VERGELIJK_INDICATORS, multi=True, searchable=True,
                                  placeholder=TEXT["indicators_placeholder"])], xs=12, lg=6),
        ], className="g-3 mb-2"),
        html.Div(id=ids.VERGELIJK_MESSAGE),
        html.H2(TEXT["dots"], className="h5 mt-3"),
        _chart(ids.VERGELIJK_DOTS, "vergelijken-posities"),
        dbc.Row([
            dbc.Col([
                html.H2(TEXT["funnel"], className="h5 mt-3"),
                dbc.Label(TEXT["funnel_indicator"], html_for=ids.VERGELIJK_FUNNEL_INDICATOR),
                dcc.Dropdown(id=ids.VERGELIJK_FUNNEL_INDICATOR, clearable=False),
                _chart(ids.VERGELIJK_FUNNEL, "vergelijken-funnel"),
                html.P(id=ids.VERGELIJK_FUNNEL_NOTE, className="small text-muted vergelijk-funnel-note"),
            ], xs=12, xl=6),
            dbc.Col([
                html.H2(TEXT["scatter"], className="h5 mt-3"),
                dbc.Row([
                    dbc.Col([dbc.Label(TEXT["x"], html_for=ids.VERGELIJK_X),
                             dcc.Dropdown(id=ids.VERGELIJK_X, clearable=False)], xs=6),
                    dbc.Col([dbc.Label(TEXT["y"], html_for=ids.VERGELIJK_Y),
                             dcc.Dropdown(id=ids.VERGELIJK_Y, clearable=False)], xs=6),
                ], className="g-2"),
                _chart(ids.VERGELIJK_SCATTER, "vergelijken-spreiding"),
            ], xs=12, xl=6),
        ], className="g-4"),
        html.H2(TEXT["table"], className="h5 mt-3"),
        dcc.Loading([html.Div(id=ids.VERGELIJK_TABLE), html.Div(id=ids.VERGELIJK_DOWNLOADS, className="mt-2")]),
    ], className="vergelijk-page")


def title(**_query) -> str:
    return "Vergelijken – Buurtdashboard"
