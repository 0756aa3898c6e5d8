"""The hypothesis settings the fuzz tests share.

CI runs 200 examples a test; `HYPOTHESIS_PROFILE=fuzz` runs the `fuzz` profile (3,000, no
deadline).  Applied per test rather than loaded as the default, so other suites' property
tests keep their own settings.  The deadline is off because the CI machine is shared.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "fuzz",
    max_examples=3_000,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
PROFILE = (
    settings.get_profile("fuzz")
    if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
    else settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
)
