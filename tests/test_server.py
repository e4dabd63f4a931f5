"""The production server (gunicorn with gunicorn.conf.py, started for real) and back-pressure: a bounded pool whose
exhaustion, like SQLite's "database is locked", answers 503 with Retry-After instead of 500."""

from __future__ import annotations

import http.client
import os
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from dashboard.hardening import TEXT
from tests.conftest import dash_post, login

ROOT = Path(__file__).resolve().parent.parent
NAV_USER = {"output": "shell-nav-user.children", "inputs": [{"id": "shell-url", "property": "pathname", "value": "/"}]}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_gunicorn(database_url: str, instance: Path, **env: str) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "TRUSTED_PROXIES", "PROXY_FIX")}
    environment.update({"DATABASE_URL": database_url, "DEMO_MODE": "1", "LOAD_DEMO_DATA": "0",
                        "INSTANCE_DIR": str(instance), "PORT": str(port), "WEB_CONCURRENCY": "1",
                        "GUNICORN_THREADS": "2", **env})
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "app:server"],
                               cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return process, port


def _wait(process: subprocess.Popen, port: int, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode(errors="replace")[-3000:])
        try:
            _get(port, "/login")
            return
        except OSError:
            time.sleep(0.5)
    raise AssertionError("gunicorn did not answer in time")


def _get(port: int, path: str, headers: dict | None = None) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def _session_cookie(response: http.client.HTTPResponse) -> str:
    return next(c for c in response.headers.get_all("Set-Cookie") or [] if c.startswith("session="))


def test_gunicorn_serves_without_banner_and_with_hsts_only_behind_a_trusted_proxy(database_url, tmp_path):
    plain, plain_port = _start_gunicorn(database_url, tmp_path / "plain")
    proxied = None
    try:
        _wait(plain, plain_port)
        proxied, proxied_port = _start_gunicorn(database_url, tmp_path / "proxied", TRUSTED_PROXIES="1")
        _wait(proxied, proxied_port)
        https = {"X-Forwarded-Proto": "https"}

        direct = _get(plain_port, "/login")
        assert direct.status == 200
        server = direct.headers.get("Server", "")
        assert "werkzeug" not in server.lower() and "python" not in server.lower()
        assert not any(ch.isdigit() for ch in server) and "/" not in server  # no version
        assert direct.headers.get("Strict-Transport-Security") is None

        spoofed = _get(plain_port, "/login", https)  # no proxy configured: the header is not believed
        assert spoofed.headers.get("Strict-Transport-Security") is None
        assert "Secure" not in _session_cookie(spoofed)

        assert _get(proxied_port, "/login").headers.get("Strict-Transport-Security") is None
        behind = _get(proxied_port, "/login", https)
        assert behind.headers.get("Strict-Transport-Security") == "max-age=31536000"
        assert "; Secure" in _session_cookie(behind)

        key = tmp_path / "plain" / "secret_key"  # created once, by the master before the workers
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    finally:
        for process in (plain, proxied):
            if process is None:
                continue
            process.terminate()
            process.wait(timeout=30)


# ---------------------------------------------------------------- back-pressure

def test_engine_pool_is_bounded_to_the_server_threads(make_app):
    engine = make_app(DB_POOL_SIZE=3, DB_MAX_OVERFLOW=1, DB_POOL_TIMEOUT=2.5).server.extensions["engine"]
    assert (engine.pool.size(), engine.pool._max_overflow, engine.pool._timeout) == (3, 1, 2.5)


def test_exhausted_pool_answers_503_with_retry_after_never_500(make_app):
    app = make_app(DB_POOL_SIZE=1, DB_MAX_OVERFLOW=0, DB_POOL_TIMEOUT=0.2, BUSY_RETRY_AFTER=7)
    client = app.server.test_client()
    assert login(client, "transitie@demo.nl").status_code == 302
    engine = app.server.extensions["engine"]
    with engine.connect():  # the only connection is taken, as by a long request
        api = client.get("/api/v1/indicators")
        page = client.get("/")
        callback = dash_post(client, NAV_USER["output"], NAV_USER["inputs"])
    assert (api.status_code, api.headers["Retry-After"], api.get_json()["fout"]) == (503, "7", TEXT["busy"])
    assert page.status_code == 503 and page.mimetype == "text/html" and TEXT["busy"] in page.get_data(as_text=True)
    assert callback.status_code == 503 and callback.get_json()["fout"] == TEXT["busy"]
    assert client.get("/api/v1/indicators").status_code == 200  # free again: served normally


