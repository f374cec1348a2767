"""DXF drawings (ezdxf): construction tenders attach CAD drawings, and drawings carry more than
their visible lines: text and MTEXT, attributes, layer and block names (often project codes),
XDATA strings, header variables (`$LASTSAVEDBY`, `$PROJECTNAME`, `$HYPERLINKBASE`), and
georeferencing (GEODATA, or a drawing laid out in real projected survey coordinates).

Georeferences become `gps` HiddenItems and a metadata segment written the way the coordinates
detector reads them ("N39.904200 E116.407400"), so they are also reported as `coordinates`.

DWG: no maintained open-source Python library reads DWG (ezdxf's odafc add-on shells out to the
proprietary ODA File Converter, which we do not install). A .dwg is reported `unsupported` with a
clear message, never skipped silently.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from ..errors import ExtractionError
from ..model import Document, HiddenItem, Layer, MetadataField, sha256_bytes
from .base import ExtractContext, Extractor
from .ooxml import Extracted, PartText, check_text_budget, finish, preview

# Header variables that name people, projects, machines or paths.
_REVEALING_HEADER = {
    "$LASTSAVEDBY": "last saved by",
    "$PROJECTNAME": "project name",
    "$HYPERLINKBASE": "hyperlink base",
    "$STYLESHEET": "plot style sheet path",
    "$MENU": "menu file path",
    "$FINGERPRINTGUID": "drawing fingerprint GUID",
}
_OTHER_HEADER = ("$ACADVER", "$DWGCODEPAGE", "$TDCREATE", "$TDUPDATE", "$INSUNITS")
_DEFAULT_LAYERS = {"0", "defpoints"}
_SKIP_TEXT_CODES = {1001, 1002}  # XDATA application names and braces, not content


def format_latlon(lat: float, lon: float) -> str:
    """A position written as the coordinates detector expects ("N39.904200 E116.407400")."""
    ns = "N" if lat >= 0 else "S"
    ew = "E" if lon >= 0 else "W"
    return f"{ns}{abs(lat):.6f} {ew}{abs(lon):.6f}"


def looks_like_survey_grid(x: float, y: float) -> bool:
    """True for coordinates that look like a Chinese projected grid (Gauss-Krüger / CGCS2000):
    northing 2,000,000-6,000,000 m and easting 100,000-900,000 m, optionally with a 2-digit zone
    prefix. A drawing drawn in such units places every line on the map."""
    for north, east in ((y, x), (x, y)):
        east_in_zone = east % 1_000_000 if east >= 10_000_000 else east
        if 2_000_000 <= north <= 6_000_000 and 100_000 <= east_in_zone <= 900_000:
            return True
    return False


class DxfExtractor(Extractor):
    media_type = "image/vnd.dxf"
    suffixes = (".dxf",)

    def extract(self, data: bytes, path: str, ctx: ExtractContext) -> Document:
        try:
            from ezdxf import recover
            from ezdxf.lldxf.const import DXFStructureError
        except ImportError as exc:
            raise ExtractionError("reading DXF needs the ezdxf package, which is not installed") from exc
        head = data[:64].lstrip()
        if not ((head.startswith(b"0") and b"SECTION" in data[:4096]) or data.startswith(b"AutoCAD Binary DXF")):
            raise ExtractionError("not a DXF drawing (no DXF section structure)")
        try:
            doc, _auditor = recover.read(io.BytesIO(data))
        except (DXFStructureError, ValueError, UnicodeDecodeError, EOFError) as exc:
            raise ExtractionError(f"damaged or unreadable DXF drawing: {exc}") from exc
        out = Extracted()
        self._header(doc, out)
        self._tables(doc, out)
        count = 0
        grid_found = any(h.category == "gps" for h in out.hidden)
        for layout_name, entities in self._spaces(doc):
            stream = PartText(layout_name)
            for entity in entities:
                count += 1
                if count % 2000 == 0:
                    ctx.check_time()
                self._entity(entity, layout_name, stream, out)
                if not grid_found:
                    grid_found = self._survey_point(entity, stream, out)
            out.add_stream(stream)
        self._geodata(doc, out)
        check_text_budget(out, ctx.limits)
        return finish(out, path, self.media_type, sha256_bytes(data))

    def _header(self, doc: Any, out: Extracted) -> None:
        stream = PartText("HEADER")
        for name in (*_REVEALING_HEADER, *_OTHER_HEADER):
            try:
                value = doc.header.get(name)
            except Exception:  # noqa: BLE001 - unknown/ill-typed header variables are skipped
                continue
            if value is None or str(value).strip() == "":
                continue
            text = str(value).strip()
            out.metadata.append(MetadataField(name, text, "HEADER"))
            if name in _REVEALING_HEADER:
                loc = stream.add(text, Layer.METADATA, name, name)
                out.hidden.append(HiddenItem("metadata", f"drawing header {_REVEALING_HEADER[name]} ({name})",
                                             preview(text), loc))
        for corner in ("$EXTMIN", "$EXTMAX"):
            try:
                point = doc.header.get(corner)
            except Exception:  # noqa: BLE001
                continue
            if point is not None and looks_like_survey_grid(float(point[0]), float(point[1])):
                text = f"{corner} = {float(point[0]):.3f}, {float(point[1]):.3f}"
                loc = stream.add(text, Layer.METADATA, corner, corner)
                out.hidden.append(HiddenItem(
                    "gps", "drawing is laid out in real projected survey coordinates (Gauss-Krüger/CGCS2000 "
                    "grid): every feature's position on the ground can be read off", text, loc))
                break
        out.add_stream(stream)

    def _tables(self, doc: Any, out: Extracted) -> None:
        stream = PartText("TABLES")
        for layer in doc.layers:
            name = layer.dxf.name
            if name.lower() not in _DEFAULT_LAYERS:
                stream.add(name, Layer.METADATA, "layer name", "layer")
        for block in doc.blocks:
            name = block.name
            if not name.startswith("*"):  # *Model_Space, *Paper_Space, anonymous blocks
                stream.add(name, Layer.METADATA, "block name", "block")
            xref = block.block.dxf.get("xref_path", "") if block.block is not None else ""
            if xref:  # an external reference names another drawing on the author's disk or share
                loc = stream.add(xref, Layer.METADATA, f"XREF {name}", "xref")
                out.hidden.append(HiddenItem("metadata", f"external reference '{name}' to another drawing",
                                             preview(xref), loc))
        for imagedef in doc.objects.query("IMAGEDEF"):
            filename = imagedef.dxf.get("filename", "")
            if filename:
                loc = stream.add(filename, Layer.METADATA, f"IMAGEDEF #{imagedef.dxf.handle}", "image path")
                out.hidden.append(HiddenItem("metadata", "linked raster image path", preview(filename), loc))
        out.add_stream(stream)

    def _spaces(self, doc: Any) -> Iterable[tuple[str, Iterable[Any]]]:
        for layout in doc.layouts:
            yield (f"layout:{layout.name}", layout)
        for block in doc.blocks:
            if not block.name.startswith("*"):
                yield (f"block:{block.name}", block)

    def _entity(self, entity: Any, part: str, stream: PartText, out: Extracted) -> None:
        kind = entity.dxftype()
        handle = getattr(entity.dxf, "handle", "?")
        pointer = f"{kind} #{handle} on layer {entity.dxf.get('layer', '0')}"
        texts: list[str] = []
        if kind == "TEXT" or kind in ("ATTRIB", "ATTDEF"):
            texts.append(entity.dxf.get("text", ""))
        elif kind == "MTEXT":
            texts.append(entity.plain_text())
        elif kind == "DIMENSION":
            texts.append(entity.dxf.get("text", "").replace("<>", ""))
        elif kind == "MULTILEADER":
            context = getattr(entity, "context", None)
            mtext = getattr(context, "mtext", None)
            texts.append(getattr(mtext, "default_content", "") or "")
        elif kind == "INSERT":
            for attrib in getattr(entity, "attribs", ()):
                tag = attrib.dxf.get("tag", "")
                value = attrib.dxf.get("text", "")
                if value:
                    stream.add(value, Layer.BODY, f"ATTRIB {tag} #{attrib.dxf.handle} of INSERT #{handle}", tag)
        for text in texts:
            if text and text.strip():
                stream.add(text, Layer.BODY, pointer)
        if kind == "ATTDEF" and entity.dxf.get("prompt", ""):
            stream.add(entity.dxf.prompt, Layer.BODY, f"{pointer} prompt")
        self._xdata(entity, pointer, stream, out)

    def _survey_point(self, entity: Any, stream: PartText, out: Extracted) -> bool:
        """One `gps` item per drawing whose geometry sits on a projected survey grid."""
        point = None
        for attr in ("insert", "start", "center"):
            if entity.dxf.is_supported(attr) and entity.dxf.hasattr(attr):
                point = entity.dxf.get(attr)
                break
        if point is None or not looks_like_survey_grid(float(point[0]), float(point[1])):
            return False
        text = f"{float(point[0]):.3f}, {float(point[1]):.3f}"
        loc = stream.add(text, Layer.METADATA, f"{entity.dxftype()} #{entity.dxf.handle}", "survey point")
        out.hidden.append(HiddenItem(
            "gps", "drawing is laid out in real projected survey coordinates (Gauss-Krüger/CGCS2000 grid): "
            "every feature's position on the ground can be read off", text, loc))
        return True

    def _xdata(self, entity: Any, pointer: str, stream: PartText, out: Extracted) -> None:
        xdata = getattr(entity, "xdata", None)
        if not xdata:
            return
        for appid, tags in xdata.data.items():
            strings = [str(t.value) for t in tags if t.code in (1000, 1003) and str(t.value).strip()]
            if not strings:
                continue
            text = " ".join(strings)
            loc = stream.add(text, Layer.METADATA, f"XDATA {appid} of {pointer}", "xdata")
            out.hidden.append(HiddenItem("metadata", f"extended data (XDATA, application {appid}) on {pointer}",
                                         preview(text), loc))

    def _geodata(self, doc: Any, out: Extracted) -> None:
        try:
            geodata = doc.modelspace().get_geodata()
        except Exception:  # noqa: BLE001 - a malformed GEODATA object is not worth failing the file for
            geodata = None
        if geodata is None:
            return
        stream = PartText("GEODATA")
        ref = geodata.dxf.get("reference_point")
        crs = getattr(geodata, "coordinate_system_definition", "") or ""
        if ref is not None and (ref[0] or ref[1]):
            lon, lat = float(ref[0]), float(ref[1])
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                text = format_latlon(lat, lon)
                loc = stream.add(text, Layer.METADATA, "GEODATA reference point", "geodata")
                out.hidden.append(HiddenItem("gps", "drawing is georeferenced (GEODATA reference point)", text, loc))
            elif looks_like_survey_grid(lon, lat):
                text = f"{lon:.3f}, {lat:.3f}"
                loc = stream.add(text, Layer.METADATA, "GEODATA reference point", "geodata")
                out.hidden.append(HiddenItem("gps", "drawing is georeferenced in projected survey coordinates",
                                             text, loc))
        if crs.strip():
            stream.add(crs[:2000], Layer.METADATA, "GEODATA coordinate system", "geodata")
            out.metadata.append(MetadataField("GEODATA:coordinate_system", preview(crs, 500), "GEODATA"))
        out.add_stream(stream)


class DwgExtractor(Extractor):
    """Reports every .dwg as unsupported, with what to do instead."""

    media_type = "image/vnd.dwg"
    suffixes = (".dwg",)

    def extract(self, data: bytes, path: str, ctx: ExtractContext) -> Document:
        version = data[:6].decode("ascii", "replace") if data[:2] == b"AC" else "unknown"
        return Document(
            path=path, media_type=self.media_type, sha256=sha256_bytes(data), status="unsupported",
            error=(f"DWG drawing (version {version}) is not read: no maintained open-source library reads DWG. "
                   "Export it to DXF (or PDF) and scan that, or review it by hand"),
        )
