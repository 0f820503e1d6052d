"""Support for tests/test_schemathesis.py: the data each role can see, and the generated cases
pointed at it.

Everything here is synchronous: schemathesis calls the ASGI app in-process on its own event-loop
thread, so the app (and its engine) is only ever used from that loop. Seeding goes through the
same transport, with explicit `operation.Case(...)` requests, as a caller would.

Ids are pooled by kind ("person", "agency", "group", ...): a path parameter `group_id` or a body
field `chair_agency_id` / `recipients` draws from its kind's pool. The pools start with the
seeded data and grow with what the generated calls create, so an operation added to the API
reaches its objects without changes here, as long as its names follow the API's conventions.
"""

import random
import re
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import hypothesis
import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import strategies as st
from schemathesis import Case
from schemathesis.core.parameters import ParameterLocation
from schemathesis.schemas import BaseSchema

from tests.conftest import BOOTSTRAP_KEY

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
TOKEN_KID = "schemathesis-k1"

ROLES = ("platform_admin", "agency_admin", "practitioner", "data_protection_officer")

# Body fields whose name does not end in `_id(s)`: the kind of id they hold.
FIELD_KINDS = {
    "subjects": "person",
    "given_by": "person",
    "agreed_by": "person",
    "holders": "agency",
    "recipients": "agency",
    "members": "agency",  # a group's member agencies (a family's members are objects)
    "holder_groups": "group",
    "recipient_groups": "group",
    "cites": "record",
    "decided_by": "practitioner",
    "social_worker_id": "practitioner",
}
# Objects of which a body takes exactly one (an answer shares or declines), and ids.
EXCLUSIVE_OBJECTS = (("share", "decline"),)
EXCLUSIVE_IDS = (("person_id", "family_id"), ("to_agency_id", "to_group_id"))
# Optional lists that narrow an object's reach and bring rules of their own (a decision naming
# its recipient practitioners needs its records and what they should do): mostly left empty.
NARROWING_LISTS = ("recipient_practitioners",)
# People whose agreement or consent counts for a child: the parent, or the child if competent.
ENTITLED_FIELDS = ("given_by", "agreed_by")
# Kinds whose generated creations are not pooled: new agencies are not the roles' own.
NOT_POOLED = {"agency"}
# Kinds not pooled from what answers mention (lists, `<kind>_id` keys): those would bring in
# the roles' own practitioners and keys (a generated PATCH or DELETE could lock a role out),
# and agencies, clients and people that are not the roles' own.
NOT_HARVESTED = {"agency", "practitioner", "key", "client", "person"}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def kind_of(name: str) -> str | None:
    """`subject_person_id` -> "person", `record_ids` -> "record", `holders` -> "agency"."""
    if name in FIELD_KINDS:
        return FIELD_KINDS[name]
    match = re.fullmatch(r"(?:\w+_)?([a-z]+)_ids?", name)
    return match.group(1) if match else None


@dataclass
class World:
    """What the seeded roles can see: the ids that generated cases are pointed at."""

    agency_id: str  # the roles' own agency
    keys: dict[str, str]  # role -> credential
    # kind -> ids. The "practitioner" pool never holds a role's own practitioner (a generated
    # PATCH may deactivate it); "agency" holds the roles' agency first, then two others.
    pools: dict[str, list[str]]
    api_keys: list[tuple[str, str]]  # (practitioner_id, key_id), of pooled practitioners
    members: dict[str, list[str]]  # family or group -> its current members
    parent: str  # an adult with parental responsibility for every other seeded person
    collections: dict[str, str]  # collection path template -> the kind of what it creates
    id_fields: dict[tuple[str, str], dict[str, str]]  # see id_fields_of
    # A machine client that only the token endpoint uses, with its private key.
    token_client_id: str
    token_key: Any
    token_practitioner_id: str
    token_url: str  # the assertion's audience
    # (person_id, status_id) of the child statuses the roles' agency (social care) recorded: a
    # status is reached under its own child's path.
    child_statuses: list[tuple[str, str]] = field(default_factory=list)

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}"}


