"""Case 5, the JAG: a standing group under s.115 with a chair and a deputy; the monthly meeting,
its named practitioners minuted, selects families; each attending agency gets its own pack; actions
with owners agreed at the meeting; the group's reviews of progress fall due at the next meeting. The
step table is case_05_the_jag.md."""

from tests.factories import ADMIN, add_record, decide_sharing, register_person, summary_of, withheld
from tests.stories.steps_a import (
    action_ids,
    born,
    colleague,
    days,
    move,
    nhs,
    ok,
    pack,
    plan,
    refused,
    seen,
    staffed,
    unknown,
)
from tests.stories.story import Story

CDR = "crime_and_disorder_reduction"
LAST_MONTH = days(-28)

PEOPLE = {  # name: (NHS number, age, family)
    "Mick": (nhs(501), 45, 1),
    "Tony": (nhs(502), 17, 1),
    "Louise": (nhs(503), 14, 1),
    "Dean": (nhs(504), 40, 2),
    "Kayla": (nhs(505), 14, 2),
    "Pat": (nhs(506), 42, 3),
    "Charlie": (nhs(507), 17, 3),
    "Ben": (nhs(508), 14, 3),
}

GROUP = "Hangs around with a large group on the estate"
AGGRO = "Well known to police; aggressive when approached"
INTEL = "Intelligence: drug and alcohol abuse rife in the group"
STARTED = "Has started to hang around with the same group"
PRESSURED = "Told her personal adviser she is pressured to try hard drugs"
ASSESSED = "Initial assessment: impact of the parents' substance misuse"
PROBATION = "On probation after a drug-related conviction; on methadone maintenance"
THREATS = "Charged with a public order offence after threats to neighbours"
STREETS = "Neighbours report her out late, swearing, damaging property, bullying"
TENANCY = "Neighbours' complaints against the tenancy"
CALLOUTS = "Called to the address after neighbours' complaints"
ABH = "Convicted of actual bodily harm after a nightclub fight"
DRUNK = "Picked up drunk and disorderly several times and taken home"
DV = "Anonymous calls reporting suspected domestic violence at the address"
NEIGHBOUR = "Neighbour's record: Kayla swearing at neighbours and kicking a parked car, 11pm"
CALL = "Anonymous call: shouting and a woman crying at the address late at night"


