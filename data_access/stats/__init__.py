"""Pure statistical functions for the buurtdashboard (no Dash, Flask or database).

intervals: confidence intervals per indicator kind; benchmark: Fingertips-style
comparison; trend: recent-trend test; funnel: Spiegelhalter funnel plots;
peers: nearest-neighbour buurten; kpi: difference-in-differences KPI.
"""

from data_access.stats.benchmark import COMPARISON_LABELS_NL, compare, quintile
from data_access.stats.funnel import FunnelResult, funnel, funnel_limits
from data_access.stats.intervals import (
    Interval,
    Intervals,
    byar,
    exact_poisson,
    interval_for,
    intervals_for,
    no_interval_reason,
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
    target_path,
    window_target,
)
from data_access.stats.peers import DEFAULT_PEER_TRANSFORMS, DEFAULT_PEER_VARIABLES, find_peers
from data_access.stats.trend import (
    TrendResult,
    TrendSeries,
    count_trend,
    recent_trend,
    recent_trends,
    trend,
    worse_and_worsening,
)

__all__ = [
    "COMPARISON_LABELS_NL",
    "DEFAULT_PEER_TRANSFORMS",
    "DEFAULT_PEER_VARIABLES",
    "FunnelResult",
    "Interval",
    "Intervals",
    "NotComputable",
    "StaggeredResult",
    "TrendResult",
    "TrendSeries",
    "byar",
    "cluster_bootstrap_did",
    "compare",
    "count_trend",
    "did",
    "exact_poisson",
    "find_peers",
    "funnel",
    "funnel_limits",
    "group_index",
    "interval_for",
    "intervals_for",
    "kpi_status",
    "no_interval_reason",
    "nps",
    "poisson_count",
    "quintile",
    "rate",
    "recent_trend",
    "recent_trends",
    "staggered_att",
    "t_interval",
    "target_path",
    "trend",
    "wilson",
    "window_target",
    "worse_and_worsening",
]
