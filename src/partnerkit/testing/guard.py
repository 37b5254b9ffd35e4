"""The network guard: tests run offline unless they record.

``block_network()`` patches ``socket.socket.connect`` / ``connect_ex``,
``socket.create_connection`` and ``socket.getaddrinfo`` so that reaching any host but
loopback (and the hosts you allow) raises :class:`NetworkBlockedError` before a packet
leaves. Unix sockets are never blocked. Recording opens the network again for as long
as it runs (:func:`allow_network`).

:class:`NetworkBlockedError` is an ``AssertionError`` — not an ``OSError`` that urllib3
would turn into a retried connection error, nor a
:class:`~partnerkit.errors.PartnerkitError` that library code might catch — so it
reaches the test as it is. The guard also remembers every blocked attempt
(:attr:`NetworkGuard.blocked`); the pytest plugin fails a test that swallowed one.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "RECORD_ENV",
    "NetworkBlockedError",
    "NetworkGuard",
    "allow_network",
    "block_network",
    "pop_record_flag",
    "push_record_flag",
    "record_requested",
]

RECORD_ENV = "PARTNERKIT_RECORD"
"""Environment variable that turns recording on (``1``, ``true``, ``yes``)."""


_record_flags: list[bool] = []  # pytest's --record, one entry per running session


def push_record_flag(record: bool) -> None:
    """Start a pytest session's answer to :func:`record_requested` (its ``--record``).

    Sessions nest (pytest's own ``pytester`` runs one inside another), so each pushes
    its flag when configured and pops it with :func:`pop_record_flag` when done.
    """
    _record_flags.append(record)


def pop_record_flag() -> None:
    """End the innermost session's ``--record`` (no-op when none is pushed)."""
    if _record_flags:
        _record_flags.pop()


def record_requested() -> bool:
    """Tell whether ``PARTNERKIT_RECORD`` or pytest's ``--record`` asks for recording.

    ``use_cassette()`` and a connector's own fixtures ask this, so ``--record`` records
    them as it records the ``cassette`` fixture.
    """
    if _record_flags and _record_flags[-1]:
        return True
    return os.environ.get(RECORD_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


class NetworkBlockedError(AssertionError):
    """A test tried to reach the network while it was blocked.

    Attributes:
        host: The host (name or address) that was asked for.
        port: The port, when known.
    """

    def __init__(self, host: str, port: object = None) -> None:
        self.host = host
        self.port = port
        where = host if port is None else f"{host}:{port}"
        super().__init__(
            f"partnerkit blocked a network connection to {where}: tests run offline. Replay "
            "a cassette (the `cassette` fixture), record one with `uv run pytest <test> "
            "--record`, or allow the host (block_network(allow=[...]), the "
            "`partnerkit_allow_hosts` ini option, or @pytest.mark.allow_network)."
        )


def _is_loopback(host: str) -> bool:
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


@dataclass
class NetworkGuard:
    """One active guard: what it lets through and what it blocked.

    Attributes:
        allow: Hosts (``"db.internal"``) or ``"host:port"`` pairs let through.
        allow_loopback: Let loopback addresses and ``localhost`` through.
        allow_all: Let everything through (recording).
        blocked: Every attempt blocked, in order.
    """

    allow: frozenset[str] = frozenset()
    allow_loopback: bool = True
    allow_all: bool = False
    blocked: list[NetworkBlockedError] = field(default_factory=list)

    def allows(self, host: str, port: object = None) -> bool:
        """Tell whether a connection to ``host:port`` may go through."""
        name = host.lower().rstrip(".")
        return (
            self.allow_all
            or (self.allow_loopback and _is_loopback(name))
            or name in self.allow
            or f"{name}:{port}" in self.allow
        )


_guards: list[NetworkGuard] = []
_lock = threading.Lock()
_saved: list[tuple[object, str, Any]] = []


def _check(host: Any, port: object) -> None:
    __tracebackhide__ = True  # pytest shows the caller, not the guard
    guard = _guards[-1] if _guards else None
    if guard is None or host is None:
        return
    name = host.decode() if isinstance(host, bytes) else str(host)
    if not guard.allows(name, port):
        error = NetworkBlockedError(name, port)
        guard.blocked.append(error)
        raise error


def _check_socket(sock: socket.socket, address: Any) -> None:
    __tracebackhide__ = True
    if sock.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
        _check(address[0], address[1])


def _install() -> None:
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_create_connection = socket.create_connection
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any, /) -> None:
        __tracebackhide__ = True
        _check_socket(self, address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any, /) -> int:
        __tracebackhide__ = True
        _check_socket(self, address)
        return real_connect_ex(self, address)

    def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        __tracebackhide__ = True
        _check(address[0], address[1])
        return real_create_connection(address, *args, **kwargs)

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        _check(host, port)
        return real_getaddrinfo(host, port, *args, **kwargs)

    for target, name, new in (
        (socket.socket, "connect", connect),
        (socket.socket, "connect_ex", connect_ex),
        (socket, "create_connection", create_connection),
        (socket, "getaddrinfo", getaddrinfo),
    ):
        _saved.append((target, name, vars(target).get(name)))
        setattr(target, name, new)


def _uninstall() -> None:
    for target, name, old in reversed(_saved):
        if old is None:
            delattr(target, name)
        else:
            setattr(target, name, old)
    _saved.clear()


@contextlib.contextmanager
def _pushed(guard: NetworkGuard) -> Iterator[NetworkGuard]:
    with _lock:
        if not _guards:
            _install()
        _guards.append(guard)
    try:
        yield guard
    finally:
        with _lock:
            index = next(i for i in reversed(range(len(_guards))) if _guards[i] is guard)
            del _guards[index]
            if not _guards:
                _uninstall()


@contextlib.contextmanager
def block_network(
    allow: Iterable[str] = (), *, allow_loopback: bool = True
) -> Iterator[NetworkGuard]:
    """Block real network connections within a ``with`` block.

    Guards nest: the innermost one decides.

    Args:
        allow: Hosts (``"db.internal"``, ``"10.0.0.5"``) or ``"host:port"`` pairs to
            let through.
        allow_loopback: Let ``localhost`` and loopback addresses through.

    Yields:
        The active :class:`NetworkGuard` (``guard.blocked`` lists what it stopped).
    """
    hosts = frozenset(h.lower().rstrip(".") for h in allow)
    with _pushed(NetworkGuard(allow=hosts, allow_loopback=allow_loopback)) as guard:
        yield guard


@contextlib.contextmanager
def allow_network() -> Iterator[NetworkGuard]:
    """Let every connection through within a ``with`` block, inside any guard.

    Recording uses it.

    Yields:
        The permissive guard.
    """
    with _pushed(NetworkGuard(allow_all=True)) as guard:
        yield guard
