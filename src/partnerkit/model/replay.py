"""Replay: a connection that reads recorded API answers instead of the network.

A connection with ``replay: cassettes/meta.yaml`` (see
:class:`~partnerkit.model.Connection`) gets a connector whose reads are answered from
that recording (a cassette, :mod:`partnerkit.testing.cassette`'s format). The
connector is the real one: it builds the same requests, pages and parses the same
answers; only the transport is replaced. Requests are matched exactly (method, URL,
query, body), so a replayed connection answers the date ranges it was recorded for.

The replay is scoped to the thread that reads: requests made by other threads (another,
live connection read in parallel) still go to the network.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import requests
from requests.adapters import HTTPAdapter

from partnerkit._canned import canned_response
from partnerkit.connector import Connector, Notice, ReadRequest
from partnerkit.errors import ConfigurationError, SourceError
from partnerkit.records import Record

__all__ = ["Recording", "replay_connector", "replaying"]


class Recording:
    """A cassette's interactions, answered any number of times (unused ones first).

    Args:
        path: The cassette file.
        api: The connector's name, for errors.
    """

    def __init__(self, path: Path, api: str) -> None:
        if not path.is_file():
            raise ConfigurationError(
                f"The {api} connection replays {path}, which does not exist. Fix its "
                "'replay' path (relative to the workspace file's folder) or remove it."
            )
        self.path, self.api = path, api
        self._cassette, self._keys = _load(path.resolve(), path.stat().st_mtime_ns)
        self._plays = [0] * len(self._keys)
        self._lock = threading.Lock()

    def answer(self, prepared: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        """The recorded answer to a request.

        Raises:
            SourceError: The recording holds no answer to it (another date range,
                account or stream than was recorded).
        """
        from partnerkit.testing.cassette import Request

        request = Request.from_prepared(prepared)
        key = self._cassette.match_key(request)
        with self._lock:
            matches = [i for i, k in enumerate(self._keys) if k == key]
            if not matches:
                # Scrubbed as the cassette scrubs: a token set by the user is not shown.
                shown = self._cassette.shown(request)
                raise SourceError(
                    f"The recording {self.path} has no answer to this request (it answers "
                    f"only the date ranges, accounts and streams it was recorded for): {shown}",
                    api=self.api,
                    request=f"{request.method} {request.url.split('?')[0]}",
                )
            index = min(matches, key=lambda i: self._plays[i])
            self._plays[index] += 1
        response = self._cassette.interactions[index].response
        return response.status, dict(response.headers), response.content()


@functools.lru_cache(maxsize=8)
def _load(path: Path, mtime: int) -> tuple[Any, list[dict[str, Any]]]:
    """A cassette and its requests' match keys, parsed once per file version."""
    from partnerkit.testing.cassette import Cassette

    cassette = Cassette.load(path, allow_unused=True)
    # The cassette's own matching rule (scrubbed, normalised): one home for it.
    return cassette, [cassette.match_key(i.request) for i in cassette.interactions]


_local = threading.local()
_lock = threading.Lock()
_users = 0
_patch: Any = None


def _send(adapter: HTTPAdapter, request: requests.PreparedRequest, **kwargs: Any) -> Any:
    recording: Recording | None = getattr(_local, "recording", None)
    if recording is None:
        return _patch.temp_original(adapter, request, **kwargs)
    return canned_response(adapter, request, *recording.answer(request), decode_content=False)


@contextlib.contextmanager
def replaying(recording: Recording) -> Iterator[None]:
    """Answer this thread's HTTP requests from ``recording`` within the block."""
    global _users, _patch
    with _lock:
        if _users == 0:
            _patch = mock.patch.object(HTTPAdapter, "send", _send)
            _patch.start()
        _users += 1
    previous = getattr(_local, "recording", None)
    _local.recording = recording
    try:
        yield
    finally:
        _local.recording = previous
        with _lock:
            _users -= 1
            if _users == 0:
                _patch.stop()
                _patch = None


def replay_connector(connector: Connector[Any], path: Path) -> Connector[Any]:
    """Make ``connector`` read from the recording at ``path`` instead of the network.

    Each read (and :meth:`~partnerkit.connector.Connector.check`) runs to its end
    inside the replay, so a lazy stream consumed later, or in another thread, is still
    answered from the recording.

    Args:
        connector: The connector, as built from the connection's settings.
        path: The recording (a cassette file).

    Returns:
        The same connector.
    """
    recording = Recording(path, connector.name)
    read = connector.read

    def replayed(request: ReadRequest) -> Iterator[Record | Notice]:
        with replaying(recording):
            items: Iterable[Record | Notice] = list(read(request))
        yield from items

    check = connector.check

    def replayed_check() -> Any:
        with replaying(recording):
            return check()

    object.__setattr__(connector, "read", replayed)
    object.__setattr__(connector, "check", replayed_check)
    object.__setattr__(connector, "recording", recording)
    return connector
