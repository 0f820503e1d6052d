"""The ten stories, played through the services to their end state, as their agencies would.

Each `case_N` continues from the cast the loader built (app/demo/cases.py) and leaves the case
where the seed's text leaves it (case 8: where the serious case review says it should have been
left), so a newcomer can walk any of them in /docs with the printed credentials.

Dates: what the story tells as past happened on fixed dates in 2026; what is still to come (a
review "in 3 months", a referral's feedback date) is counted from the day the demo is loaded, so
it stays in the future. Steps the text does not give are marked "invented".
"""

import calendar
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.demo.cases import C8_BABY_NHS_NUMBER, PEOPLE, PRACTITIONERS
from app.models.casework import (
    CafCreate,
    CafStatus,
    CafTransition,
    ChildStatusCreate,
    ChildStatusKind,
    InvolvementDeclare,
    LeadAssign,
    Referral,
    ReferralCreate,
    ReferralDecline,
)
from app.models.conferences import ConferenceCreate, ConferenceKind, ConferenceNoteIn, NoteKind
from app.models.person import (
    FamilyCreate,
    FamilyMemberIn,
    Involvement,
    PersonKind,
    PersonRegister,
    PersonUpdate,
    RelationshipCreate,
    RelationshipKind,
)
from app.models.plans import (
    ActionCreate,
    ActionStatus,
    ActionTransition,
    ConcernCreate,
    ConcernSource,
    FailedContactIn,
    FollowUpIn,
    InvolvementEnd,
    Review,
    ReviewCreate,
    ReviewOutcome,
    ReviewStatus,
)
from app.models.requests import (
    AnswerShare,
    InformationRequestCreate,
    RequestAnswer,
    Share,
    ShareWithoutConsent,
)
from app.models.sharing import (
    AgendaAdd,
    Article9Condition,
    ConsentCreate,
    ConsentDecision,
    ConsentForm,
    ConsentStatement,
    ConsentWithdraw,
    DecisionKind,
    LegalBasis,
    RecordCreate,
    SharingDecision,
    SharingDecisionCreate,
)
from app.policy import Category, Level, Purpose
from app.principal import Principal
from app.services import (
    caf,
    child_status,
    conferences,
    consents,
    decisions,
    families,
    groups,
    involvements,
    people,
    plans,
    records,
    referrals,
    requests,
)

ANY = "*"  # If-Match: the demo is the only writer
C, P = Category, Purpose
NON_CONFIDENTIAL = Level.non_confidential
SAFEGUARDING = Article9Condition.safeguarding_children_and_individuals_at_risk
UNLAWFUL_ACTS = Article9Condition.preventing_or_detecting_unlawful_acts


def months_after(day: date, months: int) -> date:
    """The same day `months` later (the last day of a shorter month)."""
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


@dataclass
class Cast:
    """What the loader built: who acts (Principals), people, agencies, families, services and
    groups, by the keys of app/demo/cases.py; and the day the demo is loaded."""

    actors: dict[str, Principal]
    people: dict[str, uuid.UUID]
    agencies: dict[str, uuid.UUID]
    families: dict[str, uuid.UUID]
    services: dict[tuple[str, str], uuid.UUID]
    groups: dict[str, uuid.UUID]
    today: date

    def pid(self, practitioner_key: str) -> uuid.UUID:
        practitioner_id = self.actors[practitioner_key].practitioner_id
        assert practitioner_id is not None
        return practitioner_id

    def agency_of(self, practitioner_key: str) -> uuid.UUID:
        return self.agencies[PRACTITIONERS[practitioner_key].agency_key]


@dataclass
class Play:
    """The service calls the stories make, keyed by the cast's names."""

    session: AsyncSession
    cast: Cast

    def who(self, key: str) -> Principal:
        return self.cast.actors[key]

    def person(self, key: str) -> uuid.UUID:
        return self.cast.people[key]

    def _people(self, keys: Sequence[str]) -> list[uuid.UUID]:
        return [self.cast.people[k] for k in keys]

    def _agencies(self, keys: Sequence[str]) -> list[uuid.UUID]:
        return [self.cast.agencies[k] for k in keys]

    def _groups(self, keys: Sequence[str]) -> list[uuid.UUID]:
        return [self.cast.groups[k] for k in keys]

    async def register(self, actor: str, person: str, reason: str) -> uuid.UUID:
        """An agency starts working with someone another agency knows (linked by NHS number)."""
        spec = PEOPLE[person]
        profile = await people.register_person(
            self.session,
            self.who(actor),
            PersonRegister(
                kind=PersonKind(spec.kind),
                given_name=spec.given_name,
                family_name=spec.family_name,
                description=spec.description,
                date_of_birth=spec.date_of_birth,
                date_of_birth_estimated=spec.date_of_birth_estimated,
                expected_date=spec.expected_date,
                nhs_number=spec.nhs_number,
                reason=reason,
            ),
        )
        known = self.cast.people.setdefault(person, profile.person_id)
        assert known == profile.person_id, person
        return profile.person_id

    async def relate(
        self,
        actor: str,
        person: str,
        related: str,
        kind: RelationshipKind = RelationshipKind.parent,
        pr: bool = True,
    ) -> None:
        """`person` is the <kind> of `related`, as the actor's agency records it."""
        await people.create_relationship(
            self.session,
            self.who(actor),
            RelationshipCreate(
                person_id=self.person(person),
                related_person_id=self.person(related),
                kind=kind,
                parental_responsibility=pr,
            ),
        )

    async def record(
        self,
        actor: str,
        subject: str,
        category: Category,
        summary: str,
        on: date,
        level: Level = Level.confidential,
        detail: str | None = None,
    ) -> uuid.UUID:
        rec = await records.create_record(
            self.session,
            self.who(actor),
            RecordCreate(
                subject_person_id=self.person(subject),
                category=category,
                level=level,
                summary=summary,
                detail=detail,
                occurred_on=on,
            ),
        )
        return rec.id

    async def consent(
        self,
        actor: str,
        *,
        subjects: Sequence[str],
        given_by: Sequence[str],
        purposes: Sequence[Purpose],
        on: date,
        notes: str,
        refused: bool = False,
        form: ConsentForm = ConsentForm.verbal,
        holders: Sequence[str] = (),
        holder_groups: Sequence[str] = (),
        recipients: Sequence[str] = (),
        recipient_groups: Sequence[str] = (),
        categories: Sequence[Category] = (),
        show_involvement: bool = False,
    ) -> ConsentStatement:
        recorded = await consents.record_consent(
            self.session,
            self.who(actor),
            ConsentCreate(
                decision=ConsentDecision.refused if refused else ConsentDecision.granted,
                subjects=self._people(subjects),
                given_by=self._people(given_by),
                form=form,
                given_at=_at(on),
                holders=self._agencies(holders),
                holder_groups=self._groups(holder_groups),
                recipients=self._agencies(recipients),
                recipient_groups=self._groups(recipient_groups),
                purposes=list(purposes),
                categories=list(categories),
                show_involvement=show_involvement,
                notes=notes,
            ),
        )
        await recorded.writes.apply(self.session)
        return recorded.statement

    async def share_without_consent(
        self,
        actor: str,
        subject: str,
        *,
        purposes: Sequence[Purpose],
        legal_basis: LegalBasis,
        reasons: str,
        told: str | None,
        consent_sought: bool = False,
        consent_not_sought_reason: str | None = None,
        recipients: Sequence[str] = (),
        recipient_groups: Sequence[str] = (),
        categories: Sequence[Category] = (),
        record_ids: Sequence[uuid.UUID] = (),
        consulted: Sequence[str] = (),
        article9: Article9Condition | None = None,
    ) -> SharingDecision:
        """A holder's recorded decision to share without consent. `told`: None if the person was
        told, else why not."""
        return await decisions.record_decision(
            self.session,
            self.who(actor),
            SharingDecisionCreate(
                kind=DecisionKind.share,
                subject_person_id=self.person(subject),
                recipients=self._agencies(recipients),
                recipient_groups=self._groups(recipient_groups),
                purposes=list(purposes),
                categories=list(categories),
                record_ids=list(record_ids),
                legal_basis=legal_basis,
                reasons=reasons,
                consent_sought=consent_sought,
                consent_not_sought_reason=consent_not_sought_reason,
                subject_told=told is None,
                not_told_reason=told,
                consulted=list(consulted),
                article9_condition=article9,
            ),
        )

    async def refer(
        self,
        actor: str,
        subjects: Sequence[str],
        *,
        purpose: Purpose,
        reason: str,
        expected: str,
        to_agency: str | None = None,
        to_service: str | None = None,
        to_group: str | None = None,
        record_ids: Sequence[uuid.UUID] = (),
        accept_by: str | None = None,
    ) -> Referral:
        referral, _, writes = await referrals.create_referral(
            self.session,
            self.who(actor),
            ReferralCreate(
                to_agency_id=self.cast.agencies[to_agency] if to_agency else None,
                to_service_id=(
                    self.cast.services[(to_agency, to_service)]
                    if to_agency and to_service
                    else None
                ),
                to_group_id=self.cast.groups[to_group] if to_group else None,
                subject_person_ids=self._people(subjects),
                purpose=purpose,
                reason=reason,
                action_expected=expected,
                feedback_by=self.cast.today + timedelta(days=14),
                record_ids=list(record_ids),
            ),
        )
        await writes.apply(self.session)
        if accept_by is not None:
            await referrals.acknowledge(self.session, self.who(accept_by), referral.id, ANY)
            referral = await referrals.accept(self.session, self.who(accept_by), referral.id, ANY)
        return referral

    async def ask(
        self,
        actor: str,
        subject: str,
        *,
        holders: Sequence[str],
        purpose: Purpose,
        needed: str,
        categories: Sequence[Category] = (),
    ) -> uuid.UUID:
        req = await requests.create_request(
            self.session,
            self.who(actor),
            InformationRequestCreate(
                subject_person_id=self.person(subject),
                purpose=purpose,
                needed=needed,
                categories=list(categories),
                due_by=self.cast.today + timedelta(days=7),
                holders=self._agencies(holders),
            ),
        )
        return req.id

    async def answer(
        self,
        actor: str,
        request_id: uuid.UUID,
        record_ids: Sequence[uuid.UUID],
        *,
        for_practitioner: str,
        why: str,
        expected: str,
        without_consent: ShareWithoutConsent | None = None,
        note: str | None = None,
    ) -> None:
        await requests.answer(
            self.session,
            self.who(actor),
            request_id,
            RequestAnswer(
                share=AnswerShare(
                    record_ids=list(record_ids),
                    for_practitioner_id=self.cast.pid(for_practitioner),
                    why=why,
                    action_expected=expected,
                    without_consent=without_consent,
                ),
                note=note,
            ),
        )

    async def acknowledge_shares(self, actor: str, request_id: uuid.UUID) -> None:
        """The named practitioner acknowledges what was shared with them."""
        rows = await self.session.execute(
            select(col(Share.id)).where(Share.request_id == request_id).order_by(col(Share.id))
        )
        for share_id in list(rows.scalars()):
            await requests.acknowledge(self.session, self.who(actor), share_id, ANY)

    async def caf(self, actor: str, child: str, *steps: CafTransition) -> uuid.UUID:
        assessment = await caf.propose(
            self.session, self.who(actor), CafCreate(child_id=self.person(child))
        )
        await self.caf_steps(actor, assessment.id, *steps)
        return assessment.id

    async def caf_steps(self, actor: str, caf_id: uuid.UUID, *steps: CafTransition) -> None:
        for step in steps:
            await caf.transition(self.session, self.who(actor), caf_id, step, ANY)

    async def action(
        self,
        actor: str,
        *,
        plan: str,
        description: str,
        due: date,
        owner: str | None = None,
        owner_agency: str | None = None,
        child: str | None = None,
        family: str | None = None,
        then: Sequence[ActionTransition] = (),
        group: str | None = None,
        conference: uuid.UUID | None = None,
    ) -> uuid.UUID:
        """An action with its owner (a practitioner, or only an agency); `then` moves it on. A
        group's action is on its plan (`group`); one agreed at a meeting is tied to it
        (`conference`: the owner's agency attended)."""
        owner_agency_id = (
            self.cast.agency_of(owner)
            if owner
            else self.cast.agencies[owner_agency]
            if owner_agency
            else None
        )
        action = await plans.create_action(
            self.session,
            self.who(actor),
            ActionCreate(
                child_id=self.person(child) if child else None,
                family_id=self.cast.families[family] if family else None,
                group_id=self.cast.groups[group] if group else None,
                conference_id=conference,
                plan=plan,
                description=description,
                owner_agency_id=owner_agency_id,
                owner_practitioner_id=self.cast.pid(owner) if owner else None,
                due_on=due,
            ),
        )
        for step in then:
            await plans.move_action(self.session, self.who(actor), action.id, step, ANY)
        return action.id

    async def move(self, actor: str, action_id: uuid.UUID, step: ActionTransition) -> None:
        await plans.move_action(self.session, self.who(actor), action_id, step, ANY)

    async def review_done(self, actor: str, review_id: uuid.UUID, outcome: str) -> None:
        """A review recorded done with its outcome (a recurring one schedules the next)."""
        await plans.record_review(
            self.session,
            self.who(actor),
            review_id,
            ReviewOutcome(to=ReviewStatus.done, outcome=outcome),
            ANY,
        )

    async def review(
        self,
        actor: str,
        *,
        what: str,
        due: date,
        responsible: str,
        child: str | None = None,
        family: str | None = None,
        every_days: int | None = None,
        group: str | None = None,
    ) -> uuid.UUID:
        """A review; a group's (`group`) is read by the group's current members."""
        review = await plans.create_review(
            self.session,
            self.who(actor),
            ReviewCreate(
                child_id=self.person(child) if child else None,
                family_id=self.cast.families[family] if family else None,
                group_id=self.cast.groups[group] if group else None,
                what=what,
                due_on=due,
                responsible_practitioner_id=self.cast.pid(responsible),
                recurrence_days=every_days,
            ),
        )
        return review.id

    async def meeting(
        self,
        actor: str,
        *,
        kind: ConferenceKind,
        title: str,
        held_on: date,
        purpose: Purpose,
        chair: str,
        attending: Sequence[str],
        subjects: Sequence[str] = (),
        families: Sequence[str] = (),
        family_attendees: Sequence[str] = (),
        group: str | None = None,
        notes: Sequence[tuple[str, NoteKind, str]] = (),
        attendees: Sequence[str] = (),
    ) -> uuid.UUID:
        """A meeting, the practitioners who attended, and what each agency said or decided there:
        (actor, kind, text)."""
        conference = await conferences.create_conference(
            self.session,
            self.who(actor),
            ConferenceCreate(
                kind=kind,
                title=title,
                held_on=held_on,
                purpose=purpose,
                group_id=self.cast.groups[group] if group else None,
                chair_practitioner_id=self.cast.pid(chair),
                attending_agency_ids=self._agencies(attending),
                subject_person_ids=self._people(subjects),
                family_ids=[self.cast.families[f] for f in families],
                family_attendees=list(family_attendees),
                attendee_practitioner_ids=[self.cast.pid(a) for a in attendees],
            ),
        )
        for who, note_kind, text in notes:
            await conferences.add_note(
                self.session,
                self.who(who),
                conference.id,
                ConferenceNoteIn(kind=note_kind, text=text),
            )
        return conference.id

    async def declare(
        self, actor: str, person: str, reason: str, service: str | None = None
    ) -> None:
        """A practitioner declares their own involvement, in a named service of their agency."""
        agency_key = PRACTITIONERS[actor].agency_key
        await involvements.declare(
            self.session,
            self.who(actor),
            self.person(person),
            InvolvementDeclare(
                reason=reason,
                service_id=self.cast.services[(agency_key, service)] if service else None,
                practitioner_id=self.cast.pid(actor),
            ),
        )

    async def lead(
        self, actor: str, child: str, lead: str, agreed_by: Sequence[str], on: date, reason: str
    ) -> None:
        await involvements.assign_lead(
            self.session,
            self.who(actor),
            self.person(child),
            LeadAssign(
                practitioner_id=self.cast.pid(lead),
                agreed_by=self._people(agreed_by),
                agreed_on=on,
                reason=reason,
            ),
        )


