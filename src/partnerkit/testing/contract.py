"""The connector contract suite: the checks every connector passes, built-in or yours.

Subclass :class:`ConnectorContract` in a test module, say what to test, and pytest
collects the inherited ``test_contract_*`` methods::

    from partnerkit.testing import ConnectorContract

    class TestShopContract(ConnectorContract):
        connector_class = ShopConnector
        settings = {"account_id": "42"}
        secrets = {"api_token": "test-token"}          # set through the environment
        requests = [ReadRequest(stream="daily", start=date(2026, 10, 1), end=date(2026, 10, 3))]
        cassette_dir = Path(__file__).parent / "cassettes" / "contract"

Each request in ``requests`` replays ``<cassette_dir>/<stream>.yaml`` (when a
cassette directory is given), so the checks run the connector's real request
building and response parsing offline.

Recording: with ``--record`` (or ``PARTNERKIT_RECORD=1``) the suite records every
cassette it replays, once per session, before the first check that needs it: each
stream's cassette from its request in ``requests`` and, for ``Capability.CHECK``,
``check.yaml`` from a real ``check()``. It records with the real secrets from the
environment (``<env_prefix><FIELD>``; the fake ``secrets`` are for replaying) and the
non-secret ``settings`` as given, scrubs the secrets by value, then runs every check
on the new cassettes. A check that injects faults never writes a cassette.

Capability flags on the connector (:class:`~partnerkit.connector.Capability`) skip
what does not apply: fault checks need ``HTTP``, the lookback check ``INCREMENTAL``,
the credentials check ``CHECK``. A contract test may only be overridden as an
expected failure with a reason (``@pytest.mark.xfail(reason=...)``); anything else
is refused when the class is defined.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import pytest
from pydantic import SecretStr

from partnerkit._environ import environment as set_environment
from partnerkit.connector import (
    TODAY_EXCLUDED,
    Capability,
    Connector,
    ConnectorSettings,
    HttpConnectorSettings,
    ReadRequest,
    ReadWindow,
)
from partnerkit.errors import (
    AuthenticationError,
    PermissionDeniedError,
    RateLimitError,
    SourceError,
    TransientError,
)
from partnerkit.records import Record, RecordKind, key_columns
from partnerkit.registry import get_connector
from partnerkit.testing.guard import record_requested

__all__ = ["ConnectorContract"]

_PREFIX = "test_contract_"
_RECORDED = pytest.StashKey[set[Path]]()
_SHOWN_DUPLICATES = 5


def _is_xfail_with_reason(func: Any) -> bool:
    for mark in getattr(func, "pytestmark", []):
        if mark.name == "xfail" and (mark.kwargs.get("reason") or "").strip():
            return True
    return False


def _env_value(value: Any) -> str:
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, str):
        return value
    if isinstance(value, Path):
        return str(value)
    return json.dumps(value, default=str)


class ConnectorContract:
    """Base class of a connector's contract tests.

    Attributes:
        connector_class: The connector under test.
        settings: Non-secret settings (a mapping as in a workspace file).
        secrets: Secret settings by field name; the suite passes them through the
            environment (``<env_prefix><FIELD>``) as production does, and the
            cassettes scrub them by value.
        requests: One read request per stream to exercise.
        cassette_dir: Folder with one cassette per stream (``<stream>.yaml``), or None
            for connectors that need no network.
        check_entry_point: Whether the connector must resolve through its entry point
            (False for a connector used without installing it, e.g. in a notebook).
        lookback_cursor: For incremental connectors: a cursor day inside the requests'
            range; the suite plans the incremental read from it and checks the
            lookback window is re-read.
        allow_empty: Streams that may legitimately read no record.
        sdk_modules: Prefixes of the modules (a vendor SDK, gRPC) that importing the
            connector's package must not load: they load when a read needs them, so
            ``partnerkit connectors`` and a workspace check stay fast.
    """

    connector_class: ClassVar[type[Connector[Any]]]
    settings: ClassVar[Mapping[str, Any]] = {}
    secrets: ClassVar[Mapping[str, str]] = {}
    requests: ClassVar[Sequence[ReadRequest]] = ()
    cassette_dir: ClassVar[Path | None] = None
    check_entry_point: ClassVar[bool] = True
    lookback_cursor: ClassVar[dt.date | None] = None
    allow_empty: ClassVar[frozenset[str]] = frozenset()
    sdk_modules: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, func in vars(cls).items():
            if name.startswith(_PREFIX) and not _is_xfail_with_reason(func):
                raise TypeError(
                    f"{cls.__name__}.{name} overrides a contract test. A contract test may "
                    f"only be overridden as an expected failure with a reason: decorate it "
                    f'with @pytest.mark.xfail(reason="...") and say why it does not apply.'
                )

    @pytest.fixture(autouse=True)
    def _contract_session(self, request: pytest.FixtureRequest) -> None:
        """Remember, for the whole session, which cassettes ``--record`` has recorded."""
        self._recorded = request.config.stash.setdefault(_RECORDED, set())

    # ------------------------------------------------------------------ hooks

    def env(self) -> dict[str, str]:
        """The environment variables that carry the secrets."""
        prefix = str(self.connector_class.settings_class.model_config.get("env_prefix", ""))
        return {f"{prefix}{k}".upper(): v for k, v in self.secrets.items()}

    @contextlib.contextmanager
    def environment(self) -> Iterator[None]:
        """Set the secret environment variables for the duration of a block."""
        with set_environment(self.env()):
            yield

    def make_connector(self) -> Connector[Any]:
        """Build the connector from :attr:`settings` plus secrets from the environment."""
        with self.environment():
            return self.connector_class(dict(self.settings))

    def cassette_path(self, request: ReadRequest) -> Path | None:
        """The cassette a request replays (``<cassette_dir>/<stream>.yaml``)."""
        if self.cassette_dir is None:
            return None
        return self.cassette_dir / f"{request.stream}.yaml"

    @contextlib.contextmanager
    def replay(self, request: ReadRequest, faults: Sequence[Any] = ()) -> Iterator[Any]:
        """Replay the request's cassette on a fake clock, optionally with faults first.

        The fake clock means retries and rate limiters never really sleep in the suite.
        """
        path = self.cassette_path(request)
        if path is None:
            yield None
            return
        from partnerkit.testing.cassette import use_cassette

        self._record_once(path, lambda connector: self._read_for_recording(connector, request))
        with (
            self._fake_time(),
            use_cassette(
                path, record=False, allow_unused=bool(faults), secrets=self._scrubbed()
            ) as cassette,
        ):
            if faults:
                cassette.inject(0, *faults)
            yield cassette

    def read(self, request: ReadRequest) -> list[Record]:
        """Read one request through a fresh connector and the replayed cassette."""
        with self.replay(request), self.make_connector() as connector:
            return connector.stream(request).to_dicts()

    # ------------------------------------------------------------ the contract

    def test_contract_entry_point_resolves(self) -> None:
        """The entry point resolves to the class, and the names agree."""
        if not self.check_entry_point:
            pytest.skip("the connector is not installed through an entry point")
        assert get_connector(self.connector_class.name) is self.connector_class

    def test_contract_streams_are_declared(self) -> None:
        """Stream names are unique; every request names a declared stream."""
        names = [s.name for s in self.connector_class.streams]
        assert names, "a connector declares at least one stream"
        assert len(names) == len(set(names)), f"duplicate stream names: {names}"
        assert self.requests, "give the contract at least one ReadRequest in `requests`"
        for request in self.requests:
            assert request.stream in names, f"request for undeclared stream {request.stream!r}"
        for spec in self.connector_class.streams:
            assert spec.default_lookback >= dt.timedelta(0)

    def test_contract_import_does_not_load_the_sdk(self) -> None:
        """The package imports alone in a fresh interpreter, loading none of :attr:`sdk_modules`."""
        package = self.connector_class.__module__.partition(".")[0]
        code = (
            f"import sys, {package}; "
            f"print(any(m.startswith({tuple(self.sdk_modules)!r}) for m in sys.modules))"
        )
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
        )
        assert out.stdout.strip() == "False"

    def test_contract_settings_from_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Every setting can come from ``<env_prefix><FIELD>`` environment variables."""
        settings_class: type[ConnectorSettings] = self.connector_class.settings_class
        prefix = str(settings_class.model_config.get("env_prefix", ""))
        assert prefix, "set model_config = SettingsConfigDict(env_prefix='PARTNERKIT_<NAME>_')"
        expected = self.make_connector().settings
        for field, value in {**self.settings, **self.secrets}.items():
            monkeypatch.setenv(f"{prefix}{field}".upper(), _env_value(value))
        from_env = self.connector_class(None).settings
        assert from_env == expected

    def test_contract_secrets_never_shown(self, caplog: pytest.LogCaptureFixture) -> None:
        """Secrets appear in no repr, str, dump or log line."""
        caplog.set_level(logging.DEBUG)
        connector = self.make_connector()
        for field, info in connector.settings_class.model_fields.items():
            value = getattr(connector.settings, field)
            if field in self.secrets:
                assert isinstance(value, SecretStr), f"secret setting {field!r} must be SecretStr"
            del info
        shown = [
            repr(connector),
            str(connector.settings),
            repr(connector.settings),
            connector.settings.model_dump_json(),
        ]
        with contextlib.suppress(SourceError):
            for request in self.requests[:1]:
                with self.replay(request):
                    connector.stream(request).to_dicts()
        connector.close()
        shown.extend(r.getMessage() for r in caplog.records)
        for secret in self.secrets.values():
            for text in shown:
                assert secret not in text, "a secret value leaked into a repr or a log line"

    def test_contract_read_yields_valid_records(self) -> None:
        """Records are of the declared kind, keys are valid, dates inside the range."""
        for request in self.requests:
            spec = self.connector_class.stream_spec(request.stream)
            records = self.read(request)
            if request.stream not in self.allow_empty:
                assert records, f"stream {request.stream!r} read no record; add it to allow_empty"
            duplicates = _duplicate_keys(request.stream, spec.kind, records)
            if duplicates is not None:
                raise AssertionError(duplicates)
            required = [c for c in key_columns(spec.kind) if c in ("platform", "account_id")]
            where = f"stream {request.stream!r}"
            for rec in records:
                key = _key_text(spec.kind, rec)
                for column in required:
                    assert rec.get(column), f"{where}: key column {column!r} is empty in {key}"
                if spec.kind is RecordKind.PERFORMANCE:
                    day = rec["date"]  # type: ignore[typeddict-item]
                    assert request.start is None or day >= request.start, (
                        f"{where}: a record before the request's start {request.start}: {key}"
                    )
                    assert request.end is None or day <= request.end, (
                        f"{where}: a record after the request's end {request.end}: {key}"
                    )
                if request.accounts:
                    assert rec["account_id"] in request.accounts, (
                        f"{where}: a record of an account the request did not ask for "
                        f"({', '.join(request.accounts)}): {key}"
                    )

    def test_contract_reread_is_identical(self) -> None:
        """Reading the same range twice gives the same records."""
        for request in self.requests:
            first = sorted(self.read(request), key=lambda r: r["record_id"])
            second = sorted(self.read(request), key=lambda r: r["record_id"])
            assert first == second, (
                f"stream {request.stream!r}: reading the same range twice gave different records"
            )

    def test_contract_lookback_is_honoured(self) -> None:
        """An incremental read planned from a cursor re-reads the lookback window."""
        if Capability.INCREMENTAL not in self.connector_class.capabilities:
            pytest.skip("the connector does not declare Capability.INCREMENTAL")
        if self.lookback_cursor is None:
            pytest.skip("set lookback_cursor to a day inside the requests' range")
        for request in self.requests:
            spec = self.connector_class.stream_spec(request.stream)
            if spec.cursor is None or spec.kind is not RecordKind.PERFORMANCE:
                continue
            planned = spec.incremental_request(
                self.lookback_cursor, end=request.end, accounts=request.accounts
            )
            expected_start = self.lookback_cursor + dt.timedelta(days=1) - spec.default_lookback
            assert planned.start == min(expected_start, request.end or expected_start)
            # the planned read happens at the same moment as the request it follows
            update = {"options": request.options, "as_of": request.as_of}
            records = self.read(planned.model_copy(update=update))
            days = {r["date"] for r in records}  # type: ignore[typeddict-item]
            if days:
                assert min(days) >= planned.start

    @pytest.mark.parametrize(
        ("fault_name", "expected"),
        [
            ("rate_limited", RateLimitError),
            ("server_error", TransientError),
        ],
    )
    def test_contract_retriable_faults(self, fault_name: str, expected: type[SourceError]) -> None:
        """A 429 or a 5xx that persists ends in the retriable error after retries."""
        self._require_http()
        from partnerkit.testing import faults

        fault = getattr(faults, fault_name)()
        request = self.requests[0]
        with (
            self.replay(request, [fault] * 20),
            self.make_connector() as connector,
            pytest.raises(expected) as info,
        ):
            connector.stream(request).to_dicts()
        assert info.value.retriable

    @pytest.mark.parametrize(
        ("status", "expected"), [(401, AuthenticationError), (403, PermissionDeniedError)]
    )
    def test_contract_auth_errors_are_mapped(
        self, status: int, expected: type[SourceError]
    ) -> None:
        """401 and 403 map to the authentication / permission errors, message kept."""
        self._require_http()
        from partnerkit.testing.faults import Fault

        message = f"contract-test-message-{status}"
        body = json.dumps({"error": {"message": message, "code": status}})
        fault = Fault(status=status, headers={"Content-Type": "application/json"}, body=body)
        request = self.requests[0]
        with (
            self.replay(request, [fault]),
            self.make_connector() as connector,
            pytest.raises(expected) as info,
        ):
            connector.stream(request).to_dicts()
        assert not info.value.retriable
        assert message in (info.value.vendor_message or str(info.value))

    def test_contract_check_fails_cleanly(self) -> None:
        """check() reports bad credentials as a failed result, not a crash."""
        if Capability.CHECK not in self.connector_class.capabilities:
            pytest.skip("the connector does not declare Capability.CHECK")
        self._require_http()
        from partnerkit.testing.faults import Fault

        body = json.dumps({"error": {"message": "Invalid credentials", "code": 401}})
        fault = Fault(status=401, headers={"Content-Type": "application/json"}, body=body)
        path = self.cassette_dir / "check.yaml" if self.cassette_dir else None
        assert path is not None, "check() needs a cassette_dir"
        self._record_once(path, _check_for_recording)
        assert path.exists(), (
            f"record a cassette for check() at {path}: run this test with --record and the "
            f"credentials in the environment"
        )
        from partnerkit.testing.cassette import use_cassette

        with (
            self._fake_time(),
            use_cassette(
                path, record=False, allow_unused=True, secrets=self._scrubbed()
            ) as cassette,
            self.make_connector() as connector,
        ):
            cassette.inject(0, fault)
            result = connector.check()
        assert not result.ok
        assert isinstance(result.error, AuthenticationError)

    def test_contract_excluded_today_is_reported(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """An end past the account's last complete day is clipped, with ``today_excluded``.

        The suite reads the first dated request, learns the account's time zone (from
        :meth:`ReadRequest.window` or the records' ``timezone``), then reads again on
        the same connector as of noon of the day after ``end`` there, asking for two
        days more: the read must end on ``end`` (the same requests are replayed) and
        say so with the one notice code.
        """
        request = self._dated_request()
        seen: list[ReadWindow] = []
        real_window = ReadRequest.window

        def spy(self_: ReadRequest, *args: Any, **kwargs: Any) -> ReadWindow:
            window = real_window(self_, *args, **kwargs)
            seen.append(window)
            return window

        monkeypatch.setattr(ReadRequest, "window", spy)
        assert request.end is not None
        with self.make_connector() as connector:
            with self.replay(request):
                first = connector.stream(request).to_dicts()
            zone = next((w.zone for w in seen if w.zone), None) or next(
                (str(r["timezone"]) for r in first if r.get("timezone")),  # type: ignore[typeddict-item]
                None,
            )
            assert zone is not None, (
                f"stream {request.stream!r}: the read named no account time zone; clip "
                "the dates with ReadRequest.window(zone) (or fill the records' timezone)"
            )
            after = request.end + dt.timedelta(days=1)
            later = request.model_copy(
                update={
                    "end": request.end + dt.timedelta(days=2),
                    "include_today": False,
                    "as_of": dt.datetime.combine(after, dt.time(12), ZoneInfo(zone)),
                }
            )
            with self._replay_again(request):
                stream = connector.stream(later)
                second = stream.to_dicts()
        codes = [n.code for n in stream.notices]
        assert TODAY_EXCLUDED in codes, (
            f"stream {request.stream!r}: reading up to {later.end} on {after} ({zone}) must "
            f"yield a {TODAY_EXCLUDED!r} notice (ReadRequest.window(...).notice(account)); "
            f"got {codes}"
        )
        excluded = [n for n in stream.notices if n.code == TODAY_EXCLUDED]
        assert {n.details.get("end") for n in excluded} == {request.end.isoformat()}
        assert len(second) == len(first)

    def test_contract_http_settings_reach_the_seam(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The shared ``http`` settings are honoured: the timeout and attempts at the seam."""
        self._require_http()
        from partnerkit import http
        from partnerkit.testing import faults

        settings_class = self.connector_class.settings_class
        assert issubclass(settings_class, HttpConnectorSettings), (
            f"{settings_class.__name__} must derive from HttpConnectorSettings, so the "
            "connector accepts the shared http settings (docs/http.md)"
        )
        timeouts: list[Any] = []
        real_send = http.PartnerkitAdapter.send

        def spy(adapter: Any, request: Any, **kwargs: Any) -> Any:
            given = kwargs.get("timeout")
            timeouts.append(adapter.timeout if given is None else given)  # what is sent
            return real_send(adapter, request, **kwargs)

        monkeypatch.setattr(http.PartnerkitAdapter, "send", spy)
        configured = {"timeout_seconds": 12.75, "max_attempts": 2}
        request = self.requests[0]
        with self.replay(request), self._connector_with_http(configured) as connector:
            connector.stream(request).to_dicts()
        assert timeouts, "no request went through partnerkit's seam (partnerkit.http)"
        wrong = [t for t in timeouts if t != 12.75 and not (isinstance(t, tuple) and t[1] == 12.75)]
        assert not wrong, f"requests sent without the configured 12.75 s timeout: {wrong}"
        with (
            self.replay(request, [faults.server_error()] * 5),
            self._connector_with_http(configured) as connector,
            pytest.raises(TransientError) as info,
        ):
            connector.stream(request).to_dicts()
        assert info.value.details.get("attempts") == 2

    # --------------------------------------------------------------- recording

    def _record_once(self, path: Path, action: Callable[[Connector[Any]], object]) -> None:
        """In record mode, record ``path`` with the real credentials, once per session.

        Args:
            path: The cassette to write.
            action: What to do with a connector built from the real environment.
        """
        recorded: set[Path] = getattr(self, "_recorded", set())
        if not record_requested() or path.resolve() in recorded:
            return
        prefix = str(self.connector_class.settings_class.model_config.get("env_prefix", ""))
        names = [f"{prefix}{field}".upper() for field in self.secrets]
        missing = [name for name in names if not os.environ.get(name)]
        if missing:
            pytest.fail(
                f"recording {path} needs the real secret(s) in the environment: "
                f"{', '.join(missing)} (the contract's fake `secrets` are only for replaying)",
                pytrace=False,
            )
        real = [os.environ[name] for name in names]
        from partnerkit.testing.cassette import use_cassette

        with (
            use_cassette(path, record=True, secrets=real),
            self.connector_class(dict(self.settings)) as connector,
        ):
            action(connector)
        recorded.add(path.resolve())

    def _read_for_recording(self, connector: Connector[Any], request: ReadRequest) -> None:
        """Read the stream's request from :attr:`requests` (the one its cassette is for)."""
        declared = next((r for r in self.requests if r.stream == request.stream), request)
        connector.stream(declared).to_dicts()

    # ---------------------------------------------------------------- helpers

    def _scrubbed(self) -> list[str]:
        """The fake secrets, for the cassette to scrub by value (too short ones cannot be)."""
        from partnerkit.testing.credentials import MIN_SECRET_LENGTH

        return [v for v in self.secrets.values() if len(v) >= MIN_SECRET_LENGTH]

    def _dated_request(self) -> ReadRequest:
        """The first request with an ``end``, for a connector that reads a platform's days."""
        caps = self.connector_class.capabilities
        if Capability.HTTP not in caps or Capability.INCREMENTAL not in caps:
            pytest.skip("only a platform API (HTTP, INCREMENTAL) has an incomplete today")
        if self.cassette_dir is None:
            pytest.skip("the check replays the stream's cassette")
        for request in self.requests:
            if request.end is not None:
                return request
        pytest.skip("no request in `requests` has an end")

    @contextlib.contextmanager
    def _replay_again(self, request: ReadRequest) -> Iterator[None]:
        """Replay a cassette a second time (a connector may cache what it read first)."""
        from partnerkit.testing.cassette import use_cassette

        path = self.cassette_path(request)
        assert path is not None
        with (
            self._fake_time(),
            use_cassette(path, record=False, allow_unused=True, secrets=self._scrubbed()),
        ):
            yield

    def _connector_with_http(self, http: Mapping[str, Any]) -> Connector[Any]:
        """The connector with :attr:`settings` and these ``http`` keys over them."""
        given = dict(self.settings)
        given["http"] = {**dict(given.get("http") or {}), **http}
        with self.environment():
            return self.connector_class(given)

    def _require_http(self) -> None:
        if Capability.HTTP not in self.connector_class.capabilities:
            pytest.skip("the connector does not declare Capability.HTTP")
        if self.cassette_dir is None:
            pytest.skip("fault checks need a cassette_dir")

    @contextlib.contextmanager
    def _fake_time(self) -> Iterator[None]:
        from partnerkit.http import use_clock
        from partnerkit.testing.clock import FakeClock

        with use_clock(FakeClock()):
            yield


def _check_for_recording(connector: Connector[Any]) -> None:
    result = connector.check()
    if not result.ok:
        raise AssertionError(
            f"check() failed while recording, so nothing was written: {result.message}"
        )


def _key_text(kind: RecordKind, record: Mapping[str, Any]) -> str:
    """A record's key columns and values, e.g. ``date=2026-10-01, platform='meta'``."""
    shown = [
        f"{column}={value}" if isinstance(value, dt.date) else f"{column}={value!r}"
        for column in key_columns(kind)
        if (value := record.get(column)) is not None
    ]
    return ", ".join(shown) + " (the other key columns are empty)" if shown else "(all empty)"


def _duplicate_keys(
    stream: str, kind: RecordKind, records: Sequence[Mapping[str, Any]]
) -> str | None:
    """Describe the primary keys read more than once, or None when every key is unique."""
    seen: dict[str, list[Mapping[str, Any]]] = {}
    for record in records:
        seen.setdefault(record["record_id"], []).append(record)
    repeated = [group for group in seen.values() if len(group) > 1]
    if not repeated:
        return None
    lines = [
        f"stream {stream!r}: {len(repeated)} primary key(s) read more than once in one read "
        f"(the key columns: {', '.join(key_columns(kind))}); yield each key once, or tell "
        f"the records apart with a key column:"
    ]
    for group in repeated[:_SHOWN_DUPLICATES]:
        lines.append(f"  {len(group)} records with {_key_text(kind, group[0])}")
    if len(repeated) > _SHOWN_DUPLICATES:
        lines.append(f"  ... and {len(repeated) - _SHOWN_DUPLICATES} more")
    return "\n".join(lines)
