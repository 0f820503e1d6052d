"""The policy function, rule by rule (each with its negative twin), and its invariants."""

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.policy import (
    POLICY_VERSION,
    SPECIAL_CATEGORIES,
    BasisKind,
    Category,
    ConsentFacts,
    DecisionFacts,
    Level,
    PersonFacts,
    Reason,
    RecordFacts,
    Request,
    decide,
    effective_level,
)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
EARLIER = NOW - timedelta(days=10)
HV, SCHOOL, SOCIAL_CARE, CLINIC, POLICE = (uuid.uuid4() for _ in range(5))
FSS = uuid.uuid4()  # a multi-agency group (family support service)
MOTHER, JACK, NATASHA, DAD = (uuid.uuid4() for _ in range(4))

mother = PersonFacts(MOTHER, is_child=False)
jack = PersonFacts(JACK, is_child=True, pr_holders=frozenset({MOTHER, DAD}))
natasha = PersonFacts(NATASHA, is_child=True, competent=True, pr_holders=frozenset({MOTHER}))


def record(
    holder=HV, subject=MOTHER, category="mental_health", entered="confidential", sensitive=False
) -> RecordFacts:
    return RecordFacts(
        uuid.uuid4(),
        holder,
        subject,
        category,
        effective_level(category, entered, sensitive),
        sensitive,
    )


def request(agency=SCHOOL, purpose="early_help_assessment", memberships=None) -> Request:
    return Request(agency, purpose, NOW, memberships or {})


def consent(
    granted=True,
    subject=MOTHER,
    giver=None,
    holders=(HV,),
    recipients=(SCHOOL,),
    purposes=("early_help_assessment",),
    categories=("mental_health",),
    at=EARLIER,
    **kw,
) -> ConsentFacts:
    return ConsentFacts(
        id=uuid.uuid4(),
        granted=granted,
        subject_person_id=subject,
        given_by_person_id=giver or subject,
        stated_at=at,
        holders=frozenset(holders),
        holder_groups=frozenset(kw.pop("holder_groups", ())),
        recipients=frozenset(recipients),
        recipient_groups=frozenset(kw.pop("recipient_groups", ())),
        purposes=frozenset(purposes),
        categories=frozenset(categories),
        **kw,
    )


def decision(
    share=True,
    holder=HV,
    subject=MOTHER,
    recipients=(SCHOOL,),
    purposes=("early_help_assessment",),
    categories=(),
    at=EARLIER,
    **kw,
) -> DecisionFacts:
    return DecisionFacts(
        id=uuid.uuid4(),
        share=share,
        holder_agency_id=holder,
        subject_person_id=subject,
        decided_at=at,
        recipients=frozenset(recipients),
        recipient_groups=frozenset(kw.pop("recipient_groups", ())),
        purposes=frozenset(purposes),
        categories=frozenset(categories),
        **kw,
    )


def check(rec, *, req=None, interest=True, subject=mother, consents=(), decisions=()):
    return decide(
        req or request(),
        rec,
        has_interest=interest,
        subject=subject,
        consents=consents,
        decisions=decisions,
    )


# --- rule 1: the holder always sees its own ---


def test_rule1_holder_sees_own_even_without_interest_or_consent():
    d = check(record(), req=request(agency=HV), interest=False, consents=[consent(granted=False)])
    assert d.permit and d.basis == BasisKind.holder and d.trace == ("rule1:holder",)
    assert d.policy_version == POLICY_VERSION


def test_rule1_twin_another_agency_is_not_the_holder():
    assert not check(record(), interest=True).permit


# --- rule 2: legitimate interest first ---


def test_rule2_no_interest_withholds_even_non_confidential_and_consented():
    rec = record(category="education", entered="non_confidential")
    d = check(rec, interest=False, consents=[consent(categories=())])
    assert not d.permit and d.reason == Reason.no_legitimate_interest


def test_rule2_twin_interest_lets_non_confidential_through():
    d = check(record(category="education", entered="non_confidential"), interest=True)
    assert d.permit and d.basis == BasisKind.non_confidential


# --- rule 3 and levels ---


@pytest.mark.parametrize("category", sorted(SPECIAL_CATEGORIES))
def test_special_is_a_property_of_the_category(category):
    assert effective_level(category, "non_confidential", False) == Level.special
    assert not check(record(category=category, entered="non_confidential")).permit


def test_special_entered_for_a_non_special_category_is_confidential():
    assert effective_level("education", "special", False) == Level.confidential


def test_sensitive_service_non_confidential_is_treated_as_confidential():
    rec = record(holder=CLINIC, category="other", entered="non_confidential", sensitive=True)
    assert rec.level == Level.confidential
    d = check(rec)
    assert not d.permit and d.reason == Reason.no_consent and d.hidden


