"""Extractors: one module per file format, each filling the one `Document` model."""
