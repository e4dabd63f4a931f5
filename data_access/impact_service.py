"""Impact per programme buurt, per cohort and for the programme: the KPI results turned into hours, FTE and euros.

Reads the KPI service's results (never recomputes statistics), the delivered units of the latest rolling year
(the indicator's numerator: hours, consults, admissions, bed days) and the realised budget, and applies the pure
formulas of `data_access.impact`. What a viewer gets follows the KPI service's visibility (a buurt's effect is
shown to whoever may see its KPI) and the budget's (realised costs: networks, transitieteam, beheerder).
"""

from __future__ import annotations

import math
from dataclasses import fields

import pandas as pd
from sqlalchemy import Connection

from data_access import begroting, impact, kpi_service, published, queries
from data_access.access import Viewer
from data_access.impact import Estimate, Parameters
from data_access.privacy import suppress_small_numbers

MAIN = "wvpk_uren_per_client"
# indicator → (what is freed, how it is priced)
HYPOTHESES = {
    "wvpk_uren_per_client": ("uren wijkverpleging", "fte"),
    "ha_consulten_per_patient": ("huisartsconsulten", "huisartsconsult"),
    "opnames_kwetsbare_ouderen_per_1000": ("ziekenhuisopnames kwetsbare ouderen", "opname"),
    "ligduur_kwetsbare_ouderen": ("ligdagen kwetsbare ouderen", "ligdag"),
}


def parameters() -> Parameters:
    """The parameters of the data file (read per call: editing the file needs no code change)."""
    return impact.load_parameters()


def estimate_of(result: dict) -> tuple[float | None, tuple[float, float] | None]:
    """The KPI result's relative effect and its interval: DiD for the KPI, own change for the other targets."""
    value = result.get("relative_effect") if result.get("design") == "did" else result.get("change_since_start")
    low, high = result.get("ci_low"), result.get("ci_high")
    if value is None or low is None or high is None:
        return None, None
    return float(value), (float(low), float(high))


def delivered(conn: Connection, viewer: Viewer, programme_ids: list[int] | None,
              indicator_list: list[str] | None = None, periods: set[str] | None = None) -> pd.DataFrame:
    """The hypotheses' programme-buurt counts this viewer may use, through the one visibility gate, with small
    numbers suppressed (a suppressed row is never used, and suppression is decided row by row, so reading fewer
    rows changes none). periods: only these periods (the programme's impact needs the KPI's latest ones alone:
    at 1,000 buurten one period of one indicator instead of 68,000 rows)."""
    catalogue = queries.indicators(conn)
    wanted = indicator_list or list(HYPOTHESES)
    frame = published.programme_rows(conn, viewer, programme_ids, wanted, None if periods is None else sorted(periods),
                                     catalogue)
    return suppress_small_numbers(frame, catalogue) if not frame.empty else frame


def _main_overview(conn: Connection, viewer: Viewer) -> pd.DataFrame:
    """The KPI overview rows of the main hypothesis, by buurt."""
    overview = kpi_service.kpi_overview(conn, viewer)
    return overview[overview["indicator"] == MAIN].set_index("slug") if not overview.empty else pd.DataFrame()


def _main_delivered(conn: Connection, viewer: Viewer, main: pd.DataFrame, main_results: list[dict]) -> pd.DataFrame:
    """The main hypothesis's delivered hours in the periods the impact uses: each buurt's and the programme's
    latest KPI period."""
    periods = set(main["latest_period"].dropna()) if not main.empty else set()
    periods |= {r["latest_period"] for r in main_results if r.get("latest_period")}
    return delivered(conn, viewer, None, [MAIN], periods) if periods else pd.DataFrame()


def _delivered(obs: pd.DataFrame | dict, slug: str, indicator: str, period: str | None
               ) -> tuple[float, float] | None:
    """Numerator and denominator of a programme buurt at a period (None when not delivered).

    obs: the programme observations, or `_delivered_index` of them (one dict lookup per buurt on /transitie).
    """
    if period is None:
        return None
    index = obs if isinstance(obs, dict) else _delivered_index(obs)
    return index.get((slug, indicator, period))


def _delivered_index(obs: pd.DataFrame) -> dict[tuple[str, str, str], tuple[float, float]]:
    if obs.empty:
        return {}
    ok = obs[~obs["suppressed"].astype(bool)] if "suppressed" in obs.columns else obs
    ok = ok.dropna(subset=["numerator", "denominator"]).drop_duplicates(["area", "indicator", "period"])
    return {(a, i, p): (float(n), float(d)) for a, i, p, n, d in
            zip(ok["area"], ok["indicator"], ok["period"], ok["numerator"], ok["denominator"], strict=True)}


