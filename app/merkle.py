"""RFC 9162 (Certificate Transparency v2) Merkle tree hashes and proofs over the audit trail.

The audit chain already makes tampering detectable from the database alone; the Merkle tree on
top of it lets a data protection officer check one entry (inclusion proof) or that today's log
extends the one they signed off last month (consistency proof) from a handful of hashes, without
being handed the whole trail. Leaves are the entries' canonical JSON bodies.

Pure functions, no I/O. Generators raise ValueError for impossible arguments (a caller bug);
verifiers return False for anything wrong, because their input comes from outside.

Two readings that RFC 9162 leaves open are fixed here, as the transparency-dev/merkle test vectors
do: a consistency proof from the empty tree (old_size 0) is meaningless and never verifies, and a
proof between equal sizes is the empty list and verifies only when both roots are the same bytes.
"""

import hashlib
from collections.abc import Iterable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def leaf_hash(data: bytes) -> bytes:
    # The 0x00/0x01 prefixes stop a leaf being passed off as an inner node (RFC 9162 2.1.1).
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


class TreeBuilder:
    """Streams leaf hashes in and gives the tree head at any point, in O(log n) memory.

    Holds the roots of the perfect subtrees that make up the tree so far, one per set bit of the
    size, so that verifying the whole audit chain needs neither the chain in memory nor recursion.
    """

    __slots__ = ("_size", "_stack")

    def __init__(self) -> None:
        self._stack: list[bytes] = []
        self._size = 0

    @property
    def size(self) -> int:
        return self._size

    def append(self, leaf_hash: bytes) -> None:
        if len(leaf_hash) != HASH_SIZE:
            raise ValueError(f"leaf hash must be {HASH_SIZE} bytes, got {len(leaf_hash)}")
        stack = self._stack
        sha256 = hashlib.sha256
        h = leaf_hash
        # Each trailing 1 bit of the old size is a perfect subtree of the same height as the one
        # being completed: merge them, as carrying in binary addition.
        n = self._size
        while n & 1:
            h = sha256(_NODE_PREFIX + stack.pop() + h).digest()
            n >>= 1
        stack.append(h)
        self._size += 1

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        for h in leaf_hashes:
            self.append(h)

    def root(self) -> bytes:
        """MTH of the leaves so far (RFC 9162 2.1.1); SHA-256 of the empty string when empty."""
        if not self._stack:
            return EMPTY_ROOT
        # MTH splits at the largest power of two, so the smaller subtrees on the right fold first.
        stack = self._stack
        h = stack[-1]
        for left in reversed(stack[:-1]):
            h = node_hash(left, h)
        return h


def _range_root(leaf_hashes: Sequence[bytes], start: int, end: int) -> bytes:
    """MTH(D[start:end]) without copying the slice."""
    builder = TreeBuilder()
    for i in range(start, end):
        builder.append(leaf_hashes[i])
    return builder.root()


def root_from_leaf_hashes(leaf_hashes: Sequence[bytes]) -> bytes:
    return _range_root(leaf_hashes, 0, len(leaf_hashes))


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1): where MTH splits a tree of n leaves."""
    return 1 << ((n - 1).bit_length() - 1)


def inclusion_proof(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """PATH(index, D[n]) of RFC 9162 2.1.3.1, ordered leaf to root.

    Iterative over index ranges: each level hashes a disjoint part of the tree, so the whole proof
    costs O(n) hashing and no copies of the leaf list.
    """
    size = len(leaf_hashes)
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} out of range for tree size {size}")
    path: list[bytes] = []  # root to leaf while descending
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index - start < k:
            path.append(_range_root(leaf_hashes, start + k, end))
            end = start + k
        else:
            path.append(_range_root(leaf_hashes, start, start + k))
            start += k
    path.reverse()
    return path


def consistency_proof(old_size: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """PROOF(old_size, D[n]) of RFC 9162 2.1.4.1, for n = len(leaf_hashes); empty if equal."""
    size = len(leaf_hashes)
    if not 0 < old_size <= size:
        raise ValueError(f"old size {old_size} out of range 1..{size}")
    proof: list[bytes] = []  # root to leaf while descending
    m, start, end = old_size, 0, size
    complete = True  # SUBPROOF's b: whether the old tree's root is this very subtree
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            proof.append(_range_root(leaf_hashes, start + k, end))
            end = start + k
        else:
            proof.append(_range_root(leaf_hashes, start, start + k))
            start += k
            m -= k
            complete = False
    if not complete:
        proof.append(_range_root(leaf_hashes, start, end))
    proof.reverse()
    return proof


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_SIZE


def verify_inclusion(
    index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 2.1.3.2: whether `leaf_hash` is leaf `index` of the tree of `size` with `root`."""
    if not (0 <= index < size) or not _is_hash(leaf_hash) or not _is_hash(root):
        return False
    if not all(_is_hash(p) for p in proof):
        return False
    fn, sn = index, size - 1
    r = leaf_hash
    for p in proof:
        if sn == 0:
            return False  # proof longer than the path
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                # On the right border: skip the levels where this node has no right sibling.
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 2.1.4.2: whether tree (`new_size`, `new_root`) extends (`old_size`, `old_root`)."""
    if not 0 < old_size <= new_size:
        return False
    if not all(_is_hash(p) for p in proof):
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if not proof or not _is_hash(old_root) or not _is_hash(new_root):
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        # The old tree is a perfect subtree of the new one: its root starts the path.
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root
