"""The programme's KPI and outcome hypotheses, computed from the store for one programme buurt or the programme.

The contracted KPI: −15 % district-nursing hours per client in transition buurten versus non-transition buurten
within three years, as a difference in differences on indices with 2024 = 100. The plan's other hypotheses (GP
consults, admissions and length of stay of frail elderly) are targets "versus the start": they are judged on the
programme buurt's own change since 2024, and the same comparison is shown next to it so a national trend is
not mistaken for an effect.

Comparison group (default "matched"): per programme buurt the 30 non-transition CBS buurten nearest on context
(`data_access.peer_groups`), among buurten with deliveries in the base period. Alternative "gemeente": all
non-transition buurten in the programme buurt's gemeente(n). Uncertainty for one buurt: placebo inference on its
comparison buurten (`stats.matched`); for the programme: cluster bootstrap over buurten (`stats.kpi`), and a
Callaway–Sant'Anna event study over the staggered cohorts with not-yet-treated controls.

Base period: the rolling year ending with 2024-B6, i.e. calendar 2024 (the programme's "2024 = 100"). For cohort
1 (start April 2024) the base year already holds its first months; the event study uses the period before each
buurt's start instead, so both views are shown.

Everything is computed once per change of the store by the refresh (`data_access.results`) and stored in the
results tables, one row per buurt; what a viewer gets is filtered when read, so stored rows never mix users.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import Connection

from data_access import definitions, periods, queries
from data_access.access import Viewer, may_see_nonpublic
from data_access.privacy import suppress_small_numbers
from data_access.published import SYNTHETIC_MARK
from data_access.stats import kpi as kpi_stats
from data_access.stats.intervals import z_value
from data_access.stats.matched import cohort_pre_trend_p, matched_did, pre_trend_p
from data_access.visibility import may_see_sources

BASE_PERIOD = "2024-B6"
PERIODS_TOTAL = 18  # three years of bimonthly periods to reach the target
COMPARISON_SIZE = definitions.COMPARISON_SIZE
Z95 = z_value(0.95)
COMPARISONS = ("matched", "gemeente")
DID_INDICATORS = {"wvpk_uren_per_client"}  # the contracted KPI; the other targets are "versus the start"
STATUS_KEYS = {"op koers": "op_koers", "niet op koers": "niet_op_koers", "nog niet bekend": "nog_niet_bekend"}
STATUS_LABELS = {"op_koers": "Op koers", "niet_op_koers": "Niet op koers", "nog_niet_bekend": "Nog niet bekend"}
COMPARISON_TEXT = definitions.COMPARISON_TEXT

OWN_BASE_NONE = {"own_base_period": None, "own_base_effect": None, "own_base_ci_low": None, "own_base_ci_high": None,
                 "own_base_target_path": None}


@dataclass
class _Computed:
    """Full results for every programme buurt and KPI indicator (before access filtering)."""

    buurt: dict[tuple[str, str], dict]  # (slug, indicator) -> result dict
    programme: dict[str, dict]  # indicator -> result dict
    sources: dict[tuple[str, str], str]  # (slug, indicator) -> source of the data
    programme_ids: dict[str, int]
    computed_for: set[str] = field(default_factory=set)  # slugs with per-buurt results in this computation
    names: dict[str, dict] = field(default_factory=dict)  # slug -> name, cohort, alliance_partner
    # indicator -> every source of the rows its results were computed from (buurten and comparison buurten)
    used_sources: dict[str, set[str]] = field(default_factory=dict)
    periods: list[str] = field(default_factory=list)  # the bimonthly periods of the data (columns of every series)


def kpi_indicators(catalogue: pd.DataFrame) -> pd.DataFrame:
    """Catalogue rows of outcome indicators with a target that can be computed from counts."""
    rows = catalogue[catalogue["target_value"].notna() & (catalogue["group"] == "effectiviteit")
                     & catalogue["kind"].isin(["rate", "mean", "percentage"])]
    return rows.sort_values("sort_order")


OVERVIEW_COLUMNS = ["slug", "name", "cohort", "alliance_partner", "indicator", "status", "status_label",
                    "relative_effect", "ci_low", "ci_high", "latest_period", "reason"]


def buurt_kpi(conn: Connection, slug: str, viewer: Viewer, comparison: str = "matched") -> list[dict]:
    """KPI results for one programme buurt, one dict per indicator with a target (see module docstring)."""
    _check(comparison)
    slug = queries.normalise_code(slug)
    stored = _stored(conn, comparison, "buurt", slug)
    if stored is None:
        raise ValueError(f"onbekende programmabuurt '{slug}'")
    used = stored.get("used_sources", {})
    return [r for indicator, r in stored["results"].items()
            if _allowed(viewer, stored["programme_id"], stored["sources"].get(indicator), r,
                        set(used.get(indicator, [])))]


def programme_kpi(conn: Connection, viewer: Viewer, comparison: str = "matched") -> list[dict]:
    """KPI results for the programme as a whole (all programme buurten, staggered cohorts)."""
    _check(comparison)
    stored = _stored(conn, comparison, "programme", "") or {"results": {}, "used_sources": {}}
    used = stored.get("used_sources", {})
    return [r for code, r in stored["results"].items()
            if may_see_sources(viewer, set(used.get(code, [])), public=bool(r.get("public")))]


def kpi_overview(conn: Connection, viewer: Viewer, comparison: str = "matched",
                 slugs: list[str] | None = None) -> pd.DataFrame:
    """One row per programme buurt (or these) and KPI indicator with status and relative effect (the overview)."""
    from data_access.results import store

    _check(comparison)
    _stored(conn, comparison, "programme", "")  # computes everything on a store that was never refreshed
    rows = [row for payload in store.read_many(conn, f"kpi_overview_{comparison}", slugs).values() for row in payload
            if _allowed(viewer, row["programme_id"], row["source"], row, set(row.get("used_sources", [])))]
    return pd.DataFrame(rows, columns=OVERVIEW_COLUMNS).sort_values(["name", "indicator"]).reset_index(drop=True)


# ----------------------------------------------------------------------------------------------- stored rows


def _check(comparison: str) -> None:
    if comparison not in COMPARISONS:
        raise ValueError(f"onbekende vergelijkingsgroep '{comparison}'; kies uit {', '.join(COMPARISONS)}")


def _allowed(viewer: Viewer, programme_id: int, source: str | None, result: dict, used: set[str]) -> bool:
    """The visibility gate for a KPI result: the buurt's own figure and every source the result rests on."""
    public = bool(result.get("public"))
    if not may_see_sources(viewer, used, public=public):
        return False
    return public or may_see_nonpublic(viewer, programme_id=programme_id, member_level=False, source=source)


