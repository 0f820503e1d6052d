"""Information requests and the shares that answer them."""

import uuid
from datetime import date

from sqlalchemy import or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.db import utcnow
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.models.identity import Practitioner
from app.models.person import PersonProfile
from app.models.requests import (
    InformationRequest,
    InformationRequestCreate,
    InformationRequestPublic,
    InformationRequestTarget,
    RequestAnswer,
    RequestStatus,
    Share,
    SharePublic,
    TargetPublic,
    TargetStatus,
)
from app.models.sharing import DecisionKind, Record, SharingDecision, SharingDecisionCreate
from app.pagination import Pagination, keyset
from app.policy import Purpose
from app.principal import Principal
from app.services import audit, reads
from app.services.audit import RefusalAudit
from app.services.consents import ensure_agencies
from app.services.decisions import record_decision
from app.services.people import agency_of, own_profile
from app.services.sharing import decide_for, read_records
from app.services.versioning import update_versioned


async def _targets(session: AsyncSession, request_id: uuid.UUID) -> list[InformationRequestTarget]:
    rows = await session.execute(
        select(InformationRequestTarget)
        .where(InformationRequestTarget.request_id == request_id)
        .order_by(col(InformationRequestTarget.id))
    )
    return list(rows.scalars())


async def to_public(
    session: AsyncSession, req: InformationRequest, viewer: Principal
) -> InformationRequestPublic:
    targets = await _targets(session, req.id)
    pending = any(t.status == TargetStatus.pending for t in targets)

    def shown(t: InformationRequestTarget) -> TargetPublic:
        public = TargetPublic.model_validate(t)
        if t.holder_agency_id != viewer.agency_id:
            # Whether a decline came with a recorded decision would tell that the holder knows
            # the person: that stays with the holder.
            public.decision_id = None
        return public

    return InformationRequestPublic.model_validate(
        {
            **req.model_dump(),
            "overdue": req.status == RequestStatus.open and pending and req.due_by < date.today(),
            "targets": [shown(t) for t in targets],
        }
    )


async def create_request(
    session: AsyncSession, principal: Principal, data: InformationRequestCreate
) -> InformationRequest:
    agency_id = agency_of(principal)
    await own_profile(session, principal, data.subject_person_id, action="request.create")
    if agency_id in data.holders:
        raise Invalid("Ask other agencies; you hold your own records.", field="body:/holders")
    await ensure_agencies(session, data.holders, "body:/holders")
    req = InformationRequest(
        requester_agency_id=agency_id,
        requester_practitioner_id=principal.practitioner_id,
        subject_person_id=data.subject_person_id,
        purpose=data.purpose.value,
        needed=data.needed,
        categories=[c.value for c in data.categories],
        due_by=data.due_by,
    )
    session.add(req)
    await session.flush()
    session.add_all(
        InformationRequestTarget(request_id=req.id, holder_agency_id=h) for h in data.holders
    )
    await session.flush()
    await audit.append(
        session,
        principal,
        action="request.create",
        object_type="information_request",
        object_id=req.id,
        subject_person_id=req.subject_person_id,
        detail={"purpose": req.purpose, "holders": [str(h) for h in data.holders]},
    )
    return req


async def visible_request(
    session: AsyncSession, principal: Principal, request_id: uuid.UUID
) -> InformationRequest:
    req = await session.get(InformationRequest, request_id)
    agency_id = agency_of(principal)
    if req is not None and (
        req.requester_agency_id == agency_id
        or any(t.holder_agency_id == agency_id for t in await _targets(session, req.id))
    ):
        return req
    raise NotFound(
        "information request",
        audit_refusal=RefusalAudit(principal, "request.read", "information_request", request_id),
    )


async def list_requests(
    session: AsyncSession, principal: Principal, box: str, page: Pagination
) -> list[InformationRequest]:
    agency_id = agency_of(principal)
    stmt = select(InformationRequest)
    if box == "sent":
        stmt = stmt.where(InformationRequest.requester_agency_id == agency_id)
    else:
        to_me = select(col(InformationRequestTarget.request_id)).where(
            InformationRequestTarget.holder_agency_id == agency_id
        )
        stmt = stmt.where(col(InformationRequest.id).in_(to_me))
    stmt = keyset(stmt, InformationRequest.id, page, page.after_uuid())
    return list((await session.execute(stmt)).scalars())


