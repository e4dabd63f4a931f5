"""Benchmark comparisons (Fingertips-style) of an area's observations against NL, its gemeente or the programme."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection

from data_access import queries
from data_access.access import Viewer
from data_access.published import add_intervals, programme_rows
from data_access.stats.benchmark import COMPARISON_LABELS_NL, compare
from data_access.visibility import enough_for_pool, gate, own_source, shown_values

BENCHMARKS = ("NL", "gemeente", "peers", "programma")
PEER_GROUP_SIZE = 20


def gemeente_of(area: queries.AreaInfo, itself: bool = False) -> str | None:
    """The gemeente code of a buurt, wijk or programme buurt (from its first member); for a gemeente None (it has no
    gemeente to be compared with), or with `itself` its own code (the buurtbeeld's gemeente figures)."""
    code = area.member_codes[0] if area.programme_id is not None and area.member_codes else area.code
    if code[:2] == "GM":
        return code if itself else None
    return "GM" + code[2:6] if code[:2] in ("BU", "WK") else None


def benchmark_values(conn: Connection, area: queries.AreaInfo, benchmark: str, indicator_list: list[str] | None,
                     catalogue: pd.DataFrame, *, viewer: Viewer) -> pd.DataFrame:
    """Benchmark value per indicator and period (columns indicator, period, benchmark_value).

    Computed only from rows this viewer may see, after small numbers are hidden (`data_access.visibility`): a
    gemeente or NL row counts as shown itself, a pool (programme, peers) as an aggregate.
    """
    empty = pd.DataFrame(columns=["indicator", "period", "benchmark_value"])
    if benchmark == "programma":
        frame = programme_rows(conn, viewer, None, indicator_list, catalogue=catalogue)
        if frame.empty:
            return empty
        return _pooled(shown_values(frame, viewer, catalogue, mode="aggregate"), catalogue)
    if benchmark == "peers":
        return _peer_benchmark(conn, viewer, area, indicator_list, catalogue)
    return area_benchmark_values(conn, [area], benchmark, indicator_list, catalogue, viewer=viewer) \
        .drop(columns="area").reset_index(drop=True)


def area_benchmark_values(conn: Connection, areas: list[queries.AreaInfo], benchmark: str,
                          indicator_list: list[str] | None, catalogue: pd.DataFrame, *, viewer: Viewer) -> pd.DataFrame:
    """The NL or gemeente benchmark of several areas in one read (columns area, indicator, period,
    benchmark_value): per area the values `benchmark_values` gives it. The newest indeling per period; none for the
    benchmark area itself (NL compared with NL)."""
    columns = ["area", "indicator", "period", "benchmark_value"]
    bench_of = {a.code: "NL00" if benchmark == "NL" else gemeente_of(a) for a in areas}
    bench_of = {code: bench for code, bench in bench_of.items() if bench is not None and bench != code}
    if not bench_of:
        return pd.DataFrame(columns=columns)
    frame = gate(queries.observations(conn, sorted(set(bench_of.values())), indicator_list, source=own_source(viewer)),
                 viewer, catalogue, mode="row", member_level=True)
    if frame.empty:
        return pd.DataFrame(columns=columns)
    newest = frame.sort_values("indeling").groupby(["area", "indicator", "period"]).last().reset_index()
    newest = newest.rename(columns={"area": "_bench", "value": "benchmark_value"})
    pairs = pd.DataFrame({"area": list(bench_of), "_bench": list(bench_of.values())})
    return pairs.merge(newest[["_bench", "indicator", "period", "benchmark_value"]], on="_bench")[columns]


def _peer_benchmark(conn: Connection, viewer: Viewer, area: queries.AreaInfo, indicator_list: list[str] | None,
                    catalogue: pd.DataFrame) -> pd.DataFrame:
    """The peer group pooled: the 20 buurten most alike on context (none for wijken and gemeenten)."""
    from data_access.peer_groups import context_peers

    empty = pd.DataFrame(columns=["indicator", "period", "benchmark_value"])
    try:
        peers = context_peers(conn, area.code, n=PEER_GROUP_SIZE)
    except ValueError:
        return empty
    if peers.empty:
        return empty
    frame = queries.observations(conn, list(peers["code"]), indicator_list, source=own_source(viewer))
    if frame.empty:
        return empty
    frame = frame.sort_values("indeling").drop_duplicates(["area", "indicator", "period"], keep="last")
    return _pooled(shown_values(frame, viewer, catalogue, mode="aggregate"), catalogue, min_pool=True)


def _pooled(frame: pd.DataFrame, catalogue: pd.DataFrame, min_pool: bool = False) -> pd.DataFrame:
    """All programme buurten together: a ratio of sums where counts exist, else the median buurt.

    min_pool: leave out a non-public indicator pooled over fewer than visibility.MIN_POOL areas.
    """
    cat = catalogue.set_index("code")
    out = []
    for (indicator, period), group in frame.dropna(subset=["value"]).groupby(["indicator", "period"]):
        if min_pool and not enough_for_pool(catalogue, indicator, group["area"].nunique()):
            continue
        kind, per = cat.at[indicator, "kind"], cat.at[indicator, "per"]
        scale = 100.0 if kind in ("percentage", "nps") else (per if kind == "rate" and pd.notna(per) else 1.0)
        counts = group.dropna(subset=["numerator", "denominator"])
        if kind != "count" and len(counts) == len(group) and counts["denominator"].sum() > 0:
            detractors = counts["detractors"].fillna(0).sum() if kind == "nps" else 0.0
            value = (counts["numerator"].sum() - detractors) / counts["denominator"].sum() * scale
        else:
            value = group["value"].median()
        out.append({"indicator": indicator, "period": period, "benchmark_value": value})
    return pd.DataFrame(out, columns=["indicator", "period", "benchmark_value"])


def with_comparison(conn: Connection, frame: pd.DataFrame, area: queries.AreaInfo, benchmark: str,
                    catalogue: pd.DataFrame, *, viewer: Viewer) -> pd.DataFrame:
    """Add benchmark_value, comparison (key) and comparison_label (Dutch) to published observations.

    The benchmark is computed for the same viewer as the observations (`benchmark_values`).
    """
    if frame.empty:
        return frame.assign(benchmark_value=[], comparison=[], comparison_label=[])
    bench = benchmark_values(conn, area, benchmark, sorted(set(frame["indicator"])), catalogue, viewer=viewer)
    return judged(frame.merge(bench, on=["indicator", "period"], how="left"), catalogue)


def with_area_comparisons(conn: Connection, frame: pd.DataFrame, areas: list[queries.AreaInfo], benchmark: str,
                          catalogue: pd.DataFrame, *, viewer: Viewer) -> pd.DataFrame:
    """`with_comparison` against NL or the gemeente for the published observations of several areas at once (the
    refresh builds every programme buurt's buurtbeeld): per row the same comparison as for its area alone."""
    if frame.empty:
        return frame.assign(benchmark_value=[], comparison=[], comparison_label=[])
    bench = area_benchmark_values(conn, areas, benchmark, sorted(set(frame["indicator"])), catalogue, viewer=viewer)
    return judged(frame.merge(bench, on=["area", "indicator", "period"], how="left"), catalogue)


def judged(frame: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Add comparison (key) and comparison_label (Dutch) to observations that carry their benchmark_value: the 95%
    interval decides, the 99.8% interval tells "much" (`stats.benchmark.compare`)."""
    wide = add_intervals(frame, catalogue, level=0.998)
    polarity = frame["indicator"].map(catalogue.set_index("code")["polarity"])
    comparisons = []
    for value, low, high, low998, high998, bvalue, pol in zip(
        frame["value"], frame["ci_low"], frame["ci_high"], wide["ci_low"], wide["ci_high"],
        frame["benchmark_value"], polarity,
    ):
        ci95 = None if pd.isna(low) else (low, high)
        ci998 = None if pd.isna(low998) else (low998, high998)
        comparisons.append(compare(None if pd.isna(value) else value, ci95, ci998,
                                   None if pd.isna(bvalue) else bvalue, pol))
    frame["comparison"] = comparisons
    frame["comparison_label"] = frame["comparison"].map(COMPARISON_LABELS_NL)
    return frame
