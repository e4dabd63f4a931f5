"""Callbacks of the transitieteam's overview (/transitie).

Only the transitieteam and beheerders see this page: every callback checks the viewer itself and answers others
with a Dutch message and no data. Candidate codes coming from the browser are checked against the store.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from dash import ALL, Input, Output, State, dcc, html, no_update
from flask import request

from callbacks import grid_paging
from callbacks.buurt_uitkomsten import updated_note
from callbacks.common import current_viewer, engine, per_store_version
from callbacks.grid import rows
from callbacks.maps import programme_map
from dashboard import ids
from data_access import kpi_service, periods, transitie
from data_access.access import Viewer
from data_access.audit import record_event
from data_access.export_safety import safe_frame
from data_access.results import state as read_model_state
from data_access.results import store as read_model_store
from layouts import html_table
from layouts.figures import OKABE_ITO, TEMPLATE, exportable, graph_config, status_badge
from layouts.formatting import number, signed, time_nl
from layouts.maps import rounded, with_outlines
from layouts.transitie import (
    FAMILY_HEADERS,
    KPI_COLUMNS,
    MAIN_KPI,
    candidate_columns,
    candidates_block,
    overview_columns,
)

ROLES = transitie.VIEW_ROLES
MSG = {
    "anonymous": "Deze pagina is voor het transitieteam. Log in om verder te gaan.",
    "denied": "Geen toegang: deze pagina is alleen voor het transitieteam en beheerders.",
    "count": "{n} programmabuurten in {c} cohort(en); niet-openbare cijfers in deze demo zijn synthetisch.",
    "late": "{n} buurt(en) met een ontbrekende of late levering (oranje gemarkeerd in de tabel): ",
    "late_more": " en {n} andere",
    "none": "Er zijn nog geen programmabuurten.",
    "never": "nooit aangeleverd",
    "not_started": "nog niet gestart",
    "behind": "{label} ({months} mnd achter)",
    "no_map": "Geen kaartgegevens: importeer de CBS-gemeentegrenzen (geo) om de kaart te tonen.",
    "cand_info": "{n} kandidaten met een score ({level}), de hoogste score eerst; sorteer en filter in de tabel. "
                 "Gewichten: {weights}.",
    "cand_none": "Geen kandidaten met voldoende gegevens: importeer de CBS-, RIVM- en Vektis-bestanden.",
    "pick": "Kies een kandidaat in de tabel.",
    "saved": "Opgeslagen als versie {version}.",
    "unknown": "Onbekende kandidaat; kies een rij in de tabel.",
}
# the one palette (layouts/figures.py): blue ▲ on course, orange ▼ not on course, grey ● not yet known
KPI_STATUS_COLOURS = {"op_koers": OKABE_ITO["blue"], "niet_op_koers": OKABE_ITO["orange"],
                      "nog_niet_bekend": OKABE_ITO["grey"]}
KPI_STATUS_SYMBOLS = {"op_koers": "triangle-up", "niet_op_koers": "triangle-down", "nog_niet_bekend": "circle"}
NOT_KNOWN = transitie.NOT_KNOWN
GRID_BLOCK = 100  # rows per block the programme grid asks for (infinite row model)


def allowed(viewer: Viewer) -> bool:
    """Whether the viewer may see the transitieteam's overview (`data_access.transitie.may_view`)."""
    return transitie.may_view(viewer)


def _denied_message(viewer: Viewer) -> dbc.Alert:
    return dbc.Alert(MSG["anonymous"] if viewer.anonymous else MSG["denied"], color="warning",
                     id="transitie-denied")


# ---------------------------------------------------------------- programme buurten

def _fresh_text(row: dict, key: str) -> str:
    last = row.get(f"{key}_last")
    if row.get("not_started") and key != "verzekeraars":
        return MSG["not_started"]
    if not isinstance(last, str):
        return MSG["never"]
    label = periods.label(last)
    behind = row.get(f"{key}_behind")
    if row.get(f"{key}_late") and pd.notna(behind) and behind > 0:
        return MSG["behind"].format(label=label, months=int(behind))
    return label


