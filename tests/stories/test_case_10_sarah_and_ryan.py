"""Case 10, Sarah and Ryan: consent scoped to one service and widened step by step; a CAF refused
then agreed; a share without consent that reaches the lead professional and nobody else; the lead
professional transferred to the social worker; a child in need plan; a review in two months."""

from tests.factories import (
    Actor,
    add_record,
    give_consent,
    make_practitioner,
    relate,
    summaries,
    summary_of,
)
from tests.stories.steps_b import (
    AUTHORISED,
    WORKER,
    accept,
    chronology,
    days,
    disclosed,
    entries,
    get,
    index_of,
    involved,
    move_caf,
    nhs,
    not_found,
    post,
    referral,
    staffed,
)
from tests.stories.story import Story

SARAH, RYAN = nhs(1001), nhs(1002)
FS, EH, ED, CIN = (
    "family_support",
    "early_help_assessment",
    "education_support",
    "child_in_need_assessment",
)
SCHOOL_FACT = "Ryan: Year 7, tutor group 7H"
ATTENDANCE = "Attendance 84%; some days Ryan refuses to come in"
METHADONE = "Methadone maintenance programme"
COUNSELLING = "Counselling for her addiction"
UNHAPPY = "Sarah: Ryan unhappy at school, sometimes refuses to go; angry outbursts"
WORRIES = "Ryan shares worries and fears about living with his mother's drug use"
CAF_REPORT = "CAF: group extended to 12 weeks; more support at school; parenting support"
REPORT = "Actions agreed: parenting group and a parent support adviser; listening service"
BOYFRIEND = "Ryan: mum's new boyfriend has moved in; too worried to sleep or concentrate"
VISIT = "Home visit: new boyfriend moved in; Ryan home late; house chaotic; Sarah agitated"
ASSESSMENT = "Initial assessment: not at risk of significant harm; a child in need"
CIN_REPORT = "Child in need plan: boyfriend moves out; outreach support; learning mentor"


