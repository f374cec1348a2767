"""Decode text files the way Chinese offices write them: UTF-8 (with or without BOM), UTF-16,
GB18030/GBK. Shared by the text, csv and json extractors."""

from __future__ import annotations

import codecs

from ..errors import ExtractionError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _mostly_controls(sample: str) -> bool:
    """Binary that happens to alternate zero bytes decodes to control characters, not text."""
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\t\n\r\f")
    return controls > 0.1 * max(1, len(sample))


def decode_text(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). Raises ExtractionError for binary data that is not text."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name, errors="replace"), name
    if data:
        sample = data[:4096]
        zeros_even = sample[0::2].count(0)
        zeros_odd = sample[1::2].count(0)
        half = max(1, len(sample) // 2)
        # BOM-less UTF-16: every other byte is zero for ASCII-range text.
        for name, looks in (("utf-16-le", zeros_odd > 0.3 * half and zeros_even < 0.05 * half),
                            ("utf-16-be", zeros_even > 0.3 * half and zeros_odd < 0.05 * half)):
            if looks:
                text = data.decode(name, errors="replace")
                if _mostly_controls(text[:2048]):
                    raise ExtractionError("binary data, not text (control characters throughout)")
                return text, name
        if b"\x00" in sample:
            raise ExtractionError("binary data, not text (contains NUL bytes)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ExtractionError("could not determine the text encoding")
    return str(best), best.encoding
