"""Referrals, declared involvements, the involvement index and the lead professional."""

import uuid
from datetime import date, timedelta

from sqlalchemy import update

from app.db import utcnow
from app.models.casework import Referral
from app.models.person import Involvement
from tests.factories import (
    add_record,
    give_consent,
    make_practitioner,
    make_staffed_agency,
    register_person,
    summaries,
    summary_of,
)
from tests.test_auth import assert_problem

RYAN, SARAH = "9434765919", "9434765870"
SOON = (date.today() + timedelta(days=14)).isoformat()


async def referral(client, actor, **body):
    body.setdefault("purpose", "child_in_need_assessment")
    body.setdefault("reason", "Concerns about Ryan's attendance and his mother's drug use")
    body.setdefault("action_expected", "Assess whether Ryan is a child in need")
    body.setdefault("feedback_by", SOON)
    r = await client.post("/referrals", headers=actor.headers, json=body)
    assert r.status_code == 201, r.text
    return r.json()


async def test_a_referral_gives_interest_and_acceptance_creates_the_involvement(client):
    _, school = await make_staffed_agency(
        client, name="Westgate School", job_title="Pastoral manager"
    )
    sc_admin, social = await make_staffed_agency(
        client, name="Children's social care", kind="social_care", job_title="Social worker"
    )
    _, other = await make_staffed_agency(client, name="Housing", kind="housing")
    ryan = await register_person(
        client, actor=school, given_name="Ryan", date_of_birth="2016-02-01", nhs_number=RYAN
    )
    note = await add_record(
        client,
        actor=school,
        subject=ryan["id"],
        category="education",
        level="non_confidential",
        summary="Attendance 71% this term",
    )
    # Before any referral, social care has no interest: Ryan does not exist for it.
    assert_problem(
        await client.get(
            f"/people/{ryan['id']}/summary",
            headers=social.headers,
            params={"purpose": "child_in_need_assessment"},
        ),
        404,
    )
    ref = await referral(
        client,
        school,
        to_agency_id=social.agency_id,
        subject_person_ids=[ryan["id"]],
        record_ids=[note["id"]],
    )
    assert ref["status"] == "sent" and not ref["overdue"] and not ref["re_referral"]
    assert len(ref["share_ids"]) == 1
    # A sent referral is interest enough to read what may be shared.
    view = await summary_of(
        client, actor=social, person=ryan["id"], purpose="child_in_need_assessment"
    )
    assert summaries(view) == {"Attendance 71% this term"}
    # The inbox, and the acknowledgement of receipt.
    inbox = (await client.get("/referrals", headers=social.headers)).json()["items"]
    assert [r["id"] for r in inbox] == [ref["id"]]
    url = f"/referrals/{ref['id']}"
    r = await client.post(f"{url}/acknowledgement", headers={**social.headers, "If-Match": "*"})
    assert r.status_code == 200 and r.json()["acknowledged_at"]
    # Others cannot see or answer it.
    assert_problem(await client.get(url, headers=other.headers), 404)
    assert_problem(
        await client.post(f"{url}/accept", headers={**school.headers, "If-Match": "*"}), 403
    )
    r = await client.post(f"{url}/accept", headers={**social.headers, "If-Match": "*"})
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    # Illegal transitions are 409 naming the current state.
    problem = assert_problem(
        await client.post(f"{url}/withdraw", headers={**school.headers, "If-Match": "*"}), 409
    )
    assert problem["current_state"] == "accepted"
    problem = assert_problem(
        await client.post(
            f"{url}/decline", headers={**social.headers, "If-Match": "*"}, json={"reason": "late"}
        ),
        409,
    )
    assert problem["current_state"] == "accepted"
    # The involvement now shows in the index, to an authorised worker.
    index_worker = await make_practitioner(
        client, admin=sc_admin, name="Duty manager", roles=("practitioner", "authorised_worker")
    )
    idx = (await client.get(f"/people/{ryan['id']}/index", headers=index_worker.headers)).json()
    assert {i["agency_name"] for i in idx["involvements"]} == {
        "Westgate School",
        "Children's social care",
    }
    assert {i["source"] for i in idx["involvements"]} == {"registration", "referral"}


