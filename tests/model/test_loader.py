"""Loading workspace files: every kind of bad input, with the exact key path and line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from partnerkit.errors import ConfigurationError, WorkspaceError, WorkspaceProblem
from partnerkit.model import load_workspace, parse_workspace

Writer = Callable[..., Path]
LoadError = Callable[[Path], WorkspaceError]
Spots = Callable[[WorkspaceError], list[tuple[int | None, str]]]

MINIMAL = """
name: Minimal
currency: USD
timezone: Europe/London
"""


def test_minimal_file(write: Writer) -> None:
    ws = load_workspace(write(MINIMAL))
    assert (ws.name, ws.currency, ws.timezone, ws.locale) == (
        "Minimal",
        "USD",
        "Europe/London",
        "en-US",
    )
    assert ws.partner is None
    assert ws.contract is None
    assert ws.calendar.timezone == "Europe/London"
    assert [d.value for d in ws.calendar.working_days] == [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
    ]


def test_error_is_a_configuration_error_naming_the_file(write: Writer) -> None:
    path = write("name: X\ncurrency: USD\n")
    with pytest.raises(ConfigurationError) as info:
        load_workspace(path)
    error = info.value
    assert isinstance(error, WorkspaceError)
    assert error.file == str(path)
    assert error.problems == [WorkspaceProblem("timezone", "is required but missing", None, None)]
    assert str(error).startswith(f"{path}: 1 problem in the workspace file:")


# ------------------------------------------------------------------- YAML level


def test_yaml_syntax_error_has_its_line(write: Writer, load_error: LoadError) -> None:
    path = write(
        """
        name: X
        currency: USD
        timezone: UTC
        sources:
          - id: a
            name: [unclosed
        """
    )
    error = load_error(path)
    assert len(error.problems) == 1
    problem = error.problems[0]
    assert problem.path == ""
    assert problem.message.startswith("the file is not valid YAML:")
    # the flow sequence opened on line 6 is still open at the end of the file (line 7)
    assert problem.line == 7


def test_bad_indentation_line(write: Writer, load_error: LoadError) -> None:
    path = write("name: X\n  currency: USD\ntimezone: UTC\n")
    error = load_error(path)
    assert [(p.line, p.path) for p in error.problems] == [(2, "")]
    assert "mapping values are not allowed here" in error.problems[0].message


def test_tab_indentation_says_so(write: Writer, load_error: LoadError) -> None:
    path = write("name: X\ncurrency: USD\ntimezone: UTC\nsources:\n\t- id: a\n")
    problem = load_error(path).problems[0]
    assert problem.line == 5
    assert "indent with spaces, not tabs" in problem.message


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("", 1, "the file is empty"),
        ("# only a comment\n", 1, "the file is empty"),
        ("- a\n- b\n", 1, "must be a mapping of keys at the top level"),
        ("just text\n", 1, "must be a mapping of keys at the top level"),
        ("a: 1\n---\nb: 2\n", 2, "limit MAX_DOCUMENTS = 1: a second YAML document"),
    ],
)
def test_not_a_workspace(
    write: Writer, load_error: LoadError, text: str, line: int, fragment: str
) -> None:
    problems = load_error(write(text)).problems
    assert len(problems) == 1
    assert problems[0].line == line
    assert fragment in problems[0].message


def test_missing_file(tmp_path: Path, load_error: LoadError) -> None:
    error = load_error(tmp_path / "nope.yaml")
    assert error.file == str(tmp_path / "nope.yaml")
    assert error.problems[0].message.startswith("the file does not exist")


def test_folder_without_workspace_file(tmp_path: Path, load_error: LoadError) -> None:
    error = load_error(tmp_path)
    assert error.file == str(tmp_path / "partnerkit.yaml")


def test_not_utf8(tmp_path: Path, load_error: LoadError) -> None:
    path = tmp_path / "partnerkit.yaml"
    path.write_bytes(b"name: caf\xe9\n")
    assert "not UTF-8" in load_error(path).problems[0].message


def test_duplicate_keys(write: Writer, load_error: LoadError, spots: Spots) -> None:
    path = write(
        """
        name: X
        currency: USD
        timezone: UTC
        partner:
          id: p
          name: P
          kind: agency
          name: Q
        name: Y
        """
    )
    error = load_error(path)
    assert spots(error) == [(8, "partner.name"), (9, "name")]
    assert error.problems[0].message.startswith("duplicate key 'name' (first on line 6)")
    assert "(first on line 1)" in error.problems[1].message


def test_yaml_12_scalars(write: Writer) -> None:
    """'no' stays text, '9:00' is not base-60, '0123' keeps its zero, 12.50 is exact."""
    path = write(
        """
        name: no
        currency: USD
        timezone: UTC
        calendar:
          hours: {start: 9:00, end: 17:30}
        connections:
          - name: c
            connector: echo
            accounts: [0123, 4567]
        contract:
          start: 2026-01-01
          pricing: {kind: retainer, monthly_fee: 12.50}
        """
    )
    ws = load_workspace(path)
    assert ws.name == "no"
    assert (ws.calendar.hours.start, ws.calendar.hours.end) == (dt.time(9), dt.time(17, 30))
    assert ws.connections[0].accounts == ["0123", "4567"]
    assert ws.contract is not None
    assert ws.contract.pricing.kind == "retainer"
    assert ws.contract.pricing.monthly_fee == Decimal("12.50")


# ------------------------------------------------------------------ schema level


SCHEMA_ERRORS = """
name: Schema errors
currency: ILX
timezone: Asia/Jerusalm
locale: hebrew
partner:
  id: p
  name: P
  kind: agncy
  people:
    - {id: noa, name: Noa, side: in-house}
contract:
  start: 2026-01-01
  end: 2026-13-01
  trial_end: 31/03/2026
  pricing: {kind: retaner, monthly_fee: 10}
sources:
  - id: search
    name: Search
    chanel: paid_search
    wiring: native
    owner: partner
    matching:
      utm_source: ""
      utm_campain: brand-*
  - id: meta
    name: Meta
    channel: paid_social
    wiring: zap
    owner: partner
    budget: 5000
    status: on
"""


def test_every_schema_problem_with_its_line(
    write: Writer, load_error: LoadError, spots: Spots
) -> None:
    error = load_error(write(SCHEMA_ERRORS))
    assert spots(error) == [
        (2, "currency"),
        (3, "timezone"),
        (4, "locale"),
        (8, "partner.kind"),
        (10, "partner.people[0].side"),
        (13, "contract.end"),
        (14, "contract.trial_end"),
        (15, "contract.pricing.kind"),
        (17, "sources[0].channel"),
        (19, "sources[0].chanel"),
        (23, "sources[0].matching.utm_source[0]"),
        (24, "sources[0].matching.utm_campain"),
        (28, "sources[1].wiring"),
        (30, "sources[1].budget"),
        (31, "sources[1].status"),
    ]
    by_path = {p.path: p for p in error.problems}

    currency = by_path["currency"]
    assert currency.message.startswith("must be an ISO 4217 currency code")
    assert currency.value == "ILX"
    assert "Did you mean 'Asia/Jerusalem'?" in by_path["timezone"].message
    assert by_path["locale"].message == "must be a locale tag such as en-US, he-IL or th-TH"

    kind = by_path["partner.kind"]
    assert kind.message == "must be one of: agency, freelancer, consultant. Did you mean 'agency'?"
    assert kind.value == "agncy"
    assert "Did you mean 'in_house'?" in by_path["partner.people[0].side"].message

    assert by_path["contract.end"].message == "must be a date written YYYY-MM-DD, e.g. 2026-01-31"
    assert by_path["contract.end"].value == "2026-13-01"
    assert by_path["contract.trial_end"].value == "31/03/2026"
    assert by_path["contract.pricing.kind"].message == (
        "must be one of: retainer, per_project, bank_of_hours. Did you mean 'retainer'?"
    )

    assert by_path["sources[0].channel"].message == "is required but missing"
    unknown = by_path["sources[0].chanel"]
    assert unknown.message.startswith("unknown key 'chanel'. Did you mean 'channel'? Allowed keys")
    assert "matching, monthly_lead_target, budget" in unknown.message
    assert unknown.value is None
    assert by_path["sources[0].matching.utm_source[0]"].message == "must not be empty"
    assert "Did you mean 'utm_campaign'?" in by_path["sources[0].matching.utm_campain"].message
    assert "Did you mean 'zapier'?" in by_path["sources[1].wiring"].message
    assert by_path["sources[1].budget"].message.startswith(
        "is a mapping: write {monthly: 5000} for a monthly budget"
    )
    # 'on' is text in a workspace file (not YAML 1.1's true), and not a status
    assert by_path["sources[1].status"].value == "on"
    assert by_path["sources[1].status"].message.startswith(
        "must be one of: active, paused, retired"
    )


def test_problem_values_and_messages_read_plainly(write: Writer, load_error: LoadError) -> None:
    path = write(
        """
        name: X
        currency: USD
        timezone: UTC
        contract:
          start: 2026-01-01
          notice_days: -5
          pricing:
            kind: bank_of_hours
            hours: many
            hourly_rate: 100
        sources: {id: a}
        """
    )
    error = load_error(path)
    assert [(p.line, p.path, p.message) for p in error.problems] == [
        (6, "contract.notice_days", "must be at least 0"),
        (9, "contract.pricing.hours", "must be a number"),
        (11, "sources", "must be a list ('- item' lines, or [a, b]) (got a mapping)"),
    ]


def test_missing_nested_key_points_at_its_parent(
    write: Writer, load_error: LoadError, spots: Spots
) -> None:
    path = write(
        """
        name: X
        currency: USD
        timezone: UTC
        campaigns:
          - id: a
            name: A
            objective: leads
            start: 2026-01-01
        """
    )
    assert spots(load_error(path)) == [(5, "campaigns[0].source")]


def test_missing_top_level_keys_have_no_line(write: Writer, load_error: LoadError) -> None:
    error = load_error(write("locale: en-US\n"))
    assert [(p.line, p.path) for p in error.problems] == [
        (None, "name"),
        (None, "currency"),
        (None, "timezone"),
    ]


def test_unknown_top_level_key(write: Writer, load_error: LoadError) -> None:
    error = load_error(write(MINIMAL + "source:\n  - id: a\n"))
    problem = error.problems[0]
    assert (problem.line, problem.path) == (4, "source")
    assert problem.message.startswith("unknown key 'source'. Did you mean 'sources'?")


def test_model_level_problem_points_at_the_mapping(write: Writer, load_error: LoadError) -> None:
    path = write(
        """
        name: X
        currency: USD
        timezone: UTC
        contract:
          start: 2026-06-01
          end: 2026-01-01
          pricing: {kind: retainer, monthly_fee: 1}
        """
    )
    error = load_error(path)
    assert [(p.line, p.path, p.message) for p in error.problems] == [
        (4, "contract", "the contract ends (2026-01-01) before it starts (2026-06-01)")
    ]


def test_quoted_dict_key_path(write: Writer, load_error: LoadError) -> None:
    path = write(
        """
        name: X
        currency: USD
        timezone: UTC
        contract:
          start: 2026-01-01
          pricing: {kind: retainer, monthly_fee: 1}
          media_budget:
            - channel: email
              monthly: 10
              months:
                "2026-02": 20
                "2026-13": 30
        """
    )
    problem = load_error(path).problems[0]
    assert problem.path == 'contract.media_budget[0].months["2026-13"]'
    assert problem.line == 12
    assert problem.message == "must be a month written year-month, e.g. 2026-07"


def test_problems_sorted_by_line_across_phases(
    write: Writer, load_error: LoadError, spots: Spots
) -> None:
    """Schema problems and secrets found in the same file come out in file order."""
    path = write(
        """
        name: X
        currency: USD
        timezone: UTC
        connections:
          - name: ads
            connector: google_ads
            settings:
              developer_token: abc
        sources:
          - {id: a, name: A, channel: nope, wiring: native, owner: partner}
        """
    )
    assert spots(load_error(path)) == [
        (8, "connections[0].settings.developer_token"),
        (10, "sources[0].channel"),
    ]


def test_parse_workspace_without_a_file() -> None:
    with pytest.raises(WorkspaceError) as info:
        parse_workspace("name: X\ncurrency: USD\ntimezone: Nowhere/City\n")
    assert info.value.file is None
    assert [(p.line, p.path) for p in info.value.problems] == [(3, "timezone")]


def test_anchors_in_x_keys_and_empty_sections(write: Writer) -> None:
    path = write(
        """
        x-paid: &paid
          wiring: native
          owner: partner
        name: X
        currency: USD
        timezone: UTC
        campaigns:
        targets: ~
        sources:
          - <<: *paid
            id: a
            name: A
            channel: paid_search
            matching:
          - <<: *paid
            id: b
            name: B
            channel: paid_social
            owner: in_house
        """
    )
    ws = load_workspace(path)
    assert ws.campaigns == []
    assert ws.targets == []
    assert [(s.id, s.wiring.value, s.owner.value) for s in ws.sources] == [
        ("a", "native", "partner"),
        ("b", "native", "in_house"),
    ]
    assert ws.sources[0].matching.is_empty


def test_odd_shapes_are_reported_not_crashed_on(
    write: Writer, load_error: LoadError, spots: Spots
) -> None:
    path = write(
        """
        name: X
        currency: USD
        timezone: UTC
        sources:
          - 5
          - id: b
            name: B
            channel: [email]
            wiring: form
            owner: partner
        1: one
        """
    )
    error = load_error(path)
    assert spots(error) == [(5, "sources[0]"), (8, "sources[1].channel"), (None, "[1]")]
    assert error.problems[0].message == "must be a mapping of keys and values"
    assert error.problems[0].value == 5
    assert error.problems[1].message.endswith("(got a list)")


def test_problem_in_merged_anchor_points_at_the_anchor(
    write: Writer, load_error: LoadError, spots: Spots
) -> None:
    path = write(
        """
        x-paid: &paid
          wiring: natve
          owner: partner
        name: X
        currency: USD
        timezone: UTC
        sources:
          - <<: *paid
            id: a
            name: A
            channel: paid_search
          - <<: *paid
            id: b
            name: B
            channel: paid_social
            wiring: form
        """
    )
    assert spots(load_error(path)) == [(2, "sources[0].wiring")]
