"""Callbacks of the lerende buurt: the network on /lerende-buurt and the learning partners on /buurt/<slug>.

Both read `data_access.learning` with the current viewer, so the page, the buurt section and
GET /api/v1/programma/<slug>/leerpartners show the same links. Unknown slugs and indicators are rejected here,
before anything reaches SQL.
"""

from __future__ import annotations

import math
from functools import lru_cache
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from _plotly_utils.utils import to_typed_array_spec
from dash import Input, Output, State, html, no_update

from callbacks.common import current_viewer, engine, page_after, per_store_version
from callbacks.contacts import contact_list
from dashboard import ids
from data_access import contacts, learning, queries
from data_access.menukaart import THEMES
from data_access.services import lerend_view
from layouts.formatting import number, signed
from layouts.lerend import pick_hint

MSG = {
    "login": "Leerpartners rusten op niet-openbare uitkomstcijfers. Log in om ze te zien.",
    "unknown": "Onbekende programmabuurt ‘{code}’.",
    "none": "Geen koppelingen voor deze uitkomst: {reason}",
    "summary": "{links} koppelingen tussen {buurten} programmabuurten voor ‘{name}’. {without}",
    "without": "Zonder leerpartner: {names}.",
    "table_page": "Koppelingen {first}–{last} van {n}",
    "without_many": "Zonder leerpartner: {n} programmabuurten, onder meer {names}. Kies een buurt bij ‘Alleen de "
                    "koppelingen van’ om te zien waarom.",
    "all_have": "Elke buurt met cijfers heeft minstens één leerpartner.",
    "synthetic": "synthetisch (demo)",
    "section_title": "Leerpartners",
    "section_intro": "Buurten die op {name} lijken, maar bij wie ‘{outcome}’ duidelijk anders veranderde sinds de "
                     "nulmeting. Neem contact op en leer van elkaar.",
    "all_links": "Alle koppelingen in de lerende buurt",
    "no_partner": "Nog geen leerpartner: {reason}.",
    "alike": "Waarin ze op elkaar lijken",
    "outcome": "Hoe de uitkomst verschilt ({base} → {end})",
    "agenda": "Wat {name} doet (buurtagenda)",
    "agenda_compact": "Wat {name} anders doet dan {other} (buurtagenda)",
    "shared": "en {n} interventie(s) die beide buurten doen",
    "agenda_empty": "{name} heeft (nog) geen interventies op de buurtagenda staan.",
    "contact": "Contact bij {name}: {role}.",
    "better_self": "{self} deed het beter dan {partner}.",
    "better_partner": "{partner} deed het beter dan {self}.",
    "new": "niet bij {other}",
    "method": "Verschil van de twee veranderingen met 95%-interval (deltamethode, teller als Poisson met "
              "overdispersie φ = {phi}). Gelijkenis 0–1 op buurtkenmerken en niveau bij de nulmeting.",
}
THEME_NL = {code: label[0].lower() + label[1:] for code, label in THEMES}  # mid-sentence
TABLE_ROWS = 25  # one screen of the list of links (thousands once most of 1,000 buurten have partners)
HIDDEN = {"display": "none"}
WITHOUT_NAMED = 10  # at 1,000 buurten the list of those without a partner was a wall of 900 names
STATUS_NL = {"gepland": "gepland", "gestart": "gestart", "afgerond": "afgerond", "gestopt": "gestopt"}


# ---------------------------------------------------------------- formatting

def pct(change: float | None) -> str:
    """A relative change as a signed Dutch percentage: −12,3%."""
    if change is None or (isinstance(change, float) and math.isnan(change)):
        return "–"
    return signed(change * 100, 1, "%")


def pct_interval(low: float, high: float) -> str:
    return f"{number(low * 100, 1)}% tot {number(high * 100, 1)}%".replace("-", "−")


def value_text(value: float | None) -> str:
    if value is None:
        return "–"
    if float(value).is_integer():
        return number(value, 0)
    size = abs(value)
    return number(value, 0 if size >= 100 else 1 if size >= 10 else 2)


def _date(iso: str | None) -> str:
    return pd.Timestamp(iso).strftime("%d-%m-%Y") if iso else "–"


# ---------------------------------------------------------------- the explanation card

