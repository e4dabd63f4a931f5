"""Database preparation on start: migrations, editable data files, and (demo mode) the demo data on first start."""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import Engine

from data_access.db import make_engine, upgrade
from data_access.seed import sync_catalogue, sync_menukaart, sync_programme
from data_access.services.admin import store_is_empty

log = logging.getLogger(__name__)


def log_progress(step: str, done: int, total: int) -> None:
    """The demo build's progress as log lines (a server log has no progress bar): "  [3/17] KPI"."""
    log.warning("  [%d/%d] %s", done, total, step)


def prepare_database(config: dict) -> Engine:
    """Migrate, sync catalogue and programme buurten, and load demo data into an empty demo database."""
    engine = make_engine(config["DATABASE_URL"], pool_size=config.get("DB_POOL_SIZE"),
                         max_overflow=config.get("DB_MAX_OVERFLOW"), pool_timeout=config.get("DB_POOL_TIMEOUT"))
    upgrade(engine)
    with engine.begin() as conn:
        sync_catalogue(conn)
        sync_programme(conn)
        sync_menukaart(conn)
    if config["DEMO_MODE"] and config["LOAD_DEMO_DATA"]:
        with engine.connect() as conn:
            empty = store_is_empty(conn)
        if empty:
            from data_access.demo import load_demo

            log.warning("Eerste start: demogegevens worden geladen (openbare bestanden + synthetische leveringen)…")
            start = time.perf_counter()
            load_demo(engine, config["PUBLIC_DATA_DIR"], seed=config["DEMO_SEED"],
                      programme_size=config["DEMO_PROGRAMME_SIZE"], progress=log_progress)
            log.warning("Demogegevens geladen in %.1f s.", time.perf_counter() - start)
    from data_access.users import ensure_demo_accounts, remove_demo_accounts

    ensure_demo_accounts(engine) if config["DEMO_MODE"] else remove_demo_accounts(engine)
    return engine


def refresh_if_stale(engine: Engine) -> threading.Thread | None:
    """Bring the results tables up to date in the background when the store changed since the last refresh
    (a migration, a sync of the programme, an import by another tool). Pages read the previous results
    meanwhile; the lock in the database makes sure only one worker computes."""
    from data_access import results

    if not results.is_stale(engine):
        return None
    log.warning("Berekende resultaten lopen achter op de gegevens: verversen op de achtergrond…")
    return results.refresh_in_background(engine)