def test_rule3_twin_confidential_needs_a_basis():
    d = check(record(category="family_circumstances", entered="confidential"))
    assert not d.permit and d.reason == Reason.no_consent


# --- rule 4: consent ---


def test_rule4_consent_covering_everything_permits():
    c = consent()
    d = check(record(), consents=[c])
    assert d.permit and d.basis == BasisKind.consent and d.basis_id == c.id


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"holders": (POLICE,)}, "another holder"),
        ({"recipients": (POLICE,)}, "another recipient"),
        ({"purposes": ("health_care",)}, "another purpose"),
        ({"categories": ("housing",)}, "another category"),
        ({"subject": JACK}, "another subject"),
        ({"at": NOW + timedelta(minutes=1)}, "stated in the future"),
    ],
)
def test_rule4_twin_consent_must_cover_holder_recipient_purpose_category(change, why):
    d = check(record(), consents=[consent(**change)])
    assert not d.permit, why


def test_rule4_no_categories_covers_all_but_special():
    c = consent(categories=())
    assert check(record(category="housing"), consents=[c]).permit
    d = check(record(category="mental_health"), consents=[c])
    assert not d.permit and d.reason == Reason.no_consent


def test_rule4_groups_count_with_membership_at_request_time():
    c = consent(holders=(), holder_groups=(FSS,), recipients=(), recipient_groups=(FSS,))
    members = {HV: frozenset({FSS}), SCHOOL: frozenset({FSS})}
    assert check(record(), req=request(memberships=members), consents=[c]).permit
    left = {HV: frozenset({FSS})}  # the school has left the group
    assert not check(record(), req=request(memberships=left), consents=[c]).permit
    holder_left = {SCHOOL: frozenset({FSS})}
    assert not check(record(), req=request(memberships=holder_left), consents=[c]).permit


def test_rule4_entitlement_adult_child_and_competent_child():
    # Only the adult may consent for herself.
    assert not check(record(), consents=[consent(giver=DAD)]).permit
    # A person with PR consents for a child who is not competent.
    child_rec = record(subject=JACK, category="health")
    assert check(
        child_rec, subject=jack, consents=[consent(subject=JACK, giver=DAD, categories=("health",))]
    ).permit
    # ...but not someone without PR.
    assert not check(
        child_rec,
        subject=jack,
        consents=[consent(subject=JACK, giver=NATASHA, categories=("health",))],
    ).permit
    # A competent child speaks for herself; her parents' consent does not count (case 7).
    tash = record(subject=NATASHA, holder=CLINIC, category="sexual_health", sensitive=True)
    parent = consent(
        subject=NATASHA, giver=MOTHER, holders=(CLINIC,), categories=("sexual_health",)
    )
    assert not check(tash, subject=natasha, consents=[parent]).permit
    own = consent(subject=NATASHA, holders=(CLINIC,), categories=("sexual_health",))
    assert check(tash, subject=natasha, consents=[own]).permit


# --- rule 5: refusals and decisions ---


def test_rule5_refusal_blocks_consent_until_a_later_grant():
    refusal = consent(granted=False, categories=(), at=EARLIER)
    older_grant = consent(at=EARLIER - timedelta(days=1))
    d = check(record(), consents=[older_grant, refusal])
    assert not d.permit and d.reason == Reason.consent_refused
    later_grant = consent(at=EARLIER + timedelta(days=1))
    assert check(record(), consents=[refusal, later_grant]).permit


def test_rule5_refusal_naming_no_categories_covers_everything_even_special():
    refusal = consent(granted=False, categories=())
    for category in ("housing", "mental_health"):
        d = check(
            record(category=category),
            consents=[refusal, consent(categories=(category,), at=EARLIER - timedelta(1))],
        )
        assert d.reason == Reason.consent_refused


def test_rule5_decision_to_share_overrides_a_refusal():
    refusal = consent(granted=False, categories=())
    share = decision(at=EARLIER + timedelta(hours=1))
    d = check(record(), consents=[refusal], decisions=[share])
    assert d.permit and d.basis == BasisKind.decision and d.basis_id == share.id


def test_rule5_decision_not_to_share_beats_any_consent():
    grant = consent(at=NOW - timedelta(hours=1))  # even a consent later than the decision
    no = decision(share=False, at=EARLIER)
    d = check(record(), consents=[grant], decisions=[no])
    assert not d.permit and d.reason == Reason.decision_not_to_share
    # A decision not to share applies to non-confidential records too.
    rec = record(category="education", entered="non_confidential")
    assert check(rec, decisions=[no]).reason == Reason.decision_not_to_share


