"""partnerkit.testing.hostile: the shared strategies for hostile page bodies."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from hypothesis import given, settings

from partnerkit.testing import hostile

PAGE = {"data": [{"id": "1", "spend": "1.50"}], "paging": {"cursors": {"after": "x"}}}


def test_json_values_is_one_strategy() -> None:
    assert hostile.json_values() is hostile.json_values()


@given(hostile.json_values())
def test_json_values_are_json(value: Any) -> None:
    assert json.loads(json.dumps(value)) == value


@settings(max_examples=50)
@given(hostile.mutated([PAGE], max_depth=0))
def test_a_walk_of_no_steps_replaces_the_whole_body(page: Any) -> None:
    assert json.loads(json.dumps(page)) == page  # any JSON value, not PAGE's copy edited


@given(hostile.mutated([PAGE]))
def test_the_given_pages_are_never_modified(page: Any) -> None:
    assert PAGE == {"data": [{"id": "1", "spend": "1.50"}], "paging": {"cursors": {"after": "x"}}}


def test_mutating_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one page"):
        hostile.mutated([])


def test_without_hypothesis_the_error_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "hypothesis", None)
    with pytest.raises(ImportError, match="pip install hypothesis"):
        hostile.mutated([PAGE])


def test_recorded_bodies_keeps_what_the_predicate_wants_in_order(tmp_path) -> None:
    from partnerkit.testing.cassette import Cassette, Interaction, Request, Response

    def tape(*answers: tuple[str, Any]) -> Cassette:
        return Cassette(
            [Interaction(Request("GET", url), Response(200, body=body)) for url, body in answers]
        )

    (tmp_path / "sub").mkdir()
    tape(("https://api.example.com/v1/pages", {"n": 2})).save(tmp_path / "sub" / "b.yaml")
    tape(
        ("https://api.example.com/v1/pages", {"n": 1}),
        ("https://api.example.com/v1/me", {"id": 1}),
    ).save(tmp_path / "a.yaml")

    kept = hostile.recorded_bodies(tmp_path, lambda url, body: url.endswith("/pages"))

    assert kept == [{"n": 1}, {"n": 2}]  # a.yaml before sub/b.yaml; /me left out
