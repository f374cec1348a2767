"""Key files and keyed hashes."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from mosaicguard.errors import ConfigError
from mosaicguard.fingerprint.keys import RegistryKey, create_key, load_key, load_or_create_key


def test_created_key_is_random_hex_and_private(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "reg.key"
    key, created = load_or_create_key(path)
    assert created
    raw = path.read_bytes()
    assert len(raw) == 64 and all(c in b"0123456789abcdef" for c in raw)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again, created_again = load_or_create_key(path)
    assert not created_again and again == key
    other = create_key(tmp_path / "other.key")
    assert other != key


def test_create_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "reg.key"
    path.write_bytes(b"existing key material")
    with pytest.raises(ConfigError, match="already exists"):
        create_key(path)
    assert path.read_bytes() == b"existing key material"


def test_trailing_newline_is_not_part_of_the_key(tmp_path: Path) -> None:
    (tmp_path / "a.key").write_bytes(b"0123456789abcdef\n")
    (tmp_path / "b.key").write_bytes(b"0123456789abcdef")
    assert load_key(tmp_path / "a.key") == load_key(tmp_path / "b.key")
    assert load_key(tmp_path / "a.key").mac(b"x") == RegistryKey.from_bytes(b"0123456789abcdef").mac(b"x")


@pytest.mark.parametrize("content", [b"", b"\n", b"short"])
def test_too_short_key_is_a_config_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "k"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match="at least"):
        load_key(path)


def test_missing_key_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.key"):
        load_key(tmp_path / "nope.key")


def test_macs_depend_on_the_key_and_ids_are_opaque() -> None:
    a = RegistryKey.from_bytes(b"first key material")
    b = RegistryKey.from_bytes(b"second key material")
    units = list("关于北部山区雷达站建设工程的实施方案")
    assert a.kgram_macs(units, [0, 1], 13) != b.kgram_macs(units, [0, 1], 13)
    assert a.kgram_macs(units, [0], 13) == a.kgram_macs(list(units), [0], 13)
    sha = "ab" * 32
    assert a.doc_id(sha) != b.doc_id(sha)
    assert a.doc_id(sha) not in sha and len(a.doc_id(sha)) == 16
    assert a.check_value() != b.check_value()
    assert "first" not in repr(a)
