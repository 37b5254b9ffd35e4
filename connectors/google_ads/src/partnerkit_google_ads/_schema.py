"""What the installed google-ads library knows: API versions, fields and enum values.

This is the thin typed wrapper over the untyped google-ads SDK for everything that
is not credentials (see :mod:`partnerkit_google_ads._auth`). The library ships the
protobuf descriptors of every API version it supports; they say which GAQL fields
exist in a version, what type each has and how the REST interface spells it. The
connector checks every query against them before it is sent, so pinning an API
version where a field was renamed (``campaign.start_date`` became
``campaign.start_date_time``) fails at once with the field named, not after a
round trip.

The descriptors are loaded on first use (about two seconds: the library imports
every message of a version), never when partnerkit or the connector is imported.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
import re
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from typing import Any

from partnerkit.errors import ConfigurationError, UnknownFieldError

__all__ = [
    "FieldInfo",
    "api_versions",
    "check_fields",
    "enum_values",
    "field_info",
    "latest_version",
    "library_version",
]

_VERSION = re.compile(r"^v(\d+)$")

# protobuf FieldDescriptor.TYPE_* numbers the connector cares about.
_TYPE_NAMES = {1: "double", 2: "float", 3: "int64", 4: "uint64", 5: "int32", 8: "bool", 9: "string"}
_TYPE_NAMES |= {11: "message", 13: "uint32", 14: "enum", 17: "sint32", 18: "sint64"}


@dataclass(frozen=True)
class FieldInfo:
    """One GAQL field as a version of the API defines it.

    Attributes:
        name: The GAQL name, e.g. ``metrics.cost_micros``.
        json_path: How the REST interface nests and spells it, e.g.
            ``("metrics", "costMicros")``.
        type: ``int64``, ``double``, ``string``, ``enum``, ``bool``, ``message`` ...
        repeated: Whether it is a list.
    """

    name: str
    json_path: tuple[str, ...]
    type: str
    repeated: bool


@cache
def library_version() -> str:
    """The installed google-ads distribution's version, e.g. ``"34.0.0"``."""
    try:
        return metadata.version("google-ads")
    except metadata.PackageNotFoundError:  # pragma: no cover - it is a dependency
        return "unknown"


@cache
def api_versions() -> tuple[str, ...]:
    """The Google Ads API versions the installed library supports, newest first.

    Read from the library's own packages (``google.ads.googleads.v26`` ...), without
    importing any of them.
    """
    package = importlib.import_module("google.ads.googleads")
    found = [
        info.name
        for info in pkgutil.iter_modules(package.__path__)
        if info.ispkg and _VERSION.match(info.name)
    ]
    if not found:  # pragma: no cover - an installation without any version
        raise ConfigurationError(
            "The installed google-ads library has no API version packages; reinstall it "
            "(`uv add google-ads` or `pip install -U google-ads`)."
        )
    return tuple(sorted(found, key=lambda v: int(v[1:]), reverse=True))


def latest_version() -> str:
    """The newest API version the installed library supports (the connector's default)."""
    return api_versions()[0]


def check_version(version: str) -> str:
    """Return ``version`` if the installed library supports it.

    Raises:
        ConfigurationError: It does not; the message lists the supported ones.
    """
    supported = api_versions()
    if version not in supported:
        raise ConfigurationError(
            f"Google Ads API version {version!r} is not supported by the installed google-ads "
            f"library {library_version()} (it supports {', '.join(supported)}). Set "
            f"api_version to one of them, or leave it unset to use {supported[0]}."
        )
    return version


@cache
def _row_descriptor(version: str) -> Any:
    module = importlib.import_module(
        f"google.ads.googleads.{check_version(version)}.services.types.google_ads_service"
    )
    return module.GoogleAdsRow.meta.pb.DESCRIPTOR


def _children(descriptor: Any) -> list[str]:
    return [f.name for f in descriptor.fields]


@cache
def field_info(version: str, name: str) -> FieldInfo:
    """Look up a GAQL field (``resource.field[.subfield]``) in an API version.

    Args:
        version: The API version, e.g. ``"v26"``.
        name: The GAQL name.

    Returns:
        Its REST spelling and type.

    Raises:
        UnknownFieldError: The version has no such field; the closest names are
            suggested.
    """
    descriptor = _row_descriptor(version)
    json_path: list[str] = []
    field: Any = None
    parts = name.split(".")
    for depth, part in enumerate(parts):
        if descriptor is None:
            field = None
            break
        field = descriptor.fields_by_name.get(part)
        if field is None:
            options = _children(descriptor)
            prefix = ".".join(parts[:depth])
            close = difflib.get_close_matches(part, options, n=3, cutoff=0.6)
            suggestions = [f"{prefix}.{c}" if prefix else c for c in close]
            raise UnknownFieldError(name, f"Google Ads API {version}", suggestions)
        json_path.append(field.json_name)
        descriptor = field.message_type
    if field is None:
        raise UnknownFieldError(name, f"Google Ads API {version}")
    return FieldInfo(
        name=name,
        json_path=tuple(json_path),
        type=_TYPE_NAMES.get(field.type, str(field.type)),
        repeated=bool(field.is_repeated),
    )


def check_fields(version: str, names: tuple[str, ...]) -> None:
    """Check every field of a query exists in the version (raises UnknownFieldError)."""
    for name in names:
        field_info(version, name)


@cache
def enum_values(version: str, name: str) -> tuple[str, ...]:
    """The values of an enum-typed field, e.g. ``segments.conversion_action_category``.

    ``UNSPECIFIED`` and ``UNKNOWN`` are left out: no query asks for them.
    """
    descriptor = _row_descriptor(version)
    field: Any = None
    for part in name.split("."):
        field = descriptor.fields_by_name[part]
        descriptor = field.message_type
    return tuple(v.name for v in field.enum_type.values if v.name not in ("UNSPECIFIED", "UNKNOWN"))
