"""Cases 2, 3, 6 and 7 of the seed, end to end through the HTTP API.

Each step asserts what each agency can see after it, and its "cannot see" twin.
"""

import uuid

from sqlalchemy import select

from app.models.sharing import Disclosure
from tests.factories import (
    add_record,
    decide_sharing,
    give_consent,
    make_practitioner,
    make_staffed_agency,
    register_person,
    relate,
    summaries,
    summary_of,
    withheld,
)
from tests.test_auth import assert_problem

NHS = {
    "cathy": "9434765870",
    "ben": "9434765889",
    "lisa": "9434765897",
    "jack": "9434765900",
    "helen": "9434765935",
    "grace": "9434765943",
    "natasha": "9434765951",
    "mum7": "9434765978",
}


async def test_case_2_cathy_consent_per_purpose(client):
    _, volunteer = await make_staffed_agency(
        client, name="Home-Start", kind="charity", job_title="Volunteer"
    )
    _, nursery = await make_staffed_agency(client, name="Hillcrest Nursery", kind="nursery")
    _, hv = await make_staffed_agency(
        client, name="Health visiting", kind="health_visiting", job_title="Health visitor"
    )
    cathy = await register_person(
        client,
        actor=volunteer,
        given_name="Cathy",
        date_of_birth="2007-02-01",
        nhs_number=NHS["cathy"],
        reason="Home-Start family",
    )
    ben = await register_person(
        client,
        actor=volunteer,
        given_name="Ben",
        date_of_birth="2023-05-01",
        nhs_number=NHS["ben"],
        reason="Home-Start family",
    )
    await relate(client, volunteer, cathy["id"], ben["id"])
    await register_person(
        client, actor=nursery, given_name="Ben", nhs_number=NHS["ben"], reason="Nursery place"
    )
    await register_person(
        client,
        actor=hv,
        given_name="Ben",
        nhs_number=NHS["ben"],
        reason="Missed developmental checks",
    )

    await add_record(
        client,
        actor=volunteer,
        subject=ben["id"],
        category="family_circumstances",
        summary="Long walk to nursery since the move to the hostel",
    )
    await add_record(
        client,
        actor=volunteer,
        subject=ben["id"],
        category="health",
        summary="Volunteer worried Ben may not hear well",
    )

    # Before any consent, the nursery sees nothing of Home-Start's and is told why.
    view = await summary_of(client, actor=nursery, person=ben["id"], purpose="education_support")
    assert view["records"] == [] and withheld(view) == {"no_consent": 2}

    # Cathy (PR for Ben) agrees Home-Start may tell the nursery about attendance.
    await give_consent(
        client,
        actor=volunteer,
        decision="granted",
        subjects=[ben["id"]],
        given_by=[cathy["id"]],
        recipients=[nursery.agency_id],
        purposes=["education_support"],
    )
    view = await summary_of(client, actor=nursery, person=ben["id"], purpose="education_support")
    assert summaries(view) == {"Long walk to nursery since the move to the hostel"}
    assert view["records"][0]["shared"]["basis"] == "consent"
    # Health is special: a consent naming no categories does not carry it.
    assert withheld(view) == {"no_consent": 1}
    # The consent was for one purpose: it does not carry to another (twin).
    other = await summary_of(client, actor=nursery, person=ben["id"], purpose="health_care")
    assert other["records"] == [] and withheld(other) == {"no_consent": 2}
    # Nor to another recipient.
    view = await summary_of(client, actor=hv, person=ben["id"], purpose="health_care")
    assert view["records"] == []

    # Hearing: consent is sought again, for health care, naming the health category.
    await give_consent(
        client,
        actor=volunteer,
        decision="granted",
        subjects=[ben["id"]],
        given_by=[cathy["id"]],
        recipients=[hv.agency_id],
        purposes=["health_care"],
        categories=["health"],
        form="written",
    )
    view = await summary_of(client, actor=hv, person=ben["id"], purpose="health_care")
    assert summaries(view) == {"Volunteer worried Ben may not hear well"}
    # ...and still not the nursery, for any purpose.
    view = await summary_of(client, actor=nursery, person=ben["id"], purpose="health_care")
    assert view["records"] == []


