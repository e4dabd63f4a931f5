"""Headline KPI of the uitkomstendashboard (/buurt/<slug>/uitkomsten): the contracted district-nursing KPI as an
index chart (2024 = 100, this buurt against its comparison group, the −15% target path and the band expected
without an effect), and small cards for the plan's other hypotheses (GP consults, admissions, length of stay).

Figures come from `data_access.kpi_service.buurt_kpi`, the same function behind `/api/v1/programma/<slug>/kpi`;
what a viewer may see is decided there.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Input, Output, dcc, html

from callbacks.buurt import _code, _resolve, period_label, sparkline, synthetic_badge
from callbacks.common import current_viewer, engine, per_store_version
from dashboard import ids
from data_access import periods
from data_access.kpi_service import buurt_kpi
from data_access.results import state as read_model_state
from layouts.figures import TEMPLATE, exportable, graph_config
from layouts.formatting import number, signed, time_nl

STATUS = {  # status → (css class, symbol, colour) — Okabe–Ito, always with the word next to it
    "op_koers": ("status-on", "✔", "#0072B2"),
    "niet_op_koers": ("status-off", "✖", "#D55E00"),
    "nog_niet_bekend": ("status-unknown", "?", "#6c757d"),
}
TEXT = {
    "title": "Kern-KPI: uren wijkverpleging per cliënt",
    "intro": "Index 2024 = 100 voor {name} en voor de vergelijkingsgroep ({comparison}). Het doel: {target}.",
    "effect_did": "Effect ten opzichte van de vergelijkingsgroep in {period}: {effect} (95%-interval {low} tot "
                  "{high}).",
    "effect_before_after": "Verandering sinds de start (2024) tot {period}: {effect} (95%-interval {low} tot "
                           "{high}); de vergelijkingsgroep veranderde {comparison}.",
    "no_effect": "Nog geen effect te berekenen: {reason}.",
    "path": "Streefpad op dit venster (2024 = 100): {path}.",
    "own_base": "Tegen de eigen periode vóór de start ({base}): {effect} (95%-interval {low} tot {high}); streefpad "
                "op dat venster {path}.",
    "own_base_why": "Waarom twee getallen? De index 2024 = 100 is afgesproken met de verzekeraars, maar wie in 2024 "
                    "al begon heeft een deel van het effect al in dat basisjaar zitten; tegen de eigen periode vóór "
                    "de start telt het hele effect mee.",
    "status": "Status: ",
    "review_note": "De KPI gebruikt de nieuwste levering ({latest}); de gekozen review ({review}) is in de grafiek "
                   "gemarkeerd.",
    "missing_note": "Nog niet aangeleverd sinds {latest}: {missing}.",
    "login": "De KPI komt uit niet-openbare leveringen: log in om hem te zien.",
    "none": "Voor deze buurt is (nog) geen KPI te berekenen: er zijn geen leveringen van de verzekeraars.",
    "others": "Overige hypothesen (verandering sinds de start)",
    "csv": "Download de KPI-cijfers (CSV)",
    "table": "Tabel bij de grafiek",
    "band": "bandbreedte zonder effect (95%)",
    "target": "streefpad",
    "comparison": "vergelijkingsgroep",
}


def pct(value: float | None, decimals: int = 1) -> str:
    """A relative change as a signed Dutch percentage: −0.036 → '−3,6%'."""
    return "–" if value is None else signed(value * 100, decimals, "%")


def status_badge(result: dict) -> html.Span:
    css, symbol, _colour = STATUS.get(result["status"], STATUS["nog_niet_bekend"])
    return html.Span([html.Span(symbol, **{"aria-hidden": "true"}), " ", result["status_label"]],
                     className=f"kpi-status {css}")


def _estimate(result: dict) -> float | None:
    """The figure the status is judged on: the DiD effect, or the change since the start."""
    return result["relative_effect"] if result["design"] == "did" else result["change_since_start"]


def effect_sentence(result: dict) -> str:
    """The effect and its interval in words (or why it cannot be computed yet)."""
    estimate = _estimate(result)
    if estimate is None or result["latest_period"] is None:
        return TEXT["no_effect"].format(reason=result["reason"] or "te weinig gegevens")
    period = period_label(result["latest_period"])
    if result["design"] == "did":
        return TEXT["effect_did"].format(period=period, effect=pct(estimate), low=pct(result["ci_low"]),
                                         high=pct(result["ci_high"]))
    comparison = pct(result["index_c"] / 100 - 1) if result["index_c"] is not None else "onbekend"
    return TEXT["effect_before_after"].format(period=period, effect=pct(estimate), low=pct(result["ci_low"]),
                                              high=pct(result["ci_high"]), comparison=comparison)


def own_base_lines(result: dict) -> list[html.P]:
    """The effect against the buurt's own pre-start base next to the contractual 2024 = 100, and why they differ."""
    lines = [html.P(TEXT["path"].format(path=pct(result["target_path"])), className="small mb-1 kpi-path")] \
        if result.get("target_path") is not None else []
    if result.get("own_base_effect") is None:
        return lines
    return [*lines, html.P(TEXT["own_base"].format(base=period_label(result["own_base_period"]),
                                           effect=pct(result["own_base_effect"]), low=pct(result["own_base_ci_low"]),
                                           high=pct(result["own_base_ci_high"]),
                                           path=pct(result["own_base_target_path"])), className="kpi-own-base mb-1"),
            html.P(TEXT["own_base_why"], className="small text-muted kpi-own-base-why mb-1")]


