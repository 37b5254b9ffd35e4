"""SourceError.with_context: the one way to re-wrap a source error with more context."""

import pytest

from partnerkit.errors import (
    PermissionDeniedError,
    QuotaExhaustedError,
    RateLimitError,
    ResponseShapeError,
    SourceError,
)


def _throttle() -> RateLimitError:
    return RateLimitError(
        "The ga4 API is throttling requests (HTTP 429 Too Many Requests).",
        retry_after=7.0,
        api="ga4",
        account="555000111",
        request="POST https://analyticsdata.googleapis.com/v1beta/properties/555000111:runReport",
        status=429,
        vendor_code="RESOURCE_EXHAUSTED",
        vendor_message="Exhausted property tokens per hour.",
        details={"quota": "tokensPerHour"},
    )


def test_added_context_keeps_type_retryability_and_every_detail() -> None:
    error = _throttle()

    derived = error.with_context(stream="traffic", window="2026-10-01..2026-10-05")

    assert type(derived) is RateLimitError
    assert derived.retriable is True
    assert (derived.retry_after, derived.status, derived.vendor_code) == (
        7.0,
        429,
        "RESOURCE_EXHAUSTED",
    )
    assert derived.details == {
        "quota": "tokensPerHour",
        "stream": "traffic",
        "window": "2026-10-01..2026-10-05",
    }
    assert str(derived) == (
        "The ga4 API is throttling requests (HTTP 429 Too Many Requests). [api=ga4, "
        "account=555000111, stream=traffic, window=2026-10-01..2026-10-05, status=429, "
        "code=RESOURCE_EXHAUSTED] The API said: Exhausted property tokens per hour. Request: "
        "POST https://analyticsdata.googleapis.com/v1beta/properties/555000111:runReport"
    )
    # the original is untouched
    assert error.details == {"quota": "tokensPerHour"}
    assert "stream" not in str(error)


def test_a_new_message_and_fields_replace_theirs() -> None:
    derived = _throttle().with_context("Slow down.", account="555000222", retry_after=30.0)

    assert derived.message.startswith("Slow down. [api=ga4, account=555000222,")
    assert (derived.account, derived.retry_after) == ("555000222", 30.0)
    assert "retry_after" not in derived.details


def test_reclassifying_keeps_the_api_words_and_drops_the_old_class_attributes() -> None:
    spent = _throttle().with_context(
        "GA4's hourly quota is used up.", as_type=QuotaExhaustedError, resets_at="2026-10-01T13:00"
    )

    assert type(spent) is QuotaExhaustedError
    assert spent.retriable is False
    assert spent.resets_at == "2026-10-01T13:00"
    assert not hasattr(spent, "retry_after")
    assert (spent.vendor_code, spent.vendor_message) == (
        "RESOURCE_EXHAUSTED",
        "Exhausted property tokens per hour.",
    )
    with pytest.raises(QuotaExhaustedError):
        raise spent


def test_subclass_attributes_survive_and_defaults_fill_a_new_class() -> None:
    shape = ResponseShapeError(
        "GA4 runReport", where="rows", expected="a list", found="a JSON null", api="ga4"
    )
    assert shape.with_context(stream="traffic").where == "rows"

    plain = SourceError("The meta API answered HTTP 418.", api="meta", status=418)
    throttled = plain.with_context(as_type=RateLimitError)
    assert (type(throttled), throttled.retry_after, throttled.retriable) == (
        RateLimitError,
        None,
        True,
    )
    denied = plain.with_context(as_type=PermissionDeniedError, required_scopes=["crm.x"])
    assert denied.details == {"required_scopes": ["crm.x"]}
