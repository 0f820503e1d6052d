"""Signed checkpoints: the audit tree's size and root at a moment, signed with Ed25519.

A checkpoint is meant to leave the database (printed, e-mailed to the data protection officer,
kept with the minutes): whoever holds one can later ask for a consistency proof and check that the
log still extends what they were shown, so a rewrite by someone with database access shows up.

The signed bytes are a small line-based text, not JSON, so that they can be re-created exactly
from the fields in any language without a canonicalisation library. Four ASCII lines, each ending
in a single newline:

    confer-audit-checkpoint/v1
    <size, decimal>
    <root, standard base64 with padding>
    <issued_at, UTC, YYYY-MM-DDTHH:MM:SS.ffffffZ>

A change to this layout needs a new first line; verifiers compare it exactly.
"""

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.merkle import HASH_SIZE

FORMAT = "confer-audit-checkpoint/v1"
_SIGNATURE_SIZE = 64
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError(f"{what} is not valid base64") from exc


def format_time(moment: datetime) -> str:
    # Always UTC with microseconds, so one instant has exactly one text and one signature.
    return moment.astimezone(UTC).strftime(_TIME_FORMAT)


@dataclass(frozen=True, slots=True)
class Checkpoint:
    size: int
    root: bytes
    issued_at: datetime
    key_id: str
    signature: bytes

    def __post_init__(self) -> None:
        if isinstance(self.size, bool) or not isinstance(self.size, int) or self.size < 0:
            raise ValueError("size must be a non-negative integer")
        if not isinstance(self.root, bytes) or len(self.root) != HASH_SIZE:
            raise ValueError(f"root must be {HASH_SIZE} bytes")
        if not isinstance(self.issued_at, datetime):
            raise ValueError("issued_at must be a datetime")
        if self.issued_at.tzinfo is None or self.issued_at.utcoffset() is None:
            raise ValueError("issued_at must be timezone-aware")
        # Normalised so that equality, JSON and signed text all agree after a roundtrip.
        object.__setattr__(self, "issued_at", self.issued_at.astimezone(UTC))

    def signed_text(self) -> bytes:
        return f"{FORMAT}\n{self.size}\n{_b64(self.root)}\n{format_time(self.issued_at)}\n".encode(
            "ascii"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "size": self.size,
            "root": _b64(self.root),
            "issued_at": format_time(self.issued_at),
            "key_id": self.key_id,
            "signature": _b64(self.signature),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Checkpoint":
        if data.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} checkpoint")
        try:
            size, root, issued_at = data["size"], data["root"], data["issued_at"]
            key_id, signature = data["key_id"], data["signature"]
        except KeyError as exc:
            raise ValueError(f"checkpoint lacks {exc.args[0]!r}") from exc
        if not all(isinstance(v, str) for v in (root, issued_at, key_id, signature)):
            raise ValueError("checkpoint fields root, issued_at, key_id, signature must be strings")
        try:
            moment = datetime.strptime(issued_at, _TIME_FORMAT).replace(tzinfo=UTC)
        except ValueError as exc:
            raise ValueError("issued_at must look like 2026-01-31T12:00:00.000000Z") from exc
        return cls(
            size=size,
            root=_unb64(root, "root"),
            issued_at=moment,
            key_id=key_id,
            signature=_unb64(signature, "signature"),
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> "Checkpoint":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError("checkpoint is not JSON") from exc
        if not isinstance(data, dict):
            raise ValueError("checkpoint must be a JSON object")
        return cls.from_dict(data)


def key_id_for(public_key: Ed25519PublicKey) -> str:
    # Names the key in exported checkpoints so a verifier can pick it from several (rotation).
    return hashlib.sha256(public_key.public_bytes_raw()).hexdigest()[:16]


def sign_checkpoint(
    size: int, root: bytes, private_key: Ed25519PrivateKey, issued_at: datetime
) -> Checkpoint:
    unsigned = Checkpoint(
        size=size,
        root=root,
        issued_at=issued_at,
        key_id=key_id_for(private_key.public_key()),
        signature=b"",
    )
    return Checkpoint(
        size=unsigned.size,
        root=unsigned.root,
        issued_at=unsigned.issued_at,
        key_id=unsigned.key_id,
        signature=private_key.sign(unsigned.signed_text()),
    )


def verify_checkpoint(cp: Checkpoint, public_key: Ed25519PublicKey) -> bool:
    if cp.key_id != key_id_for(public_key) or len(cp.signature) != _SIGNATURE_SIZE:
        return False
    try:
        public_key.verify(cp.signature, cp.signed_text())
    except InvalidSignature:
        return False
    return True


def generate_signing_key() -> str:
    """A new private key as base64 of its 32 raw bytes: the form kept in settings/secrets."""
    return _b64(Ed25519PrivateKey.generate().private_bytes_raw())


def load_signing_key(encoded: str) -> Ed25519PrivateKey:
    raw = _unb64(encoded.strip(), "signing key")
    if len(raw) != 32:
        raise ValueError("signing key must be base64 of 32 raw Ed25519 bytes")
    return Ed25519PrivateKey.from_private_bytes(raw)


def public_key_text(public_key: Ed25519PublicKey) -> str:
    """Base64 of the 32 raw public key bytes: what to hand a verifier along with checkpoints."""
    return _b64(public_key.public_bytes_raw())


def load_public_key(encoded: str) -> Ed25519PublicKey:
    raw = _unb64(encoded.strip(), "public key")
    if len(raw) != 32:
        raise ValueError("public key must be base64 of 32 raw Ed25519 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)
