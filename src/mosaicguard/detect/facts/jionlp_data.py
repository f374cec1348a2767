"""jionlp's dictionaries, read as data without importing jionlp.

Importing jionlp costs 0.6 s and prints a banner to stdout; the fact extractors only need two of
its tables (the division tree, the pinyin phrases). The wheel ships each table zipped and jionlp
unzips it into its own folder on first import, so a fresh install may hold only the zip, and a
concurrent first import may be writing the text file at this moment: read from the zip unless the
unzipped file is whole. Nothing is written.
"""

from __future__ import annotations

import zipfile
from importlib.util import find_spec
from pathlib import Path


def dictionary_folder() -> Path:
    """jionlp's `dictionary/` folder."""
    spec = find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("jionlp is not installed: its dictionaries are needed")
    return Path(next(iter(spec.submodule_search_locations))) / "dictionary"


def dictionary_text(name: str, folder: Path | None = None) -> str:
    """The text of jionlp's dictionary `name` (e.g. `china_location.txt`), newlines as `\\n`."""
    folder = dictionary_folder() if folder is None else folder
    path = folder / name
    archive = path.with_suffix(".zip")
    if not archive.exists():
        return path.read_text("utf-8")
    with zipfile.ZipFile(archive) as zf:
        member = zf.getinfo(name)
        if path.exists() and path.stat().st_size == member.file_size:
            return path.read_text("utf-8")
        return zf.read(member).decode("utf-8").replace("\r\n", "\n")
