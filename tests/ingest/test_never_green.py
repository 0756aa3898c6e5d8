"""Never green on nothing: a run that reads no article, or skips one it was meant to read, fails.

A contradicting article hidden by one byte (a leading NUL, control characters, padding past the
size limit) or behind a folder that cannot be listed is skipped with a warning; `check` then
fails (exit 2) unless `--allow-skipped` says the desk accepts it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from factcheck import cli, ingest

RULES = (Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "oil_rules.yaml").read_text(
    encoding="utf-8"
)
AGREES = "Kazakhstan's oil exports reached $39.4 billion in 2022, the bureau said.\n"
CONTRADICTS = "Kazakhstan's oil exports reached $20 billion in 2022, the ministry said.\n"


def _desk(tmp_path: Path) -> tuple[Path, Path]:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "oil.yaml").write_text(RULES, encoding="utf-8")
    src = tmp_path / "articles"
    src.mkdir()
    (src / "agrees.txt").write_text(AGREES, encoding="utf-8")
    return src, rules


def _check(
    capsys: pytest.CaptureFixture[str], src: Path, rules: Path, *extra: str
) -> tuple[int, str]:
    code = cli.main(["check", str(src), "--rules", str(rules), *extra])
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.fixture(autouse=True)
def _no_baseline_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no factcheck-baseline.yaml of the repository's is picked up


def test_the_desk_fails_on_the_contradiction_when_it_is_readable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src, rules = _desk(tmp_path)
    (src / "contradicts.txt").write_text(CONTRADICTS, encoding="utf-8")
    code, out = _check(capsys, src, rules)
    assert code == cli.EXIT_CONFLICT, out
    assert "read 2 articles, skipped 0" in out


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda t: b"\x00" + t, id="leading NUL"),
        pytest.param(lambda t: b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f" + t, id="controls"),
        pytest.param(lambda t: t + b" " * (ingest.MAX_SOURCE_BYTES + 1), id="padding"),
    ],
)
def test_a_contradiction_hidden_by_a_byte_fails_the_gate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: object
) -> None:
    src, rules = _desk(tmp_path)
    assert callable(damage)
    (src / "contradicts.txt").write_bytes(damage(CONTRADICTS.encode()))
    code, out = _check(capsys, src, rules)
    assert code == cli.EXIT_USAGE, out
    assert "contradicts.txt" in out and "skipped 1" in out and "--allow-skipped" in out
    assert "Traceback" not in out
    # The desk may accept it explicitly; it is still listed.
    code, out = _check(capsys, src, rules, "--allow-skipped")
    assert code == cli.EXIT_OK, out
    assert "warning: skipped" in out and "contradicts.txt" in out


def test_an_unreadable_sub_folder_fails_the_gate_and_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    src, rules = _desk(tmp_path)
    locked = src / "2023"
    locked.mkdir()
    (locked / "contradicts.txt").write_text(CONTRADICTS, encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]
        if Path(path) == locked:  # as chmod 000 does for anyone but root
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, out = _check(capsys, src, rules)
    assert code == cli.EXIT_USAGE, out
    assert f"{locked}: folder cannot be listed: Permission denied" in out
    assert "Traceback" not in out


def test_a_permission_error_on_a_named_path_is_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """stat() on a path can fail with EACCES (a parent without +x): discovery goes on and
    reading the file says what it can or cannot do."""
    src, rules = _desk(tmp_path)
    named = src / "agrees.txt"
    real_stat = Path.stat

    def stat(self: Path, *, follow_symlinks: bool = True) -> os.stat_result:
        if self == named:
            raise PermissionError(13, "Permission denied", str(self))
        return real_stat(self, follow_symlinks=follow_symlinks)

    monkeypatch.setattr(Path, "stat", stat)
    code, out = _check(capsys, named, rules)
    assert "Traceback" not in out
    assert code == cli.EXIT_OK, out  # os.open still reads it
    assert "read 1 article, skipped 0" in out


def test_check_over_an_empty_folder_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, rules = _desk(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out = _check(capsys, empty, rules)
    assert code == cli.EXIT_USAGE
    assert "no article was read: found 0 files" in out


def test_check_and_report_over_unsupported_files_exit_2_and_say_what_was_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, rules = _desk(tmp_path)
    folder = tmp_path / "office"
    folder.mkdir()
    for name in ("a.pdf", "b.pdf", "c.docx"):
        (folder / name).write_bytes(b"%PDF-1.4 ...")
    code, out = _check(capsys, folder, rules)
    assert code == cli.EXIT_USAGE
    assert "3 of no input format (1 .docx, 2 .pdf)" in out
    code = cli.main(["report", str(folder), "--rules", str(rules), "--out", str(tmp_path / "r")])
    out = capsys.readouterr().err
    assert code == cli.EXIT_USAGE and "no article was read" in out
    assert not (tmp_path / "r").exists()


def test_check_over_a_folder_of_unreadable_files_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, rules = _desk(tmp_path)
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "gone.txt").symlink_to(folder / "nowhere.txt")  # dangling: cannot be read
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / "empty.txt").write_bytes(b"")
    code, out = _check(capsys, folder, rules)
    assert code == cli.EXIT_USAGE
    assert "no article was read: found 3 files (3 .txt); 3 skipped" in out
    for name in ("gone.txt", "image.txt", "empty.txt"):
        assert f"warning: skipped {folder / name}" in out


def test_extract_over_nothing_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli.main(["extract", str(empty)]) == cli.EXIT_USAGE
    assert "no article was read" in capsys.readouterr().err
