"""The one request guard for every route, security headers, and authorisation helpers for callbacks and views.

The guard (`before_request`) lets anonymous visitors reach only the login page, the public API (which serves
public sources to them), published buurtverslagen (`/verslag/...`) and the public Dash pages with the Dash routes
and the whitelisted callbacks they need (`dashboard/public.py`); every other Dash route needs a login. Dash
endpoints answer 401 (JSON), pages redirect to `/login?next=...`, unknown paths get a Dutch 404. Logged-in users'
Dash POSTs must carry the CSRF header that Dash's renderer sends from the `_csrf_token` cookie (double submit
against the session's token).

Authorisation of data stays inside each callback: use `require_role(...)`, `authorised_programme(slug)` and
`authorised_area(code)`, which reject unknown values before anything reaches SQL.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from dash.exceptions import PreventUpdate
from flask import Flask, Response, abort, current_app, jsonify, redirect, request, session
from flask_login import current_user

from dashboard import public
from data_access import queries
from data_access.access import Viewer

PUBLIC_PATHS = frozenset({"/login", "/logout", "/auth/login.css", "/favicon.ico", "/robots.txt", "/verslag"})
PUBLIC_PREFIXES = ("/api/v1/", "/verslag/")
DASH_PREFIXES = ("/_dash-", "/_reload-hash", "/_favicon", "/assets/")
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/", "/_favicon")
CSRF_COOKIE = "_csrf_token"  # the cookie name dash-renderer reads ...
CSRF_HEADER = "X-CSRFToken"  # ... and the header it sends it back in
ADMIN = ("beheerder",)
UPLOADERS = ("beheerder", "transitieteam", "leverancier")
# Page paths that need a role besides a login (checked on a full page load; callbacks check again).
ROLE_PATHS = (("/beheer/gebruikers", ADMIN), ("/beheer/audit", ADMIN), ("/beheer/upload", UPLOADERS),
              ("/beheer", UPLOADERS), ("/transitie", ("beheerder", "transitieteam")))
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
CBS_CODE_RE = re.compile(r"^(?:BU\d{8}|WK\d{6}|GM\d{4}|NL\d{2})$")
TEXT = {
    "login_required": "Log in om deze pagina te zien.",
    "forbidden": "Geen toegang: uw rol mag deze pagina of gegevens niet gebruiken.",
    "csrf": "Ongeldig of ontbrekend formuliertoken; laad de pagina opnieuw.",
    "unknown": "Onbekende buurt of onbekend gebied.",
    "must_change": "Kies eerst een eigen wachtwoord (u bent ingelogd met een eenmalig wachtwoord).",
}
CHANGE_PASSWORD_PATH = "/account/wachtwoord"
# All a user with a one-time password may reach until it is replaced.
MUST_CHANGE_OPEN = frozenset({CHANGE_PASSWORD_PATH, "/logout", "/login", "/auth/login.css", "/favicon.ico"})
FORBIDDEN_PAGE = """<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Geen toegang</title>
<link rel="stylesheet" href="/auth/login.css"></head><body class="login-body"><main class="login-card">
<h1>Geen toegang</h1><p>{message}</p><p><a href="/">Naar het overzicht</a></p></main></body></html>"""


class Forbidden(PreventUpdate):
    """Raised inside a callback when the viewer may not have what it asks for; Dash then updates nothing."""

    def __init__(self, message: str = TEXT["forbidden"]):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ProgrammeAccess:
    """A programme buurt the current viewer asked for, with what it may do there."""

    area: queries.AreaInfo
    may_see_members: bool  # non-public values of its member CBS areas
    may_edit: bool  # the buurtnetwerk's own inputs

    @property
    def programme_id(self) -> int:
        return self.area.programme_id  # type: ignore[return-value]

    @property
    def slug(self) -> str:
        return self.area.code


# ---------------------------------------------------------------- helpers for callbacks and views

def current_role() -> str | None:
    """The logged-in user's role, None when anonymous."""
    return current_user.role if current_user and current_user.is_authenticated else None


def require_role(*roles: str) -> Viewer:
    """The current viewer when its role is one of `roles`; raises Forbidden otherwise (also for anonymous)."""
    from dashboard.auth import current_viewer

    viewer = current_viewer()
    if viewer.anonymous or viewer.role not in roles:
        raise Forbidden()
    return viewer


def role_required(*roles: str) -> Callable:
    """Decorator for Flask views: 403 unless the logged-in user has one of `roles`."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            if current_role() not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


def authorised_area(code: object) -> queries.AreaInfo:
    """Resolve a CBS code or programme slug the viewer asked about; malformed or unknown → Forbidden."""
    if not isinstance(code, str):
        raise Forbidden(TEXT["unknown"])
    normal = queries.normalise_code(code)
    if not (SLUG_RE.match(normal) or CBS_CODE_RE.match(normal)):
        raise Forbidden(TEXT["unknown"])
    from dashboard.auth import current_viewer

    if current_viewer().anonymous:
        raise Forbidden()
    with current_app.extensions["engine"].connect() as conn:
        area = queries.find_area(conn, normal)
    if area is None:
        raise Forbidden(TEXT["unknown"])
    return area


def authorised_programme(slug: object, edit: bool = False) -> ProgrammeAccess:
    """The programme buurt `slug` for the current viewer; Forbidden when unknown, not a programme buurt, or
    (edit=True) when the viewer is neither a member of its buurtnetwerk nor transitieteam/beheerder."""
    from dashboard.auth import current_viewer

    area = authorised_area(slug)
    if area.programme_id is None:
        raise Forbidden(TEXT["unknown"])
    viewer = current_viewer()
    own = viewer.sees_everything or (viewer.role == "buurtnetwerk" and area.programme_id in viewer.programme_ids)
    if edit and not own:
        raise Forbidden()
    return ProgrammeAccess(area=area, may_see_members=own, may_edit=own)


# ---------------------------------------------------------------- the guard

def _is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def _is_dash_endpoint(path: str) -> bool:
    return path.startswith(DASH_PREFIXES)


def _is_dash_catchall() -> bool:
    """Whether Dash's catch-all page route answers this request (Flask found no view of its own)."""
    rule = request.url_rule
    return rule is not None and rule.rule == "/<path:path>"


