"""A child's status (child in need, child protection plan, looked after), as CP-IS shows it."""

import json
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.db import utcnow
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.models.agency import Agency, AgencyKind
from app.models.audit import AuditEntry
from app.models.casework import (
    AccessRecord,
    ChildStatus,
    ChildStatusCreate,
    ChildStatusEnd,
    ChildStatusKind,
    ChildStatusPublic,
)
from app.models.identity import Practitioner
from app.principal import Principal
from app.services import audit
from app.services.audit import RefusalAudit
from app.services.involvements import card, require_interest
from app.services.people import agency_of, own_profile
from app.services.versioning import update_versioned


def _current_now(today: date) -> Any:
    """A status is current from its start date to its end date (inclusive), unless the
    recording agency has ended it (a SQL condition)."""
    return (
        (col(ChildStatus.start_date) <= today)
        & ((col(ChildStatus.end_date).is_(None)) | (col(ChildStatus.end_date) >= today))
        & col(ChildStatus.ended_at).is_(None)
    )


def is_current(status: ChildStatus, today: date) -> bool:
    return (
        status.start_date <= today
        and (status.end_date is None or status.end_date >= today)
        and status.ended_at is None
    )


def shape(
    status: ChildStatus, agency: Agency, worker: Practitioner, reader: uuid.UUID
) -> ChildStatusPublic:
    return ChildStatusPublic(
        id=status.id,
        status=ChildStatusKind(status.status),
        start_date=status.start_date,
        end_date=status.end_date,
        current=is_current(status, utcnow().date()),
        ended_at=status.ended_at,
        end_reason=status.end_reason if reader == status.agency_id else None,
        social_worker=card(agency, worker),
        version=status.version,
    )


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
    rows = await session.execute(
        select(ChildStatus, Agency, Practitioner)
        .join(Agency, col(Agency.id) == ChildStatus.agency_id)
        .join(Practitioner, col(Practitioner.id) == ChildStatus.social_worker_id)
        .where(ChildStatus.person_id == person_id, _current_now(utcnow().date()))
        .order_by(col(ChildStatus.start_date))
    )
    reader = agency_of(principal)
    result = [shape(s, a, p, reader) for s, a, p in rows]
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
LOOKUPS = (
    "person.summary.read",
    "person.records.read",
    "person.chronology.read",
    "index.lookup",
    "lead.history",
)
ACCESS_WINDOW = timedelta(days=30)


async def current_status_holders(session: AsyncSession, person_id: uuid.UUID) -> list[ChildStatus]:
    rows = await session.execute(
        select(ChildStatus).where(ChildStatus.person_id == person_id, _current_now(utcnow().date()))
    )
    return list(rows.scalars())


async def visible_status(
    session: AsyncSession,
    principal: Principal,
    person_id: uuid.UUID,
    status_id: uuid.UUID,
    action: str = "child_status.read",
) -> tuple[ChildStatus, Agency, Practitioner]:
    """One status (current or not) of the child, to an agency with interest in the child."""
    await require_interest(session, principal, person_id, action)
    row = (
        await session.execute(
            select(ChildStatus, Agency, Practitioner)
            .join(Agency, col(Agency.id) == ChildStatus.agency_id)
            .join(Practitioner, col(Practitioner.id) == ChildStatus.social_worker_id)
            .where(ChildStatus.id == status_id, ChildStatus.person_id == person_id)
        )
    ).first()
    if row is None:
        raise NotFound(
            "child status",
            audit_refusal=RefusalAudit(principal, action, "child_status", status_id),
        )
    status, agency, worker = row
    return status, agency, worker


async def read_one(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, status_id: uuid.UUID
) -> tuple[ChildStatus, ChildStatusPublic]:
    status, agency, worker = await visible_status(session, principal, person_id, status_id)
    await audit.append(
        session,
        principal,
        action="child_status.read",
        object_type="child_status",
        object_id=status.id,
        subject_person_id=person_id,
    )
    return status, shape(status, agency, worker, agency_of(principal))


async def end(
    session: AsyncSession,
    principal: Principal,
    person_id: uuid.UUID,
    status_id: uuid.UUID,
    data: ChildStatusEnd,
    if_match: str | None,
) -> tuple[ChildStatus, ChildStatusPublic]:
    """The recording agency ends a current status: from then on it is not current (no access
    alerts, not in the child's current statuses), and the end is audited."""
    status, agency, worker = await visible_status(
        session, principal, person_id, status_id, "child_status.end"
    )
    if status.agency_id != agency_of(principal):
        raise Forbidden("Only the agency that recorded a child's status ends it.")
    today = utcnow().date()
    if status.ended_at is not None or (status.end_date is not None and status.end_date < today):
        raise Conflict("The status has already ended.", current_state="ended")
    end_date = data.end_date or today
    if end_date > today:
        raise Invalid("A status is ended on or before today.", field="body:/end_date")
    if end_date < status.start_date:
        raise Invalid("end_date is before the status's start_date.", field="body:/end_date")
    status = await update_versioned(
        session,
        status,
        {
            "end_date": end_date,
            "ended_at": utcnow(),
            "ended_by": principal.practitioner_id,
            "end_reason": data.reason,
        },
        if_match,
    )
    await audit.append(
        session,
        principal,
        action="child_status.end",
        object_type="child_status",
        object_id=status.id,
        subject_person_id=person_id,
        detail={"status": status.status, "end_date": end_date.isoformat()},
    )
    return status, shape(status, agency, worker, agency_of(principal))


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
