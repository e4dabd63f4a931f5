"""User accounts: the one service behind /beheer/gebruikers and `python -m dashboard users ...`, plus demo accounts.

Every change is validated (messages in Dutch, raised as UserError) and written to the audit log in the same
transaction. Passwords are stored as scrypt hashes only; generated one-time passwords are returned once to the
caller (shown once on the page or printed once by the CLI) and never logged.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, Engine, case, delete, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from data_access.access import ROLES
from data_access.audit import record_event
from data_access.models import Membership, ProgrammeBuurt, User

DEMO_PASSWORD = "demo"
DEMO_ACCOUNTS = [
    # email, name, role, programme slugs, supplier source
    ("beheer@demo.nl", "Demo beheerder", "beheerder", [], None),
    ("transitie@demo.nl", "Demo transitieteam", "transitieteam", [], None),
    ("vijfhoek@demo.nl", "Demo buurtnetwerk De Vijfhoek", "buurtnetwerk", ["de-vijfhoek"], None),
    ("sterrenwijk@demo.nl", "Demo buurtnetwerk Sterrenwijk", "buurtnetwerk", ["sterrenwijk"], None),
    ("verzekeraar@demo.nl", "Demo leverancier (verzekeraar)", "leverancier", [], "demo (synthetisch)"),
]
MIN_PASSWORD_LENGTH = 10
# Length limits of every text field (the columns' sizes; a password longer than this is refused, not truncated).
MAX_EMAIL_LENGTH = 200
MAX_NAME_LENGTH = 200
MAX_SOURCE_LENGTH = 100
MAX_PASSWORD_LENGTH = 200
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class UserError(ValueError):
    """A change to a user that is not allowed or not valid; the message is Dutch and shown as is."""


def _text(value: object) -> str | None:
    """A stripped text or None (also for pandas' NaN)."""
    return value.strip() or None if isinstance(value, str) else None


def _slugs(programmes: object) -> list[str]:
    """The chosen programme buurten as sorted unique slugs; anything but a list of texts is refused."""
    if programmes is None:
        return []
    if not isinstance(programmes, list | tuple) or not all(isinstance(p, str) and len(p) <= 80 for p in programmes):
        raise UserError("Ongeldige keuze van programmabuurten.")
    return sorted(set(programmes))


def _plain(value: object, field: str) -> str:
    """A form field's text ("" when empty); a crafted non-text value is refused."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise UserError(f"Ongeldige invoer voor {field}.")
    return value


def _hash(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def generate_password() -> str:
    """A random one-time password (about 96 bits), readable enough to pass on by phone."""
    return secrets.token_urlsafe(12)


def _programme_ids(conn: Connection, slugs: list[str]) -> dict[str, int]:
    known = dict(conn.execute(select(ProgrammeBuurt.slug, ProgrammeBuurt.id)).all())
    unknown = [s for s in slugs if s not in known]
    if unknown:
        raise UserError(f"Onbekende programmabuurt: {', '.join(unknown)}.")
    return {s: known[s] for s in slugs}


def _check_fields(role: str, programmes: list[str], supplier_source: str | None) -> None:
    if supplier_source is not None and len(supplier_source) > MAX_SOURCE_LENGTH:
        raise UserError(f"De bron mag hoogstens {MAX_SOURCE_LENGTH} tekens hebben.")
    if not isinstance(role, str) or role not in ROLES:
        raise UserError(f"Onbekende rol '{role}'; kies uit {', '.join(ROLES)}.")
    if role == "buurtnetwerk" and not programmes:
        raise UserError("Kies minstens één programmabuurt voor een buurtnetwerk.")
    if role != "buurtnetwerk" and programmes:
        raise UserError("Alleen een buurtnetwerk is lid van programmabuurten; laat de buurten leeg.")
    if role == "leverancier" and not (supplier_source or "").strip():
        raise UserError("Vul de bron in waarvoor deze leverancier levert (zoals in de kolom 'bron').")
    if role != "leverancier" and (supplier_source or "").strip():
        raise UserError("Alleen een leverancier heeft een bron; laat de bron leeg.")


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"Het wachtwoord moet minstens {MIN_PASSWORD_LENGTH} tekens hebben.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise UserError(f"Het wachtwoord mag hoogstens {MAX_PASSWORD_LENGTH} tekens hebben.")


def _user(conn: Connection, user_id: int):  # noqa: ANN202
    row = conn.execute(select(User.__table__).where(User.id == user_id)).first()
    if row is None:
        raise UserError("Onbekende gebruiker.")
    return row


def _memberships(conn: Connection, user_id: int) -> list[str]:
    return list(conn.execute(
        select(ProgrammeBuurt.slug).join(Membership, Membership.programme_id == ProgrammeBuurt.id)
        .where(Membership.user_id == user_id).order_by(ProgrammeBuurt.slug)
    ).scalars())


def list_users(conn: Connection) -> pd.DataFrame:
    """All users with their role, buurten (slugs), source and status, ordered by e-mail."""
    users = pd.read_sql(
        select(User.id, User.email, User.name, User.role, User.supplier_source, User.active, User.demo,
               User.failed_logins, User.locked_until, User.created_at).order_by(User.email), conn)
    members = pd.read_sql(
        select(Membership.user_id, ProgrammeBuurt.slug).join(ProgrammeBuurt,
                                                           ProgrammeBuurt.id == Membership.programme_id)
        .order_by(ProgrammeBuurt.slug), conn)
    grouped = members.groupby("user_id")["slug"].apply(list)
    users["supplier_source"] = users["supplier_source"].astype(object).where(users["supplier_source"].notna(), None)
    users["buurten"] = users["id"].map(grouped).apply(lambda v: v if isinstance(v, list) else [])
    return users


def add_user(conn: Connection, actor: str, email: str, role: str, name: str = "",
             programmes: list[str] | None = None, supplier_source: str | None = None,
             password: str | None = None, ip: str = "") -> tuple[int, str | None]:
    """Create a user; without a password a one-time password is generated and returned (shown once)."""
    email = _plain(email, "het e-mailadres").strip().lower()
    programmes = _slugs(programmes)
    supplier_source = _text(_plain(supplier_source, "de bron"))
    name = _plain(name, "de naam").strip()
    if len(email) > MAX_EMAIL_LENGTH:
        raise UserError(f"Het e-mailadres mag hoogstens {MAX_EMAIL_LENGTH} tekens hebben.")
    if not EMAIL_RE.match(email):
        raise UserError("Vul een geldig e-mailadres in.")
    if len(name) > MAX_NAME_LENGTH:
        raise UserError(f"De naam mag hoogstens {MAX_NAME_LENGTH} tekens hebben.")
    _check_fields(role, programmes, supplier_source)
    if conn.execute(select(User.id).where(User.email == email)).first() is not None:
        raise UserError(f"Er bestaat al een gebruiker met e-mailadres {email}.")
    generated = None
    if password is None:
        password = generated = generate_password()
    check_password_strength(password)
    ids = _programme_ids(conn, programmes)
    user_id = conn.execute(User.__table__.insert().values(
        email=email, name=name, password_hash=_hash(password), role=role,
        supplier_source=supplier_source, active=True, demo=False, failed_logins=0,
        must_change_password=generated is not None,  # a generated password is for the first login only
    ).returning(User.id)).scalar_one()
    if ids:
        conn.execute(Membership.__table__.insert(), [{"user_id": user_id, "programme_id": pid}
                                                     for pid in ids.values()])
    detail = f"rol {role}" + (f"; buurten {', '.join(programmes)}" if programmes else "") + (
        f"; bron {supplier_source}" if supplier_source else "")
    record_event(conn, actor, "user_created", target=email, detail=detail, ip=ip)
    return user_id, generated


def update_user(conn: Connection, actor: str, user_id: int, role: str, programmes: list[str] | None = None,
                supplier_source: str | None = None, ip: str = "") -> list[str]:
    """Change role, buurt memberships and supplier source together; returns the audit actions written."""
    row = _user(conn, user_id)
    programmes = _slugs(programmes)
    supplier_source = _text(_plain(supplier_source, "de bron"))
    _check_fields(role, programmes, supplier_source)
    if row.email == actor and role != row.role:
        raise UserError("U kunt uw eigen rol niet wijzigen; vraag een andere beheerder.")
    ids = _programme_ids(conn, programmes)
    done = []
    if role != row.role:
        conn.execute(update(User).where(User.id == user_id).values(role=role))
        record_event(conn, actor, "user_role", target=row.email, detail=f"{row.role} → {role}", ip=ip)
        done.append("user_role")
    before = _memberships(conn, user_id)
    if before != programmes:
        conn.execute(delete(Membership).where(Membership.user_id == user_id))
        if ids:
            conn.execute(Membership.__table__.insert(), [{"user_id": user_id, "programme_id": pid}
                                                         for pid in ids.values()])
        record_event(conn, actor, "user_memberships", target=row.email,
                     detail=f"{', '.join(before) or '–'} → {', '.join(programmes) or '–'}", ip=ip)
        done.append("user_memberships")
    if supplier_source != row.supplier_source:
        conn.execute(update(User).where(User.id == user_id).values(supplier_source=supplier_source))
        record_event(conn, actor, "user_source", target=row.email,
                     detail=f"{row.supplier_source or '–'} → {supplier_source or '–'}", ip=ip)
        done.append("user_source")
    return done


def set_active(conn: Connection, actor: str, user_id: int, active: bool, ip: str = "") -> None:
    """Deactivate (can no longer log in; open sessions end) or reactivate a user."""
    row = _user(conn, user_id)
    if row.email == actor and not active:
        raise UserError("U kunt uw eigen account niet deactiveren.")
    if bool(row.active) == active:
        raise UserError("Deze gebruiker is al " + ("actief." if active else "gedeactiveerd."))
    conn.execute(update(User).where(User.id == user_id).values(active=active))
    record_event(conn, actor, "user_reactivated" if active else "user_deactivated", target=row.email, ip=ip)


def unlock(conn: Connection, actor: str, user_id: int, ip: str = "") -> None:
    """Lift a lockout after failed logins."""
    row = _user(conn, user_id)
    conn.execute(update(User).where(User.id == user_id).values(failed_logins=0, locked_until=None))
    record_event(conn, actor, "user_unlocked", target=row.email, ip=ip)


def reset_password(conn: Connection, actor: str, user_id: int, ip: str = "") -> str:
    """Give the user a new one-time password (returned once); open sessions end, a lockout is lifted."""
    row = _user(conn, user_id)
    password = generate_password()
    conn.execute(update(User).where(User.id == user_id).values(password_hash=_hash(password), failed_logins=0,
                                                               locked_until=None, must_change_password=True))
    record_event(conn, actor, "user_password_reset", target=row.email, ip=ip)
    return password


def change_own_password(conn: Connection, user_id: int, current: str, new: str, ip: str = "") -> None:
    """A user replaces their own password (checked against the current one); all their sessions end."""
    row = _user(conn, user_id)
    if len(current) > MAX_PASSWORD_LENGTH or not check_password_hash(row.password_hash, current):
        raise UserError("Het huidige wachtwoord klopt niet.")
    check_password_strength(new)
    if new == current:
        raise UserError("Kies een ander wachtwoord dan het huidige.")
    conn.execute(update(User).where(User.id == user_id).values(password_hash=_hash(new),
                                                               must_change_password=False))
    record_event(conn, row.email, "password_changed", target=row.email, ip=ip)


def create_user(engine: Engine, email: str, password: str, role: str, name: str = "",
                programmes: list[str] | None = None, supplier_source: str | None = None,
                demo: bool = False) -> int:
    """Create a user with a scrypt password hash and buurt memberships, unaudited (demo accounts, fixtures)."""
    if role not in ROLES:
        raise ValueError(f"onbekende rol '{role}'; kies uit {', '.join(ROLES)}")
    email = email.strip().lower()
    with engine.begin() as conn:
        ids = dict(conn.execute(select(ProgrammeBuurt.slug, ProgrammeBuurt.id)).all())
        unknown = [s for s in programmes or [] if s not in ids]
        if unknown:
            raise ValueError(f"onbekende programmabuurt: {', '.join(unknown)}")
        user_id = conn.execute(User.__table__.insert().values(
            email=email, name=name, password_hash=_hash(password), role=role,
            supplier_source=supplier_source, active=True, demo=demo, failed_logins=0,
        ).returning(User.id)).scalar_one()
        for slug in programmes or []:
            conn.execute(Membership.__table__.insert().values(user_id=user_id, programme_id=ids[slug]))
    return user_id


def ensure_demo_accounts(engine: Engine) -> None:
    """Create the demo accounts listed in the README when they do not exist yet."""
    with engine.connect() as conn:
        existing = set(conn.execute(select(User.email)).scalars())
    for email, name, role, programmes, source in DEMO_ACCOUNTS:
        if email not in existing:
            try:
                create_user(engine, email, DEMO_PASSWORD, role, name, programmes, source, demo=True)
            except IntegrityError:
                pass  # another process starting at the same moment created it first


def remove_demo_accounts(engine: Engine) -> None:
    """Outside demo mode the demo accounts (with their well-known password) must not exist."""
    with engine.begin() as conn:
        conn.execute(User.__table__.delete().where(User.demo.is_(True)))


# ---------------------------------------------------------------- login attempts (the lockout)

@dataclass(frozen=True)
class LoginAttempt:
    """One claimed password check: the user's id, stored hash and which failed attempt in a row this would be."""

    user_id: int
    password_hash: str
    attempt: int
    locks: bool  # this attempt reached the limit: the account is locked unless the password is right


def claim_login_attempt(conn: Connection, email: str, now: dt.datetime, max_failures: int,
                        lock_minutes: float) -> LoginAttempt | None:
    """Count an attempt BEFORE its password is checked, in one atomic UPDATE ... RETURNING.

    None when the account is unknown, deactivated or locked: no password may be checked then. Parallel requests
    each get their own attempt number from the database, so exactly `max_failures` checks happen before the lock:
    the attempt that reaches the limit sets `locked_until` itself (lifted again by `login_succeeded` when its
    password turns out right). An expired lock starts the count afresh. Commit right after, before the slow hash.
    """
    table = User.__table__
    count = case((table.c.locked_until.is_(None), table.c.failed_logins), else_=0) + 1
    row = conn.execute(
        update(table)
        .where(table.c.email == email, table.c.active.is_(True),
               (table.c.locked_until.is_(None)) | (table.c.locked_until <= now))
        .values(failed_logins=count,
                locked_until=case((count >= max_failures, now + dt.timedelta(minutes=lock_minutes)), else_=None))
        .returning(table.c.id, table.c.password_hash, table.c.failed_logins)
    ).first()
    if row is None:
        return None
    return LoginAttempt(int(row.id), row.password_hash, int(row.failed_logins), int(row.failed_logins) >= max_failures)


def login_succeeded(conn: Connection, user_id: int) -> None:
    """The right password: the failure count and any lock it set are cleared."""
    conn.execute(update(User).where(User.id == user_id).values(failed_logins=0, locked_until=None))


def login_refusal_reason(conn: Connection, email: str, now: dt.datetime) -> str:
    """Why no password was checked, for the audit log only (the visitor always gets the same message)."""
    row = conn.execute(select(User.active, User.locked_until).where(User.email == email)).first()
    if row is None or not row.active:
        return "onbekend of gedeactiveerd account"
    return "account geblokkeerd" if row.locked_until and row.locked_until > now else "geweigerd"

