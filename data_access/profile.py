"""The context profile of one area for the buurtbeeld (/buurt/<slug>/beeld and /gebied/<code>).

One row per context indicator: the area's latest value with its interval, the NL and gemeente values with the
same Fingertips comparison the API serves (`benchmark=NL|gemeente`), and the spread of a peer group. Also the
outlines for the location map. All reads are a fixed handful of queries, whatever the number of indicators.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from data_access import periods, queries
from data_access.access import ANONYMOUS, Viewer
from data_access.comparisons import area_benchmark_values, gemeente_of, with_area_comparisons
from data_access.models import Area, AreaGeometry
from data_access.published import publish, visible_observations_of

PROFILE_COLUMNS = [
    "indicator", "name", "theme", "kind", "unit", "polarity", "source", "period", "value", "ci_low", "ci_high",
    "suppressed", "note", "synthetic", "nl_value", "cmp_nl", "cmp_nl_label", "gm_value", "cmp_gm",
    "cmp_gm_label", "nl_any_value", "nl_any_period", "peer_n", "peer_min", "peer_p25", "peer_median", "peer_p75",
    "peer_max",
]
JUDGED_WORSE = ("worse", "much_worse")
JUDGED_BETTER = ("better", "much_better")


def _period_key(frame: pd.DataFrame) -> pd.Series:
    return frame["period"].map(periods.sort_key)


def latest_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Per area and indicator the newest row with a value, else the newest row (newest indeling wins within a
    period)."""
    if frame.empty:
        return frame
    ordered = frame.assign(_k=_period_key(frame), _has=frame["value"].notna()) \
        .sort_values(["area", "indicator", "_has", "_k", "indeling"])
    return ordered.groupby(["area", "indicator"], sort=False).tail(1).drop(columns=["_k", "_has"]) \
        .reset_index(drop=True)


SPREAD_COLUMNS = ["peer_n", "peer_min", "peer_p25", "peer_median", "peer_p75", "peer_max"]


def peer_spreads(conn: Connection, peer_codes: dict[str, list[str]], own_periods: pd.DataFrame,
                 catalogue: pd.DataFrame) -> pd.DataFrame:
    """Min, quartiles, median and max of each area's peers per indicator (one query for all areas and peers).

    own_periods: columns area, indicator, period (the period of the area's own value); a peer's value of that
    period is used when it has one, else its newest value. Columns area, indicator and SPREAD_COLUMNS.
    """
    columns = ["area", "indicator", *SPREAD_COLUMNS]
    pairs = pd.DataFrame([(area, peer) for area, peers in peer_codes.items() for peer in peers],
                         columns=["area", "peer"])
    wanted = own_periods[own_periods["area"].isin(set(pairs["area"]))]
    if pairs.empty or wanted.empty:
        return pd.DataFrame(columns=columns)
    asked = pairs.merge(wanted[["area", "indicator", "period"]], on="area")
    shown = _shown_values(catalogue, queries.observation_values(conn, sorted(set(pairs["peer"])),
                                                                sorted(set(wanted["indicator"]))))
    at_period = shown.sort_values("indeling").drop_duplicates(["peer", "indicator", "period"], keep="last")
    newest = shown.assign(_k=_period_key(shown)).sort_values(["_k", "indeling"]) \
        .drop_duplicates(["peer", "indicator"], keep="last")
    same = asked.merge(at_period[["peer", "indicator", "period", "value"]], on=["peer", "indicator", "period"],
                       how="left")["value"].to_numpy()
    other = asked.merge(newest[["peer", "indicator", "value"]], on=["peer", "indicator"], how="left")["value"]
    values = asked.assign(value=np.where(np.isnan(same), other.to_numpy(dtype=float), same)) \
        .dropna(subset=["value"])
    if values.empty:
        return pd.DataFrame(columns=columns)
    grouped = values.groupby(["area", "indicator"])["value"]
    spread = pd.DataFrame({
        "peer_n": grouped.count(), "peer_min": grouped.min(), "peer_p25": grouped.quantile(0.25),
        "peer_median": grouped.median(), "peer_p75": grouped.quantile(0.75), "peer_max": grouped.max(),
    }).reset_index()
    return spread[columns]


def _shown_values(catalogue: pd.DataFrame, raw: pd.DataFrame) -> pd.DataFrame:
    """The rows with a value as everyone sees them (columns peer, indicator, period, indeling, value): only values
    are spread, so without intervals."""
    columns = ["peer", "indicator", "period", "indeling", "value"]
    if raw.empty:
        return pd.DataFrame({c: pd.Series(dtype=float if c == "value" else object) for c in columns})
    shown = publish(raw, ANONYMOUS, catalogue, {}, True, with_intervals=False)
    shown = shown.loc[shown["value"].notna(), ["area", "indicator", "period", "indeling", "value"]]
    return shown.rename(columns={"area": "peer"}).astype({"value": float})


