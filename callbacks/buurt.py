"""Callbacks of the buurt pages: overview, buurtbeeld (also used by /gebied/<code>) and uitkomstendashboard.

Every callback resolves the slug or code itself (unknown → a friendly message, never SQL with it) and reads
through `visible_observations`, so pages, API and CSV downloads show the same, authorised figures.
"""

from __future__ import annotations

import math
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, State, dcc, html

from callbacks.common import current_viewer, engine, per_store_version
from dashboard import ids
from data_access import definitions, periods, queries
from data_access.context import page_context
from data_access.published import visible_observations
from data_access.services.buurt_overview import buurt_overview
from data_access.services.uitkomsten_view import GROUPS, NOT_DELIVERED, uitkomsten_view
from data_access.services.uitkomsten_view import row_note as _note
from data_access.services.uitkomsten_view import sorted_rows as _sorted_rows
from layouts.figures import TEMPLATE, exportable, graph_config
from layouts.formatting import date_nl, number, percentage, signed

NL_CODE = "NL00"
PUBLIC_KINDS = ("gebied", "publiek")  # page kinds (BUURT_AREA store) that show public sources only
MSG = {
    "unknown": "Onbekende buurt: ‘{code}’ staat niet in de lijst van programmabuurten. Kies een buurt via het "
               "overzicht of de zoekbalk.",
    "unknown_area": "Onbekend gebied: ‘{code}’ is geen bekende CBS-code van een buurt, wijk of gemeente.",
    "not_available": "nog niet beschikbaar",
    "not_delivered": NOT_DELIVERED,
    "not_public": "niet openbaar: log in als buurtnetwerk of transitieteam",
    "login": "De uitkomsten komen uit niet-openbare leveringen (verzekeraars, alliantiepartners, buurtnetwerk). "
             "Log in om ze te zien.",
    "no_data": "Voor deze buurt is nog niets aangeleverd. Zodra de eerste levering binnen is, verschijnen hier "
               "de uitkomsten.",
    "synthetic": "Let op: de niet-openbare cijfers op deze pagina zijn synthetisch (demo), niet echt.",
    "one_value": "één meting",
    "one_value_chart": "Eén meting ({period}): nog geen ontwikkeling te tonen.",
    "no_values_chart": "Geen waarde om te tonen: {reason}.",
    "provisional": "Het gebied van deze buurt is voorlopig: het plan noemt alleen een gemeente; de CBS-gebieden "
                   "zijn een keuze die nog wordt bevestigd.",
}
SPARK = "▁▂▃▄▅▆▇█"


# ---------------------------------------------------------------- helpers

def _code(data) -> str:  # noqa: ANN001
    return (data or {}).get("code", "") if isinstance(data, dict) else (data or "")


def _missing(value) -> bool:  # noqa: ANN001
    return value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value)


def _decimals(value: float) -> int:
    size = abs(value)
    return 0 if size >= 100 else 1 if size >= 10 else 2 if size >= 1 or size == 0 else 3


def fmt(value, kind: str | None = None, unit: str | None = None) -> str:  # noqa: ANN001
    """One observation value in Dutch notation, with a short unit where that helps reading."""
    if _missing(value):
        return "–"
    unit = unit or ""
    if kind == "percentage" and unit.startswith("%"):
        return percentage(value, 1)
    if unit == "× € 1.000":
        return f"€ {number(value * 1000, 0)}"
    if unit.startswith("€"):
        return f"€ {number(value, 0)}"
    if kind == "count":
        return number(value, 0)
    if unit == "km":
        return f"{number(value, 1)} km"
    return number(value, _decimals(value))


def period_label(period) -> str:  # noqa: ANN001
    try:
        return periods.label(str(period))
    except ValueError:
        return str(period)


def csv_link(area: str, indicator: str) -> html.A:
    """Download link for the API CSV (Dutch Excel flavour) of one indicator of one area."""
    query = urlencode({"area": area, "indicator": indicator, "format": "csv-nl"})
    return html.A("CSV", href=f"/api/v1/observations?{query}", className="csv-link", target="_blank",
                  title="Download als CSV (puntkomma, decimale komma)")