def call(
    schema: BaseSchema,
    method: str,
    path: str,
    *,
    key: str,
    path_parameters: dict[str, str] | None = None,
    body: Any = None,
) -> Any:
    """One seeding request through schemathesis' own ASGI transport; returns the JSON answer."""
    operation = schema[path][method]
    kwargs: dict[str, Any] = {"path_parameters": path_parameters or {}}
    if body is not None:
        kwargs.update(body=body, media_type="application/json")
    response = operation.Case(**kwargs).call(headers={"Authorization": f"Bearer {key}"})
    assert response.status_code in (200, 201), (method, path, response.status_code, response.text)
    return response.json()


def collections_of(schema: BaseSchema) -> dict[str, str]:
    """`/groups` -> "group" when the API has `/groups/{group_id}`: what a POST there creates."""
    found = {}
    for path in schema.raw_schema.get("paths", {}):
        match = re.fullmatch(r"(.*)/\{([a-z_]+)_id\}", path)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def _is_uuid(prop: dict[str, Any]) -> bool:
    return prop.get("format") == "uuid" or any(_is_uuid(p) for p in prop.get("anyOf", []))


def id_fields_of(schema: BaseSchema) -> dict[tuple[str, str], dict[str, str]]:
    """(METHOD, path) -> the body's properties worth filling in, optional ones included
    (generated bodies often leave those out): name -> "list" or "one" (ids of its kind),
    "reason" (an optional `*_reason` text), "=value" (an optional enum's first value) or
    "object" (one of EXCLUSIVE_OBJECTS)."""
    raw = schema.raw_schema
    found: dict[tuple[str, str], dict[str, str]] = {}
    for path, item in raw.get("paths", {}).items():
        for method, operation in item.items():
            content = operation.get("requestBody", {}).get("content", {})
            ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
            body = raw.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[-1], {})
            fields = {}
            for name, prop in body.get("properties", {}).items():
                if (
                    kind_of(name)
                    and prop.get("type") == "array"
                    and _is_uuid(prop.get("items", {}))
                ):
                    fields[name] = "list"
                elif kind_of(name) and _is_uuid(prop):
                    fields[name] = "one"
                elif name.endswith("_reason") and {"type": "null"} in prop.get("anyOf", []):
                    fields[name] = "reason"
                elif enum := _nullable_enum(raw, prop):
                    fields[name] = enum
                elif any(name in pair for pair in EXCLUSIVE_OBJECTS):
                    fields[name] = "object"
            found[(method.upper(), path)] = fields
    return found


def _nullable_enum(raw: dict[str, Any], prop: dict[str, Any]) -> str | None:
    """The first value of an optional enum (`legal_basis`), which rules may ask for."""
    refs = [p.get("$ref", "") for p in prop.get("anyOf", [])]
    if {"type": "null"} not in prop.get("anyOf", []):
        return None
    for ref in refs:
        enum = raw.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[-1], {})
        if enum.get("enum"):
            return "=" + str(enum["enum"][0])
    return None


