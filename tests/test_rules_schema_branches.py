"""The rules JSON Schema as an editor uses it: a misspelt check kind is named as such."""

from __future__ import annotations

from typing import Any

import jsonschema
import yaml

from factcheck.rules import rules_schema


def errors_of(doc: str) -> list[Any]:
    validator = jsonschema.Draft202012Validator(rules_schema())
    return list(validator.iter_errors(yaml.safe_load(doc)))


def test_a_misspelt_kind_names_the_kind() -> None:
    [error] = errors_of("checks:\n  - {id: a, kind: agreemnt, metric: m}\n")
    assert list(error.path) == ["checks", 0, "kind"]
    assert "agreement" in error.message and "agreemnt" in error.message


def test_each_kind_checks_its_own_keys() -> None:
    assert not errors_of("checks:\n  - {id: a, kind: agreement, metric: m}\n")
    [error] = errors_of("checks:\n  - {id: a, kind: range, metric: m, level: x}\n")
    assert "level" in error.message


def test_a_tolerance_may_be_a_number() -> None:
    assert not errors_of("checks:\n  - {id: a, kind: agreement, metric: m, tolerance: 0.01}\n")
