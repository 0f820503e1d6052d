"""Dependency aliases used by every router: SessionDep, PrincipalDep, PaginationDep, ..."""

import hmac
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, Any

import jwt
import sqlalchemy as sa
from fastapi import Depends, Header, Query, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select

from app.config import Settings
from app.db import utcnow
from app.errors import ConferError, Forbidden, NotAuthenticated
from app.idempotency import Created, run_idempotent
from app.models.identity import AccessRole, ApiKey, MachineClient, Practitioner
from app.pagination import Pagination, decode_cursor
from app.principal import Principal, PrincipalKind
from app.ratelimit import enforce_rate_limit
from app.security import api_key_matches, api_key_rows, decode_access_token, parse_api_key
from app.services import audit


async def get_sessionmaker(request: Request) -> async_sessionmaker[AsyncSession]:
    maker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    return maker


SessionMakerDep = Annotated[async_sessionmaker[AsyncSession], Depends(get_sessionmaker)]


async def get_session(maker: SessionMakerDep) -> AsyncIterator[AsyncSession]:
    """One transaction per request, committed before the response is sent."""
    async with maker() as session:
        try:
            yield session
            await session.commit()
        except ConferError as exc:
            await session.rollback()
            if exc.audit_refusal is not None:
                # A refused access is audited even though the request's own work is rolled back.
                async with maker() as audit_session:
                    await audit.append_refusal(audit_session, exc.audit_refusal)
                    await audit_session.commit()
            raise
        except BaseException:
            await session.rollback()
            raise


# scope="function": the commit runs before the response leaves, so a 2xx means it is stored.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(_settings)]


# Documents the scheme (Swagger's Authorize button); our own 401 problem replaces its error.
_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="An API key (cfk_...), or an access token from /oauth2/token.",
)


