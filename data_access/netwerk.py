"""Read queries for the buurtnetwerk's own inputs: menukaart, buurtagenda, review sessions and buurtverslagen.

Writes go through `data_access.records.save_record` (versioned); adoption counts through the `levering` importer.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
from sqlalchemy import Connection, select

from data_access.models import AgendaItem, BuurtReport, Intervention, ProgrammeBuurt, ReviewSession

# the buurtnetwerk's inputs: domain rules that the page, its callbacks and the checks share
MANDATORY_THEMES = ("zorgzaam", "lerend")
STATUSES = ["gepland", "gestart", "afgerond", "gestopt"]
SKIPPED = "overgeslagen"  # agenda line saying the buurt skips a theme; its note is the justification
STORY_FIELDS = [
    ("challenges", "Uitdagingen", "Welke belangrijke uitdagingen zien we in de buurt?"),
    ("strengths", "Krachten", "Welke krachten heeft de buurt (mensen, netwerken, voorzieningen)?"),
    ("why_it_matters", "Waarom is dit belangrijk?", "Voor wie, en wat merken bewoners ervan?"),
    ("if_tackled", "Wat levert het op als we dit aanpakken?", "Wat is er over een paar jaar anders?"),
]
REVIEW_FIELDS = [
    ("attendees", "Aanwezig", "Wie waren er (namen of rollen)?"),
    ("notes", "Aantekeningen", "Wat viel op in het uitkomstendashboard?"),
    ("actions", "Afgesproken acties", "Eén actie per regel: wie doet wat, en wanneer? Zet de status erachter: "
                                      "[open], [loopt] of [afgerond]."),
]

AGENDA_COLUMNS = ["id", "version", "theme", "intervention_id", "intervention_code", "intervention_name", "title",
                  "start_date", "status", "note", "updated_by", "updated_at"]


def menukaart(conn: Connection) -> pd.DataFrame:
    """All interventions of the menukaart, per theme in menukaart order."""
    return pd.read_sql(select(Intervention.id, Intervention.code, Intervention.name, Intervention.theme,
                              Intervention.description).order_by(Intervention.sort_order, Intervention.id), conn)


def agenda(conn: Connection, programme_id: int) -> pd.DataFrame:
    """The live (not deleted) lines of one buurt's agenda, with the menukaart names, ordered by theme and start."""
    frame = pd.read_sql(
        select(AgendaItem.id, AgendaItem.version, AgendaItem.theme, AgendaItem.intervention_id,
               Intervention.code.label("intervention_code"), Intervention.name.label("intervention_name"),
               AgendaItem.title, AgendaItem.start_date, AgendaItem.status, AgendaItem.note, AgendaItem.updated_by,
               AgendaItem.updated_at)
        .join(Intervention, Intervention.id == AgendaItem.intervention_id, isouter=True)
        .where(AgendaItem.programme_id == programme_id, AgendaItem.deleted.is_(False))
        .order_by(AgendaItem.theme, AgendaItem.start_date, AgendaItem.id), conn)
    return frame[AGENDA_COLUMNS]


def reviews(conn: Connection, programme_id: int) -> pd.DataFrame:
    """All review sessions of one buurt (period, date, attendees, notes, actions), newest period first."""
    frame = pd.read_sql(
        select(ReviewSession.id, ReviewSession.version, ReviewSession.period, ReviewSession.held_on,
               ReviewSession.attendees, ReviewSession.notes, ReviewSession.actions, ReviewSession.updated_by,
               ReviewSession.updated_at)
        .where(ReviewSession.programme_id == programme_id), conn)
    if frame.empty:
        return frame
    from data_access import periods

    keys = frame["period"].map(lambda p: periods.sort_key(p) if periods.is_valid(p) else (0, 0))
    return frame.assign(_k=keys).sort_values("_k", ascending=False).drop(columns="_k").reset_index(drop=True)


def published_reports(conn: Connection, slug: str | None = None) -> pd.DataFrame:
    """Published buurtverslagen (slug, buurt name, year, published_at), optionally of one buurt."""
    stmt = (
        select(ProgrammeBuurt.slug, ProgrammeBuurt.name, BuurtReport.year, BuurtReport.published_at)
        .join(ProgrammeBuurt, ProgrammeBuurt.id == BuurtReport.programme_id)
        .where(BuurtReport.published.is_(True))
        .order_by(BuurtReport.year.desc(), ProgrammeBuurt.name)
    )
    if slug is not None:
        stmt = stmt.where(ProgrammeBuurt.slug == slug)
    return pd.read_sql(stmt, conn)


def delivery_csv(slug: str, period: str, source: str, rows: list[dict]) -> bytes:
    """A generic delivery CSV (the `levering` format) for one buurt and period.

    rows: dicts with indicator and optionally teller, noemer, waarde as the user typed them; the importer checks them.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(["gebied", "indicator", "periode", "teller", "noemer", "waarde", "bron"])
    for row in rows:
        writer.writerow([slug, row["indicator"], period, row.get("teller", ""), row.get("noemer", ""),
                         row.get("waarde", ""), source])
    return buffer.getvalue().encode("utf-8")
