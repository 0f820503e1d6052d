"""The audit trail: each agency's entries for its data protection officer, and the tamper
evidence (verify, signed checkpoints, RFC 9162 proofs)."""

import base64
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlmodel import SQLModel, select

from app.checkpoint import Checkpoint
from app.deps import DpoDep, PaginationDep, PrincipalDep, SessionDep, SettingsDep
from app.errors import Forbidden, Invalid, NotFound
from app.models.audit import AuditEntry, AuditEntryPublic
from app.models.identity import AccessRole
from app.pagination import Page, keyset, make_page
from app.principal import Principal
from app.routers.responses import CREATE_RESPONSES, READ_RESPONSES
from app.services import audit_chain, checkpoints

router = APIRouter(prefix="/audit", tags=["audit"])
MAX_BIGINT = 2**63 - 1  # larger ids cannot exist, and the drivers cannot bind them


def _b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode()


def _auditor(principal: Principal) -> Principal:
    if principal.is_platform_admin or principal.has(AccessRole.data_protection_officer):
        return principal
    raise Forbidden("Only a data protection officer or the platform administrator may do this.")


@router.get("", response_model=Page[AuditEntryPublic], responses=READ_RESPONSES)
async def list_audit(
    session: SessionDep,
    principal: DpoDep,
    page: PaginationDep,
    subject_person_id: Annotated[uuid.UUID | None, Query()] = None,
) -> Page[AuditEntryPublic]:
    stmt = select(AuditEntry).where(AuditEntry.agency_id == principal.agency_id)
    if subject_person_id is not None:
        stmt = stmt.where(AuditEntry.subject_person_id == subject_person_id)
    rows = list(
        (await session.execute(keyset(stmt, AuditEntry.id, page, page.after_int()))).scalars()
    )
    return make_page(rows, page, AuditEntryPublic.model_validate, lambda e: e.id)


class VerifyResult(SQLModel):
    ok: bool
    entries_checked: int
    awaiting_seal: int
    first_broken_seq: int | None
    first_broken_entry_id: int | None
    problem: str | None
    root: str | None  # base64 RFC 9162 root of the checked entries
    checkpoint_problem: str | None = None


class CheckpointPublic(SQLModel):
    """Save this document outside the database: `confer audit verify --checkpoint FILE`."""

    format: str
    size: int
    root: str
    issued_at: str
    key_id: str
    signature: str
    signed_text: str


def _checkpoint_public(cp: Checkpoint) -> CheckpointPublic:
    d: dict[str, Any] = cp.to_dict()
    return CheckpointPublic(**d, signed_text=cp.signed_text().decode())


@router.get(
    "/verify",
    response_model=VerifyResult,
    responses=READ_RESPONSES,
    summary="Recompute the whole chain; name the first broken entry; check the last checkpoint",
)
async def verify(
    session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> VerifyResult:
    _auditor(principal)
    report = await audit_chain.verify(session)
    checkpoint_problem = None
    cp = await checkpoints.latest_checkpoint(session)
    if cp is not None and settings.audit_signing_key is not None:
        checkpoint_problem = await checkpoints.matches_log(session, settings, cp)
    return VerifyResult(
        ok=report.ok and checkpoint_problem is None,
        entries_checked=report.entries_checked,
        awaiting_seal=report.awaiting_seal,
        first_broken_seq=report.first_broken_seq,
        first_broken_entry_id=report.first_broken_entry_id,
        problem=report.problem,
        root=_b64(report.root),
        checkpoint_problem=checkpoint_problem,
    )


@router.post(
    "/checkpoints",
    status_code=201,
    response_model=CheckpointPublic,
    responses=CREATE_RESPONSES,
    summary="Sign the log's current size and Merkle root; keep the answer outside the database",
)
async def create_checkpoint(
    session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> CheckpointPublic:
    _auditor(principal)
    return _checkpoint_public(await checkpoints.create_checkpoint(session, settings))


class InclusionProof(SQLModel):
    entry_id: int
    leaf_index: int
    tree_size: int
    leaf_hash: str
    root: str
    proof: list[str]


@router.get("/proofs/inclusion", response_model=InclusionProof, responses=READ_RESPONSES)
async def inclusion(
    session: SessionDep,
    principal: DpoDep,
    entry_id: Annotated[int, Query(ge=1, le=MAX_BIGINT)],
    tree_size: Annotated[int, Query(ge=1, le=MAX_BIGINT)],
) -> InclusionProof:
    entry = await session.get(AuditEntry, entry_id)
    if entry is None or entry.agency_id != principal.agency_id:
        raise NotFound("audit entry")
    if tree_size > await audit_chain.tree_size(session):
        raise Invalid("tree_size is larger than the sealed log.", field="query:/tree_size")
    try:
        index, proof = await audit_chain.prove_inclusion(session, entry_id, tree_size)
    except LookupError as exc:
        raise NotFound("audit entry in a tree of that size") from exc
    leaves = await audit_chain.leaf_hashes(session, tree_size)
    return InclusionProof(
        entry_id=entry_id,
        leaf_index=index,
        tree_size=tree_size,
        leaf_hash=_b64(leaves[index]) or "",
        root=_b64(await audit_chain.root_at(session, tree_size)) or "",
        proof=[_b64(p) or "" for p in proof],
    )


class ConsistencyProof(SQLModel):
    old_size: int
    new_size: int
    old_root: str
    new_root: str
    proof: list[str]


@router.get("/proofs/consistency", response_model=ConsistencyProof, responses=READ_RESPONSES)
async def consistency(
    session: SessionDep,
    principal: PrincipalDep,
    old_size: Annotated[int, Query(ge=1, le=MAX_BIGINT)],
    new_size: Annotated[int, Query(ge=1, le=MAX_BIGINT)],
) -> ConsistencyProof:
    _auditor(principal)
    if old_size > new_size:
        raise Invalid("old_size is larger than new_size.", field="query:/old_size")
    if new_size > await audit_chain.tree_size(session):
        raise Invalid("new_size is larger than the sealed log.", field="query:/new_size")
    return ConsistencyProof(
        old_size=old_size,
        new_size=new_size,
        old_root=_b64(await audit_chain.root_at(session, old_size)) or "",
        new_root=_b64(await audit_chain.root_at(session, new_size)) or "",
        proof=[
            _b64(p) or "" for p in await audit_chain.prove_consistency(session, old_size, new_size)
        ],
    )
