"""Stories written as a user would (tests/stories/<topic>/: articles/, rules/, gold.yaml), each
run through `factcheck report` and scored against its gold with ../shared/tools/score.py:
material the extractor and binder were not tuned to, in the project's own acceptance terms."""

from __future__ import annotations

from pathlib import Path

import pytest
from story_score import needs_score, score

from factcheck.cli import main

ROOT = Path(__file__).resolve().parent.parent
# A story with a module of its own (tests/test_story_<topic>.py) is scored there, with what it
# checks beyond the gold or the false findings it still knows of; the rest are scored here.
STORIES = sorted(
    p
    for p in (Path(__file__).parent / "stories").iterdir()
    if p.is_dir() and not (Path(__file__).parent / f"test_story_{p.name}.py").exists()
)


@needs_score
@pytest.mark.parametrize("story", STORIES, ids=[p.name for p in STORIES])
def test_story_meets_its_gold(story: Path, tmp_path: Path) -> None:
    code = main(
        [
            "report",
            str(story / "articles"),
            "--rules",
            str(story / "rules"),
            "--out",
            str(tmp_path),
            "--format",
            "json",
        ]
    )
    assert code == 0
    run = score(tmp_path / "consistency.json", story / "gold.yaml")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "false claims 0 · false conflicts 0" in run.stdout
