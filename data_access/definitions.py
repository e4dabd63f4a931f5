"""One definition per concept that more than one page shows (README, section "Definities").

A page that needs the nulmeting, the review, the latest value as of a review, a buurt's comparison group or its
adoption counts calls the function here; it never re-derives the concept, so two pages cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Connection, func, or_, select

from data_access import periods
from data_access.models import (
    AgendaItem,
    Area,
    BestPractice,
    Indicator,
    Narrative,
    Observation,
    ProgrammeBuurt,
    ReviewSession,
)

# ---------------------------------------------------------------- review


def default_review(today: dt.date | None = None) -> str:
    """The review a page opens on: the newest bimonthly period that should have been delivered.

    Deliveries lag one period, so on 23 Nov 2026 (in 2026-B6) the review is 2026-B5.
    """
    return periods.last_delivered(today)


def review_or_default(review: object, today: dt.date | None = None) -> str:
    """The review asked for when it is a valid period, else the default review."""
    if isinstance(review, str) and periods.is_valid(review):
        return review
    return default_review(today)


# ---------------------------------------------------------------- nulmeting


@dataclass(frozen=True)
class Nulmeting:
    """The baseline period of one buurt for one indicator; `fallback` when no period before the start exists."""

    period: str | None
    fallback: bool = False

    @property
    def note(self) -> str:
        if self.period is None:
            return "geen nulmeting: nog niets aangeleverd"
        if self.fallback:
            return f"nulmeting = eerste levering ({periods.label(self.period)}): niets aangeleverd vóór de start"
        return ""


def nulmeting_target(start_date: object) -> str:
    """The last complete bimonthly period before a buurt's start date (the buurtbeeld at the start)."""
    return periods.previous(periods.bimonthly(_as_date(start_date)))


def _as_date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else pd.Timestamp(value).date()


