from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def seed_report():  # type: ignore[no-untyped-def]
    from factcheck.engine import analyse_paths, build_report
    from factcheck.rules import load_rules

    rules = load_rules([ROOT / "rules"])
    return build_report(analyse_paths([ROOT / "seeds"], rules), rules)


@pytest.fixture
def run_cli() -> Callable[[list[str], Path], subprocess.CompletedProcess[str]]:
    """Run `python -m factcheck ARGS` in a folder, as a user would, capturing its output."""

    def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "factcheck", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )

    return run
