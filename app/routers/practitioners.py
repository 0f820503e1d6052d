"""An agency's practitioners and their API keys (agency administrators; the platform admin for
the first administrators)."""

import uuid

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from app.conditional import etag, set_etag
from app.deps import CreatorDep, IfMatchHeader, PaginationDep, PrincipalDep, SessionDep, SettingsDep
from app.idempotency import Created
from app.models.identity import (
    ApiKeyCreate,
    ApiKeyIssued,
    ApiKeyPublic,
    PractitionerCreate,
    PractitionerPublic,
    PractitionerUpdate,
)
from app.pagination import Page, make_page
from app.routers.responses import CREATE_RESPONSES, READ_RESPONSES, UPDATE_RESPONSES
from app.services import practitioners

router = APIRouter(prefix="/agencies/{agency_id}/practitioners", tags=["practitioners"])


@router.post("", status_code=201, response_model=PractitionerPublic, responses=CREATE_RESPONSES)
async def create_practitioner(
    agency_id: uuid.UUID,
    body: PractitionerCreate,
    session: SessionDep,
    principal: PrincipalDep,
    creator: CreatorDep,
) -> JSONResponse:
    async def create() -> Created:
        p = await practitioners.create_practitioner(session, principal, agency_id, body)
        return Created(
            PractitionerPublic.model_validate(p),
            f"/agencies/{agency_id}/practitioners/{p.id}",
            etag(p.id, p.version),
        )

    return await creator(body, create)


@router.get("", response_model=Page[PractitionerPublic], responses=READ_RESPONSES)
async def list_practitioners(
    agency_id: uuid.UUID, session: SessionDep, principal: PrincipalDep, page: PaginationDep
) -> Page[PractitionerPublic]:
    rows = await practitioners.list_practitioners(session, principal, agency_id, page)
    return make_page(rows, page, PractitionerPublic.model_validate, lambda p: p.id)


@router.get("/{practitioner_id}", response_model=PractitionerPublic, responses=READ_RESPONSES)
async def get_practitioner(
    agency_id: uuid.UUID,
    practitioner_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
) -> PractitionerPublic:
    p = await practitioners.get_practitioner(session, principal, agency_id, practitioner_id)
    set_etag(response, p.id, p.version)
    return PractitionerPublic.model_validate(p)


@router.patch("/{practitioner_id}", response_model=PractitionerPublic, responses=UPDATE_RESPONSES)
async def update_practitioner(
    agency_id: uuid.UUID,
    practitioner_id: uuid.UUID,
    body: PractitionerUpdate,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> PractitionerPublic:
    p = await practitioners.update_practitioner(
        session, principal, agency_id, practitioner_id, body, if_match
    )
    set_etag(response, p.id, p.version)
    return PractitionerPublic.model_validate(p)


@router.post(
    "/{practitioner_id}/api-keys",
    status_code=201,
    response_model=ApiKeyIssued,
    responses=CREATE_RESPONSES,
    summary="Issue an API key (the secret is shown once)",
)
async def issue_api_key(
    agency_id: uuid.UUID,
    practitioner_id: uuid.UUID,
    body: ApiKeyCreate,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    creator: CreatorDep,
) -> JSONResponse:
    async def create() -> Created:
        api_key, secret = await practitioners.issue_api_key(
            session, principal, settings, agency_id, practitioner_id, body
        )
        issued = ApiKeyIssued(**ApiKeyPublic.model_validate(api_key).model_dump(), key=secret)
        return Created(
            issued, f"/agencies/{agency_id}/practitioners/{practitioner_id}/api-keys/{api_key.id}"
        )

    return await creator(body, create)


@router.get(
    "/{practitioner_id}/api-keys", response_model=Page[ApiKeyPublic], responses=READ_RESPONSES
)
async def list_api_keys(
    agency_id: uuid.UUID,
    practitioner_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    page: PaginationDep,
) -> Page[ApiKeyPublic]:
    rows = await practitioners.list_api_keys(session, principal, agency_id, practitioner_id, page)
    return make_page(rows, page, ApiKeyPublic.model_validate, lambda k: k.id)


@router.delete(
    "/{practitioner_id}/api-keys/{key_id}", response_model=ApiKeyPublic, responses=READ_RESPONSES
)
async def revoke_api_key(
    agency_id: uuid.UUID,
    practitioner_id: uuid.UUID,
    key_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
) -> ApiKeyPublic:
    api_key = await practitioners.revoke_api_key(
        session, principal, agency_id, practitioner_id, key_id
    )
    return ApiKeyPublic.model_validate(api_key)
