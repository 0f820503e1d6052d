"""Case conferences: agenda, attendance, contributions and decisions, and per-agency packs."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.db import utcnow
from app.errors import Invalid, NotFound
from app.models.conferences import (
    Conference,
    ConferenceAgency,
    ConferenceCreate,
    ConferenceNote,
    ConferenceNoteIn,
    ConferenceNotePublic,
    ConferencePack,
    ConferencePublic,
    ConferenceSubject,
    PackEntry,
)
from app.models.identity import Practitioner
from app.models.person import FamilyMember
from app.models.sharing import GroupAgendaEntry
from app.policy import Purpose
from app.principal import Principal
from app.services import audit, reads
from app.services.audit import RefusalAudit
from app.services.consents import ensure_agencies
from app.services.families import get_family
from app.services.groups import ensure_member, get_group
from app.services.people import agency_of, own_profile


async def create_conference(
    session: AsyncSession, principal: Principal, data: ConferenceCreate
) -> Conference:
    agency_id = agency_of(principal)
    chair = await session.get(Practitioner, data.chair_practitioner_id)
    if chair is None or not chair.active:
        raise NotFound("practitioner", field="body:/chair_practitioner_id")
    attending = list(dict.fromkeys([agency_id, *data.attending_agency_ids]))
    await ensure_agencies(session, attending, "body:/attending_agency_ids")
    if chair.agency_id not in attending:
        raise Invalid("The chair's agency must attend.", field="body:/chair_practitioner_id")
    if data.group_id is not None:
        await get_group(session, data.group_id)
        await ensure_member(session, principal, data.group_id)
    people = list(dict.fromkeys(data.subject_person_ids))
    for person_id in people:
        await own_profile(session, principal, person_id, action="conference.create")
    for family_id in data.family_ids:
        await get_family(session, principal, family_id)
        members = await session.execute(
            select(col(FamilyMember.person_id)).where(FamilyMember.family_id == family_id)
        )
        people += [p for p in members.scalars() if p not in people]
    conference = Conference(
        kind=data.kind.value,
        title=data.title,
        held_on=data.held_on,
        purpose=data.purpose.value,
        group_id=data.group_id,
        organiser_agency_id=agency_id,
        chair_practitioner_id=chair.id,
        family_attendees=data.family_attendees,
    )
    session.add(conference)
    await session.flush()
    session.add_all(ConferenceAgency(conference_id=conference.id, agency_id=a) for a in attending)
    session.add_all(ConferenceSubject(conference_id=conference.id, person_id=p) for p in people)
    if data.group_id is not None:
        # A group's meeting puts these people within the group's work (interest for 12 months).
        session.add_all(
            GroupAgendaEntry(
                group_id=data.group_id,
                person_id=p,
                meeting_on=data.held_on,
                reason=f"On the agenda of {data.title}",
                added_by_agency_id=agency_id,
                added_by=principal.practitioner_id,
            )
            for p in people
        )
    await session.flush()
    for person_id in people:
        await audit.append(
            session,
            principal,
            action="conference.agenda",
            object_type="conference",
            object_id=conference.id,
            subject_person_id=person_id,
        )
    return conference


async def _attending(session: AsyncSession, conference_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await session.execute(
        select(col(ConferenceAgency.agency_id)).where(
            ConferenceAgency.conference_id == conference_id
        )
    )
    return list(rows.scalars())


async def _subjects(session: AsyncSession, conference_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await session.execute(
        select(col(ConferenceSubject.person_id)).where(
            ConferenceSubject.conference_id == conference_id
        )
    )
    return list(rows.scalars())


async def visible_conference(
    session: AsyncSession, principal: Principal, conference_id: uuid.UUID
) -> Conference:
    conference = await session.get(Conference, conference_id)
    if conference is not None and agency_of(principal) in await _attending(session, conference.id):
        return conference
    raise NotFound(
        "conference",
        audit_refusal=RefusalAudit(principal, "conference.read", "conference", conference_id),
    )


async def to_public(session: AsyncSession, conference: Conference) -> ConferencePublic:
    notes = await session.execute(
        select(ConferenceNote)
        .where(ConferenceNote.conference_id == conference.id)
        .order_by(col(ConferenceNote.created_at))
    )
    return ConferencePublic.model_validate(
        {
            **conference.model_dump(),
            "attending_agency_ids": await _attending(session, conference.id),
            "subject_person_ids": await _subjects(session, conference.id),
            "notes": [ConferenceNotePublic.model_validate(n) for n in notes.scalars()],
        }
    )


async def add_note(
    session: AsyncSession, principal: Principal, conference_id: uuid.UUID, data: ConferenceNoteIn
) -> Conference:
    conference = await visible_conference(session, principal, conference_id)
    session.add(
        ConferenceNote(
            conference_id=conference.id,
            agency_id=agency_of(principal),
            kind=data.kind.value,
            text=data.text,
            recorded_by=principal.practitioner_id,
        )
    )
    await session.flush()
    await audit.append(
        session,
        principal,
        action=f"conference.{data.kind.value}",
        object_type="conference",
        object_id=conference.id,
    )
    return conference


async def pack(
    session: AsyncSession, principal: Principal, conference_id: uuid.UUID
) -> ConferencePack:
    """The caller's agency's own view of each person on the agenda, under the policy; no caller,
    the chair included, receives another agency's view."""
    conference = await visible_conference(session, principal, conference_id)
    purpose = Purpose(conference.purpose)
    entries = []
    for person_id in await _subjects(session, conference.id):
        try:
            view = await reads.summary(session, principal, person_id, purpose)
        except NotFound:
            entries.append(
                PackEntry(person_id=person_id, summary=None, note="no legitimate interest")
            )
            continue
        entries.append(PackEntry(person_id=person_id, summary=view))
    await audit.append(
        session,
        principal,
        action="conference.pack",
        object_type="conference",
        object_id=conference.id,
        detail={"generated_at": utcnow().isoformat()},
    )
    return ConferencePack(
        conference_id=conference.id,
        agency_id=agency_of(principal),
        purpose=purpose,
        entries=entries,
    )
