"""Offsets → line:column, and the spans of a text's non-blank lines.

Every format's text (a file's, a page's extracted text, a dump record's) is indexed the same
way: lines end at CR, LF or CRLF, columns count characters, not bytes.
"""

from __future__ import annotations

import bisect
import re

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE = re.compile(r"[^\r\n]+")


def content_lines(text: str) -> list[tuple[int, int]]:
    """Spans of the lines that are not blank; lines end at CR, LF or CRLF."""
    if "\r" in text:
        return [m.span() for m in _LINE.finditer(text) if not m.group().isspace()]
    out: list[tuple[int, int]] = []
    start = 0
    for line in text.split("\n"):  # str.split outruns a regex when the only break is "\n"
        end = start + len(line)
        if line and not line.isspace():
            out.append((start, end))
        start = end + 1
    return out


class LineIndex:
    """Offset → (line, column), both 1-based; columns count characters, not bytes."""

    def __init__(self, text: str) -> None:
        if "\r" in text:
            self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
            return
        starts = [0]
        i = text.find("\n")
        while i != -1:  # str.find outruns a regex when the only break is "\n"
            starts.append(i + 1)
            i = text.find("\n", i + 1)
        self.starts = starts

    def position(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1
