"""The sentence splitter finds in one scan of the document the ends a line-by-line one finds.

Whether a mark ends a sentence depends only on the text around it; the oracle below is the
splitter as it was, line by line and candidate by candidate, and the two must agree on any text,
furniture lines, line breaks and abbreviations included.
"""

from __future__ import annotations

import re

import regex
from fuzz_profile import PROFILE
from hypothesis import given
from hypothesis import strategies as st

from factcheck.bind import sentences

# The sentence splitter as it was, line by line, candidate by candidate: the oracle.
_END_CANDIDATE = regex.compile(r"[.!?…][\"”»’)]?\s+")
_ABBREVIATION = regex.compile(sentences._ABBREVIATION + "$")
_NEXT_START = regex.compile(r"(?:[-–—•]\s*)?[\"“«(‘]?[\p{Lu}\d]")


def sentences_line_by_line(text: str, furniture: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    skip = {s for s, _ in furniture}
    for line in regex.finditer(r"[^\r\n]+", text):
        if line.start() in skip or not line.group().strip():
            continue
        start = line.start()
        for m in _END_CANDIDATE.finditer(text, line.start(), line.end()):
            stop = m.start() + 1
            if text[m.start()] == "." and _ABBREVIATION.search(text, max(start, stop - 8), stop):
                continue
            if not _NEXT_START.match(text, m.end(), line.end()):
                continue
            out.append((start, m.start() + len(m.group().rstrip())))
            start = m.end()
        out.append((start, line.end()))
    return out


SENTENCE_PIECES = [
    "Trade",
    "rose",
    "No",
    "U.S",
    "e.g",
    "D",
    "Ö",
    "é",
    "approx",
    "2022",
    ".",
    "!",
    "?",
    "…",
    '"',
    "”",
    "“",
    "(",
    "–",
    "•",
    " ",
    "  ",
    "\u00a0",
    "\x1c",
    "\u2028",
    "\n",
    "\r\n",
    "\r",
]


@PROFILE
@given(
    text=st.lists(st.sampled_from(SENTENCE_PIECES), max_size=60).map("".join),
    furniture=st.sets(st.integers(0, 10), max_size=3),
)
def test_sentences_end_where_the_line_by_line_splitter_ends_them(
    text: str, furniture: set[int]
) -> None:
    lines = [m.span() for m in re.finditer(r"[^\r\n]+", text)]
    skipped = [lines[i] for i in sorted(furniture) if i < len(lines)]
    assert sentences._sentences(text, skipped) == sentences_line_by_line(text, skipped)
