"""Case 8, Maggie: historical records brought together in the unborn baby's chronology for the
agency entitled to them; no closing while concerns remain without a follow-up that a named
practitioner accepts; failed contacts and an overdue review come back to the social worker."""

from tests.factories import (
    add_record,
    make_practitioner,
    make_staffed_agency,
    register_person,
    relate,
    summaries,
    summary_of,
    withheld,
)
from tests.stories.steps_b import (
    accept,
    chronology,
    days,
    entries,
    get,
    nhs,
    not_found,
    post,
    referral,
    time_passes_for_review,
)
from tests.stories.story import Story

MAGGIE, MARK, BABY = nhs(801), nhs(802), nhs(803)
CPE = "child_protection_enquiry"
S47 = {
    "legal_basis": "children_act_s47",
    "article9_condition": "safeguarding_children_and_individuals_at_risk",
}
# What each agency already held before Maggie's pregnancy.
P_MAGGIE = "Troubled adolescence; offending behaviour"
P_PREGNANT = "Maggie is pregnant; she names Mark as the father"
P_MARK = "Violent and abusive to partners; children with several women, two on the CP register"
POLICE_MARK = "Convictions for violence; none for offences against children"
SC_CARE = "Maggie was looked after by the local authority as a child"
SC_NEGLECT = "Maggie's first child on the CP register (neglect); lives with the grandmother"
SC_MARK = "Two of Mark's children on the CP register; their mothers restricted his access"
MW_BOOKING = "Antenatal booking at 12 weeks"
P_RESUMED = "Maggie and Mark have resumed their relationship"
ASSESSMENT = "Initial assessment: Maggie says she and Mark have separated; never violent"
ED_NOTE = "Dead on arrival: bruises to head and torso; fractured skull and left forearm"
VISIT = "Second assessment: Maggie coping well, baby well cared for; visit again in 2 weeks"
NO_REPLY = "Letter sent; no reply at the agreed visit"
FAILED = "Two further visits: no answer at Mark's address"


