#!/usr/bin/env bash
# Serves Confer on SQLite with the ten case examples loaded: ./scripts/demo.sh [--port N]
#
# Sets up .venv first (scripts/venv.sh). Each start makes a fresh demo database
# (confer-demo.db) and fresh secrets, and prints API keys to try.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
./scripts/venv.sh
exec .venv/bin/confer demo "$@"
