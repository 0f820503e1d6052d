"""The audit trail of the caller's own agency, for its data protection officer."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import select

from app.deps import DpoDep, PaginationDep, SessionDep
from app.models.audit import AuditEntry, AuditEntryPublic
from app.pagination import Page, keyset, make_page
from app.routers.responses import READ_RESPONSES

router = APIRouter(prefix="/audit", tags=["audit"])


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
