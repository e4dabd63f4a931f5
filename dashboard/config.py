"""Configuration: defaults, then environment variables, then test overrides (in that order)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _default_public_dir() -> str:
    candidate = ROOT.parent / "shared" / "data"
    return str(candidate) if candidate.exists() else ""


def load_config(overrides: dict | None = None) -> dict:
    """Build the app configuration; outside demo mode a missing SECRET_KEY is an error."""
    env = os.environ
    config = {
        "DATABASE_URL": env.get("DATABASE_URL", f"sqlite:///{ROOT / 'instance' / 'buurtdashboard.db'}"),
        "PUBLIC_DATA_DIR": env.get("PUBLIC_DATA_DIR", _default_public_dir()),
        "DEMO_MODE": env.get("DEMO_MODE", "1") not in ("0", "false", "nee", ""),
        "DEMO_SEED": int(env.get("DEMO_SEED", "2024")),
        "DEMO_PROGRAMME_SIZE": int(env.get("DEMO_PROGRAMME_SIZE", "20")),
        "LOAD_DEMO_DATA": env.get("LOAD_DEMO_DATA", "1") not in ("0", "false", "nee", ""),
        "SECRET_KEY": env.get("SECRET_KEY"),
        "SESSION_COOKIE_SECURE": env.get("SESSION_COOKIE_SECURE"),  # None: decided below
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PERMANENT_SESSION_LIFETIME": dt.timedelta(hours=float(env.get("SESSION_HOURS", "8"))),
        "SESSION_REFRESH_EACH_REQUEST": True,
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_LOCK_MINUTES": 15,
        "TESTING": False,
    }
    config.update(overrides or {})
    if config["SESSION_COOKIE_SECURE"] is None or isinstance(config["SESSION_COOKIE_SECURE"], str):
        # Secure cookies (HTTPS only) in production; the local demo and tests run on plain http://127.0.0.1.
        raw = config["SESSION_COOKIE_SECURE"]
        config["SESSION_COOKIE_SECURE"] = raw == "1" if raw not in (None, "") else not (
            config["DEMO_MODE"] or config["TESTING"])
    if not config["SECRET_KEY"]:
        if not (config["DEMO_MODE"] or config["TESTING"]):
            raise RuntimeError("SECRET_KEY ontbreekt: zet de omgevingsvariabele SECRET_KEY (buiten de demo verplicht)")
        config["SECRET_KEY"] = "demo-only-secret-key-not-for-production"
    return config
