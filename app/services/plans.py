"""Actions, reviews, and ending an involvement with a real follow-up arrangement (case 8)."""

import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, func, select

from app.db import utcnow
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.models.agency import Agency
from app.models.casework import LeadProfessional, Referral, ReferralStatus, ReferralSubject
from app.models.identity import AccessRole, Practitioner
from app.models.person import FamilyMember, Involvement, InvolvementSource
from app.models.plans import (
    ACTION_TRANSITIONS,
    Action,
    ActionCreate,
    ActionPublic,
    ActionStatus,
    ActionTransition,
    Alert,
    Concern,
    ConcernCreate,
    FailedContact,
    FailedContactIn,
    FollowUp,
    FollowUpPublic,
    InvolvementEnd,
    Review,
    ReviewCreate,
    ReviewOutcome,
    ReviewParticipant,
    ReviewParticipantPublic,
    ReviewPublic,
    ReviewStatus,
)
from app.models.sharing import (
    DecisionKind,
    GroupMembership,
    LegalBasis,
    RecordCreate,
    SharingDecision,
)
from app.pagination import Pagination, keyset
from app.policy import Category, Level, Purpose, Request, involvement_shown
from app.principal import Principal
from app.services import audit, child_status, records
from app.services.audit import RefusalAudit
from app.services.conferences import (
    agenda_people,
    attending_agencies,
    ensure_group_member,
    family_on_group_agenda,
    group_family,
    group_subject,
    on_group_agenda,
    visible_conference,
)
from app.services.consents import ensure_agencies
from app.services.people import agency_of
from app.services.sharing import (
    consent_facts,
    has_interest,
    memberships_now,
    people_around,
    person_facts,
)
from app.services.versioning import update_versioned


async def _about(
    session: AsyncSession,
    principal: Principal,
    child_id: uuid.UUID | None,
    family_id: uuid.UUID | None,
    action: str,
    group_id: uuid.UUID | None = None,
) -> uuid.UUID | None:
    """The child (or family) a plan item is about must be one the caller's agency knows, or, for
    a group's work, one on the group's agenda."""
    if group_id is not None:
        # Every current member reads a group's plan: only people the group's work covers (on its
        # agenda), never someone known to the recording agency alone (rule 2).
        # For the group's work, someone not on its agenda does not exist (404, as unknown).
        if child_id is not None:
            if not await on_group_agenda(session, group_id, child_id, utcnow()):
                raise NotFound("person", field="body:/child_id")
            return child_id
        assert family_id is not None
        if not await family_on_group_agenda(session, group_id, family_id):
            raise NotFound("family", field="body:/family_id")
        return None
    if child_id is not None:
        await group_subject(session, principal, child_id, group_id, "body:/child_id", action)
        return child_id
    assert family_id is not None
    await group_family(session, principal, family_id, group_id, "body:/family_id")
    return None


def _member_now(agency_id: uuid.UUID, now: datetime) -> Any:
    """The groups the agency belongs to at `now` (a subquery)."""
    return select(col(GroupMembership.group_id)).where(
        GroupMembership.agency_id == agency_id,
        col(GroupMembership.joined_at) <= now,
        or_(col(GroupMembership.left_at).is_(None), col(GroupMembership.left_at) > now),
    )


async def _is_member_now(session: AsyncSession, agency_id: uuid.UUID, group_id: uuid.UUID) -> bool:
    stmt = _member_now(agency_id, utcnow()).where(GroupMembership.group_id == group_id)
    return (await session.execute(stmt)).first() is not None


def action_public(a: Action) -> ActionPublic:
    open_ = a.status in (ActionStatus.open, ActionStatus.in_progress)
    return ActionPublic.model_validate(
        {**a.model_dump(), "overdue": open_ and a.due_on < date.today()}
    )


def review_public(
    r: Review,
    participants: Sequence[ReviewParticipantPublic] = (),
    next_id: uuid.UUID | None = None,
) -> ReviewPublic:
    overdue = r.status == ReviewStatus.scheduled and r.due_on < date.today()
    return ReviewPublic.model_validate(
        {
            **r.model_dump(),
            "overdue": overdue,
            "next_review_id": next_id,
            "participants": list(participants),
        }
    )


async def review_participants(
    session: AsyncSession, review_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[ReviewParticipantPublic]]:
    found: dict[uuid.UUID, list[ReviewParticipantPublic]] = {r: [] for r in review_ids}
    if review_ids:
        rows = await session.execute(
            select(ReviewParticipant).where(col(ReviewParticipant.review_id).in_(list(review_ids)))
        )
        for p in rows.scalars():
            found[p.review_id].append(
                ReviewParticipantPublic(practitioner_id=p.practitioner_id, agency_id=p.agency_id)
            )
    return found


async def shape_review(
    session: AsyncSession, r: Review, next_id: uuid.UUID | None = None
) -> ReviewPublic:
    return review_public(r, (await review_participants(session, [r.id]))[r.id], next_id)


