"""No plaintext secrets at rest: after scan (with and without --redact), register and check with a
policy whose lexicon and protected subjects hold distinctive terms, no file the tool wrote (caches,
temporary files, the registry, the aggregation index, every redacted report) holds any of those
terms in UTF-8, UTF-16-LE, UTF-16-BE or GB18030.

The CLI runs as a real subprocess with HOME, XDG_CACHE_HOME and TMPDIR inside tmp_path (and the
test suite's cache override removed), so its default cache locations are the ones checked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import mosaicguard
from formats.factory_cn import render_text_image

TERMS = ("鲲鹏九号工程", "Project Nightjar", "青峦七号", "Bluecrest Seven", "QL-2031-77")
ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be", "gb18030")
POLICY = """\
lexicon:
  - {term: "鲲鹏九号工程", severity: high}
  - {term: "Project Nightjar", severity: critical}
protected_subjects:
  - {id: s1, aliases: ["青峦七号", "Bluecrest Seven"], codes: ["QL-2031-77"]}
sensitive_purposes: [雷达]
combinations:
  - {attributes: [location, purpose], severity: critical}
"""


def _run(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from mosaicguard.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600, check=False)


def _hits(blob: bytes) -> list[tuple[str, str]]:
    return [(t, enc) for t in TERMS for enc in ENCODINGS if t.encode(enc) in blob]


@pytest.mark.slow
def test_no_file_written_holds_a_protected_term(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    docs, corpus, public = inputs / "docs", inputs / "corpus", inputs / "public"
    for d in (docs, corpus, public):
        d.mkdir(parents=True)
    (inputs / "policy.yaml").write_text(POLICY, encoding="utf-8")
    notice = ("关于鲲鹏九号工程的通知。Project Nightjar 启动。青峦七号（QL-2031-77）位于浙江省杭州市余杭区良渚街道，"
              "用于雷达天线罩，2027年3月竣工。Bluecrest Seven.\n联系人手机 13957112345\n")
    (docs / "notice.txt").write_text(notice, encoding="utf-8")
    image, _ = render_text_image(["关于鲲鹏九号工程的通知", "青峦七号 QL-2031-77"], width=1400)
    image.save(docs / "scan.png")  # read by OCR: its page cache must not hold the text either
    (corpus / "a.txt").write_text("良渚街道道路养护项目采购公告，浙江省杭州市余杭区。\n", encoding="utf-8")
    (corpus / "b.txt").write_text("食堂食材采购结果公告。\n", encoding="utf-8")
    (public / "template.txt").write_text("本公告依据政府采购法发布，供应商应当如实提交材料并对其真实性负责。\n",
                                         encoding="utf-8")

    home, xdg, tmp, out = (tmp_path / n for n in ("home", "xdg", "tmp", "out"))
    for d in (home, xdg, tmp, out):
        d.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOSAICGUARD_")}
    src = str(Path(mosaicguard.__file__).resolve().parents[1])
    env.update(HOME=str(home), XDG_CACHE_HOME=str(xdg), TMPDIR=str(tmp),
               PYTHONPATH=os.pathsep.join([src, env.get("PYTHONPATH", "")]))
    policy = ["--policy", "policy.yaml"]

    plain = _run(env, inputs, "scan", "docs", *policy, "--format", "json", "-o", str(tmp_path / "plain.json"))
    assert plain.returncode == 1, plain.stderr
    # The unredacted report is the one file meant to quote what it found (it is outside `out`).
    assert _hits((tmp_path / "plain.json").read_bytes())
    for fmt in ("json", "sarif", "html", "text"):
        r = _run(env, inputs, "scan", "docs", *policy, "--format", fmt, "--redact", "--show-suppressed",
                 "-o", str(out / f"scan.{fmt}"))
        assert r.returncode == 1, r.stderr
    r = _run(env, inputs, "register", "docs", "--registry", str(out / "reg.db"), "--key-file", str(out / "reg.key"),
             "--label", "机密", "--public", "public")
    assert r.returncode == 0, r.stderr
    r = _run(env, inputs, "scan", "docs", *policy, "--registry", str(out / "reg.db"), "--key-file",
             str(out / "reg.key"), "--format", "json", "--redact", "-o", str(out / "scan-registry.json"))
    assert r.returncode == 1, r.stderr
    for fmt in ("json", "html"):
        r = _run(env, inputs, "check", "docs", "--corpus", "corpus", *policy, "--index", str(out / "index.db"),
                 "--format", fmt, "--redact", "-o", str(out / f"check.{fmt}"))
        assert r.returncode in (0, 1), r.stderr

    written = [p for root in (home, xdg, tmp, out) for p in root.rglob("*") if p.is_file()]
    caches = [p for p in written if xdg in p.parents]
    assert any(p.suffix == ".hsdb" for p in caches), "the Hyperscan cache was not used: nothing checked"
    assert any(p.suffix == ".ocr" for p in caches), "the OCR page cache was not used: nothing checked"
    leaks = {str(p.relative_to(tmp_path)): h for p in written if (h := _hits(p.read_bytes()))}
    assert leaks == {}
    assert not list(tmp.iterdir()), "temporary files were left behind"
