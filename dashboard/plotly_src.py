"""Where the page shell tells assets/plotly-early.js to load plotly.js from: its fingerprinted URL.

dcc.Graph loads plotly.js from an unfingerprinted URL, which a browser revalidates on every page (ETag); behind
flask-compress each 304 costs the server a fresh gzip of all 3.5 MB (~0.25 s of a worker, queued behind the page's own
callbacks). Dash serves a fingerprinted suite URL with a year's max-age (the fingerprint changes with the file), so a
returning browser takes plotly.js from its cache without asking (static responses are shareable:
`hardening.install_shared_static`).
"""

from __future__ import annotations

import os
from html import escape

import plotly
from dash.fingerprint import build_fingerprint

PATH = "package_data/plotly.min.js"  # as dash registers it (namespace "plotly")


def plotly_script_url(prefix: str) -> str:
    """The fingerprinted URL of plotly.min.js under the app's requests_pathname_prefix (Dash's own scheme)."""
    modified = int(os.stat(os.path.join(os.path.dirname(plotly.__file__), PATH)).st_mtime)
    return f"{prefix}_dash-component-suites/plotly/{build_fingerprint(PATH, plotly.__version__, modified)}"


def with_plotly_meta(index_string: str, prefix: str) -> str:
    """The page shell with `<meta name="plotly-src">` after Dash's own meta tags."""
    tag = f'<meta name="plotly-src" content="{escape(plotly_script_url(prefix), quote=True)}">'
    return index_string.replace("{%metas%}", "{%metas%}\n        " + tag, 1)
