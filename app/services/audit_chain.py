"""The audit hash chain: sealing, verification, Merkle checkpoints and proofs.

leaf = SHA-256(0x00 || canonical body), chain = SHA-256(previous chain || leaf), over entries in
the order they were sealed. On SQLite entries are chained inside their own write transaction. On
PostgreSQL requests append concurrently and one sealer at a time (advisory lock) chains, in its
own transaction, every entry whose transaction id is below its snapshot's xmin: no transaction
below that is still in flight, so none can be skipped. See docs/decisions/0005-audit-chain.md.
"""

import hashlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, insert, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.merkle import TreeBuilder, consistency_proof, inclusion_proof
from app.models.audit import AuditChainLink, AuditEntry, AuditSeal

GENESIS = bytes(32)
SEAL_LOCK_KEY = 0x436F6E666572  # "Confer": one sealer at a time across all workers
BATCH = 5000


def leaf_of(body: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + body).digest()


def link(previous: bytes, leaf: bytes) -> bytes:
    return hashlib.sha256(previous + leaf).digest()


async def _head(session: AsyncSession) -> bytes:
    head = (
        await session.execute(
            select(col(AuditChainLink.chain_hash)).order_by(col(AuditChainLink.seq).desc()).limit(1)
        )
    ).scalar_one_or_none()
    return head or GENESIS


async def chain_entries(session: AsyncSession, entries: Sequence[tuple[Any, bytes]]) -> None:
    """Append links for (entry id, body) pairs, in this order."""
    previous = await _head(session)
    links = []
    for entry_id, body in entries:
        leaf = leaf_of(body)
        previous = link(previous, leaf)
        links.append({"entry_id": entry_id, "leaf_hash": leaf, "chain_hash": previous})
    if links:
        await session.execute(insert(AuditChainLink), links)


