"""Case 9, the Browns: a refusal, then both parents' signed consent to the family support service
as a group; referral of the family to the group; index check; meeting; plan; lead professional;
CAF for Amy; review in three months."""

from tests.factories import Actor, add_record, give_consent, register_person, relate, summaries
from tests.stories.steps_b import (
    AUTHORISED,
    WORKER,
    accept,
    chronology,
    days,
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

FS = "family_support"
BORN = {
    "steve": "1985-03-03",
    "angela": "1989-09-19",
    "amy": "2015-01-28",
    "josh": "2019-06-10",
    "lily": "2025-10-20",
}
NHS = {name: nhs(901 + i * 3) for i, name in enumerate(BORN)}
CATEGORIES = [
    "family_circumstances",
    "finance",
    "housing",
    "education",
    "mental_health",
    "health",
    "offending",
]
SCHOOL_AMY = "Amy needs extra support in some lessons"
POLICE_AMY = "Amy caught shoplifting; first offence, no charge"
HV_ANGELA = "Angela: history of depression; often tired"
HV_LILY = "Lily: 12-month review, development on track"
HOUSING_REPAIR = "House in a poor state of repair; cramped for five"
HOUSING_MONEY = "Rent arrears; not claiming all the benefits they may be entitled to"
OAKFIELD_JOSH = "Josh settled and doing well"
AMH_STEVE = "Steve receiving treatment for depression"
AMH_CONCERNS = "Susan's concerns: cramped house needing repairs; money worries; Angela low"
AMH_ANGELA = "Angela finds the children hard to manage at times; very tired; money worries"


async def test_case_09_the_browns(client):
    story = Story.load(client, "case_09_the_browns.md")

    async def person(actor: Actor, name: str, reason: str) -> dict:
        return await register_person(
            client,
            actor=actor,
            given_name=name.capitalize(),
            family_name="Brown",
            date_of_birth=BORN[name],
            nhs_number=NHS[name],
            reason=reason,
        )

    async def note(actor: Actor, subject: dict, category: str, summary: str) -> dict:
        return await add_record(
            client, actor=actor, subject=subject["id"], category=category, summary=summary
        )

    async with story.step("1"):
        fss_admin, fss = await staffed(
            client,
            agency="Family support team",
            kind="local_authority",
            people={
                "Carol": ("Family support coordinator", AUTHORISED),
                "Naomi": ("Family support worker", AUTHORISED),
            },
        )
        coordinator, naomi = fss["Carol"], fss["Naomi"]
        _, amh_staff = await staffed(
            client,
            agency="Adult mental health",
            kind="mental_health",
            sensitive_service=True,
            people={
                "Susan": ("Adult mental health worker", WORKER),
                "Amir": ("Team manager", WORKER),
            },
        )
        susan, amh_manager = amh_staff["Susan"], amh_staff["Amir"]
        _, school_staff = await staffed(
            client,
            agency="Riverside High",
            kind="school",
            people={"Mr Patel": ("Pastoral manager", AUTHORISED)},
        )
        school = school_staff["Mr Patel"]
        _, hv_staff = await staffed(
            client,
            agency="Health visiting",
            kind="health_visiting",
            people={"Hana": ("Health visitor", WORKER)},
        )
        hv = hv_staff["Hana"]
        _, housing_staff = await staffed(
            client, agency="Council housing", kind="housing", people={"Hugh": ("Officer", WORKER)}
        )
        housing = housing_staff["Hugh"]
        _, police_staff = await staffed(
            client, agency="Police", kind="police", people={"PC Rees": ("Officer", WORKER)}
        )
        police = police_staff["PC Rees"]
        _, oakfield_staff = await staffed(
            client,
            agency="Oakfield Primary",
            kind="school",
            people={"Ms Khan": ("Class teacher", AUTHORISED)},
        )
        oakfield = oakfield_staff["Ms Khan"]
        group = await post(
            client,
            fss_admin,
            "/groups",
            {
                "name": "Family support service",
                "kind": "family_support_service",
                "chair_agency_id": coordinator.agency_id,
                "purposes": [FS],
                "legal_gateway": "children_act_s17",
                "agreement": "Information sharing agreement of the family support service",
                "members": [
                    susan.agency_id,
                    school.agency_id,
                    hv.agency_id,
                    housing.agency_id,
                    police.agency_id,
                ],
            },
        )
        # What each agency already holds.
        amy = await person(school, "amy", "Pupil, Year 7")
        await note(school, amy, "education", SCHOOL_AMY)
        await person(police, "amy", "Caught shoplifting")
        await note(police, amy, "offending", POLICE_AMY)
        [police_inv] = await get(client, police, f"/people/{amy['id']}/involvements")
        await post(
            client,
            police,
            f"/involvements/{police_inv['id']}/end",
            {"reason": "First offence: no further action", "concerns_remain": False},
            status=200,
        )
        angela = await person(hv, "angela", "Mother of Lily")
        lily = await person(hv, "lily", "Child under five")
        await note(hv, angela, "mental_health", HV_ANGELA)
        await note(hv, lily, "health", HV_LILY)
        steve = await person(housing, "steve", "Tenant")
        await person(housing, "angela", "Joint tenant")
        await note(housing, steve, "housing", HOUSING_REPAIR)
        await note(housing, steve, "finance", HOUSING_MONEY)
        josh = await person(oakfield, "josh", "Pupil, Year 3")
        await note(oakfield, josh, "education", OAKFIELD_JOSH)

    async with story.step("2"):
        for name in BORN:
            await person(susan, name, "Steve's treatment" if name == "steve" else "Steve's family")
        for parent in (steve, angela):
            for child in (amy, josh, lily):
                await relate(client, susan, parent["id"], child["id"])
        await note(susan, steve, "mental_health", AMH_STEVE)
        own = await get(client, susan, f"/people/{steve['id']}/summary", purpose=FS)
        assert summaries(own) == {AMH_STEVE}
        await not_found(client, coordinator, f"/people/{steve['id']}/summary", purpose=FS)
        view = await get(client, school, f"/people/{amy['id']}/summary", purpose=FS)
        # The police's note is counted; adult mental health holds nothing about Amy, and its
        # involvement with her never shows.
        assert summaries(view) == {SCHOOL_AMY} and view["withheld"] == [
            {"reason": "no_consent", "count": 1}
        ]
        assert susan.agency_id not in str(view)

    async with story.step("3"):
        everyone = [steve, amy, josh, lily]
        scope = {
            "holder_groups": [group["id"]],
            "recipient_groups": [group["id"]],
            "purposes": [FS],
        }
        # Steve insists Angela would feel the same: he cannot speak for her.
        problem = await post(
            client,
            susan,
            "/consents",
            {
                "decision": "refused",
                "form": "verbal",
                "subjects": [*(p["id"] for p in everyone), angela["id"]],
                "given_by": [steve["id"]],
                **scope,
            },
            status=422,
        )
        assert problem["errors"][0]["field"] == "body:/subjects/4"
        refusal = await give_consent(
            client,
            actor=susan,
            decision="refused",
            subjects=[p["id"] for p in everyone],
            given_by=[steve["id"]],
            notes="Steve does not want the family discussed by many professionals",
            **scope,
        )
        await note(susan, steve, "family_circumstances", AMH_CONCERNS)
        listed = await get(client, susan, f"/people/{steve['id']}/consents")
        assert [(c["id"], c["decision"]) for c in listed["items"]] == [(refusal["id"], "refused")]
        await not_found(client, coordinator, f"/consents/{refusal['id']}")
        await not_found(client, coordinator, f"/people/{amy['id']}/summary", purpose=FS)

    async with story.step("4"):
        await note(susan, angela, "family_circumstances", AMH_ANGELA)
        statement = await give_consent(
            client,
            actor=susan,
            decision="granted",
            form="signed_statement",
            subjects=[steve["id"], angela["id"], amy["id"], josh["id"], lily["id"]],
            given_by=[steve["id"], angela["id"]],
            categories=CATEGORIES,
            article9_condition="explicit_consent",
            notes="Privacy and confidentiality statement signed by Steve and Angela",
            **scope,
        )
        pairs = {(s["subject_person_id"], s["given_by_person_id"]) for s in statement["subjects"]}
        assert pairs == {
            (steve["id"], steve["id"]),
            (angela["id"], angela["id"]),
            *((c["id"], p["id"]) for c in (amy, josh, lily) for p in (steve, angela)),
        }
        # A member that already works with someone in the family sees at once what the others
        # in the service hold about that person: that is what the parents signed.
        view = await get(client, housing, f"/people/{steve['id']}/summary", purpose=FS)
        assert summaries(view) == {HOUSING_REPAIR, HOUSING_MONEY, AMH_STEVE, AMH_CONCERNS}
        # Nobody is referred yet: the coordinator knows no one; housing does not know Amy.
        await not_found(client, coordinator, f"/people/{steve['id']}/summary", purpose=FS)
        await not_found(client, housing, f"/people/{amy['id']}/summary", purpose=FS)

    async with story.step("5"):
        family = await post(
            client,
            amh_manager,
            "/families",
            {
                "name": "The Brown family",
                "members": [
                    {"person_id": p["id"], "role": role}
                    for p, role in (
                        (steve, "father"),
                        (angela, "mother"),
                        (amy, "child"),
                        (josh, "child"),
                        (lily, "child"),
                    )
                ],
            },
        )
        sent = await referral(
            client,
            amh_manager,
            to_group_id=group["id"],
            family_id=family["id"],
            purpose=FS,
            reason="Cramped housing, money worries, both parents low; Angela struggling to cope",
            action_expected="Bring the family's information together and agree a support plan",
        )
        assert set(sent["subject_person_ids"]) == {
            p["id"] for p in (steve, angela, amy, josh, lily)
        }
        for member in (coordinator, housing):
            inbox = await get(client, member, "/referrals")
            assert [r["id"] for r in inbox["items"]] == [sent["id"]]
        await post(client, housing, f"/referrals/{sent['id']}/accept", status=403, if_match=True)
        await not_found(client, housing, f"/people/{amy['id']}/summary", purpose=FS)
        await not_found(client, coordinator, f"/people/{amy['id']}/summary", purpose=FS)
        await accept(client, coordinator, sent["id"])
        view = await get(client, housing, f"/people/{amy['id']}/summary", purpose=FS)
        assert summaries(view) == {SCHOOL_AMY, POLICE_AMY}
        view = await get(client, coordinator, f"/people/{angela['id']}/summary", purpose=FS)
        assert summaries(view) == {HV_ANGELA, AMH_ANGELA}
        assert (await get(client, oakfield, "/referrals"))["items"] == []
        await not_found(client, oakfield, f"/referrals/{sent['id']}")
        await not_found(client, oakfield, f"/people/{steve['id']}/summary", purpose=FS)

    async with story.step("6"):
        expected = {
            amy["id"]: {"Riverside High"},
            josh["id"]: {"Oakfield Primary"},
            lily["id"]: {"Health visiting"},
        }
        for child, agencies in expected.items():
            idx = await index_of(client, coordinator, child)
            assert involved(idx) == agencies
            assert idx["lead_professional"] is None and idx["early_help_assessment"] is None
            assert susan.agency_id not in str(idx) and police.agency_id not in str(idx)
            assert not any(text in str(idx) for text in (SCHOOL_AMY, POLICE_AMY, HV_LILY))

    async with story.step("7"):
        chrono = await chronology(client, coordinator, amy["id"], FS)
        assert entries(chrono) == {
            SCHOOL_AMY,
            POLICE_AMY,
            AMH_STEVE,
            AMH_CONCERNS,
            AMH_ANGELA,
            HV_ANGELA,
            HV_LILY,
            HOUSING_REPAIR,
            HOUSING_MONEY,
        }
        # The signed statement superseded the refusal: nothing is withheld as refused; only the
        # note of a school outside the service is withheld.
        assert chrono["withheld"] == [{"reason": "no_consent", "count": 1}]
        assert {e["shared"]["basis_id"] for e in chrono["entries"]} == {statement["id"]}
        relation = {e["summary"]: e["relationship_to_child"] for e in chrono["entries"]}
        assert relation[AMH_STEVE] == "parent with parental responsibility"
        assert relation[HV_LILY] == "household member"
        assert OAKFIELD_JOSH not in str(chrono)
        await not_found(client, oakfield, f"/people/{steve['id']}/summary", purpose=FS)
        await not_found(client, oakfield, f"/people/{amy['id']}/chronology", purpose=FS)

    async with story.step("8"):
        for name in BORN:
            await person(coordinator, name, "Referred to the family support service")
        fss_family = await post(
            client,
            coordinator,
            "/families",
            {
                "name": "The Brown family",
                "members": [{"person_id": m["person_id"]} for m in family["members"]],
            },
        )
        meeting = await post(
            client,
            coordinator,
            "/conferences",
            {
                "kind": "team_around_the_family",
                "title": "The Brown family: first meeting",
                "held_on": days(0),
                "purpose": FS,
                "group_id": group["id"],
                "chair_practitioner_id": coordinator.practitioner_id,
                "attending_agency_ids": [
                    susan.agency_id,
                    school.agency_id,
                    hv.agency_id,
                    housing.agency_id,
                ],
                "family_ids": [fss_family["id"]],
                "family_attendees": ["Steve Brown", "Angela Brown"],
            },
        )
        pack = await get(client, school, f"/conferences/{meeting['id']}/pack")
        by_person = {e["person_id"]: e["summary"] for e in pack["entries"]}
        assert POLICE_AMY in summaries(by_person[amy["id"]])
        assert {HOUSING_REPAIR, HOUSING_MONEY} <= summaries(by_person[steve["id"]])
        assert by_person[josh["id"]]["records"] == []
        assert by_person[josh["id"]]["withheld"] == [{"reason": "no_consent", "count": 1}]
        for outsider in (police, oakfield):
            await not_found(client, outsider, f"/conferences/{meeting['id']}")

    async with story.step("9"):

        async def action(owner: Actor, description: str, due: int, **about) -> dict:
            return await post(
                client,
                coordinator,
                "/actions",
                {
                    "plan": "Brown family support plan",
                    "description": description,
                    "owner_agency_id": owner.agency_id,
                    "owner_practitioner_id": owner.practitioner_id,
                    "due_on": days(due),
                    **(about or {"family_id": fss_family["id"]}),
                },
            )

        routines = await action(naomi, "Help establish routines with the children", 30)
        await action(naomi, "Advice on finances and benefits", 30)
        await action(naomi, "Give Angela the children's centre parenting group details", 7)
        amy_support = await action(
            school, "After-school activities and support in some lessons", 30, child_id=amy["id"]
        )
        await action(susan, "Continue to support Steve", 90)
        assessment = await action(housing, "Assess the family's living arrangements", 90)
        await post(
            client,
            coordinator,
            f"/conferences/{meeting['id']}/notes",
            {"kind": "decision", "text": "Plan agreed with Steve and Angela; review in 3 months"},
            status=200,
        )
        mine = await get(client, school, "/actions")
        assert [a["id"] for a in mine["items"]] == [amy_support["id"]]
        theirs = await get(client, housing, "/actions")
        assert [a["id"] for a in theirs["items"]] == [assessment["id"]]
        assert theirs["items"][0]["due_on"] == days(90)
        naomis = await get(client, naomi, "/actions")
        assert len(naomis["items"]) == 6  # her agency recorded the plan
        await not_found(client, school, f"/actions/{assessment['id']}")
        await not_found(client, oakfield, f"/actions/{routines['id']}")

    async with story.step("10"):
        await post(
            client,
            coordinator,
            f"/people/{amy['id']}/lead-professional",
            {
                "practitioner_id": naomi.practitioner_id,
                "agreed_by": [steve["id"], angela["id"]],
                "agreed_on": days(0),
                "reason": "Agreed with the family: Naomi works with the parents",
            },
        )
        idx = await index_of(client, school, amy["id"])
        lead = idx["lead_professional"]
        assert (lead["practitioner_name"], lead["job_title"], lead["agency_name"]) == (
            "Naomi",
            "Family support worker",
            "Family support team",
        )
        await not_found(client, oakfield, f"/people/{amy['id']}/index")

    async with story.step("11"):
        caf = await post(client, school, "/early-help-assessments", {"child_id": amy["id"]})
        await move_caf(client, school, caf["id"], "consent_sought")
        for parent in ("steve", "angela"):
            known = await person(school, parent, "Amy's parent")
            await relate(client, school, known["id"], amy["id"])
        await give_consent(
            client,
            actor=school,
            decision="granted",
            form="written",
            subjects=[amy["id"]],
            given_by=[steve["id"], angela["id"]],
            holders=[school.agency_id],
            recipient_groups=[group["id"]],
            purposes=["early_help_assessment"],
            categories=["education", "family_circumstances"],
            notes="Amy and her parents agree to a common assessment",
        )
        await move_caf(client, school, caf["id"], "in_progress")
        done = await move_caf(
            client,
            school,
            caf["id"],
            "completed",
            strengths="Bright; good friendships",
            needs="After-school activities; support in some lessons",
            completed_with=["Amy", "Steve Brown", "Angela Brown"],
        )
        assert done["completed_at"]
        idx = await index_of(client, naomi, amy["id"])
        assert idx["early_help_assessment"]["agency_name"] == "Riverside High"
        assert idx["early_help_assessment"]["practitioner_name"] == "Mr Patel"
        assert idx["early_help_assessment"]["status"] == "completed"
        assert "friendships" not in str(idx) and "lessons" not in str(idx)
        await not_found(client, oakfield, f"/people/{amy['id']}/index")

    async with story.step("12"):
        review = await post(
            client,
            naomi,
            "/reviews",
            {
                "family_id": fss_family["id"],
                "what": "Review the Brown family's support plan",
                "due_on": days(91),
                "responsible_practitioner_id": naomi.practitioner_id,
            },
        )
        listed = await get(client, naomi, "/reviews")
        assert [(r["id"], r["overdue"]) for r in listed["items"]] == [(review["id"], False)]
        assert review["due_on"] == days(91)
        for other in (housing, school):
            await not_found(client, other, f"/reviews/{review['id']}")

    story.done()