async def answer(
    session: AsyncSession, principal: Principal, request_id: uuid.UUID, data: RequestAnswer
) -> InformationRequest:
    req = await visible_request(session, principal, request_id)
    agency_id = agency_of(principal)
    targets = await _targets(session, req.id)
    target = next((t for t in targets if t.holder_agency_id == agency_id), None)
    if target is None:
        raise Forbidden("Only an agency the request was sent to can answer it.")
    if req.status == RequestStatus.closed:
        raise Conflict("The request is closed.", current_state=req.status)
    if target.status != TargetStatus.pending:
        raise Conflict("Your agency has already answered.", current_state=target.status)
    knows_subject = (
        await session.execute(
            select(PersonProfile.id).where(
                PersonProfile.person_id == req.subject_person_id,
                PersonProfile.agency_id == agency_id,
            )
        )
    ).first() is not None
    decision: SharingDecision | None = None
    if data.decline is not None:
        if knows_subject:
            d = data.decline
            decision = await record_decision(
                session,
                principal,
                SharingDecisionCreate(
                    kind=DecisionKind.not_share,
                    subject_person_id=req.subject_person_id,
                    recipients=[req.requester_agency_id],
                    purposes=[Purpose(req.purpose)],
                    categories=req.categories,  # type: ignore[arg-type]
                    reasons=d.reasons,
                    consent_sought=d.consent_sought,
                    consent_not_sought_reason=d.consent_not_sought_reason,
                    subject_told=d.subject_told,
                    not_told_reason=d.not_told_reason,
                ),
                information_request_id=req.id,
                ends_with_request=not d.outlasts_request,
            )
        target.status = TargetStatus.declined
    else:
        assert data.share is not None
        if not knows_subject:
            raise NotFound("person", field="body:/share/record_ids")
        decision = await _share(session, principal, req, data)
        target.status = TargetStatus.answered
    target.answered_at = utcnow()
    target.answered_by = principal.practitioner_id
    target.decision_id = decision.id if decision else None
    target.note = data.note
    if all(t.status != TargetStatus.pending for t in targets):
        req.status = RequestStatus.answered
    await session.flush()
    await audit.append(
        session,
        principal,
        action=f"request.{target.status}",
        object_type="information_request",
        object_id=req.id,
        subject_person_id=req.subject_person_id,
    )
    return req


async def _share(
    session: AsyncSession, principal: Principal, req: InformationRequest, data: RequestAnswer
) -> SharingDecision | None:
    assert data.share is not None
    share = data.share
    agency_id = agency_of(principal)
    records: list[Record] = []
    for i, record_id in enumerate(share.record_ids):
        rec = await session.get(Record, record_id)
        if (
            rec is None
            or rec.holder_agency_id != agency_id
            or rec.subject_person_id != req.subject_person_id
        ):
            raise NotFound("record", field=f"body:/share/record_ids/{i}")
        records.append(rec)
    if share.for_practitioner_id is not None:
        for_whom = await session.get(Practitioner, share.for_practitioner_id)
        if for_whom is None or not for_whom.active or for_whom.agency_id != req.requester_agency_id:
            raise NotFound("practitioner", field="body:/share/for_practitioner_id")
    decision = None
    if share.without_consent is not None:
        w = share.without_consent
        decision = await record_decision(
            session,
            principal,
            SharingDecisionCreate(
                kind=DecisionKind.share,
                subject_person_id=req.subject_person_id,
                recipients=[req.requester_agency_id],
                purposes=[Purpose(req.purpose)],
                record_ids=share.record_ids,
                legal_basis=w.legal_basis,
                reasons=w.reasons,
                consent_sought=w.consent_sought,
                consent_not_sought_reason=w.consent_not_sought_reason,
                subject_told=w.subject_told,
                not_told_reason=w.not_told_reason,
                consulted=w.consulted,
                article6_basis=w.article6_basis,
                article9_condition=w.article9_condition,
                # The decision records whom it was for; the share below is addressed to them.
                recipient_practitioners=(
                    [share.for_practitioner_id] if share.for_practitioner_id else []
                ),
                action_expected=share.action_expected,
            ),
            information_request_id=req.id,
        )
    verdicts = await decide_for(session, req.requester_agency_id, req.purpose, records)
    for i, verdict in enumerate(verdicts):
        if not verdict.permit:
            reason = verdict.reason.value if verdict.reason else "no basis"
            raise Invalid(
                f"The requester may not receive this record ({reason}): record a consent, or share "
                "without consent with a legal basis.",
                field=f"body:/share/record_ids/{i}",
            )
    session.add_all(
        Share(
            request_id=req.id,
            holder_agency_id=agency_id,
            recipient_agency_id=req.requester_agency_id,
            for_practitioner_id=share.for_practitioner_id,
            record_id=rec.id,
            subject_person_id=rec.subject_person_id,
            purpose=req.purpose,
            why=share.why,
            action_expected=share.action_expected,
            decision_id=decision.id if decision else None,
            shared_by=principal.practitioner_id,
        )
        for rec in records
    )
    return decision


