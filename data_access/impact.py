"""Impact in capacity and money: pure arithmetic on the KPI's observed effects (no database, no statistics).

The KPI service estimates a relative effect r with a 95 % interval (difference in differences for district-nursing
hours per client; the buurt's own change since the start for the other hypotheses). With N the units delivered in
the latest rolling year (the indicator's numerator: hours, consults, admissions, bed days), the units that would
have been delivered without the effect are N / (1 + r), so

    units freed per year = N / (1 + r) − N = N × (−r) / (1 + r)
                         = (hours per client freed) × (clients in care)

which is decreasing in r, so the interval of r maps onto an interval of units freed (its ends swapped).
FTE = hours ÷ productive hours per FTE per year; euros = FTE × cost per FTE; other units × their cost per unit.
Parameters come from one data file, `data_access/seed/impact_parameters.toml`.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

PARAMETERS_FILE = Path(__file__).parent / "seed" / "impact_parameters.toml"
SYNTHETIC_WORD = "synthetisch"
NO_EFFECT = "geen betrouwbaar effect"


@dataclass(frozen=True)
class Parameters:
    """The figures of `impact_parameters.toml`, with their sources."""

    cost_per_fte: float
    productive_hours_per_fte: float
    cost_per_gp_consult: float
    cost_per_bed_day: float
    bed_days_per_admission: float
    buurten_nederland: int
    scenario_sizes: tuple[int, ...]
    plan_fte_2033: float
    plan_euro_2033: float
    target_relative: float
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def cost_per_admission(self) -> float:
        """An admission costed as its bed days (see the data file: never added to the bed-day row)."""
        return self.bed_days_per_admission * self.cost_per_bed_day


def load_parameters(path: str | Path = PARAMETERS_FILE) -> Parameters:
    """Read the parameters data file."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    fte, prices, scen, plan = data["fte"], data["eenheidsprijzen"], data["scenario"], data["plan"]
    sources = {k: str(v) for section in data.values() for k, v in section.items() if k.endswith("_bron")}
    return Parameters(
        cost_per_fte=float(fte["kosten_per_fte"]), productive_hours_per_fte=float(fte["productieve_uren_per_fte"]),
        cost_per_gp_consult=float(prices["kosten_per_huisartsconsult"]),
        cost_per_bed_day=float(prices["kosten_per_ligdag"]),
        bed_days_per_admission=float(prices["ligdagen_per_opname"]),
        buurten_nederland=int(scen["buurten_nederland"]), scenario_sizes=tuple(int(n) for n in scen["aantallen"]),
        plan_fte_2033=float(plan["fte_2033"]), plan_euro_2033=float(plan["euro_2033"]),
        target_relative=float(plan["doel_relatief"]), sources=sources,
    )


@dataclass(frozen=True)
class Estimate:
    """A figure with its 95 % interval; `synthetic` when it rests on synthetic deliveries."""

    value: float
    low: float
    high: float
    synthetic: bool = False

    def scaled(self, factor: float) -> Estimate:
        """The same estimate times a non-negative factor (interval ends keep their order)."""
        return replace(self, value=self.value * factor, low=self.low * factor, high=self.high * factor)

    @property
    def includes_zero(self) -> bool:
        return self.low <= 0 <= self.high

    def as_dict(self, prefix: str = "") -> dict:
        return {f"{prefix}value": self.value, f"{prefix}low": self.low, f"{prefix}high": self.high,
                f"{prefix}synthetic": self.synthetic}


def _finite(*values: float | None) -> bool:
    return all(v is not None and math.isfinite(v) for v in values)


def units_freed(delivered: float, relative: float, ci: tuple[float, float], synthetic: bool = False
                ) -> Estimate | None:
    """Units freed per year: N × (−r)/(1 + r), with the interval of r mapped through (None when not computable)."""
    low_r, high_r = ci
    if not _finite(delivered, relative, low_r, high_r) or min(relative, low_r, high_r) <= -1:
        return None

    def freed(r: float) -> float:
        return delivered * (-r) / (1 + r)

    return Estimate(freed(relative), freed(high_r), freed(low_r), synthetic)


def hours_to_fte(hours: Estimate, params: Parameters) -> Estimate:
    """FTE = hours ÷ productive hours per FTE per year."""
    return hours.scaled(1 / params.productive_hours_per_fte)


def fte_to_euros(fte: Estimate, params: Parameters) -> Estimate:
    """Euros = FTE × cost per FTE."""
    return fte.scaled(params.cost_per_fte)


def scenario(total: Estimate, n_buurten: int, sizes: list[int]) -> list[dict]:
    """'If N buurten achieve the effect observed so far': the mean per programme buurt × N, for each N."""
    if n_buurten <= 0:
        return []
    per_buurt = total.scaled(1 / n_buurten)
    return [{"buurten": n, **per_buurt.scaled(n).as_dict()} for n in sizes]


def share_of_target(relative: float, ci: tuple[float, float], target: float, synthetic: bool = False
                    ) -> Estimate | None:
    """Share of the target reached so far: r ÷ target (e.g. −6 % of −15 % = 0,4), with its interval."""
    if not _finite(relative, *ci) or target == 0:
        return None
    ends = sorted((ci[0] / target, ci[1] / target))
    return Estimate(relative / target, ends[0], ends[1], synthetic)


@dataclass(frozen=True)
class CostPerHour:
    """Euros of realised budget per hour freed, or the reason there is no credible figure."""

    value: float | None
    low: float | None
    high: float | None
    reason: str = ""
    synthetic: bool = False


def cost_per_hour(costs: float, hours: Estimate | None) -> CostPerHour:
    """Realised costs ÷ hours freed, with the interval; "geen betrouwbaar effect" when the hours include 0.

    Dividing by an interval that includes zero (or lies below it) would give an unbounded or negative price per
    hour: that is noise, not a result, so no figure is given.
    """
    if hours is None:
        return CostPerHour(None, None, None, "nog geen effect te berekenen")
    if hours.low <= 0:
        return CostPerHour(None, None, None, NO_EFFECT, hours.synthetic)
    if not _finite(costs) or costs <= 0:
        return CostPerHour(None, None, None, "nog geen gerealiseerde kosten", hours.synthetic)
    return CostPerHour(costs / hours.value, costs / hours.high, costs / hours.low, "", hours.synthetic)
