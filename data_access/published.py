"""What a viewer gets to see of observations: access rules, intervals and small-number protection in one place.

Pages, the API, CSV downloads and exports all call `visible_observations`, so they show the same figures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from data_access import queries
from data_access.access import Viewer, may_see_nonpublic
from data_access.models import Area, ProgrammeMember
from data_access.privacy import suppress_small_numbers

API_COLUMNS = ["area", "area_name", "indeling", "indicator", "period", "value", "numerator", "denominator",
               "detractors", "ci_low", "ci_high", "ci_method", "suppressed", "note", "source", "synthetic"]
SYNTHETIC_MARK = "synthetisch"


def member_programmes(conn: Connection, codes: list[str]) -> dict[str, int]:
    """CBS code → programme buurt it belongs to (first one), for the access rules on member-level values."""
    rows = conn.execute(
        select(Area.code, ProgrammeMember.programme_id).join(ProgrammeMember, ProgrammeMember.area_id == Area.id)
        .where(Area.code.in_(codes))
    ).all()
    return {code: pid for code, pid in rows}


def add_intervals(frame: pd.DataFrame, catalogue: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Add ci_low, ci_high and ci_method from the statistics package (only where the counts allow it)."""
    from data_access.stats.intervals import interval_for

    cat = catalogue.set_index("code")
    lows, highs, methods = [], [], []
    for ind, value, num, den, det in zip(frame["indicator"], frame["value"], frame["numerator"],
                                          frame["denominator"], frame["detractors"]):
        if pd.isna(num) or pd.isna(value):
            lows.append(np.nan)
            highs.append(np.nan)
            methods.append("" if pd.isna(value) else "geen teller beschikbaar")
            continue
        kind = cat.at[ind, "kind"]
        per = cat.at[ind, "per"]
        interval = interval_for(kind, value, num, None if pd.isna(den) else den, level,
                                detractors=None if pd.isna(det) else det,
                                per=None if pd.isna(per) else per)
        lows.append(np.nan if interval.low is None else interval.low)
        highs.append(np.nan if interval.high is None else interval.high)
        methods.append(interval.method)
    return frame.assign(ci_low=lows, ci_high=highs, ci_method=methods)


def visible_observations(conn: Connection, viewer: Viewer, area: queries.AreaInfo,
                         indicator_list: list[str] | None = None, period: str | None = None,
                         catalogue: pd.DataFrame | None = None) -> pd.DataFrame:
    """Observations of one area as this viewer may see them, with intervals and small numbers hidden."""
    catalogue = queries.indicators(conn) if catalogue is None else catalogue
    if area.programme_id is not None:
        frame = queries.programme_observations(conn, [area.programme_id], indicator_list, period, catalogue)
        member_level = False
        programme_of = {area.code: area.programme_id}
    else:
        frame = queries.observations(conn, [area.code], indicator_list, period)
        member_level = True
        programme_of = member_programmes(conn, [area.code])
    return publish(frame, viewer, catalogue, programme_of, member_level, {area.code: area.name})


def publish(frame: pd.DataFrame, viewer: Viewer, catalogue: pd.DataFrame, programme_of: dict[str, int],
            member_level: bool, names: dict[str, str] | None = None, with_intervals: bool = True) -> pd.DataFrame:
    """Apply access rules, intervals and suppression to a frame of observations.

    with_intervals=False leaves ci_low/ci_high empty: for callers that compute their own uncertainty over many
    thousands of rows (the lerende buurt), where the per-row intervals would cost seconds.
    """
    if frame.empty:
        return pd.DataFrame(columns=API_COLUMNS)
    public = frame["indicator"].map(catalogue.set_index("code")["public"]).astype(bool)
    allowed = [
        pub or may_see_nonpublic(viewer, programme_id=programme_of.get(code), member_level=member_level,
                                 source=src)
        for pub, code, src in zip(public, frame["area"], frame["source"])
    ]
    frame = frame[pd.Series(allowed, index=frame.index)].copy()
    if frame.empty:
        return pd.DataFrame(columns=API_COLUMNS)
    if "note" not in frame.columns:
        frame["note"] = ""
    frame = add_intervals(frame, catalogue) if with_intervals else frame.assign(ci_low=np.nan, ci_high=np.nan,
                                                                                   ci_method="")
    frame = suppress_small_numbers(frame, catalogue)
    frame["area_name"] = frame["area"].map(names or {}).fillna(frame["area"])
    frame["synthetic"] = frame["source"].fillna("").str.contains(SYNTHETIC_MARK)
    return frame[API_COLUMNS + [c for c in ("level", "members_present", "members_total") if c in frame.columns]]
