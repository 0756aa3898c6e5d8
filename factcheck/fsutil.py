"""Atomic output: a report is written whole or not at all.

Every file is first written to a temporary file in the target folder, flushed and fsynced, and
only when all of them are complete are they renamed over the old ones.  A crash or a full disk
leaves the previous report in place and no truncated file behind.  A written file keeps the
mode of the file it replaces, or gets the umask's.  A rename that fails after
others succeeded rolls those back from hard-linked backups, so the set of files never mixes
two runs.  A process killed outright (SIGKILL, power loss) can leave a hidden
`.NAME.PID.*.tmp` beside the report, never a truncated report; the next write of that name
removes it once no process PID is running.

A file's content may come in pieces (a renderer's output as it is made, or another file read
in blocks), encoded and written as they come: a report of hundreds of megabytes is never held
whole in memory, nor its bytes.  Pieces are made while the temporary files are written, so a
renderer that raises midway leaves every old file in place, like a full disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import shutil
import stat
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import BinaryIO

from factcheck.errors import FactcheckError, Location


class NotARegularFile(OSError):
    """A device, pipe or socket where a file was expected."""


def open_regular(path: Path | str) -> BinaryIO:
    """`path` open for reading if it is a regular file; a named pipe is refused, not waited
    on (`NotARegularFile`), as are devices and sockets."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fh = os.fdopen(os.open(path, flags), "rb")
    if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
        fh.close()
        raise NotARegularFile(0, "is not a regular file (a device, pipe or socket)")
    return fh


def read_limited(path: Path | str, limit: int) -> tuple[bytes, int]:
    """A regular file's bytes and its size, reading at most `limit` + 1 bytes.

    Past the limit the bytes are b"" and the size says by how much: a file is refused by its
    size before it is read whole, and a file growing while read is caught at `limit` + 1.
    Opened without blocking, so a named pipe never waits for a writer; `NotARegularFile`
    refuses it, like a device that would never end.
    """
    with open_regular(path) as fh:
        st = os.fstat(fh.fileno())
        if st.st_size > limit:
            return b"", st.st_size
        data = fh.read(limit + 1)
    return (data, len(data)) if len(data) <= limit else (b"", len(data))


def safe_name(folder: Path, name: str) -> Path:
    """`folder / name` for a plain file name; a name that could land anywhere else is refused.

    The last component is not resolved: a symlink already standing at `name` is replaced by
    the new file, never written through.
    """
    seps = {"/", "\\", os.sep, os.altsep or "/"}
    if (
        name in ("", ".", "..")
        or any(s in name for s in seps)
        or "\x00" in name
        or Path(name).is_absolute()
        or Path(name).drive
    ):
        raise FactcheckError(
            f"output name {name!r} would be written outside {folder}",
            Location(str(folder)),
            "output names are plain file names",
        )
    return folder.resolve() / name


# A file's content: its whole text or bytes, or its pieces in order (text pieces, byte pieces or
# both), made while the file is written.
Content = str | bytes | Iterable[str | bytes]

# Text pieces are gathered up to about this many characters before one encode and one write:
# a report comes in many small pieces, and memory stays bounded by this, not by the report.
_BATCH = 1 << 20


def write_files_atomically(folder: Path, files: Mapping[str, Content]) -> dict[str, str]:
    """Write every file of `files` (name → content) into `folder`, all of them or none.

    Returns each file's SHA-256, of the bytes written: what a cache may later check a copy
    against."""
    # Every name is checked before anything touches the disk.
    targets = [(safe_name(folder, name), content) for name, content in files.items()]
    created = _missing_folders(folder)  # removed again if the write fails: none or all
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _remove_empty_folders(created)
        raise FactcheckError(
            f"cannot create the output folder: {exc.strerror}",
            Location(str(folder)),
            "choose another --out",
        ) from None
    for target, _ in targets:
        _remove_leftovers(target)
    digests: dict[str, str] = {}
    staged: list[tuple[str, Path]] = []
    replaced: list[tuple[Path, str | None]] = []  # target, backup of what it replaced
    done = False
    try:
        for target, content in targets:
            fd, tmp = tempfile.mkstemp(
                prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent
            )
            staged.append((tmp, target))
            # mkstemp makes 0600; the file gets the mode of the one it replaces, or the
            # umask's (a shared baseline kept its group bits only so).
            if hasattr(os, "fchmod"):  # not on Windows before Python 3.13
                os.fchmod(fd, _mode_for(target))
            with os.fdopen(fd, "wb") as fh:
                digest = _write(fh, [content] if isinstance(content, str | bytes) else content)
                digests[target.name] = digest.hexdigest()
                fh.flush()
                os.fsync(fh.fileno())
        while staged:
            tmp, target = staged[0]
            backup = _backup(target)
            try:
                os.replace(tmp, target)
            except BaseException:
                if backup is not None:
                    _remove(backup)
                raise
            staged.pop(0)
            replaced.append((target, backup))
        _fsync_folder(folder)
        done = True
        return digests
    except OSError as exc:
        restored = _roll_back(replaced)
        replaced.clear()
        state = "unchanged" if restored else "partly replaced: check it"
        raise FactcheckError(
            f"cannot write the report: {exc.strerror or exc}; the previous report is {state}",
            Location(str(folder)),
            "free disk space or choose another --out",
        ) from None
    except BaseException:  # KeyboardInterrupt included: never leave half a set behind
        _roll_back(replaced)
        replaced.clear()
        raise
    finally:
        for tmp, _ in staged:
            _remove(tmp)
        for _, backup in replaced:
            if backup is not None:
                _remove(backup)
        if not done:
            _remove_empty_folders(created)


