"""A decision to share may name the recipient practitioners: each named record reaches their own
inbox as a share addressed to them, which only they acknowledge; reading it is a disclosure."""

from tests.factories import (
    add_record,
    make_practitioner,
    make_staffed_agency,
    register_person,
    summaries,
    summary_of,
    withheld,
)
from tests.stories.steps_b import get, nhs, post
from tests.test_auth import assert_problem

CHILD = nhs(6001)
FS = "family_support"


async def setting(client):
    _, teacher = await make_staffed_agency(client, name="School")
    lead_admin, lead = await make_staffed_agency(client, name="Space 4 Me", kind="charity")
    colleague = await make_practitioner(client, admin=lead_admin, name="Tom")
    _, outsider = await make_staffed_agency(client, name="Housing", kind="housing")
    child = await register_person(client, actor=teacher, nhs_number=CHILD)
    await register_person(client, actor=lead, nhs_number=CHILD)
    record = await add_record(
        client, actor=teacher, subject=child["id"], category="family_circumstances", summary="D"
    )
    return teacher, lead, colleague, outsider, child, record


def decision(child, record, recipients, named, **extra):
    return {
        "kind": "share",
        "subject_person_id": child["id"],
        "recipients": recipients,
        "purposes": [FS],
        "categories": ["family_circumstances"],
        "record_ids": [record["id"]],
        "legal_basis": "public_interest",
        "reasons": "The lead professional needs to know now",
        "consent_sought": False,
        "consent_not_sought_reason": "Could not be reached",
        "subject_told": True,
        "recipient_practitioners": named,
        "action_expected": "Talk to the family",
        **extra,
    }


async def test_the_named_practitioner_alone_receives_and_acknowledges(client):
    teacher, lead, colleague, _, child, record = await setting(client)
    made = await post(
        client,
        teacher,
        "/sharing-decisions",
        decision(child, record, [lead.agency_id], [lead.practitioner_id]),
    )
    assert made["recipient_practitioners"] == [lead.practitioner_id]
    [share_id] = made["share_ids"]
    again = await get(client, teacher, f"/sharing-decisions/{made['id']}")
    assert again["share_ids"] == [share_id]
    [mine] = (await get(client, lead, "/shares", for_me=True))["items"]
    assert (mine["id"], mine["decision_id"], mine["record_id"], mine["purpose"]) == (
        share_id,
        made["id"],
        record["id"],
        FS,
    )
    assert mine["action_expected"] == "Talk to the family" and mine["request_id"] is None
    assert (await get(client, colleague, "/shares", for_me=True))["items"] == []
    # The policy holds it to the named practitioner: the colleague's summary withholds it.
    named = await summary_of(client, actor=lead, person=child["id"], purpose=FS)
    assert summaries(named) == {"D"}
    other = await summary_of(client, actor=colleague, person=child["id"], purpose=FS)
    assert summaries(other) == set() and withheld(other) == {"no_consent": 1}
    opened = await get(client, lead, f"/shares/{share_id}")
    assert opened["record"]["shared"]["basis_id"] == made["id"]
    ack = f"/shares/{share_id}/acknowledgement"
    await post(client, colleague, ack, status=404, if_match=True)
    assert (await get(client, colleague, "/shares"))["items"] == []
    await post(client, lead, ack, status=200, if_match=True)
    # The holder sees the share it addressed; the decision lists it.
    held = await get(client, teacher, f"/shares/{share_id}")
    assert held["acknowledged_by"] == lead.practitioner_id
    listed = await get(client, teacher, f"/people/{child['id']}/sharing-decisions")
    assert [d["share_ids"] for d in listed["items"]] == [[share_id]]


async def test_named_practitioners_are_validated(client):
    teacher, lead, _, outsider, child, record = await setting(client)
    # Someone at an agency the decision does not name.
    body = decision(child, record, [lead.agency_id], [outsider.practitioner_id])
    problem = await post(client, teacher, "/sharing-decisions", body, status=404)
    assert problem["errors"][0]["field"] == "body:/recipient_practitioners/0"
    # Only a decision to share, with named records and what to do, names practitioners.
    for changed in (
        {"kind": "not_share"},
        {"record_ids": []},
        {"action_expected": None},
        {"recipient_practitioners": [lead.practitioner_id, lead.practitioner_id]},
    ):
        body = decision(child, record, [lead.agency_id], [lead.practitioner_id], **changed)
        await post(client, teacher, "/sharing-decisions", body, status=422)
    # The named practitioner's agency has no interest in the child. The answer must not tell the
    # holder so (that would be an index look-up); the record stays withheld when opened.
    body = decision(child, record, [outsider.agency_id], [outsider.practitioner_id])
    made = await post(client, teacher, "/sharing-decisions", body)
    [share_id] = made["share_ids"]
    opened = await get(client, outsider, f"/shares/{share_id}")
    assert opened["record"] is None and opened["withheld_reason"] == "no_legitimate_interest"


async def test_an_answer_without_consent_records_whom_it_was_for(client):
    teacher, lead, _, _, child, record = await setting(client)
    req = await post(
        client,
        lead,
        "/information-requests",
        {
            "subject_person_id": child["id"],
            "purpose": FS,
            "needed": "Anything about home",
            "due_by": "2099-01-01",
            "holders": [teacher.agency_id],
        },
    )
    r = await client.post(
        f"/information-requests/{req['id']}/answers",
        headers=teacher.headers,
        json={
            "share": {
                "record_ids": [record["id"]],
                "why": "w",
                "action_expected": "a",
                "for_practitioner_id": lead.practitioner_id,
                "without_consent": {
                    "legal_basis": "public_interest",
                    "reasons": "r",
                    "consent_sought": False,
                    "consent_not_sought_reason": "x",
                    "subject_told": True,
                    "article9_condition": "safeguarding_children_and_individuals_at_risk",
                },
            }
        },
    )
    assert r.status_code == 200, r.text
    [target] = r.json()["targets"]
    made = await get(client, teacher, f"/sharing-decisions/{target['decision_id']}")
    assert made["recipient_practitioners"] == [lead.practitioner_id]
    [share_id] = made["share_ids"]  # the answer's own share, not a second one
    [mine] = (await get(client, lead, "/shares", for_me=True))["items"]
    assert mine["id"] == share_id and mine["request_id"] == req["id"]
    assert_problem(
        await client.post(
            f"/information-requests/{req['id']}/answers",
            headers=teacher.headers,
            json={"decline": {"reasons": "r", "consent_sought": True, "subject_told": True}},
        ),
        409,
    )
