"""Referrals: sent -> accepted | declined | withdrawn. Accepting creates an involvement."""

import uuid
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.db import UTCDateTime, utcnow
from app.driver import Db
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.jsonrows import Combined
from app.models.agency import Agency, AgencyService
from app.models.casework import (
    Referral,
    ReferralCreate,
    ReferralDecline,
    ReferralPublic,
    ReferralStatus,
    ReferralSubject,
)
from app.models.person import (
    Family,
    FamilyMember,
    Involvement,
    InvolvementSource,
    Person,
    PersonProfile,
)
from app.models.requests import Share
from app.models.sharing import AgencyGroup, Record
from app.pagination import Pagination, keyset
from app.principal import Principal
from app.services import audit
from app.services.audit import RefusalAudit
from app.services.consents import require_found
from app.services.people import agency_of, require_known
from app.services.sharing import decide_for, memberships_now
from app.services.versioning import update_versioned
from app.writes import Writes, new_row

RE_REFERRAL_WINDOW = timedelta(days=365)


async def _subjects(session: AsyncSession, referral_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await session.execute(
        select(col(ReferralSubject.person_id)).where(ReferralSubject.referral_id == referral_id)
    )
    return list(rows.scalars())


_P_REFERRAL = sa.bindparam("referral", type_=sa.Uuid)
# A referral's subjects and shares in one round trip.
_PARTS = Combined(
    {
        "subjects": sa.select(col(ReferralSubject.person_id)).where(
            col(ReferralSubject.referral_id) == _P_REFERRAL
        ),
        "shares": sa.select(col(Share.id)).where(col(Share.referral_id) == _P_REFERRAL),
    }
)


async def to_public(session: AsyncSession, r: Referral) -> ReferralPublic:
    stmt = _PARTS.statement(session.get_bind().dialect.name)
    parts = _PARTS.decode((await session.execute(stmt, {"referral": r.id})).one())
    return public_of(r, [row[0] for row in parts["subjects"]], [row[0] for row in parts["shares"]])


def public_of(r: Referral, subjects: list[uuid.UUID], share_ids: list[uuid.UUID]) -> ReferralPublic:
    return ReferralPublic.model_validate(
        {
            **r.model_dump(),
            "subject_person_ids": subjects,
            "overdue": r.status == ReferralStatus.sent and r.feedback_by < date.today(),
            "share_ids": share_ids,
        }
    )


_P_PEOPLE: sa.BindParameter[Any] = sa.bindparam("people", expanding=True)
_P_FAMILY = sa.bindparam("family", type_=sa.Uuid)
_P_TO = sa.bindparam("to_agency", type_=sa.Uuid)
_FAMILY_MEMBERS = sa.select(col(FamilyMember.person_id)).where(
    col(FamilyMember.family_id) == _P_FAMILY
)
# What sending a referral checks, in one round trip: the caller's agency knows the people and
# recorded the family; the receiver exists (its service is its own); whether the receiver closed
# its work with any of them in the last year (a re-referral).
_SEND_CHECKS = Combined(
    {
        "known": sa.select(col(PersonProfile.person_id)).where(
            col(PersonProfile.agency_id) == sa.bindparam("agency", type_=sa.Uuid),
            col(PersonProfile.person_id).in_(_P_PEOPLE),
        ),
        "family": sa.select(col(Family.agency_id)).where(col(Family.id) == _P_FAMILY),
        "members": _FAMILY_MEMBERS,
        "agencies": sa.select(col(Agency.id)).where(col(Agency.id) == _P_TO),
        "services": sa.select(col(AgencyService.agency_id)).where(
            col(AgencyService.id) == sa.bindparam("service", type_=sa.Uuid)
        ),
        "groups": sa.select(col(AgencyGroup.id)).where(
            col(AgencyGroup.id) == sa.bindparam("group", type_=sa.Uuid)
        ),
        # From the people to their involvements (ix_involvement_person_id): an OR of the two
        # lists made PostgreSQL filter all the receiver's involvements, which grows with the data.
        "closed": sa.select(col(Involvement.person_id))
        .where(
            col(Involvement.person_id).in_(
                sa.union(
                    sa.select(col(Person.id)).where(col(Person.id).in_(_P_PEOPLE)), _FAMILY_MEMBERS
                )
            ),
            col(Involvement.agency_id) == _P_TO,
            col(Involvement.ended_at) >= sa.bindparam("closed_since", type_=UTCDateTime()),
        )
        .limit(1),
    }
)


async def create_referral(
    session: AsyncSession, principal: Principal, data: ReferralCreate
) -> tuple[Referral, ReferralPublic, Writes]:
    """The referral, its answer, and its rows still to write (the caller applies them)."""
    agency_id = agency_of(principal)
    now = utcnow()
    if data.feedback_by < now.date():
        raise Invalid("feedback_by is in the past.", field="body:/feedback_by")
    people = list(dict.fromkeys(data.subject_person_ids))
    db = await Db.of(session)
    row = await db.one(
        _SEND_CHECKS.statement(db.dialect),
        {
            "agency": agency_id,
            "people": people,
            "family": data.family_id,
            "to_agency": data.to_agency_id,
            "service": data.to_service_id,
            "group": data.to_group_id,
            "closed_since": now - RE_REFERRAL_WINDOW,
        },
    )
    parts = _SEND_CHECKS.decode(row)
    require_known(principal, people, {r[0] for r in parts["known"]}, "referral.create")
    if data.family_id is not None:
        if [r[0] for r in parts["family"]] != [agency_id]:
            raise NotFound(
                "family",
                audit_refusal=RefusalAudit(principal, "family.read", "family", data.family_id),
            )
        people += [p for (p,) in parts["members"] if p not in people]
    if not people:
        raise Invalid("The family has no members to refer.", field="body:/family_id")
    if data.to_agency_id is not None:
        if data.to_agency_id == agency_id:
            raise Invalid("An agency does not refer to itself.", field="body:/to_agency_id")
        require_found(
            [data.to_agency_id], {r[0] for r in parts["agencies"]}, "agency", "body:/to_agency_id"
        )
        if data.to_service_id is not None and [r[0] for r in parts["services"]] != [
            data.to_agency_id
        ]:
            raise NotFound("service", field="body:/to_service_id")
    else:
        assert data.to_group_id is not None
        require_found(
            [data.to_group_id], {r[0] for r in parts["groups"]}, "group", "body:/to_group_id"
        )
    re_referral = data.to_agency_id is not None and bool(parts["closed"])
    referral = new_row(
        Referral,
        from_agency_id=agency_id,
        from_practitioner_id=principal.practitioner_id,
        to_agency_id=data.to_agency_id,
        to_service_id=data.to_service_id,
        to_group_id=data.to_group_id,
        family_id=data.family_id,
        purpose=data.purpose.value,
        reason=data.reason,
        action_expected=data.action_expected,
        feedback_by=data.feedback_by,
        re_referral=re_referral,
    )
    shares = await _shares(session, principal, referral, data.record_ids, people)
    # Left to the caller (run_idempotent): the rows, the audit entries and the
    # Idempotency-Key's answer can then go in as one statement (decision 0010).
    writes = Writes(principal)
    writes.add(_REFERRALS, [referral.model_dump()])
    subjects = [new_row(ReferralSubject, referral_id=referral.id, person_id=p) for p in people]
    writes.add(_SUBJECTS, [s.model_dump() for s in subjects])
    writes.add(_SHARES, [s.model_dump() for s in shares])
    detail = {"purpose": referral.purpose, "re_referral": re_referral}
    writes.entries = [
        audit.AuditItem("referral.send", "referral", referral.id, p, detail=detail) for p in people
    ]
    return referral, public_of(referral, people, [s.id for s in shares]), writes


_REFERRALS = Referral.__table__  # type: ignore[attr-defined]
_SUBJECTS = ReferralSubject.__table__  # type: ignore[attr-defined]
_SHARES = Share.__table__  # type: ignore[attr-defined]


async def _shares(
    session: AsyncSession,
    principal: Principal,
    referral: Referral,
    record_ids: list[uuid.UUID],
    people: list[uuid.UUID],
) -> list[Share]:
    """What is sent with a referral must have a basis for the receiver, as the policy decides."""
    if not record_ids:
        return []
    assert referral.to_agency_id is not None
    records = []
    for i, record_id in enumerate(record_ids):
        rec = await session.get(Record, record_id)
        if (
            rec is None
            or rec.holder_agency_id != referral.from_agency_id
            or rec.subject_person_id not in people
        ):
            raise NotFound("record", field=f"body:/record_ids/{i}")
        records.append(rec)
    # Sent, the referral gives the receiver an interest in its subjects (rule 2).
    verdicts = await decide_for(
        session, referral.to_agency_id, referral.purpose, records, interest_in=people
    )
    for i, verdict in enumerate(verdicts):
        if not verdict.permit:
            reason = verdict.reason.value if verdict.reason else "no basis"
            raise Invalid(
                f"The receiver may not be sent this record ({reason}).",
                field=f"body:/record_ids/{i}",
            )
    return [
        new_row(
            Share,
            referral_id=referral.id,
            holder_agency_id=referral.from_agency_id,
            recipient_agency_id=referral.to_agency_id,
            record_id=rec.id,
            subject_person_id=rec.subject_person_id,
            purpose=referral.purpose,
            why=referral.reason,
            action_expected=referral.action_expected,
            shared_by=principal.practitioner_id,
        )
        for rec in records
    ]


async def _receives(session: AsyncSession, principal: Principal, r: Referral) -> bool:
    """The receiving agency, or for a group, its current members."""
    agency_id = agency_of(principal)
    if r.to_agency_id is not None:
        return r.to_agency_id == agency_id
    groups = (await memberships_now(session, utcnow())).get(agency_id, frozenset())
    return r.to_group_id in groups


async def visible_referral(
    session: AsyncSession, principal: Principal, referral_id: uuid.UUID
) -> Referral:
    r = await session.get(Referral, referral_id)
    if r is not None and (
        r.from_agency_id == agency_of(principal) or await _receives(session, principal, r)
    ):
        return r
    raise NotFound(
        "referral", audit_refusal=RefusalAudit(principal, "referral.read", "referral", referral_id)
    )


async def list_referrals(
    session: AsyncSession, principal: Principal, box: str, page: Pagination
) -> list[Referral]:
    agency_id = agency_of(principal)
    stmt = select(Referral)
    if box == "sent":
        stmt = stmt.where(Referral.from_agency_id == agency_id)
    else:
        groups = (await memberships_now(session, utcnow())).get(agency_id, frozenset())
        stmt = stmt.where(
            (col(Referral.to_agency_id) == agency_id) | col(Referral.to_group_id).in_(groups)
        )
    stmt = keyset(stmt, Referral.id, page, page.after_uuid())
    return list((await session.execute(stmt)).scalars())


async def _answerable(session: AsyncSession, principal: Principal, r: Referral) -> None:
    if r.to_group_id is not None:
        group = await session.get(AgencyGroup, r.to_group_id)
        assert group is not None
        if agency_of(principal) != group.chair_agency_id:
            raise Forbidden("The group's chairing agency answers referrals to the group.")
    elif not await _receives(session, principal, r):
        raise Forbidden("Only the receiving agency answers a referral.")
    if r.status != ReferralStatus.sent:
        raise Conflict(f"The referral is {r.status}.", current_state=r.status)


async def _transition(
    session: AsyncSession,
    principal: Principal,
    r: Referral,
    changes: dict[str, Any],
    if_match: str | None,
    action: str,
    subjects: list[uuid.UUID] | None = None,
) -> Referral:
    r = await update_versioned(session, r, changes, if_match)
    if subjects is None:
        subjects = await _subjects(session, r.id)
    entries = [audit.AuditItem(action, "referral", r.id, p) for p in subjects]
    await audit.append_many(session, principal, entries)
    return r


async def accept(
    session: AsyncSession, principal: Principal, referral_id: uuid.UUID, if_match: str | None
) -> Referral:
    r = await visible_referral(session, principal, referral_id)
    await _answerable(session, principal, r)
    subjects = await _subjects(session, r.id)
    if r.to_agency_id is not None:
        for person_id in subjects:
            session.add(
                Involvement(
                    agency_id=r.to_agency_id,
                    person_id=person_id,
                    service_id=r.to_service_id,
                    practitioner_id=principal.practitioner_id,
                    source=InvolvementSource.referral,
                    reason=f"Accepted referral: {r.reason}"[:2000],
                )
            )
    changes = {
        "status": ReferralStatus.accepted.value,
        "answered_at": utcnow(),
        "answered_by": principal.practitioner_id,
    }
    return await _transition(session, principal, r, changes, if_match, "referral.accept", subjects)


async def decline(
    session: AsyncSession,
    principal: Principal,
    referral_id: uuid.UUID,
    data: ReferralDecline,
    if_match: str | None,
) -> Referral:
    r = await visible_referral(session, principal, referral_id)
    await _answerable(session, principal, r)
    changes = {
        "status": ReferralStatus.declined.value,
        "answered_at": utcnow(),
        "answered_by": principal.practitioner_id,
        "decline_reason": data.reason,
    }
    return await _transition(session, principal, r, changes, if_match, "referral.decline")


async def withdraw(
    session: AsyncSession, principal: Principal, referral_id: uuid.UUID, if_match: str | None
) -> Referral:
    r = await visible_referral(session, principal, referral_id)
    if r.from_agency_id != agency_of(principal):
        raise Forbidden("Only the referring agency withdraws its referral.")
    if r.status != ReferralStatus.sent:
        raise Conflict(f"The referral is {r.status}.", current_state=r.status)
    changes = {"status": ReferralStatus.withdrawn.value}
    return await _transition(session, principal, r, changes, if_match, "referral.withdraw")


async def acknowledge(
    session: AsyncSession, principal: Principal, referral_id: uuid.UUID, if_match: str | None
) -> Referral:
    r = await visible_referral(session, principal, referral_id)
    if not await _receives(session, principal, r):
        raise Forbidden("Only the receiver acknowledges a referral.")
    if r.acknowledged_at is not None:
        raise Conflict("Already acknowledged.", current_state="acknowledged")
    changes = {"acknowledged_at": utcnow(), "acknowledged_by": principal.practitioner_id}
    return await _transition(session, principal, r, changes, if_match, "referral.acknowledge")
