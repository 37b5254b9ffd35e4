"""The Meta connector passes partnerkit's connector contract suite.

Each request replays ``cassettes/contract/<stream>.yaml``; ``check.yaml`` serves
``check()``. Faults (429, 5xx, 401, 403) are injected into the same cassettes by the
suite itself.
"""

import datetime as dt
from pathlib import Path

from partnerkit_meta import MetaConnector

from partnerkit.connector import ReadRequest
from partnerkit.testing import ConnectorContract

CONTRACT = Path(__file__).parent / "cassettes" / "contract"
OCT_1_2 = {"start": dt.date(2026, 10, 1), "end": dt.date(2026, 10, 2)}
#: The moment the reads happen (12:00 in Jerusalem on 2026-10-15): "today" and Meta's
#: 37-month history limit count from it, not from the day the suite runs.
AS_OF = dt.datetime(2026, 10, 15, 9, 0, tzinfo=dt.UTC)


class TestMetaContract(ConnectorContract):
    connector_class = MetaConnector
    settings = {"accounts": ["act_1029384756"], "api_version": "v26.0", "page_size": 2}
    secrets = {"access_token": "test-token-not-real", "app_secret": "test-app-secret-not-real"}
    sdk_modules = ("facebook_business",)
    requests = (
        ReadRequest(stream="ad_insights", **OCT_1_2, as_of=AS_OF),
        ReadRequest(stream="campaigns"),
        ReadRequest(stream="ad_sets"),
        ReadRequest(stream="ads", accounts=("act_1029384756",)),
    )
    cassette_dir = CONTRACT
    # 2026-10-28 + 1 day - 28 days (the default lookback) = 2026-10-01, the first day read.
    lookback_cursor = dt.date(2026, 10, 28)


class TestMetaBreakdownsContract(TestMetaContract):
    """The same contract with ``breakdowns`` set: rows split by placement (issue #23).

    ``ad_insights`` replays ``breakdowns/placement.yaml``; ``check()`` the account
    answer of ``contract/check.yaml`` (linked beside it).
    """

    settings = {
        **TestMetaContract.settings,
        "breakdowns": ["publisher_platform", "platform_position"],
    }
    requests = (ReadRequest(stream="ad_insights", **OCT_1_2, as_of=AS_OF),)
    cassette_dir = CONTRACT.parent / "breakdowns"

    def cassette_path(self, request: ReadRequest) -> Path | None:
        """Every request of this contract replays the placement cassette."""
        return CONTRACT.parent / "breakdowns" / "placement.yaml"
