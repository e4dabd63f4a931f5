"""Pages of one programme buurt: overview (/buurt/<slug>), buurtbeeld (/buurt/<slug>/beeld) and
uitkomstendashboard (/buurt/<slug>/uitkomsten).

Skeletons only: the slug goes into a dcc.Store and the callbacks in callbacks/buurt.py fill the page.
The uitkomsten page takes its state from the query string (?review=2026-B5&indicator=…), so a copied link
reproduces the view.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from data_access import definitions, periods

FIRST_REVIEW = "2024-B1"

TEXT = {
    "overview": "Overzicht",
    "beeld": "Buurtbeeld",
    "uitkomsten": "Uitkomsten",
    "netwerk": "Buurtnetwerk",
    "begroting": "Begroting",
    "review": "Review (tweemaandelijks)",
    "review_help": "Kies de review: die periode telt als ‘laatste’. De link in de adresbalk legt deze keuze vast.",
    "indicator": "Indicator in detail",
    "indicator_placeholder": "Kies een indicator voor grafiek en tabel…",
    "loading": "Gegevens worden geladen…",
}


def _normalise(slug: str | None) -> str:
    return (slug or "").strip().strip("/")


def subnav(slug: str, active: str) -> dbc.Nav:
    """Tabs between the three pages of a buurt (plain links: keyboard and middle-click work)."""
    items = [("overview", f"/buurt/{slug}"), ("beeld", f"/buurt/{slug}/beeld"),
             ("uitkomsten", f"/buurt/{slug}/uitkomsten")]
    items.append(("netwerk", f"/buurt/{slug}/netwerk"))  # the network's own inputs (layouts/netwerk.py)
    items.append(("begroting", f"/buurt/{slug}/begroting"))  # budget and impact (layouts/begroting.py)
    return dbc.Nav([dbc.NavItem(dbc.NavLink(TEXT[key], href=href, active=key == active)) for key, href in items],
                   pills=True, className="mb-3 buurt-subnav")


def review_options(today: dt.date | None = None) -> list[dict]:
    """Bimonthly review periods from the programme start up to the last delivered one, newest first."""
    last = definitions.default_review(today)
    return [{"label": f"Review {p} ({periods.label(p)})", "value": p}
            for p in reversed(periods.bimonthly_range(FIRST_REVIEW, last))]


def overview_layout(slug: str | None = None, **_query) -> html.Div:
    """/buurt/<slug>: key facts of the buurt and links to buurtbeeld and uitkomsten."""
    slug = _normalise(slug)
    # Path variables match across slashes; should this page ever be matched for a sub page, hand over.
    if "/" in slug:
        head, sub = slug.split("/", 1)
        if sub == "beeld":
            return beeld_layout(head, **_query)
        if sub == "uitkomsten":
            return uitkomsten_layout(head, **_query)
    return html.Div([
        dcc.Store(id=ids.BUURT_AREA, data={"kind": "buurt", "code": slug}),
        subnav(slug, "overview"),
        dcc.Loading(html.Div(id=ids.BUURT_OVERVIEW, children=html.P(TEXT["loading"]))),
        html.Div(id=ids.NETWERK_OVERVIEW, className="mt-3"),  # filled by callbacks/netwerk.py
        html.Div(id=ids.BEGROTING_BUURT_SUMMARY, className="mt-3"),  # € per hour freed, callbacks/begroting.py
        dcc.Loading(html.Div(id=ids.LEREND_BUURT_SECTION)),  # learning partners, filled by callbacks/lerend.py
    ], className="buurt-page")


def beeld_layout(slug: str | None = None, **_query) -> html.Div:
    """/buurt/<slug>/beeld: headline figures, comparison table and trends of the context indicators."""
    slug = _normalise(slug)
    return html.Div([
        dcc.Store(id=ids.BUURT_AREA, data={"kind": "buurt", "code": slug}),
        subnav(slug, "beeld"),
        beeld_body(),
        html.Div(id=ids.NETWERK_BEELD, className="mt-4"),  # narrative and buurtagenda, from callbacks/netwerk.py
    ], className="buurt-page")


def beeld_body() -> html.Div:
    """The buurtbeeld containers, shared with /gebied/<code>."""
    return html.Div([
        html.Div(id=ids.BUURT_BEELD_TITLE),
        dcc.Loading(html.Div(id=ids.BUURT_BEELD_HEADLINES, className="mb-4")),
        dbc.Row([
            dbc.Col(dcc.Loading(html.Div(id=ids.BUURT_BEELD_WORDS)), xs=12, lg=7),
            dbc.Col(dcc.Loading(html.Div(id=ids.BUURT_BEELD_MAP)), xs=12, lg=5),
        ], className="g-4"),
        dcc.Loading(html.Div(id=ids.BUURT_BEELD_SPINE, className="mb-4")),
        dcc.Loading(html.Div(id=ids.BUURT_BEELD_TRENDS, className="mb-4")),
    ])


def uitkomsten_layout(slug: str | None = None, review: str | None = None, indicator: str | None = None,
                      **_query) -> html.Div:
    """/buurt/<slug>/uitkomsten: the five themes with adoptie, kwaliteit and effectiviteit per review period."""
    slug = _normalise(slug)
    options = review_options()
    valid = {o["value"] for o in options}
    review = review if review in valid else definitions.default_review()
    return html.Div([
        dcc.Store(id=ids.BUURT_AREA, data={"kind": "buurt", "code": slug}),
        dcc.Store(id=ids.UIT_URL_SYNC),
        # the dropdown drops a value it has no option for yet, so the requested indicator waits here
        dcc.Store(id=ids.UIT_INDICATOR_QUERY, data=indicator or None),
        subnav(slug, "uitkomsten"),
        html.Div(id=ids.UIT_TITLE),
        dbc.Row([
            dbc.Col([
                dbc.Label(TEXT["review"], html_for=ids.UIT_REVIEW),
                dcc.Dropdown(id=ids.UIT_REVIEW, options=options, value=review, clearable=False),
                dbc.FormText(TEXT["review_help"]),
            ], xs=12, md=5, lg=4),
            dbc.Col([
                dbc.Label(TEXT["indicator"], html_for=ids.UIT_INDICATOR),
                dcc.Dropdown(id=ids.UIT_INDICATOR, clearable=True,
                             placeholder=TEXT["indicator_placeholder"]),
            ], xs=12, md=7, lg=5),
        ], className="g-3 mb-3"),
        dcc.Loading(html.Div(id=ids.UIT_REVIEW_SUMMARY)),  # review summary, from callbacks/review.py
        dcc.Loading(html.Div(id=ids.UIT_KPI)),
        html.Div(id=ids.NETWERK_UIT_REVIEWS, className="mb-3"),  # review notes, from callbacks/netwerk.py
        dcc.Loading([
            html.Div(id=ids.UIT_DETAIL, className="mb-3"),
            html.Div(id=ids.UIT_CONTENT),
        ]),
    ], className="buurt-page")


# Page titles name the area. Layouts never read the database: the app factory hands in a resolver (code → name)
# that runs inside the request (dashboard/__init__.py); without one, titles fall back to the generic text.
_AREA_NAMES: list[Callable[[str], str | None]] = []


def set_area_name_resolver(resolver: Callable[[str], str | None]) -> None:
    _AREA_NAMES[:] = [resolver]


def area_name(code: str | None) -> str | None:
    """Name of a programme buurt or CBS area for the browser tab; None when unknown or outside a request."""
    code = _normalise(code)
    if not code or len(code) > 80 or "/" in code or not _AREA_NAMES:
        return None
    return _AREA_NAMES[0](code)


def _title(slug: str | None, page: str | None) -> str:
    name = area_name(slug)
    if name is None:
        return "Onbekende buurt – Buurtdashboard"
    return f"{name} – {page} – Buurtdashboard" if page else f"{name} – Buurtdashboard"


def overview_title(slug: str | None = None, **_query) -> str:
    return _title(slug, None)


def beeld_title(slug: str | None = None, **_query) -> str:
    return _title(slug, "buurtbeeld")


def uitkomsten_title(slug: str | None = None, **_query) -> str:
    return _title(slug, "uitkomsten")
