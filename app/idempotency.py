"""Idempotency-Key on creations (IETF draft-ietf-httpapi-idempotency-key-header).

The key is reserved by inserting its row inside the request's own transaction. A concurrent request
with the same key blocks on that row until the first commits (then gets its stored result) or rolls
back (then runs itself): the "wait for the first" option of the draft. The stored result is the
creation's own answer, never a re-read of shared records.
"""

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from app.errors import Invalid
from app.models.idempotency import IdempotencyRecord
from app.principal import Principal


@dataclass(frozen=True)
class Created:
    """The result of a creation: body, where it lives, and its ETag when it is a shared object."""

    body: BaseModel
    location: str
    etag: str | None = None
    status: int = 201

    def headers(self) -> dict[str, str]:
        headers = {"Location": self.location}
        if self.etag:
            headers["ETag"] = self.etag
        return headers


REPLAY_HEADER = "Idempotent-Replayed"


def _request_hash(method: str, path: str, payload: BaseModel | None) -> str:
    body = json.dumps(
        jsonable_encoder(payload) if payload is not None else None, sort_keys=True, default=str
    )
    return hashlib.sha256(f"{method} {path}\n{body}".encode()).hexdigest()


def _replay(record: IdempotencyRecord, request_hash: str) -> JSONResponse:
    if record.request_hash != request_hash:
        raise Invalid(
            "This Idempotency-Key was already used with a different request.",
            field="header:/Idempotency-Key",
        )
    headers = dict(record.response_headers or {})
    headers[REPLAY_HEADER] = "true"
    return JSONResponse(
        record.response_body, status_code=record.response_status or 200, headers=headers
    )


async def run_idempotent(
    session: AsyncSession,
    principal: Principal,
    key: str | None,
    *,
    method: str,
    path: str,
    payload: BaseModel | None,
    create: Callable[[], Awaitable[Created]],
) -> JSONResponse:
    if key is None:
        created = await create()
        return JSONResponse(
            jsonable_encoder(created.body), status_code=created.status, headers=created.headers()
        )
    if not key.strip():
        raise Invalid("The Idempotency-Key is empty.", field="header:/Idempotency-Key")
    request_hash = _request_hash(method, path, payload)
    ident: dict[str, Any] = {"scope": principal.scope_key, "key": key}

    existing = await session.get(IdempotencyRecord, ident)
    if existing is not None:
        return _replay(existing, request_hash)
    record = IdempotencyRecord(**ident, method=method, path=path, request_hash=request_hash)
    try:
        async with session.begin_nested():
            session.add(record)
            await session.flush()
    except IntegrityError:
        # Another request with this key committed while we waited on its row.
        stored = (
            await session.execute(
                select(IdempotencyRecord)
                .filter_by(**ident)
                .execution_options(populate_existing=True)
            )
        ).scalar_one()
        return _replay(stored, request_hash)

    created = await create()
    encoded: Any = jsonable_encoder(created.body)
    record.response_status = created.status
    record.response_body = encoded
    record.response_headers = created.headers()
    await session.flush()
    return JSONResponse(encoded, status_code=created.status, headers=created.headers())
