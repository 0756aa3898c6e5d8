"""The hostile corpus (issue 6 item 1): every file generated from the table below.

Nothing here is committed as a file: encodings and line endings would not survive editors and
git's end-of-line handling, and big and binary files do not belong in the repository.  Each
entry states its outcome: read (with the decoded text and one figure's value and line:column)
or skipped with a warning naming the file.  docs/hostile-inputs.md is the table in prose.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Figure:
    text: str
    kind: str
    value: float
    line: int
    column: int


@dataclass(frozen=True)
class Hostile:
    name: str
    data: bytes
    # read: the source is analysed; skipped: a warning naming the file, the run goes on.
    outcome: str
    encoding: str = ""
    contains: str = ""
    figure: Figure | None = None
    warning: str = ""


RUSSIAN = "Товарооборот между Казахстаном и Россией в 2022 году составил 23,6 млрд долларов, рост на 6,8%."
FRENCH = "Le commerce a atteint 26 milliards de dollars en 2022, soit une hausse de 5 % à Genève."
ENGLISH = "Almaty, 03 February 2023.\nTrade turnover reached $23.6 billion in 2022, up 6.8 %.\n"
MIXED_EOL = "Line one\r\nLine two\rThe turnover was $22.2 billion in 2022.\nLast: growth of 5 %\r\n"
INJECTION = (
    "# Trade <script>alert('x')</script>\n"
    "Trade reached $23.6 billion in 2022. [click](javascript:alert(1)) "
    '<img src=x onerror="alert(2)"> | a | b |\n'
    "</pre><iframe src=//evil></iframe> **bold** `code` <!-- comment -->\n"
)
_rng = random.Random(6)
GARBAGE = bytes(_rng.randrange(0x80, 0x100) for _ in range(4000))  # no NUL, no control bytes
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(_rng.randrange(256) for _ in range(4000))
TRUNCATED = (RUSSIAN * 3 + "ё").encode("utf-8")[:-1]  # a download cut inside the last character

HOSTILE: list[Hostile] = [
    Hostile(
        "cp1251_ru.txt",
        RUSSIAN.encode("cp1251"),
        "read",
        "cp1251",
        "составил 23,6 млрд",
        Figure("6,8%", "percent", 6.8, 1, 91),
    ),
    Hostile(
        "latin1_fr.txt",
        FRENCH.encode("latin-1"),
        "read",
        "latin-1",
        "hausse de 5 % à Genève",
        Figure("5 %", "percent", 5.0, 1, 75),
    ),
    Hostile(
        "utf16le_bom.txt",
        b"\xff\xfe" + ENGLISH.encode("utf-16-le"),
        "read",
        "utf-16",
        "Trade turnover",
        Figure("$23.6 billion", "money", 23.6e9, 2, 24),
    ),
    Hostile(
        "utf16be_bom.txt",
        b"\xfe\xff" + ENGLISH.encode("utf-16-be"),
        "read",
        "utf-16",
        "Trade turnover",
        Figure("$23.6 billion", "money", 23.6e9, 2, 24),
    ),
    Hostile(
        "utf32_bom.txt",
        ENGLISH.encode("utf-32"),
        "read",
        "utf-32",
        "Trade turnover",
        Figure("$23.6 billion", "money", 23.6e9, 2, 24),
    ),
    Hostile(
        "utf8_bom.txt",
        b"\xef\xbb\xbf" + ENGLISH.encode("utf-8"),
        "read",
        "utf-8-sig",
        "Almaty",  # the mark itself is not text: line 1 starts at "Almaty"
        Figure("$23.6 billion", "money", 23.6e9, 2, 24),
    ),
    Hostile(
        "mixed_eol.txt",
        MIXED_EOL.encode("utf-8"),
        "read",
        "utf-8",
        "Line two\rThe turnover",
        Figure("$22.2 billion", "money", 22.2e9, 3, 18),
    ),
    Hostile(
        "truncated_utf8.txt",
        TRUNCATED,
        "read",
        "utf-8-replace",
        "рост на 6,8%",
        Figure("6,8%", "percent", 6.8, 1, 91),
    ),
    Hostile(
        "injection.md",
        INJECTION.encode("utf-8"),
        "read",
        "utf-8",
        "<script>alert('x')</script>",
        Figure("$23.6 billion", "money", 23.6e9, 2, 15),
    ),
    Hostile("garbage.txt", GARBAGE, "read"),  # no encoding fits; decoded as a single-byte text
    Hostile("binary.txt", PNG, "skipped", warning="binary"),
    Hostile("nul_late.txt", b"Trade 5 %. " * 10 + b"\x00" * 50, "skipped", warning="binary"),
    Hostile("empty.txt", b"", "skipped", warning="empty"),
    Hostile("blank.txt", b" \r\n\t\n", "skipped", warning="empty"),
    Hostile("bom_only.txt", b"\xef\xbb\xbf", "skipped", warning="empty"),
    Hostile(
        "bad_utf16.txt",
        b"\xff\xfe" + "ok".encode("utf-16-le") + b"\x00\xd8",  # an unpaired surrogate
        "skipped",
        warning="does not decode as UTF-16",
    ),
    Hostile("odd_utf16.txt", b"\xfe\xff\x00a\x00", "skipped", warning="does not decode as UTF-16"),
]
READ = [h for h in HOSTILE if h.outcome == "read"]
SKIPPED = [h for h in HOSTILE if h.outcome == "skipped"]

BIG_BYTES = 50 * 1024 * 1024
LONG_LINE_CHARS = 1024 * 1024


def long_line_text() -> tuple[str, Figure]:
    """1 MB of prose on line 2, a figure near its end (whose column proves the index)."""
    words = "the delegation discussed transport and logistics "
    tail = "and trade turnover reached $23.6 billion in 2022."
    line = (words * (LONG_LINE_CHARS // len(words)))[: LONG_LINE_CHARS - len(tail)] + tail
    column = line.index("$23.6") + 1
    return "Header\n" + line + "\nLast line.\n", Figure("$23.6 billion", "money", 23.6e9, 2, column)


def write_big(path: Path, size: int = BIG_BYTES) -> None:
    """A text dump of `size` bytes (real text, so that only its size gets it skipped)."""
    chunk = (ENGLISH * 2000).encode("utf-8")
    with path.open("wb") as fh:
        written = 0
        while written < size:
            piece = chunk[: size - written]
            fh.write(piece)
            written += len(piece)


def build_corpus(folder: Path, big: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for h in HOSTILE:
        (folder / h.name).write_bytes(h.data)
    (folder / "long_line.txt").write_text(long_line_text()[0], encoding="utf-8")
    # Symlinks: a folder loop, a file loop, a dangling link and a second name for one article.
    os.symlink(".", folder / "loop")
    (folder / "sub").mkdir()
    os.symlink("..", folder / "sub" / "up")
    os.symlink("self_loop.txt", folder / "self_loop.txt")
    os.symlink("missing.txt", folder / "dangling.txt")
    os.symlink("utf8_bom.txt", folder / "alias_of_utf8_bom.txt")
    if big:
        write_big(folder / "huge_50mb.txt")
    return folder
