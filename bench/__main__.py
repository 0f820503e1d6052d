# ruff: noqa: S103, S108, S311, S603, S607
# (a local benchmark: seeded RNG, its own subprocesses and SQL)
"""`python -m bench [--quick] [--db postgres|sqlite] [--scale S] [--growth] [--profile]`

Builds a dataset, serves the app and a baseline app with uvicorn (2 workers), drives them with wrk
(32 connections) from a second process, checks the disclosure log and the audit chain, times the
policy function and audit verification, and writes bench/RESULTS.md (and results-*.json).
"""

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_BIN = Path(sys.executable).parent
PURPOSES = ["family_support", "early_help_assessment", "child_in_need_assessment"]
# The app's operations, in the order they run.
APP_OPS = (
    "summary",
    "chronology",
    "disclosures",
    "consent",
    "index",
    "referral",
    "accept",
    "pack",
)


def log(msg: str) -> None:
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ensure_tools() -> None:
    if shutil.which("wrk") is None:
        log("wrk (the HTTP load generator) is missing: installing it with apt-get install -y wrk")
        r = subprocess.run(["apt-get", "install", "-y", "wrk"], capture_output=True, text=True)
        if r.returncode:
            subprocess.run(["apt-get", "update", "-q"], capture_output=True)
            subprocess.run(["apt-get", "install", "-y", "wrk"], capture_output=True)
    if shutil.which("wrk") is None:
        raise SystemExit("bench: wrk could not be installed; install it (apt-get install wrk)")
    try:
        import psutil  # noqa: F401
    except ImportError:
        log("installing psutil into the venv (to sample the servers' memory)")
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "psutil"], check=True)


# --- servers ---