async def create_action(session: AsyncSession, principal: Principal, data: ActionCreate) -> Action:
    agency_id = agency_of(principal)
    if data.group_id is not None:
        await ensure_group_member(session, principal, data.group_id, "body:/group_id")
    person = await _about(
        session, principal, data.child_id, data.family_id, "action.create", data.group_id
    )
    owner_agency = data.owner_agency_id or agency_id
    await ensure_agencies(session, [owner_agency], "body:/owner_agency_id")
    if data.owner_practitioner_id is not None:
        owner = await session.get(Practitioner, data.owner_practitioner_id)
        if owner is None or owner.agency_id != owner_agency:
            raise NotFound("practitioner", field="body:/owner_practitioner_id")
    if data.conference_id is not None:
        await _agreed_at(session, principal, data, owner_agency)
    action = Action(
        agency_id=agency_id,
        child_id=data.child_id,
        family_id=data.family_id,
        group_id=data.group_id,
        conference_id=data.conference_id,
        plan=data.plan,
        description=data.description,
        owner_agency_id=owner_agency,
        owner_practitioner_id=data.owner_practitioner_id,
        due_on=data.due_on,
    )
    session.add(action)
    await session.flush()
    await audit.append(
        session,
        principal,
        action="action.create",
        object_type="action",
        object_id=action.id,
        subject_person_id=person,
        detail={
            k: str(v)
            for k, v in (("group_id", data.group_id), ("conference_id", data.conference_id))
            if v is not None
        }
        or None,
    )
    return action


async def _agreed_at(
    session: AsyncSession, principal: Principal, data: ActionCreate, owner_agency: uuid.UUID
) -> None:
    """An action agreed at a conference: the caller's agency attends it (else, as for anyone
    who may not see it, 404 at the field), the owner's agency attends it, and the action is
    about someone on its agenda (else 422 at the field)."""
    assert data.conference_id is not None
    try:
        conference = await visible_conference(session, principal, data.conference_id)
    except NotFound as e:
        e.field = "body:/conference_id"
        raise
    if data.group_id is not None and data.group_id != conference.group_id:
        # Filed under another group, its members would learn of a meeting they do not attend.
        raise Invalid("The conference is not the group's meeting.", field="body:/group_id")
    if owner_agency not in await attending_agencies(session, conference.id):
        raise Invalid(
            "The owner's agency does not attend the conference.", field="body:/owner_agency_id"
        )
    agenda = set(await agenda_people(session, conference.id))
    if data.child_id is not None:
        if data.child_id not in agenda:
            raise Invalid("The child is not on the conference's agenda.", field="body:/child_id")
        return
    members = await session.execute(
        select(col(FamilyMember.person_id)).where(FamilyMember.family_id == data.family_id)
    )
    if agenda.isdisjoint(members.scalars()):
        raise Invalid("The family is not on the conference's agenda.", field="body:/family_id")


async def visible_action(
    session: AsyncSession, principal: Principal, action_id: uuid.UUID
) -> Action:
    """The recording agency and the owner's agency see an action; a group's action is seen too by
    the group's members at the time of the request (one who has left no longer does)."""
    action = await session.get(Action, action_id)
    agency_id = agency_of(principal)
    if action is not None:
        if agency_id in (action.agency_id, action.owner_agency_id):
            return action
        if action.group_id is not None and await _is_member_now(
            session, agency_id, action.group_id
        ):
            return action
    raise NotFound(
        "action", audit_refusal=RefusalAudit(principal, "action.read", "action", action_id)
    )


async def list_actions(
    session: AsyncSession,
    principal: Principal,
    page: Pagination,
    child_id: uuid.UUID | None,
    group_id: uuid.UUID | None = None,
    conference_id: uuid.UUID | None = None,
) -> list[Action]:
    agency_id = agency_of(principal)
    stmt = select(Action).where(
        or_(
            col(Action.agency_id) == agency_id,
            col(Action.owner_agency_id) == agency_id,
            col(Action.group_id).in_(_member_now(agency_id, utcnow())),
        )
    )
    if child_id is not None:
        stmt = stmt.where(Action.child_id == child_id)
    if group_id is not None:
        stmt = stmt.where(Action.group_id == group_id)
    if conference_id is not None:
        stmt = stmt.where(Action.conference_id == conference_id)
    return list((await session.execute(keyset(stmt, Action.id, page, page.after_uuid()))).scalars())


