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


def test_bare_values_are_the_four_scalars_refused_at_the_top() -> None:
    rows = hostile.bare_values("a JSON object")
    assert rows == {
        "null": ("null", "", "a JSON object", "a JSON null"),
        "number": ("123", "", "a JSON object", "a JSON number (123)"),
        "true": ("true", "", "a JSON object", "a JSON boolean (true)"),
        "string": ('"x"', "", "a JSON object", "a JSON string of 1 character"),
    }


def test_run_alone_returns_what_the_child_printed_and_fails_on_a_crash(tmp_path) -> None:
    assert hostile.run_alone("print('refused: a JSON null')\n", tmp_path) == "refused: a JSON null"
    with pytest.raises(AssertionError, match="boom"):
        hostile.run_alone("import sys\nsys.exit('boom')\n", tmp_path)


def test_hostile_pages_checks_fail_on_an_error_that_is_not_the_librarys(pytester) -> None:
    pytester.makepyfile(
        """
        import json
        from partnerkit.errors import ResponseShapeError
        from partnerkit.testing import hostile

        class TestPages(hostile.HostilePages):
            shapes = {"null": ("null", "", "a JSON object", "a JSON null")}
            api, account, requests = "shop", "42", ("GET /42/orders",)
            recorded = [{"marker-7f3a": 1}]

            def read(self, request, body):
                raise ResponseShapeError(
                    "shop", api="shop", account="42", request="GET /42/orders",
                    where="", expected="a JSON object", found="a JSON null",
                )

            def parse(self, body):
                value = json.loads(body)
                if isinstance(value, dict) and value.get("marker-7f3a", 1) != 1:
                    raise TypeError("not the library's error")  # the recorded value changed
        """
    )
    result = pytester.runpytest("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*test_a_mutated_recorded_page_parses_or_raises*"])


def test_suite_builds_the_same_checks_from_parts(pytester) -> None:
    pytester.makepyfile(
        """
        from partnerkit.errors import ResponseShapeError
        from partnerkit.testing import hostile

        def serve(request, body):
            raise ResponseShapeError(
                "shop token-9c1e", api="shop", account="42", request="GET /42/orders",
                where="", expected="a JSON object", found="a JSON null",
            )

        def parse(body):
            return None

        TestPages = hostile.suite(
            {"null": ("null", "", "a JSON object", "a JSON null")},
            "shop", "42", ("GET /42/orders",), serve, parse, secret="token-9c1e",
            recorded=[{"a": 1}],
        )
        """
    )
    result = pytester.runpytest("-q", "-p", "no:cacheprovider")
    # the table row fails: the refusal shows the secret; the two property checks pass
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*test_a_page_that_is_not_the_documented_shape*"])
