"""The SHA-256 Gatekeeper uses gives hashlib's digests, whole and fed in parts."""

from __future__ import annotations

import hashlib

import pytest

from gatekeeper.core.digest import sha256


@pytest.mark.parametrize("data", [b"", b"abc", "é\0RED\n".encode(), bytes(range(256)) * 300])
def test_the_digest_is_hashlibs(data: bytes) -> None:
    assert sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()


def test_a_digest_fed_in_parts_is_the_digest_of_the_whole() -> None:
    parts = [b"body", b"\0", b"policy.yml", b"\0", b"src/a.py\tsrc/b.py", b"\n"]
    digest = sha256()
    for part in parts:
        digest.update(part)
    assert digest.hexdigest() == hashlib.sha256(b"".join(parts)).hexdigest()

