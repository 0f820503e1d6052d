"""bench/RESULTS.md from the results-*.json files the runs wrote (`python -m bench.report`)."""

import json
import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
OPS = [
    ("bare", "bare read (baseline)"),
    ("logged", "bare logged read (baseline)"),
    ("summary", "GET /people/{id}/summary"),
    ("chronology", "GET /people/{id}/chronology"),
    ("disclosures", "GET /disclosures (DPO)"),
    ("consent", "POST /consents (Idempotency-Key)"),
    ("index", "GET /people/{id}/index (authorised worker)"),
    ("referral", "POST /referrals (Idempotency-Key)"),
    ("accept", "POST /referrals/{id}/accept (If-Match)"),
    ("pack", "GET /conferences/{id}/pack (3 families, 8 agencies)"),
]


def _mark(ok: bool) -> str:
    return "met" if ok else "**missed**"


def section(r: dict[str, Any]) -> list[str]:
    ops = r["ops"]
    bare, logged = ops["bare"], ops["logged"]
    mach = r["machine"]
    lines = [
        f"### {r['db']}, scale {r['scale']} ({'quick' if 'quick' in r['command'] else 'full'})",
        "",
        f"- command: `{r['command']}`",
        f"- date: {r['date']}",
        f"- machine: {mach['nproc']} cores ({mach['cpu']}), {mach['memory_mb']} MB memory, "
        f"Python {mach['python']}, Linux {mach['kernel']}; load generator and servers share it",
        f"- load: wrk, 2 threads, {r['connections']} connections, {r['duration_s']} s per "
        f"operation; uvicorn with {r['workers']} workers for both the app and the baseline app",
    ]
    if r.get("pg_settings"):
        lines.append(f"- PostgreSQL 15: {r['pg_settings']}")
    ds = r["dataset"]
    rows = ds["rows"]
    lines.append(
        f"- dataset: built in {ds['build_seconds']:.0f} s; {sum(rows.values()):,} rows: "
        + ", ".join(f"{k} {v:,}" for k, v in rows.items())
        + f"; {ds['avg_agencies_per_child']:.2f} registering agencies per child"
    )
    sh = r.get("summary_shape")
    if sh:
        lines.append(
            f"- a summary (sample of {sh['sampled']}): {sh['own']:.1f} own records, "
            f"{sh['shared']:.1f} shared by other agencies, {sh['withheld']:.1f} withheld"
        )
    lines += [
        "",
        "| operation | req/s | p50 ms | p90 ms | p99 ms | errors | x bare req/s | x logged req/s "
        "| p99 / logged p99 | x adjacent logged req/s | p99 / adjacent logged p99 "
        "| peak RSS per worker MB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, label in OPS:
        o = ops.get(key)
        if not o:
            continue
        adj = o.get("logged_adjacent")
        near = (
            f"{o['rps'] / adj['rps']:.2f} | {o['p99_ms'] / adj['p99_ms']:.2f}" if adj else "— | —"
        )
        lines.append(
            f"| {label} | {o['rps']:.0f} | {o['p50_ms']:.1f} | {o['p90_ms']:.1f} | "
            f"{o['p99_ms']:.1f} | {o['errors']} | {o['rps'] / bare['rps']:.2f} | "
            f"{o['rps'] / logged['rps']:.2f} | {o['p99_ms'] / logged['p99_ms']:.2f} | {near} | "
            f"{o['peak_rss_mb']:.0f} |"
        )
    if any(ops.get(k, {}).get("logged_adjacent") for k, _ in OPS):
        lines += [
            "",
            '"Adjacent": to a bare logged read measured just before that operation, on the '
            "baseline server kept running beside the app's (the machine drifts within a run).",
        ]
    if any("cpu" in ops.get(k, {}) for k, _ in OPS):
        lines += [
            "",
            'CPU per request, from the processes\' own counters over each run (ms; "other" is '
            "the rest of the machine: interrupts, of which the network stack's are most, the "
            "idle server, the bench, other tenants):",
            "",
            "| operation | server workers | PostgreSQL | wrk | other | of it interrupts "
            "| machine busy |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for key, label in OPS:
            c = ops.get(key, {}).get("cpu")
            if c:
                lines.append(
                    f"| {label} | {c['server_ms']:.2f} | {c['postgres_ms']:.2f} | "
                    f"{c['wrk_ms']:.2f} | {c['other_ms']:.2f} | {c['interrupts_ms']:.2f} | "
                    f"{c['machine_busy']:.0%} |"
                )
    lines.append("")
    end = ops.get("logged_end")
    if end:
        lines.append(
            f"- drift: the bare logged read measured again after the app's operations: "
            f"{end['rps']:.0f} req/s, p99 {end['p99_ms']:.1f} ms "
            f"({end['rps'] / logged['rps']:.2f}x the first measurement, to which the ratios refer)"
        )
    acc = ops.get("accept")
    if acc and "distinct_targets" in acc:
        repeats = acc["statuses"].get("409", 0)
        lines.append(
            f"- accept: {acc['requests']} requests over {acc['distinct_targets']} distinct "
            f"referrals sent to the caller's agency (each once, in order); {repeats} answered "
            "409 (already accepted)"
        )
    for key in ("summary", "chronology", "pack"):
        c = ops.get(key, {}).get("disclosure_check")
        if c:
            lines.append(
                f"- disclosure log after {key}: {c['responses_2xx_recorded']} 2xx responses "
                f"received, {c['responses_with_shared_records']} carried other agencies' records; "
                f"{c['shared_without_rows']} of those lack disclosure rows; "
                f"{c['rows_without_received_response']} requests have rows but no received "
                f"response (cut off at the end) -> {'OK' if c['ok'] else 'FAILED'}"
            )
    a = r["audit"]
    sel, ver = a["select"], a["verify"]
    lines.append(
        f"- audit verify: {ver['entries']:,} entries in {ver['seconds']:.1f} s, ok={ver['ok']}, "
        f"awaiting seal {ver.get('awaiting_seal')}, peak RSS {ver['peak_rss_mb']:.0f} MB; "
        f"streamed SELECT of the same rows: {sel['seconds']:.1f} s, peak RSS "
        f"{sel['peak_rss_mb']:.0f} MB -> verify at {sel['seconds'] / ver['seconds']:.2f}x the "
        "SELECT's speed"
    )
    p = r["policy"]
    lines.append(
        f"- policy: {p['decisions_per_s']:,.0f} decisions/s on one core ({p['cases']} realistic "
        f"cases, {p['permit_share']:.0%} permitted, {p['avg_consents_per_child']:.1f} consents "
        "in the facts per case)"
    )
    lines += ["", "Targets (against the adjacent bare logged read where measured):", ""]
    s, w = ops["summary"], ops["consent"]
    s_ref, w_ref = s.get("logged_adjacent", logged), w.get("logged_adjacent", logged)
    targets = [
        (
            "summary >= 0.8x bare logged read req/s",
            s["rps"] / s_ref["rps"] >= 0.8,
            f"{s['rps'] / s_ref['rps']:.2f}x (first measurement: {s['rps'] / logged['rps']:.2f}x)",
        ),
        (
            "summary p99 <= 3x bare logged read p99",
            s["p99_ms"] <= 3 * s_ref["p99_ms"],
            f"{s['p99_ms'] / s_ref['p99_ms']:.2f}x",
        ),
        (
            "writes (POST /consents) >= 0.8x bare logged read",
            w["rps"] / w_ref["rps"] >= 0.8,
            f"{w['rps'] / w_ref['rps']:.2f}x (first measurement: {w['rps'] / logged['rps']:.2f}x)",
        ),
        (
            "policy >= 100,000 decisions/s",
            p["decisions_per_s"] >= 100_000,
            f"{p['decisions_per_s']:,.0f}/s",
        ),
        (
            "audit verify >= 0.5x a streamed SELECT",
            sel["seconds"] / ver["seconds"] >= 0.5,
            f"{sel['seconds'] / ver['seconds']:.2f}x",
        ),
        (
            "server memory < 500 MB per worker",
            max(o["peak_rss_mb"] for o in ops.values()) < 500,
            f"{max(o['peak_rss_mb'] for o in ops.values()):.0f} MB",
        ),
    ]
    g = r.get("growth")
    if g:
        again = g.get("summary_scale_1_after")
        base_p50 = again["p50_ms"] if again else s["p50_ms"]
        how = (
            f"scale {r['scale']} measured right after it, both caches prewarmed; the first "
            f"scale-{r['scale']} run: {s['p50_ms']:.1f} ms"
            if again
            else f"the scale-{r['scale']} run above"
        )
        targets.append(
            (
                f"summary p50 at scale {g['scale']} within +20% of scale {r['scale']}",
                g["p50_growth"] < 0.2,
                f"{g['summary']['p50_ms']:.1f} ms vs {base_p50:.1f} ms "
                f"({g['p50_growth']:+.0%}; {how}); "
                f"{g['summary']['rps']:.0f} req/s; dataset built in {g['build_seconds']:.0f} s",
            )
        )
    for label, ok, value in targets:
        lines.append(f"- {label}: {value} — {_mark(ok)}")
    if r.get("profile_summary"):
        lines += [
            "",
            "py-spy, one worker during the summary run (inclusive share of samples):",
            "",
            "```",
            *r["profile_summary"][:30],
            "```",
        ]
    return [*lines, ""]


def write_report(path: Path) -> None:
    head = (BENCH / "RESULTS.head.md").read_text() if (BENCH / "RESULTS.head.md").exists() else ""
    body = [head] if head else ["# Benchmark results", ""]
    for name in (
        "results-postgres-full.json",
        "results-postgres-quick.json",
        "results-sqlite-full.json",
        "results-sqlite-quick.json",
    ):
        f = BENCH / name
        if f.exists():
            body += section(json.loads(f.read_text()))
    tail = BENCH / "RESULTS.tail.md"
    if tail.exists():
        body.append(tail.read_text())
    path.write_text("\n".join(body))


if __name__ == "__main__":
    write_report(Path(sys.argv[1]) if len(sys.argv) > 1 else BENCH / "RESULTS.md")
