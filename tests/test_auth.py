"""Each authentication failure, through the HTTP API: no credential, bad, expired, wrong agency."""

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests.factories import (
    ADMIN,
    make_agency,
    make_practitioner,
    make_staffed_agency,
    register_person,
)

TOKEN_URL = "http://testserver/oauth2/token"
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def assert_problem(r, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


async def test_no_credential_is_401(client):
    r = await client.get("/people")
    body = assert_problem(r, 401)
    assert r.headers["www-authenticate"] == "Bearer"
    assert body["type"].endswith("/not-authenticated")


@pytest.mark.parametrize(
    "header",
    [
        "Basic abc",
        "Bearer ",
        "Bearer cfk_0123456789abcdef_wrong",
        "Bearer not-a-token",
        "Bearer a.b.c",
    ],
)
async def test_bad_credentials_are_401(client, header):
    assert_problem(await client.get("/people", headers={"Authorization": header}), 401)


async def test_api_key_with_wrong_secret_is_401(client):
    _admin, teacher = await make_staffed_agency(client, name="School")
    lookup = teacher.key.split("_")[1]
    forged = f"cfk_{lookup}_{'A' * 43}"
    assert_problem(await client.get("/me", headers={"Authorization": f"Bearer {forged}"}), 401)
    assert (await client.get("/me", headers=teacher.headers)).status_code == 200


async def test_expired_and_revoked_api_keys_are_401(client):
    admin, teacher = await make_staffed_agency(client, name="School")
    base = f"/agencies/{admin.agency_id}/practitioners/{teacher.practitioner_id}/api-keys"
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    r = await client.post(base, headers=admin.headers, json={"label": "old", "expires_at": past})
    assert_problem(r, 422)
    soon = (datetime.now(UTC) + timedelta(seconds=1)).isoformat()
    r = await client.post(base, headers=admin.headers, json={"label": "short", "expires_at": soon})
    assert r.status_code == 201
    short_key = r.json()["key"]
    await asyncio.sleep(1.1)
    body = assert_problem(
        await client.get("/me", headers={"Authorization": f"Bearer {short_key}"}), 401
    )
    assert "expired" in body["detail"]

    keys = (await client.get(base, headers=admin.headers)).json()["items"]
    first = keys[0]["id"]
    # Used just before, so this worker remembers the key's row: revoking forgets it at once.
    assert (await client.get("/me", headers=teacher.headers)).status_code == 200
    r = await client.delete(f"{base}/{first}", headers=admin.headers)
    assert r.status_code == 200 and r.json()["revoked_at"]
    assert_problem(await client.get("/me", headers=teacher.headers), 401)


async def test_deactivated_practitioner_is_401(client):
    admin, teacher = await make_staffed_agency(client, name="School")
    url = f"/agencies/{admin.agency_id}/practitioners/{teacher.practitioner_id}"
    etag = (await client.get(url, headers=admin.headers)).headers["etag"]
    assert (await client.get("/me", headers=teacher.headers)).status_code == 200
    r = await client.patch(url, headers={**admin.headers, "If-Match": etag}, json={"active": False})
    assert r.status_code == 200, r.text
    assert_problem(await client.get("/me", headers=teacher.headers), 401)


async def test_agency_admin_cannot_touch_another_agency(client):
    admin_a, _ = await make_staffed_agency(client, name="School A")
    admin_b, teacher_b = await make_staffed_agency(client, name="School B")
    b = admin_b.agency_id
    attempts = [
        client.get(f"/agencies/{b}/practitioners", headers=admin_a.headers),
        client.post(
            f"/agencies/{b}/practitioners",
            headers=admin_a.headers,
            json={"name": "Mole", "job_title": "Teacher"},
        ),
        client.post(
            f"/agencies/{b}/practitioners/{teacher_b.practitioner_id}/api-keys",
            headers=admin_a.headers,
            json={"label": "steal"},
        ),
        client.get(f"/agencies/{b}/clients", headers=admin_a.headers),
        client.post(f"/agencies/{b}/services", headers=admin_a.headers, json={"name": "MASH"}),
        client.patch(
            f"/agencies/{b}", headers={**admin_a.headers, "If-Match": "*"}, json={"name": "x"}
        ),
    ]
    for attempt in attempts:
        assert_problem(await attempt, 403)
    # ...and nothing was changed in B.
    r = await client.get(f"/agencies/{b}/practitioners", headers=admin_b.headers)
    assert [p["name"] for p in r.json()["items"]] == ["Ada Admin", "Pat Practitioner"]


async def test_practitioner_is_not_an_admin(client):
    admin, teacher = await make_staffed_agency(client, name="School")
    r = await client.get(f"/agencies/{admin.agency_id}/practitioners", headers=teacher.headers)
    assert_problem(r, 403)
    assert_problem(await client.get("/audit", headers=teacher.headers), 403)
    assert_problem(
        await client.post(
            "/agencies",
            headers=teacher.headers,
            json={"name": "x", "kind": "school", "sector": "statutory"},
        ),
        403,
    )


async def test_platform_admin_bootstraps_only_admins_and_reads_no_people(client):
    agency = await make_agency(client, name="Police")
    r = await client.post(
        f"/agencies/{agency['id']}/practitioners",
        headers=ADMIN,
        json={"name": "Officer", "job_title": "PC", "roles": ["practitioner"]},
    )
    assert_problem(r, 403)
    assert_problem(await client.get("/people", headers=ADMIN), 403)


async def test_wrong_agency_reading_a_person_is_404_and_audited(client, session):
    _, teacher = await make_staffed_agency(client, name="School")
    hv_admin, hv = await make_staffed_agency(client, name="Health visiting", kind="health_visiting")
    person = await register_person(client, actor=teacher)
    body = assert_problem(await client.get(f"/people/{person['id']}", headers=hv.headers), 404)
    assert body["detail"] == "No such person."
    unknown = await client.get(f"/people/{uuid.uuid4()}", headers=hv.headers)
    # Unknown and not-visible look the same.
    assert {k: v for k, v in unknown.json().items() if k not in {"instance", "request_id"}} == {
        k: v for k, v in body.items() if k not in {"instance", "request_id"}
    }
    # The refused access left an audit entry, although the request failed.
    dpo = await make_practitioner(client, admin=hv_admin, roles=("data_protection_officer",))
    r = await client.get("/audit", headers=dpo.headers, params={"subject_person_id": person["id"]})
    entries = r.json()["items"]
    assert [(e["action"], e["outcome"]) for e in entries] == [("person.read", "refused")]
    assert entries[0]["practitioner_id"] == hv.practitioner_id


# --- machine clients: OAuth2 client credentials with a signed JWT assertion (RFC 7523) ---


def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwk_of(private_key, kid: str, alg: str = "RS512") -> dict:
    if isinstance(private_key, rsa.RSAPrivateKey):
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
    else:
        jwk = jwt.algorithms.ECAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
    return {**jwk, "kid": kid, "alg": alg, "use": "sig"}


def assertion(
    private_key, client_id: str, *, kid="k1", alg="RS512", aud=TOKEN_URL, lifetime=240, **over
):
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": aud,
        "jti": uuid.uuid4().hex,
        "exp": now + lifetime,
        "iat": now,
    }
    claims.update(over)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, private_key, algorithm=alg, headers={"kid": kid})


