"""Machine clients: an agency's case system, authenticating with signed JWT assertions."""

import uuid

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from app.conditional import etag, set_etag
from app.deps import CreatorDep, IfMatchHeader, PaginationDep, PrincipalDep, SessionDep
from app.idempotency import Created
from app.models.identity import ClientCreate, ClientPublic, ClientUpdate
from app.pagination import Page, make_page
from app.routers.responses import CREATE_RESPONSES, READ_RESPONSES, UPDATE_RESPONSES
from app.services import clients

router = APIRouter(prefix="/agencies/{agency_id}/clients", tags=["clients"])


@router.post("", status_code=201, response_model=ClientPublic, responses=CREATE_RESPONSES)
async def create_client(
    agency_id: uuid.UUID,
    body: ClientCreate,
    session: SessionDep,
    principal: PrincipalDep,
    creator: CreatorDep,
) -> JSONResponse:
    async def create() -> Created:
        c = await clients.create_client(session, principal, agency_id, body)
        return Created(
            ClientPublic.model_validate(c),
            f"/agencies/{agency_id}/clients/{c.id}",
            etag(c.id, c.version),
        )

    return await creator(body, create)


@router.get("", response_model=Page[ClientPublic], responses=READ_RESPONSES)
async def list_clients(
    agency_id: uuid.UUID, session: SessionDep, principal: PrincipalDep, page: PaginationDep
) -> Page[ClientPublic]:
    rows = await clients.list_clients(session, principal, agency_id, page)
    return make_page(rows, page, ClientPublic.model_validate, lambda c: c.id)


@router.get("/{client_id}", response_model=ClientPublic, responses=READ_RESPONSES)
async def get_client(
    agency_id: uuid.UUID,
    client_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
) -> ClientPublic:
    c = await clients.get_client(session, principal, agency_id, client_id)
    set_etag(response, c.id, c.version)
    return ClientPublic.model_validate(c)


@router.patch("/{client_id}", response_model=ClientPublic, responses=UPDATE_RESPONSES)
async def update_client(
    agency_id: uuid.UUID,
    client_id: uuid.UUID,
    body: ClientUpdate,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatchHeader = None,
) -> ClientPublic:
    c = await clients.update_client(session, principal, agency_id, client_id, body, if_match)
    set_etag(response, c.id, c.version)
    return ClientPublic.model_validate(c)