def seed(schema: BaseSchema, label: str, token_url: str) -> World:
    """An agency with an admin, a practitioner and a DPO (each with an API key), practitioners
    and keys to be changed, services, machine clients, people, relationships and families; two
    more agencies to share with, and what is shared (see _seed_sharing)."""
    platform = BOOTSTRAP_KEY

    def agency(name: str, kind: str) -> str:
        body = {"name": f"{label} {name}", "kind": kind, "sector": "statutory"}
        return str(call(schema, "POST", "/agencies", key=platform, body=body)["id"])

    # Children's social care: the agency kind that may also record a child's status.
    a = agency("social care", "social_care")
    others = [agency("health visiting", "health_visiting"), agency("school", "school")]

    def post(by: str, path: str, body: dict[str, Any], **params: str) -> dict[str, Any]:
        return dict(
            call(
                schema, "POST", path, key=by, path_parameters={"agency_id": a, **params}, body=body
            )
        )

    def practitioner(by: str, name: str, roles: list[str]) -> str:
        body = {"name": name, "job_title": "Schemathesis", "roles": roles}
        return str(post(by, "/agencies/{agency_id}/practitioners", body)["id"])

    def api_key(by: str, pid: str) -> tuple[str, str]:
        path = "/agencies/{agency_id}/practitioners/{practitioner_id}/api-keys"
        issued = post(by, path, {"label": "schemathesis"}, practitioner_id=pid)
        return str(issued["id"]), str(issued["key"])

    admin_id = practitioner(platform, "Ada Admin", ["agency_admin"])
    admin = api_key(platform, admin_id)[1]
    worker_id = practitioner(admin, "Pat Practitioner", ["practitioner", "authorised_worker"])
    dpo_id = practitioner(admin, "Dee DPO", ["data_protection_officer"])
    keys = {
        "platform_admin": platform,
        "agency_admin": admin,
        "practitioner": api_key(admin, worker_id)[1],
        "data_protection_officer": api_key(admin, dpo_id)[1],
    }

    # Admin-role ones too: the platform admin may only issue keys to agency administrators.
    victims = [practitioner(platform, f"Victim admin {i}", ["agency_admin"]) for i in range(2)]
    victims += [practitioner(admin, f"Victim {i}", ["practitioner"]) for i in range(2)]
    api_keys = [(pid, api_key(admin, pid)[0]) for pid in victims for _ in range(2)]

    services = [
        str(post(admin, "/agencies/{agency_id}/services", {"name": f"Team {i}"})["id"])
        for i in range(2)
    ]
    jwk = {"kty": "RSA", "kid": "k", "n": "AQAB", "e": "AQAB"}
    clients = [
        str(
            post(
                admin,
                "/agencies/{agency_id}/clients",
                {"name": f"System {i}", "jwks": {"keys": [jwk]}},
            )["id"]
        )
        for i in range(2)
    ]
    token_key = ec.generate_private_key(ec.SECP256R1())
    public = jwt.algorithms.ECAlgorithm.to_jwk(token_key.public_key(), as_dict=True)
    token_jwk = {**public, "kid": TOKEN_KID, "alg": "ES256", "use": "sig"}
    token_client = post(
        admin,
        "/agencies/{agency_id}/clients",
        {"name": "Token client", "jwks": {"keys": [token_jwk]}},
    )["id"]

    worker = keys["practitioner"]
    people = [
        str(
            post(
                worker,
                "/people",
                {
                    "given_name": name,
                    "family_name": "Doe",
                    "date_of_birth": f"{2012 + i}-0{i + 1}-15",
                    "nhs_number": nhs_number(i),
                    "reason": "Pupil at the school",
                },
            )["id"]
        )
        for i, name in enumerate(["Amy", "Ben", "Cal", "Dot", "Eve", "Fay"])
    ]
    for person in people[:2]:
        address = {"line1": "1 High Street", "town": "Hillside", "postcode": "HS1 1AA"}
        post(worker, "/people/{person_id}/addresses", address, person_id=person)
        competence = {"competent": True, "standard": "gillick", "assessed_on": "2025-09-01"}
        post(worker, "/people/{person_id}/competence", competence, person_id=person)
    siblings = {"person_id": people[0], "related_person_id": people[1], "kind": "sibling"}
    post(worker, "/relationships", siblings)
    # An adult with parental responsibility for every child: entitled to consent for them.
    parent_body = {"given_name": "Pam", "family_name": "Doe", "date_of_birth": "1985-05-05"}
    parent = str(post(worker, "/people", {**parent_body, "reason": "Parent of pupils"})["id"])
    for child in people:
        relationship = {
            "person_id": parent,
            "related_person_id": child,
            "kind": "parent",
            "parental_responsibility": True,
        }
        post(worker, "/relationships", relationship)
    people.append(parent)
    members = {}
    for i in range(3):
        in_family = people[2 * i : 2 * i + 3]
        family = post(
            worker,
            "/families",
            {"name": f"Household {i}", "members": [{"person_id": p} for p in in_family]},
        )
        members[str(family["id"])] = in_family
    world = World(
        agency_id=a,
        keys=keys,
        pools={
            "agency": [a, *others],
            "practitioner": victims,
            "service": services,
            "client": clients,
            "person": people,
            "family": list(members),
        },
        parent=parent,
        api_keys=api_keys,
        members=members,
        collections=collections_of(schema),
        id_fields=id_fields_of(schema),
        token_client_id=str(token_client),
        token_key=token_key,
        token_practitioner_id=worker_id,
        token_url=token_url,
    )
    if "/people/{person_id}/child-status/{status_id}/end" in schema.raw_schema.get("paths", {}):
        _seed_child_statuses(schema, world, worker, worker_id)
    _seed_sharing(schema, world, label)
    return world


