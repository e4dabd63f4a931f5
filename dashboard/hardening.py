"""What the server adds around every request: proxy trust, HTTPS-only cookies and HSTS, and clear answers instead
of 500s when a request is too large (413) or the server is too busy (503 with Retry-After), and gzip for the
scripts, styles and callback data (plotly.min.js alone is 4.6 MB unpacked; a first visit moved 7.7 MB).

Proxy headers (X-Forwarded-For/-Proto/-Host) are believed only when TRUSTED_PROXIES (or PROXY_FIX=1) says how many
proxies stand in front; otherwise anyone could claim HTTPS or another address. HSTS and `Secure` cookies follow the
scheme the request arrived with (after that trust), so plain http://127.0.0.1 in the demo keeps working.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask, Request, Response, current_app, jsonify, request
from flask.sessions import SecureCookieSessionInterface
from flask_compress import Compress
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from data_access.db import is_overload

log = logging.getLogger(__name__)
TEXT = {
    "busy": "Het is nu erg druk, probeer het zo opnieuw.",
    "too_large": "Het bestand of verzoek is te groot: de server neemt hoogstens {mb} MB aan. Splits het bestand "
                 "of neem contact op met de beheerder.",
}
PAGE = """<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="/auth/login.css"></head><body class="login-body"><main class="login-card">
<h1>{title}</h1><p>{message}</p><p><a href="/">Naar het overzicht</a></p></main></body></html>"""
JSON_PREFIXES = ("/api/", "/_dash-", "/_reload-hash")


class _SessionInterface(SecureCookieSessionInterface):
    """The session cookie is `Secure` when configured so, and always when the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def cookie_secure() -> bool:
    """Whether cookies set in this response must be HTTPS-only (the CSRF cookie uses this too)."""
    return bool(current_app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def _answer(status: int, title: str, message: str, headers: dict | None = None) -> Response:
    """JSON for the API and Dash's own routes (the renderer and scripts read it), a small Dutch page otherwise."""
    if request.path.startswith(JSON_PREFIXES) or request.is_json:
        response = jsonify({"fout": message, "error": message, "status": status})
        response.status_code = status
    else:
        response = Response(PAGE.format(title=title, message=message), status=status,
                            content_type="text/html; charset=utf-8")
    response.headers.update(headers or {})
    return response


def _too_large(_exc: RequestEntityTooLarge) -> Response:
    mb = current_app.config.get("MAX_UPLOAD_MB") or current_app.config["MAX_CONTENT_LENGTH"] / 1024 / 1024
    return _answer(413, "Te groot", TEXT["too_large"].format(mb=f"{mb:g}".replace(".", ",")))


def busy_response() -> Response:
    """503 with Retry-After: the database pool is exhausted or SQLite is locked by a writer."""
    retry = str(current_app.config.get("BUSY_RETRY_AFTER", 5))
    return _answer(503, "Even geduld", TEXT["busy"], {"Retry-After": retry})


def _overload(exc: Exception):  # noqa: ANN202
    if not is_overload(exc):
        raise exc  # a real database error: Flask logs it and answers 500
    log.warning("Overbelast (%s %s): %s", request.method, request.path, str(exc).splitlines()[0][:200])
    return busy_response()


def _hsts(response: Response) -> Response:
    if request.is_secure and current_app.config.get("HSTS_SECONDS", 0) > 0:
        response.headers["Strict-Transport-Security"] = f"max-age={int(current_app.config['HSTS_SECONDS'])}"
    return response


def install(server: Flask) -> None:
    """Proxy trust, cookie and HSTS policy, and the 413/503 answers (the factory calls this first)."""
    hops = int(server.config.get("TRUSTED_PROXIES", 0) or 0)
    if hops > 0:
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    server.session_interface = _SessionInterface()
    server.register_error_handler(RequestEntityTooLarge, _too_large)
    server.register_error_handler(PoolTimeout, _overload)
    server.register_error_handler(OperationalError, _overload)
    server.after_request(_hsts)
    _compress(server)


# HTML pages stay uncompressed: they carry the CSRF token next to text a visitor can put in the URL, the mix that a
# compression side channel (BREACH) reads. Scripts, styles and JSON carry no secret.
COMPRESSED_TYPES = ["application/javascript", "text/javascript", "text/css", "application/json"]


STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/")  # fingerprinted scripts and styles
NOT_KEPT = "-"


class StaticGzipCache:
    """flask-compress's cache, holding only the gzipped scripts and styles (by URL): each is compressed once per
    process instead of on every request (plotly.js, 3.5 MB, cost ~0.25 s per cold page). Their content changes only
    with a deploy, which starts new processes; callback and API answers differ per request and are never kept."""

    LIMIT = 128

    def __init__(self) -> None:
        self._held: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        return self._held.get(key)

    def set(self, key: str, value: bytes) -> None:
        if key.endswith(";" + NOT_KEPT):
            return
        with self._lock:
            if key in self._held or len(self._held) < self.LIMIT:
                self._held[key] = value


def install_shared_static(server: Flask) -> None:
    """Let browsers keep scripts and styles in their HTTP cache across pages and logins.

    Every response carried `Vary: Cookie` and a refreshed session cookie (the guard reads the session, and the
    session is refreshed on each request), so a cached script never matched the next request's cookie: plotly.js
    (3.5 MB) and Dash's bundles came again on every page. Scripts and styles are the same for everyone (served to
    anonymous pages too): under STATIC_PREFIXES the cookie is dropped from Vary and no cookie is set."""
    inner = server.wsgi_app

    def app(environ, start_response):  # noqa: ANN001, ANN202
        if not environ.get("PATH_INFO", "").startswith(STATIC_PREFIXES):
            return inner(environ, start_response)

        def start(status, headers, exc_info=None):  # noqa: ANN001, ANN202
            kept = []
            for name, value in headers:
                if name.lower() == "set-cookie":
                    continue
                if name.lower() == "vary":
                    value = ", ".join(v.strip() for v in value.split(",") if v.strip().lower() != "cookie")
                    if not value:
                        continue
                kept.append((name, value))
            return start_response(status, kept, exc_info)

        return inner(environ, start)

    server.wsgi_app = app


def static_cache_key(request: Request) -> str:
    if request.method == "GET" and request.path.startswith(STATIC_PREFIXES):
        return request.full_path
    return NOT_KEPT


def _compress(server: Flask) -> None:
    """gzip for scripts, styles and JSON (Dash callbacks, API); every browser accepts it, no extra codec needed."""
    for key, value in (("COMPRESS_MIMETYPES", COMPRESSED_TYPES), ("COMPRESS_ALGORITHM", ["gzip"]),
                       ("COMPRESS_STREAMS", False), ("COMPRESS_LEVEL", 6),
                       ("COMPRESS_CACHE_BACKEND", StaticGzipCache), ("COMPRESS_CACHE_KEY", static_cache_key)):
        server.config.setdefault(key, value)
    server.extensions["gzip_cache"] = Compress(server).cache
