#!/usr/bin/env bash
# Set up and run the app on its embedded default (SQLite under instance/, demo data on first start).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/pip install -q --upgrade pip >/dev/null
.venv/bin/pip install -q -e .
exec .venv/bin/python app.py
