"""Explicit page registration, with URL prefixes that cannot shadow each other."""

from __future__ import annotations

import dash

from layouts import (
    begroting,
    beheer,
    best_practices,
    buurt,
    gebied,
    home,
    lerend,
    menukaart,
    netwerk,
    public,
    transitie,
    vergelijken,
)


def register(app: dash.Dash) -> None:  # noqa: ARG001 — pages attach to the app being built
    dash.register_page("home", path="/", layout=home.layout, title="Buurtdashboard – overzicht", name="Overzicht")
    # Buurt pages. Dash matches pages in registry order, sorted by module name when no order is given, and a
    # path variable matches across slashes: the module names make the longer templates sort (and match) first.
    dash.register_page("buurt-1-beeld", path_template="/buurt/<slug>/beeld", layout=buurt.beeld_layout,
                       title=buurt.beeld_title, name="Buurtbeeld")
    dash.register_page("buurt-1-uitkomsten", path_template="/buurt/<slug>/uitkomsten",
                       layout=buurt.uitkomsten_layout, title=buurt.uitkomsten_title, name="Uitkomsten")
    dash.register_page("buurt-1-netwerk", path_template="/buurt/<slug>/netwerk", layout=netwerk.layout,
                       title=netwerk.title, name="Buurtnetwerk")
    dash.register_page("buurt-1-begroting", path_template="/buurt/<slug>/begroting", layout=begroting.layout,
                       title=begroting.title, name="Begroting")
    dash.register_page("buurt-2-overzicht", path_template="/buurt/<slug>", layout=buurt.overview_layout,
                       title=buurt.overview_title, name="Buurt")
    dash.register_page("gebied", path_template="/gebied/<code>", layout=gebied.layout, title=gebied.title,
                       name="Gebied")
    dash.register_page("beheer-gebruikers", path="/beheer/gebruikers", layout=beheer.users_layout,
                       title="Gebruikers – Buurtdashboard", name="Gebruikers")
    dash.register_page("beheer-audit", path="/beheer/audit", layout=beheer.audit_layout,
                       title="Auditlog – Buurtdashboard", name="Auditlog")
    dash.register_page("beheer-upload", path="/beheer/upload", layout=beheer.upload_layout,
                       title="Uploaden – Buurtdashboard", name="Uploaden")
    dash.register_page("lerende-buurt", path="/lerende-buurt", layout=lerend.layout, title=lerend.title,
                       name="Lerende buurt")
    dash.register_page("vergelijken", path="/vergelijken", layout=vergelijken.layout, title=vergelijken.title,
                       name="Vergelijken")
    dash.register_page("transitie", path="/transitie", layout=transitie.layout,
                       title="Transitie – Buurtdashboard", name="Transitie")
    dash.register_page("best-practices", path="/best-practices", layout=best_practices.layout,
                       title="Best practices – Buurtdashboard", name="Best practices")
    dash.register_page("best-practices-presentatie", path="/best-practices/presentatie",
                       layout=best_practices.presentation_layout,
                       title="Best practices: presentatie – Buurtdashboard", name="Presentatie")
    dash.register_page("menukaart", path="/menukaart", layout=menukaart.layout,
                       title="Menukaart – Buurtdashboard", name="Menukaart")
    # Public pages (no login needed; dashboard/public.py keeps the list of public paths and callback outputs).
    dash.register_page("publiek", path="/publiek", layout=public.landing_layout,
                       title="De buurt als ecosysteem – Buurtdashboard", name="Start")
    dash.register_page("publiek-buurt", path_template="/publiek/buurt/<slug>", layout=public.buurt_layout,
                       title=public.buurt_title, name="Openbaar buurtprofiel")
    dash.register_page("indicatoren", path="/indicatoren", layout=public.indicatoren_layout,
                       title="Indicatoren – Buurtdashboard", name="Indicatoren")
    dash.register_page("not_found_404", path="/pagina-niet-gevonden", layout=public.not_found_layout,
                       title="Pagina niet gevonden – Buurtdashboard", name="Pagina niet gevonden")
