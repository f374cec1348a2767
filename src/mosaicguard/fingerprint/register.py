"""Register documents: read them in any format the project reads, fingerprint their text, store
the keyed fingerprints. Re-registering a file with the same content (sha256) is a no-op."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..errors import ConfigError
from ..model import Document
from ..pipeline import ScanOptions, collect_inputs, read_document
from .keys import RegistryKey
from .normalize import NORMALIZER_VERSION, plain_units
from .store import DocRecord, FingerprintStore
from .winnow import DEFAULT_PARAMS, Params, selected_positions


@dataclass(frozen=True)
class RegisterOutcome:
    """What happened to one input: registered, unchanged (already there), or why not."""

    path: str
    status: str  # registered | public | unchanged | too_short | error | unsupported
    id: str = ""
    fingerprints: int = 0
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("registered", "unchanged", "public")


def document_texts(doc: Document) -> list[str]:
    """The texts fingerprinted for a document: every segment of every layer (a confidential
    paragraph in a tracked change is still that paragraph) and of embedded parts, in order."""
    texts = [s.text for s in doc.segments]
    for part in doc.embedded:
        texts.extend(document_texts(part))
    return texts


class Registry:
    """A store opened with its key. Checks the key against the registry (a wrong key is a
    configuration error, not a silent empty result) and fixes the fingerprint parameters: those
    recorded in the registry win over the defaults, so old registries keep working."""

    def __init__(self, store: FingerprintStore, key: RegistryKey, params: Params = DEFAULT_PARAMS) -> None:
        self.store = store
        self.key = key
        check = store.get_meta("key_check")
        if check is None:
            with store.batch():
                store.set_meta("key_check", key.check_value())
                store.set_meta("k", str(params.k))
                store.set_meta("w", str(params.w))
                store.set_meta("normalizer", str(NORMALIZER_VERSION))
        elif check != key.check_value():
            raise ConfigError("the key file does not match this registry (it was built with another key)")
        normalizer = int(store.get_meta("normalizer") or NORMALIZER_VERSION)
        if normalizer != NORMALIZER_VERSION:
            raise ConfigError(f"the registry was built with text normaliser v{normalizer}; this version has "
                              f"v{NORMALIZER_VERSION}: register the documents again into a new registry")
        self.params = Params(k=int(store.get_meta("k") or params.k), w=int(store.get_meta("w") or params.w))

    def fingerprints(self, units: Sequence[str]) -> list[int]:
        """Distinct keyed fingerprints of a unit sequence (sorted, for a deterministic store)."""
        positions = selected_positions(units, self.params)
        return sorted(set(self.key.kgram_macs(units, positions, self.params.k)))

    def register_texts(self, texts: Iterable[str], sha256: str, *, label: str | None = None,
                       title: str | None = None, media_type: str = "", size: int = 0,
                       path: str = "") -> RegisterOutcome:
        """Register one document given its texts (the fast path used by `register_document`
        and the benchmark)."""
        doc_id = self.key.doc_id(sha256)
        if self.store.has_document(doc_id):
            return RegisterOutcome(path, "unchanged", doc_id, message="already registered")
        units = plain_units(texts)
        macs = self.fingerprints(units)
        if not macs:
            return RegisterOutcome(path, "too_short", doc_id,
                                   message=f"no text to fingerprint (needs at least {self.params.k} units)")
        record = DocRecord(id=doc_id, label=label, title=title, media_type=media_type, bytes=size,
                           units=len(units))
        self.store.add_document(record, macs)
        return RegisterOutcome(path, "registered", doc_id, len(macs))

    def register_document(self, doc: Document, *, label: str | None = None,
                          store_titles: bool = False) -> list[RegisterOutcome]:
        """Register a read document and, as documents of their own, its archive members."""
        out: list[RegisterOutcome] = []
        if doc.status != "ok":
            out.append(RegisterOutcome(doc.path, doc.status, message=doc.error or doc.status))
        else:
            texts = document_texts(doc)
            if any(t.strip() for t in texts) or not doc.members:
                size = sum(len(t.encode("utf-8")) for t in texts)
                out.append(self.register_texts(texts, doc.sha256, label=label,
                                               title=doc.path if store_titles else None,
                                               media_type=doc.media_type, size=size, path=doc.path))
        for member in doc.members:
            out.extend(self.register_document(member, label=label, store_titles=store_titles))
        return out

    def remove(self, doc_id: str) -> bool:
        return self.store.remove_document(doc_id)

    def add_public_texts(self, texts: Iterable[str], sha256: str, path: str = "") -> RegisterOutcome:
        """Mark a public document's text as boilerplate: the keyed MAC of *every* k-gram (not only
        the winnowed ones), so that any k-gram a registered document shares with public text is
        known as public however the winnowing fell. Keyed like everything in the registry."""
        doc_id = self.key.public_id(sha256)
        if self.store.has_public(doc_id):
            return RegisterOutcome(path, "unchanged", doc_id, message="public document already added")
        units = plain_units(texts)
        k = self.params.k
        if len(units) < k:
            return RegisterOutcome(path, "too_short", doc_id,
                                   message=f"no text to fingerprint (needs at least {k} units)")
        macs = self.key.kgram_macs(units, range(len(units) - k + 1), k)
        self.store.add_public(doc_id, macs, len(units))
        return RegisterOutcome(path, "public", doc_id, len(set(macs)))

    def add_public_document(self, doc: Document) -> list[RegisterOutcome]:
        """A read public document and its archive members, as public text."""
        out: list[RegisterOutcome] = []
        if doc.status != "ok":
            out.append(RegisterOutcome(doc.path, doc.status, message=doc.error or doc.status))
        else:
            texts = document_texts(doc)
            if any(t.strip() for t in texts) or not doc.members:
                out.append(self.add_public_texts(texts, doc.sha256, path=doc.path))
        for member in doc.members:
            out.extend(self.add_public_document(member))
        return out


def register_paths(registry: Registry, paths: Sequence[str], *, label: str | None = None,
                   store_titles: bool = False, options: ScanOptions | None = None) -> list[RegisterOutcome]:
    """Read every file under `paths` (as `scan` would) and register it."""
    opts = options or ScanOptions()
    out: list[RegisterOutcome] = []
    for item in collect_inputs(paths):
        doc = read_document(item, opts)
        with registry.store.batch():
            out.extend(registry.register_document(doc, label=label, store_titles=store_titles))
    return out


def add_public_paths(registry: Registry, paths: Sequence[str],
                     options: ScanOptions | None = None) -> list[RegisterOutcome]:
    """Read every file under `paths` (as `scan` would) and mark its text as public."""
    opts = options or ScanOptions()
    out: list[RegisterOutcome] = []
    for item in collect_inputs(paths):
        doc = read_document(item, opts)
        with registry.store.batch():
            out.extend(registry.add_public_document(doc))
    return out
