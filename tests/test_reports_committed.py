"""reports/ holds the reports over the bundled seeds; this fails when they drift from the code.

They are produced by the README's main command, run from the project root, so the test runs
that very command into a temporary folder and compares byte for byte.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from factcheck.cli import main
from factcheck.report import FORMATS

ROOT = Path(__file__).resolve().parent.parent
COMMAND = "factcheck report seeds --rules rules --out reports"


@pytest.fixture(scope="module")
def produced(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    with pytest.MonkeyPatch.context() as mp:
        # Source paths in the reports are relative to where the command runs: the root.
        mp.chdir(ROOT)
        assert main(["report", "seeds", "--rules", "rules", "--out", str(out)]) == 0
    return out


@pytest.mark.parametrize("name", sorted(name for name, _ in FORMATS.values()))
def test_committed_report_is_current(produced: Path, name: str) -> None:
    committed = ROOT / "reports" / name
    assert committed.is_file(), f"reports/{name} is missing: run `{COMMAND}` and commit it"
    assert committed.read_text(encoding="utf-8") == (produced / name).read_text(encoding="utf-8"), (
        f"reports/{name} is stale: run `{COMMAND}` and commit the result"
    )


def test_no_stray_reports() -> None:
    expected = {name for name, _ in FORMATS.values()}
    present = {p.name for p in (ROOT / "reports").iterdir() if not p.name.startswith(".")}
    assert present <= expected, (
        f"reports/ holds files no format produces: {sorted(present - expected)}"
    )
