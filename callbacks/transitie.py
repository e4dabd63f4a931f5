"""Callbacks of the transitieteam's overview (/transitie).

Only the transitieteam and beheerders see this page: every callback checks the viewer itself and answers others
with a Dutch message and no data. Candidate codes coming from the browser are checked against the store.
"""

from __future__ import annotations

import datetime as dt

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import ALL, Input, Output, State, dcc, html, no_update
from flask import request

from callbacks.common import current_viewer, engine
from callbacks.grid import link_col, num_col, rows, text_col
from dashboard import ids
from data_access import periods, transitie
from data_access.access import Viewer
from data_access.audit import record_event
from layouts.formatting import number

ROLES = ("transitieteam", "beheerder")
MSG = {
    "anonymous": "Deze pagina is voor het transitieteam. Log in om verder te gaan.",
    "denied": "Geen toegang: deze pagina is alleen voor het transitieteam en beheerders.",
    "count": "{n} programmabuurten in {c} cohort(en); niet-openbare cijfers in deze demo zijn synthetisch.",
    "late": "{n} buurt(en) met een ontbrekende of late levering (rood in de tabel).",
    "none": "Er zijn nog geen programmabuurten.",
    "never": "nooit aangeleverd",
    "not_started": "nog niet gestart",
    "behind": "{label} ({months} mnd achter)",
    "no_map": "Geen kaartgegevens: importeer de CBS-gemeentegrenzen (geo) om de kaart te tonen.",
    "cand_info": "{n} kandidaten met een score ({level}); de tabel toont de eerste {shown}. Gewichten: {weights}.",
    "cand_none": "Geen kandidaten met voldoende gegevens: importeer de CBS-, RIVM- en Vektis-bestanden.",
    "pick": "Kies een kandidaat in de tabel.",
    "saved": "Opgeslagen als versie {version}.",
    "unknown": "Onbekende kandidaat; kies een rij in de tabel.",
}
FAMILY_HEADERS = {"verzekeraars": "Verzekeraars", "buurtnetwerk": "Buurtnetwerk", "alliantie": "Alliantiepartners"}
STATUS_COLOURS = {1: "#0b5394", 2: "#6aa84f", 3: "#e69138"}
MAX_CANDIDATE_ROWS = 300


def allowed(viewer: Viewer) -> bool:
    """Whether the viewer may see the transitieteam's overview."""
    return viewer.role in ROLES


def _denied_message(viewer: Viewer) -> dbc.Alert:
    return dbc.Alert(MSG["anonymous"] if viewer.anonymous else MSG["denied"], color="warning",
                     id="transitie-denied")


# ---------------------------------------------------------------- programme buurten

def _fresh_text(row: pd.Series, key: str) -> str:
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


def overview_rows(frame: pd.DataFrame, today: dt.date | None = None) -> list[dict]:
    """Grid rows of the programme overview (one per buurt)."""
    today = today or dt.date.today()
    frame = frame.copy()
    frame["not_started"] = pd.to_datetime(frame["start_date"]).dt.date > today
    frame["buurt"] = "[" + frame["name"].str.replace("]", ")", regex=False) + "](/buurt/" + frame["slug"] + ")"
    frame["buurtbeeld_txt"] = frame["buurtbeeld"].map({True: "ja", False: "nee"}).fillna("nee")
    for key in FAMILY_HEADERS:
        frame[f"{key}_txt"] = frame.apply(_fresh_text, axis=1, key=key)
        frame[f"{key}_late"] = frame[f"{key}_late"].fillna(True).astype(bool) & ~(
            frame["not_started"] & (key != "verzekeraars"))
    frame["start"] = pd.to_datetime(frame["start_date"]).dt.strftime("%d-%m-%Y")
    return rows(frame.drop(columns=["start_date"]),
                {"sessies": 0, "interventies_gestart": 0, "best_practices": 0, "cohort": 0})


def overview_columns() -> list[dict]:
    cols = [
        link_col("buurt", "Buurt", pinned="left", width=190),
        num_col("cohort", "Cohort", width=90),
        text_col("alliance_partner", "Alliantiepartner", width=140),
        text_col("region", "Regio", width=130),
        text_col("start", "Start", width=105),
        text_col("buurtbeeld_txt", "Buurtbeeld", width=105),
        num_col("sessies", "Sessies", width=95),
        num_col("interventies_gestart", "Interventies gestart", width=115),
        num_col("best_practices", "Best practices", width=100),
    ]
    for key, header in FAMILY_HEADERS.items():
        cols.append(text_col(f"{key}_txt", f"Laatste levering {header.lower()}", width=150,
                             cellClassRules={"fresh-late": f"params.data.{key}_late"}))
    return cols


def _filtered(frame: pd.DataFrame, cohorts: list | None, partners: list | None) -> pd.DataFrame:
    if cohorts:
        frame = frame[frame["cohort"].isin([int(c) for c in cohorts if str(c).isdigit()])]
    if partners:
        frame = frame[frame["alliance_partner"].isin([str(p) for p in partners])]
    return frame


