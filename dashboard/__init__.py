"""The app factory: Flask server → config → database → login → auth views and guard → Dash → pages → callbacks."""

from __future__ import annotations

import dash
from flask import Flask

from dashboard import (  # noqa: F401 — api_lerend, api_begroting add routes to api.bp
    api,
    api_begroting,
    api_lerend,
    auth,
    beheer,
    downloads,
    exports,
    hardening,
    plotly_src,
    public,
    render_cache,
    security,
    verslag,
)
from dashboard.config import ROOT, load_config
from dashboard.startup import prepare_database, refresh_if_stale

# Dash's page shell in Dutch (lang="nl" for screen readers and hyphenation), without Dash's empty <footer>.
INDEX_STRING = """<!DOCTYPE html>
<html lang="nl">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        {%config%}
        {%scripts%}
        {%renderer%}
    </body>
</html>"""


def create_app(overrides: dict | None = None) -> dash.Dash:
    """Build the Dash app (its Flask server is `app.server`)."""
    server = Flask(__name__)
    config = load_config(overrides)
    server.config.update(config)
    engine = prepare_database(config)
    server.extensions["engine"] = engine
    hardening.install(server)  # proxy trust, HTTPS-only cookies and HSTS, 413 and 503 answers

    auth.login_manager.init_app(server)
    server.register_blueprint(auth.bp)
    security.install(server)  # the one guard for every route, and the security headers
    server.register_blueprint(api.bp)
    server.register_blueprint(verslag.bp)  # public buurtverslagen (/verslag)
    server.register_blueprint(beheer.bp)
    server.register_blueprint(exports.bp)
    server.register_blueprint(downloads.bp)  # table CSV/XLSX and the review handout PDF
    public.install_not_found(server)  # Dutch 404 pages

    app = dash.Dash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ROOT / "assets"),
        suppress_callback_exceptions=True,
        title="Buurtdashboard",
        update_title=None,
        assets_path_ignore=plotly_src.ASSETS_PATH_IGNORE,  # vendored bundles load on demand (plotly-early.js)
    )
    from callbacks import common as callbacks_common
    from callbacks import register_all
    from layouts import dutch, pages, shell
    from layouts import public as public_layouts

    # assets/plotly-early.js loads plotly.js from a URL that changes with its content, named in a <meta>
    app.index_string = plotly_src.with_plotly_meta(INDEX_STRING, app.config.requests_pathname_prefix,
                                                   app.config.assets_folder)
    plotly_src.serve_vendor(server)
    hardening.install_shared_static(server)
    _name_areas()
    from layouts.figures import register_template

    register_template()
    pages.register(app)
    # anonymous visitors: "/" is the public landing page, other non-public pages a login prompt
    public.guard_layouts(dash.page_registry, {"home": public_layouts.landing_layout})
    dutch.install()
    register_all(app)
    app.layout = shell.layout
    if not config["TESTING"]:
        refresh_if_stale(engine)
    security.set_script_hashes(server, app.csp_hashes)
    # after the guard: only requests it let through are answered from memory
    render_cache.install(server, app, kept=callbacks_common.kept_per_store_version)
    return app


def _name_areas() -> None:
    """Page titles name the area: one indexed lookup inside the request (layouts themselves never query)."""
    from flask import current_app, has_request_context

    from data_access import queries
    from layouts.buurt import set_area_name_resolver

    def resolve(code: str) -> str | None:
        if not has_request_context() or "engine" not in current_app.extensions:
            return None
        with current_app.extensions["engine"].connect() as conn:
            area = queries.find_area(conn, code)
        return area.name if area is not None else None

    set_area_name_resolver(resolve)
