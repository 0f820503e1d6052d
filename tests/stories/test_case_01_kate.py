"""Case 1, Kate: consent-based sharing between the health visitor, the outreach worker, the midwife
and the housing office; an information request answered, declined and closed; alerts of concerns.
The step table is case_01_kate.md."""

import uuid

from tests.factories import add_record, give_consent, register_person, relate, summary_of, withheld
from tests.stories.steps_a import (
    accept,
    alert_kinds,
    answer,
    ask,
    born,
    colleague,
    days,
    held_by,
    move,
    nhs,
    ok,
    plan,
    refer,
    refused,
    seen,
    staffed,
    unknown,
)
from tests.stories.story import Story

KATE, SAM, ROSE = nhs(101), nhs(102), nhs(103)

LOW = "Kate feeling really low since the separation"
COPING = "Struggling to cope with a toddler and a new baby; no family support"
ROOMS = "Both bedrooms damp; all three have chest infections; not reported"
TENANCY = "Tenant of a two-bedroom flat at Elm Court"
DAMP = "Damp in both bedrooms reported by a neighbour"
POSTNATAL = "Postnatal check notes"
VISIT = "First visit: tired, no time for herself, worried about the damp; midwife due"
REPAIRS = "Repairs to both bedrooms arranged"


async def test_case_1_kate(client):
    story = Story.load(client, "case_01_kate.md")

    async with story.step("1"):
        _, hv = await staffed(
            client,
            agency="Health visiting",
            kind="health_visiting",
            worker="Helen Hart",
            job_title="Health visitor",
        )
        centre_admin, kelly = await staffed(
            client,
            agency="Children's centre",
            kind="local_authority",
            worker="Kelly",
            job_title="Outreach worker",
        )
        _, midwife = await staffed(
            client, agency="Midwifery", kind="midwifery", worker="Mo Reed", job_title="Midwife"
        )
        housing_admin, housing = await staffed(
            client,
            agency="Housing office",
            kind="housing",
            worker="Hal Stone",
            job_title="Housing officer",
        )
        _, police = await staffed(
            client, agency="Police", kind="police", worker="PC Day", job_title="Police officer"
        )
        kate = await register_person(
            client,
            actor=housing,
            given_name="Kate",
            date_of_birth=None,
            nhs_number=KATE,
            reason="Tenant",
        )
        await register_person(
            client,
            actor=midwife,
            given_name="Kate",
            date_of_birth=None,
            nhs_number=KATE,
            reason="Postnatal visits",
        )
        rose = await register_person(
            client,
            actor=midwife,
            given_name="Rose",
            date_of_birth=days(-20),
            nhs_number=ROSE,
            reason="Newborn: postnatal visits",
        )
        await add_record(
            client,
            actor=housing,
            subject=kate["id"],
            category="housing",
            level="non_confidential",
            summary=TENANCY,
        )
        damp = await add_record(
            client, actor=housing, subject=kate["id"], category="housing", summary=DAMP
        )
        await add_record(
            client, actor=midwife, subject=kate["id"], category="health", summary=POSTNATAL
        )

    async with story.step("2"):
        await register_person(
            client,
            actor=hv,
            given_name="Kate",
            date_of_birth="1996-06-12",
            nhs_number=KATE,
            reason="New baby: health visiting",
        )
        sam = await register_person(
            client,
            actor=hv,
            given_name="Sam",
            date_of_birth=born(3),
            nhs_number=SAM,
            reason="Under-fives: health visiting",
        )
        await register_person(
            client,
            actor=hv,
            given_name="Rose",
            date_of_birth=days(-20),
            nhs_number=ROSE,
            reason="New birth visit",
        )
        await relate(client, hv, kate["id"], sam["id"])
        await relate(client, hv, kate["id"], rose["id"])
        low = await add_record(
            client, actor=hv, subject=kate["id"], category="mental_health", summary=LOW
        )
        coping = await add_record(
            client, actor=hv, subject=kate["id"], category="family_circumstances", summary=COPING
        )
        rooms = await add_record(
            client, actor=hv, subject=kate["id"], category="housing", summary=ROOMS
        )
        view = await summary_of(client, actor=hv, person=kate["id"], purpose="parenting_support")
        assert held_by(view, hv) == {LOW, COPING, ROOMS}
        assert seen(view) == {LOW, COPING, ROOMS, TENANCY}
        assert withheld(view) == {"no_consent": 2}  # housing's damp report, the midwife's notes
        await unknown(client, kelly, kate["id"], "parenting_support")
        view = await summary_of(client, actor=housing, person=kate["id"], purpose="housing_support")
        assert seen(view) == {TENANCY, DAMP}
        assert withheld(view) == {"no_consent": 4}
        view = await summary_of(client, actor=midwife, person=kate["id"], purpose="health_care")
        assert seen(view) == {POSTNATAL, TENANCY} and withheld(view) == {"no_consent": 4}

    async with story.step("3"):
        await give_consent(
            client,
            actor=hv,
            decision="granted",
            subjects=[kate["id"]],
            given_by=[kate["id"]],
            recipients=[kelly.agency_id],
            purposes=["parenting_support"],
        )
        referral = await refer(
            client,
            hv,
            to_agency_id=kelly.agency_id,
            subject_person_ids=[kate["id"], sam["id"], rose["id"]],
            purpose="parenting_support",
            reason="Kate is struggling to cope, feels low and does not go out with the children",
            action_expected="Outreach visit: the housing office, the children's centre services",
            record_ids=[coping["id"], rooms["id"]],
        )
        assert referral["status"] == "sent" and len(referral["share_ids"]) == 2
        inbox = await ok(client, "GET", "/referrals", kelly)
        assert [r["id"] for r in inbox["items"]] == [referral["id"]]
        view = await summary_of(client, actor=kelly, person=kate["id"], purpose="parenting_support")
        assert seen(view) == {COPING, ROOMS, TENANCY}
        assert {r["shared"]["basis"] for r in view["records"] if r["summary"] != TENANCY} == {
            "consent"
        }
        assert LOW not in seen(view)
        assert withheld(view) == {"no_consent": 3}  # low mood, damp report, postnatal notes
        view = await summary_of(
            client, actor=housing, person=kate["id"], purpose="parenting_support"
        )
        assert seen(view) == {TENANCY, DAMP}
        view = await summary_of(
            client, actor=midwife, person=kate["id"], purpose="parenting_support"
        )
        assert held_by(view, hv) == set()
        await refused(client, "GET", f"/referrals/{referral['id']}", police, 404)

    async with story.step("4"):
        accepted = await accept(client, kelly, referral["id"])
        assert accepted["status"] == "accepted"
        for person, name, dob, number in (
            (kate, "Kate", "1996-06-12", KATE),
            (sam, "Sam", born(3), SAM),
            (rose, "Rose", days(-20), ROSE),
        ):
            mine = await register_person(
                client,
                actor=kelly,
                given_name=name,
                date_of_birth=dob,
                nhs_number=number,
                reason="Outreach support",
            )
            assert mine["id"] == person["id"]
        sent = await ok(client, "GET", f"/referrals/{referral['id']}", hv)
        assert sent["status"] == "accepted" and sent["answered_at"]
        await refused(client, "GET", f"/referrals/{referral['id']}", housing, 404)

    async with story.step("5"):
        await add_record(
            client, actor=kelly, subject=kate["id"], category="family_circumstances", summary=VISIT
        )
        await give_consent(
            client,
            actor=kelly,
            decision="granted",
            subjects=[kate["id"]],
            given_by=[kate["id"]],
            recipients=[midwife.agency_id, housing.agency_id, hv.agency_id],
            purposes=["parenting_support", "housing_support", "health_care"],
        )
        for reader, purpose in (
            (midwife, "health_care"),
            (housing, "housing_support"),
            (hv, "parenting_support"),
        ):
            view = await summary_of(client, actor=reader, person=kate["id"], purpose=purpose)
            assert held_by(view, kelly) == {VISIT}, reader
        await unknown(client, police, kate["id"], "parenting_support")
        view = await summary_of(
            client, actor=housing, person=kate["id"], purpose="crime_and_disorder_reduction"
        )
        assert VISIT not in seen(view)
        view = await summary_of(client, actor=midwife, person=kate["id"], purpose="health_care")
        assert DAMP not in seen(view)

    async with story.step("6"):
        req = await ask(
            client,
            kelly,
            subject_person_id=kate["id"],
            purpose="parenting_support",
            needed="Anything that helps us support Kate with the children and her housing",
            holders=[housing.agency_id, midwife.agency_id, hv.agency_id],
        )
        assert req["status"] == "open" and not req["overdue"] and len(req["targets"]) == 3
        url = f"/information-requests/{req['id']}"
        received = await ok(client, "GET", "/information-requests", housing)
        assert [x["id"] for x in received["items"]] == [req["id"]]
        sent = await ok(client, "GET", "/information-requests", kelly, params={"box": "sent"})
        assert [x["id"] for x in sent["items"]] == [req["id"]]
        await refused(client, "GET", url, police, 404)

    async with story.step("7"):
        # Housing considers the damp report confidential: without a basis it cannot point it out.
        share = {
            "record_ids": [damp["id"]],
            "for_practitioner_id": kelly.practitioner_id,
            "why": "Kate's housing conditions",
            "action_expected": "Support Kate to report repairs",
        }
        problem = await refused(
            client, "POST", f"{url}/answers", housing, 422, json={"share": share}
        )
        assert problem["errors"][0]["field"] == "body:/share/record_ids/0"
        assert "no_consent" in problem["detail"]
        # So it asks Kate, who agrees, and shares.
        await give_consent(
            client,
            actor=housing,
            decision="granted",
            subjects=[kate["id"]],
            given_by=[kate["id"]],
            recipients=[kelly.agency_id],
            purposes=["parenting_support"],
        )
        await answer(client, housing, req["id"], share=share)
        again = await refused(client, "POST", f"{url}/answers", housing, 409, json={"share": share})
        assert again["current_state"] == "answered"
        view = await summary_of(client, actor=kelly, person=kate["id"], purpose="parenting_support")
        assert DAMP in seen(view)
        for reader in (hv, midwife):
            view = await summary_of(
                client, actor=reader, person=kate["id"], purpose="parenting_support"
            )
            assert DAMP not in seen(view)

    async with story.step("8"):
        await answer(
            client,
            midwife,
            req["id"],
            decline={
                "reasons": "Clinical notes; nothing bearing on housing or parenting",
                "consent_sought": False,
                "consent_not_sought_reason": "Declining, not sharing",
                "subject_told": True,
            },
        )
        asked = await ok(client, "GET", url, kelly)
        targets = {t["holder_agency_id"]: t for t in asked["targets"]}
        assert targets[midwife.agency_id]["status"] == "declined"
        assert targets[midwife.agency_id]["decision_id"] is None  # that stays with the midwife
        own = await ok(client, "GET", url, midwife)
        assert {t["holder_agency_id"]: t for t in own["targets"]}[midwife.agency_id]["decision_id"]
        view = await summary_of(client, actor=kelly, person=kate["id"], purpose="parenting_support")
        assert POSTNATAL not in seen(view)
        assert withheld(view) == {"decision_not_to_share": 1, "no_consent": 1}  # + low mood

    async with story.step("9"):
        await give_consent(
            client,
            actor=hv,
            decision="granted",
            subjects=[kate["id"]],
            given_by=[kate["id"]],
            recipients=[kelly.agency_id],
            purposes=["parenting_support"],
            categories=["mental_health"],
        )
        done = await answer(
            client,
            hv,
            req["id"],
            share={
                "record_ids": [low["id"]],
                "why": "Low mood affects her coping",
                "action_expected": "Be alert; alert us",
            },
        )
        assert done["status"] == "answered"
        assert {t["status"] for t in done["targets"]} == {"answered", "declined"}
        view = await summary_of(client, actor=kelly, person=kate["id"], purpose="parenting_support")
        assert LOW in seen(view)
        assert withheld(view) == {"decision_not_to_share": 1}
        for reader, purpose in (
            (housing, "housing_support"),
            (housing, "parenting_support"),
            (midwife, "health_care"),
        ):
            view = await summary_of(client, actor=reader, person=kate["id"], purpose=purpose)
            assert LOW not in seen(view)

    async with story.step("10"):
        inbox = (await ok(client, "GET", "/shares", kelly))["items"]
        # The two notes that came with the referral, and the two shares answering the request.
        assert sorted(s["why"] for s in inbox) == sorted(
            [referral["reason"]] * 2 + ["Kate's housing conditions", "Low mood affects her coping"]
        )
        answered = {s["why"]: s for s in inbox if s["request_id"] == req["id"]}
        assert answered["Kate's housing conditions"]["action_expected"] == (
            "Support Kate to report repairs"
        )
        assert answered["Low mood affects her coping"]["action_expected"] == "Be alert; alert us"
        mine = (await ok(client, "GET", "/shares", kelly, params={"for_me": True}))["items"]
        assert [s["record_id"] for s in mine] == [damp["id"]]
        share_id = mine[0]["id"]
        request_id = uuid.uuid4().hex
        r = await client.get(
            f"/shares/{share_id}", headers={**kelly.headers, "X-Request-ID": request_id}
        )
        assert r.status_code == 200 and r.json()["record"]["summary"] == DAMP
        # The read is logged: housing's data protection officer sees it, with that request id.
        dpo = await colleague(
            client,
            housing_admin,
            name="Dee Poe",
            job_title="Data protection officer",
            roles=("data_protection_officer",),
        )
        log = await ok(client, "GET", "/disclosures", dpo, params={"subject_person_id": kate["id"]})
        logged = [d for d in log["items"] if d["request_id"] == request_id]
        assert [d["record_id"] for d in logged] == [damp["id"]]
        assert logged[0]["recipient_practitioner_id"] == kelly.practitioner_id
        assert logged[0]["basis"] == "consent" and logged[0]["endpoint"] == "share"
        # What is for Kelly is hers alone: a colleague neither sees nor acknowledges it.
        other = await colleague(client, centre_admin, name="Colleague", job_title="Outreach worker")
        ack = f"/shares/{share_id}/acknowledgement"
        await refused(client, "GET", f"/shares/{share_id}", other, 404)
        await refused(client, "POST", ack, other, 404, if_match=True)
        acked = await ok(client, "POST", ack, kelly, if_match=True)
        assert acked["acknowledged_by"] == kelly.practitioner_id
        await refused(client, "POST", ack, kelly, 409, if_match=True)
        await refused(client, "GET", f"/shares/{share_id}", police, 404)

    async with story.step("11"):
        etag = (await client.get(url, headers=kelly.headers)).headers["etag"]
        r = await client.post(f"{url}/close", headers={**housing.headers, "If-Match": etag})
        assert r.status_code == 403, r.text
        r = await client.post(f"{url}/close", headers={**kelly.headers, "If-Match": etag})
        assert r.status_code == 200 and r.json()["status"] == "closed"
        # Closing the request ends the midwife's decline (she did not say otherwise).
        view = await summary_of(client, actor=kelly, person=kate["id"], purpose="parenting_support")
        assert withheld(view) == {"no_consent": 1}
        assert POSTNATAL not in seen(view)

    async with story.step("12"):
        await ok(
            client,
            "POST",
            "/concerns",
            midwife,
            json={
                "child_id": rose["id"],
                "summary": "Rose's chest infection is not clearing; the bedroom is still damp",
                "source": "practitioner",
            },
        )
        for reader in (hv, kelly):
            alerts = await ok(client, "GET", "/alerts", reader)
            assert alert_kinds(alerts) == ["concern_raised"]
            assert alerts[0]["person_id"] == rose["id"] and "Midwifery" in alerts[0]["text"]
            assert "chest" not in str(alerts)  # the content is a record read under the policy
        for reader in (midwife, housing, police):
            assert await ok(client, "GET", "/alerts", reader) == []

    async with story.step("13"):
        await add_record(
            client,
            actor=housing,
            subject=kate["id"],
            category="housing",
            level="non_confidential",
            summary=REPAIRS,
        )
        for reader in (kelly, hv):
            view = await summary_of(
                client, actor=reader, person=kate["id"], purpose="parenting_support"
            )
            assert REPAIRS in seen(view)
        await unknown(client, police, kate["id"], "housing_support")

    async with story.step("14"):
        family = await ok(
            client,
            "POST",
            "/families",
            kelly,
            json={
                "name": "Kate's family",
                "members": [
                    {"person_id": kate["id"], "role": "mother"},
                    {"person_id": sam["id"], "role": "child"},
                    {"person_id": rose["id"], "role": "child"},
                ],
            },
        )
        club = await plan(
            client,
            kelly,
            family_id=family["id"],
            plan="Outreach support",
            description="Go with Kate and the children to the first mother and baby club sessions",
            owner_practitioner_id=kelly.practitioner_id,
            due_on=days(7),
        )
        await move(client, kelly, club["id"], "in_progress")
        club = await move(
            client, kelly, club["id"], "done", outcome="Kate now goes to the club on her own"
        )
        childcare = await plan(
            client,
            kelly,
            family_id=family["id"],
            plan="Outreach support",
            description="Help Kate arrange childcare through the centre for part-time work",
            owner_practitioner_id=kelly.practitioner_id,
        )
        childcare = await move(
            client, kelly, childcare["id"], "done", outcome="Childcare arranged at the centre"
        )
        listed = await ok(client, "GET", "/actions", kelly)
        assert {(a["description"], a["status"], a["outcome"]) for a in listed["items"]} == {
            (club["description"], "done", "Kate now goes to the club on her own"),
            (childcare["description"], "done", "Childcare arranged at the centre"),
        }
        for reader in (hv, housing):
            await refused(client, "GET", f"/actions/{club['id']}", reader, 404)
            assert (await ok(client, "GET", "/actions", reader))["items"] == []

    story.done()