def synthetic_badge() -> dbc.Badge:
    return dbc.Badge("synthetisch", color="warning", text_color="dark", className="ms-1 synthetic-badge")


def sparkline(values: list[float]) -> html.Span:
    """A text sparkline (screen readers get the first and last value)."""
    clean = [v for v in values if not _missing(v)]
    if len(clean) == 1:
        return html.Span(MSG["one_value"], className="small text-muted sparkline-single")
    if len(clean) < 2:
        return html.Span("–")
    low, high = min(clean), max(clean)
    span = (high - low) or 1.0
    chars = "".join(" " if _missing(v) else SPARK[int((v - low) / span * (len(SPARK) - 1))] for v in values)
    return html.Span(chars, className="sparkline", role="img",
                     **{"aria-label": f"trend van {number(clean[0], _decimals(clean[0]))} naar "
                                      f"{number(clean[-1], _decimals(clean[-1]))}"})


def trend_marker(trend: dict | None, polarity: str) -> html.Div | None:
    """Fingertips-style recent trend (computed by services.uitkomsten_view.trend): an arrow, the direction, and
    better or worse."""
    if trend is None:
        return None
    direction = trend["direction"]
    arrow = {"increasing": "↗", "decreasing": "↘"}.get(direction, "→")
    text = f"{arrow} {trend['label']}"
    if direction != "no_significant_change" and polarity in ("higher_is_better", "lower_is_better"):
        better = (direction == "increasing") == (polarity == "higher_is_better")
        text += " (beter)" if better else " (slechter)"
    return html.Div(text, className="small text-muted uit-trend",
                    title=f"Trend over de laatste {trend['n_points']} metingen (p = {number(trend['p_value'], 3)})")


def _resolve(conn, code: str) -> queries.AreaInfo | None:  # noqa: ANN001
    if not code or len(code) > 80:
        return None
    return queries.find_area(conn, code)


def _interval(row, kind: str | None = None) -> str:  # noqa: ANN001
    if row is None or _missing(row["ci_low"]) or _missing(row["ci_high"]):
        return "–"
    if kind == "percentage":
        return f"{number(row['ci_low'], 1)} – {number(row['ci_high'], 1)}"
    d = _decimals(row["value"]) if not _missing(row["value"]) and row["value"] else _decimals(row["ci_high"])
    return f"{number(row['ci_low'], d)} – {number(row['ci_high'], d)}"


# ---------------------------------------------------------------- overview

