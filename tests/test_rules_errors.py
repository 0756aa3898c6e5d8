"""Every mistake in a rule file is `path:line:column: message` with a hint, never a traceback.

Each file (or folder) in tests/fixtures/rules_errors/ holds one mistake and says what it
expects in comments:

    # expect: 7:5 unknown key 'cuez' | did you mean 'cues'

`LINE:COLUMN`, a fragment of the message, and after `|` an optional fragment of the hint.  The
errors found must be exactly the expected ones, in file order.  In a folder, each expectation
belongs to the file it is written in.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from factcheck.errors import ErrorGroup, FactcheckError
from factcheck.rules import load_rules
from factcheck.yamlload import MAX_BYTES

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "rules_errors"
EXPECT = re.compile(r"#\s*expect:\s*(\d+):(\d+)\s+(.*?)\s*(?:\|\s*(.*?)\s*)?$")


@dataclass(frozen=True)
class Expected:
    path: str
    line: int
    column: int
    message: str
    hint: str


def expectations(fixture: Path) -> list[Expected]:
    files = sorted(fixture.glob("*.yaml")) if fixture.is_dir() else [fixture]
    out = []
    for f in files:
        for text in f.read_text(encoding="utf-8").splitlines():
            m = EXPECT.match(text.strip())
            if m:
                line, col, message, hint = m.groups()
                out.append(Expected(str(f), int(line), int(col), message, hint or ""))
    return out


def fixtures() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if p.suffix == ".yaml" or p.is_dir())


def load_errors(path: Path) -> list[FactcheckError]:
    with pytest.raises(FactcheckError) as info:
        load_rules([path])
    exc = info.value
    return exc.errors if isinstance(exc, ErrorGroup) else [exc]


def test_every_fixture_expects_something() -> None:
    assert len(fixtures()) >= 20
    for f in fixtures():
        assert expectations(f), f"{f.name} has no `# expect:` comment"


@pytest.mark.parametrize("fixture", fixtures(), ids=lambda p: p.name)
def test_load_rules_locates_each_mistake(fixture: Path) -> None:
    want = expectations(fixture)
    got = load_errors(fixture)
    shown = [e.render(show_line=False) for e in got]
    assert len(got) == len(want), f"expected {len(want)} errors, got {shown}"
    for e, w in zip(got, want, strict=True):
        assert (e.location.path, e.location.line, e.location.column) == (
            w.path,
            w.line,
            w.column,
        ), shown
        assert w.message in e.message, shown
        assert w.hint in e.hint, shown
        assert e.hint, f"no hint: {shown}"


def run_cli(rules: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "factcheck", "rules", "check", "--rules", str(rules)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


@pytest.mark.parametrize("fixture", fixtures(), ids=lambda p: p.name)
def test_cli_prints_located_errors_and_exits_2(fixture: Path) -> None:
    proc = run_cli(fixture)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    for w in expectations(fixture):
        assert f"{w.path}:{w.line}:{w.column}: " in proc.stderr, proc.stderr
        assert w.message in proc.stderr
    assert "hint: " in proc.stderr


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    line = "# " + "x" * 98 + "\n"
    with big.open("w", encoding="utf-8") as f:
        f.write("metrics: []\n")
        for _ in range(10 * 1024 * 1024 // len(line) + 1):
            f.write(line)
    assert big.stat().st_size > MAX_BYTES
    errors = load_errors(tmp_path)
    assert len(errors) == 1
    assert (errors[0].location.path, errors[0].location.line) == (str(big), 1)
    assert "MB" in errors[0].message and "split" in errors[0].hint
    proc = run_cli(tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"{big}:1:1: file is 10.5 MB" in proc.stderr


def test_empty_file_is_valid(tmp_path: Path) -> None:
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    (tmp_path / "comments.yaml").write_text("# nothing yet\n", encoding="utf-8")
    rules = load_rules([tmp_path])
    assert rules.checks == [] and rules.facts == []
    proc = run_cli(tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "2 rule file(s) OK" in proc.stdout


def test_errors_of_several_files_come_together(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("metrics:\n  - id: a\n    unit: USDX\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("checks:\n  - id: c\n", encoding="utf-8")
    errors = load_errors(tmp_path)
    assert [(Path(e.location.path).name, e.location.line) for e in errors] == [
        ("a.yaml", 3),
        ("b.yaml", 2),
    ]


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_bytes("metrics: [\xff]\n".encode("latin-1"))
    errors = load_errors(tmp_path)
    assert "not UTF-8" in errors[0].message


def test_missing_rules_folder(tmp_path: Path) -> None:
    proc = run_cli(tmp_path / "nowhere")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "no such rules file or folder" in proc.stderr


def test_the_bundled_rules_are_clean() -> None:
    proc = run_cli(ROOT / "rules")
    assert proc.returncode == 0, proc.stderr
