"""What a viewer gets to see of observations: access rules, intervals and small-number protection in one place.

Pages, the API, CSV downloads and exports all call `visible_observations`, so they show the same figures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from data_access import queries
from data_access.access import Viewer
from data_access.models import Area, ProgrammeBuurt, ProgrammeMember
from data_access.privacy import hide_keys, secondary_suppression, suppress_small_numbers
from data_access.visibility import own_source, shown_values, visible_rows

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
    """Add ci_low, ci_high and ci_method from the statistics package (only where the counts allow it).

    Only estimates and rates of events get one (``stats.intervals.no_interval_reason`` decides); the interval
    always contains the value shown. All rows at once (``stats.intervals.intervals_for``): at 1,000 buurten a
    programme-wide frame has 170,000-325,000 rows (0.2 s here, ~30 s row by row).
    """
    from data_access.stats.intervals import intervals_for, no_interval_reason

    cat = catalogue.set_index("code")
    indicator = frame["indicator"]
    shown = frame["value"].notna().to_numpy()
    counted = frame["numerator"].notna().to_numpy()
    unknown = shown & ~indicator.isin(cat.index).to_numpy()
    if unknown.any():
        raise KeyError(indicator[unknown].iloc[0])
    used = pd.unique(indicator[shown])
    reason_of = {code: no_interval_reason(cat.at[code, "kind"], cat.at[code, "source"], cat.at[code, "theme"]) or ""
                 for code in used}
    # a plain lookup: mapping onto no reason at all gives a float column that pandas 4 will not fill with text
    reason = np.array([reason_of.get(code, "") for code in indicator.tolist()], dtype=object)
    has_reason = shown & (reason != "")

    low, high = np.full(len(frame), np.nan), np.full(len(frame), np.nan)
    method = np.full(len(frame), "", dtype=object)
    method[has_reason] = reason[has_reason]
    method[shown & ~has_reason & ~counted] = "geen teller beschikbaar"
    rows = shown & ~has_reason & counted
    part = frame.loc[rows]
    found = intervals_for(part["indicator"].map(cat["kind"]).to_numpy(dtype=object), _numbers(part["value"]),
                          _numbers(part["numerator"]), _numbers(part["denominator"]), level,
                          detractors=_numbers(part["detractors"]), per=_numbers(part["indicator"].map(cat["per"])))
    low[rows], high[rows], method[rows] = found.low, found.high, found.method
    return frame.assign(ci_low=low, ci_high=high, ci_method=method)


def _numbers(column: pd.Series) -> np.ndarray:
    """Floats with NaN for anything missing or not a number (as ``stats.intervals`` treats them)."""
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def visible_observations(conn: Connection, viewer: Viewer, area: queries.AreaInfo,
                         indicator_list: list[str] | None = None, period: str | None = None,
                         catalogue: pd.DataFrame | None = None) -> pd.DataFrame:
    """Observations of one area as this viewer may see them, with intervals and small numbers hidden."""
    return visible_observations_of(conn, viewer, [area], indicator_list, period, catalogue)


def visible_observations_of(conn: Connection, viewer: Viewer, areas: list[queries.AreaInfo],
                            indicator_list: list[str] | None = None, period: str | None = None,
                            catalogue: pd.DataFrame | None = None) -> pd.DataFrame:
    """`visible_observations` of several areas in one read per kind of area (programme buurten, CBS areas): every
    rule is applied row by row, so an area's rows are the same as when it is asked alone (the refresh builds every
    programme buurt's buurtbeeld this way)."""
    catalogue = queries.indicators(conn) if catalogue is None else catalogue
    programme = [a for a in areas if a.programme_id is not None]
    cbs = [a for a in areas if a.programme_id is None]
    frames = []
    if programme:
        frame = programme_rows(conn, viewer, [a.programme_id for a in programme], indicator_list, period, catalogue)
        frames.append(publish(frame, viewer, catalogue, {a.code: a.programme_id for a in programme}, False,
                              {a.code: a.name for a in programme}))
    if cbs:
        codes = [a.code for a in cbs]
        frame = queries.observations(conn, codes, indicator_list, period, source=own_source(viewer))
        shown = publish(frame, viewer, catalogue, member_programmes(conn, codes), True, {a.code: a.name for a in cbs})
        if not shown.empty:
            # Secondary suppression only ever hides parts (CBS areas), never a programme buurt or other total.
            shown = hide_keys(shown, secondary_hidden(conn, codes, indicator_list, period, catalogue))
        frames.append(shown)
    filled = [f for f in frames if not f.empty]
    if len(filled) > 1:
        return pd.concat(filled, ignore_index=True)
    return (filled or frames)[0] if frames else pd.DataFrame(columns=API_COLUMNS)


def programme_rows(conn: Connection, viewer: Viewer, programme_ids: list[int] | None,
                   indicator_list: list[str] | None = None, period: str | list[str] | None = None,
                   catalogue: pd.DataFrame | None = None) -> pd.DataFrame:
    """Programme-buurt observations aggregated only from the stored rows this viewer may use (before suppression).

    Every reader of programme-buurt figures for display goes through here, so an aggregate never mixes in a
    row of a source the viewer may not use: a supplier's rows are selected by source before sources and member
    areas are combined; for the other roles visibility depends on the indicator and role only, so the gate
    after combining keeps exactly the aggregates of rows they may use.
    """
    catalogue = queries.indicators(conn) if catalogue is None else catalogue
    frame = queries.programme_observations(conn, programme_ids, indicator_list, period, catalogue,
                                           own_source(viewer))
    return visible_rows(frame, viewer, catalogue, mode="aggregate")


