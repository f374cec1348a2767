"""k-grams over the unit stream and winnowing (Schleimer, Wilkerson, Aiken 2003).

Every k-gram (k consecutive units) gets a cheap, *unkeyed* 64-bit selection hash; in every window
of `w` consecutive k-grams the one with the smallest selection hash (rightmost on ties) is
selected. Only selected k-grams are then MAC'd with the user's key and stored (`keys.py`).

Guarantee: if two unit streams share a run of at least t = w + k - 1 units, that run holds w
consecutive identical k-grams, i.e. one identical window; both sides select the same k-gram in it,
so the draft and the registered document share at least one stored MAC. Selection by an unkeyed
hash reveals nothing: what is stored is the keyed MAC of the selected k-gram, never the selection
hash, and the choice of position alone does not depend on the key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Params:
    """Fingerprint parameters; a registry records the ones it was built with.

    k = 13 units: 13 Chinese characters or ~6.5 English words, long enough that chance collisions
    of ordinary phrases are rare. w = 12 keeps ~2/(w+1) = 15% of k-grams and guarantees any shared
    passage of t = 24 units (24 characters, 12 words) is found.
    """

    k: int = 13
    w: int = 12

    @property
    def guarantee(self) -> int:
        """Shared passages of at least this many units are always found."""
        return self.w + self.k - 1


DEFAULT_PARAMS = Params()

_P = np.uint64(0x100000001B3)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)

# Stable (process-independent) ids of units; Python's hash() is salted per process.
_IDS: dict[str, int] = {}
_IDS_MAX = 2_000_000


def _unit_id(unit: str) -> int:
    value = _IDS.get(unit)
    if value is None:
        if len(_IDS) >= _IDS_MAX:
            _IDS.clear()
        value = int.from_bytes(hashlib.blake2b(unit.encode("utf-8"), digest_size=8).digest(), "little")
        _IDS[unit] = value
    return value


def selection_hashes(units: Sequence[str], k: int) -> U64:
    """The unkeyed selection hash of every k-gram (`len(units) - k + 1` of them)."""
    m = len(units) - k + 1
    if m <= 0:
        return np.zeros(0, dtype=np.uint64)
    ids = np.fromiter((_unit_id(u) for u in units), dtype=np.uint64, count=len(units))
    h = np.zeros(m, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):  # polynomial hash mod 2**64, k vector steps
            h = h * _P + ids[j : j + m]
        # splitmix64 finaliser: spreads the bits so that the window minimum is unbiased.
        h ^= h >> _S30
        h *= _M1
        h ^= h >> _S27
        h *= _M2
        h ^= h >> _S31
    return h


def winnow(hashes: U64, w: int) -> I64:
    """Positions (sorted, unique) of the k-grams selected by winnowing with window `w`."""
    m = len(hashes)
    if m == 0:
        return np.zeros(0, dtype=np.int64)
    if m <= w:
        # A text shorter than one window still yields one fingerprint (its minimum).
        return np.array([m - 1 - int(np.argmin(hashes[::-1]))], dtype=np.int64)
    windows = np.lib.stride_tricks.sliding_window_view(hashes, w)
    rightmost = (w - 1) - np.argmin(windows[:, ::-1], axis=1)
    positions: I64 = np.unique(rightmost + np.arange(len(windows), dtype=np.int64))
    return positions


def selected_positions(units: Sequence[str], params: Params = DEFAULT_PARAMS) -> I64:
    """Positions of the k-grams of `units` that are fingerprinted."""
    return winnow(selection_hashes(units, params.k), params.w)


def kgram_bytes(units: Sequence[str], position: int, k: int) -> bytes:
    """The bytes MAC'd for the k-gram at `position` (units joined by a separator no unit holds)."""
    return "\x1f".join(units[position : position + k]).encode("utf-8")
