"""Testing kit for connectors: cassettes, network guard, faults, the contract suite.

Names are imported on first use, so ``import partnerkit.testing`` stays cheap
(``responses`` and ``yaml`` load only with the cassette code).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from partnerkit.testing.cassette import (
        Cassette,
        CassetteError,
        Interaction,
        Request,
        Response,
        use_cassette,
    )
    from partnerkit.testing.clock import FakeClock
    from partnerkit.testing.contract import ConnectorContract
    from partnerkit.testing.faults import Fault
    from partnerkit.testing.guard import (
        NetworkBlockedError,
        NetworkGuard,
        allow_network,
        block_network,
    )
    from partnerkit.testing.lint import Finding, lint_file, lint_text, lint_tree
    from partnerkit.testing.reading import ReadThrough, read_through, stream_reader
    from partnerkit.testing.scrub import REDACTED, Scrubber

__all__ = [
    "REDACTED",
    "Cassette",
    "CassetteError",
    "ConnectorContract",
    "FakeClock",
    "Fault",
    "Finding",
    "Interaction",
    "NetworkBlockedError",
    "NetworkGuard",
    "ReadThrough",
    "Request",
    "Response",
    "Scrubber",
    "allow_network",
    "block_network",
    "lint_file",
    "lint_text",
    "lint_tree",
    "read_through",
    "stream_reader",
    "use_cassette",
]

_HOMES = {
    "cassette": ("Cassette", "CassetteError", "Interaction", "Request", "Response", "use_cassette"),
    "clock": ("FakeClock",),
    "contract": ("ConnectorContract",),
    "faults": ("Fault",),
    "guard": ("NetworkBlockedError", "NetworkGuard", "allow_network", "block_network"),
    "lint": ("Finding", "lint_file", "lint_text", "lint_tree"),
    "reading": ("ReadThrough", "read_through", "stream_reader"),
    "scrub": ("REDACTED", "Scrubber"),
}
_MODULE_OF = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
