"""User cue patterns (`cue_patterns:` in a rule file), run by RE2: the same result on every run.

A backtracking engine (Python's `re`, the `regex` module) takes exponential time on patterns
like `(a+)+$`; bounding each search by a time limit then made the outcome depend on the
machine's load: a pattern near the limit bound on one run and not the next, the gate flipped
between pass and fail, and the claim store froze whichever came first.  RE2 matches in time
linear in the text and the pattern, by construction, so no time limit is needed and a pattern
binds the same everywhere (sentences are at most a few thousand characters, see sentences.py).

RE2 has no lookaround and no backreferences; a pattern using them is refused when the rules
load, with its location, never silently dropped at run time.  Its `\\b` and `\\w` know only
ASCII letters, so a pattern that pairs them with letters of another script (which could then
never match) is refused too, with a hint to write `\\p{L}` instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import re2  # type: ignore[import-untyped]  # google-re2 ships no type information

# RE2 compiles into a bounded program; a pattern needing more memory is refused when loaded.
MAX_PROGRAM_BYTES = 8 << 20

_ASCII_ONLY_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\[bBwW]")
_NON_ASCII_LETTER = re.compile(r"[^\W\d_A-Za-z]")


def _options() -> Any:
    options = re2.Options()
    options.case_sensitive = False  # cue phrases are matched ignoring case, and so are patterns
    options.log_errors = False  # an error is raised and reported located; nothing on stderr
    options.max_mem = MAX_PROGRAM_BYTES
    return options


def problem(pattern: str) -> str | None:
    """Why `pattern` cannot be a cue pattern, or None when it can."""
    try:
        re2.compile(pattern, _options())
    except re2.error as exc:
        why = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        return (
            f"is not a valid regular expression for RE2: {why} (cue patterns run in linear "
            "time: no lookaround, no backreferences)"
        )
    if _ASCII_ONLY_ESCAPE.search(pattern) and _NON_ASCII_LETTER.search(pattern):
        return (
            "uses \\b or \\w beside non-ASCII letters, which they never match in RE2 "
            "(cue patterns run in linear time); write \\p{L} for a letter of any script"
        )
    return None


class CuePattern:
    """A compiled cue pattern: its matches in a slice of a text, as spans of the whole text."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._rx = re2.compile(pattern, _options())

    def spans(self, text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
        # The slice, not pos/endpos: RE2's wrapper encodes the whole string on every call.
        for m in self._rx.finditer(text[start:end]):
            a, b = m.span()
            yield start + a, start + b

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CuePattern) and other.pattern == self.pattern

    def __hash__(self) -> int:
        return hash(self.pattern)

    def __reduce__(self) -> tuple[type[CuePattern], tuple[str]]:
        return CuePattern, (self.pattern,)
