"""Data for /vergelijken: the newest visible value per area and indicator, and the funnel plot of all programme
buurten for one indicator. Everything passes data_access.published with the viewer."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Connection

from data_access import definitions, queries
from data_access.access import Viewer
from data_access.published import programme_rows, publish, visible_observations
from data_access.stats.funnel import funnel, funnel_limits

MAX_AREAS = 12
MAX_INDICATORS = 8


def _newest(frame: pd.DataFrame) -> pd.DataFrame:
    """The newest value per (area, indicator) (`definitions.latest_as_of`); an area without any value keeps its newest
    row, so the comparison says why it has none."""
    return definitions.latest_as_of(frame, keep_unvalued=True)


def latest_values(conn: Connection, viewer: Viewer, areas: list[queries.AreaInfo],
                  indicator_list: list[str], catalogue: pd.DataFrame | None = None) -> pd.DataFrame:
    """Newest visible value (with interval) per chosen area and indicator; at most MAX_AREAS areas."""
    catalogue = queries.indicators(conn) if catalogue is None else catalogue
    frames = [visible_observations(conn, viewer, area, indicator_list, catalogue=catalogue)
              for area in areas[:MAX_AREAS]]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=["area", "area_name", "indicator", "period", "value", "ci_low", "ci_high"])
    return _newest(pd.concat(frames, ignore_index=True))


def programme_latest(conn: Connection, viewer: Viewer, indicator: str,
                     catalogue: pd.DataFrame | None = None) -> pd.DataFrame:
    """Newest visible value of one indicator for every programme buurt (one query for all of them)."""
    catalogue = queries.indicators(conn) if catalogue is None else catalogue
    programme = queries.programme_buurten(conn)
    frame = programme_rows(conn, viewer, None, [indicator], catalogue=catalogue)
    if frame.empty:
        return pd.DataFrame(columns=["area", "area_name", "indicator", "period", "value", "numerator",
                                     "denominator"])
    frame = frame.sort_values("indeling").drop_duplicates(["area", "indicator", "period"], keep="last")
    names = dict(zip(programme["code"], programme["name"], strict=True))
    programme_of = dict(zip(programme["code"], programme["programme_id"], strict=True))
    return _newest(publish(frame, viewer, catalogue, programme_of, member_level=False, names=names,
                           with_intervals=False))


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
