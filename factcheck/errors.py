"""Located, user-facing errors.  A traceback is a bug; every mistake says where and what to do.

Errors stay structured (path, line, column, message, hint) until they are printed, so the CLI,
the JSON output and the tests can all read them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    path: str
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based

    def __str__(self) -> str:
        if self.line is None:
            return self.path
        if self.column is None:
            return f"{self.path}:{self.line}"
        return f"{self.path}:{self.line}:{self.column}"


class FactcheckError(Exception):
    """A mistake in the user's input, with where it is and how to fix it."""

    def __init__(self, message: str, location: Location, hint: str = "", code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint
        self.code = code  # a stable code for rule-file mistakes ("FC101"), see rules.ERROR_CODES

    def __str__(self) -> str:
        return self.render()

    def render(self, show_line: bool = True) -> str:
        out = f"{self.location}: {self.message}"
        if self.code:
            out += f" [{self.code}]"
        if show_line and self.location.line is not None:
            excerpt = _source_line(self.location.path, self.location.line)
            if excerpt is not None:
                out += f"\n    {excerpt}"
                if self.location.column is not None:
                    pad = len(excerpt[: self.location.column - 1].expandtabs())
                    out += "\n    " + " " * pad + "^"
        if self.hint:
            out += f"\n  hint: {self.hint}"
        return out


class ErrorGroup(FactcheckError):
    """Several located errors found in one pass (all of a rules folder's mistakes at once)."""

    def __init__(self, errors: list[FactcheckError]) -> None:
        first = errors[0]
        super().__init__(first.message, first.location, first.hint)
        self.errors = errors

    def render(self, show_line: bool = True) -> str:
        return "\n".join(e.render(show_line) for e in self.errors)


def _source_line(path: str, line: int) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for n, text in enumerate(f, 1):
                if n == line:
                    text = text.rstrip("\r\n")
                    return text if len(text) <= 200 else text[:200] + "…"
                if n > line:
                    break
    except OSError:
        return None
    return None