def _stored(conn: Connection, comparison: str, part: str, key: str) -> dict | None:
    """One stored KPI row; computes and stores all of them when the store was never refreshed."""
    from data_access.results import store

    found = store.read(conn, f"kpi_{part}_{comparison}", key)
    if found is not None:
        return found
    if store.read(conn, f"kpi_programme_{comparison}", "") is not None:
        # A refresh writes the programme row and every buurt's row in one transaction, so a buurt row missing a
        # moment ago while the programme row is there now was committed between the two reads (the first refresh
        # after a start, seen by an early request): read it again.
        found = store.read(conn, f"kpi_{part}_{comparison}", key) if part != "programme" else None
        if found is not None or part != "buurt" or queries.find_area(conn, key) is None:
            return found
        # a programme buurt the last refresh did not know yet (added since): its own figures, computed as the
        # refresh does, until the next refresh stores them
        rows = json.loads(store.dumps(result_rows(compute(conn, comparison, {key}), comparison)))
        return rows[f"kpi_buurt_{comparison}"].get(key)
    version = store.store_version(conn)
    rows = result_rows(compute(conn, comparison), comparison)
    store.keep(conn.engine, rows, version, replace_kind=True)
    rows = json.loads(store.dumps(rows))  # as a stored row reads back
    if part != "programme":
        return rows[f"kpi_{part}_{comparison}"].get(key)
    return rows[f"kpi_programme_{comparison}"][""]


def result_rows(computed: _Computed, comparison: str) -> dict[str, dict[str, object]]:
    """The rows the refresh stores: per buurt its results, the programme's results, and the compact overview."""
    used = {code: sorted(sources) for code, sources in computed.used_sources.items()}
    buurt: dict[str, dict] = {slug: {"programme_id": pid, "results": {}, "sources": {}, "used_sources": used}
                              for slug, pid in computed.programme_ids.items() if slug in computed.computed_for}
    overview: dict[str, list] = {slug: [] for slug in buurt}
    names = computed.names
    for (slug, indicator), r in computed.buurt.items():
        if slug not in buurt:
            continue
        source = computed.sources.get((slug, indicator))
        buurt[slug]["results"][indicator] = r
        buurt[slug]["sources"][indicator] = source
        overview[slug].append({
            "slug": slug, **names.get(slug, {}), "indicator": indicator, "status": r["status"],
            "status_label": r["status_label"], "relative_effect": r["relative_effect"], "ci_low": r["ci_low"],
            "ci_high": r["ci_high"], "latest_period": r["latest_period"], "reason": r["reason"],
            "public": r.get("public", False), "programme_id": computed.programme_ids[slug], "source": source,
            "used_sources": used.get(indicator, [])})
    rows = {f"kpi_buurt_{comparison}": buurt, f"kpi_overview_{comparison}": overview}
    if computed.programme or computed.computed_for == set(computed.programme_ids):
        rows[f"kpi_programme_{comparison}"] = {"": {"results": computed.programme, "used_sources": used,
                                                    "periods": computed.periods}}
    return rows


