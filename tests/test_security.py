"""The request guard, roles against every kind of route, CSRF, security headers, sessions, lockout, passwords."""

from __future__ import annotations

import json
import logging
import re

import pytest
from sqlalchemy import String, Text, select

from dashboard.config import load_config
from data_access.audit import audit_events
from data_access.importers import import_file
from data_access.models import Base, User
from tests.conftest import dash_post, login, write_csv

ACCOUNTS = {"beheerder": "beheer@demo.nl", "transitieteam": "transitie@demo.nl", "buurtnetwerk": "vijfhoek@demo.nl",
            "leverancier": "verzekeraar@demo.nl"}
PAGES = ["/", "/buurt/de-vijfhoek", "/buurt/de-vijfhoek/uitkomsten", "/gebied/BU03920105"]
ADMIN_PAGES = {"/beheer/gebruikers": {"beheerder"}, "/beheer/audit": {"beheerder"},
               "/beheer/upload": {"beheerder", "transitieteam", "leverancier"}}
PUBLIC_PAGES = {"/", "/gebied/BU03920105"}  # open to anonymous visitors (tests/test_public_pages.py)
DASH_GETS = ["/_dash-layout", "/_dash-dependencies", "/_reload-hash", "/assets/style.css"]
NAV_USER = {"output": "shell-nav-user.children", "inputs": [{"id": "shell-url", "property": "pathname", "value": "/"}]}


def _client(app, role: str | None = None):
    client = app.server.test_client()
    if role:
        assert login(client, ACCOUNTS[role]).status_code == 302
    return client


def _token(client, path: str = "/login") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


# ---------------------------------------------------------------- anonymous

@pytest.mark.parametrize("path", [p for p in PAGES if p not in PUBLIC_PAGES] + list(ADMIN_PAGES)
                         + ["/account/wachtwoord"])
def test_anonymous_page_request_redirects_to_login_with_next(client, path):
    response = client.get(path + "?x=1")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={path}%3Fx%3D1"


@pytest.mark.parametrize("path", DASH_GETS)
def test_anonymous_gets_the_dash_shell_the_public_pages_need(client, path):
    assert client.get(path).status_code == 200  # data-free: page data comes from whitelisted callbacks only


def test_anonymous_callback_post_outside_the_public_whitelist_is_rejected(client):
    response = dash_post(client, "transitie-status.children", NAV_USER["inputs"])
    assert response.status_code == 401
    assert response.get_json()["status"] == 401
    assert "Uitloggen" not in dash_post(client, NAV_USER["output"], NAV_USER["inputs"]).get_data(as_text=True)


def test_anonymous_reaches_login_public_api_and_published_reports_only(client):
    assert client.get("/login").status_code == 200
    assert client.get("/auth/login.css").status_code == 200
    assert client.get("/api/v1/indicators").status_code == 200
    # /verslag/... is not guarded: the view itself decides (an unpublished report: the Dutch 404 page)
    assert client.get("/verslag/de-vijfhoek/2025").status_code == 404


# ---------------------------------------------------------------- logged in, per role

@pytest.mark.parametrize("role", ACCOUNTS)
def test_every_role_reaches_pages_and_dash_endpoints(app, role):
    client = _client(app, role)
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200 and "_dash-config" in response.get_data(as_text=True), path
    for path in DASH_GETS:
        assert client.get(path).status_code == 200, path
    response = dash_post(client, NAV_USER["output"], NAV_USER["inputs"])
    assert response.status_code == 200
    assert ACCOUNTS[role] in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ACCOUNTS)
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_only_for_their_roles(app, role, path):
    response = _client(app, role).get(path)
    assert response.status_code == (200 if role in ADMIN_PAGES[path] else 403)
    if response.status_code == 403:
        assert "Geen toegang" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ACCOUNTS)
def test_beheer_menu_shows_only_the_pages_the_role_may_use(app, role):
    body = json.dumps(dash_post(_client(app, role), NAV_USER["output"], NAV_USER["inputs"]).get_json())
    assert ("/beheer/gebruikers" in body) == (role == "beheerder")
    assert ("/beheer/audit" in body) == (role == "beheerder")
    assert ("/beheer/upload" in body) == (role in ADMIN_PAGES["/beheer/upload"])
    assert '"action": "/logout"' in body and "/account/wachtwoord" in body


