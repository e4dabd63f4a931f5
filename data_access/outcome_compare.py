"""How one programme buurt's outcome indicators compare with the other programme buurten and with its comparison
group, for the uitkomsten tables (/buurt/<slug>/uitkomsten).

Programme: the buurt's rank among the programme buurten with a value in the same period, and for counts of people
or events its position in the funnel plot (`stats.funnel`: Spiegelhalter limits, so a small buurt is not flagged
for noise). Comparison group: the buurt's one comparison group (`definitions.comparison_group`), pooled as a
ratio of sums. A fixed number of queries per call (one per distinct period), whatever the number of programme
buurten.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from sqlalchemy import Connection

from data_access import definitions, queries
from data_access.access import Viewer
from data_access.published import programme_rows, publish
from data_access.stats.funnel import BAND_NOT_COMPUTABLE, funnel
from data_access.visibility import MIN_POOL, own_source, shown_values

MIN_BUURTEN = 3  # a rank among fewer programme buurten says nothing
MIN_COMPARISON = MIN_POOL  # a pooled comparison value needs at least this many buurten (also protects privacy)
COMPARISON_SIZE = definitions.COMPARISON_SIZE
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
    """Per indicator the latest value as of the review (`definitions.latest_as_of`, one buurt's rows)."""
    return definitions.latest_as_of(frame, review, keys=("indicator",))


def _funnel_kind(kind: str, numerators: pd.Series) -> str | None:
    """'proportion' for percentages, 'rate' for event rates with whole-number counts, else None (no funnel)."""
    if kind == "percentage":
        return "proportion"
    if kind == "rate" and numerators.notna().all() and np.allclose(numerators % 1, 0):
        return "rate"
    return None


POSITIONS_KIND = "positions"


def position_rows(scope: str, period: str, table: pd.DataFrame) -> dict[str, object]:
    """A period's position table as stored: one row per buurt (key "<scope>|<period>|<slug>", its ranks) and a
    marker ("<scope>|<period>|", the number of ranked rows) that says the period is ranked. A page then reads its
    own buurt's few rows, not the whole programme's (parsing a period's table cost ~0.1 s per period and worker)."""
    rows: dict[str, object] = {f"{scope}|{period}|": len(table)}
    values = [None if pd.isna(v) else float(v) for v in pd.to_numeric(table["programme_value"], errors="coerce")]
    for slug, indicator, n, rank, band, value in zip(table["area"], table["indicator"], table["n"].tolist(),
                                                     table["rank"].tolist(), table["band"], values, strict=True):
        rows.setdefault(f"{scope}|{period}|{slug}", []).append(
            {"indicator": indicator, "n": n, "rank": rank, "band": band, "programme_value": value})
    return rows


def patched_position_rows(scope: str, period: str, stored: dict[str, list], table: pd.DataFrame,
                          indicators: set[str]) -> dict[str, object]:
    """A period's stored position rows (`position_rows`, without the marker) with these indicators' entries
    replaced by `table` (`position_table` of only them): each indicator is ranked on its own, so this equals
    ranking all indicators again. Returns every row and the marker; a buurt left without entries maps to None."""
    from data_access.results import store

    fresh = json.loads(store.dumps(position_rows(scope, period, table)))
    fresh.pop(f"{scope}|{period}|", None)
    out: dict[str, object] = {}
    for key in sorted(set(stored) | set(fresh)):
        entries = [e for e in stored.get(key) or [] if e["indicator"] not in indicators] + (fresh.get(key) or [])
        out[key] = sorted(entries, key=lambda e: e["indicator"]) or None  # ranked per indicator in code order
    out[f"{scope}|{period}|"] = sum(len(v) for v in out.values() if v)
    return out


def ranked_periods(keys: object) -> set[str]:
    """The "<scope>|<period>" of the stored position markers among these keys."""
    return {k[:-1] for k in keys if isinstance(k, str) and k.endswith("|") and k.count("|") == 2}


def stored_ranked_periods(conn: Connection) -> set[str]:
    """`ranked_periods` of the stored positions: only the markers are read, not the ~18,000 buurt rows' keys."""
    from sqlalchemy import select

    from data_access.models import DerivedResult

    return ranked_periods(conn.execute(select(DerivedResult.key).where(
        DerivedResult.kind == POSITIONS_KIND, DerivedResult.key.like("%|"))).scalars())


def programme_positions(conn: Connection, viewer: Viewer, slug: str, latest: pd.DataFrame,
                        catalogue: pd.DataFrame) -> pd.DataFrame:
    """Rank (1 = most favourable; highest first for neutral indicators) and funnel band among programme buurten.

    Read from the stored positions of each period (`position_rows`: the refresh ranks every buurt and indicator
    at once; a period not ranked yet is ranked on this request and stored), so one buurt's page never ranks all
    1,000 buurten.
    """
    from data_access.results import store
    from data_access.results.scopes import aggregate_scope

    if latest.empty:
        return pd.DataFrame(columns=POSITION_COLUMNS)
    scope = aggregate_scope(viewer)
    wanted = {period: set(part["indicator"]) for period, part in latest.groupby("period")}
    keys = [f"{scope}|{period}|{part}" for period in wanted for part in ("", slug)]
    found = store.read_many(conn, POSITIONS_KIND, keys)
    for period in wanted:
        if f"{scope}|{period}|" not in found:
            rows = position_rows(scope, period, position_table(conn, scope, period, catalogue))
            store.counted(POSITIONS_KIND)
            store.keep(conn.engine, {POSITIONS_KIND: rows}, store.store_version(conn))
            found.update(json.loads(store.dumps({k: rows[k] for k in keys if k in rows})))
    out = [{"indicator": r["indicator"], "period": period, "n": int(r["n"]), "rank": int(r["rank"]),
            "band": r["band"] if isinstance(r["band"], str) else "",
            "programme_value": np.nan if r["programme_value"] is None else float(r["programme_value"])}
           for period, indicators in wanted.items() for r in found.get(f"{scope}|{period}|{slug}", [])
           if r["indicator"] in indicators]
    return pd.DataFrame(out, columns=POSITION_COLUMNS)


POSITION_TABLE_COLUMNS = ["indicator", "area", "n", "rank", "band", "programme_value"]


def default_position_periods(conn: Connection, review: str | None = None) -> list[str]:
    """The periods an up-to-date buurt's uitkomsten page ranks in at the default review: per monitoring indicator
    the newest delivered period up to it. The refresh stores their position tables, so the first view after it is
    fast."""
    from sqlalchemy import select

    from data_access import periods
    from data_access.models import Indicator, Observation

    limit = periods.sort_key(definitions.review_or_default(review))
    newest: dict[int, tuple[tuple[int, int], str]] = {}
    monitoring = select(Indicator.id).where(Indicator.group.in_(definitions.MONITORING_GROUPS))
    for indicator_id, period in conn.execute(select(Observation.indicator_id, Observation.period).distinct()
                                             .where(Observation.indicator_id.in_(monitoring))):
        if not periods.is_valid(period):
            continue
        key = periods.sort_key(period)
        if key <= limit and (indicator_id not in newest or key > newest[indicator_id][0]):
            newest[indicator_id] = (key, period)
    return sorted({p for _, p in newest.values()}, key=periods.sort_key)


def position_table(conn: Connection, scope: str, period: str, catalogue: pd.DataFrame,
                   indicators: set[str] | None = None) -> pd.DataFrame:
    """Rank and funnel band of every programme buurt for every monitoring indicator (the ones the uitkomsten tables
    rank; `indicators`: only these) with values in one period (pure computation over what the scope's viewers may
    see; each indicator is ranked on its own)."""
    from data_access.results.scopes import scope_viewer

    viewer = scope_viewer(scope)
    monitoring = [c for c in catalogue.loc[catalogue["group"].isin(definitions.MONITORING_GROUPS), "code"]
                  if indicators is None or c in indicators]
    if not monitoring:
        return pd.DataFrame(columns=POSITION_TABLE_COLUMNS)
    obs = programme_rows(conn, viewer, None, monitoring, period, catalogue)
    if obs.empty:
        return pd.DataFrame(columns=POSITION_TABLE_COLUMNS)
    shown = publish(obs, viewer, catalogue, dict(zip(obs["area"], obs["programme_id"], strict=True)), False,
                    with_intervals=False)
    return position_tables(shown, catalogue).get(period, pd.DataFrame(columns=POSITION_TABLE_COLUMNS))


def position_tables(shown: pd.DataFrame, catalogue: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """`position_table` of every period of `shown` (the published monitoring rows of all programme buurten): the
    refresh ranks every period from the read it builds the buurten's own parts from."""
    cat = catalogue.set_index("code")
    monitoring = set(cat.index[cat["group"].isin(definitions.MONITORING_GROUPS)])
    shown = shown[shown["value"].notna() & shown["indicator"].isin(monitoring)]
    out: dict[str, list[dict]] = {}
    for (period, indicator), group in shown.groupby(["period", "indicator"]):
        if len(group) < MIN_BUURTEN:
            continue
        polarity, kind = cat.at[indicator, "polarity"], cat.at[indicator, "kind"]
        ranks = group["value"].rank(ascending=polarity == "lower_is_better", method="min").astype(int)
        bands = [""] * len(group)
        how = _funnel_kind(kind, group["numerator"])
        if how and group["denominator"].notna().all():
            units = funnel(group["numerator"].to_numpy(float), group["denominator"].to_numpy(float), how).units
            bands = ["" if b == BAND_NOT_COMPUTABLE else b for b in units["band"].to_numpy()]
        pooled = pooled_value(group, kind, cat.at[indicator, "per"])
        out.setdefault(period, []).extend(
            {"indicator": indicator, "area": a, "n": len(group), "rank": int(r), "band": b, "programme_value": pooled}
            for a, r, b in zip(group["area"], ranks, bands, strict=True))
    return {period: pd.DataFrame(rows, columns=POSITION_TABLE_COLUMNS) for period, rows in out.items()}


def comparison_group(conn: Connection, viewer: Viewer, area: queries.AreaInfo, latest: pd.DataFrame,
                     catalogue: pd.DataFrame) -> pd.DataFrame:
    """Pooled value of the buurt's comparison group per indicator, in the period of the buurt's own value.

    The group is the buurt's one comparison group (`definitions.comparison_group`, the same as the KPI's and best
    practices'); pooled over its buurten with a value in that period, when at least MIN_COMPARISON have one.
    Only for values aggregated from CBS areas (insurer data). Pooled only from rows this viewer may use, after
    small numbers are hidden (`data_access.visibility`).
    """
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
    group = definitions.comparison_group(conn, area.code)
    if len(group.codes) < MIN_COMPARISON:
        return empty
    from data_access.results import store
    from data_access.results.scopes import aggregate_scope

    # every ratio indicator and period of the group, pooled once per refresh for all viewers of the scope (the
    # gate decides per scope, as for the programme positions); this page then only looks its periods up
    scope = aggregate_scope(viewer)
    table = store.read_parsed(conn, "comparison_values", f"{scope}|{area.code}", store.frame_from,
                              lambda: store.frame_payload(comparison_value_table(conn, scope, group, catalogue)))
    if table.empty:
        return empty
    wanted = ratio.set_index("indicator")["period"]
    rows = table[table["indicator"].isin(set(wanted.index))]
    rows = rows[rows["period"].eq(rows["indicator"].map(wanted))]
    return pd.DataFrame([{"indicator": r.indicator, "period": r.period, "comparison_value": float(r.comparison_value),
                          "comparison_n": int(r.comparison_n), "comparison_method": r.comparison_method}
                         for r in rows.itertuples()], columns=COMPARISON_COLUMNS)


def _count_sums(obs: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per `keys`: rows, rows with counts, and the sums of numerators, denominators and detractors of those."""
    has_counts = obs["numerator"].notna() & obs["denominator"].notna()
    detractors = obs["detractors"].fillna(0) if "detractors" in obs.columns else 0.0
    return obs.assign(_counted=has_counts, _num=obs["numerator"].where(has_counts, 0.0),
                      _den=obs["denominator"].where(has_counts, 0.0), _det=detractors) \
        .groupby(keys, sort=True) \
        .agg(rows=("_counted", "size"), counted=("_counted", "sum"), num=("_num", "sum"), den=("_den", "sum"),
             det=("_det", "sum")).reset_index()


def _pool(agg: pd.DataFrame, cat: pd.DataFrame) -> tuple[pd.Series, np.ndarray]:
    """Whether each pooled row is a ratio of sums (every row counted) and that ratio, per `pooled_value`'s rule."""
    kind = agg["indicator"].map(cat["kind"])
    per = pd.to_numeric(agg["indicator"].map(cat["per"]), errors="coerce")
    scale = np.where(kind.isin(["percentage", "nps"]), 100.0,
                     np.where((kind == "rate") & per.notna() & (per != 0), per, 1.0))
    ratio = (kind != "count") & (agg["counted"] == agg["rows"]) & (agg["den"] > 0)
    numerator = agg["num"] - np.where(kind == "nps", agg["det"], 0.0)
    return ratio, (numerator / agg["den"].where(agg["den"] > 0) * scale).to_numpy(float)


def pooled_values(obs: pd.DataFrame, cat: pd.DataFrame) -> pd.DataFrame:
    """`pooled_value` of every (indicator, period) of `obs` at once, with the number of areas: one groupby instead
    of a DataFrame per group (the comparison table of one buurt has hundreds)."""
    keys = ["indicator", "period"]
    agg = _count_sums(obs, keys).merge(obs.groupby(keys, sort=True).agg(
        n=("area", "nunique"), median=("value", "median")).reset_index(), on=keys)
    ratio, pooled = _pool(agg, cat)
    return agg.assign(value=np.where(ratio, pooled, agg["median"]).astype(float))[[*keys, "n", "value"]]


def pooled_group_values(obs: pd.DataFrame, membership: pd.DataFrame, cat: pd.DataFrame) -> pd.DataFrame:
    """`pooled_values` of many groups of areas at once (`membership`: columns group, area): the rows are summed per
    area, then per group by one sparse product (groups × areas membership times areas × (indicator, period) sums),
    so no row is copied per group (1,000 groups of 30 buurten would be millions); the median (for groups without
    counts on every row) is taken only where it is needed."""
    from scipy import sparse

    keys = ["group", "indicator", "period"]
    per_area = _count_sums(obs, ["area", "indicator", "period"]).assign(present=1.0)
    key_codes, key_values = pd.factorize(pd.MultiIndex.from_frame(per_area[["indicator", "period"]]))
    area_codes, area_values = pd.factorize(per_area["area"])
    members = membership.assign(_a=pd.Index(area_values).get_indexer(membership["area"]))
    members = members[members["_a"] >= 0]
    group_codes, group_values = pd.factorize(members["group"])
    if not len(group_values):
        return pd.DataFrame(columns=[*keys, "n", "value"])
    shape = (len(area_values), len(key_values))
    membership_matrix = sparse.csr_matrix((np.ones(len(members)), (group_codes, members["_a"].to_numpy())),
                                          shape=(len(group_values), len(area_values)))
    sums = {col: (membership_matrix @ sparse.csr_matrix((per_area[col].to_numpy(float), (area_codes, key_codes)),
                                                        shape=shape)).toarray()
            for col in ("present", "rows", "counted", "num", "den", "det")}
    g, k = np.nonzero(sums["present"])
    agg = pd.DataFrame({"group": np.asarray(group_values)[g], "indicator": key_values.get_level_values(0)[k],
                        "period": key_values.get_level_values(1)[k], "n": sums["present"][g, k].astype(int),
                        **{col: sums[col][g, k] for col in ("rows", "counted", "num", "den", "det")}})
    ratio, pooled = _pool(agg, cat)
    agg = agg.assign(value=pooled)
    if not ratio.all():
        wanted = agg.loc[~ratio, keys]
        raw = membership.merge(obs[["area", "indicator", "period", "value"]], on="area").merge(wanted, on=keys)
        median = raw.groupby(keys, sort=True)["value"].median().rename("median").reset_index()
        agg = agg.merge(median, on=keys, how="left")
        agg["value"] = np.where(ratio, agg["value"], agg["median"])
    agg = agg.sort_values(keys, kind="stable").reset_index(drop=True)
    return agg.assign(value=agg["value"].astype(float))[[*keys, "n", "value"]]


def comparison_value_table(conn: Connection, scope: str, group: definitions.ComparisonGroup,
                           catalogue: pd.DataFrame) -> pd.DataFrame:
    """Pooled value of a comparison group for every ratio indicator and period with at least MIN_COMPARISON
    buurten, from the rows the scope's viewers may use (a pure computation; stored by `comparison_group`)."""
    return comparison_value_tables(conn, scope, {group.slug: group}, catalogue).get(
        group.slug, pd.DataFrame(columns=COMPARISON_COLUMNS))


def comparison_value_tables(conn: Connection, scope: str, groups: dict[str, definitions.ComparisonGroup],
                            catalogue: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """`comparison_value_table` of many buurten' groups (by slug) from one read of their members' rows: what the
    refresh stores ahead for every programme buurt (one buurt at a time costs ~0.4 s at 1,000 buurten)."""
    from data_access.results.scopes import scope_viewer

    viewer = scope_viewer(scope)
    cat = catalogue.set_index("code")
    # the indicators the uitkomsten tables compare: monitoring ratios (context figures have their own pages)
    indicators = list(cat.index[cat["kind"].isin(["percentage", "rate", "mean"])
                                & cat["group"].isin(definitions.MONITORING_GROUPS)])
    membership = pd.DataFrame([(slug, code) for slug, g in groups.items() for code in g.codes],
                              columns=["group", "area"])
    if membership.empty:
        return {}
    obs = queries.observations(conn, sorted(set(membership["area"])), indicators, source=own_source(viewer))
    obs = shown_values(obs, viewer, catalogue, mode="aggregate") if not obs.empty else obs
    if obs.empty:
        return {}
    pooled = pooled_group_values(obs, membership, cat)
    pooled = pooled[pooled["n"] >= MIN_COMPARISON]
    pooled = pooled.assign(comparison_method=pooled["group"].map({s: g.method for s, g in groups.items()}),
                           comparison_n=pooled["n"].astype(int)) \
        .rename(columns={"value": "comparison_value"})
    return {slug: part[COMPARISON_COLUMNS].reset_index(drop=True) for slug, part in pooled.groupby("group", sort=False)}
