"""Where a run's workers put their results aside, and where they are read back from.

A worker writes the JSON report items and the claim encodings it made to a scratch folder
and sends back only where they are (`worker.put_aside`): the process that started the run
reads the JSON items once, to write the report, and the checks' workers read the claims they
check.  So neither crosses that process, and its memory does not grow with the archive.

The folder is a temporary one on this machine for `--jobs` (`Scratch()`), or, for a cluster,
one every worker and the client can reach (`--scratch`): a folder they all mount at the same
path, or an fsspec URL (`s3://bucket/tmp/`), where each batch is one object.  A run makes its
own folder inside and removes it when its report is written.

Readers read only inside the run's folder (`Reader(root)`): a location that points elsewhere
is refused, so a location is never a way to read another file of a worker's disk.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Any, BinaryIO

from factcheck.errors import FactcheckError, Location
from factcheck.ingest import remote

PREFIX = "factcheck-run-"


class Scratch:
    """A run's own folder: a temporary one here, or one made inside `where` (a shared folder
    or an fsspec URL); `close` removes it."""

    def __init__(self, where: str | None = None) -> None:
        if where is None:
            self.path = tempfile.mkdtemp(prefix=PREFIX)
            return
        name = f"{PREFIX}{uuid.uuid4().hex}"
        try:
            if remote.is_url(where):
                fs, root = remote.filesystem(where)
                self.path = f"{where.rstrip('/')}/{name}"
                fs.makedirs(posixpath.join(root, name), exist_ok=True)
            else:
                self.path = os.path.join(os.path.abspath(where), name)
                os.mkdir(self.path, 0o700)
        except (OSError, ValueError) as exc:
            raise FactcheckError(
                f"cannot make the run's scratch folder: {exc}",
                Location(where),
                "give --scratch a folder (or URL) this machine can write, that every worker "
                "reaches at the same name",
            ) from None

    def close(self) -> None:
        if _FILE and _FILE[0][0] == self.path:
            close()  # this process's own file in it
        if remote.is_url(self.path):
            with contextlib.suppress(Exception):  # fsspec's errors vary by filesystem
                fs, root = remote.filesystem(self.path)
                fs.rm(root, recursive=True)
        else:
            shutil.rmtree(self.path, ignore_errors=True)


# ---------------------------------------------------------------------- a worker's side

# The file this process appends to in a run's folder on a disk: the folder, its path, the file.
_FILE: list[tuple[str, str, BinaryIO]] = []
_LOCK = threading.Lock()  # a cluster's worker may run several batches at once, in threads


def append(folder: str, blob: bytes) -> tuple[str, int]:
    """`blob` put in the run's `folder`: the path it is at and its offset there.  On a disk,
    each process appends to a file of its own; at a URL, each call writes one object."""
    if remote.is_url(folder):
        path = f"{folder}/{uuid.uuid4().hex}.bin"
        fs, at = remote.filesystem(path)
        fs.pipe_file(at, blob)
        return path, 0
    with _LOCK:
        if not _FILE or _FILE[0][0] != folder:
            close()  # an earlier run's
            fd, path = tempfile.mkstemp(dir=folder, prefix=f"worker-{os.getpid()}-")
            _FILE[:] = [(folder, path, os.fdopen(fd, "wb"))]
        _, path, f = _FILE[0]
        offset = f.tell()
        f.write(blob)
        f.flush()  # read by other processes once the batch's outcomes have arrived
        return path, offset


def close() -> None:
    """Close this process's file (the run's folder is removed by the process that made it)."""
    for _, _, f in _FILE:
        with contextlib.suppress(OSError):
            f.close()
    _FILE.clear()


# ---------------------------------------------------------------------- reading back


class Reader:
    """Reads pieces put aside in the run's folder `root`, keeping files open while in use.

    A piece on a disk is one positioned read (`os.pread`), not a seek and a buffered read:
    the checks read tens of thousands of small pieces.  (Mapping the files would be faster
    still, but their pages would count as this process's memory.)
    """

    def __init__(self, root: str) -> None:
        self.root = root.rstrip("/") + "/"
        # Each file checked once: its descriptor on a disk, or its filesystem and path there
        # at a URL (a range read a piece).
        self._files: dict[str, int | tuple[Any, str]] = {}

    def read(self, path: str, offset: int, length: int) -> bytes:
        f = self._files.get(path)
        if f is None:
            if not path.startswith(self.root) or "/../" in path[len(self.root) - 1 :]:
                raise ValueError(f"{path!r} is not in the run's scratch folder {self.root!r}")
            if remote.is_url(path):
                f = self._files[path] = remote.filesystem(path)
            else:
                f = self._files[path] = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        if isinstance(f, int):
            return os.pread(f, length, offset)
        fs, at = f
        data: bytes = fs.cat_file(at, start=offset, end=offset + length)
        return data

    def pieces(self, at: Iterable[tuple[str, int, int]]) -> Iterator[bytes]:
        """The pieces at `at` (path, offset, length), in that order; pieces that follow each
        other in a file are read together, up to `RUN_BYTES` at a time (the checks' findings,
        written one after the other, are read back so)."""
        path, start, end = "", 0, 0
        lengths: list[int] = []
        for p, offset, length in at:
            if p == path and offset == end and end - start + length <= RUN_BYTES:
                lengths.append(length)
                end += length
                continue
            if lengths:
                yield from _split(self.read(path, start, end - start), lengths)
            path, start, end, lengths = p, offset, offset + length, [length]
        if lengths:
            yield from _split(self.read(path, start, end - start), lengths)

    def close(self) -> None:
        for f in self._files.values():
            if isinstance(f, int):
                os.close(f)
        self._files.clear()

    def __enter__(self) -> Reader:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


# The most `Reader.pieces` reads at once.
RUN_BYTES = 1 << 20


def _split(data: bytes, lengths: list[int]) -> Iterator[bytes]:
    at = 0
    for n in lengths:
        yield data[at : at + n]
        at += n
