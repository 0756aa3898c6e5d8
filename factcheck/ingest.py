"""Files → Source: decoding, metadata, the offset → line:column index and page furniture.

A newsroom's files come in UTF-8 (with or without BOM), UTF-16 with BOM, cp1251 and latin-1.
Metadata (outlet, url, published date) comes from a `sources.yaml` beside the texts, or else
from the article's own header line ("02.02.2023 08:00", "03 February 2023 10:31").  Page
furniture (share buttons, view counters, calendar widgets, copyright footers, crawl stamps) is
marked so that its numbers are never taken for content.

Whatever else lies in a sources folder (binary files, empty files, dumps far larger than any
article, dangling symlinks, files that vanish mid-run) ends as an `IngestError` naming the file,
which the engine turns into a warning while the run goes on.  docs/hostile-inputs.md lists
every hostile input tried and its outcome.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import os
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import regex

from factcheck.errors import FactcheckError, Location
from factcheck.models import PublishedFrom, Source
from factcheck.yamlload import load_yaml

TEXT_SUFFIXES = (".txt", ".md", ".text")
SOURCES_FILE = "sources.yaml"
# A long read is a few hundred kB of text.  Anything this large is a dump or a log, and reading
# it would take minutes of extraction and gigabytes of records, so it is skipped with a warning.
MAX_SOURCE_BYTES = 8 * 1024 * 1024


class IngestError(FactcheckError):
    """A source file that cannot be read as text."""


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


# ---------------------------------------------------------------------------------- decoding

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


# ---------------------------------------------------------------------------------- furniture

_FURNITURE_LINES = [
    r"(?i)views?\s*:\s*\d[\d\s,.]*",
    r"(?i)(?:просмотр\w*|comments?)\s*:?\s*\d*",
    r"(?i)(?:share|print|copy link|subscribe|follow us)\b.*",
    r"(?i)(?:twitter|youtube|instagram|facebook|telegram|vk|whatsapp|tiktok|apple store|"
    r"play market|google play|night_theme|ru|en|arm|search|ads|loading)",
    r"(?i).*(?:©|\(c\)|copyright)\s*\d{4}.*",
    r"(?i)any use of materials is allowed.*",
    r"\d{1,2}(?:\s*\d{1,2})*",  # calendar widget rows: "891011121314", "2930", "0"
    r"(?i)(?:mon|tue|tues|wed|thu|thurs|fri|sat|sun|total)(?:\s+(?:mon|tue|tues|wed|thu|thurs|"
    r"fri|sat|sun|total))+",
    r"\W*(?:\p{L}+\s+)?\d{4}\W*",  # "• April 2024" widget month headers, bare years
    r"[\"“”«»\W]*\p{L}+\W*",  # lone words such as '" March'
    r"(?i)(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december)\s+\d{1,2}\.\s*\d{4}\.\s*\d{1,2}:\d{2}",  # crawl stamp "May 19. 2024. 1:17"
    r"(?i)if you find an error.*",
]
_FURNITURE = regex.compile(r"^[ \t\u00a0]*(?:" + "|".join(_FURNITURE_LINES) + r")[ \t\u00a0]*$")


def furniture_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Offsets of lines that are page furniture rather than article content.

    A line counts when it is short and matches one of the furniture shapes; a bare year or a
    lone word inside a paragraph is content, so those shapes only count on lines of their own
    next to other furniture or blank lines.
    """
    spans: list[tuple[int, int]] = []
    for start, end in content_lines(text):
        if end - start <= 160 and _FURNITURE.match(text[start:end]):
            spans.append((start, end))
    return tuple(spans)


# ---------------------------------------------------------------------------------- metadata


@dataclass(frozen=True)
class SourceMeta:
    outlet: str | None = None
    url: str | None = None
    published: dt.date | None = None
    as_of: dt.date | None = None


_META_KEYS = {"outlet", "url", "published", "as_of", "note"}


