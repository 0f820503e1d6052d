"""Multi-agency groups: members (dated), and the agenda that brings people within their work."""

import uuid

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from app.conditional import etag, set_etag
from app.deps import (
    AgencyPrincipalDep,
    CreatorDep,
    IfMatchHeader,
    PaginationDep,
    PrincipalDep,
    SessionDep,
)
from app.idempotency import Created
from app.models.sharing import (
    AgendaAdd,
    AgendaAdded,
    AgendaEntryPublic,
    GroupCreate,
    GroupPublic,
    GroupUpdate,
    MemberAdd,
)
from app.pagination import Page, make_page
from app.routers.responses import CREATE_RESPONSES, READ_RESPONSES, UPDATE_RESPONSES
from app.services import groups

router = APIRouter(prefix="/groups", tags=["groups"])


@router.post("", status_code=201, response_model=GroupPublic, responses=CREATE_RESPONSES)
async def create_group(
    body: GroupCreate, session: SessionDep, principal: PrincipalDep, creator: CreatorDep
) -> JSONResponse:
    async def create() -> Created:
        g = await groups.create_group(session, principal, body)
        [public] = await groups.shape(session, principal, [g])
        return Created(public, f"/groups/{g.id}", etag(g.id, g.version))

    return await creator(body, create)


@router.get("", response_model=Page[GroupPublic], responses=READ_RESPONSES)
async def list_groups(
    session: SessionDep, principal: PrincipalDep, page: PaginationDep
) -> Page[GroupPublic]:
    rows = await groups.list_groups(session, page)
    shaped = {g.id: g for g in await groups.shape(session, principal, rows)}
    return make_page(rows, page, lambda g: shaped[g.id], lambda g: g.id)


@router.get("/{group_id}", response_model=GroupPublic, responses=READ_RESPONSES)
async def get_group(
    group_id: uuid.UUID, session: SessionDep, principal: PrincipalDep, response: Response
) -> GroupPublic:
    g = await groups.get_group(session, group_id)
    set_etag(response, g.id, g.version)
    [public] = await groups.shape(session, principal, [g])
    return public


@router.patch("/{group_id}", response_model=GroupPublic, responses=UPDATE_RESPONSES)
async def update_group(
    group_id: uuid.UUID,
    body: GroupUpdate,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> GroupPublic:
    g = await groups.update_group(session, principal, group_id, body, if_match)
    set_etag(response, g.id, g.version)
    [public] = await groups.shape(session, principal, [g])
    return public


@router.post("/{group_id}/members", response_model=GroupPublic, responses=UPDATE_RESPONSES)
async def add_member(
    group_id: uuid.UUID,
    body: MemberAdd,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> GroupPublic:
    g = await groups.add_member(session, principal, group_id, body.agency_id, if_match)
    set_etag(response, g.id, g.version)
    [public] = await groups.shape(session, principal, [g])
    return public


@router.delete(
    "/{group_id}/members/{agency_id}", response_model=GroupPublic, responses=UPDATE_RESPONSES
)
async def end_membership(
    group_id: uuid.UUID,
    agency_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> GroupPublic:
    g = await groups.end_membership(session, principal, group_id, agency_id, if_match)
    set_etag(response, g.id, g.version)
    [public] = await groups.shape(session, principal, [g])
    return public


@router.post(
    "/{group_id}/agenda",
    status_code=201,
    response_model=AgendaAdded,
    responses=CREATE_RESPONSES,
    summary="Put a person, or a family you recorded, on a meeting's agenda",
)
async def add_to_agenda(
    group_id: uuid.UUID,
    body: AgendaAdd,
    session: SessionDep,
    principal: AgencyPrincipalDep,
    creator: CreatorDep,
) -> JSONResponse:
    async def create() -> Created:
        entries = await groups.add_to_agenda(session, principal, group_id, body)
        public = AgendaAdded(entries=[AgendaEntryPublic.model_validate(e) for e in entries])
        return Created(public, f"/groups/{group_id}/agenda")

    return await creator(body, create)


@router.get("/{group_id}/agenda", response_model=Page[AgendaEntryPublic], responses=READ_RESPONSES)
async def list_agenda(
    group_id: uuid.UUID, session: SessionDep, principal: AgencyPrincipalDep, page: PaginationDep
) -> Page[AgendaEntryPublic]:
    rows = await groups.list_agenda(session, principal, group_id, page)
    shaped = dict(
        zip([e.id for e in rows], await groups.agenda_public(session, principal, rows), strict=True)
    )
    return make_page(rows, page, lambda e: shaped[e.id], lambda e: e.id)