def with_kpi_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Add per KPI indicator a Dutch text with its status and effect (`kpi_<code>_txt`) to the grid's data
    (`transitie.grid_frame`: status `kpi_<code>`, effect `kpi_<code>_effect`)."""
    frame = frame.copy()
    labels = kpi_service.STATUS_LABELS
    for code, _header in KPI_COLUMNS:
        status = frame[f"kpi_{code}"] if f"kpi_{code}" in frame.columns else pd.Series(NOT_KNOWN, index=frame.index)
        effect = frame[f"kpi_{code}_effect"] if f"kpi_{code}_effect" in frame.columns else \
            pd.Series(float("nan"), index=frame.index)
        frame[f"kpi_{code}"] = status.fillna(NOT_KNOWN)
        frame[f"kpi_{code}_txt"] = [
            labels.get(s, s) + (f" ({signed(e * 100, 1, '%')})" if pd.notna(e) else "")
            for s, e in zip(frame[f"kpi_{code}"], pd.to_numeric(effect, errors="coerce"), strict=True)]
    return frame


def overview_rows(frame: pd.DataFrame, today: dt.date | None = None) -> list[dict]:
    """Grid rows of the programme overview (one per buurt)."""
    today = today or dt.date.today()
    frame = frame.copy()
    frame["not_started"] = pd.to_datetime(frame["start_date"]).dt.date > today
    frame["buurt"] = "[" + frame["name"].str.replace("]", ")", regex=False) + "](/buurt/" + frame["slug"] + ")"
    frame["buurtbeeld_txt"] = frame["buurtbeeld"].map({True: "ja", False: "nee"}).fillna("nee")
    records = frame.to_dict("records")  # plain dicts: DataFrame.apply built a Series per row
    for key in FAMILY_HEADERS:
        frame[f"{key}_txt"] = [_fresh_text(r, key) for r in records]
        frame[f"{key}_late"] = frame[f"{key}_late"].fillna(True).astype(bool) & ~(
            frame["not_started"] & (key != "verzekeraars"))
    frame["start"] = pd.to_datetime(frame["start_date"]).dt.strftime("%d-%m-%Y")
    # only what the grid and the partner summary use: with 1,000 buurten every field costs
    keep = ["slug", "programme_id", "name", "buurt", "cohort", "alliance_partner", "region", "start",
            "buurtbeeld_txt", "sessies", "interventies_gestart", "best_practices"]
    keep += [c for code, _ in KPI_COLUMNS for c in (f"kpi_{code}", f"kpi_{code}_txt") if c in frame.columns]
    keep += [c for key in FAMILY_HEADERS for c in (f"{key}_txt", f"{key}_late")]
    return rows(frame[keep], {"sessies": 0, "interventies_gestart": 0, "best_practices": 0, "cohort": 0})


def partner_summary(rows_: list[dict]):  # noqa: ANN201 — one dcc.Markdown (layouts.html_table)
    """Per alliance partner and cohort: buurten, KPI status counts and buurten with a late delivery.

    Counted over the grid's plain row dicts in one pass (a DataFrame and its groupby cost ~60 ms at 1,000 buurten);
    rows without a partner or cohort are left out, as a groupby leaves them out. Sent as one component
    (`layouts.html_table`): as html.Td cells it was ~160 Dash components for the browser to mount."""
    groups: dict[tuple, list[int]] = {}
    for row in rows_:
        partner, cohort = row.get("alliance_partner"), row.get("cohort")
        if partner is None or cohort is None:
            continue
        counts = groups.setdefault((partner, cohort), [0, 0, 0, 0, 0])
        status = row.get(f"kpi_{MAIN_KPI}")
        for i, hit in enumerate((True, status == "op_koers", status == "niet_op_koers", status == NOT_KNOWN,
                                 any(row.get(f"{k}_late") for k in FAMILY_HEADERS))):
            counts[i] += bool(hit)
    if not groups:
        return dbc.Table()
    body = [html_table.tag("tr", [html_table.tag("td", value) for value in (
                partner, number(cohort), number(n), number(op), number(niet), number(unknown))]
                + [html_table.tag("td", number(late), class_name="fresh-late" if late else None)])
            for (partner, cohort), (n, op, niet, unknown, late) in sorted(groups.items())]
    return html_table.table_component(
        ["Alliantiepartner", "Cohort", "Buurten", "Op koers", "Niet op koers", "Nog niet bekend", "Levering achter"],
        body, table_id="transitie-partner-table", class_name="small table table-sm table-striped")


def overview_map(frame: pd.DataFrame, outlines: dict | None, locations: pd.DataFrame) -> dict:
    """Gemeente outlines (a picture, `outline_image`; no internet tiles) with a dot per programme buurt, coloured
    by its KPI status.

    A plain figure dict (one trace per status, rounded coordinates, only the hover text per point): building
    graph objects validated 60,000 outline points per request."""
    traces: list[dict] = []
    points = frame.merge(locations, on="programme_id", how="inner")
    status_column = f"kpi_{MAIN_KPI}"
    if status_column not in points.columns:
        points[status_column] = NOT_KNOWN
    for status, label in kpi_service.STATUS_LABELS.items():
        part = points[points[status_column] == status]
        if part.empty:
            continue
        traces.append({
            "type": "scatter", "x": rounded(part["x"]), "y": rounded(part["y"]), "mode": "markers",
            "name": f"KPI wijkverpleging: {label.lower()}",
            "marker": {"size": 12 if len(points) <= 100 else 7, "color": KPI_STATUS_COLOURS[status],
                       "symbol": KPI_STATUS_SYMBOLS[status], "line": {"color": "white", "width": 1}},
            "text": (part["name"] + " (cohort " + part["cohort"].astype(str) + ")").tolist(),
            "hovertemplate": "%{text}<extra>" + label + "</extra>",
        })
    # the top margin holds the legend: a margin plotly.js has to widen itself costs a second draw of 1,000 markers
    layout = {"margin": {"l": 0, "r": 0, "t": 16, "b": 0}, "plot_bgcolor": "white", "paper_bgcolor": "white",
              "legend": {"orientation": "h", "y": 1.02, "x": 0}, "dragmode": "pan",
              "xaxis": {"visible": False}, "yaxis": {"visible": False, "scaleanchor": "x", "scaleratio": 1}}
    return {"data": traces, "layout": with_outlines(layout, outlines)}


def late_message(grid_rows: list[dict], names: dict[str, str], shown: int = 12) -> list:
    """The late-delivery alert, naming the buurten (links to their page), at most `shown` of them."""
    late = sorted((r["slug"] for r in grid_rows if any(r[f"{k}_late"] for k in FAMILY_HEADERS)),
                  key=lambda slug: names.get(slug, slug))
    parts: list = [MSG["late"].format(n=number(len(late)))]
    for i, slug in enumerate(late[:shown]):
        parts += [", " if i else "", dcc.Link(names.get(slug, slug), href=f"/buurt/{slug}", className="alert-link")]
    if len(late) > shown:
        parts.append(MSG["late_more"].format(n=number(len(late) - shown)))
    return [*parts, "."]


def programme_rows(conn, viewer: Viewer) -> list[dict]:  # noqa: ANN001
    """Every programme buurt's grid row (before the cohort and partner filters).

    The grid's data is kept in the results tables for viewers who see every figure (the transitieteam,
    beheerders; stored by the refresh), and its rows with their Dutch texts are built once per process from each
    stored version, so the grid's block requests and the overview never rebuild 1,000 rows. Other viewers get rows
    built through the visibility gate for them."""
    today = dt.date.today()

    def parse(payload: dict) -> list[dict]:
        return overview_rows(with_kpi_text(transitie.overview_from(payload)), today)

    if not viewer.sees_everything:
        return parse(json.loads(read_model_store.dumps(transitie.grid_payload(conn, viewer, today))))  # as if stored
    return read_model_store.read_parsed(conn, transitie.GRID_KIND, today.isoformat(), parse,
                                        lambda: transitie.grid_payload(conn, viewer, today))


def _filtered_rows(rows_: list[dict], cohorts: list | None, partners: list | None) -> list[dict]:
    if cohorts:
        wanted = {int(c) for c in cohorts if str(c).isdigit()}
        rows_ = [r for r in rows_ if r.get("cohort") in wanted]
    if partners:
        wanted_partners = {str(p) for p in partners}
        rows_ = [r for r in rows_ if r.get("alliance_partner") in wanted_partners]
    return rows_


@per_store_version
def update_overview(_path: str | None, cohorts: list | None, partners: list | None):  # noqa: ANN201
    """Access check, status line, the map and the filter options.

    The grid's columns are in the layout and its rows are not sent here: the grid asks for them one block at a time
    (`grid_rows`)."""
    viewer = current_viewer()
    if not allowed(viewer):
        return _denied_message(viewer), {"display": "none"}, go.Figure(), [], [], None
    with engine().connect() as conn:
        every = programme_rows(conn, viewer)
        outlines, locations = programme_map(conn)
    if not every:
        return dbc.Alert(MSG["none"], color="info"), {}, go.Figure(), [], [], None
    cohorts_present = sorted({int(r["cohort"]) for r in every if r.get("cohort") is not None})
    cohort_options = [{"label": f"cohort {c}", "value": c} for c in cohorts_present]
    partner_options = sorted({r["alliance_partner"] for r in every if r.get("alliance_partner") is not None})
    grid_rows_ = _filtered_rows(every, cohorts, partners)
    late = any(any(r[f"{k}_late"] for k in FAMILY_HEADERS) for r in grid_rows_)
    status = [html.P(MSG["count"].format(n=number(len(every)), c=len(cohorts_present)), className="text-muted")]
    if late:
        status.append(dbc.Alert(late_message(grid_rows_, {r["slug"]: r["name"] for r in grid_rows_}),
                                color="danger", className="py-2 transitie-late"))
    if not outlines:
        status.append(html.P(MSG["no_map"], className="text-muted small"))
    shown = pd.DataFrame(grid_rows_, columns=["programme_id", "name", "cohort", f"kpi_{MAIN_KPI}"])
    return (status, {}, overview_map(shown, outlines, locations), cohort_options, partner_options,
            partner_summary(grid_rows_))


GRID_FIELDS = {c["field"] for c in overview_columns()}


@per_store_version
def grid_rows(request: dict | None, cohorts: list | None, partners: list | None) -> dict:
    """One block of the programme grid (infinite row model): sorted and filtered on the server."""
    viewer = current_viewer()
    if not allowed(viewer):
        return {"rowData": [], "rowCount": 0}
    with engine().connect() as conn:
        every = programme_rows(conn, viewer)
    return grid_paging.page(_filtered_rows(every, cohorts, partners), request, GRID_FIELDS, block=GRID_BLOCK)


# a filter above the grid drops the grid's loaded blocks, so it asks the server again
PURGE_ON_FILTER = ("function(_cohorts, _partners) {"
                   f" try {{ dash_ag_grid.getApi('{ids.TRANSITIE_GRID}').purgeInfiniteCache(); }}"
                   " catch (e) { /* grid not drawn yet */ }"
                   " return window.dash_clientside.no_update; }")


# ---------------------------------------------------------------- programme KPI

DESIGN_TEXT = {"did": "verschil-in-verschillen ten opzichte van vergelijkingsbuurten (index 2024 = 100)",
               "voor_na": "verandering ten opzichte van de start (2024)"}


def _pct_text(value) -> str:  # noqa: ANN001
    return signed(value * 100, 1, "%") if value is not None and pd.notna(value) else "–"


def kpi_card(result: dict) -> dbc.Card:
    """One programme KPI: status, effect with its interval, target, design and comparison."""
    status = result.get("status") or NOT_KNOWN
    effect = _pct_text(result.get("relative_effect"))
    interval = ""
    if result.get("ci_low") is not None and pd.notna(result.get("ci_low")):
        interval = f" (95%-interval {_pct_text(result['ci_low'])} tot {_pct_text(result['ci_high'])})"
    body = [
        html.H3(result.get("name", result.get("indicator")), className="h6"),
        html.Div(status_badge(status, result.get("status_label")), className="mb-2"),
        html.P([html.Strong(f"Effect: {effect}"), interval], className="mb-1"),
        html.P(f"Doel: {_pct_text(result.get('target_relative'))} – {result.get('target_description') or ''}",
               className="small mb-1"),
        html.P(f"Ontwerp: {DESIGN_TEXT.get(result.get('design'), result.get('design') or '')}; t/m "
               f"{periods.label(result['latest_period']) if result.get('latest_period') else '–'}.",
               className="small text-muted mb-1"),
    ]
    comparison = result.get("comparison") or {}
    if comparison.get("description"):
        body.append(html.P(f"Vergelijking: {comparison['description']}.", className="small text-muted mb-1"))
    if result.get("reason"):
        body.append(html.P(result["reason"], className="small fst-italic mb-1"))
    if result.get("synthetic"):
        body.append(dbc.Badge("synthetisch (demo)", color="warning", text_color="dark"))
    return dbc.Card(dbc.CardBody(body), className="h-100", id=f"transitie-kpi-{result.get('indicator')}")


def _template() -> dict:
    """The registered template as a figure would inline it (a plain figure dict does not resolve its name)."""
    return pio.templates[TEMPLATE].to_plotly_json()


def kpi_figures(result: dict) -> list:
    """The index series (programme vs comparison, with the target path) and the event study of one KPI.

    Plain figure dicts (graph objects validated every point and trace on each request)."""
    figures = []
    series = pd.DataFrame(result.get("series") or [])
    if not series.empty and {"index_t", "index_c"} <= set(series.columns):
        labels = series["period"].map(periods.label).tolist()
        traces = []
        if series.get("band_low") is not None and series["band_low"].notna().any():
            band = series.dropna(subset=["band_low", "band_high"])
            blabels = band["period"].map(periods.label).tolist()
            traces.append({"type": "scatter", "x": blabels + blabels[::-1],
                           "y": band["band_high"].tolist() + band["band_low"].tolist()[::-1], "fill": "toself",
                           "fillcolor": "rgba(11,83,148,0.15)", "line": {"width": 0}, "hoverinfo": "skip",
                           "name": "onzekerheid (95%)"})
        traces.append({"type": "scatter", "x": labels, "y": series["index_t"].tolist(), "name": "programmabuurten",
                       "mode": "lines+markers", "line": {"color": OKABE_ITO["blue"], "width": 3}})
        traces.append({"type": "scatter", "x": labels, "y": series["index_c"].tolist(),
                       "name": "vergelijkingsbuurten", "mode": "lines", "line": {"color": "#6c757d", "dash": "dash"}})
        if "target_index" in series.columns and series["target_index"].notna().any():
            traces.append({"type": "scatter", "x": labels, "y": series["target_index"].tolist(), "name": "streefpad",
                           "mode": "lines", "line": {"color": OKABE_ITO["green"], "dash": "dot"}})
        fig = {"data": traces, "layout": {
            "template": _template(), "title": {"text": "Index (2024 = 100)", "font": {"size": 14}, "x": 0},
            # margins as wide as plotly.js made them for the rotated period labels and the legend below (a margin
            # it has to widen itself costs a second draw)
            "height": 340, "margin": {"l": 50, "r": 60, "t": 40, "b": 95}, "separators": ",.",
            "plot_bgcolor": "white", "legend": {"orientation": "h", "y": -0.25}, "yaxis": {"gridcolor": "#e9ecef"}}}
        figures.append(dbc.Col(exportable(dcc.Graph(figure=fig, config=graph_config("kpi-programma")),
                                          "kpi-programma"), xs=12, lg=6))
    study = pd.DataFrame(result.get("event_study") or [])
    if not study.empty:
        trace = {"type": "scatter", "x": study["event_time"].tolist(), "y": (study["att"] * 100).tolist(),
                 "mode": "markers+lines", "name": "effect", "line": {"color": "#0b5394"},
                 "error_y": {"type": "data", "symmetric": False,
                             "array": ((study["ci_high"] - study["att"]) * 100).tolist(),
                             "arrayminus": ((study["att"] - study["ci_low"]) * 100).tolist(), "color": "#6c757d"},
                 "hovertemplate": "%{x} perioden na de start: %{y:.1f}%<extra></extra>"}
        fig = {"data": [trace], "layout": {
            "template": _template(),
            "shapes": [{"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": 0, "y1": 0,
                        "line": {"color": "#adb5bd"}}],  # what add_hline(y=0) drew
            "title": {"text": "Effect per periode na de start (event study, 95%-interval)", "font": {"size": 14},
                      "x": 0}, "height": 340, "separators": ",.", "margin": {"l": 80, "r": 10, "t": 40, "b": 75},
            "plot_bgcolor": "white",
            "xaxis": {"title": {"text": "perioden (van twee maanden) na de start"}, "dtick": 1},
            "yaxis": {"title": {"text": "effect"}, "ticksuffix": "%", "gridcolor": "#e9ecef"}}}
        figures.append(dbc.Col(exportable(dcc.Graph(figure=fig, config=graph_config("event-study")), "event-study"),
                               xs=12, lg=6))
    return figures


@per_store_version
def update_programme_kpi(_path: str | None):  # noqa: ANN201
    """The programme-wide KPI and hypotheses with their uncertainty, and the contracted KPI's charts."""
    viewer = current_viewer()
    if not allowed(viewer):
        return None, None
    with engine().connect() as conn:
        results = kpi_service.programme_kpi(conn, viewer)
        state = read_model_state(conn)
    if not results:
        return dbc.Alert("Nog geen KPI te berekenen: er zijn geen uitkomstleveringen.", color="info"), None
    cards = html.Div([dbc.Row([dbc.Col(kpi_card(r), xs=12, md=6, xl=3, className="mb-2") for r in results]),
                      updated_note(state)])
    main = next((r for r in results if r.get("indicator") == MAIN_KPI), None)
    figures = dbc.Row(kpi_figures(main)) if main else None
    return cards, figures