async def move_action(
    session: AsyncSession,
    principal: Principal,
    action_id: uuid.UUID,
    data: ActionTransition,
    if_match: str | None,
) -> Action:
    action = await visible_action(session, principal, action_id)
    if agency_of(principal) not in (action.agency_id, action.owner_agency_id):
        # The group's other members follow its progress; the owner (or recorder) records it.
        raise Forbidden("Only the agency that recorded the action, or its owner, moves it.")
    current = ActionStatus(action.status)
    if data.to not in ACTION_TRANSITIONS[current]:
        raise Conflict(
            f"An action that is {current.value} cannot become {data.to.value}.",
            current_state=current.value,
        )
    changes: dict[str, object] = {"status": data.to.value}
    if data.to == ActionStatus.done:
        if not data.outcome:
            raise Invalid("A done action records its outcome.", field="body:/outcome")
        changes["outcome"] = data.outcome
    if data.to == ActionStatus.cancelled:
        if not data.reason:
            raise Invalid("A cancelled action records why.", field="body:/reason")
        changes["cancel_reason"] = data.reason
    action = await update_versioned(session, action, changes, if_match)
    await audit.append(
        session,
        principal,
        action=f"action.{data.to.value}",
        object_type="action",
        object_id=action.id,
        subject_person_id=action.child_id,
    )
    return action


async def _own_practitioner(
    session: AsyncSession, principal: Principal, practitioner_id: uuid.UUID, field: str
) -> None:
    p = await session.get(Practitioner, practitioner_id)
    if p is None or p.agency_id != agency_of(principal) or not p.active:
        raise NotFound("practitioner", field=field)


NO_INTEREST = (
    "Each practitioner named on a review must work for an agency with a legitimate interest in "
    "the child."
)


async def _interested(
    session: AsyncSession,
    agency_id: uuid.UUID,
    child_id: uuid.UUID | None,
    family_id: uuid.UUID | None,
) -> bool:
    """Whether the agency has a legitimate interest in the child (or someone in the family)."""
    now = utcnow()
    if child_id is not None:
        return await has_interest(session, agency_id, child_id, now)
    members = await session.execute(
        select(col(FamilyMember.person_id)).where(FamilyMember.family_id == family_id)
    )
    for person_id in members.scalars():
        if await has_interest(session, agency_id, person_id, now):
            return True
    return False


async def _participants(
    session: AsyncSession, principal: Principal, data: ReviewCreate
) -> list[Practitioner]:
    """The other practitioners who share a joint review. One of another agency needs that agency
    to have a legitimate interest; a sensitive service's practitioner is named only by the service
    itself (naming one otherwise would tell whether it knows the child). Both are the same 422."""
    own = agency_of(principal)
    named: list[Practitioner] = []
    seen = {data.responsible_practitioner_id}
    for i, practitioner_id in enumerate(data.participant_practitioner_ids):
        field = f"body:/participant_practitioner_ids/{i}"
        if practitioner_id in seen:
            continue
        seen.add(practitioner_id)
        p = await session.get(Practitioner, practitioner_id)
        if p is None or not p.active:
            raise NotFound("practitioner", field=field)
        if p.agency_id != own:
            # Whether the answer is 201 or 422 tells who works with the child: an index look-up,
            # so only those who may look up the index name other agencies' practitioners.
            if not principal.has(AccessRole.authorised_worker):
                raise Forbidden(
                    "Only an authorised worker may name practitioners of other agencies.",
                    field=field,
                )
            agency = await session.get(Agency, p.agency_id)
            if (
                agency is None
                or agency.sensitive_service
                or not await _interested(session, p.agency_id, data.child_id, data.family_id)
            ):
                raise Invalid(NO_INTEREST, field=field)
        named.append(p)
    return named


async def _member_practitioner(
    session: AsyncSession, group_id: uuid.UUID, practitioner_id: uuid.UUID, field: str
) -> None:
    """An active practitioner (else 404) of an agency that is a current member of the group
    (else 422)."""
    p = await session.get(Practitioner, practitioner_id)
    if p is None or not p.active:
        raise NotFound("practitioner", field=field)
    member = await session.execute(
        _member_now(p.agency_id, utcnow()).where(GroupMembership.group_id == group_id)
    )
    if member.first() is None:
        raise Invalid(
            "The responsible practitioner works for an agency that is a member of the group.",
            field=field,
        )


async def create_review(session: AsyncSession, principal: Principal, data: ReviewCreate) -> Review:
    if data.group_id is not None:
        await ensure_group_member(session, principal, data.group_id, "body:/group_id")
    person = await _about(
        session, principal, data.child_id, data.family_id, "review.create", data.group_id
    )
    field = "body:/responsible_practitioner_id"
    if data.group_id is not None:
        await _member_practitioner(session, data.group_id, data.responsible_practitioner_id, field)
    else:
        await _own_practitioner(session, principal, data.responsible_practitioner_id, field)
    participants = await _participants(session, principal, data)
    review = Review(
        agency_id=agency_of(principal),
        child_id=data.child_id,
        family_id=data.family_id,
        group_id=data.group_id,
        what=data.what,
        due_on=data.due_on,
        responsible_practitioner_id=data.responsible_practitioner_id,
        recurrence_days=data.recurrence_days,
    )
    session.add(review)
    await session.flush()
    session.add_all(
        ReviewParticipant(review_id=review.id, practitioner_id=p.id, agency_id=p.agency_id)
        for p in participants
    )
    await session.flush()
    detail: dict[str, Any] = {}
    if participants:
        detail["participants"] = [str(p.id) for p in participants]
    if data.group_id is not None:
        detail["group_id"] = str(data.group_id)
    await audit.append(
        session,
        principal,
        action="review.schedule",
        object_type="review",
        object_id=review.id,
        subject_person_id=person,
        detail=detail or None,
    )
    return review