@per_store_version
def update_overview(data):  # noqa: ANN001, ANN201
    """/buurt/<slug>: key facts and links, or the unknown-buurt message."""
    code = _code(data)
    with engine().connect() as conn:
        context = page_context(conn, code, current_viewer())
        if not context.is_programme:
            return dbc.Alert(MSG["unknown"].format(code=code), color="warning")
        view = buurt_overview(conn, context)
    adoption = view["adoption"]
    gemeente = view["gemeente"]
    facts = [
        ("Regio", view["region"]), ("Alliantiepartner", view["alliance_partner"]), ("Cohort", str(view["cohort"])),
        ("Start", date_nl(view["start_date"])),
        ("Status", view["status"] or "–"),
        ("CBS-gebieden", html.Ul([html.Li([html.A(f"{name} ({m})", href=f"/gebied/{m}")])
                                  for m, name in view["members"]], className="mb-0 ps-3")),
        ("Gemeente", html.A(f"{gemeente[1]} ({gemeente[0]})", href=f"/gebied/{gemeente[0]}") if gemeente else "–"),
        ("Adoptie", html.Span([
            f"Buurtbeeld opgesteld: {'ja' if adoption['buurtbeeld'] else 'nee'} · ",
            f"sessies: {number(adoption['sessies'])} · ",
            f"gestarte interventies: {number(adoption['interventies_gestart'])} · ",
            f"best practices: {number(adoption['best_practices'])}"], className="buurt-adoption")),
    ]
    area = context.area
    children = [
        html.H1(view["name"]),
        html.Dl([item for label, value in facts for item in (html.Dt(label, className="col-sm-3"),
                                                             html.Dd(value, className="col-sm-9"))],
                className="row buurt-facts"),
    ]
    if view["provisional"]:
        children.append(dbc.Alert([html.Strong("Gebied voorlopig. "), MSG["provisional"]], color="info"))
    if view["note"]:
        children.append(html.P(view["note"], className="text-muted"))
    children.append(dbc.Row([
        dbc.Col(dbc.Card(dbc.CardBody([
            html.H2(html.A("Buurtbeeld", href=f"/buurt/{area.code}/beeld"), className="h5"),
            html.P("De nulmeting: wie wonen er, hoe gezond, welke zorg en voorzieningen – vergeleken met de "
                   "gemeente en Nederland."),
        ])), xs=12, md=6),
        dbc.Col(dbc.Card(dbc.CardBody([
            html.H2(html.A("Uitkomstendashboard", href=f"/buurt/{area.code}/uitkomsten"), className="h5"),
            html.P("De vijf thema's met adoptie, kwaliteit en effectiviteit, per tweemaandelijkse review."),
        ])), xs=12, md=6),
    ], className="g-3"))
    return children


# ---------------------------------------------------------------- uitkomsten

def _change(new, old, kind: str) -> str:  # noqa: ANN001
    if new is None or old is None or _missing(new["value"]) or _missing(old["value"]):
        return "–"
    diff = new["value"] - old["value"]
    if kind == "percentage":
        return signed(diff, 1, " %-punt")
    rel = f" ({signed(diff / old['value'] * 100, 1, '%')})" if old["value"] else ""
    return signed(diff, _decimals(old["value"])) + rel


def _target(row: dict):  # noqa: ANN202
    """The target in short (−15%), with its full wording under it on wide screens and as a tooltip."""
    if _missing(row["target_value"]):
        return "–"
    short = signed(row["target_value"] * 100, 0, "%")
    text = row["target_description"] or ""
    if not text:
        return short
    return html.Span([html.Strong(short), html.Div(text, className="d-none d-xl-block")], title=text)


@per_store_version
def indicator_options(data, requested):  # noqa: ANN001, ANN201
    """Options of the detail dropdown (monitoring indicators) and the indicator asked for in the URL."""
    with engine().connect() as conn:
        area = _resolve(conn, _code(data))
        if area is None or area.programme_id is None:
            return [], None
        catalogue = queries.indicators(conn)
    monitoring = catalogue[catalogue["group"].isin([g for g, _ in GROUPS])]
    options = [{"label": n, "value": c} for c, n in zip(monitoring["code"], monitoring["name"], strict=True)]
    return options, requested if requested in set(monitoring["code"]) else None


@per_store_version
def update_detail(selected, review, data):  # noqa: ANN001, ANN201
    """The detail panel (chart and table) of the chosen indicator."""
    if not selected:
        return None
    with engine().connect() as conn:
        area = _resolve(conn, _code(data))
        if area is None or area.programme_id is None:
            return None
        catalogue = queries.indicators(conn)
        if selected not in set(catalogue["code"]):
            return None
        frame = visible_observations(conn, current_viewer(), area, [selected], catalogue=catalogue)
    review = definitions.review_or_default(review)
    return _detail(area, frame, catalogue.set_index("code"), selected, review)


BAND_WORDS = {"binnen": "binnen de trechter", "boven 95%": "hoger dan verwacht (95%)",
              "boven 99,8%": "veel hoger dan verwacht (99,8%)", "onder 95%": "lager dan verwacht (95%)",
              "onder 99,8%": "veel lager dan verwacht (99,8%)"}


