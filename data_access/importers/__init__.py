"""Importers by kind; `import_file` is the single entry point for the CLI, the demo loader and the upload page."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, Engine

from data_access.importers import gebieden, geo, kwb, levering, realisatie, rivm, vektis
from data_access.importers.common import ImportReport, run_import

PARSERS = {
    "levering": levering.parse,
    "rivm": rivm.parse,
    "vektis": vektis.parse,
    "gebieden": gebieden.parse,
    "kwb": kwb.parse,
    "geo": geo.parse,
}
# Kinds that write something other than observations run their own all-or-nothing import with the same rules.
RUNNERS = {realisatie.KIND: realisatie.run}


def import_file(engine: Engine, kind: str, path: str | Path, user: str = "cli",
                file_name: str | None = None, batch_id: int | None = None,
                allowed_programmes: set[int] | None = None,
                on_done: Callable[[Connection, ImportReport], None] | None = None) -> ImportReport:
    """Import one file of the given kind through the shared validation pipeline (on_done: see run_import).

    allowed_programmes (realisatie only): the programme buurten whose rows a buurtnetwerk member may deliver.
    """
    if kind in RUNNERS:
        return RUNNERS[kind](engine, path, user=user, file_name=file_name, batch_id=batch_id,
                             allowed_programmes=allowed_programmes, on_done=on_done)
    if kind not in PARSERS:
        raise ValueError(f"onbekend importtype '{kind}'; kies uit: {', '.join(sorted([*PARSERS, *RUNNERS]))}")
    parser = PARSERS[kind]
    if "file_name" in inspect.signature(parser).parameters:  # e.g. Vektis: the year is only in the file name
        parser = functools.partial(parser, file_name=file_name or Path(path).name)
    return run_import(engine, kind, path, parser, user=user, file_name=file_name, batch_id=batch_id,
                      on_done=on_done)