# ---------------------------------------------------------------- candidates

def open_candidates(clicks: int | None, shown):  # noqa: ANN001, ANN201
    """The candidate section, the first time its <details> is opened (the layout has only its heading)."""
    if not clicks or shown:
        return no_update
    if not allowed(current_viewer()):
        return None
    return candidates_block()


def _weights_from(values: list | None) -> dict[str, float]:
    """A weight for every component: the slider's value (0–3) or, when missing or not a number, the default."""
    values = list(values) if isinstance(values, list | tuple) else []
    weights = {}
    for i, comp in enumerate(transitie.CASE_COMPONENTS):
        try:
            value = float(values[i])
        except (IndexError, TypeError, ValueError):
            value = float("nan")
        weights[comp.code] = max(0.0, min(3.0, value)) if math.isfinite(value) else comp.weight
    return weights


def ranked_candidates(conn, level: str, weights: dict[str, float]) -> pd.DataFrame:  # noqa: ANN001
    """The scored candidates with the number of selection criteria ticked (`transitie.ranked_candidates`: from the
    stored candidate table, so no request reads the ~14,000 buurten's figures from the observations)."""
    return transitie.ranked_candidates(conn, level, weights)


def _candidate_decimals() -> dict[str, int]:
    out = {"rank": 0, "inwoners": 0, "score": 2, "criteria_ok": 0}
    out.update({c.code: 0 if c.code.startswith("zvw") else 1 for c in transitie.CASE_COMPONENTS})
    return out


