"""Who may see which non-public observations. Pure rules on a small Viewer value, used by the API and pages."""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("beheerder", "transitieteam", "buurtnetwerk", "leverancier")


@dataclass(frozen=True)
class Viewer:
    """The caller as far as data access is concerned; anonymous when role is None."""

    role: str | None = None
    programme_ids: frozenset[int] = field(default_factory=frozenset)
    supplier_source: str | None = None
    user_id: int | None = None

    @property
    def anonymous(self) -> bool:
        return self.role is None

    @property
    def sees_everything(self) -> bool:
        return self.role in ("beheerder", "transitieteam")


ANONYMOUS = Viewer()


def may_see_nonpublic(viewer: Viewer, *, programme_id: int | None, member_level: bool, source: str | None) -> bool:
    """Whether a non-public value is visible.

    programme_id: the programme buurt the value belongs to (directly or as member area), None for other areas.
    member_level: True for a value of a member CBS area, False for the programme-buurt aggregate.
    Networks see each other's dashboards at the aggregate level only; suppliers see their own source.
    """
    if viewer.sees_everything:
        return True
    if viewer.role == "buurtnetwerk":
        if programme_id is None:
            return False
        return programme_id in viewer.programme_ids or not member_level
    if viewer.role == "leverancier":
        return source is not None and source == viewer.supplier_source
    return False
