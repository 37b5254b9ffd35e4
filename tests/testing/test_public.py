"""The public names of partnerkit.testing resolve, and each module's __all__ is complete."""

from __future__ import annotations

import importlib

import pytest

import partnerkit.testing

MODULES = [
    "partnerkit.testing.cassette",
    "partnerkit.testing.credentials",
    "partnerkit.testing.faults",
    "partnerkit.testing.guard",
    "partnerkit.testing.hostile",
    "partnerkit.testing.lint",
    "partnerkit.testing.scrub",
]


def test_package_names_resolve() -> None:
    for name in partnerkit.testing.__all__:
        assert getattr(partnerkit.testing, name) is not None
    assert {"FakeClock", "Fault"} <= set(partnerkit.testing.__all__)
    with pytest.raises(AttributeError):
        partnerkit.testing.nothing_here  # noqa: B018


@pytest.mark.parametrize("name", MODULES)
def test_all_is_complete(name: str) -> None:
    module = importlib.import_module(name)
    assert len(set(module.__all__)) == len(module.__all__)
    for item in module.__all__:
        assert hasattr(module, item), item
    public = {
        n
        for n, v in vars(module).items()
        if not n.startswith("_")
        and getattr(v, "__module__", None) == name
        and (isinstance(v, type) or callable(v))
    }
    assert public <= set(module.__all__)
