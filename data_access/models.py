"""The indicator store: CBS areas, programme buurten, the indicator catalogue, observations and import batches.

Counts are stored as numerator and denominator so that every aggregation is a ratio of sums.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

LEVELS = ("land", "gemeente", "wijk", "buurt", "programma")
GROUPS = ("context", "adoptie", "kwaliteit", "effectiviteit")
KINDS = ("count", "percentage", "rate", "mean", "score", "nps")
POLARITIES = ("higher_is_better", "lower_is_better", "neutral")
AGGREGATIONS = ("sum", "ratio", "weighted_mean", "none")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Area(Base):
    """A CBS area (land, gemeente, wijk, buurt) in one indeling year, or a programme buurt.

    CBS reuses and retires codes between years, so (code, indeling) is the key and versions live side by side.
    """

    __tablename__ = "area"
    __table_args__ = (UniqueConstraint("code", "indeling", name="uq_area_code_indeling"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), index=True)
    indeling: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(10), index=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_code: Mapped[str | None] = mapped_column(String(40), index=True)


class AreaGeometry(Base):
    """Simplified GeoJSON geometry of an area, kept apart so area lookups stay light."""

    __tablename__ = "area_geometry"

    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), primary_key=True)
    geojson: Mapped[str] = mapped_column(Text)
    reconstructed: Mapped[bool] = mapped_column(Boolean, default=False)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))


class ProgrammeBuurt(Base):
    """A buurt of the programme: a named set of CBS areas run by one buurtnetwerk."""

    __tablename__ = "programme_buurt"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), unique=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    alliance_partner: Mapped[str] = mapped_column(String(100))
    region: Mapped[str] = mapped_column(String(100))
    cohort: Mapped[int] = mapped_column(Integer, index=True)
    start_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    contact_role: Mapped[str] = mapped_column(String(200), default="")  # who to call in this buurtnetwerk

    area: Mapped[Area] = relationship()
    members: Mapped[list[ProgrammeMember]] = relationship(
        back_populates="programme", cascade="all, delete-orphan"
    )


class ProgrammeMember(Base):
    """One CBS area (buurt or whole wijk) that belongs to a programme buurt."""

    __tablename__ = "programme_member"
    __table_args__ = (UniqueConstraint("programme_id", "area_id", name="uq_programme_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme_buurt.id", ondelete="CASCADE"))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)

    programme: Mapped[ProgrammeBuurt] = relationship(back_populates="members")
    area: Mapped[Area] = relationship()


class Indicator(Base):
    """One entry of the indicator catalogue (monitoring plans and imported context)."""

    __tablename__ = "indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    theme: Mapped[str] = mapped_column(String(40), index=True)
    group: Mapped[str] = mapped_column(String(20))
    unit: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    per: Mapped[float | None] = mapped_column(Float)
    polarity: Mapped[str] = mapped_column(String(20))
    frequency: Mapped[str] = mapped_column(String(30))
    source: Mapped[str] = mapped_column(String(100))
    source_field: Mapped[str] = mapped_column(String(100))
    public: Mapped[bool] = mapped_column(Boolean)
    actiehouder: Mapped[str] = mapped_column(String(100))
    suppression_threshold: Mapped[int | None] = mapped_column(Integer)
    aggregation: Mapped[str] = mapped_column(String(20))
    weight_indicator: Mapped[str | None] = mapped_column(String(60))
    target_value: Mapped[float | None] = mapped_column(Float)
    target_description: Mapped[str | None] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class ImportBatch(Base):
    """One import attempt: who, when, which file, and how many rows were accepted or rejected."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    imported_by: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(20))
    rows_accepted: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    rows_skipped: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")

    rejected_rows: Mapped[list[RejectedRow]] = relationship(
        back_populates="batch", cascade="all, delete-orphan", order_by="RejectedRow.line"
    )


class RejectedRow(Base):
    """A row an import refused, with its line number and the reason in Dutch."""

    __tablename__ = "rejected_row"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"), index=True)
    line: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    content: Mapped[str] = mapped_column(Text, default="")

    batch: Mapped[ImportBatch] = relationship(back_populates="rejected_rows")


class Observation(Base):
    """One value of one indicator for one area (or programme buurt) in one period, as one source delivered it.

    The source is part of the key: two insurers deliver the same indicator for the same buurt side by side, and
    readers combine them (queries.combine_sources) as a ratio of summed numerators and denominators.
    """

    __tablename__ = "observation"
    __table_args__ = (
        UniqueConstraint("area_id", "indicator_id", "period", "source", name="uq_observation_source_key"),
        Index("ix_observation_indicator_period", "indicator_id", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(10))
    value: Mapped[float | None] = mapped_column(Float)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    detractors: Mapped[float | None] = mapped_column(Float)
    suppressed: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(100))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)


