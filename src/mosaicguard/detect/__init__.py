"""Detectors: one module per detector family, one engine that runs them all in one pass."""