def read_sources_file(path: Path) -> dict[str, SourceMeta]:
    """Read `sources.yaml`: `{stem: {outlet, url, published, as_of, note}}`."""
    doc = load_yaml(path)
    data = doc.value
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FactcheckError(
            "a sources file maps each article's file stem to its metadata",
            doc.location(()),
            "write `000_name: {outlet: ..., url: ..., published: 2023-02-02}`",
        )
    out: dict[str, SourceMeta] = {}
    for stem, meta in data.items():
        if meta is None:
            out[str(stem)] = SourceMeta()
            continue
        if not isinstance(meta, dict):
            raise FactcheckError(
                f"metadata of {stem!r} must be a mapping",
                doc.location((stem,)),
                "write `{outlet: ..., url: ..., published: YYYY-MM-DD}`",
            )
        unknown = set(map(str, meta)) - _META_KEYS
        if unknown:
            key = sorted(unknown)[0]
            raise FactcheckError(
                f"unknown key {key!r} in the metadata of {stem!r}",
                doc.location((stem, key), key=True),
                f"allowed keys: {', '.join(sorted(_META_KEYS))}",
            )
        fields: dict[str, dt.date | None] = {}
        for key in ("published", "as_of"):
            value = meta.get(key)
            if value is not None and not isinstance(value, dt.date):
                raise FactcheckError(
                    f"{key} of {stem!r} must be a date (YYYY-MM-DD), not {value!r}",
                    doc.location((stem, key)),
                    "write it unquoted as 2023-02-02, or null when unknown",
                )
            fields[key] = value
        out[str(stem)] = SourceMeta(
            outlet=_opt_str(meta.get("outlet")),
            url=_opt_str(meta.get("url")),
            published=fields["published"],
            as_of=fields["as_of"],
        )
    return out


def _opt_str(v: object) -> str | None:
    return None if v is None else str(v)


# ---------------------------------------------------------------------------------- reading


def read_source(path: Path, meta: SourceMeta | None = None, source_id: str | None = None) -> Source:
    """Read one article file into a Source; raise IngestError (naming the file) if it is none.

    `source_id` is the id `source_ids` gave the file among the others of its run; without one
    the id is the file's stem.
    """
    return source_from_bytes(path, read_article_bytes(path), meta, source_id)


def source_from_bytes(
    path: Path, data: bytes, meta: SourceMeta | None = None, source_id: str | None = None
) -> Source:
    """A Source from an article file's bytes, read by `read_article_bytes` (here or elsewhere)."""
    name = display_path(path)
    text, encoding = decode(data, name)
    if not text.strip():
        raise IngestError(
            "is empty: no article text", Location(name), "remove it or save the article into it"
        )
    sid = source_id if source_id is not None else display_path(path.stem)
    return build_source(sid, name, text, encoding, data, meta)


def read_article_bytes(path: Path) -> bytes:
    """The bytes of an article file; IngestError for what cannot be one (see MAX_SOURCE_BYTES)."""
    name = display_path(path)
    # O_NONBLOCK: opening a named pipe must not wait for a writer that never comes; the
    # regular-file check below then refuses it.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise IngestError(
                    "is not a regular file (a device, pipe or socket)",
                    Location(name),
                    "pass article files or folders of them",
                )
            # One byte past the limit, so that a file still growing is caught too.
            data = fh.read(MAX_SOURCE_BYTES + 1) if st.st_size <= MAX_SOURCE_BYTES else b""
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise IngestError(f"cannot read: {reason}", Location(name), "check the path") from None
    size = max(st.st_size, len(data))
    if size > MAX_SOURCE_BYTES:
        raise IngestError(
            f"is {_size(size)}; an article is at most {_size(MAX_SOURCE_BYTES)}",
            Location(name),
            "this is a dump or a log, not an article: remove it or split out the articles",
        )
    return data


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n / 2**10:.1f} kB"


_UNPRINTABLE = regex.compile(r"[\p{Cc}\p{Cs}]")


def display_path(path: Path | str) -> str:
    """`path` as text safe to print and to write as UTF-8.

    File names are bytes: one that is not UTF-8 arrives with lone surrogates (which no UTF-8
    writer accepts), one with an escape character could rewrite the user's terminal.  Both are
    shown as \\xNN escapes.
    """

    def escape(m: regex.Match[str]) -> str:
        code = ord(m.group())
        if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for an undecodable byte
            code -= 0xDC00
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"

    return _UNPRINTABLE.sub(escape, str(path))


def build_source(
    stem: str,
    path: str,
    text: str,
    encoding: str = "utf-8",
    data: bytes | None = None,
    meta: SourceMeta | None = None,
) -> Source:
    meta = meta or SourceMeta()
    furniture = furniture_spans(text)
    from factcheck.extract.dateline import find_dateline  # extract imports this module

    published = meta.published
    published_from: PublishedFrom = "sources-file"
    date_warnings: tuple[str, ...] = ()
    if published is None:
        found = find_dateline(text, furniture)
        published, published_from, date_warnings = found.date, found.how, found.warnings
    raw = data if data is not None else text.encode("utf-8")
    return Source(
        id=stem,
        path=path,
        text=text,
        encoding=encoding,
        sha256=hashlib.sha256(raw).hexdigest(),
        outlet=meta.outlet,
        url=meta.url,
        published=published,
        published_from=published_from,
        date_warnings=date_warnings,
        as_of=meta.as_of,
        furniture=furniture,
    )


