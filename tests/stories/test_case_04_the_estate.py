"""Case 4, the estate: the police notify the YOS; the schools share confidential information
without consent (risk of significant harm) and tell the family; a multi-agency meeting with per-agency
packs; a joint action plan. The step table is case_04_the_estate.md."""

from tests.factories import (
    add_record,
    decide_sharing,
    register_person,
    relate,
    summary_of,
    withheld,
)
from tests.stories.steps_a import (
    accept,
    action_ids,
    answer,
    ask,
    born,
    colleague,
    days,
    held_by,
    index_of,
    nhs,
    ok,
    pack,
    plan,
    refer,
    refused,
    seen,
    staffed,
    unknown,
)
from tests.stories.story import Story

CDR = "crime_and_disorder_reduction"
NUMBERS = {
    "Gary": nhs(401),
    "Sue": nhs(402),
    "Jackie": nhs(403),
    "Brett": nhs(404),
    "Connor": nhs(405),
}
AGES = {"Gary": 48, "Sue": 44, "Jackie": 15, "Brett": 14, "Connor": 10}

FIRES = "Named by witnesses for two car fires on the estate"
ABUSIVE = "Verbally abusive to her mother and to officers at interview"
FIRE_NOTE = "Attended two car fires on the estate; fire-setting advice to be offered"
REPRIMAND = "Reprimand for stealing sweets; admitted truanting; parents thought he was at school"
BRIGHT = "A bright boy"
AGGRESSIVE = "Aggressive towards other children; his father condones it"
BULLIED = "Told his teacher older boys bully him into breaking windows"
FOOL = "Could do well; acts the fool and enjoys being sent out"
HEAD = "Told his learning mentor he must be the head of the family, law or no law"
DISRUPTIVE = "Disruptive; obscene language; walks out when challenged"
WEIGHT = "Smokes a lot; has lost a lot of weight"
CROWD = "Told her teacher in confidence: an older crowd offers her drugs and makes advances"

WITHOUT_CONSENT = {
    "legal_basis": "risk_of_significant_harm",
    "reasons": "The children may be involved in crime and at risk of significant harm",
    "consent_sought": False,
    "consent_not_sought_reason": "The parents have not responded to the school's approaches",
    "subject_told": True,
    "article9_condition": "safeguarding_children_and_individuals_at_risk",
}


async def person(client, actor, name, reason):
    return await register_person(
        client,
        actor=actor,
        given_name=name,
        family_name="Doyle",
        date_of_birth=born(AGES[name]),
        nhs_number=NUMBERS[name],
        reason=reason,
    )