async def test_case_3_mothers_refusal_and_decision_not_to_share(client, session):
    hv_admin, hv = await make_staffed_agency(
        client, name="Health visiting", kind="health_visiting", job_title="Health visitor"
    )
    _, teacher = await make_staffed_agency(
        client, name="Oakfield Primary", job_title="Class teacher"
    )
    lisa = await register_person(
        client,
        actor=hv,
        given_name="Lisa",
        date_of_birth="1994-01-01",
        nhs_number=NHS["lisa"],
        reason="Mother of Poppy",
    )
    jack = await register_person(
        client,
        actor=hv,
        given_name="Jack",
        date_of_birth="2022-03-01",
        nhs_number=NHS["jack"],
        reason="CAF with the family",
    )
    await relate(client, hv, lisa["id"], jack["id"])
    await register_person(
        client,
        actor=teacher,
        given_name="Lisa",
        date_of_birth=None,
        nhs_number=NHS["lisa"],
        reason="Parent of Jenny and Jack",
    )
    await register_person(
        client, actor=teacher, given_name="Jack", nhs_number=NHS["jack"], reason="Pupil"
    )

    mental = await add_record(
        client,
        actor=hv,
        subject=lisa["id"],
        category="mental_health",
        summary="Lisa low in mood since the birth",
    )
    await add_record(
        client,
        actor=hv,
        subject=lisa["id"],
        category="family_circumstances",
        level="non_confidential",
        summary="Three children under six",
    )
    await add_record(
        client,
        actor=teacher,
        subject=jack["id"],
        category="education",
        level="non_confidential",
        summary="Often late; last to be collected",
    )

    # The school asks: it sees the non-confidential fact, and is told one item is withheld.
    view = await summary_of(
        client, actor=teacher, person=lisa["id"], purpose="early_help_assessment"
    )
    assert summaries(view) == {"Three children under six"}
    assert withheld(view) == {"no_consent": 1}

    # The mother refuses consent to share her health information with the school.
    await give_consent(
        client,
        actor=hv,
        decision="refused",
        subjects=[lisa["id"]],
        given_by=[lisa["id"]],
        recipients=[teacher.agency_id],
        purposes=["early_help_assessment"],
    )
    view = await summary_of(
        client, actor=teacher, person=lisa["id"], purpose="early_help_assessment"
    )
    # A refusal naming no categories covers everything, the non-confidential fact aside.
    assert withheld(view) == {"consent_refused": 1}

    # Rule 6: Jack's chronology at school does not bring in his mother's health record.
    r = await client.get(
        f"/people/{jack['id']}/chronology",
        headers=teacher.headers,
        params={"purpose": "early_help_assessment"},
    )
    chrono = r.json()
    assert r.status_code == 200
    assert {e["summary"] for e in chrono["entries"]} == {
        "Often late; last to be collected",
        "Three children under six",
    }
    assert "Lisa low in mood since the birth" not in r.text
    assert {w["reason"] for w in chrono["withheld"]} == {"consent_refused"}

    # The health visitor records her decision not to override confidentiality.
    decision = await decide_sharing(
        client,
        actor=hv,
        kind="not_share",
        subject_person_id=lisa["id"],
        recipients=[teacher.agency_id],
        purposes=["early_help_assessment"],
        categories=["mental_health"],
        reasons="Little benefit to the children; the mother accepts services out of school.",
        consent_sought=True,
        subject_told=True,
        consulted=["School child protection lead"],
    )
    assert decision["kind"] == "not_share" and decision["legal_basis"] is None
    # Even a later grant does not beat the recorded decision not to share.
    await give_consent(
        client,
        actor=hv,
        decision="granted",
        subjects=[lisa["id"]],
        given_by=[lisa["id"]],
        recipients=[teacher.agency_id],
        purposes=["early_help_assessment"],
        categories=["mental_health"],
    )
    view = await summary_of(
        client, actor=teacher, person=lisa["id"], purpose="early_help_assessment"
    )
    assert withheld(view) == {"decision_not_to_share": 1}
    r = await client.get(
        f"/records/{mental['id']}",
        headers=teacher.headers,
        params={"purpose": "early_help_assessment"},
    )
    assert_problem(r, 404)
    # The health visitor always sees her own.
    own = await summary_of(client, actor=hv, person=lisa["id"], purpose="early_help_assessment")
    assert "Lisa low in mood since the birth" in summaries(own)

    # Nothing about the mother's health left the health visitor: the DPO's subject access shows
    # only the non-confidential fact.
    dpo = await make_practitioner(client, admin=hv_admin, roles=("data_protection_officer",))
    r = await client.get(
        "/disclosures", headers=dpo.headers, params={"subject_person_id": lisa["id"]}
    )
    disclosed = r.json()["items"]
    assert disclosed and {d["basis"] for d in disclosed} == {"non_confidential"}
    assert mental["id"] not in {d["record_id"] for d in disclosed}
    csv = await client.get(
        "/disclosures",
        headers=dpo.headers,
        params={"subject_person_id": lisa["id"], "format": "csv"},
    )
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].startswith("id,request_id,disclosed_at")
    assert len(csv.text.splitlines()) == 1 + len(disclosed)


