"""Consent statements: granted or refused, by someone entitled, for a scope; withdrawable."""

import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.db import utcnow
from app.driver import Db
from app.errors import Conflict, Invalid, NotFound
from app.jsonrows import Combined
from app.models.agency import Agency
from app.models.person import PersonProfile
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
from app.services.people import agency_of, own_profile, require_known
from app.services.sharing import (
    COMPETENCE_Q,
    P_AGENCY,
    PR_Q,
    PROFILES_Q,
    person_facts_from,
)
from app.services.versioning import update_versioned
from app.writes import Writes, new_row

CLOCK_SKEW = timedelta(minutes=2)


async def ensure_agencies(session: AsyncSession, ids: Sequence[uuid.UUID], field: str) -> None:
    if ids:
        stmt = select(col(Agency.id)).where(col(Agency.id).in_(list(ids)))
        require_found(ids, set((await session.execute(stmt)).scalars()), "agency", field)


async def ensure_groups(session: AsyncSession, ids: Sequence[uuid.UUID], field: str) -> None:
    if ids:
        stmt = select(col(AgencyGroup.id)).where(col(AgencyGroup.id).in_(list(ids)))
        require_found(ids, set((await session.execute(stmt)).scalars()), "group", field)


def require_found(ids: Sequence[uuid.UUID], found: set[uuid.UUID], what: str, field: str) -> None:
    """404 naming the first of `ids` not `found` (`field`/index)."""
    for i, one in enumerate(ids):
        if one not in found:
            raise NotFound(what, field=f"{field}/{i}")


_P_PEOPLE: sa.BindParameter[Any] = sa.bindparam("people", expanding=True)
_P_AGENCIES: sa.BindParameter[Any] = sa.bindparam("agency_ids", expanding=True)
_P_GROUPS: sa.BindParameter[Any] = sa.bindparam("group_ids", expanding=True)
# What recording a consent checks, in one round trip: the people named are the recording
# agency's, the agencies and groups named exist, and who may speak for each subject.
_CHECKS = Combined(
    {
        "known": sa.select(col(PersonProfile.person_id)).where(
            col(PersonProfile.agency_id) == P_AGENCY, col(PersonProfile.person_id).in_(_P_PEOPLE)
        ),
        "agencies": sa.select(col(Agency.id)).where(col(Agency.id).in_(_P_AGENCIES)),
        "groups": sa.select(col(AgencyGroup.id)).where(col(AgencyGroup.id).in_(_P_GROUPS)),
        "profiles": PROFILES_Q,
        "competence": COMPETENCE_Q,
        "pr": PR_Q,
    }
)


def status_of(st: ConsentStatement) -> str:
    now = utcnow()
    if st.withdrawn_at is not None:
        return "withdrawn"
    if st.expires_at is not None and st.expires_at <= now:
        return "expired"
    return "active"


class Recorded(NamedTuple):
    statement: ConsentStatement
    subjects: list[ConsentSubject]
    writes: Writes  # not yet written: the caller applies them


async def to_public(
    session: AsyncSession, st: ConsentStatement, subjects: Sequence[ConsentSubject] | None = None
) -> ConsentPublic:
    """`subjects`: the statement's, when the caller holds them already (it just recorded them)."""
    if subjects is None:
        subjects = list(
            (
                await session.execute(
                    select(ConsentSubject).where(ConsentSubject.statement_id == st.id)
                )
            ).scalars()
        )
    return ConsentPublic.model_validate(
        {
            **st.model_dump(),
            "subjects": [
                ConsentSubjectPublic(
                    subject_person_id=s.subject_person_id, given_by_person_id=s.given_by_person_id
                )
                for s in subjects
            ],
            "status": status_of(st),
        }
    )


async def record_consent(
    session: AsyncSession, principal: Principal, data: ConsentCreate
) -> Recorded:
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
    holders = data.holders or [agency_id]
    named_groups = [*data.holder_groups, *data.recipient_groups]
    db = await Db.of(session)
    row = await db.one(
        _CHECKS.statement(db.dialect),
        {
            "agency": agency_id,
            "people": [*data.subjects, *data.given_by],
            "agency_ids": [*holders, *data.recipients],
            "group_ids": named_groups,
            "ids": list(data.subjects),
            "today": now.date(),
        },
    )
    parts = _CHECKS.decode(row)
    found = {name: {r[0] for r in parts[name]} for name in ("known", "agencies", "groups")}
    require_known(principal, [*data.subjects, *data.given_by], found["known"], "consent.create")
    for i, person_id in enumerate(data.subjects):
        if data.subjects.count(person_id) > 1:
            raise Invalid("A subject is named twice.", field=f"body:/subjects/{i}")
    if holders != [agency_id]:
        require_found(holders, found["agencies"], "agency", "body:/holders")
    require_found(data.recipients, found["agencies"], "agency", "body:/recipients")
    require_found(data.holder_groups, found["groups"], "group", "body:/holder_groups")
    require_found(data.recipient_groups, found["groups"], "group", "body:/recipient_groups")

    # Judged on what the recording agency itself knows, so the answer reveals nothing another
    # agency recorded; at read time the policy judges grants on the holder's facts as well.
    facts = person_facts_from(
        data.subjects, now.date(), parts["profiles"], parts["competence"], parts["pr"]
    )
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

    statement = new_row(
        ConsentStatement,
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
    subjects = [
        new_row(
            ConsentSubject,
            statement_id=statement.id,
            subject_person_id=subject,
            given_by_person_id=g,
        )
        for subject, givers in signers.items()
        for g in givers
    ]
    # Left to the caller (run_idempotent), so that the rows, the audit entries and the
    # Idempotency-Key's answer can go in as one statement (app/writes.py).
    writes = Writes(principal)
    writes.add(_STATEMENTS, [statement.model_dump()])
    writes.add(_SUBJECTS, [s.model_dump() for s in subjects])
    detail = {"purposes": statement.purposes, "categories": statement.categories}
    writes.entries = [
        audit.AuditItem(f"consent.{data.decision.value}", "consent", statement.id, s, detail=detail)
        for s in signers
    ]
    return Recorded(statement, subjects, writes)


_STATEMENTS = ConsentStatement.__table__  # type: ignore[attr-defined]
_SUBJECTS = ConsentSubject.__table__  # type: ignore[attr-defined]


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