# ----------------------------------------------------------------------------------------------- computation


def compute(conn: Connection, comparison: str, only: set[str] | None = None) -> _Computed:
    """All KPI results (refresh step); `only`: per-buurt results for these slugs (after their delivery), the
    programme's always. Always from all data: a buurt's results show every period any buurt delivered and name
    every source of the indicator, exactly as a full computation does."""
    _check(comparison)
    return _compute(conn, comparison, only)


def compute_programme(conn: Connection, comparison: str) -> _Computed:
    """Only the programme-wide KPI, from all data."""
    _check(comparison)
    return _compute(conn, comparison, set())


def with_used_sources(conn: Connection, rows: dict[str, dict[str, object]], computed: _Computed,
                      comparison: str) -> dict[str, dict[str, object]]:
    """`rows` of some buurten (a partial refresh), plus every other stored buurt row brought to the sources the
    new data rests on when a delivery brought a new source: each row names every source of its indicator."""
    from data_access.results import store

    used = {code: sorted(sources) for code, sources in computed.used_sources.items()}
    before = store.read(conn, f"kpi_programme_{comparison}", "")
    if before is not None and before.get("used_sources") == used:
        return rows
    buurt, overview = f"kpi_buurt_{comparison}", f"kpi_overview_{comparison}"
    out = {kind: dict(payloads) for kind, payloads in rows.items()}
    for slug, payload in store.read_many(conn, buurt).items():
        if slug not in out.get(buurt, {}):
            out.setdefault(buurt, {})[slug] = payload | {"used_sources": used}
    for slug, payload in store.read_many(conn, overview).items():
        if slug not in out.get(overview, {}):
            out.setdefault(overview, {})[slug] = [r | {"used_sources": used.get(r["indicator"], [])} for r in payload]
    return out


def delivered_rows(conn: Connection, comparison: str, slugs: set[str],
                   indicators: set[str]) -> dict[str, dict[str, object]] | None:
    """The stored rows after a delivery of some indicators for these buurten, computing only those indicators:
    their results for these buurten and the programme, put into the stored rows (every other indicator's results
    rest on data that did not change). An indicator's results rest on its own data and the periods of all KPI
    data; when the delivery brings a period that was not there (or nothing is stored), None: compute all."""
    from data_access.results import store

    codes = [c for c in kpi_indicators(queries.indicators(conn))["code"] if c in indicators]
    programme_kind, buurt_kind, overview_kind = (f"kpi_{p}_{comparison}" for p in ("programme", "buurt", "overview"))
    before = store.read(conn, programme_kind, "")
    if before is None or "periods" not in before or any(c not in before["results"] for c in codes):
        return None
    buurt, overview = store.read_many(conn, buurt_kind, sorted(slugs)), store.read_many(conn, overview_kind,
                                                                                         sorted(slugs))
    if set(buurt) != slugs or set(overview) != slugs:
        return None
    if not codes:  # nothing the KPI rests on was delivered
        return {}
    computed = _compute(conn, comparison, slugs, codes, before["periods"])
    if computed is None or computed.computed_for != slugs:
        return None
    fresh = json.loads(store.dumps(result_rows(computed, comparison)))  # as a stored row reads back
    used = before["used_sources"] | fresh[programme_kind][""]["used_sources"]
    rows = {programme_kind: {"": before | {"used_sources": used, "results": before["results"]
                                           | fresh[programme_kind][""]["results"]}},
            buurt_kind: {}, overview_kind: {}}
    for slug, row in buurt.items():
        new = fresh[buurt_kind][slug]
        rows[buurt_kind][slug] = row | {"used_sources": used, "results": row["results"] | new["results"],
                                        "sources": row["sources"] | new["sources"]}
        by_indicator = {r["indicator"]: r for r in fresh[overview_kind][slug]}
        rows[overview_kind][slug] = [by_indicator.get(r["indicator"], r) for r in overview[slug]]
    computed.used_sources = {code: set(sources) for code, sources in used.items()}
    return with_used_sources(conn, rows, computed, comparison)


