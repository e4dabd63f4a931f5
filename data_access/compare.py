"""Data for /vergelijken: the newest visible value per area and indicator, and the funnel plot of all programme
buurten for one indicator. Everything passes data_access.published with the viewer.

The newest value of an indicator for every programme buurt is kept in the results tables per aggregate scope
(`stored_programme_latest`; the refresh stores the indicators the page opens with), so the page reads instead of
aggregating all programme buurten on every request."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from data_access import definitions, queries
from data_access.access import Viewer
from data_access.models import ProgrammeBuurt
from data_access.published import add_intervals, programme_rows, publish, visible_observations
from data_access.results import store
from data_access.results.scopes import aggregate_scope, scope_viewer
from data_access.stats.funnel import funnel, funnel_limits

MAX_AREAS = 12
MAX_INDICATORS = 8


# The view /vergelijken opens with (callbacks.vergelijken): the dots and the funnel of the first, the scatter of both.
DEFAULT_INDICATORS = ("wvpk_uren_per_client", "pct_65plus")
DEFAULT_FUNNEL = "wvpk_uren_per_client"
DEFAULT_X, DEFAULT_Y = "pct_65plus", "wvpk_uren_per_client"
# The newest value of one indicator for every programme buurt, per aggregate scope: "<scope>|<indicator>"
STORED_KIND = "programme_latest"
LATEST_COLUMNS = ["area", "area_name", "indicator", "period", "value", "numerator", "denominator", "ci_low",
                  "ci_high", "note", "synthetic"]


def programme_list(conn: Connection) -> pd.DataFrame:
    """programme_id, code (slug) and name of every programme buurt, in the order of `queries.programme_buurten`
    (cohort, id), without its member lists: what the area picker needs."""
    return pd.read_sql(select(ProgrammeBuurt.id.label("programme_id"), ProgrammeBuurt.slug.label("code"),
                              ProgrammeBuurt.name).order_by(ProgrammeBuurt.cohort, ProgrammeBuurt.id), conn)


def _newest(frame: pd.DataFrame) -> pd.DataFrame:
    """The newest value per (area, indicator) (`definitions.latest_as_of`); an area without any value keeps its newest
    row, so the comparison says why it has none."""
    return definitions.latest_as_of(frame, keep_unvalued=True)


def latest_values(conn: Connection, viewer: Viewer, areas: list[queries.AreaInfo],
                  indicator_list: list[str], catalogue: pd.DataFrame | None = None) -> pd.DataFrame:
    """Newest visible value (with interval) per chosen area and indicator; at most MAX_AREAS areas.

    Programme buurten come from the programme's table (`programme_latest`, stored where a funnel or an earlier
    view computed it), CBS areas one by one (their member-level values depend on the viewer's own buurten)."""
    catalogue = queries.indicators(conn) if catalogue is None else catalogue
    areas = areas[:MAX_AREAS]
    programme = [a for a in areas if a.programme_id is not None]
    frames = [_programme_values(conn, viewer, programme, indicator_list, catalogue)] if programme else []
    others = [visible_observations(conn, viewer, area, indicator_list, catalogue=catalogue)
              for area in areas if area.programme_id is None]
    others = [f for f in others if not f.empty]
    if others:
        frames.append(_newest(pd.concat(others, ignore_index=True)))
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=["area", "area_name", "indicator", "period", "value", "ci_low", "ci_high"])
    return pd.concat(frames, ignore_index=True)


def _programme_values(conn: Connection, viewer: Viewer, areas: list[queries.AreaInfo], indicator_list: list[str],
                      catalogue: pd.DataFrame) -> pd.DataFrame:
    """The rows of these programme buurten: from the stored programme table of an indicator where there is one,
    else computed for these buurten only (the same function, fewer buurten)."""
    scope = aggregate_scope(viewer)
    codes = {a.code for a in areas}
    frames, missing = [], []
    for indicator in indicator_list:
        stored = store.parsed_if_stored(conn, STORED_KIND, f"{scope}|{indicator}", store.frame_from)
        if stored is None:
            missing.append(indicator)
        elif not stored.empty:
            frames.append(stored[stored["area"].isin(codes)])
    if missing:
        frames.append(programme_latest(conn, scope_viewer(scope), missing, catalogue,
                                       programme_ids=[a.programme_id for a in areas]))
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=LATEST_COLUMNS)


