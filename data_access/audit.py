"""The audit log (table `audit_event`): who did what, when, from where. Read by the beheerder on /beheer/audit.

Never pass a password (or any secret) as target or detail: the log is readable by every beheerder.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Connection, and_, or_, select

from data_access.models import AuditEvent, utcnow

# action code → Dutch label for the audit page; codes are stable, labels may be reworded
ACTIONS = {
    "login": "ingelogd",
    "login_failed": "inloggen mislukt",
    "lockout": "account geblokkeerd na mislukte pogingen",
    "logout": "uitgelogd",
    "password_changed": "wachtwoord gewijzigd",
    "import": "bestand geïmporteerd",
    "import_rejected": "import afgewezen",
    "user_created": "gebruiker aangemaakt",
    "user_role": "rol gewijzigd",
    "user_memberships": "buurten gewijzigd",
    "user_source": "bron gewijzigd",
    "user_deactivated": "gebruiker gedeactiveerd",
    "user_reactivated": "gebruiker heractiveerd",
    "user_unlocked": "gebruiker gedeblokkeerd",
    "user_password_reset": "wachtwoord opnieuw ingesteld",
    "access_denied": "toegang geweigerd",
    "edit": "gewijzigd",
}
# Events after which a session that logged in earlier is no longer valid (see dashboard.security).
REVOKING_OWN = ("logout", "password_changed")
REVOKING_BY_ADMIN = ("user_deactivated", "user_role", "user_password_reset")
DEFAULT_LIMIT = 500


def record_event(conn: Connection, actor: str | None, action: str, target: str = "", detail: str = "",
                 ip: str = "") -> None:
    """Write one audit event in the caller's transaction (so it commits or rolls back with the change itself)."""
    conn.execute(AuditEvent.__table__.insert().values(
        at=utcnow(), actor=(actor or None) and actor[:200], action=action[:40], target=(target or "")[:200],
        detail=detail or "", ip=(ip or "")[:64],
    ))


def audit_events(conn: Connection, actor: str | None = None, action: str | None = None,
                 since: dt.datetime | dt.date | None = None, limit: int = DEFAULT_LIMIT,
                 target: str | None = None) -> pd.DataFrame:
    """The newest events first, filtered on actor (part of the e-mail), action code, start time and target."""
    stmt = select(AuditEvent.id, AuditEvent.at, AuditEvent.actor, AuditEvent.action, AuditEvent.target,
                  AuditEvent.detail, AuditEvent.ip)
    if actor:
        stmt = stmt.where(AuditEvent.actor.ilike(f"%{actor.strip()}%"))
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if target:
        stmt = stmt.where(AuditEvent.target.ilike(f"%{target.strip()}%"))
    if since is not None:
        if not isinstance(since, dt.datetime):
            since = dt.datetime.combine(since, dt.time())
        stmt = stmt.where(AuditEvent.at >= since)
    stmt = stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(max(1, min(int(limit), 5000)))
    return pd.read_sql(stmt, conn)


def session_revoked(conn: Connection, email: str, logged_in_at: dt.datetime) -> bool:
    """Whether the user logged out (or a beheerder changed the account) after this session logged in."""
    hit = conn.execute(
        select(AuditEvent.id).where(
            AuditEvent.at > logged_in_at,
            or_(and_(AuditEvent.actor == email, AuditEvent.action.in_(REVOKING_OWN)),
                and_(AuditEvent.target == email, AuditEvent.action.in_(REVOKING_BY_ADMIN))),
        ).limit(1)
    ).first()
    return hit is not None
