"""The frame around every page: navigation bar with buurt search, the page container, and the footer."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids

FLASK_PATHS = ("/verslag", "/login", "/account/")  # server-rendered pages: full page loads, not Dash routing


def nav_link(label: str, href: str) -> dbc.NavItem:
    """One navigation link (the links per role come from callbacks/shell.py)."""
    return dbc.NavItem(dbc.NavLink(label, href=href, active="exact", external_link=href.startswith(FLASK_PATHS)))


def layout() -> html.Div:
    return html.Div([
        dcc.Location(id=ids.URL),
        html.A("Direct naar de inhoud", href="#main", className="visually-hidden-focusable skip-link"),
        dbc.Navbar(
            dbc.Container([
                dbc.NavbarBrand("Buurtdashboard", href="/", className="fw-bold"),
                dbc.Nav(id=ids.NAV_LINKS, className="me-auto", navbar=True),
                html.Div([html.Label("Zoek een buurt of gemeente", htmlFor=ids.NAV_SEARCH,
                                     className="visually-hidden"),
                          dcc.Dropdown(id=ids.NAV_SEARCH, placeholder="Zoek een buurt of gemeente…",
                                       searchable=True, clearable=True, className="nav-search")],
                         style={"minWidth": "18rem"}, role="search"),
                html.Div(id=ids.NAV_USER, className="ms-3 text-white small"),
            ], fluid=True),
            color="primary", dark=True, className="mb-3",
        ),
        html.Main(dbc.Container(dash.page_container, fluid=True), id="main"),
        html.Footer(dbc.Container(html.Small([
            "Bronnen: CBS (Kerncijfers wijken en buurten), RIVM/GGD'en/CBS (Gezondheidsmonitor), Vektis (Zvw), ",
            "CBS/Kadaster (kaarten). Niet-openbare leveringen zijn in deze demo synthetisch en zo gemarkeerd.",
        ]), fluid=True), className="text-muted py-3 border-top mt-4"),
    ])
