"""Callbacks of the public pages (landing page, definitions) and of the role's start block on the home page.

Every callback here may run for anonymous visitors (dashboard/public.py whitelists their outputs): they read only
public things — the programme list, area names and outlines, published reports, the indicator catalogue.
"""

from __future__ import annotations

import math

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, dcc, html

from callbacks.common import current_viewer, engine, per_store_version
from callbacks.maps import programme_map
from callbacks.shell import follow_search, update_search  # the navbar's search, reused on the landing page
from dashboard import ids, public
from data_access import queries
from data_access.menukaart import THEMES
from data_access.netwerk import published_reports
from data_access.privacy import DEFAULT_THRESHOLD
from layouts.buurt import review_options
from layouts.dutch import yes_no
from layouts.formatting import number, signed
from layouts.maps import rounded, with_outlines

GROUP_LABELS = {"context": "Context (openbare bronnen)", "adoptie": "Adoptie door de buurt",
                "kwaliteit": "Kwaliteit", "effectiviteit": "Effectiviteit"}
POLARITY = {"higher_is_better": "hoger is beter", "lower_is_better": "lager is beter",
            "neutral": "geen goede of slechte richting"}
THEME_LABELS = dict(THEMES)
LIST_PAGE = 24  # buurten per page of the landing page's list (the search finds the others)
MARKER = "#0072B2"  # Okabe–Ito blue, as the buurtbeeld's "better" (no judgement here: one colour, one shape)


# ---------------------------------------------------------------- landing page

@per_store_version
def landing_map(_path: str | None):  # noqa: ANN201
    """Programme buurten as points on the gemeente outlines (no tile server), with the list beside it: the stored
    map of /transitie (`callbacks.maps`), as a plain figure dict."""
    with engine().connect() as conn:
        programme = queries.programme_buurten(conn)
        outlines, locations = programme_map(conn)
        reports = published_reports(conn)
    points = programme.merge(locations, on="programme_id", how="inner")
    figure = None
    if outlines and not points.empty:
        fig = {"data": [{
            "type": "scatter", "x": rounded(points["x"]), "y": rounded(points["y"]), "mode": "markers",
            "name": "programmabuurt", "text": points["name"].tolist(), "customdata": points["code"].tolist(),
            "hovertemplate": "%{text}<extra></extra>",
            "marker": {"size": 11 if len(points) <= 100 else 6, "color": MARKER, "symbol": "circle",
                       "line": {"color": "#ffffff", "width": 1}}}],
            "layout": with_outlines({"height": 460, "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
                                     "plot_bgcolor": "white", "paper_bgcolor": "white", "showlegend": False,
                                     "dragmode": "pan", "xaxis": {"visible": False},
                                     "yaxis": {"visible": False, "scaleanchor": "x", "scaleratio": 1}}, outlines)}
        figure = html.Figure([
            dcc.Graph(id="publiek-map-graph", figure=fig, config={"displayModeBar": False, "scrollZoom": False},
                      className="public-map-graph"),
            html.Figcaption(f"Kaart van Nederland met de {number(len(points))} programmabuurten als stip. Grenzen: "
                            "CBS/Kadaster 2024. De lijst ernaast toont dezelfde buurten, een pagina tegelijk.",
                            className="small text-muted"),
        ], role="group", className="m-0", **{"aria-label": "Kaart: de programmabuurten in Nederland"})
    if figure is None:
        figure = html.P("De kaart is er zodra de CBS-gemeentegrenzen zijn geïmporteerd; de lijst toont de buurten.",
                        className="text-muted")
    return figure, report_links(reports)


@per_store_version
def landing_list(_path: str | None, page: int | None = 1):  # noqa: ANN201
    """One page of the programme list (at 1,000 buurten the whole list was thousands of components, never drawn)."""
    with engine().connect() as conn:
        programme = queries.programme_buurten(conn)
        reports = published_reports(conn)
    pages = max(1, math.ceil(len(programme) / LIST_PAGE))
    page = min(max(1, int(page or 1)), pages)
    status = f"{number(len(programme))} programmabuurten, op naam" + (f" · pagina {page} van {pages}" if pages > 1
                                                                      else "")
    return programme_list(programme, reports, page), status, pages, page


def programme_list(programme: pd.DataFrame, reports: pd.DataFrame, page: int = 1) -> html.Div:
    """One page of programme buurten (by name) with its public profile and its newest published report."""
    if programme.empty:
        return html.P("Er zijn nog geen programmabuurten.", className="text-muted")
    newest = reports.groupby("slug")["year"].max() if not reports.empty else pd.Series(dtype=int)
    rows = []
    part = programme.sort_values(["name", "code"]).iloc[(page - 1) * LIST_PAGE: page * LIST_PAGE]
    for row in part.itertuples():
        report = html.A(f"verslag {int(newest[row.code])}", href=f"/verslag/{row.code}/{int(newest[row.code])}") \
            if row.code in newest.index else ""
        rows.append(html.Tr([
            html.Th(dcc.Link(row.name, href=f"/publiek/buurt/{row.code}"), scope="row"),
            html.Td(row.region or ""), html.Td(report),
        ], className="public-row"))
    return html.Div(dbc.Table([html.Thead(html.Tr([html.Th("Buurt", scope="col"), html.Th("Regio", scope="col"),
                                                   html.Th("Buurtverslag", scope="col")])),
                               html.Tbody(rows)], size="sm", hover=True, className="public-list mb-0"),
                    className="public-list-scroll", tabIndex=0, role="region",
                    **{"aria-label": "Lijst van programmabuurten"})


