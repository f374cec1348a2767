"""mosaicguard: tells an organisation what a document would give away before it is published."""

__version__ = "0.1.0"
