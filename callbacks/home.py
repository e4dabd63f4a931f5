"""Home page callbacks: one page of cards of programme buurten, with a search (1,000 buurten never all at once)."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, html

from callbacks.common import engine, per_store_version
from dashboard import ids
from data_access.services.programme_list import programme_page
from layouts.formatting import date_nl, number


@per_store_version
def programme_cards(_path: str | None, search: str | None = None, page: int | None = 1):  # noqa: ANN201
    try:
        if dash.ctx.triggered_id == ids.HOME_SEARCH:
            page = 1  # a new search starts at its first page
    except dash.exceptions.MissingCallbackContextException:  # called directly (tests)
        pass
    with engine().connect() as conn:
        view = programme_page(conn, search, page)
    cards = []
    for row in view["rows"]:
        badges = [dbc.Badge(f"cohort {row['cohort']}", color="secondary", className="me-1")]
        if row["provisional"]:
            badges.append(dbc.Badge("gebied voorlopig", color="warning", text_color="dark", className="me-1"))
        cards.append(dbc.Col(dbc.Card(dbc.CardBody([
            html.H2(html.A(row["name"], href=f"/buurt/{row['code']}"), className="h5"),
            html.P(f"{row['region']} · {row['alliance_partner']}", className="text-muted mb-1"),
            html.Div(badges),
            html.Small(f"{row['members']} CBS-gebied(en), start {date_nl(row['start_date'])}"),
        ])), xs=12, md=6, xl=3))
    text = f"{number(view['total'])} programmabuurten"
    if view["matching"] != view["total"]:
        text = f"{number(view['matching'])} van de {text} gevonden"
    if view["pages"] > 1:
        text += f" · pagina {view['page']} van {view['pages']}"
    status = html.P(text, className="text-muted")
    return cards, status, view["pages"], view["page"]


def register(app: dash.Dash) -> None:
    app.callback(Output(ids.HOME_BUURTEN, "children"), Output(ids.HOME_STATUS, "children"),
                 Output(ids.HOME_PAGE, "max_value"), Output(ids.HOME_PAGE, "active_page"),
                 Input(ids.URL, "pathname"), Input(ids.HOME_SEARCH, "value"),
                 Input(ids.HOME_PAGE, "active_page"))(programme_cards)
