"""A child's status (child in need, child protection plan, looked after), as CP-IS shows it."""

import json
import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.db import utcnow
from app.errors import Forbidden, NotFound
from app.models.agency import Agency, AgencyKind
from app.models.audit import AuditEntry
from app.models.casework import (
    AccessRecord,
    ChildStatus,
    ChildStatusCreate,
    ChildStatusKind,
    ChildStatusPublic,
)
from app.models.identity import Practitioner
from app.principal import Principal
from app.services import audit
from app.services.involvements import card, require_interest
from app.services.people import agency_of, own_profile


async def record(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, data: ChildStatusCreate
) -> ChildStatus:
    agency = await session.get(Agency, agency_of(principal))
    assert agency is not None
    if agency.kind != AgencyKind.social_care:
        raise Forbidden("Children's social care records a child's status.")
    await own_profile(session, principal, person_id, action="child_status.create")
    worker = await session.get(Practitioner, data.social_worker_id)
    if worker is None or worker.agency_id != agency.id:
        raise NotFound("practitioner", field="body:/social_worker_id")
    status = ChildStatus(person_id=person_id, agency_id=agency.id, **data.model_dump())
    session.add(status)
    await session.flush()
    await audit.append(
        session,
        principal,
        action="child_status.create",
        object_type="child_status",
        object_id=status.id,
        subject_person_id=person_id,
        detail={"status": status.status},
    )
    return status


async def current(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID
) -> list[ChildStatusPublic]:
    """Any agency with interest sees the status and the social worker's contact, not content."""
    await require_interest(session, principal, person_id, "child_status.read")
    today = utcnow().date()
    rows = await session.execute(
        select(ChildStatus, Agency, Practitioner)
        .join(Agency, col(Agency.id) == ChildStatus.agency_id)
        .join(Practitioner, col(Practitioner.id) == ChildStatus.social_worker_id)
        .where(
            ChildStatus.person_id == person_id,
            col(ChildStatus.start_date) <= today,
            (col(ChildStatus.end_date).is_(None)) | (col(ChildStatus.end_date) >= today),
        )
        .order_by(col(ChildStatus.start_date))
    )
    result = [
        ChildStatusPublic(
            id=s.id,
            status=ChildStatusKind(s.status),
            start_date=s.start_date,
            end_date=s.end_date,
            social_worker=card(a, p),
        )
        for s, a, p in rows
    ]
    await audit.append(
        session,
        principal,
        action="child_status.read",
        object_type="person",
        object_id=person_id,
        subject_person_id=person_id,
    )
    return result


# Reads of a child's file that count as look-ups.
LOOKUPS = ("person.summary.read", "person.records.read", "person.chronology.read", "index.lookup")
ACCESS_WINDOW = timedelta(days=30)


async def current_status_holders(session: AsyncSession, person_id: uuid.UUID) -> list[ChildStatus]:
    today = utcnow().date()
    rows = await session.execute(
        select(ChildStatus).where(
            ChildStatus.person_id == person_id,
            col(ChildStatus.start_date) <= today,
            (col(ChildStatus.end_date).is_(None)) | (col(ChildStatus.end_date) >= today),
        )
    )
    return list(rows.scalars())


async def accesses(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, since: datetime | None = None
) -> list[AccessRecord]:
    """Recent look-ups of a child on a plan by other agencies, for the agency holding the status.
    A sensitive service's look-ups are never shown to another agency."""
    await require_interest(session, principal, person_id, "child_status.accesses")
    agency_id = agency_of(principal)
    if agency_id not in {s.agency_id for s in await current_status_holders(session, person_id)}:
        raise Forbidden("Only the agency holding the child's status sees who looked the child up.")
    return await lookups_of(session, person_id, exclude=agency_id, since=since)


async def lookups_of(
    session: AsyncSession,
    person_id: uuid.UUID,
    *,
    exclude: uuid.UUID | None,
    since: datetime | None = None,
) -> list[AccessRecord]:
    since = since or utcnow() - ACCESS_WINDOW
    stmt = (
        select(AuditEntry, Agency, Practitioner)
        .join(Agency, col(Agency.id) == AuditEntry.agency_id)
        .outerjoin(Practitioner, col(Practitioner.id) == AuditEntry.practitioner_id)
        .where(
            AuditEntry.subject_person_id == person_id,
            col(AuditEntry.action).in_(LOOKUPS),
            AuditEntry.outcome == "ok",
            col(AuditEntry.occurred_at) >= since,
            col(Agency.sensitive_service).is_(False),
        )
        .order_by(col(AuditEntry.occurred_at).desc())
        .limit(200)
    )
    if exclude is not None:
        stmt = stmt.where(AuditEntry.agency_id != exclude)
    found = []
    for entry, agency, practitioner in await session.execute(stmt):
        detail = json.loads(entry.body).get("detail", {})
        found.append(
            AccessRecord(
                at=entry.occurred_at,
                action=entry.action,
                purpose=detail.get("purpose"),
                agency_id=agency.id,
                agency_name=agency.name,
                practitioner_name=practitioner.name if practitioner else None,
            )
        )
    return found
