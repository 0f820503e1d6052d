"""Information requests (case 1: the outreach worker asks housing, the midwife and the health
visitor), answered by shares under a consent or a recorded decision, or declined."""

import uuid
from datetime import date, timedelta

from sqlalchemy import select, update

from app.models.requests import InformationRequest
from app.models.sharing import Disclosure
from tests.factories import (
    add_record,
    give_consent,
    make_practitioner,
    make_staffed_agency,
    register_person,
    summary_of,
    withheld,
)
from tests.test_auth import assert_problem

KATE = "9434765919"


async def setting(client):
    centre_admin, kelly = await make_staffed_agency(
        client, name="Children's centre", kind="local_authority", job_title="Outreach worker"
    )
    _, housing = await make_staffed_agency(
        client, name="Housing office", kind="housing", job_title="Housing officer"
    )
    _, midwife = await make_staffed_agency(
        client, name="Midwifery", kind="midwifery", job_title="Midwife"
    )
    _, hv = await make_staffed_agency(
        client, name="Health visiting", kind="health_visiting", job_title="Health visitor"
    )
    kate = await register_person(
        client,
        actor=kelly,
        given_name="Kate",
        date_of_birth="1996-06-12",
        nhs_number=KATE,
        reason="Outreach support",
    )
    for holder in (housing, midwife, hv):
        await register_person(
            client,
            actor=holder,
            given_name="Kate",
            date_of_birth=None,
            nhs_number=KATE,
            reason="Known to us",
        )
    return centre_admin, kelly, housing, midwife, hv, kate


async def test_case_1_request_answered_declined_acknowledged_and_closed(client, session):
    centre_admin, kelly, housing, midwife, hv, kate = await setting(client)
    damp = await add_record(
        client,
        actor=housing,
        subject=kate["id"],
        category="housing",
        summary="Damp in both bedrooms reported by neighbour",
    )
    await add_record(
        client,
        actor=midwife,
        subject=kate["id"],
        category="health",
        summary="Postnatal check notes",
    )
    low = await add_record(
        client,
        actor=hv,
        subject=kate["id"],
        category="mental_health",
        summary="Feeling low since the separation",
    )

    r = await client.post(
        "/information-requests",
        headers=kelly.headers,
        json={
            "subject_person_id": kate["id"],
            "purpose": "parenting_support",
            "needed": "Anything that helps us support Kate with the children and her housing",
            "due_by": (date.today() + timedelta(days=7)).isoformat(),
            "holders": [housing.agency_id, midwife.agency_id, hv.agency_id],
        },
    )
    assert r.status_code == 201, r.text
    req = r.json()
    assert req["status"] == "open" and not req["overdue"] and len(req["targets"]) == 3
    url = f"/information-requests/{req['id']}"
    received = (await client.get("/information-requests", headers=housing.headers)).json()["items"]
    assert [x["id"] for x in received] == [req["id"]]
    sent = (
        await client.get("/information-requests", headers=kelly.headers, params={"box": "sent"})
    ).json()["items"]
    assert [x["id"] for x in sent] == [req["id"]]
    _, stranger = await make_staffed_agency(client, name="Stranger", kind="police")
    assert_problem(await client.get(url, headers=stranger.headers), 404)

    # Housing cannot point out a confidential record without a basis...
    share = {
        "record_ids": [damp["id"]],
        "for_practitioner_id": kelly.practitioner_id,
        "why": "Kate's housing conditions",
        "action_expected": "Support Kate to report repairs",
    }
    problem = assert_problem(
        await client.post(f"{url}/answers", headers=housing.headers, json={"share": share}), 422
    )
    assert (
        problem["errors"][0]["field"] == "body:/share/record_ids/0"
        and "no_consent" in problem["detail"]
    )
    # ...so it asks Kate, who agrees, and shares.
    await give_consent(
        client,
        actor=housing,
        decision="granted",
        subjects=[kate["id"]],
        given_by=[kate["id"]],
        recipients=[kelly.agency_id],
        purposes=["parenting_support"],
    )
    r = await client.post(f"{url}/answers", headers=housing.headers, json={"share": share})
    assert r.status_code == 200, r.text
    again = await client.post(f"{url}/answers", headers=housing.headers, json={"share": share})
    assert assert_problem(again, 409)["current_state"] == "answered"

    # The midwife declines, with reasons: a recorded decision not to share.
    r = await client.post(
        f"{url}/answers",
        headers=midwife.headers,
        json={
            "decline": {
                "reasons": "Clinical notes; nothing bearing on housing or parenting",
                "consent_sought": False,
                "consent_not_sought_reason": "Declining, not sharing",
                "subject_told": True,
            }
        },
    )
    assert r.status_code == 200, r.text
    # The health visitor shares without consent, recording the basis in the answer.
    r = await client.post(
        f"{url}/answers",
        headers=hv.headers,
        json={
            "share": {
                "record_ids": [low["id"]],
                "why": "Low mood affects her coping",
                "action_expected": "Be alert; alert us",
                "without_consent": {
                    "legal_basis": "public_interest",
                    "reasons": "Children's welfare",
                    "consent_sought": False,
                    "consent_not_sought_reason": "Kate unreachable this week",
                    "subject_told": False,
                    "not_told_reason": "Will tell her at next visit",
                    "article9_condition": "safeguarding_children_and_individuals_at_risk",
                },
            }
        },
    )
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["status"] == "answered"
    assert {t["status"] for t in done["targets"]} == {"answered", "declined"}

    # Kelly's inbox: two shares, each saying why and what is expected.
    inbox = (await client.get("/shares", headers=kelly.headers)).json()["items"]
    assert {s["why"] for s in inbox} == {"Kate's housing conditions", "Low mood affects her coping"}
    mine = (await client.get("/shares", headers=kelly.headers, params={"for_me": True})).json()[
        "items"
    ]
    assert [s["record_id"] for s in mine] == [damp["id"]]
    share_id = mine[0]["id"]
    request_id = uuid.uuid4().hex
    r = await client.get(
        f"/shares/{share_id}", headers={**kelly.headers, "X-Request-ID": request_id}
    )
    assert r.json()["record"]["summary"] == "Damp in both bedrooms reported by neighbour"
    logged = (
        (await session.execute(select(Disclosure).where(Disclosure.request_id == request_id)))
        .scalars()
        .all()
    )
    assert [str(d.record_id) for d in logged] == [damp["id"]]
    # Only Kelly acknowledges what is for her.
    colleague = await make_practitioner(client, admin=centre_admin, name="Colleague")
    ack = f"/shares/{share_id}/acknowledgement"
    assert_problem(await client.post(ack, headers={**colleague.headers, "If-Match": "*"}), 403)
    r = await client.post(ack, headers={**kelly.headers, "If-Match": "*"})
    assert r.status_code == 200 and r.json()["acknowledged_by"] == kelly.practitioner_id
    assert_problem(await client.post(ack, headers={**kelly.headers, "If-Match": "*"}), 409)

    view = await summary_of(client, actor=kelly, person=kate["id"], purpose="parenting_support")
    assert withheld(view) == {"decision_not_to_share": 1}
    # Closing the request ends the midwife's decline (she did not say otherwise).
    etag = (await client.get(url, headers=kelly.headers)).headers["etag"]
    assert_problem(
        await client.post(f"{url}/close", headers={**housing.headers, "If-Match": etag}), 403
    )
    r = await client.post(f"{url}/close", headers={**kelly.headers, "If-Match": etag})
    assert r.status_code == 200 and r.json()["status"] == "closed"
    view = await summary_of(client, actor=kelly, person=kate["id"], purpose="parenting_support")
    assert withheld(view) == {"no_consent": 1}


