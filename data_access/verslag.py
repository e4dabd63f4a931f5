"""Content of the public buurtverslag (/verslag/<slug>/<year>): intro, agenda and a few safe headline figures.

Safe means: public-source indicators as an anonymous visitor sees them, plus the buurtnetwerk's adoption counts
at the level of the programme buurt as a whole — both through `published.visible_observations`, so the same
access rules and small-number suppression apply as on the pages and in the API.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Connection, select

from data_access import periods, queries
from data_access.access import ANONYMOUS, Viewer
from data_access.models import BuurtReport
from data_access.netwerk import agenda
from data_access.published import visible_observations

HEADLINE_CODES = ["inwoners", "pct_65plus", "huishoudens", "eenzaam_65plus", "ervaren_gezondheid_goed_18plus",
                  "mantelzorger_18plus", "afstand_huisarts"]
# Published adoption counts are shown as any other buurtnetwerk may see them: the programme-buurt aggregate only,
# never a member CBS area, with suppression applied. A buurtnetwerk viewer without memberships is exactly that.
AGGREGATE_ONLY = Viewer(role="buurtnetwerk")


@dataclass
class Figure:
    code: str
    name: str
    unit: str
    kind: str
    value: float | None
    period: str
    source: str
    note: str = ""


@dataclass
class Report:
    slug: str
    name: str
    year: int
    intro: str
    published_at: object
    agenda: pd.DataFrame
    headlines: list[Figure] = field(default_factory=list)
    adoption: list[Figure] = field(default_factory=list)


def _latest_figures(frame: pd.DataFrame, catalogue: pd.DataFrame, codes: list[str], year: int) -> list[Figure]:
    """Per indicator the newest period up to the report year (its value may be hidden, with the reason)."""
    if frame.empty:
        return []
    cat = catalogue.set_index("code")
    frame = frame[frame["period"].map(lambda p: periods.is_valid(p) and periods.year_of(p) <= year)]
    out = []
    for code in codes:
        rows = frame[frame["indicator"] == code]
        if rows.empty:
            continue
        rows = rows.assign(_k=rows["period"].map(periods.sort_key)).sort_values(["_k", "indeling"])
        row = rows.iloc[-1]
        value = None if pd.isna(row["value"]) else float(row["value"])
        out.append(Figure(code, cat.at[code, "name"], cat.at[code, "unit"], cat.at[code, "kind"], value,
                          row["period"], str(row["source"] or ""), str(row["note"] or "")))
    return out


def published_report(conn: Connection, slug: str, year: int) -> Report | None:
    """The published buurtverslag of one buurt and year, or None (unknown buurt, no report or not published)."""
    area = queries.find_area(conn, slug)
    if area is None or area.programme_id is None:
        return None
    row = conn.execute(select(BuurtReport.__table__).where(
        BuurtReport.programme_id == area.programme_id, BuurtReport.year == year, BuurtReport.published.is_(True))
    ).first()
    if row is None:
        return None
    catalogue = queries.indicators(conn)
    public = catalogue[catalogue["public"].astype(bool) & catalogue["code"].isin(HEADLINE_CODES)]
    codes = [c for c in HEADLINE_CODES if c in set(public["code"])]
    headline_frame = visible_observations(conn, ANONYMOUS, area, codes, catalogue=catalogue) if codes else \
        pd.DataFrame()
    adoptie = catalogue[catalogue["group"] == "adoptie"]
    adoption_frame = visible_observations(conn, AGGREGATE_ONLY, area, list(adoptie["code"]), catalogue=catalogue)
    if not adoption_frame.empty:  # only figures of the report year itself
        adoption_frame = adoption_frame[adoption_frame["period"].map(
            lambda p: periods.is_valid(p) and periods.year_of(p) == year)]
    return Report(
        slug=area.code, name=area.name, year=year, intro=row.intro, published_at=row.published_at,
        agenda=agenda(conn, area.programme_id),
        headlines=_latest_figures(headline_frame, catalogue, codes, year),
        adoption=_latest_figures(adoption_frame, catalogue, list(adoptie["code"]), year),
    )
