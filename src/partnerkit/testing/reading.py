"""A connector test's read through a cassette: :func:`read_through`."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias

from partnerkit.testing.cassette import Cassette, use_cassette
from partnerkit.testing.faults import Fault

if TYPE_CHECKING:
    from partnerkit.connector import Connector, Notice, ReadRequest

__all__ = ["ReadThrough", "read_through"]


ReadThrough: TypeAlias = "tuple[list[dict[str, Any]], list[Notice], Cassette]"
"""What :func:`read_through` returns: the records, the notices and the cassette."""


def read_through(
    path: str | os.PathLike[str],
    connector: Connector[Any],
    request: ReadRequest,
    *,
    faults: Mapping[int, Iterable[Fault]] | None = None,
    replace: Mapping[int, Fault] | None = None,
    allow_unused: bool = False,
    record: bool | None = None,
) -> ReadThrough:
    """Read one request through a cassette: what a connector's test ``read`` fixture does.

    The connector is closed afterwards; the cassette has stopped, so an interaction
    never requested (unless ``allow_unused``) has failed the read already.

    Args:
        path: The cassette file.
        connector: A fresh connector (it is closed when the read ends).
        request: What to read.
        faults: ``{index: [fault, ...]}``: the faults served before interaction
            ``index`` (:meth:`Cassette.inject`).
        replace: ``{index: fault}``: the fault served instead of interaction ``index``
            (:meth:`Cassette.replace`), e.g. a recorded answer edited to break it.
        allow_unused: Do not fail on recorded interactions that were never requested.
        record: As for :func:`use_cassette`.

    Returns:
        The records (as plain dicts), the read's notices and the cassette (its
        ``requests`` for the test to look at).
    """
    with (
        use_cassette(path, allow_unused=allow_unused, record=record) as tape,
        connector,
    ):
        for index, served in (faults or {}).items():
            tape.inject(index, *served)
        for index, fault in (replace or {}).items():
            tape.replace(index, fault)
        stream = connector.stream(request)
        records = [dict(r) for r in stream]
    return records, list(stream.notices), tape
