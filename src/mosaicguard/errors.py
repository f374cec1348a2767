"""One error hierarchy. Per-file problems become report entries; config problems exit 2."""

from __future__ import annotations


class MosaicGuardError(Exception):
    """Base of every error the tool raises on purpose."""


class ConfigError(MosaicGuardError):
    """A policy, baseline, key or command-line value is wrong. Exit code 2."""


class ExtractionError(MosaicGuardError):
    """A file could not be read: malformed, encrypted, truncated, over a limit. The message is
    shown to the reviewer as the file's `error`, so it must say what is wrong in plain words."""


class LimitExceeded(ExtractionError):
    """A safety limit (size, ratio, depth, member count, time) was hit."""


class UnsupportedFormat(MosaicGuardError):
    """No extractor reads this kind of file."""
