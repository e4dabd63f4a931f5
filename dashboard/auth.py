"""Login and logout (server-rendered Flask views), the user loader and the current viewer for data access."""

from __future__ import annotations

import datetime as dt
import secrets
from urllib.parse import unquote, urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    has_request_context,
    redirect,
    render_template_string,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from data_access.access import ANONYMOUS, Viewer
from data_access.audit import record_event, session_revoked
from data_access.models import Membership, User, utcnow

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"

LOGIN_PAGE = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Inloggen – Buurtdashboard</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="{{ url_for('auth.static_css') }}"></head>
<body class="login-body"><main class="login-card">
<h1>Buurtdashboard</h1><p>Log in om niet-openbare gegevens van uw buurt te zien.</p>
{% if error %}<p class="login-error" role="alert">{{ error }}</p>{% endif %}
<form method="post" action="{{ url_for('auth.login') }}">
<input type="hidden" name="csrf_token" value="{{ csrf_token }}">
<input type="hidden" name="next" value="{{ next_url }}">
<label for="email">E-mailadres</label>
<input id="email" name="email" type="email" autocomplete="username" maxlength="{{ max_email }}" required>
<label for="password">Wachtwoord</label>
<input id="password" name="password" type="password" autocomplete="current-password" maxlength="{{ max_password }}"
required>
<button type="submit">Inloggen</button></form>
<nav class="login-note" aria-label="Openbare pagina's"><p>Zonder account kunt u ook terecht bij:</p><ul>
<li><a href="/">de openbare startpagina</a> (zoek uw buurt, kaart van de programmabuurten)</li>
<li><a href="/verslag">de gepubliceerde buurtverslagen</a></li>
<li><a href="/indicatoren">wat de indicatoren betekenen</a></li></ul></nav></main></body></html>"""
# Checked against when no real hash is (unknown, deactivated or locked account), so every refusal costs one scrypt.
_DUMMY_HASH = generate_password_hash("not-a-password", method="scrypt")
# One message for an unknown address, a wrong password and a locked account: the page reveals none of them.
LOGIN_FAILED = ("Inloggen is niet gelukt: onbekend e-mailadres, onjuist wachtwoord, of een account dat na te veel "
                "mislukte pogingen tijdelijk is geblokkeerd.")
TOO_LONG = "Het {field} mag hoogstens {n} tekens hebben."
CHANGE_PATH = "/account/wachtwoord"


class LoginUser(UserMixin):
    """The logged-in user as flask-login sees it; built per request from the database."""

    def __init__(self, user: User, programme_ids: frozenset[int]):
        self.id = str(user.id)
        self.email = user.email
        self.name = user.name
        self.role = user.role
        self.supplier_source = user.supplier_source
        self.programme_ids = programme_ids
        self.must_change_password = bool(user.must_change_password)


def client_ip() -> str:
    """The caller's address for the audit log ("" outside a request, e.g. when a test calls a callback)."""
    return (request.remote_addr or "") if has_request_context() else ""


def csrf_token() -> str:
    """One token per session, checked on every form that changes data."""
    if "csrf_token" not in session:
        session["csrf_token"] = secrets.token_urlsafe(32)
    return session["csrf_token"]


def check_csrf() -> None:
    sent = request.form.get("csrf_token", "")
    if not sent or not secrets.compare_digest(sent, session.get("csrf_token", "")):
        abort(400, "Ongeldig of verlopen formulier; laad de pagina opnieuw.")


def current_viewer() -> Viewer:
    """The data-access view of the current request's user (anonymous when not logged in)."""
    if not current_user or not current_user.is_authenticated:
        return ANONYMOUS
    return Viewer(role=current_user.role, programme_ids=current_user.programme_ids,
                  supplier_source=current_user.supplier_source, user_id=int(current_user.id))


@login_manager.user_loader
def load_user(user_id: str) -> LoginUser | None:
    """The active user of this session, unless the session was ended (logout elsewhere, password reset...)."""
    engine = current_app.extensions["engine"]
    with engine.connect() as conn:
        user = conn.execute(select(User).where(User.id == int(user_id), User.active.is_(True))).first()
        if user is None:
            return None
        user = user[0] if isinstance(user, tuple) else user
        # A copy of the signed session cookie stays valid for Flask; the audit log says whether it was ended.
        logged_in_at = _session_login_time()
        if logged_in_at is None or session_revoked(conn, user.email, logged_in_at):
            return None
        programme_ids = frozenset(conn.execute(
            select(Membership.programme_id).where(Membership.user_id == int(user_id))).scalars())
    return LoginUser(user, programme_ids)


