"""The ranked list that opens /lerende-buurt: per programme buurt its learning partners, largest difference in
outcome first, with a small chart of their outcome lines (small multiples) and the same figures in words.

One page of cards at a time (`data_access.services.lerend_view`: a stored view-model, filtered for the viewer's
scope); anonymous visitors get nothing here (the page explains the login).
"""

from __future__ import annotations

from functools import lru_cache

import dash
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Input, Output, dcc, html

from callbacks.common import current_viewer, engine, page_after, per_store_version
from dashboard import ids
from data_access import learning
from data_access.services.lerend_view import ranked_view
from layouts.figures import COLORWAY, TEMPLATE, exportable, graph_config
from layouts.formatting import number, signed

TEXT = {
    "title": "Leerpartners per buurt",
    "intro": "Per programmabuurt de buurten die er het meest op lijken maar een duidelijk andere ontwikkeling van "
             "{outcome} ({unit}) hebben, grootste verschil eerst. De grafiekjes tonen de lijnen van de buurt en haar "
             "leerpartners; de lijst ernaast noemt dezelfde verschillen in woorden.",
    "better": "▲ {who} deed het beter",
    "diff": "verschil {diff} sinds de nulmeting",
    "none": "Nog geen leerpartners met een duidelijk verschil.",
    "status": "{n} programmabuurten met leerpartners",
    "page": " · pagina {page} van {pages}",
}
DASHES = ["solid", "dash", "dot", "dashdot"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up"]
HIDDEN = {"display": "none"}


@lru_cache(maxsize=1)
def _layout() -> dict:
    """The small multiples' layout with the template resolved, built once: a go.Figure per chart spent ~40 ms
    copying and validating the template (1.8 s for a list of 34 buurten)."""
    return go.Figure().update_layout(
        template=TEMPLATE, height=210, margin={"l": 40, "r": 8, "t": 8, "b": 8},
        legend={"orientation": "h", "y": -0.25, "font": {"size": 11}}, yaxis_title=None,
        xaxis={"showticklabels": False}).to_plotly_json()["layout"]


def small_multiple(lines: dict[str, dict], slugs: list[str], names: dict[str, str]) -> dict:
    """The outcome lines of one buurt (first) and its partners: colour, dash and marker differ, never colour alone."""
    data = []
    for i, slug in enumerate(slugs):
        line = lines.get(slug) or {"x": [], "y": []}
        data.append({"type": "scatter", "x": line["x"], "y": line["y"], "name": names.get(slug, slug),
                     "mode": "lines+markers", "line": {"color": COLORWAY[i % len(COLORWAY)], "dash": DASHES[i % 4],
                                                       "width": 3 if i == 0 else 2},
                     "marker": {"symbol": SYMBOLS[i % 4], "size": 5}})
    return {"data": data, "layout": _layout()}


def buurt_card(card: dict, lines: dict[str, dict]) -> dbc.Col:
    slug, name, ranked = card["slug"], card["name"], card["partners"]
    names = {slug: name} | {r["partner_code"]: r["partner_name"] for r in ranked}
    items = []
    for r in ranked:
        who = name if r["better"] == "self" else r["partner_name"]
        items.append(html.Li([
            html.A(r["partner_name"], href=f"/lerende-buurt?buurt={slug}&link={slug}|{r['partner_code']}"),
            html.Div(TEXT["diff"].format(diff=signed(r["difference"] * 100, 1, " procentpunt")),
                     className="small text-muted"),
            html.Div(TEXT["better"].format(who=who), className="small judge judge-better"),
        ], className="mb-1"))
    body = [html.H3(html.A(name, href=f"/buurt/{slug}"), className="h6")]
    if not ranked:
        body.append(html.P(TEXT["none"], className="small text-muted"))
    else:
        slugs = [slug] + [r["partner_code"] for r in ranked]
        body.append(dbc.Row([
            dbc.Col(html.Ol(items, className="small ps-3 mb-0 lerend-ranked-list"), xs=12, sm=5),
            dbc.Col(html.Figure(exportable(dcc.Graph(figure=small_multiple(lines, slugs, names),
                                                     config={**graph_config(f"leerpartners-{slug}"),
                                                             "displayModeBar": False}),
                                           f"leerpartners-{slug}"),
                                className="m-0", role="group",
                                **{"aria-label": f"Lijnen van {name} en haar leerpartners"}),
                    xs=12, sm=7),
        ], className="g-1"))
    return dbc.Col(dbc.Card(dbc.CardBody(body), className="h-100 lerend-ranked-card", id=f"lerend-ranked-{slug}"),
                   xs=12, lg=6, xxl=4)


@per_store_version
def update_ranked(indicator, buurt, page=1):  # noqa: ANN001, ANN201
    """One page of ranked partners per buurt (the one buurt when the filter is set), and the paging."""
    page = page_after(page, ids.LEREND_INDICATOR, ids.LEREND_BUURT)
    viewer = current_viewer()
    if viewer.anonymous:
        return None, 1, 1, HIDDEN
    with engine().connect() as conn:
        try:
            view = ranked_view(conn, viewer, indicator or learning.DEFAULT_OUTCOME, buurt, page)
        except ValueError:
            return None, 1, 1, HIDDEN
    if view["reason"]:
        return None, 1, 1, HIDDEN
    status = TEXT["status"].format(n=number(view["total"])) if view["total"] > 1 else ""
    if view["pages"] > 1:
        status += TEXT["page"].format(page=view["page"], pages=view["pages"])
    section = html.Section([
        html.H2(TEXT["title"], className="h4"),
        html.P(TEXT["intro"].format(outcome=view["indicator_name"].lower(), unit=view["unit"]),
               className="small text-muted"),
        html.P(status, className="small text-muted lerend-ranked-status") if status else None,
        dbc.Row([buurt_card(card, view["lines"]) for card in view["cards"]], className="g-2"),
    ], className="mb-2 lerend-ranked")
    return section, view["pages"], view["page"], None if view["pages"] > 1 else HIDDEN


def register(app: dash.Dash) -> None:
    app.callback(Output(ids.LEREND_RANKED, "children"), Output(ids.LEREND_RANKED_PAGE, "max_value"),
                 Output(ids.LEREND_RANKED_PAGE, "active_page"), Output(ids.LEREND_RANKED_PAGE, "style"),
                 Input(ids.LEREND_INDICATOR, "value"), Input(ids.LEREND_BUURT, "value"),
                 Input(ids.LEREND_RANKED_PAGE, "active_page"))(update_ranked)
