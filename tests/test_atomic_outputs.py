"""Atomic outputs (issue 6 item 3): a crash or a full disk never leaves a truncated report nor
destroys the previous one, and no temporary file is left behind."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from factcheck.baseline import write_baseline
from factcheck.cli import main
from factcheck.errors import FactcheckError
from factcheck.fsutil import safe_name, write_files_atomically

ROOT = Path(__file__).resolve().parent.parent
OLD = {"consistency.json": '{"old": true}\n', "report.md": "# old\n", "report.html": "<p>old</p>"}
NEW = {"consistency.json": '{"new": true}\n', "report.md": "# new\n", "report.html": "<p>new</p>"}


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    write_files_atomically(folder, OLD)
    assert snapshot(folder) == OLD
    return folder


def fail_on_call(n: int, real: Callable[..., Any]) -> Callable[..., Any]:
    """`real`, except that call number `n` (1-based) raises ENOSPC: a disk filling up."""
    calls = 0

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == n:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(*args, **kwargs)

    return wrapper


def test_a_clean_write_replaces_every_file_and_leaves_nothing_else(out: Path) -> None:
    write_files_atomically(out, NEW)
    assert snapshot(out) == NEW  # no .tmp, no .bak


@pytest.mark.parametrize("n", [1, 2, 3])
def test_a_full_disk_at_fsync_keeps_the_previous_report(
    out: Path, monkeypatch: pytest.MonkeyPatch, n: int
) -> None:
    monkeypatch.setattr(os, "fsync", fail_on_call(n, os.fsync))
    with pytest.raises(FactcheckError, match=r"No space left on device.*unchanged"):
        write_files_atomically(out, NEW)
    assert snapshot(out) == OLD


def test_a_write_cut_off_mid_file_keeps_the_previous_report(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second file's write gets half its bytes out, then the disk is full."""
    real_fdopen = os.fdopen
    opened = 0

    class HalfWriter:
        def __init__(self, fh: Any) -> None:
            self.fh = fh

        def write(self, data: bytes) -> int:
            self.fh.write(data[: len(data) // 2])
            self.fh.flush()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def __getattr__(self, name: str) -> Any:
            return getattr(self.fh, name)

        def __enter__(self) -> HalfWriter:
            return self

        def __exit__(self, *exc: object) -> None:
            self.fh.close()

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        nonlocal opened
        opened += 1
        fh = real_fdopen(fd, *args, **kwargs)
        return HalfWriter(fh) if opened == 2 else fh

    monkeypatch.setattr(os, "fdopen", fdopen)
    with pytest.raises(FactcheckError, match="unchanged"):
        write_files_atomically(out, NEW)
    assert snapshot(out) == OLD


@pytest.mark.parametrize("n", [1, 2, 3])
def test_a_rename_failing_after_others_rolls_them_back(
    out: Path, monkeypatch: pytest.MonkeyPatch, n: int
) -> None:
    monkeypatch.setattr(os, "replace", fail_on_call(n, os.replace))
    with pytest.raises(FactcheckError, match="unchanged"):
        write_files_atomically(out, NEW)
    assert snapshot(out) == OLD


def test_a_rename_failing_rolls_back_files_that_did_not_exist_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "reports"
    write_files_atomically(folder, {"consistency.json": "old"})
    monkeypatch.setattr(os, "replace", fail_on_call(2, os.replace))
    with pytest.raises(FactcheckError):
        write_files_atomically(folder, NEW)
    assert snapshot(folder) == {"consistency.json": "old"}


def test_an_interrupt_mid_write_keeps_the_previous_report(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.replace
    calls = 0

    def interrupted(*args: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt
        real(*args)

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_files_atomically(out, NEW)
    assert snapshot(out) == OLD


def test_a_failing_backup_link_falls_back_to_a_copy(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.EPERM, "hard links not supported")

    monkeypatch.setattr(os, "link", no_links)
    monkeypatch.setattr(os, "replace", fail_on_call(3, os.replace))
    with pytest.raises(FactcheckError, match="unchanged"):
        write_files_atomically(out, NEW)
    assert snapshot(out) == OLD


def test_a_killed_process_leaves_the_previous_report_whole(out: Path) -> None:
    """SIGKILL-like death mid-write: the report stays whole; at most a hidden temp remains."""
    script = textwrap.dedent(
        f"""
        import os
        from pathlib import Path
        from factcheck.fsutil import write_files_atomically
        real = os.fsync
        calls = []
        def dying(fd):
            calls.append(fd)
            if len(calls) == 2:
                os._exit(9)
            real(fd)
        os.fsync = dying
        write_files_atomically(Path({str(out)!r}), {NEW!r})
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 9, proc.stderr
    visible = {k: v for k, v in snapshot(out).items() if not k.startswith(".")}
    assert visible == OLD
    assert all(k.endswith(".tmp") for k in snapshot(out) if k.startswith("."))


def test_the_report_command_keeps_the_previous_report_on_a_full_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "reports"
    args = ["report", str(ROOT / "seeds"), "--rules", str(ROOT / "rules"), "--out", str(out)]
    args += ["--no-store", "--jobs", "1", "--quiet"]
    assert main(args) in (0, 1)
    before = snapshot(out)
    assert len(before) >= 2
    for p in out.iterdir():  # so that a rewrite is visible if it slipped through
        p.write_text("previous run", encoding="utf-8")
    monkeypatch.setattr(os, "fsync", fail_on_call(2, os.fsync))
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "No space left on device" in err and "Traceback" not in err
    assert set(snapshot(out).values()) == {"previous run"}
    assert snapshot(out).keys() == before.keys()


def test_the_baseline_is_written_atomically(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "factcheck-baseline.yaml"
    path.write_text("# previous baseline\n", encoding="utf-8")
    monkeypatch.setattr(os, "replace", fail_on_call(1, os.replace))
    with pytest.raises(FactcheckError, match="unchanged"):
        write_baseline(path, [])
    assert path.read_text(encoding="utf-8") == "# previous baseline\n"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


# ------------------------------------------------------------------------------ output names


@pytest.mark.parametrize(
    "name",
    ["../escape.json", "sub/x.json", "/tmp/abs.json", "..", ".", "", "a\\b.json", "nul\x00.json"],
)
def test_output_names_cannot_escape_the_output_folder(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "reports"
    with pytest.raises(FactcheckError, match="outside"):
        write_files_atomically(folder, {"ok.json": "{}", name: "x"})
    assert not folder.exists()  # names are checked before anything is written
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_symlink_at_the_output_name_is_replaced_not_written_through(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "consistency.json").symlink_to(victim)
    write_files_atomically(folder, {"consistency.json": "{}"})
    assert victim.read_text(encoding="utf-8") == "precious"
    assert not (folder / "consistency.json").is_symlink()
    assert safe_name(folder, "consistency.json") == folder.resolve() / "consistency.json"


def test_an_output_folder_that_is_a_file_is_a_located_error(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "reports"
    not_a_folder.write_text("x", encoding="utf-8")
    with pytest.raises(FactcheckError, match="cannot create the output folder"):
        write_files_atomically(not_a_folder, NEW)


def test_an_output_name_that_is_a_folder_keeps_the_others(out: Path) -> None:
    (out / "report.md").unlink()
    (out / "report.md").mkdir()
    with pytest.raises(FactcheckError):
        write_files_atomically(out, NEW)
    assert (out / "consistency.json").read_text(encoding="utf-8") == OLD["consistency.json"]
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_text_no_utf8_file_can_hold_is_written_not_a_traceback(tmp_path: Path) -> None:
    write_files_atomically(tmp_path, {"r.txt": "lone \udcff surrogate"})
    assert (tmp_path / "r.txt").read_text(encoding="utf-8") == "lone ? surrogate"


# ------------------------------------------------------------------------------ streamed content


def test_pieces_are_written_as_they_come_not_held_until_the_end(tmp_path: Path) -> None:
    """A renderer's pieces reach the temporary file while it is still rendering."""
    seen_on_disk: list[int] = []

    def pieces() -> Iterator[str]:
        for _ in range(48):
            yield "x" * 65536  # 3 MiB in all
        seen_on_disk.extend(p.stat().st_size for p in tmp_path.glob(".big.txt.*.tmp"))
        yield "end\n"

    write_files_atomically(tmp_path, {"big.txt": pieces()})
    assert seen_on_disk and seen_on_disk[0] >= 2 * 2**20
    assert (tmp_path / "big.txt").stat().st_size == 48 * 65536 + 4
    assert [p.name for p in tmp_path.iterdir()] == ["big.txt"]


def test_text_and_byte_pieces_are_written_in_order(tmp_path: Path) -> None:
    pieces: list[str | bytes] = ["é", b"\xc3\xa9", "lone \udcff", " surrogate", b"!"]
    write_files_atomically(tmp_path, {"r.txt": iter(pieces), "s.txt": b"bytes", "t.txt": "text"})
    assert (tmp_path / "r.txt").read_bytes() == "éélone ? surrogate!".encode()
    assert (tmp_path / "s.txt").read_bytes() == b"bytes"
    assert (tmp_path / "t.txt").read_text(encoding="utf-8") == "text"


@pytest.mark.parametrize("error", [ValueError("renderer bug"), KeyboardInterrupt()])
def test_a_renderer_failing_midway_keeps_the_previous_report(
    out: Path, error: BaseException
) -> None:
    """The second file's renderer raises after some pieces: nothing is replaced or left over."""

    def failing() -> Iterator[str]:
        yield "# half a report\n" * 100_000
        raise error

    files = {**NEW, "report.md": failing()}
    with pytest.raises(type(error)):
        write_files_atomically(out, files)
    assert snapshot(out) == OLD


@pytest.mark.parametrize("error", [ValueError("renderer bug"), KeyboardInterrupt()])
def test_a_failed_write_into_a_new_folder_leaves_no_folder(
    tmp_path: Path, error: BaseException
) -> None:
    """A report that is not written leaves no trace: not even the folders made for it."""

    def failing() -> Iterator[str]:
        yield "# half a report\n"
        raise error

    out = tmp_path / "new" / "reports"
    with pytest.raises(type(error)):
        write_files_atomically(out, {"a.txt": "whole", "report.md": failing()})
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_keeps_a_folder_that_was_there(tmp_path: Path) -> None:
    def failing() -> Iterator[str]:
        raise ValueError("renderer bug")
        yield ""

    (tmp_path / "existing").mkdir()
    with pytest.raises(ValueError):
        write_files_atomically(tmp_path / "existing" / "new", {"report.md": failing()})
    assert [p.name for p in tmp_path.iterdir()] == ["existing"]
    assert list((tmp_path / "existing").iterdir()) == []