async def authenticate(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if bearer is None or not bearer.credentials.strip():
        raise NotAuthenticated()
    credential = bearer.credentials.strip()
    principal = await _principal_for(session, settings, credential)
    request.state.principal = principal
    await enforce_rate_limit(
        request.app.state.rate_limiter, principal.scope_key, settings.rate_limit
    )
    return principal


async def _principal_for(session: AsyncSession, settings: Settings, credential: str) -> Principal:
    bootstrap = settings.bootstrap_admin_key
    if bootstrap is not None and hmac.compare_digest(
        credential.encode(), bootstrap.get_secret_value().encode()
    ):
        return Principal(kind=PrincipalKind.platform_admin, agency_id=None)
    lookup = parse_api_key(credential)
    if lookup is not None:
        return await _api_key_principal(session, settings, lookup, credential)
    return await _token_principal(session, settings, credential)


async def _api_key_principal(
    session: AsyncSession, settings: Settings, lookup: str, key: str
) -> Principal:
    row = api_key_rows.get(lookup)
    if row is None:
        epoch = api_key_rows.epoch
        row = (await session.execute(_API_KEY_Q, {"lookup": lookup})).first()
        if row is None:
            raise NotAuthenticated("The API key is not valid.")
        api_key_rows.put(lookup, row, settings.api_key_cache_seconds, epoch)
    if not api_key_matches(key, row.secret_hash, settings.api_key_pepper.get_secret_value()):
        raise NotAuthenticated("The API key is not valid.")
    now = utcnow()
    if row.revoked_at is not None or (row.expires_at and row.expires_at <= now):
        raise NotAuthenticated("The API key has been revoked or has expired.")
    if not row.active:
        raise NotAuthenticated("The practitioner's account is not active.")
    return Principal(
        kind=PrincipalKind.practitioner,
        agency_id=row.agency_id,
        practitioner_id=row.practitioner_id,
        api_key_id=row.id,
        roles=frozenset(AccessRole(r) for r in row.roles),
    )


_API_KEY_Q: Any = (
    sa.select(
        col(ApiKey.id),
        col(ApiKey.secret_hash),
        col(ApiKey.revoked_at),
        col(ApiKey.expires_at),
        col(Practitioner.id).label("practitioner_id"),
        col(Practitioner.agency_id),
        col(Practitioner.active),
        col(Practitioner.roles),
    )
    .join_from(ApiKey, Practitioner, col(Practitioner.id) == ApiKey.practitioner_id)
    .where(col(ApiKey.lookup) == sa.bindparam("lookup"))
)


async def _token_principal(session: AsyncSession, settings: Settings, token: str) -> Principal:
    try:
        claims = decode_access_token(
            token, secret=settings.token_secret.get_secret_value(), issuer=settings.public_base_url
        )
        client_id = uuid.UUID(claims["sub"])
        agency_id = uuid.UUID(claims["agency"])
        practitioner_id = uuid.UUID(claims["act"]["sub"])
    except jwt.ExpiredSignatureError as exc:
        raise NotAuthenticated("The access token has expired.") from exc
    except (jwt.PyJWTError, KeyError, TypeError, ValueError) as exc:
        raise NotAuthenticated("The credential is not valid.") from exc
    row = (
        await session.execute(
            select(MachineClient, Practitioner)
            .join(Practitioner, col(Practitioner.agency_id) == MachineClient.agency_id)
            .where(MachineClient.id == client_id, Practitioner.id == practitioner_id)
        )
    ).first()
    if row is None:
        raise NotAuthenticated("The credential is not valid.")
    client, practitioner = row
    if not client.active or not practitioner.active or client.agency_id != agency_id:
        raise NotAuthenticated("The client or practitioner is no longer active.")
    # A case system does casework; administration and subject access need a person's own key.
    return Principal(
        kind=PrincipalKind.client,
        agency_id=agency_id,
        practitioner_id=practitioner.id,
        client_id=client.id,
        roles=frozenset(AccessRole(r) for r in practitioner.roles) & CLIENT_ROLES,
    )


CLIENT_ROLES = frozenset({AccessRole.practitioner, AccessRole.authorised_worker})
PrincipalDep = Annotated[Principal, Depends(authenticate)]


async def _require_agency_member(principal: PrincipalDep) -> Principal:
    if principal.agency_id is None:
        raise Forbidden("This operation needs a caller from an agency.")
    return principal


AgencyPrincipalDep = Annotated[Principal, Depends(_require_agency_member)]


async def _require_platform_admin(principal: PrincipalDep) -> Principal:
    if not principal.is_platform_admin:
        raise Forbidden("Only the platform administrator may do this.")
    return principal


PlatformAdminDep = Annotated[Principal, Depends(_require_platform_admin)]


async def _require_dpo(principal: AgencyPrincipalDep) -> Principal:
    if not principal.has(AccessRole.data_protection_officer):
        raise Forbidden("Only a data protection officer may do this.")
    return principal


DpoDep = Annotated[Principal, Depends(_require_dpo)]


async def get_pagination(
    settings: SettingsDep,
    limit: Annotated[
        int | None, Query(ge=1, le=100, description="Page size (at most 100).")
    ] = None,
    cursor: Annotated[
        str | None, Query(max_length=200, description="Opaque cursor from next_cursor.")
    ] = None,
) -> Pagination:
    return Pagination(
        limit=min(limit or settings.default_page_size, settings.max_page_size),
        after=decode_cursor(cursor) if cursor else None,
    )


PaginationDep = Annotated[Pagination, Depends(get_pagination)]

IfMatchHeader = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description="The ETag of the version being changed (required; 412 if stale).",
    ),
]
IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=255,
        description="Makes a retry of this creation return the stored result.",
    ),
]


class Creator:
    """Runs a creation under the caller's Idempotency-Key, if any."""

    def __init__(
        self,
        request: Request,
        session: SessionDep,
        principal: PrincipalDep,
        idempotency_key: IdempotencyKeyHeader = None,
    ) -> None:
        self.request, self.session, self.principal, self.key = (
            request,
            session,
            principal,
            idempotency_key,
        )

    async def __call__(
        self,
        payload: BaseModel | None,
        create: Callable[[], Awaitable[Created]],
        deferred: bool = False,
    ) -> JSONResponse:
        """`deferred`: `create` returns its writes (`Created.writes`) rather than making them."""
        return await run_idempotent(
            self.session,
            self.principal,
            self.key,
            method=self.request.method,
            path=self.request.url.path,
            payload=payload,
            create=create,
            deferred=deferred,
        )


async def get_creator(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Creator:
    # An async factory: FastAPI runs a class (a sync callable) dependency in a worker thread.
    return Creator(request, session, principal, idempotency_key)


CreatorDep = Annotated[Creator, Depends(get_creator)]
