"""Text from articles and rule files made safe to print: for a terminal and for GitHub Actions.

Whatever factcheck prints can hold an article's words, a file's name or a line of a YAML file,
all written by someone else.  Two readers obey some of it:

- a terminal obeys control characters: ESC starts sequences that move the cursor, rewrite the
  title or the clipboard, BEL rings, and C1 controls (U+0080..U+009F, CSI among them) do on
  some terminals what ESC sequences do.  They are printed as visible escapes (`\\x1b`).
- GitHub Actions obeys workflow commands in its log: `::command::` at the start of a line and
  the legacy `##[command]` anywhere in one.  A file named `##[stop-commands]x.txt` in a
  warning silenced every annotation after it.  Under Actions, `##[` is broken by a zero-width
  space, and so is `::` at a line's start in text that is not factcheck's own annotations.

The CLI installs `SafeStream` over stdout and stderr, so every line printed passes here; the
GitHub format's annotations, which must stay commands, escape their data themselves with
`terminal_safe` and `actions_safe(..., line_starts=False)`.
"""

from __future__ import annotations

import os
import re
from typing import TextIO

_ZWSP = "\u200b"
# C0 controls but tab, line feed and carriage return (the progress bar redraws with it), DEL,
# and the C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_START_COMMAND = re.compile(r"^(\s*)::", re.MULTILINE)


def _escape(m: re.Match[str]) -> str:
    return f"\\x{ord(m.group()):02x}"


def terminal_safe(text: str) -> str:
    """`text` with the control characters a terminal would obey shown as `\\xNN`."""
    return _CONTROL.sub(_escape, text)


def actions_safe(text: str, line_starts: bool = True) -> str:
    """`text` that GitHub Actions cannot read as a workflow command."""
    text = text.replace("##[", f"#{_ZWSP}#[")
    if line_starts:
        text = _LINE_START_COMMAND.sub(rf"\1{_ZWSP}::", text)
    return text


def on_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"


class SafeStream:
    """A text stream that passes everything written through `terminal_safe`, and under
    GitHub Actions through `actions_safe`; `raw` writes factcheck's own commands as they are."""

    def __init__(self, stream: TextIO, actions: bool) -> None:
        self.stream = stream
        self.actions = actions

    def write(self, text: str) -> int:
        safe = terminal_safe(text)
        if self.actions:
            safe = actions_safe(safe)
        self.stream.write(safe)
        return len(text)

    def raw(self, text: str) -> None:
        self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)
