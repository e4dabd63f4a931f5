"""User accounts: creation, memberships and the demo accounts (which exist only in demo mode)."""

from __future__ import annotations

from sqlalchemy import Engine, select
from werkzeug.security import generate_password_hash

from data_access.access import ROLES
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


def create_user(engine: Engine, email: str, password: str, role: str, name: str = "",
                programmes: list[str] | None = None, supplier_source: str | None = None,
                demo: bool = False) -> int:
    """Create a user with a scrypt password hash and buurt memberships; returns the id."""
    if role not in ROLES:
        raise ValueError(f"onbekende rol '{role}'; kies uit {', '.join(ROLES)}")
    email = email.strip().lower()
    with engine.begin() as conn:
        ids = dict(conn.execute(select(ProgrammeBuurt.slug, ProgrammeBuurt.id)).all())
        unknown = [s for s in programmes or [] if s not in ids]
        if unknown:
            raise ValueError(f"onbekende programmabuurt: {', '.join(unknown)}")
        user_id = conn.execute(User.__table__.insert().values(
            email=email, name=name, password_hash=generate_password_hash(password, method="scrypt"), role=role,
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
            create_user(engine, email, DEMO_PASSWORD, role, name, programmes, source, demo=True)


def remove_demo_accounts(engine: Engine) -> None:
    """Outside demo mode the demo accounts (with their well-known password) must not exist."""
    with engine.begin() as conn:
        conn.execute(User.__table__.delete().where(User.demo.is_(True)))
