"""One Plotly template for every figure: Dutch separators (1.234,5), the app's font and a white background.

Registered once when the app is built (`register_template`); every figure then uses it by default, so no figure
needs its own `separators=",."`. Pages that need a different look still set their own layout on top.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

TEMPLATE = "buurtdashboard"


def register_template() -> None:
    """Make "plotly_white+buurtdashboard" the default template (idempotent)."""
    if TEMPLATE not in pio.templates:
        pio.templates[TEMPLATE] = go.layout.Template(layout={
            "separators": ",.",
            "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13},
            "hoverlabel": {"font": {"size": 13}},
            "colorway": ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#555555"],
        })
    pio.templates.default = f"plotly_white+{TEMPLATE}"
