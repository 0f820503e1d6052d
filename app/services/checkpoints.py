"""Signed checkpoints of the audit log (size and RFC 9162 root), and checks against them."""

from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.checkpoint import Checkpoint, load_signing_key, sign_checkpoint, verify_checkpoint
from app.config import Settings
from app.errors import Conflict, Unavailable
from app.models.audit import AuditCheckpoint
from app.services.audit_chain import root_at, tree_size


def _key(settings: Settings) -> Ed25519PrivateKey:
    if settings.audit_signing_key is None:
        raise Unavailable("No audit signing key is configured (CONFER_AUDIT_SIGNING_KEY).")
    return load_signing_key(settings.audit_signing_key.get_secret_value())


async def create_checkpoint(session: AsyncSession, settings: Settings) -> Checkpoint:
    size = await tree_size(session)
    if size == 0:
        raise Conflict("The audit log has no sealed entries yet.")
    cp = sign_checkpoint(size, await root_at(session, size), _key(settings), datetime.now(UTC))
    session.add(
        AuditCheckpoint(
            size=cp.size,
            root=cp.root,
            issued_at=cp.issued_at,
            key_id=cp.key_id,
            signature=cp.signature,
        )
    )
    await session.flush()
    return cp


async def latest_checkpoint(session: AsyncSession) -> Checkpoint | None:
    row = (
        await session.execute(
            select(AuditCheckpoint).order_by(col(AuditCheckpoint.id).desc()).limit(1)
        )
    ).scalar_one_or_none()
    if row is None:
        return None
    return Checkpoint(row.size, row.root, row.issued_at, row.key_id, row.signature)


async def matches_log(session: AsyncSession, settings: Settings, cp: Checkpoint) -> str | None:
    """None if the log still holds exactly what the checkpoint signed; else what is wrong."""
    if not verify_checkpoint(cp, _key(settings).public_key()):
        return "the checkpoint's signature does not verify"
    size = await tree_size(session)
    if size < cp.size:
        return f"the log has {size} sealed entries, fewer than the checkpoint's {cp.size}"
    if await root_at(session, cp.size) != cp.root:
        return f"the first {cp.size} entries no longer have the checkpoint's root"
    return None
