"""Versioned records that people edit (narrative, agenda, reviews, best practices, buurtverslagen).

One generic service: `save_record` inserts or updates a record with optimistic locking and writes every saved
version to `record_version`; `history` reads those versions back. The UPDATE carries `WHERE version = base`, so of
two saves that start from the same version exactly one wins, atomically; the other gets a conflict result holding
both the record as the other person saved it and its own unsaved values, so nothing is lost.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import Connection, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError

from data_access.access import Viewer
from data_access.models import (
    AgendaItem,
    BestPractice,
    Budget,
    BudgetActivity,
    BuurtReport,
    Narrative,
    NetworkContacts,
    RecordVersion,
    ReviewSession,
    utcnow,
)

RECORD_TYPES: dict[type, str] = {
    Narrative: "narrative",
    AgendaItem: "agenda_item",
    ReviewSession: "review_session",
    BestPractice: "best_practice",
    BuurtReport: "buurt_report",
    Budget: "budget",
    BudgetActivity: "budget_activity",
    NetworkContacts: "network_contacts",
}
MODELS = {name: model for model, name in RECORD_TYPES.items()}
SYSTEM_FIELDS = ("id", "programme_id", "version", "updated_by", "updated_at")


@dataclass
class SaveResult:
    """What a save did: saved (with the new record), conflict (with both versions) or not found."""

    status: str  # opgeslagen | conflict | onbekend
    record: dict | None = None  # the stored record after the save, or the other person's version on conflict
    unsaved: dict = field(default_factory=dict)  # on conflict: the values this save tried to store

    @property
    def ok(self) -> bool:
        return self.status == "opgeslagen"

    @property
    def conflict(self) -> bool:
        return self.status == "conflict"


@dataclass
class Version:
    """One entry of a record's history."""

    version: int
    author: str
    saved_at: dt.datetime
    data: dict


def record_type(model: type) -> str:
    """The name under which a model's versions are kept in `record_version`."""
    try:
        return RECORD_TYPES[model]
    except KeyError:
        raise ValueError(f"{model.__name__} is geen bewerkbaar record") from None


def editable_fields(model: type) -> list[str]:
    """The columns a user may set; id, buurt, version and author are the service's."""
    return [c.name for c in model.__table__.columns if c.name not in SYSTEM_FIELDS]


def may_edit(viewer: Viewer, programme_id: int | None) -> bool:
    """Transitieteam and beheerder edit every buurt; a buurtnetwerk member only its own buurten."""
    if programme_id is None or viewer.anonymous:
        return False
    if viewer.sees_everything:
        return True
    return viewer.role == "buurtnetwerk" and programme_id in viewer.programme_ids


def _plain(value):  # noqa: ANN001, ANN202
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


def load(conn: Connection, model: type, record_id: int) -> dict | None:
    """One record as a plain dict (None when it does not exist)."""
    row = conn.execute(select(model.__table__).where(model.__table__.c.id == record_id)).mappings().first()
    return dict(row) if row is not None else None


def load_where(conn: Connection, model: type, **keys) -> dict | None:
    """The record matching the given column values (e.g. programme_id and period), or None."""
    table = model.__table__
    stmt = select(table).where(*(table.c[k] == v for k, v in keys.items())).order_by(table.c.id)
    row = conn.execute(stmt).mappings().first()
    return dict(row) if row is not None else None


def _check_values(model: type, values: dict) -> dict:
    allowed = set(editable_fields(model))
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise ValueError(f"onbekende velden voor {record_type(model)}: {', '.join(unknown)}")
    return dict(values)


def _write_version(conn: Connection, model: type, record: dict, author: str) -> None:
    snapshot = {k: _plain(v) for k, v in record.items() if k not in ("updated_by", "updated_at")}
    conn.execute(RecordVersion.__table__.insert().values(
        record_type=record_type(model), record_id=record["id"], programme_id=record.get("programme_id"),
        version=record["version"], author=author, saved_at=record["updated_at"],
        data=json.dumps(snapshot, ensure_ascii=False, sort_keys=True),
    ))


def _existing_by_unique_key(conn: Connection, model: type, programme_id: int, values: dict) -> dict | None:
    """The record another save created first under the same unique key (one narrative per buurt, …)."""
    for constraint in model.__table__.constraints:
        if isinstance(constraint, UniqueConstraint):
            names = [c.name for c in constraint.columns]
            known = {"programme_id": programme_id, **values}
            if names and all(n in known for n in names):
                found = load_where(conn, model, **{n: known[n] for n in names})
                if found is not None:
                    return found
    return None


def save_record(conn: Connection, model: type, record_id: int | None, values: dict, base_version: int | None,
                author: str, programme_id: int) -> SaveResult:
    """Insert (record_id None) or update a record of one buurt with optimistic locking; write its version.

    The caller owns the transaction (`with engine.begin() as conn`). An update only touches a record of the
    given buurt whose version is still `base_version`; otherwise nothing is written and the result carries the
    current record and the unsaved values.
    """
    values = _check_values(model, values)
    table = model.__table__
    now = utcnow()
    if record_id is None:
        try:
            with conn.begin_nested():  # a concurrent first save of the same key must not abort the transaction
                new_id = conn.execute(table.insert().values(
                    **values, programme_id=programme_id, version=1, updated_by=author, updated_at=now,
                ).returning(table.c.id)).scalar_one()
        except IntegrityError:
            current = _existing_by_unique_key(conn, model, programme_id, values)
            if current is None:
                raise
            return SaveResult("conflict", current, values)
        record = load(conn, model, new_id)
        _write_version(conn, model, record, author)
        return SaveResult("opgeslagen", record)
    if base_version is None:
        raise ValueError("een bestaand record opslaan vraagt de versie waarvan de bewerking uitging")
    updated = conn.execute(
        table.update()
        .where(table.c.id == record_id, table.c.programme_id == programme_id, table.c.version == base_version)
        .values(**values, version=base_version + 1, updated_by=author, updated_at=now)
    )
    if updated.rowcount != 1:
        current = load(conn, model, record_id)
        if current is None or current["programme_id"] != programme_id:
            return SaveResult("onbekend", None, values)
        return SaveResult("conflict", current, values)
    record = load(conn, model, record_id)
    _write_version(conn, model, record, author)
    return SaveResult("opgeslagen", record)


def history(conn: Connection, record_type_name: str, record_id: int) -> list[Version]:
    """Every saved version of one record, newest first."""
    rows = conn.execute(
        select(RecordVersion.version, RecordVersion.author, RecordVersion.saved_at, RecordVersion.data)
        .where(RecordVersion.record_type == record_type_name, RecordVersion.record_id == record_id)
        .order_by(RecordVersion.version.desc())
    ).all()
    return [Version(r.version, r.author, r.saved_at, json.loads(r.data)) for r in rows]
