"""Case conferences: agenda, attendance, contributions and decisions, and per-agency packs."""

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.db import utcnow
from app.errors import Forbidden, Invalid, NotFound
from app.models.conferences import (
    Conference,
    ConferenceAgency,
    ConferenceAttendanceIn,
    ConferenceAttendee,
    ConferenceAttendeePublic,
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
from app.models.plans import Action
from app.models.sharing import GroupAgendaEntry, GroupMembership
from app.policy import Purpose
from app.principal import Principal
from app.services import audit, reads, sharing
from app.services.audit import RefusalAudit
from app.services.consents import ensure_agencies
from app.services.families import get_family
from app.services.groups import ensure_member, get_group
from app.services.people import agency_of, own_profile
from app.services.sharing import GROUP_INTEREST_WINDOW


async def ensure_group_member(
    session: AsyncSession, principal: Principal, group_id: uuid.UUID, field: str
) -> None:
    """The group exists and the caller's agency is a member now; else 404 naming the field."""
    try:
        await get_group(session, group_id)
        await ensure_member(session, principal, group_id)
    except NotFound as e:
        e.field = field
        raise


def _window_start(now: datetime) -> date:
    return (now - GROUP_INTEREST_WINDOW).date()


async def on_group_agenda(
    session: AsyncSession, group_id: uuid.UUID, person_id: uuid.UUID, now: datetime
) -> bool:
    """Whether the group has had the person on a meeting's agenda within the last 12 months (or
    has them on a coming meeting's): the group's work covers them."""
    row = await session.execute(
        select(GroupAgendaEntry.id)
        .where(
            GroupAgendaEntry.group_id == group_id,
            GroupAgendaEntry.person_id == person_id,
            col(GroupAgendaEntry.meeting_on) >= _window_start(now),
        )
        .limit(1)
    )
    return row.first() is not None


async def family_on_group_agenda(
    session: AsyncSession, group_id: uuid.UUID, family_id: uuid.UUID
) -> bool:
    """Whether the group has had the family on a meeting's agenda within the last 12 months."""
    row = await session.execute(
        select(GroupAgendaEntry.id)
        .where(
            GroupAgendaEntry.group_id == group_id,
            GroupAgendaEntry.family_id == family_id,
            col(GroupAgendaEntry.meeting_on) >= _window_start(utcnow()),
        )
        .limit(1)
    )
    return row.first() is not None


async def group_subject(
    session: AsyncSession,
    principal: Principal,
    person_id: uuid.UUID,
    group_id: uuid.UUID | None,
    field: str,
    action: str,
) -> None:
    """A person the caller's agency knows (its own profile) or, for the work of a group the caller
    is a member of (checked before), one on the group's agenda. Else 404 naming the field."""
    if group_id is not None and await on_group_agenda(session, group_id, person_id, utcnow()):
        return
    try:
        await own_profile(session, principal, person_id, action=action)
    except NotFound as e:
        e.field = field
        raise


async def group_family(
    session: AsyncSession,
    principal: Principal,
    family_id: uuid.UUID,
    group_id: uuid.UUID | None,
    field: str,
) -> None:
    """One of the caller's agency's families or, for a group's work, a family on its agenda."""
    if group_id is not None and await family_on_group_agenda(session, group_id, family_id):
        return
    try:
        await get_family(session, principal, family_id)
    except NotFound as e:
        e.field = field
        raise


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
        # A member (the chair's agency, or any other) minutes the group's meeting about the people
        # on the group's agenda without registering each of them itself.
        await ensure_group_member(session, principal, data.group_id, "body:/group_id")
    attendees = await _attendees(
        session,
        principal,
        data.attendee_practitioner_ids,
        attending,
        agency_id,
        "body:/attendee_practitioner_ids",
    )
    people = list(dict.fromkeys(data.subject_person_ids))
    for i, person_id in enumerate(data.subject_person_ids):
        await group_subject(
            session,
            principal,
            person_id,
            data.group_id,
            f"body:/subject_person_ids/{i}",
            "conference.create",
        )
    for i, family_id in enumerate(data.family_ids):
        await group_family(session, principal, family_id, data.group_id, f"body:/family_ids/{i}")
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
    session.add_all(_attending_as(conference, attendees, principal))
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


async def _attendees(
    session: AsyncSession,
    principal: Principal,
    practitioner_ids: list[uuid.UUID],
    attending: list[uuid.UUID],
    organiser: uuid.UUID,
    field: str,
) -> list[Practitioner]:
    """The practitioners named as attending: each an active practitioner (else 404) of an
    attending agency (else 422), named once. The organiser's agency minutes anyone's attendance;
    another attending agency records its own practitioners' (else 403)."""
    found: list[Practitioner] = []
    own = agency_of(principal)
    for i, practitioner_id in enumerate(practitioner_ids):
        at = f"{field}/{i}"
        if practitioner_id in {p.id for p in found}:
            continue
        p = await session.get(Practitioner, practitioner_id)
        if p is None or not p.active:
            raise NotFound("practitioner", field=at)
        if p.agency_id not in attending:
            raise Invalid("Each attendee works for an attending agency.", field=at)
        if own != organiser and p.agency_id != own:
            raise Forbidden(
                "The organising agency records the attendance of other agencies' practitioners.",
                field=at,
            )
        found.append(p)
    return found


async def record_attendance(
    session: AsyncSession,
    principal: Principal,
    conference_id: uuid.UUID,
    data: ConferenceAttendanceIn,
) -> Conference:
    conference = await visible_conference(session, principal, conference_id)
    attending = await _attending(session, conference.id)
    named = await _attendees(
        session,
        principal,
        data.practitioner_ids,
        attending,
        conference.organiser_agency_id,
        "body:/practitioner_ids",
    )
    already = set(
        (
            await session.execute(
                select(col(ConferenceAttendee.practitioner_id)).where(
                    ConferenceAttendee.conference_id == conference.id
                )
            )
        ).scalars()
    )
    added = [p for p in named if p.id not in already]
    session.add_all(_attending_as(conference, added, principal))
    await session.flush()
    await audit.append(
        session,
        principal,
        action="conference.attendance",
        object_type="conference",
        object_id=conference.id,
        detail={"practitioners": [str(p.id) for p in added]},
    )
    return conference


async def attending_agencies(session: AsyncSession, conference_id: uuid.UUID) -> list[uuid.UUID]:
    return await _attending(session, conference_id)


async def agenda_people(session: AsyncSession, conference_id: uuid.UUID) -> list[uuid.UUID]:
    return await _subjects(session, conference_id)


def _attending_as(
    conference: Conference, practitioners: Sequence[Practitioner], principal: Principal
) -> list[ConferenceAttendee]:
    """Rows recording that these practitioners attended, as recorded by the caller."""
    return [
        ConferenceAttendee(
            conference_id=conference.id,
            practitioner_id=p.id,
            agency_id=p.agency_id,
            recorded_by=principal.practitioner_id,
        )
        for p in practitioners
    ]


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


async def _visible_action_ids(
    session: AsyncSession, principal: Principal, conference_id: uuid.UUID
) -> list[uuid.UUID]:
    """The conference's actions the caller may see, as actions are seen anywhere: recorded or
    owned by its agency, or of a group's plan while its agency is a current member."""
    agency_id, now = agency_of(principal), utcnow()
    member_now = select(col(GroupMembership.group_id)).where(
        GroupMembership.agency_id == agency_id,
        col(GroupMembership.joined_at) <= now,
        or_(col(GroupMembership.left_at).is_(None), col(GroupMembership.left_at) > now),
    )
    rows = await session.execute(
        select(col(Action.id))
        .where(
            Action.conference_id == conference_id,
            or_(
                col(Action.agency_id) == agency_id,
                col(Action.owner_agency_id) == agency_id,
                col(Action.group_id).in_(member_now),
            ),
        )
        .order_by(col(Action.id))
    )
    return list(rows.scalars())


async def to_public(
    session: AsyncSession, principal: Principal, conference: Conference
) -> ConferencePublic:
    notes = await session.execute(
        select(ConferenceNote)
        .where(ConferenceNote.conference_id == conference.id)
        .order_by(col(ConferenceNote.created_at))
    )
    attendees = await session.execute(
        select(ConferenceAttendee)
        .where(ConferenceAttendee.conference_id == conference.id)
        .order_by(col(ConferenceAttendee.created_at), col(ConferenceAttendee.practitioner_id))
    )
    return ConferencePublic.model_validate(
        {
            **conference.model_dump(),
            "attending_agency_ids": await _attending(session, conference.id),
            "attendees": [
                ConferenceAttendeePublic(practitioner_id=a.practitioner_id, agency_id=a.agency_id)
                for a in attendees.scalars()
            ],
            "subject_person_ids": await _subjects(session, conference.id),
            "notes": [ConferenceNotePublic.model_validate(n) for n in notes.scalars()],
            "action_ids": await _visible_action_ids(session, principal, conference.id),
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
    subjects = await _subjects(session, conference.id)
    results = await sharing.read_summaries(
        session,
        principal,
        subjects,
        purpose.value,
        "person.summary",
        also=audit.AuditItem(
            action="conference.pack",
            object_type="conference",
            object_id=conference.id,
            detail={"generated_at": utcnow().isoformat(), "people": len(subjects)},
        ),
    )
    entries = []
    for person_id, result in results.items():
        if result is None:
            entries.append(
                PackEntry(person_id=person_id, summary=None, note="no legitimate interest")
            )
            continue
        entries.append(
            PackEntry(person_id=person_id, summary=reads.to_summary(person_id, purpose, result))
        )
    return ConferencePack(
        conference_id=conference.id,
        agency_id=agency_of(principal),
        purpose=purpose,
        entries=entries,
    )