async def test_withdrawn_consent_stops_a_share_being_read(client):
    _, kelly, housing, _, _, kate = await setting(client)
    damp = await add_record(
        client, actor=housing, subject=kate["id"], category="housing", summary="Damp"
    )
    consent = await give_consent(
        client,
        actor=housing,
        decision="granted",
        subjects=[kate["id"]],
        given_by=[kate["id"]],
        recipients=[kelly.agency_id],
        purposes=["parenting_support"],
    )
    req = (
        await client.post(
            "/information-requests",
            headers=kelly.headers,
            json={
                "subject_person_id": kate["id"],
                "purpose": "parenting_support",
                "needed": "x",
                "due_by": date.today().isoformat(),
                "holders": [housing.agency_id],
            },
        )
    ).json()
    r = await client.post(
        f"/information-requests/{req['id']}/answers",
        headers=housing.headers,
        json={"share": {"record_ids": [damp["id"]], "why": "w", "action_expected": "a"}},
    )
    assert r.status_code == 200
    [share] = (await client.get("/shares", headers=kelly.headers)).json()["items"]
    r = await client.post(
        f"/consents/{consent['id']}/withdrawal",
        headers={**housing.headers, "If-Match": "*"},
        json={"reason": "Kate withdrew"},
    )
    assert r.status_code == 200
    body = (await client.get(f"/shares/{share['id']}", headers=kelly.headers)).json()
    assert body["record"] is None and body["withheld_reason"] == "consent_withdrawn"


async def test_overdue_is_derived_from_the_due_date(client, session):
    _, kelly, housing, _, _, kate = await setting(client)
    req = (
        await client.post(
            "/information-requests",
            headers=kelly.headers,
            json={
                "subject_person_id": kate["id"],
                "purpose": "parenting_support",
                "needed": "x",
                "due_by": date.today().isoformat(),
                "holders": [housing.agency_id],
            },
        )
    ).json()
    await session.execute(
        update(InformationRequest)
        .where(InformationRequest.id == uuid.UUID(req["id"]))
        .values(due_by=date.today() - timedelta(days=1))
    )
    await session.commit()
    r = await client.get(f"/information-requests/{req['id']}", headers=kelly.headers)
    assert r.json()["overdue"] is True
    past = await client.post(
        "/information-requests",
        headers=kelly.headers,
        json={
            "subject_person_id": kate["id"],
            "purpose": "parenting_support",
            "needed": "x",
            "due_by": (date.today() - timedelta(days=1)).isoformat(),
            "holders": [housing.agency_id],
        },
    )
    assert_problem(past, 422)