def _session_login_time() -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(session["login_at"])
    except (KeyError, TypeError, ValueError):
        return None


def safe_next(target: object) -> str:
    r"""`target` when it is a path on this site, else "/": no scheme, host, `//`, backslash or control character,
    also after percent-decoding (browsers drop tabs and newlines and read `\` as `/`, so `/<TAB>/evil.example`
    or `/\evil.example` would leave the site)."""
    if not isinstance(target, str) or not target or len(target) > 2000:
        return "/"
    for form in (target, unquote(target)):
        if any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in form) or "\\" in form:
            return "/"
        if not form.startswith("/") or form.startswith("//"):
            return "/"
        parts = urlsplit(form)
        if parts.scheme or parts.netloc:
            return "/"
    return target


def _check_login(email: str, password: str) -> int | None:
    """The user id when the password is right; every refusal costs one scrypt check and is audited.

    The attempt is counted atomically before the hash is checked (data_access.users.claim_login_attempt), in its
    own short transaction, so parallel guesses cannot pass the limit and the slow check holds no database lock.
    """
    from data_access import users

    cfg = current_app.config
    engine = current_app.extensions["engine"]
    now = utcnow()
    with engine.begin() as conn:
        attempt = users.claim_login_attempt(conn, email, now, cfg["LOGIN_MAX_FAILURES"], cfg["LOGIN_LOCK_MINUTES"])
    if attempt is None:
        check_password_hash(_DUMMY_HASH, password)  # the same cost as a real check
        with engine.begin() as conn:
            record_event(conn, email or None, "login_failed", detail=users.login_refusal_reason(conn, email, now),
                         ip=client_ip())
        return None
    if check_password_hash(attempt.password_hash, password):
        with engine.begin() as conn:
            users.login_succeeded(conn, attempt.user_id)
            record_event(conn, email, "login", ip=client_ip())
        return attempt.user_id
    with engine.begin() as conn:
        record_event(conn, email, "login_failed", detail=f"onjuist wachtwoord (poging {attempt.attempt})",
                     ip=client_ip())
        if attempt.locks:
            record_event(conn, email, "lockout",
                         detail=f"{attempt.attempt} mislukte pogingen; geblokkeerd voor {cfg['LOGIN_LOCK_MINUTES']} "
                                "minuten", ip=client_ip())
    return None


@bp.route("/login", methods=["GET", "POST"])
def login():  # noqa: ANN201
    from data_access.users import MAX_EMAIL_LENGTH, MAX_PASSWORD_LENGTH

    error = None
    if request.method == "POST":
        check_csrf()
        email = request.form.get("email", "").strip().lower()
        password = request.form.get("password", "")
        if len(email) > MAX_EMAIL_LENGTH:
            error = TOO_LONG.format(field="e-mailadres", n=MAX_EMAIL_LENGTH)
        elif len(password) > MAX_PASSWORD_LENGTH:
            error = TOO_LONG.format(field="wachtwoord", n=MAX_PASSWORD_LENGTH)
        else:
            user_id = _check_login(email, password)
            if user_id is None:
                error = LOGIN_FAILED
        if error is None:
            session.clear()  # a fresh session: nothing from before the login carries over
            session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME
            session["login_at"] = utcnow().isoformat()
            user = load_user(str(user_id))
            login_user(user)
            csrf_token()
            if user.must_change_password:
                return redirect(CHANGE_PATH)
            target = safe_next(request.form.get("next"))
            if target == "/":  # no page asked for: the role's own start (its buurt, overview, deliveries)
                from dashboard.public import start_path
                from layouts.buurt import review_options

                options = review_options()
                target = start_path(current_viewer(), options[0]["value"] if options else None)
            return redirect(target)
    return render_template_string(LOGIN_PAGE, error=error, csrf_token=csrf_token(),
                                  next_url=safe_next(request.args.get("next") or request.form.get("next")),
                                  max_email=MAX_EMAIL_LENGTH, max_password=MAX_PASSWORD_LENGTH), \
        (401 if error else 200)


