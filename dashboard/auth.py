"""Login and logout (server-rendered Flask views), the user loader and the current viewer for data access."""

from __future__ import annotations

import datetime as dt
import secrets

from flask import Blueprint, abort, current_app, redirect, render_template_string, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from data_access.access import ANONYMOUS, Viewer
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
<label for="email">E-mailadres</label><input id="email" name="email" type="email" autocomplete="username" required>
<label for="password">Wachtwoord</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Inloggen</button></form>
<p><a href="/">Verder zonder inloggen (alleen openbare gegevens)</a></p></main></body></html>"""


class LoginUser(UserMixin):
    """The logged-in user as flask-login sees it; built per request from the database."""

    def __init__(self, user: User, programme_ids: frozenset[int]):
        self.id = str(user.id)
        self.email = user.email
        self.name = user.name
        self.role = user.role
        self.supplier_source = user.supplier_source
        self.programme_ids = programme_ids


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


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
    engine = current_app.extensions["engine"]
    with engine.connect() as conn:
        user = conn.execute(select(User).where(User.id == int(user_id), User.active.is_(True))).first()
        if user is None:
            return None
        user = user[0] if isinstance(user, tuple) else user
        programme_ids = frozenset(conn.execute(
            select(Membership.programme_id).where(Membership.user_id == int(user_id))).scalars())
    return LoginUser(user, programme_ids)


def _safe_next(target: str | None) -> str:
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


@bp.route("/login", methods=["GET", "POST"])
def login():  # noqa: ANN201
    error = None
    if request.method == "POST":
        check_csrf()
        email = request.form.get("email", "").strip().lower()
        password = request.form.get("password", "")
        engine = current_app.extensions["engine"]
        cfg = current_app.config
        with engine.begin() as conn:
            row = conn.execute(select(User.__table__).where(User.email == email)).first()
            now = utcnow()
            if row is None or not row.active:
                error = "Onbekend e-mailadres of onjuist wachtwoord."
            elif row.locked_until and row.locked_until > now:
                error = "Te veel mislukte pogingen: dit account is tijdelijk geblokkeerd. Probeer het later opnieuw."
            elif not check_password_hash(row.password_hash, password):
                failures = row.failed_logins + 1
                locked = now + dt.timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"]) \
                    if failures >= cfg["LOGIN_MAX_FAILURES"] else None
                conn.execute(User.__table__.update().where(User.id == row.id).values(
                    failed_logins=0 if locked else failures, locked_until=locked))
                error = "Onbekend e-mailadres of onjuist wachtwoord."
            else:
                conn.execute(User.__table__.update().where(User.id == row.id).values(
                    failed_logins=0, locked_until=None))
        if error is None:
            session.clear()
            login_user(load_user(str(row.id)))
            csrf_token()
            return redirect(_safe_next(request.form.get("next")))
    return render_template_string(LOGIN_PAGE, error=error, csrf_token=csrf_token(),
                                  next_url=_safe_next(request.args.get("next") or request.form.get("next"))), \
        (401 if error else 200)


@bp.route("/logout", methods=["POST"])
def logout():  # noqa: ANN201
    check_csrf()
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/auth/login.css")
def static_css():  # noqa: ANN201
    css = (
        "body.login-body{font-family:system-ui,sans-serif;background:#f4f6f8;margin:0}"
        ".login-card{max-width:24rem;margin:10vh auto;background:#fff;padding:2rem;border-radius:.5rem;"
        "box-shadow:0 2px 8px rgba(0,0,0,.1)}label{display:block;margin-top:1rem}"
        "input{width:100%;padding:.5rem;box-sizing:border-box}button{margin-top:1.5rem;padding:.6rem 1.2rem;"
        "background:#0b5394;color:#fff;border:0;border-radius:.3rem}.login-error{color:#a00}"
    )
    return css, 200, {"Content-Type": "text/css"}
