"""Ending an involvement with a follow-up arrangement (case 8), and practitioners' alerts."""

import uuid

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from app.conditional import set_etag
from app.deps import AgencyPrincipalDep, CreatorDep, IfMatchHeader, SessionDep
from app.idempotency import Created
from app.models.person import InvolvementPublic
from app.models.plans import (
    Alert,
    ConcernCreate,
    ConcernPublic,
    FailedContactIn,
    FollowUpPublic,
    InvolvementEnd,
)
from app.routers.responses import CREATE_RESPONSES, READ_RESPONSES, UPDATE_RESPONSES
from app.services import plans

router = APIRouter(tags=["follow-up"])


@router.post(
    "/involvements/{involvement_id}/end",
    response_model=InvolvementPublic,
    responses=CREATE_RESPONSES,
    summary="End your involvement; while concerns remain, with a follow-up arrangement",
)
async def end_involvement(
    involvement_id: uuid.UUID,
    body: InvolvementEnd,
    session: SessionDep,
    principal: AgencyPrincipalDep,
) -> InvolvementPublic:
    i = await plans.end_involvement(session, principal, involvement_id, body)
    return InvolvementPublic.model_validate(i)


@router.get("/follow-ups/{follow_up_id}", response_model=FollowUpPublic, responses=READ_RESPONSES)
async def get_follow_up(
    follow_up_id: uuid.UUID, session: SessionDep, principal: AgencyPrincipalDep, response: Response
) -> FollowUpPublic:
    fu = await plans.visible_follow_up(session, principal, follow_up_id)
    set_etag(response, fu.id, fu.version)
    return await plans.follow_up_public(session, fu)


@router.post(
    "/follow-ups/{follow_up_id}/acceptance",
    response_model=FollowUpPublic,
    responses=UPDATE_RESPONSES,
    summary="The named monitor accepts the follow-up arrangement",
)
async def accept_follow_up(
    follow_up_id: uuid.UUID,
    session: SessionDep,
    principal: AgencyPrincipalDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> FollowUpPublic:
    fu = await plans.accept_follow_up(session, principal, follow_up_id, if_match)
    set_etag(response, fu.id, fu.version)
    return await plans.follow_up_public(session, fu)


@router.post(
    "/follow-ups/{follow_up_id}/failed-contacts",
    response_model=FollowUpPublic,
    responses=CREATE_RESPONSES,
)
async def record_failed_contact(
    follow_up_id: uuid.UUID,
    body: FailedContactIn,
    session: SessionDep,
    principal: AgencyPrincipalDep,
) -> FollowUpPublic:
    fu = await plans.record_failed_contact(session, principal, follow_up_id, body)
    return await plans.follow_up_public(session, fu)


@router.post(
    "/concerns",
    status_code=201,
    response_model=ConcernPublic,
    responses=CREATE_RESPONSES,
    summary="Raise a concern about a child (from a practitioner, the family, a neighbour...)",
)
async def raise_concern(
    body: ConcernCreate, session: SessionDep, principal: AgencyPrincipalDep, creator: CreatorDep
) -> JSONResponse:
    async def create() -> Created:
        c = await plans.raise_concern(session, principal, body)
        return Created(ConcernPublic.model_validate(c), f"/records/{c.record_id}")

    return await creator(body, create)


@router.get(
    "/alerts",
    response_model=list[Alert],
    responses=READ_RESPONSES,
    summary="What needs your attention: overdue follow-ups you ended, reviews, actions",
)
async def my_alerts(session: SessionDep, principal: AgencyPrincipalDep) -> list[Alert]:
    """Derived, never stale: follow-ups to accept or overdue, reviews and actions overdue,
    concerns raised about children your agency works with; for a child you lead, look-ups while
    the child is on a plan and involvements other agencies declared themselves or gained by
    registering the child (`involvement_declared`: who, when, why)."""
    return await plans.alerts_for(session, principal)