def _seed_child_statuses(schema: BaseSchema, world: World, worker: str, worker_id: str) -> None:
    """Current statuses of the seeded children (two each), for generated calls to read and end."""
    known: set[str] = set()
    for i, child in enumerate(world.pools["person"][:4]):
        for start in ("2025-09-01", "2025-10-01"):
            answer = call(
                schema,
                "POST",
                "/people/{person_id}/child-status",
                key=worker,
                path_parameters={"person_id": child},
                body={
                    "status": ("child_in_need", "child_protection_plan")[i % 2],
                    "start_date": start,
                    "social_worker_id": worker_id,
                },
            )
            for status in answer:
                if status["id"] not in known:
                    known.add(status["id"])
                    world.child_statuses.append((child, status["id"]))


def nhs_number(i: int) -> str:
    """A valid NHS number (modulus 11 check digit), the i-th of a series."""
    while True:
        base = f"{940000000 + 7919 * i:09d}"
        check = 11 - sum(int(d) * w for d, w in zip(base, range(10, 1, -1), strict=True)) % 11
        if check != 10:
            return base + str(check % 11)
        i += 1000


def _seed_sharing(schema: BaseSchema, world: World, label: str) -> None:
    """Sharing between agencies: a group the roles' agency chairs, with a child on its agenda;
    consents; and a practitioner of another agency who registers the same children (by NHS
    number), asks the roles' agency about them (requests the roles can answer), answers its
    requests with shares (ones the roles can read and acknowledge), and refers the children to
    it (referrals the roles can accept or decline)."""
    paths = schema.raw_schema.get("paths", {})
    enums = {k: v.get("enum", []) for k, v in schema.raw_schema["components"]["schemas"].items()}
    admin, worker = world.keys["agency_admin"], world.keys["practitioner"]
    a, partner = world.agency_id, world.pools["agency"][1]
    children = world.pools["person"][:3]
    soon = (date.today() + timedelta(days=7)).isoformat()
    if "/groups" in paths:
        group = {
            "name": f"{label} team around the family",
            "kind": enums["GroupKind"][0],
            "chair_agency_id": a,
            "purposes": enums["Purpose"][:1],
            "legal_gateway": enums["LegalBasis"][0],
            "members": world.pools["agency"][1:],
        }
        created = call(schema, "POST", "/groups", key=admin, body=group)
        world.pools["group"] = [created["id"]]
        world.members[created["id"]] = [a, *world.pools["agency"][1:]]
        entry = {"person_id": children[0], "meeting_on": soon, "reason": "Attendance"}
        path = "/groups/{group_id}/agenda"
        call(
            schema,
            "POST",
            path,
            key=worker,
            path_parameters={"group_id": created["id"]},
            body=entry,
        )
    if "/consents" in paths:
        world.pools["consent"] = [
            call(
                schema,
                "POST",
                "/consents",
                key=worker,
                body={
                    "decision": "granted",
                    "subjects": [child],
                    # A competent child speaks for themselves, otherwise the parent.
                    "given_by": [child, world.parent],
                    "form": enums["ConsentForm"][0],
                    "recipients": [partner],
                    "purposes": enums["Purpose"][:1],
                },
            )["id"]
            for child in children
        ]
    if "/information-requests" not in paths:
        return
    platform = BOOTSTRAP_KEY

    def post(by: str, path: str, body: dict[str, Any], **params: str) -> dict[str, Any]:
        params = {"agency_id": partner, **params}
        return dict(call(schema, "POST", path, key=by, path_parameters=params, body=body))

    body = {"name": "Hugh Visitor", "job_title": "Health visitor", "roles": ["agency_admin"]}
    their_admin_id = str(post(platform, "/agencies/{agency_id}/practitioners", body)["id"])
    path = "/agencies/{agency_id}/practitioners/{practitioner_id}/api-keys"
    their_admin = str(
        post(platform, path, {"label": "seed"}, practitioner_id=their_admin_id)["key"]
    )
    body = {"name": "Hana Visitor", "job_title": "Health visitor", "roles": ["practitioner"]}
    their_id = str(post(their_admin, "/agencies/{agency_id}/practitioners", body)["id"])
    theirs = str(post(their_admin, path, {"label": "seed"}, practitioner_id=their_id)["key"])
    received = []
    for i, person in enumerate(children):
        # The NHS number links the registration to the same person.
        registration = {"given_name": "Linked", "nhs_number": nhs_number(i), "reason": label}
        assert post(theirs, "/people", registration)["id"] == person
        request = {
            "subject_person_id": person,
            "purpose": enums["Purpose"][0],
            "needed": "What the school knows of attendance",
            "due_by": (date.today() + timedelta(days=30)).isoformat(),
            "holders": [a],
        }
        received += [post(theirs, "/information-requests", request)["id"] for _ in range(2)]
        # The other way: the roles' agency asks, the other agency shares a record of its own.
        request = {**request, "needed": "Health visiting contacts", "holders": [partner]}
        asked = call(schema, "POST", "/information-requests", key=worker, body=request)
        record = {
            "subject_person_id": person,
            "category": enums["Category"][0],
            "level": enums["Level"][0],
            "summary": "Seen at home",
            "occurred_on": "2025-10-01",
        }
        share = {
            "record_ids": [post(theirs, "/records", record)["id"]],
            "why": "You asked",
            "action_expected": "Read it",
            "without_consent": {
                "legal_basis": enums["LegalBasis"][0],
                "reasons": "Safeguarding",
                "consent_sought": True,
                "subject_told": True,
                "article9_condition": enums["Article9Condition"][0],
            },
        }
        path = "/information-requests/{request_id}/answers"
        post(theirs, path, {"share": share}, request_id=asked["id"])
    world.pools["request"] = received
    if "/referrals" in paths:
        # Referrals to the roles' agency: to accept, decline or acknowledge.
        referral = {
            "to_agency_id": a,
            "purpose": enums["Purpose"][0],
            "reason": "Concerns about attendance",
            "action_expected": "Please assess",
            "feedback_by": (date.today() + timedelta(days=14)).isoformat(),
        }
        world.pools["referral"] = [
            post(theirs, "/referrals", {**referral, "subject_person_ids": [child]})["id"]
            for child in children
            for _ in range(5)  # accepting one (which comes first) leaves it no one to decline
        ]
    if "/involvements/{involvement_id}/end" in paths:
        _seed_follow_ups(schema, world, label)