def explanation(record: dict, self_name: str, unit: str, phi: float, compact: bool = False,  # noqa: PLR0913
                kartrekkers: list[dict] | None = None) -> html.Div:
    """Why two buurten are learning partners: what makes them alike, how the outcome differs, what the better
    buurt does (its buurtagenda) and whom to contact."""
    partner = record["partner_name"]
    better_name = self_name if record["better"] == "self" else partner
    other_name = partner if record["better"] == "self" else self_name
    drivers = html.Table([
        html.Thead(html.Tr([html.Th("Kenmerk"), html.Th(self_name), html.Th(partner), html.Th("Aandeel")])),
        html.Tbody([html.Tr([html.Td(d["label"]), html.Td(value_text(d["value_self"])),
                             html.Td(value_text(d["value_partner"])),
                             html.Td(f"{number(d['contribution'] * 100, 0)}%")]) for d in record["drivers"]]),
    ], className="table table-sm lerend-drivers")
    outcome = html.Table([
        html.Thead(html.Tr([html.Th("Buurt"), html.Th("Verandering"), html.Th("95%-interval")])),
        html.Tbody([
            html.Tr([html.Td(self_name), html.Td(pct(record["change_self"]), className="lerend-change-self"),
                     html.Td(pct_interval(*record["change_self_ci"]))]),
            html.Tr([html.Td(partner), html.Td(pct(record["change_partner"]), className="lerend-change-partner"),
                     html.Td(pct_interval(*record["change_partner_ci"]))]),
            html.Tr([html.Th("Verschil"), html.Th(signed(record["difference"] * 100, 1, " procentpunt"),
                                                  className="lerend-difference"),
                     html.Th(pct_interval(record["ci_low"], record["ci_high"]).replace("%", " pp"))]),
        ]),
    ], className="table table-sm lerend-outcome")
    verdict = MSG["better_self" if record["better"] == "self" else "better_partner"].format(
        self=self_name, partner=partner)
    shown = [i for i in record["interventions"] if i.get("not_in_other")] if compact else record["interventions"]
    items = []
    for item in shown:
        tags = [html.Span(f" · {THEME_NL.get(item['theme'], item['theme'])} · start {_date(item['start_date'])} · "
                          f"{STATUS_NL.get(item['status'], item['status'])}", className="text-muted")]
        if item.get("not_in_other") and not compact:
            tags.append(dbc.Badge(MSG["new"].format(other=other_name), color="info", className="ms-1"))
        items.append(html.Li([html.Strong(item["name"]), *tags]))
    shared = len(record["interventions"]) - len(shown)
    if compact and shared:
        items.append(html.Li(MSG["shared"].format(n=shared), className="text-muted"))
    agenda = html.Ul(items, className="mb-1 lerend-agenda") if items else html.P(
        MSG["agenda_empty"].format(name=better_name), className="text-muted")
    synthetic = any(i.get("synthetic") for i in record["interventions"])
    agenda_title = [MSG["agenda_compact" if compact else "agenda"].format(name=better_name, other=other_name)]
    if synthetic:
        agenda_title.append(dbc.Badge(MSG["synthetic"], color="warning", text_color="dark", className="ms-2"))
    contact = record["contact_role"] or "–"
    heading = [html.P([html.Strong(verdict), f" Gelijkenis {number(record['similarity'], 2)}."], className="mb-2")]
    outcome_block = [html.H4(MSG["outcome"].format(base=record["base_period"], end=record["end_period"]),
                             className="h6"),
                     html.P(f"{record['outcome_name']} ({unit})", className="small text-muted mb-1"), outcome]
    alike_block = [html.H4(MSG["alike"], className="h6"), drivers]
    rest = [html.H4(agenda_title, className="h6"), agenda,
            html.P(MSG["contact"].format(name=partner, role=contact), className="mb-1")]
    if kartrekkers is not None:  # only for programme members (data_access.contacts.may_see_contacts)
        rest.append(contact_list(kartrekkers, f"Kartrekkers van {partner}"))
    if compact:  # side by side on the buurt page, where several partners follow each other
        body = [*heading, dbc.Row([dbc.Col(outcome_block, xs=12, lg=6), dbc.Col(alike_block, xs=12, lg=6)]),
                *rest]
    else:
        body = [*heading, *outcome_block, *alike_block, *rest]
    if not compact:
        body.append(html.P(MSG["method"].format(phi=number(phi, 1)), className="small text-muted mb-0"))
    header = [html.A(partner, href=f"/buurt/{record['partner_code']}", className="lerend-partner-link"),
              html.Span(f" ↔ {self_name}", className="text-muted")]
    return dbc.Card([dbc.CardHeader(header), dbc.CardBody(body)], className="lerend-card mb-3",
                    id=f"lerend-card-{record['partner_code']}")