def _required_roles(path: str) -> tuple[str, ...] | None:
    for prefix, roles in ROLE_PATHS:
        if path == prefix or path.startswith(prefix + "/"):
            return roles
    return None


def guard() -> Response | None:
    """Refuse every request that needs a login (or a role, or the CSRF header) and lacks it."""
    path = request.path
    if path not in MUST_CHANGE_OPEN and current_user.is_authenticated and current_user.must_change_password:
        # a one-time password: nothing but the change-password form (and logout) until it is replaced
        if _is_dash_endpoint(path) or path.startswith("/api/") or request.method != "GET":
            return jsonify({"error": TEXT["must_change"], "fout": TEXT["must_change"], "status": 403}), 403
        return redirect(CHANGE_PASSWORD_PATH)
    if _is_public(path):
        return None
    if request.method == "GET" and _is_dash_catchall() and not public.is_known_page(path):
        return public.not_found_response()  # a Dutch 404 for unknown paths, before anything else
    if not current_user.is_authenticated:
        if public.anonymous_request_allowed(request):
            return None  # public pages, their Dash routes and whitelisted callbacks (dashboard/public.py)
        if _is_dash_endpoint(path) or request.method != "GET":
            return jsonify({"error": TEXT["login_required"], "status": 401}), 401
        target = path + (f"?{request.query_string.decode('latin-1')}" if request.query_string else "")
        return redirect(f"/login?next={_quote(target)}")
    if request.method == "POST" and _is_dash_endpoint(path):
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent or not secrets.compare_digest(sent, session.get("csrf_token", "")):
            return jsonify({"error": TEXT["csrf"], "status": 403}), 403
    roles = _required_roles(path)
    if roles is not None and current_user.role not in roles:
        return FORBIDDEN_PAGE.format(message=TEXT["forbidden"]), 403, {"Content-Type": "text/html; charset=utf-8"}
    return None


def _quote(target: str) -> str:
    from urllib.parse import quote

    return quote(target, safe="/")


# ---------------------------------------------------------------- headers

def content_security_policy(script_hashes: list[str], debug: bool = False) -> str:
    """The CSP for every response.

    Scripts: only our own origin plus the hashes of Dash's inline scripts (the renderer start-up and
    clientside callbacks, from `app.csp_hashes()`); no 'unsafe-inline'. Dash's production bundles need no
    'unsafe-eval' (its dev bundles do, so debug mode adds it). Styles keep 'unsafe-inline': plotly.js and
    several Dash components inject <style> elements at run time, which hashes cannot cover. Map libraries
    run web workers from blob: URLs.
    """
    script = " ".join(["'self'", *script_hashes, *(["'unsafe-eval'"] if debug else [])])
    return "; ".join([
        "default-src 'self'",
        f"script-src {script}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def _served_to_user() -> bool | None:
    """Whether this response goes to a logged-in user; None when the database is too busy to tell (the response is
    then a 503 "druk", which must not turn into a 500 here)."""
    from data_access.db import is_overload

    try:
        return bool(current_user and current_user.is_authenticated)
    except Exception as exc:
        if is_overload(exc):
            return None
        raise


def add_headers(response: Response) -> Response:
    """Security headers on every response; no caching of anything a logged-in user was served."""
    hashes = current_app.extensions.get("csp_script_hashes", list)()
    response.headers["Content-Security-Policy"] = content_security_policy(hashes, current_app.debug)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    user = _served_to_user()
    if user is not False and not request.path.startswith(STATIC_PREFIXES):
        response.headers["Cache-Control"] = "no-store"
    if user is not None:
        _sync_csrf_cookie(response)
    return response


def _sync_csrf_cookie(response: Response) -> None:
    """Give the browser the session's CSRF token as a readable cookie, which dash-renderer sends as a header."""
    from dashboard.hardening import cookie_secure

    token = session.get("csrf_token") if current_user and current_user.is_authenticated else None
    if token and request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(CSRF_COOKIE, token, secure=cookie_secure(), httponly=False, samesite="Strict", path="/")
    elif not token and CSRF_COOKIE in request.cookies:
        response.delete_cookie(CSRF_COOKIE, path="/")


def install(server: Flask) -> None:
    """Install the guard and the headers on the Flask server (the factory calls this right after the auth views)."""
    server.before_request(guard)
    server.after_request(add_headers)


def set_script_hashes(server: Flask, hashes: Callable[[], list[str]]) -> None:
    """Store how to get the CSP hashes of Dash's inline scripts (`app.csp_hashes`).

    A callable, not a list: Dash adds inline scripts of its own (e.g. the page-title callback of Dash pages)
    when it sets up at the first request, after the factory has returned. Hashing a few short strings per
    response costs microseconds.
    """
    server.extensions["csp_script_hashes"] = hashes