def _seed_follow_ups(schema: BaseSchema, world: World, label: str) -> None:
    """People of the roles' own, whose involvements generated calls may end, and follow-up
    arrangements the practitioner role monitors (to accept, and to record failed contacts)."""
    worker = world.keys["practitioner"]
    people = [
        call(
            schema,
            "POST",
            "/people",
            key=worker,
            body={"given_name": f"{label} closing {i}", "reason": "Seeded to be closed"},
        )["id"]
        for i in range(8)
    ]
    involvements = [
        call(
            schema,
            "GET",
            "/people/{person_id}/involvements",
            key=worker,
            path_parameters={"person_id": p},
        )[0]["id"]
        for p in people
    ]
    follow_up = {
        "reason": "Assessment complete",
        "concerns_remain": True,
        "follow_up": {
            "monitor_practitioner_id": world.token_practitioner_id,
            "review_on": (date.today() + timedelta(days=14)).isoformat(),
            "what": "Visit and report any concern",
        },
    }
    for involvement in involvements[:4]:
        call(
            schema,
            "POST",
            "/involvements/{involvement_id}/end",
            key=worker,
            path_parameters={"involvement_id": involvement},
            body=follow_up,
        )
    alerts = call(schema, "GET", "/alerts", key=worker)
    world.pools["follow_up"] = [a["object_id"] for a in alerts if a["object_type"] == "follow_up"]
    world.pools["involvement"] = involvements[4:]


