"""The API's errors: the shape partnerkit_template registers reads its code, message and details.

The bodies come from partnerkit_template.testing; put your API's real error bodies there.
"""

from partnerkit_template import testing as template_faults

from partnerkit.errors import AuthenticationError, RateLimitError
from partnerkit.http import error_from_response
from partnerkit.testing.faults import served


def test_an_expired_token_keeps_the_apis_code_message_and_request_id() -> None:
    error = error_from_response("template", served(template_faults.expired_token()))

    assert isinstance(error, AuthenticationError)
    assert error.vendor_code == "token_expired"
    assert error.vendor_message == "The access token expired."
    assert error.details == {"request_id": "req-00000000"}


def test_a_429_is_a_rate_limit_with_the_apis_code() -> None:
    fault = template_faults.api_error(429, "rate_limited", "Slow down.")

    error = error_from_response("template", served(fault))

    assert isinstance(error, RateLimitError)
    assert (error.vendor_code, error.vendor_message) == ("rate_limited", "Slow down.")
