"""The HubSpot connector passes partnerkit's connector contract suite.

The cassettes in ``cassettes/contract/`` hold one incremental read per stream
(2026-10-05 to 2026-10-06 in the portal's time zone, Asia/Jerusalem) and the
requests ``check()`` makes. Faults are injected at interaction 0, the account-info
request every read starts with.
"""

import datetime as dt
from pathlib import Path

from partnerkit_hubspot import HubSpotConnector

from partnerkit.connector import ReadRequest
from partnerkit.testing import ConnectorContract

CONTRACT = Path(__file__).parent / "cassettes" / "contract"
START, END = dt.date(2026, 10, 5), dt.date(2026, 10, 6)
#: The moment the reads happen (well after END: the range is complete).
AS_OF = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


class TestHubSpotContract(ConnectorContract):
    connector_class = HubSpotConnector
    settings = {"accounts": ["24681357"]}
    secrets = {"access_token": "test-token-not-real", "hash_salt": "test-salt-5d1c0f"}
    requests = (
        ReadRequest(stream="leads", start=START, end=END, as_of=AS_OF),
        ReadRequest(stream="deals", start=START, end=END, accounts=("24681357",), as_of=AS_OF),
    )
    cassette_dir = CONTRACT
    # Lead and deal streams have no per-day rows, so the suite's lookback check (for
    # performance records) does not apply; test_window.py checks the range mapping.
    lookback_cursor = END


class _OneStreamContract(ConnectorContract):
    """The suite for a stream read on its own connection (its own check and cassette)."""

    connector_class = HubSpotConnector
    secrets = {"access_token": "test-token-not-real", "hash_salt": "test-salt-5d1c0f"}
    lookback_cursor = END

    def __init_subclass__(cls, stream: str = "", folder: str = "", **kw: object) -> None:
        super().__init_subclass__(**kw)  # type: ignore[arg-type]
        cls.settings = {"accounts": ["24681357"], "streams": [stream]}
        cls.requests = (ReadRequest(stream=stream, start=START, end=END, as_of=AS_OF),)
        cls.cassette_dir = CONTRACT.parent / f"contract_{folder}"


class TestHubSpotActivitiesContract(_OneStreamContract, stream="activities", folder="activities"):
    pass


class TestHubSpotFormsContract(_OneStreamContract, stream="form_submissions", folder="forms"):
    pass


class TestHubSpotCompaniesContract(_OneStreamContract, stream="companies", folder="companies"):
    pass
