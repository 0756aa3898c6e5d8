"""Round two: work and memory bounded by what is useful, not by what an input asks for.

(The per-article figure cap is in test_pipeline_limits.py; memory per article is measured by
bench/memory.py.)
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from factcheck import errors, fsutil, reportcache, yamlload
from factcheck.errors import FactcheckError
from factcheck.rules import load_rules

ROOT = Path(__file__).resolve().parents[2]


def test_thousands_of_rule_errors_read_the_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each excerpt re-read its file from the top: 5,000 errors were 12.5 M line reads."""
    n = 5000
    body = "".join(f"  - id: m{i}\n    unit: nonsense{i}\n" for i in range(n))
    (tmp_path / "r.yaml").write_text("metrics:\n" + body, encoding="utf-8")
    with pytest.raises(FactcheckError) as info:
        load_rules([tmp_path / "r.yaml"])
    reads = 0
    real = fsutil.read_limited

    def counted(path: Path | str, limit: int) -> tuple[bytes, int]:
        nonlocal reads
        reads += 1
        return real(path, limit)

    monkeypatch.setattr(fsutil, "read_limited", counted)
    errors._lines_of.cache_clear()
    text = info.value.render()
    assert text.count("unit: nonsense") == n  # every excerpt shown
    assert reads == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_given_as_a_yaml_file_is_refused_not_waited_on(tmp_path: Path) -> None:
    """Discovery passes regular files only, but a file can be swapped for a pipe after it
    looked: the read itself never waits for a writer (it would have, forever)."""
    os.mkfifo(tmp_path / "sources.yaml")
    with pytest.raises(FactcheckError, match="is not a regular file"):
        yamlload.load_yaml(tmp_path / "sources.yaml")


def _bytes_read() -> int:
    """What this process has read so far, in bytes (Linux counts it for every read call)."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    raise AssertionError("no rchar")


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="needs Linux's /proc/self/io")
def test_an_oversized_yaml_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "sources.yaml"
    big.write_bytes(b"# " + b"x" * (4 * yamlload.MAX_BYTES) + b"\n")
    (tmp_path / "a.txt").write_text("Exports rose 5 % in 2022.\n", encoding="utf-8")
    before = _bytes_read()
    with pytest.raises(FactcheckError, match="limited to 2 MB"):
        yamlload.load_yaml(big)
    assert reportcache.inputs_key([tmp_path], "r", ["md"]) is not None
    # neither the loader nor the report cache's key read it whole
    assert _bytes_read() - before < 2 * yamlload.MAX_BYTES


def test_a_yaml_file_growing_past_the_limit_while_read_is_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yamlload, "MAX_BYTES", 100)
    f = tmp_path / "r.yaml"
    f.write_text("metrics: []\n", encoding="utf-8")
    real = fsutil.os.fstat

    class Small:  # the size seen at open; the file then grows
        def __init__(self, st: os.stat_result) -> None:
            self.st_mode, self.st_size = st.st_mode, 10

    def fstat(fd: int) -> object:
        st = real(fd)
        with open(f, "ab") as grow:
            grow.write(b"#" * 200)
        return Small(st)

    monkeypatch.setattr(fsutil.os, "fstat", fstat)
    with pytest.raises(FactcheckError, match="limited to"):
        yamlload.load_yaml(f)
