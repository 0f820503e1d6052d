"""Case 3, Jenny and Jack: the mother refuses consent to share her health information; the health
visitor records a decision not to share; fortnightly monitoring is recorded with who is responsible.
The step table is case_03_jenny_and_jack.md."""

from datetime import date, timedelta

from tests.factories import (
    add_record,
    decide_sharing,
    give_consent,
    register_person,
    relate,
    summary_of,
    withheld,
)
from tests.stories.steps_a import (
    answer,
    ask,
    born,
    colleague,
    days,
    held_by,
    index_of,
    nhs,
    ok,
    refused,
    seen,
    staffed,
    unknown,
)
from tests.stories.story import Story

LISA, JENNY, JACK, POPPY = nhs(301), nhs(302), nhs(303), nhs(304)
EHA = "early_help_assessment"

LOW = "Lisa low in mood since the birth"
THREE = "Three children under six"
CAF_NOTE = "CAF: Jack needs regular meals and an earlier bedtime"
LATE = "Often late; last to be collected"
THIN = "Looks grubby, small and thin; very hungry; falls asleep in class"
JENNY_NOTE = "Sometimes late, not always well dressed; doing well and happy"
DECLINED = "Mother declined a school nurse check for Jack; seemed low and tired"
KNOWN = "Family known to health visiting; extra support offered to the mother"


