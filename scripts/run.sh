#!/usr/bin/env bash
# Set up the venv and run the app under gunicorn (production server; settings in gunicorn.conf.py) on its embedded
# default: SQLite under instance/, demo data built once on first start (before the workers start).
# Development with Flask's own server instead: .venv/bin/python app.py
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/pip install -q --upgrade pip >/dev/null
.venv/bin/pip install -q -e .
exec .venv/bin/gunicorn -c gunicorn.conf.py app:server