def comparison_cell(compared: dict, kind: str, unit: str) -> list:
    """Rank and funnel position among the programme buurten, and the comparison group's value (or "–")."""
    parts: list = []
    programme = compared.get("programme")
    if programme:
        text = f"programma: {programme['rank']}e van {programme['n']}"
        if programme["rank"] == 1:
            text += f" ({'hoogste' if programme.get('neutral') else 'beste'} = 1)"
        parts.append(html.Div(text, className="cmp-programme"))
        if programme["band"]:
            parts.append(html.Div(BAND_WORDS.get(programme["band"], programme["band"]), className="text-muted"))
    group = compared.get("group")
    if group:
        value, own = group["value"], group["own"]
        how = "vergelijkbare buurten" if group["method"] == "matched" else "buurten in de gemeente"
        text = f"{how} ({group['n']}): {fmt(value, kind, unit)}"
        if value and own is not None and kind != "percentage":
            text += f" · buurt {signed((own - value) / value * 100, 0, '%')}"
        elif value and own is not None:
            text += f" · buurt {signed(own - value, 1, ' %-punt')}"
        parts.append(html.Div(text, className="cmp-group"))
    return parts or ["–"]


def source_notes(latest: dict | None) -> list:
    """Which sources a figure combines, and a warning when a source of the previous period is missing now."""
    parts: list = []
    sources = (latest or {}).get("bronnen") or []
    if len(sources) > 1:
        parts.append(html.Div(f"Bronnen: {', '.join(sources)} (opgeteld)", className="small text-muted uit-bronnen"))
    missing = (latest or {}).get("ontbrekende_bronnen") or []
    if missing:
        parts.append(html.Div(f"Let op: {', '.join(missing)} leverde de vorige periode wel, deze periode niet; "
                              "het cijfer is zonder die bron berekend.", className="small text-warning uit-bron-mist"))
    return parts


def _uitkomsten_row(theme: str, row: dict, review: str, slug: str, anonymous: bool) -> html.Tr:
    latest, first, kind, unit = row["latest"], row["first"], row["kind"], row["unit"]
    notes = row["notes"] if not anonymous else [MSG["not_public"]]
    value_cell = [html.Span(fmt(None if latest is None else latest["value"], kind, unit), className="uit-value")]
    note_cell: list = ["; ".join(notes)]
    if latest is not None and latest["synthetic"]:
        note_cell += [" ", synthetic_badge()]
    note_cell += source_notes(latest)
    # period and interval sit under the value (as the nulmeting's period does): fewer columns, so the table fits
    # a tablet without scrolling sideways
    interval = _interval(latest, kind)
    # no empty elements: at 1,000 buurten a table of ~85 rows is ~2,000 components, and each one costs drawing time
    if latest is not None:
        value_cell.append(html.Div(period_label(latest["period"]), className="small text-muted uit-period"))
    if interval != "–":
        value_cell.append(html.Div(f"95%: {interval}", className="small text-muted uit-interval"))
    ind = row["indicator"]
    compared = {**row["compared"]}
    if "programme" in compared:
        compared["programme"] = {**compared["programme"], "neutral": row["polarity"] == "neutral"}
    return html.Tr([
        html.Td([html.A(row["name"], href=f"?{urlencode({'review': review, 'indicator': ind})}", className="uit-name"),
                 html.Div([unit, " · ", csv_link(slug, ind)], className="small text-muted")]),
        html.Td(value_cell),
        html.Td([fmt(None, kind, unit)] if first is None else [
            fmt(first["value"], kind, unit), html.Div(period_label(first["period"]), className="small text-muted")]),
        html.Td(_change(latest, first, kind)),
        html.Td(_change(latest, row["previous"], kind)),
        html.Td([sparkline(row["values"]), trend_marker(row["trend"], row["polarity"])]),
        html.Td(_target(row), className="small"),
        html.Td(comparison_cell(compared, kind, unit), className="small uit-compare"),
        html.Td(note_cell, className="small uit-note"),
    ], id=f"uit-row-{theme}-{ind}", className="uit-row", **{"data-indicator": ind})


