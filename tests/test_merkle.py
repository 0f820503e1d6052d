"""RFC 9162 Merkle tree and signed checkpoints: published vectors, an exhaustive sweep of small
trees against a literal transcription of the RFC's recursive definitions, and hypothesis
invariants. Pure functions, so plain sync tests with no fixtures."""

import base64
import hashlib
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from app.checkpoint import (
    FORMAT,
    Checkpoint,
    generate_signing_key,
    key_id_for,
    load_public_key,
    load_signing_key,
    public_key_text,
    sign_checkpoint,
    verify_checkpoint,
)
from app.merkle import (
    EMPTY_ROOT,
    TreeBuilder,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)

VECTORS = Path(__file__).parent / "data" / "rfc9162"

# The RFC 6962 reference tree behind the vectors' happy paths (transparency-dev/merkle tests).
REFERENCE_LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
REFERENCE_ROOTS = [
    bytes.fromhex(h)
    for h in [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]
]
REFERENCE_HASHES = [leaf_hash(d) for d in REFERENCE_LEAVES]

SWEEP = 64
SWEEP_HASHES = [leaf_hash(b"leaf-%d" % i) for i in range(SWEEP)]


def b64(text: str) -> bytes:
    return base64.b64decode(text)


def load_vectors(kind: str) -> list[Any]:
    files = sorted((VECTORS / kind).rglob("*.json"))
    assert files, f"no {kind} vectors under {VECTORS}"
    return [pytest.param(json.loads(f.read_text()), id=str(f.relative_to(VECTORS))) for f in files]


def flipped(proof: list[bytes], i: int) -> list[bytes]:
    wrong = list(proof)
    wrong[i] = bytes([wrong[i][0] ^ 1]) + wrong[i][1:]
    return wrong


# --- the RFC's recursive definitions, transcribed literally, as an independent oracle ---


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d: list[bytes]) -> bytes:
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return d[0]
    k = _k(len(d))
    return node_hash(mth(d[:k]), mth(d[k:]))


def path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return [*path(m, d[:k]), mth(d[k:])]
    return [*path(m - k, d[k:]), mth(d[:k])]


def subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    if m == len(d):
        return [] if b else [mth(d)]
    k = _k(len(d))
    if m <= k:
        return [*subproof(m, d[:k], b), mth(d[k:])]
    return [*subproof(m - k, d[k:], False), mth(d[:k])]


# --- hashes and tree heads ---


def test_hashes_are_domain_separated_sha256():
    assert leaf_hash(b"") == REFERENCE_ROOTS[0]
    assert leaf_hash(b"x") == hashlib.sha256(b"\x00x").digest()
    assert (
        node_hash(b"a" * 32, b"b" * 32) == hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest()
    )


def test_empty_tree_root_is_sha256_of_nothing():
    assert root_from_leaf_hashes([]) == EMPTY_ROOT == hashlib.sha256(b"").digest()
    assert TreeBuilder().root() == EMPTY_ROOT
    assert TreeBuilder().size == 0


def test_reference_tree_roots():
    builder = TreeBuilder()
    for n, h in enumerate(REFERENCE_HASHES, start=1):
        builder.append(h)
        assert builder.size == n
        assert builder.root() == REFERENCE_ROOTS[n - 1]
        assert root_from_leaf_hashes(REFERENCE_HASHES[:n]) == REFERENCE_ROOTS[n - 1]


def test_builder_rejects_a_leaf_hash_of_the_wrong_size():
    with pytest.raises(ValueError):
        TreeBuilder().append(b"short")


def test_builder_root_does_not_disturb_appending():
    builder = TreeBuilder()
    for n, h in enumerate(SWEEP_HASHES, start=1):
        builder.append(h)
        builder.root()
        assert builder.root() == mth(SWEEP_HASHES[:n])


# --- published vectors ---


@pytest.mark.parametrize("v", load_vectors("inclusion"))
def test_inclusion_vector(v: dict[str, Any]):
    proof = [b64(p) for p in v["proof"] or []]
    ok = verify_inclusion(v["leafIdx"], v["treeSize"], b64(v["leafHash"]), proof, b64(v["root"]))
    assert ok is not v["wantErr"], v["desc"]


@pytest.mark.parametrize("v", load_vectors("consistency"))
def test_consistency_vector(v: dict[str, Any]):
    proof = [b64(p) for p in v["proof"] or []]
    ok = verify_consistency(v["size1"], v["size2"], b64(v["root1"]), b64(v["root2"]), proof)
    assert ok is not v["wantErr"], v["desc"]


def test_vectors_include_both_outcomes():
    for kind in ("inclusion", "consistency"):
        wants = [p.values[0]["wantErr"] for p in load_vectors(kind)]
        assert wants.count(False) >= 5 and wants.count(True) >= 80, kind


