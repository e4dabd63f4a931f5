"""The audit log: one function that records a security-relevant event in the `audit_event` table."""

from __future__ import annotations

from sqlalchemy import Connection

from data_access.models import AuditEvent, utcnow


def record_event(conn: Connection, actor: str | None, action: str, target: str = "", detail: str = "",
                 ip: str = "") -> None:
    """Write one audit event (who, what, on which target) in the caller's transaction."""
    conn.execute(AuditEvent.__table__.insert().values(
        at=utcnow(), actor=actor, action=action[:40], target=(target or "")[:200], detail=detail or "",
        ip=(ip or "")[:64]))