def _scored_candidates(level: str | None, weight_values: list | None) -> tuple[str, pd.DataFrame, dict]:
    """The level asked for (or buurt), the candidates with a score under the weights, best first, and the weights."""
    level = level if level in transitie.CANDIDATE_LEVELS else "buurt"
    weights = _weights_from(weight_values)
    with engine().connect() as conn:
        ranked = ranked_candidates(conn, level, weights)
    return level, ranked[ranked["score"].notna()], weights


@per_store_version
def update_candidates(level: str | None, weight_values: list | None) -> str:
    """The line above the candidate grid; the rows come block by block (`candidate_rows`)."""
    if not allowed(current_viewer()):
        return ""
    level, scored, weights = _scored_candidates(level, weight_values)
    if scored.empty:
        return MSG["cand_none"]
    weight_text = ", ".join(f"{c.label.split(' (')[0].lower()} {number(weights[c.code], 1)}"
                            for c in transitie.CASE_COMPONENTS)
    return MSG["cand_info"].format(n=number(len(scored)), level="CBS-buurten" if level == "buurt" else "CBS-wijken",
                                   weights=weight_text)


@per_store_version
def candidate_level_columns(level: str | None) -> list[dict]:
    """The candidate grid's columns after a change of level (the layout has those of "buurt")."""
    return candidate_columns(level if level in transitie.CANDIDATE_LEVELS else "buurt")


