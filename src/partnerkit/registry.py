"""Find connectors: installed packages' entry points, plus ones registered in code.

Connectors are advertised in the entry-point group ``partnerkit.connectors``::

    [project.entry-points."partnerkit.connectors"]
    mine = "partnerkit_mine:MyConnector"

The built-in connectors use the same route as a third party's. Listing reads
package metadata only and imports no connector code; a connector's module is
imported when it is asked for by name. Rules:

* An unknown name raises :class:`~partnerkit.errors.ConnectorNotFoundError` listing
  the installed names and, for a known name, the package that provides it.
* Two different packages claiming one name raise
  :class:`~partnerkit.errors.ConnectorConflictError`.
* :func:`load_connectors` warns (:class:`~partnerkit.errors.ConnectorLoadWarning`)
  and skips a connector that fails to import; it never crashes the host.
* ``PARTNERKIT_DISABLE_CONNECTORS=name1,name2`` hides connectors by name.
* :func:`register_connector` adds a class directly (notebooks, tests); it takes
  precedence over an installed connector of the same name.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points

from partnerkit.connector import Connector
from partnerkit.errors import (
    ConnectorConflictError,
    ConnectorLoadError,
    ConnectorLoadWarning,
    ConnectorNotFoundError,
)

__all__ = [
    "DISABLE_ENV",
    "ENTRY_POINT_GROUP",
    "KNOWN_PROVIDERS",
    "ConnectorInfo",
    "available_connectors",
    "get_connector",
    "load_connectors",
    "register_connector",
    "unregister_connector",
]

ENTRY_POINT_GROUP = "partnerkit.connectors"
DISABLE_ENV = "PARTNERKIT_DISABLE_CONNECTORS"

_BUILT_IN = (
    "files",
    "ga4",
    "google_ads",
    "hubspot",
    "linkedin_ads",
    "mailchimp",
    "meta",
    "meta_pages",
    "search_console",
)

#: Which distribution provides each connector the project knows of (the connectors
#: under ``connectors/``): ``partnerkit-`` and the name, its underscores as dashes.
KNOWN_PROVIDERS: dict[str, str] = {
    name: f"partnerkit-{name.replace('_', '-')}" for name in _BUILT_IN
}

_registered: dict[str, type[Connector]] = {}  # type: ignore[type-arg]


@dataclass(frozen=True)
class ConnectorInfo:
    """What is known about a connector without importing it.

    Attributes:
        name: The connector name.
        target: ``module:attribute`` of the class.
        distribution: The distribution that provides it (``None`` when registered in code).
        version: That distribution's version.
    """

    name: str
    target: str
    distribution: str | None
    version: str | None


def _disabled() -> set[str]:
    raw = os.environ.get(DISABLE_ENV, "")
    return {n.strip() for n in raw.split(",") if n.strip()}


def _entry_points() -> dict[str, list[EntryPoint]]:
    found: dict[str, list[EntryPoint]] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(ep.name, []).append(ep)
    return found


def _dist_of(ep: EntryPoint) -> tuple[str | None, str | None]:
    dist = ep.dist
    if dist is None:
        return None, None
    return dist.metadata["Name"], dist.version


def _info(name: str, eps: list[EntryPoint]) -> ConnectorInfo:
    claims = {_dist_of(ep) for ep in eps}
    names = {d for d, _ in claims}
    if len(names) > 1:
        raise ConnectorConflictError(name, sorted(f"{d} {v}" for d, v in claims))
    dist, version = next(iter(claims))
    return ConnectorInfo(name, eps[0].value, dist, version)


def available_connectors() -> dict[str, ConnectorInfo]:
    """List the connectors that can be used, without importing any of them.

    Returns:
        Connector infos by name, sorted by name.

    Raises:
        ConnectorConflictError: Two different packages claim the same name.
    """
    disabled = _disabled()
    out: dict[str, ConnectorInfo] = {}
    for name, eps in _entry_points().items():
        if name not in disabled:
            out[name] = _info(name, eps)
    for name, cls in _registered.items():
        if name not in disabled:
            out[name] = ConnectorInfo(name, f"{cls.__module__}:{cls.__qualname__}", None, None)
    return dict(sorted(out.items()))


def _load(info: ConnectorInfo) -> type[Connector]:  # type: ignore[type-arg]
    if info.name in _registered:
        return _registered[info.name]
    ep = EntryPoint(name=info.name, value=info.target, group=ENTRY_POINT_GROUP)
    try:
        obj = ep.load()
    except Exception as exc:
        raise ConnectorLoadError(
            info.name, info.target, f"{type(exc).__name__}: {exc}", cause=exc
        ) from exc
    if not (isinstance(obj, type) and issubclass(obj, Connector)):
        raise ConnectorLoadError(info.name, info.target, "it is not a Connector subclass")
    if getattr(obj, "name", None) != info.name:
        raise ConnectorLoadError(
            info.name,
            info.target,
            f"the class says its name is {getattr(obj, 'name', None)!r}; the entry point "
            f"and the class attribute 'name' must agree",
        )
    return obj


def get_connector(name: str) -> type[Connector]:  # type: ignore[type-arg]
    """Return the connector class with this name, importing it.

    Args:
        name: The connector name, e.g. ``"files"`` or ``"meta"``.

    Raises:
        ConnectorNotFoundError: No such connector is installed (or it is disabled).
        ConnectorConflictError: Two packages claim the name.
        ConnectorLoadError: It is installed but fails to import or is not a Connector.
    """
    if name in _disabled():
        raise ConnectorNotFoundError(
            name, list(available_connectors()), KNOWN_PROVIDERS.get(name)
        ) from None
    if name in _registered:
        return _registered[name]
    eps = _entry_points().get(name)
    if not eps:
        raise ConnectorNotFoundError(name, list(available_connectors()), KNOWN_PROVIDERS.get(name))
    return _load(_info(name, eps))


def load_connectors() -> dict[str, type[Connector]]:  # type: ignore[type-arg]
    """Import every available connector; warn about and skip the broken ones.

    Returns:
        Connector classes by name.

    Raises:
        ConnectorConflictError: Two packages claim the same name.
    """
    out: dict[str, type[Connector]] = {}  # type: ignore[type-arg]
    for name, info in available_connectors().items():
        try:
            out[name] = _load(info)
        except ConnectorLoadError as exc:
            warnings.warn(f"{exc} It is skipped.", ConnectorLoadWarning, stacklevel=2)
    return out


def register_connector(
    cls: type[Connector],  # type: ignore[type-arg]
    *,
    replace: bool = False,
) -> type[Connector]:  # type: ignore[type-arg]
    """Make a connector class available by its ``name`` without packaging it.

    Usable as a decorator. Meant for notebooks and tests.

    Args:
        cls: The connector class.
        replace: Allow replacing a class already registered under the same name.

    Returns:
        ``cls``, unchanged.

    Raises:
        TypeError: ``cls`` is not a Connector subclass with a ``name``.
        ValueError: The name is already registered and ``replace`` is false.
    """
    candidate: object = cls
    if not (isinstance(candidate, type) and issubclass(candidate, Connector)) or not getattr(
        candidate, "name", None
    ):
        raise TypeError(f"{cls!r} is not a Connector subclass with a 'name' class attribute")
    if cls.name in _registered and _registered[cls.name] is not cls and not replace:
        raise ValueError(
            f"a connector named {cls.name!r} is already registered "
            f"({_registered[cls.name].__qualname__}); pass replace=True to replace it"
        )
    _registered[cls.name] = cls
    return cls


def unregister_connector(name: str) -> None:
    """Remove a connector registered with :func:`register_connector` (no-op if absent)."""
    _registered.pop(name, None)
