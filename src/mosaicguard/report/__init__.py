"""Reporters: one module per output format behind one interface."""
