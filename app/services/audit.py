"""Appending to the audit trail.

Bodies never hold record content or secrets, only ids and reasons."""

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app import canonical
from app.context import request_id_var
from app.db import utcnow
from app.driver import Db
from app.models.audit import AuditEntry
from app.models.sharing import Disclosure
from app.principal import Principal
from app.services.audit_chain import chain_entries


def _s(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class AuditItem:
    """One entry to append, as `append` takes it (for `append_many`)."""

    action: str
    object_type: str
    object_id: uuid.UUID | str | None = None
    subject_person_id: uuid.UUID | None = None
    outcome: str = "ok"
    detail: dict[str, Any] | None = None


def entry_row(principal: Principal | None, item: AuditItem) -> dict[str, Any]:
    """The entry's columns, with `body`: its canonical RFC 8785 bytes (what the chain hashes)."""
    occurred_at = utcnow()
    row: dict[str, Any] = {
        "occurred_at": occurred_at,
        "request_id": request_id_var.get(),
        "agency_id": principal.agency_id if principal else None,
        "practitioner_id": principal.practitioner_id if principal else None,
        "client_id": principal.client_id if principal else None,
        "action": item.action,
        "object_type": item.object_type,
        "object_id": None if item.object_id is None else str(item.object_id),
        "subject_person_id": item.subject_person_id,
        "outcome": item.outcome,
    }
    body: dict[str, Any] = {
        **{k: _s(v) if isinstance(v, uuid.UUID) else v for k, v in row.items()},
        "occurred_at": occurred_at.isoformat(),
        "actor_kind": principal.kind.value if principal else None,
        "detail": item.detail or {},
    }
    # Canonicalised once, here; the stored bytes are what the chain hashes.
    row["body"] = canonical.dumps(body)
    return row


async def append(
    session: AsyncSession,
    principal: Principal | None,
    *,
    action: str,
    object_type: str,
    object_id: uuid.UUID | str | None = None,
    subject_person_id: uuid.UUID | None = None,
    outcome: str = "ok",
    detail: dict[str, Any] | None = None,
    disclosures: list[dict[str, Any]] | None = None,
) -> None:
    """Appends one entry. `disclosures` (rows of the disclosure log) are written in the same
    statement on PostgreSQL: a read then costs one round trip for its whole trail."""
    item = AuditItem(action, object_type, object_id, subject_person_id, outcome, detail)
    await append_many(session, principal, [item], disclosures)


async def append_many(
    session: AsyncSession,
    principal: Principal | None,
    items: list[AuditItem],
    disclosures: list[dict[str, Any]] | None = None,
    db: Db | None = None,
) -> None:
    """Appends several entries (a conference pack's reads, one per person) and their disclosure
    rows: on PostgreSQL two statements at most, whatever their number. `db`: the read's, so one
    entry goes in the same way as its facts came (decision 0009)."""
    if not items:
        return
    rows = [entry_row(principal, item) for item in items]
    if session.get_bind().dialect.name == "postgresql":
        # Chained later by the sealer, so concurrent requests never queue on the chain's head.
        # One entry is one statement: on the read's idle driver connection it commits by itself,
        # all or nothing. Several go through the session, in the request's transaction.
        run = db if db is not None and len(rows) == 1 else Db(session)
        if disclosures:
            batch = json.dumps(disclosures, default=str)
            await run.write(_INSERT_PG_WITH_DISCLOSURES, {**rows[0], "disclosures": batch})
            rows = rows[1:]
        if len(rows) == 1:
            await run.write(_INSERT_PG, rows[0])  # a list, even of one, would be executemany
        elif rows:
            await session.execute(_INSERT_PG, rows)
        return
    if disclosures:
        await session.execute(_INSERT_DISCLOSURES, disclosures)
    # SQLite has one writer anyway: chain inside the write transaction.
    chained = []
    for row in rows:
        entry_id = (await session.execute(_INSERT_RETURNING_ID, row)).scalar_one()
        chained.append((entry_id, row["body"]))
    await chain_entries(session, chained)


# Core statements built once: this runs on every request.
_TABLE = AuditEntry.__table__  # type: ignore[attr-defined]
COLUMNS = (
    "occurred_at",
    "request_id",
    "agency_id",
    "practitioner_id",
    "client_id",
    "action",
    "object_type",
    "object_id",
    "subject_person_id",
    "outcome",
    "body",
)
_VALUES = {c: sa.bindparam(c, type_=_TABLE.c[c].type) for c in COLUMNS}
_INSERT_PG = sa.insert(_TABLE).values(
    **_VALUES, txid=sa.literal_column("pg_current_xact_id()::text::bigint")
)
_INSERT_DISCLOSURES = sa.insert(Disclosure.__table__)  # type: ignore[attr-defined]
# The disclosure rows travel as one JSON parameter, so the statement text never varies.
_INSERT_PG_WITH_DISCLOSURES = sa.text(
    "WITH disclosed AS (INSERT INTO disclosure SELECT * FROM "  # noqa: S608 - constant names
    "json_populate_recordset(NULL::disclosure, CAST(:disclosures AS json))) "
    f"INSERT INTO audit_entry ({', '.join(COLUMNS)}, txid) "
    f"VALUES ({', '.join(':' + c for c in COLUMNS)}, pg_current_xact_id()::text::bigint)"
).bindparams(*_VALUES.values())
_INSERT_RETURNING_ID = sa.insert(_TABLE).values(**_VALUES).returning(_TABLE.c.id)


@dataclass(frozen=True)
class RefusalAudit:
    """What to audit about an access that was refused (the request itself is rolled back)."""

    principal: Principal | None
    action: str
    object_type: str
    object_id: uuid.UUID | str | None = None
    subject_person_id: uuid.UUID | None = None
    detail: dict[str, Any] = field(default_factory=dict)


async def append_refusal(session: AsyncSession, refusal: RefusalAudit) -> None:
    await append(
        session,
        refusal.principal,
        action=refusal.action,
        object_type=refusal.object_type,
        object_id=refusal.object_id,
        subject_person_id=refusal.subject_person_id,
        outcome="refused",
        detail=refusal.detail,
    )