def _raise(message: str):  # noqa: ANN202
    def fail(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
        raise OperationalError("SELECT 1", {}, sqlite3.OperationalError(message))

    return fail


def test_database_is_locked_answers_503_but_a_real_fault_stays_an_error(app, monkeypatch):
    from data_access import queries

    client = app.server.test_client()
    monkeypatch.setattr(queries, "indicators", _raise("database is locked"))
    response = client.get("/api/v1/indicators")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    monkeypatch.setattr(queries, "indicators", _raise("no such table: indicator"))
    with pytest.raises(OperationalError):  # TESTING propagates what would otherwise be a logged 500
        client.get("/api/v1/indicators")


def test_scripts_and_callback_data_are_gzipped_but_html_pages_are_not(app):
    import gzip
    import re

    client = app.server.test_client()
    assert login(client, "transitie@demo.nl").status_code == 302
    page = client.get("/", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert page.status_code == 200 and "Content-Encoding" not in page.headers  # HTML: CSRF token beside URL text
    script = re.search(r'src="(/_dash-component-suites/dash/dash-renderer/build/dash_renderer[^"]+\.js)"',
                       page.get_data(as_text=True)).group(1)
    packed = client.get(script, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    plain = client.get(script)
    assert packed.headers["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain.headers
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert len(packed.get_data()) < len(plain.get_data()) / 3
    api = client.get("/api/v1/indicators", headers={"Accept-Encoding": "gzip"})
    assert api.headers["Content-Encoding"] == "gzip" and b'"data"' in gzip.decompress(api.get_data())
    # the script is compressed once per process and kept by URL; the API answer is not kept
    assert list(app.server.extensions["gzip_cache"]._held) == [f"gzip;{script}?"]
    assert client.get(script, headers={"Accept-Encoding": "gzip"}).get_data() == packed.get_data()


def test_scripts_and_styles_are_shared_but_pages_vary_by_cookie(app):
    """A logged-in browser keeps scripts and styles in its cache: no session cookie and no `Vary: Cookie` on them
    (the refreshed session cookie would never match the next request); pages and callbacks still vary by cookie."""
    import re

    client = app.server.test_client()
    assert login(client, "transitie@demo.nl").status_code == 302
    page = client.get("/")
    assert "Cookie" in page.headers["Vary"]
    script = re.search(r'src="(/_dash-component-suites/[^"]+\.js)"', page.get_data(as_text=True)).group(1)
    for url in (script, "/assets/style.css"):
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers
        assert response.headers["Vary"] == "Accept-Encoding"


def test_pages_load_plotlys_basic_bundle_gzipped_and_kept_for_a_year(app):
    """Every chart is a scatter trace: the page shell names the vendored basic bundle of the plotly.js version this
    plotly package ships (1.2 MB instead of 4.8 MB), served gzipped with a year's max-age and never as a page
    script of its own (it loads when a graph asks, assets/plotly-early.js)."""
    import gzip
    import re

    from dashboard import plotly_src

    client = app.server.test_client()
    page = client.get("/publiek").get_data(as_text=True)
    url = re.search(r'<meta name="plotly-src" content="([^"]+)"', page).group(1)
    assert url == f"/assets/vendor/plotly-basic-{plotly_src.shipped_version()}.min.js"
    assert plotly_src.shipped_version().count(".") == 2
    assert f'src="{url}' not in page  # not among the scripts every page runs
    packed = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert packed.status_code == 200 and packed.headers["Content-Encoding"] == "gzip"
    assert packed.headers["Cache-Control"] == "max-age=31536000, public" and "Set-Cookie" not in packed.headers
    body = gzip.decompress(packed.get_data())
    assert body.startswith(b"/**\n* plotly.js (basic - minified) v" + plotly_src.shipped_version().encode())
    assert len(packed.get_data()) < 500_000
    assert client.get("/assets/vendor/elders.js").status_code == 404
    assert client.get("/assets/style.css").status_code == 200  # other assets as before