async def test_declined_and_withdrawn_referrals_give_no_interest(client):
    _, school = await make_staffed_agency(client, name="School")
    _, social = await make_staffed_agency(client, name="Social care", kind="social_care")
    ryan = await register_person(client, actor=school, given_name="Ryan", nhs_number=RYAN)
    for end in ("decline", "withdraw"):
        ref = await referral(
            client, school, to_agency_id=social.agency_id, subject_person_ids=[ryan["id"]]
        )
        actor = social if end == "decline" else school
        body = {"reason": "Threshold not met"} if end == "decline" else None
        r = await client.post(
            f"/referrals/{ref['id']}/{end}", headers={**actor.headers, "If-Match": "*"}, json=body
        )
        assert r.status_code == 200, r.text
        assert_problem(
            await client.get(
                f"/people/{ryan['id']}/summary",
                headers=social.headers,
                params={"purpose": "child_in_need_assessment"},
            ),
            404,
        )


async def test_records_sent_with_a_referral_need_a_basis(client):
    _, school = await make_staffed_agency(client, name="School")
    _, social = await make_staffed_agency(client, name="Social care", kind="social_care")
    ryan = await register_person(client, actor=school, given_name="Ryan", nhs_number=RYAN)
    private = await add_record(
        client,
        actor=school,
        subject=ryan["id"],
        category="family_circumstances",
        summary="Told his teacher his mum sleeps all day",
    )
    r = await client.post(
        "/referrals",
        headers=school.headers,
        json={
            "to_agency_id": social.agency_id,
            "subject_person_ids": [ryan["id"]],
            "purpose": "child_in_need_assessment",
            "reason": "x",
            "action_expected": "y",
            "feedback_by": SOON,
            "record_ids": [private["id"]],
        },
    )
    problem = assert_problem(r, 422)
    assert (
        problem["errors"][0]["field"] == "body:/record_ids/0" and "no_consent" in problem["detail"]
    )


async def test_overdue_and_re_referral(client, session):
    _, school = await make_staffed_agency(client, name="School")
    _, social = await make_staffed_agency(client, name="Social care", kind="social_care")
    ryan = await register_person(client, actor=school, given_name="Ryan", nhs_number=RYAN)
    ref = await referral(
        client, school, to_agency_id=social.agency_id, subject_person_ids=[ryan["id"]]
    )
    await session.execute(
        update(Referral)
        .where(Referral.id == uuid.UUID(ref["id"]))
        .values(feedback_by=date.today() - timedelta(days=1))
    )
    await session.commit()
    sent = (await client.get("/referrals", headers=school.headers, params={"box": "sent"})).json()[
        "items"
    ]
    assert sent[0]["overdue"] is True
    # Social care worked with Ryan until recently: a new referral is flagged as a re-referral.
    await register_person(client, actor=social, given_name="Ryan", nhs_number=RYAN)
    await session.execute(
        update(Involvement)
        .where(
            Involvement.person_id == uuid.UUID(ryan["id"]),
            Involvement.agency_id == uuid.UUID(social.agency_id),
        )
        .values(ended_at=utcnow() - timedelta(days=60), end_reason="No further action")
    )
    await session.commit()
    again = await referral(
        client, school, to_agency_id=social.agency_id, subject_person_ids=[ryan["id"]]
    )
    assert again["re_referral"] is True