@per_store_version
def update_uitkomsten(data, review):  # noqa: ANN001, ANN201
    """Title and the themes' tables, as of the chosen review (the stored view-model, rendered)."""
    with engine().connect() as conn:
        context = page_context(conn, data, current_viewer())
        if not context.is_programme:
            return dbc.Alert(MSG["unknown"].format(code=context.code), color="warning"), None
        view = uitkomsten_view(conn, context, review)
    anonymous, slug, review = context.viewer.anonymous, view["code"], view["review"]
    title = [html.H1(f"Uitkomsten {view['name']}"),
             html.P(f"Stand bij review {review} ({period_label(review)}). Nulmeting = de laatste aangeleverde "
                    "periode vóór de start van de buurt (anders de eerste levering, met een toelichting).",
                    className="text-muted")]
    if anonymous:
        title.append(dbc.Alert([MSG["login"], " ", html.A("Inloggen", href=f"/login?next=/buurt/{slug}/uitkomsten")],
                               color="info", className="login-explanation"))
    elif view["empty"]:
        title.append(dbc.Alert(MSG["no_data"], color="info", className="no-data-explanation"))
    if view["synthetic"]:
        title.append(dbc.Alert([synthetic_badge(), " ", MSG["synthetic"]], color="warning"))
    title.append(html.Nav([html.A(t["label"], href=f"#thema-{t['theme']}", className="theme-link")
                           for t in view["themes"]], className="mb-2 small", **{"aria-label": "Thema's"}))
    sections = []
    for theme in view["themes"]:
        blocks = [html.Div([
            html.H3(group["label"], className="h6 mt-3"),
            dbc.Table([html.Thead(html.Tr([html.Th(h, scope="col") for h in (
                "Indicator", "Laatste waarde", "Nulmeting", "Sinds nulmeting", "Sinds vorige", "Trend", "Doel",
                "Vergeleken met", "Toelichting")])),
                html.Tbody([_uitkomsten_row(theme["theme"], row, review, slug, anonymous) for row in group["rows"]])],
                size="sm", hover=True, responsive=True, className="uit-table"),
        ]) for group in theme["groups"]]
        sections.append(html.Section([html.H2(theme["label"], className="h4"), *blocks],
                                     className="uit-theme mb-4", id=f"thema-{theme['theme']}"))
    footer = html.P(f"Bronnen: {', '.join(view['sources']) or '–'}.", className="small text-muted")
    return title, [*sections, footer]