def _done(outcome: str) -> ActionTransition:
    return ActionTransition(to=ActionStatus.done, outcome=outcome)


STARTED = ActionTransition(to=ActionStatus.in_progress)
SOUGHT = CafTransition(to=CafStatus.consent_sought)


# --- Case 1 ------------------------------------------------------------------------------------


async def case_1(session: AsyncSession, cast: Cast) -> None:
    """Kate: with her consent the health visitor refers her to Kelly, the outreach worker; Kelly
    asks the midwife, housing and the health visitor for what they hold, and each shares what is
    right to share; they agree to alert each other to concerns, and the midwife does. The repairs
    are done, Kate goes to the club on her own and, in time, back to work part-time, with
    childcare Kelly helps her arrange through the centre."""
    p = Play(session, cast)
    hv, kelly = "c1_health_visitor", "c1_kelly"
    midwife, housing = "c1_midwife", "c1_housing_officer"
    kate = "c1_kate"
    # Before: what the midwife and the housing office already hold.
    postnatal = await p.record(
        midwife,
        kate,
        C.family_circumstances,
        "Postnatal visits: Kate very tired; no one to help her at home",
        date(2026, 10, 24),
    )
    await p.record(
        midwife,
        kate,
        C.health,
        "Postnatal check: recovering well from the birth",
        date(2026, 10, 24),
    )
    tenancy = await p.record(
        housing,
        kate,
        C.housing,
        "Tenant of Flat 6, Ashdown Court since 2024; no repair has been reported",
        date(2026, 10, 20),
        level=NON_CONFIDENTIAL,
    )
    # The health visitor's visit.
    await p.record(
        hv,
        kate,
        C.mental_health,
        "Says she has been feeling really low since the separation",
        date(2026, 10, 27),
    )
    situation = await p.record(
        hv,
        kate,
        C.family_circumstances,
        "Single mother of a toddler and a new baby, struggling to cope; no family support since "
        "she and her husband separated",
        date(2026, 10, 27),
    )
    damp = await p.record(
        hv,
        kate,
        C.housing,
        "Both bedrooms damp; all three have chest infections; not reported: Kate does not feel "
        "confident going out with the children",
        date(2026, 10, 27),
    )
    outreach = [C.family_circumstances, C.housing]
    await p.consent(
        hv,
        subjects=[kate],
        given_by=[kate],
        recipients=["childrens_centre"],
        purposes=[P.family_support],
        categories=outreach,
        on=date(2026, 10, 27),
        notes="Kate takes up the offer of an outreach visit; the health visitor may tell the "
        "outreach worker about her situation and her home (not her health).",
    )
    await p.refer(
        hv,
        [kate, "c1_oliver", "c1_mia"],
        to_agency="childrens_centre",
        to_service="Outreach",
        purpose=P.family_support,
        reason="Kate struggles to cope with a toddler and a new baby, has no family support and "
        "a damp home she has not felt able to report.",
        expected="An outreach visit: help Kate contact the housing office and find the "
        "children's centre's services.",
        record_ids=[situation, damp],
        accept_by=kelly,
    )
    # Kelly's first visit.
    await p.register(kelly, kate, "Outreach: referred by the health visitor")
    await p.record(
        kelly,
        kate,
        C.family_circumstances,
        "First visit: life is hard as a single mother; always tired, no time for herself; "
        "worried about the living conditions. Expects the midwife in the next couple of days.",
        date(2026, 10, 30),
    )
    partners = ["childrens_centre", "midwifery", "council_housing", "health_visiting"]
    await p.consent(
        kelly,
        subjects=[kate],
        given_by=[kate],
        holders=partners,
        recipients=partners,
        purposes=[P.family_support, P.housing_support],
        categories=outreach,
        on=date(2026, 10, 30),
        notes="Kate agrees Kelly contacts the midwife (saves her explaining everything again), "
        "the housing office about the repairs, and the health visitor.",
    )
    request = await p.ask(
        kelly,
        kate,
        holders=["midwifery", "council_housing", "health_visiting"],
        purpose=P.family_support,
        categories=outreach,
        needed="I visited Kate today. Anything that would help me support her and get the "
        "damp repaired; Kate has agreed.",
    )
    expected = "Read before Kelly's next visit; alert each other to any concern about the children."
    await p.answer(
        housing,
        request,
        [tenancy],
        for_practitioner=kelly,
        why="Her tenancy, so that the repair can be raised",
        expected=expected,
        note="We will send someone to look at the damp.",
    )
    await p.answer(
        midwife,
        request,
        [postnatal],
        for_practitioner=kelly,
        why="How Kate is managing at home",
        expected=expected,
        note="Her health stays with us: not needed for the outreach work.",
    )
    await p.answer(
        hv,
        request,
        [situation],
        for_practitioner=kelly,
        why="The family's situation as I found it",
        expected=expected,
    )
    await p.acknowledge_shares(kelly, request)
    # The agreement to alert each other, at work: the midwife's postnatal visit.
    await plans.raise_concern(
        session,
        p.who(midwife),
        ConcernCreate(
            child_id=p.person("c1_mia"),
            summary="Mia has a chest infection; the bedrooms are still damp and Kate is exhausted",
            source=ConcernSource.practitioner,
        ),
    )
    # Kelly's second visit: repairs arranged, the mother and baby club.
    await p.record(
        housing,
        kate,
        C.housing,
        "Repairs to both bedrooms (damp) arranged after the outreach worker's call",
        date(2026, 11, 3),
        level=NON_CONFIDENTIAL,
    )
    await p.record(
        kelly,
        kate,
        C.family_circumstances,
        "Second visit: Kate much happier; repairs arranged. Agrees to try the mother and baby "
        "club; Kelly will go with her and the children to the first sessions.",
        date(2026, 11, 3),
        level=NON_CONFIDENTIAL,
    )
    await p.declare(
        kelly, kate, "Goes with Kate to the mother and baby club", service="Mother and baby club"
    )
    await p.record(
        kelly,
        kate,
        C.family_circumstances,
        "Now attends the mother and baby club on her own; growing in confidence; a regular at "
        "the children's centre",
        date(2026, 11, 24),
        level=NON_CONFIDENTIAL,
    )
    # In time, Kate returns to work part-time; Kelly helps her arrange childcare through the
    # centre. The centre's own plan for the family: Kelly registers the children (the referral
    # named them) and records what she did, both done, with outcomes.
    for child in ("c1_oliver", "c1_mia"):
        await p.register(kelly, child, "Outreach: referred with Kate by the health visitor")
    cast.families["c1_outreach_family"] = await _family(
        session, p.who(kelly), "Kate's family", [p.person(k) for k in (kate, "c1_oliver", "c1_mia")]
    )
    await p.action(
        kelly,
        plan="Outreach support",
        description="Go with Kate and the children to the first mother and baby club sessions",
        due=date(2026, 11, 17),
        owner=kelly,
        family="c1_outreach_family",
        then=[STARTED, _done("Kate now goes to the club on her own")],
    )
    await p.record(
        kelly,
        kate,
        C.family_circumstances,
        "Kate is returning to work part-time; childcare for Oliver and Mia arranged through the "
        "children's centre",
        date(2026, 11, 30),
        level=NON_CONFIDENTIAL,
    )
    await p.action(
        kelly,
        plan="Outreach support",
        description="Help Kate arrange childcare through the centre for her part-time work",
        due=date(2026, 11, 30),
        owner=kelly,
        family="c1_outreach_family",
        then=[_done("Childcare arranged at the centre; Kate starts part-time work")],
    )


