"""Referrals between agencies, services and multi-agency groups."""

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from app.conditional import etag, set_etag
from app.deps import AgencyPrincipalDep, CreatorDep, IfMatchHeader, PaginationDep, SessionDep
from app.idempotency import Created
from app.models.casework import Referral, ReferralCreate, ReferralDecline, ReferralPublic
from app.pagination import Page, make_page
from app.routers.responses import CREATE_RESPONSES, READ_RESPONSES, UPDATE_RESPONSES
from app.services import referrals

router = APIRouter(prefix="/referrals", tags=["referrals"])


@router.post("", status_code=201, response_model=ReferralPublic, responses=CREATE_RESPONSES)
async def create_referral(
    body: ReferralCreate, session: SessionDep, principal: AgencyPrincipalDep, creator: CreatorDep
) -> JSONResponse:
    async def create() -> Created:
        r, public, writes = await referrals.create_referral(session, principal, body)
        return Created(public, f"/referrals/{r.id}", etag(r.id, r.version), writes=writes)

    return await creator(body, create, deferred=True)


@router.get(
    "",
    response_model=Page[ReferralPublic],
    responses=READ_RESPONSES,
    summary="Your agency's referral inbox (received) or outbox (sent); overdue is flagged",
)
async def list_referrals(
    session: SessionDep,
    principal: AgencyPrincipalDep,
    page: PaginationDep,
    box: Annotated[Literal["sent", "received"], Query()] = "received",
) -> Page[ReferralPublic]:
    rows = await referrals.list_referrals(session, principal, box, page)
    shaped = {r.id: await referrals.to_public(session, r) for r in rows}
    return make_page(rows, page, lambda r: shaped[r.id], lambda r: r.id)


@router.get("/{referral_id}", response_model=ReferralPublic, responses=READ_RESPONSES)
async def get_referral(
    referral_id: uuid.UUID, session: SessionDep, principal: AgencyPrincipalDep, response: Response
) -> ReferralPublic:
    r = await referrals.visible_referral(session, principal, referral_id)
    set_etag(response, r.id, r.version)
    return await referrals.to_public(session, r)


async def _answer(r: Referral, session: SessionDep, response: Response) -> ReferralPublic:
    set_etag(response, r.id, r.version)
    return await referrals.to_public(session, r)


@router.post("/{referral_id}/accept", response_model=ReferralPublic, responses=UPDATE_RESPONSES)
async def accept_referral(
    referral_id: uuid.UUID,
    session: SessionDep,
    principal: AgencyPrincipalDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> ReferralPublic:
    r = await referrals.accept(session, principal, referral_id, if_match)
    return await _answer(r, session, response)


@router.post("/{referral_id}/decline", response_model=ReferralPublic, responses=UPDATE_RESPONSES)
async def decline_referral(
    referral_id: uuid.UUID,
    body: ReferralDecline,
    session: SessionDep,
    principal: AgencyPrincipalDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> ReferralPublic:
    r = await referrals.decline(session, principal, referral_id, body, if_match)
    return await _answer(r, session, response)


@router.post("/{referral_id}/withdraw", response_model=ReferralPublic, responses=UPDATE_RESPONSES)
async def withdraw_referral(
    referral_id: uuid.UUID,
    session: SessionDep,
    principal: AgencyPrincipalDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> ReferralPublic:
    r = await referrals.withdraw(session, principal, referral_id, if_match)
    return await _answer(r, session, response)


@router.post(
    "/{referral_id}/acknowledgement", response_model=ReferralPublic, responses=UPDATE_RESPONSES
)
async def acknowledge_referral(
    referral_id: uuid.UUID,
    session: SessionDep,
    principal: AgencyPrincipalDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> ReferralPublic:
    r = await referrals.acknowledge(session, principal, referral_id, if_match)
    return await _answer(r, session, response)
