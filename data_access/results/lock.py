"""One refresh at a time across all processes and machines: a lock row in the shared database.

Taking the lock is one atomic UPDATE on the row `refresh_state` (id 1) that only succeeds while nobody holds it,
so it works the same on SQLite and PostgreSQL and across machines. A trigger that finds the lock taken leaves a
note (`pending`, with the programme ids it concerns, or "*" for everything); the holder runs once more for all
notes together before it lets go, so triggers are coalesced, never run twice at once and never lost. A holder
that died is taken over when its heartbeat (`locked_at`, renewed at every step) is older than STALE.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, or_, select, update

from data_access.models import RefreshState, utcnow

STALE = dt.timedelta(minutes=10)
EVERYTHING = "*"


class RefreshLock:
    def __init__(self, engine: Engine, holder: str):
        self.engine = engine
        self.holder = holder

    def acquire(self) -> bool:
        now = utcnow()
        with self.engine.begin() as conn:
            done = conn.execute(update(RefreshState).where(
                RefreshState.id == 1,
                or_(RefreshState.holder.is_(None), RefreshState.locked_at < now - STALE),
            ).values(holder=self.holder, locked_at=now, step="start"))
            return done.rowcount == 1

    def heartbeat(self, step: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(RefreshState).where(RefreshState.id == 1, RefreshState.holder == self.holder)
                         .values(locked_at=utcnow(), step=step[:200]))

    def request(self, programme_ids: list[int] | None) -> None:
        """Leave a note for the running refresh: run again for these buurten (None: everything)."""
        note = EVERYTHING if programme_ids is None else ",".join(str(i) for i in programme_ids)
        with self.engine.begin() as conn:
            conn.execute(update(RefreshState).where(RefreshState.id == 1)
                         .values(pending=True, pending_ids=RefreshState.pending_ids + "," + note))

    def release_or_next(self) -> tuple[bool, list[int] | None]:
        """Let go when no note came in (→ (False, None)); else take the notes (→ (True, programme ids or None))."""
        with self.engine.begin() as conn:
            done = conn.execute(update(RefreshState).where(
                RefreshState.id == 1, RefreshState.holder == self.holder, RefreshState.pending.is_(False),
            ).values(holder=None, locked_at=None, step=""))
            if done.rowcount == 1:
                return False, None
        with self.engine.begin() as conn:
            notes = conn.execute(select(RefreshState.pending_ids).where(RefreshState.id == 1)).scalar() or ""
            conn.execute(update(RefreshState).where(RefreshState.id == 1, RefreshState.pending_ids == notes)
                         .values(pending=False, pending_ids=""))
        parts = [p for p in notes.split(",") if p]
        if EVERYTHING in parts:
            return True, None
        return True, sorted({int(p) for p in parts})

    def release(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(RefreshState).where(RefreshState.id == 1, RefreshState.holder == self.holder)
                         .values(holder=None, locked_at=None, step=""))
