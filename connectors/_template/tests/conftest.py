"""Repository only (not part of what `partnerkit new-connector` writes).

This folder is `partnerkit new-connector template` rendered from the templates inside
partnerkit (tests/core/test_scaffold.py keeps the two identical). Here it is not
installed: import it from its src folder, and register the class so the contract's
entry-point check finds it. The real entry point is checked by the scaffold test, which
installs a generated package and runs its contract suite.
"""

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from partnerkit_template import TemplateConnector

from partnerkit.registry import register_connector, unregister_connector


@pytest.fixture(autouse=True)
def _registered() -> Iterator[None]:
    register_connector(TemplateConnector)
    yield
    unregister_connector(TemplateConnector.name)
