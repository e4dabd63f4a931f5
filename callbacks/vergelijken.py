"""Callbacks of /vergelijken: selection from the URL, dots with intervals, funnel plot, scatter, table, downloads.

Every area code from the URL or the dropdown is resolved with queries.find_area (unknown → a Dutch message, never
SQL with it); indicators are checked against the catalogue; values come through data_access.published with the
current viewer, as in the API whose CSV the download links serve.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, State, html
from plotly.subplots import make_subplots

from callbacks.buurt import fmt, period_label
from callbacks.common import current_viewer, engine, per_store_version
from dashboard import ids
from data_access import compare, queries
from data_access.menukaart import THEMES
from data_access.services.search import areas_by_code, areas_matching
from layouts.formatting import number

THEME_NL = {**dict(THEMES),
            "demografie": "Demografie", "huishoudens": "Huishoudens", "sociaaleconomisch": "Sociaaleconomisch",
            "gezondheid": "Gezondheid", "leefstijl": "Leefstijl", "zorggebruik": "Zorggebruik",
            "zorgkosten": "Zorgkosten", "voorzieningen": "Voorzieningen", "leefomgeving": "Leefomgeving"}
LEVEL_NL = {"programma": "programmabuurt", "gemeente": "gemeente", "wijk": "wijk", "buurt": "buurt"}
DEFAULT_INDICATORS = list(compare.DEFAULT_INDICATORS)
DEFAULT_FUNNEL = compare.DEFAULT_FUNNEL
DEFAULT_X, DEFAULT_Y = compare.DEFAULT_X, compare.DEFAULT_Y
MAX_SEARCH = 30
LISTED = 50  # programme buurten offered before anything is typed; the others are found by typing their name
MSG = {
    "unknown_areas": "Onbekend gebied genegeerd: {codes}. Gebruik een CBS-code (bv. BU03920105) of de naam van een "
                     "programmabuurt.",
    "unknown_indicators": "Onbekende indicator genegeerd: {codes}.",
    "too_many": "Maximaal {n} gebieden tegelijk; de eerste {n} worden getoond.",
    "pick": "Kies gebieden en indicatoren om te vergelijken.",
    "no_values": "Geen waarden die u mag zien voor deze keuze (niet openbaar, nog niet aangeleverd of te kleine "
                 "aantallen).",
    "no_value": "geen waarde die u mag zien (niet openbaar op dit niveau, of niet aangeleverd)",
    "funnel_none": "Te weinig programmabuurten met teller en noemer voor een trechter (minstens drie nodig).",
    "scatter_none": "Geen gebieden met een waarde voor beide indicatoren.",
    "phi_none": "φ = {phi}: de programmabuurten verschillen niet meer van elkaar dan het toeval bij hun aantallen "
                "(cliënten, inwoners) laat verwachten; de grenzen zijn de gewone 95%- en 99,8%-grenzen.",
    "phi_over": "φ = {phi}: de programmabuurten verschillen {phi} keer zo veel van elkaar als het toeval bij hun "
                "aantallen (cliënten, inwoners) verklaart; er zijn dus echte verschillen tussen buurten. De grenzen "
                "zijn met die extra spreiding verbreed, zodat alleen een buurt opvalt die ook dan buiten de trechter "
                "valt. Hoe groter φ, hoe vlakker de trechter: de omvang van een buurt doet er dan weinig toe.",
    "funnel_chosen": "Gekozen buurten zijn groot en met naam getekend.",
    "synthetic": "De niet-openbare cijfers in deze demo zijn synthetisch.",
}
# Margins that already hold the axis labels and the legend below: with the old 10/40 px, Plotly's automargin grew
# them after the first pass and drew all 1,000 points a second time (about half the funnel's drawing time).
FUNNEL_MARGIN = {"l": 70, "r": 10, "t": 30, "b": 110}
SCATTER_MARGIN = {"l": 70, "r": 10, "t": 30, "b": 60}
FUNNEL_CHOSEN = "gekozen buurt"  # the funnel's trace of the chosen buurten
BAND_COLOURS = {"binnen": "#6c757d", "boven 95%": "#ff7f0e", "boven 99,8%": "#d62728", "onder 95%": "#1f77b4",
                "onder 99,8%": "#08306b"}


def _missing(value) -> bool:  # noqa: ANN001
    return value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value)


def _label(code: str, name: str, level: str) -> str:
    return f"{name} ({LEVEL_NL.get(level, level)}, {code})" if level != "programma" else f"{name} (programmabuurt)"


def _chart_name(area: queries.AreaInfo) -> str:
    """A programme buurt by its name; a CBS area with its code (a CBS buurt may share a programme buurt's name)."""
    return area.name if area.programme_id is not None else f"{area.name} ({area.code})"


def _resolve_many(conn, codes: list[str]) -> tuple[list[queries.AreaInfo], list[str]]:  # noqa: ANN001
    found, unknown = [], []
    for code in codes:
        area = queries.find_area(conn, code) if isinstance(code, str) and 0 < len(code) <= 80 else None
        if area is None or area.level not in LEVEL_NL:
            unknown.append(str(code)[:80])
        elif all(a.code != area.code for a in found):
            found.append(area)
    return found, unknown


def indicator_options(catalogue: pd.DataFrame, kinds: tuple[str, ...] | None = None) -> list[dict]:
    """Indicators grouped by theme: a disabled header option per theme, then its indicators."""
    cat = catalogue if kinds is None else catalogue[catalogue["kind"].isin(kinds)]
    cat = cat.assign(first_theme=cat["theme"].str.split(",").str[0])
    order = list(THEME_NL)
    options = []
    for theme in sorted(cat["first_theme"].unique(), key=lambda t: order.index(t) if t in order else 99):
        group = cat[cat["first_theme"] == theme]
        options.append({"label": f"— {THEME_NL.get(theme, theme)} —", "value": f"thema:{theme}", "disabled": True})
        options += [{"label": n, "value": c} for c, n in zip(group["code"], group["name"], strict=True)]
    return options


def _area_options(conn, programme: pd.DataFrame, programme_ids: frozenset[int], chosen: list[str],  # noqa: ANN001
                  search: str | None = None) -> list[dict]:
    """The picker's options: without a search the first LISTED programme buurten (the viewer's own first), with one
    the programme buurten and CBS areas that match it; the chosen areas always (a chip needs its label)."""
    if search and len(search.strip()) >= 2:
        rows = areas_matching(conn, search, MAX_SEARCH, ("programma",))
        rows += areas_matching(conn, search, MAX_SEARCH, ("buurt", "wijk", "gemeente"), with_children=True)
    else:
        own = programme["programme_id"].isin(programme_ids)
        listed = pd.concat([programme[own], programme[~own]]).head(LISTED)
        rows = [(c, n, "programma") for c, n in zip(listed["code"], listed["name"], strict=True)]
    seen = {code for code, _name, _level in rows}
    extra = [c for c in chosen if isinstance(c, str) and 0 < len(c) <= 80 and c not in seen][:MAX_SEARCH]
    rows = (areas_by_code(conn, extra) if extra else []) + rows
    options, seen = [], set()
    for code, name, level in rows:
        if code not in seen and level in LEVEL_NL:
            seen.add(code)
            options.append({"label": _label(code, name, level), "value": code})
    return options


@per_store_version
def init_view(query):  # noqa: ANN001, ANN201
    """Options and values from the URL (or sensible defaults), with a message for unknown codes."""
    query = query or {}
    viewer = current_viewer()
    with engine().connect() as conn:
        catalogue = queries.indicators(conn)
        programme = compare.programme_list(conn)
        wanted = query.get("gebieden") or []
        if not wanted:
            own = programme[programme["programme_id"].isin(viewer.programme_ids)]["code"].tolist()
            wanted = (own + [c for c in programme["code"] if c not in own])[:3]
        areas, unknown_areas = _resolve_many(conn, wanted)
        chosen = [a.code for a in areas][:compare.MAX_AREAS]
        area_options = _area_options(conn, programme, viewer.programme_ids, chosen)
    codes = set(catalogue["code"])
    indicators = [c for c in (query.get("indicatoren") or DEFAULT_INDICATORS) if c in codes]
    unknown_ind = [c for c in (query.get("indicatoren") or []) if c not in codes]
    messages = []
    if unknown_areas:
        messages.append(dbc.Alert(MSG["unknown_areas"].format(codes=", ".join(unknown_areas)), color="warning",
                                  className="vergelijk-unknown"))
    if unknown_ind:
        messages.append(dbc.Alert(MSG["unknown_indicators"].format(codes=", ".join(unknown_ind)), color="warning",
                                  className="vergelijk-unknown"))
    funnel_options = indicator_options(catalogue, ("rate", "percentage"))
    funnel_codes = {o["value"] for o in funnel_options if not o.get("disabled")}
    funnel = query.get("funnel") if query.get("funnel") in funnel_codes else DEFAULT_FUNNEL
    all_options = indicator_options(catalogue)
    x = query.get("x") if query.get("x") in codes else DEFAULT_X
    y = query.get("y") if query.get("y") in codes else DEFAULT_Y
    return (area_options, chosen, all_options, indicators[:compare.MAX_INDICATORS],
            funnel_options, funnel, all_options, x, all_options, y, messages)


@per_store_version
def search_areas(search, value):  # noqa: ANN001, ANN201
    """Programme buurten and CBS areas whose name, gemeente or code matches the search text, and the chosen ones."""
    viewer = current_viewer()
    with engine().connect() as conn:
        programme = compare.programme_list(conn) if not search or len(search.strip()) < 2 else None
        return _area_options(conn, programme, viewer.programme_ids, value or [], search)


@per_store_version
def update_comparison(area_codes, indicator_codes):  # noqa: ANN001, ANN201
    """Dots with intervals per indicator, the table and the CSV links of the chosen areas."""
    area_codes = [c for c in (area_codes or []) if isinstance(c, str)]
    indicator_codes = [c for c in (indicator_codes or []) if isinstance(c, str)]
    empty = go.Figure().update_layout(height=80, xaxis_visible=False, yaxis_visible=False,
                                      margin={"l": 0, "r": 0, "t": 0, "b": 0})
    if not area_codes or not indicator_codes:
        return empty, dbc.Alert(MSG["pick"], color="info"), None
    viewer = current_viewer()
    with engine().connect() as conn:
        catalogue = queries.indicators(conn)
        indicator_codes = [c for c in indicator_codes if c in set(catalogue["code"])][:compare.MAX_INDICATORS]
        areas, _unknown = _resolve_many(conn, area_codes)
        frame = compare.latest_values(conn, viewer, areas, indicator_codes, catalogue)
    cat = catalogue.set_index("code")
    names = {a.code: _chart_name(a) for a in areas}
    downloads = html.Div([html.Span("CSV per gebied: ", className="me-1")] + [
        html.A(names[a.code], href="/api/v1/observations?" + urlencode(
            {"area": a.code, "indicator": ",".join(indicator_codes), "format": "csv"}),
            className="vergelijk-csv me-3", target="_blank") for a in areas[:compare.MAX_AREAS]])
    if frame.empty or frame["value"].notna().sum() == 0:
        return empty, dbc.Alert(MSG["no_values"], color="info"), downloads
    figure = _dots_figure(frame, areas, indicator_codes, cat, names)
    return figure, _table(frame, areas, indicator_codes, cat), downloads


def _dots_figure(frame: pd.DataFrame, areas: list[queries.AreaInfo], indicator_codes: list[str], cat: pd.DataFrame,
                 names: dict[str, str]) -> dict:
    """One row of dots with their 95%-intervals per indicator. The axes and titles come from make_subplots; the
    traces are plain dicts (Plotly's validation of them cost more than the rest of the callback)."""
    n = len(indicator_codes)
    layout = make_subplots(rows=n, cols=1, vertical_spacing=0.35 / max(n, 1), subplot_titles=[
        f"{cat.at[c, 'name']} ({cat.at[c, 'unit']})" for c in indicator_codes]).to_plotly_json()["layout"]
    layout.update(height=120 + n * (110 + 32 * len(areas)), separators=",.", plot_bgcolor="white",
                  margin={"l": 10, "r": 10, "t": 40, "b": 20})
    order, traces = [a.code for a in areas], []
    for row, code in enumerate(indicator_codes, start=1):
        axis = "" if row == 1 else str(row)
        layout[f"xaxis{axis}"].update(gridcolor="#e9ecef", zeroline=False)
        layout[f"yaxis{axis}"].update(autorange="reversed")
        rows = frame[frame["indicator"] == code].set_index("area").reindex(order).dropna(subset=["value"])
        err_plus = (rows["ci_high"] - rows["value"]).where(rows["ci_high"].notna())
        err_minus = (rows["value"] - rows["ci_low"]).where(rows["ci_low"].notna())
        kind, unit = cat.at[code, "kind"], cat.at[code, "unit"]
        traces.append({
            "type": "scatter", "x": rows["value"].tolist(), "y": [names[a] for a in rows.index], "mode": "markers",
            "marker": {"size": 11, "color": "#1f4e79"},
            "error_x": {"type": "data", "array": err_plus.fillna(0).tolist(),
                        "arrayminus": err_minus.fillna(0).tolist(), "thickness": 1.5, "width": 4},
            "hovertext": [f"{names[a]}: {fmt(v, kind, unit)} ({period_label(p)})"
                          for a, v, p in zip(rows.index, rows["value"].tolist(), rows["period"].tolist(), strict=True)],
            "hoverinfo": "text", "name": cat.at[code, "name"], "showlegend": False,
            "xaxis": f"x{axis}", "yaxis": f"y{axis}"})
    return {"data": traces, "layout": layout}


def _table(frame: pd.DataFrame, areas: list[queries.AreaInfo], indicator_codes: list[str],
           cat: pd.DataFrame) -> html.Div:
    body = []
    for area in areas:
        for code in indicator_codes:
            match = frame[(frame["area"] == area.code) & (frame["indicator"] == code)]
            row = match.iloc[0] if not match.empty else None
            kind, unit = cat.at[code, "kind"], cat.at[code, "unit"]
            value = None if row is None else row["value"]
            interval = "–" if row is None or _missing(row["ci_low"]) else \
                f"{fmt(row['ci_low'], kind, unit)} – {fmt(row['ci_high'], kind, unit)}"
            note = MSG["no_value"] if row is None else (row.get("note") or "")
            badge = [dbc.Badge("synthetisch", color="warning", text_color="dark", className="ms-1")] \
                if row is not None and bool(row.get("synthetic")) else []
            body.append(html.Tr([
                html.Td(html.A(_chart_name(area), href=f"/buurt/{area.code}" if area.programme_id is not None
                               else f"/gebied/{area.code}")),
                html.Td(cat.at[code, "name"]), html.Td(fmt(value, kind, unit), className="vergelijk-value"),
                html.Td(period_label(row["period"]) if row is not None else "–"), html.Td(interval),
                html.Td([note if isinstance(note, str) else "", *badge], className="small"),
            ], className="vergelijk-row", **{"data-area": area.code, "data-indicator": code}))
    return dbc.Table([html.Thead(html.Tr([html.Th(h) for h in (
        "Gebied", "Indicator", "Waarde", "Periode", "95%-interval", "Toelichting")])), html.Tbody(body)],
        size="sm", hover=True, responsive=True, className="vergelijk-table")


def phi_sentence(phi: float, tau2: float) -> str:
    """φ in words: how much more the buurten differ than chance explains, and what that does to the limits."""
    if _missing(phi):
        return ""
    return MSG["phi_over" if tau2 > 0 else "phi_none"].format(phi=number(phi, 1))


@functools.cache
def _base_layout() -> dict:
    """What every go.Figure's layout starts with (the app's default template), for the large figures built as plain
    dicts: Plotly's validation of a trace of 1,000 points costs ~0.5 s; plotly.js reads the same dict."""
    return go.Figure().to_plotly_json()["layout"]


def _rounded(values: Iterable[float], digits: int = 6) -> list[float | None]:
    """Chart positions to `digits` significant digits (a pixel needs 4): shorter JSON, the same picture."""
    return [None if _missing(v) else float(f"{v:.{digits}g}") for v in values]


def _hovertexts(names: list[str], values: list[float], periods: list[str], kind: str, unit: str,
                bands: list[str] | None = None) -> list[str]:
    """"<name>: <value> (<band>; <period>)" per point, each period labelled once."""
    labels = {p: period_label(p) for p in set(periods)}
    if bands is None:
        return [f"{n}: {fmt(v, kind, unit)} ({labels[p]})" for n, v, p in zip(names, values, periods, strict=True)]
    return [f"{n}: {fmt(v, kind, unit)} ({b}; {labels[p]})"
            for n, v, b, p in zip(names, values, bands, periods, strict=True)]


@per_store_version
def update_funnel(indicator, area_codes=None):  # noqa: ANN001, ANN201
    """Funnel plot of the newest value of every programme buurt, outliers and chosen buurten labelled; φ in words.

    The newest values come from the results tables (one aggregation of all programme buurten per change of the
    store); the figure is a plain dict (see `_base_layout`)."""
    figure = go.Figure().update_layout(separators=",.", plot_bgcolor="white", height=460,
                                       margin={"l": 10, "r": 10, "t": 30, "b": 40})
    with engine().connect() as conn:
        catalogue = queries.indicators(conn)
        if indicator not in set(catalogue["code"]):
            return figure.add_annotation(text=MSG["funnel_none"], showarrow=False, x=0.5, y=0.5,
                                         xref="paper", yref="paper"), ""
        latest = compare.stored_programme_latest(conn, current_viewer(), indicator, catalogue)
    row = catalogue.set_index("code").loc[indicator]
    data = compare.funnel_data(latest, str(row["kind"]), None if _missing(row["per"]) else float(row["per"]))
    if data is None:
        return figure.add_annotation(text=MSG["funnel_none"], showarrow=False, x=0.5, y=0.5, xref="paper",
                                     yref="paper"), ""
    limits, units = data["limits"], data["units"]
    traces = [{"type": "scatter", "x": _rounded(limits["denominator"]), "y": _rounded(limits[col]), "mode": "lines",
               "line": {"color": "#adb5bd", "dash": dash_style}, "name": label or col,
               "showlegend": label is not None, "hoverinfo": "skip"}
              for col, dash_style, label in (("upper_99_8", "dash", "99,8%-grens"), ("upper_95", "dot", "95%-grens"),
                                             ("lower_95", "dot", None), ("lower_99_8", "dash", None))]
    traces += _funnel_points(units, area_codes, row["kind"], row["unit"])
    title = f"gemiddelde {fmt(data['target'], row['kind'], row['unit'])}; overdispersie φ = {number(data['phi'], 1)}"
    layout = {**_base_layout(), "separators": ",.", "plot_bgcolor": "white", "height": 460,
              "margin": FUNNEL_MARGIN,
              "shapes": [{"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": data["target"],
                          "y1": data["target"], "line": {"color": "#495057", "width": 1}}],
              "xaxis": {"title": {"text": "noemer (omvang)"}, "type": "log", "gridcolor": "#e9ecef"},
              "yaxis": {"title": {"text": str(row["name"])}, "gridcolor": "#e9ecef"},
              "legend": {"orientation": "h", "y": -0.2}, "title": {"text": title, "font": {"size": 12}}}
    note = phi_sentence(data["phi"], data["tau2"])
    chosen = any(t["name"] == FUNNEL_CHOSEN for t in traces)
    return {"data": traces, "layout": layout}, f"{note} {MSG['funnel_chosen']}" if chosen else note


def _funnel_points(units: pd.DataFrame, area_codes: list | None, kind: str, unit: str) -> list[dict]:
    """The buurten of the funnel as three traces: every buurt (a dot coloured by its band), the names of the
    outliers, and the chosen buurten on top (large diamonds with their names). One trace with a size, symbol,
    line width and text per point took plotly.js about twice as long to draw at 1,000 buurten."""
    names, bands = units["area_name"].astype(str).tolist(), units["band"].tolist()
    wanted = {str(c).lower() for c in (area_codes or []) if isinstance(c, str)}
    chosen = [str(a).lower() in wanted for a in units["area"].tolist()]
    x, y = _rounded(units["denominator"]), _rounded(units["value"])
    hover = _hovertexts(names, units["value"].tolist(), units["period"].tolist(), kind, unit, bands)
    colours = [BAND_COLOURS.get(b, "#6c757d") for b in bands]

    def pick(values: list, keep: list[bool]) -> list:
        return [v for v, k in zip(values, keep, strict=True) if k]

    rest = [not c for c in chosen]
    named = [r and b != "binnen" for r, b in zip(rest, bands, strict=True)]
    traces = [{"type": "scatter", "x": pick(x, rest), "y": pick(y, rest), "mode": "markers",
               "marker": {"size": 10, "color": pick(colours, rest), "line": {"color": "#000", "width": 0.5}},
               "hovertext": pick(hover, rest), "hoverinfo": "text", "name": "programmabuurt"}]
    if any(named):
        traces.append({"type": "scatter", "x": pick(x, named), "y": pick(y, named), "mode": "text",
                       "text": pick(names, named), "textposition": "top center", "hoverinfo": "skip",
                       "showlegend": False, "name": "namen van buurten buiten de trechter"})
    if any(chosen):
        traces.append({"type": "scatter", "x": pick(x, chosen), "y": pick(y, chosen), "mode": "markers+text",
                       "text": pick(names, chosen), "textposition": "top center",
                       "marker": {"size": 16, "symbol": "diamond", "color": pick(colours, chosen),
                                  "line": {"color": "#000", "width": 3}},
                       "hovertext": pick(hover, chosen), "hoverinfo": "text", "showlegend": False,
                       "name": FUNNEL_CHOSEN})
    return traces


@per_store_version
def update_scatter(x, y, area_codes):  # noqa: ANN001, ANN201
    """One dot per chosen area (two or more chosen) or else per programme buurt (from the results tables; the
    figure is a plain dict, see `_base_layout`)."""
    figure = go.Figure().update_layout(separators=",.", plot_bgcolor="white", height=460,
                                       margin={"l": 10, "r": 10, "t": 30, "b": 40})
    viewer = current_viewer()
    with engine().connect() as conn:
        catalogue = queries.indicators(conn)
        codes = set(catalogue["code"])
        if x not in codes or y not in codes:
            return figure
        areas, _ = _resolve_many(conn, [c for c in (area_codes or []) if isinstance(c, str)])
        if len(areas) >= 2:
            frame = compare.latest_values(conn, viewer, areas, list({x, y}), catalogue)
        else:
            frame = pd.concat([compare.stored_programme_latest(conn, viewer, code, catalogue) for code in {x, y}])
    cat = catalogue.set_index("code")
    if frame.empty:
        return figure.add_annotation(text=MSG["scatter_none"], showarrow=False, x=0.5, y=0.5, xref="paper",
                                     yref="paper")
    frame = frame.assign(area_name=frame["area"].map({a.code: _chart_name(a) for a in areas}).fillna(
        frame["area_name"]))
    wide = frame.pivot_table(index=["area", "area_name"], columns="indicator", values="value").reset_index()
    if x not in wide or y not in wide or wide[[x, y]].dropna().empty:
        return figure.add_annotation(text=MSG["scatter_none"], showarrow=False, x=0.5, y=0.5, xref="paper",
                                     yref="paper")
    wide = wide.dropna(subset=[x, y])
    names, few = wide["area_name"].astype(str).tolist(), len(wide) <= 25
    x_fmt, y_fmt = (cat.at[x, "kind"], cat.at[x, "unit"]), (cat.at[y, "kind"], cat.at[y, "unit"])
    points = {"type": "scatter", "x": _rounded(wide[x]), "y": _rounded(wide[y]),
              "mode": "markers+text" if few else "markers", "marker": {"size": 10, "color": "#1f4e79"},
              "hoverinfo": "text",
              "hovertext": [f"{n}: {fmt(a, *x_fmt)} / {fmt(b, *y_fmt)}"
                            for n, a, b in zip(names, wide[x].tolist(), wide[y].tolist(), strict=True)]}
    if few:  # names beside the dots; with more dots only on hover
        points |= {"text": names, "textposition": "top center"}
    layout = {**_base_layout(), "separators": ",.", "plot_bgcolor": "white", "height": 460,
              "margin": SCATTER_MARGIN,
              "xaxis": {"title": {"text": f"{cat.at[x, 'name']} ({cat.at[x, 'unit']})"}, "gridcolor": "#e9ecef"},
              "yaxis": {"title": {"text": f"{cat.at[y, 'name']} ({cat.at[y, 'unit']})"}, "gridcolor": "#e9ecef"}}
    return {"data": [points], "layout": layout}


URL_SYNC_JS = """
function(areas, indicators, funnel, x, y) {
    // Keep the whole view in the address bar (a copied link reproduces it) without reloading the page.
    const params = new URLSearchParams();
    if (areas && areas.length) { params.set('gebieden', areas.join(',')); }
    if (indicators && indicators.length) { params.set('indicatoren', indicators.join(',')); }
    if (funnel) { params.set('funnel', funnel); }
    if (x) { params.set('x', x); }
    if (y) { params.set('y', y); }
    const query = params.toString().replace(/%2C/g, ',');
    window.history.replaceState(window.history.state, '', window.location.pathname + (query ? '?' + query : ''));
    return query;
}
"""


def register(app: dash.Dash) -> None:
    app.callback(Output(ids.VERGELIJK_AREAS, "options"), Output(ids.VERGELIJK_AREAS, "value"),
                 Output(ids.VERGELIJK_INDICATORS, "options"), Output(ids.VERGELIJK_INDICATORS, "value"),
                 Output(ids.VERGELIJK_FUNNEL_INDICATOR, "options"), Output(ids.VERGELIJK_FUNNEL_INDICATOR, "value"),
                 Output(ids.VERGELIJK_X, "options"), Output(ids.VERGELIJK_X, "value"),
                 Output(ids.VERGELIJK_Y, "options"), Output(ids.VERGELIJK_Y, "value"),
                 Output(ids.VERGELIJK_MESSAGE, "children"),
                 Input(ids.VERGELIJK_QUERY, "data"))(init_view)
    app.callback(Output(ids.VERGELIJK_AREAS, "options", allow_duplicate=True),
                 Input(ids.VERGELIJK_AREAS, "search_value"), State(ids.VERGELIJK_AREAS, "value"),
                 prevent_initial_call=True)(search_areas)
    app.callback(Output(ids.VERGELIJK_DOTS, "figure"), Output(ids.VERGELIJK_TABLE, "children"),
                 Output(ids.VERGELIJK_DOWNLOADS, "children"),
                 Input(ids.VERGELIJK_AREAS, "value"), Input(ids.VERGELIJK_INDICATORS, "value"))(update_comparison)
    app.callback(Output(ids.VERGELIJK_FUNNEL, "figure"), Output(ids.VERGELIJK_FUNNEL_NOTE, "children"),
                 Input(ids.VERGELIJK_FUNNEL_INDICATOR, "value"), Input(ids.VERGELIJK_AREAS, "value"))(update_funnel)
    app.callback(Output(ids.VERGELIJK_SCATTER, "figure"), Input(ids.VERGELIJK_X, "value"),
                 Input(ids.VERGELIJK_Y, "value"), Input(ids.VERGELIJK_AREAS, "value"))(update_scatter)
    app.clientside_callback(URL_SYNC_JS, Output(ids.VERGELIJK_URL_SYNC, "data"),
                            Input(ids.VERGELIJK_AREAS, "value"), Input(ids.VERGELIJK_INDICATORS, "value"),
                            Input(ids.VERGELIJK_FUNNEL_INDICATOR, "value"), Input(ids.VERGELIJK_X, "value"),
                            Input(ids.VERGELIJK_Y, "value"))
