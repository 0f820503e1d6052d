"""Agencies and their services or teams; who may administer which agency."""

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from app.errors import Forbidden, NotFound
from app.models.agency import Agency, AgencyCreate, AgencyService, AgencyUpdate, ServiceCreate
from app.models.identity import AccessRole
from app.pagination import Pagination, keyset
from app.principal import Principal
from app.services import audit
from app.services.versioning import update_versioned


def ensure_administers(principal: Principal, agency_id: uuid.UUID) -> None:
    """The platform admin administers every agency; an agency admin only their own."""
    if principal.is_platform_admin:
        return
    if principal.agency_id == agency_id and principal.has(AccessRole.agency_admin):
        return
    if principal.agency_id == agency_id:
        raise Forbidden("Only an administrator of this agency may do this.")
    raise Forbidden("You may administer only your own agency.")


async def get_agency(session: AsyncSession, agency_id: uuid.UUID) -> Agency:
    agency = await session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("agency")
    return agency


async def create_agency(session: AsyncSession, principal: Principal, data: AgencyCreate) -> Agency:
    agency = Agency.model_validate(data)
    session.add(agency)
    await session.flush()
    await audit.append(
        session, principal, action="agency.create", object_type="agency", object_id=agency.id
    )
    return agency


async def list_agencies(session: AsyncSession, page: Pagination) -> list[Agency]:
    stmt = keyset(select(Agency), Agency.id, page, page.after_uuid())
    return list((await session.execute(stmt)).scalars())


async def update_agency(
    session: AsyncSession,
    principal: Principal,
    agency_id: uuid.UUID,
    data: AgencyUpdate,
    if_match: str | None,
) -> Agency:
    agency = await get_agency(session, agency_id)
    ensure_administers(principal, agency_id)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    agency = await update_versioned(session, agency, changes, if_match)
    await audit.append(
        session,
        principal,
        action="agency.update",
        object_type="agency",
        object_id=agency.id,
        detail={"fields": sorted(changes)},
    )
    return agency


async def create_service(
    session: AsyncSession, principal: Principal, agency_id: uuid.UUID, data: ServiceCreate
) -> AgencyService:
    await get_agency(session, agency_id)
    ensure_administers(principal, agency_id)
    service = AgencyService(agency_id=agency_id, **data.model_dump())
    session.add(service)
    await session.flush()
    await audit.append(
        session,
        principal,
        action="service.create",
        object_type="agency_service",
        object_id=service.id,
    )
    return service


async def list_services(
    session: AsyncSession, agency_id: uuid.UUID, page: Pagination
) -> list[AgencyService]:
    await get_agency(session, agency_id)
    stmt = keyset(
        select(AgencyService).where(AgencyService.agency_id == agency_id),
        AgencyService.id,
        page,
        page.after_uuid(),
    )
    return list((await session.execute(stmt)).scalars())


async def get_service(
    session: AsyncSession, agency_id: uuid.UUID, service_id: uuid.UUID
) -> AgencyService:
    service = await session.get(AgencyService, service_id)
    if service is None or service.agency_id != agency_id:
        raise NotFound("service")
    return service
