"""Practitioners of an agency and their API keys."""

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from app.config import Settings
from app.db import utcnow
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.models.identity import (
    AccessRole,
    ApiKey,
    ApiKeyCreate,
    Practitioner,
    PractitionerCreate,
    PractitionerUpdate,
)
from app.pagination import Pagination, keyset
from app.principal import Principal
from app.security import api_key_rows, hash_api_key, new_api_key
from app.services import audit
from app.services.agencies import ensure_administers, get_agency, get_service
from app.services.versioning import update_versioned


def _ensure_platform_admin_creates_admins(principal: Principal, roles: list[AccessRole]) -> None:
    # The platform admin bootstraps agencies and their admins; each agency staffs itself.
    if principal.is_platform_admin and AccessRole.agency_admin not in roles:
        raise Forbidden("The platform administrator creates agency administrators only.")


async def create_practitioner(
    session: AsyncSession, principal: Principal, agency_id: uuid.UUID, data: PractitionerCreate
) -> Practitioner:
    await get_agency(session, agency_id)
    ensure_administers(principal, agency_id)
    _ensure_platform_admin_creates_admins(principal, data.roles)
    if data.service_id is not None:
        await get_service(session, agency_id, data.service_id)
    practitioner = Practitioner(
        agency_id=agency_id,
        **data.model_dump(exclude={"roles"}),
        roles=sorted({r.value for r in data.roles}),
    )
    session.add(practitioner)
    await session.flush()
    await audit.append(
        session,
        principal,
        action="practitioner.create",
        object_type="practitioner",
        object_id=practitioner.id,
        detail={"roles": practitioner.roles},
    )
    return practitioner


async def get_practitioner(
    session: AsyncSession, principal: Principal, agency_id: uuid.UUID, practitioner_id: uuid.UUID
) -> Practitioner:
    await get_agency(session, agency_id)
    ensure_administers(principal, agency_id)
    practitioner = await session.get(Practitioner, practitioner_id)
    if practitioner is None or practitioner.agency_id != agency_id:
        raise NotFound("practitioner")
    return practitioner


async def list_practitioners(
    session: AsyncSession, principal: Principal, agency_id: uuid.UUID, page: Pagination
) -> list[Practitioner]:
    await get_agency(session, agency_id)
    ensure_administers(principal, agency_id)
    stmt = keyset(
        select(Practitioner).where(Practitioner.agency_id == agency_id),
        Practitioner.id,
        page,
        page.after_uuid(),
    )
    return list((await session.execute(stmt)).scalars())


async def update_practitioner(
    session: AsyncSession,
    principal: Principal,
    agency_id: uuid.UUID,
    practitioner_id: uuid.UUID,
    data: PractitionerUpdate,
    if_match: str | None,
) -> Practitioner:
    practitioner = await get_practitioner(session, principal, agency_id, practitioner_id)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    if "roles" in changes:
        if changes["roles"] is None:
            raise Invalid("roles may not be null.", field="body:/roles")
        changes["roles"] = sorted({AccessRole(r).value for r in changes["roles"]})
    for name in ("name", "job_title", "active"):
        if name in changes and changes[name] is None:
            raise Invalid(f"{name} may not be null.", field=f"body:/{name}")
    practitioner = await update_versioned(session, practitioner, changes, if_match)
    api_key_rows.forget_when_committed(session)  # roles or state changed: rows are stale
    await audit.append(
        session,
        principal,
        action="practitioner.update",
        object_type="practitioner",
        object_id=practitioner.id,
        detail={"fields": sorted(changes)},
    )
    return practitioner


async def issue_api_key(
    session: AsyncSession,
    principal: Principal,
    settings: Settings,
    agency_id: uuid.UUID,
    practitioner_id: uuid.UUID,
    data: ApiKeyCreate,
) -> tuple[ApiKey, str]:
    practitioner = await get_practitioner(session, principal, agency_id, practitioner_id)
    if principal.is_platform_admin and AccessRole.agency_admin.value not in practitioner.roles:
        raise Forbidden("The platform administrator issues keys to agency administrators only.")
    if not practitioner.active:
        raise Conflict("The practitioner is not active.")
    if data.expires_at is not None and data.expires_at <= utcnow():
        raise Invalid("expires_at is in the past.", field="body:/expires_at")
    lookup, key = new_api_key()
    api_key = ApiKey(
        lookup=lookup,
        secret_hash=hash_api_key(key, settings.api_key_pepper.get_secret_value()),
        agency_id=agency_id,
        practitioner_id=practitioner.id,
        label=data.label,
        expires_at=data.expires_at,
    )
    session.add(api_key)
    await session.flush()
    await audit.append(
        session, principal, action="api_key.issue", object_type="api_key", object_id=api_key.id
    )
    return api_key, key


async def list_api_keys(
    session: AsyncSession,
    principal: Principal,
    agency_id: uuid.UUID,
    practitioner_id: uuid.UUID,
    page: Pagination,
) -> list[ApiKey]:
    await get_practitioner(session, principal, agency_id, practitioner_id)
    stmt = keyset(
        select(ApiKey).where(ApiKey.practitioner_id == practitioner_id),
        ApiKey.id,
        page,
        page.after_uuid(),
    )
    return list((await session.execute(stmt)).scalars())


async def revoke_api_key(
    session: AsyncSession,
    principal: Principal,
    agency_id: uuid.UUID,
    practitioner_id: uuid.UUID,
    key_id: uuid.UUID,
) -> ApiKey:
    await get_practitioner(session, principal, agency_id, practitioner_id)
    api_key = await session.get(ApiKey, key_id)
    if api_key is None or api_key.practitioner_id != practitioner_id:
        raise NotFound("API key")
    if api_key.revoked_at is None:
        api_key.revoked_at = utcnow()
        api_key_rows.forget_when_committed(session)
        await session.flush()
        await audit.append(
            session, principal, action="api_key.revoke", object_type="api_key", object_id=api_key.id
        )
    return api_key
