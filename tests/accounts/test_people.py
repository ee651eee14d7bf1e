"""Readers of people that other apps use through ``lms.accounts.api``."""

from __future__ import annotations

from lms.accounts import api


def test_find_people_by_email_from_a_locality(in_town_a, make_person):
    ana = make_person(email="ana@example.org")
    make_person(email="beto@example.org")

    found = api.find_people_by_email(["ana@example.org", "nadie@example.org", ""])

    assert found == {"ana@example.org": ana.pk}  # unknown and blank left out
    assert api.find_people_by_email([]) == {}
