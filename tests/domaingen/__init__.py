"""Aggregation test corpora written from the domain description alone, and their evaluator.

`generator.generate` writes documents, `truth.json` and `policy.yaml`; `evaluate` scores a
`mosaicguard aggregate/check --format json` report against that truth.
"""

from .generator import Truth, generate
from .plan import Mix

__all__ = ["Mix", "Truth", "generate"]