def hypothesis_rows(results: list[dict], obs: pd.DataFrame, slug: str, params: Parameters) -> list[dict]:
    """One row per hypothesis of one buurt: units freed per year, and FTE and euros, each with its interval."""
    rows = []
    for result in results:
        code = result.get("indicator")
        if code not in HYPOTHESES:
            continue
        what, pricing = HYPOTHESES[code]
        row = {"indicator": code, "name": result.get("name"), "what": what, "design": result.get("design"),
               "latest_period": result.get("latest_period"), "status": result.get("status"),
               "relative": None, "relative_low": None, "relative_high": None, "delivered": None,
               "denominator": None, "freed": None, "fte": None, "euros": None, "per_unit": None,
               "synthetic": bool(result.get("synthetic")), "reason": result.get("reason") or ""}
        relative, ci = estimate_of(result)
        delivered = _delivered(obs, slug, code, result.get("latest_period"))
        if relative is None or delivered is None:
            row["reason"] = row["reason"] or "nog geen effect te berekenen"
            rows.append(row)
            continue
        numerator, denominator = delivered
        freed = impact.units_freed(numerator, relative, ci, row["synthetic"])
        row.update({"relative": relative, "relative_low": ci[0], "relative_high": ci[1], "delivered": numerator,
                    "denominator": denominator, "freed": freed})
        if freed is not None:
            row["per_unit"] = freed.scaled(1 / denominator) if denominator > 0 else None
            if pricing == "fte":
                row["fte"] = impact.hours_to_fte(freed, params)
                row["euros"] = impact.fte_to_euros(row["fte"], params)
            else:
                price = {"huisartsconsult": params.cost_per_gp_consult, "opname": params.cost_per_admission,
                         "ligdag": params.cost_per_bed_day}[pricing]
                row["euros"] = freed.scaled(price)
        rows.append(row)
    return rows


def buurt_impact(conn: Connection, slug: str, viewer: Viewer, params: Parameters | None = None) -> dict:
    """Impact of one programme buurt: hypotheses in units, FTE and euros; share of the target; € per hour freed."""
    params = params or parameters()
    area = queries.find_area(conn, slug)
    if area is None or area.programme_id is None:
        raise ValueError(f"onbekende programmabuurt '{slug}'")
    results = kpi_service.buurt_kpi(conn, area.code, viewer)
    obs = delivered(conn, viewer, [area.programme_id]) if results else pd.DataFrame()
    rows = hypothesis_rows(results, obs, area.code, params)
    main = next((r for r in rows if r["indicator"] == MAIN), None)
    out = {"slug": area.code, "name": area.name, "hypotheses": rows, "share_of_target": None,
           "cost_per_hour": None, "realised_costs_year": None, "synthetic": any(r["synthetic"] for r in rows)}
    if main is not None and main["relative"] is not None:
        out["share_of_target"] = impact.share_of_target(main["relative"], (main["relative_low"],
                                                                            main["relative_high"]),
                                                        params.target_relative, main["synthetic"])
    if begroting.totals_visible(viewer):
        realised = begroting.realisation(conn, area.programme_id)
        months = begroting.rolling_year_months(main["latest_period"]) if main and main["latest_period"] else None
        costs = begroting.realised_costs(realised, months) if months is not None else 0.0
        synthetic = bool(not realised.empty and realised["source"].str.contains(impact.SYNTHETIC_WORD).any())
        out["realised_costs_year"] = costs
        out["synthetic"] = out["synthetic"] or synthetic
        out["cost_per_hour"] = impact.cost_per_hour(costs, main["freed"] if main else None)
    return out


def _combine(estimates: list[Estimate]) -> Estimate | None:
    """Sum of independent estimates: point estimates add, half-widths add in quadrature (per side)."""
    if not estimates:
        return None
    value = sum(e.value for e in estimates)
    low = value - math.sqrt(sum((e.value - e.low) ** 2 for e in estimates))
    high = value + math.sqrt(sum((e.high - e.value) ** 2 for e in estimates))
    return Estimate(value, low, high, any(e.synthetic for e in estimates))


