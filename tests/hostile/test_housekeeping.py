"""Round two: what a run leaves behind.  File modes, worker processes, a killed run's files."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from factcheck.fsutil import write_files_atomically
from tests.test_corpus_generator import corpus_module

ROOT = Path(__file__).resolve().parents[2]


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_a_new_output_honours_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o002)
    try:
        write_files_atomically(tmp_path, {"r.md": "x"})
    finally:
        os.umask(old)
    assert _mode(tmp_path / "r.md") == 0o664  # was 0600 whatever the umask


def test_a_replaced_output_keeps_its_mode(tmp_path: Path) -> None:
    baseline = tmp_path / "factcheck-baseline.yaml"
    baseline.write_text("old\n", encoding="utf-8")
    baseline.chmod(0o660)  # shared with the desk's group
    write_files_atomically(tmp_path, {baseline.name: "new\n"})
    assert _mode(baseline) == 0o660 and baseline.read_text(encoding="utf-8") == "new\n"


def test_a_killed_runs_temporary_files_go_at_the_next_write(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    gone = int(dead.stdout)  # a process that has ended
    left = [
        tmp_path / f".r.md.{gone}.k2j4h1x8.tmp",
        tmp_path / f".r.md.{gone}.0a1b2c3d4e5f.bak",
    ]
    live = tmp_path / f".r.md.{os.getppid()}.zz9y8x7w.tmp"  # a run still writing
    other = tmp_path / f".notes.md.{gone}.abcdefgh.tmp"  # another name: not this write's
    for p in (*left, live, other):
        p.write_text("half a report", encoding="utf-8")
    old_style = tmp_path / ".r.md.q1w2e3r4.tmp"  # before the PID was in the name
    old_style.write_text("x", encoding="utf-8")
    os.utime(old_style, (time.time() - 2 * 86_400,) * 2)
    write_files_atomically(tmp_path, {"r.md": "whole"})
    assert not any(p.exists() for p in (*left, old_style))
    assert live.exists() and other.exists()


def _children(pid: int) -> set[int]:
    out: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text()
        out.update(int(c) for c in text.split())
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(
    not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists(),
    reason="needs Linux's /proc/PID/task/TID/children",
)
def test_a_sigkilled_jobs_run_leaves_no_workers_behind(tmp_path: Path) -> None:
    corpus_module().generate(tmp_path / "c", 400, seed=3, plant_rate=0.1)
    p = subprocess.Popen(
        [sys.executable, "-m", "factcheck", "report", str(tmp_path / "c"), "--jobs", "2",
         "--no-store", "--quiet", "--rules", str(ROOT / "rules"), "--out", str(tmp_path / "o")],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    workers: set[int] = set()
    deadline = time.monotonic() + 120
    while len(workers) < 2 and p.poll() is None and time.monotonic() < deadline:
        workers = {c for c in _children(p.pid) if _alive(c)}
        time.sleep(0.02)
    assert len(workers) >= 2, "the run ended before its workers were seen"
    p.send_signal(signal.SIGKILL)
    p.wait()
    deadline = time.monotonic() + 30
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [w for w in workers if _alive(w)]
    for w in left:  # never leave them to the machine, even when the test fails
        os.kill(w, signal.SIGKILL)
    assert not left