def rows_of(observed: pd.DataFrame, area_codes: list[str], indicator_list: list[str]) -> pd.DataFrame:
    """The rows of these areas and indicators from a wider read: the same rows as reading them alone, since every
    visibility rule applies row by row."""
    keep = observed["area"].isin(area_codes) & observed["indicator"].isin(indicator_list)
    return observed[keep].reset_index(drop=True)


def context_profile(conn: Connection, viewer: Viewer, area: queries.AreaInfo,
                    catalogue: pd.DataFrame | None = None, peer_codes: list[str] | None = None) -> pd.DataFrame:
    """One row per context indicator the area has a row for, in catalogue order (columns PROFILE_COLUMNS)."""
    rows = context_profile_rows(conn, viewer, [area], catalogue, {area.code: peer_codes or []})
    return rows[PROFILE_COLUMNS].reset_index(drop=True)


def context_profile_rows(conn: Connection, viewer: Viewer, areas: list[queries.AreaInfo],
                         catalogue: pd.DataFrame | None = None,
                         peer_codes: dict[str, list[str]] | None = None,
                         observed: pd.DataFrame | None = None) -> pd.DataFrame:
    """The profiles of several areas as one frame (column area and PROFILE_COLUMNS, per area in catalogue order)
    from one read of each kind: every step works per area and indicator, so an area's rows are the same as when it
    is computed alone. `observed`: the areas' `visible_observations_of` for this viewer when the caller has read
    them already (at least the context indicators)."""
    catalogue = queries.indicators(conn) if catalogue is None else catalogue
    context = catalogue[catalogue["group"] == "context"]
    frame = visible_observations_of(conn, viewer, areas, list(context["code"]), catalogue=catalogue) \
        if observed is None else rows_of(observed, [a.code for a in areas], list(context["code"]))
    if frame.empty:
        return pd.DataFrame(columns=["area", *PROFILE_COLUMNS])
    latest = latest_rows(frame)
    # the same comparison as GET /api/v1/observations?benchmark=NL|gemeente, so page and API agree
    nl = with_area_comparisons(conn, latest, areas, "NL", catalogue, viewer=viewer)
    out = latest.assign(nl_value=nl["benchmark_value"].to_numpy(), cmp_nl=nl["comparison"].to_numpy(),
                        cmp_nl_label=nl["comparison_label"].to_numpy())
    has_gemeente = out["area"].map({a.code: gemeente_of(a) is not None for a in areas}).to_numpy(dtype=bool)
    gm = with_area_comparisons(conn, latest, [a for a in areas if gemeente_of(a) is not None], "gemeente",
                               catalogue, viewer=viewer)
    out = out.assign(gm_value=np.where(has_gemeente, gm["benchmark_value"].to_numpy(dtype=float), np.nan),
                     cmp_gm=np.where(has_gemeente, gm["comparison"].to_numpy(dtype=object), "not_comparable"),
                     cmp_gm_label=np.where(has_gemeente, gm["comparison_label"].to_numpy(dtype=object), ""))
    # the chart's centre line: NL of the same period, else NL's newest (not compared: the table says so)
    nl_all = area_benchmark_values(conn, areas, "NL", sorted(set(latest["indicator"])), catalogue, viewer=viewer)
    nl_all = nl_all.dropna(subset=["benchmark_value"])
    own = out[["area", "indicator", "period"]].rename(columns={"period": "_own"})
    nl_all = nl_all.merge(own, on=["area", "indicator"])
    nl_all = nl_all.assign(_same=nl_all["period"].eq(nl_all["_own"]), _k=_period_key(nl_all)) \
        .sort_values(["_same", "_k"]).groupby(["area", "indicator"]).tail(1)
    out = out.merge(nl_all.rename(columns={"benchmark_value": "nl_any_value", "period": "nl_any_period"})
                    [["area", "indicator", "nl_any_value", "nl_any_period"]], on=["area", "indicator"], how="left")
    spread = peer_spreads(conn, peer_codes or {}, out[["area", "indicator", "period"]], catalogue)
    out = out.merge(spread, on=["area", "indicator"], how="left")
    cat = context.set_index("code")
    for col in ("name", "theme", "kind", "unit", "polarity", "source"):
        out[col] = out["indicator"].map(cat[col])
    out["peer_n"] = out["peer_n"].fillna(0).astype(int)
    out["_order"] = out["indicator"].map(pd.Series(range(len(context)), index=context["code"]))
    return out.sort_values(["area", "_order"])[["area", *PROFILE_COLUMNS]].reset_index(drop=True)


