"""The breakdown profiles follow the accounts: registration, consent, withdrawal."""

from __future__ import annotations

from datetime import date

from lms.accounts import api as accounts_api
from lms.accounts.data import Question
from reporting.models import PersonProfile
from tenants import api as tenants_api


def _profile(user_id: int) -> PersonProfile:
    with tenants_api.in_public_schema():
        return PersonProfile.objects.get(user_id=user_id)


def test_profile_follows_registration_answers_and_withdrawal(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        person = accounts_api.register_person(
            first_name="Luz",
            last_name="Quintero",
            email="luz@example.org",
            password="clave-segura-1",
            document_type="CC",
            document_number="52999001",
            residence="kennedy",
            birth_date=date(2000, 1, 15),
        )
    profile = _profile(person.user_id)
    assert profile.birth_date == date(2000, 1, 15)
    assert profile.gender == "" and profile.registered_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        accounts_api.answer_sensitive_question(
            person.user_id, Question.GENDER, "mujer", consent=True
        )
        accounts_api.answer_sensitive_question(
            person.user_id, Question.CONFLICT_VICTIM, "si", consent=True
        )
        accounts_api.answer_sensitive_question(
            person.user_id, Question.ETHNIC_GROUP, "prefiero_no_decir", consent=True
        )
    profile = _profile(person.user_id)
    assert (profile.gender, profile.is_victim, profile.ethnic_group) == (
        "mujer",
        True,
        "",
    )

    with django_capture_on_commit_callbacks(execute=True):
        accounts_api.withdraw_consent(person.user_id, Question.GENDER)
    assert _profile(person.user_id).gender == ""

    with django_capture_on_commit_callbacks(execute=True):
        accounts_api.anonymize_person(person.user_id)
    anonymized = _profile(person.user_id)
    assert anonymized.birth_date is None and anonymized.is_victim is None


def test_locality_dashboard_counts_its_residents_as_registered(
    db, town_a, town_b, django_capture_on_commit_callbacks
):
    from reporting import api

    for n, residence in enumerate(["kennedy", "kennedy", "bosa"]):
        with django_capture_on_commit_callbacks(execute=True):
            accounts_api.register_person(
                first_name="Vecina",
                last_name=f"N{n}",
                email=f"vecina{n}@example.org",
                password="clave-segura-1",
                document_type="CC",
                document_number=f"5300000{n}",
                residence=residence,
                birth_date=date(1990, 1, 1),
            )
    assert api.build_locality_dashboard(town_a).figures.registered == 2
    assert api.build_locality_dashboard(town_b).figures.registered == 1
    filtered = api.build_locality_dashboard(town_a, filters=api.Filters(gender="mujer"))
    assert filtered.figures.registered is None  # not computed under filters
