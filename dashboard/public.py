"""What an anonymous visitor may reach: public Dash pages, the Dash routes they need, and the callbacks behind them.

Whitelists, not blacklists: a Dash page is public only when its path matches `PUBLIC_PAGES`, and an anonymous
callback request is served only when every output it asks for is in `PUBLIC_OUTPUTS`. Those callbacks still
decide for themselves what an anonymous viewer gets (they read through the visibility gate with the anonymous
viewer, which passes public sources only). Every other page layout is replaced, for anonymous visitors, by a
login prompt (`guard_layouts`), so a client-side navigation to a non-public page shows no skeleton either.

Also here: the Dutch "Pagina niet gevonden" page (Flask 404s and unknown paths) and each role's start page.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask, Request

from dashboard import ids

# Public Dash pages (path patterns). "/" shows the public landing page to anonymous visitors.
PUBLIC_PAGES = (
    re.compile(r"^/$"),
    re.compile(r"^/publiek/?$"),
    re.compile(r"^/publiek/buurt/[a-z0-9][a-z0-9-]{0,59}/?$"),
    re.compile(r"^/gebied/[A-Za-z]{2}[0-9]{2,8}/?$"),
    re.compile(r"^/indicatoren/?$"),
)
# Modules of the public Dash pages (their layouts stay as they are for anonymous visitors).
PUBLIC_MODULES = frozenset({"publiek", "publiek-buurt", "gebied", "indicatoren", "not_found_404"})
# Dash's own routes a public page needs (GET): page shell data, scripts, styles.
PUBLIC_DASH_GETS = ("/_dash-layout", "/_dash-dependencies", "/_reload-hash", "/_favicon.ico")
PUBLIC_DASH_PREFIXES = ("/_dash-component-suites/", "/assets/")
CALLBACK_PATH = "/_dash-update-component"
# Outputs of the callbacks an anonymous visitor may run. Each of these callbacks serves public sources only to an
# anonymous viewer (shell: area names and links; beeld: visible_observations with the anonymous viewer).
PUBLIC_OUTPUTS = frozenset({
    "_pages_content", "_pages_store",  # Dash's page router: non-public layouts are replaced (guard_layouts)
    ids.URL, ids.NAV_SEARCH, ids.NAV_USER, ids.NAV_LINKS,  # the shell
    ids.PUBLIC_MAP, ids.PUBLIC_LIST, ids.PUBLIC_REPORTS, ids.PUBLIC_SEARCH, ids.PUBLIC_SEARCH_GO,  # landing page
    ids.PUBLIC_LIST_PAGE, ids.PUBLIC_LIST_STATUS,  # the landing page's list, a page at a time
    ids.BUURT_BEELD_TITLE, ids.BUURT_BEELD_HEADLINES, ids.BUURT_BEELD_TRENDS,  # public profiles (buurtbeeld parts)
    ids.BUURT_BEELD_SPINE, ids.BUURT_BEELD_WORDS, ids.BUURT_BEELD_MAP, ids.BUURT_BEELD_TABLE,
    ids.INDICATOREN_TABLE,  # the definitions page
})
LOGIN_PROMPT = "Deze pagina is alleen voor ingelogde gebruikers van het programma."

NOT_FOUND_PAGE = """<!doctype html><html lang="nl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Pagina niet gevonden – Buurtdashboard</title>
<link rel="stylesheet" href="/auth/login.css"></head><body class="login-body"><main class="login-card">
<h1>Pagina niet gevonden</h1><p>Deze pagina bestaat niet of is (nog) niet openbaar. Misschien is het adres verkeerd
overgenomen, of is een buurtverslag nog niet gepubliceerd.</p>
<ul><li><a href="/">Naar de startpagina</a></li><li><a href="/verslag">Gepubliceerde buurtverslagen</a></li>
<li><a href="/indicatoren">Wat betekenen de indicatoren?</a></li></ul></main></body></html>"""


def is_public_page(path: str) -> bool:
    return any(pattern.match(path) for pattern in PUBLIC_PAGES)


def anonymous_request_allowed(request: Request) -> bool:
    """Whether an anonymous request to a Dash route may pass: public pages, their assets, whitelisted callbacks."""
    path = request.path
    if request.method == "GET":
        return path in PUBLIC_DASH_GETS or path.startswith(PUBLIC_DASH_PREFIXES) or is_public_page(path)
    if request.method == "POST" and path == CALLBACK_PATH:
        return callback_outputs_public(request.get_json(silent=True))
    return False


def callback_outputs_public(payload: object) -> bool:
    """True when every output of a callback request is whitelisted (pattern-matching ids never are)."""
    if not isinstance(payload, dict):
        return False
    outputs = payload.get("outputs")
    outputs = outputs if isinstance(outputs, list) else [outputs]
    if not outputs:
        return False
    return all(isinstance(o, dict) and isinstance(o.get("id"), str) and o["id"] in PUBLIC_OUTPUTS for o in outputs)


def is_known_page(path: str) -> bool:
    """Whether a Dash page is registered for this path (unknown paths get the Dutch 404)."""
    from dash._pages import _path_to_page

    page, _variables = _path_to_page(path.strip("/"))
    return bool(page) and page.get("module") != "not_found_404"


def not_found_response():  # noqa: ANN201
    return NOT_FOUND_PAGE, 404, {"Content-Type": "text/html; charset=utf-8"}


def install_not_found(server: Flask) -> None:
    """Dutch 404 pages for Flask routes (e.g. /verslag/<slug>/<unpublished year>)."""
    server.register_error_handler(404, lambda _error: not_found_response())


# ---------------------------------------------------------------- page layouts for anonymous visitors

def guard_layouts(registry: dict, public_layouts: dict[str, Callable]) -> None:
    """Wrap every non-public page's layout: an anonymous visitor gets a login prompt instead of the skeleton.

    `public_layouts` maps a page module to the layout an anonymous visitor gets instead (e.g. the home page
    shows the public landing page).
    """
    for module, page in registry.items():
        if module in PUBLIC_MODULES and module not in public_layouts:
            continue
        page["layout"] = _anonymous_variant(page["layout"], public_layouts.get(module),
                                            page.get("path_template") or page.get("path") or "/")


def _anonymous_variant(layout: Callable, public_layout: Callable | None, template: str) -> Callable:
    def wrapped(**kwargs):  # noqa: ANN003, ANN202
        from dashboard.auth import current_viewer

        if not current_viewer().anonymous:
            return layout(**kwargs) if callable(layout) else layout
        if public_layout is not None:
            return public_layout(**kwargs)
        from urllib.parse import quote

        from layouts.public import login_prompt

        path = re.sub(r"<(\w+)>", lambda m: str(kwargs.get(m.group(1), "")), template)
        return login_prompt(LOGIN_PROMPT, quote(path, safe="/"))

    return wrapped


# ---------------------------------------------------------------- where each role starts

def start_path(viewer, review: str | None = None) -> str:  # noqa: ANN001
    """The page a role lands on after logging in: its own buurt's review, the overview, its deliveries."""
    if viewer.anonymous:
        return "/"
    if viewer.role == "buurtnetwerk" and viewer.programme_ids:
        from flask import current_app

        from data_access import queries

        with current_app.extensions["engine"].connect() as conn:
            programme = queries.programme_buurten(conn)
        own = programme[programme["programme_id"].isin(viewer.programme_ids)].sort_values("name")
        if not own.empty:
            query = f"?review={review}" if review else ""
            return f"/buurt/{own['code'].iloc[0]}/uitkomsten{query}"
    if viewer.role == "transitieteam":
        return "/transitie"
    if viewer.role == "leverancier":
        return "/beheer/upload"
    return "/"


