"""The list of programme buurten one screen shows: search and paging, so the page stays small at 1,000 buurten."""

from __future__ import annotations

import math

from sqlalchemy import Connection

from data_access import queries

PER_PAGE = 24


def programme_page(conn: Connection, search: str | None = None, page: int | None = 1,
                   per_page: int = PER_PAGE) -> dict:
    """One page of programme buurten matching the search (name, slug, region, partner, cohort), with the totals."""
    programme = queries.programme_buurten(conn)
    total = len(programme)
    text = (search or "").strip().lower()
    if text:
        haystack = (programme["name"].str.lower() + " " + programme["code"] + " " + programme["region"].str.lower()
                    + " " + programme["alliance_partner"].str.lower() + " cohort " + programme["cohort"].astype(str))
        programme = programme[haystack.str.contains(text, regex=False)]
    pages = max(1, math.ceil(len(programme) / per_page))
    page = min(max(1, int(page or 1)), pages)
    part = programme.iloc[(page - 1) * per_page: page * per_page]
    rows = [{"code": r.code, "name": r.name, "region": r.region, "alliance_partner": r.alliance_partner,
             "cohort": int(r.cohort), "provisional": bool(r.provisional), "members": len(r.members),
             "start_date": r.start_date} for r in part.itertuples()]
    return {"rows": rows, "matching": len(programme), "total": total, "page": page, "pages": pages}
