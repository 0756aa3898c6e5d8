"""Finding and opening the files named on the command line: folders walked, names made ids.

`walk` finds the files under the paths given that an input format claims (by suffix), counts
the ones no format reads, and names the folders it could not list, so that a run can say what
it found and what it skipped; `source_ids` turns files into unique, stable source ids.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import regex

from factcheck import fsutil
from factcheck.errors import Location
from factcheck.ingest.base import MAX_SOURCE_BYTES, IngestError

SOURCES_FILE = "sources.yaml"
STDIN = "-"


@contextlib.contextmanager
def open_regular(path: Path) -> Iterator[tuple[BinaryIO, os.stat_result]]:
    """`path` open for reading with its status; IngestError unless it is a regular file.

    `fsutil.open_regular` opens it (without waiting on a named pipe) and refuses what is not
    a regular file; here its refusals become located ingest errors."""
    name = display_path(path)
    try:
        fh = fsutil.open_regular(path)
    except fsutil.NotARegularFile:
        raise IngestError(
            "is not a regular file (a device, pipe or socket)",
            Location(name),
            "pass article files or folders of them",
        ) from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise IngestError(f"cannot read: {reason}", Location(name), "check the path") from None
    with fh:
        yield fh, os.fstat(fh.fileno())


def read_article_bytes(path: Path) -> bytes:
    """The bytes of an article file; IngestError for what cannot be one (see MAX_SOURCE_BYTES)."""
    name = display_path(path)
    with open_regular(path) as (fh, st):
        try:
            # One byte past the limit, so that a file still growing is caught too.
            data = fh.read(MAX_SOURCE_BYTES + 1) if st.st_size <= MAX_SOURCE_BYTES else b""
        except OSError as exc:
            raise IngestError(f"cannot read: {exc.strerror or exc}", Location(name)) from None
    size = max(st.st_size, len(data))
    if size > MAX_SOURCE_BYTES:
        raise IngestError(
            f"is {size_text(size)}; an article is at most {size_text(MAX_SOURCE_BYTES)}",
            Location(name),
            "this is a dump or a log, not an article: remove it or split out the articles",
        )
    return data


def file_digest(path: Path) -> bytes:
    """The SHA-256 of a file of any size (a dump), read in blocks; IngestError if unreadable."""
    digest = hashlib.sha256()
    with open_regular(path) as (fh, _):
        try:
            while block := fh.read(1 << 20):
                digest.update(block)
        except OSError as exc:
            name = Location(display_path(path))
            raise IngestError(f"cannot read: {exc.strerror or exc}", name) from None
    return digest.digest()


def size_text(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n / 2**10:.1f} kB"


_UNPRINTABLE = regex.compile(r"[\p{Cc}\p{Cs}]")


def suffix_of(name: str) -> str:
    """A file name's suffix, lowercased, as `Path.suffix` finds it (".txt"; "" for ".profile"
    or "notes."): on the name's text, which a folder of ten thousand files asks for each."""
    i = name.rfind(".")
    return name[i:].lower() if 0 < i < len(name) - 1 else ""


def stem_of(name: str) -> str:
    """A file name without its suffix, as `Path.stem` gives it."""
    i = name.rfind(".")
    return name[:i] if 0 < i < len(name) - 1 else name


def display_path(path: Path | str) -> str:
    """`path` as text safe to print and to write as UTF-8.

    File names are bytes: one that is not UTF-8 arrives with lone surrogates (which no UTF-8
    writer accepts), one with an escape character could rewrite the user's terminal.  Both are
    shown as \\xNN escapes.
    """
    text = str(path)
    if text.isprintable():  # no control character nor surrogate: the common case, at once
        return text

    def escape(m: regex.Match[str]) -> str:
        code = ord(m.group())
        if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for an undecodable byte
            code -= 0xDC00
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"

    return _UNPRINTABLE.sub(escape, text)


@dataclass
class Found:
    """What `walk` found: files to read, and what it passed over."""

    files: list[Path] = field(default_factory=list)
    # Files in the folders walked that no input format reads, by suffix (".pdf": 3).
    unsupported: Counter[str] = field(default_factory=Counter)
    # Folders that could not be listed: their articles, if any, were not read.
    unreadable: list[IngestError] = field(default_factory=list)


