"""Legacy binary Office and WPS files as OLE compound files (olefile): `.doc/.xls/.ppt` and the
WPS Office equivalents `.wps/.et/.dps` (WPS writes the same binary formats).

What is read: the SummaryInformation and DocumentSummaryInformation property sets (author, last
saved by, company, manager, template, title, comments...) as metadata; text where the format
makes it feasible with a small, bounded parser:

- Word (`WordDocument` stream): the piece table (CLX) gives the document text; the FIB's
  character counts split it into body, footnotes, headers/footers and comments.
- Excel (`Workbook` stream, BIFF8): sheet names and visibility (hidden/very hidden), the shared
  string table and the cells that use it, so text on hidden sheets is reported as such.
- PowerPoint (`PowerPoint Document` stream): text atoms; text inside Notes containers is notes.

Known gaps (reported to the user as a note, never silently): tracked deletions in .doc are read
as body text (telling them apart needs character-property parsing), and numbers in .xls cells
are not read. Encrypted files are errors with a clear message. An Outlook .msg (also OLE) is
handed to the e-mail extractor.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

from ..errors import ExtractionError
from ..model import Document, HiddenItem, Layer, Location, MetadataField, sha256_bytes
from .base import ExtractContext, Extractor
from .ooxml import Extracted, PartText, check_text_budget, finish, preview

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SUMMARY_LABELS = {
    "author": "author", "last_saved_by": "last saved by", "company": "company", "manager": "manager",
    "template": "template", "title": "title", "subject": "subject", "keywords": "keywords",
    "comments": "comments", "category": "category", "creating_application": "creating application",
    "hlinks": "hyperlinks", "link_base": "hyperlink base",
}
_QUIET = {"codepage", "codepage_doc", "revision_number", "total_edit_time", "last_printed", "create_time",
          "last_saved_time", "num_pages", "num_words", "num_chars", "security", "bytes", "lines", "paragraphs",
          "slides", "notes", "hidden_slides", "mm_clips", "scale_crop", "links_dirty", "chars_with_spaces",
          "shared_doc", "hlinks_changed", "version", "heading_pairs", "thumbnail", "dig_sig", "unused"}
_DEFAULT_TEMPLATES = {"normal.dot", "normal.dotm", "normal", "normal.wpt", ""}


def _codec(codepage: object) -> str:
    try:
        cp = int(codepage)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return "gbk"
    if cp == 65001:
        return "utf-8"
    if cp in (1200, 1201):
        return "utf-16-le"
    return f"cp{cp}" if cp > 0 else "gbk"


def _text(value: object, codec: str) -> str:
    if isinstance(value, bytes):
        for enc in (codec, "gbk", "latin-1"):
            try:
                return value.decode(enc).strip("\x00").strip()
            except (UnicodeDecodeError, LookupError):
                continue
    if isinstance(value, list | tuple):
        return " ".join(_text(v, codec) for v in value if v)
    return str(value).strip() if value is not None else ""


class OleExtractor(Extractor):
    media_type = "application/x-ole-storage"
    suffixes = (".doc", ".xls", ".ppt", ".wps", ".et", ".dps")

    def sniff(self, data: bytes) -> bool:
        return data.startswith(OLE_MAGIC)

    def extract(self, data: bytes, path: str, ctx: ExtractContext) -> Document:
        import olefile

        if not data.startswith(OLE_MAGIC):
            hint = " (it is a zip: probably an Office Open XML file with the wrong name)" if data[:2] == b"PK" else ""
            raise ExtractionError(f"not a legacy Office/WPS file (no OLE container){hint}")
        try:
            ole = olefile.OleFileIO(data)
        except Exception as exc:
            raise ExtractionError(f"damaged OLE container: {exc}") from exc
        try:
            streams = ["/".join(s) for s in ole.listdir(streams=True, storages=False)]
            if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
                raise ExtractionError("file is password-protected (encrypted Office document); "
                                      "save it without a password to check it")
            if any(s.startswith("__substg1.0_") for s in streams):
                from .email_msg import MsgExtractor

                return MsgExtractor().extract(data, path, ctx)
            out = Extracted()
            notes: list[str] = []
            codec = self._metadata(ole, out)
            kind = "ole"
            if ole.exists("WordDocument"):
                kind = "word"
                self._word(ole, out, notes)
            elif ole.exists("Workbook") or ole.exists("Book"):
                kind = "excel"
                self._excel(ole, out, notes, codec)
            elif ole.exists("PowerPoint Document"):
                kind = "powerpoint"
                self._powerpoint(ole, out)
            else:
                notes.append("OLE file of an unknown kind: only its document properties were checked")
            self._objects(streams, out)
            check_text_budget(out, ctx.limits)
        finally:
            ole.close()
        doc = finish(out, path, _MEDIA[kind], sha256_bytes(data))
        from dataclasses import replace

        return replace(doc, notes=tuple(notes)) if notes else doc

    # -- document properties -------------------------------------------------------------------

    def _metadata(self, ole: object, out: Extracted) -> str:
        try:
            meta = ole.get_metadata()  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - damaged property sets: the rest of the file is still read
            return "gbk"
        codec = _codec(getattr(meta, "codepage", None) or getattr(meta, "codepage_doc", None))
        stream = PartText("SummaryInformation")
        for name in (*meta.SUMMARY_ATTRIBS, *meta.DOCSUM_ATTRIBS):
            value = getattr(meta, name, None)
            if value is None or name in ("thumbnail",):
                continue
            text = _text(value, codec)
            if not text:
                continue
            out.metadata.append(MetadataField(name, text, "SummaryInformation"))
            if name in _QUIET:
                if name == "hidden_slides" and text not in ("0", ""):
                    out.hidden.append(HiddenItem("hidden_text", f"{text} hidden slide(s)", text,
                                                 Location(part="DocumentSummaryInformation")))
                continue
            loc = stream.add(text, Layer.METADATA, name, name)
            label = _SUMMARY_LABELS.get(name)
            if label and not (name == "template" and text.lower() in _DEFAULT_TEMPLATES):
                out.hidden.append(HiddenItem("metadata", f"document property {label} ({name})", preview(text), loc))
        out.add_stream(stream)
        return codec

    def _objects(self, streams: list[str], out: Extracted) -> None:
        seen: set[str] = set()
        for name in streams:
            top = name.split("/", 1)[0]
            if top in seen:
                continue
            if top in ("ObjectPool", "Macros", "_VBA_PROJECT_CUR", "VBA") or top.startswith("MBD"):
                seen.add(top)
                what = "VBA macros" if top in ("Macros", "_VBA_PROJECT_CUR", "VBA") else "embedded objects"
                out.hidden.append(HiddenItem("embedded", f"{what} ({top})", top, Location(part=top)))

    # -- Word ----------------------------------------------------------------------------------

    def _word(self, ole: object, out: Extracted, notes: list[str]) -> None:
        word = ole.openstream("WordDocument").read()  # type: ignore[attr-defined]
        if len(word) < 0x200 or struct.unpack_from("<H", word, 0)[0] != 0xA5EC:
            raise ExtractionError("damaged Word document (no valid File Information Block)")
        flags = struct.unpack_from("<H", word, 0x0A)[0]
        if flags & 0x0100:
            raise ExtractionError("Word document is password-protected; save it without a password to check it")
        table_name = "1Table" if flags & 0x0200 else "0Table"
        if not ole.exists(table_name):  # type: ignore[attr-defined]
            raise ExtractionError(f"damaged Word document (no {table_name} stream)")
        table = ole.openstream(table_name).read()  # type: ignore[attr-defined]
        csw = struct.unpack_from("<H", word, 32)[0]
        lw_at = 32 + 2 + csw * 2 + 2
        cslw = struct.unpack_from("<H", word, lw_at - 2)[0]
        counts = [struct.unpack_from("<i", word, lw_at + 4 * i)[0] for i in range(min(cslw, 11))]
        fc_at = lw_at + cslw * 4 + 2
        fc_clx, lcb_clx = struct.unpack_from("<II", word, fc_at + 33 * 8)
        text = _word_text(word, table, fc_clx, lcb_clx)
        # CP ranges in order: body, footnotes, headers/footers, (reserved), comments, endnotes, text boxes.
        kinds = [("body", Layer.BODY, 3), ("footnotes", Layer.BODY, 4), ("headers", Layer.HEADER, 5),
                 ("reserved", Layer.BODY, 6), ("comments", Layer.COMMENT, 7), ("endnotes", Layer.BODY, 8),
                 ("textboxes", Layer.BODY, 9), ("header textboxes", Layer.HEADER, 10)]
        pos = 0
        stream = PartText("WordDocument")
        for label, layer, index in kinds:
            n = max(0, counts[index]) if index < len(counts) else 0
            piece = text[pos : pos + n]
            pos += n
            for para_no, para in enumerate(_paragraphs(piece)):
                if para.strip():
                    loc = stream.add(para, layer, f"{label} paragraph {para_no + 1}")
                    if layer is Layer.COMMENT:
                        out.hidden.append(HiddenItem("comment", "comment in Word document", preview(para), loc))
        rest = text[pos:]
        for para in _paragraphs(rest) if pos == 0 else ():  # counts missing: everything is body
            if para.strip():
                stream.add(para, Layer.BODY, "text")
        out.add_stream(stream)
        notes.append("legacy .doc: tracked deletions, if any, are read as body text (save as .docx for a "
                     "full hidden-data check)")

    # -- Excel ---------------------------------------------------------------------------------

    def _excel(self, ole: object, out: Extracted, notes: list[str], codec: str) -> None:
        name = "Workbook" if ole.exists("Workbook") else "Book"  # type: ignore[attr-defined]
        data = ole.openstream(name).read()  # type: ignore[attr-defined]
        sheets: list[tuple[str, int]] = []
        strings: list[str] = []
        sheet_index = -1
        stream = PartText(name)
        hidden_text: dict[int, list[str]] = {}
        for rtype, body, conts in _biff_records(data):
            if rtype == 0x0809:  # BOF: globals first, then one per sheet
                sheet_index += 1
            elif rtype == 0x0085 and len(body) >= 8:  # BOUNDSHEET
                state = body[4] & 0x03
                sheets.append((_short_string(body, 6), state))
            elif rtype == 0x00FC:  # SST
                strings = _sst(body, conts)
            elif rtype == 0x00FD and len(body) >= 10 and sheet_index >= 1:  # LABELSST
                row, col = struct.unpack_from("<HH", body, 0)
                isst = struct.unpack_from("<I", body, 6)[0]
                if isst < len(strings):
                    sheet_name, state = sheets[sheet_index - 1] if sheet_index - 1 < len(sheets) else ("?", 0)
                    layer = Layer.HIDDEN_SHEET if state else Layer.TABLE
                    stream.add(strings[isst], layer, f"{sheet_name}!R{row + 1}C{col + 1}")
                    if state:
                        hidden_text.setdefault(sheet_index - 1, []).append(strings[isst])
        for index, (sheet_name, state) in enumerate(sheets):
            stream.add(sheet_name, Layer.METADATA, "sheet name", "sheet")
            if state:
                kind = "very hidden" if state == 2 else "hidden"
                out.hidden.append(HiddenItem("hidden_sheet", f"{kind} sheet '{sheet_name}'",
                                             preview(" | ".join(hidden_text.get(index, []))),
                                             Location(part=name, pointer=sheet_name)))
        out.add_stream(stream)
        notes.append("legacy .xls: text cells and sheet visibility were checked; numbers, hidden rows/columns "
                     "and cell comments were not (save as .xlsx for a full check)")

    # -- PowerPoint ----------------------------------------------------------------------------

    def _powerpoint(self, ole: object, out: Extracted) -> None:
        data = ole.openstream("PowerPoint Document").read()  # type: ignore[attr-defined]
        stream = PartText("PowerPoint Document")
        for text, in_notes in _ppt_texts(data):
            if text.strip():
                layer = Layer.NOTES if in_notes else Layer.BODY
                loc = stream.add(text, layer, "notes" if in_notes else "slide text")
                if in_notes:
                    out.hidden.append(HiddenItem("notes", "speaker notes", preview(text), loc))
        out.add_stream(stream)


_MEDIA = {"word": "application/msword", "excel": "application/vnd.ms-excel",
          "powerpoint": "application/vnd.ms-powerpoint", "ole": "application/x-ole-storage"}


def _paragraphs(text: str) -> list[str]:
    # \r ends a paragraph, \x07 ends a cell or row, \x0b is a line break, \x0c a page break;
    # \x13..\x15 bracket field codes (kept: a HYPERLINK field names its target).
    cleaned = text.replace("\x07", "\t").replace("\x0b", "\n").replace("\x0c", "\r")
    cleaned = "".join(c if c >= " " or c in "\t\n\r" else " " for c in cleaned)
    return cleaned.split("\r")


def _word_text(word: bytes, table: bytes, fc_clx: int, lcb_clx: int) -> str:
    """Document text from the piece table (CLX) in the table stream."""
    clx = table[fc_clx : fc_clx + lcb_clx]
    pos = 0
    while pos < len(clx) and clx[pos] == 0x01:  # Prc: property modifiers, skipped
        pos += 3 + struct.unpack_from("<H", clx, pos + 1)[0]
    if pos >= len(clx) or clx[pos] != 0x02:
        raise ExtractionError("damaged Word document (no piece table)")
    lcb = struct.unpack_from("<I", clx, pos + 1)[0]
    plc = clx[pos + 5 : pos + 5 + lcb]
    n = (len(plc) - 4) // 12
    if n <= 0:
        return ""
    cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
    out: list[str] = []
    for i in range(n):
        fc = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * i + 2)[0]
        count = max(0, cps[i + 1] - cps[i])
        if fc & 0x40000000:  # compressed: 8-bit cp1252 at fc/2
            start = (fc & 0x3FFFFFFF) // 2
            out.append(word[start : start + count].decode("cp1252", "replace"))
        else:
            out.append(word[fc : fc + 2 * count].decode("utf-16-le", "replace"))
    return "".join(out)


def _biff_records(data: bytes) -> Iterator[tuple[int, bytes, list[bytes]]]:
    """BIFF records with the CONTINUE records that follow each (needed to read the SST)."""
    pos = 0
    pending: tuple[int, bytes, list[bytes]] | None = None
    while pos + 4 <= len(data):
        rtype, size = struct.unpack_from("<HH", data, pos)
        body = data[pos + 4 : pos + 4 + size]
        pos += 4 + size
        if rtype == 0x003C and pending is not None:
            pending[2].append(body)
            continue
        if pending is not None:
            yield pending
        pending = (rtype, body, [])
    if pending is not None:
        yield pending


def _short_string(body: bytes, at: int) -> str:
    cch, flags = body[at], body[at + 1]
    raw = body[at + 2 : at + 2 + cch * (2 if flags & 1 else 1)]
    return raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace")


def _sst(body: bytes, conts: list[bytes]) -> list[str]:
    """The shared string table, following strings across CONTINUE boundaries (where each
    continued run of characters starts with a fresh 'high byte' flag)."""
    chunks = [body, *conts]
    ci, pos = 0, 8
    unique = struct.unpack_from("<I", body, 4)[0] if len(body) >= 8 else 0
    out: list[str] = []

    def take(n: int) -> bytes:
        nonlocal ci, pos
        got = b""
        while n > 0 and ci < len(chunks):
            piece = chunks[ci][pos : pos + n]
            got += piece
            n -= len(piece)
            pos += len(piece)
            if n > 0:
                ci, pos = ci + 1, 0
        return got

    for _ in range(min(unique, 5_000_000)):
        if ci >= len(chunks):
            break
        head = take(3)
        if len(head) < 3:
            break
        cch, flags = struct.unpack_from("<H", head, 0)[0], head[2]
        runs = struct.unpack("<H", take(2))[0] if flags & 0x08 else 0
        ext = struct.unpack("<I", take(4))[0] if flags & 0x04 else 0
        chars: list[str] = []
        wide = bool(flags & 0x01)
        remaining = cch
        while remaining > 0 and ci < len(chunks):
            available = (len(chunks[ci]) - pos) // (2 if wide else 1)
            if available <= 0:
                ci, pos = ci + 1, 0
                if ci < len(chunks):
                    wide = bool(chunks[ci][0] & 0x01)
                    pos = 1
                continue
            n = min(remaining, available)
            raw = take(n * (2 if wide else 1))
            chars.append(raw.decode("utf-16-le" if wide else "latin-1", "replace"))
            remaining -= n
        take(4 * runs + ext)
        out.append("".join(chars))
    return out


def _ppt_texts(data: bytes) -> Iterator[tuple[str, bool]]:
    """(text, inside a Notes container) for every text atom of a PowerPoint stream."""
    pos = 0
    stack: list[tuple[int, int]] = []  # (end offset, record type) of open containers
    while pos + 8 <= len(data):
        while stack and pos >= stack[-1][0]:
            stack.pop()
        ver_inst, rtype, size = struct.unpack_from("<HHI", data, pos)
        in_notes = any(t == 0x03F0 for _, t in stack)
        if ver_inst & 0x000F == 0x000F:  # container: step inside
            stack.append((pos + 8 + size, rtype))
            pos += 8
            continue
        body = data[pos + 8 : pos + 8 + size]
        if rtype == 0x0FA0:
            yield body.decode("utf-16-le", "replace").replace("\r", "\n"), in_notes
        elif rtype == 0x0FA8:
            yield body.decode("latin-1", "replace").replace("\r", "\n"), in_notes
        pos += 8 + size
