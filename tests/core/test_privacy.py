import hashlib

import pytest

from partnerkit.privacy import hash_email, hash_phone, normalise_email, normalise_phone


def test_email_hash_is_salted_sha256_of_the_normalised_address() -> None:
    expected = hashlib.sha256(b"pepper" + b"dana.levi@example.com").hexdigest()
    assert hash_email("  Dana.Levi@Example.COM ", "pepper") == expected
    assert hash_email("dana.levi@example.com", "other") != expected


def test_phone_keeps_digits_and_leading_plus() -> None:
    assert normalise_phone("+972-55-555-1001") == "+972555551001"
    assert normalise_phone("(055) 555 1001") == "0555551001"
    expected = hashlib.sha256(b"s+972555551001").hexdigest()
    assert hash_phone("+972 55 555 1001", "s") == expected


@pytest.mark.parametrize("bad", ["dana(at)example.com", "", "a@b@c"])
def test_bad_emails_raise_without_repeating_the_value(bad: str) -> None:
    with pytest.raises(ValueError, match="not an email address") as info:
        normalise_email(bad)
    assert bad not in str(info.value) or bad == ""


@pytest.mark.parametrize("bad", ["call me", "12", "+1 555 CALL"])
def test_bad_phones_raise(bad: str) -> None:
    with pytest.raises(ValueError, match="not a phone number"):
        normalise_phone(bad)