class User(Base):
    """A person who logs in; the role decides what non-public data and which edits are allowed."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))  # beheerder | transitieteam | buurtnetwerk | leverancier
    supplier_source: Mapped[str | None] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # a generated (one-time) password: every route except the change-password form is closed until it is replaced
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Membership(Base):
    """A buurtnetwerk member's right to see and edit one programme buurt."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "programme_id", name="uq_membership"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme_buurt.id", ondelete="CASCADE"))


class AuditEvent(Base):
    """One security-relevant event: a login, a failed login, an import, an edit or a change to a user."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str | None] = mapped_column(String(200), index=True)  # e-mail, None for anonymous
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    ip: Mapped[str] = mapped_column(String(64), default="")


class Intervention(Base):
    """One entry of the menukaart: an intervention a buurtnetwerk can choose, under one theme."""

    __tablename__ = "intervention"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str] = mapped_column(String(40), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class VersionedRecord:
    """Columns shared by everything a user edits: an optimistic-lock version, its author and time.

    A save carries the version it started from; a different current version means someone else saved in between.
    Every saved version is also written to `record_version`, so the history is complete.
    """

    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Narrative(VersionedRecord, Base):
    """The buurtnetwerk's own story in the buurtbeeld: challenges, strengths, why they matter, what tackling gives."""

    __tablename__ = "narrative"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme_buurt.id", ondelete="CASCADE"), unique=True)
    challenges: Mapped[str] = mapped_column(Text, default="")
    strengths: Mapped[str] = mapped_column(Text, default="")
    why_it_matters: Mapped[str] = mapped_column(Text, default="")
    if_tackled: Mapped[str] = mapped_column(Text, default="")


class AgendaItem(VersionedRecord, Base):
    """One line of the buurtagenda: a chosen theme and intervention (from the menukaart or own), with its start."""

    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme_buurt.id", ondelete="CASCADE"), index=True)
    theme: Mapped[str] = mapped_column(String(40))
    intervention_id: Mapped[int | None] = mapped_column(ForeignKey("intervention.id"))
    title: Mapped[str] = mapped_column(String(200), default="")  # own intervention when not from the menukaart
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="gepland")  # gepland | gestart | afgerond | gestopt
    note: Mapped[str] = mapped_column(Text, default="")
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)

    intervention: Mapped[Intervention | None] = relationship()


