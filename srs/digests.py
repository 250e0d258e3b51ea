"""blake2b, without loading OpenSSL.

`import hashlib` loads OpenSSL's libcrypto to offer its constructors first: ~4-5 ms of every
cold command that imports it (`srs next`, exam mode's kept plan). hashlib takes blake2b from
CPython's own `_blake2` module in any case, so srs imports it from there directly; a Python
built without that module falls back to hashlib's.
"""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - CPython builds _blake2 unless told not to
    from hashlib import blake2b

__all__ = ["blake2b"]