@per_store_version
def candidate_rows(request: dict | None, level: str | None, weight_values: list | None) -> dict:
    """One block of the candidate grid (infinite row model): ~7,000 scored buurten filtered, sorted and cut on the
    server, and only the grid's own fields of the block sent."""
    if not allowed(current_viewer()):
        return {"rowData": [], "rowCount": 0}
    level, scored, _weights = _scored_candidates(level, weight_values)
    fields = {c["field"] for c in candidate_columns(level)}
    block, count = grid_paging.frame_page(scored, request, fields, block=GRID_BLOCK)
    return {"rowData": rows(block[[c for c in block.columns if c in fields]], _candidate_decimals()),
            "rowCount": count}


def download_candidates(_clicks, level: str | None, weight_values: list | None):  # noqa: ANN001, ANN201
    """The full ranking as CSV (semicolon, decimal comma for Excel), with the weights used."""
    if not _clicks or not allowed(current_viewer()):
        return no_update
    level = level if level in transitie.CANDIDATE_LEVELS else "buurt"
    weights = _weights_from(weight_values)
    with engine().connect() as conn:
        ranked = ranked_candidates(conn, level, weights)
    frame = candidate_csv(ranked, weights)
    return dcc.send_data_frame(safe_frame(frame).to_csv, f"kandidaten_{level}.csv", sep=";", decimal=",", index=False)