# --- Case 2 ------------------------------------------------------------------------------------


async def case_2(session: AsyncSession, cast: Cast) -> None:
    """Cathy: her consent for Ben's attendance (the nurseries) does not cover his health; a CAF
    with her consent, consent again for the health visitor, then the GP."""
    p = Play(session, cast)
    organiser, volunteer, hv, gp = "c2_organiser", "c2_volunteer", "c2_health_visitor", "c2_gp"
    nursery, new_nursery = "c2_nursery_teacher", "c2_new_nursery_teacher"
    cathy, ben = "c2_cathy", "c2_ben"
    attendance = await p.record(
        nursery,
        ben,
        C.education,
        "Erratic attendance: 9 of 30 sessions this half-term",
        date(2026, 9, 4),
        level=NON_CONFIDENTIAL,
    )
    await p.refer(
        nursery,
        [cathy, ben],
        to_agency="home_start",
        purpose=P.family_support,
        reason="Ben's attendance at nursery is erratic; his young mother may need support.",
        expected="A Home-Start visit to offer Cathy support.",
        record_ids=[attendance],
        accept_by=organiser,
    )
    await p.record(
        organiser,
        cathy,
        C.family_circumstances,
        "Fled a violent relationship; anxious that no one learns where the family lives",
        date(2026, 9, 14),
    )
    await p.record(
        organiser,
        ben,
        C.family_circumstances,
        "Nursery place near the old B&B: from the hostel it is a long walk with no cross-town "
        "transport, so Ben often misses nursery",
        date(2026, 9, 14),
    )
    attendance_scope = [C.family_circumstances, C.education]
    first = await p.consent(
        organiser,
        subjects=[cathy, ben],
        given_by=[cathy],
        recipients=["hillcrest_nursery"],
        purposes=[P.education_support],
        categories=attendance_scope,
        form=ConsentForm.written,
        on=date(2026, 9, 21),
        notes="Informed consent: Home-Start may talk to Ben's nursery about his attendance.",
    )
    await p.consent(
        organiser,
        subjects=[cathy, ben],
        given_by=[cathy],
        recipients=["meadow_lane_nursery"],
        purposes=[P.education_support],
        categories=attendance_scope,
        form=ConsentForm.written,
        on=date(2026, 9, 28),
        notes="For Ben's move to a nursery closer to the hostel.",
    )
    await p.register(new_nursery, ben, "Nursery place: moved from Hillcrest, closer to the hostel")
    await p.record(
        new_nursery,
        ben,
        C.education,
        "Attendance since the move: 28 of 30 sessions",
        date(2026, 10, 30),
        level=NON_CONFIDENTIAL,
    )
    hillcrest = p.who(nursery)
    for inv in await involvements.own_involvements(session, hillcrest, p.person(ben)):
        if inv.ended_at is None:
            await plans.end_involvement(
                session,
                hillcrest,
                inv.id,
                InvolvementEnd(
                    reason="Ben has moved to Meadow Lane School Nursery", concerns_remain=False
                ),
            )
    await consents.withdraw_consent(
        session,
        p.who(organiser),
        first.id,
        ConsentWithdraw(
            reason="Ben has left Hillcrest: Cathy does not want the first nursery told anything "
            "more about the family (invented)."
        ),
        ANY,
    )
    # Ben's health: a CAF, and consent again, this time for the health visitor.
    await p.record(
        volunteer,
        ben,
        C.health,
        "Volunteer worried Ben may not hear well; he missed his developmental and hearing checks "
        "as the family kept moving",
        date(2026, 10, 5),
    )
    await p.caf(
        organiser,
        ben,
        SOUGHT,
        CafTransition(to=CafStatus.in_progress, note="Cathy agrees to a common assessment"),
        CafTransition(
            to=CafStatus.completed,
            strengths="A loving mother; Ben's attendance is good since the move",
            needs="A hearing test and the missed developmental checks; Cathy is isolated, away "
            "from her own family with no easy transport",
            completed_with=["Cathy Dunmore", "Margaret Lane (Home-Start organiser)"],
        ),
    )
    await p.consent(
        organiser,
        subjects=[ben],
        given_by=[cathy],
        recipients=["health_visiting"],
        purposes=[P.health_care],
        categories=[C.health, C.family_circumstances],
        form=ConsentForm.written,
        on=date(2026, 10, 19),
        notes="Consent sought again: the first was for Ben's nursery attendance, not his health.",
    )
    result = await p.record(
        hv,
        ben,
        C.health,
        "Hearing test at the clinic (the volunteer came with Cathy and Ben): a problem with his "
        "adenoids; to see his GP for treatment",
        date(2026, 11, 2),
    )
    await p.consent(
        hv,
        subjects=[ben],
        given_by=[cathy],
        recipients=["hillview_surgery"],
        purposes=[P.health_care],
        categories=[C.health],
        on=date(2026, 11, 2),
        notes="Cathy agrees the health visitor refers Ben to his GP with the hearing result.",
    )
    await p.refer(
        hv,
        [ben],
        to_agency="hillview_surgery",
        purpose=P.health_care,
        reason="Hearing test: a problem with his adenoids.",
        expected="See Ben and arrange treatment.",
        record_ids=[result],
        accept_by=gp,
    )
    # Cathy's isolation.
    await p.declare(volunteer, cathy, "Brings Cathy to the Home-Start group", "Parents' group")
    await p.record(
        volunteer,
        cathy,
        C.family_circumstances,
        "Comes to the Home-Start group and school events; has made friends with other young "
        "mothers",
        date(2026, 11, 16),
        level=NON_CONFIDENTIAL,
    )


# --- Case 3 ------------------------------------------------------------------------------------


async def case_3(session: AsyncSession, cast: Cast) -> None:
    """Jenny and Jack: the mother refuses consent for her health information; the health visitor
    records a decision not to share; school and health visitor monitor fortnightly, each with a
    named person responsible."""
    p = Play(session, cast)
    hv, teacher = "c3_health_visitor", "c3_jack_teacher"
    lisa, jack = "c3_lisa", "c3_jack"
    school = cast.agencies["oakfield_primary"]
    # Working with the family, the health visitor had used the CAF with Jack.
    await p.caf(
        hv,
        jack,
        SOUGHT,
        CafTransition(to=CafStatus.in_progress, note="Lisa agrees; not to be shared with school"),
        CafTransition(
            to=CafStatus.completed,
            strengths="A loving family; Jenny is doing well at school",
            needs="Jack's weight and tiredness; support for his mother with three under six",
            completed_with=["Lisa Harper", "Siobhan Kelly (health visitor)"],
        ),
    )
    await p.record(
        teacher,
        jack,
        C.education,
        "Often late and last to be collected; hungry; falls asleep in class",
        date(2026, 10, 6),
        level=NON_CONFIDENTIAL,
    )
    await p.record(
        "c3_school_nurse",
        jack,
        C.health,
        "Informal advice to his teacher on his size, hunger and tiredness: not enough for a "
        "referral to children's social care",
        date(2026, 10, 8),
    )
    await p.record(
        hv,
        lisa,
        C.family_circumstances,
        "Three children under six; the family has had some difficulties",
        date(2026, 9, 15),
        level=NON_CONFIDENTIAL,
    )
    await p.record(
        hv,
        lisa,
        C.mental_health,
        "Low mood since the birth of her youngest; accepting support",
        date(2026, 9, 15),
    )
    purpose = P.early_help_assessment
    await p.consent(
        hv,
        refused=True,
        subjects=[lisa],
        given_by=[lisa],
        recipients=["oakfield_primary"],
        purposes=[purpose],
        on=date(2026, 10, 13),
        notes="Lisa does not want her health discussed with the school.",
    )
    await decisions.record_decision(
        session,
        p.who(hv),
        SharingDecisionCreate(
            kind=DecisionKind.not_share,
            subject_person_id=p.person(lisa),
            recipients=[school],
            purposes=[purpose],
            categories=[C.mental_health],
            reasons=(
                "The benefit to the children would be small; Lisa accepts services out of "
                "school, which should help."
            ),
            consent_sought=True,
            subject_told=True,
            consulted=["School nurse", "School child protection lead"],
        ),
    )
    # The interim monitoring, documented so that everyone knows who is responsible.
    first = cast.today + timedelta(days=14)
    await p.review(
        hv,
        child=jack,
        what="Fortnightly monitoring with the school (Jack's teacher and the child protection "
        "lead): confer; act early, including a possible referral to children's social care, if "
        "the children's care does not improve",
        due=first,
        responsible=hv,
        every_days=14,
    )
    await p.review(
        "c3_cp_lead",
        child=jack,
        what="Fortnightly monitoring with the health visitor: Jack's punctuality, hunger, "
        "tiredness and weight; confer with her before each review",
        due=first,
        responsible="c3_cp_lead",
        every_days=14,
    )


# --- Case 4 ------------------------------------------------------------------------------------


