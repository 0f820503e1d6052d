"""A child's status, as CP-IS shows it: the status and the social worker's contact."""

import uuid

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from pydantic import RootModel

from app.conditional import etag, set_etag
from app.deps import AgencyPrincipalDep, CreatorDep, IfMatchHeader, SessionDep
from app.idempotency import Created
from app.models.casework import (
    AccessRecord,
    ChildStatusCreate,
    ChildStatusEnd,
    ChildStatusPublic,
)
from app.routers.responses import CREATE_RESPONSES, READ_RESPONSES, UPDATE_RESPONSES
from app.services import child_status


class _Statuses(RootModel[list[ChildStatusPublic]]):
    pass


router = APIRouter(prefix="/people/{person_id}/child-status", tags=["child status"])


@router.post(
    "",
    status_code=201,
    response_model=list[ChildStatusPublic],
    responses=CREATE_RESPONSES,
    summary="Record a child's status (children's social care)",
)
async def record_status(
    person_id: uuid.UUID,
    body: ChildStatusCreate,
    session: SessionDep,
    principal: AgencyPrincipalDep,
    creator: CreatorDep,
) -> JSONResponse:
    async def create() -> Created:
        status = await child_status.record(session, principal, person_id, body)
        current = await child_status.current(session, principal, person_id)
        # The answer lists the child's current statuses; the Location and ETag are the new one's.
        return Created(
            _Statuses(current),
            f"/people/{person_id}/child-status/{status.id}",
            etag(status.id, status.version),
        )

    return await creator(body, create)


@router.get(
    "/accesses",
    response_model=list[AccessRecord],
    responses=READ_RESPONSES,
    summary="Who looked this child up recently (for the agency holding the child's status)",
)
async def accesses(
    person_id: uuid.UUID, session: SessionDep, principal: AgencyPrincipalDep
) -> list[AccessRecord]:
    return await child_status.accesses(session, principal, person_id)


@router.get("", response_model=list[ChildStatusPublic], responses=READ_RESPONSES)
async def current_status(
    person_id: uuid.UUID, session: SessionDep, principal: AgencyPrincipalDep
) -> list[ChildStatusPublic]:
    return await child_status.current(session, principal, person_id)


@router.get(
    "/{status_id}",
    response_model=ChildStatusPublic,
    responses=READ_RESPONSES,
    summary="One of the child's statuses, current or ended (its ETag guards ending it)",
)
async def get_status(
    person_id: uuid.UUID,
    status_id: uuid.UUID,
    session: SessionDep,
    principal: AgencyPrincipalDep,
    response: Response,
) -> ChildStatusPublic:
    status, public = await child_status.read_one(session, principal, person_id, status_id)
    set_etag(response, status.id, status.version)
    return public


@router.post(
    "/{status_id}/end",
    response_model=ChildStatusPublic,
    responses=UPDATE_RESPONSES,
    summary="End a current status (the agency that recorded it); it is no longer current",
)
async def end_status(
    person_id: uuid.UUID,
    status_id: uuid.UUID,
    body: ChildStatusEnd,
    session: SessionDep,
    principal: AgencyPrincipalDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> ChildStatusPublic:
    status, public = await child_status.end(
        session, principal, person_id, status_id, body, if_match
    )
    set_etag(response, status.id, status.version)
    return public