def happy_paths(kind: str) -> list[Any]:
    return [p for p in load_vectors(kind) if p.values[0]["desc"] == "happy path"]


def test_happy_path_vectors_are_the_reference_proofs():
    # The remaining passing probes ('don't care' roots, a tree of b"data") are not over the tree.
    assert {
        (p.values[0]["leafIdx"], p.values[0]["treeSize"]) for p in happy_paths("inclusion")
    } == {
        (0, 1),
        (0, 8),
        (5, 8),
        (2, 3),
        (1, 5),
    }
    assert {(p.values[0]["size1"], p.values[0]["size2"]) for p in happy_paths("consistency")} == {
        (1, 1),
        (1, 8),
        (6, 8),
        (2, 5),
        (6, 7),
    }


@pytest.mark.parametrize("v", happy_paths("inclusion"))
def test_generated_inclusion_proof_matches_vector(v: dict[str, Any]):
    tree = REFERENCE_HASHES[: v["treeSize"]]
    assert tree[v["leafIdx"]] == b64(v["leafHash"])
    assert root_from_leaf_hashes(tree) == b64(v["root"])
    assert inclusion_proof(v["leafIdx"], tree) == [b64(p) for p in v["proof"] or []]


@pytest.mark.parametrize("v", happy_paths("consistency"))
def test_generated_consistency_proof_matches_vector(v: dict[str, Any]):
    tree = REFERENCE_HASHES[: v["size2"]]
    assert root_from_leaf_hashes(tree[: v["size1"]]) == b64(v["root1"])
    assert root_from_leaf_hashes(tree) == b64(v["root2"])
    assert consistency_proof(v["size1"], tree) == [b64(p) for p in v["proof"] or []]


# --- exhaustive sweep over small trees ---


