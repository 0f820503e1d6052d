"""A quick, quiet probe for working on the hot path: one request at a time, in one process.

    python -m bench.latency [--scale 0.05] [--n 300] [--only OP ...] [--direct] [--statements]

Builds a small dataset in a throwaway PostgreSQL (as `python -m bench` does), then times the
bare logged read and the app's operations sequentially through httpx's ASGI transport, and prints
mean latency and each operation's cost as a multiple of the bare logged read. Sequential timing
is a proxy for CPU per request, steadier than throughput on a shared machine; the bench proper
(`python -m bench`) is what RESULTS.md reports.

`--statements` loads pg_stat_statements and prints, after the probe, the statements that took the
most time with their blocks read per call: a statement whose blocks per call grow with `--scale`
reaches a table by scan or by a filter over many rows, not by an index on what it looks up.
"""

import argparse
import asyncio
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


async def _time(client: Any, lines: list[str], n: int) -> float:
    import json

    samples = []
    cpu = time.process_time()
    for line in lines[:n]:
        if_match = ""
        if line.count("|") == 4:  # an update: METHOD|PATH|KEY|IF-MATCH|BODY (bench/load.lua)
            method, path, key, if_match, body = line.split("|")
        else:
            method, path, key, body = line.split("|", 3)
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        if if_match:
            headers["If-Match"] = if_match
        if method == "POST":
            headers["Idempotency-Key"] = secrets.token_hex(8)
        t = time.perf_counter()
        r = await client.request(
            method, path, headers=headers, json=json.loads(body) if body else None
        )
        samples.append(time.perf_counter() - t)
        assert r.status_code < 300, (path, r.status_code, r.text[:300])
    _cpu[id(lines)] = (time.process_time() - cpu) / n
    samples.sort()
    return statistics.mean(samples[len(samples) // 10 : -len(samples) // 10 or None])


_cpu: dict[int, float] = {}


class _Direct:
    """Calls the ASGI app itself, without an HTTP client, so that the time and the profile are
    the server's alone (`--direct`); httpx's ASGI transport costs about as much as the app."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def request(
        self, method: str, path: str, headers: dict[str, str], json: Any = None
    ) -> Any:
        import json as _json
        from types import SimpleNamespace
        from urllib.parse import urlsplit

        url = urlsplit(path)
        body = b"" if json is None else _json.dumps(json).encode()
        raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        raw += [(b"host", b"a"), (b"content-length", str(len(body)).encode())]
        if json is not None:
            raw.append((b"content-type", b"application/json"))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": url.path,
            "raw_path": url.path.encode(),
            "query_string": url.query.encode(),
            "headers": raw,
            "client": ("127.0.0.1", 1),
            "server": ("a", 80),
            "root_path": "",
        }
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        out: dict[str, Any] = {"status": 0, "body": b""}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                out["status"] = message["status"]
            elif message["type"] == "http.response.body":
                out["body"] += message.get("body", b"")

        await self.app(scope, receive, send)
        return SimpleNamespace(status_code=out["status"], text=out["body"].decode())


async def probe(
    admin: str,
    app_url: str,
    pepper: str,
    m: Any,
    n: int,
    profile: str | None,
    only: list[str],
    direct: bool = False,
) -> None:
    import httpx

    from bench.__main__ import app_env, make_targets

    env = app_env(app_url, pepper)
    os.environ.update({k: v for k, v in env.items() if k.startswith("CONFER_")})
    targets = make_targets(m, random.Random(1), n=n + 50)  # noqa: S311 - not secrets
    from app.asgi import app
    from bench import baseline_app

    out: dict[str, float] = {}
    cpu: dict[str, float] = {}
    transport = httpx.ASGITransport(app=baseline_app.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://b") as c:
        c = _Direct(baseline_app.app) if direct else c
        await _time(c, targets["logged"], 50)
        lines = targets["logged"][50:]
        out["logged"] = await _time(c, lines, n)
        cpu["logged"] = _cpu[id(lines)]
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://a") as c:
            c = _Direct(app) if direct else c
            await _time(c, targets["summary"], 50)
            for name in only or ("summary", "chronology", "disclosures", "consent"):
                lines = targets[name][50:]
                out[name] = await _time(c, lines, n)
                cpu[name] = _cpu[id(lines)]
            if profile:
                import cProfile
                import pstats

                prof = cProfile.Profile()
                prof.enable()
                await _time(c, targets[profile][50:], n)
                prof.disable()
                st = pstats.Stats(prof).sort_stats(os.environ.get("SORT", "cumulative"))
                st.print_stats(45)
                print(f"profiled python time per request: {st.total_tt / n * 1000:.2f} ms")  # type: ignore[attr-defined]
                if os.environ.get("CALLERS"):
                    st.print_callers(os.environ["CALLERS"])
    base = out["logged"]
    for name, t in out.items():
        print(
            f"{name:12s} {t * 1000:7.2f} ms  x{t / base:5.2f} of the bare logged read; "
            f"this process's CPU {cpu[name] * 1000:6.2f} ms/request"
        )


STATEMENTS_SETTINGS = (
    "shared_preload_libraries=pg_stat_statements",
    "pg_stat_statements.track_planning=on",
)
TOP_STATEMENTS = """
SELECT calls, round(mean_exec_time::numeric, 3) AS mean_ms, plans,
       round(mean_plan_time::numeric, 3) AS mean_plan_ms,
       round(total_exec_time::numeric) AS total_ms,
       round((shared_blks_hit + shared_blks_read)::numeric / calls, 1) AS blocks_per_call,
       round(rows::numeric / calls, 1) AS rows_per_call,
       left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query
FROM pg_stat_statements WHERE calls > 0 AND query NOT LIKE '%pg_stat_statements%'
ORDER BY total_exec_time DESC LIMIT 15;
"""


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.latency", description=__doc__)
    ap.add_argument("--scale", type=float, default=0.05)
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--seed", type=int, default=20261125)
    ap.add_argument("--unix-socket", action="store_true", help="connect over a Unix socket")
    ap.add_argument("--only", nargs="*", default=[])
    ap.add_argument(
        "--direct", action="store_true", help="call the ASGI apps without an HTTP client"
    )
    ap.add_argument("--profile", choices=["summary", "chronology", "disclosures", "consent"])
    ap.add_argument(
        "--statements",
        action="store_true",
        help="print the costliest statements (pg_stat_statements)",
    )
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from bench import dataset, pg
    from bench.__main__ import free_port

    workdir = Path(tempfile.mkdtemp(prefix="confer-latency-", dir="/tmp"))
    os.chmod(workdir, 0o755)  # noqa: S103 - the postgres user must reach the cluster
    pgdir, port = workdir / "pg", free_port()
    pepper = secrets.token_urlsafe(32)
    try:
        pg.init(pgdir)
        pg.start(pgdir, port, STATEMENTS_SETTINGS if args.statements else ())
        admin, app_url = pg.urls(port, "confer")
        pg.create_database(pgdir, port, "confer")

        from app.db import make_engine
        from app.migrate import upgrade

        async def migrate() -> None:
            engine = make_engine(admin)
            await upgrade(engine)
            await engine.dispose()

        asyncio.run(migrate())
        m = dataset.run_load(
            admin, "postgres", dataset.Builder(args.seed, args.scale, pepper, None)
        )
        pg.psql(
            pgdir,
            port,
            "CREATE TABLE bench_log (id bigserial PRIMARY KEY, person_id uuid, "
            "request_id text, at timestamptz DEFAULT now());"
            "GRANT SELECT, INSERT ON bench_log TO confer_app;"
            "GRANT USAGE ON SEQUENCE bench_log_id_seq TO confer_app;",
            db="confer",
        )
        if args.statements:
            pg.psql(pgdir, port, "CREATE EXTENSION pg_stat_statements;", db="confer")
        if args.unix_socket:
            app_url = f"postgresql+asyncpg://confer_app@/confer?host={pgdir}&port={port}"
        if args.statements:
            pg.psql(pgdir, port, "SELECT pg_stat_statements_reset();", db="confer")
        asyncio.run(probe(admin, app_url, pepper, m, args.n, args.profile, args.only, args.direct))
        if args.statements:
            print(
                "calls|mean ms|plans|mean plan ms|total ms|blocks per call|rows per call|statement"
            )
            print(pg.psql(pgdir, port, TOP_STATEMENTS, db="confer"))
    finally:
        pg.stop(pgdir)
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
