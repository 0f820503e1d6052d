"""Early help assessments (CAF): proposed -> consent_sought -> consent_refused | in_progress ->
completed -> closed. Illegal transitions are 409, naming the current state."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.errors import Conflict, Invalid, NotFound
from app.models.casework import (
    CAF_TRANSITIONS,
    CafCreate,
    CafStatus,
    CafTransition,
    EarlyHelpAssessment,
)
from app.principal import Principal
from app.services import audit
from app.services.audit import RefusalAudit
from app.services.people import agency_of, own_profile
from app.services.versioning import update_versioned


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


async def get(
    session: AsyncSession, principal: Principal, caf_id: uuid.UUID
) -> EarlyHelpAssessment:
    caf = await session.get(EarlyHelpAssessment, caf_id)
    if caf is None or caf.holder_agency_id != agency_of(principal):
        raise NotFound(
            "early help assessment",
            audit_refusal=RefusalAudit(principal, "caf.read", "early_help_assessment", caf_id),
        )
    return caf


async def transition(
    session: AsyncSession,
    principal: Principal,
    caf_id: uuid.UUID,
    data: CafTransition,
    if_match: str | None,
) -> EarlyHelpAssessment:
    caf = await get(session, principal, caf_id)
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
