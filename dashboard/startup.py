"""Database preparation on start: migrations, editable data files, and (demo mode) the demo data on first start."""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine, func, select

from data_access.access import Viewer
from data_access.db import make_engine, upgrade
from data_access.models import ImportBatch
from data_access.seed import sync_catalogue, sync_menukaart, sync_programme

log = logging.getLogger(__name__)


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
            empty = conn.execute(select(func.count()).select_from(ImportBatch)).scalar() == 0
        if empty:
            from data_access.demo import load_demo

            log.warning("Eerste start: demogegevens worden geladen (openbare bestanden + synthetische leveringen)…")
            load_demo(engine, config["PUBLIC_DATA_DIR"], seed=config["DEMO_SEED"],
                      programme_size=config["DEMO_PROGRAMME_SIZE"])
    from data_access.users import ensure_demo_accounts, remove_demo_accounts

    ensure_demo_accounts(engine) if config["DEMO_MODE"] else remove_demo_accounts(engine)
    return engine


def warm_caches(engine: Engine) -> threading.Thread:
    """Compute the peer table and the KPI results in the background, so the first visitor does not wait.

    Both are cached per process and store version (see data_access.peer_groups and kpi_service); a worker that
    starts warms its own copy. Failures are logged, never raised: the pages compute on demand as before.
    """

    def run() -> None:
        try:
            from data_access import kpi_service, peer_groups

            with engine.connect() as conn:
                peer_groups.context_table(conn)
                kpi_service.kpi_overview(conn, Viewer(role="transitieteam"))
        except Exception:  # noqa: BLE001 — a warm-up must never stop the app
            log.exception("Voorberekenen van vergelijkingsgroepen en KPI mislukt; de pagina's rekenen zelf")

    thread = threading.Thread(target=run, name="warm-caches", daemon=True)
    thread.start()
    return thread