async def test_case_4_the_estate(client):
    story = Story.load(client, "case_04_the_estate.md")

    async with story.step("1"):
        _, police = await staffed(
            client, agency="Police", kind="police", worker="PC Shah", job_title="Police officer"
        )
        _, fire = await staffed(
            client,
            agency="Fire and rescue service",
            kind="fire_service",
            worker="Fran Hale",
            job_title="Watch manager",
        )
        _, yos = await staffed(
            client,
            agency="Youth offending service",
            kind="youth_offending",
            worker="Yusuf Ali",
            job_title="YOS worker",
            roles=("practitioner", "authorised_worker"),
        )
        _, connors_teacher = await staffed(
            client,
            agency="Hillside Primary",
            kind="school",
            worker="Tess Moore",
            job_title="Class teacher",
        )
        academy_admin, bretts_head = await staffed(
            client,
            agency="Estate Academy",
            kind="school",
            worker="Harry Vance",
            job_title="Head of year 9",
        )
        jackies_head = await colleague(
            client, academy_admin, name="Jo King", job_title="Head of year 10"
        )
        mentor = await colleague(
            client, academy_admin, name="Lee Mann", job_title="Learning mentor"
        )
        _, ewo = await staffed(
            client,
            agency="Education welfare service",
            kind="education_welfare",
            worker="Eve Wood",
            job_title="Education welfare officer",
        )
        _, school_nurse = await staffed(
            client,
            agency="School nursing",
            kind="community_health",
            worker="Nia Pike",
            job_title="School nurse",
        )
        _, social_care = await staffed(
            client,
            agency="Children's social care",
            kind="social_care",
            worker="Sam Reid",
            job_title="Social worker",
        )
        gary = await person(client, connors_teacher, "Gary", "Connor's father")
        sue = await person(client, connors_teacher, "Sue", "Connor's mother")
        connor = await person(client, connors_teacher, "Connor", "Pupil")
        for parent in (gary, sue):
            await relate(client, connors_teacher, parent["id"], connor["id"])
        for name in ("Gary", "Sue"):
            await person(client, bretts_head, name, "Parent of Brett and Jackie")
        brett = await person(client, bretts_head, "Brett", "Pupil")
        jackie = await person(client, bretts_head, "Jackie", "Pupil")
        for parent in (gary, sue):
            for child in (brett, jackie):
                await relate(client, bretts_head, parent["id"], child["id"])
        children = {"Jackie": jackie, "Brett": brett, "Connor": connor}
        for name in children:
            await person(client, school_nurse, name, "School nursing")
            await person(client, ewo, name, "Attendance concerns raised by the schools")

    async with story.step("2"):
        police_records = {}
        for name, child in children.items():
            await person(client, police, name, "Named by witnesses at the car fires")
            await person(client, fire, name, "Named by witnesses at the car fires")
            police_records[name] = [
                await add_record(
                    client, actor=police, subject=child["id"], category="offending", summary=FIRES
                )
            ]
            await add_record(
                client,
                actor=fire,
                subject=child["id"],
                category="other",
                level="non_confidential",
                summary=FIRE_NOTE,
            )
        police_records["Jackie"].append(
            await add_record(
                client,
                actor=police,
                subject=jackie["id"],
                category="family_circumstances",
                summary=ABUSIVE,
            )
        )
        view = await summary_of(client, actor=police, person=jackie["id"], purpose=CDR)
        assert held_by(view, police) == {FIRES, ABUSIVE}
        for reader, child, hidden in (
            (fire, jackie, 2),
            (fire, brett, 1),
            (bretts_head, jackie, 2),
            (connors_teacher, connor, 1),
        ):
            view = await summary_of(client, actor=reader, person=child["id"], purpose=CDR)
            assert seen(view) == {FIRE_NOTE} and withheld(view) == {"no_consent": hidden}
        for child in children.values():
            await unknown(client, yos, child["id"], CDR)

    async with story.step("3"):
        for name in ("Connor", "Brett"):
            police_records[name].append(
                await add_record(
                    client,
                    actor=police,
                    subject=children[name]["id"],
                    category="offending",
                    summary=REPRIMAND,
                )
            )
        view = await summary_of(client, actor=police, person=connor["id"], purpose=CDR)
        assert held_by(view, police) == {FIRES, REPRIMAND}
        view = await summary_of(client, actor=connors_teacher, person=connor["id"], purpose=CDR)
        assert REPRIMAND not in seen(view) and withheld(view) == {"no_consent": 2}

    async with story.step("4"):
        police_decisions = {}
        for name, child in children.items():
            police_decisions[name] = await decide_sharing(
                client,
                actor=police,
                kind="share",
                subject_person_id=child["id"],
                recipients=[yos.agency_id],
                purposes=[CDR],
                legal_basis="crime_and_disorder_act_s115",
                reasons="Risk of poor outcomes for all three children, and to others",
                consent_sought=False,
                consent_not_sought_reason="A notification to the preventative partnership",
                subject_told=False,
                not_told_reason="The YOS worker will meet the family",
                article9_condition="preventing_or_detecting_unlawful_acts",
            )
        notification = await refer(
            client,
            police,
            to_agency_id=yos.agency_id,
            subject_person_ids=[c["id"] for c in children.values()],
            purpose=CDR,
            reason="Car fires, theft and truanting: at risk of involvement in crime",
            action_expected="Assess the risks to all three children",
            record_ids=[r["id"] for rs in police_records.values() for r in rs],
        )
        assert len(notification["share_ids"]) == 6
        inbox = await ok(client, "GET", "/referrals", yos)
        assert [r["id"] for r in inbox["items"]] == [notification["id"]]
        expected = {"Jackie": {FIRES, ABUSIVE}, "Brett": {FIRES, REPRIMAND}}
        expected["Connor"] = {FIRES, REPRIMAND}
        for name, child in children.items():
            view = await summary_of(client, actor=yos, person=child["id"], purpose=CDR)
            assert held_by(view, police) == expected[name]
            assert {
                r["shared"]["basis_id"]
                for r in view["records"]
                if r["holder_agency_id"] == police.agency_id
            } == {police_decisions[name]["id"]}
        for reader, child in ((connors_teacher, connor), (bretts_head, brett), (fire, jackie)):
            view = await summary_of(client, actor=reader, person=child["id"], purpose=CDR)
            assert held_by(view, police) == set()
        await refused(
            client, "GET", f"/sharing-decisions/{police_decisions['Brett']['id']}", yos, 404
        )

    async with story.step("5"):
        await accept(client, yos, notification["id"])
        for name in children:
            await person(client, yos, name, "Notified by the police")
        idx = await index_of(client, yos, connor["id"])
        assert {i["agency_name"] for i in idx["involvements"]} == {
            "Hillside Primary",
            "Police",
            "Fire and rescue service",
            "School nursing",
            "Education welfare service",
            "Youth offending service",
        }
        teacher = next(i for i in idx["involvements"] if i["agency_name"] == "Hillside Primary")
        assert teacher["practitioner_name"] == "Tess Moore"
        assert "sweets" not in str(idx) and "fires" not in str(idx)
        await refused(client, "GET", f"/people/{connor['id']}/index", connors_teacher, 403)

    async with story.step("6"):
        requests = {}
        for name, school in (
            ("Connor", connors_teacher),
            ("Brett", bretts_head),
            ("Jackie", bretts_head),
        ):
            requests[name] = await ask(
                client,
                yos,
                subject_person_id=children[name]["id"],
                purpose=CDR,
                needed=f"Anything that helps assess the risks to {name} and the other children",
                holders=[school.agency_id],
            )
        primary_inbox = await ok(client, "GET", "/information-requests", connors_teacher)
        assert [x["id"] for x in primary_inbox["items"]] == [requests["Connor"]["id"]]
        academy_inbox = await ok(client, "GET", "/information-requests", jackies_head)
        assert {x["id"] for x in academy_inbox["items"]} == {
            requests["Brett"]["id"],
            requests["Jackie"]["id"],
        }
        for name in ("Brett", "Jackie"):
            await refused(
                client,
                "GET",
                f"/information-requests/{requests[name]['id']}",
                connors_teacher,
                404,
            )

    async with story.step("7"):
        school_records = {"Connor": [], "Brett": [], "Jackie": []}
        for name, actor, category, level, text in (
            ("Connor", connors_teacher, "education", "non_confidential", BRIGHT),
            ("Connor", connors_teacher, "education", "confidential", AGGRESSIVE),
            ("Connor", connors_teacher, "family_circumstances", "confidential", BULLIED),
            ("Brett", bretts_head, "education", "non_confidential", FOOL),
            ("Brett", mentor, "family_circumstances", "confidential", HEAD),
            ("Jackie", jackies_head, "education", "non_confidential", DISRUPTIVE),
            ("Jackie", jackies_head, "health", "special", WEIGHT),
            ("Jackie", jackies_head, "substance_misuse", "special", CROWD),
        ):
            school_records[name].append(
                await add_record(
                    client,
                    actor=actor,
                    subject=children[name]["id"],
                    category=category,
                    level=level,
                    summary=text,
                )
            )
        schools = {"Connor": connors_teacher, "Brett": bretts_head, "Jackie": bretts_head}
        for name, visible, hidden in (
            ("Connor", {BRIGHT}, 2),
            ("Brett", {FOOL}, 1),
            ("Jackie", {DISRUPTIVE}, 2),
        ):
            view = await summary_of(client, actor=yos, person=children[name]["id"], purpose=CDR)
            assert held_by(view, schools[name]) == visible
            assert withheld(view) == {"no_consent": hidden}

    async with story.step("8"):
        school_decisions = {}
        for name, school in (
            ("Brett", jackies_head),
            ("Jackie", jackies_head),
            ("Connor", connors_teacher),
        ):
            answered = await answer(
                client,
                school,
                requests[name]["id"],
                share={
                    "record_ids": [r["id"] for r in school_records[name]],
                    "why": "To assess the risks to the children and prevent harm",
                    "action_expected": "Bring this to the multi-agency meeting",
                    "without_consent": WITHOUT_CONSENT,
                },
            )
            assert answered["status"] == "answered"
            # For the multi-agency meeting: the police, education welfare and the school nurse.
            school_decisions[name] = await decide_sharing(
                client,
                actor=school,
                kind="share",
                subject_person_id=children[name]["id"],
                recipients=[police.agency_id, ewo.agency_id, school_nurse.agency_id],
                purposes=[CDR],
                **WITHOUT_CONSENT,
            )
        recorded = await ok(
            client, "GET", f"/sharing-decisions/{school_decisions['Jackie']['id']}", jackies_head
        )
        assert recorded["subject_told"] is True and recorded["consent_sought"] is False
        assert recorded["consent_not_sought_reason"] and recorded["decided_by"] == (
            jackies_head.practitioner_id
        )
        assert recorded["legal_basis"] == "risk_of_significant_harm"
        everything = {name: {r["summary"] for r in rs} for name, rs in school_records.items()}
        for reader in (yos, police, ewo, school_nurse):
            for name, child in children.items():
                view = await summary_of(client, actor=reader, person=child["id"], purpose=CDR)
                assert held_by(view, schools[name]) == everything[name], (reader, name)
        view = await summary_of(client, actor=yos, person=jackie["id"], purpose=CDR)
        assert {r["shared"]["basis"] for r in view["records"] if r["summary"] == CROWD} == {
            "decision"
        }
        view = await summary_of(client, actor=fire, person=jackie["id"], purpose=CDR)
        assert held_by(view, bretts_head) == {DISRUPTIVE}
        assert withheld(view) == {"no_consent": 4}  # the police's two, the school's two
        view = await summary_of(client, actor=yos, person=jackie["id"], purpose="education_support")
        assert held_by(view, bretts_head) == {DISRUPTIVE}
        for child in (brett, jackie):
            await unknown(client, connors_teacher, child["id"], CDR)

    async with story.step("9"):
        meeting = await ok(
            client,
            "POST",
            "/conferences",
            yos,
            json={
                "kind": "other",
                "title": "Multi-agency meeting: the Doyle children",
                "held_on": days(0),
                "purpose": CDR,
                "chair_practitioner_id": yos.practitioner_id,
                "attending_agency_ids": [
                    police.agency_id,
                    ewo.agency_id,
                    connors_teacher.agency_id,
                    bretts_head.agency_id,
                    school_nurse.agency_id,
                    fire.agency_id,
                ],
                "subject_person_ids": [c["id"] for c in children.values()],
                "family_attendees": ["Sue Doyle", "Gary Doyle", "Jackie", "Brett", "Connor"],
            },
        )
        mid = meeting["id"]
        assert set(meeting["attending_agency_ids"]) == {
            a.agency_id
            for a in (police, ewo, connors_teacher, bretts_head, school_nurse, fire, yos)
        }
        police_seen = {name: {r["summary"] for r in rs} for name, rs in police_records.items()}
        full = {name: police_seen[name] | everything[name] | {FIRE_NOTE} for name in children}
        named = {name: everything[name] | {FIRE_NOTE} for name in children}
        non_conf = {"Jackie": {DISRUPTIVE}, "Brett": {FOOL}, "Connor": {BRIGHT}}
        packs = {}
        for actor in (yos, police, ewo, school_nurse, fire, connors_teacher, bretts_head):
            packs[actor.agency_id] = await pack(client, actor, mid)
        by_id = {c["id"]: name for name, c in children.items()}

        def check(actor, expected, hidden):
            for pid, summary in packs[actor.agency_id].items():
                name = by_id[pid]
                if expected[name] is None:
                    assert summary == "no legitimate interest", (actor, name)
                    continue
                assert seen(summary) == expected[name], (actor, name)
                assert withheld(summary) == hidden[name], (actor, name)

        for actor in (yos, police):
            check(actor, full, {n: {} for n in children})
        for actor in (ewo, school_nurse):
            check(actor, named, {n: {"no_consent": len(police_seen[n])} for n in children})
        check(
            fire,
            {n: non_conf[n] | {FIRE_NOTE} for n in children},
            {n: {"no_consent": len(police_seen[n]) + len(everything[n]) - 1} for n in children},
        )
        check(
            connors_teacher,
            {"Connor": named["Connor"], "Jackie": None, "Brett": None},
            {"Connor": {"no_consent": 2}},
        )
        check(
            bretts_head,
            {"Connor": None, "Jackie": named["Jackie"], "Brett": named["Brett"]},
            {n: {"no_consent": 2} for n in ("Jackie", "Brett")},
        )
        await refused(client, "GET", f"/conferences/{mid}", social_care, 404)
        await refused(client, "GET", f"/conferences/{mid}/pack", social_care, 404)

    async with story.step("10"):
        for actor, kind, text in (
            (police, "contribution", "Reprimand issued; further incidents on the estate"),
            (jackies_head, "contribution", "Jackie is worried about the older crowd"),
            (fire, "contribution", "Fire-setting education offered to all three"),
            (yos, "contribution", "Sue and the young people said what would help them"),
            (
                yos,
                "decision",
                "Joint plan: boundaries, advice on sexual health and drugs, "
                "education, and keeping the children out of crime",
            ),
        ):
            await ok(
                client,
                "POST",
                f"/conferences/{mid}/notes",
                actor,
                status=200,
                json={"kind": kind, "text": text},
            )
        for actor in (yos, police, ewo, school_nurse, fire, connors_teacher, bretts_head):
            minutes = await ok(client, "GET", f"/conferences/{mid}", actor)
            assert [n["kind"] for n in minutes["notes"]] == ["contribution"] * 4 + ["decision"]
            assert "Sue Doyle" in minutes["family_attendees"]
        await refused(client, "GET", f"/conferences/{mid}", social_care, 404)

    async with story.step("11"):
        family = await ok(
            client,
            "POST",
            "/families",
            yos,
            json={
                "name": "The Doyle children",
                "members": [{"person_id": c["id"], "role": "child"} for c in children.values()],
            },
        )
        joint = "Joint plan of the multi-agency meeting"
        actions = {}
        for key, owner, about, description in (
            ("yos", yos, {"family_id": family["id"]}, "Agree clear boundaries; monitor behaviour"),
            (
                "police",
                police,
                {"family_id": family["id"]},
                "Divert the young people from crime; patrol the estate",
            ),
            (
                "ewo",
                ewo,
                {"family_id": family["id"]},
                "Attendance plan with the parents; follow up any truanting",
            ),
            (
                "nurse",
                school_nurse,
                {"child_id": jackie["id"]},
                "Advice and support for Jackie about sexual health and drugs",
            ),
            (
                "academy",
                mentor,
                {"child_id": brett["id"]},
                "Learning mentor plan to raise Brett's achievement",
            ),
            (
                "primary",
                connors_teacher,
                {"child_id": connor["id"]},
                "Stop the older boys pressuring Connor; build on his progress",
            ),
        ):
            actions[key] = await plan(
                client,
                yos,
                plan=joint,
                description=description,
                owner_agency_id=owner.agency_id,
                owner_practitioner_id=owner.practitioner_id,
                **about,
            )
        assert await action_ids(client, yos) == {a["id"] for a in actions.values()}
        for key, owner in (
            ("police", police),
            ("ewo", ewo),
            ("nurse", school_nurse),
            ("academy", bretts_head),
            ("primary", connors_teacher),
        ):
            assert await action_ids(client, owner) == {actions[key]["id"]}, key
            got = await ok(client, "GET", f"/actions/{actions[key]['id']}", owner)
            assert got["owner_agency_id"] == owner.agency_id and got["status"] == "open"
        review = await ok(
            client,
            "POST",
            "/reviews",
            yos,
            json={
                "family_id": family["id"],
                "what": "Review the joint plan with the family and the agencies",
                "due_on": days(42),
                "responsible_practitioner_id": yos.practitioner_id,
            },
        )
        assert review["responsible_practitioner_id"] == yos.practitioner_id
        assert await action_ids(client, fire) == set()
        await refused(client, "GET", f"/actions/{actions['yos']['id']}", fire, 404)
        await refused(client, "GET", f"/actions/{actions['nurse']['id']}", connors_teacher, 404)

    story.done()