class ReviewSession(VersionedRecord, Base):
    """One bimonthly review of the uitkomstendashboard by the buurtnetwerk."""

    __tablename__ = "review_session"
    __table_args__ = (UniqueConstraint("programme_id", "period", name="uq_review_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme_buurt.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(10))  # the bimonthly period reviewed, e.g. 2026-B5
    held_on: Mapped[dt.date | None] = mapped_column(Date)
    attendees: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    actions: Mapped[str] = mapped_column(Text, default="")


class BestPractice(VersionedRecord, Base):
    """A practice the transitieteam puts on stage: the story, with evidence that stays live on the data."""

    __tablename__ = "best_practice"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme_buurt.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    story: Mapped[str] = mapped_column(Text, default="")  # what they did
    interventions: Mapped[str] = mapped_column(Text, default="")  # comma-separated menukaart codes
    indicator_code: Mapped[str | None] = mapped_column(String(60))  # the evidence chart
    contact: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="concept")  # concept | gepubliceerd
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class BuurtReport(VersionedRecord, Base):
    """The yearly buurtverslag for residents; anonymous visitors see it once published."""

    __tablename__ = "buurt_report"
    __table_args__ = (UniqueConstraint("programme_id", "year", name="uq_buurt_report_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme_buurt.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    intro: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class RecordVersion(Base):
    """Every saved version of an edited record, as JSON, with author and time: the visible history."""

    __tablename__ = "record_version"
    __table_args__ = (
        UniqueConstraint("record_type", "record_id", "version", name="uq_record_version"),
        Index("ix_record_version_record", "record_type", "record_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(String(30))  # narrative | agenda_item | review_session | …
    record_id: Mapped[int] = mapped_column(Integer)
    programme_id: Mapped[int | None] = mapped_column(Integer, index=True)
    version: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(200))
    saved_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    data: Mapped[str] = mapped_column(Text)  # JSON of the record's fields at this version


class ObservationHistory(Base):
    """A stored value an import replaced (a correction): the key, old and new figures, which batch, who and when."""

    __tablename__ = "observation_history"
    __table_args__ = (Index("ix_observation_history_key", "area_id", "indicator_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(100))
    old_value: Mapped[float | None] = mapped_column(Float)
    old_numerator: Mapped[float | None] = mapped_column(Float)
    old_denominator: Mapped[float | None] = mapped_column(Float)
    old_detractors: Mapped[float | None] = mapped_column(Float)
    old_suppressed: Mapped[bool | None] = mapped_column(Boolean)
    old_batch_id: Mapped[int | None] = mapped_column(Integer)
    new_value: Mapped[float | None] = mapped_column(Float)
    new_numerator: Mapped[float | None] = mapped_column(Float)
    new_denominator: Mapped[float | None] = mapped_column(Float)
    new_detractors: Mapped[float | None] = mapped_column(Float)
    new_suppressed: Mapped[bool | None] = mapped_column(Boolean)
    new_source: Mapped[str | None] = mapped_column(String(100))  # differs from source when a public file replaced it
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"), index=True)
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ObservationStaging(Base):
    """Rows of an import on their way in: written in short transactions, then applied in one quick swap."""

    __tablename__ = "observation_staging"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(Integer, index=True)
    area_id: Mapped[int] = mapped_column(Integer)
    indicator_id: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(10))
    value: Mapped[float | None] = mapped_column(Float)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    detractors: Mapped[float | None] = mapped_column(Float)
    suppressed: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(100))


class ImportLock(Base):
    """One row per lock name; an import takes it with a conditional UPDATE so imports run one after the other."""

    __tablename__ = "import_lock"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(200))
    since: Mapped[dt.datetime | None] = mapped_column(DateTime)


class DerivedResult(Base):
    """One stored result of the refresh (data_access.results): computed once per change of the store, read by every
    page and worker. `payload` is JSON; `store_version` says which state of the store it was computed from."""

    __tablename__ = "derived_result"
    __table_args__ = (UniqueConstraint("kind", "key", name="uq_derived_result"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)  # peer_table | comparison_group | kpi_buurt | …
    key: Mapped[str] = mapped_column(String(200))
    store_version: Mapped[str] = mapped_column(String(200))
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    payload: Mapped[str] = mapped_column(Text)


class RefreshState(Base):
    """The single row (id 1) that serialises refreshes across processes: who holds it, whether another trigger
    came in meanwhile (coalesced into one more run), and the store version of the last completed refresh."""

    __tablename__ = "refresh_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(200))
    locked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    pending: Mapped[bool] = mapped_column(Boolean, default=False)
    pending_ids: Mapped[str] = mapped_column(Text, default="")  # programme ids of coalesced partial triggers
    store_version: Mapped[str | None] = mapped_column(String(200))
    refreshed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    step: Mapped[str] = mapped_column(String(200), default="")  # what the running refresh is doing


class Budget(VersionedRecord, Base):
    """The buurtbegroting of one programme buurt for one year, with its status and the begrotingscommissie's word.

    Status: concept → ingediend → goedgekeurd | terug (the transitieteam decides); terug goes back to editing.
    """

    __tablename__ = "budget"
    __table_args__ = (UniqueConstraint("programme_id", "year", name="uq_budget_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme_buurt.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="concept")  # concept | ingediend | goedgekeurd | terug
    comment: Mapped[str] = mapped_column(Text, default="")  # the begrotingscommissie's comment on its last decision
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)


class BudgetActivity(VersionedRecord, Base):
    """One activity of a buurtbegroting: a theme, its link to the agenda or menukaart, planned costs and hours."""

    __tablename__ = "budget_activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme_buurt.id", ondelete="CASCADE"), index=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budget.id", ondelete="CASCADE"), index=True)
    theme: Mapped[str] = mapped_column(String(40))
    intervention_id: Mapped[int | None] = mapped_column(ForeignKey("intervention.id"))
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200), default="")
    planned_costs: Mapped[float] = mapped_column(Float, default=0.0)  # euros per year
    planned_hours: Mapped[float] = mapped_column(Float, default=0.0)  # hours per year
    note: Mapped[str] = mapped_column(Text, default="")
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class BudgetRealisation(Base):
    """Realised costs and hours of one budget activity in one period; written only by the `realisatie` import."""

    __tablename__ = "budget_realisation"
    __table_args__ = (UniqueConstraint("activity_id", "period", name="uq_budget_realisation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme_buurt.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("budget_activity.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(10))  # 2025, 2025-Q2 or 2025-B3
    costs: Mapped[float] = mapped_column(Float, default=0.0)
    hours: Mapped[float] = mapped_column(Float, default=0.0)
    source: Mapped[str] = mapped_column(String(100))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)
    updated_by: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class NetworkContacts(VersionedRecord, Base):
    """The kartrekkers of one buurtnetwerk and how to reach them (for learning partners and best practices).

    One record per buurt, edited as text, one kartrekker per line ("naam; rol; e-mail; telefoon"); versioned like
    the narrative, so earlier contact lists stay in `record_version`.
    """

    __tablename__ = "network_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme_buurt.id", ondelete="CASCADE"), unique=True)
    kartrekkers: Mapped[str] = mapped_column(Text, default="")
