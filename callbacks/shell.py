"""Navigation bar: the buurt search (programme buurten, CBS buurten, wijken and gemeenten) and the user."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, html, no_update

from callbacks.common import current_viewer, engine, per_store_version
from dashboard import ids, public
from data_access import queries
from data_access.services.search import areas_matching
from layouts.shell import nav_link

MAX_OPTIONS = 30


def search_options(search: str | None) -> list[dict]:
    """Areas whose name or gemeente matches; programme buurten first (anonymous: their public profile)."""
    if not search or len(search.strip()) < 2:
        return []
    with engine().connect() as conn:
        rows = areas_matching(conn, search)
    programme_href = "/publiek/buurt/" if current_viewer().anonymous else "/buurt/"
    order = {"programma": 0, "gemeente": 1, "wijk": 2, "buurt": 3}
    label = {"programma": "programmabuurt", "gemeente": "gemeente", "wijk": "wijk", "buurt": "buurt"}
    seen, options = set(), []
    for code, name, level in sorted(rows, key=lambda r: (order[r[2]], r[1])):
        if code in seen:
            continue
        seen.add(code)
        href = (programme_href + code) if level == "programma" else f"/gebied/{code}"
        options.append({"label": f"{name} ({label[level]}, {code})", "value": href})
    return options[:MAX_OPTIONS]


@per_store_version
def update_search(search: str | None, value: str | None):  # noqa: ANN201
    options = search_options(search)
    if value and not any(o["value"] == value for o in options):
        options.append({"label": value, "value": value})
    return options


def follow_search(value: str | None):  # noqa: ANN201
    return value or no_update


def show_user(_path: str | None):  # noqa: ANN201
    viewer = current_viewer()
    if viewer.anonymous:
        return html.A("Inloggen", href="/login", className="text-white")
    from flask_login import current_user

    from dashboard.auth import csrf_token

    return html.Div([
        beheer_menu(viewer.role),
        html.Form([
            html.Span(f"{current_user.email} ({viewer.role}) ", className="me-2"),
            dash.dcc.Input(type="hidden", name="csrf_token", value=csrf_token()),
            html.Button("Uitloggen", type="submit", className="btn btn-sm btn-outline-light"),
        ], method="post", action="/logout", className="d-inline"),
    ], className="d-flex align-items-center gap-2")


def show_nav(_path: str | None):  # noqa: ANN201
    """The navigation links this viewer's role may open (the pages check again)."""
    viewer = current_viewer()
    own = []
    if viewer.programme_ids:
        with engine().connect() as conn:
            programme = queries.programme_buurten(conn)
        part = programme[programme["programme_id"].isin(viewer.programme_ids)].sort_values("name")
        own = list(zip(part["code"], part["name"], strict=True))
    return [nav_link(label, href) for label, href in public.nav_items(viewer, own)]


def beheer_menu(role: str | None):  # noqa: ANN201
    """The "Beheer" menu, with only the pages this role may use (the pages check again)."""
    items = []
    if role == "beheerder":
        items += [dbc.DropdownMenuItem("Gebruikers", href="/beheer/gebruikers"),
                  dbc.DropdownMenuItem("Auditlog", href="/beheer/audit")]
    if role in ("beheerder", "transitieteam", "leverancier"):
        items.append(dbc.DropdownMenuItem("Gegevens uploaden", href="/beheer/upload"))
    items.append(dbc.DropdownMenuItem("Wachtwoord wijzigen", href="/account/wachtwoord", external_link=True))
    label = "Beheer" if len(items) > 1 else "Account"
    return dbc.DropdownMenu(items, label=label, id=ids.BEHEER_NAV, nav=False, size="sm", color="light",
                            align_end=True)


def register(app: dash.Dash) -> None:
    app.callback(Output(ids.NAV_SEARCH, "options"), Input(ids.NAV_SEARCH, "search_value"),
                 State(ids.NAV_SEARCH, "value"))(update_search)
    app.callback(Output(ids.URL, "href"), Input(ids.NAV_SEARCH, "value"), prevent_initial_call=True)(follow_search)
    app.callback(Output(ids.NAV_USER, "children"), Input(ids.URL, "pathname"))(show_user)
    app.callback(Output(ids.NAV_LINKS, "children"), Input(ids.URL, "pathname"))(show_nav)
