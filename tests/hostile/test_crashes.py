"""Round two: inputs and surroundings that crashed factcheck with a traceback (and exit 1, which
reads as "a contradiction").  Each now gives a result or a located error and exit 2.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from factcheck.cli import main

ROOT = Path(__file__).resolve().parents[2]
TURNOVER = "Trade turnover between Kazakhstan and Russia reached ${} in 2022.\n"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    (tmp_path / "a").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _report(*extra: str) -> int:
    return main(["report", "a", "--rules", "rules", "--out", "out", "--quiet", *extra])


def _json(here: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((here / "out" / "consistency.json").read_text("utf-8"))
    return data


def test_a_round_number_of_310_digits_is_no_figure(here: Path) -> None:
    (here / "a" / "x.txt").write_text(TURNOVER.format("1" + "0" * 310), encoding="utf-8")
    assert _report("--no-store") == 0
    assert _json(here)["claims"] == []


def test_values_near_the_float_maximum_are_listed_not_charted(here: Path) -> None:
    (here / "a" / "x.txt").write_text(TURNOVER.format("179" + "0" * 306), encoding="utf-8")
    (here / "a" / "y.txt").write_text(TURNOVER.format("15" + "0" * 307), encoding="utf-8")
    assert _report("--no-store", "--format", "html") == 0
    assert "values too large to chart" in (here / "out" / "consistency.html").read_text("utf-8")


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file names are always UTF-8")
def test_a_file_name_that_is_not_utf8_with_the_store_on(here: Path) -> None:
    name = os.fsencode(here / "a") + b"/caf\xe9.txt"
    with open(name, "w", encoding="utf-8") as fh:
        fh.write(TURNOVER.format("23.6 billion"))
    assert _report("--store", "st/claims.db") == 0
    assert _report("--store", "st/claims.db") == 0  # the report cache's key, too


def test_a_yaml_timestamp_in_sources_yaml_dates_the_article_by_its_day(here: Path) -> None:
    (here / "a" / "x.txt").write_text(TURNOVER.format("23.6 billion"), encoding="utf-8")
    (here / "a" / "sources.yaml").write_text("x:\n  published: 2023-02-02 08:00:00\n", "utf-8")
    assert _report("--no-store", "--format", "json") == 0
    [source] = _json(here)["sources"]  # type: ignore[misc]
    assert source["published"] == "2023-02-02"
    assert main(["check", "a", "--rules", "rules"]) == 0


@pytest.mark.parametrize(
    ("published", "text", "relative"),
    [
        ("9999-12-31", "Exports will grow 5 % next year.", "next year"),
        ("0001-01-01", "Exports grew 5 % last year.", "last year"),
    ],
)
def test_relative_dates_past_the_ends_of_the_calendar_are_left_open(
    here: Path, capsys: pytest.CaptureFixture[str], published: str, text: str, relative: str
) -> None:
    (here / "a" / "x.txt").write_text(text + "\n", encoding="utf-8")
    (here / "a" / "sources.yaml").write_text(f"x:\n  published: {published}\n", "utf-8")
    assert main(["extract", "a", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    [date] = [r for r in rows if r["kind"] == "date"]
    assert (date["text"], date["value"], date["resolved"]) == (relative, None, False)


def test_a_damaged_claim_store_row_is_a_miss_and_is_written_over(here: Path) -> None:
    (here / "a" / "x.txt").write_text(TURNOVER.format("23.6 billion"), encoding="utf-8")
    assert _report("--store", "st/claims.db") == 0
    good = (here / "out" / "consistency.json").read_bytes()
    db = sqlite3.connect(here / "st" / "claims.db")
    with db:
        db.execute("UPDATE analysed SET data = x'789c00'")  # a truncated zlib stream
        db.execute("UPDATE extracted SET data = x'00'")
    shutil.rmtree(here / "st" / "last-report")  # past the report cache, to the store
    (here / "st" / "last-report.json").unlink()
    assert _report("--store", "st/claims.db") == 0
    assert (here / "out" / "consistency.json").read_bytes() == good
    from factcheck import store

    [(blob,)] = db.execute("SELECT data FROM analysed").fetchall()
    assert store.decode_analysis(blob).claims  # written over with a good row
    db.close()


def test_an_unreadable_rules_folder_is_a_located_error(
    here: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Tests may run as root, whom mode 000 does not stop: the refusal is simulated.
    real = Path.iterdir

    def refuse(self: Path):  # type: ignore[no-untyped-def]
        if self.name == "rules":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "iterdir", refuse)
    assert main(["check", "a", "--rules", "rules"]) == 2
    err = capsys.readouterr().err
    assert "rules: cannot read the rules folder: Permission denied" in err


@pytest.mark.parametrize(
    "args",
    [
        ["check", "x" * 300, "--rules", "rules"],
        ["check", "a", "--rules", "x" * 300],
        ["report", "a", "--rules", "rules", "--out", "x" * 300],
        ["check", "a", "--rules", "rules", "--baseline", "x" * 300],
        ["extract", "x" * 300],
    ],
)
def test_a_path_longer_than_the_name_limit_is_an_error_not_a_traceback(
    here: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    (here / "a" / "x.txt").write_text(TURNOVER.format("23.6 billion"), encoding="utf-8")
    assert main([*args, "--quiet"] if args[0] == "report" else args) == 2
    assert "too long" in capsys.readouterr().err


@pytest.mark.skipif(importlib.util.find_spec("distributed") is None, reason="needs dask")
@pytest.mark.parametrize("address", ["tcp://host:notaport", "::::", "http://h:1", "h:99999"])
def test_a_malformed_scheduler_address_is_refused_before_dask_starts(
    here: Path, capsys: pytest.CaptureFixture[str], address: str
) -> None:
    (here / "a" / "x.txt").write_text(TURNOVER.format("23.6 billion"), encoding="utf-8")
    assert _report("--no-store", "--engine", "dask", "--scheduler", address) == 2
    assert "not a scheduler address" in capsys.readouterr().err


# ------------------------------------------------------------------ standard output (processes)


def _factcheck(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, **kw: object
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "factcheck", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        stderr=subprocess.PIPE,
        **kw,  # type: ignore[call-overload]
    )


def test_stdout_closed_early_is_exit_2_without_a_traceback(tmp_path: Path) -> None:
    # More than a pipe holds, so the writer meets the closed end.
    (tmp_path / "x.txt").write_text("Prices rose 5 % in 2022.\n" * 2000, encoding="utf-8")
    p = _factcheck(["extract", "x.txt", "--format", "json"], tmp_path, stdout=subprocess.PIPE)
    assert p.stdout is not None
    p.stdout.readline()
    p.stdout.close()  # `| head -1`
    _, err = p.communicate(timeout=120)
    assert b"Traceback" not in err and b"Exception ignored" not in err, err
    assert p.returncode == 2


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_stdout_is_exit_2_without_a_traceback(tmp_path: Path) -> None:
    with open("/dev/full", "wb") as full:
        p = _factcheck(["check", str(ROOT / "seeds"), "--rules", str(ROOT / "rules")], tmp_path,
                       stdout=full)  # fmt: skip
        _, err = p.communicate(timeout=120)
    assert p.returncode == 2, err
    assert b"No space left on device" in err and b"Traceback" not in err


def test_a_stdout_that_cannot_print_a_quote_escapes_it(tmp_path: Path) -> None:
    a = tmp_path / "a"
    a.mkdir()
    (a / "x.txt").write_text("“Trade turnover” " + TURNOVER.format("23.6 billion"), "utf-8")
    (a / "y.txt").write_text("“Trade turnover” " + TURNOVER.format("27.2 billion"), "utf-8")
    p = _factcheck(
        ["check", "a", "--rules", str(ROOT / "rules"), "--format", "text"],
        tmp_path,
        env={"PYTHONIOENCODING": "ascii"},
        stdout=subprocess.PIPE,
    )
    out, err = p.communicate(timeout=120)
    assert p.returncode == 1, err  # the conflict, reported
    assert b"Traceback" not in err
    assert b"\\u201c" in out


def test_an_unexpected_error_is_exit_2_not_a_contradiction(
    here: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from factcheck import cli

    def broken(*args: object) -> int:
        raise ValueError("a bug")

    monkeypatch.setattr(cli, "cmd_check", broken)
    monkeypatch.delenv("FACTCHECK_DEBUG", raising=False)
    assert main(["check", "a", "--rules", "rules"]) == 2
    assert "internal error: ValueError: a bug" in capsys.readouterr().err