def _participating(agency_id: uuid.UUID) -> Any:
    """The reviews a practitioner of the agency shares (a subquery)."""
    return select(col(ReviewParticipant.review_id)).where(ReviewParticipant.agency_id == agency_id)


def _responsible_in(agency_id: uuid.UUID) -> Any:
    """The agency's practitioners (a subquery): its practitioner may be responsible for a
    group's review scheduled by another member."""
    return select(col(Practitioner.id)).where(Practitioner.agency_id == agency_id)


async def visible_review(
    session: AsyncSession, principal: Principal, review_id: uuid.UUID
) -> Review:
    """The scheduling agency, the agency of each practitioner named on it (responsible or
    sharing it) see a review; a group's review is seen too by the group's current members."""
    review = await session.get(Review, review_id)
    agency_id = agency_of(principal)
    if review is not None:
        if review.agency_id == agency_id:
            return review
        shared = await session.execute(
            _participating(agency_id).where(ReviewParticipant.review_id == review.id)
        )
        if shared.first() is not None:
            return review
        responsible = await session.get(Practitioner, review.responsible_practitioner_id)
        if responsible is not None and responsible.agency_id == agency_id:
            return review
        if review.group_id is not None and await _is_member_now(
            session, agency_id, review.group_id
        ):
            return review
    raise NotFound(
        "review", audit_refusal=RefusalAudit(principal, "review.read", "review", review_id)
    )


async def list_reviews(
    session: AsyncSession,
    principal: Principal,
    page: Pagination,
    overdue: bool,
    group_id: uuid.UUID | None = None,
) -> list[Review]:
    """Per agency: the reviews it scheduled, or that name one of its practitioners. Per group
    (group_id): the group's reviews, to its current members only (else 404 for the group)."""
    agency_id = agency_of(principal)
    if group_id is not None:
        await ensure_group_member(session, principal, group_id, "query:/group_id")
        stmt = select(Review).where(Review.group_id == group_id)
    else:
        stmt = select(Review).where(
            or_(
                col(Review.agency_id) == agency_id,
                col(Review.id).in_(_participating(agency_id)),
                col(Review.responsible_practitioner_id).in_(_responsible_in(agency_id)),
            )
        )
    if overdue:
        stmt = stmt.where(
            Review.status == ReviewStatus.scheduled.value, col(Review.due_on) < date.today()
        )
    return list((await session.execute(keyset(stmt, Review.id, page, page.after_uuid()))).scalars())


async def record_review(
    session: AsyncSession,
    principal: Principal,
    review_id: uuid.UUID,
    data: ReviewOutcome,
    if_match: str | None,
) -> tuple[Review, Review | None]:
    review = await visible_review(session, principal, review_id)
    participants = (await review_participants(session, [review.id]))[review.id]
    named = {p.practitioner_id for p in participants} | {review.responsible_practitioner_id}
    if agency_of(principal) != review.agency_id and principal.practitioner_id not in named:
        raise Forbidden("Only the reviewing agency or a practitioner named on it records it.")
    if review.status != ReviewStatus.scheduled:
        raise Conflict(f"The review is already {review.status}.", current_state=review.status)
    if data.to == ReviewStatus.scheduled:
        raise Invalid("A review is recorded as done or missed.", field="body:/to")
    if data.to == ReviewStatus.done and not data.outcome:
        raise Invalid("A done review records its outcome.", field="body:/outcome")
    review = await update_versioned(
        session,
        review,
        {"status": data.to.value, "outcome": data.outcome, "done_at": utcnow()},
        if_match,
    )
    following = None
    if review.recurrence_days:  # fortnightly monitoring goes on until someone stops it
        following = Review(
            agency_id=review.agency_id,
            child_id=review.child_id,
            family_id=review.family_id,
            group_id=review.group_id,
            what=review.what,
            due_on=review.due_on + timedelta(days=review.recurrence_days),
            responsible_practitioner_id=review.responsible_practitioner_id,
            recurrence_days=review.recurrence_days,
            follow_up_id=review.follow_up_id,
        )
        session.add(following)
        await session.flush()
        session.add_all(
            ReviewParticipant(
                review_id=following.id, practitioner_id=p.practitioner_id, agency_id=p.agency_id
            )
            for p in participants
        )
        await session.flush()
    await audit.append(
        session,
        principal,
        action=f"review.{data.to.value}",
        object_type="review",
        object_id=review.id,
        subject_person_id=review.child_id,
    )
    return review, following


