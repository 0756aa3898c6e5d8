"""JSON Lines and CSV dumps: one source per record, bad records located, the rest still read.

Fixtures: tests/fixtures/ingest/dumps/wire.jsonl (default field names, bad records of every
kind) and desk.csv (its own column names, named with --field).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from factcheck import cli
from factcheck.engine import analyse_paths
from factcheck.ingest import IngestOptions, find_documents
from factcheck.rules import load_rules

ROOT = Path(__file__).resolve().parents[2]
DUMPS = ROOT / "tests" / "fixtures" / "ingest" / "dumps"
CSV_FIELDS = [
    "--field",
    "id=story_id",
    "--field",
    "text=story_text",
    "--field",
    "published=pub_date",
    "--field",
    "url=link",
    "--field",
    "title=headline",
]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _extract(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict], str]:  # type: ignore[type-arg]
    code = cli.main(["extract", *args, "--format", "json"])
    out = capsys.readouterr()
    return code, json.loads(out.out) if out.out.strip() else [], out.err


def test_a_jsonl_dump_is_one_source_per_record(capsys: pytest.CaptureFixture[str]) -> None:
    code, rows, err = _extract(capsys, str(DUMPS / "wire.jsonl"))
    assert code == 0, err
    by_source: dict[str, list[str]] = {}
    for r in rows:
        by_source.setdefault(str(r["source"]), []).append(str(r["text"]))
    # Ids from the records; one repeated in the dump is told apart by its line.
    assert set(by_source) == {
        "wire/kz-grain-0914-L1",
        "wire/kz-grain-0914-L9",
        "1042",
        "bad-date",
    }
    assert "$2.6 billion" in by_source["wire/kz-grain-0914-L1"]
    assert "12.7 million" in by_source["1042"]
    wire = DUMPS / "wire.jsonl"
    for where, what in [
        (f"{wire}:4:1", "not a JSON record"),
        (f"{wire}:5", "record has no text"),
        (f"{wire}:6", "field 'text' is a number, not a string"),
        (f"{wire}:7", "field 'published' is not a date"),
        (f"{wire}:8", "a record is a JSON object, not list"),
    ]:
        assert any(
            line.startswith("warning: ") and where in line and what in line
            for line in err.splitlines()
        ), (where, err)
    assert "Traceback" not in err


def test_record_fields_give_the_metadata(tmp_path: Path) -> None:
    corpus = analyse_paths([DUMPS / "wire.jsonl"], load_rules([ROOT / "rules"]))
    info = {a.source.id: a.source for a in corpus.analysed}
    first = info["wire/kz-grain-0914-L1"]
    assert (first.outlet, first.url, first.published) == (
        "Steppe Wire",
        "https://steppewire.example/a",
        dt.date(2023, 9, 14),
    )
    assert first.path == f"{DUMPS / 'wire.jsonl'}#L1"
    assert info["bad-date"].published is None  # "last Tuesday" is no date: left open
    # Skipped: the bad JSON line, the number for a text, the list; a record without text is
    # nothing lost (a warning only).
    assert sorted(corpus.skipped) == sorted(
        f"{DUMPS / 'wire.jsonl'}:{n}" for n in ("4:1", "6", "8")
    )


def test_a_csv_dump_with_its_own_column_names(capsys: pytest.CaptureFixture[str]) -> None:
    code, rows, err = _extract(capsys, str(DUMPS / "desk.csv"), *CSV_FIELDS)
    assert code == 0, err
    assert {r["source"] for r in rows} == {"t-410", "lib-23"}
    assert ("t-410", "EUR 268 million") in {(r["source"], r["text"]) for r in rows}
    # The row's headline is the text's first line; a line inside a quoted cell keeps its own.
    assert next(r for r in rows if r["text"] == "EUR 268 million")["line"] == 3
    assert f"{DUMPS / 'desk.csv'}:5: record has no text" in err
    assert f"{DUMPS / 'desk.csv'}:6: row has 3 fields, the header 6" in err


def test_without_the_field_names_a_csv_dump_says_what_it_looked_for(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = _extract(capsys, str(DUMPS / "desk.csv"))
    assert code == 2
    assert "record has no text (looked for the fields text, body, content, article)" in err
    assert "--field text=NAME" in err


def test_a_bad_field_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _extract(capsys, str(DUMPS / "desk.csv"), "--field", "texte=x")
    assert code == 2 and "--field: not a field naming: 'texte=x'" in err


def test_a_100_mb_line_is_a_located_error_and_the_rest_is_read(tmp_path: Path) -> None:
    dump = tmp_path / "big.jsonl"
    with dump.open("wb") as f:
        f.write(b'{"id": "a", "text": "Exports rose 5% in 2021."}\n')
        f.write(b'{"id": "huge", "text": "' + b"1 " * (50 * 2**20) + b'"}\n')
        f.write(b'{"id": "b", "text": "Imports fell 3% in 2022."}\n')
    found = find_documents([dump], IngestOptions())
    assert [d.key for d in found.documents] == ["a", "b"]
    (err,) = found.skipped
    assert str(err.location) == f"{dump}:2" and "line is over 8 MB" in err.message


def test_a_csv_with_a_nul_byte_or_another_encoding(tmp_path: Path) -> None:
    nul = tmp_path / "nul.csv"
    nul.write_bytes(b'id,text\na,"Exports rose 5% in 2021."\nb,"Imp\x00orts fell 3%."\n')
    found = find_documents([nul])
    assert [d.key for d in found.documents] == ["a", "b"]  # the NUL is found when b is read
    corpus = analyse_paths([nul], load_rules([ROOT / "rules"]))
    assert [a.source.id for a in corpus.analysed] == ["a"]
    assert corpus.skipped == [f"{nul}#L3"]
    cp = tmp_path / "cp1251.csv"
    cp.write_bytes('id,text\nru,"Товарооборот вырос на 5% в 2022 году."\n'.encode("cp1251"))
    found = find_documents([cp])
    assert [d.key for d in found.documents] == ["ru"]
    assert "Товарооборот" in (found.documents[0].data or b"").decode()
    (warning,) = found.warnings
    assert "is not UTF-8 (line 2); read as cp1251" in warning.message


def test_a_folder_of_dumps_is_read_with_its_other_articles(tmp_path: Path) -> None:
    (tmp_path / "wire.jsonl").write_bytes((DUMPS / "wire.jsonl").read_bytes())
    (tmp_path / "note.txt").write_text("Exports rose 5% in 2021.", encoding="utf-8")
    found = find_documents([tmp_path])
    assert found.files == {".jsonl": 1, ".txt": 1}
    assert {d.key for d in found.documents} >= {"note", "1042", "bad-date"}


def test_a_sources_file_overrides_a_records_fields(tmp_path: Path) -> None:
    (tmp_path / "wire.jsonl").write_bytes((DUMPS / "wire.jsonl").read_bytes())
    (tmp_path / "sources.yaml").write_text(
        "'1042': {outlet: Desk copy, published: 2024-01-10}\n", encoding="utf-8"
    )
    corpus = analyse_paths([tmp_path], load_rules([ROOT / "rules"]))
    info = {a.source.id: a.source for a in corpus.analysed}
    assert (info["1042"].outlet, info["1042"].published) == ("Desk copy", dt.date(2024, 1, 10))
    assert info["bad-date"].outlet == "The Daily Ledger"  # no entry: the record's own


def test_records_through_worker_processes_and_the_claim_store(tmp_path: Path) -> None:
    """The same corpus whether records are analysed here, in workers, or served by the store."""
    dump = tmp_path / "big.jsonl"
    with dump.open("w", encoding="utf-8") as f:
        for i in range(80):
            f.write(
                json.dumps({"id": f"r{i}", "text": f"Exports rose {i % 9 + 1}% in 2021."}) + "\n"
            )
    rules = load_rules([ROOT / "rules"])

    def ids_and_claims(**kw: object) -> list[tuple[str, int]]:
        c = analyse_paths([dump], rules, **kw)  # type: ignore[arg-type]
        return [(a.source.id, len(a.claims)) for a in c.analysed]

    one = ids_and_claims()
    assert len(one) == 80
    assert ids_and_claims(jobs=2) == one
    store = tmp_path / "claims.db"
    assert ids_and_claims(store_path=store) == one
    warm = analyse_paths([dump], rules, store_path=store)
    assert warm.cached == 80 and [a.source.id for a in warm.analysed] == [i for i, _ in one]


def test_ids_stay_unique_across_files_records_and_stdin(tmp_path: Path) -> None:
    from factcheck.ingest import Document, document_ids

    (tmp_path / "wire").mkdir()
    docs = [
        Document(tmp_path / "wire" / "a.txt", "text", "a"),
        Document(tmp_path / "stdin.txt", "text", "stdin"),
        Document(tmp_path / "wire.jsonl", "jsonl", "a", data=b"x", line=1),
        Document(tmp_path / "wire.jsonl", "jsonl", "a", data=b"x", line=2),
        Document(tmp_path / "wire.jsonl", "jsonl", "b", data=b"x", line=3),
        Document(Path("<stdin>"), "text", "stdin", data=b"x"),
    ]
    ids = document_ids(docs)
    assert len(set(ids)) == len(ids), ids
    assert ids[4] == "b" and ids[1] == "stdin" and ids[5] == "-"
    assert document_ids(list(reversed(docs))) == list(reversed(ids))  # order does not matter


def test_a_changed_dump_is_not_served_from_the_report_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dump = tmp_path / "d.jsonl"
    dump.write_text('{"id": "a", "text": "Exports rose 5% in 2021."}\n', encoding="utf-8")
    args = ["report", str(dump), "--rules", str(ROOT / "rules"), "--out", "out", "--quiet"]
    assert cli.main([*args, "--format", "json"]) == 0
    dump.write_text('{"id": "b", "text": "Exports rose 5% in 2021."}\n', encoding="utf-8")
    assert cli.main([*args, "--format", "json"]) == 0
    report = json.loads((tmp_path / "out" / "consistency.json").read_text(encoding="utf-8"))
    assert [s["id"] for s in report["sources"]] == ["b"]
    capsys.readouterr()