async def test_case_08_maggie(client, session):
    story = Story.load(client, "case_08_maggie.md")

    async with story.step("1"):
        _, probation = await make_staffed_agency(
            client, name="Probation", kind="probation", job_title="Probation officer"
        )
        sc_admin, sw = await make_staffed_agency(
            client, name="Children's social care", kind="social_care", job_title="Social worker"
        )
        manager = await make_practitioner(
            client, admin=sc_admin, name="Team manager", job_title="Team manager"
        )
        _, police = await make_staffed_agency(
            client, name="Police", kind="police", job_title="Police officer"
        )
        _, midwife = await make_staffed_agency(
            client, name="Community midwifery", kind="midwifery", job_title="Community midwife"
        )
        _, hv = await make_staffed_agency(
            client, name="Health visiting", kind="health_visiting", job_title="Health visitor"
        )

        async def known(actor, given, nhs_number, born, reason):
            return await register_person(
                client,
                actor=actor,
                given_name=given,
                family_name="Turner" if given == "Maggie" else "Lowe",
                date_of_birth=born,
                nhs_number=nhs_number,
                reason=reason,
            )

        maggie = await known(probation, "Maggie", MAGGIE, "2001-05-09", "Under supervision")
        mark = await known(probation, "Mark", MARK, "1990-02-11", "Known to probation")
        await known(police, "Mark", MARK, "1990-02-11", "Previous convictions")
        await known(sw, "Maggie", MAGGIE, "2001-05-09", "Historical: looked after; CP")
        await known(sw, "Mark", MARK, "1990-02-11", "Historical: his children on the CP register")
        await known(midwife, "Maggie", MAGGIE, "2001-05-09", "Antenatal care")

        async def held(actor, subject, category, summary, on):
            return await add_record(
                client,
                actor=actor,
                subject=subject["id"],
                category=category,
                summary=summary,
                occurred_on=on,
            )

        await held(probation, maggie, "offending", P_MAGGIE, "2018-06-01")
        await held(probation, mark, "offending", P_MARK, "2021-03-01")
        conviction = await held(police, mark, "offending", POLICE_MARK, "2019-09-01")
        await held(sw, maggie, "social_care", SC_CARE, "2012-01-01")
        await held(sw, maggie, "social_care", SC_NEGLECT, "2020-02-01")
        sc_mark = await held(sw, mark, "social_care", SC_MARK, "2022-04-01")
        await held(midwife, maggie, "health", MW_BOOKING, days(-30))

    async with story.step("2"):
        pregnant = await held(probation, maggie, "family_circumstances", P_PREGNANT, days(-7))
        await post(
            client,
            probation,
            "/relationships",
            {"person_id": mark["id"], "related_person_id": maggie["id"], "kind": "partner"},
        )
        view = await summary_of(client, actor=probation, person=mark["id"], purpose=CPE)
        # Records about Mark exist elsewhere; probation is told they are withheld, not what.
        assert summaries(view) == {P_MARK} and withheld(view) == {"no_consent": 2}
        view = await summary_of(client, actor=probation, person=maggie["id"], purpose=CPE)
        assert summaries(view) == {P_MAGGIE, P_PREGNANT}

    async with story.step("3"):
        decisions = {}
        for subject in (maggie, mark):
            decisions[subject["id"]] = await post(
                client,
                probation,
                "/sharing-decisions",
                {
                    "kind": "share",
                    "subject_person_id": subject["id"],
                    "recipients": [sw.agency_id],
                    "purposes": [CPE],
                    "reasons": "Mark's violence and Maggie's history put the unborn baby at risk.",
                    "consent_sought": False,
                    "consent_not_sought_reason": "Seeking consent could put the baby at risk",
                    "subject_told": False,
                    "not_told_reason": "Social care will decide how and when to tell them",
                    "consulted": ["Social care team manager", "Police"],
                    **S47,
                },
            )
        first = await referral(
            client,
            probation,
            to_agency_id=sw.agency_id,
            subject_person_ids=[maggie["id"], mark["id"]],
            purpose=CPE,
            reason="Maggie is pregnant by Mark, known for violence to partners and children",
            action_expected="s.47 enquiry with respect to the unborn child",
            record_ids=[pregnant["id"]],
        )
        inbox = await get(client, sw, "/referrals")
        assert [r["id"] for r in inbox["items"]] == [first["id"]]
        view = await summary_of(client, actor=sw, person=maggie["id"], purpose=CPE)
        assert summaries(view) == {SC_CARE, SC_NEGLECT, P_MAGGIE, P_PREGNANT}
        assert {r["shared"]["basis_id"] for r in view["records"] if r["shared"] is not None} == {
            decisions[maggie["id"]]["id"]
        }
        view = await summary_of(client, actor=sw, person=mark["id"], purpose=CPE)
        assert summaries(view) == {SC_MARK, P_MARK}
        # Twins: the police and the midwife get none of probation's records.
        view = await summary_of(client, actor=police, person=mark["id"], purpose=CPE)
        assert summaries(view) == {POLICE_MARK} and withheld(view) == {"no_consent": 2}
        view = await summary_of(client, actor=midwife, person=maggie["id"], purpose="health_care")
        assert summaries(view) == {MW_BOOKING} and withheld(view) == {"no_consent": 4}

    async with story.step("4"):
        await accept(client, sw, first["id"])
        baby = await register_person(
            client,
            actor=sw,
            given_name=None,
            family_name="Turner",
            date_of_birth=None,
            kind="unborn",
            expected_date=days(120),
            reason="s.47 enquiry with respect to the unborn child",
        )
        await relate(client, sw, maggie["id"], baby["id"])
        await relate(client, sw, mark["id"], baby["id"], pr=False)
        await post(
            client,
            sw,
            "/families",
            {
                "name": "Maggie, Mark and the baby",
                "members": [
                    {"person_id": maggie["id"], "role": "mother"},
                    {"person_id": mark["id"], "role": "father"},
                    {"person_id": baby["id"], "role": "unborn child"},
                ],
            },
        )
        ask = await post(
            client,
            sw,
            "/information-requests",
            {
                "subject_person_id": mark["id"],
                "purpose": CPE,
                "needed": "Mark's previous convictions: any against children?",
                "categories": ["offending"],
                "due_by": days(3),
                "holders": [police.agency_id],
            },
        )
        await not_found(client, police, f"/people/{baby['id']}/summary", purpose=CPE)

    async with story.step("5"):
        answered = await post(
            client,
            police,
            f"/information-requests/{ask['id']}/answers",
            {
                "share": {
                    "record_ids": [conviction["id"]],
                    "why": "s.47 enquiry about Maggie's unborn child",
                    "action_expected": "Take into account in the assessment",
                    "for_practitioner_id": sw.practitioner_id,
                    "without_consent": {
                        "consent_sought": False,
                        "consent_not_sought_reason": "Would prejudice the enquiry",
                        "subject_told": False,
                        "not_told_reason": "Would prejudice the enquiry",
                        "reasons": "Risk to an unborn child from a man with violent convictions",
                        **S47,
                    },
                }
            },
            status=200,
        )
        assert answered["status"] == "answered"
        shares = await get(client, sw, "/shares", for_me=True)
        [share] = shares["items"]
        share = await get(client, sw, f"/shares/{share['id']}")
        assert share["record"]["summary"] == POLICE_MARK
        assert share["record"]["shared"]["basis"] == "decision"
        # Twins: probation still cannot see the convictions, nor the police probation's record.
        view = await summary_of(client, actor=probation, person=mark["id"], purpose=CPE)
        assert summaries(view) == {P_MARK} and withheld(view) == {"no_consent": 2}
        view = await summary_of(client, actor=police, person=mark["id"], purpose=CPE)
        assert summaries(view) == {POLICE_MARK} and withheld(view) == {"no_consent": 2}

    async with story.step("6"):
        chrono = await chronology(client, sw, baby["id"], CPE)
        assert entries(chrono) == {
            P_MAGGIE,
            P_PREGNANT,
            P_MARK,
            POLICE_MARK,
            SC_CARE,
            SC_NEGLECT,
            SC_MARK,
        }
        on = [e["occurred_on"] for e in chrono["entries"]]
        assert on == sorted(on)
        relation = {e["summary"]: e["relationship_to_child"] for e in chrono["entries"]}
        assert relation[P_PREGNANT] == "parent with parental responsibility"
        assert relation[POLICE_MARK] == "household member"
        holders = {e["summary"]: e["holder_agency_id"] for e in chrono["entries"]}
        assert holders[POLICE_MARK] == police.agency_id
        assert holders[P_MARK] == probation.agency_id
        # The midwife's booking note has no basis for social care: counted, not shown.
        assert withheld(chrono) == {"no_consent": 1}
        for other in (probation, police, midwife):
            await not_found(client, other, f"/people/{baby['id']}/chronology", purpose=CPE)

    async with story.step("7"):
        await held(sw, baby, "social_care", ASSESSMENT, days(0))
        [involvement] = await get(client, sw, f"/people/{baby['id']}/involvements")
        end = f"/involvements/{involvement['id']}/end"
        problem = await post(
            client,
            sw,
            end,
            {"reason": "Initial assessment: no further action", "concerns_remain": True},
            status=422,
        )
        assert "follow-up" in problem["errors"][0]["detail"]
        # Saying no concerns remain does not make it so: the server knows of the accepted s.47
        # referral about Maggie and Mark and of probation's decisions to share with social care.
        problem = await post(
            client,
            sw,
            end,
            {"reason": "Initial assessment: no further action", "concerns_remain": False},
            status=422,
        )
        [error] = problem["errors"]
        assert error["field"] == "body:/follow_up"
        assert "child protection referral" in error["detail"]
        assert "risk of significant harm" in error["detail"]
        # Kinds of facts only: no other agency named, nothing of what they hold.
        assert "probation" not in error["detail"].lower() and P_MARK not in error["detail"]
        assert (await chronology(client, sw, baby["id"], CPE))["entries"][-1]["summary"] == (
            ASSESSMENT
        )
        for other in (probation, midwife):
            await not_found(client, other, f"/people/{baby['id']}/summary", purpose=CPE)

    async with story.step("8"):
        ended = await post(
            client,
            sw,
            end,
            {
                "reason": "Initial assessment complete",
                "concerns_remain": True,
                "follow_up": {
                    "monitor_practitioner_id": midwife.practitioner_id,
                    "review_on": days(14),
                    "what": "See Maggie antenatally; tell social care of any concern",
                },
            },
            status=200,
        )
        assert ended["ended_at"]
        alerts = await get(client, midwife, "/alerts")
        assert [a["kind"] for a in alerts] == ["follow_up_awaiting_acceptance"]
        fu_id = alerts[0]["object_id"]
        await post(client, manager, f"/follow-ups/{fu_id}/acceptance", status=403, if_match=True)
        accepted = await post(
            client, midwife, f"/follow-ups/{fu_id}/acceptance", status=200, if_match=True
        )
        assert accepted["accepted_at"] and accepted["monitor_practitioner_id"] == (
            midwife.practitioner_id
        )
        midwife_review = accepted["review"]
        assert midwife_review["due_on"] == days(14) and not midwife_review["overdue"]
        # Accepting makes the midwife's service involved with the baby (a legitimate interest):
        # the baby exists for her now; what social care recorded stays withheld.
        view = await summary_of(client, actor=midwife, person=baby["id"], purpose="health_care")
        assert summaries(view) == set() and withheld(view) == {"no_consent": 1}
        seen = await get(client, sw, f"/follow-ups/{fu_id}")
        assert seen["accepted_at"] == accepted["accepted_at"]
        await not_found(client, probation, f"/follow-ups/{fu_id}")

    async with story.step("9"):
        resumed = await held(probation, maggie, "family_circumstances", P_RESUMED, days(0))
        again = await referral(
            client,
            probation,
            to_agency_id=sw.agency_id,
            subject_person_ids=[maggie["id"]],
            purpose=CPE,
            reason="Maggie and Mark are together again",
            action_expected="Reconsider the assessment of the unborn child",
            record_ids=[resumed["id"]],
        )
        view = await summary_of(client, actor=sw, person=maggie["id"], purpose=CPE)
        assert P_RESUMED in summaries(view)
        shared = {r["summary"]: r["shared"] for r in view["records"]}
        assert shared[P_RESUMED]["basis_id"] == decisions[maggie["id"]]["id"]
        await post(
            client,
            sw,
            f"/referrals/{again['id']}/decline",
            {"reason": "Maggie has a good level of support; the assessment stands"},
            status=200,
            if_match=True,
        )
        sent = await get(client, probation, f"/referrals/{again['id']}")
        assert sent["status"] == "declined"
        assert sent["decline_reason"].startswith("Maggie has a good level of support")
        view = await summary_of(client, actor=midwife, person=maggie["id"], purpose="health_care")
        assert P_RESUMED not in summaries(view)
        await not_found(client, police, f"/people/{maggie['id']}/summary", purpose=CPE)

    async with story.step("10"):
        done = await post(
            client,
            midwife,
            f"/reviews/{midwife_review['id']}/outcome",
            {"to": "done", "outcome": "Baby born; Maggie has moved in with Mark; told social care"},
            status=200,
            if_match=True,
        )
        assert done["status"] == "done"
        # Social care records the birth, with the NHS number the midwife gave it.
        r = await client.patch(
            f"/people/{baby['id']}",
            headers={**sw.headers, "If-Match": "*"},
            json={
                "kind": "known",
                "given_name": "Baby",
                "date_of_birth": days(-3),
                "nhs_number": BABY,
            },
        )
        assert r.status_code == 200, r.text
        assert r.json()["kind"] == "known" and r.json()["is_child"] is True
        assert r.json()["nhs_number"] == BABY
        # The midwife registers the newborn by NHS number: the same person, her own profile.
        newborn = await known(midwife, "Baby", BABY, days(-3), "Postnatal care")
        assert newborn["id"] == baby["id"] and newborn["family_name"] == "Lowe"
        concern = await referral(
            client,
            midwife,
            to_agency_id=sw.agency_id,
            subject_person_ids=[baby["id"], maggie["id"]],
            purpose="child_in_need_assessment",
            reason="Baby born; Maggie has moved in with Mark; concerned for the baby's welfare",
            action_expected="Assess the baby's welfare",
        )
        # Social care closed its involvement with the baby in step 8: a re-referral.
        assert concern["re_referral"] is True
        await accept(client, sw, concern["id"])
        await held(sw, baby, "social_care", VISIT, days(0))
        chrono = await chronology(client, sw, baby["id"], CPE)
        assert {P_RESUMED, P_MARK, POLICE_MARK, SC_NEGLECT, ASSESSMENT, VISIT} <= entries(chrono)
        # Twin: the midwife knows the baby now, but not what social care recorded about it.
        view = await summary_of(client, actor=midwife, person=baby["id"], purpose="health_care")
        assert summaries(view) == set() and withheld(view) == {"no_consent": 2}
        await not_found(client, hv, f"/people/{baby['id']}/summary", purpose="health_care")

    async with story.step("11"):
        await held(sw, baby, "social_care", NO_REPLY, days(0))
        await held(sw, baby, "social_care", FAILED, days(0))
        current = [
            i
            for i in await get(client, sw, f"/people/{baby['id']}/involvements")
            if i["ended_at"] is None
        ]
        [involvement] = current
        end = f"/involvements/{involvement['id']}/end"
        await post(
            client,
            sw,
            end,
            {
                "reason": "No further referrals; three failed visits",
                "concerns_remain": True,
                "follow_up": {
                    "monitor_practitioner_id": hv.practitioner_id,
                    "review_on": days(14),
                    "what": "Monitor the baby; refer again if necessary",
                },
            },
            status=200,
        )
        [alert] = await get(client, hv, "/alerts")
        hv_fu = alert["object_id"]
        accepted = await post(
            client, hv, f"/follow-ups/{hv_fu}/acceptance", status=200, if_match=True
        )
        assert accepted["review"]["responsible_practitioner_id"] == hv.practitioner_id
        assert accepted["review"]["what"] == "Monitor the baby; refer again if necessary"
        # The monitor's agency is involved now: the baby exists for the health visitor, whose
        # chronology shows nothing social care, probation or the police hold (all withheld).
        chrono = await chronology(client, hv, baby["id"], "health_care")
        assert entries(chrono) == set() and set(withheld(chrono)) == {"no_consent"}
        await not_found(client, probation, f"/follow-ups/{hv_fu}")

    async with story.step("12"):
        # The lesson of case 8: the monitor was never told the history. At closure, social care
        # decides to share Mark's history with health visiting, without consent, on the risk of
        # significant harm to the baby, with its reasons.
        decision = await post(
            client,
            sw,
            "/sharing-decisions",
            {
                "kind": "share",
                "subject_person_id": mark["id"],
                "recipients": [hv.agency_id],
                "purposes": ["health_care"],
                "record_ids": [sc_mark["id"]],
                "legal_basis": "risk_of_significant_harm",
                "reasons": "The health visitor monitors the baby living with Mark, whose violence "
                "put two of his children on the CP register: she must know what to look for.",
                "consent_sought": False,
                "consent_not_sought_reason": "Mark has refused to meet social care; asking could "
                "put the baby at risk",
                "subject_told": False,
                "not_told_reason": "Telling Mark could put Maggie and the baby at risk",
                "consulted": ["Social care team manager"],
                **S47,
            },
        )
        chrono = await chronology(client, hv, baby["id"], "health_care")
        assert entries(chrono) == {SC_MARK}
        [entry] = chrono["entries"]
        assert entry["relationship_to_child"] == "household member"
        assert entry["shared"]["basis"] == "decision"
        assert entry["shared"]["basis_id"] == decision["id"]
        # Twins: probation's and the police's records stay withheld from the health visitor; the
        # midwife, the police and probation still do not get social care's record about Mark.
        assert set(withheld(chrono)) == {"no_consent"}
        view = await summary_of(client, actor=midwife, person=baby["id"], purpose="health_care")
        assert SC_MARK not in summaries(view)
        for other in (police, probation):
            view = await summary_of(client, actor=other, person=mark["id"], purpose=CPE)
            assert SC_MARK not in summaries(view)

    async with story.step("13"):
        for note in ("No answer at Mark's address", "No answer; curtains drawn"):
            r = await post(
                client, hv, f"/follow-ups/{hv_fu}/failed-contacts", {"note": note}, status=200
            )
        assert r["failed_contacts"] == 2
        await time_passes_for_review(session, r["review"]["id"], overdue_by=2)
        alerts = await get(client, sw, "/alerts")
        assert [(a["kind"], a["object_id"]) for a in alerts] == [
            ("follow_up_review_overdue", hv_fu)
        ]
        problem = await post(client, sw, end, {"reason": "x", "concerns_remain": False}, status=409)
        assert problem["current_state"] == "ended"
        for other in (midwife, probation):
            await not_found(client, other, f"/follow-ups/{hv_fu}")

    async with story.step("14"):
        # The following month the baby is brought by ambulance to A&E.
        _, ed = await make_staffed_agency(
            client,
            name="Hospital emergency department",
            kind="hospital",
            job_title="Emergency department doctor",
            roles=("practitioner", "authorised_worker"),
        )
        await register_person(
            client,
            actor=ed,
            given_name="Baby",
            family_name="Maggie's",
            date_of_birth=None,
            nhs_number=BABY,
            reason="Brought in by ambulance",
        )
        await post(
            client,
            ed,
            "/records",
            {
                "subject_person_id": baby["id"],
                "category": "health",
                "level": "special",
                "summary": ED_NOTE,
                "occurred_on": days(0),
            },
        )
        # Who to call: the health visitor monitoring the baby, with her contact details.
        index = await get(client, ed, f"/people/{baby['id']}/index")
        agencies = {i["agency_name"] for i in index["involvements"]}
        assert {"Health visiting", "Hospital emergency department"} <= agencies
        assert "Children's social care" not in agencies  # its involvement ended
        # The history that was never brought together is still not the hospital's to read.
        seen = await chronology(client, ed, baby["id"], "health_care")
        assert entries(seen) == {ED_NOTE}
        assert SC_MARK not in str(seen) and POLICE_MARK not in str(seen)
        assert seen["withheld"], "the hospital is told something is held, so it knows to ask"

    story.done()