async def case_4(session: AsyncSession, cast: Cast) -> None:
    """The estate: police notify the YOS; the schools share confidential information without
    consent (risk of significant harm) and tell the family; a multi-agency meeting agrees a joint
    action plan."""
    p = Play(session, cast)
    police, yos, ews = "c4_police_officer", "c4_yos_worker", "c4_ews_officer"
    jackie, brett, connor = "c4_jackie", "c4_brett", "c4_connor"
    children = (jackie, brett, connor)
    police_records: dict[str, list[uuid.UUID]] = {c: [] for c in children}
    for child in children:
        police_records[child].append(
            await p.record(
                police,
                child,
                C.offending,
                "Named by witnesses over two car fires on the estate; interviewed with parents",
                date(2026, 10, 5),
            )
        )
    police_records[jackie].append(
        await p.record(
            police,
            jackie,
            C.offending,
            "Verbally abusive to her mother and to officers at the interview",
            date(2026, 10, 5),
        )
    )
    for child in (brett, connor):
        police_records[child].append(
            await p.record(
                police,
                child,
                C.offending,
                "Picked up stealing sweets; admits truanting; Reprimand issued",
                date(2026, 10, 13),
            )
        )
    await p.record(
        police,
        "c4_robert",
        C.offending,
        "Past conviction: handling stolen goods (short prison sentence)",
        date(2019, 3, 4),
    )
    for child in children:
        await p.share_without_consent(
            police,
            child,
            recipients=["yos"],
            purposes=[P.crime_and_disorder_reduction],
            categories=[C.offending],
            legal_basis=LegalBasis.crime_and_disorder_act_s115,
            article9=UNLAWFUL_ACTS,
            reasons="Risk of poor outcomes for all three children and of harm to others through "
            "anti-social and offending behaviour: notify the preventative partnership.",
            consent_not_sought_reason="A notification under s.115 to the local preventative "
            "partnership; it does not depend on the family's agreement.",
            told=None,
        )
    await p.refer(
        police,
        list(children),
        to_agency="yos",
        purpose=P.crime_and_disorder_reduction,
        reason="Car fires, vandalism, theft and truanting; concern for the children's outcomes "
        "and for others.",
        expected="Assess the risks to the children (children in need? at risk of significant "
        "harm?); contact their schools.",
        record_ids=[r for c in children for r in police_records[c]],
        accept_by=yos,
    )
    for child in children:
        await p.register(yos, child, "Notified by the police: prevention")
    for child in (brett, connor):
        await p.register(ews, child, "Truanting (police report)")
    # What the schools hold.
    connor_school = [
        await p.record(
            "c4_connor_teacher",
            connor,
            C.education,
            "Bright, but aggressive towards other children; his father condones it",
            date(2026, 9, 30),
        ),
        await p.record(
            "c4_connor_teacher",
            connor,
            C.family_circumstances,
            "Told his teacher that older boys who go around with his brother bully him into "
            "'naughty' things like breaking windows",
            date(2026, 10, 9),
        ),
    ]
    brett_school = [
        await p.record(
            "c4_brett_head_of_year",
            brett,
            C.education,
            "Could do well but seems uninterested; acts the fool and enjoys being sent out",
            date(2026, 10, 2),
            level=NON_CONFIDENTIAL,
        ),
        await p.record(
            "c4_brett_mentor",
            brett,
            C.family_circumstances,
            "Told his learning mentor he must be 'big' and 'hard' as head of the family because "
            "of his father's illness; breaking the law is fine if it protects his family",
            date(2026, 10, 7),
        ),
    ]
    jackie_school = [
        await p.record(
            "c4_jackie_head_of_year",
            jackie,
            C.education,
            "Disruptive, obscene language, walks out when challenged; parents have not answered "
            "the school's requests to meet",
            date(2026, 10, 1),
            level=NON_CONFIDENTIAL,
        ),
        await p.record(
            "c4_jackie_teacher",
            jackie,
            C.other,
            "Told her tutor in confidence she got mixed up with an older crowd who tried to "
            "introduce her to drugs; worried about their sexual advances",
            date(2026, 10, 8),
        ),
        await p.record(
            "c4_school_nurse",
            jackie,
            C.health,
            "Smokes a lot; has recently lost a lot of weight",
            date(2026, 10, 8),
        ),
    ]
    # The YOS asks the schools; they share without consent and tell the family.
    without_consent = ShareWithoutConsent(
        legal_basis=LegalBasis.risk_of_significant_harm,
        reasons="The children may be involved in criminal behaviour and at risk of significant "
        "harm: an informed assessment needs all the school knows, confidential or not.",
        consent_sought=False,
        consent_not_sought_reason="The parents have not responded to the school's attempts to "
        "discuss its concerns; waiting would delay protecting the children.",
        subject_told=True,
        consulted=["Head of year", "School child protection lead"],
        article9_condition=SAFEGUARDING,
    )
    for child, school_actor, school_key, held in (
        (jackie, "c4_jackie_head_of_year", "brackenford_academy", jackie_school),
        (brett, "c4_brett_head_of_year", "brackenford_academy", brett_school),
        (connor, "c4_connor_teacher", "elm_park_primary", connor_school),
    ):
        request = await p.ask(
            yos,
            child,
            holders=[school_key],
            purpose=P.crime_and_disorder_reduction,
            needed="To assess the risks to the child of involvement in crime and exploitation: "
            "behaviour, attendance, and anything the child has told staff.",
        )
        await p.answer(
            school_actor,
            request,
            held,
            for_practitioner=yos,
            why="All the school knows, for the risk assessment",
            expected="Use it for the assessment and the multi-agency meeting.",
            without_consent=without_consent,
            note="The parents and the young people were told that the school is sharing this.",
        )
        await p.acknowledge_shares(yos, request)
    await p.meeting(
        yos,
        kind=ConferenceKind.team_around_the_family,
        title="Multi-agency meeting: the Walsh children",
        held_on=date(2026, 11, 4),
        purpose=P.crime_and_disorder_reduction,
        chair=yos,
        attending=[
            "police",
            "yos",
            "ews",
            "elm_park_primary",
            "brackenford_academy",
            "fire_service",
        ],
        subjects=list(children),
        family_attendees=["Linda Walsh (mother)", "Jackie Walsh", "Brett Walsh"],
        notes=(
            (police, NoteKind.contribution, "The car fires, the thefts and the Reprimands"),
            ("c4_fire_officer", NoteKind.contribution, "Two cars set alight on the estate"),
            (ews, NoteKind.contribution, "Brett and Connor have been truanting"),
            (
                yos,
                NoteKind.decision,
                "Joint plan: clear boundaries and behaviour monitored; advice and support on "
                "sexual health and drugs; better attendance and achievement; prevent "
                "involvement in crime. The family contributed to the plan.",
            ),
        ),
    )
    plan, due = "Joint action plan", cast.today + timedelta(days=42)
    for child in children:
        await p.action(
            yos,
            child=child,
            plan=plan,
            description="YOS prevention work: agreed boundaries; behaviour monitored weekly",
            owner=yos,
            due=due,
            then=[STARTED],
        )
    await p.action(
        yos,
        child=jackie,
        plan=plan,
        description="Advice and support on sexual health and drugs with the school nurse",
        owner="c4_school_nurse",
        due=due,
    )
    await p.action(
        yos,
        child=brett,
        plan=plan,
        description="Weekly sessions with his learning mentor: behaviour, and his role at home",
        owner="c4_brett_mentor",
        due=due,
        then=[STARTED],
    )
    await p.action(
        yos,
        child=connor,
        plan=plan,
        description="Find out who is bullying Connor into damaging property; protect him",
        owner="c4_connor_teacher",
        due=due,
    )
    for child in (brett, connor):
        await p.action(
            yos,
            child=child,
            plan=plan,
            description="Daily attendance checks; a home visit after any unexplained absence",
            owner=ews,
            due=due,
        )
    await p.action(
        yos,
        child=brett,
        plan=plan,
        description="Fire safety and arson awareness session",
        owner="c4_fire_officer",
        due=due,
    )


# --- Case 5 ------------------------------------------------------------------------------------


async def case_5(session: AsyncSession, cast: Cast) -> None:
    """The JAG: members share under s.115, put three families on the monthly meeting's agenda,
    agree actions with owners, and review progress at the next meeting."""
    p = Play(session, cast)
    chair, deputy, probation = "c5_jag_chair", "c5_police_deputy", "c5_probation_officer"
    housing, manager, adviser = (
        "c5_housing_officer",
        "c5_connexions_manager",
        "c5_connexions_adviser",
    )
    october, november = date(2026, 10, 14), date(2026, 11, 11)
    jag = ["jag"]
    # Before the meeting each agency weighs what it may share, and records why.
    brought = (
        (deputy, "c5_tony", C.offending, "Well known to police; hangs around with a large group; "
         "often aggressive when approached", date(2026, 10, 2)),
        (deputy, "c5_tony", C.other, "Public report being intimidated and abused by the group; "
         "drug and alcohol abuse suspected to be rife in it", date(2026, 10, 2)),
        (probation, "c5_martin", C.offending, "On probation after a conviction for drug-related "
         "offences", date(2026, 10, 7)),
        (adviser, "c5_louise", C.substance_misuse, "Told her adviser some of the group pressure "
         "her to try hard drugs; adviser spoke about the dangers and other activities",
         date(2026, 10, 1)),
        (deputy, "c5_paul", C.offending, "Charged with a public order offence after threats to "
         "neighbours", date(2026, 9, 28)),
        (deputy, "c5_joanne", C.offending, "Reported by neighbours several times for threatening "
         "behaviour", date(2026, 9, 20)),
        (deputy, "c5_jordan", C.other, "Neighbours report the children out late at night, "
         "swearing, damaging property and bullying other children", date(2026, 10, 4)),
        (housing, "c5_karen", C.family_circumstances, "Anonymous calls reporting suspected "
         "domestic violence at the address", date(2026, 10, 3)),
        (deputy, "c5_charlie", C.offending, "Convicted of actual bodily harm after a drunken "
         "nightclub fight; drugs believed central to it", date(2026, 8, 15)),
        (deputy, "c5_ben", C.offending, "Picked up drunk and disorderly several times; "
         "returned home", date(2026, 9, 26)),
    )  # fmt: skip
    for actor, subject, category, summary, on in brought:
        await p.record(actor, subject, category, summary, on)
        await p.share_without_consent(
            actor,
            subject,
            recipient_groups=jag,
            purposes=[P.crime_and_disorder_reduction],
            categories=[category],
            legal_basis=LegalBasis.crime_and_disorder_act_s115,
            article9=UNLAWFUL_ACTS,
            reasons="A cause for concern under the Crime and Disorder Act: the public interest "
            "in targeted action outweighs confidentiality; only what the JAG needs.",
            consent_not_sought_reason="Shared under the JAG's s.115 protocol; seeking consent "
            "would prejudice preventing crime and disorder.",
            told="Telling them now could prejudice the prevention of crime and disorder; "
            "reconsidered at each meeting.",
        )
    # The families selected for targeted intervention, by the members who know them.
    reason = "Selected for targeted intervention and support"
    for family in ("c5_family2", "c5_family3"):
        await groups.add_to_agenda(
            session,
            p.who(housing),
            cast.groups["jag"],
            AgendaAdd(family_id=cast.families[family], meeting_on=october, reason=reason),
        )
    await groups.add_to_agenda(
        session,
        p.who(adviser),
        cast.groups["jag"],
        AgendaAdd(person_id=p.person("c5_louise"), meeting_on=october, reason=reason),
    )
    # The police know someone in each family: the deputy records the meetings for the chair.
    known_to_police = [
        "c5_martin", "c5_tony",
        "c5_paul", "c5_joanne", "c5_jordan", "c5_ellie", "c5_sam",
        "c5_karen", "c5_charlie", "c5_ben",
    ]  # fmt: skip
    # Louise, whom Connexions put on the agenda, is discussed too.
    on_the_agenda = [*known_to_police, "c5_louise"]
    members = ["la_social_inclusion", "police", "probation", "yos", "housing_trust", "connexions"]
    # The named practitioners at the table: one of each member agency, and the personal adviser.
    present = [chair, deputy, probation, "c5_yos_worker", housing, manager, adviser]
    october_meeting = await p.meeting(
        deputy,
        kind=ConferenceKind.group_meeting,
        title="JAG monthly meeting, October",
        held_on=october,
        purpose=P.crime_and_disorder_reduction,
        group="jag",
        chair=chair,
        attending=members,
        subjects=on_the_agenda,
        attendees=present,
        notes=(
            (manager, NoteKind.contribution, "Family 1: the adviser has already talked to "
             "Louise about the dangers of drugs; neither Charlie nor Ben (Family 3) has sought "
             "Connexions' services"),
            (chair, NoteKind.decision, "Three families selected for targeted intervention and "
             "support; actions agreed with their owners; progress reviewed at the next meeting"),
        ),
    )  # fmt: skip
    plan = "JAG action plan"
    first_review = november
    # The actions are the JAG's plan, agreed at the meeting: tied to it when the owner's agency
    # was there (children's social care and education welfare were not).
    jag_plan: dict[str, Any] = {"group": "jag", "plan": plan}
    agreed: dict[str, Any] = {**jag_plan, "conference": october_meeting}
    # Family 1.
    assessment = await p.action(
        deputy,
        child="c5_tony",
        **jag_plan,
        description="Assess each child (Tony and Louise) and the impact of their parents' drug "
        "misuse on their welfare",
        owner="c5_social_worker",
        due=cast.today + timedelta(days=28),
    )
    await p.action(
        probation,
        child="c5_martin",
        **agreed,
        description="Check the father's licence conditions and the parents' behaviour",
        owner=probation,
        due=first_review,
        then=[_done("No known breaches; the parents' behaviour is not currently a concern")],
    )
    patrol = await p.action(
        deputy,
        child="c5_tony",
        **agreed,
        description="Alert the community support officers to the group; a short intensive "
        "patrol; disperse where necessary; remind shopkeepers about selling alcohol to under-18s",
        owner=deputy,
        due=first_review,
    )
    youth_work = await p.action(
        deputy,
        child="c5_tony",
        **agreed,
        description="Youth workers to talk to the group and engage them in other activities",
        owner=manager,
        due=first_review,
    )
    club = await p.action(
        adviser,
        child="c5_louise",
        **agreed,
        description="Work with Louise to find a youth club she and her friends can attend",
        owner=adviser,
        due=first_review,
    )
    # Family 2.
    incidents = await p.action(
        housing,
        family="c5_family2",
        **agreed,
        description="Ask the neighbours to record incidents; speak to the family about their "
        "behaviour; community support officers to visit at different times this month",
        owner=deputy,
        due=first_review,
    )
    await p.action(
        housing,
        family="c5_family2",
        **agreed,
        description="Tell the family they risk breaching their tenancy agreement (and eviction)",
        owner=housing,
        due=first_review,
        then=[_done("Letter delivered and discussed with both parents")],
    )
    schools = await p.action(
        housing,
        family="c5_family2",
        **jag_plan,
        description="Ask the children's schools for relevant information for the next meeting",
        owner="c5_ews_officer",
        due=first_review,
    )
    # Family 3.
    await p.action(
        housing,
        family="c5_family3",
        **agreed,
        description="Engage Ben and Charlie: advice and guidance; options for Charlie in "
        "employment, education or training; sport or youth work; a counsellor if they want one",
        owner=adviser,
        due=cast.today + timedelta(days=14),
        then=[STARTED],
    )
    await p.action(
        housing,
        family="c5_family3",
        **agreed,
        description="Family support unit: monitor the suspected domestic violence; liaise",
        owner=deputy,
        due=cast.today + timedelta(days=14),
        then=[STARTED],
    )
    # Progress is reviewed at each meeting: the group's review of each family, due at the next
    # meeting and monthly after that, each with a member agency's practitioner responsible.
    progress_reviews = {}
    for key, about, responsible in (
        ("Family 1", {"child": "c5_louise"}, chair),
        ("Family 2", {"family": "c5_family2"}, housing),
        ("Family 3", {"family": "c5_family3"}, manager),
    ):
        progress_reviews[key] = await p.review(
            chair,
            **about,
            group="jag",
            what=f"{key}: progress of the JAG's actions, at the next meeting",
            due=november,
            responsible=responsible,
            every_days=28,
        )
    # Progress reviewed at the next monthly meeting.
    await p.move(deputy, patrol, _done("Intensive patrol in place for two weeks; shopkeepers "
                                       "reminded of their licences"))  # fmt: skip
    await p.move(manager, youth_work, STARTED)
    await p.move(
        adviser,
        club,
        _done(
            "Louise and her friends attend a youth club; she appears to have severed her ties "
            "with those who were enticing her into drug use"
        ),
    )
    await p.move(deputy, incidents, _done("Neighbours keep incident diaries; family spoken to"))
    await p.move("c5_ews_officer", schools, STARTED)
    await p.move("c5_social_worker", assessment, STARTED)
    await p.meeting(
        deputy,
        attendees=present,
        kind=ConferenceKind.group_meeting,
        title="JAG monthly meeting, November",
        held_on=november,
        purpose=P.crime_and_disorder_reduction,
        group="jag",
        chair=chair,
        attending=members,
        subjects=on_the_agenda,
        notes=(
            (chair, NoteKind.decision, "Progress reviewed: patrols done, Louise at a youth club, "
             "tenancy warning given; the children's assessments and the schools' information "
             "to come to the next meeting"),
        ),
    )  # fmt: skip
    # At the meeting each responsible member records its family's progress; the next review
    # falls due at the December meeting.
    progress = (
        ("Family 1", chair, "Parole checked; patrol done; Louise at a youth club; the "
         "children's assessments under way"),
        ("Family 2", housing, "Incident diaries kept; tenancy warning given; the schools' "
         "information to come"),
        ("Family 3", manager, "Connexions engaging Ben and Charlie; the family support unit "
         "monitoring"),
    )  # fmt: skip
    for key, responsible, outcome in progress:
        await p.review_done(responsible, progress_reviews[key], outcome)