def _missing_folders(folder: Path) -> list[Path]:
    """`folder` and those of its parents that do not exist yet, innermost first."""
    missing: list[Path] = []
    p = folder.absolute()
    while not p.exists() and p != p.parent:
        missing.append(p)
        p = p.parent
    return missing


def _remove_empty_folders(folders: list[Path]) -> None:
    """Remove the folders a failed write created, innermost first, while they are empty."""
    for d in folders:
        try:
            d.rmdir()
        except OSError:  # not empty (someone else wrote there) or already gone
            return


def _write(fh: BinaryIO, pieces: Iterable[str | bytes]) -> hashlib._Hash:
    """Write the pieces in order, text as UTF-8.  Lone surrogates (which no UTF-8 file can hold)
    become "?" rather than a traceback; each is one code point, so encoding a batch of pieces
    gives the bytes of encoding the whole text."""
    batch: list[str] = []
    size = 0
    digest = hashlib.sha256()

    def put(data: bytes) -> None:
        digest.update(data)
        fh.write(data)

    def flush() -> None:
        nonlocal size
        if batch:
            put("".join(batch).encode("utf-8", errors="replace"))
            batch.clear()
            size = 0

    for piece in pieces:
        if isinstance(piece, bytes):
            flush()
            put(piece)
            continue
        batch.append(piece)
        size += len(piece)
        if size >= _BATCH:
            flush()
    flush()
    return digest


def _mode_for(target: Path) -> int:
    """The permission bits of the file at `target`, or those a new file gets under the umask."""
    try:
        st = os.stat(target)
        if stat.S_ISREG(st.st_mode):
            return stat.S_IMODE(st.st_mode)
    except OSError:
        pass
    return 0o666 & ~_umask()


def _umask() -> int:
    # Read, not set and reset: os.umask is process-wide, and another thread may create files.
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old


# A temporary file or backup a write leaves while it runs: `.NAME.PID.RANDOM.tmp|.bak`.
_LEFTOVER = re.compile(r"\.(?P<name>.+)\.(?P<pid>\d+)\.[^.]+\.(?:tmp|bak)")
# Names of the form before the PID was in them, taken for a killed run's after a day.
_OLD_LEFTOVER = re.compile(r"\.(?P<name>.+)\.[^.]+\.(?:tmp|bak)")
_OLD_AFTER_S = 86_400


def _remove_leftovers(target: Path) -> None:
    """Remove what a killed run left beside `target` (a SIGKILL cannot clean up): temporary
    files and backups whose writer is no longer running.  Another run writing the same
    folder right now keeps its own."""
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return
    now = time.time()
    for e in entries:
        m = _LEFTOVER.fullmatch(e.name)
        if m is not None and m["name"] == target.name:
            if not _alive(int(m["pid"])):
                _remove(e.path)
            continue
        m = _OLD_LEFTOVER.fullmatch(e.name)
        if m is not None and m["name"] == target.name:
            with contextlib.suppress(OSError):
                if now - e.stat(follow_symlinks=False).st_mtime > _OLD_AFTER_S:
                    _remove(e.path)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # another user's process, or unknowable: keep its files
    return True


def _backup(target: Path) -> str | None:
    """A second name for the file at `target` (a hard link: no copy), or None if none is there."""
    if not os.path.lexists(target):
        return None
    backup = str(target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(6)}.bak")
    try:
        os.link(target, backup, follow_symlinks=False)
    except OSError:  # a file system without hard links: copy instead
        shutil.copy2(target, backup, follow_symlinks=False)
    return backup


def _roll_back(replaced: list[tuple[Path, str | None]]) -> bool:
    """Put back what the renames so far replaced; whether every file was restored."""
    ok = True
    for target, backup in reversed(replaced):
        try:
            if backup is None:
                os.unlink(target)
            else:
                os.replace(backup, target)
        except OSError:
            ok = False
    return ok


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _fsync_folder(folder: Path) -> None:
    """Make the renames themselves durable; not every platform can open a folder, hence best effort."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
