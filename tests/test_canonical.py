"""The audit body's canonical JSON: the fast path writes exactly what rfc8785 writes."""

import json

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from app import canonical

# Keys and strings from all of Unicode (lone surrogates included), numbers beyond 2**53 and
# floats: values the fast path must either encode exactly as rfc8785 does or hand to it.
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**60), max_value=2**60)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
    | st.sampled_from(['\x00\x1f\x7f"\\\b\f\n\r\t', "\u2028\u2029", "\ud800", "\U0001f600"])
)
keys = st.text() | st.sampled_from(["\ue000", "\U0001f600", "a", "B", "_"])
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4)
)


def outcome(fn, value):  # type: ignore[no-untyped-def]
    try:
        return fn(value)
    except Exception as exc:  # compared, not swallowed
        return type(exc)


@settings(max_examples=2000, deadline=None)
@given(values)
def test_the_fast_path_writes_what_rfc8785_writes(value: object) -> None:
    assert outcome(canonical.dumps, value) == outcome(rfc8785.dumps, value)


def test_an_audit_body_takes_the_fast_path_and_round_trips() -> None:
    body = {"b": [1, True, None], "a": "Zoë \n", "detail": {"withheld": 3, "ids": ["x"]}}
    assert canonical._plain(body)
    out = canonical.dumps(body)
    assert out == rfc8785.dumps(body)
    assert out.startswith(b'{"a":"Zo\xc3\xab \\n","b":[1,true,null]')
    assert json.loads(out) == body


@pytest.mark.parametrize(
    "value",
    [2**53, 1.5, {"\U0001f600": 1, "\ue000": 2}, ("tuple",), "\ud800"],
)
def test_what_json_would_write_differently_goes_to_rfc8785(value: object) -> None:
    assert outcome(canonical.dumps, value) == outcome(rfc8785.dumps, value)
