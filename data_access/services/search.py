"""Finding areas by name or code: the navbar search and the area picker of /vergelijken."""

from __future__ import annotations

from sqlalchemy import Connection, or_, select

from data_access.models import Area

LEVELS = ("programma", "buurt", "wijk", "gemeente")


def areas_matching(conn: Connection, search: str, limit: int = 200,
                   levels: tuple[str, ...] = LEVELS, with_children: bool = False) -> list[tuple[str, str, str]]:
    """(code, name, level) of areas whose name or code contains the search text; `with_children`: a gemeente's
    name also finds its wijken and buurten (their parent codes point at it)."""
    term = f"%{search.strip()}%"
    condition = or_(Area.name.ilike(term), Area.code.ilike(term))
    if with_children:
        gemeenten = select(Area.code).where(Area.level == "gemeente", Area.name.ilike(term))
        wijken = select(Area.code).where(Area.level == "wijk", Area.parent_code.in_(gemeenten))
        condition = or_(condition, Area.parent_code.in_(gemeenten), Area.parent_code.in_(wijken))
    rows = conn.execute(select(Area.code, Area.name, Area.level).where(condition, Area.level.in_(list(levels)))
                        .distinct().order_by(Area.level.desc() if not with_children else Area.level, Area.name)
                        .limit(limit)).all()
    return [(r.code, r.name, r.level) for r in rows]


def areas_by_code(conn: Connection, codes: list[str]) -> list[tuple[str, str, str]]:
    rows = conn.execute(select(Area.code, Area.name, Area.level).where(Area.code.in_(codes)).distinct()).all()
    return [(r.code, r.name, r.level) for r in rows]
