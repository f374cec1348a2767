"""A real desk for the browser tests and the README screenshot, started with the commands a user
types (README "The review desk"): `mosaicguard users add` and `mosaicguard serve` (uvicorn with
its worker process), SQLite in a temporary folder, on a free loopback port."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[3]
SAMPLES = REPO / "samples"
PROFILES = ("procurement-notice", "construction-notice", "archive-release", "press-release", "social-post")


def mosaicguard_exe() -> str:
    """The `mosaicguard` command of the running interpreter's environment."""
    beside = Path(sys.executable).with_name("mosaicguard")
    return str(beside) if beside.exists() else (shutil.which("mosaicguard") or "mosaicguard")


def cli_env() -> dict[str, str]:
    """The environment for CLI subprocesses: this checkout's sources first."""
    return dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")]))


def write_policy(path: Path) -> Path:
    """The demo policy with every profile the upload page offers (a plain profile where the demo
    has none)."""
    policy = yaml.safe_load((SAMPLES / "policy.yaml").read_text(encoding="utf-8"))
    profiles = policy.setdefault("profiles", {})
    for name in PROFILES:
        profiles.setdefault(name, {"description": name.replace("-", " ")})
    path.write_text(yaml.safe_dump(policy, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class DeskServer:
    """`mosaicguard serve` on an SQLite desk in `root`, with a submitter, a reviewer and an approver."""

    root: Path
    users: dict[str, tuple[str, str]] = field(default_factory=lambda: {
        "wang.fang": ("submitter", "wang-password-1"),
        "li.ming": ("reviewer", "li-ming-password"),
        "zhao.lei": ("approver", "zhao-password-9"),
    })
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.root / 'desk.db'}"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cli(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        """Run `mosaicguard ARGS...` as a user would."""
        return subprocess.run([mosaicguard_exe(), *args], input=stdin, capture_output=True, text=True,
                              env=cli_env(), timeout=120, check=False)

    def start(self) -> DeskServer:
        policy = write_policy(self.root / "policy.yaml")
        for name, (role, password) in self.users.items():
            done = self.cli("users", "add", name, "--role", role, "--db", self.db_url, stdin=password + "\n")
            if done.returncode != 0:
                raise RuntimeError(f"users add {name}: {done.stdout}{done.stderr}")
        self.port = free_port()
        log = open(self.root / "server.log", "wb")  # noqa: SIM115 - the server writes to it while it runs
        self.proc = subprocess.Popen(
            [mosaicguard_exe(), "serve", "--db", self.db_url, "--data-dir", str(self.root / "data"),
             "--policy", str(policy), "--corpus", str(SAMPLES / "corpus"), "--host", "127.0.0.1",
             "--port", str(self.port)], env=cli_env(), stdout=log, stderr=log)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.stop()
                    raise RuntimeError("the desk did not start: " + (self.root / "server.log").read_text()) from None
                time.sleep(0.1)

    def stop(self) -> None:
        """Stop the server (it stops its worker)."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