async def test_case_3_jenny_and_jack(client):
    story = Story.load(client, "case_03_jenny_and_jack.md")

    async with story.step("1"):
        hv_admin, hv = await staffed(
            client,
            agency="Health visiting",
            kind="health_visiting",
            worker="Hana Lee",
            job_title="Health visitor",
            roles=("practitioner", "authorised_worker"),  # she names the school on a review
        )
        school_admin, jacks_teacher = await staffed(
            client,
            agency="Oakfield Primary",
            kind="school",
            worker="Amy Price",
            job_title="Class teacher",
        )
        jennys_teacher = await colleague(
            client, school_admin, name="Ben Ford", job_title="Class teacher"
        )
        cp_lead = await colleague(
            client,
            school_admin,
            name="Carol Dunn",
            job_title="Child protection lead",
            roles=("practitioner", "authorised_worker"),
        )
        _, school_nurse = await staffed(
            client,
            agency="School nursing",
            kind="community_health",
            worker="Nell Cross",
            job_title="School nurse",
        )
        _, police = await staffed(
            client, agency="Police", kind="police", worker="PC Cole", job_title="Police officer"
        )
        jenny = await register_person(
            client,
            actor=jacks_teacher,
            given_name="Jenny",
            date_of_birth=born(6),
            nhs_number=JENNY,
            reason="Pupil",
        )
        jack = await register_person(
            client,
            actor=jacks_teacher,
            given_name="Jack",
            date_of_birth=born(4),
            nhs_number=JACK,
            reason="Pupil",
        )
        lisa = await register_person(
            client,
            actor=jacks_teacher,
            given_name="Lisa",
            date_of_birth=None,
            nhs_number=LISA,
            reason="Parent of Jenny and Jack",
        )
        await relate(client, jacks_teacher, lisa["id"], jenny["id"])
        await relate(client, jacks_teacher, lisa["id"], jack["id"])

    async with story.step("2"):
        await register_person(
            client,
            actor=hv,
            given_name="Lisa",
            date_of_birth="1994-01-01",
            nhs_number=LISA,
            reason="Mother of Poppy",
        )
        poppy = await register_person(
            client,
            actor=hv,
            given_name="Poppy",
            date_of_birth=born(1),
            nhs_number=POPPY,
            reason="Health visiting, under ones",
        )
        await register_person(
            client,
            actor=hv,
            given_name="Jack",
            date_of_birth=born(4),
            nhs_number=JACK,
            reason="CAF with the family",
        )
        await relate(client, hv, lisa["id"], poppy["id"])
        await relate(client, hv, lisa["id"], jack["id"])
        low = await add_record(
            client, actor=hv, subject=lisa["id"], category="mental_health", summary=LOW
        )
        await add_record(
            client,
            actor=hv,
            subject=lisa["id"],
            category="family_circumstances",
            level="non_confidential",
            summary=THREE,
        )
        await add_record(
            client, actor=hv, subject=jack["id"], category="family_circumstances", summary=CAF_NOTE
        )
        caf = await ok(client, "POST", "/early-help-assessments", hv, json={"child_id": jack["id"]})
        caf_url = f"/early-help-assessments/{caf['id']}"
        for to in ("consent_sought", "in_progress"):
            await ok(client, "POST", f"{caf_url}/transitions", hv, json={"to": to}, if_match=True)
        await ok(
            client,
            "POST",
            f"{caf_url}/transitions",
            hv,
            json={
                "to": "completed",
                "strengths": "Jack is affectionate and curious",
                "needs": "Regular meals; earlier bedtime; support for his mother",
                "completed_with": ["Lisa"],
            },
            if_match=True,
        )
        own = await summary_of(client, actor=hv, person=lisa["id"], purpose=EHA)
        assert held_by(own, hv) == {LOW, THREE}
        assert (await ok(client, "GET", caf_url, hv))["status"] == "completed"
        # The school asks: it sees the non-confidential fact, and is told one item is withheld.
        view = await summary_of(client, actor=jacks_teacher, person=lisa["id"], purpose=EHA)
        assert seen(view) == {THREE} and withheld(view) == {"no_consent": 1}
        view = await summary_of(client, actor=jacks_teacher, person=jack["id"], purpose=EHA)
        assert CAF_NOTE not in seen(view) and withheld(view) == {"no_consent": 1}
        await refused(client, "GET", caf_url, jacks_teacher, 404)

    async with story.step("3"):
        await add_record(
            client,
            actor=jacks_teacher,
            subject=jack["id"],
            category="education",
            level="non_confidential",
            summary=LATE,
        )
        await add_record(
            client, actor=jacks_teacher, subject=jack["id"], category="education", summary=THIN
        )
        view = await summary_of(client, actor=jacks_teacher, person=jack["id"], purpose=EHA)
        assert held_by(view, jacks_teacher) == {LATE, THIN}
        view = await summary_of(client, actor=hv, person=jack["id"], purpose=EHA)
        assert held_by(view, jacks_teacher) == {LATE}
        assert THIN not in seen(view) and withheld(view) == {"no_consent": 1}

    async with story.step("4"):
        await add_record(
            client,
            actor=jennys_teacher,
            subject=jenny["id"],
            category="education",
            level="non_confidential",
            summary=JENNY_NOTE,
        )
        view = await summary_of(client, actor=jacks_teacher, person=jenny["id"], purpose=EHA)
        assert seen(view) == {JENNY_NOTE}
        await unknown(client, hv, jenny["id"], EHA)

    async with story.step("5"):
        await add_record(
            client,
            actor=jacks_teacher,
            subject=jack["id"],
            category="family_circumstances",
            summary=DECLINED,
        )
        refusal = await give_consent(
            client,
            actor=jacks_teacher,
            decision="refused",
            subjects=[jack["id"]],
            given_by=[lisa["id"]],
            recipients=[school_nurse.agency_id],
            purposes=["health_care"],
        )
        assert refusal["decision"] == "refused" and refusal["status"] == "active"
        view = await summary_of(client, actor=jacks_teacher, person=jack["id"], purpose=EHA)
        assert DECLINED in seen(view)
        # The teacher's informal advice from the school nurse names no one: Jack does not exist
        # for school nursing.
        await unknown(client, school_nurse, jack["id"], "health_care")

    async with story.step("6"):
        idx = await index_of(client, cp_lead, jack["id"])
        involved = {i["agency_name"]: i for i in idx["involvements"]}
        assert set(involved) == {"Oakfield Primary", "Health visiting"}
        assert involved["Health visiting"]["practitioner_name"] == "Hana Lee"
        assert involved["Health visiting"]["job_title"] == "Health visitor"
        assert idx["early_help_assessment"]["agency_name"] == "Health visiting"
        assert idx["early_help_assessment"]["status"] == "completed"
        assert "bedtime" not in str(idx) and "affectionate" not in str(idx)
        await refused(client, "GET", f"/people/{jack['id']}/index", jacks_teacher, 403)
        req = await ask(
            client,
            cp_lead,
            subject_person_id=jack["id"],
            purpose=EHA,
            needed="Any concerns about Jack's weight and tiredness, and his mother's coping",
            holders=[hv.agency_id],
        )
        received = await ok(client, "GET", "/information-requests", hv)
        assert [x["id"] for x in received["items"]] == [req["id"]]
        await refused(client, "GET", f"/information-requests/{req['id']}", police, 404)

    async with story.step("7"):
        known = await add_record(
            client,
            actor=hv,
            subject=jack["id"],
            category="family_circumstances",
            level="non_confidential",
            summary=KNOWN,
        )
        done = await answer(
            client,
            hv,
            req["id"],
            share={
                "record_ids": [known["id"]],
                "why": "The family has been having some difficulties",
                "action_expected": "Keep in touch with the health visitor",
            },
        )
        assert done["status"] == "answered"
        view = await summary_of(client, actor=cp_lead, person=jack["id"], purpose=EHA)
        assert held_by(view, hv) == {KNOWN}
        assert CAF_NOTE not in seen(view) and withheld(view) == {"no_consent": 1}

    async with story.step("8"):
        # The mother refuses consent to share her health information with the school.
        await give_consent(
            client,
            actor=hv,
            decision="refused",
            subjects=[lisa["id"]],
            given_by=[lisa["id"]],
            recipients=[jacks_teacher.agency_id],
            purposes=[EHA],
        )
        view = await summary_of(client, actor=jacks_teacher, person=lisa["id"], purpose=EHA)
        # A refusal naming no categories covers everything, the non-confidential fact aside.
        assert seen(view) == {THREE} and withheld(view) == {"consent_refused": 1}
        # Rule 6: Jack's chronology at school does not bring in his mother's health record.
        r = await client.get(
            f"/people/{jack['id']}/chronology",
            headers=jacks_teacher.headers,
            params={"purpose": EHA},
        )
        assert r.status_code == 200 and LOW not in r.text
        chrono = r.json()
        assert seen(chrono) == {LATE, THIN, DECLINED, KNOWN, THREE}
        assert {e["summary"]: e["relationship_to_child"] for e in chrono["entries"]}[
            THREE
        ] == "parent with parental responsibility"
        assert {w["reason"]: w["count"] for w in chrono["withheld"]} == {
            "consent_refused": 1,
            "no_consent": 1,  # the CAF note on Jack
        }

    async with story.step("9"):
        decision = await decide_sharing(
            client,
            actor=hv,
            kind="not_share",
            subject_person_id=lisa["id"],
            recipients=[jacks_teacher.agency_id],
            purposes=[EHA],
            categories=["mental_health"],
            reasons="Little benefit to the children; the mother accepts services out of school.",
            consent_sought=True,
            subject_told=True,
            consulted=["Named nurse for safeguarding"],
        )
        assert decision["kind"] == "not_share" and decision["legal_basis"] is None
        assert decision["decided_by"] == hv.practitioner_id
        mine = await ok(client, "GET", f"/sharing-decisions/{decision['id']}", hv)
        assert mine["consulted"] == ["Named nurse for safeguarding"] and mine["reasons"]
        view = await summary_of(client, actor=jacks_teacher, person=lisa["id"], purpose=EHA)
        assert seen(view) == {THREE} and withheld(view) == {"decision_not_to_share": 1}
        await refused(
            client, "GET", f"/records/{low['id']}", jacks_teacher, 404, params={"purpose": EHA}
        )
        await refused(client, "GET", f"/sharing-decisions/{decision['id']}", jacks_teacher, 404)
        # The health visitor always sees her own.
        own = await summary_of(client, actor=hv, person=lisa["id"], purpose=EHA)
        assert LOW in seen(own)

    async with story.step("10"):
        what = (
            "Fortnightly monitoring with the school: Jack's weight, tiredness and punctuality; "
            "refer to children's social care if his care does not improve"
        )
        joint = {
            "child_id": jack["id"],
            "what": what,
            "due_on": days(14),
            "responsible_practitioner_id": hv.practitioner_id,
            "recurrence_days": 14,
        }
        # School nursing has no interest in Jack: naming its nurse is refused at the field, and
        # the problem says no more than that.
        problem = await refused(
            client,
            "POST",
            "/reviews",
            hv,
            422,
            json={**joint, "participant_practitioner_ids": [school_nurse.practitioner_id]},
        )
        assert [e["field"] for e in problem["errors"]] == ["body:/participant_practitioner_ids/0"]
        assert "Jack" not in str(problem) and "School nursing" not in str(problem)
        # One joint review: the health visitor responsible, Jack's teacher sharing it.
        review = await ok(
            client,
            "POST",
            "/reviews",
            hv,
            json={**joint, "participant_practitioner_ids": [jacks_teacher.practitioner_id]},
        )
        for actor in (hv, jacks_teacher):
            listed = (await ok(client, "GET", "/reviews", actor))["items"]
            assert [x["id"] for x in listed] == [review["id"]]
            got = await ok(client, "GET", f"/reviews/{review['id']}", actor)
            assert got["agency_id"] == hv.agency_id
            assert got["responsible_practitioner_id"] == hv.practitioner_id
            assert got["participants"] == [
                {
                    "practitioner_id": jacks_teacher.practitioner_id,
                    "agency_id": jacks_teacher.agency_id,
                }
            ]
            assert got["recurrence_days"] == 14 and got["status"] == "scheduled"
            assert got["child_id"] == jack["id"] and not got["overdue"]
        # Agencies not named on it: 404.
        for outsider in (police, school_nurse):
            await refused(client, "GET", f"/reviews/{review['id']}", outsider, 404)
            assert (await ok(client, "GET", "/reviews", outsider))["items"] == []
        # Sharing the review shares nothing else: the mother's low mood stays with the health
        # visitor.
        view = await summary_of(client, actor=jacks_teacher, person=lisa["id"], purpose=EHA)
        assert LOW not in seen(view)

    async with story.step("11"):
        url = f"/reviews/{review['id']}/outcome"
        outcome = "Jack better fed and on time; mother engaging with support"
        done = await ok(
            client, "POST", url, hv, json={"to": "done", "outcome": outcome}, if_match=True
        )
        assert done["status"] == "done" and done["outcome"] == outcome and done["done_at"]
        for actor in (hv, jacks_teacher):
            following = await ok(client, "GET", f"/reviews/{done['next_review_id']}", actor)
            assert (
                following["due_on"]
                == (date.fromisoformat(review["due_on"]) + timedelta(days=14)).isoformat()
            )
            assert following["responsible_practitioner_id"] == hv.practitioner_id
            assert [p["practitioner_id"] for p in following["participants"]] == [
                jacks_teacher.practitioner_id
            ]
            assert following["status"] == "scheduled"
        again = await refused(
            client, "POST", url, hv, 409, json={"to": "done", "outcome": "x"}, if_match=True
        )
        assert again["current_state"] == "done"
        await refused(client, "GET", f"/reviews/{following['id']}", police, 404)

    async with story.step("12"):
        # Even a later grant does not beat the recorded decision not to share.
        await give_consent(
            client,
            actor=hv,
            decision="granted",
            subjects=[lisa["id"]],
            given_by=[lisa["id"]],
            recipients=[jacks_teacher.agency_id],
            purposes=[EHA],
            categories=["mental_health"],
            form="written",
        )
        view = await summary_of(client, actor=jacks_teacher, person=lisa["id"], purpose=EHA)
        assert withheld(view) == {"decision_not_to_share": 1}
        await refused(
            client, "GET", f"/records/{low['id']}", jacks_teacher, 404, params={"purpose": EHA}
        )

    async with story.step("13"):
        # Nothing about the mother's health left the health visitor: the DPO's subject access
        # shows only the non-confidential fact.
        dpo = await colleague(
            client,
            hv_admin,
            name="Dan Oak",
            job_title="Data protection officer",
            roles=("data_protection_officer",),
        )
        log = await ok(client, "GET", "/disclosures", dpo, params={"subject_person_id": lisa["id"]})
        disclosed = log["items"]
        assert disclosed and {d["basis"] for d in disclosed} == {"non_confidential"}
        assert {d["recipient_agency_id"] for d in disclosed} == {jacks_teacher.agency_id}
        assert low["id"] not in {d["record_id"] for d in disclosed}
        csv = await client.get(
            "/disclosures",
            headers=dpo.headers,
            params={"subject_person_id": lisa["id"], "format": "csv"},
        )
        assert csv.headers["content-type"].startswith("text/csv")
        assert csv.text.splitlines()[0].startswith("id,request_id,disclosed_at")
        assert len(csv.text.splitlines()) == 1 + len(disclosed)

    story.done()
