"""pint's parsed definitions kept in factcheck's user cache: the same units with or without it.

A cache is a shortcut only: a damaged one, one that cannot be written, one open to other users
or one turned off costs the shortcut and nothing else.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from factcheck import units, usercache

ROOT = Path(__file__).resolve().parent.parent
WORDS = ["km", "tonnes", "megawatts", "bcm", "bpd", "mmt", "barrel", "USD", "kWh", "He", "as"]


def answers(ureg: Any) -> list[object]:
    """What factcheck asks of a registry: dimensions and factors, unit by unit."""
    out: list[object] = []
    for word in WORDS:
        try:
            u = ureg.parse_units(word)
        except Exception as exc:
            out.append((word, type(exc).__name__))
            continue
        q = ureg.Quantity(1.0, u).to_base_units()
        out.append((word, str(u), str(u.dimensionality), str(q.units), q.magnitude))
    out.append(sorted(ureg._prefixes))
    out.append(float(ureg.Quantity("1.5 billion USD").to("USD").magnitude))
    return out


@pytest.fixture(scope="module")
def uncached() -> list[object]:
    return answers(units.new_registry(None))


def cache_folders(cache: Path) -> list[Path]:
    return sorted(cache.iterdir())


def test_the_first_registry_fills_the_cache_and_the_next_reads_it(
    tmp_path: Path, uncached: list[object]
) -> None:
    assert answers(units.new_registry(tmp_path)) == uncached
    [ready] = cache_folders(tmp_path)  # no private folder left behind
    assert not ready.name.startswith(".")
    assert {p.suffix for p in ready.iterdir()} == {".pickle", ".json", ".txt"}
    stamp = {p.name: p.stat().st_mtime_ns for p in ready.iterdir()}
    assert answers(units.new_registry(tmp_path)) == uncached
    assert {p.name: p.stat().st_mtime_ns for p in ready.iterdir()} == stamp  # read, not written


def test_a_damaged_cache_is_dropped_and_the_units_are_the_same(
    tmp_path: Path, uncached: list[object]
) -> None:
    units.new_registry(tmp_path)
    [ready] = cache_folders(tmp_path)
    for pickled in ready.glob("*.pickle"):
        pickled.write_bytes(b"not a pickle \x80\x04")
    assert answers(units.new_registry(tmp_path)) == uncached
    assert not ready.exists()  # removed, to be built anew
    assert answers(units.new_registry(tmp_path)) == uncached
    assert ready.is_dir()


def test_a_truncated_cache_file_is_no_failure(tmp_path: Path, uncached: list[object]) -> None:
    units.new_registry(tmp_path)
    [ready] = cache_folders(tmp_path)
    biggest = max(ready.glob("*.pickle"), key=lambda p: p.stat().st_size)
    biggest.write_bytes(biggest.read_bytes()[:1000])  # a disk that filled up mid-write
    assert answers(units.new_registry(tmp_path)) == uncached


def test_a_cache_another_process_filled_first_is_kept(
    tmp_path: Path, uncached: list[object]
) -> None:
    units.new_registry(tmp_path)
    [ready] = cache_folders(tmp_path)
    # This process lost the race: its own folder is dropped, the winner's stays whole.
    news = units._news_definitions()
    assert answers(units._fill(news, tmp_path, ready)) == uncached
    assert cache_folders(tmp_path) == [ready]
    assert answers(units.new_registry(tmp_path)) == uncached


def test_old_cache_folders_are_pruned(tmp_path: Path) -> None:
    for i in range(6):
        (tmp_path / f"old{i}").mkdir()
        os.utime(tmp_path / f"old{i}", (1000 + i, 1000 + i))
    (tmp_path / ".new-killed").mkdir()
    os.utime(tmp_path / ".new-killed", (1000, 1000))
    units.new_registry(tmp_path)
    kept = [p.name for p in cache_folders(tmp_path)]
    assert len(kept) == units._KEEP and "old5" in kept and ".new-killed" not in kept


def test_the_cache_folder_is_the_env_var_s_or_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(usercache.ENV, str(tmp_path / "c"))
    old_umask = os.umask(0o002)  # a user-private-group system's: new folders group-writable
    try:
        assert usercache.folder("pint") == tmp_path / "c" / "pint"
    finally:
        os.umask(old_umask)
    assert (tmp_path / "c").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "c" / "pint").stat().st_mode & 0o777 == 0o700
    monkeypatch.setenv(usercache.ENV, "")  # turned off
    assert usercache.folder("pint") is None
    monkeypatch.delenv(usercache.ENV)
    assert usercache.root() is not None  # the platform's user cache folder


def test_a_folder_that_cannot_be_made_means_no_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv(usercache.ENV, str(blocker / "cache"))  # a read-only home does the same
    assert usercache.folder("pint") is None


def test_a_folder_others_may_write_in_is_not_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cache files are pickles: whoever can write them can run code in factcheck."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv(usercache.ENV, str(shared))
    assert usercache.folder("pint") is None
    shared.chmod(0o755)
    assert usercache.folder("pint") == shared / "pint"
    (shared / "pint").chmod(0o775)
    assert usercache.folder("pint") is None
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # only root can give a folder away
        (shared / "pint").chmod(0o700)
        os.chown(shared / "pint", 4242, 4242)
        assert usercache.folder("pint") is None


def test_a_report_is_the_same_bytes_with_a_cold_and_a_warm_cache(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "factcheck", "report", "seeds", "--rules", "rules"]

    def report(out: str) -> bytes:
        subprocess.run(
            [*command, "--no-store", "--format", "json", "--quiet", "--out", str(tmp_path / out)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=300,
            env={**os.environ, "PYTHONPATH": str(ROOT), usercache.ENV: str(tmp_path / "c")},
        )
        return (tmp_path / out / "consistency.json").read_bytes()

    cold = report("cold")
    assert [p.parent.name for p in (tmp_path / "c").glob("pint/*/*.pickle")]  # filled
    assert report("warm") == cold == (ROOT / "reports" / "consistency.json").read_bytes()