async def test_referral_to_a_group_is_answered_by_its_chair_and_covers_members(client):
    fss_admin, coordinator = await make_staffed_agency(
        client, name="Family support team", kind="local_authority"
    )
    _, amh = await make_staffed_agency(client, name="Adult mental health", kind="mental_health")
    _, housing = await make_staffed_agency(client, name="Housing", kind="housing")
    steve = await register_person(
        client, actor=amh, given_name="Steve", date_of_birth="1985-01-01", nhs_number=SARAH
    )
    await add_record(
        client,
        actor=amh,
        subject=steve["id"],
        category="finance",
        level="non_confidential",
        summary="Struggling financially",
    )
    group = (
        await client.post(
            "/groups",
            headers=fss_admin.headers,
            json={
                "name": "Family support service",
                "kind": "family_support_service",
                "chair_agency_id": coordinator.agency_id,
                "purposes": ["family_support"],
                "legal_gateway": "children_act_s17",
                "members": [amh.agency_id, housing.agency_id],
            },
        )
    ).json()
    ref = await referral(
        client,
        amh,
        to_group_id=group["id"],
        subject_person_ids=[steve["id"]],
        purpose="family_support",
    )
    # A member that is not the chair cannot answer it; the chair's agency can.
    assert_problem(
        await client.post(
            f"/referrals/{ref['id']}/accept", headers={**housing.headers, "If-Match": "*"}
        ),
        403,
    )
    assert_problem(
        await client.get(
            f"/people/{steve['id']}/summary",
            headers=housing.headers,
            params={"purpose": "family_support"},
        ),
        404,
    )
    r = await client.post(
        f"/referrals/{ref['id']}/accept", headers={**coordinator.headers, "If-Match": "*"}
    )
    assert r.status_code == 200
    view = await summary_of(client, actor=housing, person=steve["id"], purpose="family_support")
    assert summaries(view) == {"Struggling financially"}


async def test_index_hides_sensitive_services_and_needs_an_authorised_worker(client):
    school_admin, school = await make_staffed_agency(client, name="School")
    _, drugs = await make_staffed_agency(
        client, name="Drug service", kind="substance_misuse", sensitive_service=True
    )
    _, s4m = await make_staffed_agency(
        client, name="Space 4 Me", kind="other", job_title="Project worker"
    )
    sarah = await register_person(
        client, actor=drugs, given_name="Sarah", date_of_birth="1990-01-01", nhs_number=SARAH
    )
    await register_person(
        client, actor=school, given_name="Sarah", date_of_birth=None, nhs_number=SARAH
    )
    await register_person(
        client, actor=s4m, given_name="Sarah", date_of_birth=None, nhs_number=SARAH
    )
    authorised = await make_practitioner(
        client, admin=school_admin, roles=("practitioner", "authorised_worker")
    )
    # 404 before 403: without interest the person does not exist; with it, only authorised workers.
    _, stranger = await make_staffed_agency(
        client, name="Stranger", roles=("practitioner", "authorised_worker")
    )
    assert_problem(await client.get(f"/people/{sarah['id']}/index", headers=stranger.headers), 404)
    assert_problem(await client.get(f"/people/{sarah['id']}/index", headers=school.headers), 403)
    # Every look-up is audited, the refused one too.
    dpo = await make_practitioner(client, admin=school_admin, roles=("data_protection_officer",))
    r = await client.get("/audit", headers=dpo.headers, params={"subject_person_id": sarah["id"]})
    looked = [
        (e["practitioner_id"], e["outcome"])
        for e in r.json()["items"]
        if e["action"] == "index.lookup"
    ]
    assert looked == [(school.practitioner_id, "refused")]
    idx = (await client.get(f"/people/{sarah['id']}/index", headers=authorised.headers)).json()
    assert {i["agency_name"] for i in idx["involvements"]} == {"School", "Space 4 Me"}
    assert drugs.agency_id not in str(idx)
    # Sarah agrees the school may know the drug service works with her.
    await give_consent(
        client,
        actor=drugs,
        decision="granted",
        subjects=[sarah["id"]],
        given_by=[sarah["id"]],
        recipients=[school.agency_id],
        purposes=["family_support"],
        show_involvement=True,
    )
    idx = (await client.get(f"/people/{sarah['id']}/index", headers=authorised.headers)).json()
    assert "Drug service" in {i["agency_name"] for i in idx["involvements"]}