def test_callback_post_without_or_with_a_wrong_csrf_header_is_refused(app):
    client = _client(app, "transitieteam")
    assert dash_post(client, NAV_USER["output"], NAV_USER["inputs"], csrf=False).status_code == 403
    client.set_cookie("_csrf_token", "vervalst")
    assert dash_post(client, NAV_USER["output"], NAV_USER["inputs"]).status_code == 403


def test_supplier_cannot_read_another_sources_nonpublic_data(app, tmp_path):
    delivery = ("gebied;indicator;periode;teller;noemer;waarde;bron\n"
                "BU03920105;wvpk_uren_per_client;2024-B1;4200;30;;Verzekeraar A\n"
                "BU03921207;wvpk_uren_per_client;2024-B1;4000;30;;demo (synthetisch)\n")
    assert import_file(app.server.extensions["engine"], "levering", write_csv(tmp_path / "l.csv", delivery)).ok
    client = _client(app, "leverancier")
    other = client.get("/api/v1/observations?area=BU03920105&indicator=wvpk_uren_per_client")
    assert other.status_code == 200 and other.get_json()["data"] == []
    own = client.get("/api/v1/observations?area=BU03921207&indicator=wvpk_uren_per_client").get_json()["data"]
    assert [r["numerator"] for r in own] == [4000]
    # the programme aggregate of someone else's source is not visible to the supplier either
    assert client.get("/api/v1/observations?area=de-vijfhoek&indicator=wvpk_uren_per_client").get_json()["data"] == []


# ---------------------------------------------------------------- headers and cookies

@pytest.mark.parametrize("path", ["/login", "/api/v1/indicators", "/", "/_dash-layout", "/assets/style.css"])
def test_security_headers_on_every_response(app, path):
    response = _client(app, "transitieteam").get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp and "object-src 'none'" in csp
    script_src = re.search(r"script-src ([^;]+)", csp).group(1)
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert re.search(r"'sha256-[A-Za-z0-9+/=]+'", script_src)  # Dash's inline start-up script, by hash
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_csp_hashes_cover_every_inline_script_of_the_dash_page(app):
    import base64
    import hashlib

    response = _client(app, "transitieteam").get("/")
    csp = response.headers["Content-Security-Policy"]
    html = response.get_data(as_text=True)
    scripts = [m.group(2) for m in re.finditer(r"<script([^>]*)>(.*?)</script>", html, re.S)
               if "src=" not in m.group(1) and "application/json" not in m.group(1) and "alert(" not in m.group(2)]
    assert scripts
    for body in scripts:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp


def test_logged_in_responses_are_not_cached(app):
    client = _client(app, "transitieteam")
    assert client.get("/api/v1/observations?area=de-vijfhoek").headers["Cache-Control"] == "no-store"


def test_session_cookie_is_httponly_lax_and_expires(app):
    client = app.server.test_client()
    response = client.post("/login", data={"email": "transitie@demo.nl", "password": "demo",
                                           "csrf_token": _token(client)})
    cookies = response.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session and "Expires=" in session
    csrf = next(c for c in cookies if c.startswith("_csrf_token="))
    assert "HttpOnly" not in csrf  # dash-renderer must read it to send the header


def test_secure_cookies_outside_demo_and_tests(monkeypatch):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    assert load_config({"DEMO_MODE": False, "SECRET_KEY": "x"})["SESSION_COOKIE_SECURE"] is True
    assert load_config({"TESTING": True})["SESSION_COOKIE_SECURE"] is False
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    assert load_config({"TESTING": True})["SESSION_COOKIE_SECURE"] is True


# ---------------------------------------------------------------- sessions, CSRF on forms, lockout, passwords

