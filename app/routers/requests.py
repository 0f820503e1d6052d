"""Information requests: ask holders for information; holders share chosen records or decline."""

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from app.conditional import etag, set_etag
from app.deps import AgencyPrincipalDep, CreatorDep, IfMatchHeader, PaginationDep, SessionDep
from app.idempotency import Created
from app.models.requests import (
    InformationRequestCreate,
    InformationRequestPublic,
    RequestAnswer,
    SharePublic,
)
from app.pagination import Page, make_page
from app.routers.responses import CREATE_RESPONSES, READ_RESPONSES, UPDATE_RESPONSES
from app.services import requests

router = APIRouter(tags=["information requests"])


@router.post(
    "/information-requests",
    status_code=201,
    response_model=InformationRequestPublic,
    responses=CREATE_RESPONSES,
)
async def create_request(
    body: InformationRequestCreate,
    session: SessionDep,
    principal: AgencyPrincipalDep,
    creator: CreatorDep,
) -> JSONResponse:
    async def create() -> Created:
        req = await requests.create_request(session, principal, body)
        public = await requests.to_public(session, req, principal)
        return Created(public, f"/information-requests/{req.id}", etag(req.id, req.version))

    return await creator(body, create)


@router.get(
    "/information-requests",
    response_model=Page[InformationRequestPublic],
    responses=READ_RESPONSES,
)
async def list_requests(
    session: SessionDep,
    principal: AgencyPrincipalDep,
    page: PaginationDep,
    box: Annotated[Literal["sent", "received"], Query()] = "received",
) -> Page[InformationRequestPublic]:
    rows = await requests.list_requests(session, principal, box, page)
    shaped = {r.id: await requests.to_public(session, r, principal) for r in rows}
    return make_page(rows, page, lambda r: shaped[r.id], lambda r: r.id)


@router.get(
    "/information-requests/{request_id}",
    response_model=InformationRequestPublic,
    responses=READ_RESPONSES,
)
async def get_request(
    request_id: uuid.UUID, session: SessionDep, principal: AgencyPrincipalDep, response: Response
) -> InformationRequestPublic:
    req = await requests.visible_request(session, principal, request_id)
    set_etag(response, req.id, req.version)
    return await requests.to_public(session, req, principal)


@router.post(
    "/information-requests/{request_id}/answers",
    response_model=InformationRequestPublic,
    responses=CREATE_RESPONSES,
    summary="Answer as a holder: share chosen records (under a consent or a recorded decision) "
    "or decline with reasons",
)
async def answer_request(
    request_id: uuid.UUID, body: RequestAnswer, session: SessionDep, principal: AgencyPrincipalDep
) -> InformationRequestPublic:
    req = await requests.answer(session, principal, request_id, body)
    return await requests.to_public(session, req, principal)


@router.post(
    "/information-requests/{request_id}/close",
    response_model=InformationRequestPublic,
    responses=UPDATE_RESPONSES,
)
async def close_request(
    request_id: uuid.UUID,
    session: SessionDep,
    principal: AgencyPrincipalDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> InformationRequestPublic:
    req = await requests.close_request(session, principal, request_id, if_match)
    set_etag(response, req.id, req.version)
    return await requests.to_public(session, req, principal)


@router.get("/shares", response_model=Page[SharePublic], responses=READ_RESPONSES)
async def list_shares(
    session: SessionDep,
    principal: AgencyPrincipalDep,
    page: PaginationDep,
    for_me: Annotated[bool, Query(description="Only shares named for you")] = False,
) -> Page[SharePublic]:
    rows = await requests.list_shares(session, principal, page, for_me)
    return make_page(rows, page, SharePublic.model_validate, lambda s: s.id)


@router.get(
    "/shares/{share_id}",
    response_model=SharePublic,
    responses=READ_RESPONSES,
    summary="A share, with its record read through the policy now (and logged)",
)
async def get_share(
    share_id: uuid.UUID, session: SessionDep, principal: AgencyPrincipalDep, response: Response
) -> SharePublic:
    share = await requests.visible_share(session, principal, share_id)
    set_etag(response, share.id, share.version)
    return await requests.share_public(session, principal, share)


@router.post(
    "/shares/{share_id}/acknowledgement", response_model=SharePublic, responses=UPDATE_RESPONSES
)
async def acknowledge_share(
    share_id: uuid.UUID,
    session: SessionDep,
    principal: AgencyPrincipalDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> SharePublic:
    share = await requests.acknowledge(session, principal, share_id, if_match)
    set_etag(response, share.id, share.version)
    return SharePublic.model_validate(share)
