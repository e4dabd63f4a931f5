"""Importers by kind; `import_file` is the single entry point for the CLI, the demo loader and the upload page."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, Engine

from data_access.importers import gebieden, geo, kwb, levering, rivm, vektis
from data_access.importers.common import ImportReport, run_import

PARSERS = {
    "levering": levering.parse,
    "rivm": rivm.parse,
    "vektis": vektis.parse,
    "gebieden": gebieden.parse,
    "kwb": kwb.parse,
    "geo": geo.parse,
}


def import_file(engine: Engine, kind: str, path: str | Path, user: str = "cli",
                file_name: str | None = None, batch_id: int | None = None,
                on_done: Callable[[Connection, ImportReport], None] | None = None) -> ImportReport:
    """Import one file of the given kind through the shared validation pipeline (on_done: see run_import)."""
    if kind not in PARSERS:
        raise ValueError(f"onbekend importtype '{kind}'; kies uit: {', '.join(sorted(PARSERS))}")
    parser = PARSERS[kind]
    if "file_name" in inspect.signature(parser).parameters:  # e.g. Vektis: the year is only in the file name
        parser = functools.partial(parser, file_name=file_name or Path(path).name)
    return run_import(engine, kind, path, parser, user=user, file_name=file_name, batch_id=batch_id,
                      on_done=on_done)
