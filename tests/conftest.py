from __future__ import annotations

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
