"""Editable data files loaded on every start: the indicator catalogue and the programme buurten."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection, select

from data_access.importers.common import upsert_areas
from data_access.models import Area, Indicator, Intervention, ProgrammeBuurt, ProgrammeMember

SEED_DIR = Path(__file__).parent / "seed"
INDICATOR_FIELDS = [
    "code", "name", "description", "theme", "group", "unit", "kind", "per", "polarity", "frequency", "source",
    "source_field", "public", "actiehouder", "suppression_threshold", "aggregation", "weight_indicator",
    "target_value", "target_description",
]


def _entries(path: Path, key: str) -> list[dict]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    defaults = data.get("defaults", {})
    return [{**defaults, **entry} for entry in data.get(key, [])]


def catalogue_entries() -> list[dict]:
    """All indicator definitions from seed/indicatoren_*.toml, in file order."""
    entries = []
    for path in sorted(SEED_DIR.glob("indicatoren_*.toml")):
        entries += _entries(path, "indicator")
    seen: set[str] = set()
    for position, entry in enumerate(entries):
        if entry["code"] in seen:
            raise ValueError(f"indicator '{entry['code']}' staat dubbel in de catalogus")
        seen.add(entry["code"])
        check_threshold(entry)
        entry.setdefault("source_field", entry["code"])
        entry["sort_order"] = position
        for optional in ("per", "weight_indicator", "target_value", "target_description"):
            entry.setdefault(optional, None)
        if entry.get("suppression_threshold") == 0:
            entry["suppression_threshold"] = None
    return entries


def check_threshold(entry: dict) -> None:
    """Refuse an indicator without a small-number threshold: a forgotten one would show counts of 1 to 9.

    Every indicator states one; 0 (no second threshold) only for public indicators, which their source already
    protects; a non-public indicator needs at least 1 (10 for counts of people, see indicatoren_monitoring.toml).
    """
    threshold = entry.get("suppression_threshold")
    if threshold is None or isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 0:
        raise ValueError(f"indicator '{entry['code']}' heeft geen geldige suppression_threshold (drempel voor "
                         f"kleine aantallen, een geheel getal ≥ 0)")
    if threshold == 0 and not entry.get("public", False):
        raise ValueError(f"indicator '{entry['code']}' is niet openbaar en heeft drempel 0: kleine aantallen "
                         f"zouden zichtbaar worden (gebruik 10, of 1 voor activiteiten zonder personen)")


def sync_catalogue(conn: Connection) -> int:
    """Insert new indicators and update changed ones; indicators are never deleted (observations refer to them)."""
    existing = {ind.code: ind for ind in conn.execute(select(Indicator.__table__)).all()}
    table = Indicator.__table__
    for entry in catalogue_entries():
        values = {k: entry[k] for k in INDICATOR_FIELDS} | {"sort_order": entry["sort_order"]}
        if entry["code"] in existing:
            conn.execute(table.update().where(table.c.code == entry["code"]).values(**values))
        else:
            conn.execute(table.insert().values(**values))
    return len(existing)


def programme_entries() -> list[dict]:
    return _entries(SEED_DIR / "programmabuurten.toml", "buurt")


def _level_of(code: str) -> str:
    return {"BU": "buurt", "WK": "wijk", "GM": "gemeente", "NL": "land"}[code[:2]]


def sync_programme(conn: Connection, entries: list[dict] | None = None, synthetic: bool = False) -> None:
    """Create or update programme buurten and their member areas from the data file (or given entries).

    A member code that is not (yet) in the store gets a placeholder area, so the app also runs without
    the public CBS files; importing the CBS area list later fills in the real name.
    """
    entries = entries if entries is not None else programme_entries()
    member_rows = []
    for entry in entries:
        for code in entry["members"]:
            member_rows.append({
                "code": code, "indeling": entry["indeling"], "level": _level_of(code), "name": code,
                "parent_code": ("WK" + code[2:8]) if code.startswith("BU") else ("GM" + code[2:6]),
            })
    known = {(c, i) for c, i in conn.execute(select(Area.code, Area.indeling)).all()}
    missing = [r for r in member_rows if (r["code"], r["indeling"]) not in known]
    programme_areas = [
        {"code": e["slug"], "indeling": e["indeling"], "level": "programma", "name": e["name"], "parent_code": None}
        for e in entries
    ]
    upsert_areas(conn, pd.DataFrame(missing + programme_areas).drop_duplicates(["code", "indeling"]))
    area_ids = {(c, i): a for a, c, i in conn.execute(select(Area.id, Area.code, Area.indeling)).all()}
    existing = {p.slug: p.id for p in conn.execute(select(ProgrammeBuurt.id, ProgrammeBuurt.slug)).all()}
    table = ProgrammeBuurt.__table__
    for entry in entries:
        values = {
            "area_id": area_ids[(entry["slug"], entry["indeling"])],
            "slug": entry["slug"], "name": entry["name"], "alliance_partner": entry["alliance_partner"],
            "region": entry["region"], "cohort": entry["cohort"],
            "start_date": entry["start_date"] if isinstance(entry["start_date"], dt.date)
            else dt.date.fromisoformat(str(entry["start_date"])),
            "status": entry["status"], "provisional": entry["provisional"], "note": entry.get("note", ""),
            "synthetic": entry.get("synthetic", synthetic), "contact_role": entry.get("contact_role", ""),
        }
        if entry["slug"] in existing:
            programme_id = existing[entry["slug"]]
            conn.execute(table.update().where(table.c.id == programme_id).values(**values))
            conn.execute(ProgrammeMember.__table__.delete().where(ProgrammeMember.programme_id == programme_id))
        else:
            programme_id = conn.execute(table.insert().values(**values).returning(table.c.id)).scalar_one()
        conn.execute(ProgrammeMember.__table__.insert(), [
            {"programme_id": programme_id, "area_id": area_ids[(code, entry["indeling"])]}
            for code in entry["members"]
        ])


def menukaart_entries() -> list[dict]:
    """The interventions of the menukaart from seed/menukaart.toml, in file order."""
    entries = _entries(SEED_DIR / "menukaart.toml", "interventie")
    for position, entry in enumerate(entries):
        entry.setdefault("evidence", "")
        entry["sort_order"] = position
    return entries


def sync_menukaart(conn: Connection) -> None:
    """Create or update menukaart interventions from the data file; interventions in use are never deleted."""
    table = Intervention.__table__
    existing = dict(conn.execute(select(Intervention.code, Intervention.id)).all())
    for entry in menukaart_entries():
        values = {k: entry[k] for k in ("code", "name", "theme", "description", "evidence", "sort_order")}
        if entry["code"] in existing:
            conn.execute(table.update().where(table.c.id == existing[entry["code"]]).values(**values))
        else:
            conn.execute(table.insert().values(**values))