@pytest.fixture
async def machine(client):
    admin, worker = await make_staffed_agency(
        client, name="Children's social care", kind="social_care", job_title="Social worker"
    )
    key = rsa_key()
    r = await client.post(
        f"/agencies/{admin.agency_id}/clients",
        headers=admin.headers,
        json={"name": "Case system", "jwks": {"keys": [jwk_of(key, "k1")]}},
    )
    assert r.status_code == 201, r.text
    return {"admin": admin, "worker": worker, "key": key, "client_id": r.json()["id"]}


async def request_token(client, machine, token, practitioner_id=None):
    return await client.post(
        "/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": JWT_BEARER,
            "client_assertion": token,
            "practitioner_id": practitioner_id or machine["worker"].practitioner_id,
        },
    )


async def test_client_assertion_gives_a_short_lived_token_acting_for_a_practitioner(
    client, machine
):
    r = await request_token(client, machine, assertion(machine["key"], machine["client_id"]))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 300
    me = await client.get("/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["kind"] == "client"
    assert me.json()["client_id"] == machine["client_id"]
    assert me.json()["practitioner_id"] == machine["worker"].practitioner_id


async def test_client_assertion_jti_is_single_use(client, machine):
    token = assertion(machine["key"], machine["client_id"])
    assert (await request_token(client, machine, token)).status_code == 200
    body = assert_problem(await request_token(client, machine, token), 401)
    assert body["error"] == "invalid_client" and "jti" in body["detail"]


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"aud": "http://elsewhere/oauth2/token"}, "audience"),
        ({"lifetime": -120}, "expired"),
        ({"lifetime": 3600}, "5 minutes"),
        ({"kid": "unknown"}, "kid"),
        ({"sub": str(uuid.uuid4())}, "sub"),
        ({"jti": None}, "jti"),
        ({"exp": None}, "exp"),
        ({"nbf": int(time.time()) + 3600}, "not valid"),
    ],
)
async def test_bad_client_assertions_are_refused(client, machine, change, why):
    token = assertion(machine["key"], machine["client_id"], **change)
    body = assert_problem(await request_token(client, machine, token), 401)
    assert body["error"] == "invalid_client"
    assert why.lower() in body["detail"].lower()


