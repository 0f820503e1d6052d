"""Schemathesis over the whole OpenAPI, as each seeded role, in-process through the ASGI app.

Every operation is called as each role (platform admin, agency admin, practitioner, data
protection officer) with generated data, positive and negative, mostly pointed at ids that role
can see (tests/schemathesis_support.py). Every answer passes CHECKS, and every operation gets a
2xx from at least one role: the status counts per operation and role are printed, so an API
refusing everything cannot pass. Deterministic: each Hypothesis run has a fixed seed.
"""

import time
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import hypothesis
import hypothesis.errors
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode, Response
from schemathesis.core.failures import FailureGroup
from schemathesis.python.asgi import shutdown_lifespans

from app.config import Settings
from app.main import create_app
from tests.conftest import FreshDatabase
from tests.schemathesis_support import ROLES, Tally, World, note_answer, point_at_world, seed

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.negative_data_rejection,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
]

# Examples per operation (about 25: some 35 s of CPU for 84 operations). Each role first
# gets PROBE positive ones; a role refused them all (401/403) gets one negative example more
# and no others. The first role of PREFERENCE that was not refused gets MAIN examples more,
# (positive, negative); the other roles get OTHER; EXTRA if still no role got a 2xx.
PROBE = 2
MAIN = (7, 4)
OTHER = (1, 1)
EXTRA = 40  # positive examples more for the main role when no role got a 2xx yet
PREFERENCE = ("practitioner", "agency_admin", "data_protection_officer", "platform_admin")

# Operations no generated call can reach, each with the test that covers it instead. Empty: the
# token endpoint is reached too, with a signed client assertion the test puts in the form.
UNREACHABLE: dict[str, str] = {}


@dataclass(frozen=True)
class KnownBug:
    """Failures (schemathesis codes, at a status) that an open app bug explains."""

    codes: frozenset[str]
    statuses: frozenset[int]
    explains: Callable[[Case[Any], Response | None], bool]  # None: the app raised


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _bad_datetime(value: Any) -> bool:
    """A date-time that leaves datetime's range once made UTC ("9999-12-31T23:59:59-12:00")."""
    if isinstance(value, dict):
        return any(_bad_datetime(v) for v in value.values())
    if isinstance(value, list):
        return any(_bad_datetime(v) for v in value)
    if not isinstance(value, str) or "T" not in value:
        return False
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    try:
        parsed.astimezone(UTC)
    except OverflowError:
        return True
    return False


# App bugs this test finds, tolerated ONLY until their fix lands: then delete the entry. Their
# failures are still counted and printed; any other failure fails the test.
# Failures an open app bug explains, each matched narrowly; delete an entry once it is fixed.
# (Fixed since: undocumented 400 for a non-UTF-8 body, 500 for U+0000 on PostgreSQL, 500 for a
# date-time that leaves the range in UTC.)
KNOWN_APP_BUGS: dict[str, KnownBug] = {}


def known_bug(code: str, case: Case[Any], response: Response | None) -> str | None:
    status = 500 if response is None else response.status_code
    for name, bug in KNOWN_APP_BUGS.items():
        if code in bug.codes and status in bug.statuses and bug.explains(case, response):
            return name
    return None