def test_rule5_between_two_decisions_the_later_stands():
    no = decision(share=False, at=EARLIER)
    yes = decision(share=True, at=EARLIER + timedelta(days=1))
    assert check(record(), decisions=[no, yes]).permit
    no_again = decision(share=False, at=EARLIER + timedelta(days=2))
    assert not check(record(), decisions=[no, yes, no_again]).permit


def test_rule5_twin_decisions_of_another_holder_or_scope_do_not_count():
    assert not check(record(), decisions=[decision(holder=POLICE)]).permit
    assert not check(record(), decisions=[decision(recipients=(POLICE,))]).permit
    assert not check(record(), decisions=[decision(purposes=("health_care",))]).permit
    assert not check(record(), decisions=[decision(categories=("housing",))]).permit
    assert not check(record(), decisions=[decision(record_ids=frozenset({uuid.uuid4()}))]).permit
    ended = decision(ended_at=NOW - timedelta(seconds=1))
    expired = decision(expires_at=NOW)
    assert not check(record(), decisions=[ended, expired]).permit


def test_a_decision_naming_records_covers_only_those():
    rec = record()
    named = decision(record_ids=frozenset({rec.id}))
    assert check(rec, decisions=[named]).permit
    assert not check(record(), decisions=[named]).permit


def test_a_decision_naming_practitioners_reaches_only_them():
    rec = record()
    nadine, tom = uuid.uuid4(), uuid.uuid4()
    named = decision(recipient_practitioners=frozenset({nadine}))
    as_nadine = Request(SCHOOL, "early_help_assessment", NOW, {}, nadine)
    as_tom = Request(SCHOOL, "early_help_assessment", NOW, {}, tom)
    assert check(rec, req=as_nadine, decisions=[named]).permit
    assert not check(rec, req=as_tom, decisions=[named]).permit
    # The holder asking what the agency could receive (no practitioner) is answered for it.
    assert check(rec, decisions=[named]).permit


# --- rule 6: information about a person needs that person's basis ---


def test_rule6_mothers_record_needs_the_mothers_consent_not_the_childs():
    mums_record = record(subject=MOTHER)
    via_child = consent(subject=JACK, giver=MOTHER, categories=("mental_health",))
    d = check(mums_record, consents=[via_child])
    assert not d.permit and d.reason == Reason.no_consent
    assert check(mums_record, consents=[consent(subject=MOTHER)]).permit


# --- lapsed consents ---


def test_withdrawn_and_expired_consents_stop_at_once():
    withdrawn = consent(withdrawn_at=NOW)
    d = check(record(), consents=[withdrawn])
    assert not d.permit and d.reason == Reason.consent_withdrawn
    expired = consent(expires_at=NOW)
    d = check(record(), consents=[expired])
    assert not d.permit and d.reason == Reason.consent_expired
    not_yet = consent(withdrawn_at=NOW + timedelta(seconds=1), expires_at=NOW + timedelta(days=1))
    assert check(record(), consents=[not_yet]).permit


# --- rule 7: sensitive services stay hidden ---


def test_sensitive_service_records_are_hidden_from_counts_unless_shown():
    rec = record(holder=CLINIC, subject=NATASHA, category="sexual_health", sensitive=True)
    d = check(rec, subject=natasha)
    assert not d.permit and d.hidden
    no_interest = check(rec, subject=natasha, interest=False)
    assert no_interest.hidden
    show = consent(subject=NATASHA, holders=(CLINIC,), categories=("other",), show_involvement=True)
    d = check(rec, subject=natasha, consents=[show])
    assert not d.permit and not d.hidden and d.reason == Reason.no_consent


def test_ordinary_withheld_records_are_counted():
    assert check(record()).hidden is False


# --- invariants (hypothesis) ---

agencies = st.sampled_from([HV, SCHOOL, SOCIAL_CARE, CLINIC, POLICE])
people = st.sampled_from([MOTHER, JACK, NATASHA])
purposes = st.sampled_from(["early_help_assessment", "health_care", "family_support"])
categories = st.sampled_from([c.value for c in Category])
levels = st.sampled_from([lv.value for lv in Level])
times = st.integers(min_value=-20, max_value=20).map(lambda d: NOW + timedelta(days=d))
PEOPLE_FACTS = {MOTHER: mother, JACK: jack, NATASHA: natasha}


@st.composite
def records(draw):
    holder = draw(agencies)
    category = draw(categories)
    sensitive = holder == CLINIC
    return RecordFacts(
        uuid.uuid4(),
        holder,
        draw(people),
        category,
        effective_level(category, draw(levels), sensitive),
        sensitive,
    )


