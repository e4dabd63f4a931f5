"""Callbacks of the menukaart (/menukaart): the catalogue with the buurten per intervention and the comparison.

The catalogue is for every logged-in user; the comparison of outcomes (non-public deliveries, aggregated over
groups of programme buurten) for the transitieteam, beheerders and buurtnetwerken.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, html

from callbacks.best_practices import may_view
from callbacks.common import current_viewer, engine, per_store_version
from dashboard import ids
from data_access import best_practices as bp_service
from data_access import menukaart, queries
from layouts.formatting import number, signed

MSG = {
    "anonymous": "Log in om de menukaart te zien.",
    "denied": "De vergelijking van uitkomsten is er voor het transitieteam en de buurtnetwerken.",
    "none": "nog geen buurt",
    "no_data": "Nog geen uitkomstgegevens om te vergelijken.",
    "unknown": "Onbekende uitkomst.",
    "status": {"gepland": "gepland", "gestart": "gestart", "afgerond": "afgerond", "gestopt": "gestopt"},
}


MAX_LISTED = 8  # buurten named per intervention; at 1,000 buurten the rest is a count


def _buurten(part: pd.DataFrame) -> html.Ul | html.Span:
    if part.empty:
        return html.Span(MSG["none"], className="text-muted")
    items = []
    shown = part.sort_values("start_date", ascending=False, na_position="last").head(MAX_LISTED) \
        if len(part) > MAX_LISTED else part
    for row in shown.itertuples():
        start = f", sinds {row.start_date:%m-%Y}" if row.start_date is not None and not pd.isna(row.start_date) \
            else ""
        items.append(html.Li([html.A(row.buurt, href=f"/buurt/{row.slug}"),
                              html.Span(f" ({MSG['status'].get(row.status, row.status)}{start})",
                                        className="text-muted")]))
    if len(part) > MAX_LISTED:
        items.append(html.Li(f"en {number(len(part) - MAX_LISTED)} andere buurten", className="text-muted"))
    return html.Ul(items, className="mb-0 small")


@per_store_version
def update_catalogue(_path: str | None):  # noqa: ANN201
    """Interventions per theme, each with its description, its evidence and the buurten that run it."""
    viewer = current_viewer()
    if viewer.anonymous:
        return dbc.Alert(MSG["anonymous"], color="warning")
    with engine().connect() as conn:
        catalogue = menukaart.catalogue(conn)
        used = menukaart.usage(conn)
    if not used.empty:
        used["start_date"] = pd.to_datetime(used["start_date"])
    sections = []
    for theme, label in menukaart.THEMES:
        part = catalogue[catalogue["theme"] == theme]
        if part.empty:
            continue
        rows = []
        for row in part.itertuples():
            runs = used[used["code"] == row.code] if not used.empty else used
            rows.append(html.Tr([
                html.Td([html.Strong(row.name), html.Div(row.description, className="small"),
                         html.Div(row.evidence, className="small text-muted fst-italic")]),
                html.Td(_buurten(runs)),
            ], id=f"menu-row-{row.code}"))
        sections.append(html.Section([
            html.H2(label, className="h5 mt-3"),
            dbc.Table([html.Thead(html.Tr([html.Th("Interventie", style={"width": "60%"}),
                                           html.Th("Buurten")])), html.Tbody(rows)],
                      size="sm", bordered=False, hover=True, responsive=True),
        ]))
    return sections


def _mean_text(mean: float, low: float, high: float) -> str:
    if pd.isna(mean):
        return "–"
    text = signed(mean * 100, 1, "%")
    if not pd.isna(low):
        text += f" ({number(low * 100, 1)} tot {number(high * 100, 1)}%)"
    return text


@per_store_version
def update_comparison(indicator: str | None):  # noqa: ANN201
    viewer = current_viewer()
    if not may_view(viewer):
        return dbc.Alert(MSG["anonymous"] if viewer.anonymous else MSG["denied"], color="warning")
    if not indicator:
        return None
    with engine().connect() as conn:
        if indicator not in bp_service.OUTCOME_INDICATORS or indicator not in queries.indicator_codes(conn):
            return dbc.Alert(MSG["unknown"], color="warning")
        changes = menukaart.stored_outcome_changes(conn, indicator, viewer)
        table = menukaart.descriptive_comparison(changes, menukaart.usage(conn), menukaart.catalogue(conn))
    if changes.empty:
        return dbc.Alert(MSG["no_data"], color="info")
    header = html.Thead(html.Tr([html.Th("Interventie"), html.Th("Buurten met"), html.Th("Gem. verandering met"),
                                 html.Th("Buurten zonder"), html.Th("Gem. verandering zonder"),
                                 html.Th("Verschil (met − zonder)")]))
    body = [html.Tr([
        html.Td(row.name), html.Td(number(row.n_with)),
        html.Td(_mean_text(row.mean_with, row.low_with, row.high_with)), html.Td(number(row.n_without)),
        html.Td(_mean_text(row.mean_without, row.low_without, row.high_without)),
        html.Td(signed(row.difference * 100, 1, " %-punt") if not pd.isna(row.difference) else "–"),
    ], id=f"menu-cmp-{row.code}") for row in table.sort_values(["n_with", "code"], ascending=[False, True])
        .itertuples()]
    note = html.P(f"Verandering van de nulmeting tot de laatste geleverde periode, per programmabuurt; "
                  f"{number(len(changes))} buurten met gegevens. Een interventie telt als ‘met’ wanneer ze op de "
                  f"buurtagenda staat als gestart of afgerond.", className="small text-muted")
    return [note, dbc.Table([header, html.Tbody(body)], size="sm", hover=True, responsive=True,
                            id="menu-comparison-table")]


@per_store_version
def indicator_options(_path: str | None):  # noqa: ANN201
    """The outcome indicators, with the first chosen (set together: a dropdown drops a value it has no option for)."""
    if current_viewer().anonymous:
        return [], None
    with engine().connect() as conn:
        catalogue = queries.indicators(conn).set_index("code")
    options = [{"label": catalogue.at[c, "name"], "value": c} for c in bp_service.OUTCOME_INDICATORS
               if c in catalogue.index]
    return options, options[0]["value"] if options else None


def register(app: dash.Dash) -> None:
    app.callback(Output(ids.MENU_CONTENT, "children"), Input(ids.URL, "pathname"))(update_catalogue)
    app.callback(Output(ids.MENU_INDICATOR, "options"), Output(ids.MENU_INDICATOR, "value"),
                 Input(ids.URL, "pathname"))(indicator_options)
    app.callback(Output(ids.MENU_COMPARISON, "children"), Input(ids.MENU_INDICATOR, "value"))(update_comparison)
