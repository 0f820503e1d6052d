"""Involvements, the involvement index (what ContactPoint did) and the lead professional."""

import uuid
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.db import utcnow
from app.errors import Forbidden, Invalid, NotFound
from app.jsonrows import Combined, Row
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
    LeadInHistory,
    LeadProfessional,
)
from app.models.identity import AccessRole, Practitioner
from app.models.person import Involvement, InvolvementSource
from app.policy import Request, involvement_shown
from app.principal import Principal
from app.services import audit
from app.services.audit import RefusalAudit
from app.services.people import agency_of, own_profile
from app.services.sharing import (
    COMPETENCE_Q,
    CONSENTS_Q,
    INTEREST,
    MEMBERSHIPS_Q,
    P_NOW,
    P_PERSON,
    PR_Q,
    PROFILES_Q,
    consent_facts_from,
    has_interest,
    interest_params,
    memberships_from,
    person_facts,
    person_facts_from,
)


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


_CARD_COLUMNS = [
    col(Agency.id),
    col(Agency.name),
    col(Agency.sensitive_service),
    col(Agency.contact_email),
    col(Agency.contact_phone),
    col(Practitioner.id),
    col(Practitioner.name),
    col(Practitioner.job_title),
    col(Practitioner.email),
    col(Practitioner.phone),
]


def _card_of(row: Sequence[Any]) -> tuple[ContactCard, uuid.UUID, bool]:
    """A contact card from `_card_columns`' values, with the agency's id and sensitivity."""
    agency_id, name, sensitive, a_email, a_phone, p_id, p_name, title, p_email, p_phone = row
    card = ContactCard(
        agency_id=agency_id,
        agency_name=name,
        practitioner_id=p_id,
        practitioner_name=p_name,
        job_title=title,
        email=p_email if p_id else a_email,
        phone=p_phone if p_id else a_phone,
    )
    return card, agency_id, bool(sensitive)


# Everything a look-up needs, in one round trip: interest, who may speak for the child and
# what they agreed (a sensitive service is shown only with consent), the open involvements,
# the lead professional and the open CAFs.
_INDEX = Combined(
    {
        "memberships": MEMBERSHIPS_Q,
        "profiles": PROFILES_Q,
        "competence": COMPETENCE_Q,
        "pr": PR_Q,
        "consents": CONSENTS_Q,
        "involvements": sa.select(
            col(Involvement.started_at), col(Involvement.source), *_CARD_COLUMNS
        )
        .join_from(Involvement, Agency, col(Agency.id) == Involvement.agency_id)
        .outerjoin(Practitioner, col(Practitioner.id) == Involvement.practitioner_id)
        .where(
            col(Involvement.person_id) == P_PERSON,
            or_(col(Involvement.ended_at).is_(None), col(Involvement.ended_at) > P_NOW),
        ),
        "leads": sa.select(
            col(LeadProfessional.started_at), col(LeadProfessional.ended_at), *_CARD_COLUMNS
        )
        .join_from(LeadProfessional, Agency, col(Agency.id) == LeadProfessional.agency_id)
        .join(Practitioner, col(Practitioner.id) == LeadProfessional.practitioner_id)
        .where(col(LeadProfessional.person_id) == P_PERSON),
        "cafs": sa.select(
            col(EarlyHelpAssessment.created_at),
            col(EarlyHelpAssessment.id),
            col(EarlyHelpAssessment.status),
            *_CARD_COLUMNS,
        )
        .join_from(
            EarlyHelpAssessment, Agency, col(Agency.id) == EarlyHelpAssessment.holder_agency_id
        )
        .outerjoin(Practitioner, col(Practitioner.id) == EarlyHelpAssessment.practitioner_id)
        .where(
            col(EarlyHelpAssessment.child_id) == P_PERSON,
            col(EarlyHelpAssessment.status) != CafStatus.closed.value,
        ),
    },
    INTEREST.label("interest"),
)


Shown = Callable[[uuid.UUID, bool], bool]


async def _index_facts(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, action: str
) -> tuple[dict[str, list[Row]], Shown]:
    """The index's facts for an authorised worker of an agency with interest (404, then 403,
    both audited), and whether an agency (id, sensitive) may be shown to the caller."""
    agency_id = agency_of(principal)
    now = utcnow()
    stmt = _INDEX.statement(session.get_bind().dialect.name)
    params = {**interest_params(agency_id, person_id, now), "ids": [person_id]}
    row = (await session.execute(stmt, params)).one()
    if not row.interest:
        raise NotFound(
            "person",
            audit_refusal=RefusalAudit(
                principal, action, "person", person_id, subject_person_id=person_id
            ),
        )
    if not principal.has(AccessRole.authorised_worker):
        raise Forbidden(
            "Only an authorised worker may look up the involvement index.",
            audit_refusal=RefusalAudit(
                principal,
                action,
                "person",
                person_id,
                subject_person_id=person_id,
                detail={"reason": "not_an_authorised_worker"},
            ),
        )
    parts = _INDEX.decode(row)
    request = Request(agency_id, "index", now, memberships_from(parts["memberships"]))
    person = person_facts_from(
        [person_id], now.date(), parts["profiles"], parts["competence"], parts["pr"]
    )[person_id]
    consents = consent_facts_from(parts["consents"]).facts

    def shown(agency: uuid.UUID, sensitive: bool) -> bool:
        return (
            not sensitive
            or agency == agency_id
            or involvement_shown(agency, request, consents, person)
        )

    return parts, shown


async def index_entry(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID
) -> IndexEntry:
    """Who works with a child: contact details only. Authorised workers of an agency with interest;
    every look-up audited; a sensitive service only if the person agreed it may be shown."""
    parts, shown = await _index_facts(session, principal, person_id, "index.lookup")
    involvements = []
    for started_at, source, *contact in sorted(parts["involvements"], key=lambda r: r[0]):
        card, agency, sensitive = _card_of(contact)
        if shown(agency, sensitive):
            involvements.append(
                IndexInvolvement(**card.model_dump(), since=started_at, source=source)
            )
    lead_card, lead_since = None, None
    for started_at, ended_at, *contact in parts["leads"]:
        card, agency, sensitive = _card_of(contact)
        if ended_at is None and shown(agency, sensitive):
            lead_card, lead_since = card, started_at
    # The latest open CAF among those whose holder is shown: a hidden service's newer CAF must
    # not make an older one disappear (rule 7: nothing that changes reveals it).
    caf = None
    for _, caf_id, status, *contact in sorted(parts["cafs"], key=lambda r: r[0], reverse=True):
        card, agency, sensitive = _card_of(contact)
        if shown(agency, sensitive):
            caf = CafInIndex(**card.model_dump(), id=caf_id, status=CafStatus(status))
            break
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


async def lead_history(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID
) -> list[LeadInHistory]:
    """Every lead professional the child has had, oldest first (case 10: Nadine, then Eddie):
    contact details and dates only, as the index shows them; audited as a look-up."""
    parts, shown = await _index_facts(session, principal, person_id, "lead.history")
    history = []
    for started_at, ended_at, *contact in sorted(parts["leads"], key=lambda r: r[0]):
        card, agency, sensitive = _card_of(contact)
        if shown(agency, sensitive):
            history.append(LeadInHistory(**card.model_dump(), since=started_at, until=ended_at))
    await audit.append(
        session,
        principal,
        action="lead.history",
        object_type="person",
        object_id=person_id,
        subject_person_id=person_id,
        detail={"shown": len(history)},
    )
    return history


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
