"""Case 2, Cathy: consent per purpose (nursery attendance, then health); the first consent does not
cover the second; a CAF with Cathy; referral to the GP. The step table is case_02_cathy.md."""

from tests.factories import add_record, give_consent, register_person, relate, summary_of, withheld
from tests.stories.steps_a import (
    accept,
    born,
    colleague,
    held_by,
    index_of,
    move,
    nhs,
    ok,
    plan,
    refer,
    refused,
    seen,
    staffed,
    time_passes_for_referral,
)
from tests.stories.story import Story

CATHY, BEN, JAKE = nhs(201), nhs(202), nhs(203)

ATTENDANCE = "Attendance erratic: 12 of 30 sessions this half-term"
WARY = "Often not brought in; mother seems wary of staff"
WALK = "Long walk to nursery since the move to the hostel"
CLOSER = "Place moved to a nursery close to the hostel; attendance now good"
HEARING = "Volunteer worried Ben may not hear well; missed his hearing checks"
ADENOIDS = "Hearing test: a problem with his adenoids"


async def test_case_2_cathy(client, session):
    story = Story.load(client, "case_02_cathy.md")

    async with story.step("1"):
        _, nursery = await staffed(
            client,
            agency="Hillcrest Nursery",
            kind="nursery",
            worker="Nina Bell",
            job_title="Nursery teacher",
        )
        homestart_admin, organiser = await staffed(
            client,
            agency="Home-Start",
            kind="charity",
            worker="Olive Grant",
            job_title="Home-Start organiser",
        )
        volunteer = await colleague(client, homestart_admin, name="Vera", job_title="Volunteer")
        _, hv = await staffed(
            client,
            agency="Health visiting",
            kind="health_visiting",
            worker="Holly Ward",
            job_title="Health visitor",
            roles=("practitioner", "authorised_worker"),
        )
        _, gp = await staffed(
            client, agency="Riverside Surgery", kind="gp_practice", worker="Dr Shah", job_title="GP"
        )
        ben = await register_person(
            client,
            actor=nursery,
            given_name="Ben",
            date_of_birth=born(3),
            nhs_number=BEN,
            reason="Nursery place",
        )
        cathy = await register_person(
            client,
            actor=nursery,
            given_name="Cathy",
            date_of_birth=born(19),
            nhs_number=CATHY,
            reason="Ben's mother",
        )
        await register_person(
            client, actor=hv, given_name="Ben", nhs_number=BEN, reason="Missed developmental checks"
        )
        await register_person(
            client, actor=gp, given_name="Ben", nhs_number=BEN, reason="Registered patient"
        )

    async with story.step("2"):
        attendance = await add_record(
            client,
            actor=nursery,
            subject=ben["id"],
            category="education",
            level="non_confidential",
            summary=ATTENDANCE,
        )
        await add_record(
            client, actor=nursery, subject=ben["id"], category="family_circumstances", summary=WARY
        )
        referral = await refer(
            client,
            nursery,
            to_agency_id=organiser.agency_id,
            subject_person_ids=[ben["id"], cathy["id"]],
            purpose="family_support",
            reason="Ben's erratic attendance at nursery",
            action_expected="Support Cathy so that Ben can attend",
            record_ids=[attendance["id"]],
        )
        inbox = await ok(client, "GET", "/referrals", organiser)
        assert [r["id"] for r in inbox["items"]] == [referral["id"]]
        view = await summary_of(client, actor=organiser, person=ben["id"], purpose="family_support")
        assert seen(view) == {ATTENDANCE} and withheld(view) == {"no_consent": 1}
        await refused(client, "GET", f"/referrals/{referral['id']}", hv, 404)

    async with story.step("3"):
        await accept(client, organiser, referral["id"])
        cathy_hs = await register_person(
            client,
            actor=organiser,
            given_name="Cathy",
            date_of_birth=born(19),
            nhs_number=CATHY,
            reason="Home-Start family",
        )
        ben_hs = await register_person(
            client,
            actor=organiser,
            given_name="Ben",
            date_of_birth=born(3),
            nhs_number=BEN,
            reason="Home-Start family",
        )
        jake = await register_person(
            client,
            actor=organiser,
            given_name="Jake",
            date_of_birth=born(0, 6),
            nhs_number=JAKE,
            reason="Home-Start family",
        )
        assert (cathy_hs["id"], ben_hs["id"]) == (cathy["id"], ben["id"])
        await relate(client, organiser, cathy["id"], ben["id"])
        await relate(client, organiser, cathy["id"], jake["id"])
        await add_record(
            client,
            actor=organiser,
            subject=ben["id"],
            category="family_circumstances",
            summary=WALK,
        )
        view = await summary_of(
            client, actor=nursery, person=ben["id"], purpose="education_support"
        )
        assert seen(view) == {ATTENDANCE, WARY} and withheld(view) == {"no_consent": 1}

    async with story.step("4"):
        await give_consent(
            client,
            actor=organiser,
            decision="granted",
            subjects=[ben["id"]],
            given_by=[cathy["id"]],
            recipients=[nursery.agency_id],
            purposes=["education_support"],
        )
        view = await summary_of(
            client, actor=nursery, person=ben["id"], purpose="education_support"
        )
        assert held_by(view, organiser) == {WALK} and withheld(view) == {}
        [walk] = [r for r in view["records"] if r["summary"] == WALK]
        assert walk["shared"]["basis"] == "consent"
        # The consent was for one purpose: it does not carry to another, nor to another recipient.
        other = await summary_of(client, actor=nursery, person=ben["id"], purpose="health_care")
        assert held_by(other, organiser) == set() and withheld(other) == {"no_consent": 1}
        view = await summary_of(client, actor=hv, person=ben["id"], purpose="education_support")
        assert held_by(view, organiser) == set()

    async with story.step("5"):
        await add_record(
            client,
            actor=nursery,
            subject=ben["id"],
            category="education",
            level="non_confidential",
            summary=CLOSER,
        )
        view = await summary_of(client, actor=organiser, person=ben["id"], purpose="family_support")
        assert {ATTENDANCE, CLOSER} <= seen(view) and WARY not in seen(view)

    async with story.step("6"):
        await add_record(
            client, actor=volunteer, subject=ben["id"], category="health", summary=HEARING
        )
        view = await summary_of(client, actor=organiser, person=ben["id"], purpose="health_care")
        assert held_by(view, organiser) == {WALK, HEARING}
        # Health is special: the consent naming no categories does not carry it.
        view = await summary_of(
            client, actor=nursery, person=ben["id"], purpose="education_support"
        )
        assert held_by(view, organiser) == {WALK} and withheld(view) == {"no_consent": 1}
        other = await summary_of(client, actor=nursery, person=ben["id"], purpose="health_care")
        assert held_by(other, organiser) == set() and withheld(other) == {"no_consent": 2}
        view = await summary_of(client, actor=hv, person=ben["id"], purpose="health_care")
        assert held_by(view, organiser) == set()
        assert withheld(view) == {"no_consent": 3}  # the nursery's note, Home-Start's two

    async with story.step("7"):
        caf = await ok(
            client, "POST", "/early-help-assessments", organiser, json={"child_id": ben["id"]}
        )
        url = f"/early-help-assessments/{caf['id']}"
        for to in ("consent_sought", "in_progress"):
            moved = await ok(
                client, "POST", f"{url}/transitions", organiser, json={"to": to}, if_match=True
            )
            assert moved["status"] == to
        done = await ok(
            client,
            "POST",
            f"{url}/transitions",
            organiser,
            json={
                "to": "completed",
                "strengths": "Cathy is devoted to the boys; Ben is sociable",
                "needs": "Hearing check for Ben; Cathy isolated from her family",
                "completed_with": ["Cathy", "Home-Start organiser"],
            },
            if_match=True,
        )
        assert done["status"] == "completed" and done["completed_at"]
        idx = await index_of(client, hv, ben["id"])
        assert idx["early_help_assessment"]["agency_name"] == "Home-Start"
        assert idx["early_help_assessment"]["practitioner_name"] == "Olive Grant"
        assert idx["early_help_assessment"]["status"] == "completed"
        assert "isolated" not in str(idx) and "devoted" not in str(idx)
        await refused(client, "GET", url, hv, 404)

    async with story.step("8"):
        await give_consent(
            client,
            actor=organiser,
            decision="granted",
            subjects=[ben["id"]],
            given_by=[cathy["id"]],
            recipients=[hv.agency_id],
            purposes=["health_care"],
            categories=["health"],
            form="written",
        )
        view = await summary_of(client, actor=hv, person=ben["id"], purpose="health_care")
        assert held_by(view, organiser) == {HEARING}
        for purpose in ("health_care", "education_support", "family_support"):
            view = await summary_of(client, actor=nursery, person=ben["id"], purpose=purpose)
            assert HEARING not in seen(view), purpose

    async with story.step("9"):
        adenoids = await add_record(
            client, actor=hv, subject=ben["id"], category="health", summary=ADENOIDS
        )
        # Cathy (PR for Ben) agrees, at the health visitor's, that the GP may be told.
        cathy_hv = await register_person(
            client,
            actor=hv,
            given_name="Cathy",
            date_of_birth=born(19),
            nhs_number=CATHY,
            reason="Ben's mother",
        )
        await relate(client, hv, cathy_hv["id"], ben["id"])
        await give_consent(
            client,
            actor=hv,
            decision="granted",
            subjects=[ben["id"]],
            given_by=[cathy["id"]],
            recipients=[gp.agency_id],
            purposes=["health_care"],
            categories=["health"],
        )
        to_gp = await refer(
            client,
            hv,
            to_agency_id=gp.agency_id,
            subject_person_ids=[ben["id"]],
            purpose="health_care",
            reason="Hearing test shows a problem with Ben's adenoids",
            action_expected="Arrange treatment",
            record_ids=[adenoids["id"]],
        )
        inbox = await ok(client, "GET", "/referrals", gp)
        assert [r["id"] for r in inbox["items"]] == [to_gp["id"]]
        view = await summary_of(client, actor=gp, person=ben["id"], purpose="health_care")
        assert held_by(view, hv) == {ADENOIDS}
        assert HEARING not in seen(view)  # Cathy's consent to Home-Start named the health visitor
        for reader, purpose in (
            (organiser, "health_care"),
            (organiser, "family_support"),
            (nursery, "health_care"),
        ):
            view = await summary_of(client, actor=reader, person=ben["id"], purpose=purpose)
            assert ADENOIDS not in seen(view)

    async with story.step("10"):
        # The GP acknowledges receipt: the health visitor knows it arrived, not yet answered.
        url = f"/referrals/{to_gp['id']}"
        await ok(client, "POST", f"{url}/acknowledgement", gp, if_match=True)
        sent = await ok(client, "GET", url, hv)
        assert sent["acknowledged_at"] and sent["status"] == "sent" and not sent["overdue"]
        # The feedback date passes without an answer: overdue, in the sender's outbox.
        await time_passes_for_referral(session, to_gp["id"], overdue_by=1)
        outbox = await ok(client, "GET", "/referrals", hv, params={"box": "sent"})
        assert [(r["id"], r["overdue"]) for r in outbox["items"]] == [(to_gp["id"], True)]
        # Twins: acknowledging twice is a conflict; Home-Start and the nursery never see it.
        await refused(client, "POST", f"{url}/acknowledgement", gp, 409, if_match=True)
        for other in (organiser, nursery):
            await refused(client, "GET", url, other, 404)
        answered = await accept(client, gp, to_gp["id"])
        assert answered["status"] == "accepted" and not answered["overdue"]
        idx = await index_of(client, hv, ben["id"])
        assert {i["agency_name"] for i in idx["involvements"]} == {
            "Hillcrest Nursery",
            "Home-Start",
            "Health visiting",
            "Riverside Surgery",
        }
        assert {i["source"] for i in idx["involvements"]} == {"registration", "referral"}
        assert "adenoids" not in str(idx).lower() and "hear" not in str(idx).lower()

    async with story.step("11"):
        family = await ok(
            client,
            "POST",
            "/families",
            organiser,
            json={
                "name": "Cathy's family",
                "members": [
                    {"person_id": cathy["id"], "role": "mother"},
                    {"person_id": ben["id"], "role": "child"},
                    {"person_id": jake["id"], "role": "child"},
                ],
            },
        )
        action = await plan(
            client,
            organiser,
            family_id=family["id"],
            plan="CAF plan",
            description="Involve Cathy in school events and the Home-Start group",
            owner_practitioner_id=volunteer.practitioner_id,
        )
        await move(client, volunteer, action["id"], "in_progress")
        done = await move(
            client,
            volunteer,
            action["id"],
            "done",
            outcome="Cathy joins in the group and has made friends with other young mothers",
        )
        assert done["owner_practitioner_id"] == volunteer.practitioner_id
        listed = await ok(client, "GET", "/actions", organiser)
        assert [(a["id"], a["status"]) for a in listed["items"]] == [(action["id"], "done")]
        for reader in (nursery, hv):
            await refused(client, "GET", f"/actions/{action['id']}", reader, 404)

    story.done()