def overview_map(frame: pd.DataFrame, outlines: tuple[list, list], locations: pd.DataFrame) -> go.Figure:
    """Gemeente outlines (no internet tiles) with a dot per programme buurt, coloured by cohort."""
    fig = go.Figure()
    xs, ys = outlines
    if xs:
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": "#b7c0c8", "width": 0.6},
                                 hoverinfo="skip", showlegend=False))
    points = frame.merge(locations, on="programme_id", how="inner")
    for cohort, part in points.groupby("cohort"):
        fig.add_trace(go.Scatter(
            x=part["x"], y=part["y"], mode="markers", name=f"cohort {cohort}",
            marker={"size": 10 if len(points) <= 100 else 6, "color": STATUS_COLOURS.get(int(cohort), "#8e7cc3"),
                    "line": {"color": "white", "width": 1}},
            text=part["name"], customdata=part["slug"],
            hovertemplate="%{text}<extra>cohort " + str(cohort) + "</extra>",
        ))
    fig.update_layout(
        margin={"l": 0, "r": 0, "t": 10, "b": 0}, plot_bgcolor="white", paper_bgcolor="white",
        legend={"orientation": "h", "y": 1.02, "x": 0}, dragmode="pan",
        xaxis={"visible": False}, yaxis={"visible": False, "scaleanchor": "x", "scaleratio": 1},
    )
    return fig


def update_overview(_path: str | None, cohorts: list | None, partners: list | None):  # noqa: ANN201
    """Access check, status line, the programme grid, the map and the filter options."""
    viewer = current_viewer()
    if not allowed(viewer):
        return _denied_message(viewer), {"display": "none"}, [], [], go.Figure(), [], []
    with engine().connect() as conn:
        frame = transitie.programme_overview(conn)
        outlines = transitie.gemeente_outlines(conn)
        locations = transitie.programme_locations(conn)
    if frame.empty:
        return dbc.Alert(MSG["none"], color="info"), {}, [], overview_columns(), go.Figure(), [], []
    cohort_options = [{"label": f"cohort {c}", "value": int(c)} for c in sorted(frame["cohort"].unique())]
    partner_options = sorted(frame["alliance_partner"].unique())
    shown = _filtered(frame, cohorts, partners)
    grid_rows = overview_rows(shown)
    late = sum(1 for r in grid_rows if any(r[f"{k}_late"] for k in FAMILY_HEADERS))
    status = [html.P(MSG["count"].format(n=number(len(frame)), c=frame["cohort"].nunique()), className="text-muted")]
    if late:
        status.append(dbc.Alert(MSG["late"].format(n=number(late)), color="danger", className="py-2"))
    if not outlines[0]:
        status.append(html.P(MSG["no_map"], className="text-muted small"))
    return (status, {}, grid_rows, overview_columns(), overview_map(shown, outlines, locations), cohort_options,
            partner_options)


# ---------------------------------------------------------------- candidates

def _weights_from(values: list | None) -> dict[str, float]:
    weights = {}
    for comp, value in zip(transitie.CASE_COMPONENTS, values or [], strict=False):
        try:
            weights[comp.code] = max(0.0, min(3.0, float(value)))
        except (TypeError, ValueError):
            weights[comp.code] = comp.weight
    return weights


def ranked_candidates(conn, level: str, weights: dict[str, float]) -> pd.DataFrame:  # noqa: ANN001
    """The scored candidates with the number of selection criteria ticked."""
    ranked = transitie.score_candidates(transitie.candidate_table(conn, level), weights)
    checks = transitie.checklist_states(conn)
    ticked = dict(zip(checks["code"], checks["criteria"].map(len), strict=True)) if not checks.empty else {}
    ranked["criteria_ok"] = ranked["code"].map(ticked).fillna(0).astype(int)
    return ranked


def candidate_columns(level: str) -> list[dict]:
    cols = [num_col("rank", "Rang", width=90, pinned="left"), text_col("name", "Naam", minWidth=170),
            text_col("code", "CBS-code", width=125)]
    if level == "buurt":
        cols.append(text_col("wijk", "Wijk", minWidth=150))
    cols += [text_col("gemeente", "Gemeente", minWidth=130), num_col("inwoners", "Inwoners", width=110),
             num_col("score", "Score", width=100), num_col("criteria_ok", "Criteria (van 6)", width=130)]
    cols += [num_col(c.code, c.label, minWidth=150, headerTooltip=c.label) for c in transitie.CASE_COMPONENTS]
    return cols


def _candidate_decimals() -> dict[str, int]:
    out = {"rank": 0, "inwoners": 0, "score": 2, "criteria_ok": 0}
    out.update({c.code: 0 if c.code.startswith("zvw") else 1 for c in transitie.CASE_COMPONENTS})
    return out