def relative_difference(value: float, benchmark: float) -> float | None:
    """(value − benchmark) / |benchmark|, None when it cannot be computed."""
    if pd.isna(value) or pd.isna(benchmark) or benchmark == 0:
        return None
    return float((value - benchmark) / abs(benchmark))


def challenges_and_strengths(profile: pd.DataFrame, untested_threshold: float = 0.15) -> dict[str, pd.DataFrame]:
    """Split the profile into challenges, strengths (significant vs NL) and notable untested differences.

    Significant: the NL value lies outside the area's 95% interval and the indicator has a direction
    (polarity). Untested: no interval exists (model estimates, means), but the value differs at least
    `untested_threshold` (relative) from NL in a direction that matters; the page says these are not tested.
    Each frame is ordered by the size of the relative difference, "much" first.
    """
    empty = profile.iloc[0:0].assign(rel=[])
    if profile.empty:
        return {"challenges": empty, "strengths": empty, "untested": empty}
    frame = profile[profile["kind"] != "count"].copy()
    frame["rel"] = [relative_difference(v, b) for v, b in zip(frame["value"], frame["nl_value"], strict=True)]
    frame["much"] = frame["cmp_nl"].astype(str).str.startswith("much_")
    frame["abs_rel"] = frame["rel"].abs()

    def ordered(rows: pd.DataFrame) -> pd.DataFrame:
        return rows.sort_values(["much", "abs_rel"], ascending=[False, False]).drop(columns=["much", "abs_rel"])

    judged = frame["polarity"].isin(["higher_is_better", "lower_is_better"])
    untested = frame[judged & (frame["cmp_nl"] == "not_comparable") & frame["rel"].notna()
                     & (frame["abs_rel"] >= untested_threshold)]
    return {
        "challenges": ordered(frame[frame["cmp_nl"].isin(JUDGED_WORSE)]),
        "strengths": ordered(frame[frame["cmp_nl"].isin(JUDGED_BETTER)]),
        "untested": ordered(untested),
    }


def area_outlines(conn: Connection, area: queries.AreaInfo) -> pd.DataFrame:
    """Outlines for the location map: the area itself, its surroundings, wijk(en) and gemeente.

    Columns code, name, level, role ("gebied", "omgeving", "wijk", "gemeente"), reconstructed, geometry
    (GeoJSON dict). Newest indeling per code. Two queries, whatever the number of member areas.
    """
    columns = ["code", "name", "level", "role", "reconstructed", "geometry"]
    own = area.member_codes if area.programme_id is not None else [area.code]
    if not own:
        return pd.DataFrame(columns=columns)
    rows = conn.execute(select(Area.code, Area.level, Area.parent_code).where(Area.code.in_(own))
                        .order_by(Area.indeling)).all()
    parents = {r.code: (r.level, r.parent_code) for r in rows}
    wijken = {parent for level, parent in parents.values() if level == "buurt" and parent}
    gemeenten = {("GM" + code[2:6]) if code[:2] in ("BU", "WK") else code for code in own if code[:2] != "NL"}
    # surroundings: the other buurten of the wijk, the other wijken of the gemeente, or a gemeente's wijken
    around_parents = wijken | {"GM" + code[2:6] for code, (level, _p) in parents.items() if level == "wijk"} \
        | {code for code in own if code[:2] == "GM"}
    wanted = set(own) | wijken | gemeenten
    around = Area.parent_code.in_(sorted(around_parents))
    stmt = (select(Area.code, Area.name, Area.level, Area.indeling, AreaGeometry.geojson, AreaGeometry.reconstructed)
            .join(AreaGeometry, AreaGeometry.area_id == Area.id)
            .where(Area.code.in_(sorted(wanted)) | (around & Area.level.in_(["buurt", "wijk"])))
            .order_by(Area.indeling))
    found = pd.DataFrame(conn.execute(stmt).all(), columns=["code", "name", "level", "indeling", "geojson",
                                                             "reconstructed"])
    if found.empty:
        return pd.DataFrame(columns=columns)
    found = found.groupby("code").tail(1)
    own_set = set(own)
    found["role"] = np.select(
        [found["code"].isin(own_set), found["code"].isin(gemeenten), found["code"].isin(wijken)],
        ["gebied", "gemeente", "wijk"], "omgeving")
    found["geometry"] = found["geojson"].map(json.loads)
    found["reconstructed"] = found["reconstructed"].astype(bool)
    order = {"gemeente": 0, "omgeving": 1, "wijk": 2, "gebied": 3}
    found = found.assign(_o=found["role"].map(order)).sort_values(["_o", "code"])
    return found[columns].reset_index(drop=True)
