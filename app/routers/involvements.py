"""Involvements, the involvement index and the lead professional (lead practitioner)."""

import uuid

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.deps import AgencyPrincipalDep, CreatorDep, SessionDep
from app.idempotency import Created
from app.models.casework import (
    IndexEntry,
    InvolvementDeclare,
    LeadAssign,
    LeadInHistory,
    LeadPublic,
)
from app.models.person import InvolvementPublic
from app.routers.responses import CREATE_RESPONSES, READ_RESPONSES
from app.services import involvements

router = APIRouter(prefix="/people/{person_id}", tags=["involvement index"])


@router.get(
    "/index",
    response_model=IndexEntry,
    responses=READ_RESPONSES,
    summary="Who works with this child: contact details only (authorised workers; audited)",
)
async def index_entry(
    person_id: uuid.UUID, session: SessionDep, principal: AgencyPrincipalDep
) -> IndexEntry:
    return await involvements.index_entry(session, principal, person_id)


@router.get(
    "/involvements",
    response_model=list[InvolvementPublic],
    responses=READ_RESPONSES,
    summary="Your agency's involvements with this person (to end one, or see how it began)",
)
async def own_involvements(
    person_id: uuid.UUID, session: SessionDep, principal: AgencyPrincipalDep
) -> list[InvolvementPublic]:
    rows = await involvements.own_involvements(session, principal, person_id)
    return [InvolvementPublic.model_validate(i) for i in rows]


@router.post(
    "/involvements",
    status_code=201,
    response_model=InvolvementPublic,
    responses=CREATE_RESPONSES,
    summary="Declare your agency's involvement (with a reason; audited; shown in the index)",
)
async def declare_involvement(
    person_id: uuid.UUID,
    body: InvolvementDeclare,
    session: SessionDep,
    principal: AgencyPrincipalDep,
    creator: CreatorDep,
) -> JSONResponse:
    async def create() -> Created:
        i = await involvements.declare(session, principal, person_id, body)
        return Created(InvolvementPublic.model_validate(i), f"/people/{person_id}/index")

    return await creator(body, create)


@router.post(
    "/lead-professional",
    status_code=201,
    response_model=LeadPublic,
    responses=CREATE_RESPONSES,
    summary="Assign the lead professional (lead practitioner), with the family's agreement",
)
async def assign_lead(
    person_id: uuid.UUID,
    body: LeadAssign,
    session: SessionDep,
    principal: AgencyPrincipalDep,
    creator: CreatorDep,
) -> JSONResponse:
    async def create() -> Created:
        lead = await involvements.assign_lead(session, principal, person_id, body)
        return Created(LeadPublic.model_validate(lead), f"/people/{person_id}/index")

    return await creator(body, create)


@router.get(
    "/lead-professionals",
    response_model=list[LeadInHistory],
    responses=READ_RESPONSES,
    summary="Every lead professional the child has had, with dates (authorised workers)",
)
async def lead_history(
    person_id: uuid.UUID, session: SessionDep, principal: AgencyPrincipalDep
) -> list[LeadInHistory]:
    return await involvements.lead_history(session, principal, person_id)
