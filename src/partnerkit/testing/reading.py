"""A connector test's read through a cassette: :func:`read_through`, :func:`stream_reader`."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from partnerkit.testing.cassette import Cassette, use_cassette
from partnerkit.testing.faults import Fault

if TYPE_CHECKING:
    from partnerkit.connector import Connector, Notice, ReadRequest

__all__ = ["ReadThrough", "read_through", "stream_reader"]


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


def stream_reader(
    cassettes: str | os.PathLike[str],
    connector: Callable[[dict[str, Any]], Connector[Any]],
    *,
    stream: str,
    start: dt.date,
    end: dt.date,
    as_of: dt.datetime | None = None,
) -> Callable[..., ReadThrough]:
    """A connector test's ``read`` fixture: one stream's read over a replayed cassette.

    The reader takes keyword arguments only: ``stream``, ``cassette``, ``start``, ``end``,
    ``as_of`` (each defaulting to what is given here), ``faults``, ``replace``,
    ``allow_unused`` (as for :func:`read_through`) and any other keyword as a setting,
    passed to ``connector``. The cassette is ``<cassettes>/<cassette>.yaml``, or the
    stream's contract cassette ``<cassettes>/contract/<stream>.yaml`` when none is
    named; it is only replayed, never recorded.

    Args:
        cassettes: The folder of the connector's cassettes.
        connector: Builds a fresh connector from the settings the test overlays.
        stream: The stream read when the test names none.
        start: The first day read when the test gives none.
        end: The last day read when the test gives none.
        as_of: The request's moment when the test gives none (``None``: the
            connector's clock).

    Returns:
        ``read(**keywords)``, returning what :func:`read_through` returns.
    """
    folder = Path(cassettes)
    default_stream, first, last, moment = stream, start, end, as_of

    def read(
        *,
        stream: str = default_stream,
        cassette: str | None = None,
        start: dt.date = first,
        end: dt.date = last,
        as_of: dt.datetime | None = moment,
        faults: Mapping[int, Iterable[Fault]] | None = None,
        replace: Mapping[int, Fault] | None = None,
        allow_unused: bool = False,
        **settings: Any,
    ) -> ReadThrough:
        from partnerkit.connector import ReadRequest

        request = ReadRequest(stream=stream, start=start, end=end, as_of=as_of)
        path = folder / (f"{cassette}.yaml" if cassette else f"contract/{stream}.yaml")
        return read_through(
            path,
            connector(settings),
            request,
            faults=faults,
            replace=replace,
            allow_unused=allow_unused,
            record=False,
        )

    return read
