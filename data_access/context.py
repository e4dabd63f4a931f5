"""What a page needs to know before it asks a service anything: the area, the viewer, the catalogue, and for a
programme buurt its start date. One call per callback (`page_context`), instead of each callback resolving the
area and reading the catalogue itself."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, select

from data_access import queries
from data_access.access import Viewer
from data_access.models import ProgrammeBuurt


@dataclass
class PageContext:
    code: str
    viewer: Viewer
    area: queries.AreaInfo | None
    catalogue: pd.DataFrame
    start_date: dt.date | None = None  # programme buurten: the start of the buurt in the programme
    cohort: int | None = None

    @property
    def known(self) -> bool:
        return self.area is not None

    @property
    def is_programme(self) -> bool:
        return self.area is not None and self.area.programme_id is not None


def page_context(conn: Connection, slug_or_code: object, viewer: Viewer) -> PageContext:
    """Resolve a page's area (CBS code or programme slug; None when unknown or absurd) with its context."""
    code = slug_or_code.get("code", "") if isinstance(slug_or_code, dict) else slug_or_code
    code = code if isinstance(code, str) else ""
    area = queries.find_area(conn, code) if code and len(code) <= 80 else None
    context = PageContext(code, viewer, area, queries.indicators(conn))
    if area is not None and area.programme_id is not None:
        row = conn.execute(select(ProgrammeBuurt.start_date, ProgrammeBuurt.cohort)
                           .where(ProgrammeBuurt.id == area.programme_id)).one()
        context.start_date, context.cohort = row.start_date, row.cohort
    return context
