"""Kartrekkers' contact details per buurtnetwerk: read, parse and save (versioned through `records.save_record`).

Edited on /buurt/<slug>/netwerk by the buurt's members (and the transitieteam); shown to logged-in programme members
(buurtnetwerk, transitieteam, beheerder) next to learning partners and best practices, never to anonymous visitors
or suppliers: these are names and addresses of people.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, select

from data_access import records
from data_access.access import Viewer
from data_access.models import NetworkContacts, ProgrammeBuurt

EMAIL = re.compile(r"^[^@\s;]+@[^@\s;]+\.[^@\s;]+$")
PHONE = re.compile(r"^[+0-9][0-9 ()-]{5,19}$")
MAX_LINES = 12
PROGRAMME_ROLES = ("buurtnetwerk", "transitieteam", "beheerder")


def may_see_contacts(viewer: Viewer) -> bool:
    """Programme members see the kartrekkers' names and addresses; anonymous visitors and suppliers do not."""
    return viewer.role in PROGRAMME_ROLES


def parse_contacts(text: str | None) -> tuple[list[dict], list[str]]:
    """Lines "naam; rol; e-mail; telefoon" → contacts, and the problems found (with line numbers)."""
    contacts, problems = [], []
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) > MAX_LINES:
        problems.append(f"hoogstens {MAX_LINES} kartrekkers")
    for n, line in enumerate(lines[:MAX_LINES], start=1):
        parts = [p.strip() for p in line.split(";")] + ["", "", ""]
        name, role, email, phone = parts[:4]
        if not name:
            problems.append(f"regel {n}: geen naam")
            continue
        if email and not EMAIL.match(email):
            problems.append(f"regel {n}: ‘{email}’ is geen e-mailadres")
        if phone and not PHONE.match(phone):
            problems.append(f"regel {n}: ‘{phone}’ is geen telefoonnummer")
        if not email and not phone:
            problems.append(f"regel {n}: geef een e-mailadres of telefoonnummer")
        contacts.append({"name": name, "role": role, "email": email, "phone": phone})
    return contacts, problems


def load_contacts(conn: Connection, programme_id: int) -> dict | None:
    """The buurt's contacts record (id, version, kartrekkers text, author and time), or None."""
    return records.load_where(conn, NetworkContacts, programme_id=programme_id)


def contacts_by_slug(conn: Connection, viewer: Viewer, slugs: list[str]) -> dict[str, list[dict]]:
    """Parsed kartrekkers per programme-buurt slug, for viewers who may see them (else empty)."""
    if not may_see_contacts(viewer) or not slugs:
        return {}
    rows = conn.execute(
        select(ProgrammeBuurt.slug, NetworkContacts.kartrekkers)
        .join(NetworkContacts, NetworkContacts.programme_id == ProgrammeBuurt.id)
        .where(ProgrammeBuurt.slug.in_(slugs))
    ).all()
    return {slug: parse_contacts(text)[0] for slug, text in rows}


def save_contacts(conn: Connection, programme_id: int, text: str, base_version: int | None,
                  record_id: int | None, author: str) -> records.SaveResult:
    """Save the kartrekkers text (the caller authorises and checks `parse_contacts` first)."""
    return records.save_record(conn, NetworkContacts, record_id, {"kartrekkers": text}, base_version, author,
                               programme_id)