async def test_early_help_assessment_lifecycle_and_the_index(client):
    _, s4m = await make_staffed_agency(
        client, name="Space 4 Me", kind="other", job_title="Project worker"
    )
    school_admin, school = await make_staffed_agency(client, name="School")
    ryan = await register_person(
        client, actor=s4m, given_name="Ryan", date_of_birth="2016-02-01", nhs_number=RYAN
    )
    await register_person(client, actor=school, given_name="Ryan", nhs_number=RYAN)
    r = await client.post(
        "/early-help-assessments", headers=s4m.headers, json={"child_id": ryan["id"]}
    )
    assert r.status_code == 201, r.text
    caf = r.json()
    url = f"/early-help-assessments/{caf['id']}/transitions"

    async def move(to, **extra):
        return await client.post(
            url, headers={**s4m.headers, "If-Match": "*"}, json={"to": to, **extra}
        )

    problem = assert_problem(await move("completed"), 409)
    assert problem["current_state"] == "proposed"
    for to in ("consent_sought", "consent_refused", "consent_sought", "in_progress"):
        r = await move(to)
        assert r.status_code == 200 and r.json()["status"] == to, r.text
    assert_problem(await move("completed", strengths="Loves football"), 422)
    r = await move(
        "completed",
        strengths="Loves football",
        needs="Routine at home",
        completed_with=["Sarah", "Ryan"],
    )
    assert r.status_code == 200 and r.json()["completed_at"]
    # Another agency's authorised worker sees that it exists, and who holds it; not its content.
    worker = await make_practitioner(
        client, admin=school_admin, roles=("practitioner", "authorised_worker")
    )
    idx = (await client.get(f"/people/{ryan['id']}/index", headers=worker.headers)).json()
    assert idx["early_help_assessment"]["agency_name"] == "Space 4 Me"
    assert idx["early_help_assessment"]["status"] == "completed"
    assert "football" not in str(idx)
    assert_problem(
        await client.get(f"/early-help-assessments/{caf['id']}", headers=school.headers), 404
    )
    assert (await move("closed")).status_code == 200
    assert_problem(await move("in_progress"), 409)


async def test_child_status_is_shown_with_the_social_workers_contact(client):
    _, eddie = await make_staffed_agency(
        client, name="Children's social care", kind="social_care", job_title="Social worker"
    )
    _, school = await make_staffed_agency(client, name="School")
    _, stranger = await make_staffed_agency(client, name="Stranger", kind="housing")
    ryan = await register_person(
        client, actor=eddie, given_name="Ryan", date_of_birth="2016-02-01", nhs_number=RYAN
    )
    await register_person(client, actor=school, given_name="Ryan", nhs_number=RYAN)
    body = {
        "status": "child_in_need",
        "start_date": date.today().isoformat(),
        "social_worker_id": eddie.practitioner_id,
    }
    assert_problem(
        await client.post(f"/people/{ryan['id']}/child-status", headers=school.headers, json=body),
        403,
    )
    r = await client.post(f"/people/{ryan['id']}/child-status", headers=eddie.headers, json=body)
    assert r.status_code == 201, r.text
    seen = (await client.get(f"/people/{ryan['id']}/child-status", headers=school.headers)).json()
    assert [s["status"] for s in seen] == ["child_in_need"]
    assert seen[0]["social_worker"]["practitioner_id"] == eddie.practitioner_id
    assert seen[0]["social_worker"]["job_title"] == "Social worker"
    assert_problem(
        await client.get(f"/people/{ryan['id']}/child-status", headers=stranger.headers), 404
    )


