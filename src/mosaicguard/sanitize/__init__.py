"""Sanitisers: one module per format family; every output is re-scanned before it is trusted."""