async def test_case_10_sarah_and_ryan(client):
    story = Story.load(client, "case_10_sarah_and_ryan.md")

    async def person(actor: Actor, given: str, reason: str) -> dict:
        r = await client.post(
            "/people",
            headers=actor.headers,
            json={
                "given_name": given,
                "family_name": "Milton",
                "date_of_birth": "1990-12-05" if given == "Sarah" else "2015-05-16",
                "nhs_number": SARAH if given == "Sarah" else RYAN,
                "reason": reason,
            },
        )
        assert r.status_code == 201, r.text
        return r.json()

    async def note(actor: Actor, subject: dict, category: str, summary: str, **extra) -> dict:
        return await add_record(
            client, actor=actor, subject=subject["id"], category=category, summary=summary, **extra
        )

    async def view(actor: Actor, subject: dict, purpose: str) -> dict:
        return dict(await get(client, actor, f"/people/{subject['id']}/summary", purpose=purpose))

    def counted(v: dict) -> dict[str, int]:
        return {w["reason"]: w["count"] for w in v["withheld"]}

    async with story.step("1"):
        _, drug_staff = await staffed(
            client,
            agency="Adult drug treatment service",
            kind="substance_misuse",
            sensitive_service=True,
            people={
                "Dan": ("Drug worker", WORKER),
                "Cara": ("Counsellor", WORKER),
                "Olu": ("Outreach worker", WORKER),
            },
        )
        drug, counsellor, outreach = drug_staff["Dan"], drug_staff["Cara"], drug_staff["Olu"]
        s4m_admin, s4m_staff = await staffed(
            client,
            agency="Space 4 Me",
            kind="other",
            people={"Nadine": ("Project worker", AUTHORISED)},
        )
        nadine = s4m_staff["Nadine"]
        school_admin, school_staff = await staffed(
            client,
            agency="Westgate School",
            kind="school",
            people={
                "Mrs Hill": ("Pastoral manager", AUTHORISED),
                "Mr Jones": ("Class teacher", WORKER),
            },
        )
        pastoral, teacher = school_staff["Mrs Hill"], school_staff["Mr Jones"]
        _, sc_staff = await staffed(
            client,
            agency="Children's social care",
            kind="social_care",
            people={"Eddie": ("Social worker", AUTHORISED)},
        )
        eddie = sc_staff["Eddie"]
        _, psa_staff = await staffed(
            client,
            agency="Parent support service",
            kind="local_authority",
            people={"Pam": ("Parent support adviser", WORKER)},
        )
        psa = psa_staff["Pam"]
        ryan = await person(pastoral, "Ryan", "Pupil")
        sarah = await person(pastoral, "Sarah", "Ryan's mother")
        await relate(client, pastoral, sarah["id"], ryan["id"])
        await note(pastoral, ryan, "education", SCHOOL_FACT, level="non_confidential")
        await note(pastoral, ryan, "education", ATTENDANCE)

    async with story.step("2"):
        await person(drug, "Sarah", "Client: methadone maintenance and counselling")
        await person(drug, "Ryan", "Client's son, in her care")
        await relate(client, drug, sarah["id"], ryan["id"])
        await note(drug, sarah, "substance_misuse", METHADONE)
        await note(counsellor, sarah, "substance_misuse", COUNSELLING)
        assert summaries(await view(drug, sarah, FS)) == {METHADONE, COUNSELLING}
        at_school = await view(pastoral, sarah, ED)
        assert at_school["records"] == [] and at_school["withheld"] == []
        assert drug.agency_id not in str(at_school)
        for outsider in (nadine, eddie):
            await not_found(client, outsider, f"/people/{sarah['id']}/summary", purpose=FS)

    async with story.step("3"):
        unhappy = await note(counsellor, ryan, "family_circumstances", UNHAPPY)
        assert UNHAPPY in summaries(await view(drug, ryan, FS))
        at_school = await view(pastoral, ryan, ED)
        assert summaries(at_school) == {SCHOOL_FACT, ATTENDANCE} and at_school["withheld"] == []

    async with story.step("4"):
        to_s4m = await give_consent(
            client,
            actor=drug,
            decision="granted",
            form="written",
            subjects=[sarah["id"], ryan["id"]],
            given_by=[sarah["id"]],
            recipients=[nadine.agency_id],
            purposes=[FS],
            categories=["substance_misuse", "family_circumstances"],
            show_involvement=True,
            notes="Only what Space 4 Me needs to support Ryan",
        )
        to_group = await referral(
            client,
            drug,
            to_agency_id=nadine.agency_id,
            subject_person_ids=[ryan["id"]],
            purpose=FS,
            reason="Ryan unhappy at school, angry outbursts; his mother is in drug treatment",
            action_expected="Offer Ryan a place in the Space 4 Me group",
            record_ids=[unhappy["id"]],
        )
        assert len(to_group["share_ids"]) == 1
        inbox = await get(client, nadine, "/referrals")
        assert [r["id"] for r in inbox["items"]] == [to_group["id"]]
        chrono = await chronology(client, nadine, ryan["id"], FS)
        assert entries(chrono) == {UNHAPPY, METHADONE, COUNSELLING, SCHOOL_FACT}
        assert {
            e["shared"]["basis_id"] for e in chrono["entries"] if e["summary"] == METHADONE
        } == {to_s4m["id"]}
        assert counted(chrono) == {"no_consent": 1}  # the school's attendance note
        assert involved(await index_of(client, nadine, ryan["id"])) == {
            "Westgate School",
            "Adult drug treatment service",
        }
        at_school = await view(pastoral, ryan, ED)
        assert summaries(at_school) == {SCHOOL_FACT, ATTENDANCE} and at_school["withheld"] == []
        idx = await index_of(client, pastoral, ryan["id"])
        assert involved(idx) == {"Westgate School"} and drug.agency_id not in str(idx)

    async with story.step("5"):
        await accept(client, nadine, to_group["id"])
        await person(nadine, "Ryan", "Space 4 Me group")
        await person(nadine, "Sarah", "Ryan's mother")
        await relate(client, nadine, sarah["id"], ryan["id"])
        caf = await post(client, nadine, "/early-help-assessments", {"child_id": ryan["id"]})
        await move_caf(client, nadine, caf["id"], "consent_sought")
        await move_caf(client, nadine, caf["id"], "consent_refused", note="Sarah is hesitant")
        await give_consent(
            client,
            actor=nadine,
            decision="refused",
            subjects=[ryan["id"]],
            given_by=[sarah["id"]],
            recipients=[pastoral.agency_id],
            purposes=[EH],
            notes="Sarah does not agree to a CAF for Ryan",
        )
        idx = await index_of(client, pastoral, ryan["id"])
        assert involved(idx) == {"Westgate School", "Space 4 Me"}
        assert idx["early_help_assessment"]["agency_name"] == "Space 4 Me"
        assert idx["early_help_assessment"]["status"] == "consent_refused"
        # The index points to the CAF; its content stays with Space 4 Me until Sarah agrees.
        assert idx["early_help_assessment"]["id"] == caf["id"]
        assert drug.agency_id not in str(idx)
        await not_found(client, pastoral, f"/early-help-assessments/{caf['id']}")

    async with story.step("6"):
        await note(nadine, ryan, "mental_health", WORRIES)
        await move_caf(client, nadine, caf["id"], "consent_sought")
        await move_caf(client, nadine, caf["id"], "in_progress")
        school_to_nadine = await give_consent(
            client,
            actor=nadine,
            decision="granted",
            form="written",
            subjects=[ryan["id"]],
            given_by=[sarah["id"]],
            holders=[pastoral.agency_id],
            recipients=[nadine.agency_id],
            purposes=[EH],
            categories=["education"],
        )
        seen = await view(nadine, ryan, EH)
        assert {SCHOOL_FACT, ATTENDANCE, WORRIES} <= summaries(seen)
        shared = {r["summary"]: r["shared"] for r in seen["records"]}
        assert shared[ATTENDANCE]["basis_id"] == school_to_nadine["id"]
        at_drug = await view(drug, ryan, EH)
        assert summaries(at_drug) == {UNHAPPY, SCHOOL_FACT}
        assert counted(at_drug) == {"no_consent": 2}
        at_school = await view(pastoral, ryan, EH)
        assert summaries(at_school) == {SCHOOL_FACT, ATTENDANCE}
        assert counted(at_school) == {"consent_refused": 1}

    async with story.step("7"):
        await move_caf(
            client,
            nadine,
            caf["id"],
            "completed",
            strengths="Thrives in the group; loves drawing",
            needs="Continued group support; support at school; parenting support for Sarah",
            completed_with=["Ryan", "Sarah"],
        )
        caf_report = await note(nadine, ryan, "family_circumstances", CAF_REPORT)
        before = await view(pastoral, ryan, ED)
        assert CAF_REPORT not in summaries(before) and counted(before) == {"no_consent": 2}
        # Twin: completed, but still Space 4 Me's: the school cannot read the CAF itself.
        await not_found(client, pastoral, f"/early-help-assessments/{caf['id']}")
        to_school = await give_consent(
            client,
            actor=nadine,
            decision="granted",
            form="written",
            subjects=[ryan["id"]],
            given_by=[sarah["id"]],
            recipients=[pastoral.agency_id],
            purposes=[EH, ED],
            # The CAF is Space 4 Me's social care information about Ryan; the report is
            # about his family's circumstances.
            categories=["social_care", "family_circumstances"],
            notes="For the pastoral manager, to arrange extra support at school",
        )
        the_caf = await get(client, pastoral, f"/early-help-assessments/{caf['id']}")
        assert (the_caf["status"], the_caf["holder_agency_id"]) == ("completed", nadine.agency_id)
        assert the_caf["needs"].startswith("Continued group support; support at school")
        after = await view(pastoral, ryan, ED)
        assert summaries(after) == {SCHOOL_FACT, ATTENDANCE, CAF_REPORT}
        assert {r["id"]: r["shared"]["basis_id"] for r in after["records"] if r["shared"]}[
            caf_report["id"]
        ] == to_school["id"]
        assert counted(after) == {"no_consent": 1}  # Ryan's worries
        for_caf = await view(pastoral, ryan, EH)
        assert CAF_REPORT in summaries(for_caf) and counted(for_caf) == {"consent_refused": 1}
        # Sarah's consent let Space 4 Me share, not the drug service: nothing of it, not counted.
        for subject in (ryan, sarah):
            seen = await view(pastoral, subject, ED)
            assert drug.agency_id not in str(seen)
            assert not {METHADONE, COUNSELLING, UNHAPPY} & summaries(seen)

    async with story.step("8"):
        await post(
            client,
            nadine,
            f"/people/{ryan['id']}/lead-professional",
            {
                "practitioner_id": nadine.practitioner_id,
                "agreed_by": [sarah["id"], ryan["id"]],
                "agreed_on": days(0),
                "reason": "At the request of Ryan and Sarah",
            },
        )
        idx = await index_of(client, pastoral, ryan["id"])
        lead = idx["lead_professional"]
        assert (lead["practitioner_name"], lead["agency_name"]) == ("Nadine", "Space 4 Me")
        assert idx["early_help_assessment"]["status"] == "completed"
        assert drug.agency_id not in str(idx) and "drawing" not in str(idx)

    async with story.step("9"):
        meeting = await post(
            client,
            nadine,
            "/conferences",
            {
                "kind": "team_around_the_family",
                "title": "Ryan: support at school",
                "held_on": days(0),
                "purpose": ED,
                "chair_practitioner_id": nadine.practitioner_id,
                "attending_agency_ids": [pastoral.agency_id],
                "subject_person_ids": [ryan["id"]],
                "family_attendees": ["Sarah", "Ryan"],
                "attendee_practitioner_ids": [nadine.practitioner_id, pastoral.practitioner_id],
            },
        )
        mid = meeting["id"]
        assert {a["practitioner_id"] for a in meeting["attendees"]} == {
            nadine.practitioner_id,
            pastoral.practitioner_id,
        }

        async def action(
            by: Actor,
            owner: Actor,
            description: str,
            due: int,
            at: str | None = None,
            status: int = 201,
        ) -> dict:
            return await post(
                client,
                by,
                "/actions",
                {
                    "child_id": ryan["id"],
                    "conference_id": at,
                    "plan": "Ryan's support plan",
                    "description": description,
                    "owner_agency_id": owner.agency_id,
                    "owner_practitioner_id": owner.practitioner_id,
                    "due_on": days(due),
                },
                status=status,
            )

        # The parent support service was not at the meeting: its actions are on Ryan's plan, but
        # cannot be tied to the meeting (422 naming the owner).
        problem = await action(nadine, psa, "Sarah attends the parenting group", 30, mid, 422)
        assert problem["errors"][0]["field"] == "body:/owner_agency_id"
        parenting = await action(nadine, psa, "Sarah attends the parenting group", 30)
        one_to_one = await action(nadine, psa, "One-to-one support for Sarah and Ryan", 30)
        listening = await action(
            nadine, pastoral, "Listening service with the counsellor", 14, at=mid
        )
        group = await action(nadine, nadine, "Space 4 Me group extended to 12 weeks", 84, at=mid)
        assert listening["conference_id"] == mid and parenting["conference_id"] is None
        s4m_review = await post(
            client,
            nadine,
            "/reviews",
            {
                "child_id": ryan["id"],
                "what": "Review Ryan's and Sarah's situation",
                "due_on": days(60),
                "responsible_practitioner_id": nadine.practitioner_id,
            },
        )
        assert (await get(client, pastoral, f"/conferences/{mid}"))["action_ids"] == [
            listening["id"]
        ]
        assert [
            a["id"] for a in (await get(client, pastoral, "/actions", conference_id=mid))["items"]
        ] == [listening["id"]]
        at_meeting = {listening["id"], group["id"]}
        assert set((await get(client, nadine, f"/conferences/{mid}"))["action_ids"]) == at_meeting
        assert {
            a["id"] for a in (await get(client, nadine, "/actions", conference_id=mid))["items"]
        } == at_meeting
        # The parent support service and the drug service were not there: no meeting, none of
        # its actions.
        for outsider in (psa, drug):
            await not_found(client, outsider, f"/conferences/{mid}")
            assert (await get(client, outsider, "/actions", conference_id=mid))["items"] == []
        assert [a["id"] for a in (await get(client, pastoral, "/actions"))["items"]] == [
            listening["id"]
        ]
        assert {a["id"] for a in (await get(client, psa, "/actions"))["items"]} == {
            parenting["id"],
            one_to_one["id"],
        }
        assert len((await get(client, nadine, "/actions"))["items"]) == 4
        assert [r["id"] for r in (await get(client, nadine, "/reviews"))["items"]] == [
            s4m_review["id"]
        ]
        await not_found(client, pastoral, f"/actions/{parenting['id']}")
        await not_found(client, pastoral, f"/reviews/{s4m_review['id']}")
        await not_found(client, psa, f"/people/{ryan['id']}/summary", purpose=ED)

    async with story.step("10"):
        await note(nadine, sarah, "social_care", REPORT)
        await give_consent(
            client,
            actor=nadine,
            decision="granted",
            form="verbal",
            subjects=[sarah["id"]],
            given_by=[sarah["id"]],
            recipients=[drug.agency_id],
            purposes=[FS],
            categories=["social_care"],
            notes="Discussed the report with Sarah before sharing it",
        )
        assert summaries(await view(drug, sarah, FS)) == {METHADONE, COUNSELLING, REPORT}
        about_ryan = await view(drug, ryan, FS)
        assert CAF_REPORT not in summaries(about_ryan)
        assert counted(about_ryan) == {"no_consent": 3}  # attendance, worries, CAF report

    async with story.step("11"):
        await post(
            client,
            psa,
            f"/actions/{one_to_one['id']}/transitions",
            {"to": "in_progress"},
            status=200,
            if_match=True,
        )
        for to, extra in (("in_progress", {}), ("done", {"outcome": "Ryan uses the service"})):
            await post(
                client,
                pastoral,
                f"/actions/{listening['id']}/transitions",
                {"to": to, **extra},
                status=200,
                if_match=True,
            )
        progress = {
            a["description"]: (a["status"], a["outcome"])
            for a in (await get(client, nadine, "/actions"))["items"]
        }
        assert progress["Sarah attends the parenting group"] == ("open", None)
        assert progress["One-to-one support for Sarah and Ryan"] == ("in_progress", None)
        assert progress["Listening service with the counsellor"] == (
            "done",
            "Ryan uses the service",
        )
        assert [a["id"] for a in (await get(client, pastoral, "/actions"))["items"]] == [
            listening["id"]
        ]

    async with story.step("12"):
        disclosure = await note(teacher, ryan, "family_circumstances", BOYFRIEND)
        assert BOYFRIEND in summaries(await view(pastoral, ryan, FS))
        at_s4m = await view(nadine, ryan, FS)
        assert BOYFRIEND not in summaries(at_s4m) and counted(at_s4m) == {"no_consent": 2}
        assert BOYFRIEND not in summaries(await view(drug, ryan, FS))
        await not_found(client, eddie, f"/people/{ryan['id']}/summary", purpose=FS)

    async with story.step("13"):
        decision = await post(
            client,
            pastoral,
            "/sharing-decisions",
            {
                "kind": "share",
                "subject_person_id": ryan["id"],
                "recipients": [nadine.agency_id],
                "purposes": [FS],
                "categories": ["family_circumstances"],
                "record_ids": [disclosure["id"]],
                "legal_basis": "public_interest",
                "reasons": "Ryan is too worried to sleep; his lead professional needs to know now.",
                "consent_sought": False,
                "consent_not_sought_reason": "Sarah could not be reached; Ryan fears it would "
                "make things worse at home",
                "subject_told": True,
                "consulted": ["Class teacher"],
                "recipient_practitioners": [nadine.practitioner_id],
                "action_expected": "Talk to Sarah and Ryan; consider involving social care",
            },
        )
        assert decision["recipient_practitioners"] == [nadine.practitioner_id]
        [share_id] = decision["share_ids"]
        # It reaches Nadine's own inbox, addressed to her, with why and what to do.
        [mine] = (await get(client, nadine, "/shares", for_me=True))["items"]
        assert (mine["id"], mine["for_practitioner_id"], mine["decision_id"]) == (
            share_id,
            nadine.practitioner_id,
            decision["id"],
        )
        assert mine["why"].startswith("Ryan is too worried to sleep")
        opened = await get(client, nadine, f"/shares/{share_id}")
        assert opened["record"]["summary"] == BOYFRIEND
        assert opened["record"]["shared"] == {
            "basis": "decision",
            "basis_id": decision["id"],
            "purpose": FS,
        }
        # Twin: another Space 4 Me practitioner gets nothing in their inbox, nor acknowledges it.
        colleague = await make_practitioner(
            client, admin=s4m_admin, name="Tom", job_title="Youth worker"
        )
        assert (await get(client, colleague, "/shares", for_me=True))["items"] == []
        # Nor can Tom read it in Ryan's summary: the decision names Nadine alone.
        theirs = await summary_of(client, actor=colleague, person=ryan["id"], purpose=FS)
        assert BOYFRIEND not in summaries(theirs)
        hers = await summary_of(client, actor=nadine, person=ryan["id"], purpose=FS)
        assert BOYFRIEND in summaries(hers)
        ack = f"/shares/{share_id}/acknowledgement"
        await post(client, colleague, ack, status=404, if_match=True)
        acked = await post(client, nadine, ack, status=200, if_match=True)
        assert acked["acknowledged_by"] == nadine.practitioner_id
        at_s4m = await view(nadine, ryan, FS)
        shared = {r["summary"]: r["shared"] for r in at_s4m["records"]}
        assert shared[BOYFRIEND] == {"basis": "decision", "basis_id": decision["id"], "purpose": FS}
        school_dpo = await make_practitioner(
            client, admin=school_admin, name="School DPO", roles=("data_protection_officer",)
        )
        rows = await disclosed(client, school_dpo, ryan["id"])
        assert {
            (d["recipient_agency_id"], d["recipient_practitioner_id"], d["basis"])
            for d in rows
            if d["record_id"] == disclosure["id"]
        } == {(nadine.agency_id, nadine.practitioner_id, "decision")}
        assert BOYFRIEND not in summaries(await view(drug, ryan, FS))
        for outsider in (eddie, psa):
            await not_found(client, outsider, f"/people/{ryan['id']}/summary", purpose=FS)

    async with story.step("14"):
        await note(nadine, sarah, "family_circumstances", VISIT)
        assert VISIT in summaries(await view(nadine, sarah, FS))
        assert VISIT not in summaries(await view(pastoral, sarah, ED))
        assert summaries(await view(drug, sarah, FS)) == {METHADONE, COUNSELLING, REPORT}

    async with story.step("15"):
        to_sc = await give_consent(
            client,
            actor=nadine,
            decision="granted",
            form="written",
            subjects=[ryan["id"], sarah["id"]],
            given_by=[sarah["id"]],
            recipients=[eddie.agency_id],
            purposes=[CIN],
            categories=["family_circumstances", "mental_health"],
            notes="Sarah wants Ryan and herself well supported; she will be present when it is "
            "discussed and involved in every decision",
        )
        ids = {r["summary"]: r["id"] for r in (await view(nadine, ryan, CIN))["records"]}
        visit_id = {r["summary"]: r["id"] for r in (await view(nadine, sarah, CIN))["records"]}[
            VISIT
        ]
        to_social_care = await referral(
            client,
            nadine,
            to_agency_id=eddie.agency_id,
            subject_person_ids=[ryan["id"], sarah["id"]],
            purpose=CIN,
            reason="Circumstances at home have changed; Sarah agrees to involve social care",
            action_expected="Initial assessment of Ryan",
            record_ids=[ids[CAF_REPORT], ids[WORRIES], visit_id],
        )
        assert len(to_social_care["share_ids"]) == 3
        at_sc = await view(eddie, ryan, CIN)
        assert summaries(at_sc) == {CAF_REPORT, WORRIES, SCHOOL_FACT}
        assert {
            r["shared"]["basis_id"] for r in at_sc["records"] if r["summary"] != SCHOOL_FACT
        } == {to_sc["id"]}
        assert counted(at_sc) == {"no_consent": 2}  # the school's attendance note and disclosure
        assert drug.agency_id not in str(at_sc)
        about_sarah = await view(eddie, sarah, CIN)
        assert summaries(about_sarah) == {VISIT} and drug.agency_id not in str(about_sarah)
        # Social care is not involved yet: its social worker cannot be made lead.
        problem = await post(
            client,
            nadine,
            f"/people/{ryan['id']}/lead-professional",
            {
                "practitioner_id": eddie.practitioner_id,
                "agreed_by": [sarah["id"]],
                "agreed_on": days(0),
                "reason": "Social care leads the child in need plan",
            },
            status=422,
        )
        assert problem["errors"][0]["field"] == "body:/practitioner_id"

    async with story.step("16"):
        await accept(client, eddie, to_social_care["id"])
        await person(eddie, "Ryan", "Child in need assessment")
        await person(eddie, "Sarah", "Ryan's mother")
        await relate(client, eddie, sarah["id"], ryan["id"])
        idx = await index_of(client, pastoral, ryan["id"])
        assert "Children's social care" in involved(idx)
        [card] = [
            i
            for i in idx["involvements"]
            if i["source"] == "referral" and i["agency_name"] == "Children's social care"
        ]
        assert (card["practitioner_name"], card["job_title"]) == ("Eddie", "Social worker")
        await not_found(client, pastoral, f"/referrals/{to_social_care['id']}")

    async with story.step("17"):
        await give_consent(
            client,
            actor=drug,
            decision="granted",
            form="written",
            subjects=[sarah["id"], ryan["id"]],
            given_by=[sarah["id"]],
            recipients=[eddie.agency_id],
            purposes=[CIN],
            categories=["substance_misuse", "family_circumstances"],
            show_involvement=True,
        )
        assert summaries(await view(eddie, sarah, CIN)) == {METHADONE, COUNSELLING, VISIT}
        await note(eddie, ryan, "social_care", ASSESSMENT)
        await post(
            client,
            eddie,
            f"/people/{ryan['id']}/child-status",
            {
                "status": "child_in_need",
                "start_date": days(0),
                "social_worker_id": eddie.practitioner_id,
            },
        )
        [status] = await get(client, pastoral, f"/people/{ryan['id']}/child-status")
        assert status["status"] == "child_in_need"
        assert status["social_worker"]["practitioner_id"] == eddie.practitioner_id
        at_school = await view(pastoral, ryan, ED)
        assert ASSESSMENT not in summaries(at_school) and drug.agency_id not in str(at_school)
        assert drug.agency_id not in str(await index_of(client, pastoral, ryan["id"]))

    async with story.step("18"):
        transfer = {
            "practitioner_id": eddie.practitioner_id,
            "agreed_by": [ryan["id"]],
            "agreed_on": days(0),
            "reason": "Social care leads the child in need plan",
        }
        problem = await post(
            client, eddie, f"/people/{ryan['id']}/lead-professional", transfer, status=422
        )
        assert problem["errors"][0]["field"] == "body:/agreed_by"
        await post(
            client,
            eddie,
            f"/people/{ryan['id']}/lead-professional",
            {**transfer, "agreed_by": [sarah["id"]]},
        )
        for worker in (pastoral, nadine):
            lead = (await index_of(client, worker, ryan["id"]))["lead_professional"]
            assert (lead["practitioner_id"], lead["job_title"]) == (
                eddie.practitioner_id,
                "Social worker",
            )
        assert drug.agency_id not in str(await index_of(client, pastoral, ryan["id"]))
        # The transfer is on record: Nadine was lead until today, Eddie is lead since.
        leads = await get(client, pastoral, f"/people/{ryan['id']}/lead-professionals")
        assert [(lead["practitioner_id"], lead["until"] is None) for lead in leads] == [
            (nadine.practitioner_id, False),
            (eddie.practitioner_id, True),
        ]
        await not_found(client, psa, f"/people/{ryan['id']}/lead-professionals")
        await get(client, teacher, f"/people/{ryan['id']}/lead-professionals", status=403)
        # CP-IS: Ryan is a child in need; when the school looks him up, Eddie, now his lead
        # professional, is told, and social care sees the look-up. The drug service's look-up
        # is never shown, though Sarah agreed social care may know it works with her.
        await view(pastoral, ryan, ED)
        await view(drug, ryan, FS)
        looked_up = [
            a for a in await get(client, eddie, "/alerts") if a["kind"] == "child_looked_up"
        ]
        assert looked_up and all(a["person_id"] == ryan["id"] for a in looked_up)
        assert any("Westgate School" in a["text"] for a in looked_up)
        accesses = await get(client, eddie, f"/people/{ryan['id']}/child-status/accesses")
        # Nadine's index look-up above counts too; the drug service's never does.
        assert {a["agency_name"] for a in accesses} == {"Westgate School", "Space 4 Me"}
        assert any(a["purpose"] == ED and a["action"] == "person.summary.read" for a in accesses)
        assert "drug" not in str(looked_up).lower() and drug.agency_id not in str(accesses)
        # Nadine is no longer the lead: no access alert for her; the school sees no accesses.
        kinds = {a["kind"] for a in await get(client, nadine, "/alerts")}
        assert "child_looked_up" not in kinds
        await get(client, pastoral, f"/people/{ryan['id']}/child-status/accesses", status=403)

    async with story.step("19"):
        review_meeting = await post(
            client,
            eddie,
            "/conferences",
            {
                "kind": "child_in_need_review",
                "title": "Ryan: review of support, at Space 4 Me",
                "held_on": days(0),
                "purpose": CIN,
                "chair_practitioner_id": eddie.practitioner_id,
                "attending_agency_ids": [nadine.agency_id],
                "subject_person_ids": [ryan["id"]],
                "family_attendees": ["Sarah", "Ryan"],
                "attendee_practitioner_ids": [eddie.practitioner_id, nadine.practitioner_id],
            },
        )
        rid = review_meeting["id"]
        await post(
            client,
            eddie,
            f"/conferences/{rid}/notes",
            {"kind": "decision", "text": "Sarah's boyfriend will move out for the time being"},
            status=200,
        )
        # Agreed at the meeting; only Space 4 Me's is tied to it: the drug service and the
        # school, whose actions these are too, were not there.
        support = await action(eddie, outreach, "Outreach worker supports Sarah", 30)
        s4m = await action(
            eddie, nadine, "Ryan attends Space 4 Me until the next review", 60, at=rid
        )
        mentor = await action(eddie, pastoral, "Learning mentor for Ryan", 14)
        for attendee in (eddie, nadine):
            minutes = await get(client, attendee, f"/conferences/{rid}")
            assert {a["practitioner_id"] for a in minutes["attendees"]} == {
                eddie.practitioner_id,
                nadine.practitioner_id,
            }
            assert minutes["action_ids"] == [s4m["id"]]
            listed = await get(client, attendee, "/actions", conference_id=rid)
            assert [a["id"] for a in listed["items"]] == [s4m["id"]]
        pack = await get(client, nadine, f"/conferences/{rid}/pack")
        [entry] = pack["entries"]
        assert entry["person_id"] == ryan["id"] and CAF_REPORT in summaries(entry["summary"])
        assert [a["id"] for a in (await get(client, drug, "/actions"))["items"]] == [support["id"]]
        assert mentor["id"] in {a["id"] for a in (await get(client, pastoral, "/actions"))["items"]}
        for outsider in (pastoral, drug):
            await not_found(client, outsider, f"/conferences/{rid}")
            assert (await get(client, outsider, "/actions", conference_id=rid))["items"] == []
        await not_found(client, pastoral, f"/actions/{support['id']}")

    async with story.step("20"):
        await note(eddie, sarah, "social_care", CIN_REPORT)
        await give_consent(
            client,
            actor=eddie,
            decision="granted",
            form="verbal",
            subjects=[sarah["id"]],
            given_by=[sarah["id"]],
            recipients=[drug.agency_id],
            purposes=[FS],
            categories=["social_care"],
        )
        assert {REPORT, CIN_REPORT} <= summaries(await view(drug, sarah, FS))
        assert CIN_REPORT not in summaries(await view(pastoral, sarah, ED))

    async with story.step("21"):
        review = await post(
            client,
            eddie,
            "/reviews",
            {
                "child_id": ryan["id"],
                "what": "Multi-agency review of Ryan's welfare and progress at school",
                "due_on": days(61),
                "responsible_practitioner_id": eddie.practitioner_id,
                "recurrence_days": 61,
            },
        )
        listed = (await get(client, eddie, "/reviews"))["items"]
        assert [(r["id"], r["due_on"], r["overdue"]) for r in listed] == [
            (review["id"], days(61), False)
        ]
        await not_found(client, nadine, f"/reviews/{review['id']}")

    story.done()