def _detail(area: queries.AreaInfo, frame: pd.DataFrame, cat: pd.DataFrame, ind: str, review: str) -> dbc.Card:
    """Chart plus table of every period of one indicator up to the review."""
    c = cat.loc[ind]
    rows = _sorted_rows(frame, ind) if not frame.empty else frame
    if not rows.empty:
        rows = rows[rows["period"].map(periods.sort_key) <= periods.sort_key(review)]
    table_rows = []
    expected = []
    if not rows.empty and c["frequency"] == "tweemaandelijks":
        try:
            expected = periods.bimonthly_range(rows.iloc[0]["period"], review)
        except ValueError:
            expected = []
    by_period = {r["period"]: r for _, r in rows.iterrows()} if not rows.empty else {}
    for p in expected or list(by_period):
        r = by_period.get(p)
        if r is None:
            table_rows.append(html.Tr([html.Td(period_label(p)), html.Td("–"), html.Td("–"),
                                       html.Td(MSG["not_delivered"]), html.Td("")]))
            continue
        table_rows.append(html.Tr([
            html.Td(period_label(p)), html.Td(fmt(r["value"], c["kind"], c["unit"])), html.Td(_interval(r, c["kind"])),
            html.Td(_note(r)), html.Td(str(r["source"] or "")),
        ]))
    fig = go.Figure()
    if not rows.empty:
        valued = rows[rows["value"].notna()]
        fig.add_scatter(x=[period_label(p) for p in valued["period"]], y=valued["value"], mode="lines+markers",
                        name=area.name,
                        error_y=dict(type="data", symmetric=False, array=valued["ci_high"] - valued["value"],
                                     arrayminus=valued["value"] - valued["ci_low"], visible=True))
    valued = rows[rows["value"].notna()] if not rows.empty else rows
    if valued.empty:  # an empty chart explains nothing: say why there is no value
        reasons = sorted({_note(r) for _, r in rows.iterrows()} - {""}) if not rows.empty else []
        fig.add_annotation(text=MSG["no_values_chart"].format(reason="; ".join(reasons) or MSG["not_delivered"]),
                           showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
    elif len(valued) == 1:
        fig.add_annotation(text=MSG["one_value_chart"].format(period=period_label(valued.iloc[0]["period"])),
                           showarrow=False, xref="paper", yref="paper", x=0.5, y=1.0, yanchor="top")
    fig.update_layout(height=280, margin=dict(l=50, r=10, t=10, b=40), separators=",.", template=TEMPLATE,
                      yaxis_title=c["unit"])
    return dbc.Card(dbc.CardBody([
        html.H2(c["name"], className="h5"),
        html.P(c["description"] or "", className="small"),
        dbc.Row([
            dbc.Col(html.Figure([
                exportable(dcc.Graph(figure=fig, config=graph_config(f"{area.code}-{ind}"), className="detail-graph"),
                           f"{area.code}-{ind}"),
                html.Figcaption(f"{c['name']} van {area.name} per periode, met 95%-interval; de tabel ernaast "
                                "bevat dezelfde cijfers.", className="small text-muted"),
            ], role="group", **{"aria-label": f"Grafiek: {c['name']} van {area.name} per periode"}), xs=12, lg=7),
            dbc.Col(dbc.Table([html.Thead(html.Tr([html.Th(h) for h in ("Periode", "Waarde", "95%-interval",
                                                                          "Toelichting", "Bron")])),
                               html.Tbody(table_rows)], size="sm", responsive=True, className="detail-table"),
                    xs=12, lg=5),
        ]),
        html.Small([f"Bron: {c['source']} · ", csv_link(area.code, ind)], className="text-muted"),
    ]), className="uit-detail")


URL_SYNC_JS = """
function(review, indicator) {
    // Keep the view in the address bar without re-rendering the page (a copied link reproduces it).
    const params = new URLSearchParams(window.location.search);
    if (review) { params.set('review', review); } else { params.delete('review'); }
    if (indicator) { params.set('indicator', indicator); } else { params.delete('indicator'); }
    const query = params.toString();
    window.history.replaceState(window.history.state, '', window.location.pathname + (query ? '?' + query : ''));
    return query;
}
"""


def register(app: dash.Dash) -> None:
    app.callback(Output(ids.BUURT_OVERVIEW, "children"), Input(ids.BUURT_AREA, "data"))(update_overview)
    app.callback(Output(ids.UIT_TITLE, "children"), Output(ids.UIT_CONTENT, "children"),
                 Input(ids.BUURT_AREA, "data"), Input(ids.UIT_REVIEW, "value"))(update_uitkomsten)
    app.callback(Output(ids.UIT_INDICATOR, "options"), Output(ids.UIT_INDICATOR, "value"),
                 Input(ids.BUURT_AREA, "data"), State(ids.UIT_INDICATOR_QUERY, "data"))(indicator_options)
    app.callback(Output(ids.UIT_DETAIL, "children"), Input(ids.UIT_INDICATOR, "value"),
                 Input(ids.UIT_REVIEW, "value"), State(ids.BUURT_AREA, "data"))(update_detail)
    app.clientside_callback(URL_SYNC_JS, Output(ids.UIT_URL_SYNC, "data"), Input(ids.UIT_REVIEW, "value"),
                            Input(ids.UIT_INDICATOR, "value"))