@st.composite
def consents_st(draw):
    return ConsentFacts(
        id=uuid.uuid4(),
        granted=draw(st.booleans()),
        subject_person_id=draw(people),
        given_by_person_id=draw(people),
        stated_at=draw(times),
        holders=frozenset(draw(st.lists(agencies, max_size=3))),
        holder_groups=frozenset(),
        recipients=frozenset(draw(st.lists(agencies, max_size=3))),
        recipient_groups=frozenset(),
        purposes=frozenset(draw(st.lists(purposes, min_size=1, max_size=2))),
        categories=frozenset(draw(st.lists(categories, max_size=3))),
        expires_at=draw(st.none() | times),
        withdrawn_at=draw(st.none() | times),
    )


@st.composite
def decisions_st(draw):
    return DecisionFacts(
        id=uuid.uuid4(),
        share=draw(st.booleans()),
        holder_agency_id=draw(agencies),
        subject_person_id=draw(people),
        decided_at=draw(times),
        recipients=frozenset(draw(st.lists(agencies, max_size=3))),
        recipient_groups=frozenset(),
        purposes=frozenset(draw(st.lists(purposes, min_size=1, max_size=2))),
        categories=frozenset(draw(st.lists(categories, max_size=2))),
        expires_at=draw(st.none() | times),
        ended_at=draw(st.none() | times),
    )


scenario = st.tuples(
    records(),
    agencies,
    purposes,
    st.booleans(),
    st.lists(consents_st(), max_size=6),
    st.lists(decisions_st(), max_size=3),
)


def run(rec, agency, purpose, interest, cs, ds):
    return decide(
        Request(agency, purpose, NOW),
        rec,
        has_interest=interest,
        subject=PEOPLE_FACTS[rec.subject_person_id],
        consents=cs,
        decisions=ds,
    )


@settings(max_examples=250, deadline=None)
@given(scenario)
def test_invariant_holder_always_sees_its_own(s):
    rec, _, purpose, interest, cs, ds = s
    assert run(rec, rec.holder_agency_id, purpose, interest, cs, ds).permit


@settings(max_examples=250, deadline=None)
@given(scenario)
def test_invariant_no_record_reaches_an_agency_without_interest(s):
    rec, agency, purpose, _, cs, ds = s
    d = run(rec, agency, purpose, False, cs, ds)
    assert d.permit == (agency == rec.holder_agency_id)


@settings(max_examples=250, deadline=None)
@given(scenario)
def test_invariant_special_never_goes_on_a_consent_not_naming_its_category(s):
    rec, agency, purpose, interest, cs, ds = s
    d = run(rec, agency, purpose, interest, cs, ds)
    if d.permit and d.basis == BasisKind.consent:
        used = next(c for c in cs if c.id == d.basis_id)
        assert used.granted and used.subject_person_id == rec.subject_person_id
        if rec.level == Level.special:
            assert rec.category in used.categories


@settings(max_examples=250, deadline=None)
@given(scenario)
def test_invariant_refusal_gives_way_only_to_a_later_grant_or_a_decision(s):
    rec, agency, purpose, interest, cs, ds = s
    d = run(rec, agency, purpose, interest, cs, ds)
    if not d.permit or d.basis != BasisKind.consent:
        return
    used = next(c for c in cs if c.id == d.basis_id)
    subject = PEOPLE_FACTS[rec.subject_person_id]
    req = Request(agency, purpose, NOW)
    for c in cs:
        active_refusal = (
            not c.granted
            and c.subject_person_id == rec.subject_person_id
            and c.stated_at <= NOW
            and subject.entitled(c.given_by_person_id)
            and purpose in c.purposes
            and (c.expires_at is None or c.expires_at > NOW)
            and rec.holder_agency_id in c.holders
            and agency in c.recipients
            and (not c.categories or rec.category in c.categories)
        )
        if active_refusal:
            assert (used.stated_at, used.id.int) > (c.stated_at, c.id.int), req


@settings(max_examples=250, deadline=None)
@given(scenario)
def test_invariant_withdrawing_or_expiring_the_basis_stops_disclosure_at_once(s):
    rec, agency, purpose, interest, cs, ds = s
    d = run(rec, agency, purpose, interest, cs, ds)
    if not d.permit or d.basis != BasisKind.consent:
        return
    for change in ({"withdrawn_at": NOW}, {"expires_at": NOW}):
        lapsed = [replace(c, **change) if c.id == d.basis_id else c for c in cs]
        after = run(rec, agency, purpose, interest, lapsed, ds)
        assert after.basis_id != d.basis_id


@settings(max_examples=250, deadline=None)
@given(scenario, purposes)
def test_invariant_consent_for_one_purpose_never_permits_another(s, other):
    rec, agency, _, interest, cs, ds = s
    d = run(rec, agency, other, interest, cs, ds)
    if d.permit and d.basis == BasisKind.consent:
        used = next(c for c in cs if c.id == d.basis_id)
        assert other in used.purposes