def _run_operation(
    operation: Any,
    mode: GenerationMode,
    schedule: list[str],
    world: World,
    tally: Tally,
    stage: str,
) -> None:
    """One Hypothesis run: the n-th example is sent as the role schedule[n]."""
    if not schedule:
        return
    label = operation.label
    sent = 0

    @hypothesis.seed(zlib.crc32(f"{label} {mode.value} {stage}".encode()))
    @hypothesis.settings(
        max_examples=len(schedule),
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    def run(case: Any, data: st.DataObject) -> None:
        nonlocal sent
        # The n-th call is schedule[n]'s. The draw gives Hypothesis room for len(schedule)
        # distinct examples, when the operation itself has nothing to vary (GET /me).
        data.draw(st.integers(0, len(schedule) - 1))
        role = schedule[sent % len(schedule)]
        sent += 1
        auth = world.headers(role)
        point_at_world(case, data, world)
        try:
            response = case.call(headers=auth)
        except Exception as exc:  # the app raised: a server error in all but name
            tally.count(label, role, "EXC")
            key = (label, type(exc).__name__, 500, known_bug(type(exc).__name__, case, None))
            tally.failures[key].append(f"{role} ({mode.value}): {exc!r}\n{case!r}")
            return
        tally.count(label, role, response.status_code)
        try:
            body = response.json() if response.content else None
        except ValueError:
            body = None
        note_answer(world, case, response.status_code, body)
        try:
            case.validate_response(response, checks=CHECKS, headers=auth)
        except FailureGroup as group:
            for failure in group.exceptions:
                code = str(getattr(failure, "code", None) or type(failure).__name__)
                bug = known_bug(code, case, response)
                key = (label, code, response.status_code, bug)
                tally.failures[key].append(f"{role} ({mode.value}):\n{group}")

    try:
        run()
    except hypothesis.errors.Unsatisfiable:
        # Nothing to negate (no parameters, no body): no negative case exists.
        assert mode is GenerationMode.NEGATIVE, label


def _run_everything_on(operation: Any, world: World, tally: Tally) -> None:
    label = operation.label
    positive, negative = GenerationMode.POSITIVE, GenerationMode.NEGATIVE
    _run_operation(operation, positive, list(ROLES) * PROBE, world, tally, "probe")
    refused = [role for role in ROLES if set(tally.answers(label, role)) <= {"401", "403"}]
    main = next((role for role in PREFERENCE if role not in refused), None)
    others = [role for role in ROLES if role != main and role not in refused]
    _run_operation(
        operation,
        positive,
        [main] * MAIN[0] + others * OTHER[0] if main else [],
        world,
        tally,
        "more",
    )
    schedule = ([main] * MAIN[1] if main else []) + others * OTHER[1] + refused
    _run_operation(operation, negative, schedule, world, tally, "more")
    if main is not None and not tally.succeeded(label):
        # Random data rarely meets this operation's rules between fields: try harder, once.
        _run_operation(operation, positive, [main] * EXTRA, world, tally, "extra")


def test_schemathesis_every_operation_as_every_role(
    settings: Settings,
    fresh_database: FreshDatabase,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    started = time.perf_counter()
    # A database of its own (migrated by the fixture): what the generated calls commit stays
    # out of the other tests' way.
    url = fresh_database.url
    # The app owns its engine: schemathesis runs the app on its own event-loop thread, and the
    # app's lifespan disposes of the engine there.
    app = create_app(settings.model_copy(update={"database_url": url}))
    try:
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        # Each role's credential is sent by the test, not generated.
        schema.config.generation.update(with_security_parameters=False)
        world = seed(schema, f"Schemathesis {uuid.uuid4().hex[:8]}", settings.token_url)
        seeded = time.perf_counter()
        operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
        tally = Tally()
        for operation in operations:
            _run_everything_on(operation, world, tally)
    finally:
        shutdown_lifespans()
    finished = time.perf_counter()

    labels = [operation.label for operation in operations]
    lines = [
        f"schemathesis: {len(labels)} operations x {len(ROLES)} roles, seeded in "
        f"{seeded - started:.1f}s, ran in {finished - seeded:.1f}s; status x count per "
        "operation and role:",
        tally.table(labels),
    ]
    lines += [
        f"not reachable by a generated call: {op} (covered by {test})"
        for op, test in UNREACHABLE.items()
    ]
    lines.append(
        "POST /oauth2/token is reached with a client assertion the test signs "
        "(tests/schemathesis_support.py client_assertion)"
    )
    lines += [
        f"KNOWN APP BUG ({bug}): {label} {code} {status} x{len(found)}"
        for (label, code, status, bug), found in sorted(tally.failures.items(), key=str)
        if bug is not None
    ]
    (tmp_path / "schemathesis-status-counts.txt").write_text("\n".join(lines) + "\n")
    with capsys.disabled():  # shown by `pytest -q` too
        print("\n" + "\n".join(lines))

    unexpected = {key: found for key, found in tally.failures.items() if key[3] is None}
    report = "\n\n".join(
        f"{label} [{code}, status {status}] x{len(found)}, first:\n{found[0]}"
        for (label, code, status, _), found in sorted(unexpected.items(), key=str)
    )
    assert not unexpected, f"schemathesis found {len(unexpected)} problem(s):\n{report}"

    missing = [label for label in labels if label not in UNREACHABLE and not tally.succeeded(label)]
    assert not missing, f"no role got a 2xx from: {missing}"
    assert set(UNREACHABLE) <= set(labels), "UNREACHABLE names an operation the API lacks"
