"""Fact extractors: what a document says about a project or site (addresses, places, dates,
codes, names, organisations, purposes, quantities). Registered in `registry.py` like detectors;
aggregation reads facts only through this package and the content detectors (one understanding
of text: a thing parsed here is parsed nowhere else)."""
