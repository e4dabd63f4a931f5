"""Where the page shell tells assets/plotly-early.js to load plotly.js from.

Every chart of the dashboard is a scatter trace with shapes, annotations and pictures, which plotly.js's "basic"
bundle draws (scatter, bar, pie; 1.2 MB instead of the full bundle's 4.8 MB, which a browser without the file in
its cache took ~0.5 s longer to fetch and evaluate). It is kept in assets/vendor/ under its version
(`plotly-basic-<version>.min.js`, the npm package plotly.js-basic-dist-min, MIT) and used when it is the plotly.js
version this plotly package ships; after an upgrade of plotly without a new vendored bundle the full bundle is used.

Both are served under a name that changes with their content, so browsers keep them for a year without asking
again (dcc.Graph's own URL is revalidated on every page; behind flask-compress each 304 cost a fresh gzip).
"""

from __future__ import annotations

import os
import re
from html import escape
from pathlib import Path

import plotly
from dash.fingerprint import build_fingerprint
from flask import Response

PATH = "package_data/plotly.min.js"  # as dash registers it (namespace "plotly")
VENDOR_DIR = "vendor"  # under the assets folder; kept out of the pages' automatic scripts (`ASSETS_PATH_IGNORE`)
ASSETS_PATH_IGNORE = [rf"^{VENDOR_DIR}$"]
BASIC_NAME = "plotly-basic-{version}.min.js"
YEAR = 365 * 24 * 3600


def shipped_version() -> str:
    """The plotly.js version in this plotly package (its header: `plotly.js v4.1.1`)."""
    with open(os.path.join(os.path.dirname(plotly.__file__), PATH), encoding="utf-8") as handle:
        found = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", handle.read(400))
    return found.group(1) if found else ""


def plotly_script_url(prefix: str, assets_folder: str) -> str:
    """The URL of the basic bundle when it matches the shipped plotly.js, else the full bundle's fingerprinted
    suite URL (Dash's own scheme), under the app's requests_pathname_prefix."""
    basic = BASIC_NAME.format(version=shipped_version())
    if (Path(assets_folder) / VENDOR_DIR / basic).is_file():
        return f"{prefix}assets/{VENDOR_DIR}/{basic}"
    modified = int(os.stat(os.path.join(os.path.dirname(plotly.__file__), PATH)).st_mtime)
    return f"{prefix}_dash-component-suites/plotly/{build_fingerprint(PATH, plotly.__version__, modified)}"


def with_plotly_meta(index_string: str, prefix: str, assets_folder: str) -> str:
    """The page shell with `<meta name="plotly-src">` after Dash's own meta tags."""
    tag = f'<meta name="plotly-src" content="{escape(plotly_script_url(prefix, assets_folder), quote=True)}">'
    return index_string.replace("{%metas%}", "{%metas%}\n        " + tag, 1)


def serve_vendor(server) -> None:  # noqa: ANN001
    """Serve assets/vendor/ files as plain responses with a year's max-age: their name carries their version, so
    browsers keep them without asking again, and flask-compress gzips a plain response once (its cache keeps it),
    where Flask's file responses pass it by (1.2 MB instead of 0.4 MB per cold page). Other assets are served by
    Dash's assets route as before."""
    endpoint = next(name for name in server.view_functions if name.endswith("dash_assets.static"))
    assets_view = server.view_functions[endpoint]
    folder = Path(server.blueprints[endpoint.rsplit(".", 1)[0]].static_folder).resolve()
    vendored = {f"{VENDOR_DIR}/{p.name}": p.read_bytes() for p in sorted((folder / VENDOR_DIR).glob("*.js"))}

    def send(filename: str) -> Response:
        body = vendored.get(filename)
        if body is None:
            return assets_view(filename=filename)
        response = Response(body, mimetype="text/javascript")
        response.cache_control.max_age = YEAR
        response.cache_control.public = True
        return response

    server.view_functions[endpoint] = send
