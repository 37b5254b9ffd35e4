"""connector.check_name and connector.one_or_many: the settings rules connectors share."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError, field_validator

from partnerkit.connector import NAME_PATTERN, StreamSpec, check_name, one_or_many
from partnerkit.records import RecordKind


@pytest.mark.parametrize("name", ["a", "hourly", "by_device_2"])
def test_a_lower_case_name_is_kept(name: str) -> None:
    assert check_name(name, "report name") == name


@pytest.mark.parametrize("name", ["", "Hourly", "2nd", "_x", "by-device", "a b", "hourly\n"])
def test_any_other_name_is_refused_with_what_it_names(name: str) -> None:
    with pytest.raises(ValueError, match=r"^custom query name ") as info:
        check_name(name, "custom query name")
    assert repr(name) in str(info.value)
    assert "lower case letters, digits and '_', starting with a letter" in str(info.value)


def test_stream_names_follow_the_same_pattern() -> None:
    assert StreamSpec.model_fields["name"].metadata[0].pattern == NAME_PATTERN
    with pytest.raises(ValidationError):
        StreamSpec(name="Ad-Insights", kind=RecordKind.PERFORMANCE)


class _Accounts(BaseModel):
    accounts: list[str]

    _one = field_validator("accounts", mode="before")(one_or_many)


@pytest.mark.parametrize(
    ("given", "read"),
    [("123", ["123"]), (123, ["123"]), (["1", "2"], ["1", "2"]), ([], [])],
)
def test_one_value_becomes_a_one_item_list_of_its_text(given: object, read: list[str]) -> None:
    assert _Accounts(accounts=given).accounts == read  # type: ignore[arg-type]


def test_a_boolean_is_not_taken_for_a_number() -> None:
    assert one_or_many(True) is True
    with pytest.raises(ValidationError, match="valid list"):
        _Accounts(accounts=True)  # type: ignore[arg-type]