def kpi_figure(result: dict, name: str, review: str | None) -> go.Figure:
    """Index chart: buurt, comparison group, band expected without an effect, target path, 100-line."""
    series = [s for s in result["series"] if s["index_t"] is not None or s["index_c"] is not None]
    x = [period_label(s["period"]) for s in series]
    fig = go.Figure()
    fig.add_scatter(x=x, y=[s["band_high"] for s in series], mode="lines", line=dict(width=0), hoverinfo="skip",
                    showlegend=False, name="band_high")
    fig.add_scatter(x=x, y=[s["band_low"] for s in series], mode="lines", line=dict(width=0), fill="tonexty",
                    fillcolor="rgba(86,180,233,0.25)", name=TEXT["band"], hoverinfo="skip")
    fig.add_scatter(x=x, y=[s["index_c"] for s in series], mode="lines+markers", name=TEXT["comparison"],
                    line=dict(color="#555555", width=2, dash="dash"), marker=dict(symbol="square", size=6),
                    hovertemplate="%{x}<br>vergelijkingsgroep: %{y:.1f}<extra></extra>")
    fig.add_scatter(x=x, y=[s.get("target_index") for s in series], mode="lines", name=TEXT["target"] + " "
                    + pct(result["target_relative"], 0), line=dict(color="#009E73", width=2, dash="dot"),
                    hovertemplate="%{x}<br>streefpad: %{y:.1f}<extra></extra>")
    fig.add_scatter(x=x, y=[s["index_t"] for s in series], mode="lines+markers", name=name,
                    line=dict(color="#0072B2", width=3), marker=dict(symbol="circle", size=8),
                    hovertemplate="%{x}<br>" + name + ": %{y:.1f}<extra></extra>")
    fig.add_hline(y=100, line=dict(color="#adb5bd", width=1))
    nulmeting = result.get("nulmeting")
    if nulmeting and periods.is_valid(nulmeting) and period_label(nulmeting) in x:
        fig.add_vline(x=x.index(period_label(nulmeting)), line=dict(color="#6c757d", width=1, dash="dash"))
        fig.add_annotation(x=period_label(nulmeting), y=1, yref="paper", text=f"nulmeting {nulmeting}",
                           showarrow=False, yanchor="bottom", xanchor="right", font=dict(size=11, color="#495057"))
    if review and periods.is_valid(review) and period_label(review) in x:
        fig.add_vline(x=x.index(period_label(review)), line=dict(color="#E69F00", width=2, dash="dot"))
        fig.add_annotation(x=period_label(review), y=1, yref="paper", text=f"review {review}", showarrow=False,
                           yanchor="bottom", font=dict(size=11, color="#8a5a00"))
    fig.update_layout(height=340, margin=dict(l=50, r=10, t=30, b=60), template=TEMPLATE, separators=",.",
                      yaxis_title="index (2024 = 100)", hovermode="x unified",
                      legend=dict(orientation="h", y=-0.25, x=0, font=dict(size=12)))
    return fig


def _kpi_table(result: dict, name: str) -> dbc.Table:
    rows = [html.Tr([html.Td(period_label(s["period"])), html.Td(number(s["index_t"], 1)),
                     html.Td(number(s["index_c"], 1)),
                     html.Td(f"{number(s['band_low'], 1)} – {number(s['band_high'], 1)}"),
                     html.Td(number(s.get("target_index"), 1))]) for s in result["series"]
            if s["index_t"] is not None or s["index_c"] is not None]
    head = ["Periode", name, "Vergelijkingsgroep", TEXT["band"].capitalize(), "Streefpad"]
    return dbc.Table([html.Thead(html.Tr([html.Th(h, scope="col") for h in head])), html.Tbody(rows)],
                     size="sm", responsive=True, className="kpi-table")


def _missing_periods(result: dict, review: str | None) -> list[str]:
    latest = result["latest_period"]
    if not latest or not review or not periods.is_valid(review) or periods.sort_key(review) <= periods.sort_key(
            latest):
        return []
    return periods.bimonthly_range(latest, review)[1:]


