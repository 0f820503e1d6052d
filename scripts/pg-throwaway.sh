#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests and CI.
#
#   scripts/pg-throwaway.sh start DIR PORT   # prints the app's database URL as its last line
#   scripts/pg-throwaway.sh stop DIR         # stops the cluster (DIR itself is left for the caller)
#
# The cluster lives entirely in DIR (data, Unix socket, log), listens on 127.0.0.1:PORT only,
# trusts local connections, and trades durability for speed (fsync off): never keep data in it.
# It holds a database `confer` (owned by the superuser `postgres`, which runs the migrations) and
# a role `confer_app` that can log in but is NOT a superuser and owns nothing, so privileges the
# migrations revoke from it (UPDATE/DELETE on the audit tables) really apply. The superuser's URL
# is the same with `postgres@` in place of `confer_app@`.
# Only the URL goes to stdout; everything else goes to stderr.
#
# Debian's PostgreSQL 15 is used (installed with apt-get when absent). PostgreSQL refuses to run
# as root, so as root the server runs as the `postgres` user; as any other user it runs as that user.
set -euo pipefail

PG_MAJOR=15
APP_ROLE=confer_app
APP_DB=confer

log() { printf 'pg-throwaway: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

usage() {
    cat >&2 <<EOF
usage: $0 start DIR PORT
       $0 stop DIR
EOF
    exit 2
}

pg_bindir() {
    local initdb=""
    if [[ -x /usr/lib/postgresql/$PG_MAJOR/bin/initdb ]]; then
        initdb=/usr/lib/postgresql/$PG_MAJOR/bin/initdb
    elif command -v dpkg >/dev/null 2>&1; then
        initdb=$(dpkg -L "postgresql-$PG_MAJOR" 2>/dev/null | grep '/bin/initdb$' | head -n 1 || true)
    fi
    [[ -n $initdb && -x $initdb ]] || return 1
    dirname "$initdb"
}

ensure_postgres() {
    if BINDIR=$(pg_bindir); then
        return 0
    fi
    log "PostgreSQL $PG_MAJOR is not installed; installing postgresql-$PG_MAJOR with apt-get"
    [[ $EUID -eq 0 ]] || die "installing postgresql-$PG_MAJOR needs root (run: sudo apt-get install -y postgresql-$PG_MAJOR)"
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install PostgreSQL $PG_MAJOR by hand"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    apt-get install -y -q --no-install-recommends "postgresql-$PG_MAJOR" >&2
    BINDIR=$(pg_bindir) || die "postgresql-$PG_MAJOR installed but its initdb was not found"
}

# Run a PostgreSQL server binary as the user that will own the cluster (from /, a directory
# that user can always enter; all paths given to it are absolute).
as_pg() {
    if [[ $EUID -eq 0 ]]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

cmd_start() {
    local dir=$1 port=$2
    if ! [[ $port =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
        die "bad port: $port"
    fi

    ensure_postgres

    if [[ -e $dir ]]; then
        [[ -d $dir ]] || die "$dir exists and is not a directory"
        [[ -z $(ls -A "$dir") ]] || die "$dir is not empty; give a fresh directory (e.g. from mktemp -d)"
    else
        mkdir -p "$dir"
    fi
    dir=$(cd "$dir" && pwd -P)
    # The Unix socket path (DIR/.s.PGSQL.PORT) must fit in sockaddr_un (107 bytes).
    ((${#dir} + 20 < 107)) || die "$dir is too long a path for the server's Unix socket; use a shorter one"

    if [[ $EUID -eq 0 ]]; then
        getent passwd postgres >/dev/null || die "no 'postgres' user (it comes with Debian's postgresql-common)"
        chown postgres: "$dir"
        chmod 700 "$dir"
        # Every parent must be traversable by postgres (mktemp -d under /tmp is fine).
        runuser -u postgres -- test -w "$dir" ||
            die "user postgres cannot reach $dir (a parent directory is not traversable); use a directory under /tmp"
    fi

    log "initdb in $dir"
    local out
    if ! out=$(as_pg "$BINDIR/initdb" -D "$dir" -A trust -U postgres -E UTF8 --locale=C 2>&1); then
        printf '%s\n' "$out" >&2
        die "initdb failed"
    fi

    log "starting PostgreSQL $PG_MAJOR on 127.0.0.1:$port"
    local opts="-p $port -k $dir -c listen_addresses=127.0.0.1"
    opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    opts+=" -c max_connections=200"
    if ! as_pg "$BINDIR/pg_ctl" -D "$dir" -o "$opts" -l "$dir/server.log" -w -t 60 start >&2; then
        [[ -f $dir/server.log ]] && tail -n 30 "$dir/server.log" >&2
        die "the server did not start (is port $port already in use?)"
    fi

    local i
    for ((i = 0; i < 60; i++)); do
        if "$BINDIR/pg_isready" -q -h "$dir" -p "$port" -U postgres -d postgres; then
            break
        fi
        sleep 0.5
    done
    "$BINDIR/pg_isready" -q -h "$dir" -p "$port" -U postgres -d postgres || die "the server is not accepting connections"

    # The database and its tables belong to the migrating role (here the superuser); the app's
    # runtime role owns nothing, so the privileges the migrations revoke from it really hold.
    log "creating role $APP_ROLE (not a superuser, owns nothing) and database $APP_DB"
    "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres \
        -c "CREATE ROLE $APP_ROLE LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS" \
        -c "CREATE DATABASE $APP_DB" >&2

    printf 'postgresql+asyncpg://%s@127.0.0.1:%s/%s\n' "$APP_ROLE" "$port" "$APP_DB"
}

cmd_stop() {
    local dir=$1
    if [[ ! -f $dir/PG_VERSION ]]; then
        log "no cluster in $dir; nothing to stop"
        return 0
    fi
    dir=$(cd "$dir" && pwd -P)
    BINDIR=$(pg_bindir) || die "PostgreSQL $PG_MAJOR binaries not found"
    if [[ -f $dir/postmaster.pid ]]; then
        log "stopping the cluster in $dir"
        as_pg "$BINDIR/pg_ctl" -D "$dir" -m fast -w -t 60 stop >&2 ||
            as_pg "$BINDIR/pg_ctl" -D "$dir" -m immediate -w -t 30 stop >&2
    else
        log "the cluster in $dir is not running"
    fi
}

[[ $# -ge 1 ]] || usage
case $1 in
start)
    [[ $# -eq 3 ]] || usage
    cmd_start "$2" "$3"
    ;;
stop)
    [[ $# -eq 2 ]] || usage
    cmd_stop "$2"
    ;;
*) usage ;;
esac
