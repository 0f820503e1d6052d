from tests.factories import make_staffed_agency, register_person


async def test_health_and_register(client):
    r = await client.get("/health")
    assert r.json() == {"status": "ok"}
    r = await client.get("/ready")
    assert r.status_code == 200
    _admin, teacher = await make_staffed_agency(client, name="School")
    person = await register_person(client, actor=teacher)
    r = await client.get(f"/people/{person['id']}", headers=teacher.headers)
    assert r.status_code == 200, r.text
    assert r.json()["given_name"] == "Jack"
