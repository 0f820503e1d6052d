"""Early help assessments (CAF): proposed -> consent_sought -> consent_refused | in_progress ->
completed -> closed. Illegal transitions are 409, naming the current state."""

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.context import request_id_var
from app.db import utcnow
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.models.casework import (
    CAF_TRANSITIONS,
    CafCreate,
    CafStatus,
    CafTransition,
    EarlyHelpAssessment,
)
from app.models.sharing import (
    Article6Basis,
    ConsentStatement,
    Disclosure,
    Record,
    SharingDecision,
)
from app.policy import BasisKind, Category, Decision, Level, Purpose
from app.principal import Principal
from app.services import audit
from app.services.audit import RefusalAudit
from app.services.people import agency_of, own_profile
from app.services.sharing import decide_for
from app.services.versioning import update_versioned

# What a CAF is to the sharing policy: the holding agency's assessment of the child's needs,
# given in confidence, read by another agency for an early help assessment. Social care, not
# family circumstances: it assesses the child's development, parenting capacity and family
# together, as a child in need assessment does; not special (no health detail is required).
CAF_CATEGORY = Category.social_care
CAF_LEVEL = Level.confidential
CAF_PURPOSE = Purpose.early_help_assessment
CAF_ENDPOINT = "early_help_assessment"


async def propose(
    session: AsyncSession, principal: Principal, data: CafCreate
) -> EarlyHelpAssessment:
    await own_profile(session, principal, data.child_id, action="caf.create")
    caf = EarlyHelpAssessment(
        child_id=data.child_id,
        holder_agency_id=agency_of(principal),
        practitioner_id=principal.practitioner_id,
        note=data.note,
    )
    session.add(caf)
    await session.flush()
    await audit.append(
        session,
        principal,
        action="caf.propose",
        object_type="early_help_assessment",
        object_id=caf.id,
        subject_person_id=caf.child_id,
    )
    return caf


def as_record(caf: EarlyHelpAssessment) -> Record:
    """The CAF as the policy judges it (never stored as a record): a confidential social care
    record the holding agency holds about the child."""
    return Record(
        id=caf.id,
        holder_agency_id=caf.holder_agency_id,
        subject_person_id=caf.child_id,
        category=CAF_CATEGORY.value,
        level_entered=CAF_LEVEL.value,
        level=CAF_LEVEL.value,
        summary="early help assessment",
        occurred_on=caf.created_at.date(),
    )


async def _verdict(
    session: AsyncSession, agency_id: uuid.UUID, caf: EarlyHelpAssessment
) -> Decision:
    [verdict] = await decide_for(session, agency_id, CAF_PURPOSE.value, [as_record(caf)])
    return verdict


def _refused(
    principal: Principal,
    caf_id: uuid.UUID,
    caf: EarlyHelpAssessment | None,
    reason: str,
    action: str = "caf.read",
) -> NotFound:
    return NotFound(
        "early help assessment",
        audit_refusal=RefusalAudit(
            principal,
            action,
            "early_help_assessment",
            caf_id,
            subject_person_id=caf.child_id if caf is not None else None,
            detail={"purpose": CAF_PURPOSE.value, "reason": reason},
        ),
    )


async def get(
    session: AsyncSession, principal: Principal, caf_id: uuid.UUID
) -> EarlyHelpAssessment:
    """The assessment, for its holder; for another agency only if the policy lets it read the
    holder's information about the child for an early help assessment, logged as a disclosure.
    Otherwise 404 (audited)."""
    caf = await session.get(EarlyHelpAssessment, caf_id)
    agency_id = agency_of(principal)
    if caf is not None and caf.holder_agency_id == agency_id:
        return caf
    if caf is None:
        raise _refused(principal, caf_id, None, "not_found")
    verdict = await _verdict(session, agency_id, caf)
    if not verdict.permit:
        reason = verdict.reason.value if verdict.reason is not None else "withheld"
        raise _refused(principal, caf_id, caf, reason)
    await _log_disclosure(session, principal, caf, verdict)
    return caf


