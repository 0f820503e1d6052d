"""Consent statements: granted or refused, by someone entitled, for a scope; withdrawable."""

import uuid
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.db import utcnow
from app.errors import Conflict, Invalid, NotFound
from app.models.agency import Agency
from app.models.sharing import (
    AgencyGroup,
    ConsentCreate,
    ConsentDecision,
    ConsentPublic,
    ConsentStatement,
    ConsentSubject,
    ConsentSubjectPublic,
    ConsentWithdraw,
)
from app.pagination import Pagination, keyset
from app.policy import SPECIAL_CATEGORIES, AgencyView
from app.principal import Principal
from app.services import audit
from app.services.audit import RefusalAudit
from app.services.people import agency_of, own_profile, own_profiles
from app.services.sharing import person_facts
from app.services.versioning import update_versioned

CLOCK_SKEW = timedelta(minutes=2)


async def ensure_agencies(session: AsyncSession, ids: Sequence[uuid.UUID], field: str) -> None:
    if not ids:
        return
    found = set(
        (
            await session.execute(select(col(Agency.id)).where(col(Agency.id).in_(list(ids))))
        ).scalars()
    )
    for i, agency_id in enumerate(ids):
        if agency_id not in found:
            raise NotFound("agency", field=f"{field}/{i}")


async def ensure_groups(session: AsyncSession, ids: Sequence[uuid.UUID], field: str) -> None:
    if not ids:
        return
    found = set(
        (
            await session.execute(
                select(col(AgencyGroup.id)).where(col(AgencyGroup.id).in_(list(ids)))
            )
        ).scalars()
    )
    for i, group_id in enumerate(ids):
        if group_id not in found:
            raise NotFound("group", field=f"{field}/{i}")


def status_of(st: ConsentStatement) -> str:
    now = utcnow()
    if st.withdrawn_at is not None:
        return "withdrawn"
    if st.expires_at is not None and st.expires_at <= now:
        return "expired"
    return "active"


async def to_public(session: AsyncSession, st: ConsentStatement) -> ConsentPublic:
    subjects = await session.execute(
        select(ConsentSubject).where(ConsentSubject.statement_id == st.id)
    )
    return ConsentPublic.model_validate(
        {
            **st.model_dump(),
            "subjects": [
                ConsentSubjectPublic(
                    subject_person_id=s.subject_person_id, given_by_person_id=s.given_by_person_id
                )
                for s in subjects.scalars()
            ],
            "status": status_of(st),
        }
    )


