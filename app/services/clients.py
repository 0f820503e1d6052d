"""Machine clients (an agency's case system) and their registered public keys (JWKS)."""

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from app.errors import NotFound
from app.models.identity import ClientCreate, ClientUpdate, MachineClient
from app.pagination import Pagination, keyset
from app.principal import Principal
from app.services import audit
from app.services.agencies import ensure_administers, get_agency
from app.services.versioning import update_versioned


async def create_client(
    session: AsyncSession, principal: Principal, agency_id: uuid.UUID, data: ClientCreate
) -> MachineClient:
    await get_agency(session, agency_id)
    ensure_administers(principal, agency_id)
    client = MachineClient(
        agency_id=agency_id, name=data.name, jwks=data.jwks.model_dump(exclude_none=True)
    )
    session.add(client)
    await session.flush()
    await audit.append(
        session,
        principal,
        action="client.create",
        object_type="machine_client",
        object_id=client.id,
    )
    return client


async def get_client(
    session: AsyncSession, principal: Principal, agency_id: uuid.UUID, client_id: uuid.UUID
) -> MachineClient:
    await get_agency(session, agency_id)
    ensure_administers(principal, agency_id)
    client = await session.get(MachineClient, client_id)
    if client is None or client.agency_id != agency_id:
        raise NotFound("client")
    return client


async def list_clients(
    session: AsyncSession, principal: Principal, agency_id: uuid.UUID, page: Pagination
) -> list[MachineClient]:
    await get_agency(session, agency_id)
    ensure_administers(principal, agency_id)
    stmt = keyset(
        select(MachineClient).where(MachineClient.agency_id == agency_id),
        MachineClient.id,
        page,
        page.after_uuid(),
    )
    return list((await session.execute(stmt)).scalars())


async def update_client(
    session: AsyncSession,
    principal: Principal,
    agency_id: uuid.UUID,
    client_id: uuid.UUID,
    data: ClientUpdate,
    if_match: str | None,
) -> MachineClient:
    client = await get_client(session, principal, agency_id, client_id)
    changes: dict[str, Any] = {}
    if data.name is not None:
        changes["name"] = data.name
    if data.active is not None:
        changes["active"] = data.active
    if data.jwks is not None:
        changes["jwks"] = data.jwks.model_dump(exclude_none=True)  # key rotation
    client = await update_versioned(session, client, changes, if_match)
    await audit.append(
        session,
        principal,
        action="client.update",
        object_type="machine_client",
        object_id=client.id,
        detail={"fields": sorted(changes)},
    )
    return client