def programme_impact(conn: Connection, viewer: Viewer, params: Parameters | None = None) -> dict:
    """Impact of the programme (pooled KPI), per cohort and per buurt, with the national scenarios and the plan.

    Programme: the pooled relative effect (cluster bootstrap) × the hours delivered in all programme buurten with a
    KPI result in the programme's latest period. Per cohort: the sum of its buurten's figures (intervals combined
    as independent). Scenario: the programme's hours freed per programme buurt × N buurten.
    """
    params = params or parameters()
    programme = queries.programme_buurten(conn)
    main = _main_overview(conn, viewer) if not programme.empty else pd.DataFrame()
    main_results = [r for r in kpi_service.programme_kpi(conn, viewer) if r.get("indicator") == MAIN]
    obs = _main_delivered(conn, viewer, main, main_results) if not programme.empty else pd.DataFrame()
    buurt_rows = _buurt_rows(conn, viewer, programme, obs, params, main)
    total = None
    n_buurten = 0
    relative = ci = None
    synthetic = any(r.get("synthetic") for r in main_results)
    if main_results:
        relative, ci = estimate_of(main_results[0])
        period = main_results[0].get("latest_period")
        if relative is not None and period is not None and not obs.empty:
            part = obs[(obs["indicator"] == MAIN) & (obs["period"] == period)
                       & obs["area"].isin([r["slug"] for r in buurt_rows if r["relative"] is not None])
                       & obs["numerator"].notna()]
            n_buurten = int(part["area"].nunique())
            total = impact.units_freed(float(part["numerator"].sum()), relative, ci, synthetic) if n_buurten else None
    fte = impact.hours_to_fte(total, params) if total is not None else None
    euros = impact.fte_to_euros(fte, params) if fte is not None else None
    sizes = [*params.scenario_sizes, params.buurten_nederland]
    scenarios = []
    if fte is not None and euros is not None:
        for f, e in zip(impact.scenario(fte, n_buurten, sizes), impact.scenario(euros, n_buurten, sizes),
                        strict=True):
            scenarios.append({"buurten": f["buurten"], "fte": Estimate(f["value"], f["low"], f["high"], synthetic),
                              "euros": Estimate(e["value"], e["low"], e["high"], synthetic),
                              "fte_share_of_plan": f["value"] / params.plan_fte_2033,
                              "euro_share_of_plan": e["value"] / params.plan_euro_2033})
    cohorts = []
    for cohort in sorted({r["cohort"] for r in buurt_rows}):
        members = [r for r in buurt_rows if r["cohort"] == cohort]
        hours = _combine([r["hours"] for r in members if r["hours"] is not None])
        cohorts.append({"cohort": cohort, "buurten": len(members),
                        "buurten_met_effect": sum(1 for r in members if r["hours"] is not None), "hours": hours,
                        "fte": impact.hours_to_fte(hours, params) if hours else None,
                        "euros": impact.fte_to_euros(impact.hours_to_fte(hours, params), params) if hours else None})
    return {
        "relative": relative, "ci": ci, "hours": total, "fte": fte, "euros": euros, "n_buurten": n_buurten,
        "share_of_target": impact.share_of_target(relative, ci, params.target_relative, synthetic)
        if relative is not None and ci is not None else None,
        "latest_period": main_results[0].get("latest_period") if main_results else None,
        "scenarios": scenarios, "cohorts": cohorts, "buurten": buurt_rows, "synthetic": synthetic,
        "plan": {"fte_2033": params.plan_fte_2033, "euro_2033": params.plan_euro_2033,
                 "target_relative": params.target_relative},
        "parameters": params,
    }


def _buurt_rows(conn: Connection, viewer: Viewer, programme: pd.DataFrame, obs: pd.DataFrame,
                params: Parameters, main: pd.DataFrame) -> list[dict]:
    """Per buurt the KPI's hours, FTE and euros, realised costs in the same rolling year and € per hour freed.
    main: `_main_overview`; obs: `_main_delivered`."""
    if programme.empty:
        return []
    costs_visible = begroting.totals_visible(viewer)
    realised = begroting.all_realisation(conn) if costs_visible else pd.DataFrame()
    synthetic_programmes = set(programme.loc[programme["synthetic"].astype(bool), "programme_id"]) \
        if "synthetic" in programme.columns else set()
    delivered_index = _delivered_index(obs)
    main_obs = obs[obs["indicator"] == MAIN] if not obs.empty else obs
    synthetic_slugs = set(main_obs.loc[main_obs["source"].astype(str).str.contains(impact.SYNTHETIC_WORD), "area"]) \
        if not main_obs.empty else set()
    realised_by_programme = dict(tuple(realised.groupby("programme_id"))) if not realised.empty else {}
    rows = []
    for slug, name, cohort, pid in zip(programme["code"], programme["name"], programme["cohort"],
                                       programme["programme_id"], strict=True):
        row = {"slug": slug, "name": name, "cohort": int(cohort), "relative": None, "ci": None, "hours": None,
               "fte": None, "euros": None, "realised_costs_year": None, "cost_per_hour": None,
               "latest_period": None, "synthetic": False}
        if slug in main.index and pd.notna(main.at[slug, "relative_effect"]) and pd.notna(main.at[slug, "ci_low"]):
            relative = float(main.at[slug, "relative_effect"])
            ci = (float(main.at[slug, "ci_low"]), float(main.at[slug, "ci_high"]))
            period = main.at[slug, "latest_period"]
            delivered = _delivered(delivered_index, slug, MAIN, period)
            synthetic = slug in synthetic_slugs
            row.update({"relative": relative, "ci": ci, "latest_period": period, "synthetic": synthetic})
            if delivered is not None:
                hours = impact.units_freed(delivered[0], relative, ci, synthetic)
                if hours is not None:
                    row["hours"] = hours
                    row["fte"] = impact.hours_to_fte(hours, params)
                    row["euros"] = impact.fte_to_euros(row["fte"], params)
        if costs_visible:
            own = realised_by_programme.get(pid)
            months = begroting.rolling_year_months(row["latest_period"]) if row["latest_period"] else None
            costs = begroting.realised_costs(own, months) if months is not None and own is not None else 0.0
            row["realised_costs_year"] = costs
            row["cost_per_hour"] = impact.cost_per_hour(costs, row["hours"])
        row["synthetic"] = row["synthetic"] or pid in synthetic_programmes
        rows.append(row)
    return rows