# --- Case 6 ------------------------------------------------------------------------------------


async def case_6(session: AsyncSession, cast: Cast) -> None:
    """Helen: her mother refuses consent; the consultant overrides it on safeguarding grounds,
    tells her, and refers to children's social care and the police."""
    p = Play(session, cast)
    doctor, consultant = "c6_doctor", "c6_consultant"
    helen, grace = "c6_helen", "c6_grace"
    bruising = await p.record(
        doctor,
        helen,
        C.health,
        "On admission for leg surgery: bruising to her legs and thighs. Mother thinks the "
        "callipers; Helen could not say how it happened",
        date(2026, 11, 9),
    )
    respite = await p.record(
        doctor,
        helen,
        C.family_circumstances,
        "Mother says Helen has just come back from respite care and always comes back in a "
        "state; considering stopping it",
        date(2026, 11, 9),
    )
    await p.record(
        consultant,
        helen,
        C.health,
        "Consultant's opinion: the pattern of bruising is a concern; the cause is unclear",
        date(2026, 11, 10),
    )
    agencies = ["social_care", "police"]
    await p.consent(
        consultant,
        refused=True,
        subjects=[helen],
        given_by=[grace],
        recipients=agencies,
        purposes=[P.child_protection_enquiry],
        on=date(2026, 11, 10),
        notes="Grace does not want social care involved: she fears losing Helen's respite care.",
    )
    await p.share_without_consent(
        consultant,
        helen,
        recipients=agencies,
        purposes=[P.child_protection_enquiry],
        categories=[C.health, C.family_circumstances],
        legal_basis=LegalBasis.risk_of_significant_harm,
        article9=SAFEGUARDING,
        reasons="Helen may be at risk of harm when in respite care: the concern must be "
        "assessed by children's social care and the police, with an open mind about the cause.",
        consent_sought=True,
        told="Helen, seven, with very little verbal communication, cannot take it in; her "
        "mother was told that the consultant is sharing her concerns, and why.",
        consulted=["Admitting doctor"],
    )
    for agency, receiver in (("social_care", "c6_social_worker"), ("police", "c6_police_officer")):
        await p.refer(
            consultant,
            [helen],
            to_agency=agency,
            purpose=P.child_protection_enquiry,
            reason="Unexplained bruising to a disabled child who has just returned from respite "
            "care; her mother refused consent and has been told.",
            expected="Consider with the consultant how best to respond.",
            record_ids=[bruising, respite],
            accept_by=receiver,
        )


# --- Case 7 ------------------------------------------------------------------------------------


async def case_7(session: AsyncSession, cast: Cast) -> None:
    """Natasha, 14 and Fraser competent, refuses to involve her parents or anyone else; the clinic
    refers her to social care and the police without her consent."""
    p = Play(session, cast)
    nurse = "c7_health_practitioner"  # with the named nurse for safeguarding (c7_named_nurse)
    natasha = "c7_natasha"
    first = await p.record(
        nurse,
        natasha,
        C.sexual_health,
        "Came with her friend Trina: STI diagnosed and treated (Fraser competent, with the named "
        "nurse); advice on sexual health and contraception; she will tell her boyfriend",
        date(2026, 7, 20),
    )
    returned = await p.record(
        nurse,
        natasha,
        C.sexual_health,
        "Back with a different STI; pregnant; wants a termination; still refuses to involve her "
        "parents",
        date(2026, 11, 9),
    )
    bruises = await p.record(
        nurse,
        natasha,
        C.health,
        "Weight loss; faded bruises round the left side of her face ('walked into a door')",
        date(2026, 11, 9),
    )
    boyfriend = await p.record(
        nurse,
        natasha,
        C.sexual_health,
        "Boyfriend probably much older (works, drives); other girlfriends; pressed her toward "
        "group sex with his friends; may have been violent",
        date(2026, 11, 9),
    )
    agencies = ["social_care", "police"]
    await p.consent(
        nurse,
        refused=True,
        subjects=[natasha],
        given_by=[natasha],
        recipients=agencies,
        purposes=[P.child_protection_enquiry],
        on=date(2026, 11, 13),
        notes="At the further appointment: will not involve her parents or another trusted "
        "adult, and does not want anyone told.",
    )
    await p.share_without_consent(
        nurse,
        natasha,
        recipients=agencies,
        purposes=[P.child_protection_enquiry],
        categories=[C.sexual_health, C.health],
        legal_basis=LegalBasis.risk_of_significant_harm,
        article9=SAFEGUARDING,
        reasons="Weighed against her right to privacy: she is at risk of significant harm; her "
        "boyfriend may be violent and may be committing an offence by a sexual relationship "
        "with a girl her age (Working Together, underage sexual activity).",
        consent_sought=True,
        told=None,
        consulted=["Named nurse for safeguarding"],
    )
    for agency, receiver in (("social_care", "c7_social_worker"), ("police", "c7_police_officer")):
        await p.refer(
            nurse,
            [natasha],
            to_agency=agency,
            purpose=P.child_protection_enquiry,
            reason="A 14-year-old (perhaps younger; age and address may be false) at risk of "
            "significant harm from an older, possibly violent boyfriend.",
            expected="Section 47 enquiries; other girls may be at risk from him.",
            record_ids=[first, returned, bruises, boyfriend],
            accept_by=receiver,
        )


# --- Case 8 ------------------------------------------------------------------------------------


