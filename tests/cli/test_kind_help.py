"""Every option that takes a record kind names them all, from RecordKind."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from partnerkit.cli import app
from partnerkit.records import RecordKind


def test_export_kind_help_names_every_record_kind() -> None:
    result = CliRunner().invoke(app, ["export", "--help"], env={"COLUMNS": "400"})
    assert result.exit_code == 0
    text = " ".join(re.sub(r"[│╭╮╰╯─]", " ", result.output).split())
    named = re.search(r"Only these record kinds: ([a-z_, ]+)\.", text)
    assert named is not None
    assert named.group(1).split(", ") == [
        "performance",
        "lead",
        "deal",
        "campaign",
        "search_performance",
        "email_campaign",
        "activity",
        "form_submission",
        "company",
        "social_daily",
        "time_entry",
        "work_item",
        "meeting_item",
    ]
    assert named.group(1).split(", ") == list(RecordKind)