def candidate_csv(ranked: pd.DataFrame, weights: dict[str, float]) -> pd.DataFrame:
    """The ranking as a table for download: raw values, z-scores and the weights in the column names."""
    columns = ["rank", "code", "name", "gemeente", "inwoners", "score", "criteria_ok"]
    columns = [c for c in columns if c in ranked.columns]
    out = ranked[columns].rename(columns={"rank": "rang", "name": "naam", "criteria_ok": "criteria_van_6"})
    for comp in transitie.CASE_COMPONENTS:
        out[comp.code] = ranked[comp.code]
        out[f"z_{comp.code}_gewicht_{weights[comp.code]:g}"] = ranked[f"z_{comp.code}"].round(3)
    out["score"] = out["score"].round(3)
    return out


# other weights or level: the grid drops its blocks and asks again; a saved checklist: it reloads the blocks in
# view (keeping the selection, rows have ids), so the row's "Criteria" shows the new count
REFRESH_CANDIDATES = ("function(_level, _weights, _saved) {"
                      " let api = null;"
                      f" try {{ api = dash_ag_grid.getApi('{ids.TRANSITIE_CAND_GRID}'); }}"
                      " catch (e) { return window.dash_clientside.no_update; /* grid not drawn yet */ }"
                      f" if (window.dash_clientside.callback_context.triggered_id === '{ids.TRANSITIE_CAND_SAVED}')"
                      " { api.refreshInfiniteCache(); } else { api.purgeInfiniteCache(); }"
                      " return window.dash_clientside.no_update; }")


