"""A bounded reader for zip-of-XML formats that are not OOXML (OFD, OpenDocument): member
reading with the archive limits, safe XML parsing (no DTDs, no entities, no network) and helpers
to find elements by local name whatever namespace prefix a producer chose."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from .ooxml import Element, XmlZip, local_name

#: the bounded zip-of-XML reader, shared with the OOXML `Package` (one implementation of the limits)
ZipParts = XmlZip


def resolve(base_part: str, target: str) -> str:
    """A location written inside `base_part` as a part name: absolute ("/Doc_0/x.xml") from the
    container root, otherwise relative to the folder of `base_part`."""
    target = target.strip().replace("\\", "/")
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_part), target)).lstrip("/")


def children(elem: Element, name: str) -> Iterator[Element]:
    """Direct children with local name `name`, any namespace."""
    for child in elem:
        if local_name(child.tag) == name:
            yield child


def child(elem: Element, name: str) -> Element | None:
    return next(children(elem, name), None)


def descendants(elem: Element, name: str) -> Iterator[Element]:
    """All descendants with local name `name`, any namespace, in document order."""
    for node in elem.iter():
        if local_name(node.tag) == name:
            yield node


def text_of(elem: Element | None) -> str:
    return "".join(elem.itertext()).strip() if elem is not None else ""
