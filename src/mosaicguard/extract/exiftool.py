"""One shared ExifTool process per worker, in `-stay_open` batch mode.

ExifTool (Debian `libimage-exiftool-perl`) reads and writes the metadata of nearly every media
container (QuickTime/MP4 `©xyz` GPS, encoder and creation tool, AVI/WMV/MKV tags). Starting it per
file costs ~150 ms; one process that stays open answers in a few milliseconds. The process reads
files, so the bytes go to a private temporary folder that is removed as soon as ExifTool answers
(nothing is left behind; nothing is sent anywhere).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import json
import multiprocessing.util
import os
import select
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from ..errors import ExtractionError

_READY = b"{ready}"
_TIMEOUT = 60.0


class ExifTool:
    """A `-stay_open` ExifTool process; `run(args)` executes one command and returns stdout."""

    def __init__(self, executable: str = "exiftool") -> None:
        self.executable = executable
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def _start(self) -> subprocess.Popen[bytes]:
        path = shutil.which(self.executable)
        if path is None:
            raise ExtractionError("ExifTool is not installed (Debian: libimage-exiftool-perl); "
                                  "audio/video containers cannot be checked without it")
        # RIFF INFO text is read as UTF-8 (what current encoders write), not ExifTool's Latin-1 default.
        proc = subprocess.Popen([path, "-stay_open", "True", "-@", "-", "-common_args", "-charset", "filename=utf8",
                                 "-charset", "riff=utf8"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                preexec_fn=_die_with_parent)
        # With -stay_open ExifTool keeps reading after end of input, so it must be told to stop:
        # at exit of this process, and of a pool worker (which skips atexit handlers).
        atexit.register(self.close)
        multiprocessing.util.Finalize(self, ExifTool._stop, args=(proc,), exitpriority=10)
        return proc

    def run(self, args: list[str], timeout: float = _TIMEOUT) -> bytes:
        """Run one ExifTool command (one argument per list item) and return what it printed."""
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self._proc = self._start()
            try:
                return self._exchange(self._proc, args, timeout)
            except BaseException:
                # Interrupted (time limit, signal) or failed mid-answer: the rest of this answer
                # would be read as the next file's, so the process goes and a fresh one starts.
                self._kill()
                raise

    @staticmethod
    def _exchange(proc: subprocess.Popen[bytes], args: list[str], timeout: float) -> bytes:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(("\n".join(args) + "\n-execute\n").encode("utf-8"))
        proc.stdin.flush()
        fd = proc.stdout.fileno()
        out = b""
        deadline = time.monotonic() + timeout
        while not out.rstrip().endswith(_READY):
            left = deadline - time.monotonic()
            ready, _, _ = select.select([fd], [], [], max(left, 0))
            chunk = os.read(fd, 65536) if ready else b""
            if not chunk:
                raise ExtractionError("ExifTool did not answer in time" if not ready else "ExifTool stopped")
            out += chunk
        return out.rstrip()[: -len(_READY)]

    def _kill(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()
            self._proc = None

    def close(self) -> None:
        """Ask the process to finish (called at exit)."""
        proc, self._proc = self._proc, None
        if proc is not None:
            self._stop(proc)

    @staticmethod
    def _stop(proc: subprocess.Popen[bytes]) -> None:
        if proc.poll() is not None:
            return
        try:
            assert proc.stdin is not None
            proc.stdin.write(b"-stay_open\nFalse\n")
            proc.stdin.flush()
            proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired, AssertionError):
            proc.kill()
            proc.wait()


def _die_with_parent() -> None:
    """In the child before exec (Linux): SIGTERM when the process that started it dies, so a
    worker killed by a time limit or a crash leaves no ExifTool behind."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the exit handlers still stop it
        ctypes.CDLL(None, use_errno=True).prctl(1, 15)  # PR_SET_PDEATHSIG, SIGTERM


_SHARED = ExifTool()


def read_tags(data: bytes, suffix: str) -> dict[str, Any]:
    """Every tag ExifTool reads from `data` ("Group1:Tag" -> value, numbers unconverted)."""
    with tempfile.TemporaryDirectory(prefix="mosaicguard-") as folder:
        src = Path(folder) / f"input{suffix}"
        src.write_bytes(data)
        raw = _SHARED.run(["-json", "-a", "-G1", "-n", "-struct", str(src)])
    try:
        items = json.loads(raw.decode("utf-8", "replace") or "[]")
    except json.JSONDecodeError as exc:
        raise ExtractionError(f"ExifTool's answer could not be read: {exc}") from None
    tags: dict[str, Any] = items[0] if items and isinstance(items[0], dict) else {}
    if "ExifTool:Error" in tags:
        raise ExtractionError(f"not a readable media file: {tags['ExifTool:Error']}")
    return tags


def strip_all(data: bytes, suffix: str) -> bytes:
    """`data` rewritten by ExifTool with every writable tag removed (`-all=`)."""
    with tempfile.TemporaryDirectory(prefix="mosaicguard-") as folder:
        src = Path(folder) / f"input{suffix}"
        dst = Path(folder) / f"output{suffix}"
        src.write_bytes(data)
        answer = _SHARED.run(["-all=", "-o", str(dst), str(src)]).decode("utf-8", "replace")
        if not dst.exists():
            raise ExtractionError(f"ExifTool could not rewrite the file: {answer.strip() or 'no output'}")
        return dst.read_bytes()