async def test_access_alerts_for_a_child_in_need(client):
    _, eddie = await make_staffed_agency(
        client, name="Children's social care", kind="social_care", job_title="Social worker"
    )
    _, school = await make_staffed_agency(client, name="School")
    _, clinic = await make_staffed_agency(
        client, name="Clinic", kind="sexual_health", sensitive_service=True
    )
    ryan = await register_person(
        client, actor=eddie, given_name="Ryan", date_of_birth="2016-02-01", nhs_number=RYAN
    )
    sarah = await register_person(
        client, actor=eddie, given_name="Sarah", date_of_birth="1990-01-01", nhs_number=SARAH
    )
    r = await client.post(
        "/relationships",
        headers=eddie.headers,
        json={
            "person_id": sarah["id"],
            "related_person_id": ryan["id"],
            "kind": "parent",
            "parental_responsibility": True,
        },
    )
    assert r.status_code == 201
    await register_person(client, actor=school, given_name="Ryan", nhs_number=RYAN)
    await register_person(client, actor=clinic, given_name="Ryan", nhs_number=RYAN)
    r = await client.post(
        f"/people/{ryan['id']}/lead-professional",
        headers=eddie.headers,
        json={
            "practitioner_id": eddie.practitioner_id,
            "agreed_by": [sarah["id"]],
            "agreed_on": date.today().isoformat(),
            "reason": "Child in need plan",
        },
    )
    assert r.status_code == 201, r.text
    # Without a current status, a look-up is not flagged.
    await summary_of(client, actor=school, person=ryan["id"], purpose="education_support")
    assert (await client.get("/alerts", headers=eddie.headers)).json() == []
    r = await client.post(
        f"/people/{ryan['id']}/child-status",
        headers=eddie.headers,
        json={
            "status": "child_in_need",
            "start_date": date.today().isoformat(),
            "social_worker_id": eddie.practitioner_id,
        },
    )
    assert r.status_code == 201
    await summary_of(client, actor=school, person=ryan["id"], purpose="education_support")
    await summary_of(client, actor=clinic, person=ryan["id"], purpose="health_care")
    alerts = (await client.get("/alerts", headers=eddie.headers)).json()
    assert {a["kind"] for a in alerts} == {"child_looked_up"}
    assert all("School" in a["text"] for a in alerts) and not any(
        "Clinic" in a["text"] for a in alerts
    )
    accesses = (
        await client.get(f"/people/{ryan['id']}/child-status/accesses", headers=eddie.headers)
    ).json()
    assert {a["agency_name"] for a in accesses} == {"School"}
    assert {a["purpose"] for a in accesses} == {"education_support"}
    # Only the agency holding the status sees who looked the child up.
    assert_problem(
        await client.get(f"/people/{ryan['id']}/child-status/accesses", headers=school.headers), 403
    )


async def test_self_declared_involvements_are_shown_to_the_lead_professional(client):
    """Interest cannot be claimed silently: an involvement another agency declares itself, or
    gains by registering the child, is in the lead professional's alerts (who, when, why); one from
    an accepted referral is not, nor a sensitive service's unless the family agreed to show it."""
    _, eddie = await make_staffed_agency(
        client, name="Children's social care", kind="social_care", job_title="Social worker"
    )
    _, club = await make_staffed_agency(client, name="Youth club", kind="other")
    _, school = await make_staffed_agency(client, name="School")
    _, hv = await make_staffed_agency(client, name="Health visiting", kind="health_visiting")
    _, drugs = await make_staffed_agency(
        client, name="Drug service", kind="substance_misuse", sensitive_service=True
    )
    ryan = await register_person(
        client, actor=eddie, given_name="Ryan", date_of_birth="2016-02-01", nhs_number=RYAN
    )
    sarah = await register_person(
        client, actor=eddie, given_name="Sarah", date_of_birth="1990-01-01", nhs_number=SARAH
    )
    r = await client.post(
        "/relationships",
        headers=eddie.headers,
        json={
            "person_id": sarah["id"],
            "related_person_id": ryan["id"],
            "kind": "parent",
            "parental_responsibility": True,
        },
    )
    assert r.status_code == 201, r.text
    # Registered before there is a lead: the index shows it; no one to alert then.
    await register_person(client, actor=club, given_name="Ryan", nhs_number=RYAN)
    r = await client.post(
        f"/people/{ryan['id']}/lead-professional",
        headers=eddie.headers,
        json={
            "practitioner_id": eddie.practitioner_id,
            "agreed_by": [sarah["id"]],
            "agreed_on": date.today().isoformat(),
            "reason": "Child in need plan",
        },
    )
    assert r.status_code == 201, r.text

    async def declared():
        alerts = (await client.get("/alerts", headers=eddie.headers)).json()
        return [a for a in alerts if a["kind"] == "involvement_declared"]

    assert await declared() == []
    # Source 1: registering the child by NHS number.
    await register_person(
        client, actor=school, given_name="Ryan", nhs_number=RYAN, reason="New pupil, Year 5"
    )
    # Source 2: an involvement the agency declares itself.
    r = await client.post(
        f"/people/{ryan['id']}/involvements",
        headers=club.headers,
        json={"reason": "Ryan joined the Saturday football group"},
    )
    assert r.status_code == 201, r.text
    club_involvement = r.json()
    # Not self-declared: an accepted referral's involvement.
    ref = await referral(client, eddie, to_agency_id=hv.agency_id, subject_person_ids=[ryan["id"]])
    await register_person(client, actor=hv, given_name="Ryan", nhs_number=RYAN)
    r = await client.post(f"/referrals/{ref['id']}/accept", headers={**hv.headers, "If-Match": "*"})
    assert r.status_code == 200, r.text
    # The sensitive service's registration: hidden.
    await register_person(client, actor=drugs, given_name="Ryan", nhs_number=RYAN)
    alerts = await declared()
    texts = {a["text"] for a in alerts}
    assert [a["person_id"] for a in alerts] == [ryan["id"]] * 3
    assert any(t.startswith("School") and "registered" in t and "New pupil" in t for t in texts)
    assert any(t.startswith("Youth club") and "declared" in t and "football" in t for t in texts)
    assert club_involvement["id"] in {a["object_id"] for a in alerts}
    assert all(a["since"] == date.today().isoformat() for a in alerts)
    # Twins: the health visitor's registration is alerted (it registered), its accepted
    # referral is not; the drug service never shows; nobody else gets the alerts.
    hv_alerts = [t for t in texts if t.startswith("Health visiting")]
    assert len(hv_alerts) == 1 and "registered" in hv_alerts[0]
    assert "Drug service" not in str(alerts) and drugs.agency_id not in str(alerts)
    for other in (school, club, hv):
        kinds = [a["kind"] for a in (await client.get("/alerts", headers=other.headers)).json()]
        assert "involvement_declared" not in kinds
    # Ryan's mother agrees social care may know the drug service works with him: now shown.
    await register_person(client, actor=drugs, given_name="Sarah", nhs_number=SARAH)
    r = await client.post(
        "/relationships",
        headers=drugs.headers,
        json={
            "person_id": sarah["id"],
            "related_person_id": ryan["id"],
            "kind": "parent",
            "parental_responsibility": True,
        },
    )
    assert r.status_code == 201, r.text
    await give_consent(
        client,
        actor=drugs,
        decision="granted",
        subjects=[ryan["id"]],
        given_by=[sarah["id"]],
        recipients=[eddie.agency_id],
        purposes=["child_in_need_assessment"],
        show_involvement=True,
    )
    assert any(a["text"].startswith("Drug service") for a in await declared())


