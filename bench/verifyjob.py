"""Run in a subprocess so its peak RSS is its own: `python -m bench.verifyjob verify|select URL`."""

import asyncio
import json
import sys
import time

import sqlalchemy as sa
from sqlmodel import col

from app.db import make_engine, make_sessionmaker
from app.models.audit import AuditChainLink, AuditEntry
from app.services import audit_chain


def _status_mb(field: str) -> float:
    """VmRSS / VmHWM of this process (its own, not inherited from the parent at fork)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


async def main(mode: str, url: str) -> None:
    engine = make_engine(url)
    maker = make_sessionmaker(engine)
    out: dict[str, object] = {"mode": mode}
    async with maker() as session:
        if mode == "verify" and engine.dialect.name == "postgresql":
            await audit_chain.seal(session)  # anything the servers left unsealed
            await session.commit()
        out["rss_before_mb"] = _status_mb("VmRSS")
        t0 = time.perf_counter()
        if mode == "verify":
            report = await audit_chain.verify(session)
            out.update(
                ok=report.ok,
                entries=report.entries_checked,
                awaiting_seal=report.awaiting_seal,
                problem=report.problem,
            )
        else:
            stmt = (
                sa.select(
                    col(AuditChainLink.seq),
                    col(AuditChainLink.entry_id),
                    col(AuditChainLink.leaf_hash),
                    col(AuditChainLink.chain_hash),
                    col(AuditEntry.body),
                )
                .outerjoin(AuditEntry, col(AuditEntry.id) == AuditChainLink.entry_id)
                .order_by(col(AuditChainLink.seq))
                .execution_options(yield_per=5000)
            )
            n = 0
            result = await session.stream(stmt)
            async for part in result.partitions(5000):
                n += len(part)
            out.update(ok=True, entries=n)
        out["seconds"] = time.perf_counter() - t0
        out["peak_rss_mb"] = _status_mb("VmHWM")
    await engine.dispose()
    print("VERIFY_JSON " + json.dumps(out))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
