"""connector.first_contact_points: a lead form's first answered e-mail and phone."""

from __future__ import annotations

from partnerkit.connector import first_contact_points

EMAIL = {"email", "work_email"}
PHONE = {"phone", "mobilephone"}


def test_the_first_answered_field_of_each_kind_wins() -> None:
    answers = [
        ("firstname", "Ada"),
        ("email", None),  # asked, not answered: passed over
        ("work_email", "ada@example.com"),
        ("mobilephone", "+44 20 7946 0000"),
        ("email", "ada.private@example.org"),  # a second e-mail: the first one stays
        ("phone", "+44 20 7946 0001"),
    ]
    assert first_contact_points(answers, EMAIL, PHONE) == (
        "ada@example.com",
        "+44 20 7946 0000",
    )


def test_unknown_or_unnamed_fields_give_nothing() -> None:
    answers = [(None, "ada@example.com"), ("company", "Example Ltd")]
    assert first_contact_points(answers, EMAIL, PHONE) == (None, None)
    assert first_contact_points([], EMAIL, PHONE) == (None, None)