async def test_case_6_parents_refusal_overridden_and_parent_told(client, session):
    _, consultant = await make_staffed_agency(
        client, name="General Hospital", kind="hospital", job_title="Consultant paediatrician"
    )
    _, social_worker = await make_staffed_agency(
        client, name="Children's social care", kind="social_care", job_title="Social worker"
    )
    _, officer = await make_staffed_agency(
        client, name="Police", kind="police", job_title="Detective constable"
    )
    _, teacher = await make_staffed_agency(client, name="Special school", job_title="Teacher")
    helen = await register_person(
        client,
        actor=consultant,
        given_name="Helen",
        date_of_birth="2019-04-01",
        nhs_number=NHS["helen"],
        reason="Admitted for surgery",
    )
    grace = await register_person(
        client,
        actor=consultant,
        given_name="Grace",
        date_of_birth="1988-01-01",
        nhs_number=NHS["grace"],
        reason="Helen's mother",
    )
    await relate(client, consultant, grace["id"], helen["id"])
    bruising = await add_record(
        client,
        actor=consultant,
        subject=helen["id"],
        category="health",
        summary="Bruising to legs and thighs on admission",
    )
    await register_person(
        client,
        actor=social_worker,
        given_name="Helen",
        nhs_number=NHS["helen"],
        reason="Consultant's safeguarding concern",
    )
    await register_person(
        client,
        actor=officer,
        given_name="Helen",
        nhs_number=NHS["helen"],
        reason="Strategy discussion",
    )

    # The mother (with parental responsibility for a child who cannot consent) refuses.
    await give_consent(
        client,
        actor=consultant,
        decision="refused",
        subjects=[helen["id"]],
        given_by=[grace["id"]],
        recipients=[social_worker.agency_id],
        purposes=["child_protection_enquiry"],
    )
    view = await summary_of(
        client, actor=social_worker, person=helen["id"], purpose="child_protection_enquiry"
    )
    assert view["records"] == [] and withheld(view) == {"consent_refused": 1}

    # The consultant overrides it on safeguarding grounds, tells the mother, shares with both.
    missing = await client.post(
        "/sharing-decisions",
        headers=consultant.headers,
        json={
            "kind": "share",
            "subject_person_id": helen["id"],
            "recipients": [social_worker.agency_id],
            "purposes": ["child_protection_enquiry"],
            "reasons": "x",
            "consent_sought": True,
            "subject_told": True,
        },
    )
    problem = assert_problem(missing, 422)
    assert "legal_basis" in problem["errors"][0]["detail"]
    decision = await decide_sharing(
        client,
        actor=consultant,
        kind="share",
        subject_person_id=helen["id"],
        recipients=[social_worker.agency_id, officer.agency_id],
        purposes=["child_protection_enquiry"],
        categories=["health"],
        legal_basis="risk_of_significant_harm",
        reasons="Bruising not consistent with callipers; Helen cannot tell us.",
        consent_sought=True,
        subject_told=True,
        article9_condition="safeguarding_children_and_individuals_at_risk",
        consulted=["Admitting doctor"],
    )
    view = await summary_of(
        client, actor=social_worker, person=helen["id"], purpose="child_protection_enquiry"
    )
    assert summaries(view) == {"Bruising to legs and thighs on admission"}
    assert view["records"][0]["shared"] == {
        "basis": "decision",
        "basis_id": decision["id"],
        "purpose": "child_protection_enquiry",
    }
    police_view = await summary_of(
        client, actor=officer, person=helen["id"], purpose="child_protection_enquiry"
    )
    assert summaries(police_view) == {"Bruising to legs and thighs on admission"}
    # Twins: not for another purpose, and not to an agency the decision does not name.
    other = await summary_of(
        client, actor=social_worker, person=helen["id"], purpose="family_support"
    )
    assert other["records"] == [] and withheld(other) == {
        "no_consent": 1
    }  # the refusal named one purpose
    assert_problem(
        await client.get(
            f"/people/{helen['id']}/summary",
            headers=teacher.headers,
            params={"purpose": "child_protection_enquiry"},
        ),
        404,
    )

    # Each disclosure is logged with its basis and lawful basis, in the same request.
    rows = (
        (
            await session.execute(
                select(Disclosure).where(Disclosure.record_id == uuid.UUID(bruising["id"]))
            )
        )
        .scalars()
        .all()
    )
    assert {
        (str(d.recipient_agency_id), d.basis, d.article6_basis, d.article9_condition) for d in rows
    } == {
        (
            social_worker.agency_id,
            "decision",
            "public_task",
            "safeguarding_children_and_individuals_at_risk",
        ),
        (
            officer.agency_id,
            "decision",
            "public_task",
            "safeguarding_children_and_individuals_at_risk",
        ),
    }
    assert all(d.basis_id is not None and str(d.basis_id) == decision["id"] for d in rows)


