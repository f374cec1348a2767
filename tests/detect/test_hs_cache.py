"""The on-disk Hyperscan database cache: a second engine build loads the stored database, a
corrupt or foreign file is ignored and rewritten, files are private, and findings are identical
with and without the cache."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from detect.helpers import CONTENT_DETECTORS, SAMPLE_POLICY
from mosaicguard.detect import hs_cache
from mosaicguard.detect.engine import Engine
from mosaicguard.detect.lexicon import LexiconMatcher
from mosaicguard.detect.registry import get_detector
from mosaicguard.model import Document, Layer, Location, Segment, Severity

TEXT = (
    "身份证号 11010519491231002X，联系电话：138 1234 5678，zhang.wei@example.cn，服务器 10.12.3.45，"
    "坐标 39.90421, 116.40739，password=Hx9#kLm2Qw，61234部队，关于7301工程的通知，Project Falcon."
)


def _engine(kind: str = "hyperscan") -> Engine:
    return Engine(SAMPLE_POLICY, kind, detectors=[get_detector(n) for n in CONTENT_DETECTORS])


def _doc(text: str = TEXT) -> Document:
    return Document(path="x.txt", media_type="text/plain", sha256="",
                    segments=(Segment(text, Layer.BODY, Location(start=0)),))


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(hs_cache.ENV_VAR, str(tmp_path / "c"))
    hs_cache.STATS.clear()
    return tmp_path / "c" / "hyperscan"


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix == ".hsdb")


def test_second_build_loads_from_cache(cache: Path) -> None:
    first = _engine()
    assert hs_cache.STATS == {"miss": 1}
    (stored,) = _files(cache)
    written = stored.stat().st_mtime_ns
    second = _engine()
    assert hs_cache.STATS == {"miss": 1, "hit": 1}
    assert stored.stat().st_mtime_ns == written  # read, not rewritten
    assert second.scan(_doc()) == first.scan(_doc())


def test_files_are_private(cache: Path) -> None:
    _engine()
    (stored,) = _files(cache)
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert not [p for p in cache.iterdir() if p.name.startswith(".tmp-")]  # no temporary left behind


def test_loose_folder_is_tightened(cache: Path) -> None:
    cache.mkdir(parents=True)
    cache.chmod(0o755)
    _engine()
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700


def test_folder_others_can_write_is_not_used(cache: Path) -> None:
    """Anyone who can write there could plant a database with a matching digest."""
    _engine()
    assert len(_files(cache)) == 1
    cache.chmod(0o777)
    hs_cache.STATS.clear()
    engine = _engine()
    assert hs_cache.STATS == {"untrusted": 1}
    assert stat.S_IMODE(cache.stat().st_mode) == 0o777  # not ours to fix: left alone, unused
    assert engine.scan(_doc()) == _engine("python").scan(_doc())
    cache.chmod(0o700)


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage", "empty", "foreign"])
def test_corrupt_cache_file_is_ignored_and_rewritten(cache: Path, damage: str) -> None:
    expected = _engine("python").scan(_doc())
    _engine()
    (stored,) = _files(cache)
    blob = stored.read_bytes()
    if damage == "flip":  # Hyperscan's own loader accepts this one: only the digest catches it
        middle = len(blob) // 2
        blob = blob[:middle] + bytes(b ^ 0xFF for b in blob[middle : middle + 64]) + blob[middle + 64 :]
    elif damage == "truncate":
        blob = blob[: len(blob) // 3]
    elif damage == "garbage":
        blob = b"\x00" * len(blob)
    elif damage == "empty":
        blob = b""
    else:  # a well-formed file whose payload is not a database: digest matches, loadb refuses
        payload = b"not a hyperscan database" * 10
        import hashlib

        blob = blob[: blob.index(b"\n") + 1] + hashlib.sha256(payload).digest() + payload
    stored.write_bytes(blob)
    hs_cache.STATS.clear()
    engine = _engine()
    assert hs_cache.STATS == {"corrupt": 1, "miss": 1}
    assert engine.scan(_doc()) == expected
    # Rewritten: the next build is a verified hit again.
    hs_cache.STATS.clear()
    assert _engine().scan(_doc()) == expected
    assert hs_cache.STATS == {"hit": 1}


def test_identical_findings_with_and_without_cache(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = TEXT * 20
    _engine()  # fill the cache
    cached = _engine()
    assert hs_cache.STATS.get("hit") == 1
    monkeypatch.setenv(hs_cache.ENV_VAR, "off")
    uncached = _engine()
    assert hs_cache.STATS.get("off") == 1
    found = cached.scan(_doc(text))
    assert found == uncached.scan(_doc(text)) == _engine("python").scan(_doc(text))
    assert {f.category for f in found} >= {"cn_id", "phone", "email", "protected_term", "credential"}


def test_off_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for value in ("off", "OFF", "0", "none"):
        monkeypatch.setenv(hs_cache.ENV_VAR, value)
        assert hs_cache.cache_dir() is None
    _engine()
    assert not (tmp_path / "xdg").exists() and not (tmp_path / "home").exists()


def test_default_locations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(hs_cache.ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert hs_cache.cache_dir() == tmp_path / "xdg" / "mosaicguard" / "hyperscan"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert hs_cache.cache_dir() == tmp_path / "home" / ".cache" / "mosaicguard" / "hyperscan"


def test_key_depends_on_every_expression_id_and_flag() -> None:
    import hyperscan

    base = hs_cache.cache_key(hyperscan, 1, [b"ab", b"c"], [0, 1], [0, 0])
    assert base == hs_cache.cache_key(hyperscan, 1, [b"ab", b"c"], [0, 1], [0, 0])
    variants = [
        hs_cache.cache_key(hyperscan, 1, [b"a", b"bc"], [0, 1], [0, 0]),  # same bytes, split differently
        hs_cache.cache_key(hyperscan, 1, [b"ab", b"c"], [1, 0], [0, 0]),
        hs_cache.cache_key(hyperscan, 1, [b"ab", b"c"], [0, 1], [0, 8]),
        hs_cache.cache_key(hyperscan, 2, [b"ab", b"c"], [0, 1], [0, 0]),
        hs_cache.cache_key(hyperscan, 1, [b"ab"], [0], [0]),
    ]
    assert len({base, *variants}) == 6


def test_lexicon_database_is_cached_per_term_list(cache: Path) -> None:
    terms = [("7301工程", Severity.HIGH), ("Project Falcon", Severity.HIGH)]
    text = "关于７３０１ 工程的通知 and PROJECT  FALCON" + "。" * 300  # long enough for the numpy fold
    first = LexiconMatcher(terms, "hyperscan").find(text)
    assert hs_cache.STATS == {"miss": 1}
    assert LexiconMatcher(terms, "hyperscan").find(text) == first
    assert hs_cache.STATS == {"miss": 1, "hit": 1}
    assert [i for i, _, _ in first] == [0, 1]
    LexiconMatcher([*terms, ("金盾基地", Severity.HIGH)], "hyperscan")
    assert hs_cache.STATS == {"miss": 2, "hit": 1}
    assert len(_files(cache)) == 2


def test_unusable_cache_does_not_fail_the_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _engine("python").scan(_doc())
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv(hs_cache.ENV_VAR, str(blocker))
    hs_cache.STATS.clear()
    assert _engine().scan(_doc()) == expected
    assert hs_cache.STATS == {"untrusted": 1}
    # A full disk or read-only home: the write fails, the compiled database is still used.
    monkeypatch.setenv(hs_cache.ENV_VAR, str(tmp_path / "c"))

    def full_disk(*_args: object, **_kwargs: object) -> tuple[int, str]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(hs_cache.tempfile, "mkstemp", full_disk)
    hs_cache.STATS.clear()
    assert _engine().scan(_doc()) == expected
    assert hs_cache.STATS == {"miss": 1, "write_error": 1}


def test_old_databases_and_stale_temporaries_are_pruned(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setattr(hs_cache, "MAX_FILES", 3)
    cache.mkdir(parents=True)
    for i in range(5):
        old = cache / f"{i:064x}.hsdb"
        old.write_bytes(b"x")
        os.utime(old, (1000 + i, 1000 + i))
    stale = cache / ".tmp-abandoned.hsdb"
    stale.write_bytes(b"x")
    os.utime(stale, (1000, 1000))
    _engine()
    left = sorted(p.name for p in cache.iterdir())
    assert len(left) == 3 and ".tmp-abandoned.hsdb" not in left
    assert f"{4:064x}.hsdb" in left and f"{3:064x}.hsdb" in left  # the newest old ones stay
    assert hs_cache.STATS == {"miss": 1}
    _engine()
    assert hs_cache.STATS == {"miss": 1, "hit": 1}  # the database just written was kept


def test_sealed_files_hold_no_term_and_legacy_plaintext_is_deleted(cache: Path) -> None:
    """The database of a lexicon holds its terms (plain UTF-16 in Hyperscan's literal tables):
    the stored file is encrypted, and a plaintext file of the older format is removed."""
    terms = [("鲲鹏九号工程", Severity.HIGH), ("Project Nightjar", Severity.HIGH)]
    cache.mkdir(parents=True, mode=0o700)
    legacy = cache / ("0" * 64 + ".hsdb")
    legacy.write_bytes(b"mosaicguard-hyperscan-db 1\n" + "鲲鹏九号工程".encode("utf-16-le"))
    first = LexiconMatcher(terms, "hyperscan").find("关于鲲鹏九号工程 and project nightjar" + "。" * 300)
    assert not legacy.exists()
    (stored,) = _files(cache)
    blob = stored.read_bytes()
    for term, _ in terms:
        for enc in ("utf-8", "utf-16-le", "utf-16-be", "gb18030"):
            assert term.encode(enc) not in blob and term.lower().encode(enc) not in blob
    # The sealed file is still a verified hit for the same terms, and finds the same.
    hs_cache.STATS.clear()
    assert LexiconMatcher(terms, "hyperscan").find("关于鲲鹏九号工程 and project nightjar" + "。" * 300) == first
    assert hs_cache.STATS == {"hit": 1}
