"""The tool never opens a network connection while scanning, and leaves no temporary files.

Two independent checks: (1) the scan runs in a subprocess whose `sitecustomize` installs an audit
hook (PEP 578) that logs and refuses every Python-level network event; worker processes
(`--jobs 2`) inherit it. (2) The same scan runs under `strace -f`, which also sees connections a
native library would make on its own (ONNX Runtime ships a telemetry client, for instance).
A fresh OCR cache makes sure the OCR engines really run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

NETWORK_EVENTS = (
    "socket.connect",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.gethostbyaddr",
    "socket.sendto",
    "socket.sendmsg",
    "urllib.Request",
    "http.client.connect",
    "ftplib.connect",
    "smtplib.connect",
    "webbrowser.open",
)

SITECUSTOMIZE = f"""
import os, sys

_LOG = os.environ["MG_AUDIT_LOG"]
_EVENTS = {NETWORK_EVENTS!r}


def _hook(event, args):
    if event in _EVENTS:
        with open(_LOG, "a", encoding="utf-8") as fh:
            fh.write(f"{{os.getpid()}} {{event}} {{args!r}}\\n")
        raise RuntimeError(f"network access attempted: {{event}}")


sys.addaudithook(_hook)
with open(_LOG, "a", encoding="utf-8") as fh:
    fh.write(f"{{os.getpid()}} armed\\n")
"""


def _run(args: list[str], tmp_path: Path, extra_env: dict[str, str] | None = None) -> tuple[int, list[str]]:
    hook_dir = tmp_path / "hook"
    hook_dir.mkdir(exist_ok=True)
    (hook_dir / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    log = tmp_path / "audit.log"
    log.write_text("", encoding="utf-8")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(hook_dir), env.get("PYTHONPATH", "")])
    env["MG_AUDIT_LOG"] = str(log)
    env["MOSAICGUARD_CACHE_DIR"] = str(tmp_path / "cache")  # cold cache: OCR really runs
    env.update(extra_env or {})
    code = "import sys; from mosaicguard.cli import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, log.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_scanning_the_samples_opens_no_connection(samples_dir: Path, tmp_path: Path, jobs: str) -> None:
    out = tmp_path / "report.html"
    code, log = _run(["scan", str(samples_dir / "documents"), "--policy", str(samples_dir / "policy.yaml"),
                      "--format", "html", "-o", str(out), "-q", "--jobs", jobs], tmp_path)
    assert code == 1 and out.stat().st_size > 10_000
    assert any(line.endswith("armed") for line in log), "the audit hook was not installed"
    attempts = [line for line in log if not line.endswith("armed")]
    assert attempts == []


def test_the_hook_would_catch_a_connection(tmp_path: Path) -> None:
    # Proves the harness is not vacuous: a process that does resolve a name is caught.
    hook_dir = tmp_path / "hook"
    hook_dir.mkdir()
    (hook_dir / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    log = tmp_path / "audit.log"
    env = dict(os.environ, PYTHONPATH=str(hook_dir), MG_AUDIT_LOG=str(log))
    code = "import socket\ntry:\n    socket.getaddrinfo('example.invalid', 80)\nexcept Exception:\n    pass"
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
    assert "socket.getaddrinfo" in log.read_text(encoding="utf-8")


def test_no_native_library_connects_either(samples_dir: Path, tmp_path: Path) -> None:
    strace = shutil.which("strace")
    assert strace, "strace is installed by scripts/install-system-deps.sh"
    trace = tmp_path / "trace.log"
    env = dict(os.environ, MOSAICGUARD_CACHE_DIR=str(tmp_path / "cache"))
    code = "import sys; from mosaicguard.cli import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.run(
        [strace, "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", str(trace), sys.executable, "-c", code,
         "scan", str(samples_dir / "documents"), "--policy", str(samples_dir / "policy.yaml"), "--format", "json",
         "-o", str(tmp_path / "r.json"), "-q", "--jobs", "2"],
        env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 1, proc.stderr
    calls = trace.read_text(encoding="utf-8").splitlines()
    # Local IPC (AF_UNIX, netlink) is fine; anything with an internet address is not.
    network = [c for c in calls if re.search(r"AF_INET6?|sin6?_addr|sa_family=AF_INET", c)]
    assert network == []


def test_strace_would_catch_a_connection(tmp_path: Path) -> None:
    strace = shutil.which("strace")
    assert strace
    trace = tmp_path / "trace.log"
    code = ("import socket\ns = socket.socket()\ntry:\n    s.connect(('127.0.0.1', 9))\n"
            "except OSError:\n    pass")
    subprocess.run([strace, "-f", "-qq", "-e", "trace=connect", "-o", str(trace), sys.executable, "-c", code],
                   check=True, timeout=60)
    assert "AF_INET" in trace.read_text(encoding="utf-8")


def test_no_temporary_files_are_left_behind(samples_dir: Path, tmp_path: Path) -> None:
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    env = {"TMPDIR": str(tmpdir), "TEMP": str(tmpdir), "TMP": str(tmpdir)}
    docs, policy = str(samples_dir / "documents"), str(samples_dir / "policy.yaml")
    _run(["scan", docs, "--policy", policy, "--format", "json", "-o", str(tmp_path / "r.json"), "-q", "-j", "2"],
         tmp_path, env)
    _run(["sanitize", docs, "--out", str(tmp_path / "clean"), "--policy", policy], tmp_path, env)
    # Importing onnxruntime (the OCR engine) writes a telemetry session id file `$TMPDIR/.ses`;
    # the OCR module imports it with TMPDIR pointed at a private folder it deletes, so nothing of
    # it, nor anything mosaicguard itself creates, may be left here.
    left = sorted(p.name for p in tmpdir.iterdir())
    assert left == []
    assert any((tmp_path / "clean").rglob("*")), "sanitize wrote nothing"