def nav_items(viewer, own: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:  # noqa: ANN001
    """(label, href) of the navigation for this viewer: only pages its role may open.

    `own`: (slug, name) of the buurtnetwerk's own buurten. The role lists are those the pages check themselves.
    """
    from dashboard.security import UPLOADERS
    from data_access.best_practices import may_view as may_view_best_practices
    from data_access.transitie import may_view as may_view_transitie

    if viewer.anonymous:
        return [("Start", "/"), ("Indicatoren", "/indicatoren"), ("Buurtverslagen", "/verslag")]
    items: list[tuple[str, str]] = []
    if viewer.role == "buurtnetwerk":
        items += [(f"Mijn buurt: {name}" if len(own or []) == 1 else name, f"/buurt/{slug}/uitkomsten")
                  for slug, name in own or []]
    if viewer.role == "leverancier" and viewer.role in UPLOADERS:
        items.append(("Mijn leveringen", "/beheer/upload"))
    if may_view_transitie(viewer):
        items.append(("Transitie", "/transitie"))
    items += [("Overzicht", "/"), ("Vergelijken", "/vergelijken"), ("Lerende buurt", "/lerende-buurt")]
    if may_view_best_practices(viewer):  # the menukaart's comparison uses the same rule
        items += [("Best practices", "/best-practices"), ("Menukaart", "/menukaart")]
    items.append(("Indicatoren", "/indicatoren"))
    return items
