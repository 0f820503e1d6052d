# ruff: noqa: S603, S607, S608
# (a local benchmark: seeded RNG, its own subprocesses and SQL)
"""A throwaway PostgreSQL 15 cluster with DURABLE settings (fsync, synchronous_commit and
full_page_writes on: the defaults), the same recipe as scripts/pg-throwaway.sh otherwise.

Only memory and checkpoint spacing are tuned (shared_buffers, max_wal_size): neither changes what
a commit guarantees.
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

APP_ROLE = "confer_app"


def bindir() -> Path:
    p = Path("/usr/lib/postgresql/15/bin")
    if (p / "initdb").exists():
        return p
    out = subprocess.run(["dpkg", "-L", "postgresql-15"], capture_output=True, text=True)
    for line in out.stdout.splitlines():
        if line.endswith("/bin/initdb"):
            return Path(line).parent
    raise SystemExit("PostgreSQL 15 not found: apt-get install -y postgresql-15")


def _as_pg(args: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, cwd="/", text=True, capture_output=True, **kw)  # type: ignore[call-overload]


def init(data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    if any(data_dir.iterdir()):
        raise SystemExit(f"{data_dir} is not empty")
    if os.geteuid() == 0:
        shutil.chown(data_dir, "postgres", "postgres")
        data_dir.chmod(0o700)
    r = _as_pg(
        [
            str(bindir() / "initdb"),
            "-D",
            str(data_dir),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
        ]
    )
    if r.returncode:
        raise SystemExit(f"initdb failed:\n{r.stdout}\n{r.stderr}")


def start(data_dir: Path, port: int, settings: tuple[str, ...] = ()) -> None:
    opts = (
        f"-p {port} -k {data_dir} -c listen_addresses=127.0.0.1 -c max_connections=200"
        " -c shared_buffers=2GB -c max_wal_size=8GB -c maintenance_work_mem=512MB"
        " -c work_mem=16MB -c effective_cache_size=16GB"
    ) + "".join(f" -c {s}" for s in settings)
    r = _as_pg(
        [
            str(bindir() / "pg_ctl"),
            "-D",
            str(data_dir),
            "-o",
            opts,
            "-l",
            str(data_dir / "server.log"),
            "-w",
            "-t",
            "120",
            "start",
        ]
    )
    if r.returncode:
        log = data_dir / "server.log"
        tail = log.read_text()[-3000:] if log.exists() else ""
        raise SystemExit(f"pg_ctl start failed:\n{r.stdout}\n{r.stderr}\n{tail}")
    psql(data_dir, port, "SHOW fsync; SHOW synchronous_commit;")


def psql(data_dir: Path, port: int, sql: str, db: str = "postgres") -> str:
    r = subprocess.run(
        [
            str(bindir() / "psql"),
            "-X",
            "-q",
            "-At",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            str(data_dir),
            "-p",
            str(port),
            "-U",
            "postgres",
            "-d",
            db,
            "-c",
            sql,
        ],
        capture_output=True,
        text=True,
    )
    if r.returncode:
        raise RuntimeError(f"psql failed: {r.stderr}")
    return r.stdout


def create_database(data_dir: Path, port: int, db: str, template: str | None = None) -> None:
    exists = psql(data_dir, port, f"SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}'").strip()
    if not exists:
        psql(data_dir, port, f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE")
    tmpl = f" TEMPLATE {template}" if template else ""
    psql(data_dir, port, f"CREATE DATABASE {db}{tmpl}")


def database_exists(data_dir: Path, port: int, db: str) -> bool:
    return bool(psql(data_dir, port, f"SELECT 1 FROM pg_database WHERE datname = '{db}'").strip())


def stop(data_dir: Path) -> None:
    if not (data_dir / "postmaster.pid").exists():
        return
    r = _as_pg(
        [str(bindir() / "pg_ctl"), "-D", str(data_dir), "-m", "fast", "-w", "-t", "60", "stop"]
    )
    if r.returncode:
        _as_pg([str(bindir() / "pg_ctl"), "-D", str(data_dir), "-m", "immediate", "stop"])
    for _ in range(50):
        if not (data_dir / "postmaster.pid").exists():
            return
        time.sleep(0.1)
    print(f"bench: warning: {data_dir} may still be running", file=sys.stderr)


def urls(port: int, db: str) -> tuple[str, str]:
    """(superuser URL, app role URL)."""
    return (
        f"postgresql+asyncpg://postgres@127.0.0.1:{port}/{db}",
        f"postgresql+asyncpg://{APP_ROLE}@127.0.0.1:{port}/{db}",
    )
