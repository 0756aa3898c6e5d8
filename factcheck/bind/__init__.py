"""Binding: figures become claims about a metric, a subject, a period and a modality.

- `binder.py`: the Binder, mentions + metric definitions → claims (the rules of binding are in
  its docstring);
- `sentences.py`: the sentences (and clauses) a figure binds within;
- `phrases.py`: cue, context and exclude phrases found per sentence;
- `words.py`: the fast word-list search the phrases and the extractor's markers use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from factcheck.bind.binder import Binder

__all__ = ["Binder"]


def __getattr__(name: str) -> Any:
    # Lazy, so that `factcheck.bind.words` (used by the extractor) does not import the binder
    # and, through it, the rules and checks.
    if name == "Binder":
        from factcheck.bind.binder import Binder

        return Binder
    raise AttributeError(name)