async def test_case_5_the_jag(client):
    story = Story.load(client, "case_05_the_jag.md")

    async with story.step("1"):
        la_admin, chair = await staffed(
            client,
            agency="Council social inclusion unit",
            kind="local_authority",
            worker="Lorna Bell",
            job_title="Social inclusion manager",
        )
        _, police = await staffed(
            client, agency="Police", kind="police", worker="Insp. Ray Dunn", job_title="Inspector"
        )
        _, probation = await staffed(
            client,
            agency="Probation",
            kind="probation",
            worker="Paul Finch",
            job_title="Probation officer",
        )
        _, yos = await staffed(
            client,
            agency="Youth offending service",
            kind="youth_offending",
            worker="Yas Khan",
            job_title="YOS worker",
        )
        _, housing = await staffed(
            client,
            agency="Housing trust",
            kind="housing",
            worker="Hugh Ball",
            job_title="Housing officer",
        )
        connexions_admin, manager = await staffed(
            client,
            agency="Connexions",
            kind="youth_support",
            worker="Mona Tate",
            job_title="Connexions team manager",
        )
        adviser = await colleague(
            client, connexions_admin, name="Priya Adams", job_title="Personal adviser"
        )
        _, social_care = await staffed(
            client,
            agency="Children's social care",
            kind="social_care",
            worker="Sue Lowe",
            job_title="Social worker",
        )
        _, school = await staffed(
            client, agency="Westfield School", kind="school", worker="Ted Hunt", job_title="Teacher"
        )
        members = [probation, yos, housing, manager]
        jag = await ok(
            client,
            "POST",
            "/groups",
            la_admin,
            json={
                "name": "Joint Action Group",
                "kind": "joint_action_group",
                "chair_agency_id": chair.agency_id,
                "deputy_agency_id": police.agency_id,
                "purposes": [CDR],
                "legal_gateway": "crime_and_disorder_act_s115",
                "agreement": "Standard process for exchanging information under s.115",
                "members": [m.agency_id for m in members],
            },
        )
        gid = jag["id"]
        everyone = [chair, police, *members]
        for member in everyone:
            seen_group = await ok(client, "GET", f"/groups/{gid}", member)
            assert {m["agency_id"] for m in seen_group["members"]} == {
                a.agency_id for a in everyone
            }
            assert seen_group["chair_agency_id"] == chair.agency_id
            assert seen_group["deputy_agency_id"] == police.agency_id
            assert seen_group["legal_gateway"] == "crime_and_disorder_act_s115"
        outside = await ok(client, "GET", f"/groups/{gid}", school)
        assert outside["members"] == []
        # The platform admin, too, may check the membership.
        r = await client.get(f"/groups/{gid}", headers=ADMIN)
        assert len(r.json()["members"]) == 6

    async with story.step("2"):
        people = {}

        async def know(actor, name, reason):
            number, age, _ = PEOPLE[name]
            p = await register_person(
                client,
                actor=actor,
                given_name=name,
                date_of_birth=born(age),
                nhs_number=number,
                reason=reason,
            )
            people[name] = p["id"]
            return p["id"]

        for name in PEOPLE:
            await know(police, name, "Known to local police")
        await know(probation, "Mick", "On probation")
        await know(adviser, "Louise", "Connexions personal adviser")
        await know(housing, "Pat", "Tenant")
        await know(housing, "Dean", "Tenant")
        await know(social_care, "Tony", "Initial assessment")
        await know(social_care, "Louise", "Initial assessment")
        records = {}
        for actor, name, category, level, text in (
            (police, "Tony", "family_circumstances", "non_confidential", GROUP),
            (police, "Tony", "offending", "special", AGGRO),
            (police, "Tony", "substance_misuse", "special", INTEL),
            (police, "Louise", "family_circumstances", "non_confidential", STARTED),
            (police, "Dean", "offending", "special", THREATS),
            (police, "Kayla", "family_circumstances", "confidential", STREETS),
            (police, "Pat", "family_circumstances", "confidential", CALLOUTS),
            (police, "Charlie", "offending", "special", ABH),
            (police, "Ben", "offending", "special", DRUNK),
            (probation, "Mick", "offending", "special", PROBATION),
            (adviser, "Louise", "substance_misuse", "special", PRESSURED),
            (housing, "Pat", "family_circumstances", "confidential", DV),
            (housing, "Dean", "housing", "confidential", TENANCY),
            (social_care, "Tony", "social_care", "confidential", ASSESSED),
            (social_care, "Louise", "social_care", "confidential", ASSESSED),
        ):
            records[(actor.agency_id, name, text)] = await add_record(
                client,
                actor=actor,
                subject=people[name],
                category=category,
                level=level,
                summary=text,
            )
        view = await summary_of(client, actor=police, person=people["Tony"], purpose=CDR)
        assert seen(view) == {GROUP, AGGRO, INTEL} and withheld(view) == {"no_consent": 1}
        view = await summary_of(client, actor=adviser, person=people["Louise"], purpose=CDR)
        assert seen(view) == {STARTED, PRESSURED}
        for member in (chair, yos, housing):
            await unknown(client, member, people["Tony"], CDR)
        await unknown(client, probation, people["Louise"], CDR)

    async with story.step("3"):
        for actor, names in (
            (police, ["Tony", "Louise", "Dean", "Kayla", "Charlie", "Ben"]),
            (probation, ["Mick"]),
            (housing, ["Pat"]),
        ):
            for name in names:
                added = await ok(
                    client,
                    "POST",
                    f"/groups/{gid}/agenda",
                    actor,
                    json={
                        "person_id": people[name],
                        "meeting_on": LAST_MONTH,
                        "reason": "A cause for concern under the Crime and Disorder Act",
                    },
                )
                assert [e["person_id"] for e in added["entries"]] == [people[name]]
        agenda = await ok(client, "GET", f"/groups/{gid}/agenda", yos)
        assert {e["person_id"] for e in agenda["items"]} == set(people.values())
        await refused(client, "GET", f"/groups/{gid}/agenda", school, 404)

        async def share_with_jag(actor, name, texts, legal_basis, article9):
            return await decide_sharing(
                client,
                actor=actor,
                kind="share",
                subject_person_id=people[name],
                recipient_groups=[gid],
                purposes=[CDR],
                record_ids=[records[(actor.agency_id, name, t)]["id"] for t in texts],
                legal_basis=legal_basis,
                reasons="Targeted support and action agreed at the JAG",
                consent_sought=False,
                consent_not_sought_reason="Seeking consent would prejudice the prevention of crime",
                subject_told=False,
                not_told_reason="Telling them would prejudice the prevention of crime",
                article9_condition=article9,
            )

        s115, unlawful = "crime_and_disorder_act_s115", "preventing_or_detecting_unlawful_acts"
        for name, texts in (
            ("Tony", [AGGRO]),  # not the intelligence on the group
            ("Dean", [THREATS]),
            ("Kayla", [STREETS]),
            ("Pat", [CALLOUTS]),
            ("Charlie", [ABH]),
            ("Ben", [DRUNK]),
        ):
            await share_with_jag(police, name, texts, s115, unlawful)
        await share_with_jag(probation, "Mick", [PROBATION], s115, unlawful)
        await share_with_jag(housing, "Pat", [DV], s115, unlawful)
        await share_with_jag(housing, "Dean", [TENANCY], s115, unlawful)
        await share_with_jag(
            adviser,
            "Louise",
            [PRESSURED],
            "public_interest",
            "safeguarding_children_and_individuals_at_risk",
        )
        view = await summary_of(client, actor=housing, person=people["Tony"], purpose=CDR)
        assert seen(view) == {GROUP, AGGRO} and withheld(view) == {"no_consent": 2}
        view = await summary_of(client, actor=yos, person=people["Louise"], purpose=CDR)
        assert seen(view) == {STARTED, PRESSURED} and withheld(view) == {"no_consent": 1}
        view = await summary_of(client, actor=probation, person=people["Pat"], purpose=CDR)
        assert seen(view) == {CALLOUTS, DV}
        # Shared with the group for its purpose, and nothing else.
        view = await summary_of(
            client, actor=housing, person=people["Tony"], purpose="housing_support"
        )
        assert seen(view) == {GROUP}
        view = await summary_of(client, actor=social_care, person=people["Louise"], purpose=CDR)
        assert seen(view) == {STARTED, ASSESSED} and PRESSURED not in seen(view)
        await unknown(client, school, people["Tony"], CDR)

    async with story.step("4"):
        # The chair's unit minutes the meeting about the people on the JAG's agenda without
        # registering each of them itself.
        attending = [chair, police, *members]
        # The named practitioners at the table, one for each member agency.
        present = {a.practitioner_id for a in attending}
        monthly = {
            "kind": "group_meeting",
            "title": "JAG monthly meeting",
            "held_on": LAST_MONTH,
            "purpose": CDR,
            "group_id": gid,
            "chair_practitioner_id": chair.practitioner_id,
            "attending_agency_ids": [a.agency_id for a in attending],
            "subject_person_ids": list(people.values()),
            "attendee_practitioner_ids": [a.practitioner_id for a in attending],
        }
        # Twins: someone the JAG never had on its agenda (a pupil the school knows) is no one to
        # the chair, and the problem says which subject; a school cannot minute the JAG's meeting.
        pupil = await register_person(
            client,
            actor=school,
            given_name="Sam",
            date_of_birth=born(12),
            nhs_number=nhs(509),
            reason="Pupil",
        )
        problem = await refused(
            client,
            "POST",
            "/conferences",
            chair,
            404,
            json={**monthly, "subject_person_ids": [*people.values(), pupil["id"]]},
        )
        assert problem["detail"] == "No such person."
        assert problem["errors"][0]["field"] == f"body:/subject_person_ids/{len(people)}"
        school_meeting = {
            **monthly,
            "chair_practitioner_id": school.practitioner_id,
            "attending_agency_ids": [school.agency_id],
        }
        problem = await refused(client, "POST", "/conferences", school, 404, json=school_meeting)
        assert problem["errors"][0]["field"] == "body:/group_id"
        meeting = await ok(client, "POST", "/conferences", chair, json=monthly)
        mid = meeting["id"]
        assert {a["practitioner_id"] for a in meeting["attendees"]} == present
        packs = {a.agency_id: await pack(client, a, mid) for a in attending}
        everyone_sees = {
            "Mick": {PROBATION},
            "Tony": {GROUP, AGGRO},
            "Louise": {STARTED, PRESSURED},
            "Dean": {THREATS, TENANCY},
            "Kayla": {STREETS},
            "Pat": {CALLOUTS, DV},
            "Charlie": {ABH},
            "Ben": {DRUNK},
        }
        for a in attending:
            got = packs[a.agency_id]
            assert set(got) == set(people.values())
            for name, pid in people.items():
                expected = everyone_sees[name] | (
                    {INTEL} if a is police and name == "Tony" else set()
                )
                assert seen(got[pid]) == expected, (a, name)
            # The police's intelligence: in the police's pack only; counted in the others.
            tony = got[people["Tony"]]
            assert withheld(tony) == {"no_consent": 1 if a is police else 2}, a
            assert withheld(got[people["Louise"]]) == {"no_consent": 1}  # social care's
        for outsider in (school, social_care):
            await refused(client, "GET", f"/conferences/{mid}", outsider, 404)
            await refused(client, "GET", f"/conferences/{mid}/pack", outsider, 404)

    async with story.step("5"):
        # Connexions records that its personal adviser came with the team manager; an attending
        # agency records its own practitioners, the organiser (the chair's unit) anyone's.
        attendance = f"/conferences/{mid}/attendees"
        await ok(
            client,
            "POST",
            attendance,
            manager,
            status=200,
            json={"practitioner_ids": [adviser.practitioner_id]},
        )
        present.add(adviser.practitioner_id)
        problem = await refused(
            client,
            "POST",
            attendance,
            manager,
            403,
            json={"practitioner_ids": [police.practitioner_id]},
        )
        assert problem["errors"][0]["field"] == "body:/practitioner_ids/0"
        # The school did not attend: the chair cannot name its teacher, nor can it add itself.
        problem = await refused(
            client,
            "POST",
            attendance,
            chair,
            422,
            json={"practitioner_ids": [school.practitioner_id]},
        )
        assert problem["errors"][0]["field"] == "body:/practitioner_ids/0"
        await refused(
            client,
            "POST",
            attendance,
            school,
            404,
            json={"practitioner_ids": [school.practitioner_id]},
        )
        for actor, kind, text in (
            (housing, "contribution", "Family 2 at risk of breaching their tenancy"),
            (
                manager,
                "contribution",
                "The adviser has spoken to Louise about the dangers of drugs",
            ),
            (chair, "decision", "Family 1: assessment of each child; police, YOS, Connexions act"),
            (chair, "decision", "Family 2: neighbours to record incidents; tenancy warning"),
            (chair, "decision", "Family 3: Connexions to engage Charlie and Ben; police monitor"),
        ):
            await ok(
                client,
                "POST",
                f"/conferences/{mid}/notes",
                actor,
                status=200,
                json={"kind": kind, "text": text},
            )
        for member in attending:
            minutes = await ok(client, "GET", f"/conferences/{mid}", member)
            assert [n["kind"] for n in minutes["notes"]] == ["contribution"] * 2 + ["decision"] * 3
            assert minutes["chair_practitioner_id"] == chair.practitioner_id
            assert {a["practitioner_id"] for a in minutes["attendees"]} == present
        await refused(client, "GET", f"/conferences/{mid}", school, 404)

    async with story.step("6"):
        # The actions are agreed at the meeting: each is tied to it, and to the JAG's plan.
        actions = {}
        for key, owner, name, description in (
            (
                "assess",
                social_care,
                "Louise",
                "Assess each child and the impact of the parents' drug use",
            ),
            ("parole", probation, "Mick", "Confirm whether any parole conditions are breached"),
            ("patrol", police, "Tony", "Alert community support officers; short intensive patrol"),
            ("youth", yos, "Tony", "Youth workers engage the group in other activities"),
            ("club", adviser, "Louise", "Find a youth club for Louise and her friends"),
            ("tenancy", housing, "Dean", "Tell the family they risk breaching their tenancy"),
            ("schools", chair, "Kayla", "Ask education welfare for the schools' information"),
            (
                "engage",
                adviser,
                "Charlie",
                "Engage Charlie and Ben: education, employment, activities",
            ),
            ("dv", police, "Pat", "Family support unit to monitor the suspected domestic violence"),
        ):
            agreed = {
                "child_id": people[name],
                "group_id": gid,
                "conference_id": mid,
                "plan": "JAG action plan",
                "description": description,
                "owner_agency_id": owner.agency_id,
                "owner_practitioner_id": owner.practitioner_id,
                "due_on": days(0),
            }
            if owner is social_care:
                # Children's social care did not attend: an action it owns is the JAG's, but
                # cannot be tied to a meeting it was not at (422 naming the owner).
                problem = await refused(client, "POST", "/actions", chair, 422, json=agreed)
                assert problem["errors"][0]["field"] == "body:/owner_agency_id"
                agreed["conference_id"] = None
            actions[key] = await plan(client, chair, **agreed)
        # The plan is the group's: every current member sees every action, with its owner.
        every = {a["id"] for a in actions.values()}
        for member in (chair, police, probation, yos, housing, adviser):
            assert await action_ids(client, member) == every, member
            assert await action_ids(client, member, group_id=gid) == every, member
        for member in (housing, police):
            got = await ok(client, "GET", f"/actions/{actions['club']['id']}", member)
            assert got["group_id"] == gid
            assert got["owner_agency_id"] == adviser.agency_id
            assert got["owner_practitioner_id"] == adviser.practitioner_id
            assert got["due_on"] == days(0)
            assert got["conference_id"] == mid
        # The meeting's actions: every attending member sees each one, listed by the meeting
        # and on the meeting itself.
        at_meeting = every - {actions["assess"]["id"]}
        for member in (chair, police, probation, yos, housing, adviser):
            assert await action_ids(client, member, conference_id=mid) == at_meeting, member
            minutes = await ok(client, "GET", f"/conferences/{mid}", member)
            assert set(minutes["action_ids"]) == at_meeting, member
        # Not attending: no meeting and none of its actions (its own action is not one of them);
        # nor may it tie an action of its own to the meeting (404 naming the conference).
        for outsider in (social_care, school):
            assert await action_ids(client, outsider, conference_id=mid) == set()
            await refused(client, "GET", f"/conferences/{mid}", outsider, 404)
        problem = await refused(
            client,
            "POST",
            "/actions",
            social_care,
            404,
            json={
                "child_id": people["Louise"],
                "conference_id": mid,
                "plan": "JAG action plan",
                "description": "x",
                "due_on": days(0),
            },
        )
        assert problem["errors"][0]["field"] == "body:/conference_id"
        # Children's social care owns one action but is not a member: it sees that one only.
        assert await action_ids(client, social_care) == {actions["assess"]["id"]}
        await refused(client, "GET", f"/actions/{actions['club']['id']}", social_care, 404)
        assert await action_ids(client, school) == set()
        await refused(client, "GET", f"/actions/{actions['patrol']['id']}", school, 404)
        # A group action is about someone on the group's agenda; a school records none for it.
        problem = await refused(
            client,
            "POST",
            "/actions",
            chair,
            404,
            json={
                "child_id": pupil["id"],
                "group_id": gid,
                "plan": "JAG action plan",
                "description": "x",
                "due_on": days(0),
            },
        )
        assert problem["errors"][0]["field"] == "body:/child_id"
        problem = await refused(
            client,
            "POST",
            "/actions",
            school,
            404,
            json={
                "child_id": pupil["id"],
                "group_id": gid,
                "plan": "JAG action plan",
                "description": "x",
                "due_on": days(0),
            },
        )
        assert problem["errors"][0]["field"] == "body:/group_id"
        # Progress is reviewed at each meeting: the group's review of each family, due at the
        # next meeting and monthly after that, each with a member's practitioner responsible.
        reviews = {}
        for family, name, responsible in (
            (1, "Louise", chair),
            (2, "Kayla", housing),
            (3, "Ben", manager),
        ):
            reviews[family] = await ok(
                client,
                "POST",
                "/reviews",
                chair,
                json={
                    "child_id": people[name],
                    "group_id": gid,
                    "what": f"Family {family}: progress of the JAG's actions, at the next meeting",
                    "due_on": days(0),
                    "responsible_practitioner_id": responsible.practitioner_id,
                    "recurrence_days": 28,
                },
            )
        # Only a member's practitioner is responsible for the group's review (422).
        problem = await refused(
            client,
            "POST",
            "/reviews",
            chair,
            422,
            json={
                "child_id": people["Louise"],
                "group_id": gid,
                "what": "Louise's assessment",
                "due_on": days(0),
                "responsible_practitioner_id": social_care.practitioner_id,
            },
        )
        assert problem["errors"][0]["field"] == "body:/responsible_practitioner_id"
        scheduled = {r["id"] for r in reviews.values()}
        for member in (chair, police, probation, yos, housing, adviser):
            listed = await ok(client, "GET", "/reviews", member, params={"group_id": gid})
            assert {r["id"] for r in listed["items"]} == scheduled, member
            assert {r["group_id"] for r in listed["items"]} == {gid}
        # Not a member (an action owner or not): the group's reviews do not exist for it.
        for outsider in (social_care, school):
            problem = await refused(
                client, "GET", "/reviews", outsider, 404, params={"group_id": gid}
            )
            assert problem["errors"][0]["field"] == "query:/group_id"
            await refused(client, "GET", f"/reviews/{reviews[1]['id']}", outsider, 404)

    async with story.step("7"):
        parole = "No known breaches of parole; the parents' behaviour is not a cause for concern"
        club = "Louise goes to a youth club; she appears to have severed ties with the group"
        await move(client, probation, actions["parole"]["id"], "done", outcome=parole)
        await move(client, adviser, actions["club"]["id"], "in_progress")
        await move(client, adviser, actions["club"]["id"], "done", outcome=club)
        await move(
            client, police, actions["patrol"]["id"], "done", outcome="Patrol done; CSOs alerted"
        )
        await move(client, housing, actions["tenancy"]["id"], "in_progress")
        for actor, key in ((chair, "club"), (adviser, "club"), (yos, "club"), (chair, "parole")):
            got = await ok(client, "GET", f"/actions/{actions[key]['id']}", actor)
            assert got["status"] == "done" and got["outcome"] in (parole, club)
        # Members follow progress; the owner records it.
        await refused(
            client,
            "POST",
            f"/actions/{actions['engage']['id']}/transitions",
            yos,
            403,
            json={"to": "in_progress"},
            if_match=True,
        )
        await refused(client, "GET", f"/actions/{actions['club']['id']}", social_care, 404)
        reopen = await refused(
            client,
            "POST",
            f"/actions/{actions['parole']['id']}/transitions",
            probation,
            409,
            json={"to": "in_progress"},
            if_match=True,
        )
        assert reopen["current_state"] == "done"

    async with story.step("8"):
        follow_up = await ok(
            client,
            "POST",
            "/conferences",
            chair,
            json={
                "kind": "group_meeting",
                "title": "JAG monthly meeting: progress",
                "held_on": days(0),
                "purpose": CDR,
                "group_id": gid,
                "chair_practitioner_id": chair.practitioner_id,
                "attending_agency_ids": [a.agency_id for a in attending],
                "subject_person_ids": list(people.values()),
                "attendee_practitioner_ids": sorted(present),
            },
        )
        assert {a["practitioner_id"] for a in follow_up["attendees"]} == present
        progress = {
            a["id"]: (a["status"], a["outcome"])
            for a in (await ok(client, "GET", "/actions", chair, params={"group_id": gid}))["items"]
        }
        assert progress == {
            actions["assess"]["id"]: ("open", None),
            actions["parole"]["id"]: ("done", parole),
            actions["patrol"]["id"]: ("done", "Patrol done; CSOs alerted"),
            actions["youth"]["id"]: ("open", None),
            actions["club"]["id"]: ("done", club),
            actions["tenancy"]["id"]: ("in_progress", None),
            actions["schools"]["id"]: ("open", None),
            actions["engage"]["id"]: ("open", None),
            actions["dv"]["id"]: ("open", None),
        }
        for_louise = await ok(
            client, "GET", "/actions", chair, params={"child_id": people["Louise"]}
        )
        assert {a["id"] for a in for_louise["items"]} == {
            actions["assess"]["id"],
            actions["club"]["id"],
        }
        await ok(
            client,
            "POST",
            f"/conferences/{follow_up['id']}/notes",
            chair,
            status=200,
            json={"kind": "decision", "text": "Progress reviewed: 3 done, 1 under way, 5 open"},
        )
        # The reviews due at this meeting: each responsible member records its family's progress;
        # monthly, each schedules the next for the following meeting.
        due_now = await ok(client, "GET", "/reviews", chair, params={"group_id": gid})
        assert [(r["status"], r["due_on"], r["overdue"]) for r in due_now["items"]] == [
            ("scheduled", days(0), False)
        ] * 3
        await refused(
            client,
            "POST",
            f"/reviews/{reviews[3]['id']}/outcome",
            yos,
            403,
            json={"to": "done", "outcome": "x"},
            if_match=True,
        )
        nexts = set()
        for family, actor, outcome in (
            (1, chair, "Parole checked; patrol done; Louise at a youth club; assessment open"),
            (2, housing, "Tenancy warning under way; the schools' information to come"),
            (3, manager, "Connexions yet to engage Charlie and Ben; police monitoring"),
        ):
            done = await ok(
                client,
                "POST",
                f"/reviews/{reviews[family]['id']}/outcome",
                actor,
                json={"to": "done", "outcome": outcome},
                if_match=True,
            )
            assert done["status"] == "done" and done["next_review_id"]
            nexts.add(done["next_review_id"])
        for member in (housing, yos):
            listed = await ok(client, "GET", "/reviews", member, params={"group_id": gid})
            assert {r["id"]: (r["status"], r["due_on"]) for r in listed["items"]} == {
                **{r["id"]: ("done", days(0)) for r in reviews.values()},
                **{n: ("scheduled", days(28)) for n in nexts},
            }
            overdue = await ok(
                client, "GET", "/reviews", member, params={"group_id": gid, "overdue": "true"}
            )
            assert overdue["items"] == []
        for member in attending:
            got = await pack(client, member, follow_up["id"])
            assert seen(got[people["Louise"]]) == {STARTED, PRESSURED}, member
        # Every member reviews the progress of the whole plan, its own actions or not.
        for member in (housing, yos):
            listed = await ok(client, "GET", "/actions", member, params={"group_id": gid})
            assert {a["id"]: (a["status"], a["outcome"]) for a in listed["items"]} == progress
        await refused(client, "GET", f"/conferences/{follow_up['id']}", school, 404)
        # The YOS leaves the JAG: it keeps the action it owns and loses the group's others.
        await ok(
            client,
            "DELETE",
            f"/groups/{gid}/members/{yos.agency_id}",
            la_admin,
            if_match=True,
        )
        assert await action_ids(client, yos) == {actions["youth"]["id"]}
        await refused(client, "GET", f"/actions/{actions['club']['id']}", yos, 404)
        assert (await ok(client, "GET", f"/actions/{actions['youth']['id']}", yos))[
            "group_id"
        ] == gid
        # ... and the group's reviews: they are listed to current members only.
        await refused(client, "GET", "/reviews", yos, 404, params={"group_id": gid})
        still = await ok(client, "GET", "/reviews", housing, params={"group_id": gid})
        assert len(still["items"]) == 6

    async with story.step("9"):
        # Family 2: the police asked the neighbours to record incidents; one of them does.
        neighbours = await ok(
            client,
            "POST",
            "/concerns",
            police,
            json={
                "child_id": people["Kayla"],
                "summary": NEIGHBOUR,
                "source": "neighbour",
                "source_description": "A neighbour on the estate, recording incidents as asked",
            },
        )
        assert neighbours["source"] == "neighbour" and neighbours["agency_id"] == police.agency_id
        # Family 3: another anonymous call to the housing trust, about the household's boys.
        await know(housing, "Ben", "Lives at Pat's tenancy; anonymous calls about the household")
        anonymous = await ok(
            client,
            "POST",
            "/concerns",
            housing,
            json={
                "child_id": people["Ben"],
                "summary": CALL,
                "source": "anonymous",
                "source_description": "An anonymous caller to the housing trust",
            },
        )
        assert (anonymous["source"], anonymous["source_description"]) == (
            "anonymous",
            "An anonymous caller to the housing trust",
        )
        record = await ok(
            client,
            "GET",
            f"/records/{anonymous['record_id']}",
            housing,
            params={"purpose": "housing_support"},
        )
        assert record["summary"] == CALL
        # The police, involved with Ben, are alerted: who raised it, not what was said.
        raised = [
            a for a in await ok(client, "GET", "/alerts", police) if a["kind"] == "concern_raised"
        ]
        assert [(a["object_id"], a["person_id"]) for a in raised] == [
            (anonymous["id"], people["Ben"])
        ]
        assert "Housing trust" in raised[0]["text"] and "crying" not in str(raised)
        # Twins: the call itself is housing's confidential record, shared with no one (the JAG
        # decisions named other records); probation, not involved with Ben, gets no alert.
        view = await summary_of(client, actor=police, person=people["Ben"], purpose=CDR)
        assert CALL not in seen(view) and DRUNK in seen(view)
        assert "concern_raised" not in {
            a["kind"] for a in await ok(client, "GET", "/alerts", probation)
        }
        await unknown(client, school, people["Ben"], CDR)

    story.done()
