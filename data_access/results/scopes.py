"""Which stored copy of a viewer-dependent result a viewer reads.

Results pooled over several areas (learning partners, best-practice proposals, the menukaart comparison) depend
on the viewer only through the aggregate mode of `data_access.visibility`: there, networks see what the team
sees, a supplier only its own source, anonymous callers only public indicators. So three kinds of copies exist.
"""

from __future__ import annotations

from data_access.access import Viewer

INTERNAL = Viewer(role="transitieteam")


def aggregate_scope(viewer: Viewer) -> str:
    if viewer.anonymous:
        return "openbaar"
    if viewer.role == "leverancier":
        return f"bron:{viewer.supplier_source or ''}"
    return "intern"


def scope_viewer(scope: str) -> Viewer:
    """A viewer that sees exactly what the scope's viewers see at the aggregate level."""
    if scope == "openbaar":
        return Viewer()
    if scope.startswith("bron:"):
        return Viewer(role="leverancier", supplier_source=scope[5:] or None)
    return INTERNAL