async def test_assertion_signed_by_another_key_or_symmetric_alg_is_refused(client, machine):
    stranger = assertion(rsa_key(), machine["client_id"])
    assert_problem(await request_token(client, machine, stranger), 401)
    now = int(time.time())
    claims = {
        "iss": machine["client_id"],
        "sub": machine["client_id"],
        "aud": TOKEN_URL,
        "jti": "x",
        "exp": now + 60,
    }
    hs = jwt.encode(claims, "s" * 32, algorithm="HS256", headers={"kid": "k1"})
    body = assert_problem(await request_token(client, machine, hs), 401)
    assert "alg" in body["detail"]


async def test_client_may_act_only_for_its_own_agency(client, machine):
    _, other = await make_staffed_agency(client, name="Police", kind="police")
    token = assertion(machine["key"], machine["client_id"])
    body = assert_problem(await request_token(client, machine, token, other.practitioner_id), 400)
    assert body["error"] == "invalid_request"


async def test_ec_keys_and_rotation(client, machine):
    ec_key = ec.generate_private_key(ec.SECP256R1())
    url = f"/agencies/{machine['admin'].agency_id}/clients/{machine['client_id']}"
    etag = (await client.get(url, headers=machine["admin"].headers)).headers["etag"]
    r = await client.patch(
        url,
        headers={**machine["admin"].headers, "If-Match": etag},
        json={"jwks": {"keys": [jwk_of(ec_key, "k2", "ES256")]}},
    )
    assert r.status_code == 200, r.text
    ok = await request_token(
        client, machine, assertion(ec_key, machine["client_id"], kid="k2", alg="ES256")
    )
    assert ok.status_code == 200, ok.text
    # The rotated-out key no longer works.
    old = await request_token(client, machine, assertion(machine["key"], machine["client_id"]))
    assert_problem(old, 401)


async def test_expired_or_tampered_access_token_is_401(client, machine, settings):
    r = await request_token(client, machine, assertion(machine["key"], machine["client_id"]))
    token = r.json()["access_token"]
    claims = jwt.decode(token, options={"verify_signature": False})
    claims["exp"] = int(time.time()) - 10
    expired = jwt.encode(claims, settings.token_secret.get_secret_value(), algorithm="HS256")
    body = assert_problem(
        await client.get("/me", headers={"Authorization": f"Bearer {expired}"}), 401
    )
    assert "expired" in body["detail"]
    claims["exp"] = int(time.time()) + 100
    claims["agency"] = str(uuid.uuid4())
    forged = jwt.encode(claims, "f" * 40, algorithm="HS256")
    assert_problem(await client.get("/me", headers={"Authorization": f"Bearer {forged}"}), 401)


async def test_deactivated_client_cannot_get_or_use_tokens(client, machine):
    r = await request_token(client, machine, assertion(machine["key"], machine["client_id"]))
    token = r.json()["access_token"]
    url = f"/agencies/{machine['admin'].agency_id}/clients/{machine['client_id']}"
    etag = (await client.get(url, headers=machine["admin"].headers)).headers["etag"]
    r = await client.patch(
        url, headers={**machine["admin"].headers, "If-Match": etag}, json={"active": False}
    )
    assert r.status_code == 200
    assert_problem(await client.get("/me", headers={"Authorization": f"Bearer {token}"}), 401)
    assert_problem(
        await request_token(client, machine, assertion(machine["key"], machine["client_id"])), 401
    )