def test_old_session_cookie_is_refused_after_logout(app, tmp_path):
    client = _client(app, "transitieteam")
    old = client.get_cookie("session").value
    assert client.get("/vergelijken").status_code == 200
    token = client.get_cookie("_csrf_token").value
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    thief = app.server.test_client()
    thief.set_cookie("session", old)
    assert thief.get("/vergelijken").status_code == 302  # "/" itself is public
    assert "Uitloggen" not in dash_post(thief, NAV_USER["output"], NAV_USER["inputs"]).get_data(as_text=True)
    # logging in again afterwards works
    assert login(client, "transitie@demo.nl").status_code == 302 and client.get("/vergelijken").status_code == 200


def test_login_and_logout_require_the_csrf_token(app):
    client = app.server.test_client()
    assert client.post("/login", data={"email": "transitie@demo.nl", "password": "demo"}).status_code == 400
    assert client.get("/vergelijken").status_code == 302  # not logged in
    login(client, "transitie@demo.nl")
    assert client.post("/logout", data={}).status_code == 400
    assert client.get("/vergelijken").status_code == 200  # still logged in


def test_login_never_redirects_to_another_site(app):
    client = app.server.test_client()
    response = client.post("/login", data={"email": "transitie@demo.nl", "password": "demo",
                                           "csrf_token": _token(client), "next": "//evil.example/x"})
    assert response.headers["Location"] == "/transitie"  # not the other site: the role's own start page


def test_lockout_after_repeated_failed_logins_even_with_the_right_password(app):
    client = app.server.test_client()
    for _ in range(5):
        assert login(client, "vijfhoek@demo.nl", "fout").status_code == 401
    response = login(client, "vijfhoek@demo.nl", "demo")
    assert response.status_code == 401 and "geblokkeerd" in response.get_data(as_text=True)
    engine = app.server.extensions["engine"]
    with engine.connect() as conn:
        assert conn.execute(select(User.locked_until).where(User.email == "vijfhoek@demo.nl")).scalar() is not None
        events = audit_events(conn, actor="vijfhoek@demo.nl")
    assert list(events["action"]).count("login_failed") == 6 and "lockout" in set(events["action"])


def test_no_plain_text_password_in_database_or_logs(app, caplog):
    from data_access.users import add_user

    secret_fail, secret_new = "Verkeerd-Geheim-4711", "Nieuw-Geheim-0815!"
    caplog.set_level(logging.DEBUG)
    client = app.server.test_client()
    login(client, "transitie@demo.nl", secret_fail)
    login(client, "transitie@demo.nl", "demo")
    engine = app.server.extensions["engine"]
    with engine.begin() as conn:
        add_user(conn, "tester", "nieuw@voorbeeld.nl", "transitieteam", password=secret_new)
    assert login(app.server.test_client(), "nieuw@voorbeeld.nl", secret_new).status_code == 302
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            text_cols = [c for c in table.columns if isinstance(c.type, String | Text)]
            for row in conn.execute(select(*text_cols)) if text_cols else []:
                for value in row:
                    assert not (isinstance(value, str) and (secret_fail in value or secret_new in value)), table.name
        hashes = list(conn.execute(select(User.password_hash)).scalars())
    assert all(h.startswith("scrypt:") for h in hashes)
    assert secret_fail not in caplog.text and secret_new not in caplog.text


def test_changing_ones_own_password_ends_the_session_and_the_new_one_works(app):
    client = _client(app, "buurtnetwerk")
    token = _token(client, "/account/wachtwoord")
    bad = client.post("/account/wachtwoord", data={"csrf_token": token, "current": "demo", "new": "kort",
                                                   "repeat": "kort"})
    assert bad.status_code == 400 and "minstens 10 tekens" in bad.get_data(as_text=True)
    ok = client.post("/account/wachtwoord", data={"csrf_token": token, "current": "demo",
                                                  "new": "Een-lang-wachtwoord", "repeat": "Een-lang-wachtwoord"})
    assert ok.status_code == 200 and "gewijzigd" in ok.get_data(as_text=True)
    assert client.get("/vergelijken").status_code == 302
    assert login(app.server.test_client(), "vijfhoek@demo.nl", "demo").status_code == 401
    assert login(app.server.test_client(), "vijfhoek@demo.nl", "Een-lang-wachtwoord").status_code == 302
