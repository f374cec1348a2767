"""The sealed cache of parsed policies: the next process reads the policy without parsing its YAML,
gets exactly the policy a parse gives, never a stale one, and the cache shows no protected term."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from mosaicguard.policy import cache, load
from mosaicguard.policy.load import load_policy

POLICY = """\
protected_subjects:
  - id: ps-1
    aliases: [北辰计划, Project Polaris]
    codes: [ZB-2026-7301]
    severity: high
lexicon:
  - {term: 青石基地, severity: high, note: site name}
sensitive_purposes: [radar]
"""
SECRETS = ["北辰计划", "Project Polaris", "ZB-2026-7301", "青石基地"]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MOSAICGUARD_CACHE_DIR", str(tmp_path / "cache"))
    cache.STATS.clear()
    return tmp_path / "cache" / "policy"


def _write(tmp_path: Path, text: str, name: str = "policy.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def _no_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_a: Any, **_k: Any) -> Any:
        raise AssertionError("the YAML was parsed again")

    monkeypatch.setattr(load.yaml, "load", refuse)


def test_the_next_load_reads_the_cache_and_gives_the_same_policy(tmp_path: Path, folder: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, POLICY)
    parsed = load_policy(path)
    assert cache.STATS == {"miss": 1}
    files = list(folder.glob("*.policy"))
    assert len(files) == 1
    assert files[0].stat().st_mode & 0o777 == 0o600 and folder.stat().st_mode & 0o777 == 0o700
    _no_parse(monkeypatch)
    assert load_policy(path) == parsed
    assert cache.STATS == {"miss": 1, "hit": 1}


def test_the_cache_holds_no_protected_term(tmp_path: Path, folder: Path) -> None:
    load_policy(_write(tmp_path, POLICY))
    (entry,) = folder.iterdir()
    blob = entry.read_bytes()
    for term in SECRETS:
        for encoding in ("utf-8", "utf-16-le", "gb18030"):
            assert term.encode(encoding) not in blob, (term, encoding)
        assert term not in entry.name
    assert b"radar" not in blob


def test_a_changed_policy_is_parsed_again(tmp_path: Path, folder: Path) -> None:
    path = _write(tmp_path, POLICY)
    load_policy(path)
    changed = POLICY.replace("北辰计划", "南辰计划")
    path.write_bytes(changed.encode("utf-8"))
    policy = load_policy(path)
    assert "南辰计划" in policy.protected_subjects[0].aliases
    assert "北辰计划" not in policy.protected_subjects[0].aliases
    assert cache.STATS == {"miss": 2}
    assert len(list(folder.glob("*.policy"))) == 2


def test_an_entry_opens_only_for_the_same_bytes(tmp_path: Path, folder: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Another file with the same bytes finds the entry; the entry moved onto another name (as if
    planted for another policy) does not open."""
    load_policy(_write(tmp_path, POLICY))
    _no_parse(monkeypatch)
    assert load_policy(_write(tmp_path, POLICY, "copy.yaml")).protected_subjects[0].id == "ps-1"
    monkeypatch.undo()
    monkeypatch.setenv("MOSAICGUARD_CACHE_DIR", str(folder.parent))
    other = _write(tmp_path, POLICY + "\n# edited\n", "other.yaml")
    (entry,) = folder.iterdir()
    name = cache.entry_key(cache.digest(cache._MAGIC, f"pyyaml {yaml.__version__} {load._LOADER.__name__}".encode(),
                                        other.read_bytes()), cache._PURPOSE).name
    entry.rename(folder / f"{name}.policy")
    cache.STATS.clear()
    assert load_policy(other) == load_policy(_write(tmp_path, POLICY))
    assert cache.STATS["corrupt"] == 1


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_a_damaged_entry_is_parsed_again_and_rewritten(tmp_path: Path, folder: Path, damage: str) -> None:
    path = _write(tmp_path, POLICY)
    parsed = load_policy(path)
    (entry,) = folder.iterdir()
    blob = entry.read_bytes()
    entry.write_bytes(blob[:40] if damage == "truncate" else blob[:-1] + bytes([blob[-1] ^ 1]))
    assert load_policy(path) == parsed
    assert cache.STATS["corrupt"] == 1 and cache.STATS["miss"] == 2
    cache.STATS.clear()
    assert load_policy(path) == parsed
    assert cache.STATS == {"hit": 1}


def test_errors_are_reported_as_before_and_not_cached(tmp_path: Path, folder: Path) -> None:
    from mosaicguard.errors import ConfigError

    with pytest.raises(ConfigError, match="not valid YAML"):
        load_policy(_write(tmp_path, "protected_subjects: [\n"))
    with pytest.raises(ConfigError, match="cannot read"):
        bad = tmp_path / "latin1.yaml"
        bad.write_bytes("lexicon: [caf\xe9]".encode("latin-1"))
        load_policy(bad)
    assert not folder.exists() or list(folder.glob("*.policy")) == []


def test_line_endings_read_as_before(tmp_path: Path, folder: Path) -> None:
    crlf = _write(tmp_path, POLICY.replace("\n", "\r\n"), "crlf.yaml")
    assert load_policy(crlf) == load_policy(_write(tmp_path, POLICY))


def test_off_and_untrusted_folders_are_not_used(tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, POLICY)
    monkeypatch.setenv("MOSAICGUARD_CACHE_DIR", "off")
    load_policy(path)
    assert not folder.exists() and cache.STATS == {"off": 1}
    monkeypatch.setenv("MOSAICGUARD_CACHE_DIR", str(folder.parent))
    folder.mkdir(parents=True)
    os.chmod(folder, 0o777)  # others may write: a planted entry could be read
    load_policy(path)
    assert cache.STATS["untrusted"] == 1 and list(folder.iterdir()) == []


def test_old_entries_are_pruned(tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "MAX_FILES", 3)
    path = tmp_path / "policy.yaml"
    for i in range(6):
        path.write_bytes((POLICY + f"# revision {i}\n").encode("utf-8"))
        load_policy(path)
    assert len(list(folder.glob("*.policy"))) == 3
