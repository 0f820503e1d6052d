#!/usr/bin/env bash
# Runs the whole test suite: ./scripts/test.sh [pytest arguments...]
#
# Sets up .venv first (scripts/venv.sh). Tests use SQLite unless CONFER_TEST_DATABASE_URL names a
# PostgreSQL database (scripts/pg-throwaway.sh starts a throwaway one).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
./scripts/venv.sh
exec .venv/bin/python -m pytest -q "$@"
