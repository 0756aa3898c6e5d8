"""Bytes → text: the encodings a newsroom meets, and refusal of what is binary.

A newsroom's files come in UTF-8 (with or without BOM), UTF-16 with BOM, cp1251 and latin-1.
`decode` names the encoding it used, and refuses data with NUL bytes or many control
characters as binary.
"""

from __future__ import annotations

import re

import regex

from factcheck.errors import Location
from factcheck.ingest.base import IngestError

_CYRILLIC = regex.compile(r"\p{Cyrillic}")
_LATIN = regex.compile(r"\p{Latin}")


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Decode `data` and name the encoding used; raise IngestError for binary data.

    Never raises anything else: every byte string is either text in one of the encodings a
    newsroom meets, or refused as binary.
    """
    # UTF-32's little-endian mark is UTF-16's followed by a NUL character, so it is tried
    # first and UTF-16 after it.
    marked = [codec for bom, codec in _BOMS if data.startswith(bom)]
    if marked:
        text, encoding = _decode_bom(data, marked, path)
    else:
        if data.startswith(b"\xef\xbb\xbf"):
            text, encoding = data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
        elif b"\x00" in data[:8192]:
            raise _binary(path)
        else:
            text, encoding = _decode_unmarked(data)
    head = text[:8192]
    # Text with NULs or many control characters is an image, an archive, a database dump...
    if "\x00" in head or len(_CONTROL.findall(head)) > max(8, len(head) // 100):
        raise _binary(path)
    return text, encoding


_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# C0 controls other than tab, line feed, vertical tab, form feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_HIGH_BYTES = bytes(range(0xC0, 0x100))


def _binary(path: str) -> IngestError:
    return IngestError(
        "looks like a binary file (NUL bytes or control characters), not an article",
        Location(path),
        "remove it from the sources folder or convert it to text",
    )


def _decode_bom(data: bytes, codecs: list[str], path: str) -> tuple[str, str]:
    failures: list[str] = []
    for codec in codecs:
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError as exc:
            failures.append(f"{codec.upper()} (byte {exc.start})")
    raise IngestError(
        f"starts with a byte order mark but does not decode as {' or '.join(failures)}",
        Location(path),
        "re-save the file as UTF-8",
    )


def _decode_unmarked(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # A crawler that cuts a download at a byte limit splits the last UTF-8 character, and one
    # corrupt byte should not turn a whole Russian article into latin-1 mojibake: a text that
    # is overwhelmingly valid UTF-8 stays UTF-8, its few bad bytes replaced.
    lossy = data.decode("utf-8", errors="replace")
    bad = lossy.count("\ufffd") - data.count("\ufffd".encode())
    multibyte = len(lossy) - len(lossy.encode("ascii", errors="ignore")) - bad
    if bad <= 3 and multibyte >= 20 * bad:
        return lossy, "utf-8-replace"
    # Single-byte text: cp1251 when it reads as Cyrillic words, else latin-1.
    as_1251 = data.decode("cp1251", errors="replace")
    as_latin = data.decode("latin-1")
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    if high and len(_CYRILLIC.findall(as_1251)) >= 0.9 * high and _mostly_words(as_1251):
        return as_1251, "cp1251"
    return as_latin, "latin-1"


def _mostly_words(text: str) -> bool:
    """Whether text decoded as cp1251 reads as Russian rather than as mis-decoded Latin-1.

    Latin-1 read as cp1251 puts Cyrillic letters inside Latin words ("augmentй", "Cafй") and
    gives runs of capitals mixed with lower case; real Cyrillic words are all Cyrillic.
    """
    cyrillic = odd = 0
    for w in regex.findall(r"\p{L}+", text):
        if not _CYRILLIC.search(w):
            continue
        if _LATIN.search(w) or (len(w) > 2 and regex.search(r"\p{Ll}\p{Lu}", w)):
            odd += 1
        else:
            cyrillic += 1
    return cyrillic > 0 and odd <= 0.2 * cyrillic
