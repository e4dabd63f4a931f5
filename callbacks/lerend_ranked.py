"""The ranked list that opens /lerende-buurt: per programme buurt its learning partners, largest difference in
outcome first, with a small chart of their outcome lines (small multiples) and the same figures in words.

Reads `learning.learning_network` (the links) and `learning.outcome_series` (the lines), both filtered for the
viewer; anonymous visitors get nothing here (the page explains the login).
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, dcc, html

from callbacks.common import current_viewer, engine
from dashboard import ids
from data_access import learning, periods
from layouts.figures import COLORWAY, TEMPLATE, exportable, graph_config
from layouts.formatting import signed

TEXT = {
    "title": "Leerpartners per buurt",
    "intro": "Per programmabuurt de buurten die er het meest op lijken maar een duidelijk andere ontwikkeling van "
             "{outcome} ({unit}) hebben, grootste verschil eerst. De grafiekjes tonen de lijnen van de buurt en haar "
             "leerpartners; de lijst ernaast noemt dezelfde verschillen in woorden.",
    "better": "▲ {who} deed het beter",
    "diff": "verschil {diff} sinds de nulmeting",
    "none": "Nog geen leerpartners met een duidelijk verschil.",
}
DASHES = ["solid", "dash", "dot", "dashdot"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up"]
MAX_PARTNERS = 3


def small_multiple(series: pd.DataFrame, slugs: list[str], names: dict[str, str]) -> go.Figure:
    """The outcome lines of one buurt (first) and its partners: colour, dash and marker differ, never colour alone."""
    fig = go.Figure()
    for i, slug in enumerate(slugs):
        rows = series[series["slug"] == slug]
        fig.add_scatter(x=[periods.label(p) for p in rows["period"]], y=rows["value"], name=names.get(slug, slug),
                        mode="lines+markers", line={"color": COLORWAY[i % len(COLORWAY)], "dash": DASHES[i % 4],
                                                    "width": 3 if i == 0 else 2},
                        marker={"symbol": SYMBOLS[i % 4], "size": 5})
    fig.update_layout(template=TEMPLATE, height=210, margin={"l": 40, "r": 8, "t": 8, "b": 8},
                      legend={"orientation": "h", "y": -0.25, "font": {"size": 11}}, yaxis_title=None,
                      xaxis={"showticklabels": False})
    return fig


def buurt_card(slug: str, records: list[dict], series: pd.DataFrame, names: dict[str, str]) -> dbc.Col:
    ranked = sorted(records, key=lambda r: abs(r["difference"]), reverse=True)[:MAX_PARTNERS]
    items = []
    for r in ranked:
        who = names.get(slug, slug) if r["better"] == "self" else r["partner_name"]
        items.append(html.Li([
            html.A(r["partner_name"], href=f"/lerende-buurt?buurt={slug}&link={slug}|{r['partner_code']}"),
            html.Div(TEXT["diff"].format(diff=signed(r["difference"] * 100, 1, " procentpunt")),
                     className="small text-muted"),
            html.Div(TEXT["better"].format(who=who), className="small judge judge-better"),
        ], className="mb-1"))
    body = [html.H3(html.A(names.get(slug, slug), href=f"/buurt/{slug}"), className="h6")]
    if not ranked:
        body.append(html.P(TEXT["none"], className="small text-muted"))
    else:
        slugs = [slug] + [r["partner_code"] for r in ranked]
        body.append(dbc.Row([
            dbc.Col(html.Ol(items, className="small ps-3 mb-0 lerend-ranked-list"), xs=12, sm=5),
            dbc.Col(html.Figure(exportable(dcc.Graph(figure=small_multiple(series, slugs, names),
                                                     config={**graph_config(f"leerpartners-{slug}"),
                                                             "displayModeBar": False}),
                                           f"leerpartners-{slug}"),
                                className="m-0", role="group",
                                **{"aria-label": f"Lijnen van {names.get(slug, slug)} en haar leerpartners"}),
                    xs=12, sm=7),
        ], className="g-1"))
    return dbc.Col(dbc.Card(dbc.CardBody(body), className="h-100 lerend-ranked-card", id=f"lerend-ranked-{slug}"),
                   xs=12, lg=6, xxl=4)


def update_ranked(indicator, buurt):  # noqa: ANN001, ANN201
    """The ranked partners per buurt (one buurt when the filter is set)."""
    viewer = current_viewer()
    if viewer.anonymous:
        return None
    with engine().connect() as conn:
        try:
            result = learning.learning_network(conn, viewer, indicator or learning.DEFAULT_OUTCOME)
            series = learning.outcome_series(conn, viewer, result.indicator)
        except ValueError:
            return None
    if result.reason:
        return None
    names = dict(zip(result.buurten["slug"], result.buurten["name"], strict=True))
    slugs = [buurt] if buurt in names else sorted(
        (s for s in names if (result.links["slug"] == s).any()), key=lambda s: names[s])
    cards = [buurt_card(s, learning.partner_records(result, s), series, names) for s in slugs]
    return html.Section([
        html.H2(TEXT["title"], className="h4"),
        html.P(TEXT["intro"].format(outcome=result.indicator_name.lower(), unit=result.unit),
               className="small text-muted"),
        dbc.Row(cards, className="g-2"),
    ], className="mb-4 lerend-ranked")


def register(app: dash.Dash) -> None:
    app.callback(Output(ids.LEREND_RANKED, "children"), Input(ids.LEREND_INDICATOR, "value"),
                 Input(ids.LEREND_BUURT, "value"))(update_ranked)
