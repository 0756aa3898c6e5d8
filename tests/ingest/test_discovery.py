"""Finding the articles under the paths given: each file once, under its own name.

Discovery lists folders without a stat per file (`os.scandir`), and stats only the files whose
inode number another name shares; these cases are the ones where a file has two names.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from factcheck.ingest import SUFFIXES
from factcheck.ingest.files import walk

ARTICLE = "Trade reached $23.6 billion in 2022."


def names(root: Path, *paths: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for p in walk(paths or [root], SUFFIXES).files]


@pytest.fixture
def src(tmp_path: Path) -> Path:
    folder = tmp_path / "src"
    (folder / "2023").mkdir(parents=True)
    for name in ("b.txt", "2023/c.txt", "2023/d.md"):
        (folder / name).write_text(ARTICLE, encoding="utf-8")
    return folder


def test_plain_files_are_found_sorted_and_their_siblings_counted(src: Path) -> None:
    (src / "notes.pdf").write_bytes(b"%PDF")
    (src / "README").write_text("x", encoding="utf-8")
    (src / "sources.yaml").write_text("{}", encoding="utf-8")
    (src / ".hidden.txt").write_text(ARTICLE, encoding="utf-8")
    (src / ".git").mkdir()
    (src / ".git" / "e.txt").write_text(ARTICLE, encoding="utf-8")
    found = walk([src], SUFFIXES)
    assert [p.relative_to(src).as_posix() for p in found.files] == [
        "2023/c.txt",
        "2023/d.md",
        "b.txt",
    ]
    assert dict(found.unsupported) == {".pdf": 1, "without a suffix": 1}


def test_hard_links_are_one_article_under_the_first_name(src: Path) -> None:
    os.link(src / "b.txt", src / "a.txt")
    assert names(src) == ["2023/c.txt", "2023/d.md", "a.txt"]
    os.link(src / "b.txt", src / "2023" / "z.txt")
    assert names(src) == ["2023/c.txt", "2023/d.md", "2023/z.txt"]


def test_a_symlink_sorting_first_loses_to_the_file_s_own_name(src: Path) -> None:
    (src / "0_alias.txt").symlink_to("b.txt")
    (src / "2023" / "up.txt").symlink_to(src / "2023" / "c.txt")
    assert names(src) == ["2023/c.txt", "2023/d.md", "b.txt"]


def test_a_symlink_to_a_file_outside_the_tree_is_an_article(src: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.txt"
    outside.write_text(ARTICLE, encoding="utf-8")
    (src / "linked.txt").symlink_to(outside)
    assert names(src) == ["2023/c.txt", "2023/d.md", "b.txt", "linked.txt"]


def test_a_folder_reached_twice_gives_each_article_once(src: Path) -> None:
    assert names(src, src / "2023", src, src / "2023") == ["2023/c.txt", "2023/d.md", "b.txt"]
    # A folder and a symlink to it: walked once, under the name the walk meets first.
    (src / "also").symlink_to("2023")
    assert names(src) == ["also/c.txt", "also/d.md", "b.txt"]


def test_a_named_file_is_one_article_with_its_walked_name(src: Path) -> None:
    assert names(src, src / "b.txt", src) == ["2023/c.txt", "2023/d.md", "b.txt"]
    (src / "alias.txt").symlink_to("b.txt")
    assert names(src, src / "alias.txt", src / "2023") == ["2023/c.txt", "2023/d.md", "alias.txt"]
    assert names(src, src / "alias.txt", src) == ["2023/c.txt", "2023/d.md", "b.txt"]


def test_a_named_file_is_taken_whatever_its_suffix(src: Path) -> None:
    (src / "wire.dat").write_text(ARTICLE, encoding="utf-8")
    assert names(src, src / "wire.dat", src / "2023") == ["2023/c.txt", "2023/d.md", "wire.dat"]


def test_dangling_and_looping_symlinks_are_kept_so_reading_them_warns(src: Path) -> None:
    (src / "gone.txt").symlink_to("nowhere.txt")
    (src / "self.txt").symlink_to("self.txt")
    (src / "loop").symlink_to(".")
    assert names(src) == ["2023/c.txt", "2023/d.md", "b.txt", "gone.txt", "self.txt"]


def test_distinct_files_sharing_an_inode_number_across_devices_stay_two(
    src: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A listing's inode number is only a hint: two files on different devices (overlay layers,
    mounts) may share one, and the stat that confirms it keeps both."""
    real_scandir = os.scandir

    class Entry:
        def __init__(self, entry: os.DirEntry[str]) -> None:
            self._e = entry
            self.name = entry.name

        def inode(self) -> int:
            return 7  # every file the same number, as no two files on one device would be

        def is_dir(self) -> bool:
            return self._e.is_dir()

        def is_file(self) -> bool:
            return self._e.is_file()

        def is_symlink(self) -> bool:
            return self._e.is_symlink()

    class Listing:
        def __init__(self, path: Path) -> None:
            self._it = real_scandir(path)

        def __enter__(self) -> list[Entry]:
            return [Entry(e) for e in self._it]

        def __exit__(self, *exc: object) -> None:
            self._it.close()

    monkeypatch.setattr(os, "scandir", Listing)
    assert names(src) == ["2023/c.txt", "2023/d.md", "b.txt"]


@pytest.mark.parametrize(
    "name",
    [
        "a.txt",
        "A.TXT",
        "story.Md",
        ".profile",
        "notes.",
        "archive.tar.gz",
        "noext",
        "..",
        "a..b",
        ".a.b",
        "x.",
        "wire.JSONL",
        "page.html.bak",
        "ünï.CSV",
    ],
)
def test_suffixes_and_stems_are_read_as_pathlib_reads_them(name: str) -> None:
    """Discovery reads suffixes off the names' text; pathlib is the reference it must match."""
    from factcheck.ingest.files import stem_of, suffix_of

    assert suffix_of(name) == Path(name).suffix.lower()
    assert stem_of(name) == Path(name).stem


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("plain/ünïcode name.txt", "plain/ünïcode name.txt"),
        ("bell\x07.txt", "bell\\x07.txt"),
        ("esc\x1b[2J.txt", "esc\\x1b[2J.txt"),
        (os.fsdecode(b"latin\xe9.txt"), "latin\\xe9.txt"),
        ("line\u2028sep.txt", "line\u2028sep.txt"),
    ],
)
def test_display_paths_escape_control_characters_and_undecodable_bytes(
    name: str, shown: str
) -> None:
    from factcheck.ingest.files import display_path

    assert display_path(name) == shown
