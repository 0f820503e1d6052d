"""Agencies and their services or teams."""

import uuid

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from app.conditional import etag, set_etag
from app.deps import (
    CreatorDep,
    IfMatchHeader,
    PaginationDep,
    PlatformAdminDep,
    PrincipalDep,
    SessionDep,
)
from app.idempotency import Created
from app.models.agency import AgencyCreate, AgencyPublic, AgencyUpdate, ServiceCreate, ServicePublic
from app.pagination import Page, make_page
from app.routers.responses import CREATE_RESPONSES, READ_RESPONSES, UPDATE_RESPONSES
from app.services import agencies

router = APIRouter(prefix="/agencies", tags=["agencies"])


@router.post("", status_code=201, response_model=AgencyPublic, responses=CREATE_RESPONSES)
async def create_agency(
    body: AgencyCreate, session: SessionDep, principal: PlatformAdminDep, creator: CreatorDep
) -> JSONResponse:
    async def create() -> Created:
        agency = await agencies.create_agency(session, principal, body)
        return Created(
            AgencyPublic.model_validate(agency),
            f"/agencies/{agency.id}",
            etag(agency.id, agency.version),
        )

    return await creator(body, create)


@router.get("", response_model=Page[AgencyPublic], responses=READ_RESPONSES)
async def list_agencies(
    session: SessionDep, principal: PrincipalDep, page: PaginationDep
) -> Page[AgencyPublic]:
    rows = await agencies.list_agencies(session, page)
    return make_page(rows, page, AgencyPublic.model_validate, lambda a: a.id)


@router.get("/{agency_id}", response_model=AgencyPublic, responses=READ_RESPONSES)
async def get_agency(
    agency_id: uuid.UUID, session: SessionDep, principal: PrincipalDep, response: Response
) -> AgencyPublic:
    agency = await agencies.get_agency(session, agency_id)
    set_etag(response, agency.id, agency.version)
    return AgencyPublic.model_validate(agency)


@router.patch("/{agency_id}", response_model=AgencyPublic, responses=UPDATE_RESPONSES)
async def update_agency(
    agency_id: uuid.UUID,
    body: AgencyUpdate,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> AgencyPublic:
    agency = await agencies.update_agency(session, principal, agency_id, body, if_match)
    set_etag(response, agency.id, agency.version)
    return AgencyPublic.model_validate(agency)


@router.post(
    "/{agency_id}/services",
    status_code=201,
    response_model=ServicePublic,
    responses=CREATE_RESPONSES,
)
async def create_service(
    agency_id: uuid.UUID,
    body: ServiceCreate,
    session: SessionDep,
    principal: PrincipalDep,
    creator: CreatorDep,
) -> JSONResponse:
    async def create() -> Created:
        service = await agencies.create_service(session, principal, agency_id, body)
        return Created(
            ServicePublic.model_validate(service),
            f"/agencies/{agency_id}/services/{service.id}",
            etag(service.id, service.version),
        )

    return await creator(body, create)


@router.get("/{agency_id}/services", response_model=Page[ServicePublic], responses=READ_RESPONSES)
async def list_services(
    agency_id: uuid.UUID, session: SessionDep, principal: PrincipalDep, page: PaginationDep
) -> Page[ServicePublic]:
    rows = await agencies.list_services(session, agency_id, page)
    return make_page(rows, page, ServicePublic.model_validate, lambda s: s.id)


@router.get(
    "/{agency_id}/services/{service_id}", response_model=ServicePublic, responses=READ_RESPONSES
)
async def get_service(
    agency_id: uuid.UUID,
    service_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
) -> ServicePublic:
    service = await agencies.get_service(session, agency_id, service_id)
    set_etag(response, service.id, service.version)
    return ServicePublic.model_validate(service)