def test_inclusion_sweep():
    for n in range(1, SWEEP + 1):
        tree = SWEEP_HASHES[:n]
        root = mth(tree)
        assert root_from_leaf_hashes(tree) == root
        for i in range(n):
            proof = inclusion_proof(i, tree)
            assert proof == path(i, tree), (i, n)
            assert verify_inclusion(i, n, tree[i], proof, root), (i, n)
            for j in range(len(proof)):
                assert not verify_inclusion(i, n, tree[i], flipped(proof, j), root), (i, n, j)
            assert not verify_inclusion(i, n, leaf_hash(b"other"), proof, root)
            # Wrong tree height, as upstream probes it. (n + 1 is not always caught: the root
            # does not commit to the size, which is why checkpoints sign the two together.)
            assert not verify_inclusion(i, n * 2, tree[i], proof, root)
            if i < n // 2:
                assert not verify_inclusion(i, n // 2, tree[i], proof, root)
            assert not verify_inclusion(i, n, tree[i], [*proof, root], root)
            if proof:
                assert not verify_inclusion(i, n, tree[i], proof[:-1], root)
            if n > 1:
                other = (i + 1) % n
                assert not verify_inclusion(other, n, tree[i], proof, root), (i, n)


def test_consistency_sweep():
    roots = [mth(SWEEP_HASHES[:n]) for n in range(SWEEP + 1)]
    for n in range(1, SWEEP + 1):
        tree = SWEEP_HASHES[:n]
        for m in range(1, n + 1):
            proof = consistency_proof(m, tree)
            assert proof == subproof(m, tree, True), (m, n)
            assert verify_consistency(m, n, roots[m], roots[n], proof), (m, n)
            for j in range(len(proof)):
                assert not verify_consistency(m, n, roots[m], roots[n], flipped(proof, j)), (m, n)
            if m < n:
                assert not verify_consistency(m, n, roots[m + 1], roots[n], proof), (m, n)
                assert not verify_consistency(m, n, roots[m], roots[n - 1], proof), (m, n)
                assert not verify_consistency(m, n, roots[m], roots[n], proof[:-1]), (m, n)
                assert not verify_consistency(m, n, roots[m], roots[n], [*proof, roots[n]])
                assert not verify_consistency(m + 1, n, roots[m], roots[n], proof), (m, n)
            else:
                assert proof == []


# --- arguments out of range and malformed proofs ---


def test_generators_reject_out_of_range_arguments():
    tree = SWEEP_HASHES[:5]
    for index in (-1, 5, 6):
        with pytest.raises(ValueError):
            inclusion_proof(index, tree)
    with pytest.raises(ValueError):
        inclusion_proof(0, [])
    for m in (-1, 0, 6):
        with pytest.raises(ValueError):
            consistency_proof(m, tree)
    with pytest.raises(ValueError):
        consistency_proof(0, [])


def test_verifiers_return_false_rather_than_raise():
    tree = SWEEP_HASHES[:5]
    root, old_root = mth(tree), mth(tree[:3])
    good = inclusion_proof(2, tree)
    cons = consistency_proof(3, tree)
    for index, size in [(-1, 5), (5, 5), (0, 0), (0, -1)]:
        assert not verify_inclusion(index, size, tree[2], good, root)
    junk: list[Any] = [[b""], [b"x" * 33], ["not bytes"], [None], [*good[:2], 5]]
    for proof in junk:
        assert not verify_inclusion(2, 5, tree[2], proof, root)
        assert not verify_consistency(3, 5, old_root, root, proof)
    assert not verify_inclusion(2, 5, tree[2][:31], good, root)
    assert not verify_inclusion(2, 5, tree[2], good, root + b"\x00")
    for m, n in [(-1, 5), (0, 5), (0, 0), (6, 5), (3, -1)]:
        assert not verify_consistency(m, n, old_root, root, cons)
    assert not verify_consistency(3, 5, old_root, root, [])
    assert not verify_consistency(3, 5, old_root[:16], root, cons)
    assert verify_consistency(5, 5, root, root, [])
    assert not verify_consistency(5, 5, root, root, [root])
    assert not verify_consistency(5, 5, root, old_root, [])


# --- hypothesis invariants ---

sizes = st.integers(min_value=1, max_value=200)


def leaves_for(n: int, salt: int) -> list[bytes]:
    return [leaf_hash(b"%d-leaf-%d" % (salt, i)) for i in range(n)]


@settings(max_examples=100, deadline=None)
@given(n=sizes, salt=st.integers(0, 2**32), data=st.data())
def test_every_inclusion_proof_verifies_and_only_for_its_leaf(n: int, salt: int, data: Any):
    tree = leaves_for(n, salt)
    root = root_from_leaf_hashes(tree)
    i = data.draw(st.integers(0, n - 1), label="index")
    proof = inclusion_proof(i, tree)
    assert verify_inclusion(i, n, tree[i], proof, root)
    if n > 1:
        j = data.draw(st.integers(0, n - 1).filter(lambda j: j != i), label="other")
        other = inclusion_proof(j, tree)
        assert not verify_inclusion(i, n, tree[i], other, root)
        assert not verify_inclusion(j, n, tree[i], other, root)
        assert not verify_inclusion(i, n, tree[j], proof, root)


@settings(max_examples=100, deadline=None)
@given(n=sizes, salt=st.integers(0, 2**32), data=st.data())
def test_every_consistency_proof_verifies(n: int, salt: int, data: Any):
    tree = leaves_for(n, salt)
    m = data.draw(st.integers(1, n), label="old_size")
    old_root, new_root = root_from_leaf_hashes(tree[:m]), root_from_leaf_hashes(tree)
    proof = consistency_proof(m, tree)
    assert verify_consistency(m, n, old_root, new_root, proof)
    # A log that rewrote an old entry is not consistent with the old head.
    if m < n:
        k = data.draw(st.integers(0, m - 1), label="rewritten")
        forged = [*tree[:k], leaf_hash(b"forged"), *tree[k + 1 :]]
        forged_root = root_from_leaf_hashes(forged)
        assert not verify_consistency(m, n, old_root, forged_root, consistency_proof(m, forged))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.binary(max_size=8), max_size=200))
def test_streaming_builder_matches_for_every_prefix(data: list[bytes]):
    hashes = [leaf_hash(d) for d in data]
    builder = TreeBuilder()
    assert builder.root() == root_from_leaf_hashes([])
    for n, h in enumerate(hashes, start=1):
        builder.append(h)
        assert builder.root() == root_from_leaf_hashes(hashes[:n])
    if len(hashes) <= 64:
        assert builder.root() == mth(hashes)


# --- signed checkpoints ---

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
ROOT = root_from_leaf_hashes(SWEEP_HASHES[:10])
ISSUED = datetime(2026, 7, 23, 9, 30, 15, 123456, tzinfo=UTC)


def test_signed_text_is_the_documented_format():
    cp = sign_checkpoint(10, ROOT, KEY, ISSUED)
    root_b64 = base64.b64encode(ROOT).decode()
    assert cp.signed_text() == (
        f"confer-audit-checkpoint/v1\n10\n{root_b64}\n2026-07-23T09:30:15.123456Z\n".encode()
    )
    assert FORMAT == "confer-audit-checkpoint/v1"
    assert cp.key_id == key_id_for(KEY.public_key())
    assert cp.key_id == hashlib.sha256(KEY.public_key().public_bytes_raw()).hexdigest()[:16]


def test_checkpoint_signature_verifies():
    cp = sign_checkpoint(10, ROOT, KEY, ISSUED)
    assert verify_checkpoint(cp, KEY.public_key())
    KEY.public_key().verify(cp.signature, cp.signed_text())  # plain Ed25519 over the text


