"""Difference-in-differences KPI for the programme buurten.

Serves the KPI page: did the programme buurten (treated) change their care
use, e.g. hours of district nursing per client, more than comparable buurten
(control)? Counts are summed first and divided after (ratio of sums, never a
mean of ratios), so a group of buurten weighs its clients, not its buurten.

Panel format (long, one row per unit and period)::

    unit            str      buurt or cluster code
    year_or_period  sortable year (2024) or time (2024.25)
    numerator       float    e.g. hours
    denominator     float    e.g. clients
    treated_from    period   first period of the unit's cohort; NaN/None = never

Units missing a period simply add nothing to that period's sums; a balanced
panel is advised, as units dropping in and out change a ratio of sums.

Indices and the 2x2 DiD
    ``group_index``: 100 * R(t) / R(base) with R = sum(num) / sum(den).
    ``did``: I_T - I_C in index points and I_T / I_C - 1 as relative effect.

Uncertainty: ``cluster_bootstrap_did`` resamples units (the clusters) with
replacement, separately within the treated and the control group, and
recomputes both ratio-of-sums indices per draw; the interval is the
percentile interval. It keeps every unit's periods together, so serial
correlation within a buurt is respected. Like any cluster bootstrap it is
somewhat too narrow with few units: in simulations (3% unit noise, clients
50-400 per unit) the 95% interval covered the true effect 90% of the time with
20 treated and 30 control units, and ``staggered_att`` 91% with 10 units per
cohort (about 94% with 40). Read intervals from small groups as indicative.

Staggered adoption: ``staggered_att`` follows Callaway & Sant'Anna (2021).
For cohort g (units with the same ``treated_from``) and period t,
ATT(g, t) = [Y_g(t) - Y_g(b)] - [Y_C(t) - Y_C(b)] with
Y = log(sum(num) / sum(den)) over the group's units, b the base period, and C
the units not yet treated at max(t, b) plus the never treated (or only the
never treated). Because Y is the log of a ratio of sums, exp(ATT) - 1 is the
same relative effect as in ``did``. Event time e counts panel periods from
the cohort's first treated period (e = 0). Aggregation: per event time, and
an overall ATT over all post cells, weighted by cohort size (number of
units). The bootstrap resamples units within cohort (and within the never
treated), recomputing every cell, which gives the intervals and a sup-t
pre-trend test of "all pre-period estimates are zero". That test rejects 14 %
of true nulls with ten units per cohort (a bootstrap over ten units
underestimates the spread); the KPI pages use ``matched.cohort_pre_trend_p``.

Why numpy and not a package: diff-diff 3.13 installs cleanly and has a
Callaway-Sant'Anna estimator, but it estimates unit-level outcome means, not
our ratio-of-sums index, so its numbers would differ from the 2x2 ``did``
shown next to them; its API is also still moving (arguments deprecated on
the way to 4.0) and it is a large dependency with a compiled backend. The
estimator above is a few dozen lines of array code; csdid and pyfixest were
not needed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

UNIT = "unit"
PERIOD = "year_or_period"
NUM = "numerator"
DEN = "denominator"
TREATED_FROM = "treated_from"
COLUMNS = (UNIT, PERIOD, NUM, DEN, TREATED_FROM)

NOT_COMPUTABLE = "niet berekenbaar"
STATUSES = ("op koers", "niet op koers", "nog niet bekend")


@dataclass(frozen=True)
class NotComputable:
    """Returned instead of a result when the data do not allow it; reason in Dutch."""

    reason: str
    status: str = NOT_COMPUTABLE


@dataclass(frozen=True)
class StaggeredResult:
    """Event-study series and overall ATT on the log scale (exp(x) - 1 is the relative effect)."""

    status: str  # "ok" or "niet berekenbaar"
    reason: str | None = None
    event_study: pd.DataFrame = field(default_factory=pd.DataFrame)
    att: float | None = None
    att_ci: tuple[float, float] | None = None
    relative_effect: float | None = None
    relative_effect_ci: tuple[float, float] | None = None
    pre_trend_max_abs: float | None = None
    pre_trend_p_value: float | None = None
    group_time: pd.DataFrame = field(default_factory=pd.DataFrame)
    n_boot: int = 0


def group_index(panel: pd.DataFrame, units: Iterable[str], base_period: Any) -> pd.Series | NotComputable:
    """Return 100 * R(t) / R(base) per period, R = sum(numerator) / sum(denominator) over units.

    Periods whose denominators sum to zero get NaN.
    """
    _check_columns(panel, (UNIT, PERIOD, NUM, DEN))
    sub = panel[panel[UNIT].isin(list(units))]
    if sub.empty:
        return NotComputable("geen eenheden in deze groep")
    sums = sub.groupby(PERIOD)[[NUM, DEN]].sum().sort_index()
    ratio = sums[NUM] / sums[DEN].where(sums[DEN] > 0)
    if base_period not in ratio.index:
        return NotComputable("basisperiode ontbreekt in de gegevens")
    base = ratio.loc[base_period]
    if not np.isfinite(base):
        return NotComputable("noemer is nul in de basisperiode")
    if base == 0:
        return NotComputable("teller is nul in de basisperiode; index niet te bepalen")
    return (100 * ratio / base).rename("index")


def did(
    panel: pd.DataFrame,
    treated_units: Iterable[str],
    control_units: Iterable[str],
    base_period: Any,
    period: Any,
) -> dict[str, Any]:
    """Return the 2x2 difference in differences of the ratio-of-sums indices.

    Keys: status ("ok" or "niet berekenbaar"), reason, index_t, index_c,
    did (= index_t - index_c, index points), relative_effect
    (= index_t / index_c - 1), n_treated, n_control.
    """
    treated, control = list(treated_units), list(control_units)
    problem = _did_problem(panel, treated, control, base_period, period)
    if problem:
        return _not_computable(problem)
    index_t = group_index(panel, treated, base_period)
    index_c = group_index(panel, control, base_period)
    for label, index in (("behandelgroep", index_t), ("controlegroep", index_c)):
        if isinstance(index, NotComputable):
            return _not_computable(f"{label}: {index.reason}")
        if period not in index.index or not np.isfinite(index.loc[period]):
            return _not_computable(f"{label}: noemer is nul of ontbreekt in periode {period}")
    i_t, i_c = float(index_t.loc[period]), float(index_c.loc[period])
    if i_c == 0:
        return _not_computable("controlegroep: index is nul; relatief effect niet te bepalen")
    present = set(panel[UNIT].unique())
    return {
        "status": "ok",
        "reason": None,
        "index_t": i_t,
        "index_c": i_c,
        "did": i_t - i_c,
        "relative_effect": i_t / i_c - 1,
        "n_treated": len(present.intersection(treated)),
        "n_control": len(present.intersection(control)),
    }


def cluster_bootstrap_did(
    panel: pd.DataFrame,
    treated_units: Iterable[str],
    control_units: Iterable[str],
    base_period: Any,
    period: Any,
    n_boot: int = 999,
    seed: int | None = 0,
    level: float = 0.95,
) -> dict[str, Any]:
    """Return ``did`` plus percentile intervals (did_ci, relative_effect_ci) from a cluster bootstrap.

    Units are resampled with replacement within the treated and within the
    control group. Extra keys: did_ci, relative_effect_ci, n_boot, n_valid
    (draws with non-zero denominators), method.
    """
    treated, control = list(treated_units), list(control_units)
    point = did(panel, treated, control, base_period, period)
    if point["status"] != "ok":
        return point
    if point["n_treated"] < 2 or point["n_control"] < 2:
        return _not_computable("te weinig eenheden voor de bootstrap (minimaal 2 per groep)")

    rng = np.random.default_rng(seed)
    indices = []
    for units in (treated, control):
        sums = _unit_sums(panel, units, (base_period, period))  # (units, 4)
        n = sums.shape[0]
        draws = rng.multinomial(n, np.full(n, 1 / n), size=n_boot) @ sums
        with np.errstate(divide="ignore", invalid="ignore"):
            indices.append(100 * (draws[:, 2] / draws[:, 3]) / (draws[:, 0] / draws[:, 1]))
    i_t, i_c = indices
    with np.errstate(divide="ignore", invalid="ignore"):
        did_draws, rel_draws = i_t - i_c, i_t / i_c - 1
    ok = np.isfinite(did_draws) & np.isfinite(rel_draws)
    result = dict(point)
    result.update(
        did_ci=_percentile_ci(did_draws[ok], level),
        relative_effect_ci=_percentile_ci(rel_draws[ok], level),
        n_boot=n_boot,
        n_valid=int(ok.sum()),
        method="cluster-bootstrap (eenheden binnen groep getrokken), percentiel",
    )
    return result


def cluster_bootstrap_change(
    panel: pd.DataFrame,
    units: Iterable[str],
    base_period: Any,
    period: Any,
    n_boot: int = 999,
    seed: int | None = 0,
    level: float = 0.95,
) -> dict[str, Any]:
    """Return the group's own relative change R(period) / R(base) - 1 with a cluster-bootstrap interval.

    For targets "versus the start" (no comparison group). Keys: status, reason, change, change_ci, n_units.
    """
    units = list(units)
    sums = _unit_sums(panel, units, (base_period, period))
    if sums.shape[0] == 0 or sums[:, 1].sum() <= 0 or sums[:, 3].sum() <= 0 or sums[:, 0].sum() <= 0:
        return _not_computable("geen gegevens in de basisperiode of de laatste periode")
    change = (sums[:, 2].sum() / sums[:, 3].sum()) / (sums[:, 0].sum() / sums[:, 1].sum()) - 1
    if sums.shape[0] < 2:
        return {"status": "ok", "reason": None, "change": change, "change_ci": None, "n_units": 1}
    rng = np.random.default_rng(seed)
    n = sums.shape[0]
    draws = rng.multinomial(n, np.full(n, 1 / n), size=n_boot) @ sums
    with np.errstate(divide="ignore", invalid="ignore"):
        changes = (draws[:, 2] / draws[:, 3]) / (draws[:, 0] / draws[:, 1]) - 1
    changes = changes[np.isfinite(changes)]
    return {"status": "ok", "reason": None, "change": change, "change_ci": _percentile_ci(changes, level),
            "n_units": n}


def staggered_att(
    panel: pd.DataFrame,
    base_period_rule: str = "varying",
    control: str = "not_yet_treated",
    n_boot: int = 999,
    seed: int | None = 0,
    level: float = 0.95,
) -> StaggeredResult:
    """Return Callaway-Sant'Anna-style group-time effects on log(num/den), aggregated by event time.

    ``event_study`` has columns event_time, estimate, se, ci_low, ci_high,
    n_groups, relative_effect; ``group_time`` has one row per (cohort,
    period) cell. ``base_period_rule``: "varying" compares pre-periods with
    the period before them, "universal" with the period before treatment
    (e = -1 is then zero by construction and left out). Post-period
    estimates are the same under both rules.
    """
    if base_period_rule not in ("varying", "universal"):
        raise ValueError("base_period_rule must be 'varying' or 'universal'")
    if control not in ("not_yet_treated", "never_treated"):
        raise ValueError("control must be 'not_yet_treated' or 'never_treated'")
    _check_columns(panel, COLUMNS)
    if panel.empty:
        return StaggeredResult(NOT_COMPUTABLE, "geen gegevens")

    periods = np.sort(panel[PERIOD].unique())
    if periods.size < 2:
        return StaggeredResult(NOT_COMPUTABLE, "slechts één periode; geen verschil te berekenen")

    cohort_of = _cohort_per_unit(panel)
    units = cohort_of.index.to_numpy()
    wide_num = _wide(panel, NUM, units, periods)
    wide_den = _wide(panel, DEN, units, periods)

    # Strata: one per cohort, the never treated last. first_post is the
    # position of the cohort's first treated period in the panel's periods.
    cohort_values = np.sort(cohort_of.dropna().unique())
    if cohort_values.size == 0:
        return StaggeredResult(NOT_COMPUTABLE, "geen behandelde eenheden")
    first_post = np.searchsorted(periods, cohort_values, side="left")
    n_strata = cohort_values.size + 1
    stratum = np.full(units.size, n_strata - 1)
    for s, value in enumerate(cohort_values):
        stratum[(cohort_of == value).to_numpy()] = s
    sizes = np.bincount(stratum, minlength=n_strata)
    # A cohort starting after the last period is never treated within the panel.
    first_post_all = np.append(first_post, periods.size)
    if control == "never_treated" and sizes[-1] == 0:
        return StaggeredResult(NOT_COMPUTABLE, "lege controlegroep: geen nooit-behandelde eenheden")

    cells = _cells(first_post_all, sizes, periods.size, base_period_rule, control)
    if not cells:
        return StaggeredResult(
            NOT_COMPUTABLE,
            "geen cohort met zowel een periode vóór de start als een controlegroep",
        )

    sum_num, sum_den = _stratum_sums(wide_num, wide_den, stratum, n_strata)
    point = np.array([_cell_att(sum_num[None], sum_den[None], c)[0] for c in cells])
    finite = np.isfinite(point)
    if not any(finite[i] and c["event_time"] >= 0 for i, c in enumerate(cells)):
        return StaggeredResult(NOT_COMPUTABLE, "noemer is nul in alle behandelperiodes")
    cells = [c for c, f in zip(cells, finite, strict=True) if f]
    point = point[finite]

    boot = np.empty((n_boot, len(cells)))
    if n_boot > 0:
        rng = np.random.default_rng(seed)
        b_num, b_den = _bootstrap_stratum_sums(wide_num, wide_den, stratum, n_strata, n_boot, rng)
        for i, c in enumerate(cells):
            boot[:, i] = _cell_att(b_num, b_den, c)

    weights = np.array([sizes[c["stratum"]] for c in cells], dtype=float)
    event_times = np.array([c["event_time"] for c in cells])
    rows, est_by_e, boot_by_e = [], {}, {}
    for e in np.unique(event_times):
        sel = event_times == e
        w = weights[sel] / weights[sel].sum()
        est = float(point[sel] @ w)
        draws = boot[:, sel] @ w
        est_by_e[int(e)], boot_by_e[int(e)] = est, draws
        low, high = _percentile_ci(draws[np.isfinite(draws)], level)
        rows.append(
            {
                "event_time": int(e),
                "estimate": est,
                "se": _sd(draws),
                "ci_low": low,
                "ci_high": high,
                "n_groups": int(sel.sum()),
                "relative_effect": math.expm1(est),
            }
        )
    event_study = pd.DataFrame(rows)

    post = event_times >= 0
    w_post = weights[post] / weights[post].sum()
    att = float(point[post] @ w_post)
    att_draws = boot[:, post] @ w_post
    att_ci = _percentile_ci(att_draws[np.isfinite(att_draws)], level)

    pre_max, pre_p = _pre_trend(est_by_e, boot_by_e)
    group_time = pd.DataFrame(
        {
            "cohort": [cohort_values[c["stratum"]] for c in cells],
            "period": [periods[c["t"]] for c in cells],
            "base_period": [periods[c["b"]] for c in cells],
            "event_time": event_times,
            "att": point,
            "n_units": weights.astype(int),
        }
    )
    return StaggeredResult(
        status="ok",
        event_study=event_study,
        att=att,
        att_ci=att_ci,
        relative_effect=math.expm1(att),
        relative_effect_ci=(math.expm1(att_ci[0]), math.expm1(att_ci[1])),
        pre_trend_max_abs=pre_max,
        pre_trend_p_value=pre_p,
        group_time=group_time,
        n_boot=n_boot,
    )


def target_path(target: float, start: float | np.ndarray, t: float | np.ndarray, periods_total: int) -> np.ndarray:
    """Relative effect a buurt exactly on its path has reached in period t (period numbers on one scale).

    The contracted path: no effect up to and including the first programme period ``start``, then linear to
    ``target`` ``periods_total`` periods later, and ``target`` from then on.
    """
    if periods_total <= 0:
        raise ValueError("periods_total must be > 0")
    t, start = np.asarray(t, dtype=float), np.asarray(start, dtype=float)
    return target * np.clip((t - start) / periods_total, 0.0, 1.0)


def window_target(target: float, base: float, latest: float, periods_total: int,
                  starts: Iterable[float], weights_base: Iterable[float] | None = None,
                  weights_latest: Iterable[float] | None = None) -> float:
    """The relative effect that buurten exactly on their paths show on the estimate's window, base to latest.

    An estimate against ``base`` (2024 = 100, or the period before the start in the event study) measures the
    change of the effect since the base: (1 + P(latest)) / (1 + P(base)) - 1 with P the ``target_path``. For a
    cohort that started before the base (April 2024 against 2024 = 100) P(base) is not 0, so its path on this
    window is shorter than "target x periods since the start". ``starts`` holds one start per cohort (or buurt)
    pooled in the estimate. A pooled ratio of sums weighs each cohort by its share of the pooled numerator, so
    the pooled path at t is the weighted mean of 1 + P_g(t) with weights (``weights_base`` / ``weights_latest``)
    = the cohort's clients times its hours per client without the programme, i.e. its hours / (1 + P_g(t)).
    Client numbers alone are the same weights when hours per client are alike; equal weights when not given.
    """
    starts = np.asarray(list(starts), dtype=float)
    if starts.size == 0:
        raise ValueError("starts must not be empty")
    w_base = np.ones(starts.size) if weights_base is None else np.asarray(list(weights_base), dtype=float)
    w_latest = np.ones(starts.size) if weights_latest is None else np.asarray(list(weights_latest), dtype=float)
    if np.any(w_base < 0) or np.any(w_latest < 0) or w_base.sum() <= 0 or w_latest.sum() <= 0:
        raise ValueError("weights must be >= 0 with a positive sum")
    level_latest = np.sum(w_latest * (1 + target_path(target, starts, latest, periods_total))) / w_latest.sum()
    level_base = np.sum(w_base * (1 + target_path(target, starts, base, periods_total))) / w_base.sum()
    return float(level_latest / level_base - 1)


def kpi_status(
    relative_effect: float | None,
    ci: tuple[float, float] | None,
    target: float,
    *,
    path: float,
    periods_elapsed: int,
) -> str:
    """Return "op koers", "niet op koers" or "nog niet bekend" for a relative-effect target.

    ``path`` is where buurten exactly on their target path would be on the same window as the estimate
    (``window_target``); ``target`` only gives the direction. With fewer than 2 periods since the start, or
    without an estimate, the status is "nog niet bekend"; likewise when the interval contains both 0 and the
    path (the data cannot tell "no effect" from "on track"). Otherwise the buurt is "op koers" when the point
    estimate is at or beyond the path in the target's direction (a target of 0 means "no increase"), both taken
    at the precision shown on the page (0.1 percentage point): a buurt shown on its path is on it.
    """
    if relative_effect is None or not math.isfinite(relative_effect) or periods_elapsed < 2:
        return "nog niet bekend"
    if ci is not None and all(x is not None and math.isfinite(x) for x in ci):
        low, high = min(ci), max(ci)
        if low <= 0 <= high and low <= path <= high:
            return "nog niet bekend"
    shown, shown_path = round(relative_effect * 1000), round(path * 1000)
    on_track = shown >= shown_path if target > 0 else shown <= shown_path
    return "op koers" if on_track else "niet op koers"


# --- helpers -----------------------------------------------------------------


def _not_computable(reason: str) -> dict[str, Any]:
    return {"status": NOT_COMPUTABLE, "reason": reason}


def _check_columns(panel: pd.DataFrame, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in panel.columns]
    if missing:
        raise KeyError(f"panel lacks columns {missing}")


def _did_problem(
    panel: pd.DataFrame, treated: list[str], control: list[str], base_period: Any, period: Any
) -> str | None:
    """Return the Dutch reason why a 2x2 DiD cannot be computed, or None."""
    _check_columns(panel, (UNIT, PERIOD, NUM, DEN))
    if set(treated) & set(control):
        raise ValueError("a unit cannot be both treated and control")
    present = set(panel[UNIT].unique())
    if not present.intersection(treated):
        return "lege behandelgroep"
    if not present.intersection(control):
        return "lege controlegroep"
    if panel[PERIOD].nunique() < 2 or base_period == period:
        return "slechts één periode; geen verschil te berekenen"
    return None


def _unit_sums(panel: pd.DataFrame, units: list[str], periods: tuple[Any, Any]) -> np.ndarray:
    """Per unit: numerator and denominator at base and at period (zeros when absent)."""
    base, period = periods
    sub = panel[panel[UNIT].isin(units) & panel[PERIOD].isin([base, period])]
    wide = sub.pivot_table(index=UNIT, columns=PERIOD, values=[NUM, DEN], aggfunc="sum")
    wide = wide.reindex(sorted(set(units) & set(panel[UNIT].unique()))).fillna(0.0)
    cols = [(NUM, base), (DEN, base), (NUM, period), (DEN, period)]
    return np.column_stack([wide[c].to_numpy(float) if c in wide.columns else np.zeros(len(wide)) for c in cols])


def _cohort_per_unit(panel: pd.DataFrame) -> pd.Series:
    """One treated_from per unit (NaN for never treated); conflicting values are an error."""
    treated_from = pd.to_numeric(panel[TREATED_FROM], errors="coerce")
    per_unit = treated_from.groupby(panel[UNIT]).agg(["min", "max"])
    conflict = per_unit["min"].ne(per_unit["max"]) & per_unit["max"].notna()
    if conflict.any():
        raise ValueError(f"units with more than one treated_from: {list(per_unit.index[conflict])}")
    return per_unit["min"].sort_index()


def _wide(panel: pd.DataFrame, column: str, units: np.ndarray, periods: np.ndarray) -> np.ndarray:
    wide = panel.pivot_table(index=UNIT, columns=PERIOD, values=column, aggfunc="sum")
    return wide.reindex(index=units, columns=periods).fillna(0.0).to_numpy(float)


def _cells(first_post: np.ndarray, sizes: np.ndarray, n_periods: int, rule: str, control: str) -> list[dict[str, Any]]:
    """List the (cohort, period) cells with their base period and control strata."""
    never = sizes.size - 1
    cells = []
    for g in range(never):
        fp = first_post[g]
        if sizes[g] == 0 or fp == 0 or fp >= n_periods:
            continue  # no pre-period to compare with, or never treated within the panel
        for t in range(n_periods):
            if t >= fp or rule == "universal":
                b = fp - 1
            else:
                b = t - 1
            if b < 0 or t == b:
                continue
            if control == "never_treated":
                ctrl = [never]
            else:
                ctrl = [h for h in range(sizes.size) if h != g and first_post[h] > max(t, b)]
            ctrl = [h for h in ctrl if sizes[h] > 0]
            if ctrl:
                cells.append({"stratum": g, "t": t, "b": b, "event_time": t - fp, "controls": ctrl})
    return cells


def _stratum_sums(
    num: np.ndarray, den: np.ndarray, stratum: np.ndarray, n_strata: int
) -> tuple[np.ndarray, np.ndarray]:
    """Sum units into strata: arrays of shape (strata, periods)."""
    onehot = np.eye(n_strata)[stratum].T  # (strata, units)
    return onehot @ num, onehot @ den


def _bootstrap_stratum_sums(
    num: np.ndarray,
    den: np.ndarray,
    stratum: np.ndarray,
    n_strata: int,
    n_boot: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Resample units within each stratum; arrays of shape (draws, strata, periods)."""
    b_num = np.zeros((n_boot, n_strata, num.shape[1]))
    b_den = np.zeros_like(b_num)
    for s in range(n_strata):
        members = np.flatnonzero(stratum == s)
        if members.size == 0:
            continue
        counts = rng.multinomial(members.size, np.full(members.size, 1 / members.size), n_boot)
        b_num[:, s, :] = counts @ num[members]
        b_den[:, s, :] = counts @ den[members]
    return b_num, b_den


