"""Shared fixtures: the test settings and a reader over cassettes.

Tests run with ``--import-mode=importlib``, so test modules cannot import this file:
everything they share is a fixture. The cassettes are written by hand from Mailchimp's
Marketing API reference (see the connector's module docstring): a made-up account
``8d3a3db4d97663a9074efcc16`` in data centre ``us19`` (New York time), three made-up
campaigns sent in October 2026; no key and no real person's data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from partnerkit_mailchimp import MailchimpConnector

from partnerkit.testing import ReadThrough, stream_reader
from partnerkit.testing.pytest_plugin import every_test_on_fake_time

CASSETTES = Path(__file__).parent / "cassettes"
KEY = "0123456789abcdef0123456789abcdef-us19"


_on_fake_time = every_test_on_fake_time()


@pytest.fixture
def read() -> Callable[..., ReadThrough]:
    """``read(cassette=None, start=, end=, faults=, replace=, **settings)``: a stream read.

    Through ``stream_reader`` and the contract cassette (or ``cassettes/<cassette>.yaml``),
    with the test key overlaid by ``settings``.
    """
    return stream_reader(
        CASSETTES,
        lambda settings: MailchimpConnector({"api_key": KEY, **settings}),
        stream="email_campaigns",
        start=dt.date(2026, 10, 1),
        end=dt.date(2026, 10, 31),
    )
