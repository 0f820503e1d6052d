"""Credentials: API keys (keyed hash), access tokens we issue, client assertions we accept."""

import hashlib
import hmac
import secrets
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

import jwt
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow

API_KEY_PREFIX = "cfk"
ACCESS_TOKEN_AUDIENCE = "confer-api"  # noqa: S105
# Asymmetric algorithms only for client assertions: a shared secret could be forged by us.
ASSERTION_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"]
ACCESS_TOKEN_ALGORITHM = "HS256"  # noqa: S105


def new_api_key() -> tuple[str, str]:
    """Returns (lookup, full key). The lookup finds the row; the whole key is what is hashed."""
    lookup = secrets.token_hex(8)
    return lookup, f"{API_KEY_PREFIX}_{lookup}_{secrets.token_urlsafe(32)}"


def parse_api_key(key: str) -> str | None:
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX or len(parts[1]) != 16:
        return None
    return parts[1]


def hash_api_key(key: str, pepper: str) -> str:
    # HMAC-SHA-256, not argon2: a check costs microseconds, and the key is already high entropy.
    return hmac.new(pepper.encode(), key.encode(), hashlib.sha256).hexdigest()


def api_key_matches(key: str, stored_hash: str, pepper: str) -> bool:
    return hmac.compare_digest(hash_api_key(key, pepper), stored_hash)


def issue_access_token(
    *,
    secret: str,
    issuer: str,
    client_id: uuid.UUID,
    agency_id: uuid.UUID,
    practitioner_id: uuid.UUID,
    ttl_seconds: int,
) -> str:
    now = utcnow()
    claims = {
        "iss": issuer,
        "aud": ACCESS_TOKEN_AUDIENCE,
        "sub": str(client_id),
        "agency": str(agency_id),
        "act": {"sub": str(practitioner_id)},  # RFC 8693: the practitioner the client acts for
        "iat": now,
        "nbf": now,
        "exp": now + timedelta(seconds=ttl_seconds),
        "jti": secrets.token_hex(16),
    }
    return jwt.encode(claims, secret, algorithm=ACCESS_TOKEN_ALGORITHM)


def decode_access_token(token: str, *, secret: str, issuer: str) -> dict[str, Any]:
    return jwt.decode(
        token,
        secret,
        algorithms=[ACCESS_TOKEN_ALGORITHM],
        audience=ACCESS_TOKEN_AUDIENCE,
        issuer=issuer,
        options={"require": ["exp", "iat", "sub", "aud", "iss"]},
    )


def expires_within(exp: datetime, now: datetime, seconds: int) -> bool:
    return exp <= now + timedelta(seconds=seconds)


class ApiKeyRows:
    """Per-worker memory of API-key rows (hash, expiry, revocation, the practitioner's agency,
    roles and state) for a few seconds, so a request does not spend a round trip on them.

    The hash and expiry are still checked on every request. A revocation or a change to the
    practitioner clears this worker's memory at once; other workers see it within `ttl`
    (decision 0002)."""

    def __init__(self) -> None:
        self._rows: dict[str, tuple[float, Any]] = {}
        # Bumped by every forget: a row read before a change committed is not remembered after.
        self.epoch = 0

    def get(self, lookup: str) -> Any | None:
        hit = self._rows.get(lookup)
        if hit is None or hit[0] < time.monotonic():
            return None
        return hit[1]

    def put(self, lookup: str, row: Any, ttl: float, epoch: int) -> None:
        if ttl > 0 and epoch == self.epoch:
            if len(self._rows) > 10_000:
                self._rows.clear()
            self._rows[lookup] = (time.monotonic() + ttl, row)

    def forget(self) -> None:
        self._rows.clear()
        self.epoch += 1

    def forget_when_committed(self, session: AsyncSession) -> None:
        """Forget now and again when the change commits, so that a request that read the old row
        in between does not keep it."""
        self.forget()
        event.listen(session.sync_session, "after_commit", lambda _s: self.forget(), once=True)


api_key_rows = ApiKeyRows()