async def test_social_care_ends_a_status_and_it_is_no_longer_current(client):
    """Issue 5 item 9: a status has start and end dates. Social care ends a current one with an
    end date and a reason, on its ETag; from then on it is not current: not in the child's
    current statuses, no access alerts for the lead professional, no access list."""
    _, eddie = await make_staffed_agency(
        client, name="Children's social care", kind="social_care", job_title="Social worker"
    )
    _, school = await make_staffed_agency(client, name="School")
    _, stranger = await make_staffed_agency(client, name="Stranger", kind="housing")
    ryan = await register_person(
        client, actor=eddie, given_name="Ryan", date_of_birth="2016-02-01", nhs_number=RYAN
    )
    sarah = await register_person(
        client, actor=eddie, given_name="Sarah", date_of_birth="1990-01-01", nhs_number=SARAH
    )
    r = await client.post(
        "/relationships",
        headers=eddie.headers,
        json={
            "person_id": sarah["id"],
            "related_person_id": ryan["id"],
            "kind": "parent",
            "parental_responsibility": True,
        },
    )
    assert r.status_code == 201
    await register_person(client, actor=school, given_name="Ryan", nhs_number=RYAN)
    r = await client.post(
        f"/people/{ryan['id']}/lead-professional",
        headers=eddie.headers,
        json={
            "practitioner_id": eddie.practitioner_id,
            "agreed_by": [sarah["id"]],
            "agreed_on": date.today().isoformat(),
            "reason": "Child in need plan",
        },
    )
    assert r.status_code == 201, r.text
    started = (date.today() - timedelta(days=30)).isoformat()
    base = f"/people/{ryan['id']}/child-status"
    r = await client.post(
        base,
        headers=eddie.headers,
        json={
            "status": "child_in_need",
            "start_date": started,
            "social_worker_id": eddie.practitioner_id,
        },
    )
    assert r.status_code == 201, r.text
    [status] = r.json()
    assert status["current"] and status["ended_at"] is None and status["version"] == 1
    url = f"{base}/{status['id']}"
    # Any agency with interest reads the one status, with its ETag; a stranger: 404.
    r = await client.get(url, headers=school.headers)
    assert r.status_code == 200 and r.json()["id"] == status["id"]
    etag = (await client.get(url, headers=eddie.headers)).headers["etag"]
    assert_problem(await client.get(url, headers=stranger.headers), 404)
    assert_problem(await client.get(f"{base}/{uuid.uuid4()}", headers=school.headers), 404)
    # A look-up while it is current alerts the lead professional.
    await summary_of(client, actor=school, person=ryan["id"], purpose="education_support")
    assert {a["kind"] for a in (await client.get("/alerts", headers=eddie.headers)).json()} == {
        "child_looked_up"
    }

    end = {"reason": "Stepped down to early help", "end_date": date.today().isoformat()}
    # A stranger: 404 (the child does not exist for it). The school sees it, may not end it.
    problem = assert_problem(
        await client.post(f"{url}/end", headers={**stranger.headers, "If-Match": etag}, json=end),
        404,
    )
    assert "Ryan" not in str(problem)
    assert_problem(
        await client.post(f"{url}/end", headers={**school.headers, "If-Match": etag}, json=end),
        403,
    )
    # If-Match: required (428), and a tag that does not match is 412.
    assert_problem(await client.post(f"{url}/end", headers=eddie.headers, json=end), 428)
    assert_problem(
        await client.post(
            f"{url}/end", headers={**eddie.headers, "If-Match": '"not-the-etag"'}, json=end
        ),
        412,
    )
    # Not in the future, not before it started: 422 at the field.
    for bad in (date.today() + timedelta(days=1), date.today() - timedelta(days=31)):
        problem = assert_problem(
            await client.post(
                f"{url}/end",
                headers={**eddie.headers, "If-Match": etag},
                json={**end, "end_date": bad.isoformat()},
            ),
            422,
        )
        assert problem["errors"][0]["field"] == "body:/end_date"
    r = await client.post(f"{url}/end", headers={**eddie.headers, "If-Match": etag}, json=end)
    assert r.status_code == 200, r.text
    ended = r.json()
    assert not ended["current"] and ended["ended_at"] and ended["version"] == 2
    assert ended["end_date"] == date.today().isoformat()
    assert ended["end_reason"] == "Stepped down to early help"
    assert r.headers["etag"] != etag
    # Ending twice: 409 naming the state, whatever the tag.
    problem = assert_problem(
        await client.post(
            f"{url}/end", headers={**eddie.headers, "If-Match": r.headers["etag"]}, json=end
        ),
        409,
    )
    assert problem["current_state"] == "ended"
    # No longer current: not listed, no access list, no alerts; the school sees that it ended,
    # not why.
    assert (await client.get(base, headers=school.headers)).json() == []
    assert_problem(await client.get(f"{base}/accesses", headers=eddie.headers), 403)
    await summary_of(client, actor=school, person=ryan["id"], purpose="education_support")
    assert (await client.get("/alerts", headers=eddie.headers)).json() == []
    seen = (await client.get(url, headers=school.headers)).json()
    assert not seen["current"] and seen["ended_at"] and seen["end_reason"] is None


async def test_a_status_past_its_end_date_cannot_be_ended_again(client):
    _, eddie = await make_staffed_agency(
        client, name="Children's social care", kind="social_care", job_title="Social worker"
    )
    ryan = await register_person(client, actor=eddie, given_name="Ryan", nhs_number=RYAN)
    r = await client.post(
        f"/people/{ryan['id']}/child-status",
        headers=eddie.headers,
        json={
            "status": "looked_after",
            "start_date": "2025-01-01",
            "end_date": "2025-06-30",
            "social_worker_id": eddie.practitioner_id,
        },
    )
    assert r.status_code == 201 and r.json() == []  # recorded, not current
    # The Location names the status recorded, current or not.
    url = r.headers["location"]
    got = await client.get(url, headers=eddie.headers)
    assert got.status_code == 200 and not got.json()["current"]
    problem = assert_problem(
        await client.post(
            f"{url}/end",
            headers={**eddie.headers, "If-Match": got.headers["etag"]},
            json={"reason": "Returned home"},
        ),
        409,
    )
    assert problem["current_state"] == "ended"
