"""Source ids: a file's stem, unless another file of the run shares it.

Claim ids, findings, baselines and reports name a source by its id, so two files must never
share one: an archive filed by date (`2023/01/story.txt`, `2023/02/story.txt`) or a syndicated
copy beside its original would otherwise merge into one source in every report.
"""

from __future__ import annotations

import json
from pathlib import Path

from factcheck.engine import analyse_paths, build_report
from factcheck.ingest import discover, source_ids
from factcheck.report import json as json_report
from factcheck.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
SINCE_2002 = "The trade mission of Kazakhstan in Russia has been in operation since 2002.\n"
SINCE_2012 = "The trade mission of Kazakhstan in Russia has existed since 2012.\n"


def _write(folder: Path, files: dict[str, str]) -> list[Path]:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return discover([folder])


def _ids(folder: Path, names: list[str]) -> dict[str, str]:
    files = _write(folder, dict.fromkeys(names, "Text.\n"))
    return {f.relative_to(folder).as_posix(): sid for f, sid in source_ids(files).items()}


def test_unique_stems_are_the_ids(tmp_path: Path) -> None:
    assert _ids(tmp_path, ["a.txt", "sub/b.md", "c.d.txt"]) == {
        "a.txt": "a",
        "sub/b.md": "b",
        "c.d.txt": "c.d",
    }


def test_the_seed_ids_are_their_stems(root: Path) -> None:
    files = discover([root / "seeds"])
    assert source_ids(files) == {f: f.stem for f in files}


def test_shared_stems_take_as_many_folders_as_tell_them_apart(tmp_path: Path) -> None:
    ids = _ids(tmp_path, ["2023/01/story.txt", "2024/01/story.txt", "2024/02/story.txt", "x.txt"])
    # One depth for the whole group, so the names read alike.
    assert ids == {
        "2023/01/story.txt": "2023/01/story",
        "2024/01/story.txt": "2024/01/story",
        "2024/02/story.txt": "2024/02/story",
        "x.txt": "x",
    }
    assert _ids(tmp_path / "two", ["a/story.txt", "b/story.txt"]) == {
        "a/story.txt": "a/story",
        "b/story.txt": "b/story",
    }


def test_one_folder_and_one_stem_keep_their_suffixes(tmp_path: Path) -> None:
    assert _ids(tmp_path, ["story.txt", "story.md", "other.txt"]) == {
        "story.md": "story.md",
        "story.txt": "story.txt",
        "other.txt": "other",
    }


def test_a_made_id_never_takes_another_files_stem(tmp_path: Path) -> None:
    # "story.txt.md" has the stem "story.txt", which the suffixed names would otherwise reuse.
    ids = _ids(tmp_path, ["story.txt", "story.md", "story.txt.md"])
    assert ids["story.txt.md"] == "story.txt"
    assert len(set(ids.values())) == 3
    assert ids["story.txt"] == f"{tmp_path.name}/story.txt"


def test_ids_do_not_depend_on_the_order_of_the_files(tmp_path: Path) -> None:
    files = _write(tmp_path, dict.fromkeys(["a/s.txt", "b/s.txt", "s.md", "t.txt"], "Text.\n"))
    assert source_ids(files) == source_ids(list(reversed(files)))


def test_same_named_articles_stay_two_sources_in_the_report(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    _write(folder, {"a/story.txt": SINCE_2002, "b/story.txt": SINCE_2012})
    rules = load_rules([ROOT / "rules"])
    report = json.loads(json_report.render(build_report(analyse_paths([folder], rules), rules)))
    assert [s["id"] for s in report["sources"]] == ["a/story", "b/story"]
    ids = [c["id"] for c in report["claims"]]
    assert len(ids) == len(set(ids)) == 2
    [conflict] = [f for f in report["findings"] if f["status"] == "conflict"]
    assert sorted(c.split(":")[0] for c in conflict["claims"]) == ["a/story", "b/story"]


def test_the_store_re_keys_a_source_whose_id_a_new_file_changed(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    _write(folder, {"a/story.txt": SINCE_2002})
    rules = load_rules([ROOT / "rules"])
    db = tmp_path / "claims.db"

    def run() -> tuple[list[str], str]:
        corpus = analyse_paths([folder], rules, store_path=db)
        report = build_report(corpus, rules)
        return [s.id for s in report.sources], json_report.render(report)

    assert run()[0] == ["story"]
    _write(folder, {"b/story.txt": SINCE_2012})
    ids, warm = run()
    assert ids == ["a/story", "b/story"]
    cold = json_report.render(build_report(analyse_paths([folder], rules), rules))
    assert warm == cold
