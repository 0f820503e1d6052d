"""Sharing decisions: to share without consent, or not to share, with basis and reasons."""

import uuid

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from app.conditional import etag, set_etag
from app.deps import AgencyPrincipalDep, CreatorDep, IfMatchHeader, SessionDep
from app.idempotency import Created
from app.models.sharing import DecisionEnd, SharingDecisionCreate, SharingDecisionPublic
from app.routers.responses import CREATE_RESPONSES, READ_RESPONSES, UPDATE_RESPONSES
from app.services import decisions

router = APIRouter(prefix="/sharing-decisions", tags=["sharing decisions"])


@router.post(
    "",
    status_code=201,
    response_model=SharingDecisionPublic,
    responses=CREATE_RESPONSES,
    summary="Record a decision to share without consent, or not to share; a decision to share "
    "may name the recipient practitioners, whose inboxes its records reach",
)
async def record_decision(
    body: SharingDecisionCreate,
    session: SessionDep,
    principal: AgencyPrincipalDep,
    creator: CreatorDep,
) -> JSONResponse:
    async def create() -> Created:
        d = await decisions.record_decision(session, principal, body)
        return Created(
            await decisions.to_public(session, d),
            f"/sharing-decisions/{d.id}",
            etag(d.id, d.version),
        )

    return await creator(body, create)


@router.get("/{decision_id}", response_model=SharingDecisionPublic, responses=READ_RESPONSES)
async def get_decision(
    decision_id: uuid.UUID, session: SessionDep, principal: AgencyPrincipalDep, response: Response
) -> SharingDecisionPublic:
    d = await decisions.get_decision(session, principal, decision_id)
    set_etag(response, d.id, d.version)
    return await decisions.to_public(session, d)


@router.post("/{decision_id}/end", response_model=SharingDecisionPublic, responses=UPDATE_RESPONSES)
async def end_decision(
    decision_id: uuid.UUID,
    body: DecisionEnd,
    session: SessionDep,
    principal: AgencyPrincipalDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> SharingDecisionPublic:
    d = await decisions.end_decision(session, principal, decision_id, body, if_match)
    set_etag(response, d.id, d.version)
    return await decisions.to_public(session, d)