async def end_involvement(
    session: AsyncSession, principal: Principal, involvement_id: uuid.UUID, data: InvolvementEnd
) -> Involvement:
    """An involvement ends; while concerns remain, only with a follow-up arrangement (case 8)."""
    involvement = await session.get(Involvement, involvement_id)
    if involvement is None or involvement.agency_id != agency_of(principal):
        raise NotFound("involvement")
    now = utcnow()
    if involvement.ended_at is not None:
        raise Conflict("The involvement has already ended.", current_state="ended")
    known = await concerns_known(session, involvement.agency_id, involvement.person_id, now)
    if data.follow_up is None and (data.concerns_remain or known):
        # The caller's `concerns_remain: false` does not outweigh what the server knows.
        why = (
            f"Concerns remain about this person ({'; '.join(known)})"
            if known
            else "Concerns remain (as you say)"
        )
        raise Invalid(
            f"{why}: ending the involvement needs a follow-up arrangement (a named monitor who "
            "accepts it and a review with a date).",
            field="body:/follow_up",
        )
    if data.follow_up is not None:
        f = data.follow_up
        monitor = await session.get(Practitioner, f.monitor_practitioner_id)
        if monitor is None or not monitor.active:
            raise NotFound("practitioner", field="body:/follow_up/monitor_practitioner_id")
        if f.review_on < now.date():
            raise Invalid("review_on is in the past.", field="body:/follow_up/review_on")
        follow_up = FollowUp(
            involvement_id=involvement.id,
            person_id=involvement.person_id,
            agency_id=involvement.agency_id,
            ended_by=principal.practitioner_id,
            monitor_practitioner_id=monitor.id,
        )
        session.add(follow_up)
        await session.flush()
        session.add(
            Review(
                agency_id=monitor.agency_id,
                child_id=involvement.person_id,
                what=f.what,
                due_on=f.review_on,
                responsible_practitioner_id=monitor.id,
                follow_up_id=follow_up.id,
            )
        )
    involvement.ended_at = now
    involvement.end_reason = data.reason
    involvement.version += 1
    await session.flush()
    await audit.append(
        session,
        principal,
        action="involvement.end",
        object_type="involvement",
        object_id=involvement.id,
        subject_person_id=involvement.person_id,
        detail={
            "concerns_remain": data.concerns_remain or bool(known),
            "stated": data.concerns_remain,
            "known": known,
        },
    )
    return involvement


# How far back the facts that make concerns remain reach.
CONCERN_WINDOW = timedelta(days=183)  # a concern raised about the person: 6 months
CP_REFERRAL_WINDOW = timedelta(days=365)  # a child protection referral to the agency: 12 months
HARM_BASES = frozenset({LegalBasis.risk_of_significant_harm, LegalBasis.children_act_s47})


async def concerns_known(
    session: AsyncSession, agency_id: uuid.UUID, person_id: uuid.UUID, now: datetime
) -> list[str]:
    """The kinds of facts the server holds that make concerns remain about a person, as the
    agency ending its involvement may know them (case 8: closing on the caller's word alone is
    what failed). Only what the agency knows itself or sees anyway (a child's status, as CP-IS
    shows it to any agency with interest; a concern raised, as the alerts tell the agencies
    involved; what was sent to it), never another agency's content, and nothing of another
    agency that is a sensitive service (its concern or decision would reveal it). Referrals and
    decisions about the people around the person (services/sharing.py::people_around) count too.
    Kinds, not contents: the refusal names no other agency."""
    known: list[str] = []
    if await child_status.current_status_holders(session, person_id):
        known.append("a current child status (child in need, protection plan or looked after)")
    not_sensitive = select(col(Agency.id)).where(col(Agency.sensitive_service).is_(False))
    concern = await session.execute(
        select(Concern.id)
        .where(
            Concern.child_id == person_id,
            col(Concern.created_at) >= now - CONCERN_WINDOW,
            or_(col(Concern.agency_id) == agency_id, col(Concern.agency_id).in_(not_sensitive)),
        )
        .limit(1)
    )
    if concern.first() is not None:
        known.append("a concern raised about them in the last 6 months")
    # Case 8: the baby's file was closed while its mother's and father's histories were known.
    # Referrals and decisions about the people around the person count for the person too.
    about = [person_id, *await people_around(session, person_id)]
    referral = await session.execute(
        select(Referral.id)
        .join(ReferralSubject, col(ReferralSubject.referral_id) == Referral.id)
        .where(
            col(ReferralSubject.person_id).in_(about),
            Referral.to_agency_id == agency_id,
            Referral.purpose == Purpose.child_protection_enquiry.value,
            col(Referral.status).in_([ReferralStatus.sent.value, ReferralStatus.accepted.value]),
            col(Referral.created_at) >= now - CP_REFERRAL_WINDOW,
        )
        .limit(1)
    )
    if referral.first() is not None:
        known.append(
            "a child protection referral to your agency about them or the people around them, "
            "open or accepted"
        )
    decisions = await session.execute(
        select(SharingDecision, Agency)
        .join(Agency, col(Agency.id) == SharingDecision.holder_agency_id)
        .where(
            col(SharingDecision.subject_person_id).in_(about),
            SharingDecision.kind == DecisionKind.share.value,
            col(SharingDecision.legal_basis).in_([b.value for b in HARM_BASES]),
            col(SharingDecision.decided_at) <= now,
            col(SharingDecision.ended_at).is_(None),
            or_(col(SharingDecision.expires_at).is_(None), col(SharingDecision.expires_at) > now),
        )
    )
    if any(
        d.holder_agency_id == agency_id
        or (str(agency_id) in d.recipients and not holder.sensitive_service)
        for d, holder in decisions
    ):
        known.append(
            "an active decision, by or to your agency, to share without consent about them or the "
            "people around them on the ground of risk of significant harm"
        )
    action = await session.execute(
        select(Action.id)
        .where(
            Action.child_id == person_id,
            Action.owner_agency_id == agency_id,
            col(Action.status).in_([ActionStatus.open.value, ActionStatus.in_progress.value]),
        )
        .limit(1)
    )
    if action.first() is not None:
        known.append("an open action your agency owns about them")
    review = await session.execute(
        select(Review.id)
        .where(
            Review.child_id == person_id,
            Review.agency_id == agency_id,
            Review.status == ReviewStatus.scheduled.value,
        )
        .limit(1)
    )
    if review.first() is not None:
        known.append("a scheduled review your agency holds about them")
    return known


