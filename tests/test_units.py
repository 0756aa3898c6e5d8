"""Rule-file quantities: the shortcut for plain numbers and percentages reads exactly what pint
reads, so leaving pint unloaded for most rule files changes no value."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck import units
from factcheck.units import UnitError, parse_quantity


def via_pint(text: str, unit: str | None) -> float:
    """parse_quantity with the shortcut off."""
    original = units._PLAIN
    units._PLAIN = re.compile(r"(?!)")  # matches nothing: every text goes to pint
    try:
        return parse_quantity(text, unit)
    finally:
        units._PLAIN = original


def outcome(fn: object, text: str, unit: str | None) -> tuple[str, object]:
    try:
        value = fn(text, unit)  # type: ignore[operator]
    except UnitError:
        return ("error", None)
    # repr keeps what == hides: the sign of a zero, an integral float.
    return ("value", repr(value))


numbers = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.floats(allow_nan=False, allow_infinity=False, width=64).map(repr),
    st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str),
    st.sampled_from(["-0", "-0.0", "+5", "1.", ".5", "5e3", "1E-2", "007", "0.10"]),
)


@settings(max_examples=300, deadline=None)
@given(
    n=numbers,
    suffix=st.sampled_from(["", " percent", "  percent", " USD", " billion USD"]),
    unit=st.sampled_from([None, "percent", "count", "rank", "USD", "EUR"]),
)
def test_shortcut_reads_what_pint_reads(n: str, suffix: str, unit: str | None) -> None:
    text = n + suffix
    assert outcome(parse_quantity, text, unit) == outcome(via_pint, text, unit)


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [("1 percent", "percent", 1.0), ("0.02", "count", 0.02), ("-0", None, 0.0), ("27", None, 27.0)],
)
def test_plain_values(text: str, unit: str | None, value: float) -> None:
    got = parse_quantity(text, unit)
    assert got == value and math.copysign(1, got) == math.copysign(1, value)


def test_amounts_still_go_through_pint() -> None:
    assert parse_quantity("1.5 billion USD", "USD") == 1.5e9
    with pytest.raises(UnitError):
        parse_quantity("5 USD", "EUR")


# ---------------------------------------------------------------- physical units (issue 12)


@pytest.mark.parametrize(
    ("written", "read"),
    [("usd", "USD"), ("Percentage", "percent"), ("percentage points", "pp"), ("sar", "SAR")],
)
def test_unit_spellings_fold(written: str, read: str) -> None:
    assert units.check_unit(written) == read


@pytest.mark.parametrize(
    "unit", ["tonne", "t", "Mt", "km", "mile", "barrel / day", "bcm", "tcf", "MW", "sq km"]
)
def test_physical_units_are_read_by_pint(unit: str) -> None:
    assert units.check_unit(unit) == unit
    assert units.is_physical(unit)


@pytest.mark.parametrize(
    ("unit", "message"),
    [
        ("tonnne", "did you mean 'tonne'"),
        ("mt", "ambiguous"),
        ("degC", "offset"),
        ("kilogramme per fortnightx", "unknown unit"),
    ],
)
def test_unreadable_units_are_refused(unit: str, message: str) -> None:
    with pytest.raises(UnitError, match=message):
        units.check_unit(unit)


def test_conversions_follow_pint_and_news_definitions() -> None:
    assert units.factor("mile", "km") == pytest.approx(1.609344)
    assert units.factor("short_ton", "tonne") == pytest.approx(0.90718474)
    assert units.factor("barrel", "litre") == pytest.approx(158.987294928)  # an oil barrel
    assert units.factor("bcm", "cubic metre") == pytest.approx(1e9)
    assert units.factor("km", "tonne") is None
    assert parse_quantity("4.2 million tonne", "Mt") == pytest.approx(4.2)
    with pytest.raises(UnitError, match=r"\[length\]"):
        parse_quantity("620 km", "tonne")


def test_a_folded_unit_is_noted(tmp_path: pytest.TempPathFactory) -> None:
    from pathlib import Path

    from factcheck.rules import load_rules

    path = Path(str(tmp_path)) / "r.yaml"
    path.write_text("metrics:\n  - id: oil\n    unit: usd\n", encoding="utf-8")
    rs = load_rules([path])
    assert rs.metrics["oil"].unit == "USD"
    [note] = rs.notes
    assert "r.yaml:3:11" in note and "'usd' read as 'USD'" in note


def test_schema_offers_common_units() -> None:
    from factcheck.rules import rules_schema

    unit = rules_schema()["$defs"]["MetricSpec"]["properties"]["unit"]
    assert "tonne" in unit["examples"] and "USD" in unit["examples"]
