"""Home page callbacks: cards per programme buurt."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, html

from callbacks.common import engine
from dashboard import ids
from data_access import queries
from layouts.formatting import number


def programme_cards(_path: str | None):  # noqa: ANN201
    with engine().connect() as conn:
        programme = queries.programme_buurten(conn)
    cards = []
    for row in programme.itertuples():
        badges = [dbc.Badge(f"cohort {row.cohort}", color="secondary", className="me-1")]
        if row.provisional:
            badges.append(dbc.Badge("gebied voorlopig", color="warning", text_color="dark", className="me-1"))
        cards.append(dbc.Col(dbc.Card(dbc.CardBody([
            html.H2(html.A(row.name, href=f"/buurt/{row.code}"), className="h5"),
            html.P(f"{row.region} · {row.alliance_partner}", className="text-muted mb-1"),
            html.Div(badges),
            html.Small(f"{len(row.members)} CBS-gebied(en), start {row.start_date:%d-%m-%Y}"),
        ])), xs=12, md=6, xl=3))
    status = html.P(f"{number(len(programme))} programmabuurten", className="text-muted")
    return cards, status


def register(app: dash.Dash) -> None:
    app.callback(Output(ids.HOME_BUURTEN, "children"), Output(ids.HOME_STATUS, "children"),
                 Input(ids.URL, "pathname"))(programme_cards)