async def record_consent(
    session: AsyncSession, principal: Principal, data: ConsentCreate
) -> ConsentStatement:
    agency_id = agency_of(principal)
    now = utcnow()
    given_at = data.given_at or now
    if given_at > now + CLOCK_SKEW:
        raise Invalid("given_at is in the future.", field="body:/given_at")
    if data.expires_at is not None and data.expires_at <= given_at:
        raise Invalid("expires_at must be after given_at.", field="body:/expires_at")
    special = SPECIAL_CATEGORIES.intersection(data.categories)
    if data.decision == ConsentDecision.granted and special and data.article9_condition is None:
        raise Invalid(
            "Sharing special category information needs an Article 9 condition.",
            field="body:/article9_condition",
        )
    await own_profiles(session, principal, [*data.subjects, *data.given_by], "consent.create")
    for i, person_id in enumerate(data.subjects):
        if data.subjects.count(person_id) > 1:
            raise Invalid("A subject is named twice.", field=f"body:/subjects/{i}")
    holders = data.holders or [agency_id]
    if holders != [agency_id]:
        await ensure_agencies(session, holders, "body:/holders")
    await ensure_agencies(session, data.recipients, "body:/recipients")
    await ensure_groups(session, data.holder_groups, "body:/holder_groups")
    await ensure_groups(session, data.recipient_groups, "body:/recipient_groups")

    # Judged on what the recording agency itself knows, so the answer reveals nothing another
    # agency recorded; at read time the policy judges grants on the holder's facts as well.
    facts = await person_facts(session, data.subjects, now.date())
    signers: dict[uuid.UUID, list[uuid.UUID]] = {}
    for i, subject in enumerate(data.subjects):
        own = facts[subject].views.get(agency_id, AgencyView())
        entitled = [g for g in data.given_by if own.entitles(subject, g)]
        if not entitled:
            raise Invalid(
                f"No one in given_by is entitled to speak for subject {subject}: an adult or a "
                "competent child speaks for themselves; otherwise a person with parental "
                "responsibility.",
                field=f"body:/subjects/{i}",
            )
        signers[subject] = entitled

    statement = ConsentStatement(
        decision=data.decision.value,
        form=data.form.value,
        given_at=given_at,
        recorded_by_agency_id=agency_id,
        recorded_by=principal.practitioner_id,
        holders=[str(h) for h in holders],
        holder_groups=[str(g) for g in data.holder_groups],
        recipients=[str(r) for r in data.recipients],
        recipient_groups=[str(g) for g in data.recipient_groups],
        purposes=[p.value for p in data.purposes],
        categories=[c.value for c in data.categories],
        expires_at=data.expires_at,
        show_involvement=data.show_involvement,
        article6_basis=data.article6_basis.value,
        article9_condition=data.article9_condition.value if data.article9_condition else None,
        notes=data.notes,
    )
    session.add(statement)
    await session.flush()
    for subject, givers in signers.items():
        for giver in givers:
            session.add(
                ConsentSubject(
                    statement_id=statement.id, subject_person_id=subject, given_by_person_id=giver
                )
            )
    await session.flush()
    for subject in signers:
        await audit.append(
            session,
            principal,
            action=f"consent.{data.decision.value}",
            object_type="consent",
            object_id=statement.id,
            subject_person_id=subject,
            detail={"purposes": statement.purposes, "categories": statement.categories},
        )
    return statement


async def get_consent(
    session: AsyncSession, principal: Principal, consent_id: uuid.UUID
) -> ConsentStatement:
    statement = await session.get(ConsentStatement, consent_id)
    if statement is None or statement.recorded_by_agency_id != agency_of(principal):
        raise NotFound(
            "consent", audit_refusal=RefusalAudit(principal, "consent.read", "consent", consent_id)
        )
    return statement


async def withdraw_consent(
    session: AsyncSession,
    principal: Principal,
    consent_id: uuid.UUID,
    data: ConsentWithdraw,
    if_match: str | None,
) -> ConsentStatement:
    statement = await get_consent(session, principal, consent_id)
    if statement.decision != ConsentDecision.granted:
        raise Conflict(
            "A refusal is not withdrawn: record a later grant, which supersedes it.",
            current_state="refused",
        )
    if statement.withdrawn_at is not None:
        raise Conflict("This consent is already withdrawn.", current_state="withdrawn")
    statement = await update_versioned(
        session, statement, {"withdrawn_at": utcnow(), "withdrawn_reason": data.reason}, if_match
    )
    subjects = await session.execute(
        select(ConsentSubject.subject_person_id)
        .where(ConsentSubject.statement_id == statement.id)
        .distinct()
    )
    for (subject,) in subjects:
        await audit.append(
            session,
            principal,
            action="consent.withdraw",
            object_type="consent",
            object_id=statement.id,
            subject_person_id=subject,
        )
    return statement


async def list_consents(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, page: Pagination
) -> list[ConsentStatement]:
    await own_profile(session, principal, person_id)
    about = select(col(ConsentSubject.statement_id)).where(
        ConsentSubject.subject_person_id == person_id
    )
    stmt = select(ConsentStatement).where(
        ConsentStatement.recorded_by_agency_id == agency_of(principal),
        col(ConsentStatement.id).in_(about),
    )
    stmt = keyset(stmt, ConsentStatement.id, page, page.after_uuid())
    return list((await session.execute(stmt)).scalars())