# ---------------------------------------------------------------- /lerende-buurt

def _network(conn, indicator: str):  # noqa: ANN001, ANN202
    return learning.learning_network(conn, current_viewer(), indicator)


@per_store_version
def init_filters(query):  # noqa: ANN001, ANN201
    """Outcome choices (rates and percentages with a direction), the buurt filter, and their values from the URL."""
    with engine().connect() as conn:
        choices = lerend_view.filter_choices(conn)
    options = [{"label": n, "value": c} for c, n in choices["outcomes"]]
    query = query or {}
    value = query.get("indicator") if query.get("indicator") in {c for c, _n in choices["outcomes"]} \
        else learning.DEFAULT_OUTCOME
    buurt_options = [{"label": n, "value": c} for c, n in choices["buurten"]]
    buurt = query.get("buurt") if query.get("buurt") in {c for c, _n in choices["buurten"]} else None
    return options, value, buurt_options, buurt


def _undirected(links: pd.DataFrame) -> pd.DataFrame:
    """One row per pair (a < b), seen from a: change_self is a's change, difference a's minus b's."""
    if links.empty:
        return links.assign(a=[], b=[])
    frame = links.assign(a=np.minimum(links["slug"], links["partner"]), b=np.maximum(links["slug"], links["partner"]))
    flip = frame["slug"] != frame["a"]
    flipped = frame[flip].copy()
    for one, other in (("change_self", "change_partner"), ("change_self_low", "change_partner_low"),
                       ("change_self_high", "change_partner_high")):
        flipped[one], flipped[other] = frame.loc[flip, other], frame.loc[flip, one]
    flipped["difference"] = -frame.loc[flip, "difference"]
    flipped["ci_low"], flipped["ci_high"] = -frame.loc[flip, "ci_high"], -frame.loc[flip, "ci_low"]
    frame = pd.concat([frame[~flip], flipped])
    return frame.drop_duplicates(["a", "b"]).sort_values(["a", "b"]).reset_index(drop=True)


def _without(buurten: pd.DataFrame) -> str:
    """The buurten without a partner: by name while a sentence can hold them, else a count and the first few."""
    names = buurten.loc[buurten["n_partners"] == 0, "name"].tolist()
    if not names:
        return MSG["all_have"]
    if len(names) <= WITHOUT_NAMED:
        return MSG["without"].format(names=", ".join(names))
    return MSG["without_many"].format(n=number(len(names)), names=", ".join(names[:WITHOUT_NAMED]))


@per_store_version
def update_network(indicator, buurt, query):  # noqa: ANN001, ANN201
    """Summary, network figure and link choices (the list of links: `update_table`)."""
    empty_fig = go.Figure().update_layout(xaxis_visible=False, yaxis_visible=False, height=200,
                                          margin={"l": 0, "r": 0, "t": 0, "b": 0})
    viewer = current_viewer()
    if viewer.anonymous:
        return (dbc.Alert([MSG["login"], " ", html.A("Inloggen", href="/login?next=/lerende-buurt")], color="info",
                          className="login-explanation"), empty_fig, [], None)
    with engine().connect() as conn:
        try:
            result = _network(conn, indicator or learning.DEFAULT_OUTCOME)
        except ValueError as exc:
            return dbc.Alert(str(exc), color="warning"), empty_fig, [], None
    buurten = result.buurten.reset_index(drop=True)
    names = dict(zip(buurten["slug"], buurten["name"], strict=True))
    if buurt and buurt not in names:
        buurt = None
    links = _undirected(result.links)
    if buurt:
        links = links[(links["a"] == buurt) | (links["b"] == buurt)]
    if result.reason:
        return dbc.Alert(MSG["none"].format(reason=result.reason), color="info"), empty_fig, [], None
    summary = html.P([MSG["summary"].format(links=len(links), buurten=len(buurten), name=result.indicator_name,
                                            without=_without(buurten))], className="lerend-summary-text")
    figure = _figure(result, buurten, links, buurt)
    options = [{"label": f"{names[a]} ↔ {names[b]} (verschil {signed(d * 100, 1, ' pp')})", "value": f"{a}|{b}"}
               for a, b, d in zip(links["a"], links["b"], links["difference"], strict=True)]
    wanted = (query or {}).get("link")
    link = wanted if wanted in {o["value"] for o in options} else no_update
    return summary, figure, options, link