async def test_case_7_competent_child_parents_get_nothing_referral_without_consent(client):
    _, nurse = await make_staffed_agency(
        client,
        name="GU clinic",
        kind="sexual_health",
        job_title="Health practitioner",
        sensitive_service=True,
    )
    _, social_worker = await make_staffed_agency(
        client, name="Children's social care", kind="social_care", job_title="Social worker"
    )
    _, officer = await make_staffed_agency(
        client, name="Police", kind="police", job_title="Police officer"
    )
    _, gp = await make_staffed_agency(client, name="Family GP", kind="gp_practice", job_title="GP")
    natasha = await register_person(
        client,
        actor=nurse,
        given_name="Natasha",
        date_of_birth="2012-06-01",
        date_of_birth_estimated=True,
        nhs_number=NHS["natasha"],
        reason="Clinic patient",
    )
    r = await client.post(
        f"/people/{natasha['id']}/competence",
        headers=nurse.headers,
        json={"competent": True, "standard": "fraser", "assessed_on": "2026-10-01"},
    )
    assert r.status_code == 201
    await add_record(
        client, actor=nurse, subject=natasha["id"], category="sexual_health", summary="STI treated"
    )
    await add_record(
        client,
        actor=nurse,
        subject=natasha["id"],
        category="sexual_health",
        summary="Pregnant; boyfriend likely older",
    )
    await add_record(
        client,
        actor=nurse,
        subject=natasha["id"],
        category="health",
        summary="Faded bruising, left side of face",
    )

    # The family GP knows Natasha and her mother.
    await register_person(
        client,
        actor=gp,
        given_name="Natasha",
        nhs_number=NHS["natasha"],
        reason="Registered patient",
    )
    mum = await register_person(
        client,
        actor=gp,
        given_name="Mum",
        date_of_birth="1985-01-01",
        nhs_number=NHS["mum7"],
        reason="Registered patient",
    )
    await relate(client, gp, mum["id"], natasha["id"])
    # Her mother's consent, recorded at the GP, cannot speak for a competent child: the GP does
    # not know of the clinic's assessment (and is not told), and gets nothing from it.
    await give_consent(
        client,
        actor=gp,
        decision="granted",
        subjects=[natasha["id"]],
        given_by=[mum["id"]],
        holders=[nurse.agency_id],
        recipients=[gp.agency_id],
        purposes=["health_care"],
        categories=["sexual_health"],
    )
    # The GP sees nothing of the clinic: no record, no withheld count, no clinic.
    view = await summary_of(client, actor=gp, person=natasha["id"], purpose="health_care")
    assert view["records"] == [] and view["withheld"] == []
    assert nurse.agency_id not in str(view)

    # Natasha refuses to involve her parents or the GP.
    await give_consent(
        client,
        actor=nurse,
        decision="refused",
        subjects=[natasha["id"]],
        given_by=[natasha["id"]],
        recipients=[gp.agency_id],
        purposes=["health_care"],
    )
    # The health worker and named nurse refer to social care and police without consent.
    await register_person(
        client,
        actor=social_worker,
        given_name="Natasha",
        nhs_number=NHS["natasha"],
        reason="Referral from the clinic",
    )
    await register_person(
        client,
        actor=officer,
        given_name="Natasha",
        nhs_number=NHS["natasha"],
        reason="Referral from the clinic",
    )
    decision = await decide_sharing(
        client,
        actor=nurse,
        kind="share",
        subject_person_id=natasha["id"],
        recipients=[social_worker.agency_id, officer.agency_id],
        purposes=["child_protection_enquiry"],
        categories=["sexual_health", "health"],
        legal_basis="risk_of_significant_harm",
        reasons="Likely exploited by an older man; risk to other girls.",
        consent_sought=True,
        subject_told=True,
        article9_condition="safeguarding_children_and_individuals_at_risk",
        consulted=["Named nurse for safeguarding"],
    )
    for reader in (social_worker, officer):
        view = await summary_of(
            client, actor=reader, person=natasha["id"], purpose="child_protection_enquiry"
        )
        assert len(view["records"]) == 3
        assert {r["shared"]["basis_id"] for r in view["records"]} == {decision["id"]}
    # The parents' GP still gets nothing, for any purpose, and no trace of the clinic.
    for purpose in ("health_care", "child_protection_enquiry"):
        view = await summary_of(client, actor=gp, person=natasha["id"], purpose=purpose)
        assert view["records"] == [] and view["withheld"] == []
