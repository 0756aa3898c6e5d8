"""factcheck's cache folder in the user's home: what every process would otherwise rebuild.

Only pint's parsed unit definitions live here for now (see `factcheck/units.py`): parsing them
costs each process (each `--jobs` worker) a quarter of a second, reading them back a fiftieth.

The folder is `platformdirs`' user cache folder for factcheck (`~/.cache/factcheck` on Linux),
or the one `FACTCHECK_CACHE_DIR` names; `FACTCHECK_CACHE_DIR=` (empty) turns the cache off.
A cache is a shortcut, never a requirement: a folder that cannot be created or written (a
read-only home, a CI sandbox) means no cache, silently.  Its files are trusted as the
program's own (pint's cache holds pickles, which can run code when read), so the folder is
used only when it is the user's own and no one else may write in it, as ssh treats ~/.ssh.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

ENV = "FACTCHECK_CACHE_DIR"


def root() -> Path | None:
    """The cache folder, or None when the user turned it off (FACTCHECK_CACHE_DIR empty)."""
    chosen = os.environ.get(ENV)
    if chosen is not None:
        return Path(chosen) if chosen.strip() else None
    import platformdirs

    return platformdirs.user_cache_path("factcheck", appauthor=False)


def folder(name: str) -> Path | None:
    """The cache's subfolder `name`, made if need be, or None when there is no cache to use:
    turned off, impossible to create, or open to other users (see `trusted`)."""
    base = root()
    if base is None:
        return None
    sub = base / name
    try:
        # Each made private: `parents=True` alone would make the cache folder with the umask's
        # mode (group-writable under umask 002), which `trusted` then refuses.
        base.mkdir(mode=0o700, parents=True, exist_ok=True)
        sub.mkdir(mode=0o700, exist_ok=True)
    except (OSError, ValueError):  # ValueError: a NUL in FACTCHECK_CACHE_DIR
        return None
    return sub if trusted(base) and trusted(sub) else None


def trusted(path: Path) -> bool:
    """Whether `path` is a folder of the user's own that no other user may write in: its
    files are then the user's own (or root's), like the program's."""
    try:
        st = path.stat()
    except (OSError, ValueError):
        return False
    if not stat.S_ISDIR(st.st_mode):
        return False
    if not hasattr(os, "geteuid"):  # Windows: the user's profile folder is their own
        return True
    return st.st_uid == os.geteuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