@per_store_version
def update_table(indicator, buurt, page=1):  # noqa: ANN001, ANN201
    """One page of the list of links (all links, or the chosen buurt's), and its paging."""
    page = page_after(page, ids.LEREND_INDICATOR, ids.LEREND_BUURT)
    if current_viewer().anonymous:
        return None, 1, 1, HIDDEN
    with engine().connect() as conn:
        try:
            result = _network(conn, indicator or learning.DEFAULT_OUTCOME)
        except ValueError:
            return None, 1, 1, HIDDEN
    if result.reason:
        return None, 1, 1, HIDDEN
    names = dict(zip(result.buurten["slug"], result.buurten["name"], strict=True))
    links = _undirected(result.links)
    if buurt in names:
        links = links[(links["a"] == buurt) | (links["b"] == buurt)]
    pages = max(1, math.ceil(len(links) / TABLE_ROWS))
    page = min(max(1, int(page or 1)), pages)
    shown = links.iloc[(page - 1) * TABLE_ROWS: page * TABLE_ROWS]
    status = MSG["table_page"].format(first=number((page - 1) * TABLE_ROWS + 1),
                                      last=number((page - 1) * TABLE_ROWS + len(shown)),
                                      n=number(len(links))) if pages > 1 else ""
    return _table(shown, names, status), pages, page, None if pages > 1 else HIDDEN


@lru_cache(maxsize=1)
def _network_layout() -> dict:
    """The network's layout with the template resolved, built once (plotly copies and validates the template for
    every go.Figure: half the callback's time at 1,000 buurten)."""
    return go.Figure().update_layout(
        showlegend=False, margin={"l": 10, "r": 10, "t": 10, "b": 10}, plot_bgcolor="white",
        xaxis={"visible": False}, yaxis={"visible": False, "scaleanchor": "x"}, separators=",.",
        hoverlabel={"align": "left"}).to_plotly_json()["layout"]


@lru_cache(maxsize=2)
def _colorscale(name: str) -> list:
    """A named Plotly colour scale as plotly.js needs it ("RdBu_r" exists only in Python)."""
    return [list(step) for step in go.scatter.Marker(colorscale=name).colorscale]


def _figure(result: learning.Learning, buurten: pd.DataFrame, links: pd.DataFrame, focus: str | None) -> dict:
    """The network as a figure dict (the traces go.Figure would send, without validating 1,000-point arrays)."""
    position = {s: i for i, s in enumerate(buurten["slug"])}
    xy = np.round(np.asarray(result.positions, float), 4)  # layout coordinates: 4 decimals is sub-pixel
    ex, ey, mx, my, mtext, mkey = [], [], [], [], [], []
    for a, b, sim, diff in zip(links["a"], links["b"], links["similarity"], links["difference"], strict=True):
        (x0, y0), (x1, y1) = xy[position[a]].tolist(), xy[position[b]].tolist()
        ex += [x0, x1, None]
        ey += [y0, y1, None]
        mx.append(float(np.round((x0 + x1) / 2, 4)))  # numpy's rounding, as before
        my.append(float(np.round((y0 + y1) / 2, 4)))
        mtext.append(f"{buurten['name'][position[a]]} ↔ {buurten['name'][position[b]]}<br>"
                     f"gelijkenis {number(sim, 2)} · verschil {signed(diff * 100, 1, ' procentpunt')}")
        mkey.append(f"{a}|{b}")
    change = buurten["change"].to_numpy(float) * 100
    labelled = ({focus} | set(links["a"]) | set(links["b"])) if focus else set()
    reverse = result.polarity == "lower_is_better"
    slugs = buurten["slug"].tolist()
    marker = {"size": [18 if s == focus else 12 for s in slugs] if focus else 12,
              "color": to_typed_array_spec(np.round(change, 2).astype(np.float32)),
              "colorscale": _colorscale("RdBu_r" if reverse else "RdBu"),
              "line": {"color": "#333", "width": 1},
              "colorbar": {"title": {"text": "verandering<br>sinds nulmeting (%)"}, "thickness": 12}}
    if np.isfinite(change).any():
        marker["cmid"] = 0
    dots = {
        # names only for the chosen buurt and its partners: all of them at once overlap (the list above names
        # every buurt; hovering names any dot); without a chosen buurt no dot has a label or a larger size
        "type": "scatter", "x": to_typed_array_spec(xy[:, 0].astype(np.float32)),
        "y": to_typed_array_spec(xy[:, 1].astype(np.float32)),  # typed arrays of half the size
        "mode": "markers+text" if focus else "markers", "textposition": "top center", "customdata": slugs,
        "marker": marker,
        "hovertext": [f"{n}: {pct(c / 100) if np.isfinite(c) else 'nog niet bekend'} sinds nulmeting"
                      for n, c in zip(buurten["name"], change, strict=True)],
        "hoverinfo": "text", "name": "programmabuurt"}
    if focus:
        dots["text"] = [n if s in labelled else "" for s, n in zip(slugs, buurten["name"], strict=True)]
    return {"data": [
        {"type": "scatter", "x": ex, "y": ey, "mode": "lines", "line": {"color": "#8fa8c8", "width": 1.5},
         "hoverinfo": "skip", "name": "koppeling"},
        {"type": "scatter", "x": mx, "y": my, "mode": "markers",
         "marker": {"size": 11, "color": "#1f4e79", "symbol": "diamond"}, "text": mtext, "hoverinfo": "text",
         "customdata": mkey, "name": "uitleg (klik)"},
        dots,
    ], "layout": _network_layout()}


