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

import sqlalchemy as sa
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from app.db import utcnow
from app.driver import Db
from app.errors import Invalid
from app.models.idempotency import IdempotencyRecord
from app.principal import Principal
from app.writes import Writes


@dataclass(frozen=True)
class Created:
    """The result of a creation: body, where it lives, and its ETag when it is a shared object.
    `writes`: what it has still to write (`app/writes.py`), when it left that to the caller."""

    body: BaseModel
    location: str
    etag: str | None = None
    status: int = 201
    writes: Writes | None = None

    def headers(self) -> dict[str, str]:
        headers = {"Location": self.location}
        if self.etag:
            headers["ETag"] = self.etag
        return headers


REPLAY_HEADER = "Idempotent-Replayed"


def json_ready(value: Any) -> Any:
    """What `jsonable_encoder` gives: for a model, pydantic's own JSON-mode dump, which
    `jsonable_encoder` would then walk again in Python (about a seventh of a POST's CPU)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    return jsonable_encoder(value)


def _request_hash(method: str, path: str, payload: BaseModel | None) -> str:
    body = json.dumps(json_ready(payload), sort_keys=True, default=str)
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
    deferred: bool = False,
) -> JSONResponse:
    """`deferred`: `create` returns its writes rather than making them (`Created.writes`)."""
    if key is not None and not key.strip():
        raise Invalid("The Idempotency-Key is empty.", field="header:/Idempotency-Key")
    if deferred:
        db = await Db.of(session)  # decided before `create` touches the session
        if db.direct:
            return await _create_in_one_statement(db, principal, key, method, path, payload, create)
    if key is None:
        created = await create()
        if created.writes is not None:
            await created.writes.apply(session)
        return JSONResponse(
            json_ready(created.body), status_code=created.status, headers=created.headers()
        )
    request_hash = _request_hash(method, path, payload)
    ident: dict[str, Any] = {"scope": principal.idempotency_scope, "key": key}

    # One statement reserves the key; a concurrent holder of it makes this wait for its end.
    reserve = _RESERVE[session.get_bind().dialect.name]
    reserved = await session.execute(
        reserve,
        {
            **ident,
            "method": method,
            "path": path,
            "request_hash": request_hash,
            "at": utcnow(),
            "none": None,
        },
    )
    if reserved.first() is None:
        # Another request with this key committed first (or while we waited on its row).
        stored = (
            await session.execute(
                select(IdempotencyRecord)
                .filter_by(**ident)
                .execution_options(populate_existing=True)
            )
        ).scalar_one()
        return _replay(stored, request_hash)

    created = await create()
    if created.writes is not None:
        await created.writes.apply(session)
    encoded: Any = json_ready(created.body)
    await session.execute(
        sa.update(_TABLE)
        .where(_TABLE.c.scope == ident["scope"], _TABLE.c.key == ident["key"])
        .values(
            response_status=created.status,
            response_body=encoded,
            response_headers=created.headers(),
        )
    )
    return JSONResponse(encoded, status_code=created.status, headers=created.headers())


async def _create_in_one_statement(
    db: Db,
    principal: Principal,
    key: str | None,
    method: str,
    path: str,
    payload: BaseModel | None,
    create: Callable[[], Awaitable[Created]],
) -> JSONResponse:
    """`create` reads on the driver; its rows, its audit entries and the key's stored answer go
    in as one statement that commits by itself (app/writes.py)."""
    created = await create()
    assert created.writes is not None, "a deferred creation returns its writes"
    encoded: Any = json_ready(created.body)
    response = JSONResponse(encoded, status_code=created.status, headers=created.headers())
    if key is None:
        await created.writes.apply_reserving(db, None)
        return response
    request_hash = _request_hash(method, path, payload)
    reservation = {
        "scope": principal.idempotency_scope,
        "key": key,
        "method": method,
        "path": path,
        "request_hash": request_hash,
        "created_at": utcnow(),
        "response_status": created.status,
        "response_body": json.dumps(encoded),
        "response_headers": json.dumps(created.headers()),
    }
    if await created.writes.apply_reserving(db, reservation):
        return response
    # The key was taken, by a request that committed first (or while we waited on its row).
    stored = (
        await db.session.execute(
            select(IdempotencyRecord).filter_by(scope=reservation["scope"], key=key)
        )
    ).scalar_one()
    return _replay(stored, request_hash)


_TABLE = IdempotencyRecord.__table__  # type: ignore[attr-defined]


def _reserve(insert: Any) -> Any:
    return (
        insert(_TABLE)
        .values(
            scope=sa.bindparam("scope"),
            key=sa.bindparam("key"),
            method=sa.bindparam("method"),
            path=sa.bindparam("path"),
            request_hash=sa.bindparam("request_hash"),
            created_at=sa.bindparam("at", type_=_TABLE.c.created_at.type),
            # JSON null until the result is stored (the column holds JSON, never SQL NULL).
            response_body=sa.bindparam("none", type_=_TABLE.c.response_body.type),
        )
        .on_conflict_do_nothing(index_elements=["scope", "key"])
        .returning(_TABLE.c.key)
    )


_RESERVE = {"postgresql": _reserve(pg_insert), "sqlite": _reserve(sqlite_insert)}
