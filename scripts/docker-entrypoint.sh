#!/bin/sh
# Container entrypoint: bring the database schema up to date, then serve the API.
# This is what the README's PostgreSQL section runs: confer migrate, then confer serve.
# Given arguments, runs them instead (e.g. `docker compose run --rm app confer demo`).
set -eu

if [ "$#" -gt 0 ]; then
    exec "$@"
fi

confer migrate && exec confer serve --host 0.0.0.0 --port 8000