def report_links(reports: pd.DataFrame) -> html.Div:
    if reports.empty:
        return html.P("Er is nog geen buurtverslag gepubliceerd.", className="text-muted")
    return html.Ul([html.Li(html.A(f"{r.name} – {r.year}", href=f"/verslag/{r.slug}/{r.year}"))
                    for r in reports.itertuples()], className="public-reports")


# ---------------------------------------------------------------- indicator definitions

def suppression_text(row) -> str:  # noqa: ANN001
    if pd.notna(row.suppression_threshold):
        return f"verborgen bij tellers of noemers onder {number(row.suppression_threshold)}"
    if bool(row.public):
        return "de bron publiceert al beschermd (afgerond of onderdrukt)"
    return f"verborgen bij tellers of noemers onder {DEFAULT_THRESHOLD}"


def target_text(row) -> str:  # noqa: ANN001
    if pd.isna(row.target_value):
        return "–"
    short = signed(row.target_value * 100, 0, "%")
    return f"{short}: {row.target_description}" if isinstance(row.target_description, str) and \
        row.target_description else short


@per_store_version
def indicator_table(_path: str | None):  # noqa: ANN201
    """Every catalogue entry with every field a reader needs, grouped as the dashboard groups them."""
    with engine().connect() as conn:
        catalogue = queries.indicators(conn)
    if catalogue.empty:
        return html.P("De indicatorcatalogus is leeg.", className="text-muted")
    sections = [html.Nav(html.Ul([html.Li(html.A(label, href=f"#groep-{group}")) for group, label in
                                  GROUP_LABELS.items() if (catalogue["group"] == group).any()],
                                 className="list-inline"), **{"aria-label": "Groepen"}, className="mb-3")]
    heads = ["Indicator", "Definitie", "Bron", "Actiehouder", "Frequentie", "Richting", "Kleine aantallen", "Doel",
             "Openbaar"]
    for group, label in GROUP_LABELS.items():
        part = catalogue[catalogue["group"] == group]
        if part.empty:
            continue
        rows = []
        for row in part.itertuples():
            themes = ", ".join(THEME_LABELS.get(t.strip(), t.strip().replace("_", " "))
                               for t in str(row.theme or "").split(",") if t.strip())
            rows.append(html.Tr([
                html.Th([html.Span(row.name, className="fw-semibold"),
                         html.Div(f"{row.code} · {row.unit}", className="small text-muted"),
                         html.Div(themes, className="small text-muted")], scope="row"),
                html.Td(row.description or "–"), html.Td(row.source or "–"), html.Td(row.actiehouder or "–"),
                html.Td(row.frequency or "–"), html.Td(POLARITY.get(row.polarity, row.polarity or "–")),
                html.Td(suppression_text(row)), html.Td(target_text(row)), html.Td(yes_no(row.public)),
            ], id=f"indicator-{row.code}", className="indicator-row"))
        sections.append(html.Section([
            html.H2(f"{label} ({number(len(part))})", className="h4 mt-4", id=f"groep-{group}"),
            dbc.Table([html.Thead(html.Tr([html.Th(h, scope="col") for h in heads])), html.Tbody(rows)],
                      size="sm", hover=True, responsive=True, className="indicator-table"),
        ]))
    return sections


# ---------------------------------------------------------------- the role's start on the home page

@per_store_version
def home_start(_path: str | None):  # noqa: ANN201
    """Where this role usually starts: its own buurt's review, the overview with late deliveries, its uploads."""
    viewer = current_viewer()
    if viewer.anonymous:
        return None
    options = review_options()
    review = options[0]["value"] if options else None
    links = []
    if viewer.role == "buurtnetwerk" and viewer.programme_ids:
        with engine().connect() as conn:
            programme = queries.programme_buurten(conn)
        own = programme[programme["programme_id"].isin(viewer.programme_ids)].sort_values("name")
        for row in own.itertuples():
            links.append(dcc.Link(f"{row.name}: uitkomsten bij review {review}" if review else row.name,
                                  href=f"/buurt/{row.code}/uitkomsten" + (f"?review={review}" if review else ""),
                                  className="btn btn-primary me-2 mb-2"))
    else:
        target = public.start_path(viewer)
        label = {"/transitie": "Programma-overzicht met late leveringen",
                 "/beheer/upload": "Mijn leveringen en importrapporten"}.get(target)
        if label:
            links.append(dcc.Link(label, href=target, className="btn btn-primary me-2 mb-2"))
    if not links:
        return None
    return dbc.Card(dbc.CardBody([html.H2("Verder waar u was", className="h5"), html.Div(links)]),
                    className="mb-3 home-start")


def register(app: dash.Dash) -> None:
    app.callback(Output(ids.PUBLIC_MAP, "children"), Output(ids.PUBLIC_REPORTS, "children"),
                 Input(ids.URL, "pathname"))(landing_map)
    app.callback(Output(ids.PUBLIC_LIST, "children"), Output(ids.PUBLIC_LIST_STATUS, "children"),
                 Output(ids.PUBLIC_LIST_PAGE, "max_value"), Output(ids.PUBLIC_LIST_PAGE, "active_page"),
                 Input(ids.URL, "pathname"), Input(ids.PUBLIC_LIST_PAGE, "active_page"))(landing_list)
    app.callback(Output(ids.PUBLIC_SEARCH, "options"), Input(ids.PUBLIC_SEARCH, "search_value"),
                 State(ids.PUBLIC_SEARCH, "value"))(update_search)
    app.callback(Output(ids.PUBLIC_SEARCH_GO, "href"), Input(ids.PUBLIC_SEARCH, "value"),
                 prevent_initial_call=True)(follow_search)
    app.callback(Output(ids.INDICATOREN_TABLE, "children"), Input(ids.URL, "pathname"))(indicator_table)
    app.callback(Output(ids.HOME_START, "children"), Input(ids.URL, "pathname"))(home_start)