async def case_8(session: AsyncSession, cast: Cast) -> None:
    """Maggie: what the review says should have happened. The historical records of probation,
    the police and social care are brought together in the unborn baby's chronology; social care
    does not close its involvement without a follow-up that a named practitioner accepts (the
    midwife, before the birth). Probation's report that Maggie and Mark are together again is
    declined; the baby is born, the midwife refers again, and social care closes a second time,
    with the health visitor accepting to monitor the baby and, this time, told Mark's history.
    She cannot get access; the follow-up review goes overdue and the social worker is alerted.

    Dates: the seed's year is compressed so that the story ends before the demo is loaded (the
    baby is born in November 2026; the seed's "two months" after the birth are three weeks)."""
    p = Play(session, cast)
    probation, manager, social_worker = (
        "c8_probation_officer",
        "c8_team_manager",
        "c8_social_worker",
    )
    police, midwife, hv = "c8_police_officer", "c8_midwife", "c8_health_visitor"
    maggie, mark, baby = "c8_maggie", "c8_mark", "c8_baby"
    # Historical records, held apart.
    await p.record(
        probation,
        mark,
        C.offending,
        "Children with several women; concerns for the safety of all of them because of his "
        "violent and abusive behaviour",
        date(2024, 5, 13),
    )
    await p.record(
        probation,
        maggie,
        C.offending,
        "In care as a child; troubled adolescence with offending",
        date(2023, 1, 9),
    )
    await p.record(
        social_worker,
        maggie,
        C.social_care,
        "Historical: looked after by the local authority as a child",
        date(2012, 6, 1),
    )
    await p.record(
        social_worker,
        "c8_liam",
        C.social_care,
        "Historical: on the child protection register (neglect); now lives permanently with "
        "his grandmother",
        date(2021, 3, 15),
    )
    mark_history = await p.record(
        social_worker,
        mark,
        C.social_care,
        "Historical: two of his children on the child protection register; their mothers "
        "restricted his access",
        date(2022, 11, 2),
    )
    convictions = await p.record(
        police,
        mark,
        C.offending,
        "Previous convictions, none for offences against children",
        date(2019, 7, 22),
    )
    await p.record(
        midwife, maggie, C.health, "Antenatal booking; baby due in November", date(2026, 4, 6)
    )
    # Maggie tells her probation officer; probation refers under s.47.
    await p.record(
        probation,
        maggie,
        C.family_circumstances,
        "Pregnant; names Mark as the father",
        date(2026, 4, 20),
    )
    s47 = "Concern for the unborn child: the father's record of violence and abuse, and the "
    for subject, told in (
        (mark, "Telling him could put Maggie and the unborn child at risk."),
        (maggie, None),
    ):
        await p.share_without_consent(
            probation,
            subject,
            recipients=["social_care", "police"],
            purposes=[P.child_protection_enquiry],
            categories=[C.offending, C.family_circumstances],
            legal_basis=LegalBasis.children_act_s47,
            article9=SAFEGUARDING,
            reasons=s47 + "mother's history of being unable to care for her children.",
            consent_not_sought_reason="Agreed with the social care team manager and the police "
            "that the case be referred under s.47.",
            told=told,
            consulted=["Children's social care team manager", "Police"],
        )
    await p.refer(
        probation,
        [maggie, mark],
        to_agency="social_care",
        purpose=P.child_protection_enquiry,
        reason=s47 + "mother's own history.",
        expected="An initial assessment with respect to the unborn child.",
        accept_by=manager,
    )
    # Social care asks the police about Mark's record.
    request = await p.ask(
        social_worker,
        mark,
        holders=["police"],
        purpose=P.child_protection_enquiry,
        categories=[C.offending],
        needed="Section 47 enquiry about Maggie's unborn baby: Mark's criminal record.",
    )
    await p.answer(
        police,
        request,
        [convictions],
        for_practitioner=social_worker,
        why="Mark's record, for the s.47 enquiry",
        expected="Use it in the assessment of the unborn child.",
        without_consent=ShareWithoutConsent(
            legal_basis=LegalBasis.children_act_s47,
            reasons="A child protection enquiry about his unborn child.",
            consent_sought=False,
            consent_not_sought_reason="Could put the mother and the unborn child at risk.",
            subject_told=False,
            not_told_reason="Could put the mother and the unborn child at risk.",
            article9_condition=SAFEGUARDING,
        ),
    )
    await p.acknowledge_shares(social_worker, request)
    # The unborn baby is known to the midwife: she refers the baby for the pre-birth assessment.
    await p.refer(
        midwife,
        [baby],
        to_agency="social_care",
        purpose=P.child_protection_enquiry,
        reason="Pre-birth assessment asked for by children's social care: Maggie's baby, due in "
        "November; the father is Mark.",
        expected="The initial assessment with respect to the unborn child.",
        accept_by=social_worker,
    )
    await p.record(
        social_worker,
        maggie,
        C.social_care,
        "Initial assessment (unborn child): seen four times at her mother's house; could not "
        "meet Mark. Maggie says they have separated and she has never had a violent "
        "relationship. Concerns remain: the history of both parents",
        date(2026, 6, 15),
    )
    # Social care ends its involvement, but not without a follow-up someone owns: the midwife,
    # who sees Maggie antenatally.
    await _close_with_follow_up(
        p,
        ended_by=social_worker,
        monitor=midwife,
        reason="Initial assessment complete: no further action by children's social care for "
        "now (agreed with the team manager)",
        what="Antenatal visits to Maggie: see her and Mark's home; refer again to children's "
        "social care at once if access is refused or concerns grow",
    )
    # Probation learns that Maggie and Mark are together again and reports it (under the same
    # s.47 decision); the social worker stands by her assessment and declines.
    resumed = await p.record(
        probation,
        maggie,
        C.family_circumstances,
        "Maggie and Mark have resumed their relationship",
        date(2026, 7, 20),
    )
    again = await p.refer(
        probation,
        [maggie],
        to_agency="social_care",
        purpose=P.child_protection_enquiry,
        reason="Maggie and Mark are together again.",
        expected="Reconsider the assessment of the unborn child.",
        record_ids=[resumed],
    )
    await referrals.acknowledge(session, p.who(social_worker), again.id, ANY)
    await referrals.decline(
        session,
        p.who(social_worker),
        again.id,
        ReferralDecline(reason="Maggie has a good level of support; the assessment stands"),
        ANY,
    )
    # The baby is born; Maggie moves in with Mark. The midwife's follow-up review is done, she
    # records the birth with the baby's NHS number, and she refers again: a re-referral.
    born = date(2026, 11, 3)
    [midwife_review] = await _follow_up_reviews(p, midwife)
    await plans.record_review(
        session,
        p.who(midwife),
        midwife_review,
        ReviewOutcome(
            to=ReviewStatus.done,
            outcome="Baby born; Maggie has moved in with Mark; referred again to social care",
        ),
        ANY,
    )
    await people.update_person(
        session,
        p.who(midwife),
        p.person(baby),
        PersonUpdate(
            kind=PersonKind.known,
            given_name="Baby",
            date_of_birth=born,
            nhs_number=C8_BABY_NHS_NUMBER,
        ),
        ANY,
    )
    await p.record(
        midwife,
        baby,
        C.family_circumstances,
        "Born 3 November; Maggie has moved in with Mark at his flat. Concerned for the baby's "
        "welfare",
        date(2026, 11, 5),
    )
    await p.refer(
        midwife,
        [baby, maggie],
        to_agency="social_care",
        purpose=P.child_in_need_assessment,
        reason="Baby born; Maggie has moved in with Mark; concerned for the baby's welfare",
        expected="Assess the baby's welfare",
        accept_by=social_worker,  # after consulting the team manager: another initial assessment
    )
    for on, summary in (
        (
            date(2026, 11, 6),
            "Second initial assessment: visited Maggie with the baby; Maggie coping well, the "
            "baby appears well cared for; a further visit agreed in two weeks",
        ),
        (date(2026, 11, 20), "Letter sent about the visit; no reply at the agreed visit"),
        (date(2026, 11, 27), "Two further visits: no answer at Mark's address"),
    ):  # about Maggie, as the first assessment: in the baby's chronology as its mother's
        await p.record(social_worker, maggie, C.social_care, summary, on)
    # Closed again, but this time the health visitor accepts to monitor the baby, with a date.
    hv_follow_up = await _close_with_follow_up(
        p,
        ended_by=social_worker,
        monitor=hv,
        reason="No further referrals; three failed visits",
        what="Monitor the baby; refer again if necessary",
    )
    # The seed's lesson: the monitor was never told the history. Social care tells her.
    await p.share_without_consent(
        social_worker,
        mark,
        recipients=["health_visiting"],
        purposes=[P.health_care],
        record_ids=[mark_history],
        legal_basis=LegalBasis.risk_of_significant_harm,
        article9=SAFEGUARDING,
        reasons="The health visitor monitors the baby, who lives with Mark: two of his children "
        "were on the child protection register because of his violence. She must know what to "
        "look for.",
        consent_not_sought_reason="Mark would not meet social care; asking could put Maggie and "
        "the baby at risk.",
        told="Telling Mark could put Maggie and the baby at risk.",
        consulted=["Children's social care team manager"],
    )
    # The health visitor cannot get access, and records each failed contact against the
    # follow-up.
    for note in ("No answer at Mark's address", "No answer; curtains drawn"):
        await plans.record_failed_contact(
            session, p.who(hv), hv_follow_up, FailedContactIn(note=note)
        )
    # "In the following weeks": the review date passes. The service rightly refuses to schedule
    # a review in the past and has no way to move time, so the demo writes the date directly on
    # the model (as tests/stories/steps_b.py::time_passes_for_review does in the story test):
    # overdue, it alerts the social worker who ended the involvement.
    [hv_review] = await _follow_up_reviews(p, hv)
    review = await session.get(Review, hv_review)
    assert review is not None
    review.due_on = cast.today - timedelta(days=2)
    await session.flush()


async def _close_with_follow_up(
    p: Play, *, ended_by: str, monitor: str, reason: str, what: str
) -> uuid.UUID:
    """Social care ends its current involvement with the baby while concerns remain, with a
    follow-up arrangement: the named monitor, a review in two weeks; the monitor accepts it."""
    involvement = (
        await p.session.execute(
            select(col(Involvement.id)).where(
                Involvement.person_id == p.person("c8_baby"),
                Involvement.agency_id == p.cast.agencies["social_care"],
                col(Involvement.ended_at).is_(None),
            )
        )
    ).scalar_one()
    await plans.end_involvement(
        p.session,
        p.who(ended_by),
        involvement,
        InvolvementEnd(
            reason=reason,
            concerns_remain=True,
            follow_up=FollowUpIn(
                monitor_practitioner_id=p.cast.pid(monitor),
                review_on=p.cast.today + timedelta(days=14),
                what=what,
            ),
        ),
    )
    [follow_up] = [
        alert.object_id
        for alert in await plans.alerts_for(p.session, p.who(monitor))
        if alert.kind == "follow_up_awaiting_acceptance"
    ]
    await plans.accept_follow_up(p.session, p.who(monitor), follow_up, ANY)
    return follow_up


async def _follow_up_reviews(p: Play, monitor: str) -> list[uuid.UUID]:
    """The scheduled follow-up reviews the monitor is responsible for about the baby."""
    rows = await p.session.execute(
        select(col(Review.id)).where(
            Review.child_id == p.person("c8_baby"),
            Review.responsible_practitioner_id == p.cast.pid(monitor),
            Review.status == ReviewStatus.scheduled.value,
            col(Review.follow_up_id).is_not(None),
        )
    )
    return list(rows.scalars())


# --- Case 9 ------------------------------------------------------------------------------------