def buurten_impact(conn: Connection, viewer: Viewer, params: Parameters | None = None) -> list[dict]:
    """The per-buurt rows of `programme_impact` alone (the paged table of /transitie asks for them per page)."""
    params = params or parameters()
    programme = queries.programme_buurten(conn)
    if programme.empty:
        return []
    main = _main_overview(conn, viewer)
    main_results = [r for r in kpi_service.programme_kpi(conn, viewer) if r.get("indicator") == MAIN]
    return _buurt_rows(conn, viewer, programme, _main_delivered(conn, viewer, main, main_results), params, main)


def buurten_page(rows: list[dict], search: str | None = None, page: int | None = 1, per_page: int = 25) -> dict:
    """One page of per-buurt rows, most hours freed first (buurten without an effect last, by name); the search
    matches name, slug or cohort. Returns the rows with the totals and the page actually shown."""
    text = (search or "").strip().lower()
    if text:
        rows = [r for r in rows if text in f"{r['name']} {r['slug']} cohort {r['cohort']}".lower()]
    ordered = sorted(rows, key=lambda r: (r["hours"] is None, -(r["hours"].value if r["hours"] else 0.0),
                                          str(r["name"]), r["slug"]))
    pages = max(1, math.ceil(len(ordered) / per_page))
    page = min(max(1, int(page or 1)), pages)
    return {"rows": ordered[(page - 1) * per_page: page * per_page], "matching": len(ordered), "page": page,
            "pages": pages}


STORED_KIND = "programme_impact"


def _to_payload(value: object) -> object:
    """JSON-safe copy of an impact result: an Estimate or CostPerHour becomes {"__<class>__": {its fields}}."""
    if isinstance(value, Estimate | impact.CostPerHour):  # plain fields: no deep copy (`asdict` cost 0.3 s here)
        return {f"__{type(value).__name__}__": {f.name: getattr(value, f.name) for f in fields(value)}}
    if isinstance(value, dict):
        return {k: _to_payload(v) for k, v in value.items() if k != "parameters"}
    if isinstance(value, list | tuple):
        return [_to_payload(v) for v in value]
    return value


def _from_payload(value: object) -> object:
    if isinstance(value, dict):
        for kind in (Estimate, impact.CostPerHour):
            if set(value) == {f"__{kind.__name__}__"}:
                return kind(**value[f"__{kind.__name__}__"])
        return {k: _from_payload(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_payload(v) for v in value]
    return value


def impact_payload(conn: Connection, viewer: Viewer) -> object:
    """The stored form of `programme_impact` (the refresh computes it ahead for the internal scope)."""
    return _to_payload(programme_impact(conn, viewer))


def stored_programme_impact(conn: Connection, viewer: Viewer) -> dict:
    """`programme_impact`, computed once per change of the store and kept in the results tables for the viewers who
    see everything (transitieteam, beheerder: the only ones the section is for); others get it computed."""
    from data_access.results import store

    if not viewer.sees_everything:
        return programme_impact(conn, viewer)
    payload = store.get_or_compute(conn, STORED_KIND, "intern", lambda: impact_payload(conn, viewer))
    return {**_from_payload(payload), "parameters": parameters()}