def _table(links: pd.DataFrame, names: dict, status: str = "") -> html.Div:
    if links.empty:
        return html.Div()
    rows = [html.Tr([
        html.Td(html.A(names[a], href=f"/buurt/{a}")), html.Td(html.A(names[b], href=f"/buurt/{b}")),
        html.Td(number(sim, 2)), html.Td(pct(cs)), html.Td(pct(cp)),
        html.Td(signed(d * 100, 1, " pp")), html.Td(pct_interval(lo, hi).replace("%", " pp")),
    ], className="lerend-row", **{"data-link": f"{a}|{b}"}) for a, b, sim, cs, cp, d, lo, hi in zip(
        links["a"], links["b"], links["similarity"], links["change_self"], links["change_partner"],
        links["difference"], links["ci_low"], links["ci_high"], strict=True)]
    return html.Div([
        html.H2("Alle koppelingen", className="h5"),
        html.P(status, className="small text-muted lerend-table-status") if status else None,
        dbc.Table([html.Thead(html.Tr([html.Th(h) for h in (
            "Buurt", "Leerpartner", "Gelijkenis", "Verandering buurt", "Verandering partner", "Verschil",
            "95%-interval")])), html.Tbody(rows)], size="sm", hover=True, responsive=True,
            className="lerend-links-table"),
    ])


def link_from_click(click):  # noqa: ANN001, ANN201
    """A click on a link's midpoint (or a buurt) selects that link (or filters on that buurt)."""
    if not click or not click.get("points"):
        return no_update, no_update
    key = click["points"][0].get("customdata")
    if isinstance(key, str) and "|" in key:
        return key, no_update
    if isinstance(key, str):
        return no_update, key
    return no_update, no_update


@per_store_version
def update_card(link, indicator):  # noqa: ANN001, ANN201
    """The explanation card of the chosen link (seen from the first buurt)."""
    if not link or not isinstance(link, str) or link.count("|") != 1:
        return pick_hint()
    a, b = link.split("|")
    if current_viewer().anonymous:
        return None
    with engine().connect() as conn:
        try:
            result = _network(conn, indicator or learning.DEFAULT_OUTCOME)
        except ValueError as exc:
            return dbc.Alert(str(exc), color="warning")
        people = contacts.contacts_by_slug(conn, current_viewer(), [a, b])
    names = dict(zip(result.buurten["slug"], result.buurten["name"], strict=True))
    if a not in names or b not in names:
        return dbc.Alert(MSG["unknown"].format(code=a if a not in names else b), color="warning")
    for self_slug, partner in ((a, b), (b, a)):
        record = next((r for r in learning.partner_records(result, self_slug) if r["partner_code"] == partner), None)
        if record is not None:
            return explanation(record, names[self_slug], result.unit, result.phi,
                               kartrekkers=people.get(partner, []) if contacts.may_see_contacts(current_viewer())
                               else None)
    return dbc.Alert(MSG["none"].format(reason=learning.MSG["no_partner"]), color="info")


URL_SYNC_JS = """
function(indicator, buurt, link) {
    // Keep the view in the address bar without re-rendering the page (a copied link reproduces it).
    const params = new URLSearchParams(window.location.search);
    const set = (key, value) => { if (value) { params.set(key, value); } else { params.delete(key); } };
    set('indicator', indicator); set('buurt', buurt); set('link', link);
    const query = params.toString();
    window.history.replaceState(window.history.state, '', window.location.pathname + (query ? '?' + query : ''));
    return query;
}
"""


