"""Atomic output: a report is written whole or not at all.

Every file is first written to a temporary file in the target folder, flushed and fsynced, and
only when all of them are complete are they renamed over the old ones.  A crash or a full disk
leaves the previous report in place and no truncated file behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from factcheck.errors import FactcheckError, Location


def safe_name(folder: Path, name: str) -> Path:
    """`folder / name`, refusing names that would escape the folder."""
    target = (folder / name).resolve()
    if target.parent != folder.resolve() or name in ("", ".", ".."):
        raise FactcheckError(
            f"output name {name!r} would be written outside {folder}",
            Location(str(folder)),
            "output names are plain file names",
        )
    return target


def write_files_atomically(folder: Path, files: Mapping[str, str | bytes]) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FactcheckError(
            f"cannot create the output folder: {exc.strerror}",
            Location(str(folder)),
            "choose another --out",
        ) from None
    staged: list[tuple[str, Path]] = []
    try:
        for name, content in files.items():
            target = safe_name(folder, name)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
            staged.append((tmp, target))
            data = content.encode("utf-8") if isinstance(content, str) else content
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        for tmp, target in staged:
            os.replace(tmp, target)
        staged.clear()
    except OSError as exc:
        raise FactcheckError(
            f"cannot write the report: {exc.strerror or exc}; the previous report is unchanged",
            Location(str(folder)),
            "free disk space or choose another --out",
        ) from None
    finally:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