async def visible_follow_up(
    session: AsyncSession, principal: Principal, follow_up_id: uuid.UUID
) -> FollowUp:
    fu = await session.get(FollowUp, follow_up_id)
    if fu is not None:
        monitor = await session.get(Practitioner, fu.monitor_practitioner_id)
        if agency_of(principal) in (fu.agency_id, monitor.agency_id if monitor else None):
            return fu
    raise NotFound(
        "follow-up",
        audit_refusal=RefusalAudit(principal, "follow_up.read", "follow_up", follow_up_id),
    )


async def follow_up_public(session: AsyncSession, fu: FollowUp) -> FollowUpPublic:
    review = (
        await session.execute(
            select(Review)
            .where(Review.follow_up_id == fu.id)
            .order_by(col(Review.created_at).desc())
            .limit(1)
        )
    ).scalar_one()
    failed = (
        await session.execute(
            select(func.count())
            .select_from(FailedContact)
            .where(FailedContact.follow_up_id == fu.id)
        )
    ).scalar_one()
    return FollowUpPublic.model_validate(
        {
            **fu.model_dump(),
            "review": await shape_review(session, review),
            "failed_contacts": int(failed),
        }
    )


async def accept_follow_up(
    session: AsyncSession, principal: Principal, follow_up_id: uuid.UUID, if_match: str | None
) -> FollowUp:
    fu = await visible_follow_up(session, principal, follow_up_id)
    if principal.practitioner_id != fu.monitor_practitioner_id:
        raise Forbidden("Only the named monitor accepts a follow-up arrangement.")
    if fu.accepted_at is not None:
        raise Conflict("Already accepted.", current_state="accepted")
    fu = await update_versioned(session, fu, {"accepted_at": utcnow()}, if_match)
    involvement = await _monitor_involvement(session, principal, fu)
    await audit.append(
        session,
        principal,
        action="follow_up.accept",
        object_type="follow_up",
        object_id=fu.id,
        subject_person_id=fu.person_id,
        detail={"involvement_id": str(involvement.id)},
    )
    return fu


async def _monitor_involvement(
    session: AsyncSession, principal: Principal, fu: FollowUp
) -> Involvement:
    """Accepting a follow-up makes the monitor's agency involved with the child (a legitimate
    interest, shown in the index), as accepting a referral does (services/referrals.py::accept);
    an involvement the agency already has stands."""
    agency_id = agency_of(principal)
    current = (
        await session.execute(
            select(Involvement)
            .where(
                Involvement.agency_id == agency_id,
                Involvement.person_id == fu.person_id,
                col(Involvement.ended_at).is_(None),
            )
            .order_by(col(Involvement.started_at))
            .limit(1)  # an agency may hold several open involvements (registered, referred)
        )
    ).scalar_one_or_none()
    if current is not None:
        return current
    review = (
        await session.execute(
            select(Review)
            .where(Review.follow_up_id == fu.id)
            .order_by(col(Review.created_at).desc())
            .limit(1)
        )
    ).scalar_one()
    involvement = Involvement(
        agency_id=agency_id,
        person_id=fu.person_id,
        practitioner_id=fu.monitor_practitioner_id,
        source=InvolvementSource.follow_up,
        reason=f"Accepted follow-up arrangement: {review.what}"[:2000],
    )
    session.add(involvement)
    await session.flush()
    return involvement


