"""The audit log: one function that writes a security-relevant event (logins, imports, edits) to `audit_event`."""

from __future__ import annotations

from sqlalchemy import Connection

from data_access.models import AuditEvent, utcnow


def record_event(conn: Connection, actor: str | None, action: str, target: str = "", detail: str = "",
                 ip: str = "") -> None:
    """Write one audit event in the caller's transaction (so an edit and its audit line commit together)."""
    conn.execute(AuditEvent.__table__.insert().values(
        at=utcnow(), actor=actor, action=action[:40], target=target[:200], detail=detail, ip=(ip or "")[:64],
    ))
