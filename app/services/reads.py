"""Shaping what the sharing service lets through: summaries, record lists, chronologies."""

import uuid
from collections import Counter

from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import NotFound
from app.models.sharing import (
    Chronology,
    ChronologyEntry,
    ReachedBy,
    Record,
    RecordPublic,
    SharedSummary,
    WithheldCount,
)
from app.pagination import Page, Pagination, encode_cursor
from app.policy import POLICY_VERSION, BasisKind, Decision, Purpose
from app.principal import Principal
from app.services.audit import RefusalAudit
from app.services.records import record_subject
from app.services.sharing import ReadResult, Visible, read_records

HOLDER = Decision(True, BasisKind.holder, None, None, False, ("rule1:holder",))


def own_public(record: Record, cites: list[uuid.UUID]) -> RecordPublic:
    """A record as its holder sees it (rule 1)."""
    return to_public(Visible(record, HOLDER, cites), "")


def to_public(v: Visible, purpose: str) -> RecordPublic:
    r = v.record
    shared = None
    if v.decision.basis != BasisKind.holder:
        basis = v.decision.basis.value if v.decision.basis else "unknown"
        shared = ReachedBy(basis=basis, basis_id=v.decision.basis_id, purpose=purpose)
    return RecordPublic(
        id=r.id,
        holder_agency_id=r.holder_agency_id,
        subject_person_id=r.subject_person_id,
        category=r.category,  # type: ignore[arg-type]
        level=r.level,  # type: ignore[arg-type]
        summary=r.summary,
        detail=r.detail,
        occurred_on=r.occurred_on,
        source_practitioner_id=r.source_practitioner_id,
        supersedes_id=r.supersedes_id,
        correction_reason=r.correction_reason,
        cites=v.cites,
        created_at=r.created_at,
        shared=shared,
    )


def withheld_counts(withheld: Counter[str]) -> list[WithheldCount]:
    return [WithheldCount(reason=k, count=n) for k, n in sorted(withheld.items())]


async def summary(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, purpose: Purpose
) -> SharedSummary:
    result = await read_records(
        session,
        principal,
        context_person_id=person_id,
        subject_ids=[person_id],
        purpose=purpose.value,
        endpoint="person.summary",
    )
    return to_summary(person_id, purpose, result)


def to_summary(person_id: uuid.UUID, purpose: Purpose, result: ReadResult) -> SharedSummary:
    return SharedSummary(
        person_id=person_id,
        purpose=purpose,
        generated_at=result.generated_at,
        policy_version=POLICY_VERSION,
        records=[to_public(v, purpose.value) for v in result.visible],
        withheld=withheld_counts(result.withheld),
    )


async def records_page(
    session: AsyncSession,
    principal: Principal,
    person_id: uuid.UUID,
    purpose: Purpose,
    page: Pagination,
) -> Page[RecordPublic]:
    result = await read_records(
        session,
        principal,
        context_person_id=person_id,
        subject_ids=[person_id],
        purpose=purpose.value,
        endpoint="person.records",
        after=page.after_uuid(),
        limit=page.limit,
    )
    items = [to_public(v, purpose.value) for v in result.visible]
    cursor = encode_cursor(items[-1].id) if result.has_more and items else None
    return Page[RecordPublic](items=items, next_cursor=cursor)


async def one_record(
    session: AsyncSession, principal: Principal, record_id: uuid.UUID, purpose: Purpose
) -> RecordPublic:
    subject = await record_subject(session, principal, record_id)
    result = await read_records(
        session,
        principal,
        context_person_id=subject,
        subject_ids=[subject],
        purpose=purpose.value,
        endpoint="record",
        record_ids=[record_id],
    )
    if not result.visible:
        raise NotFound(
            "record",
            audit_refusal=RefusalAudit(
                principal,
                "record.read",
                "record",
                record_id,
                subject_person_id=subject,
                detail={"purpose": purpose.value},
            ),
        )
    return to_public(result.visible[0], purpose.value)


async def chronology(
    session: AsyncSession, principal: Principal, child_id: uuid.UUID, purpose: Purpose
) -> Chronology:
    result = await read_records(
        session,
        principal,
        context_person_id=child_id,
        subject_ids=None,  # the child and the people around them, found with the facts
        purpose=purpose.value,
        endpoint="person.chronology",
    )
    around = result.around
    entries = [
        ChronologyEntry(
            **to_public(v, purpose.value).model_dump(),
            relationship_to_child=(
                "child"
                if v.record.subject_person_id == child_id
                else around[v.record.subject_person_id]
            ),
        )
        for v in sorted(result.visible, key=lambda v: (v.record.occurred_on, v.record.created_at))
    ]
    return Chronology(
        child_id=child_id,
        purpose=purpose,
        generated_at=result.generated_at,
        policy_version=POLICY_VERSION,
        entries=entries,
        withheld=withheld_counts(result.withheld),
    )
