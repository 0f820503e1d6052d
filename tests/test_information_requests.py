"""Information requests (case 1: the outreach worker asks housing, the midwife and the health
visitor), answered by shares under a consent or a recorded decision, or declined."""

import uuid
from datetime import date, timedelta

from sqlalchemy import update

from app.models.requests import InformationRequest
from tests.factories import (
    add_record,
    give_consent,
    make_staffed_agency,
    register_person,
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