async def case_9(session: AsyncSession, cast: Cast) -> None:
    """The Browns: Steve's refusal, then both parents' signed consent to the family support
    service as a group; the referral; the index check; a meeting, a plan, a CAF for Amy, Naomi as
    lead professional, and a review in three months."""
    p = Play(session, cast)
    susan, manager, naomi, coordinator = "c9_susan", "c9_amh_manager", "c9_naomi", "c9_coordinator"
    steve, angela, amy, josh, lily = "c9_steve", "c9_angela", "c9_amy", "c9_josh", "c9_lily"
    children = (amy, josh, lily)
    family = (steve, angela, *children)
    fss = ["family_support_service"]
    await p.record(
        susan, steve, C.mental_health, "Depression; receiving treatment", date(2026, 9, 28)
    )
    await p.record(
        susan,
        steve,
        C.family_circumstances,
        "Home cramped and in need of repairs; struggling financially; Angela often tired and "
        "depressed and finds the children hard to manage at times",
        date(2026, 10, 5),
    )
    await p.consent(
        susan,
        refused=True,
        subjects=[steve],
        given_by=[steve],
        recipient_groups=fss,
        purposes=[P.family_support],
        on=date(2026, 10, 5),
        notes="Worried about his family being discussed by many professionals; says they are "
        "coping now he is in treatment. Given the service's leaflet and sharing policy for "
        "Angela.",
    )
    # A week later, with Angela at home: written agreement.
    await p.consent(
        susan,
        subjects=[steve],
        given_by=[steve],
        recipient_groups=fss,
        purposes=[P.family_support],
        categories=[C.family_circumstances, C.mental_health],
        form=ConsentForm.signed_statement,
        on=date(2026, 10, 12),
        show_involvement=True,
        notes="Signed the family support service's privacy and confidentiality statement; the "
        "service may know that this team supports him.",
    )
    await p.refer(
        manager,
        [steve],
        to_group="family_support_service",
        purpose=P.family_support,
        reason="The Brown family (Steve, Angela, Amy, Josh and Lily): cramped home in need of "
        "repair, money worries, both parents low; both parents have signed the statement.",
        expected="Bring the agencies' information together and design a support plan with "
        "the family.",
        accept_by=coordinator,
    )
    # The service opens its file, records the signed statement for everyone in the family...
    for person in family:
        await p.register(naomi, person, "Family support service: referral accepted")
    for parent in (steve, angela):
        for child in children:
            await p.relate(naomi, parent, child)
    await p.relate(naomi, angela, steve, RelationshipKind.partner, pr=False)
    await p.consent(
        naomi,
        subjects=list(family),
        given_by=[steve, angela],
        holders=["police"],  # Amy's shoplifting: the police are not in the service
        holder_groups=fss,
        recipient_groups=fss,
        purposes=[P.family_support],
        categories=[
            C.family_circumstances,
            C.finance,
            C.housing,
            C.education,
            C.health,
            C.mental_health,
            C.offending,
        ],
        form=ConsentForm.signed_statement,
        on=date(2026, 10, 12),
        notes="Privacy and confidentiality statement signed by Steve and Angela at home with "
        "Susan: information about the family may be shared amongst the service's agencies.",
    )
    fst = p.who(naomi)
    brown = await _family(session, fst, "The Brown family", [p.person(k) for k in family])
    cast.families["c9_fst_family"] = brown
    # ... and an authorised worker checks the index for each child before the first meeting.
    for child in children:
        await involvements.index_entry(session, p.who(coordinator), p.person(child))
    # Each agency shares what is relevant.
    await p.record(
        "c9_health_visitor",
        angela,
        C.mental_health,
        "History of depression; very tired; finds managing the children hard at times",
        date(2026, 10, 15),
    )
    await p.record(
        "c9_health_visitor", lily, C.health, "Thriving; development on track", date(2026, 10, 15)
    )
    await p.record(
        "c9_pastoral_manager",
        amy,
        C.education,
        "Would benefit from after-school activities and extra support in some lessons",
        date(2026, 10, 16),
    )
    await p.record(
        "c9_josh_teacher", josh, C.education, "Settled; no concerns", date(2026, 10, 16),
        level=NON_CONFIDENTIAL,
    )  # fmt: skip
    await p.record(
        "c9_housing_officer",
        steve,
        C.housing,
        "House in a poor state of repair: damp kitchen, broken windows",
        date(2026, 10, 14),
    )
    await p.record(
        "c9_housing_officer",
        steve,
        C.finance,
        "Rent arrears; not claiming all the benefits the family may be entitled to",
        date(2026, 10, 14),
    )
    await p.record(
        "c9_police_officer",
        amy,
        C.offending,
        "Caught shoplifting; first offence, no charge",
        date(2026, 9, 30),
    )
    meeting_day = date(2026, 10, 21)
    await p.meeting(
        coordinator,
        kind=ConferenceKind.team_around_the_family,
        title="Family support service: the Brown family",
        held_on=meeting_day,
        purpose=P.family_support,
        group="family_support_service",
        chair=coordinator,
        attending=[
            "family_support_team",
            "adult_mental_health",
            "health_visiting",
            "riverside_high",
            "oakfield_primary",
            "council_housing",
            "childrens_centre",
        ],
        families=["c9_fst_family"],
        family_attendees=["Steve Brown", "Angela Brown"],
        notes=(
            (
                coordinator,
                NoteKind.decision,
                "Plan agreed with Steve and Angela: Naomi (family support worker) to help with "
                "routines and money advice; the children's centre's parenting support group "
                "for Angela; after-school activities and lesson support for Amy, with a common "
                "assessment; Susan continues with Steve; housing to assess the home. Josh and "
                "Lily need no extra support now. Naomi is lead professional.",
            ),
        ),
    )
    plan, review_day = "Family support plan", months_after(cast.today, 3)
    await p.action(
        naomi,
        family="c9_fst_family",
        plan=plan,
        description="Work with Steve and Angela to establish routines in looking after the "
        "children",
        owner=naomi,
        due=review_day,
        then=[STARTED],
    )
    await p.action(
        naomi,
        family="c9_fst_family",
        plan=plan,
        description="Benefits and money advice: claim everything the family is entitled to",
        owner=naomi,
        due=cast.today + timedelta(days=28),
        then=[STARTED],
    )
    await p.action(
        naomi,
        child=angela,
        plan=plan,
        description="Parenting support group at the children's centre (details given to Angela)",
        owner_agency="childrens_centre",
        due=review_day,
    )
    await p.action(
        naomi,
        child=amy,
        plan=plan,
        description="After-school activities and additional support in some lessons",
        owner="c9_pastoral_manager",
        due=review_day,
        then=[STARTED],
    )
    await p.action(
        naomi,
        child=steve,
        plan=plan,
        description="Continue supporting Steve",
        owner=susan,
        due=review_day,
        then=[STARTED],
    )
    await p.action(
        naomi,
        family="c9_fst_family",
        plan=plan,
        description="Assess the family's living arrangements before the review",
        owner="c9_housing_officer",
        due=review_day,
    )
    await p.caf(
        "c9_pastoral_manager",
        amy,
        CafTransition(to=CafStatus.consent_sought, note="With Amy and her parents"),
        CafTransition(to=CafStatus.in_progress, note="Amy and both parents agree"),
        CafTransition(
            to=CafStatus.completed,
            strengths="Amy is keen on sport and art; a first offence only",
            needs="Something to do after school; support in some lessons",
            completed_with=["Amy Brown", "Steve Brown", "Angela Brown", "Kevin Shepherd"],
        ),
    )
    await p.lead(
        naomi,
        amy,
        naomi,
        agreed_by=[steve, angela],
        on=meeting_day,
        reason="Appointed in agreement with the family at the family support service meeting",
    )
    await p.review(
        naomi,
        family="c9_fst_family",
        what="Review of the family's situation and the support plan, with Steve and Angela; "
        "housing's assessment of the living arrangements to be done by then",
        due=review_day,
        responsible=naomi,
    )


async def _family(
    session: AsyncSession, principal: Principal, name: str, members: list[uuid.UUID]
) -> uuid.UUID:
    family = await families.create_family(
        session,
        principal,
        FamilyCreate(name=name, members=[FamilyMemberIn(person_id=m) for m in members]),
    )
    return family.id


# --- Case 10 -----------------------------------------------------------------------------------


