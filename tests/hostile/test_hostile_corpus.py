"""Hostile sources (issue 6 item 1): each is read correctly or skipped with a warning naming it,
and the run goes on.  Outcomes are tabulated in docs/hostile-inputs.md."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pytest
from hostile_corpus import (
    BIG_BYTES,
    HOSTILE,
    READ,
    SKIPPED,
    Figure,
    Hostile,
    build_corpus,
    long_line_text,
    write_big,
)
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from factcheck import engine, ingest
from factcheck.errors import FactcheckError
from factcheck.extract import extract
from factcheck.ingest import IngestError, decode, discover, read_source
from factcheck.models import Source
from factcheck.rules import RuleSet, load_rules

ROOT = Path(__file__).resolve().parents[2]
# Files of the corpus that are skipped besides the table's: links that cannot be followed.
SKIPPED_LINKS = {"dangling.txt": "No such file", "self_loop.txt": "symbolic links"}


RunCli = Callable[[list[str], Path], subprocess.CompletedProcess[str]]  # the run_cli fixture


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules([ROOT / "rules"])


def assert_figure(source: Source, fig: Figure) -> None:
    found = [m for m in extract(source) if m.text == fig.text]
    assert found, f"{fig.text!r} not extracted from {source.path}"
    m = found[0]
    assert m.kind == fig.kind
    assert m.quantity is not None and m.quantity.value == pytest.approx(fig.value)
    assert (m.span.line, m.span.column) == (fig.line, fig.column)
    assert source.text[m.span.start : m.span.end] == fig.text


# ---------------------------------------------------------------------------- one file at a time


@pytest.mark.parametrize("h", READ, ids=lambda h: h.name)
def test_hostile_file_is_read_correctly(tmp_path: Path, h: Hostile) -> None:
    path = tmp_path / h.name
    path.write_bytes(h.data)
    source = read_source(path)
    assert source.path == str(path)
    if h.encoding:
        assert source.encoding == h.encoding
    assert h.contains in source.text
    assert "\ufeff" not in source.text  # a byte order mark is not text
    if h.figure is not None:
        assert_figure(source, h.figure)
    extract(source)  # whatever the text, extraction goes through


@pytest.mark.parametrize("h", SKIPPED, ids=lambda h: h.name)
def test_hostile_file_is_skipped_with_a_warning_naming_it(tmp_path: Path, h: Hostile) -> None:
    path = tmp_path / h.name
    path.write_bytes(h.data)
    with pytest.raises(IngestError) as info:
        read_source(path)
    assert info.value.location.path == str(path)
    assert h.warning in info.value.message
    assert info.value.hint


def test_mixed_line_endings_count_crlf_as_one_break(tmp_path: Path) -> None:
    path = tmp_path / "eol.txt"
    path.write_bytes(b"a\r\n\r\nb\r\rc\n\nThe share was 5 %\r")
    source = read_source(path)
    (m,) = [m for m in extract(source) if m.kind == "percent"]
    # \r\n + \r\n, \r + \r, \n + \n: six breaks, seven lines; the figure is on line 7.
    assert (m.span.line, m.span.column) == (7, 15)


def test_a_one_megabyte_line_is_read_with_exact_columns(tmp_path: Path) -> None:
    text, fig = long_line_text()
    path = tmp_path / "long_line.txt"
    path.write_text(text, encoding="utf-8")
    source = read_source(path)
    assert len(source.text.splitlines()[1]) == 1024 * 1024
    assert all(end - start < 200 for start, end in source.furniture)  # a long line is content
    assert_figure(source, fig)


def test_a_50_mb_file_is_skipped_by_its_size_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.txt"
    write_big(path)
    assert path.stat().st_size == BIG_BYTES
    reads: list[int] = []
    real_read = os.read

    def counting_read(fd: int, n: int) -> bytes:
        reads.append(n)
        return real_read(fd, n)

    monkeypatch.setattr(os, "read", counting_read)
    started = time.monotonic()
    with pytest.raises(IngestError) as info:
        read_source(path)
    assert "50.0 MB" in info.value.message and info.value.location.path == str(path)
    assert sum(reads) == 0
    assert time.monotonic() - started < 20  # a hang guard, not a benchmark


def test_the_size_limit_is_inclusive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest.files, "MAX_SOURCE_BYTES", 1000)
    at, over = tmp_path / "at.txt", tmp_path / "over.txt"
    at.write_bytes(b"x" * 999 + b"\n")
    over.write_bytes(b"x" * 1001)
    assert len(read_source(at).text) == 1000
    with pytest.raises(IngestError, match="kB"):
        read_source(over)


def test_a_file_growing_while_read_is_caught_at_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """fstat says small, but the file has grown past the limit by the time it is read."""
    monkeypatch.setattr(ingest.files, "MAX_SOURCE_BYTES", 1000)
    path = tmp_path / "growing.txt"
    path.write_bytes(b"x" * 5000)
    real_fstat = os.fstat

    class Small:
        def __init__(self, st: os.stat_result) -> None:
            self.st_mode, self.st_size = st.st_mode, 10

    monkeypatch.setattr(os, "fstat", lambda fd: Small(real_fstat(fd)))
    with pytest.raises(IngestError, match="at most"):
        read_source(path)


def test_a_named_pipe_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert discover([tmp_path]) == []  # in a folder: not an article file
    assert discover([fifo]) == [fifo]  # named explicitly: refused when read, never blocking
    with pytest.raises(IngestError, match="not a regular file"):
        read_source(fifo)


def test_a_device_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="not a regular file"):
        read_source(Path("/dev/zero"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_file_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("5 %")
    path.chmod(0)
    with pytest.raises(IngestError, match="Permission denied"):
        read_source(path)


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=2000))
def test_no_byte_string_crashes_decoding_or_extraction(data: bytes) -> None:
    """Bytes no heuristic recognises are either text in some encoding or refused as binary."""
    try:
        text, encoding = decode(data, "fuzz.txt")
    except IngestError as exc:
        assert exc.location.path == "fuzz.txt"
        return
    assert encoding in {
        "utf-8",
        "utf-8-sig",
        "utf-8-replace",
        "utf-16",
        "utf-32",
        "cp1251",
        "latin-1",
    }
    extract(ingest.build_source("fuzz", "fuzz.txt", text, encoding, data))


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=200), codec=st.sampled_from(["utf-8", "utf-16", "utf-32"]))
def test_text_with_a_byte_order_mark_decodes_to_itself(text: str, codec: str) -> None:
    # UTF-16's mark and a NUL character are UTF-32's mark: a text starting with NUL is binary
    # in any case, and this one reads as UTF-32.
    assume(not (codec == "utf-16" and text.startswith("\x00")))
    data = text.encode(codec) if codec != "utf-8" else b"\xef\xbb\xbf" + text.encode()
    try:
        assert decode(data, "x")[0] == text
    except IngestError as exc:  # text that is mostly control characters reads as binary
        assert "binary" in exc.message


# ---------------------------------------------------------------------------- names and folders


def test_symlink_loops_terminate_and_each_article_is_found_once(corpus: Path) -> None:
    found = [p.relative_to(corpus).as_posix() for p in discover([corpus])]
    expected = {h.name for h in HOSTILE} | {"long_line.txt"} | set(SKIPPED_LINKS)
    assert set(found) == expected
    assert len(found) == len(set(found))
    # the alias and the file are one article, kept under the first name in sorted order
    assert "alias_of_utf8_bom.txt" not in found and "utf8_bom.txt" in found


def test_undecodable_and_control_character_file_names_are_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    raw = os.fsencode(folder) + b"/caf\xe9 \x1b[2J.txt"
    with open(raw, "wb") as fh:
        fh.write(b"Trade reached $23.6 billion in 2022.")
    (path,) = discover([folder])
    source = read_source(path)
    assert source.path.endswith("caf\\xe9 \\x1b[2J.txt")
    assert source.id == "caf\\xe9 \\x1b[2J"
    source.path.encode("utf-8")  # writable into a UTF-8 report, printable on a terminal
    empty = Path(os.fsdecode(os.fsencode(folder) + b"/\xff\x07.txt"))
    empty.write_bytes(b"")
    with pytest.raises(IngestError) as info:
        read_source(empty)
    assert str(info.value.location).endswith("\\xff\\x07.txt")


# ---------------------------------------------------------------------------- the run goes on


def skipped_names(warnings: Iterable[str], corpus: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for w in warnings:
        assert w.startswith("skipped ")
        path = w.removeprefix("skipped ").split(": ", 1)[0]
        out[Path(path).relative_to(corpus).as_posix()] = w
    return out


def expected_warnings() -> dict[str, str]:
    return {h.name: h.warning for h in SKIPPED} | SKIPPED_LINKS


def test_the_whole_corpus_runs_and_each_skip_is_a_warning(corpus: Path, rules: RuleSet) -> None:
    result = engine.analyse_paths([corpus], rules)
    read = {a.source.id for a in result.analysed}
    assert read == {Path(h.name).stem for h in READ} | {"long_line"}
    skipped = skipped_names(result.warnings, corpus)
    assert skipped.keys() == expected_warnings().keys()
    for name, fragment in expected_warnings().items():
        assert fragment in skipped[name]
    report = engine.build_report(result, rules)
    assert {s.id for s in report.sources} == read
    assert len(report.warnings) == len(skipped)


def test_a_source_that_vanishes_mid_run_is_skipped_with_a_warning(
    corpus: Path, rules: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = corpus / "latin1_fr.txt"

    def discover_then_delete(
        paths: Sequence[Path], options: ingest.IngestOptions | None = None
    ) -> ingest.Documents:
        found = ingest.find_documents(paths, options)
        assert victim in [d.path for d in found.documents]
        victim.unlink()  # gone between discovery and reading
        return found

    monkeypatch.setattr(engine, "find_documents", discover_then_delete)
    result = engine.analyse_paths([corpus], rules)
    skipped = skipped_names(result.warnings, corpus)
    assert "No such file" in skipped["latin1_fr.txt"]
    read = {a.source.id for a in result.analysed}
    assert "latin1_fr" not in read and "cp1251_ru" in read and "long_line" in read


def test_a_source_that_vanishes_before_reading_is_a_located_ingest_error(tmp_path: Path) -> None:
    path = tmp_path / "gone.txt"
    path.write_text("5 %")
    (found,) = discover([tmp_path])
    path.unlink()
    with pytest.raises(IngestError) as info:
        read_source(found)
    assert info.value.location.path == str(path)


# ---------------------------------------------------------------------------- through the CLI


def test_factcheck_report_over_the_hostile_corpus(tmp_path: Path, run_cli: RunCli) -> None:
    """The whole corpus, 50 MB file included, as a user runs it: exit 0, warnings, a report."""
    corpus = build_corpus(tmp_path / "sources", big=True)
    out = tmp_path / "reports"
    proc = run_cli(
        ["report", str(corpus), "--rules", str(ROOT / "rules"), "--out", str(out)], tmp_path
    )
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.returncode == 0, proc.stderr
    for name in [*expected_warnings(), "huge_50mb.txt"]:
        assert any(
            line.startswith("warning: skipped") and str(corpus / name) in line
            for line in proc.stderr.splitlines()
        ), (name, proc.stderr)
    report = json.loads((out / "consistency.json").read_text(encoding="utf-8"))
    assert {s["id"] for s in report["sources"]} == {Path(h.name).stem for h in READ} | {"long_line"}
    assert any("huge_50mb.txt" in w and "50.0 MB" in w for w in report["warnings"])


def test_factcheck_extract_over_the_hostile_corpus(
    corpus: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    proc = run_cli(["extract", str(corpus), "--format", "json"], tmp_path)
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert {r["source"] for r in rows} >= {"cp1251_ru", "utf16be_bom", "mixed_eol", "long_line"}
    assert sum("warning: skipped" in line for line in proc.stderr.splitlines()) == len(
        expected_warnings()
    )


def test_a_broken_sources_file_is_a_located_error_not_a_traceback(
    tmp_path: Path, run_cli: RunCli
) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "a.txt").write_text("Trade reached $23.6 billion in 2022.")
    (folder / "sources.yaml").write_text("a: {outlet: x, published: [\n")
    proc = run_cli(["report", str(folder), "--rules", str(ROOT / "rules"), "--out", "r"], tmp_path)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 2
    assert f"{folder / 'sources.yaml'}:" in proc.stderr
    assert not (tmp_path / "r").exists()


def test_a_sources_file_in_another_encoding_is_a_located_error(tmp_path: Path) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "a.txt").write_text("Trade reached $23.6 billion in 2022.")
    (folder / "sources.yaml").write_bytes("a: {outlet: Газета}\n".encode("cp1251"))
    with pytest.raises(FactcheckError) as info:
        engine.analyse_paths([folder], load_rules([ROOT / "rules"]))
    assert info.value.location.path == str(folder / "sources.yaml")