def headline(result: dict, name: str, slug: str, review: str | None) -> html.Section:
    """The contracted KPI: chart, effect in words, status and how the comparison group was chosen."""
    notes = []
    missing = _missing_periods(result, review)
    if missing:
        notes.append(html.P(TEXT["missing_note"].format(latest=period_label(result["latest_period"]),
                                                        missing=", ".join(period_label(p) for p in missing)),
                            className="small kpi-missing"))
    elif review and result["latest_period"] and review != result["latest_period"]:
        notes.append(html.P(TEXT["review_note"].format(latest=period_label(result["latest_period"]),
                                                       review=period_label(review)), className="small text-muted"))
    words = [html.P([html.Strong(TEXT["status"]), status_badge(result),
                     html.Span(f" ({result['reason']})" if result["reason"] else "", className="kpi-reason")],
                    className="mb-1"),
             html.P(effect_sentence(result), className="kpi-effect mb-1"), *own_base_lines(result)]
    if result["synthetic"]:
        words.append(html.P([synthetic_badge(), " demo-levering, geen echte cijfers"], className="small"))
    body = [html.H2(TEXT["title"], className="h4"),
            html.P(TEXT["intro"].format(name=name, comparison=result["comparison"]["description"] or "nog niet "
                                        "gekozen", target=result["target_description"]), className="small text-muted"),
            *words, *notes]
    if result["series"]:
        summary = (f"Indexgrafiek van {result['name'].lower()} voor {name} en de vergelijkingsgroep; "
                   + effect_sentence(result))
        body.append(html.Figure([
            exportable(dcc.Graph(id=ids.UIT_KPI_GRAPH, figure=kpi_figure(result, name, review),
                                 config=graph_config(f"kpi-{slug}")), f"kpi-{slug}"),
            html.Figcaption(summary, className="small text-muted"),
            # inside the figure: the chart's own table (assets/a11y.js adds one only to a chart without a table)
            html.Details([html.Summary(TEXT["table"]), _kpi_table(result, name)], className="mb-1"),
        ], role="group", className="kpi-figure", **{"aria-label": summary}))
    body.append(html.Div([html.A(TEXT["csv"], href=f"/api/v1/programma/{slug}/kpi?format=csv-nl", target="_blank",
                                 className="csv-link small me-3"),
                          html.A("Excel (XLSX)", href=f"/download/kpi.xlsx?slug={slug}", className="small")]))
    return html.Section(dbc.Card(dbc.CardBody(body)), className="mb-4 kpi-headline", id="kpi-headline")


def hypothesis_card(result: dict) -> dbc.Col:
    """A small card for a 'versus the start' hypothesis."""
    trend = [s["index_t"] for s in result["series"] if s["index_t"] is not None]
    return dbc.Col(dbc.Card(dbc.CardBody([
        html.H3(result["name"], className="h6"),
        html.Div([status_badge(result)], className="mb-1"),
        html.P(result["reason"], className="small text-muted mb-1 kpi-reason") if result["reason"] else None,
        html.Div(pct(_estimate(result)), className="kpi-card-value"),
        html.P(effect_sentence(result), className="small mb-1"),
        html.P(["Doel: ", result["target_description"] or pct(result["target_relative"], 0)],
               className="small text-muted mb-1"),
        html.Div(["Index: ", sparkline(trend)], className="small") if len(trend) > 1 else None,
    ]), className="h-100 kpi-card", id=f"kpi-card-{result['indicator']}"), xs=12, md=6, xl=4)


@per_store_version
def update_kpi(data, review):  # noqa: ANN001, ANN201
    """The KPI section of the uitkomsten page (empty for an unknown buurt: the title says why)."""
    with engine().connect() as conn:
        area = _resolve(conn, _code(data))
        if area is None or area.programme_id is None:
            return None
        viewer = current_viewer()
        if viewer.anonymous:
            return dbc.Alert(TEXT["login"], color="light", className="small")
        results = buurt_kpi(conn, area.code, viewer)
        state = read_model_state(conn)
    review = review if isinstance(review, str) and periods.is_valid(review) else None
    if not results or all(r["latest_period"] is None for r in results):
        reasons = {r["reason"] for r in results if r["reason"]}
        return dbc.Alert([TEXT["none"], html.Br() if reasons else None, "; ".join(sorted(reasons))],
                         color="info", className="kpi-none")
    did = [r for r in results if r["design"] == "did"]
    others = [r for r in results if r["design"] != "did"]
    parts = [headline(r, area.name, area.code, review) for r in did]
    if others:
        parts.append(html.Section([html.H2(TEXT["others"], className="h5"),
                                   dbc.Row([hypothesis_card(r) for r in others], className="g-2")],
                                  className="mb-4 kpi-others"))
    parts.append(updated_note(state))
    return parts


def register(app: dash.Dash) -> None:
    app.callback(Output(ids.UIT_KPI, "children"), Input(ids.BUURT_AREA, "data"),
                 Input(ids.UIT_REVIEW, "value"))(update_kpi)


def updated_note(state: dict) -> html.P:
    """When the stored figures were computed, and whether a refresh is bringing them up to date."""
    text = f"Cijfers bijgewerkt tot {time_nl(state['refreshed_at'])}" if state["refreshed_at"] else \
        "Cijfers berekend bij het openen"
    if state["running"]:
        text += " · de cijfers worden nu ververst met nieuwe gegevens"
    return html.P(text + ".", className="small text-muted kpi-updated")
