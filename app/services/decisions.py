"""Sharing decisions: a holder shares without consent, or decides not to share, with reasons."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.db import utcnow
from app.errors import Conflict, Invalid, NotFound
from app.models.identity import Practitioner
from app.models.requests import Share
from app.models.sharing import (
    DecisionEnd,
    DecisionKind,
    Record,
    SharingDecision,
    SharingDecisionCreate,
    SharingDecisionPublic,
)
from app.pagination import Pagination, keyset
from app.policy import SPECIAL_CATEGORIES, Category
from app.principal import Principal
from app.services import audit
from app.services.audit import RefusalAudit
from app.services.consents import ensure_agencies, ensure_groups
from app.services.people import agency_of, own_profile
from app.services.versioning import update_versioned

WHY_MAX = 2000  # Share.why


async def to_public(session: AsyncSession, d: SharingDecision) -> SharingDecisionPublic:
    shares = await session.execute(
        select(col(Share.id)).where(Share.decision_id == d.id).order_by(col(Share.id))
    )
    public = SharingDecisionPublic.model_validate(d)
    public.share_ids = list(shares.scalars())
    return public


async def _named_practitioners(
    session: AsyncSession, data: SharingDecisionCreate
) -> list[Practitioner]:
    """Each named practitioner works for one of the recipient agencies, and is active."""
    named = []
    for i, practitioner_id in enumerate(data.recipient_practitioners):
        p = await session.get(Practitioner, practitioner_id)
        if p is None or not p.active or p.agency_id not in data.recipients:
            raise NotFound("practitioner", field=f"body:/recipient_practitioners/{i}")
        named.append(p)
    return named


async def record_decision(
    session: AsyncSession,
    principal: Principal,
    data: SharingDecisionCreate,
    information_request_id: uuid.UUID | None = None,
    ends_with_request: bool = False,
) -> SharingDecision:
    agency_id = agency_of(principal)
    now = utcnow()
    await own_profile(session, principal, data.subject_person_id, action="decision.create")
    if data.expires_at is not None and data.expires_at <= now:
        raise Invalid("expires_at is in the past.", field="body:/expires_at")
    decided_by = data.decided_by or principal.practitioner_id
    practitioner = await session.get(Practitioner, decided_by) if decided_by else None
    if practitioner is None or practitioner.agency_id != agency_id:
        raise NotFound("practitioner", field="body:/decided_by")
    records: list[Record] = []
    for i, record_id in enumerate(data.record_ids):
        rec = await session.get(Record, record_id)
        if (
            rec is None
            or rec.holder_agency_id != agency_id
            or rec.subject_person_id != data.subject_person_id
        ):
            raise NotFound("record", field=f"body:/record_ids/{i}")
        records.append(rec)
    await ensure_agencies(session, data.recipients, "body:/recipients")
    await ensure_groups(session, data.recipient_groups, "body:/recipient_groups")
    named = await _named_practitioners(session, data)
    categories = set(data.categories) or set(Category)
    if (
        data.kind == DecisionKind.share
        and categories & SPECIAL_CATEGORIES
        and data.article9_condition is None
    ):
        raise Invalid(
            "Sharing special category information needs an Article 9 condition "
            "(name the categories if none is special).",
            field="body:/article9_condition",
        )
    decision = SharingDecision(
        kind=data.kind.value,
        holder_agency_id=agency_id,
        subject_person_id=data.subject_person_id,
        recipients=[str(r) for r in data.recipients],
        recipient_groups=[str(g) for g in data.recipient_groups],
        purposes=[p.value for p in data.purposes],
        categories=[c.value for c in data.categories],
        record_ids=[str(r) for r in data.record_ids],
        legal_basis=data.legal_basis.value if data.legal_basis else None,
        reasons=data.reasons,
        consent_sought=data.consent_sought,
        consent_not_sought_reason=data.consent_not_sought_reason,
        subject_told=data.subject_told,
        not_told_reason=data.not_told_reason,
        decided_by=practitioner.id,
        consulted=data.consulted,
        decided_at=now,
        expires_at=data.expires_at,
        article6_basis=data.article6_basis.value,
        article9_condition=data.article9_condition.value if data.article9_condition else None,
        information_request_id=information_request_id,
        ends_with_request=ends_with_request,
        recipient_practitioners=[str(p.id) for p in named],
    )
    session.add(decision)
    await session.flush()
    if named and information_request_id is None:
        # (An answer to an information request makes its own share for the practitioner.)
        await _address_shares(session, principal, decision, data, records, named)
    detail: dict[str, object] = {"legal_basis": decision.legal_basis, "purposes": decision.purposes}
    if named:
        detail["recipient_practitioners"] = decision.recipient_practitioners
    await audit.append(
        session,
        principal,
        action=f"decision.{data.kind.value}",
        object_type="sharing_decision",
        object_id=decision.id,
        subject_person_id=decision.subject_person_id,
        detail=detail,
    )
    return decision


async def _address_shares(
    session: AsyncSession,
    principal: Principal,
    decision: SharingDecision,
    data: SharingDecisionCreate,
    records: list[Record],
    named: list[Practitioner],
) -> None:
    """A share per named record for each named practitioner: their inbox, their acknowledgement;
    its content is read through the policy when opened, and logged as a disclosure then.

    The recipients' interest in the person is not checked here: the answer would tell the holder
    whether another agency (perhaps a sensitive service) knows the person. Without interest the
    share's record stays withheld when it is opened."""
    purpose = data.purposes[0].value
    assert data.action_expected is not None  # the schema requires it with named practitioners
    why = data.reasons if len(data.reasons) <= WHY_MAX else data.reasons[: WHY_MAX - 1] + "…"
    session.add_all(
        Share(
            holder_agency_id=decision.holder_agency_id,
            recipient_agency_id=p.agency_id,
            for_practitioner_id=p.id,
            record_id=rec.id,
            subject_person_id=rec.subject_person_id,
            purpose=purpose,
            why=why,
            action_expected=data.action_expected,
            decision_id=decision.id,
            shared_by=principal.practitioner_id,
        )
        for p in named
        for rec in records
    )
    await session.flush()