async def seal(session: AsyncSession) -> int:
    """PostgreSQL: chain every finished, unsealed entry. Returns how many; 0 if another sealer runs.

    The caller commits. Never updates an entry: it only appends links and a seal row.
    """
    got = (
        await session.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": SEAL_LOCK_KEY})
    ).scalar_one()
    if not got:
        return 0
    boundary = (
        await session.execute(text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint"))
    ).scalar_one()
    previous_boundary = (
        await session.execute(select(func.max(AuditSeal.boundary)))
    ).scalar_one_or_none() or 0
    if boundary <= previous_boundary:
        return 0
    rows = (
        await session.execute(
            select(col(AuditEntry.id), col(AuditEntry.body))
            .where(col(AuditEntry.txid) >= previous_boundary, col(AuditEntry.txid) < boundary)
            .order_by(col(AuditEntry.txid), col(AuditEntry.id))
        )
    ).all()
    first = (await session.execute(select(func.max(AuditChainLink.seq)))).scalar_one_or_none()
    await chain_entries(session, [(r[0], r[1]) for r in rows])
    last = (await session.execute(select(func.max(AuditChainLink.seq)))).scalar_one_or_none()
    session.add(
        AuditSeal(
            boundary=boundary,
            first_seq=(first or 0) + 1 if rows else None,
            last_seq=last if rows else None,
            entries=len(rows),
        )
    )
    await session.flush()
    return len(rows)


@dataclass
class VerifyReport:
    ok: bool
    entries_checked: int
    awaiting_seal: int
    first_broken_seq: int | None = None
    first_broken_entry_id: int | None = None
    problem: str | None = None
    root: bytes | None = None


async def _links(
    session: AsyncSession,
) -> AsyncIterator[tuple[int, int, bytes, bytes, bytes | None]]:
    """Chain links with their entries' bodies, in chain order, a batch at a time (flat memory)."""
    after = 0
    while True:
        rows = (
            await session.execute(
                sa.select(
                    col(AuditChainLink.seq),
                    col(AuditChainLink.entry_id),
                    col(AuditChainLink.leaf_hash),
                    col(AuditChainLink.chain_hash),
                    col(AuditEntry.body),
                )
                .outerjoin(AuditEntry, col(AuditEntry.id) == AuditChainLink.entry_id)
                .where(col(AuditChainLink.seq) > after)
                .order_by(col(AuditChainLink.seq))
                .limit(BATCH)
            )
        ).all()
        if not rows:
            return
        for seq, entry_id, leaf, chain, body in rows:
            yield int(seq or 0), entry_id, leaf, chain, body
        after = int(rows[-1][0] or 0)


async def verify(session: AsyncSession) -> VerifyReport:
    """Recompute every leaf and link from the stored bodies; name the first broken entry."""
    previous = GENESIS
    expected_seq = None
    checked = 0
    tree = TreeBuilder()
    async for seq, entry_id, leaf_stored, chain_stored, body in _links(session):
        problem = None
        if expected_seq is not None and seq != expected_seq:
            problem = f"chain link {expected_seq} is missing"
        elif body is None:
            problem = "the entry was deleted"
        elif not isinstance(body, bytes) or leaf_of(body) != leaf_stored:
            problem = "the entry was changed"
        elif link(previous, leaf_stored) != chain_stored:
            problem = "the chain link does not follow from the one before (reordered or rewritten)"
        if problem:
            return VerifyReport(False, checked, await _awaiting(session), seq, entry_id, problem)
        previous = chain_stored
        expected_seq = seq + 1
        tree.append(leaf_stored)
        checked += 1
    unchained = await _unchained_but_due(session)
    if unchained is not None:
        return VerifyReport(
            False,
            checked,
            await _awaiting(session),
            None,
            unchained,
            "an entry that should be sealed is not in the chain (its link was deleted)",
        )
    return VerifyReport(True, checked, await _awaiting(session), root=tree.root())


async def _unchained_but_due(session: AsyncSession) -> int | None:
    """An entry that is not chained although it should be: on SQLite every entry; on
    PostgreSQL every entry below the last seal's boundary."""
    due = (
        select(col(AuditEntry.id))
        .outerjoin(AuditChainLink, col(AuditChainLink.entry_id) == AuditEntry.id)
        .where(col(AuditChainLink.seq).is_(None))
    )
    if session.get_bind().dialect.name == "postgresql":
        boundary = (
            await session.execute(select(func.max(AuditSeal.boundary)))
        ).scalar_one_or_none()
        due = due.where(col(AuditEntry.txid) < (boundary or 0))
    return (await session.execute(due.order_by(col(AuditEntry.id)).limit(1))).scalar_one_or_none()


async def _awaiting(session: AsyncSession) -> int:
    if session.get_bind().dialect.name != "postgresql":
        return 0
    boundary = (await session.execute(select(func.max(AuditSeal.boundary)))).scalar_one_or_none()
    stmt = (
        select(func.count()).select_from(AuditEntry).where(col(AuditEntry.txid) >= (boundary or 0))
    )
    return int((await session.execute(stmt)).scalar_one())


async def leaf_hashes(session: AsyncSession, size: int | None = None) -> list[bytes]:
    stmt = select(col(AuditChainLink.leaf_hash)).order_by(col(AuditChainLink.seq))
    if size is not None:
        stmt = stmt.limit(size)
    return list((await session.execute(stmt)).scalars())


async def tree_size(session: AsyncSession) -> int:
    return int(
        (await session.execute(select(func.count()).select_from(AuditChainLink))).scalar_one()
    )


async def root_at(session: AsyncSession, size: int) -> bytes:
    tree = TreeBuilder()
    for leaf in await leaf_hashes(session, size):
        tree.append(leaf)
    return tree.root()


async def prove_inclusion(
    session: AsyncSession, entry_id: int, size: int
) -> tuple[int, list[bytes]]:
    """(leaf index, proof) for an entry in the tree of the first `size` sealed entries."""
    seq = (
        await session.execute(
            select(col(AuditChainLink.seq)).where(AuditChainLink.entry_id == entry_id)
        )
    ).scalar_one_or_none()
    if seq is None:
        raise LookupError("the entry is not sealed yet")
    position = await session.execute(
        select(func.count()).select_from(AuditChainLink).where(col(AuditChainLink.seq) < seq)
    )
    leaf_index = int(position.scalar_one())
    if leaf_index >= size:
        raise LookupError("the entry is not in a tree of that size")
    return leaf_index, inclusion_proof(leaf_index, await leaf_hashes(session, size))


async def prove_consistency(session: AsyncSession, old_size: int, new_size: int) -> list[bytes]:
    return consistency_proof(old_size, await leaf_hashes(session, new_size))
