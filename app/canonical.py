"""Canonical JSON (RFC 8785, JCS): the bytes an audit entry's body is stored and hashed as.

`rfc8785` is pure Python and cost about 34 µs an entry (this path: 11 µs). For the values
audit bodies hold (strings, booleans, null, integers, lists, objects with ASCII keys) the
standard library's encoder, with sorted keys and no spaces, writes the same bytes; anything
else goes to `rfc8785`.
`tests/test_canonical.py` checks the two agree on generated values."""

import json
from typing import Any

import rfc8785

# RFC 8785 writes numbers as IEEE doubles: an integer beyond this is not exact (rfc8785 refuses it).
_MAX_EXACT = 2**53 - 1


def _plain(value: Any) -> bool:
    """Whether json.dumps writes `value` as RFC 8785 does. ASCII keys: Python sorts keys by code
    point, RFC 8785 by UTF-16 code unit; the two orders agree on ASCII."""
    t = type(value)
    if t is str or t is bool or value is None:
        return True
    if t is int:
        return bool(-_MAX_EXACT <= value <= _MAX_EXACT)
    if t is dict:
        return all(type(k) is str and k.isascii() and _plain(v) for k, v in value.items())
    if t is list:
        return all(_plain(v) for v in value)
    return False


def dumps(value: Any) -> bytes:
    """The RFC 8785 bytes of `value`."""
    if _plain(value):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        try:
            return text.encode()
        except UnicodeEncodeError:  # a lone surrogate: rfc8785 decides what that is
            pass
    return rfc8785.dumps(value)