def _chance(rng: random.Random, percent: int) -> bool:
    return rng.randrange(100) < percent


def _draw_id(rng: random.Random, world: World, kind: str) -> str | None:
    pool = world.pools.get(kind)
    if not pool:
        return None
    if kind == "agency" and _chance(rng, 60):
        return world.agency_id
    return str(rng.choice(pool))


def point_at_world(case: Case[Any], data: st.DataObject, world: World) -> None:
    """Mostly replaces generated ids with ones the roles can see, and supplies the preconditions
    a random value almost never meets (If-Match, a valid cursor, a signed client assertion).

    A negative case keeps its invalid parts as generated: only its valid parts are changed, so
    it still reaches the resource with the invalid input.
    """
    # One draw: the choices below depend on the pools, which grow, and Hypothesis wants every
    # example to draw alike.
    rng = random.Random(data.draw(st.integers(0, 2**32 - 1)))
    meta = case.meta
    keep = {loc for loc in ParameterLocation if meta is not None and meta.is_negative_at(loc)}
    params = case.path_parameters
    if params and ParameterLocation.PATH not in keep:
        _point_path_at_world(case.path, params, rng, world)
        case.path_parameters = params

    names = {p.name for p in case.operation.headers}
    if ParameterLocation.HEADER not in keep:
        if "If-Match" in names and _chance(rng, 75):
            case.headers["If-Match"] = "*"
        if "Idempotency-Key" in case.headers and _chance(rng, 70):
            # Generated keys repeat ("0"); reusing one for another request is (rightly) a 422.
            case.headers["Idempotency-Key"] = uuid.uuid4().hex

    query = case.query
    if query and ParameterLocation.QUERY not in keep:
        if "cursor" in query and _chance(rng, 70):
            # A random string is (rightly) not a cursor this API gave out.
            del query["cursor"]
        for name, value in list(query.items()):
            kind = kind_of(name)
            if kind and isinstance(value, str) and _chance(rng, 70):
                query[name] = _draw_id(rng, world, kind) or value
            elif isinstance(value, int) and value > 50 and _chance(rng, 50):
                # Small numbers are likelier to name what exists (audit entry ids, log sizes).
                query[name] = rng.randint(1, 50)
        case.query = query

    body = case.body
    if isinstance(body, dict) and ParameterLocation.BODY not in keep:
        if case.path == "/oauth2/token":
            if _chance(rng, 60):
                body.update(
                    grant_type="client_credentials",
                    client_assertion_type=JWT_BEARER,
                    client_assertion=client_assertion(world),
                    practitioner_id=world.token_practitioner_id,
                )
        else:
            fields = world.id_fields.get((case.method.upper(), case.path), {})
            for name, shape in fields.items():
                if shape == "list" and name not in body and _chance(rng, 60):
                    body[name] = []  # filled in below
                # Optional details that rules may ask for ("say why consent was not sought").
                elif shape == "reason" and not body.get(name) and _chance(rng, 50):
                    body[name] = "Schemathesis reason"
                elif shape.startswith("=") and body.get(name) is None and _chance(rng, 50):
                    body[name] = shape[1:]
            for pair in EXCLUSIVE_IDS:
                if set(pair) <= set(fields) and _chance(rng, 80):
                    # Bodies naming a person or a family (an agency or a group): one of them.
                    one = rng.choice(pair)
                    other = pair[1] if one == pair[0] else pair[0]
                    body[one], body[other] = _draw_id(rng, world, kind_of(one) or ""), None
            for name in NARROWING_LISTS:
                if body.get(name) and _chance(rng, 95):
                    body[name] = []
            _exactly_one_object(body, rng, fields)
            _point_body_at_world(body, rng, world, case.path_parameters)
            if _chance(rng, 80):
                _give_reasons(body)
        case.body = body


