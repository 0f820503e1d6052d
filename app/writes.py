"""What a creation writes, held until the end of the request so it can go in as one statement.

A creation that returns its `Writes` instead of executing them (a consent, for one) lets
`idempotency.run_idempotent` write them, the audit entries and the Idempotency-Key's stored
answer together. On PostgreSQL with no transaction open (decision 0009) that is one statement,
committed by itself: the key is reserved by the statement's first part, and every other part
writes only if the reservation succeeded. A concurrent request with the same key waits on the
key's row as before, then finds it taken and replays the stored answer. Elsewhere the rows go
through the session, in the request's transaction.
"""

import json
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from app.driver import Db
from app.principal import Principal
from app.services import audit

T = TypeVar("T", bound=SQLModel)


def new_row(model: type[T], **values: Any) -> T:
    """A new row of a table model, for `Writes`: its defaults (id, version, created_at) filled
    as the constructor fills them, without SQLAlchemy's instrumented constructor (a consent
    statement cost 135 µs that way, 35 µs this way). It can be read and dumped; it is not
    known to SQLAlchemy, so it is never added to a session."""
    return cast(T, model.model_construct(**values))


@dataclass
class Writes:
    """Rows to insert, table by table in order, and the audit entries that go with them."""

    principal: Principal
    rows: list[tuple[sa.Table, list[dict[str, Any]]]] = field(default_factory=list)
    entries: list[audit.AuditItem] = field(default_factory=list)

    def add(self, table: Any, rows: list[dict[str, Any]]) -> None:
        self.rows.append((table, rows))

    async def apply(self, session: AsyncSession) -> None:
        """Through the session, in the request's transaction."""
        for table, rows in self.rows:
            if rows:
                await session.execute(sa.insert(table), rows)
        await audit.append_many(session, self.principal, self.entries)

    async def apply_reserving(self, db: Db, reservation: dict[str, Any] | None) -> bool:
        """On the idle driver connection, as one statement; with `reservation` (the stored
        answer of an Idempotency-Key), only if the key was free. Whether it was written."""
        sql = _statement(tuple(t.name for t, _ in self.rows), reservation is not None)
        args: list[Any] = []
        if reservation is not None:
            args += [reservation[c] for c in _RESERVATION]
        args += [json.dumps(rows, default=str) for _, rows in self.rows]
        entries = [audit.entry_row(self.principal, item) for item in self.entries]
        for entry in entries:
            entry["body"] = "\\x" + entry["body"].hex()  # bytea's input form, inside JSON
        args.append(json.dumps(entries, default=str))
        return bool(await db.fetchval(sql, args))


_RESERVATION = (
    "scope",
    "key",
    "method",
    "path",
    "request_hash",
    "created_at",
    "response_status",
    "response_body",
    "response_headers",
)
_statements: dict[tuple[tuple[str, ...], bool], str] = {}


def _statement(tables: tuple[str, ...], reserving: bool) -> str:
    """`WITH reserved AS (INSERT the key ... ON CONFLICT DO NOTHING), t0 AS (INSERT rows ...
    WHERE the key was reserved), ..., audit AS (...) SELECT whether it was reserved`."""
    cached = _statements.get((tables, reserving))
    if cached is not None:
        return cached
    parts, n = [], 0
    guard = " WHERE EXISTS (SELECT FROM reserved)" if reserving else ""
    if reserving:
        cols = ", ".join(_RESERVATION)
        values = ", ".join(f"${i + 1}" for i in range(len(_RESERVATION)))
        parts.append(
            f"reserved AS (INSERT INTO idempotency_record ({cols}) VALUES ({values}) "  # noqa: S608
            "ON CONFLICT (scope, key) DO NOTHING RETURNING 1)"
        )
        n = len(_RESERVATION)
    for i, table in enumerate(tables):
        n += 1
        parts.append(
            f"t{i} AS (INSERT INTO {table} SELECT * FROM "  # noqa: S608 - table names are ours
            f"json_populate_recordset(NULL::{table}, ${n}::json){guard})"
        )
    n += 1
    cols = ", ".join(audit.COLUMNS)
    parts.append(
        f"entries AS (INSERT INTO audit_entry ({cols}, txid) SELECT {cols}, "  # noqa: S608
        "pg_current_xact_id()::text::bigint FROM "
        f"json_populate_recordset(NULL::audit_entry, ${n}::json){guard})"
    )
    result = "(SELECT count(*) FROM reserved)" if reserving else "1"
    sql = f"WITH {', '.join(parts)} SELECT {result}"
    _statements[(tables, reserving)] = sql
    return sql
