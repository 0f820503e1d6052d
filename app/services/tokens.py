"""OAuth 2.0 client credentials with a signed JWT client assertion (RFC 7523), as NHS APIs for
sensitive data use: the client signs a short-lived, single-use assertion with its private key; we
check it against the public keys it registered and answer with a short-lived access token."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.config import Settings
from app.db import utcnow
from app.errors import OAuthError
from app.models.identity import MachineClient, Practitioner, TokenResponse, UsedAssertion
from app.principal import Principal, PrincipalKind
from app.security import ASSERTION_ALGORITHMS, issue_access_token
from app.services import audit

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
LEEWAY_SECONDS = 30


def _invalid_client(detail: str) -> OAuthError:
    return OAuthError("invalid_client", detail, status=401)


def _public_key(client: MachineClient, kid: str, alg: str) -> Any:
    for jwk in client.jwks.get("keys", []):
        if jwk.get("kid") == kid:
            if jwk.get("alg") and jwk["alg"] != alg:
                raise _invalid_client("The assertion's alg does not match the registered key.")
            try:
                return jwt.PyJWK(jwk, algorithm=alg).key
            except jwt.PyJWTError as exc:
                raise _invalid_client("The registered key cannot verify this assertion.") from exc
    raise _invalid_client("No registered key has this kid.")


async def issue_token(
    session: AsyncSession,
    settings: Settings,
    *,
    grant_type: str,
    client_assertion_type: str,
    client_assertion: str,
    practitioner_id: uuid.UUID,
) -> TokenResponse:
    if grant_type != "client_credentials":
        raise OAuthError("unsupported_grant_type", "Only client_credentials is supported.")
    if client_assertion_type != JWT_BEARER:
        raise OAuthError("invalid_request", f"client_assertion_type must be {JWT_BEARER}.")
    try:
        header = jwt.get_unverified_header(client_assertion)
        unverified = jwt.decode(client_assertion, options={"verify_signature": False})
        client_id = uuid.UUID(str(unverified.get("iss")))
    except (jwt.PyJWTError, ValueError) as exc:
        raise _invalid_client("The client assertion is not a well-formed JWT.") from exc
    alg, kid = header.get("alg"), header.get("kid")
    if alg not in ASSERTION_ALGORITHMS:
        raise _invalid_client(f"alg must be one of {', '.join(ASSERTION_ALGORITHMS)}.")
    if not kid:
        raise _invalid_client("The assertion header needs a kid.")
    client = await session.get(MachineClient, client_id)
    if client is None or not client.active:
        raise _invalid_client("Unknown or inactive client.")
    key = _public_key(client, kid, alg)
    try:
        claims = jwt.decode(
            client_assertion,
            key,
            algorithms=[alg],
            audience=settings.token_url,
            issuer=str(client.id),
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iss", "sub", "aud", "jti"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise _invalid_client("The client assertion has expired.") from exc
    except jwt.PyJWTError as exc:
        raise _invalid_client(f"The client assertion is not valid: {exc}.") from exc
    if claims["sub"] != str(client.id):
        raise _invalid_client("sub must equal iss (the client id).")
    now = utcnow()
    expires = datetime.fromtimestamp(claims["exp"], UTC)
    limit = timedelta(seconds=settings.client_assertion_max_lifetime_seconds + LEEWAY_SECONDS)
    if expires > now + limit:
        raise _invalid_client("exp must be within 5 minutes.")
    jti = str(claims["jti"])
    if not jti or len(jti) > 200:
        raise _invalid_client("jti must be 1 to 200 characters.")
    practitioner = await session.get(Practitioner, practitioner_id)
    if (
        practitioner is None
        or practitioner.agency_id != client.agency_id
        or not practitioner.active
    ):
        raise OAuthError(
            "invalid_request", "practitioner_id must name an active practitioner of your agency."
        )
    await session.execute(delete(UsedAssertion).where(col(UsedAssertion.expires_at) < now))
    try:
        async with session.begin_nested():
            session.add(UsedAssertion(client_id=client.id, jti=jti, expires_at=expires))
            await session.flush()
    except IntegrityError as exc:
        raise _invalid_client("This client assertion was already used (jti replayed).") from exc

    token = issue_access_token(
        secret=settings.token_secret.get_secret_value(),
        issuer=settings.public_base_url,
        client_id=client.id,
        agency_id=client.agency_id,
        practitioner_id=practitioner.id,
        ttl_seconds=settings.access_token_ttl_seconds,
    )
    actor = Principal(
        kind=PrincipalKind.client,
        agency_id=client.agency_id,
        practitioner_id=practitioner.id,
        client_id=client.id,
    )
    await audit.append(
        session, actor, action="token.issue", object_type="machine_client", object_id=client.id
    )
    return TokenResponse(access_token=token, expires_in=settings.access_token_ttl_seconds)
