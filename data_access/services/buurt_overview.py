"""View-model of /buurt/<slug>: the buurt's key facts, its member areas and its adoption counts."""

from __future__ import annotations

from sqlalchemy import Connection, select

from data_access import definitions, queries
from data_access.context import PageContext
from data_access.models import Area


def buurt_overview(conn: Connection, context: PageContext) -> dict:
    """Plain data for the overview page of a programme buurt (the caller checked `context.is_programme`)."""
    area = context.area
    programme = queries.programme_buurten(conn)
    row = programme[programme["code"] == area.code].iloc[0]
    gemeente = row["gemeente_code"] if isinstance(row["gemeente_code"], str) else None
    names = dict(conn.execute(select(Area.code, Area.name)
                              .where(Area.code.in_(area.member_codes + ([gemeente] if gemeente else [])))).all())
    adoption = definitions.adoption_counts(conn, [area.programme_id]).iloc[0].to_dict()
    return {
        "code": area.code, "name": area.name, "region": row["region"], "alliance_partner": row["alliance_partner"],
        "cohort": int(row["cohort"]), "start_date": context.start_date, "status": row["status"] or "",
        "provisional": bool(row["provisional"]), "note": row["note"] if isinstance(row["note"], str) else "",
        "members": [(m, names.get(m, m)) for m in area.member_codes],
        "gemeente": (gemeente, names.get(gemeente, gemeente)) if gemeente else None,
        "adoption": {k: adoption[k] for k in definitions.ADOPTION_COLUMNS if k != "programme_id"},
    }