async def close_request(
    session: AsyncSession, principal: Principal, request_id: uuid.UUID, if_match: str | None
) -> InformationRequest:
    req = await visible_request(session, principal, request_id)
    if req.requester_agency_id != agency_of(principal):
        raise Forbidden("Only the requesting agency closes its request.")
    if req.status == RequestStatus.closed:
        raise Conflict("The request is already closed.", current_state=req.status)
    now = utcnow()
    req = await update_versioned(
        session, req, {"status": RequestStatus.closed.value, "closed_at": now}, if_match
    )
    # Declines end with the request unless the holder said otherwise.
    declines = await session.execute(
        select(SharingDecision).where(
            SharingDecision.information_request_id == req.id,
            SharingDecision.kind == DecisionKind.not_share.value,
            col(SharingDecision.ends_with_request).is_(True),
            col(SharingDecision.ended_at).is_(None),
        )
    )
    for d in declines.scalars():
        d.ended_at = now
        d.end_reason = "The information request was closed."
        d.version += 1
    await session.flush()
    await audit.append(
        session,
        principal,
        action="request.close",
        object_type="information_request",
        object_id=req.id,
        subject_person_id=req.subject_person_id,
    )
    return req


async def list_shares(
    session: AsyncSession, principal: Principal, page: Pagination, for_me: bool
) -> list[Share]:
    stmt = select(Share).where(Share.recipient_agency_id == agency_of(principal))
    if for_me:
        stmt = stmt.where(Share.for_practitioner_id == principal.practitioner_id)
    else:
        # A share addressed to a named practitioner, and its reasons, are theirs alone.
        stmt = stmt.where(
            or_(
                col(Share.for_practitioner_id).is_(None),
                col(Share.for_practitioner_id) == principal.practitioner_id,
            )
        )
    stmt = keyset(stmt, Share.id, page, page.after_uuid())
    return list((await session.execute(stmt)).scalars())


async def visible_share(session: AsyncSession, principal: Principal, share_id: uuid.UUID) -> Share:
    share = await session.get(Share, share_id)
    agency_id = agency_of(principal)
    addressed_elsewhere = (
        share is not None
        and agency_id == share.recipient_agency_id != share.holder_agency_id
        and share.for_practitioner_id not in (None, principal.practitioner_id)
    )
    if (
        share is None
        or agency_id not in (share.recipient_agency_id, share.holder_agency_id)
        or addressed_elsewhere
    ):
        raise NotFound(
            "share", audit_refusal=RefusalAudit(principal, "share.read", "share", share_id)
        )
    return share


async def share_public(session: AsyncSession, principal: Principal, share: Share) -> SharePublic:
    """The share with its record, read through the policy now (and logged if disclosed)."""
    public = SharePublic.model_validate(share)
    try:
        result = await read_records(
            session,
            principal,
            context_person_id=share.subject_person_id,
            subject_ids=[share.subject_person_id],
            purpose=share.purpose,
            endpoint="share",
            record_ids=[share.record_id],
        )
    except NotFound:
        public.withheld_reason = "no_legitimate_interest"
        return public
    if result.visible:
        public.record = reads.to_public(result.visible[0], share.purpose)
    else:
        public.withheld_reason = next(iter(result.withheld), "withheld")
    return public


async def acknowledge(
    session: AsyncSession, principal: Principal, share_id: uuid.UUID, if_match: str | None
) -> Share:
    share = await visible_share(session, principal, share_id)
    if share.recipient_agency_id != agency_of(principal):
        raise Forbidden("Only the receiving agency acknowledges a share.")
    if share.for_practitioner_id not in (None, principal.practitioner_id):
        raise Forbidden("This share is for a named practitioner; only they acknowledge it.")
    if share.acknowledged_at is not None:
        raise Conflict("Already acknowledged.", current_state="acknowledged")
    share = await update_versioned(
        session,
        share,
        {"acknowledged_at": utcnow(), "acknowledged_by": principal.practitioner_id},
        if_match,
    )
    await audit.append(
        session,
        principal,
        action="share.acknowledge",
        object_type="share",
        object_id=share.id,
        subject_person_id=share.subject_person_id,
    )
    return share