def _exactly_one_object(
    body: dict[str, Any], rng: random.Random, properties: dict[str, str]
) -> None:
    for pair in EXCLUSIVE_OBJECTS:
        if not set(pair) <= set(properties) or not _chance(rng, 95):
            continue
        given = [name for name in pair if isinstance(body.get(name), dict)]
        # None given: Hypothesis tries another example (it does not count towards the budget).
        hypothesis.assume(given)
        if len(given) == 2:
            body[rng.choice(pair)] = None


# A flag that, when false, needs its reason.
REASON_FOR = {"consent_sought": "consent_not_sought_reason", "subject_told": "not_told_reason"}


def _give_reasons(value: Any) -> None:
    """Fills in the optional `*_reason` texts, at any depth ("say why you did not tell")."""
    if isinstance(value, dict):
        for flag, reason in REASON_FOR.items():
            if value.get(flag) is False and not value.get(reason):
                value[reason] = "Schemathesis reason"
        for name, item in value.items():
            if name.endswith("_reason") and item is None:
                value[name] = "Schemathesis reason"
            else:
                _give_reasons(item)


def _point_path_at_world(
    path: str, params: dict[str, Any], rng: random.Random, world: World
) -> None:
    for name in list(params):
        kind = kind_of(name)
        if kind and _chance(rng, 85):
            if kind == "agency" and path.startswith("/agencies/"):
                params[name] = world.agency_id
            else:
                params[name] = _draw_id(rng, world, kind) or params[name]
    if "status_id" in params and world.child_statuses and _chance(rng, 85):
        params["person_id"], params["status_id"] = rng.choice(world.child_statuses)
    if "key_id" in params and world.api_keys and _chance(rng, 85):
        params["practitioner_id"], params["key_id"] = rng.choice(world.api_keys)
    # /families/{family_id}/members/{person_id}, /groups/{group_id}/members/{agency_id}
    match = re.fullmatch(r"/\w+/\{(\w+)\}/members/\{(\w+)\}", path)
    if match and _chance(rng, 85):
        parent, member = match.groups()
        known = [p for p in world.members if p in world.pools.get(kind_of(parent) or "", [])]
        if known:
            params[parent] = rng.choice(known)
            # The roles' agency stays in its groups (the agenda needs it).
            others = [m for m in world.members[params[parent]] if m != world.agency_id]
            if others:
                params[member] = rng.choice(others)


def _point_body_at_world(
    body: dict[str, Any], rng: random.Random, world: World, params: dict[str, Any]
) -> None:
    for name, value in list(body.items()):
        kind = kind_of(name)
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            # A family's members: objects naming a person each, all different.
            for item_name in {k for item in value for k in item}:
                item_kind = kind_of(item_name)
                pool = world.pools.get(item_kind or "", [])
                if pool and _chance(rng, 85):
                    ids = rng.sample(pool, len(pool))
                    del value[len(ids) :]
                    for item, new in zip(value, ids, strict=False):
                        if item_name in item:
                            item[item_name] = new
        elif kind is None or value is None or not _chance(rng, 90):
            continue
        elif isinstance(value, str):
            body[name] = _draw_id(rng, world, kind) or value
        elif isinstance(value, list):
            # Ids of the kind the roles can see (none while nothing of the kind exists yet); an
            # empty list gets some too, as "name at least one recipient" rules want.
            pool = world.pools.get(kind, [])
            ids = rng.sample(pool, len(pool))
            wanted = len(value) or rng.randint(1, 2)
            body[name] = list(ids[:wanted])
    for name in ENTITLED_FIELDS:
        if name in body and _chance(rng, 50):
            # The parent of every seeded child; and the children, who speak for themselves
            # when competent.
            children = [*body.get("subjects", []), params.get("person_id")]
            body[name] = list(dict.fromkeys([world.parent, *filter(None, children)]))[:5]
    # Random strings are (rightly) refused by the NHS number check digit, dates by their rules.
    past, future = "2025-10-01", (date.today() + timedelta(days=14)).isoformat()
    for name, good in (
        ("nhs_number", None),
        ("expires_at", None),
        ("assessed_on", past),
        ("occurred_on", past),
        ("agreed_on", past),
        ("due_by", future),
        ("feedback_by", future),
        ("meeting_on", future),
        ("end_date", None),  # a child status ends today by default
        ("given_at", None),
        ("date_of_birth", "2016-04-01"),
    ):
        if name in body and _chance(rng, 60):
            body[name] = good