async def case_10(session: AsyncSession, cast: Cast) -> None:
    """Sarah and Ryan: consent widens step by step; a CAF refused then agreed; Nadine lead
    professional; the school shares without consent with her; social care finds Ryan a child in
    need, Eddie becomes lead professional, and a review is set for two months."""
    p = Play(session, cast)
    worker, counsellor, outreach = "c10_drug_worker", "c10_drug_counsellor", "c10_drug_outreach"
    nadine, eddie, pastoral = "c10_nadine", "c10_eddie", "c10_pastoral_manager"
    teacher, psa = "c10_ryan_teacher", "c10_psa"
    sarah, ryan, boyfriend = "c10_sarah", "c10_ryan", "c10_boyfriend"
    # The drug treatment service.
    await p.record(
        worker,
        sarah,
        C.substance_misuse,
        "Methadone maintenance programme; counselling for her addiction",
        date(2026, 8, 10),
    )
    await p.consent(
        worker,
        subjects=[sarah],
        given_by=[sarah],
        recipients=["adult_drug_service"],
        purposes=[P.health_care],
        categories=[C.substance_misuse, C.family_circumstances],
        form=ConsentForm.written,
        on=date(2026, 8, 10),
        notes="Within the service only, when staff need it to support her; she was told when "
        "information may be shared without her consent (to safeguard her son).",
    )
    worries = await p.record(
        counsellor,
        ryan,
        C.family_circumstances,
        "Sarah says Ryan is unhappy at school, sometimes refuses to go, and has angry outbursts "
        "she finds hard to cope with; no extra support",
        date(2026, 8, 20),
    )
    await p.consent(
        worker,
        subjects=[sarah, ryan],
        given_by=[sarah],
        recipients=["space4me"],
        purposes=[P.family_support],
        categories=[C.family_circumstances, C.substance_misuse],
        on=date(2026, 8, 24),
        show_involvement=True,
        notes="For the referral to Space 4 Me: what the service already holds, only what "
        "Space 4 Me needs. Ryan agrees to try the group.",
    )
    await p.refer(
        worker,
        [ryan],
        to_agency="space4me",
        purpose=P.family_support,
        reason="Ryan, 11, is unhappy at school and has angry outbursts; his mother is in drug "
        "treatment.",
        expected="Group work for Ryan (emotional support and activities).",
        record_ids=[worries],
        accept_by=nadine,
    )
    # Space 4 Me: Nadine's home visit; a CAF refused.
    for person in (sarah, ryan):
        await p.register(nadine, person, "Space 4 Me: referral from the drug treatment service")
    await p.relate(nadine, sarah, ryan)
    ryan_caf = await p.caf(
        nadine,
        ryan,
        SOUGHT,
        CafTransition(
            to=CafStatus.consent_refused,
            note="Sarah is hesitant about some of the information asked for",
        ),
    )
    await p.consent(
        nadine,
        refused=True,
        subjects=[ryan],
        given_by=[sarah],
        recipients=["westgate_school"],
        purposes=[P.early_help_assessment],
        on=date(2026, 8, 27),
        notes="Sarah does not agree to a CAF for Ryan.",
    )
    await p.record(
        nadine,
        ryan,
        C.family_circumstances,
        "Thriving in the group; shares many worries and fears from living with his mother's "
        "problems",
        date(2026, 9, 3),
    )
    # Reassured, Sarah agrees to the CAF; the school's information for it.
    await p.caf_steps(
        nadine, ryan_caf, SOUGHT, CafTransition(to=CafStatus.in_progress, note="Sarah agrees")
    )
    await p.consent(
        nadine,
        subjects=[ryan],
        given_by=[sarah],
        holders=["westgate_school"],
        recipients=["space4me"],
        purposes=[P.early_help_assessment],
        categories=[C.education, C.family_circumstances],
        on=date(2026, 9, 10),
        notes="Sarah agrees to the CAF, and that the school shares what it holds about Ryan with "
        "Nadine for it.",
    )
    await p.record(
        teacher,
        ryan,
        C.education,
        "Attendance 86%: refuses to come some days",
        date(2026, 9, 11),
        level=NON_CONFIDENTIAL,
    )
    await p.record(
        teacher, ryan, C.family_circumstances, "Angry outbursts in class", date(2026, 9, 11)
    )
    await p.caf_steps(
        nadine,
        ryan_caf,
        CafTransition(
            to=CafStatus.completed,
            strengths="Ryan is thriving in the group; Sarah wants the best for him",
            needs="Continued group support (extended to 12 weeks); more support at school; "
            "support for Sarah with parenting and in looking after Ryan",
            completed_with=["Ryan Milton", "Sarah Milton", "Nadine Foster"],
        ),
    )
    caf_summary = await p.record(
        nadine,
        ryan,
        C.family_circumstances,
        "CAF: group extended to 12 weeks; needs more support at school; Sarah needs parenting "
        "support",
        date(2026, 9, 24),
    )
    await p.consent(
        nadine,
        subjects=[ryan],
        given_by=[sarah],
        recipients=["westgate_school"],
        purposes=[P.education_support],
        categories=[C.family_circumstances],
        on=date(2026, 9, 24),
        notes="The relevant CAF information, to the pastoral manager, to get Ryan more support.",
    )
    await p.lead(
        nadine,
        ryan,
        nadine,
        agreed_by=[sarah, ryan],
        on=date(2026, 9, 24),
        reason="At Ryan and Sarah's request",
    )
    # The meeting with the pastoral manager: the CAF action plan.
    caf_meeting = await p.meeting(
        nadine,
        kind=ConferenceKind.team_around_the_family,
        title="CAF meeting: Ryan",
        held_on=date(2026, 9, 30),
        purpose=P.early_help_assessment,
        chair=nadine,
        attending=["space4me", "westgate_school"],
        attendees=[nadine, pastoral],
        subjects=[ryan],
        family_attendees=["Sarah Milton", "Ryan Milton"],
        notes=(
            (pastoral, NoteKind.contribution, "What the school can add for Ryan"),
            (
                nadine,
                NoteKind.decision,
                "Parenting group and a parent support adviser for Sarah; the school counsellor's "
                "listening service for Ryan; Ryan stays in the Space 4 Me group; Sarah stays in "
                "treatment. Review in two months.",
            ),
        ),
    )
    plan, due = "CAF action plan", date(2026, 11, 30)
    for person in (sarah, ryan):
        await p.register(psa, person, "Parent support adviser: one-to-one support")
    parenting_group = await p.action(
        nadine,
        child=ryan,
        plan=plan,
        description="Sarah to attend the parenting group run by the parent support advisory "
        "service",
        owner=psa,
        due=due,
    )
    await p.action(
        nadine,
        child=ryan,
        plan=plan,
        description="One-to-one support for Sarah and Ryan from a parent support adviser",
        owner=psa,
        due=due,
        then=[STARTED],
    )
    await p.action(
        nadine,
        child=ryan,
        plan=plan,
        description="The school counsellor's listening service, when Ryan needs to talk",
        owner="c10_school_counsellor",
        conference=caf_meeting,
        due=due,
        then=[STARTED],
    )
    await p.action(
        nadine,
        child=ryan,
        plan=plan,
        description="Ryan continues in the Space 4 Me group (extended to 12 weeks)",
        owner=nadine,
        conference=caf_meeting,
        due=due,
        then=[STARTED],
    )
    await p.action(
        nadine,
        child=ryan,
        plan=plan,
        description="Sarah continues with the adult drug treatment service",
        owner=worker,
        due=due,
        then=[STARTED],
    )
    caf_review = await p.review(
        nadine,
        child=ryan,
        what="Review of the family's situation (CAF action plan)",
        due=due,
        responsible=nadine,
    )
    await p.consent(
        nadine,
        subjects=[sarah, ryan],
        given_by=[sarah],
        recipients=["adult_drug_service"],
        purposes=[P.family_support],
        categories=[C.family_circumstances],
        on=date(2026, 9, 30),
        notes="Nadine's brief report of the actions agreed, discussed with Sarah first.",
    )
    await p.record(
        nadine,
        sarah,
        C.family_circumstances,
        "Report for the drug treatment service: the actions agreed at the CAF meeting",
        date(2026, 9, 30),
    )
    await p.declare(
        "c10_school_counsellor", ryan, "Ryan uses the listening service", "Listening service"
    )
    await p.record(
        psa,
        sarah,
        C.family_circumstances,
        "Home visit to Sarah and Ryan; Sarah has not come to the parenting group",
        date(2026, 10, 20),
    )
    await p.move(
        psa,
        parenting_group,
        ActionTransition(
            to=ActionStatus.cancelled,
            reason="Sarah did not attend despite the adviser's support and encouragement",
        ),
    )
    # A month on: Ryan's disclosure, and the school shares without consent with Nadine.
    disclosure = await p.record(
        teacher,
        ryan,
        C.family_circumstances,
        "Tired and withdrawn; says his mum's new boyfriend has moved in, he doesn't like him and "
        "is too worried to sleep; doesn't want his mum to know he told",
        date(2026, 10, 29),
    )
    await p.share_without_consent(
        pastoral,
        ryan,
        recipients=["space4me"],
        purposes=[P.family_support],
        categories=[C.family_circumstances],
        record_ids=[disclosure],
        legal_basis=LegalBasis.public_interest,
        reasons="Ryan is worried and not sleeping since a new adult moved in; his lead "
        "professional needs to know now. Only the detail of his disclosure is shared.",
        consent_not_sought_reason="Sarah did not answer the telephone; Ryan fears that if his "
        "mother knew he had told, things would get worse at home.",
        told=None,
        consulted=["Ryan's teacher"],
    )
    # Nadine's visit; Sarah agrees to share the CAF with social care.
    await p.register(nadine, boyfriend, "Sarah's new partner, living in Ryan's home")
    await p.relate(nadine, boyfriend, ryan, RelationshipKind.household_member, pr=False)
    await p.relate(nadine, boyfriend, sarah, RelationshipKind.partner, pr=False)
    visit = await p.record(
        nadine,
        sarah,
        C.family_circumstances,
        "Home visit (second attempt): a new boyfriend has moved in; Ryan does not get on with "
        "him and comes home late; the house is chaotic and Sarah seems agitated",
        date(2026, 11, 2),
    )
    await p.consent(
        nadine,
        subjects=[ryan, sarah],
        given_by=[sarah],
        recipients=["social_care"],
        purposes=[P.child_in_need_assessment],
        categories=[C.family_circumstances],
        on=date(2026, 11, 2),
        notes="Reassured that she and Ryan will be present and fully involved, Sarah agrees to "
        "Ryan's CAF and recent information going to children's social care.",
    )
    await p.consent(
        worker,
        subjects=[sarah],
        given_by=[sarah],
        recipients=["social_care"],
        purposes=[P.child_in_need_assessment],
        categories=[C.substance_misuse, C.family_circumstances],
        on=date(2026, 11, 3),
        show_involvement=True,
        notes="For social care's initial assessment of Ryan.",
    )
    await p.refer(
        nadine,
        [ryan, sarah],
        to_agency="social_care",
        purpose=P.child_in_need_assessment,
        reason="Circumstances at home have changed (a new partner; Ryan worried and not "
        "sleeping); the CAF actions need reviewing with social care.",
        expected="An initial assessment of Ryan, with Ryan and Sarah.",
        record_ids=[caf_summary, visit],
        accept_by=eddie,
    )
    # Eddie's initial assessment: a child in need; the lead passes to him.
    for person in (ryan, sarah):
        await p.register(eddie, person, "Referral from Space 4 Me; child in need assessment")
    await p.record(
        eddie,
        ryan,
        C.social_care,
        "Initial assessment with Ryan and Sarah (CAF, drug treatment service, Space 4 Me): not "
        "at risk of significant harm; a child in need",
        date(2026, 11, 12),
    )
    await child_status.record(
        session,
        p.who("c10_eddie_manager"),
        p.person(ryan),
        ChildStatusCreate(
            status=ChildStatusKind.child_in_need,
            start_date=date(2026, 11, 13),
            social_worker_id=cast.pid(eddie),
        ),
    )
    await p.lead(
        eddie,
        ryan,
        eddie,
        agreed_by=[sarah, ryan],
        on=date(2026, 11, 13),
        reason="Social care leads the child in need plan; Nadine continues to support Ryan and "
        "Sarah through Space 4 Me",
    )
    await plans.record_review(
        session,
        p.who(nadine),
        caf_review,
        ReviewOutcome(
            to=ReviewStatus.done,
            outcome="Reviewed early after Ryan's disclosure: referred to social care; the child "
            "in need plan replaces the CAF action plan (next review led by social care)",
        ),
        ANY,
    )
    # The child in need meeting, at Space 4 Me at Sarah's request. The actions of the agencies
    # that were there are tied to it; the drug service's and the school's are not.
    cin_meeting = await p.meeting(
        eddie,
        kind=ConferenceKind.child_in_need_review,
        title="Child in need meeting: Ryan (at Space 4 Me)",
        held_on=date(2026, 11, 18),
        purpose=P.child_in_need_assessment,
        chair=eddie,
        attending=["social_care", "space4me"],
        attendees=[eddie, nadine],
        subjects=[ryan],
        family_attendees=["Sarah Milton", "Ryan Milton"],
        notes=(
            (
                eddie,
                NoteKind.decision,
                "Sarah agrees her boyfriend moves out for the time being; an outreach worker "
                "from the drug service to support Sarah closely; Ryan stays in the Space 4 Me "
                "group until the next review and gets a learning mentor at school.",
            ),
        ),
    )
    plan, review_day = "Child in need plan", months_after(cast.today, 2)
    await p.action(
        eddie,
        child=ryan,
        plan=plan,
        description="Sarah's boyfriend to move out of the home for the time being",
        owner=eddie,
        conference=cin_meeting,
        due=cast.today + timedelta(days=7),
    )
    await p.action(
        eddie,
        child=ryan,
        plan=plan,
        description="Close outreach support for Sarah from the drug treatment service",
        owner=outreach,
        due=review_day,
        then=[STARTED],
    )
    await p.action(
        eddie,
        child=ryan,
        plan=plan,
        description="Ryan continues in the Space 4 Me group until the next review",
        owner=nadine,
        conference=cin_meeting,
        due=review_day,
        then=[STARTED],
    )
    await p.action(
        eddie,
        child=ryan,
        plan=plan,
        description="A learning mentor for Ryan at school",
        owner="c10_learning_mentor",
        due=review_day,
        then=[STARTED],
    )
    await p.declare(outreach, sarah, "Outreach support for Sarah (child in need plan)", "Outreach")
    await p.declare(
        "c10_learning_mentor",
        ryan,
        "Ryan's learning mentor (child in need plan)",
        "Learning mentors",
    )
    await p.record(
        nadine,
        sarah,
        C.family_circumstances,
        "Report for the drug treatment service updated: social care involved (child in need "
        "plan) and the actions agreed",
        date(2026, 11, 19),
    )
    await p.review(
        eddie,
        child=ryan,
        what="Child in need review (multi-agency, led by social care): Ryan's welfare and his "
        "progress at school",
        due=review_day,
        responsible=eddie,
    )


Story = Callable[[AsyncSession, Cast], Awaitable[None]]
STORIES: tuple[Story, ...] = (
    case_1,
    case_2,
    case_3,
    case_4,
    case_5,
    case_6,
    case_7,
    case_8,
    case_9,
    case_10,
)