@functools.lru_cache(maxsize=4096)
def _period_end(period: str) -> dt.date:
    """The first day after a period (a period is complete before a start date when this is on or before it)."""
    year, kind, n = periods.parse(period)
    months = {"Y": 12, "Q": 3, "B": 2}[kind]
    first = periods.start_date(period)
    month = first.month - 1 + months
    return dt.date(first.year + month // 12, month % 12 + 1, 1)


def nulmeting(delivered: Iterable[str], start_date: object) -> Nulmeting:
    """The nulmeting of a buurt for one indicator, from the periods it delivered (with a value).

    The newest delivered period that was complete before the buurt's start date (for bimonthly data: up to and
    including the bimonthly period before the one the start falls in); when the buurt delivered nothing that
    early, its first delivered period, marked as a fallback.
    """
    own = sorted({p for p in delivered if isinstance(p, str) and periods.is_valid(p)}, key=periods.sort_key)
    if not own:
        return Nulmeting(None)
    if start_date is None or (not isinstance(start_date, dt.date) and pd.isna(start_date)):
        return Nulmeting(own[0], fallback=True)
    start = _as_date(start_date)
    before = [p for p in own if _period_end(p) <= start]
    return Nulmeting(before[-1]) if before else Nulmeting(own[0], fallback=True)


def nulmeting_columns(delivered: np.ndarray, period_list: list[str], starts: list) -> np.ndarray:
    """`nulmeting` for many buurten at once on a matrix (buurten × `period_list`, in time order, all valid
    periods) of where each delivered a value: per buurt the column of its nulmeting, -1 without any value."""
    n, width = delivered.shape
    if width == 0:
        return np.full(n, -1)
    ends = np.array([_period_end(p) for p in period_list], dtype="datetime64[D]")
    start = np.array([None if s is None or (not isinstance(s, dt.date) and pd.isna(s)) else _as_date(s)
                      for s in starts], dtype="datetime64[D]")  # None: NaT, before no period
    before = delivered & (ends[None, :] <= start[:, None])
    last_before = width - 1 - np.argmax(before[:, ::-1], axis=1)
    first = np.argmax(delivered, axis=1)
    return np.where(before.any(axis=1), last_before, np.where(delivered.any(axis=1), first, -1))


def nulmeting_periods(frame: pd.DataFrame, starts: dict[str, object]) -> pd.Series:
    """`nulmeting` for many areas at once (the same rule, without a Python loop per buurt): per `area` of `frame`
    (columns area, period: the delivered periods with a value) its nulmeting period; `starts` maps an area to
    its start date."""
    rows = frame[["area", "period"]].drop_duplicates()
    valid = {p: periods.is_valid(p) for p in rows["period"].unique() if isinstance(p, str)}
    rows = rows[rows["period"].map(lambda p: valid.get(p, False))] if valid else rows.iloc[:0]
    if rows.empty:
        return pd.Series(dtype=object)
    order = {p: periods.sort_key(p) for p in valid if valid[p]}
    ends = {p: pd.Timestamp(_period_end(p)) for p in order}
    start = pd.to_datetime(rows["area"].map(
        lambda a: None if starts.get(a) is None or pd.isna(starts.get(a)) else _as_date(starts.get(a))))
    rows = rows.assign(_k=rows["period"].map(order), _before=rows["period"].map(ends) <= start) \
        .sort_values(["area", "_k"], kind="stable")
    first = rows.groupby("area", sort=True)["period"].first()
    before = rows[rows["_before"]].groupby("area")["period"].last()
    return before.reindex(first.index).fillna(first)


# ---------------------------------------------------------------- latest value as of a review


def latest_as_of(frame: pd.DataFrame, review: str | None = None,
                 keys: tuple[str, ...] = ("area", "indicator"), keep_unvalued: bool = False) -> pd.DataFrame:
    """Per key the row of the newest period up to the review (None: no limit) that has a value.

    One meaning everywhere: a period with a hidden or missing value does not count; an older value is shown with
    its own period, so the page always says which period a value belongs to. With `keep_unvalued`, a key without
    any value keeps its newest row, so a page can say why it has none (suppressed, not delivered).
    """
    if frame.empty:
        return frame.reset_index(drop=True)
    rows, key = frame, frame["period"].map(periods.sort_key)
    if review is not None:
        keep = key <= periods.sort_key(review)
        rows, key = rows[keep], key[keep]
    has = rows["value"].notna() if "value" in rows.columns else pd.Series(True, index=rows.index)
    if not keep_unvalued:
        rows, key, has = rows[has], key[has], has[has]
    if rows.empty:
        return rows.reset_index(drop=True)
    keys = [k for k in keys if k in rows.columns]
    rows = rows.assign(_has=has, _k=key).sort_values([*keys, "_has", "_k"], kind="stable")
    return rows.groupby(keys, sort=False).tail(1).drop(columns=["_has", "_k"]).reset_index(drop=True)


# ---------------------------------------------------------------- comparison group

MONITORING_GROUPS = ("adoptie", "kwaliteit", "effectiviteit")  # the catalogue groups the uitkomsten tables show
COMPARISON_SIZE = 30  # the n non-transition buurten nearest on context
MIN_COMPARISON = 5  # fewer buurten are no group (and would risk identifying them)
COMPARISON_TEXT = {
    "matched": "de {n} niet-transitiebuurten die qua bevolking en context het meest op deze buurt lijken",
    "gemeente": "de {n} niet-transitiebuurten met leveringen in dezelfde gemeente",
    "geen": "geen vergelijkingsgroep: te weinig buurten met leveringen",
}


@dataclass(frozen=True)
class ComparisonGroup:
    """The comparison group of one programme buurt: CBS buurt codes and how they were chosen."""

    slug: str
    codes: tuple[str, ...]
    method: str  # "matched", "gemeente" or "geen"

    @property
    def description(self) -> str:
        return COMPARISON_TEXT[self.method].format(n=len(self.codes))


def comparison_pool(conn: Connection, programme_members: set[str]) -> list[str]:
    """CBS buurten outside the programme with a bimonthly delivery of an outcome (effectiviteit) indicator."""
    stmt = (select(Area.code).distinct().join(Observation, Observation.area_id == Area.id)
            .join(Indicator, Indicator.id == Observation.indicator_id)
            .where(Area.level == "buurt", Indicator.group == "effectiviteit", Observation.period.like("%-B%")))
    return sorted(c for c in conn.execute(stmt).scalars() if c not in programme_members)


def compute_comparison_groups(programme: pd.DataFrame, pool: list[str], table: pd.DataFrame | None,
                              variables: dict[str, float], transforms: dict[str, str | None]
                              ) -> dict[str, ComparisonGroup]:
    """Per programme buurt its one comparison group (pure; stored by the refresh, read by every page).

    Matched: the COMPARISON_SIZE buurten of the pool nearest on the context variables (`stats.peers`). A buurt
    that cannot be matched (too few context values) gets the pool buurten of its own gemeente(n); with fewer than
    MIN_COMPARISON of those it has no group ("geen").
    """
    from data_access.stats.peers import nearest_many

    by_gemeente: dict[str, list[str]] = {}
    for code in pool:
        by_gemeente.setdefault("GM" + code[2:6], []).append(code)
    nearest: dict = {}
    if table is not None and not table.empty and pool:
        candidates = [c for c in pool if c in table.index]
        targets = [s for s in programme["code"] if s in table.index]
        if candidates and targets:
            try:
                nearest = nearest_many(table[list(variables)], targets, variables, transforms,
                                       k=COMPARISON_SIZE, candidates=candidates)
            except ValueError:
                nearest = {}
    out = {}
    for slug, members in zip(programme["code"], programme["members"], strict=True):
        matched = list(nearest[slug]["code"]) if slug in nearest else []
        if len(matched) >= MIN_COMPARISON:
            out[slug] = ComparisonGroup(slug, tuple(matched), "matched")
            continue
        gemeenten = sorted({"GM" + m[2:6] for m in members or []})
        local = [c for gm in gemeenten for c in by_gemeente.get(gm, [])]
        out[slug] = ComparisonGroup(slug, tuple(local), "gemeente" if len(local) >= MIN_COMPARISON else "geen")
    return out


def build_comparison_groups(conn: Connection) -> dict[str, ComparisonGroup]:
    """Compute every programme buurt's comparison group from the store (a refresh step)."""
    from data_access import peer_groups, queries

    programme = queries.programme_buurten(conn)
    members = {m for ms in programme["members"] for m in (ms or [])}
    table = peer_groups.context_table(conn)
    variables = {v["code"]: v["weight"] for v in peer_groups.PEER_VARIABLES}
    transforms = {v["code"]: v["transform"] for v in peer_groups.PEER_VARIABLES}
    return compute_comparison_groups(programme, comparison_pool(conn, members), table, variables, transforms)


def comparison_groups(conn: Connection) -> dict[str, ComparisonGroup]:
    """The stored comparison groups of all programme buurten (computed by the refresh, data_access.results)."""
    from data_access.results import store

    rows = store.read_many(conn, "comparison_group")
    if not rows:
        groups = build_comparison_groups(conn)
        rows = {slug: {"codes": list(g.codes), "method": g.method} for slug, g in groups.items()}
        if rows:
            store.keep(conn.engine, {"comparison_group": rows}, store.store_version(conn), replace_kind=True)
    return {slug: ComparisonGroup(slug, tuple(p["codes"]), p["method"]) for slug, p in rows.items()}


def comparison_group(conn: Connection, slug: str) -> ComparisonGroup:
    """The comparison group of one programme buurt: the same group on every page (KPI, "Vergeleken met", best
    practices)."""
    from data_access.results import store

    payload = store.read(conn, "comparison_group", slug)
    if payload is None:
        group = comparison_groups(conn).get(slug)
        return group if group is not None else ComparisonGroup(slug, (), "geen")
    return ComparisonGroup(slug, tuple(payload["codes"]), payload["method"])


# ---------------------------------------------------------------- adoption

ADOPTION_INDICATORS = {"buurtbeeld": ("lb_buurtbeelden",), "sessies": ("lb_sessies",),
                       "interventies_gestart": ("prev_interventies_gestart", "ie_interventies_gestart"),
                       "best_practices": ("lb_best_practices",)}
ADOPTION_COLUMNS = ["programme_id", "buurtbeeld", "sessies", "interventies_gestart", "best_practices"]


def adoption_counts(conn: Connection, programme_ids: list[int] | None = None) -> pd.DataFrame:
    """Per programme buurt: buurtbeeld opgesteld (yes/no), sessies, gestarte interventies, best practices.

    Two sources describe the same activity: what the buurtnetwerk records in the dashboard (verhaal, review
    sessions, buurtagenda, best practices) and the adoption counts it delivers (lb_buurtbeelden, lb_sessies,
    lb_best_practices, prev_/ie_interventies_gestart, summed over all delivered periods). The count is the larger
    of the two, so neither is double counted and neither is ignored. Recorded interventions: buurtagenda lines
    with status gestart or afgerond.
    """
    wanted = select(ProgrammeBuurt.id.label("programme_id"), ProgrammeBuurt.area_id)
    if programme_ids is not None:
        wanted = wanted.where(ProgrammeBuurt.id.in_(programme_ids))
    ids = pd.DataFrame(conn.execute(wanted).all(), columns=["programme_id", "area_id"])

    def counted(stmt) -> pd.Series:  # noqa: ANN001
        return pd.Series(dict(conn.execute(stmt).all()), dtype="float64")

    written = set(conn.execute(select(Narrative.programme_id).where(or_(
        Narrative.challenges != "", Narrative.strengths != "", Narrative.why_it_matters != "",
        Narrative.if_tackled != ""))).scalars())
    sessions = counted(select(ReviewSession.programme_id, func.count()).group_by(ReviewSession.programme_id))
    started = counted(select(AgendaItem.programme_id, func.count())
                      .where(AgendaItem.status.in_(("gestart", "afgerond")), AgendaItem.deleted.is_(False))
                      .group_by(AgendaItem.programme_id))
    practices = counted(select(BestPractice.programme_id, func.count())
                        .where(BestPractice.deleted.is_(False)).group_by(BestPractice.programme_id))
    # the indicators' ids first: filtered by id, PostgreSQL reads the (indicator, period) index; through a join on
    # the codes it scanned all 3.2 M observations (0.3 s at 1,000 buurten)
    codes_of = dict(conn.execute(select(Indicator.id, Indicator.code).where(
        Indicator.code.in_([c for codes in ADOPTION_INDICATORS.values() for c in codes]))).all())
    totals = select(Observation.area_id, Observation.indicator_id, func.sum(Observation.value)) \
        .where(Observation.indicator_id.in_(sorted(codes_of)), Observation.suppressed.is_(False))
    if programme_ids is not None:  # one buurt's page: its own rows (PostgreSQL summed every buurt's: 0.4-1 s)
        totals = totals.where(Observation.area_id.in_([int(a) for a in ids["area_id"]]))
    delivered = pd.DataFrame(conn.execute(totals.group_by(Observation.area_id, Observation.indicator_id)).all(),
                             columns=["area_id", "indicator_id", "total"])
    delivered["code"] = delivered["indicator_id"].map(codes_of)
    sums = {code: dict(zip(part["area_id"], part["total"], strict=True))
            for code, part in delivered.groupby("code")} if not delivered.empty else {}

    def delivered_of(key: str) -> pd.Series:
        return sum((ids["area_id"].map(sums.get(code, {})).fillna(0) for code in ADOPTION_INDICATORS[key]),
                   start=pd.Series(0.0, index=ids.index))

    out = ids[["programme_id"]].copy()
    out["buurtbeeld"] = ids["programme_id"].isin(written) | (delivered_of("buurtbeeld") > 0)
    def larger(recorded: pd.Series, key: str) -> pd.Series:
        both = pd.concat([ids["programme_id"].map(recorded).fillna(0), delivered_of(key)], axis=1)
        return both.max(axis=1).round().astype(int)

    out["sessies"] = larger(sessions, "sessies")
    out["interventies_gestart"] = larger(started, "interventies_gestart")
    out["best_practices"] = larger(practices, "best_practices")
    return out[ADOPTION_COLUMNS]