# ---------------------------------------------------------------- /buurt/<slug> section

@per_store_version
def update_buurt_section(data):  # noqa: ANN001, ANN201
    """The learning partners of one programme buurt, each with its explanation and a link to its page."""
    code = (data or {}).get("code", "") if isinstance(data, dict) else ""
    if not code or len(code) > 80:
        return None
    viewer = current_viewer()
    with engine().connect() as conn:
        area = queries.find_area(conn, code)
        if area is None or area.programme_id is None:
            return None  # the overview itself explains an unknown buurt
        if viewer.anonymous:
            return _section(area.name, [dbc.Alert(MSG["login"], color="info", className="login-explanation")])
        result = learning.learning_network(conn, viewer, learning.DEFAULT_OUTCOME)
        records = learning.partner_records(result, area.code)
        people = contacts.contacts_by_slug(conn, viewer, [r["partner_code"] for r in records])
    shows_people = contacts.may_see_contacts(viewer)
    row = result.buurten[result.buurten["slug"] == area.code]
    intro = html.P(MSG["section_intro"].format(name=area.name, outcome=result.indicator_name), className="mb-2")
    more = html.A(MSG["all_links"], href=f"/lerende-buurt?{urlencode({'buurt': area.code})}",
                  className="lerend-all-links")
    if not records:
        reason = (row.iloc[0]["reason"] if not row.empty else "") or result.reason or learning.MSG["no_partner"]
        return _section(area.name, [intro, html.P(MSG["no_partner"].format(reason=reason),
                                                  className="lerend-no-partner"), more])
    cards = [explanation(r, area.name, result.unit, result.phi, compact=True,
                         kartrekkers=people.get(r["partner_code"], []) if shows_people else None) for r in records]
    return _section(area.name, [intro, *cards, more,
                                html.P(MSG["method"].format(phi=number(result.phi, 1)),
                                       className="small text-muted mt-2")])


def _section(name: str, children: list) -> html.Section:
    return html.Section([html.H2(MSG["section_title"], className="h4 mt-4"), *children],
                        className="lerend-section", **{"aria-label": f"Leerpartners van {name}"})


def register(app: dash.Dash) -> None:
    app.callback(Output(ids.LEREND_INDICATOR, "options"), Output(ids.LEREND_INDICATOR, "value"),
                 Output(ids.LEREND_BUURT, "options"), Output(ids.LEREND_BUURT, "value"),
                 Input(ids.LEREND_QUERY, "data"))(init_filters)
    app.callback(Output(ids.LEREND_SUMMARY, "children"), Output(ids.LEREND_GRAPH, "figure"),
                 Output(ids.LEREND_LINK, "options"), Output(ids.LEREND_LINK, "value"),
                 Input(ids.LEREND_INDICATOR, "value"), Input(ids.LEREND_BUURT, "value"),
                 State(ids.LEREND_QUERY, "data"))(update_network)
    app.callback(Output(ids.LEREND_TABLE, "children"), Output(ids.LEREND_TABLE_PAGE, "max_value"),
                 Output(ids.LEREND_TABLE_PAGE, "active_page"), Output(ids.LEREND_TABLE_PAGE, "style"),
                 Input(ids.LEREND_INDICATOR, "value"), Input(ids.LEREND_BUURT, "value"),
                 Input(ids.LEREND_TABLE_PAGE, "active_page"))(update_table)
    app.callback(Output(ids.LEREND_LINK, "value", allow_duplicate=True),
                 Output(ids.LEREND_BUURT, "value", allow_duplicate=True),
                 Input(ids.LEREND_GRAPH, "clickData"), prevent_initial_call=True)(link_from_click)
    # not on load: the layout holds the hint; a link from the URL arrives through the network callback
    app.callback(Output(ids.LEREND_CARD, "children"), Input(ids.LEREND_LINK, "value"),
                 State(ids.LEREND_INDICATOR, "value"), prevent_initial_call=True)(update_card)
    app.clientside_callback(URL_SYNC_JS, Output(ids.LEREND_URL_SYNC, "data"), Input(ids.LEREND_INDICATOR, "value"),
                            Input(ids.LEREND_BUURT, "value"), Input(ids.LEREND_LINK, "value"))
    app.callback(Output(ids.LEREND_BUURT_SECTION, "children"), Input(ids.BUURT_AREA, "data"))(update_buurt_section)
