"""Pure statistical functions for the buurtdashboard (no Dash, Flask or database).

intervals: confidence intervals per indicator kind; benchmark: Fingertips-style
comparison; trend: recent-trend test; funnel: Spiegelhalter funnel plots;
peers: nearest-neighbour buurten; kpi: difference-in-differences KPI.
"""

from data_access.stats.benchmark import COMPARISON_LABELS_NL, compare, quintile
from data_access.stats.funnel import FunnelResult, funnel, funnel_limits
from data_access.stats.intervals import (
    Interval,
    byar,
    exact_poisson,
    interval_for,
    nps,
    poisson_count,
    rate,
    t_interval,
    wilson,
)
from data_access.stats.kpi import (
    NotComputable,
    StaggeredResult,
    cluster_bootstrap_did,
    did,
    group_index,
    kpi_status,
    staggered_att,
)
from data_access.stats.peers import DEFAULT_PEER_TRANSFORMS, DEFAULT_PEER_VARIABLES, find_peers
from data_access.stats.trend import TrendResult, trend, worse_and_worsening

__all__ = [
    "COMPARISON_LABELS_NL",
    "DEFAULT_PEER_TRANSFORMS",
    "DEFAULT_PEER_VARIABLES",
    "FunnelResult",
    "Interval",
    "NotComputable",
    "StaggeredResult",
    "TrendResult",
    "byar",
    "cluster_bootstrap_did",
    "compare",
    "did",
    "exact_poisson",
    "find_peers",
    "funnel",
    "funnel_limits",
    "group_index",
    "interval_for",
    "kpi_status",
    "nps",
    "poisson_count",
    "quintile",
    "rate",
    "staggered_att",
    "t_interval",
    "trend",
    "wilson",
    "worse_and_worsening",
]
