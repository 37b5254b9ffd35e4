"""How the demo reads: each connection through its connector, replaying its cassette.

Shared by :func:`partnerkit.demo.load_demo` (whose workspace replays the cassettes:
each platform connection's ``replay:``) and ``scripts/make_demo_data.py`` (which records
them against a fake API, for every range in :data:`RECORDED_RANGES`), so both make
exactly the same requests.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from partnerkit._environ import environment
from partnerkit.connector import Notice, ReadRequest

if TYPE_CHECKING:
    from partnerkit.model import Workspace

__all__ = [
    "CASSETTES",
    "DEMO_DIR",
    "DIRECT_MONTHS",
    "NOW",
    "READS",
    "RECORDED_RANGES",
    "Reads",
    "demo_environment",
    "read_connections",
]

DEMO_DIR = Path(__file__).parent
CASSETTES = DEMO_DIR / "cassettes"

NOW = dt.datetime(2026, 11, 15, 7, 30, tzinfo=dt.UTC)
"""The moment the demo happens: a Sunday morning, the October report in (late).

Every demo read is made as of it (``ReadRequest.as_of``), so the requests never depend
on the day the demo runs (no "today" cut, no history limit)."""

READ_START = dt.date(2026, 8, 1)
READ_END = dt.date(2026, 10, 31)

#: The months ``partnerkit report --month`` reads directly (no warehouse) from a recording.
DIRECT_MONTHS: tuple[dt.date, ...] = (
    dt.date(2026, 8, 1),
    dt.date(2026, 9, 1),
    dt.date(2026, 10, 1),
)

#: Every run of whole months of the demo data: the date ranges the cassettes answer
#: (a replay matches requests exactly, and the connectors' requests name the range).
RECORDED_RANGES: tuple[tuple[dt.date, dt.date], ...] = (
    (READ_START, READ_END),
    (dt.date(2026, 8, 1), dt.date(2026, 8, 31)),
    (dt.date(2026, 9, 1), dt.date(2026, 9, 30)),
    (dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
    (dt.date(2026, 8, 1), dt.date(2026, 9, 30)),
    (dt.date(2026, 9, 1), dt.date(2026, 10, 31)),
)

#: Connection → the streams the demo reads from it, in order (one cassette each).
READS: dict[str, tuple[str, ...]] = {
    "meta": ("ad_insights", "campaigns"),
    "google-ads": ("performance", "campaigns"),
    "ga4": ("traffic",),
    "hubspot": ("leads", "deals", "activities"),
    "files": (),  # every stream its files feed
    "search-console": ("search_performance", "search_totals"),
    "mailchimp": ("email_campaigns",),
    "linkedin-ads": ("campaign_performance", "campaigns", "leads"),
    "meta-pages": ("page_insights",),
}

#: The demo's fake, non-secret credentials, for recording (a replay needs none).
FAKE_SECRETS: dict[str, str] = {
    "PARTNERKIT_DEMO_META_ACCESS_TOKEN": "demo-meta-token-not-real",
    "PARTNERKIT_DEMO_GOOGLE_ADS_DEVELOPER_TOKEN": "demo-developer-token-not-real",
    "PARTNERKIT_DEMO_GOOGLE_ADS_ACCESS_TOKEN": "demo-google-ads-token-not-real",
    "PARTNERKIT_DEMO_GA4_ACCESS_TOKEN": "demo-ga4-token-not-real",
    "PARTNERKIT_DEMO_HUBSPOT_ACCESS_TOKEN": "demo-hubspot-token-not-real",
}


@dataclass
class Reads:
    """What the demo's connections returned.

    Attributes:
        records: Record dicts by record kind (``performance``, ``lead``, ...).
        rows: Records read per ``connection/stream``.
        notices: Notices per ``connection/stream``.
        owners: CRM owner id → name (from HubSpot's owners).
    """

    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    notices: dict[str, list[Notice]] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)


@contextlib.contextmanager
def demo_environment() -> Iterator[None]:
    """Set the demo's fake credentials; restore the environment after."""
    with environment(FAKE_SECRETS):
        yield


def read_connections(
    ws: Workspace,
    tape: Callable[[Path], AbstractContextManager[Any]] | None = None,
    *,
    ranges: tuple[tuple[dt.date, dt.date], ...] = ((READ_START, READ_END),),
    every_stream: bool = False,
    direct_months: tuple[dt.date, ...] = (),
) -> Reads:
    """Read every demo connection for each date range, as of :data:`NOW`.

    Args:
        ws: The demo workspace.
        tape: For recording: each platform connection is read inside
            ``tape(<its cassette>)`` (the workspace must then not replay, and the
            reads run inside :func:`demo_environment`). ``None``: the workspace's
            connections replay their recordings.
        ranges: The date ranges to read (the files are read once, in full).
        every_stream: Read every enabled stream (as ``partnerkit pull`` and ``sync``
            do), not only those in :data:`READS`.
        direct_months: Also make, for each of these months, the reads that
            ``partnerkit report --month`` makes without a warehouse
            (:func:`partnerkit.analysis.direct.read_month`: the month and the one before,
            CRM records by their own dates), so a recording answers them too.
    """
    from partnerkit.analysis.direct import month_request
    from partnerkit.analysis.periods import Window
    from partnerkit.model.replay import replaying

    out = Reads()
    for conn in ws.connections:
        wanted = READS.get(conn.name)
        if wanted is None:
            continue
        recorded = contextlib.nullcontext() if conn.connector == "files" or tape is None else None
        with (
            recorded or tape(CASSETTES / f"{conn.name}.yaml"),  # type: ignore[misc]
            ws.connector(conn.name) as connector,
        ):
            specs = connector.enabled_streams()
            names = (not every_stream and wanted) or tuple(s.name for s in specs)
            kinds = {s.name: s.kind for s in connector.streams}
            for start, end in ranges if conn.connector != "files" else ranges[:1]:
                for name in names:
                    # Files are read in full (the trade-show import is from May).
                    request = (
                        ReadRequest(stream=name, as_of=NOW)
                        if conn.connector == "files"
                        else ReadRequest(stream=name, start=start, end=end, as_of=NOW)
                    )
                    stream = connector.stream(request)
                    rows = stream.to_dicts()
                    label = f"{conn.name}/{name}"
                    out.rows[label] = out.rows.get(label, 0) + len(rows)
                    out.notices.setdefault(label, []).extend(stream.notices)
                    out.records.setdefault(str(kinds[name].value), []).extend(rows)  # type: ignore[arg-type]
            for month in direct_months if conn.connector != "files" else ():
                window = Window.month(month)
                start, end = window.previous().start, window.end
                for spec in specs:
                    request = month_request(connector, spec, start, end, tuple(conn.accounts))
                    connector.stream(request).to_dicts()
            owners = getattr(connector, "owners", None)
            if conn.connector == "hubspot" and callable(owners):
                recording = getattr(connector, "recording", None)
                with replaying(recording) if recording else contextlib.nullcontext():
                    for owner in owners():
                        names_ = " ".join(p for p in (owner.first_name, owner.last_name) if p)
                        out.owners[str(owner.id)] = names_ or str(owner.id)
    return out
