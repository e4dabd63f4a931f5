"""How one programme buurt's outcome indicators compare with the other programme buurten and with its comparison
group, for the uitkomsten tables (/buurt/<slug>/uitkomsten).

Programme: the buurt's rank among the programme buurten with a value in the same period, and for counts of people
or events its position in the funnel plot (`stats.funnel`: Spiegelhalter limits, so a small buurt is not flagged
for noise). Comparison group: the non-transition CBS buurten most alike on context (`peer_groups.context_peers`)
among those with a delivery in that period, pooled as a ratio of sums. A fixed number of queries per call (one
per distinct period), whatever the number of programme buurten.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from data_access import periods, queries
from data_access.access import Viewer
from data_access.models import Area, Indicator, Observation, ProgrammeMember
from data_access.published import programme_rows, publish
from data_access.stats.funnel import BAND_NOT_COMPUTABLE, funnel
from data_access.visibility import MIN_POOL, own_source, shown_values

MIN_BUURTEN = 3  # a rank among fewer programme buurten says nothing
MIN_COMPARISON = MIN_POOL  # a pooled comparison value needs at least this many buurten (also protects privacy)
COMPARISON_SIZE = 30
POSITION_COLUMNS = ["indicator", "period", "n", "rank", "band", "programme_value"]
COMPARISON_COLUMNS = ["indicator", "period", "comparison_value", "comparison_n", "comparison_method"]


def pooled_value(group: pd.DataFrame, kind: str, per: float | None) -> float:
    """Several areas as one: a ratio of sums where every area has counts, else the median area.

    The same rule as the programme benchmark (`comparisons._pooled`), for one indicator and period at a time.
    """
    scale = 100.0 if kind in ("percentage", "nps") else (per if kind == "rate" and per and per == per else 1.0)
    counts = group.dropna(subset=["numerator", "denominator"])
    if kind != "count" and len(counts) == len(group) and counts["denominator"].sum() > 0:
        detractors = counts["detractors"].fillna(0).sum() if kind == "nps" else 0.0
        return float((counts["numerator"].sum() - detractors) / counts["denominator"].sum() * scale)
    return float(group["value"].median())


def latest_as_of(frame: pd.DataFrame, review: str) -> pd.DataFrame:
    """Per indicator the newest row up to the review, when it has a value (as the table's 'latest value')."""
    if frame.empty:
        return frame
    keys = frame["period"].map(periods.sort_key)
    rows = frame[keys <= periods.sort_key(review)]
    if rows.empty:
        return rows
    rows = rows.assign(_k=rows["period"].map(periods.sort_key)).sort_values(["indicator", "_k"])
    newest = rows.groupby("indicator").tail(1).drop(columns="_k")
    return newest[newest["value"].notna()].reset_index(drop=True)


def _funnel_kind(kind: str, numerators: pd.Series) -> str | None:
    """'proportion' for percentages, 'rate' for event rates with whole-number counts, else None (no funnel)."""
    if kind == "percentage":
        return "proportion"
    if kind == "rate" and numerators.notna().all() and np.allclose(numerators % 1, 0):
        return "rate"
    return None


def programme_positions(conn: Connection, viewer: Viewer, slug: str, latest: pd.DataFrame,
                        catalogue: pd.DataFrame) -> pd.DataFrame:
    """Rank (1 = most favourable; highest first for neutral indicators) and funnel band among programme buurten."""
    if latest.empty:
        return pd.DataFrame(columns=POSITION_COLUMNS)
    cat = catalogue.set_index("code")
    out = []
    for period, wanted in latest.groupby("period"):
        obs = programme_rows(conn, viewer, None, list(wanted["indicator"]), period, catalogue)
        if obs.empty:
            continue
        shown = publish(obs, viewer, catalogue, dict(zip(obs["area"], obs["programme_id"], strict=True)), False)
        shown = shown[shown["value"].notna()]
        for indicator, group in shown.groupby("indicator"):
            if len(group) < MIN_BUURTEN or slug not in set(group["area"]):
                continue
            polarity, kind = cat.at[indicator, "polarity"], cat.at[indicator, "kind"]
            ranks = group["value"].rank(ascending=polarity == "lower_is_better", method="min")
            rank = int(ranks[group["area"] == slug].iloc[0])
            band = ""
            how = _funnel_kind(kind, group["numerator"])
            if how and group["denominator"].notna().all():
                units = funnel(group["numerator"].to_numpy(float), group["denominator"].to_numpy(float), how).units
                band = units["band"].to_numpy()[(group["area"] == slug).to_numpy()][0]
                band = "" if band == BAND_NOT_COMPUTABLE else band
            out.append({"indicator": indicator, "period": period, "n": len(group), "rank": rank, "band": band,
                        "programme_value": pooled_value(group, kind, cat.at[indicator, "per"])})
    return pd.DataFrame(out, columns=POSITION_COLUMNS)


def _delivering_buurten(conn: Connection, indicators: list[str], period_list: list[str]) -> list[str]:
    """CBS buurten with a delivery for any of the indicators in any of the periods."""
    stmt = (select(Area.code).distinct().join(Observation, Observation.area_id == Area.id)
            .join(Indicator, Indicator.id == Observation.indicator_id)
            .where(Indicator.code.in_(indicators), Observation.period.in_(period_list), Area.level == "buurt"))
    return list(conn.execute(stmt).scalars())


def _programme_member_codes(conn: Connection) -> set[str]:
    return set(conn.execute(select(Area.code).join(ProgrammeMember, ProgrammeMember.area_id == Area.id)).scalars())


def comparison_group(conn: Connection, viewer: Viewer, area: queries.AreaInfo, latest: pd.DataFrame,
                     catalogue: pd.DataFrame, n: int = COMPARISON_SIZE) -> pd.DataFrame:
    """Pooled value of the buurt's comparison group per indicator, in the period of the buurt's own value.

    Method "matched": the n non-transition buurten nearest on context among those delivering; when the buurt
    cannot be matched (no context data), "gemeente": the delivering non-transition buurten of its gemeente(n),
    as the KPI service does. Only for values aggregated from CBS areas (insurer data). Pooled only from rows
    this viewer may use, after small numbers are hidden (`data_access.visibility`).
    """
    from data_access.peer_groups import context_peers

    empty = pd.DataFrame(columns=COMPARISON_COLUMNS)
    if latest.empty:
        return empty
    cat = catalogue.set_index("code")
    # values aggregated from member CBS areas (members_total set); values delivered for the programme buurt as
    # a whole (buurtnetwerk counts, surveys) have no counterpart in other buurten
    from_members = latest["members_total"].notna() if "members_total" in latest.columns else latest["value"].notna()
    ratio = latest[latest["indicator"].map(cat["kind"]).isin(["percentage", "rate", "mean"]) & from_members
                   & latest["numerator"].notna() & latest["denominator"].notna()]
    if ratio.empty:
        return empty
    # buurten delivering in the newest of these periods: the pool to match from (insurers deliver all at once)
    newest = max(ratio["period"], key=periods.sort_key)
    members = _programme_member_codes(conn)
    candidates = [c for c in _delivering_buurten(conn, list(ratio.loc[ratio["period"] == newest, "indicator"]),
                                                 [newest]) if c not in members]
    try:
        peers = list(context_peers(conn, area.code, n=n, pool="alle", candidates=candidates)["code"])
        method = "matched"
    except ValueError:
        peers = []
    if len(peers) < MIN_COMPARISON:
        gemeenten = {"GM" + code[2:6] for code in area.member_codes}
        peers = [c for c in candidates if "GM" + c[2:6] in gemeenten]
        method = "gemeente"
    if len(peers) < MIN_COMPARISON:
        return empty
    obs = queries.observations(conn, peers, list(ratio["indicator"]), source=own_source(viewer))
    wanted = ratio.set_index("indicator")["period"]
    obs = shown_values(obs[obs["period"].eq(obs["indicator"].map(wanted))], viewer, catalogue, mode="aggregate")
    out = []
    for indicator, group in obs.groupby("indicator"):
        if group["area"].nunique() < MIN_COMPARISON:
            continue
        value = pooled_value(group, cat.at[indicator, "kind"], cat.at[indicator, "per"])
        out.append({"indicator": indicator, "period": wanted[indicator], "comparison_value": value,
                    "comparison_n": group["area"].nunique(), "comparison_method": method})
    return pd.DataFrame(out, columns=COMPARISON_COLUMNS)