# ---------------------------------------------------------------- checklist

def load_checklist(selected: list | None, state: dict | None = None):  # noqa: ANN201
    """Fill the checklist from the selected candidate's newest saved version.

    Saving updates the grid row, which selects it anew: the save message then stays (same candidate).
    """
    disabled = [{**o, "disabled": True} for o in _criteria_options()]
    if not allowed(current_viewer()) or not selected:
        return MSG["pick"], disabled, [], "", True, True, None, ""
    row = selected[0] if isinstance(selected, list) else {}
    code = str(row.get("code", ""))
    with engine().connect() as conn:
        try:
            history = transitie.checklist_history(conn, code)
        except ValueError:
            return MSG["unknown"], disabled, [], "", True, True, None, ""
    current = history.iloc[0] if not history.empty else None
    version = int(current["version"]) if current is not None else 0
    title = f"{row.get('name', code)} ({code})"
    if current is not None:
        title += f" · versie {version}, {current['author']}, {time_nl(current['saved_at'])}"
    same = isinstance(state, dict) and state.get("code") == code
    return (title, _criteria_options(), list(current["criteria"]) if current is not None else [],
            current["note"] if current is not None else "", False, False, {"code": code, "version": version},
            no_update if same else "")


def _criteria_options() -> list[dict]:
    return [{"label": label, "value": key} for key, label in transitie.SELECTION_CRITERIA]


def save_checklist(_clicks, state: dict | None, criteria: list | None, note: str | None):  # noqa: ANN001, ANN201
    """Save a new checklist version (optimistic lock on the version the edit started from); the grid then reloads
    its rows."""
    viewer = current_viewer()
    if not _clicks:
        return no_update, no_update, no_update
    if not allowed(viewer):
        return dbc.Alert(MSG["denied"], color="danger"), no_update, no_update
    if not state or not state.get("code"):
        return dbc.Alert(MSG["pick"], color="warning"), no_update, no_update
    from flask_login import current_user

    author = getattr(current_user, "email", "onbekend")
    try:
        with engine().begin() as conn:
            version = transitie.save_checklist(conn, state["code"], list(criteria or []), note or "",
                                               int(state.get("version") or 0), author)
            record_event(conn, author, "edit", target=f"kandidaat_checklist {state['code']}",
                         detail=f"versie {version}: {', '.join(criteria or []) or 'geen criteria'}",
                         ip=request.remote_addr or "")
    except (transitie.ChecklistConflict, ValueError) as exc:
        return dbc.Alert(str(exc), color="danger"), no_update, no_update
    # the grid reloads its blocks (`REFRESH_CANDIDATES`), so the row shows the criteria now ticked
    return (dbc.Alert(MSG["saved"].format(version=version), color="success"), {**state, "version": version},
            {"code": state["code"], "version": version})