def test_any_change_or_another_key_fails():
    cp = sign_checkpoint(10, ROOT, KEY, ISSUED)
    public = KEY.public_key()
    assert not verify_checkpoint(replace(cp, size=11), public)
    assert not verify_checkpoint(replace(cp, size=0), public)
    assert not verify_checkpoint(replace(cp, root=root_from_leaf_hashes(SWEEP_HASHES[:11])), public)
    assert not verify_checkpoint(replace(cp, issued_at=ISSUED + timedelta(microseconds=1)), public)
    assert not verify_checkpoint(replace(cp, signature=cp.signature[:-1]), public)
    assert not verify_checkpoint(replace(cp, signature=b""), public)
    bad_sig = bytes([cp.signature[0] ^ 1]) + cp.signature[1:]
    assert not verify_checkpoint(replace(cp, signature=bad_sig), public)
    assert not verify_checkpoint(cp, OTHER_KEY.public_key())
    # Relabelled with the other key's id: still the wrong key.
    relabelled = replace(cp, key_id=key_id_for(OTHER_KEY.public_key()))
    assert not verify_checkpoint(relabelled, OTHER_KEY.public_key())
    assert not verify_checkpoint(relabelled, public)
    assert verify_checkpoint(sign_checkpoint(10, ROOT, OTHER_KEY, ISSUED), OTHER_KEY.public_key())


def test_checkpoint_json_roundtrip():
    cp = sign_checkpoint(10, ROOT, KEY, ISSUED)
    text = cp.to_json()
    data = json.loads(text)
    assert data == {
        "format": FORMAT,
        "size": 10,
        "root": base64.b64encode(ROOT).decode(),
        "issued_at": "2026-07-23T09:30:15.123456Z",
        "key_id": cp.key_id,
        "signature": base64.b64encode(cp.signature).decode(),
    }
    back = Checkpoint.from_json(text)
    assert back == cp
    assert back.signed_text() == cp.signed_text()
    assert verify_checkpoint(back, KEY.public_key())
    assert Checkpoint.from_json(text.encode()) == cp


def test_issued_at_is_normalised_to_utc():
    plus_two = timezone(timedelta(hours=2))
    local = ISSUED.astimezone(plus_two)
    cp = sign_checkpoint(10, ROOT, KEY, local)
    assert cp.issued_at.tzinfo is UTC
    assert cp.signed_text() == sign_checkpoint(10, ROOT, KEY, ISSUED).signed_text()
    whole_second = sign_checkpoint(10, ROOT, KEY, ISSUED.replace(microsecond=0))
    assert b"T09:30:15.000000Z\n" in whole_second.signed_text()
    assert Checkpoint.from_json(whole_second.to_json()) == whole_second
    with pytest.raises(ValueError):
        sign_checkpoint(10, ROOT, KEY, datetime(2026, 7, 23, 9, 30))  # naive


def test_checkpoint_rejects_malformed_fields():
    with pytest.raises(ValueError):
        sign_checkpoint(-1, ROOT, KEY, ISSUED)
    with pytest.raises(ValueError):
        sign_checkpoint(1, ROOT[:31], KEY, ISSUED)
    good = json.loads(sign_checkpoint(10, ROOT, KEY, ISSUED).to_json())
    for field, value in [
        ("format", "confer-audit-checkpoint/v2"),
        ("size", "10"),
        ("size", True),
        ("root", "not base64!"),
        ("root", base64.b64encode(b"short").decode()),
        ("issued_at", "2026-07-23 09:30:15"),
        ("signature", 5),
    ]:
        with pytest.raises(ValueError):
            Checkpoint.from_json(json.dumps({**good, field: value}))
    without = {k: v for k, v in good.items() if k != "key_id"}
    with pytest.raises(ValueError):
        Checkpoint.from_json(json.dumps(without))
    for text in ("[]", "not json"):
        with pytest.raises(ValueError):
            Checkpoint.from_json(text)


def test_signing_keys_roundtrip_as_base64():
    encoded = generate_signing_key()
    assert len(base64.b64decode(encoded)) == 32
    key = load_signing_key(encoded)
    assert base64.b64encode(key.private_bytes_raw()).decode() == encoded
    assert generate_signing_key() != encoded
    public = load_public_key(public_key_text(key.public_key()))
    assert verify_checkpoint(sign_checkpoint(0, EMPTY_ROOT, key, ISSUED), public)
    for bad in ("", "not base64!", base64.b64encode(b"x" * 31).decode()):
        with pytest.raises(ValueError):
            load_signing_key(bad)
        with pytest.raises(ValueError):
            load_public_key(bad)
