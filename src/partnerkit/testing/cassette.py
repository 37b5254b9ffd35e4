"""Cassettes: recorded HTTP interactions, replayed through ``responses`` in tests.

A cassette is one YAML file per scenario::

    version: 1
    interactions:
    - request:
        method: GET
        url: https://graph.facebook.com/v19.0/act_1/insights
        query:
          access_token: REDACTED
          fields: campaign_id,spend
      response:
        status: 200
        headers:
          content-type: application/json; charset=UTF-8
        body:
          data:
          - campaign_id: '120201'
            spend: '12.34'

Replay (the default) patches ``requests.adapters.HTTPAdapter.send`` — below any
retry logic in a subclass — with a ``responses`` mock whose one catch-all callback
matches each request against the recorded ones (method, URL, query in any order,
body compared as JSON or form fields), first unused match first. Recording wraps the
same method, passes requests to the network and writes the scrubbed cassette.

Secrets are scrubbed by name and by value (:mod:`partnerkit.testing.scrub`). The
values a cassette knows: the secrets in the environment (:func:`environment_secrets`),
those a test registers (``secrets=`` or :meth:`Cassette.secret`), and every credential
it sees travel — an ``Authorization`` or other secret header, a secret query parameter,
path segment or body field, in a request or a response. A replayed request is scrubbed
the same way before it is matched, so a test that sends a fake token where the
recording had the real one still matches.
"""

from __future__ import annotations

import base64
import contextlib
import difflib
import json
import os
import re
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self
from unittest import mock
from urllib.parse import parse_qsl, urlsplit

import requests
import yaml
from pydantic import SecretStr

from partnerkit._canned import canned_response
from partnerkit.testing.credentials import MIN_SECRET_LENGTH, environment_secrets, secrets_of
from partnerkit.testing.faults import Fault
from partnerkit.testing.guard import RECORD_ENV, allow_network, block_network, record_requested
from partnerkit.testing.scrub import Scrubber

__all__ = [
    "RECORDED_REQUEST_HEADERS",
    "VOLATILE_RESPONSE_HEADERS",
    "Cassette",
    "CassetteError",
    "Interaction",
    "Request",
    "Response",
    "use_cassette",
]

FORMAT_VERSION = 1

RECORDED_REQUEST_HEADERS = frozenset({"content-type", "login-customer-id", "linked-customer-id"})
"""Request headers written to a cassette; every other request header is left out."""

VOLATILE_RESPONSE_HEADERS = frozenset(
    {
        "date", "expires", "age", "content-length", "content-encoding", "transfer-encoding",
        "connection", "keep-alive", "alt-svc", "server", "server-timing", "via", "vary",
        "cache-control", "pragma", "strict-transport-security", "report-to", "nel",
        "x-xss-protection", "x-content-type-options", "x-frame-options", "cf-ray",
        "cf-cache-status", "x-fb-trace-id", "x-fb-rev", "x-fb-debug", "x-fb-request-id",
        "x-request-id", "request-id", "x-hubspot-correlation-id", "x-trace-id",
    }
)  # fmt: skip
"""Response headers left out of a recording: transport details and per-request ids."""

_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
_ANY_URL = re.compile(r".*")


class CassetteError(AssertionError):
    """A cassette does not fit the test: unmatched or unused interactions, a bad file.

    It is an ``AssertionError`` (and not a :class:`~partnerkit.errors.PartnerkitError`)
    so code under test that catches its own or ``requests``' errors does not swallow
    it; a cassette also remembers it and raises it again when it stops.

    Attributes:
        path: The cassette file, if there is one.
    """

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


# ------------------------------------------------------------------------ the model


def _is_json_type(content_type: str) -> bool:
    return "json" in content_type or "javascript" in content_type


def _is_form_type(content_type: str) -> bool:
    return "x-www-form-urlencoded" in content_type


