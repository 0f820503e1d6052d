"""Records: what an agency holds about a person. Never deleted; a correction supersedes."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.errors import Conflict, Invalid, NotFound
from app.models.agency import Agency
from app.models.identity import Practitioner
from app.models.sharing import Disclosure, Record, RecordCitation, RecordCorrection, RecordCreate
from app.policy import effective_level
from app.principal import Principal
from app.services import audit
from app.services.audit import RefusalAudit
from app.services.people import agency_of, own_profile


async def _check_citations(
    session: AsyncSession, agency_id: uuid.UUID, cites: list[uuid.UUID]
) -> None:
    """A record may cite only what its author's agency holds or has been shown."""
    for cited in cites:
        rec = await session.get(Record, cited)
        if rec is None:
            raise NotFound("record", field="body:/cites")
        if rec.holder_agency_id == agency_id:
            continue
        seen = await session.execute(
            select(Disclosure.id)
            .where(Disclosure.record_id == cited, Disclosure.recipient_agency_id == agency_id)
            .limit(1)
        )
        if seen.first() is None:
            raise NotFound("record", field="body:/cites")


async def create_record(session: AsyncSession, principal: Principal, data: RecordCreate) -> Record:
    agency_id = agency_of(principal)
    await own_profile(session, principal, data.subject_person_id, action="record.create")
    if data.source_practitioner_id is not None:
        source = await session.get(Practitioner, data.source_practitioner_id)
        if source is None or source.agency_id != agency_id:
            raise NotFound("practitioner", field="body:/source_practitioner_id")
    if len(set(data.cites)) != len(data.cites):
        raise Invalid("A record is cited twice.", field="body:/cites")
    await _check_citations(session, agency_id, data.cites)
    agency = await session.get(Agency, agency_id)
    assert agency is not None
    record = Record(
        holder_agency_id=agency_id,
        subject_person_id=data.subject_person_id,
        category=data.category.value,
        level_entered=data.level.value,
        level=effective_level(data.category, data.level, agency.sensitive_service).value,
        summary=data.summary,
        detail=data.detail,
        occurred_on=data.occurred_on,
        source_practitioner_id=data.source_practitioner_id or principal.practitioner_id,
        recorded_by=principal.practitioner_id,
    )
    session.add(record)
    await session.flush()
    for cited in data.cites:
        session.add(RecordCitation(record_id=record.id, cited_record_id=cited))
    await audit.append(
        session,
        principal,
        action="record.create",
        object_type="record",
        object_id=record.id,
        subject_person_id=record.subject_person_id,
        detail={"category": record.category, "level": record.level},
    )
    return record


async def own_record(session: AsyncSession, principal: Principal, record_id: uuid.UUID) -> Record:
    record = await session.get(Record, record_id)
    if record is None or record.holder_agency_id != agency_of(principal):
        raise NotFound(
            "record",
            audit_refusal=RefusalAudit(principal, "record.correct", "record", record_id),
        )
    return record


async def correct_record(
    session: AsyncSession, principal: Principal, record_id: uuid.UUID, data: RecordCorrection
) -> tuple[Record, list[uuid.UUID]]:
    old = await own_record(session, principal, record_id)
    newer = await session.execute(select(Record.id).where(Record.supersedes_id == old.id))
    if newer.first() is not None:
        raise Conflict("This record has already been corrected; correct the newer one.")
    category = data.category.value if data.category else old.category
    entered = data.level.value if data.level else old.level_entered
    agency = await session.get(Agency, old.holder_agency_id)
    assert agency is not None
    new = Record(
        holder_agency_id=old.holder_agency_id,
        subject_person_id=old.subject_person_id,
        category=category,
        level_entered=entered,
        level=effective_level(category, entered, agency.sensitive_service).value,
        summary=data.summary,
        detail=data.detail,
        occurred_on=data.occurred_on or old.occurred_on,
        source_practitioner_id=old.source_practitioner_id,
        recorded_by=principal.practitioner_id,
        supersedes_id=old.id,
        correction_reason=data.reason,
    )
    session.add(new)
    await session.flush()
    cited = await session.execute(
        select(RecordCitation.cited_record_id).where(RecordCitation.record_id == old.id)
    )
    cited_ids = [cited_id for (cited_id,) in cited]
    for cited_id in cited_ids:
        session.add(RecordCitation(record_id=new.id, cited_record_id=cited_id))
    await audit.append(
        session,
        principal,
        action="record.correct",
        object_type="record",
        object_id=new.id,
        subject_person_id=new.subject_person_id,
        detail={"supersedes": str(old.id)},
    )
    return new, cited_ids


async def record_subject(
    session: AsyncSession, principal: Principal, record_id: uuid.UUID
) -> uuid.UUID:
    """The subject of a record, for a read that will go through the policy; 404 if unknown."""
    subject = (
        await session.execute(select(col(Record.subject_person_id)).where(Record.id == record_id))
    ).scalar_one_or_none()
    if subject is None:
        raise NotFound(
            "record", audit_refusal=RefusalAudit(principal, "record.read", "record", record_id)
        )
    return subject
