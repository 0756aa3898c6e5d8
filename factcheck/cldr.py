"""The Unicode CLDR's currency data as factcheck uses it, committed in `factcheck/data/currencies.json`.

Babel ships the CLDR, but loading it costs a process about a tenth of a second (the library,
its list of codes, the English locale's symbols), paid by every `--jobs` worker; the file is
generated from the installed Babel by `factcheck/extract/currencies.py` (which says what each
table holds) and read here, once.  tests/test_currencies.py fails when the two disagree.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

DATA = "currencies.json"


@lru_cache(maxsize=1)
def table() -> dict[str, Any]:
    """The committed tables (see `factcheck/extract/currencies.py`)."""
    text = (resources.files("factcheck") / "data" / DATA).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
