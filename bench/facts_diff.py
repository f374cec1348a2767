"""Are the facts of two corpus indexes identical? (Before/after check of an extraction speed-up.)

    PYTHONPATH=src python bench/facts_diff.py BEFORE.sqlite AFTER.sqlite [--show 10]

Both indexes are `mosaicguard aggregate CORPUS --index FILE` runs over the same corpus. Every
stored fact (path, scope, kind, value, attribute, link keys, extra, offset, snippet) of every
document is compared, in the order the extractor stored them, and so are each document's
status and error. Prints the counts and the first differing documents; exits 1 on any
difference, 0 when every document has the same facts.
"""

from __future__ import annotations

import argparse
import sqlite3
from collections.abc import Iterator
from itertools import groupby

_Row = tuple[object, ...]

_FACTS = ("SELECT d.path, f.scope, f.kind, f.value, f.attr, f.keys, f.extra, f.start, f.snippet "
          "FROM facts f JOIN docs d USING(doc_id) ORDER BY d.path, f.rowid")


def documents(index: str) -> dict[str, tuple[str, str | None]]:
    """path -> (status, error) of every document of `index`."""
    db = sqlite3.connect(index)
    try:
        return {str(p): (str(s), e) for p, s, e in db.execute("SELECT path, status, error FROM docs")}
    finally:
        db.close()


def facts_by_doc(index: str) -> Iterator[tuple[str, list[_Row]]]:
    """(path, its fact rows in stored order), by path."""
    db = sqlite3.connect(index)
    try:
        for path, rows in groupby(db.execute(_FACTS), key=lambda r: str(r[0])):
            yield path, [tuple(r[1:]) for r in rows]
    finally:
        db.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--show", type=int, default=10, help="differing documents to print")
    args = parser.parse_args()
    docs_a, docs_b = documents(args.before), documents(args.after)
    differ = sorted(p for p in docs_a.keys() | docs_b.keys() if docs_a.get(p) != docs_b.get(p))
    a, b = dict(facts_by_doc(args.before)), dict(facts_by_doc(args.after))
    changed = sorted(p for p in a.keys() | b.keys() if a.get(p, []) != b.get(p, []))
    print(f"documents: {len(docs_a)} / {len(docs_b)}; status or presence differs: {len(differ)}")
    print(f"facts: {sum(map(len, a.values()))} / {sum(map(len, b.values()))}; "
          f"documents whose facts differ: {len(changed)}")
    for path in changed[: args.show]:
        only_a = [r for r in a.get(path, []) if r not in b.get(path, [])]
        only_b = [r for r in b.get(path, []) if r not in a.get(path, [])]
        print(f"  {path}: only before {only_a[:3]}; only after {only_b[:3]}")
    return 1 if differ or changed else 0


if __name__ == "__main__":
    raise SystemExit(main())
