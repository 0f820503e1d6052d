"""Involvements, the involvement index (what ContactPoint did) and the lead professional."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.db import utcnow
from app.errors import Forbidden, Invalid, NotFound
from app.models.agency import Agency, AgencyService
from app.models.casework import (
    CafInIndex,
    CafStatus,
    ContactCard,
    EarlyHelpAssessment,
    IndexEntry,
    IndexInvolvement,
    InvolvementDeclare,
    LeadAssign,
    LeadProfessional,
)
from app.models.identity import AccessRole, Practitioner
from app.models.person import Involvement, InvolvementSource
from app.policy import Request, involvement_shown
from app.principal import Principal
from app.services import audit
from app.services.audit import RefusalAudit
from app.services.people import agency_of, own_profile
from app.services.sharing import consent_facts, has_interest, memberships_now, person_facts


async def require_interest(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, action: str
) -> None:
    now = utcnow()
    if not await has_interest(session, agency_of(principal), person_id, now):
        raise NotFound(
            "person",
            audit_refusal=RefusalAudit(
                principal, action, "person", person_id, subject_person_id=person_id
            ),
        )


async def declare(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, data: InvolvementDeclare
) -> Involvement:
    """An involvement declared by the agency itself: with a reason, audited, shown in the index."""
    agency_id = agency_of(principal)
    await own_profile(session, principal, person_id, action="involvement.declare")
    if data.service_id is not None:
        service = await session.get(AgencyService, data.service_id)
        if service is None or service.agency_id != agency_id:
            raise NotFound("service", field="body:/service_id")
    practitioner_id = data.practitioner_id or principal.practitioner_id
    if data.practitioner_id is not None:
        p = await session.get(Practitioner, data.practitioner_id)
        if p is None or p.agency_id != agency_id:
            raise NotFound("practitioner", field="body:/practitioner_id")
    involvement = Involvement(
        agency_id=agency_id,
        person_id=person_id,
        service_id=data.service_id,
        practitioner_id=practitioner_id,
        source=InvolvementSource.declared,
        reason=data.reason,
    )
    session.add(involvement)
    await session.flush()
    await audit.append(
        session,
        principal,
        action="involvement.declare",
        object_type="involvement",
        object_id=involvement.id,
        subject_person_id=person_id,
        detail={"reason": "declared"},
    )
    return involvement


async def own_involvements(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID
) -> list[Involvement]:
    await own_profile(session, principal, person_id)
    rows = await session.execute(
        select(Involvement)
        .where(Involvement.person_id == person_id, Involvement.agency_id == agency_of(principal))
        .order_by(col(Involvement.started_at))
    )
    return list(rows.scalars())


def card(agency: Agency, practitioner: Practitioner | None) -> ContactCard:
    return ContactCard(
        agency_id=agency.id,
        agency_name=agency.name,
        practitioner_id=practitioner.id if practitioner else None,
        practitioner_name=practitioner.name if practitioner else None,
        job_title=practitioner.job_title if practitioner else None,
        email=practitioner.email if practitioner else agency.contact_email,
        phone=practitioner.phone if practitioner else agency.contact_phone,
    )


async def index_entry(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID
) -> IndexEntry:
    """Who works with a child: contact details only. Authorised workers of an agency with interest;
    every look-up audited; a sensitive service only if the person agreed it may be shown."""
    await require_interest(session, principal, person_id, "index.lookup")
    if not principal.has(AccessRole.authorised_worker):
        raise Forbidden("Only an authorised worker may look up the involvement index.")
    now = utcnow()
    memberships = await memberships_now(session, now)
    request = Request(agency_of(principal), "index", now, memberships)
    person = (await person_facts(session, [person_id], now.date()))[person_id]
    consents = (await consent_facts(session, [person_id])).facts

    def shown(agency: Agency) -> bool:
        return (
            not agency.sensitive_service
            or agency.id == principal.agency_id
            or involvement_shown(agency.id, request, consents, person)
        )

    rows = await session.execute(
        select(Involvement, Agency, Practitioner)
        .join(Agency, col(Agency.id) == Involvement.agency_id)
        .outerjoin(Practitioner, col(Practitioner.id) == Involvement.practitioner_id)
        .where(
            Involvement.person_id == person_id,
            (col(Involvement.ended_at).is_(None)) | (col(Involvement.ended_at) > now),
        )
        .order_by(col(Involvement.started_at))
    )
    involvements = [
        IndexInvolvement(**card(a, p).model_dump(), since=i.started_at, source=i.source)
        for i, a, p in rows
        if shown(a)
    ]
    lead = (
        await session.execute(
            select(LeadProfessional, Agency, Practitioner)
            .join(Agency, col(Agency.id) == LeadProfessional.agency_id)
            .join(Practitioner, col(Practitioner.id) == LeadProfessional.practitioner_id)
            .where(
                LeadProfessional.person_id == person_id,
                col(LeadProfessional.ended_at).is_(None),
            )
        )
    ).first()
    lead_card, lead_since = None, None
    if lead is not None and shown(lead[1]):
        lead_card, lead_since = card(lead[1], lead[2]), lead[0].started_at
    # The latest open CAF among those whose holder is shown: a hidden service's newer CAF must
    # not make an older one disappear (rule 7: nothing that changes reveals it).
    caf_rows = await session.execute(
        select(EarlyHelpAssessment, Agency, Practitioner)
        .join(Agency, col(Agency.id) == EarlyHelpAssessment.holder_agency_id)
        .outerjoin(Practitioner, col(Practitioner.id) == EarlyHelpAssessment.practitioner_id)
        .where(
            EarlyHelpAssessment.child_id == person_id,
            EarlyHelpAssessment.status != CafStatus.closed.value,
        )
        .order_by(col(EarlyHelpAssessment.created_at).desc())
    )
    caf_row = next((row for row in caf_rows if shown(row[1])), None)
    caf = None
    if caf_row is not None:
        caf = CafInIndex(
            **card(caf_row[1], caf_row[2]).model_dump(),
            id=caf_row[0].id,
            status=CafStatus(caf_row[0].status),
        )
    await audit.append(
        session,
        principal,
        action="index.lookup",
        object_type="person",
        object_id=person_id,
        subject_person_id=person_id,
        detail={"shown": len(involvements)},
    )
    return IndexEntry(
        person_id=person_id,
        involvements=involvements,
        lead_professional=lead_card,
        lead_since=lead_since,
        early_help_assessment=caf,
    )


async def assign_lead(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, data: LeadAssign
) -> LeadProfessional:
    """One active lead per child, with the family's agreement; the new one ends the old."""
    await require_interest(session, principal, person_id, "lead.assign")
    now = utcnow()
    practitioner = await session.get(Practitioner, data.practitioner_id)
    if practitioner is None or not practitioner.active:
        raise NotFound("practitioner", field="body:/practitioner_id")
    involved = await session.execute(
        select(Involvement.id)
        .where(
            Involvement.person_id == person_id,
            Involvement.agency_id == practitioner.agency_id,
            (col(Involvement.ended_at).is_(None)) | (col(Involvement.ended_at) > now),
        )
        .limit(1)
    )
    if involved.first() is None:
        raise Invalid(
            "The lead professional's agency must be involved with the child.",
            field="body:/practitioner_id",
        )
    person = (await person_facts(session, [person_id], now.date()))[person_id]
    if data.agreed_on > now.date():
        raise Invalid("agreed_on is in the future.", field="body:/agreed_on")
    if not any(person.entitled(p) for p in data.agreed_by):
        raise Invalid(
            "The agreement must come from the child if competent (or an adult), or from a "
            "person with parental responsibility.",
            field="body:/agreed_by",
        )
    current = (
        await session.execute(
            select(LeadProfessional).where(
                LeadProfessional.person_id == person_id,
                col(LeadProfessional.ended_at).is_(None),
            )
        )
    ).scalar_one_or_none()
    if current is not None:
        current.ended_at = now
        current.end_reason = data.reason
    lead = LeadProfessional(
        person_id=person_id,
        practitioner_id=practitioner.id,
        agency_id=practitioner.agency_id,
        assigned_by_agency_id=agency_of(principal),
        agreed_by=[str(p) for p in data.agreed_by],
        agreed_on=data.agreed_on,
        reason=data.reason,
        started_at=now,
    )
    session.add(lead)
    await session.flush()
    await audit.append(
        session,
        principal,
        action="lead.assign",
        object_type="lead_professional",
        object_id=lead.id,
        subject_person_id=person_id,
        detail={"replaces": str(current.id) if current else None},
    )
    return lead