def _as_param(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _params(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Collect pairs into ``{name: value}``, a list of values for repeated names."""
    out: dict[str, Any] = {}
    for name, value in pairs:
        if name not in out:
            out[name] = value
        elif isinstance(out[name], list):
            out[name].append(value)
        else:
            out[name] = [out[name], value]
    return out


def _coerce_params(params: Mapping[str, Any]) -> dict[str, Any]:
    return {
        str(k): [_as_param(x) for x in v] if isinstance(v, list) else _as_param(v)
        for k, v in params.items()
    }


def _parse_body(raw: bytes | str | None, content_type: str) -> Any:
    """Parse a body as JSON (objects and arrays only), form fields, text, or bytes."""
    if not raw:
        return None
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw
    else:
        text = raw
    if _is_json_type(content_type) or (not content_type and text.lstrip()[:1] in ("{", "[")):
        try:
            parsed = json.loads(text)
        except ValueError:
            return text
        return parsed if isinstance(parsed, dict | list) else text
    if _is_form_type(content_type):
        return _params(parse_qsl(text, keep_blank_values=True))
    return text


def _encode_body(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _body_to_yaml(body: Any) -> dict[str, Any]:
    if body is None:
        return {}
    if isinstance(body, bytes):
        return {"body_base64": base64.b64encode(body).decode("ascii")}
    return {"body": _sorted(body)}


def _body_from_yaml(data: Mapping[str, Any]) -> Any:
    if "body_base64" in data:
        return base64.b64decode(data["body_base64"])
    return data.get("body")


def _sorted(value: Any) -> Any:
    """Sort mapping keys recursively (JSON object order carries no meaning)."""
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


@dataclass
class Request:
    """A recorded (or live) HTTP request.

    Attributes:
        method: The HTTP method, upper case.
        url: Scheme, host and path; no query, no credentials.
        query: Query parameters: a string, or a list for a repeated name.
        headers: The kept headers (lower-case names).
        body: Parsed JSON (object or array), form fields as a mapping, text, bytes, or
            None.
    """

    method: str
    url: str
    query: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None

    @property
    def content_type(self) -> str:
        """The request's content type, lower case ('' when not set)."""
        return self.headers.get("content-type", "").lower()

    @classmethod
    def from_prepared(cls, prepared: requests.PreparedRequest) -> Self:
        """Build from a ``requests`` prepared request (keeps only the recorded headers)."""
        parts = urlsplit(str(prepared.url or ""))
        host = parts.netloc.rpartition("@")[2]
        headers = {
            k.lower(): v
            for k, v in prepared.headers.items()
            if k.lower() in RECORDED_REQUEST_HEADERS
        }
        body = prepared.body if isinstance(prepared.body, bytes | str) else None
        return cls(
            method=(prepared.method or "GET").upper(),
            url=f"{parts.scheme}://{host}{parts.path}",
            query=_params(parse_qsl(parts.query, keep_blank_values=True)),
            headers=dict(sorted(headers.items())),
            body=_parse_body(body, headers.get("content-type", "").lower()),
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Build from the cassette's YAML mapping."""
        headers = {str(k).lower(): str(v) for k, v in (data.get("headers") or {}).items()}
        body = _body_from_yaml(data)
        if isinstance(body, dict) and _is_form_type(headers.get("content-type", "").lower()):
            body = _coerce_params(body)
        return cls(
            method=str(data["method"]).upper(),
            url=str(data["url"]),
            query=_coerce_params(data.get("query") or {}),
            headers=headers,
            body=body,
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the cassette's YAML mapping (empty parts left out)."""
        out: dict[str, Any] = {"method": self.method, "url": self.url}
        if self.query:
            out["query"] = dict(sorted(self.query.items()))
        if self.headers:
            out["headers"] = dict(sorted(self.headers.items()))
        return out | _body_to_yaml(self.body)

    def describe(self) -> str:
        """Return ``METHOD url?query`` for messages."""
        query = "&".join(
            f"{k}={v}"
            for k, vs in self.query.items()
            for v in (vs if isinstance(vs, list) else [vs])
        )
        return f"{self.method} {self.url}" + (f"?{query}" if query else "")


@dataclass
class Response:
    """A recorded HTTP response.

    Attributes:
        status: The HTTP status code.
        headers: Response headers (lower-case names), without transport details.
        body: Parsed JSON (object or array), text, bytes, or None.
    """

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None

    @classmethod
    def from_requests(cls, response: requests.Response) -> Self:
        """Build from a live ``requests`` response (reads its whole body)."""
        headers = {
            k.lower(): v
            for k, v in response.headers.items()
            if k.lower() not in VOLATILE_RESPONSE_HEADERS
        }
        content_type = headers.get("content-type", "").lower()
        return cls(
            status=response.status_code,
            headers=dict(sorted(headers.items())),
            body=_parse_body(response.content, content_type),
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Build from the cassette's YAML mapping."""
        headers = {str(k).lower(): str(v) for k, v in (data.get("headers") or {}).items()}
        return cls(status=int(data["status"]), headers=headers, body=_body_from_yaml(data))

    def to_dict(self) -> dict[str, Any]:
        """Return the cassette's YAML mapping (empty parts left out)."""
        out: dict[str, Any] = {"status": self.status}
        if self.headers:
            out["headers"] = dict(sorted(self.headers.items()))
        return out | _body_to_yaml(self.body)

    def content(self) -> bytes:
        """Return the body as sent on the wire (JSON re-encoded compactly)."""
        return _encode_body(self.body)


@dataclass
class Interaction:
    """One recorded request and the response it got."""

    request: Request
    response: Response

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Build from the cassette's YAML mapping."""
        return cls(Request.from_dict(data["request"]), Response.from_dict(data["response"]))

    def to_dict(self) -> dict[str, Any]:
        """Return the cassette's YAML mapping."""
        return {"request": self.request.to_dict(), "response": self.response.to_dict()}

    def scrubbed(self, scrubber: Scrubber) -> Interaction:
        """Return a copy with secrets and personal data scrubbed."""
        return Interaction(
            _scrub_request(self.request, scrubber),
            Response(
                self.response.status,
                scrubber.scrub_headers(self.response.headers),
                _scrub_body(self.response.body, scrubber, form=False),
            ),
        )


def _scrub_body(body: Any, scrubber: Scrubber, *, form: bool) -> Any:
    if isinstance(body, bytes):
        return scrubber.scrub_bytes(body)
    if isinstance(body, str):
        return scrubber.scrub_text(body)
    if form and isinstance(body, dict):
        return scrubber.scrub_params(body)
    if isinstance(body, dict | list):
        return scrubber.scrub_json(body)
    return body


def _scrub_request(request: Request, scrubber: Scrubber) -> Request:
    return Request(
        request.method,
        scrubber.scrub_url(request.url),
        scrubber.scrub_params(request.query),
        scrubber.scrub_headers(request.headers),
        _scrub_body(request.body, scrubber, form=_is_form_type(request.content_type)),
    )


# ----------------------------------------------------------------------------- YAML


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value and "\r" not in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


_SafeBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeBase):  # type: ignore[misc,valid-type]
    """Safe loader that keeps dates as strings (JSON has no dates).

    libyaml's loader when available: large cassettes load about ten times faster.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


# ------------------------------------------------------------------------- cassette


class Cassette:
    """Recorded interactions, and the machinery to replay or record them.

    Use :func:`use_cassette`, the ``cassette`` pytest fixture, or :meth:`play` /
    :meth:`record` directly.

    Attributes:
        interactions: The recorded interactions, in order.
        path: The YAML file, when there is one.
        allow_unused: Do not fail when a recorded interaction was never requested.
        ignore_query: Query parameters left out when matching (volatile values).
        ignore_body_keys: Body keys (JSON, at any depth, or form fields) left out when
            matching.
        scrubber: Scrubs cassettes on write and live requests before matching; it
            holds the secret values the cassette knows (see :meth:`secret`).
        requests: Every request made while playing or recording, as sent (unscrubbed).
        errors: Every :class:`CassetteError` raised during requests; raised again by
            :meth:`stop` unless cleared (call ``errors.clear()`` after asserting on one).
        recording: True while recording.
    """

    def __init__(
        self,
        interactions: Iterable[Interaction] = (),
        *,
        path: str | os.PathLike[str] | None = None,
        allow_unused: bool = False,
        ignore_query: Iterable[str] = (),
        ignore_body_keys: Iterable[str] = (),
        scrubber: Scrubber | None = None,
        secrets: Iterable[Any] = (),
    ) -> None:
        """Build a cassette.

        Args:
            interactions: The recorded interactions.
            path: The YAML file.
            allow_unused: See :attr:`allow_unused`.
            ignore_query: See :attr:`ignore_query`.
            ignore_body_keys: See :attr:`ignore_body_keys`.
            scrubber: Replaces the default :class:`~partnerkit.testing.scrub.Scrubber`.
            secrets: Secret values to scrub wherever they appear, as :meth:`secret`
                takes them.
        """
        self.interactions = list(interactions)
        self.path = Path(path) if path is not None else None
        self.allow_unused = allow_unused
        self.ignore_query = frozenset(ignore_query)
        self.ignore_body_keys = frozenset(ignore_body_keys)
        self.scrubber = (scrubber or Scrubber()).with_secrets(*environment_secrets())
        self.requests: list[Request] = []
        self.errors: list[CassetteError] = []
        self.recording = False
        self._faults: dict[int, deque[Fault]] = {}
        self._replacements: dict[int, Fault] = {}
        self._plays = [0] * len(self.interactions)
        self._keys: list[dict[str, Any]] = []
        self._lock = threading.RLock()
        self._active: contextlib.ExitStack | None = None
        self._unanswered: list[str] = []
        self.secret(*secrets)

    # ------------------------------------------------------------ secrets

    def secret(self, *values: Any) -> None:
        """Register secrets: each is replaced by ``REDACTED`` wherever it appears.

        Every occurrence — in any header, query parameter, path segment, form or JSON
        field (at any depth) or text body, raw, URL-encoded, JSON-escaped or
        base64-encoded — is replaced when the cassette is written, and in a live
        request before it is matched. Register a secret before the requests that
        carry it. Credentials sent in an ``Authorization`` (or other secret) header,
        a secret query parameter or body field need no registering: the cassette
        learns them as they travel.

        Args:
            *values: Secret strings (plain or ``SecretStr``), or objects holding
                secrets: a connector, its settings, a workspace connection, a mapping
                of settings (see :func:`~partnerkit.testing.credentials.secrets_of`).

        Raises:
            ValueError: A string is shorter than
                :data:`~partnerkit.testing.credentials.MIN_SECRET_LENGTH` characters: it
                would match by chance, so it cannot be scrubbed by value.
        """
        found: set[str] = set()
        for value in values:
            if isinstance(value, str | SecretStr):
                text = value.get_secret_value() if isinstance(value, SecretStr) else value
                if len(text) < MIN_SECRET_LENGTH:
                    raise ValueError(
                        f"a secret shorter than {MIN_SECRET_LENGTH} characters cannot be "
                        f"scrubbed by value (it would match by chance); use a longer fake "
                        f"secret in tests (got {len(text)} characters)"
                    )
                found.add(text)
            else:
                found |= secrets_of(value)
        self._learn(found)

    def _learn(self, found: set[str]) -> None:
        with self._lock:
            scrubber = self.scrubber.with_secrets(*found)
            if scrubber is self.scrubber:
                return
            self.scrubber = scrubber
            if self._keys and not self.recording:
                self._keys = [self._match_key(i.request) for i in self.interactions]

    def _learn_request(self, prepared: requests.PreparedRequest, request: Request) -> None:
        found = self.scrubber.secrets_in_headers(dict(prepared.headers))
        found |= self.scrubber.secrets_in_url(str(prepared.url or ""))
        form = _is_form_type(request.content_type)
        found |= self.scrubber.secrets_in_fields(request.body, form=form)
        self._learn(found)

    def _learn_response(self, response: requests.Response, recorded: Response) -> None:
        found = self.scrubber.secrets_in_headers(dict(response.headers))
        found |= self.scrubber.secrets_in_url(response.headers.get("location", ""))
        found |= self.scrubber.secrets_in_fields(recorded.body)
        self._learn(found)

    # ----------------------------------------------------------- file I/O

    @classmethod
    def load(cls, path: str | os.PathLike[str], **options: Any) -> Self:
        """Read a cassette file.

        Args:
            path: The YAML file.
            **options: Passed to the constructor (``allow_unused``, ``ignore_query``...).

        Raises:
            CassetteError: The file is missing or is not a cassette.
        """
        file = Path(path)
        try:
            data = yaml.load(file.read_text(encoding="utf-8"), Loader=_Loader)
        except FileNotFoundError:
            raise CassetteError(
                f"Cassette {file} does not exist. Record it against the real API with "
                f"`uv run pytest <test> --record` (or {RECORD_ENV}=1).",
                file,
            ) from None
        except yaml.YAMLError as exc:
            raise CassetteError(f"Cassette {file} is not valid YAML: {exc}", file) from None
        if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
            raise CassetteError(
                f"Cassette {file} is not a version-{FORMAT_VERSION} cassette "
                "(expected a mapping with `version: 1` and `interactions:`).",
                file,
            )
        try:
            interactions = [Interaction.from_dict(i) for i in data.get("interactions") or []]
        except (KeyError, TypeError, ValueError) as exc:
            raise CassetteError(
                f"Cassette {file} has a malformed interaction: {exc!r}", file
            ) from None
        return cls(interactions, path=file, **options)

    def to_yaml(self) -> str:
        """Return the cassette as YAML text (as is; :meth:`save` scrubs first)."""
        data = {"version": FORMAT_VERSION, "interactions": [i.to_dict() for i in self.interactions]}
        return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1_000_000)

    def save(self, path: str | os.PathLike[str] | None = None) -> Path:
        """Scrub the interactions and write the cassette.

        Args:
            path: Where to write; defaults to :attr:`path`.

        Returns:
            The file written.
        """
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("Cassette.save() needs a path")
        self.interactions = [i.scrubbed(self.scrubber) for i in self.interactions]
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(self.to_yaml(), encoding="utf-8")
        tmp.replace(target)
        return target

    # ------------------------------------------------------------- faults

    def inject(self, index: int, *faults: Fault) -> None:
        """Answer interaction ``index`` first with each fault, then as recorded.

        Each matching request takes the next fault (its status, headers and body are
        served, or its ``exception`` is raised); once they are used up, the recorded
        response is served. When recording, ``index`` is the position the interaction
        will have, and the faults are served without calling the network.
        """
        self._check_index(index)
        self._faults.setdefault(index, deque()).extend(faults)

    def replace(self, index: int, fault: Fault) -> None:
        """Answer interaction ``index`` with ``fault`` instead of its recorded response."""
        self._check_index(index)
        self._replacements[index] = fault

    def _check_index(self, index: int) -> None:
        if not self.recording and not 0 <= index < len(self.interactions):
            raise IndexError(
                f"cassette has {len(self.interactions)} interactions; no index {index}"
            )

    # ------------------------------------------------------------- state

    @property
    def play_counts(self) -> list[int]:
        """How many times each interaction was answered (faults from ``inject`` excluded)."""
        return list(self._plays)

    def unused(self) -> list[int]:
        """Return the indexes of the interactions never answered."""
        return [i for i, n in enumerate(self._plays) if n == 0]

    # ------------------------------------------------------ start and stop

    def start(self, *, record: bool = False, allow: Iterable[str] | None = None) -> None:
        """Start replaying (the default) or recording.

        Args:
            record: Record instead of replaying.
            allow: While recording, the hosts the network guard lets through besides
                loopback; ``None`` (the default) opens the whole network.

        Raises:
            RuntimeError: The cassette is already active.
        """
        if self._active is not None:
            raise RuntimeError("the cassette is already playing or recording")
        self.requests, self.errors = [], []
        self.recording = record
        self._unanswered = []
        with contextlib.ExitStack() as stack:
            if record:
                self.interactions = []
                stack.enter_context(allow_network() if allow is None else block_network(allow))
                adapter = requests.adapters.HTTPAdapter
                send = self._recording_send(adapter.send)
                stack.enter_context(mock.patch.object(adapter, "send", send))
            else:
                import responses

                self._keys = [self._match_key(i.request) for i in self.interactions]
                self._plays = [0] * len(self.interactions)
                replay = responses.RequestsMock(assert_all_requests_are_fired=False)
                for method in _METHODS:
                    replay.add_callback(method, _ANY_URL, self._replay, content_type=None)
                stack.enter_context(replay)
            self._active = stack.pop_all()

    def stop(self, failure: BaseException | None = None) -> None:
        """Stop replaying or recording, and check the outcome.

        After a clean run (no ``failure``): a recording is written, unless a request got
        no answer (a connection error the code under test swallowed: the cassette would
        lack it); a replay raises the first remembered :class:`CassetteError` (the code
        under test may have swallowed it), then fails on interactions never requested,
        unless :attr:`allow_unused`.

        Args:
            failure: The exception the code under test failed with, if it failed. Then
                nothing is written or checked, except that a remembered error other
                than ``failure`` itself is raised: it is the likely cause.

        Raises:
            CassetteError: As described above.
        """
        if self._active is None:
            return
        self._active.close()
        self._active = None
        if self.errors and not any(failure is e for e in self.errors):
            raise self.errors[0]
        if failure is not None:
            return
        if self.recording:
            if self._unanswered:
                raise CassetteError(
                    f"{len(self._unanswered)} request(s) got no answer while recording "
                    f"{self._name}, so nothing was written (the cassette would lack them):\n"
                    + "\n".join(f"  {line}" for line in self._unanswered),
                    self.path,
                )
            self.save()
            return
        unused = self.unused()
        if unused and not self.allow_unused:
            listed = "\n".join(f"  #{i}: {self.interactions[i].request.describe()}" for i in unused)
            raise CassetteError(
                f"{len(unused)} recorded interaction(s) of {self._name} were never requested:\n"
                f"{listed}\nThe code under test made fewer requests than the recording. "
                "Re-record the cassette, or pass allow_unused=True if that is expected.",
                self.path,
            )

    @contextlib.contextmanager
    def _stopped_on_exit(self) -> Iterator[None]:
        """Stop the started cassette when the block ends, telling it what ended the block."""
        try:
            yield
        except BaseException as exc:
            self.stop(exc)
            raise
        self.stop()

    @contextlib.contextmanager
    def play(self) -> Iterator[Self]:
        """Replay within a ``with`` block; checks for errors and unused interactions on exit."""
        self.start()
        with self._stopped_on_exit():
            yield self

    @contextlib.contextmanager
    def record(
        self, path: str | os.PathLike[str] | None = None, *, allow: Iterable[str] | None = None
    ) -> Iterator[Self]:
        """Record within a ``with`` block; writes the scrubbed cassette on a clean exit.

        Args:
            path: Where to write; defaults to :attr:`path`.
            allow: The hosts the network guard lets through besides loopback while
                recording; ``None`` (the default) opens the whole network. ``()``
                records from a local server only.
        """
        if path is not None:
            self.path = Path(path)
        self.start(record=True, allow=allow)
        with self._stopped_on_exit():
            yield self

    @property
    def _name(self) -> str:
        return str(self.path) if self.path else "the cassette"

    # ------------------------------------------------------------- replay

    def match_key(self, request: Request) -> dict[str, Any]:
        """The form of ``request`` that replay compares: scrubbed, query and body normalised.

        Two requests match a recording alike when their keys are equal.
        """
        return self._match_key(request)

    def shown(self, request: Request) -> str:
        """``request`` in one line, scrubbed of every secret the cassette knows."""
        return _scrub_request(request, self.scrubber).describe()

    def _match_key(self, request: Request) -> dict[str, Any]:
        """The normalised, scrubbed request that matching compares."""
        clean = _scrub_request(request, self.scrubber)
        query = {k: clean.query[k] for k in sorted(clean.query) if k not in self.ignore_query}
        key: dict[str, Any] = {"method": clean.method, "url": clean.url, "query": query}
        if clean.body is not None:
            key["body"] = _sorted(_drop_keys(clean.body, self.ignore_body_keys))
        return key

    def _replay(self, prepared: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        request = Request.from_prepared(prepared)
        self._learn_request(prepared, request)
        with self._lock:
            self.requests.append(request)
            key = self._match_key(request)
            matches = [i for i, k in enumerate(self._keys) if k == key]
            index = next((i for i in matches if self._plays[i] == 0), None)
            if index is None:
                error = self._unmatched(request, key, matches)
                self.errors.append(error)
                raise error
            queue = self._faults.get(index)
            if queue:
                fault: Fault | None = queue.popleft()
            else:
                self._plays[index] += 1
                fault = self._replacements.get(index)
        if fault is not None:
            return fault.reply()
        response = self.interactions[index].response
        return response.status, dict(response.headers), response.content()

    def _unmatched(self, request: Request, key: dict[str, Any], used: list[int]) -> CassetteError:
        shown = _scrub_request(request, self.scrubber).describe()
        head = f"No recorded interaction in {self._name} matches this request:\n  {shown}\n"
        if used:
            return CassetteError(
                f"{head}It matches interaction(s) {', '.join(f'#{i}' for i in used)}, already "
                "answered: the code under test makes this request more often than the recording.",
                self.path,
            )
        if not self._keys:
            return CassetteError(f"{head}The cassette has no interactions.", self.path)
        actual = _dump_key(key)

        def score(i: int) -> float:
            same = (self._keys[i]["method"], self._keys[i]["url"]) == (key["method"], key["url"])
            return same + difflib.SequenceMatcher(None, _dump_key(self._keys[i]), actual).ratio()

        best = max(range(len(self._keys)), key=score)
        diff = difflib.unified_diff(
            _dump_key(self._keys[best]).splitlines(),
            actual.splitlines(),
            f"recorded #{best}",
            "actual request",
            lineterm="",
        )
        return CassetteError(
            f"{head}The closest recorded one is #{best} "
            f"({self.interactions[best].request.describe()}). Differences "
            f"(- recorded, + actual; both scrubbed):\n" + "\n".join(diff),
            self.path,
        )

    # ------------------------------------------------------------- record

    def _recording_send(self, real_send: Any) -> Any:
        def send(
            adapter: requests.adapters.HTTPAdapter,
            prepared: requests.PreparedRequest,
            *args: Any,
            **kwargs: Any,
        ) -> requests.Response:
            request = Request.from_prepared(prepared)
            self._learn_request(prepared, request)
            with self._lock:
                self.requests.append(request)
                queue = self._faults.get(len(self.interactions))
                fault = queue.popleft() if queue else None
            if fault is not None:
                return _fault_response(adapter, prepared, fault)
            try:
                response: requests.Response = real_send(adapter, prepared, *args, **kwargs)
            except Exception as exc:
                if not isinstance(exc, AssertionError):  # the network guard reports its own
                    shown = _scrub_request(request, self.scrubber).describe()
                    with self._lock:
                        self._unanswered.append(f"{shown}: {type(exc).__name__}")
                raise
            recorded = Response.from_requests(response)
            self._learn_response(response, recorded)
            with self._lock:
                self.interactions.append(Interaction(request, recorded))
                replacement = self._replacements.get(len(self.interactions) - 1)
            if replacement is not None:
                return _fault_response(adapter, prepared, replacement)
            return response

        return send


def _drop_keys(value: Any, keys: frozenset[str]) -> Any:
    if not keys:
        return value
    if isinstance(value, dict):
        return {k: _drop_keys(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [_drop_keys(v, keys) for v in value]
    return value


def _dump_key(key: Mapping[str, Any]) -> str:
    return yaml.dump(dict(key), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def _fault_response(
    adapter: requests.adapters.HTTPAdapter, prepared: requests.PreparedRequest, fault: Fault
) -> requests.Response:
    return canned_response(adapter, prepared, *fault.reply())


@contextlib.contextmanager
def use_cassette(
    path: str | os.PathLike[str],
    *,
    record: bool | None = None,
    allow_unused: bool = False,
    ignore_query: Iterable[str] = (),
    ignore_body_keys: Iterable[str] = (),
    scrubber: Scrubber | None = None,
    secrets: Iterable[Any] = (),
) -> Iterator[Cassette]:
    """Replay a cassette (or record it) for the duration of a ``with`` block.

    Args:
        path: The cassette file.
        record: Record instead of replaying; ``None`` reads ``PARTNERKIT_RECORD``.
        allow_unused: Do not fail on recorded interactions that were never requested.
        ignore_query: Query parameters left out when matching.
        ignore_body_keys: Body keys left out when matching.
        scrubber: Replaces the default :class:`~partnerkit.testing.scrub.Scrubber`.
        secrets: Secret values (or objects holding them) to scrub wherever they
            appear; see :meth:`Cassette.secret`.

    Yields:
        The playing (or recording) cassette.

    Raises:
        CassetteError: On a missing file, an unmatched request or unused interactions.
    """
    options: dict[str, Any] = {
        "allow_unused": allow_unused,
        "ignore_query": ignore_query,
        "ignore_body_keys": ignore_body_keys,
        "scrubber": scrubber,
        "secrets": secrets,
    }
    if record if record is not None else record_requested():
        with Cassette(path=path, **options).record() as cassette:
            yield cassette
    else:
        with Cassette.load(path, **options).play() as cassette:
            yield cassette
