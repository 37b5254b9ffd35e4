"""What the demo's channel recorders share: the recorder of ``make_demo_data.py`` and a run.

``scripts/make_demo_channels.py`` (Search Console, Mailchimp, LinkedIn Ads) and
``scripts/make_demo_social.py`` (Facebook Page) each fake one or more APIs; this module
reads the demo workspace's connections against those fakes (without their ``replay:``)
and writes one cassette per connection, with the requests the connectors really make.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from partnerkit._environ import environment
from partnerkit.demo import DEMO_WORKSPACE
from partnerkit.demo._read import CASSETTES, DIRECT_MONTHS, RECORDED_RANGES, read_connections
from partnerkit.model import load_workspace
from partnerkit.testing.cassette import Request

Fake = Callable[[Request], tuple[int, dict[str, str], Any]]
"""A fake API: a request → (status, headers, JSON body)."""


def demo_data() -> ModuleType:
    """``scripts/make_demo_data.py`` as a module (loaded once): its recorder and helpers."""
    loaded = sys.modules.get("make_demo_data")
    if loaded is not None:
        return loaded
    spec = importlib.util.spec_from_file_location(
        "make_demo_data", Path(__file__).with_name("make_demo_data.py")
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_demo_data"] = module
    spec.loader.exec_module(module)
    return module


def json_answer(body: Any, **headers: str) -> tuple[int, dict[str, str], Any]:
    """A ``200`` JSON answer (``make_demo_data``'s), with these headers."""
    answer: tuple[int, dict[str, str], Any] = demo_data()._json(body, **headers)
    return answer


def record(fakes: Mapping[str, Fake], secrets: Mapping[str, str]) -> None:
    """Record ``cassettes/<connection>.yaml`` for each connection in ``fakes``.

    Args:
        fakes: Connection name → the fake API that answers it.
        secrets: The fake, non-secret credentials the connections read.
    """
    recording = demo_data().recording
    demo = load_workspace(DEMO_WORKSPACE)
    live = [c.model_copy(update={"replay": None}) for c in demo.connections if c.name in fakes]
    ws = demo.model_copy(update={"connections": live})

    def tape(path: Path) -> Any:
        return recording(path, fakes[path.stem])

    with environment(dict(secrets)):
        reads = read_connections(
            ws, tape, ranges=RECORDED_RANGES, every_stream=True, direct_months=DIRECT_MONTHS
        )
    for label, n in reads.rows.items():
        print(f"{label}: {n} records")
    print(f"wrote {', '.join(f'{name}.yaml' for name in fakes)} to {CASSETTES}")
