"""Families and households."""

import uuid

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from app.conditional import etag, set_etag
from app.deps import AgencyPrincipalDep, CreatorDep, IfMatchHeader, PaginationDep, SessionDep
from app.idempotency import Created
from app.models.person import FamilyCreate, FamilyMemberIn, FamilyPublic, FamilyUpdate
from app.pagination import Page, make_page
from app.routers.responses import CREATE_RESPONSES, READ_RESPONSES, UPDATE_RESPONSES
from app.services import families

router = APIRouter(prefix="/families", tags=["families"])


@router.post("", status_code=201, response_model=FamilyPublic, responses=CREATE_RESPONSES)
async def create_family(
    body: FamilyCreate, session: SessionDep, principal: AgencyPrincipalDep, creator: CreatorDep
) -> JSONResponse:
    async def create() -> Created:
        family = await families.create_family(session, principal, body)
        [public] = await families.shape(session, [family])
        return Created(public, f"/families/{family.id}", etag(family.id, family.version))

    return await creator(body, create)


@router.get("", response_model=Page[FamilyPublic], responses=READ_RESPONSES)
async def list_families(
    session: SessionDep, principal: AgencyPrincipalDep, page: PaginationDep
) -> Page[FamilyPublic]:
    rows = await families.list_families(session, principal, page)
    shaped = {f.id: f for f in await families.shape(session, rows)}
    return make_page(rows, page, lambda f: shaped[f.id], lambda f: f.id)


@router.get("/{family_id}", response_model=FamilyPublic, responses=READ_RESPONSES)
async def get_family(
    family_id: uuid.UUID, session: SessionDep, principal: AgencyPrincipalDep, response: Response
) -> FamilyPublic:
    family = await families.get_family(session, principal, family_id)
    set_etag(response, family.id, family.version)
    [public] = await families.shape(session, [family])
    return public


@router.patch("/{family_id}", response_model=FamilyPublic, responses=UPDATE_RESPONSES)
async def update_family(
    family_id: uuid.UUID,
    body: FamilyUpdate,
    session: SessionDep,
    principal: AgencyPrincipalDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> FamilyPublic:
    family = await families.update_family(session, principal, family_id, body, if_match)
    set_etag(response, family.id, family.version)
    [public] = await families.shape(session, [family])
    return public


@router.post("/{family_id}/members", response_model=FamilyPublic, responses=UPDATE_RESPONSES)
async def add_member(
    family_id: uuid.UUID,
    body: FamilyMemberIn,
    session: SessionDep,
    principal: AgencyPrincipalDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> FamilyPublic:
    family = await families.add_member(session, principal, family_id, body, if_match)
    set_etag(response, family.id, family.version)
    [public] = await families.shape(session, [family])
    return public


@router.delete(
    "/{family_id}/members/{person_id}", response_model=FamilyPublic, responses=UPDATE_RESPONSES
)
async def remove_member(
    family_id: uuid.UUID,
    person_id: uuid.UUID,
    session: SessionDep,
    principal: AgencyPrincipalDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> FamilyPublic:
    family = await families.remove_member(session, principal, family_id, person_id, if_match)
    set_etag(response, family.id, family.version)
    [public] = await families.shape(session, [family])
    return public
