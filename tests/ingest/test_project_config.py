"""The project config ([tool.factcheck] in pyproject.toml, or factcheck.toml), `init`, `--version`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from factcheck import __version__, cli

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A desk's repository: a CSV dump with its own column names and the oil rules."""
    (tmp_path / "dumps").mkdir()
    shutil.copy(FIXTURES / "dumps" / "desk.csv", tmp_path / "dumps" / "desk.csv")
    (tmp_path / "desk_rules").mkdir()
    shutil.copy(FIXTURES / "oil_rules.yaml", tmp_path / "desk_rules" / "oil.yaml")
    (tmp_path / "dumps" / "oil.csv").write_text(
        "story_id,story_text\n"
        'oil-1,"Kazakhstan\'s oil exports reached $20 billion in 2022, the ministry said."\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


PYPROJECT = """\
[project]
name = "desk"

[tool.factcheck]
sources = ["dumps"]
rules = "desk_rules"

[tool.factcheck.fields]
id = "story_id"
text = ["story_text"]
"""


def test_check_needs_no_flags_with_a_pyproject_section(
    desk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (desk / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    assert cli.main(["check"]) == cli.EXIT_CONFLICT
    out = capsys.readouterr()
    assert "dumps/oil.csv#L2:1:" in out.out  # the record's own line:column
    assert "read 3 articles" in out.err


def test_a_flag_wins_over_the_config(desk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (desk / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    # desk.csv has a malformed row, which the desk accepts here
    assert cli.main(["check", "dumps/desk.csv", "--allow-skipped"]) == cli.EXIT_OK
    assert "read 2 articles" in capsys.readouterr().err


def test_factcheck_toml_from_a_sub_folder(
    desk: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (desk / "factcheck.toml").write_text(
        'sources = ["dumps"]\nrules = ["desk_rules"]\n[fields]\nid = "story_id"\n'
        'text = "story_text"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(desk / "dumps")
    assert cli.main(["check"]) == cli.EXIT_CONFLICT
    capsys.readouterr()


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        (
            'sources = ["dumps"]\nsoruces = ["x"]\n',
            ":2:1:",
            "soruces: Extra inputs are not permitted",
        ),
        ('sources = ["dumps"\n', ":1:", "not valid TOML: Unclosed array"),
        ('[fields]\nbody = "story_text"\n', ":1:1:", "unknown field name 'body'"),
        ("formats = 3\n", ":1:1:", "formats"),
    ],
)
def test_a_bad_config_is_a_located_error(
    desk: Path, capsys: pytest.CaptureFixture[str], text: str, where: str, what: str
) -> None:
    (desk / "factcheck.toml").write_text(text, encoding="utf-8")
    assert cli.main(["check"]) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert f"factcheck.toml{where}" in err and what in err, err
    assert "Traceback" not in err


def test_init_writes_a_starter_config_and_rules_and_leaves_existing_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main(["init"]) == cli.EXIT_OK
    assert (tmp_path / "factcheck.toml").is_file()
    assert (tmp_path / "rules" / "starter.yaml").read_text(encoding="utf-8").startswith("#")
    assert cli.main(["rules", "check"]) == cli.EXIT_OK  # the commented rules file is valid
    (tmp_path / "factcheck.toml").write_text('sources = ["mine"]\n', encoding="utf-8")
    assert cli.main(["init"]) == cli.EXIT_OK
    assert (tmp_path / "factcheck.toml").read_text(encoding="utf-8") == 'sources = ["mine"]\n'
    assert "exists; left as it is" in capsys.readouterr().out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"factcheck {__version__}"


def test_the_working_folder_gets_its_own_gitignore(
    desk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (desk / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    assert cli.main(["report", "--out", "out", "--quiet"]) == cli.EXIT_OK
    assert (desk / ".factcheck" / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    capsys.readouterr()
