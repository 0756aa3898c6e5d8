"""The HTML report's shortcuts give what the plain code they stand for gives.

The renderer takes a fast path where the slow one costs a report of a large archive seconds;
these properties pin each fast path to its plain meaning, for any text.  That includes the
line index it finds unbound numbers with (`ingest.LineIndex`, whose "\n"-only texts skip the
regex).
"""

from __future__ import annotations

import html
import re

from fuzz_profile import PROFILE
from hypothesis import given
from hypothesis import strategies as st

from factcheck.ingest import LineIndex
from factcheck.report.html import esc

# Line ends of every kind, and characters that look like them but are not ones the report counts.
_TEXT = st.lists(st.sampled_from(["a", "7", " ", "\n", "\r", "\r\n", "\x0b", "\u2028"])).map(
    "".join
)


def _line_starts_by_regex(text: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer(r"\r\n|\r|\n", text))]


@PROFILE
@given(_TEXT)
def test_line_starts_are_where_a_line_ending_regex_puts_them(text: str) -> None:
    assert LineIndex(text).starts == _line_starts_by_regex(text)


@PROFILE
@given(st.lists(st.text(alphabet=st.characters(exclude_characters="\r\n"))))
def test_line_starts_of_newline_only_text(lines: list[str]) -> None:
    text = "\n".join(lines)
    assert LineIndex(text).starts == _line_starts_by_regex(text)


@PROFILE
@given(st.text() | st.integers() | st.floats())
def test_esc_is_html_escape(value: object) -> None:
    assert esc(value) == html.escape(str(value), quote=True)