def _compute(conn: Connection, comparison: str, only: set[str] | None = None, codes: list[str] | None = None,
             known_periods: list[str] | None = None) -> _Computed | None:
    """`codes`: only these KPI indicators; `known_periods`: the periods of all KPI data when last computed (None
    when this data has another)."""
    catalogue = queries.indicators(conn)
    targets = kpi_indicators(catalogue)
    if codes is not None:
        targets = targets[targets["code"].isin(codes)]
    programme = queries.programme_buurten(conn)
    members = programme[["code", "members"]].explode("members").dropna().rename(columns={"members": "member"})
    programme_ids = dict(zip(programme["code"], programme["programme_id"]))
    obs = queries.observations_for_level(conn, ("buurt", "wijk"), list(targets["code"]))
    result = _Computed({}, {}, {}, programme_ids)
    result.computed_for = set(programme["code"]) if only is None else set(only) & set(programme["code"])
    result.names = {slug: {"name": n, "cohort": int(c), "alliance_partner": a} for slug, n, c, a in zip(
        programme["code"], programme["name"], programme["cohort"], programme["alliance_partner"], strict=True)}
    if programme.empty:
        return result
    period_list = _period_list(obs)
    if known_periods is not None:
        if not set(period_list) <= set(known_periods):
            return None
        period_list = list(known_periods)
    result.periods = period_list
    member_set = set(members["member"])
    pool_codes = sorted(set(obs.loc[(obs["level"] == "buurt") & ~obs["area"].isin(member_set)
                                    & (obs["period"] == BASE_PERIOD), "area"].unique()))
    controls_of = _comparison_sets(conn, programme, pool_codes, comparison)
    for _, ind in targets.iterrows():
        sub = obs[obs["indicator"] == ind["code"]]
        result.used_sources[ind["code"]] = {str(s) for s in sub["source"].dropna().unique()}
        for (slug, indicator), source in _sources(sub, members).items():
            result.sources[(slug, indicator)] = source
        buurt_results, programme_result = _indicator_results(ind, sub, period_list, programme, members,
                                                             controls_of, comparison, result.computed_for)
        result.buurt.update({(slug, ind["code"]): r for slug, r in buurt_results.items()})
        result.programme[ind["code"]] = programme_result
    for key, r in result.buurt.items():
        r["synthetic"] = SYNTHETIC_MARK in result.sources.get(key, "")
    for code, r in result.programme.items():
        r["synthetic"] = any(SYNTHETIC_MARK in src for (_, ind), src in result.sources.items() if ind == code)
        r["source"] = next((src for (_, ind), src in result.sources.items() if ind == code), None)
    return result


def _period_list(obs: pd.DataFrame) -> list[str]:
    found = sorted(set(obs["period"].unique()), key=periods.sort_key) if not obs.empty else []
    return [p for p in found if periods.is_valid(p) and periods.parse(p)[1] == "B"]


def _sources(sub: pd.DataFrame, members: pd.DataFrame) -> dict[tuple[str, str], str]:
    merged = sub.merge(members, left_on="area", right_on="member")
    if merged.empty:
        return {}
    counts = merged.groupby(["code", "indicator", "source"]).size().reset_index(name="n")
    counts = counts.sort_values("n", ascending=False).drop_duplicates(["code", "indicator"])
    return {(c, i): src for c, i, src in zip(counts["code"], counts["indicator"], counts["source"])}


def _comparison_sets(conn: Connection, programme: pd.DataFrame, pool_codes: list[str],
                     comparison: str) -> dict[str, tuple[list[str], str]]:
    """Per programme buurt the codes of its comparison buurten and the method used.

    "matched": the buurt's one comparison group (`definitions.comparison_group`, the same on every page);
    "gemeente" (the alternative view): the buurten with deliveries in the buurt's own gemeente(n).
    """
    if comparison == "matched":
        groups = definitions.comparison_groups(conn)
        return {slug: (list(groups[slug].codes), groups[slug].method) if slug in groups else ([], "geen")
                for slug in programme["code"]}
    pool_by_gemeente: dict[str, list[str]] = {}
    for code in pool_codes:
        pool_by_gemeente.setdefault("GM" + code[2:6], []).append(code)
    by_gemeente = {}
    for slug, members in zip(programme["code"], programme["members"]):
        gemeenten = sorted({"GM" + m[2:6] for m in members})
        by_gemeente[slug] = [c for gm in gemeenten for c in pool_by_gemeente.get(gm, [])]
    return {slug: (codes, "gemeente") for slug, codes in by_gemeente.items()}