def update_candidates(level: str | None, weight_values: list | None):  # noqa: ANN201
    viewer = current_viewer()
    if not allowed(viewer):
        return [], [], ""
    level = level if level in transitie.CANDIDATE_LEVELS else "buurt"
    weights = _weights_from(weight_values)
    with engine().connect() as conn:
        ranked = ranked_candidates(conn, level, weights)
    scored = ranked[ranked["score"].notna()]
    if scored.empty:
        return [], candidate_columns(level), MSG["cand_none"]
    shown = scored.head(MAX_CANDIDATE_ROWS)
    weight_text = ", ".join(f"{c.label.split(' (')[0].lower()} {number(weights[c.code], 1)}"
                            for c in transitie.CASE_COMPONENTS)
    info = MSG["cand_info"].format(n=number(len(scored)), level="CBS-buurten" if level == "buurt" else "CBS-wijken",
                                   shown=number(len(shown)), weights=weight_text)
    return rows(shown, _candidate_decimals()), candidate_columns(level), info


def download_candidates(_clicks, level: str | None, weight_values: list | None):  # noqa: ANN001, ANN201
    """The full ranking as CSV (semicolon, decimal comma for Excel), with the weights used."""
    if not _clicks or not allowed(current_viewer()):
        return no_update
    level = level if level in transitie.CANDIDATE_LEVELS else "buurt"
    weights = _weights_from(weight_values)
    with engine().connect() as conn:
        ranked = ranked_candidates(conn, level, weights)
    frame = candidate_csv(ranked, weights)
    return dcc.send_data_frame(frame.to_csv, f"kandidaten_{level}.csv", sep=";", decimal=",", index=False)


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


# ---------------------------------------------------------------- checklist

def load_checklist(selected: list | None):  # noqa: ANN201
    """Fill the checklist from the selected candidate's newest saved version."""
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
        title += f" · versie {version}, {current['author']}, {current['saved_at']:%d-%m-%Y %H:%M}"
    return (title, _criteria_options(), list(current["criteria"]) if current is not None else [],
            current["note"] if current is not None else "", False, False, {"code": code, "version": version}, "")


def _criteria_options() -> list[dict]:
    return [{"label": label, "value": key} for key, label in transitie.SELECTION_CRITERIA]


def save_checklist(_clicks, state: dict | None, criteria: list | None, note: str | None,  # noqa: ANN001, ANN201
                   selected: list | None):
    """Save a new checklist version (optimistic lock on the version the edit started from); update the grid row."""
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
            record_event(conn, author, "kandidaat_checklist", target=state["code"],
                         detail=f"versie {version}: {', '.join(criteria or []) or 'geen criteria'}",
                         ip=request.remote_addr or "")
    except (transitie.ChecklistConflict, ValueError) as exc:
        return dbc.Alert(str(exc), color="danger"), no_update, no_update
    transaction = no_update
    if selected and isinstance(selected, list) and selected[0].get("code") == state["code"]:
        ticked = len(set(criteria or []))
        transaction = {"update": [{**selected[0], "criteria_ok": ticked, "criteria_ok_nl": number(ticked)}]}
    return (dbc.Alert(MSG["saved"].format(version=version), color="success"), {**state, "version": version},
            transaction)


def register(app: dash.Dash) -> None:
    app.callback(
        Output(ids.TRANSITIE_STATUS, "children"), Output(ids.TRANSITIE_CONTENT, "style"),
        Output(ids.TRANSITIE_GRID, "rowData"), Output(ids.TRANSITIE_GRID, "columnDefs"),
        Output(ids.TRANSITIE_MAP, "figure"), Output(ids.TRANSITIE_FILTER_COHORT, "options"),
        Output(ids.TRANSITIE_FILTER_PARTNER, "options"),
        Input(ids.URL, "pathname"), Input(ids.TRANSITIE_FILTER_COHORT, "value"),
        Input(ids.TRANSITIE_FILTER_PARTNER, "value"),
    )(update_overview)
    app.callback(
        Output(ids.TRANSITIE_CAND_GRID, "rowData"), Output(ids.TRANSITIE_CAND_GRID, "columnDefs"),
        Output(ids.TRANSITIE_CAND_INFO, "children"),
        Input(ids.TRANSITIE_CAND_LEVEL, "value"), Input(ids.transitie_weight(ALL), "value"),
    )(update_candidates)
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
        Input(ids.TRANSITIE_CAND_GRID, "selectedRows"), prevent_initial_call=True,
    )(load_checklist)
    app.callback(
        Output(ids.TRANSITIE_CHECK_RESULT, "children"), Output(ids.TRANSITIE_CHECK_VERSION, "data"),
        Output(ids.TRANSITIE_CAND_GRID, "rowTransaction"),
        Input(ids.TRANSITIE_CHECK_SAVE, "n_clicks"), State(ids.TRANSITIE_CHECK_VERSION, "data"),
        State(ids.TRANSITIE_CHECK_LIST, "value"), State(ids.TRANSITIE_CHECK_NOTE, "value"),
        State(ids.TRANSITIE_CAND_GRID, "selectedRows"), prevent_initial_call=True,
    )(save_checklist)