class Server:
    """uvicorn with N workers; samples the workers' RSS while it runs."""

    def __init__(self, target: str, env: dict[str, str], workers: int):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [
                str(VENV_BIN / "uvicorn"),
                target,
                "--workers",
                str(workers),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        self.workers = workers
        self.peak: dict[int, int] = {}
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._wait_up()
        self._sampler.start()

    def _wait_up(self) -> None:
        import httpx
        import psutil

        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"bench: server {self.url} exited ({self.proc.returncode})")
            try:
                kids = psutil.Process(self.proc.pid).children(recursive=True)
                workers = [
                    k
                    for k in kids
                    if "multiprocessing" not in " ".join(k.cmdline())
                    or "spawn_main" in " ".join(k.cmdline())
                ]
                httpx.get(self.url + "/health", timeout=2)
                if len(workers) >= self.workers:
                    time.sleep(1.0)
                    return
            except Exception:  # noqa: S110
                pass
            time.sleep(0.3)
        raise SystemExit(f"bench: server {self.url} did not come up")

    def worker_pids(self) -> list[int]:
        import psutil

        return [
            p.pid
            for p in psutil.Process(self.proc.pid).children(recursive=True)
            if "spawn_main" in " ".join(p.cmdline())
        ]

    def _sample(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                for p in psutil.Process(self.proc.pid).children(recursive=True):
                    rss = p.memory_info().rss
                    self.peak[p.pid] = max(self.peak.get(p.pid, 0), rss)
            except Exception:  # noqa: S110
                pass
            time.sleep(0.25)

    def reset_peak(self) -> None:
        self.peak = {}

    def peak_mb(self) -> float:
        return max(self.peak.values(), default=0) / 2**20

    def stop(self) -> None:
        self._stop.set()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


# --- load ---


def _busy_seconds(times: Any) -> float:
    # With the children it has reaped: the postmaster's hold the backends that have exited (a
    # pool's overflow connections are closed when they are returned).
    return float(
        times.user
        + times.system
        + getattr(times, "children_user", 0.0)
        + getattr(times, "children_system", 0.0)
    )


class CpuMeter:
    """CPU seconds spent while one load runs: by the server's workers, by PostgreSQL (every
    `postgres` process, and the backends that ended, through the postmaster), by the load generator
    (the children reaped meanwhile: wrk) and by the whole machine (the rest: the other server,
    the bench itself, other tenants)."""

    def __init__(self, server: Server) -> None:
        import psutil

        self._psutil = psutil
        self.server = server
        self._procs = self._snapshot()
        self._children = self._reaped()
        self._machine, self._interrupts = self._machine_times()

    def _snapshot(self) -> dict[int, tuple[str, float]]:
        workers = set(self.server.worker_pids())
        out: dict[int, tuple[str, float]] = {}
        for p in self._psutil.process_iter(["name"]):
            kind = (
                "server" if p.pid in workers else "postgres" if p.info["name"] == "postgres" else ""
            )
            if kind:
                with contextlib.suppress(self._psutil.Error):
                    out[p.pid] = (kind, _busy_seconds(p.cpu_times()))
        return out

    @staticmethod
    def _reaped() -> float:
        import resource

        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        return ru.ru_utime + ru.ru_stime

    def _machine_times(self) -> tuple[float, float]:
        """The whole machine's busy seconds, and of them the interrupts'."""
        t = self._psutil.cpu_times()
        interrupts = float(getattr(t, "irq", 0.0) + getattr(t, "softirq", 0.0))
        return t.user + getattr(t, "nice", 0.0) + t.system + interrupts, interrupts

    def stop(self, requests: int, seconds: float) -> dict[str, float]:
        end = self._snapshot()
        used = {"server": 0.0, "postgres": 0.0}
        for pid, (kind, cpu) in end.items():
            used[kind] += cpu - self._procs.get(pid, (kind, 0.0))[1]
        for pid, (kind, cpu) in self._procs.items():
            if pid not in end:  # ended: its whole time is now in the postmaster's children
                used[kind] -= cpu
        load = self._reaped() - self._children
        machine_now, interrupts_now = self._machine_times()
        machine = machine_now - self._machine
        per = 1000 / max(requests, 1)
        return {
            "server_ms": used["server"] * per,
            "postgres_ms": used["postgres"] * per,
            "wrk_ms": load * per,
            "other_ms": max(machine - used["server"] - used["postgres"] - load, 0.0) * per,
            # Of "other": interrupts, mostly the network stack's (loopback TCP is processed
            # in softirq), which no process is charged for.
            "interrupts_ms": (interrupts_now - self._interrupts) * per,
            "machine_busy": machine / (seconds * (os.cpu_count() or 1)),
        }


def run_wrk(
    server: Server,
    targets: list[str],
    tag: str,
    duration: float,
    connections: int,
    workdir: Path,
    sequential: bool = False,
) -> dict[str, Any]:
    """wrk with bench/load.lua; `sequential`: each target line at most once until all are used
    (for updates that succeed once, such as accepting a referral)."""
    run_dir = workdir / tag
    run_dir.mkdir(parents=True, exist_ok=True)
    tfile = run_dir / "targets.txt"
    tfile.write_text("\n".join(targets) + "\n")
    threads = 2
    env = {
        **os.environ,
        "BENCH_TARGETS": str(tfile),
        "BENCH_IDS_DIR": str(run_dir),
        "BENCH_TAG": tag,
        "BENCH_THREADS": str(threads),
        "BENCH_SEQUENTIAL": "1" if sequential else "",
    }
    meter = CpuMeter(server)
    r = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(duration))}s",  # whole seconds (wrk refuses "2.0s")
            "--timeout",
            "10s",
            "-s",
            str(BENCH / "load.lua"),
            server.url,
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    line = next((x for x in r.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        raise SystemExit(f"bench: wrk failed:\n{r.stdout}\n{r.stderr}")
    res = json.loads(line.split(" ", 1)[1])
    ok = sum(v for k, v in res["statuses"].items() if k.startswith("2"))
    received: dict[str, int] = {}
    for f in run_dir.glob("ids-*.txt"):
        for ln in f.read_text().splitlines():
            rid, _, flag = ln.partition("\t")
            received[rid] = int(flag or 0)
    secs = res["duration_us"] / 1e6
    return {
        "tag": tag,
        "rps": res["requests"] / secs,
        "ok_rps": ok / secs,
        "requests": res["requests"],
        "p50_ms": res["p50_us"] / 1000,
        "p90_ms": res["p90_us"] / 1000,
        "p99_ms": res["p99_us"] / 1000,
        "errors": res["requests"]
        - ok
        + res["connect"]
        + res["read"]
        + res["write"]
        + res["timeout"],
        "statuses": res["statuses"],
        "received": received,
        "seconds": secs,
        "loadavg_1m_after": os.getloadavg()[0],
        "cpu": meter.stop(res["requests"], secs),
    }


# --- database helpers (run in the bench process) ---


async def _query(url: str, sql: str, params: dict[str, Any] | None = None) -> list[Any]:
    import sqlalchemy as sa

    from app.db import make_engine

    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            return list((await conn.execute(sa.text(sql), params or {})).all())
    finally:
        await engine.dispose()


def query(url: str, sql: str, params: dict[str, Any] | None = None) -> list[Any]:
    return asyncio.run(_query(url, sql, params))


def check_disclosures(url: str, run: dict[str, Any], connections: int) -> dict[str, Any]:
    rows = query(
        url,
        "SELECT request_id, count(*) FROM disclosure WHERE request_id LIKE :p GROUP BY request_id",
        {"p": run["tag"] + "-%"},
    )
    logged = {r[0]: r[1] for r in rows}
    received = run["received"]
    shared = {rid for rid, flag in received.items() if flag}
    missing = sorted(shared - set(logged))
    unanswered = sorted(set(logged) - set(received))
    return {
        "responses_2xx_recorded": len(received),
        "responses_with_shared_records": len(shared),
        "requests_with_disclosure_rows": len(logged),
        "shared_without_rows": len(missing),
        "rows_without_received_response": len(unanswered),
        "ok": not missing and len(unanswered) <= connections,
    }


def awaiting_seal(url: str) -> int:
    if not url.startswith("postgresql"):
        return 0
    rows = query(
        url,
        "SELECT count(*) FROM audit_entry WHERE txid >= "
        "COALESCE((SELECT max(boundary) FROM audit_seal), 0)",
    )
    return int(rows[0][0])


def wait_sealed(url: str, timeout: float = 30) -> int:
    deadline = time.time() + timeout
    n = awaiting_seal(url)
    while n and time.time() < deadline:
        time.sleep(0.5)
        n = awaiting_seal(url)
    return n


def verify_job(mode: str, url: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.verifyjob", mode, url],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    out = proc.stdout.read() if proc.stdout else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    line = next((x for x in out.splitlines() if x.startswith("VERIFY_JSON ")), None)
    if line is None:
        raise SystemExit(f"bench: verify job {mode} failed: {out}")
    res: dict[str, Any] = json.loads(line.split(" ", 1)[1])
    res["wall_seconds"] = time.perf_counter() - t0
    _ = usage  # ru_maxrss would include the parent's RSS inherited at fork: VmHWM is used
    return res


# --- targets ---


def make_targets(m: Any, rng: random.Random, n: int = 20_000) -> dict[str, list[str]]:
    by_id = {a.id: a for a in m.agencies}
    kids = [c for c in m.children if c.active]
    t: dict[str, list[str]] = {
        k: [] for k in ("bare", "logged", "summary", "chronology", "disclosures", "consent")
    }
    for _ in range(n):
        c = rng.choice(kids)
        t["bare"].append(f"GET|/bare/{c.id}||")
        t["logged"].append(f"GET|/logged/{c.id}||")
        a = by_id[rng.choice(c.active)]
        p = rng.choice(PURPOSES)
        t["summary"].append(f"GET|/people/{c.id}/summary?purpose={p}|{a.key}|")
        t["chronology"].append(f"GET|/people/{c.id}/chronology?purpose={p}|{a.key}|")
        d = by_id[rng.choice(c.agencies)]
        t["disclosures"].append(f"GET|/disclosures?subject_person_id={c.id}|{d.dpo_key}|")
    consentable = [c for c in kids if c.parents and not c.competent and len(c.agencies) > 1]
    for _ in range(n):
        c = rng.choice(consentable)
        lead = by_id[c.agencies[0]]
        body = {
            "decision": "granted",
            "subjects": [str(c.id)],
            "given_by": [str(rng.choice(c.parents))],
            "form": "verbal",
            "recipients": [str(rng.choice(c.agencies[1:]))],
            "purposes": [rng.choice(PURPOSES)],
            "categories": ["education"],
        }
        t["consent"].append(f"POST|/consents|{lead.key}|{json.dumps(body, separators=(',', ':'))}")
    t.update(casework_targets(m, n))
    return t


def casework_targets(m: Any, n: int) -> dict[str, list[str]]:
    """The involvement index, referrals (send, accept) and conference packs. Their own RNG (from
    the dataset's seed), so the targets above and the policy sample stay as they were."""
    rng = random.Random(f"casework-{m.seed}")
    by_id = {a.id: a for a in m.agencies}
    kids = [c for c in m.children if c.active]
    t: dict[str, list[str]] = {k: [] for k in ("index", "referral", "accept", "pack")}
    feedback_by = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    for _ in range(n):
        # An authorised worker (every agency's practitioner key) of an agency working with the
        # child looks up who else does.
        c = rng.choice(kids)
        t["index"].append(f"GET|/people/{c.id}/index|{by_id[rng.choice(c.active)].key}|")
        # An agency that registered the child refers them to one that does not work with them.
        c = rng.choice(kids)
        sender = by_id[rng.choice(c.active)]
        receiver = rng.choice([a for a in m.agencies if a.id not in c.agencies])
        body = {
            "to_agency_id": str(receiver.id),
            "subject_person_ids": [str(c.id)],
            "purpose": rng.choice(PURPOSES),
            "reason": "Attendance has fallen and the family asked for support.",
            "action_expected": "An assessment and a reply to the referrer.",
            "feedback_by": feedback_by,
        }
        t["referral"].append(
            f"POST|/referrals|{sender.key}|{json.dumps(body, separators=(',', ':'))}"
        )
    # Each line accepts a different referral sent to the caller's agency (If-Match: its ETag);
    # wrk walks them in order (run_wrk sequential), topped up after POST /referrals.
    t["accept"] = accept_lines(m, list(m.referrals_sent), rng)
    # Each attending agency fetches its own pack of each meeting.
    for conference_id, attending in m.conferences:
        for a in attending:
            t["pack"].append(f"GET|/conferences/{conference_id}/pack|{by_id[a].key}|")
    return t


def accept_lines(
    m: Any, sent: list[tuple[uuid.UUID, uuid.UUID, int]], rng: random.Random
) -> list[str]:
    from app.conditional import etag

    by_id = {a.id: a for a in m.agencies}
    lines = [
        f"POST|/referrals/{rid}/accept|{by_id[to].key}|{etag(rid, version)}|"
        for rid, to, version in sent
    ]
    rng.shuffle(lines)
    return lines


def sent_referrals(url: str) -> list[tuple[uuid.UUID, uuid.UUID, int]]:
    """Referrals `sent` to an agency now (those POST /referrals created included)."""
    rows = query(
        url,
        "SELECT id, to_agency_id, version FROM referral "
        "WHERE status = 'sent' AND to_agency_id IS NOT NULL",
    )
    return [(uuid.UUID(str(r[0])), uuid.UUID(str(r[1])), int(r[2])) for r in rows]


def sample_summaries(server: Server, targets: list[str], n: int = 100) -> dict[str, float]:
    """Warm-up, and what a summary looks like: own, shared and withheld records."""
    import httpx

    own = shared = withheld = 0
    got = 0
    with httpx.Client(base_url=server.url, timeout=30) as client:
        for line in targets[:n]:
            _, path, key, _ = line.split("|", 3)
            r = client.get(path, headers={"Authorization": f"Bearer {key}"})
            if r.status_code != 200:
                continue
            got += 1
            body = r.json()
            for rec in body["records"]:
                if rec["shared"] is None:
                    own += 1
                else:
                    shared += 1
            withheld += sum(w["count"] for w in body["withheld"])
    got = max(got, 1)
    return {"sampled": got, "own": own / got, "shared": shared / got, "withheld": withheld / got}


# --- policy micro-benchmark ---


def policy_micro(url: str, m: Any, rng: random.Random, seconds: float) -> dict[str, Any]:
    from sqlmodel import col, select

    from app.db import make_engine, make_sessionmaker, utcnow
    from app.models.agency import Agency
    from app.models.sharing import Record
    from app.policy import Request, decide
    from app.services import sharing

    async def facts() -> list[tuple[Any, ...]]:
        engine = make_engine(url)
        maker = make_sessionmaker(engine)
        cases = []
        now = utcnow()
        async with maker() as s:
            memberships = await sharing.memberships_now(s, now)
            sens = dict((await s.execute(select(Agency.id, Agency.sensitive_service))).all())
            for c in rng.sample([c for c in m.children if c.active], 300):
                people = await sharing.person_facts(s, [c.id], now.date())
                consents = await sharing.consent_facts(s, [c.id])
                decisions, _ = await sharing.decision_facts(s, [c.id], now)
                recs = (
                    (await s.execute(select(Record).where(col(Record.subject_person_id) == c.id)))
                    .scalars()
                    .all()
                )
                req = Request(rng.choice(c.active), rng.choice(PURPOSES), now, memberships)
                for r in recs:
                    cases.append(
                        (
                            req,
                            sharing.record_facts(r, sens[r.holder_agency_id]),
                            people[c.id],
                            tuple(consents.facts),
                            tuple(decisions),
                        )
                    )
        await engine.dispose()
        return cases

    cases = asyncio.run(facts())
    n = permits = 0
    t0 = time.perf_counter()
    deadline = t0 + seconds
    while time.perf_counter() < deadline:
        for req, rec, person, consents, decisions in cases:
            d = decide(
                req, rec, has_interest=True, subject=person, consents=consents, decisions=decisions
            )
            permits += d.permit
        n += len(cases)
    elapsed = time.perf_counter() - t0
    return {
        "decisions_per_s": n / elapsed,
        "cases": len(cases),
        "permit_share": permits / n,
        "avg_consents_per_child": sum(len(c[3]) for c in cases) / max(1, len(cases)),
    }


# --- profiling ---


def profile_summary(server: Server, targets: list[str], workdir: Path, seconds: int) -> list[str]:
    """py-spy on one worker while wrk drives summaries; top functions by inclusive time."""
    pyspy = VENV_BIN / "py-spy"
    if not pyspy.exists():
        log("installing py-spy into the venv (for the profile)")
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "py-spy"], check=False)
    if not pyspy.exists():
        return ["py-spy unavailable"]
    pid = server.worker_pids()[0]
    out = workdir / "summary.collapsed"
    spy = subprocess.Popen(
        [
            str(pyspy),
            "record",
            "-p",
            str(pid),
            "-d",
            str(seconds),
            "-r",
            "200",
            "-f",
            "raw",
            "-o",
            str(out),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    run_wrk(server, targets, "prof" + secrets.token_hex(3), seconds, 32, workdir)
    spy.wait(60)
    if not out.exists():
        return ["py-spy produced no profile"]
    inclusive: dict[str, int] = {}
    total = 0
    for line in out.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        c = int(count)
        total += c
        seen = set()
        for frame in stack.split(";"):
            name = frame.split(" (")[0]
            loc = frame[frame.find("(") + 1 : frame.rfind(")")] if "(" in frame else ""
            parts = loc.split(":")[0].rsplit("/", 2)
            key = f"{name} ({'/'.join(parts[-2:])})"
            if key not in seen:
                seen.add(key)
                inclusive[key] = inclusive.get(key, 0) + c
    top = sorted(inclusive.items(), key=lambda kv: -kv[1])
    skip = ("middleware.py", "routing.py", "_exception_handler.py", "applications.py", "uvicorn")
    interesting = [
        (k, v)
        for k, v in top
        if any(
            s in k
            for s in (
                "app/",
                "sqlalchemy",
                "asyncpg",
                "pydantic",
                "rfc8785",
                "json",
                "sqlmodel",
                "services/",
                "routers/",
            )
        )
        and not any(s in k for s in skip)
    ]
    return [f"{100 * v / total:5.1f}%  {k}" for k, v in interesting[:40]]


# --- orchestration ---


def app_env(app_url: str, pepper: str) -> dict[str, str]:
    return {
        **os.environ,
        "CONFER_DATABASE_URL": app_url,
        "CONFER_API_KEY_PEPPER": pepper,
        "CONFER_TOKEN_SECRET": secrets.token_urlsafe(32),
        "CONFER_RATE_LIMIT": "100000000/minute",
        "CONFER_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def prepare_database(
    args: argparse.Namespace,
    workdir: Path,
    pepper: str,
    scale: float,
    audit_entries: int | None,
    pgdir: Path | None,
    port: int | None,
    dbname: str = "confer",
) -> tuple[str, str, Any]:
    """Migrate, create bench_log, load; returns (admin URL, app URL, manifest)."""
    from app.db import make_engine
    from app.migrate import upgrade
    from bench import dataset, pg

    if args.db == "postgres":
        assert pgdir is not None and port is not None
        admin, app_url = pg.urls(port, dbname)
        pg.create_database(pgdir, port, dbname)
    else:
        path = workdir / f"{dbname}.db"
        admin = app_url = f"sqlite+aiosqlite:///{path}"

    async def migrate() -> None:
        engine = make_engine(admin)
        await upgrade(engine)
        await engine.dispose()

    log(f"migrating {dbname}")
    asyncio.run(migrate())
    builder = dataset.Builder(args.seed, scale, pepper, audit_entries)
    log(f"building the dataset (scale {scale}, seed {args.seed})")
    target = admin if args.db == "postgres" else str(workdir / f"{dbname}.db")
    manifest = dataset.run_load(target, args.db, builder)
    log(f"dataset built in {manifest.build_seconds:.0f}s: {sum(manifest.counts.values()):,} rows")
    if args.db == "postgres":
        pg.psql(
            pgdir,
            port,
            "CREATE TABLE bench_log (id bigserial PRIMARY KEY, person_id uuid, "  # type: ignore[arg-type]
            "request_id text, at timestamptz DEFAULT now());"
            "GRANT SELECT, INSERT ON bench_log TO confer_app;"
            "GRANT USAGE ON SEQUENCE bench_log_id_seq TO confer_app;",
            db=dbname,
        )
    else:
        import sqlite3

        with sqlite3.connect(workdir / f"{dbname}.db") as c:
            c.execute(
                "CREATE TABLE bench_log (id INTEGER PRIMARY KEY, person_id CHAR(32), "
                "request_id TEXT, at TEXT DEFAULT CURRENT_TIMESTAMP)"
            )
    return admin, app_url, manifest


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="scale 0.1, 5 s per operation")
    ap.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    ap.add_argument("--scale", type=float, default=None)
    ap.add_argument("--seed", type=int, default=20261125)
    ap.add_argument("--duration", type=float, default=None, help="seconds per operation")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--audit-entries", type=int, default=None)
    ap.add_argument(
        "--growth",
        action="store_true",
        help="also run the summary at --growth-scale (PostgreSQL; long)",
    )
    ap.add_argument("--growth-scale", type=float, default=10.0)
    ap.add_argument(
        "--growth-dir",
        default="/var/tmp/confer-bench-growth",
        help="kept cluster with the large dataset, reused by later runs",
    )
    ap.add_argument("--profile", action="store_true", help="py-spy the summary (auto on a miss)")
    ap.add_argument("--no-profile", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--results", default=str(BENCH / "RESULTS.md"))
    args = ap.parse_args()
    scale = args.scale if args.scale is not None else (0.1 if args.quick else 1.0)
    duration = args.duration if args.duration is not None else (5 if args.quick else 15)
    if args.growth and args.db != "postgres":
        raise SystemExit("bench: --growth runs on PostgreSQL only")
    command = "python -m bench " + " ".join(sys.argv[1:])
    ensure_tools()
    sys.path.insert(0, str(ROOT))
    from bench import pg

    rng = random.Random(args.seed)
    pepper = secrets.token_urlsafe(32)
    workdir = Path(tempfile.mkdtemp(prefix="confer-bench-", dir="/tmp"))
    os.chmod(workdir, 0o755)
    pgdir = workdir / "pg" if args.db == "postgres" else None
    port = free_port() if args.db == "postgres" else None
    servers: list[Server] = []
    results: dict[str, Any] = {
        "command": command,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "db": args.db,
        "scale": scale,
        "duration_s": duration,
        "connections": args.connections,
        "workers": args.workers,
        "machine": machine(),
    }
    growth_dir = Path(args.growth_dir)
    try:
        if pgdir is not None:
            log(f"starting a durable PostgreSQL 15 in {pgdir} on 127.0.0.1:{port}")
            pg.init(pgdir)
            pg.start(pgdir, port)  # type: ignore[arg-type]
            results["pg_settings"] = pg.psql(
                pgdir,
                port,
                "SELECT string_agg(name || '=' || setting, ', ') FROM pg_settings WHERE name IN "
                "('fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers')",
            ).strip()  # type: ignore[arg-type]
        admin, app_url, m = prepare_database(
            args, workdir, pepper, scale, args.audit_entries, pgdir, port
        )
        results["dataset"] = {
            "build_seconds": m.build_seconds,
            "rows": m.counts,
            "audit_entries": m.audit_entries,
            "children": len(m.children),
            "avg_agencies_per_child": sum(len(c.agencies) for c in m.children) / len(m.children),
        }
        targets = make_targets(m, rng)
        env = app_env(app_url, pepper)
        ops: dict[str, Any] = {}

        log("baselines")
        base = Server("bench.baseline_app:app", env, args.workers)
        servers.append(base)
        run_wrk(base, targets["bare"], "warm", 2, args.connections, workdir)
        for name in ("bare", "logged"):
            base.reset_peak()
            r = run_wrk(
                base,
                targets[name],
                name + secrets.token_hex(2),
                duration,
                args.connections,
                workdir,
            )
            r["peak_rss_mb"] = base.peak_mb()
            r.pop("received")
            ops[name] = r
            log(f"{name}: {r['rps']:.0f} req/s p50 {r['p50_ms']:.1f} ms p99 {r['p99_ms']:.1f} ms")
        # The baseline stays up: each operation is also compared with a bare logged read measured
        # just before it, as the machine is shared and drifts within a run.

        log("the app")
        srv = Server("app.asgi:app", env, args.workers)
        servers.append(srv)
        results["summary_shape"] = sample_summaries(srv, targets["summary"])
        log(f"summary shape: {results['summary_shape']}")
        run_wrk(srv, targets["summary"], "warm", 2, args.connections, workdir)
        for name in APP_OPS:
            if name == "accept":
                # the dataset's sent referrals, then those POST /referrals just sent
                known = {rid for rid, _, _ in m.referrals_sent}
                fresh = [x for x in sent_referrals(admin) if x[0] not in known]
                targets[name] += accept_lines(m, fresh, random.Random(args.seed))
            if not targets[name]:
                log(f"{name}: no targets in this dataset; skipped")
                continue
            adj_tag = "ladj" + secrets.token_hex(2)
            adjacent = run_wrk(
                base, targets["logged"], adj_tag, duration, args.connections, workdir
            )
            srv.reset_peak()
            tag = name[:4] + secrets.token_hex(3)
            r = run_wrk(
                srv,
                targets[name],
                tag,
                duration,
                args.connections,
                workdir,
                sequential=name == "accept",
            )
            r["peak_rss_mb"] = srv.peak_mb()
            r["logged_adjacent"] = {k: adjacent[k] for k in ("rps", "p50_ms", "p99_ms")}
            r["distinct_targets"] = len(set(targets[name]))
            if name in ("summary", "chronology", "pack"):
                r["disclosure_check"] = check_disclosures(admin, r, args.connections)
            r["awaiting_seal_after_wait"] = wait_sealed(admin)
            r.pop("received")
            ops[name] = r
            log(
                f"{name}: {r['rps']:.0f} req/s p50 {r['p50_ms']:.1f} ms p99 {r['p99_ms']:.1f} ms "
                f"errors {r['errors']} rss {r['peak_rss_mb']:.0f} MB "
                f"{r.get('disclosure_check', '')}"
            )
        want_profile = args.profile or (
            not args.no_profile and ops["summary"]["rps"] < 0.8 * ops["logged"]["rps"]
        )
        if want_profile:
            log("profiling the summary with py-spy")
            results["profile_summary"] = profile_summary(
                srv, targets["summary"], workdir, max(5, int(duration))
            )
        results["awaiting_seal_at_stop"] = wait_sealed(admin)
        srv.stop()
        servers.remove(srv)
        # The bare logged read once more, to show how far the machine drifted over the run.
        r = run_wrk(
            base,
            targets["logged"],
            "lend" + secrets.token_hex(2),
            duration,
            args.connections,
            workdir,
        )
        r["peak_rss_mb"] = base.peak_mb()
        r.pop("received")
        ops["logged_end"] = r
        log(f"logged, at the end: {r['rps']:.0f} req/s p50 {r['p50_ms']:.1f} ms")
        base.stop()
        servers.remove(base)
        results["ops"] = ops

        log("audit verify vs a streamed SELECT of the same rows")
        results["audit"] = {
            "select": verify_job("select", admin),
            "verify": verify_job("verify", admin),
        }
        log(f"audit: {results['audit']}")
        log("policy micro-benchmark (one core)")
        try:
            results["policy"] = policy_micro(admin, m, rng, 3 if args.quick else 10)
            log(f"policy: {results['policy']['decisions_per_s']:.0f} decisions/s")
        except Exception as exc:  # record it; the rest of the results stand
            results["policy"] = {"error": repr(exc)}
            log(f"policy micro-benchmark failed: {exc!r}")

        if args.growth:

            def summary_at_scale_1() -> dict[str, Any]:
                """The scale-1 summary again, warmed the same way, just after the larger one."""
                prewarm(pgdir, port, "confer")  # type: ignore[arg-type]
                again = Server("app.asgi:app", env, args.workers)
                servers.append(again)
                try:
                    run_wrk(again, targets["summary"], "warm", duration, args.connections, workdir)
                    tag = "ssum" + secrets.token_hex(3)
                    r = run_wrk(again, targets["summary"], tag, duration, args.connections, workdir)
                    r.pop("received")
                    return r
                finally:
                    again.stop()
                    servers.remove(again)

            results["growth"] = growth(
                args, ops["summary"], duration, growth_dir, summary_at_scale_1
            )
        results["complete"] = True
    finally:
        for s in servers:
            s.stop()
        if pgdir is not None:
            pg.stop(pgdir)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        if "ops" in results or "dataset" in results:
            out = BENCH / f"results-{args.db}-{'quick' if args.quick else 'full'}.json"
            out.write_text(json.dumps(results, indent=2, default=str) + "\n")
            log(f"wrote {out}")
    from bench.report import write_report

    write_report(Path(args.results))
    log(f"wrote {args.results}")


def prewarm(pgdir: Path, port: int, dbname: str) -> None:
    """Reads every table and index the reads use into the OS cache (pg_prewarm), so that two
    scales are compared on warm caches: a kept cluster starts cold, and random reads from disk
    are not what the growth check is about (the audit trail is left out: reads never touch it)."""
    from bench import pg

    pg.psql(
        pgdir,
        port,
        "CREATE EXTENSION IF NOT EXISTS pg_prewarm; "
        "SELECT count(pg_prewarm(c.oid, 'read')) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i') "
        "AND c.relname NOT LIKE 'audit%' AND c.relname NOT LIKE 'disclosure%'",
        db=dbname,
    )


def growth(
    args: argparse.Namespace,
    small: dict[str, Any],
    duration: float,
    gdir: Path,
    summary_at_scale_1: Any,
) -> dict[str, Any]:
    """The summary at a larger scale, on a kept cluster (built once, reused), then at scale 1
    again right after it, both on warm caches."""
    from bench import pg
    from bench.dataset import Manifest

    gdir.mkdir(parents=True, exist_ok=True)
    os.chmod(gdir, 0o755)
    pgdir = gdir / "pg"
    manifest_file = gdir / f"manifest-{args.growth_scale}-{args.seed}.json"
    pepper_file = gdir / "pepper"
    port = free_port()
    fresh = not (pgdir / "PG_VERSION").exists()
    if fresh:
        pg.init(pgdir)
    pg.start(pgdir, port)
    server = None
    stopped = False
    try:
        dbname = "confer_x" + str(args.growth_scale).replace(".", "_")
        if not manifest_file.exists() or not pg.database_exists(pgdir, port, dbname):
            if pg.database_exists(pgdir, port, dbname):
                pg.psql(pgdir, port, f"DROP DATABASE {dbname}")
            pepper = secrets.token_urlsafe(32)
            pepper_file.write_text(pepper)
            t0 = time.perf_counter()
            # The summary never reads the audit trail, only appends to it: a million entries
            # stand for it at every scale rather than ten million that change nothing measured.
            audit = args.audit_entries or 1_000_000
            _, _, m = prepare_database(
                args, gdir, pepper, args.growth_scale, audit, pgdir, port, dbname
            )
            manifest_file.write_text(m.to_json())
            built = time.perf_counter() - t0
        else:
            log(f"reusing the kept scale-{args.growth_scale} dataset in {gdir}")
            m = Manifest.from_json(manifest_file.read_text())
            pepper = pepper_file.read_text()
            built = 0.0
        admin, app_url = pg.urls(port, dbname)
        targets = make_targets(m, random.Random(args.seed))
        prewarm(pgdir, port, dbname)
        server = Server("app.asgi:app", app_env(app_url, pepper), args.workers)
        run_wrk(server, targets["summary"], "warm", duration, args.connections, gdir)
        r = run_wrk(
            server,
            targets["summary"],
            "gsum" + secrets.token_hex(3),
            duration,
            args.connections,
            gdir,
        )
        r["disclosure_check"] = check_disclosures(admin, r, args.connections)
        r["peak_rss_mb"] = server.peak_mb()
        r.pop("received")
        for f in gdir.glob("gsum*"):
            shutil.rmtree(f, ignore_errors=True)
        shutil.rmtree(gdir / "warm", ignore_errors=True)
        server.stop()
        server = None
        pg.stop(pgdir)
        stopped = True
        adjacent = summary_at_scale_1()
        return {
            "scale": args.growth_scale,
            "build_seconds": built or m.build_seconds,
            "rows": m.counts,
            "summary": r,
            "summary_scale_1_after": adjacent,
            "p50_growth": r["p50_ms"] / adjacent["p50_ms"] - 1,
            "p50_growth_vs_first": r["p50_ms"] / small["p50_ms"] - 1,
        }
    finally:
        if server is not None:
            server.stop()
        if not stopped:
            pg.stop(pgdir)


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) // 1024
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "memory_mb": mem,
        "cpu": cpu,
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


if __name__ == "__main__":
    _ = uuid  # ids are made by the dataset module
    main()