def _cell_att(num: np.ndarray, den: np.ndarray, cell: dict[str, Any]) -> np.ndarray:
    """ATT(g, t) on log(sum num / sum den) for arrays of shape (draws, strata, periods)."""
    g, t, b, ctrl = cell["stratum"], cell["t"], cell["b"], cell["controls"]
    c_num = num[:, ctrl, :].sum(axis=1)
    c_den = den[:, ctrl, :].sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        treated = np.log(num[:, g, t] / den[:, g, t]) - np.log(num[:, g, b] / den[:, g, b])
        controls = np.log(c_num[:, t] / c_den[:, t]) - np.log(c_num[:, b] / c_den[:, b])
        att = treated - controls
    return np.where(np.isfinite(att), att, np.nan)


def _pre_trend(est_by_e: dict[int, float], boot_by_e: dict[int, np.ndarray]) -> tuple[float | None, float | None]:
    """Max |pre-period estimate| and a sup-t bootstrap p-value for "all pre estimates are 0"."""
    pre = [e for e in est_by_e if e < 0]
    if not pre:
        return None, None
    est = np.array([est_by_e[e] for e in pre])
    max_abs = float(np.max(np.abs(est)))
    draws = np.column_stack([boot_by_e[e] for e in pre])
    draws = draws[np.all(np.isfinite(draws), axis=1)]
    if draws.shape[0] < 2:
        return max_abs, None
    se = draws.std(axis=0, ddof=1)
    if np.any(se == 0):
        return max_abs, None
    observed = np.max(np.abs(est) / se)
    centred = np.max(np.abs(draws - est) / se, axis=1)
    return max_abs, float((1 + np.sum(centred >= observed)) / (1 + centred.size))


def _percentile_ci(draws: np.ndarray, level: float) -> tuple[float, float]:
    if draws.size == 0:
        return (float("nan"), float("nan"))
    alpha = 1 - level
    low, high = np.quantile(draws, [alpha / 2, 1 - alpha / 2])
    return (float(low), float(high))


def _sd(draws: np.ndarray) -> float:
    draws = draws[np.isfinite(draws)]
    return float(draws.std(ddof=1)) if draws.size > 1 else float("nan")