@bp.route("/logout", methods=["POST"])
def logout():  # noqa: ANN201
    check_csrf()
    if current_user.is_authenticated:
        with current_app.extensions["engine"].begin() as conn:
            # this event also ends every copy of the session cookie (see load_user)
            record_event(conn, current_user.email, "logout", ip=client_ip())
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


PASSWORD_PAGE = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Wachtwoord wijzigen – Buurtdashboard</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="{{ url_for('auth.static_css') }}"></head>
<body class="login-body"><main class="login-card">
<h1>Wachtwoord wijzigen</h1>
{% if forced and not done %}<p role="status">U bent ingelogd met een eenmalig wachtwoord. Kies eerst een eigen
wachtwoord; daarna logt u opnieuw in.</p>{% endif %}
{% if error %}<p class="login-error" role="alert">{{ error }}</p>{% endif %}
{% if done %}<p class="login-ok" role="status">Uw wachtwoord is gewijzigd. Log opnieuw in.</p>
<p><a href="{{ url_for('auth.login') }}">Inloggen</a></p>{% else %}
<form method="post" action="{{ url_for('auth.change_password') }}">
<input type="hidden" name="csrf_token" value="{{ csrf_token }}">
<label for="current">Huidig wachtwoord</label>
<input id="current" name="current" type="password" autocomplete="current-password" maxlength="{{ max_length }}"
required>
<label for="new">Nieuw wachtwoord (minstens {{ min_length }} tekens)</label>
<input id="new" name="new" type="password" autocomplete="new-password" minlength="{{ min_length }}"
maxlength="{{ max_length }}" required>
<label for="repeat">Nieuw wachtwoord (nogmaals)</label>
<input id="repeat" name="repeat" type="password" autocomplete="new-password" maxlength="{{ max_length }}" required>
<button type="submit">Wijzigen</button></form>
{% if forced %}<form method="post" action="{{ url_for('auth.logout') }}">
<input type="hidden" name="csrf_token" value="{{ csrf_token }}"><button type="submit">Uitloggen</button></form>
{% else %}<p><a href="/">Terug naar het dashboard</a></p>{% endif %}{% endif %}</main></body></html>"""


@bp.route("/account/wachtwoord", methods=["GET", "POST"])
def change_password():  # noqa: ANN201
    """Every user changes their own password here (a one-time password must be replaced before anything else);
    all their sessions end."""
    from data_access.users import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, UserError, change_own_password

    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=CHANGE_PATH))
    error, done, forced = None, False, current_user.must_change_password
    if request.method == "POST":
        check_csrf()
        fields = [request.form.get(name, "") for name in ("current", "new", "repeat")]
        if any(len(value) > MAX_PASSWORD_LENGTH for value in fields):
            error = TOO_LONG.format(field="wachtwoord", n=MAX_PASSWORD_LENGTH)
        elif fields[1] != fields[2]:
            error = "De twee nieuwe wachtwoorden zijn niet gelijk."
        else:
            try:
                with current_app.extensions["engine"].begin() as conn:
                    change_own_password(conn, int(current_user.id), request.form.get("current", ""),
                                        request.form.get("new", ""), ip=client_ip())
                logout_user()
                session.clear()
                done = True
            except UserError as exc:
                error = str(exc)
    return render_template_string(PASSWORD_PAGE, error=error, done=done, forced=forced, csrf_token=csrf_token(),
                                  min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH), \
        (400 if error else 200)


@bp.route("/auth/login.css")
def static_css():  # noqa: ANN201
    css = (
        "body.login-body{font-family:system-ui,sans-serif;background:#f4f6f8;margin:0}"
        ".login-card{max-width:24rem;margin:10vh auto;background:#fff;padding:2rem;border-radius:.5rem;"
        "box-shadow:0 2px 8px rgba(0,0,0,.1)}label{display:block;margin-top:1rem}"
        "input{width:100%;padding:.5rem;box-sizing:border-box}button{margin-top:1.5rem;padding:.6rem 1.2rem;"
        "background:#0b5394;color:#fff;border:0;border-radius:.3rem}.login-error{color:#a00}"
        ".login-ok{color:#155724}.login-note{font-size:.9rem;color:#555;margin-top:1.5rem}"
    )
    return css, 200, {"Content-Type": "text/css"}
