"""Round two: article text, file names and rule-file lines that tried to command their readers.

GitHub Actions obeys `##[command]` anywhere in a log line; terminals obey ESC and BEL; SARIF
viewers turn `[text](uri)` in a message into a link; an XML parser refuses control characters.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from factcheck.cli import main

ROOT = Path(__file__).resolve().parents[2]
LINE = "Trade turnover between Kazakhstan and Russia reached ${} billion in 2022."
# One sentence holds the figure and everything hostile, so it is in the claim's quote.
HOSTILE = " \x1b]0;pwned\x07\x1b[2J ##[error]forged [click](https://evil.example) \x0b"


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    a = tmp_path / "a"
    a.mkdir()
    (a / "x.txt").write_text(LINE.format("23.6").replace(" in 2022", HOSTILE + " in 2022") + "\n")
    (a / "y.txt").write_text(LINE.format("27.2") + "\n", encoding="utf-8")
    (a / "##[stop-commands]x.txt").write_text("")  # empty: a warning naming it
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _check(capsys: pytest.CaptureFixture[str], fmt: str) -> tuple[str, str]:
    assert main(["check", "a", "--rules", "rules", "--format", fmt]) == 1
    captured = capsys.readouterr()
    return captured.out, captured.err


@pytest.mark.parametrize("fmt", ["text", "github", "json", "sarif", "junit"])
def test_nothing_printed_under_actions_is_a_legacy_command(
    desk: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    out, err = _check(capsys, fmt)
    assert "stop-commands" in err and "forged" in out  # shown, but not obeyed
    assert "##[" not in out and "##[" not in err


def test_the_github_format_keeps_its_own_commands(
    desk: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    out, _ = _check(capsys, "github")
    assert out.startswith("::error file=a/x.txt,")


def test_a_workflow_command_at_a_line_start_in_printed_text_is_neutralised() -> None:
    from factcheck.printable import actions_safe

    text = actions_safe("quote:\n::error::forged\n  ::warning file=x::y ##[group]z")
    assert not any(line.lstrip().startswith("::") for line in text.splitlines())
    assert "##[" not in text and "forged" in text


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_terminal_escapes_from_article_text_are_shown_not_obeyed(
    desk: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    out, err = _check(capsys, fmt)
    assert "pwned" in out
    for c in "\x1b\x07\x0b":
        assert c not in out and c not in err
    assert "\\x1b]0;pwned\\x07" in out


def test_terminal_escapes_in_a_rule_file_excerpt_are_shown_not_obeyed(
    desk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (desk / "rules" / "bad.yaml").write_text("metrics:\n  - id: \x1b[2Jbad\x07\n", "utf-8")
    assert main(["rules", "check", "--rules", "rules"]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml:2" in err and "\\x1b[2Jbad\\x07" in err
    assert "\x1b" not in err and "\x07" not in err


def test_sarif_escapes_brackets_so_a_quote_forms_no_link(
    desk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, _ = _check(capsys, "sarif")
    log = json.loads(out)
    texts = [
        loc["message"]["text"]
        for r in log["runs"][0]["results"]
        for loc in (*r["locations"], *r.get("relatedLocations", ()))
    ]
    quote = next(t for t in texts if "click" in t)
    assert "\\[click\\](https://evil.example)" in quote
    assert "[click]" not in quote.replace("\\[click\\]", "")


def test_junit_holds_no_character_xml_refuses(
    desk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, _ = _check(capsys, "junit")
    root = ET.fromstring(out.encode("utf-8"))  # raised "not well-formed" on \x1b
    assert root.tag == "testsuites"
    assert "\\x1b" in out
