"""Small look-ups for the beheer pages and the start of the app (so no callback or view writes SQL)."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from data_access.models import ImportBatch, ProgrammeBuurt, User


def programme_choices(conn: Connection) -> list[tuple[str, str]]:
    """(slug, name) of every programme buurt, by name."""
    return [(r.slug, r.name) for r in conn.execute(
        select(ProgrammeBuurt.slug, ProgrammeBuurt.name).order_by(ProgrammeBuurt.name)).all()]


def user_email(conn: Connection, user_id: int) -> str | None:
    return conn.execute(select(User.email).where(User.id == user_id)).scalar()


def store_is_empty(conn: Connection) -> bool:
    """Nothing was ever imported (the first start of a demo loads the demo data)."""
    return conn.execute(select(func.count()).select_from(ImportBatch)).scalar() == 0
