"""Aggregation: what a corpus of public documents gives away together (the mosaic effect), and
what new exposure a draft would add.

extract (core) -> facts.py -> index.py (SQLite store) -> link.py (entities) -> rules.py
-> check.py + fix.py (drafts: new exposures, minimal fix) -> report.py (json, html).
`engine.Aggregator` orchestrates; `cli/aggregate.py` is the command line. See docs/aggregation.md.
"""
