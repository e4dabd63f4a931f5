"""Engine creation and schema migrations (Alembic, applied on start)."""

from __future__ import annotations

import weakref
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


# Overload, not a fault: the pool had no free connection in time, or SQLite's writer lock outlasted the busy timeout
# (PostgreSQL: the server's connection slots are full). The web layer answers these with 503 and Retry-After.
OVERLOAD_MESSAGES = ("database is locked", "database table is locked", "too many clients",
                     "remaining connection slots")


def is_overload(exc: BaseException) -> bool:
    """Whether a database error means "too busy right now" (retry later) rather than a fault."""
    if isinstance(exc, PoolTimeout):
        return True
    return isinstance(exc, OperationalError) and any(m in str(exc).lower() for m in OVERLOAD_MESSAGES)


def _pool_args(url: str, pool_size: int | None, max_overflow: int | None, pool_timeout: float | None) -> dict:
    """A bounded pool: one connection per server thread plus a small overflow, and a short wait for one."""
    if ":memory:" in url or url.rstrip("/") == "sqlite:":
        return {}
    args = {"pool_size": pool_size, "max_overflow": max_overflow, "pool_timeout": pool_timeout}
    return {k: v for k, v in args.items() if v is not None}


def make_engine(url: str, pool_size: int | None = None, max_overflow: int | None = None,
                pool_timeout: float | None = None) -> Engine:
    """Create an engine; SQLite gets foreign keys and WAL so readers never block the importer.

    The web server passes its pool bounds (see dashboard.config: DB_POOL_SIZE, DB_MAX_OVERFLOW, DB_POOL_TIMEOUT);
    scripts and tests keep SQLAlchemy's defaults.
    """
    pool = _pool_args(url, pool_size, max_overflow, pool_timeout)
    if url.startswith("sqlite"):
        db_path = url.split("///", 1)[-1]
        if db_path and db_path != ":memory:":
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **pool)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, **pool)


# One small companion pool per engine for the results a request stores on its first view (results.store.keep).
# The request still holds its reading connection while it writes; taking the write connection from the same pool
# would let a burst of first views each hold one connection and wait for a second until the pool times out.
_WRITERS: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()
WRITER_POOL_TIMEOUT = 5.0


def in_memory(engine: Engine) -> bool:
    """Whether the engine's database is an in-memory SQLite one: reachable only through this engine, in this
    process (no companion pool, no second process)."""
    url = engine.url
    return url.get_backend_name() == "sqlite" and (url.database or ":memory:") == ":memory:"


def writer_engine(engine: Engine) -> Engine:
    """The engine's companion for best-effort writes made while a request holds a reading connection.

    Writers never wait for a second connection, so this pool cannot starve; SQLite gets one connection (it has
    one writer at a time anyway). An in-memory SQLite database is only reachable through its own engine."""
    if in_memory(engine):
        return engine
    url = engine.url
    writer = _WRITERS.get(engine)
    if writer is None:
        overflow = 0 if url.get_backend_name() == "sqlite" else 1
        writer = make_engine(url.render_as_string(hide_password=False), pool_size=1, max_overflow=overflow,
                             pool_timeout=WRITER_POOL_TIMEOUT)
        _WRITERS[engine] = writer
    return writer


def alembic_config(engine: Engine) -> Config:
    """An Alembic config that runs against the given engine, independent of the working directory."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration."""
    command.upgrade(alembic_config(engine), "head")


def dialect_insert(conn: Connection, table):  # noqa: ANN001, ANN201
    """An INSERT with the dialect's ON CONFLICT clauses (SQLite and PostgreSQL both have them)."""
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)
