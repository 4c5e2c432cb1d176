"""SHA-256 for decision ids and policy digests, without loading OpenSSL.

``hashlib`` loads OpenSSL's libcrypto when it is imported (about 2 ms), which every
``gatekeeper validate`` would pay for a few digests of its inputs. CPython's own SHA-256
module (``_sha256`` in 3.11, ``_sha2`` from 3.12) gives the same digests and loads in a
fraction of that; ``hashlib`` is the fallback on an interpreter that has neither.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hashlib import sha256
else:
    try:
        from _sha256 import sha256
    except ImportError:  # CPython 3.12+, or another interpreter
        try:
            from _sha2 import sha256
        except ImportError:
            from hashlib import sha256

__all__ = ["sha256"]