def shown_programme_values(conn: Connection, viewer: Viewer, indicator: str, catalogue: pd.DataFrame,
                           programme_ids: list[int] | None = None) -> pd.DataFrame:
    """One indicator's programme-buurt values this viewer may use, with small numbers hidden (`shown_values`): the
    input of the best-practice proposals and the menukaart comparison (a refresh reads it once for both)."""
    return shown_values(programme_rows(conn, viewer, programme_ids, [indicator], catalogue=catalogue), viewer,
                        catalogue)


def groups_around(conn: Connection, codes: list[str]) -> pd.DataFrame:
    """(total, part) pairs of the groups these CBS areas belong to, as part or as total.

    Groups: a programme buurt and its members; a CBS area and its children (gemeente → wijken, wijk → buurten).
    """
    members = pd.read_sql(
        select(ProgrammeBuurt.slug.label("total"), Area.code.label("part"))
        .join(ProgrammeMember, ProgrammeMember.programme_id == ProgrammeBuurt.id)
        .join(Area, Area.id == ProgrammeMember.area_id)
        .where(ProgrammeMember.programme_id.in_(
            select(ProgrammeMember.programme_id).join(Area, Area.id == ProgrammeMember.area_id)
            .where(Area.code.in_(codes)))), conn)
    parents = select(Area.parent_code).where(Area.code.in_(codes), Area.parent_code.is_not(None))
    children = pd.read_sql(
        select(Area.parent_code.label("total"), Area.code.label("part"))
        .where(Area.parent_code.in_(parents) | Area.parent_code.in_(codes), Area.level != "programma")
        .distinct(), conn)
    return pd.concat([members, children], ignore_index=True).drop_duplicates()


def secondary_hidden(conn: Connection, codes: list[str], indicator_list: list[str] | None, period: str | None,
                     catalogue: pd.DataFrame) -> set[tuple[str, str, str]]:
    """Keys (area, indicator, period) of these CBS areas that secondary suppression hides.

    Reads the groups around the areas (one query each for totals and parts), applies the primary threshold to
    them and tops up hidden parts where a total would give them away; the same answer whoever asks.
    """
    nonpublic = catalogue.loc[~catalogue["public"].astype(bool) & catalogue["suppression_threshold"].notna(), "code"]
    wanted = [c for c in nonpublic if not indicator_list or c in indicator_list]
    groups = groups_around(conn, codes)
    if not wanted or groups.empty:
        return set()
    slugs = set(conn.execute(select(ProgrammeBuurt.slug)).scalars())
    programme_totals = sorted(set(groups["total"]) & slugs)
    cbs = sorted((set(groups["total"]) | set(groups["part"])) - slugs)
    frames = [queries.observations(conn, cbs, wanted, period)]
    if programme_totals:
        ids = list(conn.execute(select(ProgrammeBuurt.id).where(ProgrammeBuurt.slug.in_(programme_totals))).scalars())
        frames.append(queries.programme_observations(conn, ids, wanted, period, catalogue))
    frames = [f for f in frames if not f.empty]
    if not frames:
        return set()
    raw = pd.concat(frames, ignore_index=True)
    # one row per key: the newest indeling of a CBS code
    raw = raw.sort_values("indeling").drop_duplicates(["area", "indicator", "period"], keep="last")
    raw = raw.reset_index(drop=True)
    if "note" not in raw.columns:
        raw["note"] = ""
    primary = suppress_small_numbers(raw, catalogue)
    raw = raw.assign(hidden=primary["suppressed"].to_numpy())
    extra = secondary_suppression(raw, groups, catalogue)
    return {key for key in extra if key[0] in set(codes)}


def publish(frame: pd.DataFrame, viewer: Viewer, catalogue: pd.DataFrame, programme_of: dict[str, int],
            member_level: bool, names: dict[str, str] | None = None, with_intervals: bool = True) -> pd.DataFrame:
    """Apply the visibility gate (`data_access.visibility`), intervals and suppression to observations.

    with_intervals=False leaves ci_low/ci_high empty: for callers that compute their own uncertainty over many
    thousands of rows (the lerende buurt), where the per-row intervals would cost seconds.
    """
    frame = visible_rows(frame, viewer, catalogue, programme_of=programme_of, member_level=member_level).copy()
    if frame.empty:
        return pd.DataFrame(columns=API_COLUMNS)
    if "note" not in frame.columns:
        frame["note"] = ""
    frame = add_intervals(frame, catalogue) if with_intervals else frame.assign(ci_low=np.nan, ci_high=np.nan,
                                                                                   ci_method="")
    frame = suppress_small_numbers(frame, catalogue)
    frame["area_name"] = frame["area"].map(names or {}).astype(object).fillna(frame["area"].astype(object))
    frame["synthetic"] = frame["source"].fillna("").str.contains(SYNTHETIC_MARK)
    return frame[API_COLUMNS + [c for c in ("level", "members_present", "members_total", "bronnen",
                                            "ontbrekende_bronnen") if c in frame.columns]]