async def get_decision(
    session: AsyncSession, principal: Principal, decision_id: uuid.UUID
) -> SharingDecision:
    decision = await session.get(SharingDecision, decision_id)
    if decision is None or decision.holder_agency_id != agency_of(principal):
        raise NotFound(
            "sharing decision",
            audit_refusal=RefusalAudit(principal, "decision.read", "sharing_decision", decision_id),
        )
    return decision


async def end_decision(
    session: AsyncSession,
    principal: Principal,
    decision_id: uuid.UUID,
    data: DecisionEnd,
    if_match: str | None,
) -> SharingDecision:
    decision = await get_decision(session, principal, decision_id)
    if decision.ended_at is not None:
        raise Conflict("This decision has already ended.", current_state="ended")
    decision = await update_versioned(
        session, decision, {"ended_at": utcnow(), "end_reason": data.reason}, if_match
    )
    await audit.append(
        session,
        principal,
        action="decision.end",
        object_type="sharing_decision",
        object_id=decision.id,
        subject_person_id=decision.subject_person_id,
    )
    return decision


async def list_decisions(
    session: AsyncSession, principal: Principal, person_id: uuid.UUID, page: Pagination
) -> list[SharingDecision]:
    await own_profile(session, principal, person_id)
    stmt = select(SharingDecision).where(
        SharingDecision.holder_agency_id == agency_of(principal),
        col(SharingDecision.subject_person_id) == person_id,
    )
    stmt = keyset(stmt, SharingDecision.id, page, page.after_uuid())
    return list((await session.execute(stmt)).scalars())
