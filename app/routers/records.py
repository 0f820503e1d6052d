"""Records: what an agency holds about a person; read across agencies only through the policy."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from app.deps import AgencyPrincipalDep, CreatorDep, SessionDep
from app.idempotency import Created
from app.models.sharing import RecordCorrection, RecordCreate, RecordPublic
from app.policy import Purpose
from app.routers.responses import CREATE_RESPONSES, READ_RESPONSES
from app.services import reads, records

router = APIRouter(prefix="/records", tags=["records"])

PurposeQuery = Annotated[
    Purpose, Query(description="Why you ask: logged with every disclosure; you answer for it.")
]


@router.post("", status_code=201, response_model=RecordPublic, responses=CREATE_RESPONSES)
async def create_record(
    body: RecordCreate, session: SessionDep, principal: AgencyPrincipalDep, creator: CreatorDep
) -> JSONResponse:
    async def create() -> Created:
        record = await records.create_record(session, principal, body)
        return Created(reads.own_public(record, list(body.cites)), f"/records/{record.id}")

    return await creator(body, create)


@router.get("/{record_id}", response_model=RecordPublic, responses=READ_RESPONSES)
async def get_record(
    record_id: uuid.UUID, purpose: PurposeQuery, session: SessionDep, principal: AgencyPrincipalDep
) -> RecordPublic:
    return await reads.one_record(session, principal, record_id, purpose)


@router.post(
    "/{record_id}/corrections",
    status_code=201,
    response_model=RecordPublic,
    responses=CREATE_RESPONSES,
    summary="Correct a record: a new record supersedes it (records are never deleted)",
)
async def correct_record(
    record_id: uuid.UUID,
    body: RecordCorrection,
    session: SessionDep,
    principal: AgencyPrincipalDep,
    creator: CreatorDep,
) -> JSONResponse:
    async def create() -> Created:
        record, cites = await records.correct_record(session, principal, record_id, body)
        return Created(reads.own_public(record, cites), f"/records/{record.id}")

    return await creator(body, create)
