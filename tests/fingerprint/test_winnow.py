"""Winnowing: the length guarantee, density and determinism."""

from __future__ import annotations

import itertools
import random

import pytest

from mosaicguard.fingerprint.winnow import DEFAULT_PARAMS, Params, selected_positions, winnow

ALPHABET = [chr(c) for c in range(0x4E00, 0x4E00 + 400)]


def _selected_kgrams(units: list[str], params: Params) -> set[tuple[str, ...]]:
    return {tuple(units[p : p + params.k]) for p in selected_positions(units, params)}


@pytest.mark.parametrize("params", [DEFAULT_PARAMS, Params(k=6, w=5), Params(k=20, w=20)])
def test_any_shared_passage_of_t_units_shares_a_selected_kgram(params: Params) -> None:
    rng = random.Random(params.k * 100 + params.w)
    t = params.guarantee
    for _ in range(300):
        passage = [rng.choice(ALPHABET) for _ in range(t)]
        a = [rng.choice(ALPHABET) for _ in range(rng.randrange(0, 60))] + passage + [
            rng.choice(ALPHABET) for _ in range(rng.randrange(0, 60))]
        b = [rng.choice(ALPHABET) for _ in range(rng.randrange(0, 60))] + passage + [
            rng.choice(ALPHABET) for _ in range(rng.randrange(0, 60))]
        assert _selected_kgrams(a, params) & _selected_kgrams(b, params)


def test_guarantee_is_w_plus_k_minus_one() -> None:
    assert DEFAULT_PARAMS.guarantee == DEFAULT_PARAMS.w + DEFAULT_PARAMS.k - 1 == 24


def test_density_is_about_two_over_w_plus_one() -> None:
    rng = random.Random(7)
    units = [rng.choice(ALPHABET) for _ in range(20000)]
    density = len(selected_positions(units)) / (len(units) - DEFAULT_PARAMS.k + 1)
    expected = 2 / (DEFAULT_PARAMS.w + 1)
    assert 0.8 * expected < density < 1.2 * expected


def test_every_window_holds_a_selected_position() -> None:
    rng = random.Random(3)
    units = [rng.choice(ALPHABET) for _ in range(2000)]
    positions = list(selected_positions(units))
    gaps = [b - a for a, b in itertools.pairwise(positions)]
    assert max(gaps) <= DEFAULT_PARAMS.w


def test_short_inputs() -> None:
    assert len(selected_positions(list("短文本"))) == 0  # fewer than k units: no k-gram
    assert len(selected_positions(ALPHABET[:DEFAULT_PARAMS.k])) == 1
    assert len(selected_positions(ALPHABET[:DEFAULT_PARAMS.k + 5])) == 1  # shorter than a window
    assert len(winnow(selected_positions([]).astype("uint64"), 4)) == 0


def test_selection_is_deterministic_and_position_independent() -> None:
    units = list(ALPHABET[:300])
    first = _selected_kgrams(units, DEFAULT_PARAMS)
    assert first == _selected_kgrams(list(units), DEFAULT_PARAMS)
    shifted = _selected_kgrams(["前", "缀", *units], DEFAULT_PARAMS)
    assert len(first & shifted) >= len(first) - 2
