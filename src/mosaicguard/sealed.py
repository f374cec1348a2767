"""Sealed cache entries: what the tool caches on disk can be read back only by someone who already
holds what the entry was made from.

A cache entry is derived from some material that the reader must hold anyway: the expressions of a
Hyperscan database (the policy's protected terms among them), the pixels of an OCR'd page. From a
digest of that material two values are derived with HMAC-SHA256 under distinct labels: the entry's
file *name* and its AES-256-GCM *key*. The key is never written anywhere; it is recomputed from the
material at the next lookup. So a cache folder copied off a machine shows neither the policy's terms
nor a page's text, its names confirm nothing short of guessing the whole material, and a changed
byte fails the GCM tag (the entry is then ignored and rewritten).

This is convergent encryption: it protects material that cannot be guessed as a whole (a policy's
full rule set, a scanned page), which is exactly what these caches hold.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE = 12


@dataclass(frozen=True)
class EntryKey:
    """The name and the secret key of one cache entry, both derived from its material."""

    name: str
    key: bytes = field(repr=False)


def entry_key(material_digest: bytes, purpose: str) -> EntryKey:
    """Name and key for an entry whose material hashes to `material_digest` (a sha256 digest of
    everything the entry depends on). `purpose` separates caches ("hyperscan/2", "ocr/2")."""
    label = purpose.encode("utf-8")
    name = hmac.digest(material_digest, b"name\x00" + label, "sha256").hex()
    key = hmac.digest(material_digest, b"key\x00" + label, "sha256")
    return EntryKey(name, key)


def seal(entry: EntryKey, plaintext: bytes, header: bytes) -> bytes:
    """`header` + nonce + AES-GCM ciphertext; the header and the entry's name are authenticated
    too, so a file renamed to another entry or given another header does not open."""
    nonce = os.urandom(_NONCE)
    return header + nonce + AESGCM(entry.key).encrypt(nonce, plaintext, header + entry.name.encode("ascii"))


def unseal(entry: EntryKey, blob: bytes, header: bytes) -> bytes | None:
    """The plaintext, or None when the blob is not this entry sealed with this header (damaged,
    truncated, foreign, older format)."""
    if not blob.startswith(header) or len(blob) < len(header) + _NONCE + 16:
        return None
    nonce = blob[len(header) : len(header) + _NONCE]
    try:
        return AESGCM(entry.key).decrypt(nonce, blob[len(header) + _NONCE :], header + entry.name.encode("ascii"))
    except InvalidTag:
        return None


def digest(*parts: bytes) -> bytes:
    """sha256 over length-prefixed parts (no two different part lists hash the same bytes)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.digest()


__all__ = ["EntryKey", "digest", "entry_key", "seal", "unseal"]
