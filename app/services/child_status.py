"""A child's status (child in need, child protection plan, looked after), as CP-IS shows it."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.db import utcnow
from app.errors import Forbidden, NotFound
from app.models.agency import Agency, AgencyKind
from app.models.casework import (
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