def client_assertion(world: World) -> str:
    now = int(time.time())
    claims = {
        "iss": world.token_client_id,
        "sub": world.token_client_id,
        "aud": world.token_url,
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + 120,
    }
    return jwt.encode(claims, world.token_key, algorithm="ES256", headers={"kid": TOKEN_KID})


def note_answer(world: World, case: Case[Any], status: int, body: Any) -> None:
    """Pools the ids an answer names, and keeps memberships current."""
    if not 200 <= status < 300:
        return
    method, kind = case.method.upper(), world.collections.get(case.path)
    if method == "POST" and status == 201 and isinstance(body, dict) and "id" in body:
        # (200, not 201: POST /families/{id}/members answers with the family.)
        if kind == "key" and "practitioner_id" in body:
            world.api_keys.append((str(body["practitioner_id"]), str(body["id"])))
        elif kind and kind not in NOT_POOLED:
            _pool(world, kind, body["id"])
    listed = body.get("items") if method == "GET" and isinstance(body, dict) else None
    if isinstance(listed, list) and kind and kind not in NOT_HARVESTED:
        for item in listed:
            if isinstance(item, dict):
                _pool(world, kind, item.get("id"))
    _harvest(world, body)
    if isinstance(body, dict) and "id" in body and isinstance(body.get("members"), list):
        current = []
        for m in body["members"]:
            if isinstance(m, str):
                current.append(m)
            elif isinstance(m, dict) and not m.get("left_at"):
                current += [str(v) for k, v in m.items() if k in ("person_id", "agency_id")]
        world.members[str(body["id"])] = current


def _harvest(world: World, value: Any) -> None:
    """Pools the ids that `<kind>_id` keys name anywhere in an answer (a share's request_id)."""
    if isinstance(value, list):
        for item in value:
            _harvest(world, item)
    elif isinstance(value, dict):
        for name, item in value.items():
            kind = kind_of(name) if name.endswith("_id") else None
            if kind and kind not in NOT_HARVESTED:
                _pool(world, kind, item)
            elif isinstance(item, dict | list):
                _harvest(world, item)


def _pool(world: World, kind: str, value: Any) -> None:
    if isinstance(value, str) and UUID.fullmatch(value):
        pool = world.pools.setdefault(kind, [])
        if value not in pool:
            pool.append(value)


@dataclass
class Tally:
    """Status codes per (operation, role), and the check failures found."""

    statuses: dict[str, dict[str, Counter[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Counter))
    )
    # (operation, failure code, status, known bug or None) -> what each occurrence saw
    failures: dict[tuple[str, str, int, str | None], list[str]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def count(self, operation: str, role: str, status: int | str) -> None:
        self.statuses[operation][role][str(status)] += 1

    def answers(self, operation: str, role: str) -> Counter[str]:
        return self.statuses.get(operation, {}).get(role, Counter())

    def succeeded(self, operation: str) -> list[str]:
        """The roles that got at least one 2xx answer."""
        return [
            role
            for role, counts in self.statuses.get(operation, {}).items()
            if any(s.startswith("2") for s in counts)
        ]

    def table(self, operations: list[str]) -> str:
        width = max(len(o) for o in operations)
        lines = [f"{'operation':<{width}}  " + "  ".join(f"{r:<26}" for r in ROLES)]
        for operation in operations:
            cells = []
            for role in ROLES:
                counts = self.answers(operation, role)
                cells.append(" ".join(f"{s}x{n}" for s, n in sorted(counts.items())) or "-")
            lines.append(f"{operation:<{width}}  " + "  ".join(f"{c:<26}" for c in cells))
        return "\n".join(lines)
