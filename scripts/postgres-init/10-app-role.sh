#!/bin/sh
# Runs once, when the PostgreSQL container initialises its data directory: creates the role the
# app runs as. It owns nothing; `confer migrate` (as the owner) grants it what it may do, and only
# SELECT and INSERT on the audit tables and the disclosure log.
set -eu
psql -v ON_ERROR_STOP=1 -v pw="$CONFER_APP_DB_PASSWORD" --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
CREATE ROLE confer_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'pw';
SQL
