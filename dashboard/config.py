"""Configuration: defaults, then environment variables, then test overrides (in that order)."""

from __future__ import annotations

import datetime as dt
import math
import os
import secrets
from pathlib import Path

from data_access.importers.common import MAX_UPLOAD_MB

ROOT = Path(__file__).resolve().parent.parent
SECRET_FILE = "secret_key"  # under INSTANCE_DIR: the demo's random key, shared by restarts and workers
MIN_SECRET_LENGTH = 32


def _default_public_dir() -> str:
    candidate = ROOT.parent / "shared" / "data"
    return str(candidate) if candidate.exists() else ""


def _flag(value: str | None, default: bool = False) -> bool:
    return default if value is None else value.strip().lower() not in ("0", "false", "nee", "no", "")


def demo_secret_key(directory: Path) -> str:
    """The demo's random SECRET_KEY: created once under `directory` (mode 0600), then read by everyone.

    Two gunicorn workers may start at the same moment: each writes a complete key to a private temporary file
    and hard-links it to the final name, which fails when the name exists (no overwrite), so the first one wins
    and every process reads back the same key.
    """
    path = directory / SECRET_FILE
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        tmp = directory / f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(8)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass  # another process was first: use its key
        finally:
            tmp.unlink(missing_ok=True)
    key = path.read_text().strip()
    if len(key) < MIN_SECRET_LENGTH:
        raise RuntimeError(f"{path} bevat geen bruikbare sleutel; verwijder het bestand en start opnieuw")
    return key


def load_config(overrides: dict | None = None, signs_sessions: bool = True) -> dict:
    """Build the app configuration; outside demo mode a missing SECRET_KEY is an error.

    signs_sessions=False (the command line) leaves SECRET_KEY alone: nothing is signed, so no key is needed or made.
    """
    env = os.environ
    config = {
        "DATABASE_URL": env.get("DATABASE_URL", f"sqlite:///{ROOT / 'instance' / 'buurtdashboard.db'}"),
        "INSTANCE_DIR": env.get("INSTANCE_DIR", str(ROOT / "instance")),
        "PUBLIC_DATA_DIR": env.get("PUBLIC_DATA_DIR", _default_public_dir()),
        "DEMO_MODE": _flag(env.get("DEMO_MODE"), True),
        "DEMO_SEED": int(env.get("DEMO_SEED", "2024")),
        "DEMO_PROGRAMME_SIZE": int(env.get("DEMO_PROGRAMME_SIZE", "20")),
        "LOAD_DEMO_DATA": _flag(env.get("LOAD_DEMO_DATA"), True),
        "SECRET_KEY": env.get("SECRET_KEY"),
        "SESSION_COOKIE_SECURE": env.get("SESSION_COOKIE_SECURE"),  # None: decided below
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PERMANENT_SESSION_LIFETIME": dt.timedelta(hours=float(env.get("SESSION_HOURS", "8"))),
        "SESSION_REFRESH_EACH_REQUEST": True,
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_LOCK_MINUTES": 15,
        # Largest file to import (the CLI checks the same number); a Dash upload arrives base64-encoded inside
        # JSON, hence MAX_CONTENT_LENGTH = 4/3 of it plus 1 MB below.
        "MAX_UPLOAD_MB": MAX_UPLOAD_MB,
        # Behind a reverse proxy: trust X-Forwarded-For/-Proto/-Host from that many proxies (0 = trust none).
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "1" if _flag(env.get("PROXY_FIX")) else "0")),
        "HSTS_SECONDS": int(env.get("HSTS_SECONDS", "31536000")),
        # Database pool per process: one connection per server thread plus a little overflow; a request that
        # waits longer than DB_POOL_TIMEOUT seconds gets 503 "druk" instead of piling up.
        "DB_POOL_SIZE": int(env.get("DB_POOL_SIZE", env.get("GUNICORN_THREADS", "4"))),
        "DB_MAX_OVERFLOW": int(env.get("DB_MAX_OVERFLOW", "2")),
        "DB_POOL_TIMEOUT": float(env.get("DB_POOL_TIMEOUT", "10")),
        "BUSY_RETRY_AFTER": int(env.get("BUSY_RETRY_AFTER", "5")),
        # Drawn callback answers kept per store version in each worker (dashboard/render_cache.py); 0 = off.
        "RENDER_CACHE_MB": int(env.get("RENDER_CACHE_MB", "64")),
        "TESTING": False,
    }
    config.update(overrides or {})
    if "MAX_CONTENT_LENGTH" not in config:
        config["MAX_CONTENT_LENGTH"] = math.ceil(config["MAX_UPLOAD_MB"] * 1024 * 1024 * 4 / 3) + 1024 * 1024
    if config["SESSION_COOKIE_SECURE"] is None or isinstance(config["SESSION_COOKIE_SECURE"], str):
        # Secure cookies (HTTPS only) in production; the local demo and tests run on plain http://127.0.0.1.
        raw = config["SESSION_COOKIE_SECURE"]
        config["SESSION_COOKIE_SECURE"] = raw == "1" if raw not in (None, "") else not (
            config["DEMO_MODE"] or config["TESTING"])
    if not config["SECRET_KEY"] and signs_sessions:
        if config["TESTING"]:
            config["SECRET_KEY"] = secrets.token_urlsafe(48)  # tests: random per app, nothing written
        elif config["DEMO_MODE"]:
            config["SECRET_KEY"] = demo_secret_key(Path(config["INSTANCE_DIR"]))
        else:
            raise RuntimeError("SECRET_KEY ontbreekt: zet de omgevingsvariabele SECRET_KEY (buiten de demo verplicht)")
    return config
