"""Importers by kind; `import_file` is the single entry point for the CLI, the demo loader and the upload page."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from data_access.importers import levering
from data_access.importers.common import ImportReport, run_import

PARSERS = {
    "levering": levering.parse,
}


def import_file(engine: Engine, kind: str, path: str | Path, user: str = "cli",
                file_name: str | None = None) -> ImportReport:
    """Import one file of the given kind through the shared validation pipeline."""
    if kind not in PARSERS:
        raise ValueError(f"onbekend importtype '{kind}'; kies uit: {', '.join(sorted(PARSERS))}")
    return run_import(engine, kind, path, PARSERS[kind], user=user, file_name=file_name)
