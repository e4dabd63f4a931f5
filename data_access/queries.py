"""Read queries on the indicator store: catalogue, areas, observations and programme-buurt aggregates.

Every function takes a Connection first and returns DataFrames or plain values. Aggregating several CBS areas
into a programme buurt is always a ratio of sums (or a population-weighted mean where the source publishes
only a percentage), never an average of percentages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import Boolean, Connection, Float, Integer, String, func, select

from data_access import periods
from data_access.models import (
    Area,
    Indicator,
    Observation,
    ProgrammeBuurt,
    ProgrammeMember,
)

OBS_FIELDS = ["period", "value", "numerator", "denominator", "detractors", "suppressed", "source"]


@dataclass
class AreaInfo:
    """A resolved area code: a CBS area (all indelingen that know the code) or a programme buurt."""

    code: str
    level: str
    name: str
    parent_code: str | None
    indelingen: list[int]
    programme_id: int | None = None
    member_codes: list[str] = field(default_factory=list)


def indicators(conn: Connection) -> pd.DataFrame:
    """The catalogue, in catalogue order."""
    return pd.read_sql(select(Indicator.__table__).order_by(Indicator.sort_order), conn)


def indicator_codes(conn: Connection) -> set[str]:
    return set(conn.execute(select(Indicator.code)).scalars())


def normalise_code(code: str) -> str:
    """CBS codes are upper case (BU03920000), programme slugs lower case."""
    code = (code or "").strip()
    return code.upper() if code[:2].upper() in ("BU", "WK", "GM", "NL") and any(ch.isdigit() for ch in code) \
        else code.lower()


def find_area(conn: Connection, code: str) -> AreaInfo | None:
    """Resolve a CBS code or programme slug; None when unknown."""
    code = normalise_code(code)
    rows = conn.execute(
        select(Area.code, Area.level, Area.name, Area.parent_code, Area.indeling)
        .where(Area.code == code).order_by(Area.indeling.desc())
    ).all()
    if not rows:
        return None
    newest = rows[0]
    info = AreaInfo(newest.code, newest.level, newest.name, newest.parent_code, [r.indeling for r in rows])
    if newest.level == "programma":
        programme = conn.execute(
            select(ProgrammeBuurt.id).join(Area, Area.id == ProgrammeBuurt.area_id).where(Area.code == code)
        ).scalar_one()
        info.programme_id = programme
        info.member_codes = list(conn.execute(
            select(Area.code).join(ProgrammeMember, ProgrammeMember.area_id == Area.id)
            .where(ProgrammeMember.programme_id == programme).order_by(Area.code)
        ).scalars())
    return info


def programme_areas(conn: Connection) -> list[AreaInfo]:
    """`find_area` of every programme buurt, in three queries (the refresh builds each one's buurtbeeld ahead)."""
    programmes = conn.execute(select(Area.code, ProgrammeBuurt.id).join(Area, Area.id == ProgrammeBuurt.area_id)
                              .order_by(ProgrammeBuurt.id)).all()
    rows = conn.execute(select(Area.code, Area.level, Area.name, Area.parent_code, Area.indeling)
                        .where(Area.code.in_([code for code, _id in programmes]))
                        .order_by(Area.code, Area.indeling.desc())).all()
    members: dict[int, list[str]] = {}
    for programme_id, code in conn.execute(
            select(ProgrammeMember.programme_id, Area.code).join(Area, Area.id == ProgrammeMember.area_id)
            .order_by(Area.code)):
        members.setdefault(programme_id, []).append(code)
    by_code: dict[str, list] = {}
    for row in rows:
        by_code.setdefault(row.code, []).append(row)
    out = []
    for code, programme_id in programmes:
        newest = by_code[code][0]
        out.append(AreaInfo(newest.code, newest.level, newest.name, newest.parent_code,
                            [r.indeling for r in by_code[code]], programme_id, members.get(programme_id, [])))
    return out


def areas(conn: Connection, level: str, indeling: int | None = None) -> pd.DataFrame:
    """Areas of one level in one indeling (default: the newest that has this level)."""
    if level == "programma":
        return programme_buurten(conn)
    if indeling is None:
        indeling = conn.execute(select(func.max(Area.indeling)).where(Area.level == level)).scalar()
    return pd.read_sql(
        select(Area.code, Area.name, Area.level, Area.parent_code, Area.indeling)
        .where(Area.level == level, Area.indeling == indeling).order_by(Area.code), conn
    )


def programme_buurten(conn: Connection) -> pd.DataFrame:
    """Programme buurten with cohort, partner and their member CBS codes."""
    frame = pd.read_sql(
        select(
            ProgrammeBuurt.id.label("programme_id"), ProgrammeBuurt.slug.label("code"), ProgrammeBuurt.name,
            ProgrammeBuurt.alliance_partner, ProgrammeBuurt.region, ProgrammeBuurt.cohort,
            ProgrammeBuurt.start_date, ProgrammeBuurt.status, ProgrammeBuurt.provisional, ProgrammeBuurt.note,
            ProgrammeBuurt.synthetic, Area.indeling,
        ).join(Area, Area.id == ProgrammeBuurt.area_id).order_by(ProgrammeBuurt.cohort, ProgrammeBuurt.id), conn
    )
    members = pd.read_sql(
        select(ProgrammeMember.programme_id, Area.code.label("member"), Area.parent_code)
        .join(Area, Area.id == ProgrammeMember.area_id).order_by(Area.code), conn
    )
    grouped: dict[int, list[str]] = {}  # plain lists: a pandas groupby-apply cost ~50 ms per call at 1,000 buurten
    for programme_id, member in zip(members["programme_id"].tolist(), members["member"].tolist(), strict=True):
        grouped.setdefault(programme_id, []).append(member)
    ids = frame["programme_id"].tolist()
    frame["level"] = "programma"
    frame["parent_code"] = None
    frame["members"] = pd.Series([grouped.get(i, []) for i in ids], index=frame.index, dtype=object)
    # the gemeente of the first member (in code order)
    frame["gemeente_code"] = [("GM" + grouped[i][0][2:6]) if grouped.get(i) else np.nan for i in ids]
    return frame


def _observation_select(indicator_list: list[str] | None, period: str | list[str] | None,
                        source: str | None = None):  # noqa: ANN202
    """The observations of some indicators (all: None), in one period or several (a list)."""
    stmt = (
        select(
            Area.code.label("area"), Area.indeling, Area.level, Indicator.code.label("indicator"),
            Observation.period, Observation.value, Observation.numerator, Observation.denominator,
            Observation.detractors, Observation.suppressed, Observation.source, Observation.batch_id,
            Indicator.kind.label("_kind"), Indicator.per.label("_per"),
        )
        .join(Area, Area.id == Observation.area_id)
        .join(Indicator, Indicator.id == Observation.indicator_id)
    )
    if indicator_list:
        stmt = stmt.where(Indicator.code.in_(indicator_list))
    if isinstance(period, list):
        stmt = stmt.where(Observation.period.in_(period))
    elif period:
        stmt = stmt.where(Observation.period == period)
    if source is not None:
        stmt = stmt.where(Observation.source == source)
    return stmt


_PLAIN_TYPES = (String, Integer, Float, Boolean)  # what both drivers hand over as the Python value pandas wants


def read_frame(conn: Connection, stmt) -> pd.DataFrame:  # noqa: ANN001
    """`pd.read_sql(stmt, conn)` for a select of text, number and boolean columns, with the rows taken from the
    driver's cursor: SQLAlchemy's per-row processing cost a third of the time of the large reads (a million
    observations for the buurtbeeld's peer spread: ~6 s became ~4 s). Booleans come from SQLite as 0/1 and are
    made booleans here, as SQLAlchemy does; any other column type goes through `pd.read_sql`."""
    types = [col.type for col in stmt.selected_columns]
    if not all(isinstance(t, _PLAIN_TYPES) for t in types):
        return pd.read_sql(stmt, conn)
    result = conn.execute(stmt)
    try:
        rows = result.cursor.fetchall()
        names = [d[0] for d in result.cursor.description]
    finally:
        result.close()
    frame = pd.DataFrame.from_records(rows, columns=names, coerce_float=True)
    for name, kind in zip(names, types, strict=True):
        if isinstance(kind, Boolean) and len(frame) and frame[name].dtype != bool:
            known = frame[name].notna()
            frame[name] = frame[name].astype(bool) if known.all() else frame[name].map(
                lambda v: None if v is None or v != v else bool(v))
    return frame


def _read(conn: Connection, stmt, with_sources: bool = True) -> pd.DataFrame:  # noqa: ANN001
    """Every read of observations goes through here: one row per (area, indeling, indicator, period)."""
    return combine_sources(read_frame(conn, stmt), with_sources=with_sources)


COMBINE_KEY = ["area", "indeling", "indicator", "period"]


def combine_sources(frame: pd.DataFrame, with_sources: bool = True) -> pd.DataFrame:
    """One figure per area, indicator and period from the rows of every source that delivered it.

    Two insurers deliver the same indicator for the same buurt: the figure is the ratio of the summed numerators
    and denominators (a count: the sum). A source that gave only a value, not its counts, cannot be combined, so
    the figure is unknown (with a note) rather than wrong. A value suppressed by one source hides the figure.
    `source` lists the sources joined by "; "; with_sources adds `bronnen` (the list of sources) and
    `ontbrekende_bronnen` (sources that delivered in the previous period of this area and indicator but not in
    this one: a drop in the figure may only mean a source is late).
    Frames with one source per key (nearly all) pass unchanged apart from those columns.
    """
    helpers = [c for c in ("_kind", "_per") if c in frame.columns]
    if frame.empty or "source" not in frame.columns:
        frame = frame.drop(columns=helpers)
        if with_sources and "source" in frame.columns:
            frame["bronnen"] = pd.Series(dtype=object)
            frame["ontbrekende_bronnen"] = pd.Series(dtype=object)
        return frame
    several = frame.duplicated(COMBINE_KEY, keep=False)
    if several.any():
        frame = pd.concat([frame[~several], _combine(frame[several])], ignore_index=True)
    missing = _missing_sources(frame) if with_sources else {}
    frame = frame.drop(columns=helpers)
    if with_sources:  # lists, not Series, in the loops: iterating a pandas string array costs ~1 µs per element
        own = pd.Series([[s] for s in frame["source"].tolist()], index=frame.index, dtype=object)
        frame["bronnen"] = frame["_sources"].where(frame["_sources"].notna(), own) \
            if "_sources" in frame.columns else own
        if missing:
            keys = zip(frame["area"].tolist(), frame["indicator"].tolist(), frame["period"].tolist(), strict=True)
            frame["ontbrekende_bronnen"] = [missing.get(k, []) for k in keys]
        else:
            frame["ontbrekende_bronnen"] = [[] for _ in range(len(frame))]
    return frame.drop(columns=[c for c in ("_sources",) if c in frame.columns])


def _combine(rows: pd.DataFrame) -> pd.DataFrame:
    """Combine the rows of keys that several sources delivered (see combine_sources)."""
    out = []
    for _, group in rows.groupby(COMBINE_KEY, sort=False, dropna=False):
        first = group.iloc[0].copy()
        kind, per = first.get("_kind"), first.get("_per")
        num, den, det = group["numerator"], group["denominator"], group["detractors"]
        known = num.notna().all() and (den.notna().all() or kind == "count")
        first["numerator"] = num.sum() if num.notna().all() else np.nan
        first["denominator"] = den.sum() if den.notna().all() else np.nan
        first["detractors"] = det.sum() if det.notna().all() else np.nan
        if kind == "count":
            first["value"] = group["value"].sum() if group["value"].notna().all() else np.nan
        elif known and first["denominator"] > 0:
            scale = 100.0 if kind in ("percentage", "nps") else (per if kind == "rate" and pd.notna(per) else 1.0)
            minus = first["detractors"] if kind == "nps" and pd.notna(first["detractors"]) else 0.0
            first["value"] = (first["numerator"] - minus) / first["denominator"] * scale
        else:
            first["value"] = np.nan
            first["note"] = "niet te combineren over bronnen (een bron leverde geen teller en noemer)"
        first["suppressed"] = bool(group["suppressed"].astype(bool).any())
        sources = sorted(set(group["source"].dropna()))
        first["source"] = "; ".join(sources)
        first["_sources"] = sources
        if "batch_id" in group.columns:
            first["batch_id"] = group["batch_id"].max()
        out.append(first)
    return pd.DataFrame(out).reset_index(drop=True)


def _missing_sources(frame: pd.DataFrame) -> dict[tuple[str, str, str], list[str]]:
    """(area, indicator, period) → sources that delivered the previous period of that area and indicator, not this."""
    if "_sources" not in frame.columns:
        return {}
    multi = frame.loc[frame["_sources"].notna(), ["area", "indicator"]].drop_duplicates()
    if multi.empty:
        return {}
    rows = frame.merge(multi, on=["area", "indicator"])
    out: dict[tuple[str, str, str], list[str]] = {}
    for (area, indicator), group in rows.groupby(["area", "indicator"], sort=False):
        ordered = group.assign(_k=group["period"].map(periods.sort_key)).sort_values("_k")
        previous: set[str] | None = None
        for period, listed, source in zip(ordered["period"], ordered["_sources"], ordered["source"], strict=True):
            current = set(listed) if isinstance(listed, list) else {source}
            if previous is not None and previous - current:
                out[(area, indicator, period)] = sorted(previous - current)
            previous = current
    return out


def observations(conn: Connection, codes: list[str], indicator_list: list[str] | None = None,
                 period: str | None = None, source: str | None = None) -> pd.DataFrame:
    """Stored observations of CBS areas or programme buurten (all indelingen of each code), sources combined.

    source: only the rows of that source (what a supplier sees of its own delivery).
    For a few areas the indicators are filtered after reading: a filter on indicator codes in SQL makes SQLite
    scan each indicator across all 14,000 buurten (1.3 s instead of a few ms for 20 areas).
    """
    return _sorted(_observations_of(conn, codes, indicator_list, period, source, with_sources=True))


def observation_values(conn: Connection, codes: list[str], indicator_list: list[str]) -> pd.DataFrame:
    """`observations` unsorted and without the lists of sources: for figures pooled over many areas that never show
    their sources (the buurtbeeld's peer spread reads ~1 M rows for the peers of 1,000 buurten, where sorting and
    listing sources cost seconds)."""
    frame = _observations_of(conn, codes, indicator_list, None, None, with_sources=False)
    frame["suppressed"] = frame["suppressed"].astype(bool)
    return frame


def _observations_of(conn: Connection, codes: list[str], indicator_list: list[str] | None, period: str | None,
                     source: str | None, with_sources: bool) -> pd.DataFrame:
    few = len(codes) <= 50
    stmt = _observation_select(None if few else indicator_list, period, source).where(
        Observation.area_id.in_(select(Area.id).where(Area.code.in_(codes))))
    frame = _read(conn, stmt, with_sources=with_sources)
    if few and indicator_list:
        frame = frame[frame["indicator"].isin(indicator_list)].reset_index(drop=True)
    return frame


def observations_by_indicator(conn: Connection, indicator: str, level: str | None = None,
                              period: str | None = None) -> pd.DataFrame:
    """One indicator across all areas (optionally one level and period), sources combined."""
    stmt = _observation_select([indicator], period)
    if level:
        stmt = stmt.where(Area.level == level)
    return _sorted(_read(conn, stmt))


def observations_for_level(conn: Connection, level: str | tuple[str, ...], indicator_list: list[str]) -> pd.DataFrame:
    """Several indicators across all areas of one level or levels (all periods and indelingen), sources combined,
    unsorted."""
    levels = (level,) if isinstance(level, str) else tuple(level)
    frame = _read(conn, _observation_select(indicator_list, None).where(Area.level.in_(levels)), with_sources=False)
    frame["suppressed"] = frame["suppressed"].astype(bool)
    return frame


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return frame
    frame["suppressed"] = frame["suppressed"].astype(bool)
    keys = frame["period"].map(periods.sort_key)
    return frame.assign(_k=keys).sort_values(["area", "indicator", "_k", "indeling"]).drop(columns="_k") \
        .reset_index(drop=True)


# ---------------------------------------------------------------- programme aggregation

def aggregate_members(member_obs: pd.DataFrame, members: pd.DataFrame, catalogue: pd.DataFrame,
                      weights: pd.DataFrame | None = None) -> pd.DataFrame:
    """Aggregate member-area observations to programme buurten.

    member_obs: observations of member areas (columns area, indeling, indicator, period, value, numerator,
    denominator, detractors, suppressed, source). members: programme_id, member (CBS code). weights: area,
    indicator, period, value for weight indicators (inhabitants). A sum or ratio needs every member; a value
    suppressed in a member makes the aggregate unknown rather than silently too low.
    """
    if member_obs.empty or members.empty:
        return pd.DataFrame(columns=["programme_id", "indicator", "period", "indeling", *OBS_FIELDS[1:],
                                     "members_present", "members_total", "note"])
    cat = catalogue.set_index("code")
    # member rows in one order (by area code), so a sum over members is the same number to the last bit whatever
    # order the database returned the rows in (PostgreSQL: any), and for one buurt read alone or with all others
    frame = member_obs.merge(members.rename(columns={"member": "area"}), on="area").sort_values("area", kind="stable")
    frame["aggregation"] = frame["indicator"].map(cat["aggregation"])
    frame["kind"] = frame["indicator"].map(cat["kind"])
    frame["per"] = frame["indicator"].map(cat["per"]).fillna(1.0)
    frame["weight_indicator"] = frame["indicator"].map(cat["weight_indicator"])
    totals = members.groupby("programme_id")["member"].nunique().rename("members_total")
    frame = frame.merge(totals, on="programme_id")
    if weights is not None and not weights.empty and frame["weight_indicator"].notna().any():
        w = weights.sort_values("period").groupby(["area", "indicator"])["value"].last().rename("weight")
        frame = frame.merge(w, left_on=["area", "weight_indicator"], right_index=True, how="left")
    else:
        frame["weight"] = np.nan
    frame["wvalue"] = frame["value"] * frame["weight"]
    frame["has_weight"] = frame["weight"].notna() & frame["value"].notna()
    frame["weight_used"] = frame["weight"].where(frame["has_weight"], 0.0)
    keys = ["programme_id", "indicator", "period", "indeling"]
    group = frame.groupby(keys, sort=False)
    out = group.agg(
        rows=("area", "size"),
        value_sum=("value", "sum"), value_n=("value", "count"),
        numerator=("numerator", "sum"), numerator_n=("numerator", "count"),
        denominator=("denominator", "sum"), denominator_n=("denominator", "count"),
        detractors=("detractors", "sum"), detractors_n=("detractors", "count"),
        wsum=("wvalue", "sum"),
        weight_total=("weight_used", "sum"),
        any_suppressed=("suppressed", "any"),
        members_present=("area", "nunique"),
        members_total=("members_total", "first"),
        aggregation=("aggregation", "first"),
        kind=("kind", "first"),
        per=("per", "first"),
        single_value=("value", "first"),
    ).reset_index()
    # a sum over members is only known when every member row has the field (sum(min_count=len) without a lambda)
    for col in ("value_sum", "numerator", "denominator", "detractors"):
        count = out.pop("value_n" if col == "value_sum" else f"{col}_n")
        out[col] = out[col].where(count == out["rows"])
    # nearly every aggregate has one source: join strings only for the few groups with several (a per-group
    # Python join over 17,000 groups cost seconds)
    sources = frame.dropna(subset=["source"]).drop_duplicates([*keys, "source"]).sort_values([*keys, "source"])
    several = sources.duplicated(keys, keep=False)
    single = sources[~several][[*keys, "source"]]
    joined = sources[several].groupby(keys, sort=False)["source"].agg("; ".join).reset_index()
    out = out.merge(pd.concat([single, joined], ignore_index=True), on=keys, how="left")
    out["source"] = out["source"].fillna("")
    complete = out["members_present"] == out["members_total"]
    single = out["members_total"] == 1
    scale = np.select([out["kind"].isin(["percentage", "nps"]), out["kind"] == "rate"], [100.0, out["per"]], 1.0)
    ratio = (out["numerator"] - out["detractors"].where(out["kind"] == "nps", 0).fillna(0)) \
        / out["denominator"].where(out["denominator"] > 0) * scale
    value = np.select(
        [single, out["aggregation"] == "sum", out["aggregation"] == "ratio",
         out["aggregation"] == "weighted_mean"],
        [out["single_value"], out["value_sum"].where(complete), ratio.where(complete),
         (out["wsum"] / out["weight_total"].where(out["weight_total"] > 0))],
        np.nan,
    )
    out["value"] = value
    keep_counts = out["aggregation"].isin(["sum", "ratio"]) & complete
    for col in ("numerator", "denominator", "detractors"):
        out[col] = out[col].where(keep_counts | single)
    out["suppressed"] = out["any_suppressed"] & (out["aggregation"].isin(["sum", "ratio"]) | single)
    out.loc[out["suppressed"], "value"] = np.nan
    out["note"] = np.select(
        [out["suppressed"], ~complete & out["aggregation"].isin(["sum", "ratio"]),
         (out["aggregation"] == "none") & ~single, pd.isna(out["value"])],
        ["onderdrukt in een deelgebied", "niet voor alle deelgebieden aangeleverd",
         "niet op te tellen over deelgebieden", "geen waarde"],
        "",
    )
    return out[["programme_id", "indicator", "period", "indeling", *OBS_FIELDS[1:], "members_present",
                "members_total", "note"]]


def _members_frame(conn: Connection, programme_ids: list[int] | None = None) -> pd.DataFrame:
    stmt = select(ProgrammeMember.programme_id, Area.code.label("member")).join(
        Area, Area.id == ProgrammeMember.area_id)
    if programme_ids is not None:
        stmt = stmt.where(ProgrammeMember.programme_id.in_(programme_ids))
    return pd.read_sql(stmt, conn)


def _weights_for(conn: Connection, codes: list[str], catalogue: pd.DataFrame,
                 indicator_list: list[str] | None) -> pd.DataFrame:
    wanted = catalogue
    if indicator_list:
        wanted = catalogue[catalogue["code"].isin(indicator_list)]
    weight_codes = sorted(set(wanted["weight_indicator"].dropna()))
    if not weight_codes or not codes:
        return pd.DataFrame(columns=["area", "indicator", "period", "value"])
    frame = observations(conn, codes, weight_codes)
    return frame[["area", "indicator", "period", "value"]] if not frame.empty else frame


def _member_sources(agg: pd.DataFrame, member_obs: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """`bronnen` and `ontbrekende_bronnen` of a programme aggregate: the union over its member areas."""
    if agg.empty or member_obs.empty:
        return agg.assign(bronnen=[[] for _ in range(len(agg))], ontbrekende_bronnen=[[] for _ in range(len(agg))])
    keys = ["programme_id", "indicator", "period", "indeling"]
    frame = member_obs[["area", "indicator", "period", "indeling", "bronnen", "ontbrekende_bronnen"]].merge(
        members.rename(columns={"member": "area"}), on="area")
    for col in ("bronnen", "ontbrekende_bronnen"):
        exploded = frame[[*keys, col]].explode(col).dropna(subset=[col]).drop_duplicates() \
            .sort_values([*keys, col])
        # nearly every aggregate has one source: a Python list per group only where there are several (a
        # per-group aggregation over the ~70,000 groups of 1,000 buurten cost 4 s)
        several = exploded.duplicated(keys, keep=False)
        single = exploded[~several]
        lists = pd.concat([
            pd.Series([[v] for v in single[col].tolist()], index=pd.MultiIndex.from_frame(single[keys]),
                      dtype=object),
            exploded[several].groupby(keys, sort=False)[col].agg(list)])
        agg = agg.merge(lists.rename(col), left_on=keys, right_index=True, how="left")
        agg[col] = pd.Series([v if isinstance(v, list) else [] for v in agg[col].tolist()], index=agg.index,
                             dtype=object)
    return agg


def programme_observations(conn: Connection, programme_ids: list[int] | None = None,
                           indicator_list: list[str] | None = None, period: str | list[str] | None = None,
                           catalogue: pd.DataFrame | None = None, source: str | None = None) -> pd.DataFrame:
    """Observations of programme buurten: values delivered for the buurt itself plus member aggregates.

    Sources are combined per member area first, then members are aggregated. source: only that source's rows.
    period: one period, or several (a list: each aggregate rests on its own period's rows only).
    """
    catalogue = indicators(conn) if catalogue is None else catalogue
    members = _members_frame(conn, programme_ids)
    member_codes = sorted(set(members["member"]))

    def read(codes: list[str]) -> pd.DataFrame:
        # as in `observations`: for a few areas the indicators are filtered after reading (an SQL filter on them
        # makes SQLite scan each indicator across all areas: 0.5 s instead of 0.1 s for one programme buurt)
        few = len(codes) <= 50
        frame = _read(conn, _observation_select(None if few else indicator_list, period, source)
                      .where(Area.code.in_(codes)))
        if few and indicator_list and not frame.empty:
            frame = frame[frame["indicator"].isin(indicator_list)].reset_index(drop=True)
        return frame

    member_obs = read(member_codes) if member_codes else pd.DataFrame()
    agg = aggregate_members(member_obs, members, catalogue, _weights_for(conn, member_codes, catalogue,
                                                                          indicator_list))
    slugs = pd.read_sql(select(ProgrammeBuurt.id.label("programme_id"), ProgrammeBuurt.slug.label("area")), conn)
    if programme_ids is not None:
        slugs = slugs[slugs["programme_id"].isin(programme_ids)]
    agg = agg.merge(slugs, on="programme_id")
    agg["level"] = "programma"
    agg = _member_sources(agg, member_obs, members)
    direct = read(list(slugs["area"])) if not slugs.empty else pd.DataFrame()
    if not direct.empty:
        direct = direct.merge(slugs, on="area")
        direct["members_present"] = np.nan
        direct["members_total"] = np.nan
        direct["note"] = ""
        # a value delivered for the buurt as a whole wins over an aggregate of the same key
        agg = agg.merge(direct[["programme_id", "indicator", "period"]], how="left", indicator=True)
        agg = agg[agg["_merge"] == "left_only"].drop(columns="_merge")
    frame = pd.concat([f for f in (agg, direct) if not f.empty], ignore_index=True) if (
        not agg.empty or not direct.empty) else agg
    if frame.empty:
        return frame
    frame["suppressed"] = frame["suppressed"].fillna(False).astype(bool)
    return _sorted(frame)