def _indicator_results(ind: pd.Series, sub: pd.DataFrame, period_list: list[str], programme: pd.DataFrame,
                       members: pd.DataFrame, controls_of: dict[str, tuple[list[str], str]],
                       comparison: str, wanted: set[str]
                       ) -> tuple[dict[str, dict], dict]:
    design = "did" if ind["code"] in DID_INDICATORS else "voor_na"
    sub = sub[sub["period"].isin(period_list) & ~sub["suppressed"]].dropna(subset=["numerator", "denominator"])
    sub = sub.sort_values("indeling").drop_duplicates(["area", "period"], keep="last")
    cat = ind.to_frame().T
    member_set = set(members["member"])
    # small numbers (the visibility gate's rule): a comparison buurt counts only with figures that could be shown
    # themselves; a programme buurt's own sum is checked where its figures are made ("te weinig cliënten")
    if not sub.empty:
        small = suppress_small_numbers(sub.assign(value=sub["numerator"] / sub["denominator"].where(
            sub["denominator"] > 0)), cat)["suppressed"]
        sub = sub[~(small & ~sub["area"].isin(member_set))]
    codes = sorted(set(sub["area"].unique()))
    row_of = {c: i for i, c in enumerate(codes)}
    col_of = {p: j for j, p in enumerate(period_list)}
    num = np.full((len(codes), len(period_list)), np.nan)
    den = np.full_like(num, np.nan)
    if not sub.empty:
        r = sub["area"].map(row_of).to_numpy()
        c = sub["period"].map(col_of).to_numpy()
        num[r, c] = sub["numerator"].to_numpy(float)
        den[r, c] = sub["denominator"].to_numpy(float)

    slugs = list(programme["code"])
    t_num = np.full((len(slugs), len(period_list)), np.nan)
    t_den = np.full_like(t_num, np.nan)
    members_of = members.groupby("code")["member"].apply(list).to_dict()
    for i, slug in enumerate(slugs):
        own = members_of.get(slug, [])
        rows = [row_of[m] for m in own if m in row_of]
        if rows and len(rows) == len(own):  # a buurt counts only when every member area delivered
            t_num[i] = num[rows].sum(axis=0)
            t_den[i] = den[rows].sum(axis=0)
    width = max([len(v[0]) for v in controls_of.values()] + [1])
    controls = np.full((len(slugs), width), -1)
    for i, slug in enumerate(slugs):
        idx = [row_of[c] for c in controls_of.get(slug, ([], ""))[0] if c in row_of]
        controls[i, :len(idx)] = idx

    base = col_of.get(BASE_PERIOD)
    meta = _meta(ind, design, comparison)
    if sub.empty:
        reason = "nog geen gegevens aangeleverd"
        return ({slug: _not_known(meta, reason) for slug in slugs}, _not_known(meta, reason))
    if base is None or not period_list:
        reason = f"geen gegevens voor de basisperiode {periods.label(BASE_PERIOD)}" if period_list \
            else "nog geen gegevens aangeleverd"
        return ({slug: _not_known(meta, reason) for slug in slugs}, _not_known(meta, reason))

    # per buurt on its own rows (the placebo inference is row by row): only the buurten whose results are wanted
    wanted_rows = [i for i, slug in enumerate(slugs) if slug in wanted]
    t_num, t_den, controls = t_num[wanted_rows], t_den[wanted_rows], controls[wanted_rows]
    res = matched_did(num, den, t_num, t_den, controls, base) if wanted_rows else {}
    starts = [periods.bimonthly(_as_date(d)) for d in programme["start_date"]]
    start_cols = {start: _first_col(start, period_list) for start in set(starts)}
    start_pos = {start: _position(start, period_list) for start in set(starts)}
    threshold = ind["suppression_threshold"] if pd.notna(ind["suppression_threshold"]) else 0
    buurt_results = {}
    for k, i in enumerate(wanted_rows):
        slug = slugs[i]
        buurt_meta = {**meta, "comparison_method": controls_of.get(slug, ([], "geen"))[1],
                      "group_size": len(controls_of.get(slug, ([], ""))[0])}
        buurt_results[slug] = _buurt_result(buurt_meta, res, k, period_list, base, start_cols[starts[i]], t_den[k],
                                            threshold, num, den, t_num, t_den, controls,
                                            start_pos=start_pos[starts[i]])
        delivered = [period_list[j] for j in np.flatnonzero(np.isfinite(t_num[k]) & np.isfinite(t_den[k]))]
        buurt_results[slug]["nulmeting"] = definitions.nulmeting(delivered, programme["start_date"].iloc[i]).period
    programme_result = _programme_result(meta, num, den, row_of, period_list, base, programme, members,
                                         controls_of, starts)
    return buurt_results, programme_result