async def _lawful_basis(session: AsyncSession, verdict: Decision) -> str:
    """The Article 6 basis recorded with the consent or decision the disclosure rests on."""
    if verdict.basis_id is not None and verdict.basis == BasisKind.consent:
        consent = await session.get(ConsentStatement, verdict.basis_id)
        if consent is not None:
            return consent.article6_basis
    if verdict.basis_id is not None and verdict.basis == BasisKind.decision:
        decision = await session.get(SharingDecision, verdict.basis_id)
        if decision is not None:
            return decision.article6_basis
    return Article6Basis.public_task.value


async def _log_disclosure(
    session: AsyncSession, principal: Principal, caf: EarlyHelpAssessment, verdict: Decision
) -> None:
    """Rule 8, as every cross-agency read: one disclosure row and one audit entry."""
    now: datetime = utcnow()
    session.add(
        Disclosure(
            request_id=request_id_var.get(),
            disclosed_at=now,
            holder_agency_id=caf.holder_agency_id,
            recipient_agency_id=agency_of(principal),
            recipient_practitioner_id=principal.practitioner_id,
            recipient_client_id=principal.client_id,
            record_id=caf.id,  # the assessment's id: the disclosure log names what went
            subject_person_id=caf.child_id,
            purpose=CAF_PURPOSE.value,
            basis=verdict.basis.value if verdict.basis else "unknown",
            basis_id=verdict.basis_id,
            article6_basis=await _lawful_basis(session, verdict),
            article9_condition=None,  # not special category data
            endpoint=CAF_ENDPOINT,
            policy_version=verdict.policy_version,
        )
    )
    await session.flush()
    await audit.append(
        session,
        principal,
        action="caf.read",
        object_type="early_help_assessment",
        object_id=caf.id,
        subject_person_id=caf.child_id,
        detail={
            "purpose": CAF_PURPOSE.value,
            "disclosed": 1,
            "withheld": 0,
            "basis": verdict.basis.value if verdict.basis else None,
            "policy_version": verdict.policy_version,
        },
    )


async def get_held(
    session: AsyncSession, principal: Principal, caf_id: uuid.UUID
) -> EarlyHelpAssessment:
    """The assessment, for its holder only: another agency that may read it gets 403, any other
    404 (404 before 403)."""
    caf = await session.get(EarlyHelpAssessment, caf_id)
    agency_id = agency_of(principal)
    if caf is not None and caf.holder_agency_id == agency_id:
        return caf
    if caf is not None and (await _verdict(session, agency_id, caf)).permit:
        raise Forbidden("Only the agency that holds the assessment moves it on.")
    raise _refused(principal, caf_id, caf, "not_holder", action="caf.transition")


async def transition(
    session: AsyncSession,
    principal: Principal,
    caf_id: uuid.UUID,
    data: CafTransition,
    if_match: str | None,
) -> EarlyHelpAssessment:
    caf = await get_held(session, principal, caf_id)
    current = CafStatus(caf.status)
    if data.to not in CAF_TRANSITIONS[current]:
        allowed = ", ".join(sorted(s.value for s in CAF_TRANSITIONS[current])) or "none"
        raise Conflict(
            f"An assessment that is {current.value} cannot become {data.to.value} "
            f"(allowed: {allowed}).",
            current_state=current.value,
        )
    changes: dict[str, object] = {"status": data.to.value}
    if data.note is not None:
        changes["note"] = data.note
    if data.strengths is not None:
        changes["strengths"] = data.strengths
    if data.needs is not None:
        changes["needs"] = data.needs
    if data.to == CafStatus.completed:
        if not (data.strengths or caf.strengths) or not (data.needs or caf.needs):
            raise Invalid(
                "A completed assessment records strengths and needs.", field="body:/needs"
            )
        if not data.completed_with:
            raise Invalid("Say who took part (completed_with).", field="body:/completed_with")
        changes["completed_with"] = data.completed_with
        changes["completed_at"] = utcnow()
    caf = await update_versioned(session, caf, changes, if_match)
    await audit.append(
        session,
        principal,
        action=f"caf.{data.to.value}",
        object_type="early_help_assessment",
        object_id=caf.id,
        subject_person_id=caf.child_id,
        detail={"from": current.value},
    )
    return caf