def discover(paths: Iterable[Path]) -> list[Path]:
    """Article files named by `paths` (files, or folders searched recursively), sorted."""
    found: set[Path] = set()
    for p in paths:
        if p.is_dir():
            found.update(_walk(p))
        elif p.exists():
            found.add(p)
        else:
            raise IngestError("no such file or folder", Location(display_path(p)), "check the path")
    # Two names for one file (a symlink, a hard link, a folder reached twice) are one article;
    # read twice it would agree with itself.  Names that cannot be followed stay, so that
    # reading them reports why.
    # The file's own name wins over a symlink's.
    kept: dict[object, Path] = {}
    for f in sorted(found, key=lambda q: (q.is_symlink(), str(q))):
        try:
            st = f.stat()
            identity: object = (st.st_dev, st.st_ino)
        except (OSError, ValueError):
            identity = f
        kept.setdefault(identity, f)
    return sorted(kept.values(), key=lambda q: str(q))


def source_ids(files: Sequence[Path]) -> dict[Path, str]:
    """Each file's source id: its stem, which claim ids, reports and baselines quote.

    Stems that two files share (`2023/01/story.txt` and `2023/02/story.txt`, or `story.txt`
    beside `story.md`) would make two sources, and their claims, one id.  Those files get their
    stems with as many parent folders as it takes to tell them apart (`01/story`, `02/story`);
    files a folder cannot tell apart keep their suffixes too (`story.txt`, `story.md`); the
    absolute path is the last resort.  An id depends only on the set of files, not their order.
    """
    by_stem: dict[str, list[Path]] = {}
    for f in files:
        by_stem.setdefault(display_path(f.stem), []).append(f)
    ids = {group[0]: stem for stem, group in by_stem.items() if len(group) == 1}
    taken = set(ids.values())
    for _, group in sorted(by_stem.items()):
        if len(group) == 1:
            continue
        group = sorted(group, key=str)
        depth = max(len(_folders(f)) for f in group)
        tries = [(k, False) for k in range(1, depth + 1)] + [(k, True) for k in range(depth + 1)]
        for folders, suffix in tries:
            names = [_tail(f, folders, suffix) for f in group]
            if len(set(names)) == len(names) and taken.isdisjoint(names):
                break
        else:  # absolute paths: no stem or folder-and-stem name begins with a slash
            names = [display_path(f.absolute().as_posix()) for f in group]
        ids.update(zip(group, names, strict=True))
        taken.update(names)
    return ids


def _folders(f: Path) -> tuple[str, ...]:
    parts = f.parent.parts
    return parts[1:] if f.anchor else parts


def _tail(f: Path, folders: int, suffix: bool) -> str:
    """`f`'s stem (its name, with `suffix`) under its last `folders` folders."""
    parents = _folders(f)
    kept = parents[max(0, len(parents) - folders) :]  # none for 0 folders
    return display_path("/".join((*kept, f.name if suffix else f.stem)))


def _walk(folder: Path) -> Iterator[Path]:
    seen: set[tuple[int, int]] = set()
    stack = [folder]
    while stack:
        d = stack.pop()
        try:
            st = d.stat()
        except OSError:
            continue
        if (st.st_dev, st.st_ino) in seen:  # symlink loops
            continue
        seen.add((st.st_dev, st.st_ino))
        try:
            entries = sorted(d.iterdir())
        except OSError:
            continue
        for e in entries:
            if e.name.startswith("."):
                continue
            if e.is_dir():
                stack.append(e)
            elif e.suffix.lower() in TEXT_SUFFIXES and (e.is_file() or e.is_symlink()):
                # A dangling or looping symlink is kept, so that reading it warns by name
                # instead of the article silently missing from the report.
                yield e


def metadata_for(files: Iterable[Path]) -> dict[Path, SourceMeta]:
    """Each file's metadata from the `sources.yaml` in its folder, if there is one."""
    cache: dict[Path, dict[str, SourceMeta]] = {}
    out: dict[Path, SourceMeta] = {}
    for f in files:
        folder = f.parent
        if folder not in cache:
            sf = folder / SOURCES_FILE
            cache[folder] = read_sources_file(sf) if sf.is_file() else {}
        if f.stem in cache[folder]:
            out[f] = cache[folder][f.stem]
    return out
