"""A child's status, as CP-IS shows it: the status and the social worker's contact."""

import uuid

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import RootModel

from app.deps import AgencyPrincipalDep, CreatorDep, SessionDep
from app.idempotency import Created
from app.models.casework import AccessRecord, ChildStatusCreate, ChildStatusPublic
from app.routers.responses import CREATE_RESPONSES, READ_RESPONSES
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
        await child_status.record(session, principal, person_id, body)
        current = await child_status.current(session, principal, person_id)
        return Created(_Statuses(current), f"/people/{person_id}/child-status")

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
