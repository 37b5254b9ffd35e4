"""The contract suite catches broken connectors, and refuses silent overrides.

Each case writes a small connector into a pytester folder, subclasses the contract
for it, and checks which contract tests fail.
"""

import re
import textwrap

import pytest

# pytester runs in-process; import the cassette module up front (see test_plugin.py).
import partnerkit.testing.cassette  # noqa: F401

CONNECTOR = """
import datetime as dt
from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict
from partnerkit.connector import Connector, ConnectorSettings, ReadRequest, StreamSpec
from partnerkit.records import RecordKind
from partnerkit.testing import ConnectorContract

class S(ConnectorSettings):
    model_config = SettingsConfigDict(env_prefix="PARTNERKIT_TOY_")
    account_id: str = "a1"
    token: SecretStr

class Toy(Connector[S]):
    name = "toy"
    settings_class = S
    streams = (StreamSpec(name="daily", kind=RecordKind.PERFORMANCE),)
    SHIFT = 0
    DUPLICATE = False

    def read(self, request):
        for day in request.days():
            rec = {{"date": day + dt.timedelta(days=self.SHIFT), "platform": "toy",
                   "account_id": self.settings.account_id, "clicks": 1}}
            yield rec
            if self.DUPLICATE:
                yield dict(rec)

    def __repr__(self):
        return {repr_expr}

class TestToy(ConnectorContract):
    connector_class = {cls}
    settings = {{"account_id": "a1"}}
    secrets = {{"token": "s3cr3t-value"}}
    requests = (ReadRequest(stream="daily", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 3)),)
    check_entry_point = False
{extra}
"""


def run(
    pytester: pytest.Pytester,
    *,
    cls: str = "Toy",
    repr_expr: str = "'<Toy>'",
    extra: str = "",
    prelude: str = "",
):
    source = CONNECTOR.format(cls=cls, repr_expr=repr_expr, extra=textwrap.indent(extra, "    "))
    pytester.makepyfile(test_toy=source.replace("class TestToy", prelude + "\nclass TestToy"))
    return pytester.runpytest_inprocess("-q", "-p", "no:cacheprovider")


def test_a_good_connector_passes(pytester: pytest.Pytester) -> None:
    # skipped: Toy has no HTTP, so the fault, auth, check, today and http checks skip
    result = run(pytester)
    result.assert_outcomes(passed=6, skipped=9)


def test_dates_outside_the_range_fail(pytester: pytest.Pytester) -> None:
    prelude = "class Late(Toy):\n    SHIFT = 1\n"
    result = run(pytester, cls="Late", prelude=prelude)
    result.assert_outcomes(failed=1, passed=5, skipped=9)
    result.stdout.fnmatch_lines(["*test_contract_read_yields_valid_records*"])
    # SHIFT = 1 moves 10-03 to 10-04: one day past the request's end
    result.stdout.fnmatch_lines(
        [
            "E*AssertionError: stream 'daily': a record after the request's end 2026-10-03: "
            "date=2026-10-04, platform='toy', account_id='a1' (the other key columns are empty)"
        ]
    )


def test_duplicate_keys_fail(pytester: pytest.Pytester) -> None:
    prelude = "class Twice(Toy):\n    DUPLICATE = True\n"
    result = run(pytester, cls="Twice", prelude=prelude)
    result.assert_outcomes(failed=1, passed=5, skipped=9)
    # Toy yields each of 10-01..10-03 twice: three keys, each on two records, named by
    # their non-empty key columns (a performance record's key has eleven columns).
    result.stdout.fnmatch_lines(
        [
            "E*AssertionError: stream 'daily': 3 primary key(s) read more than once in one "
            "read (the key columns: date, platform, account_id, level, campaign_id, "
            "ad_group_id, ad_id, source, medium, utm_campaign, segment); yield each key once, "
            "or tell the records apart with a key column:",
            "E*  2 records with date=2026-10-01, platform='toy', account_id='a1' "
            "(the other key columns are empty)",
            "E*  2 records with date=2026-10-02, platform='toy', account_id='a1' "
            "(the other key columns are empty)",
            "E*  2 records with date=2026-10-03, platform='toy', account_id='a1' "
            "(the other key columns are empty)",
        ]
    )
    # the key columns and values, not the record_id hashes
    assert not re.search(r"[0-9a-f]{32}", result.stdout.str())


def test_a_leaked_secret_fails(pytester: pytest.Pytester) -> None:
    result = run(pytester, repr_expr="f'<Toy {self.settings.token.get_secret_value()}>'")
    result.assert_outcomes(failed=1, passed=5, skipped=9)
    result.stdout.fnmatch_lines(["*test_contract_secrets_never_shown*"])


def test_overriding_a_contract_test_needs_an_xfail_with_reason(pytester: pytest.Pytester) -> None:
    result = run(pytester, extra="def test_contract_reread_is_identical(self):\n    pass\n")
    result.stdout.fnmatch_lines(["*overrides a contract test*xfail*"])
    assert result.ret != 0


def test_an_xfail_override_with_reason_is_allowed(pytester: pytest.Pytester) -> None:
    extra = (
        "@pytest.mark.xfail(reason='the toy API is not deterministic', strict=True)\n"
        "def test_contract_reread_is_identical(self):\n"
        "    raise AssertionError('differs')\n"
    )
    result = run(pytester, extra=extra, prelude="import pytest\n")
    result.assert_outcomes(passed=5, skipped=9, xfailed=1)