async def record_failed_contact(
    session: AsyncSession, principal: Principal, follow_up_id: uuid.UUID, data: FailedContactIn
) -> FollowUp:
    fu = await visible_follow_up(session, principal, follow_up_id)
    session.add(
        FailedContact(follow_up_id=fu.id, note=data.note, recorded_by=principal.practitioner_id)
    )
    await session.flush()
    await audit.append(
        session,
        principal,
        action="follow_up.failed_contact",
        object_type="follow_up",
        object_id=fu.id,
        subject_person_id=fu.person_id,
    )
    return fu


CONCERN_ALERT_DAYS = 30
LOOKUP_ALERT_WINDOW = timedelta(days=7)


async def raise_concern(
    session: AsyncSession, principal: Principal, data: ConcernCreate
) -> Concern:
    record = await records.create_record(
        session,
        principal,
        RecordCreate(
            subject_person_id=data.child_id,
            category=Category.family_circumstances,
            level=Level.confidential,
            summary=data.summary,
            detail=data.detail,
            occurred_on=utcnow().date(),
        ),
    )
    concern = Concern(
        child_id=data.child_id,
        record_id=record.id,
        agency_id=agency_of(principal),
        raised_by=principal.practitioner_id,
        source=data.source.value,
        source_description=data.source_description,
    )
    session.add(concern)
    await session.flush()
    await audit.append(
        session,
        principal,
        action="concern.raise",
        object_type="concern",
        object_id=concern.id,
        subject_person_id=data.child_id,
        detail={"source": concern.source},
    )
    return concern


async def alerts_for(session: AsyncSession, principal: Principal) -> list[Alert]:
    """What needs this practitioner's attention now (derived, so never stale)."""
    me, today = principal.practitioner_id, date.today()
    if me is None:
        return []
    alerts: list[Alert] = []
    rows = await session.execute(
        select(FollowUp, Review)
        .join(Review, col(Review.follow_up_id) == FollowUp.id)
        .where(
            FollowUp.ended_by == me,
            Review.status == ReviewStatus.scheduled.value,
            col(Review.due_on) < today,
        )
    )
    for fu, review in rows:
        alerts.append(
            Alert(
                kind="follow_up_review_overdue",
                object_type="follow_up",
                object_id=fu.id,
                person_id=fu.person_id,
                text=f"The follow-up review due {review.due_on} is overdue.",
                since=review.due_on,
            )
        )
    pending = await session.execute(
        select(FollowUp).where(
            FollowUp.monitor_practitioner_id == me, col(FollowUp.accepted_at).is_(None)
        )
    )
    for fu in pending.scalars():
        alerts.append(
            Alert(
                kind="follow_up_awaiting_acceptance",
                object_type="follow_up",
                object_id=fu.id,
                person_id=fu.person_id,
                text="You are named to monitor this child: accept it.",
                since=fu.created_at.date(),
            )
        )
    due = await session.execute(
        select(Review).where(
            or_(
                col(Review.responsible_practitioner_id) == me,
                col(Review.id).in_(
                    select(col(ReviewParticipant.review_id)).where(
                        ReviewParticipant.practitioner_id == me
                    )
                ),
            ),
            Review.status == ReviewStatus.scheduled.value,
            col(Review.due_on) < today,
        )
    )
    for review in due.scalars():
        alerts.append(
            Alert(
                kind="review_overdue",
                object_type="review",
                object_id=review.id,
                person_id=review.child_id,
                text=f"Review due {review.due_on}: {review.what}",
                since=review.due_on,
            )
        )
    late = await session.execute(
        select(Action).where(
            Action.owner_practitioner_id == me,
            col(Action.status).in_([ActionStatus.open.value, ActionStatus.in_progress.value]),
            col(Action.due_on) < today,
        )
    )
    for action in late.scalars():
        alerts.append(
            Alert(
                kind="action_overdue",
                object_type="action",
                object_id=action.id,
                person_id=action.child_id,
                text=f"Action due {action.due_on}: {action.description}",
                since=action.due_on,
            )
        )
    # Case 1: "agree to alert each other". Who raised it and whom to contact; the content is a
    # record read under the policy; a sensitive service's concern names no one.
    agency_id = agency_of(principal)
    involved = select(col(Involvement.person_id)).where(
        Involvement.agency_id == agency_id, col(Involvement.ended_at).is_(None)
    )
    concerns = await session.execute(
        select(Concern, Agency)
        .join(Agency, col(Agency.id) == Concern.agency_id)
        .where(
            col(Concern.child_id).in_(involved),
            Concern.agency_id != agency_id,
            col(Concern.created_at) >= utcnow() - timedelta(days=CONCERN_ALERT_DAYS),
        )
    )
    now = utcnow()
    for concern, raiser in concerns:
        # Even unnamed, a sensitive service's concern would reveal that it works with the child
        # (rule 7): it is told only where the index would show that service to the reader.
        if raiser.sensitive_service and not await _services_shown_to(
            session, {raiser.id}, agency_id, concern.child_id, now
        ):
            continue
        who = raiser.name
        alerts.append(
            Alert(
                kind="concern_raised",
                object_type="concern",
                object_id=concern.id,
                person_id=concern.child_id,
                text=f"{who} raised a concern about this child; contact them or the lead "
                "professional.",
                since=concern.created_at.date(),
            )
        )
    leads = [
        lead
        for lead in (
            await session.execute(
                select(LeadProfessional).where(
                    LeadProfessional.practitioner_id == me,
                    col(LeadProfessional.ended_at).is_(None),
                )
            )
        ).scalars()
        # A lead whose agency no longer has interest in the child is told nothing more of them.
        if await has_interest(session, lead.agency_id, lead.person_id, now)
    ]
    alerts += await _declared_involvements(session, leads)
    # CP-IS: when another agency looks up a child on a plan, the lead professional is told.
    for child_id in (lead.person_id for lead in leads):
        if not await child_status.current_status_holders(session, child_id):
            continue
        for access in await child_status.lookups_of(
            session, child_id, exclude=agency_id, since=utcnow() - LOOKUP_ALERT_WINDOW
        ):
            alerts.append(
                Alert(
                    kind="child_looked_up",
                    object_type="person",
                    object_id=child_id,
                    person_id=child_id,
                    text=f"{access.agency_name} looked this child up "
                    f"({access.purpose or 'index'}).",
                    since=access.at.date(),
                )
            )
    return alerts