def programme_latest(conn: Connection, viewer: Viewer, indicator: str | list[str],
                     catalogue: pd.DataFrame | None = None, programme_ids: list[int] | None = None) -> pd.DataFrame:
    """Newest visible value (with its interval) of one or more indicators for every programme buurt, or for the
    given ones (one query for all of them).

    The interval is computed for the newest rows only: `publish` would compute it for every period, and hides it
    with the value where small numbers are suppressed, so the intervals shown are the same.
    """
    catalogue = queries.indicators(conn) if catalogue is None else catalogue
    indicator_list = [indicator] if isinstance(indicator, str) else list(indicator)
    frame = programme_rows(conn, viewer, programme_ids, indicator_list, catalogue=catalogue)
    if frame.empty:
        return pd.DataFrame(columns=LATEST_COLUMNS)
    frame = frame.sort_values("indeling").drop_duplicates(["area", "indicator", "period"], keep="last")
    programme = pd.read_sql(select(ProgrammeBuurt.id, ProgrammeBuurt.slug, ProgrammeBuurt.name), conn)
    names = dict(zip(programme["slug"], programme["name"], strict=True))
    programme_of = dict(zip(programme["slug"], programme["id"], strict=True))
    newest = _newest(publish(frame, viewer, catalogue, programme_of, member_level=False, names=names,
                             with_intervals=False))
    if newest.empty:
        return pd.DataFrame(columns=LATEST_COLUMNS)
    return add_intervals(newest, catalogue)[LATEST_COLUMNS]


def stored_programme_latest(conn: Connection, viewer: Viewer, indicator: str,
                            catalogue: pd.DataFrame | None = None) -> pd.DataFrame:
    """`programme_latest` of one indicator for every programme buurt, computed once per change of the store and
    aggregate scope (`results.scopes`: a pooled figure depends on the viewer only through it) and kept in the
    results tables, so every worker and the first request after a start read it (the funnel, the scatter, the
    dots of programme buurten). Callers treat the frame as read-only."""
    scope = aggregate_scope(viewer)
    return store.read_parsed(conn, STORED_KIND, f"{scope}|{indicator}", store.frame_from,
                             lambda: latest_payloads(conn, scope, [indicator], catalogue)[indicator])


def latest_payloads(conn: Connection, scope: str, indicator_list: list[str],
                    catalogue: pd.DataFrame | None = None) -> dict[str, dict]:
    """Stored form of `programme_latest` per indicator for a scope (the refresh computes several at once)."""
    frame = programme_latest(conn, scope_viewer(scope), indicator_list, catalogue)
    return {code: store.frame_payload(frame[frame["indicator"] == code].reset_index(drop=True))
            for code in indicator_list}


def funnel_data(latest: pd.DataFrame, kind: str, per: float | None) -> dict | None:
    """Funnel units (value on the display scale, band) and limits for the newest values of programme buurten.

    kind "percentage" → proportion (×100), any other kind with counts → rate (×per). None when fewer than three
    buurten have a numerator and a positive denominator.
    """
    rows = latest.dropna(subset=["numerator", "denominator", "value"])
    rows = rows[rows["denominator"] > 0]
    if len(rows) < 3:
        return None
    how = "proportion" if kind == "percentage" else "rate"
    scale = 100.0 if kind == "percentage" else float(per or 1.0)
    if kind == "nps":
        return None
    result = funnel(rows["numerator"].astype(float), rows["denominator"].astype(float), kind=how)
    units = rows[["area", "area_name", "period", "numerator", "denominator"]].reset_index(drop=True)
    units["value"] = result.units["value"].to_numpy() * scale
    units["band"] = result.units["band"].to_numpy()
    grid = np.geomspace(max(units["denominator"].min() * 0.8, 1e-6), units["denominator"].max() * 1.2, 80)
    limits = funnel_limits(result.target, grid, kind=how, overdispersion_tau2=result.tau2)
    for col in limits.columns:
        if col != "denominator":
            limits[col] = limits[col] * scale
    return {"units": units, "limits": limits, "target": result.target * scale, "phi": result.phi,
            "tau2": result.tau2}
