"""Property tests over the extractor (issue 6 item 4).

Whatever text an outlet publishes, extraction must not raise; every mention must point at the
very characters it quotes, at the line:column an editor shows; and every number must survive the
JSON report unchanged, so a reader of the report sees the value the tool compared.

CI runs 200 examples a test; `HYPOTHESIS_PROFILE=fuzz` runs the `fuzz` profile (3,000, no
deadline).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import unicodedata
from typing import Any

import pytest
import regex
from fuzz_profile import PROFILE
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from factcheck.extract import extract_text
from factcheck.extract.quantities import CURRENCY_PREFIX, CURRENCY_SUFFIX
from factcheck.models import Claim, Mention, Report

_DIGIT = regex.compile(r"\d")


def without_unparseable_digits(text: str) -> str:
    """Drop digits the `regex` module knows but Python's older Unicode tables do not (the
    extractor scans them as non-digits; see test_digits_python_cannot_parse_are_not_numbers)."""
    return "".join(
        c for c in text if not (_DIGIT.match(c) and unicodedata.decimal(c, None) is None)
    )


# Pieces of newsroom prose that reach deep into the number, date and qualifier grammars; mixed
# with arbitrary text so that both the happy paths and their edges are exercised.
WORDS = [
    # Units, signs, ratios (issue 12): what pint and the change words read after a figure.
    "km",
    "tonnes",
    "-tonne",
    "mln t",
    "b/d",
    "bcm",
    "MW",
    "mt",
    "sq km",
    "barrels a day",
    "miles (",
    "km)",
    "fell",
    "down",
    "less than the",
    "times more",
    "a third of",
    "twice as much",
    "₪",
    "riyals",
    "won",
    "SAR",
    "$",
    "US$",
    "€",
    "₸",
    "rubles",
    "roubles",
    "tenge",
    "dollars",
    "billion",
    "bln",
    "bn",
    "million",
    "mln",
    "thousand",
    "trillion",
    "млрд",
    "тыс.",
    "percent",
    "per cent",
    "%",
    "pp",
    "percentage points",
    "almost",
    "about",
    "over",
    "more than",
    "some",
    "up to",
    "nearly",
    "from",
    "to",
    "-",
    "–",
    "—",
    "and",
    "th",
    "st",
    "place",
    "January",
    "February",
    "March",
    "May",
    "October",
    "November",
    "December",
    "Jan.",
    "Friday",
    "Monday",
    "last year",
    "this year",
    "the previous year",
    "the same period",
    "at the end of",
    "the first four months of",
    "January-November",
    "since",
    "in",
    "year",
    "years",
    "twenty",
    "Seventy-six",
    "one",
    "five",
    "hundred",
    "half",
    "a quarter",
    "(",
    ")",
    ",",
    ".",
    ":",
    "/",
    "02.02.2023",
    "2022",
    "1992",
    "9999",
    "0000",
    "29 February 2023",
    "31.12.1999",
    "1e308",
    "08:00",
    "U.S.",
    "US",
    # Every currency word the extractor knows: a prefix or suffix in an odd case or broken by
    # odd white space once crashed the lookup ("US dollars 5", "U.S.\n$5").
    *sorted({*CURRENCY_PREFIX, *CURRENCY_SUFFIX}),
    *sorted({k.upper() for k in (*CURRENCY_PREFIX, *CURRENCY_SUFFIX)}),
]
SEPARATORS = [" ", "", "\u00a0", "\u202f", "\n", "\r\n", "\r", "\t", ",", ".", "  "]

number_text = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.from_regex(r"\d{1,3}(?:[ ,.\u00a0]\d{3}){0,5}(?:[.,]\d{1,4})?", fullmatch=True),
)
token = st.one_of(
    st.sampled_from(WORDS),
    number_text,
    st.text(max_size=8),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=4),
)
newsy_text = st.builds(
    lambda toks, seps: "".join(t + seps[i % len(seps)] for i, t in enumerate(toks)),
    st.lists(token, max_size=40),
    st.lists(st.sampled_from(SEPARATORS), min_size=1, max_size=6),
)
any_text = st.one_of(st.text(max_size=400), newsy_text)
reference = st.one_of(st.none(), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)))

_BREAK = regex.compile(r"\r\n|\r|\n")


def expected_position(text: str, offset: int) -> tuple[int, int]:
    """line:column computed independently of LineIndex: a line ends at \\r\\n, \\r or \\n."""
    line, line_start = 1, 0
    for m in _BREAK.finditer(text, 0, offset):
        line, line_start = line + 1, m.end()
    return line, offset - line_start + 1


def check_mention(text: str, m: Mention) -> None:
    sp = m.span
    assert 0 <= sp.start < sp.end <= len(text), m
    assert text[sp.start : sp.end] == m.text, m
    assert (sp.line, sp.column) == expected_position(text, sp.start), m
    if m.quantity is not None:
        for q in (m.quantity, *m.alternatives):
            assert not math.isnan(q.value), m
            assert q.low <= q.high, m


def no_json_constants(name: str) -> Any:
    raise AssertionError(f"the JSON holds {name}, which strict JSON readers reject")


@settings(PROFILE)
@given(text=any_text, ref=reference)
def test_extract_never_raises_and_spans_point_at_their_text(text: str, ref: dt.date | None) -> None:
    for m in extract_text(text, ref):
        check_mention(text, m)


@settings(PROFILE)
@given(text=newsy_text, ref=reference)
def test_mentions_round_trip_through_json(text: str, ref: dt.date | None) -> None:
    mentions = extract_text(text, ref)
    for m in mentions:
        if m.quantity is not None and not all(
            math.isfinite(x) for q in (m.quantity, *m.alternatives) for x in (q.low, q.high)
        ):
            continue  # open intervals: test_open_interval_mention_round_trips_through_json
        dumped = m.model_dump_json()
        json.loads(dumped, parse_constant=no_json_constants)
        assert Mention.model_validate_json(dumped) == m


def test_open_interval_mention_round_trips_through_json() -> None:
    # models.py promises a stage's output can be serialised and merged in another process.
    (m,) = [m for m in extract_text("exports grew by over 5 % in 2022") if m.kind == "percent"]
    assert m.quantity is not None and m.quantity.high == math.inf
    assert Mention.model_validate_json(m.model_dump_json()) == m


def _claim_from(m: Mention, i: int) -> Claim:
    q = m.quantity
    assert q is not None
    return Claim(
        id=f"t:{i}",
        source="t",
        metric="fuzz",
        value=q.value,
        unit=q.unit,
        low=q.low if q.low != -math.inf else None,
        high=q.high if q.high != math.inf else None,
        quote=m.text,
        line=m.span.line,
        column=m.span.column,
        start=m.span.start,
        end=m.span.end,
    )


@settings(PROFILE, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(text=newsy_text)
def test_numeric_values_round_trip_through_the_json_report(text: str) -> None:
    """What the JSON report says a figure is, is exactly the float the checks compared."""
    from factcheck.report import json as json_report

    figures = [m for m in extract_text(text) if m.quantity is not None]
    assume(figures)
    claims = tuple(_claim_from(m, i) for i, m in enumerate(figures))
    rendered = json_report.render(Report(claims=claims))
    data = json.loads(rendered, parse_constant=no_json_constants)
    for claim, back in zip(claims, data["claims"], strict=True):
        assert back["value"] == claim.value
        assert back["low"] == claim.low
        assert back["high"] == claim.high
        assert Claim.model_validate(back) == claim


@settings(PROFILE)
@given(st.lists(st.sampled_from(["a", "1", "\r", "\n", "\r\n", " ", "5", "%", "$", "é", "🙂"])))
def test_line_column_under_mixed_line_endings(parts: list[str]) -> None:
    text = "".join(parts)
    for m in extract_text(text):
        check_mention(text, m)


def test_expected_position_oracle() -> None:
    text = "a\r\nb\rc\nd"
    assert [expected_position(text, text.index(c)) for c in "abcd"] == [
        (1, 1),
        (2, 1),
        (3, 1),
        (4, 1),
    ]


UNICODE_16_DIGITS = ["\U00010d40", "\U0001ccf0", "\U00011f50", "\U0001e4f0", "\U00016d70"]


def test_digits_python_cannot_parse_are_not_numbers() -> None:
    """Found by the fuzz profile: `extract_text('\U0001ccf0')` raised ValueError."""
    unparseable = [c for c in UNICODE_16_DIGITS if without_unparseable_digits(c) == ""]
    if not unparseable:
        pytest.skip("this Python's Unicode tables know every digit the regex module does")
    for c in unparseable:
        extract_text(f"exports were {c} billion dollars, {c}{c} %")