async def _services_shown_to(
    session: AsyncSession,
    services: set[uuid.UUID],
    reader_agency_id: uuid.UUID,
    person_id: uuid.UUID | None,
    now: datetime,
) -> set[uuid.UUID]:
    """The sensitive services of `services` that the person agreed the reader may know work
    with them (as the index decides)."""
    if person_id is None:
        return set()
    request = Request(reader_agency_id, "index", now, await memberships_now(session, now))
    person = (await person_facts(session, [person_id], now.date()))[person_id]
    consents = (await consent_facts(session, [person_id])).facts
    return {s for s in services if involvement_shown(s, request, consents, person)}


DECLARED_ALERT_DAYS = 30
SELF_DECLARED = (InvolvementSource.declared.value, InvolvementSource.registration.value)


async def _declared_involvements(
    session: AsyncSession, leads: Sequence[LeadProfessional]
) -> list[Alert]:
    """Interest cannot be claimed silently (issue 5, item 2): the lead professional is told of
    each involvement another agency declared itself, or gained by registering the child, since
    they became lead (in the last 30 days): who, when, why. An involvement from an accepted
    referral, a group's agenda or a follow-up is not self-declared. A sensitive service's stays
    hidden unless the person agreed that it may be shown (as in the index)."""
    if not leads:
        return []
    now = utcnow()
    alerts: list[Alert] = []
    for lead in leads:
        rows = (
            await session.execute(
                select(Involvement, Agency, Practitioner)
                .join(Agency, col(Agency.id) == Involvement.agency_id)
                .outerjoin(Practitioner, col(Practitioner.id) == Involvement.practitioner_id)
                .where(
                    Involvement.person_id == lead.person_id,
                    Involvement.agency_id != lead.agency_id,
                    col(Involvement.source).in_(SELF_DECLARED),
                    col(Involvement.ended_at).is_(None),
                    col(Involvement.started_at) >= lead.started_at,
                    col(Involvement.started_at) >= now - timedelta(days=DECLARED_ALERT_DAYS),
                )
                .order_by(col(Involvement.started_at))
            )
        ).all()
        sensitive = {agency.id for _, agency, _ in rows if agency.sensitive_service}
        hidden: set[uuid.UUID] = set()
        if sensitive:
            shown = await _services_shown_to(
                session, sensitive, lead.agency_id, lead.person_id, now
            )
            hidden = sensitive - shown
        for involvement, agency, practitioner in rows:
            if agency.id in hidden:
                continue
            how = (
                "registered this child"
                if involvement.source == InvolvementSource.registration
                else "declared itself involved with this child"
            )
            who = f"{agency.name} ({practitioner.name})" if practitioner else agency.name
            alerts.append(
                Alert(
                    kind="involvement_declared",
                    object_type="involvement",
                    object_id=involvement.id,
                    person_id=lead.person_id,
                    text=f"{who} {how} on {involvement.started_at.date()}: {involvement.reason}",
                    since=involvement.started_at.date(),
                )
            )
    return alerts
