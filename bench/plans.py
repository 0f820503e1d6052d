"""The summary's facts statement under EXPLAIN ANALYZE on the kept growth cluster:

    python -m bench.plans [--n 50]

Runs after `python -m bench --growth` has built `/var/tmp/confer-bench-growth`. For random
children with an open involvement, as one of their agencies, it prints the median and p90
execution time of the statement and every sequential scan in the plans: the growth check's
evidence that the summary reaches large tables by index only, whatever the timing noise.
"""

import argparse
import asyncio
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GROWTH = Path("/var/tmp/confer-bench-growth")  # noqa: S108 - the bench's kept cluster, as in __main__


async def explain(port: int, dbname: str, n: int) -> None:
    import asyncpg
    from sqlalchemy.dialects import postgresql

    from app.services import sharing

    conn = await asyncpg.connect(host="127.0.0.1", port=port, user="postgres", database=dbname)
    rows = await conn.fetch(
        "SELECT DISTINCT ON (person_id) person_id, agency_id FROM involvement "
        "WHERE ended_at IS NULL AND person_id IN "
        "(SELECT person_id FROM involvement ORDER BY random() LIMIT $1)",
        n,
    )
    stmt = sharing._READS[(False, False)].statement("postgresql")
    dialect = postgresql.asyncpg.dialect()  # type: ignore[no-untyped-call]
    now = datetime.now(UTC)
    times: list[float] = []
    scans: set[tuple[str, int]] = set()

    def walk(node: dict[str, Any]) -> None:
        if node.get("Node Type") == "Seq Scan":
            scans.add((node["Relation Name"], node.get("Actual Rows", 0)))
        for child in node.get("Plans", []):
            walk(child)

    for row in rows:
        params = {
            **sharing.interest_params(row["agency_id"], row["person_id"], now),
            "ids": [row["person_id"]],
        }
        sql = str(
            stmt.params(**params).compile(dialect=dialect, compile_kwargs={"literal_binds": True})
        )
        plan = json.loads(await conn.fetchval("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql))
        times.append(plan[0]["Execution Time"])
        walk(plan[0]["Plan"])
    await conn.close()
    times.sort()
    print(
        f"{dbname}: facts statement over {len(times)} children: median "
        f"{times[len(times) // 2]:.2f} ms, p90 {times[int(len(times) * 0.9)]:.2f} ms"
    )
    print("sequential scans (relation, rows):", sorted(scans) or "none")


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.plans", description=__doc__)
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--db", default="confer_x10_0")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from bench import pg
    from bench.__main__ import free_port

    pgdir, port = GROWTH / "pg", free_port()
    pg.start(pgdir, port)
    try:
        asyncio.run(explain(port, args.db, args.n))
    finally:
        pg.stop(pgdir)


if __name__ == "__main__":
    main()
