"""Explicit page registration, with URL prefixes that cannot shadow each other."""

from __future__ import annotations

import dash

from layouts import best_practices as best_practices_page
from layouts import buurt, gebied, home
from layouts import menukaart as menukaart_page
from layouts import transitie as transitie_page


def register(app: dash.Dash) -> None:  # noqa: ARG001 — pages attach to the app being built
    dash.register_page("home", path="/", layout=home.layout, title="Buurtdashboard – overzicht", name="Overzicht")
    # Buurt pages. Dash matches pages in registry order, sorted by module name when no order is given, and a
    # path variable matches across slashes: the module names make the longer templates sort (and match) first.
    dash.register_page("buurt-1-beeld", path_template="/buurt/<slug>/beeld", layout=buurt.beeld_layout,
                       title=buurt.beeld_title, name="Buurtbeeld")
    dash.register_page("buurt-1-uitkomsten", path_template="/buurt/<slug>/uitkomsten",
                       layout=buurt.uitkomsten_layout, title=buurt.uitkomsten_title, name="Uitkomsten")
    dash.register_page("buurt-2-overzicht", path_template="/buurt/<slug>", layout=buurt.overview_layout,
                       title=buurt.overview_title, name="Buurt")
    dash.register_page("gebied", path_template="/gebied/<code>", layout=gebied.layout, title=gebied.title,
                       name="Gebied")
    dash.register_page("transitie", path="/transitie", layout=transitie_page.layout,
                       title="Buurtdashboard – transitie", name="Transitie")
    dash.register_page("best-practices", path="/best-practices", layout=best_practices_page.layout,
                       title="Buurtdashboard – best practices", name="Best practices")
    dash.register_page("best-practices-presentatie", path="/best-practices/presentatie",
                       layout=best_practices_page.presentation_layout, title="Best practices – presentatie",
                       name="Presentatie")
    dash.register_page("menukaart", path="/menukaart", layout=menukaart_page.layout,
                       title="Buurtdashboard – menukaart", name="Menukaart")
