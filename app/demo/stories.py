"""Steps of the stories played through the services, so the demo shows the sharing rules at work.

Case 3 (Jenny and Jack) to the health visitor's decision not to share. The casework issue plays
all ten stories to their end state.
"""

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from app.models.sharing import (
    ConsentCreate,
    ConsentDecision,
    ConsentForm,
    DecisionKind,
    RecordCreate,
    SharingDecisionCreate,
)
from app.policy import Category, Level, Purpose
from app.principal import Principal
from app.services import consents, decisions, records


async def case_3(
    session: AsyncSession,
    actors: dict[str, Principal],
    people: dict[str, uuid.UUID],
    agencies: dict[str, uuid.UUID],
) -> None:
    hv, teacher = actors["c3_health_visitor"], actors["c3_jack_teacher"]
    lisa, jack = people["c3_lisa"], people["c3_jack"]
    school = agencies["oakfield_primary"]
    await records.create_record(
        session,
        teacher,
        RecordCreate(
            subject_person_id=jack,
            category=Category.education,
            level=Level.non_confidential,
            summary="Often late and last to be collected; hungry; falls asleep in class",
            occurred_on=date(2026, 10, 6),
        ),
    )
    await records.create_record(
        session,
        hv,
        RecordCreate(
            subject_person_id=lisa,
            category=Category.family_circumstances,
            level=Level.non_confidential,
            summary="Three children under six; the family has had some difficulties",
            occurred_on=date(2026, 9, 15),
        ),
    )
    await records.create_record(
        session,
        hv,
        RecordCreate(
            subject_person_id=lisa,
            category=Category.mental_health,
            level=Level.confidential,
            summary="Low mood since the birth of her youngest; accepting support",
            occurred_on=date(2026, 9, 15),
        ),
    )
    purpose = Purpose.early_help_assessment
    await consents.record_consent(
        session,
        hv,
        ConsentCreate(
            decision=ConsentDecision.refused,
            subjects=[lisa],
            given_by=[lisa],
            form=ConsentForm.verbal,
            recipients=[school],
            purposes=[purpose],
            notes="Lisa does not want her health discussed with the school.",
        ),
    )
    await decisions.record_decision(
        session,
        hv,
        SharingDecisionCreate(
            kind=DecisionKind.not_share,
            subject_person_id=lisa,
            recipients=[school],
            purposes=[purpose],
            categories=[Category.mental_health],
            reasons=(
                "The benefit to the children would be small; Lisa accepts services out of "
                "school, which should help."
            ),
            consent_sought=True,
            subject_told=True,
            consulted=["School nurse", "School child protection lead"],
        ),
    )
