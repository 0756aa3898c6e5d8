"""Atomic output: a report is written whole or not at all.

Every file is first written to a temporary file in the target folder, flushed and fsynced, and
only when all of them are complete are they renamed over the old ones.  A crash or a full disk
leaves the previous report in place and no truncated file behind.  A rename that fails after
others succeeded rolls those back from hard-linked backups, so the set of files never mixes
two runs.  A process killed outright (SIGKILL, power loss) can leave a hidden `.NAME.*.tmp`
beside the report, never a truncated report.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from factcheck.errors import FactcheckError, Location


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


def write_files_atomically(folder: Path, files: Mapping[str, str | bytes]) -> None:
    # Every name is checked and every text encoded before anything touches the disk.  Lone
    # surrogates (which no UTF-8 file can hold) become "?" rather than a traceback.
    targets = [
        (safe_name(folder, name), c.encode("utf-8", errors="replace") if isinstance(c, str) else c)
        for name, c in files.items()
    ]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FactcheckError(
            f"cannot create the output folder: {exc.strerror}",
            Location(str(folder)),
            "choose another --out",
        ) from None
    staged: list[tuple[str, Path]] = []
    replaced: list[tuple[Path, str | None]] = []  # target, backup of what it replaced
    try:
        for target, data in targets:
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            staged.append((tmp, target))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
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


def _backup(target: Path) -> str | None:
    """A second name for the file at `target` (a hard link: no copy), or None if none is there."""
    if not os.path.lexists(target):
        return None
    backup = str(target.parent / f".{target.name}.{secrets.token_hex(6)}.bak")
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