def walk(paths: Iterable[Path], suffixes: Collection[str]) -> Found:
    """Files named by `paths` (files, or folders searched for `suffixes`), sorted, each once.

    A file named on the command line is taken whatever its suffix; a folder is searched
    recursively, skipping hidden entries.  A path that does not exist is an error.
    """
    out = Found()
    # Each file found, with its inode number as the folder listing gave it, or None for a
    # symlink or a file named on the command line, whose identity takes a stat.
    found: dict[Path, int | None] = {}
    symlinks: set[Path] = set()
    for p in paths:
        if _test(p, Path.is_dir, False):
            for f, inode, link in _walk(p, suffixes, out):
                found.setdefault(f, inode)
                if link:
                    symlinks.add(f)
        elif _test(p, Path.exists, True):
            found[p] = None
            if _test(p, Path.is_symlink, False):
                symlinks.add(p)
        else:
            raise IngestError("no such file or folder", Location(display_path(p)), "check the path")
    out.files = sorted(_once(found, symlinks), key=str)
    return out


def _once(found: dict[Path, int | None], symlinks: Collection[Path]) -> list[Path]:
    """`found` with each file once.

    Two names for one file (a symlink, a hard link, a folder reached twice) are one article;
    read twice it would agree with itself.  The file's own name wins over a symlink's, and
    names that cannot be followed stay, so that reading them reports why.

    A file's identity is its (device, inode) pair, which takes a stat; listing a folder gives
    each file's inode number without one.  Only the files whose inode number another file
    found shares (hard links, a folder walked twice, a symlink's target) are stat'ed: a tree of
    plain files costs no stat at all.
    """
    identity: dict[Path, tuple[int, int] | Path] = {}
    targets: set[int] = set()
    for f, inode in found.items():
        if inode is None:
            identity[f] = ident = _identity(f)
            if isinstance(ident, tuple):
                targets.add(ident[1])
    shared = Counter(inode for inode in found.values() if inode is not None)
    for f, inode in found.items():
        if inode is not None:
            # A folder listing's inode number is the one stat gives (POSIX; overlayfs too), but
            # the device may differ between layers: an inode number met twice is confirmed.
            identity[f] = _identity(f) if shared[inode] > 1 or inode in targets else f
    if len(set(identity.values())) == len(identity):
        return list(found)  # no two names for one file: nothing to choose
    kept: dict[tuple[int, int] | Path, Path] = {}
    for f in sorted(found, key=lambda q: (q in symlinks, str(q))):
        kept.setdefault(identity[f], f)
    return list(kept.values())


def _identity(f: Path) -> tuple[int, int] | Path:
    """The (device, inode) pair of the file `f` names, or `f` when it cannot be followed."""
    try:
        st = f.stat()
    except (OSError, ValueError):  # ValueError: a NUL in the path
        return f
    return (st.st_dev, st.st_ino)


def _test(p: Path, test: Callable[[Path], bool], when_unknown: bool) -> bool:
    """`test(p)`, or `when_unknown` when the file system will not say (permission denied on
    a parent, a NUL in the name): discovery goes on, and reading the file says why it cannot."""
    try:
        return test(p)
    except (OSError, ValueError):
        return when_unknown


def _entry_test(test: Callable[[], bool], when_unknown: bool) -> bool:
    """`test()` of a folder entry, or `when_unknown` when the file system will not say."""
    try:
        return test()
    except OSError:
        return when_unknown


def _walk(
    folder: Path, suffixes: Collection[str], out: Found
) -> Iterator[tuple[Path, int | None, bool]]:
    """The files under `folder` of `suffixes`: each with its inode number (None for a symlink,
    whose target's is not the listing's) and whether it is a symlink.

    Listed with `os.scandir`, whose entries know their type from the listing itself: a plain
    file or folder costs no stat, a symlink one."""
    seen: set[tuple[int, int]] = set()
    stack = [folder]
    while stack:
        d = stack.pop()
        try:
            st = d.stat()
            if (st.st_dev, st.st_ino) in seen:  # symlink loops
                continue
            seen.add((st.st_dev, st.st_ino))
            with os.scandir(d) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            out.unreadable.append(
                IngestError(
                    f"folder cannot be listed: {exc.strerror or exc}; its articles were not read",
                    Location(display_path(d)),
                    "make it readable (chmod +rx), or move it out of the sources",
                )
            )
            continue
        for e in entries:
            name = e.name
            if name.startswith("."):
                continue
            path = d / name
            if _entry_test(e.is_dir, False):
                stack.append(path)
                continue
            suffix = suffix_of(name)
            link = _entry_test(e.is_symlink, False)
            if suffix in suffixes and (link or _entry_test(e.is_file, True)):
                # A dangling or looping symlink is kept, so that reading it warns by name
                # instead of the article silently missing from the report.
                yield path, None if link else e.inode(), link
            elif name != SOURCES_FILE:
                out.unsupported[suffix or "without a suffix"] += 1


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
        by_stem.setdefault(display_path(stem_of(f.name)), []).append(f)
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
