"""The one gate every number passes before it reaches a viewer: which observation rows count, small numbers hidden.

A figure reaches a viewer in one of two ways, and the gate has a mode for each:

* ``"row"``: the row is shown as itself (a buurt's value on a page, in the API, in a CSV, a gemeente or NL
  benchmark). Rules: `access.may_see_nonpublic` on the row's own area, level and source.
* ``"aggregate"``: the row only contributes to a figure over several areas (a programme buurt summed from its
  CBS areas, the programme benchmark, a peer or comparison group pooled over at least MIN_POOL buurten, a funnel,
  a learning partner, a best-practice band, a menukaart mean, the KPI). Networks see every programme buurt at
  the aggregate level, so they may see pools too; a supplier only of its own source; anonymous callers only
  public indicators.

Both modes then hide small numbers (`privacy.suppress_small_numbers`), so a pooled figure is computed from
rows after suppression. Rows are judged one by one on (area or programme, indicator's public flag, source),
before any combining: a figure that mixes sources is only as visible as its least visible row.

Callers: `published` (pages, API, CSV, verslag), `comparisons` (benchmarks), `outcome_compare` (comparison
groups), `best_practices`, `menukaart`, `learning`, `kpi_service` (via `may_see_sources`).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from data_access.access import Viewer, may_see_nonpublic
from data_access.privacy import suppress_small_numbers

MODES = ("row", "aggregate")
MIN_POOL = 5  # a pooled figure over areas the viewer cannot read one by one needs at least this many areas


def own_source(viewer: Viewer) -> str | None:
    """The source a reader must select before combining sources: a supplier's own, None for everyone else."""
    return viewer.supplier_source if viewer.role == "leverancier" else None


def may_contribute(viewer: Viewer, *, public: bool, source: str | None) -> bool:
    """Whether a row may count towards an aggregate or pooled figure this viewer sees."""
    if public or viewer.sees_everything or viewer.role == "buurtnetwerk":
        return True
    if viewer.role == "leverancier":
        return _own_source(viewer, source)
    return False


def may_see_sources(viewer: Viewer, sources: Iterable[str | None], *, public: bool) -> bool:
    """Whether a derived figure (a KPI, a stored result) built from rows of these sources may be shown."""
    sources = list(sources) or [None]  # a figure with no rows behind it is as visible as a non-public one
    return all(may_contribute(viewer, public=public, source=s) for s in sources)


def _own_source(viewer: Viewer, source: str | None) -> bool:
    # an aggregate row carries the sources that made it, "A; B": every one of them must be the supplier's own
    if source is None or viewer.supplier_source is None:
        return False
    return all(part.strip() == viewer.supplier_source for part in str(source).split(";"))


def visible_mask(frame: pd.DataFrame, viewer: Viewer, catalogue: pd.DataFrame, *, mode: str = "row",
                 programme_of: dict[str, int] | None = None, member_level: bool | None = None) -> pd.Series:
    """True for each row of `frame` (columns area, indicator, source[, level]) this viewer may use in `mode`.

    programme_of: area code → programme buurt it belongs to (a programme slug or a member CBS code).
    member_level: whether rows are CBS areas (True) or programme-buurt aggregates (False); default: from the
    frame's `level` column (``"programma"`` = aggregate), else True.
    """
    if mode not in MODES:
        raise ValueError(f"unknown visibility mode '{mode}'")
    if frame.empty:
        return pd.Series([], dtype=bool, index=frame.index)
    public = frame["indicator"].map(catalogue.set_index("code")["public"]).fillna(False).astype(bool)
    sources = frame["source"] if "source" in frame.columns else pd.Series(None, index=frame.index, dtype=object)
    sources = sources.astype(object).where(sources.notna(), None)
    if mode == "aggregate":
        allowed = [may_contribute(viewer, public=pub, source=src)
                   for pub, src in zip(public.tolist(), sources.tolist(), strict=True)]
        return pd.Series(allowed, index=frame.index, dtype=bool)
    if member_level is None and "level" in frame.columns:
        levels = (frame["level"] != "programma").tolist()
    else:
        levels = [True if member_level is None else member_level] * len(frame)
    programme_of = programme_of or {}
    allowed = [
        pub or may_see_nonpublic(viewer, programme_id=programme_of.get(code), member_level=member, source=src)
        for pub, code, src, member in zip(public.tolist(), frame["area"].tolist(), sources.tolist(), levels,
                                          strict=True)
    ]
    return pd.Series(allowed, index=frame.index, dtype=bool)


def visible_rows(frame: pd.DataFrame, viewer: Viewer, catalogue: pd.DataFrame, *, mode: str = "row",
                 programme_of: dict[str, int] | None = None, member_level: bool | None = None) -> pd.DataFrame:
    """The rows of `frame` this viewer may use, unchanged (for callers that combine rows before suppression)."""
    if frame.empty:
        return frame
    mask = visible_mask(frame, viewer, catalogue, mode=mode, programme_of=programme_of, member_level=member_level)
    return frame[mask]


def gate(frame: pd.DataFrame, viewer: Viewer, catalogue: pd.DataFrame, *, mode: str = "row",
         programme_of: dict[str, int] | None = None, member_level: bool | None = None) -> pd.DataFrame:
    """The rows this viewer may use, with small numbers hidden (value and counts None, the reason in `note`)."""
    rows = visible_rows(frame, viewer, catalogue, mode=mode, programme_of=programme_of, member_level=member_level)
    if rows.empty:
        return rows.copy()
    return suppress_small_numbers(rows, catalogue)


def shown_values(frame: pd.DataFrame, viewer: Viewer, catalogue: pd.DataFrame, *, mode: str = "aggregate",
                 programme_of: dict[str, int] | None = None) -> pd.DataFrame:
    """Rows that passed the gate and still have a value: the input of a pooled statistic."""
    rows = gate(frame, viewer, catalogue, mode=mode, programme_of=programme_of)
    if rows.empty:
        return rows
    return rows[rows["value"].notna() & ~rows["suppressed"].astype(bool)]


def enough_for_pool(catalogue: pd.DataFrame, indicator: str, n_areas: int) -> bool:
    """A pooled figure of a non-public indicator needs MIN_POOL areas, so it never stands for one or two rows."""
    public = bool(catalogue.set_index("code").at[indicator, "public"]) if indicator in set(catalogue["code"]) \
        else False
    return public or n_areas >= MIN_POOL
