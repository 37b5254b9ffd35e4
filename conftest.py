"""Settings shared by every test directory of the repository (tests/, connectors/, examples/).

Hypothesis runs with a fixed, derandomised budget so CI takes the same time and finds
the same examples on every run; ``HYPOTHESIS_PROFILE=explore`` searches wider locally.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("explore", max_examples=2_000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