def _meta(ind: pd.Series, design: str, comparison: str) -> dict:
    return {"indicator": ind["code"], "name": ind["name"], "unit": ind["unit"], "polarity": ind["polarity"],
            "target_relative": float(ind["target_value"]), "target_description": ind["target_description"] or "",
            "design": design, "public": bool(ind["public"]), "comparison_method": comparison}


def _not_known(meta: dict, reason: str) -> dict:
    return {**{k: v for k, v in meta.items() if k not in ("comparison_method", "group_size")},
            "baseline_period": BASE_PERIOD, "latest_period": None, "index_t": None, "index_c": None, "did": None,
            "relative_effect": None, "change_since_start": None, "ci_low": None, "ci_high": None,
            "status": "nog_niet_bekend", "status_label": STATUS_LABELS["nog_niet_bekend"], "reason": reason,
            "comparison": {"method": meta["comparison_method"], "description": "", "n_buurten": 0},
            "series": [], "event_study": [], "pre_trend_p": None, "synthetic": False, "target_path": None,
            **OWN_BASE_NONE}


def _num(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def _buurt_result(meta: dict, res: dict, i: int, period_list: list[str], base: int, start_col: int,  # noqa: PLR0913
                  own_den: np.ndarray, threshold: float, num: np.ndarray, den: np.ndarray,
                  t_num: np.ndarray, t_den: np.ndarray, controls: np.ndarray, start_pos: int | None = None) -> dict:
    start_pos = start_col if start_pos is None else start_pos  # the start in columns (negative: before the data)
    index_t, index_c = res["index_t"][i], res["index_c"][i]
    n_controls = int(res["n_controls"][i])
    has_t = np.isfinite(index_t)
    if not has_t.any():
        return _not_known(meta, "nog geen (volledige) levering voor deze buurt")
    latest = int(np.flatnonzero(has_t)[-1])
    if latest <= base:
        return _not_known(meta, f"alleen gegevens tot en met de basisperiode {periods.label(period_list[base])}; "
                                "nog geen verandering te berekenen")
    if not np.isfinite(own_den[base]) or own_den[latest] < threshold or own_den[base] < threshold:
        return _not_known(meta, "te weinig cliënten om te tonen")
    result = _not_known(meta, "")
    result.update({"latest_period": period_list[latest], "index_t": _num(index_t[latest]),
                   "change_since_start": _num(index_t[latest] / 100 - 1)})
    result["comparison"] = {"method": meta["comparison_method"], "n_buurten": n_controls,
                            "group_size": meta.get("group_size", n_controls),
                            "description": COMPARISON_TEXT[meta["comparison_method"]].format(n=n_controls)}
    result["synthetic"] = False
    if not np.isfinite(index_c[latest]):
        result["reason"] = "te weinig vergelijkingsbuurten met leveringen (minimaal 5)"
        return result
    if not index_t[latest] > 0 or not np.isfinite(res["effect"][i, latest]):
        # a zero count (0 of 11 admissions) has no relative change on a log scale: say so, for this figure only
        result["reason"] = (f"waarde 0 in {periods.label(period_list[latest])}: een relatieve verandering "
                            "is niet te berekenen")
        return result
    effect, se = res["effect"][i, latest], res["se"][i, latest]
    result.update({"index_c": _num(index_c[latest]), "did": _num(index_t[latest] - index_c[latest]),
                   "relative_effect": _num(math.expm1(effect))})
    if meta["design"] == "did":
        estimate, ci = math.expm1(effect), (res["ci_low"][i, latest], res["ci_high"][i, latest])
    else:
        # versus the start: the buurt's own change; its noise is the single-buurt part of the placebo variance
        own_se = se / math.sqrt(2) if np.isfinite(se) else float("nan")
        change = math.log(index_t[latest] / 100)
        estimate = math.expm1(change)
        ci = (math.expm1(change - Z95 * own_se), math.expm1(change + Z95 * own_se))
    result["ci_low"], result["ci_high"] = _num(ci[0]), _num(ci[1])
    elapsed = max(0, latest - start_pos + 1)
    target = meta["target_relative"]
    path = kpi_stats.window_target(target, base, latest, PERIODS_TOTAL, [start_pos])
    result["target_path"] = _num(path)
    status = kpi_stats.kpi_status(estimate, tuple(ci) if all(map(math.isfinite, ci)) else None, target,
                                  path=path, periods_elapsed=elapsed)
    result["status"] = STATUS_KEYS[status]
    result["status_label"] = STATUS_LABELS[result["status"]]
    if result["status"] == "nog_niet_bekend":
        result["reason"] = ("minder dan twee perioden sinds de start" if elapsed < 2 else
                            "het interval omvat zowel geen effect als het streefpad")
    # the target line: where this buurt would be if it were exactly on its path, on the 2024 = 100 window
    result["series"] = [
        {"period": p, "index_t": _num(index_t[j]), "index_c": _num(index_c[j]),
         "band_low": _num(res["band_low"][i, j]), "band_high": _num(res["band_high"][i, j]),
         "target_index": _num((index_c[j] if meta["design"] == "did" else 100.0)
                              * (1 + kpi_stats.window_target(target, base, j, PERIODS_TOTAL, [start_pos])))}
        for j, p in enumerate(period_list)
    ]
    result["event_study"], result["pre_trend_p"] = _event_study(num, den, t_num[[i]], t_den[[i]], controls[[i]],
                                                                period_list, start_col)
    result.update(_own_base(result["event_study"], period_list, start_col, start_pos, latest, target))
    return result


def _own_base(points: list[dict], period_list: list[str], start_col: int, start_pos: int, latest: int,
              target: float) -> dict:
    """The effect at the latest period against the buurt's own period before its start (the event study).

    Flat keys (own_base_*) so that the CSV of the API keeps one value per cell.
    """
    last = next((p for p in points if p["event_time"] == latest - start_col), None)
    if last is None or last["att"] is None or start_col < 1:
        return dict(OWN_BASE_NONE)
    return {"own_base_period": period_list[start_col - 1], "own_base_effect": _num(math.expm1(last["att"])),
            "own_base_ci_low": _num(math.expm1(last["ci_low"])) if last["ci_low"] is not None else None,
            "own_base_ci_high": _num(math.expm1(last["ci_high"])) if last["ci_high"] is not None else None,
            "own_base_target_path": _num(kpi_stats.window_target(target, start_col - 1, latest, PERIODS_TOTAL,
                                                                 [start_pos]))}


def _event_study(num: np.ndarray, den: np.ndarray, t_num: np.ndarray, t_den: np.ndarray, controls: np.ndarray,
                 period_list: list[str], start_col: int) -> tuple[list[dict], float | None]:
    """Effects per period relative to the period before the buurt's start (event time 0 = first period)."""
    if start_col >= len(period_list) or start_col == 0:
        return [], None
    res = matched_did(num, den, t_num, t_den, controls, start_col - 1)
    effect, se = res["effect"][0], res["se"][0]
    points = [{"event_time": j - start_col, "att": _num(effect[j]), "ci_low": _num(effect[j] - Z95 * se[j]),
               "ci_high": _num(effect[j] + Z95 * se[j])}
              for j in range(len(period_list)) if np.isfinite(effect[j])]
    pre = [j for j in range(start_col - 1) if np.isfinite(res["effect"][0, j])]
    p_value = pre_trend_p(res["effect"][0, pre], res["se"][0, pre], sigma2=res["sigma2"][0, pre]) if pre else None
    return points, p_value


def _programme_result(meta: dict, num: np.ndarray, den: np.ndarray, row_of: dict[str, int],
                      period_list: list[str], base: int, programme: pd.DataFrame, members: pd.DataFrame,
                      controls_of: dict[str, tuple[list[str], str]], starts: list[str]) -> dict:
    """All programme buurten together: DiD with a cluster bootstrap, plus the staggered event study."""
    result = _not_known(meta, "")
    start_of = dict(zip(programme["code"], starts))
    rows = []
    for slug, member in zip(members["code"], members["member"]):
        if member in row_of:
            rows.append((slug, row_of[member]))
    control_codes = sorted({c for codes, _ in controls_of.values() for c in codes if c in row_of})
    start_col = {start: _first_col(start, period_list) for start in set(start_of.values())}
    first_col = {slug: start_col[start] for slug, start in start_of.items()}
    units = [(s, first_col[s], r) for s, r in rows] + [(c, np.nan, row_of[c]) for c in control_codes]
    unit_rows = np.array([r for _, _, r in units], dtype=int)
    unit_num, unit_den = num[unit_rows], den[unit_rows]
    ok = np.isfinite(unit_num) & np.isfinite(unit_den)
    u_idx, p_idx = np.nonzero(ok)
    panel = pd.DataFrame({
        kpi_stats.UNIT: np.array([u for u, _, _ in units], dtype=object)[u_idx],
        kpi_stats.PERIOD: p_idx,
        kpi_stats.NUM: unit_num[u_idx, p_idx],
        kpi_stats.DEN: unit_den[u_idx, p_idx],
        kpi_stats.TREATED_FROM: np.array([f for _, f, _ in units], dtype=float)[u_idx],
    })
    panel = panel.groupby([kpi_stats.UNIT, kpi_stats.PERIOD], as_index=False).agg(
        {kpi_stats.NUM: "sum", kpi_stats.DEN: "sum", kpi_stats.TREATED_FROM: "first"})
    treated = sorted(set(s for s, _ in rows))
    result["comparison"] = {"method": meta["comparison_method"], "n_buurten": len(control_codes),
                            "description": f"{len(control_codes)} vergelijkingsbuurten (samengevoegd over alle "
                                           "programmabuurten)"}
    if panel.empty or not treated or not control_codes:
        result["reason"] = "nog geen gegevens voor programma en vergelijkingsgroep"
        return result
    latest = int(panel[panel[kpi_stats.UNIT].isin(treated)][kpi_stats.PERIOD].max())
    boot = kpi_stats.cluster_bootstrap_did(panel, treated, control_codes, base, latest, n_boot=499)
    index_t = kpi_stats.group_index(panel, treated, base)
    index_c = kpi_stats.group_index(panel, control_codes, base)
    result["latest_period"] = period_list[latest]
    if boot["status"] != "ok" or isinstance(index_t, kpi_stats.NotComputable):
        result["reason"] = boot.get("reason") or "niet berekenbaar"
        return result
    rel = boot["relative_effect"]
    change = index_t.loc[latest] / 100 - 1
    result.update({"index_t": _num(boot["index_t"]), "index_c": _num(boot["index_c"]), "did": _num(boot["did"]),
                   "relative_effect": _num(rel), "change_since_start": _num(change)})
    if meta["design"] == "did":
        estimate, ci = rel, boot["relative_effect_ci"]
    else:
        own = kpi_stats.cluster_bootstrap_change(panel, treated, base, latest, n_boot=499)
        estimate, ci = change, own.get("change_ci")
    result["ci_low"], result["ci_high"] = (_num(ci[0]), _num(ci[1])) if ci else (None, None)
    # the pooled path: each cohort's own path, weighted by its share of the pooled ratio (clients x hours per
    # client without the programme) in the base and in the latest period
    target = meta["target_relative"]
    cohort_rows: dict[int, list[int]] = {}
    for slug, r in rows:
        cohort_rows.setdefault(_position(start_of[slug], period_list), []).append(r)
    cohort_starts = sorted(cohort_rows)

    def weights(j: int) -> list[float]:
        return [float(np.nansum(num[cohort_rows[g], j])) / (1 + float(kpi_stats.target_path(target, g, j,
                                                                                             PERIODS_TOTAL)))
                for g in cohort_starts]

    def pooled_path(j: int) -> float:
        try:
            return kpi_stats.window_target(target, base, j, PERIODS_TOTAL, cohort_starts, weights(base), weights(j))
        except ValueError:  # nothing delivered in that period
            return float("nan")

    path = pooled_path(latest)
    result["target_path"] = _num(path)
    elapsed = max(0, latest - min(cohort_starts) + 1)
    status = kpi_stats.kpi_status(estimate, ci, target, path=path, periods_elapsed=elapsed)
    result["status"] = STATUS_KEYS[status]
    result["status_label"] = STATUS_LABELS[result["status"]]
    result["series"] = [
        {"period": p, "index_t": _num(index_t.get(j, np.nan)),
         "index_c": _num(index_c.get(j, np.nan)) if not isinstance(index_c, kpi_stats.NotComputable) else None,
         "band_low": None, "band_high": None,
         "target_index": _num((index_c.get(j, np.nan) if meta["design"] == "did" else 100.0)
                              * (1 + pooled_path(j)))}
        for j, p in enumerate(period_list)
    ]
    staggered = kpi_stats.staggered_att(panel, n_boot=199)
    if staggered.status == "ok":
        result["event_study"] = [
            {"event_time": int(r.event_time), "att": _num(r.estimate), "ci_low": _num(r.ci_low),
             "ci_high": _num(r.ci_high)} for r in staggered.event_study.itertuples()]
    cohorts: dict[int, list[int]] = {}
    for slug, r in rows:
        cohorts.setdefault(first_col[slug], []).append(r)
    result["pre_trend_p"] = cohort_pre_trend_p(num, den, cohorts, [row_of[c] for c in control_codes])
    return result


def _position(period: str, period_list: list[str]) -> int:
    """Column of a bimonthly period counted from the first column (negative before it), also outside the data."""
    def ordinal(p: str) -> int:
        year, _, n = periods.parse(p)
        return year * 6 + n - 1
    return ordinal(period) - ordinal(period_list[0])


def _first_col(start: str, period_list: list[str]) -> int:
    """Column of the first period at or after the start (len(period_list) when the start lies beyond the data)."""
    key = periods.sort_key(start)
    return next((j for j, p in enumerate(period_list) if periods.sort_key(p) >= key), len(period_list))


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(value).date()
