"""Generated files are committed; these tests fail when they drift from the code."""

from __future__ import annotations

from pathlib import Path

from factcheck.rules import rules_schema_text

ROOT = Path(__file__).resolve().parent.parent


def test_rules_schema_is_current() -> None:
    committed = (ROOT / "rules" / "rules.schema.json").read_text(encoding="utf-8")
    assert committed == rules_schema_text(), (
        "rules/rules.schema.json is stale: run `factcheck schema rules --write rules/rules.schema.json`"
    )
