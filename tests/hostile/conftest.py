"""Fixtures of the hostile corpus; the corpus itself is hostile_corpus.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_corpus import build_corpus


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return build_corpus(tmp_path / "sources")
