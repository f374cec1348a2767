"""The minimal fix: the smallest set of draft facts whose removal prevents every new exposure.

`cost(removed)` counts the new exposures left after removing a set of facts (a fact is a value
in a draft: removing it removes the attribute it states *and* the links it makes, so a fix can
work either way). The search is exact for small candidate sets - every subset in order of size,
so the first that works is a smallest one - and otherwise greedy: repeatedly remove the fact that
leaves the fewest new exposures, then drop any chosen fact that turns out not to be needed. The
greedy answer is irreducible (no fact can be put back) but may be larger than the optimum; for
the set-cover-like case it is within the usual ln(n)+1 factor. The report says which was used.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import combinations

FixItem = tuple[str, str]  # (document, value)
Cost = Callable[[frozenset[FixItem]], int]

# Exact search stops after this many evaluations and falls back to greedy.
MAX_EXACT_EVALUATIONS = 20_000


def minimal_fix(candidates: Sequence[FixItem], cost: Cost, exact_max: int) -> tuple[tuple[FixItem, ...], str]:
    """(fix, method) where method is `exact`, `greedy` or `none` (nothing prevents it)."""
    cands = list(dict.fromkeys(candidates))  # keep the caller's preference order
    if cost(frozenset()) == 0:
        return (), "exact"
    if len(cands) <= exact_max:
        evaluations = 0
        for size in range(1, len(cands) + 1):
            for subset in combinations(cands, size):
                evaluations += 1
                if evaluations > MAX_EXACT_EVALUATIONS:
                    break
                if cost(frozenset(subset)) == 0:
                    return subset, "exact"
            if evaluations > MAX_EXACT_EVALUATIONS:
                break
    return _greedy(cands, cost)


def _greedy(cands: list[FixItem], cost: Cost) -> tuple[tuple[FixItem, ...], str]:
    chosen: list[FixItem] = []
    current = cost(frozenset())
    remaining = list(cands)
    while current > 0 and remaining:
        best = min(remaining, key=lambda c: (cost(frozenset([*chosen, c])), c))
        best_cost = cost(frozenset([*chosen, best]))
        chosen.append(best)
        remaining.remove(best)
        current = best_cost
    if current > 0:
        return tuple(chosen), "none"
    # Reverse delete: drop what is not needed once the others are gone.
    for item in list(reversed(chosen)):
        trial = [c for c in chosen if c != item]
        if cost(frozenset(trial)) == 0:
            chosen = trial
    return tuple(sorted(chosen)), "greedy"
