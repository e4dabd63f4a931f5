"""The buurtbeelden of a full refresh, computed by a second process beside the other steps.

A full refresh (and one after a context import) drops every programme buurt's buurtbeeld and computes them again:
~20 s at 1,000 buurten, a third of the refresh, resting only on context figures and the peer table. A second Python
process computes them on the other core while this one runs the other steps; the refresh stores what it hands back
(`first_view.build_buurtbeelden(..., rows=...)`), or computes them itself when it failed. A separate interpreter
(`python -m data_access.results.aside`), not `multiprocessing`: that imports the parent's main module again in the
child (`python app.py` builds a whole app at import), and forking a web worker's threads and pools is unsafe.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, select

ASIDE_FROM = 200  # programme buurten: below this the second process costs more (its start, ~2 s) than it saves
TIMEOUT_S = 600  # a second process that hangs must not hold the refresh (and its lock) for ever
ROOT = Path(__file__).resolve().parents[2]

log = logging.getLogger(__name__)


@dataclass
class Aside:
    """A running second process and the file it writes its result to."""

    process: subprocess.Popen
    output: Path


def start(engine: Engine) -> Aside | None:
    """Start computing every programme buurt's buurtbeeld in a second process (the peer table must be stored); None
    when not worth it (fewer than ASIDE_FROM buurten) or not possible (an in-memory database)."""
    from data_access.db import in_memory
    from data_access.models import ProgrammeBuurt

    if in_memory(engine):
        return None
    with engine.connect() as conn:
        if conn.execute(select(func.count(ProgrammeBuurt.id))).scalar_one() < ASIDE_FROM:
            return None
    return launch(engine.url.render_as_string(hide_password=False))


def launch(url: str) -> Aside:
    """Run `main` in a new interpreter on this database (its URL in the environment, not on the command line)."""
    output = Path(tempfile.mkdtemp(prefix="buurtbeelden-")) / "rows.json"
    process = subprocess.Popen([sys.executable, "-m", "data_access.results.aside", str(output)], cwd=ROOT,
                               env={**os.environ, "DATABASE_URL": url}, stdin=subprocess.DEVNULL)
    return Aside(process, output)


def result(aside: Aside) -> dict[str, dict[str, object]] | None:
    """What the second process computed (kind → key → payload), or None when it failed: the refresh then computes
    them itself."""
    try:
        code = aside.process.wait(timeout=TIMEOUT_S)
        if code == 0:
            return json.loads(aside.output.read_text(encoding="utf-8"))
        log.warning("Buurtbeelden in een tweede proces mislukt (code %s); ze worden hier berekend", code)
    except subprocess.TimeoutExpired:
        log.warning("Buurtbeelden in een tweede proces niet klaar na %s s; ze worden hier berekend", TIMEOUT_S)
    except (OSError, ValueError):  # its file unreadable or cut short (a full disk)
        log.warning("Buurtbeelden uit een tweede proces onleesbaar; ze worden hier berekend", exc_info=True)
    finally:
        stop(aside)
    return None


def stop(aside: Aside) -> None:
    """End the second process (a refresh step failed, or it is done) and remove its file."""
    if aside.process.poll() is None:
        aside.process.kill()
        aside.process.wait()
    shutil.rmtree(aside.output.parent, ignore_errors=True)


def main() -> None:
    from data_access.db import make_engine
    from data_access.results import first_view, store

    engine = make_engine(os.environ["DATABASE_URL"])
    try:
        rows = first_view.buurtbeeld_rows(engine, every=True)
    finally:
        engine.dispose()
    Path(sys.argv[1]).write_text(store.dumps(rows), encoding="utf-8")


if __name__ == "__main__":
    main()