def register(app: dash.Dash) -> None:
    app.callback(
        Output(ids.TRANSITIE_STATUS, "children"), Output(ids.TRANSITIE_CONTENT, "style"),
        Output(ids.TRANSITIE_MAP, "figure"), Output(ids.TRANSITIE_FILTER_COHORT, "options"),
        Output(ids.TRANSITIE_FILTER_PARTNER, "options"), Output(ids.TRANSITIE_PARTNERS, "children"),
        Input(ids.URL, "pathname"), Input(ids.TRANSITIE_FILTER_COHORT, "value"),
        Input(ids.TRANSITIE_FILTER_PARTNER, "value"),
    )(update_overview)
    app.callback(Output(ids.TRANSITIE_GRID, "getRowsResponse"), Input(ids.TRANSITIE_GRID, "getRowsRequest"),
                 State(ids.TRANSITIE_FILTER_COHORT, "value"), State(ids.TRANSITIE_FILTER_PARTNER, "value"),
                 prevent_initial_call=True)(grid_rows)
    app.clientside_callback(PURGE_ON_FILTER, Output(ids.TRANSITIE_GRID, "getRowsResponse", allow_duplicate=True),
                            Input(ids.TRANSITIE_FILTER_COHORT, "value"), Input(ids.TRANSITIE_FILTER_PARTNER, "value"),
                            prevent_initial_call=True)
    app.callback(Output(ids.TRANSITIE_KPI, "children"), Output(ids.TRANSITIE_EVENT_STUDY, "children"),
                 Input(ids.URL, "pathname"))(update_programme_kpi)
    app.callback(Output(ids.TRANSITIE_CAND_BODY, "children"), Input(ids.TRANSITIE_CAND_SUMMARY, "n_clicks"),
                 State(ids.TRANSITIE_CAND_BODY, "children"), prevent_initial_call=True)(open_candidates)
    app.callback(Output(ids.TRANSITIE_CAND_INFO, "children"), Input(ids.TRANSITIE_CAND_LEVEL, "value"),
                 Input(ids.transitie_weight(ALL), "value"))(update_candidates)
    app.callback(Output(ids.TRANSITIE_CAND_GRID, "columnDefs"), Input(ids.TRANSITIE_CAND_LEVEL, "value"),
                 prevent_initial_call=True)(candidate_level_columns)
    app.callback(Output(ids.TRANSITIE_CAND_GRID, "getRowsResponse"), Input(ids.TRANSITIE_CAND_GRID, "getRowsRequest"),
                 State(ids.TRANSITIE_CAND_LEVEL, "value"), State(ids.transitie_weight(ALL), "value"),
                 prevent_initial_call=True)(candidate_rows)
    app.clientside_callback(REFRESH_CANDIDATES,
                            Output(ids.TRANSITIE_CAND_GRID, "getRowsResponse", allow_duplicate=True),
                            Input(ids.TRANSITIE_CAND_LEVEL, "value"), Input(ids.transitie_weight(ALL), "value"),
                            Input(ids.TRANSITIE_CAND_SAVED, "data"), prevent_initial_call=True)
    app.callback(
        Output(ids.TRANSITIE_CAND_DOWNLOAD, "data"), Input(ids.TRANSITIE_CAND_CSV, "n_clicks"),
        State(ids.TRANSITIE_CAND_LEVEL, "value"), State(ids.transitie_weight(ALL), "value"),
        prevent_initial_call=True,
    )(download_candidates)
    app.callback(
        Output(ids.TRANSITIE_CHECK_TITLE, "children"), Output(ids.TRANSITIE_CHECK_LIST, "options"),
        Output(ids.TRANSITIE_CHECK_LIST, "value"), Output(ids.TRANSITIE_CHECK_NOTE, "value"),
        Output(ids.TRANSITIE_CHECK_NOTE, "disabled"), Output(ids.TRANSITIE_CHECK_SAVE, "disabled"),
        Output(ids.TRANSITIE_CHECK_VERSION, "data", allow_duplicate=True),
        Output(ids.TRANSITIE_CHECK_RESULT, "children", allow_duplicate=True),
        Input(ids.TRANSITIE_CAND_GRID, "selectedRows"), State(ids.TRANSITIE_CHECK_VERSION, "data"),
        prevent_initial_call=True,
    )(load_checklist)
    app.callback(
        Output(ids.TRANSITIE_CHECK_RESULT, "children"), Output(ids.TRANSITIE_CHECK_VERSION, "data"),
        Output(ids.TRANSITIE_CAND_SAVED, "data"),
        Input(ids.TRANSITIE_CHECK_SAVE, "n_clicks"), State(ids.TRANSITIE_CHECK_VERSION, "data"),
        State(ids.TRANSITIE_CHECK_LIST, "value"), State(ids.TRANSITIE_CHECK_NOTE, "value"),
        prevent_initial_call=True,
    )(save_checklist)
