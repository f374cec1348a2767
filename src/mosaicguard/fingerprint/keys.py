"""The registry key: read or create the key file, and every keyed hash derived from it.

The key file holds the secret as its raw bytes (CONTRACTS.md). A trailing line break is ignored so
that `openssl rand -hex 32 > reg.key` and an editor that adds or drops the final newline give the
same key. All MACs are HMAC-SHA256 under a subkey derived from the raw key, truncated to 64 bits;
without the key nobody can compute the MAC of a guessed phrase, so the registry alone does not
confirm guesses.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError
from .winnow import kgram_bytes

MIN_KEY_BYTES = 8
_DERIVE = b"mosaicguard/fingerprint/v1"


@dataclass(frozen=True)
class RegistryKey:
    """A loaded key. `subkey` is what MACs use; the raw key never leaves this object."""

    subkey: bytes = field(repr=False)

    @classmethod
    def from_bytes(cls, raw: bytes) -> RegistryKey:
        raw = raw.rstrip(b"\r\n")
        if len(raw) < MIN_KEY_BYTES:
            raise ConfigError(
                f"the key is {len(raw)} byte(s); a registry key needs at least {MIN_KEY_BYTES} "
                "(let `mosaicguard register` create one, or use e.g. `openssl rand -hex 32`)"
            )
        return cls(hmac.digest(raw, _DERIVE, "sha256"))

    def mac(self, data: bytes) -> int:
        """HMAC-SHA256 of `data`, first 64 bits as a signed integer (SQLite's INTEGER)."""
        return int.from_bytes(hmac.digest(self.subkey, data, "sha256")[:8], "big", signed=True)

    def kgram_macs(self, units: Sequence[str], positions: Iterable[int], k: int) -> list[int]:
        """MACs of the k-grams at `positions` (a k-gram is domain-separated from other MACs by
        its 0x02 prefix)."""
        sub = self.subkey
        return [
            int.from_bytes(hmac.digest(sub, b"\x02" + kgram_bytes(units, int(p), k), "sha256")[:8], "big", signed=True)
            for p in positions
        ]

    def doc_id(self, sha256: str) -> str:
        """An opaque, stable id for a registered file: keyed, so the registry does not let anyone
        confirm that a file they hold is registered."""
        return hmac.digest(self.subkey, b"\x01doc:" + sha256.encode("ascii"), "sha256")[:8].hex()

    def public_id(self, sha256: str) -> str:
        """An opaque, stable id for a file added as public text (`register --public`)."""
        return hmac.digest(self.subkey, b"\x04public:" + sha256.encode("ascii"), "sha256")[:8].hex()

    def check_value(self) -> str:
        """Stored in the registry to tell a wrong key from a registry without matches."""
        return hmac.digest(self.subkey, b"\x03key-check", "sha256")[:8].hex()


def load_key(path: str | os.PathLike[str]) -> RegistryKey:
    """Read a key file; a missing or unreadable file is a configuration error (exit 2)."""
    p = Path(path)
    if not p.exists():
        raise ConfigError(f"key file {str(p)!r} does not exist (the key used at `register` is needed to scan)")
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read key file {str(p)!r}: {exc.strerror or exc}") from None
    try:
        return RegistryKey.from_bytes(raw)
    except ConfigError as exc:
        raise ConfigError(f"key file {str(p)!r}: {exc}") from None


def create_key(path: str | os.PathLike[str]) -> RegistryKey:
    """Create a key file with 32 random bytes written as 64 hex characters, readable only by its
    owner (0600). Never overwrites: an existing file is an error here."""
    p = Path(path)
    raw = os.urandom(32).hex().encode("ascii")
    try:
        if p.parent and not p.parent.exists():
            p.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ConfigError(f"key file {str(p)!r} already exists") from None
    except OSError as exc:
        raise ConfigError(f"cannot create key file {str(p)!r}: {exc.strerror or exc}") from None
    with os.fdopen(fd, "wb") as fh:
        fh.write(raw)
    return RegistryKey.from_bytes(raw)


def load_or_create_key(path: str | os.PathLike[str]) -> tuple[RegistryKey, bool]:
    """The key in `path`, creating the file first if it does not exist. (key, created)."""
    if Path(path).exists():
        return load_key(path), False
    return create_key(path), True
